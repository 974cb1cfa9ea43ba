//! Every IPC command. Each one adapts one core call: arguments in, `Result<T, IpcError>` out.
//! No logic lives here; if a command grows an `if`, that code belongs in `ordinal-core`.

use futures::StreamExt;
use ordinal_core::actions::journal::BatchRecord;
use ordinal_core::actions::{ActionChecks, ActionEvent, ActionRequest, ObjectRef};
use ordinal_core::cluster::ClusterStatus;
use ordinal_core::contexts::{ContextEdit, ImportRequest, ImportResult, ImportSource};
use ordinal_core::edit::schema::ObjectSchema;
use ordinal_core::edit::{ApplyOutcome, EditTarget, ObjectText};
use ordinal_core::error::Classify;
use ordinal_core::hub::list::{ListEvent, ListHandle, ListKeys, ListRequest, ListWindow};
use ordinal_core::hub::view::ListOrder;
use ordinal_core::hub::{RowsEvent, Scope};
use ordinal_core::kinds::statefulset::create::{CreatePlan, CreateResult, CreateSpec};
use ordinal_core::kinds::statefulset::grow::{GrowEvent, GrowPlan, GrowRecord, GrowRequest};
use ordinal_core::kinds::statefulset::metrics::MetricsSample;
use ordinal_core::kinds::statefulset::pdb::PdbRequest;
use ordinal_core::kinds::statefulset::storage::StorageView;
use ordinal_core::kinds::statefulset::StatefulSetDetail;
use ordinal_core::kinds::{self, KindInfo};
use ordinal_core::kubeconfig::{ContextList, EditOutcome, ImportPreview};
use ordinal_core::session::ClaimDeletion;
use ordinal_core::session::ConnectionTest;
use ordinal_core::settings::Settings;
use ordinal_core::IpcError;
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{ResourceId, State, Webview};
use ts_rs::TS;

use crate::state::AppState;
use crate::streams;

/// What the UI shows in Settings and the sidebar footer.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub platform: String,
    pub data_dir: String,
    pub log_dir: String,
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        platform: format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH),
        data_dir: state.session.dirs.data_dir.display().to_string(),
        log_dir: state.log_dir.display().to_string(),
    }
}

/// The window's start-up milestones, written to the log (`ordinal_core::startup`).
#[tauri::command]
pub fn report_startup(marks: Vec<ordinal_core::startup::Milestone>) -> Result<(), IpcError> {
    ordinal_core::startup::report(&marks).map_err(|e| e.to_ipc())
}

#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> Result<Settings, IpcError> {
    state.session.settings.load().map_err(|e| e.to_ipc())
}

#[tauri::command]
pub fn set_settings(state: State<'_, AppState>, settings: Settings) -> Result<Settings, IpcError> {
    state.session.set_settings(settings)
}

#[tauri::command]
pub async fn list_contexts(state: State<'_, AppState>) -> Result<ContextList, IpcError> {
    Ok(state.session.context_list().await)
}

/// Streams the context list: now, and again whenever a kubeconfig file changes on disk.
#[tauri::command]
pub fn watch_contexts(
    webview: Webview,
    state: State<'_, AppState>,
    on_event: Channel<ContextList>,
) -> ResourceId {
    streams::forward(&webview, on_event, state.session.watch_contexts())
}

#[tauri::command]
pub fn list_kinds() -> Vec<KindInfo> {
    kinds::registry()
}

#[tauri::command]
pub async fn connect(
    state: State<'_, AppState>,
    context: String,
) -> Result<ClusterStatus, IpcError> {
    state.session.connect(&context).await
}

#[tauri::command]
pub fn disconnect(state: State<'_, AppState>, context: String) -> bool {
    state.session.disconnect(&context)
}

/// Streams every cluster's connection status: now, and on every change.
#[tauri::command]
pub fn watch_clusters(
    webview: Webview,
    state: State<'_, AppState>,
    on_event: Channel<Vec<ClusterStatus>>,
) -> ResourceId {
    streams::forward(&webview, on_event, state.session.clusters.watch_statuses())
}

/// Streams the rows of one kind in one connected cluster (reset, deltas, watch state).
#[tauri::command]
pub async fn watch_rows(
    webview: Webview,
    state: State<'_, AppState>,
    context: String,
    kind: String,
    scope: Scope,
    on_event: Channel<RowsEvent>,
) -> Result<ResourceId, IpcError> {
    let rows = state.session.watch_rows(&context, &kind, scope)?;
    Ok(streams::forward(&webview, on_event, rows))
}

/// Streams one list's window (`ListEvent`s: the window's rows, the total, health) until
/// `unwatch`; its id moves the window and changes the order (`set_list_window`,
/// `set_list_order`) and answers `list_keys` and `list_rows`.
#[tauri::command]
pub async fn watch_list(
    webview: Webview,
    state: State<'_, AppState>,
    request: ListRequest,
    on_event: Channel<ListEvent>,
) -> Result<ResourceId, IpcError> {
    let (handle, events) = state.session.watch_list(request)?;
    Ok(streams::forward_with(&webview, on_event, events, handle))
}

/// The rows a list shows (the table's visible range). False when the list is gone.
#[tauri::command]
pub fn set_list_window(webview: Webview, id: ResourceId, window: ListWindow) -> bool {
    streams::attached::<ListHandle>(&webview, id).is_some_and(|h| h.set_window(window))
}

/// A list's sort and filters. False when the list is gone.
#[tauri::command]
pub fn set_list_order(webview: Webview, id: ResourceId, order: ListOrder) -> bool {
    streams::attached::<ListHandle>(&webview, id).is_some_and(|h| h.set_order(order))
}

/// The keys of every row a list's filters match, in its order ("select all"); null when the
/// list is gone.
#[tauri::command]
pub async fn list_keys(webview: Webview, id: ResourceId) -> Result<Option<ListKeys>, IpcError> {
    Ok(match streams::attached::<ListHandle>(&webview, id) {
        Some(h) => h.keys().await,
        None => None,
    })
}

/// The rows of these keys in a list (shown or not); null when the list is gone.
#[tauri::command]
pub async fn list_rows(
    webview: Webview,
    id: ResourceId,
    keys: Vec<String>,
) -> Result<Option<Vec<std::sync::Arc<ordinal_core::kinds::Row>>>, IpcError> {
    Ok(match streams::attached::<ListHandle>(&webview, id) {
        Some(h) => h.rows(keys).await,
        None => None,
    })
}

/// Streams the Doctor's findings for every StatefulSet in the scope (the list's badge): rows
/// keyed like the StatefulSets', each with a `doctor` cell.
#[tauri::command]
pub async fn watch_doctor(
    webview: Webview,
    state: State<'_, AppState>,
    context: String,
    scope: Scope,
    on_event: Channel<RowsEvent>,
) -> Result<ResourceId, IpcError> {
    let events = state.session.watch_doctor(&context, scope)?;
    Ok(streams::forward(&webview, on_event, events))
}

/// Runs a batch action; progress and the summary arrive on the channel.
#[tauri::command]
pub async fn run_action(
    webview: Webview,
    state: State<'_, AppState>,
    request: ActionRequest,
    on_event: Channel<ActionEvent>,
) -> Result<ResourceId, IpcError> {
    let events = state.session.run_action(request)?;
    Ok(streams::forward(&webview, on_event, events))
}

/// Streams the detail of one StatefulSet: rejects with NotFound when it does not exist.
#[tauri::command]
pub async fn watch_detail(
    webview: Webview,
    state: State<'_, AppState>,
    context: String,
    namespace: String,
    name: String,
    on_event: Channel<StatefulSetDetail>,
) -> Result<ResourceId, IpcError> {
    let view = state
        .session
        .watch_detail(&context, &namespace, &name)
        .await?;
    streams::forward_view(&webview, on_event, view)
}

/// Undoes a Stop/Start/Scale batch; returns its summary.
#[tauri::command]
pub async fn undo_batch(
    state: State<'_, AppState>,
    context: String,
    batch_id: String,
) -> Result<ActionEvent, IpcError> {
    let mut events = state.session.undo_batch(&context, &batch_id)?;
    let mut last = None;
    while let Some(ev) = events.next().await {
        last = Some(ev);
    }
    last.ok_or_else(|| IpcError::internal("undo finished without a summary"))
}

/// An offline change to a context (rename, delete, namespace, current, duplicate, secure,
/// unsecure), refused with `Conflict` when the kubeconfig changed since `revision`.
#[tauri::command]
pub async fn edit_context(
    state: State<'_, AppState>,
    revision: Option<String>,
    edit: ContextEdit,
) -> Result<EditOutcome, IpcError> {
    state.session.edit_context(revision, edit).await
}

/// Undoes the last kubeconfig write.
#[tauri::command]
pub async fn undo_kubeconfig(state: State<'_, AppState>) -> Result<EditOutcome, IpcError> {
    state.session.undo_kubeconfig().await
}

/// What importing a file or pasted YAML would add, and which names clash.
#[tauri::command]
pub async fn import_preview(
    state: State<'_, AppState>,
    source: ImportSource,
) -> Result<ImportPreview, IpcError> {
    state.session.import_preview(source).await
}

#[tauri::command]
pub async fn import_contexts(
    state: State<'_, AppState>,
    request: ImportRequest,
) -> Result<ImportResult, IpcError> {
    state.session.import_contexts(request).await
}

/// Writes contexts to a new self-contained file (0600); returns its path.
#[tauri::command]
pub async fn export_contexts(
    state: State<'_, AppState>,
    contexts: Vec<String>,
    path: String,
) -> Result<String, IpcError> {
    state.session.export_contexts(contexts, path).await
}

/// Runs the context's exec plugin once and connects a throwaway client.
#[tauri::command]
pub async fn test_connection(
    state: State<'_, AppState>,
    context: String,
) -> Result<ConnectionTest, IpcError> {
    state.session.test_connection(&context).await
}

/// One object as YAML for the editor (no managedFields or status; resourceVersion kept).
#[tauri::command]
pub async fn read_object(
    state: State<'_, AppState>,
    target: EditTarget,
) -> Result<ObjectText, IpcError> {
    state.session.read_object(target).await
}

/// The server's OpenAPI schema of a kind, for the editor's checks and completion (fetched once
/// per cluster and kind).
#[tauri::command]
pub async fn object_schema(
    state: State<'_, AppState>,
    context: String,
    kind: String,
) -> Result<std::sync::Arc<ObjectSchema>, IpcError> {
    state.session.object_schema(&context, &kind).await
}

/// What saving the YAML would change (server-side apply, dry run): nothing is written. `base`
/// is the text as read: when the object changed since, the answer says so.
#[tauri::command]
pub async fn plan_edit(
    state: State<'_, AppState>,
    target: EditTarget,
    base: String,
    yaml: String,
) -> Result<ApplyOutcome, IpcError> {
    state.session.plan_edit(target, base, yaml).await
}

/// Saves the YAML (server-side apply, field manager `ordinal`; `force` takes over conflicts).
#[tauri::command]
pub async fn apply_edit(
    state: State<'_, AppState>,
    target: EditTarget,
    base: String,
    yaml: String,
    force: bool,
) -> Result<ApplyOutcome, IpcError> {
    state.session.apply_edit(target, base, yaml, force).await
}

/// Which actions RBAC allows on the selection, and the autoscalers driving any of it.
#[tauri::command]
pub async fn action_checks(
    state: State<'_, AppState>,
    context: String,
    kind: String,
    targets: Vec<ObjectRef>,
) -> Result<ActionChecks, IpcError> {
    state.session.action_checks(&context, &kind, targets).await
}

/// Whether the user may create objects of `kind` in `namespace` (RBAC; never on read-only contexts).
#[tauri::command]
pub async fn can_create(
    state: State<'_, AppState>,
    context: String,
    kind: String,
    namespace: String,
) -> Result<bool, IpcError> {
    state.session.can_create(&context, &kind, &namespace).await
}

/// Batches of a context interrupted by a crash or exit, newest first.
#[tauri::command]
pub fn interrupted_batches(state: State<'_, AppState>, context: String) -> Vec<BatchRecord> {
    state.session.interrupted_batches(&context)
}

/// Runs an interrupted batch's remaining items; progress arrives on the channel.
#[tauri::command]
pub async fn resume_batch(
    webview: Webview,
    state: State<'_, AppState>,
    context: String,
    batch_id: String,
    on_event: Channel<ActionEvent>,
) -> Result<ResourceId, IpcError> {
    let events = state.session.resume_batch(&context, &batch_id)?;
    Ok(streams::forward(&webview, on_event, events))
}

#[tauri::command]
pub fn dismiss_batch(state: State<'_, AppState>, batch_id: String) -> Result<(), IpcError> {
    state.session.dismiss_batch(&batch_id)
}

/// What saving a StatefulSet's disruption budget would change (dry run); nothing is written.
#[tauri::command]
pub async fn plan_pdb(
    state: State<'_, AppState>,
    request: PdbRequest,
) -> Result<ApplyOutcome, IpcError> {
    state.session.plan_pdb(request).await
}

/// Creates `<sts>-pdb` or changes the existing budget.
#[tauri::command]
pub async fn apply_pdb(
    state: State<'_, AppState>,
    request: PdbRequest,
) -> Result<ApplyOutcome, IpcError> {
    state.session.apply_pdb(request).await
}

/// Deletes a disruption budget (after the UI's confirmation).
#[tauri::command]
pub async fn delete_pdb(
    state: State<'_, AppState>,
    context: String,
    namespace: String,
    name: String,
) -> Result<(), IpcError> {
    state.session.delete_pdb(&context, &namespace, &name).await
}

/// Create StatefulSet, step 1: both objects as YAML and the problems (local checks, the chosen
/// Service, the server's dry run). Nothing is written.
#[tauri::command]
pub async fn plan_create(
    state: State<'_, AppState>,
    spec: CreateSpec,
) -> Result<CreatePlan, IpcError> {
    state.session.plan_create(spec).await
}

/// Creates the headless Service (unless an existing one is picked), then the StatefulSet.
#[tauri::command]
pub async fn create_statefulset(
    state: State<'_, AppState>,
    spec: CreateSpec,
) -> Result<CreateResult, IpcError> {
    state.session.create_statefulset(spec).await
}

/// One key of a Secret, decoded, on an explicit click in the Environment tab. The value leaves
/// `Sensitive` only here, for the webview that asked for it; it is never logged.
#[tauri::command]
pub async fn reveal_secret_value(
    state: State<'_, AppState>,
    context: String,
    namespace: String,
    secret: String,
    key: String,
) -> Result<String, IpcError> {
    let value = state
        .session
        .reveal_secret_value(&context, &namespace, &secret, &key)
        .await?;
    Ok(value.into_inner())
}

/// One key of a ConfigMap, read on click in the Environment tab.
#[tauri::command]
pub async fn config_map_value(
    state: State<'_, AppState>,
    context: String,
    namespace: String,
    config_map: String,
    key: String,
) -> Result<String, IpcError> {
    state
        .session
        .config_map_value(&context, &namespace, &config_map, &key)
        .await
}

/// CPU and memory of a StatefulSet's pods while the Metrics tab is open (every 10 s).
#[tauri::command]
pub fn watch_metrics(
    webview: Webview,
    state: State<'_, AppState>,
    context: String,
    namespace: String,
    name: String,
    on_event: Channel<MetricsSample>,
) -> Result<ResourceId, IpcError> {
    let samples = state.session.watch_metrics(&context, &namespace, &name)?;
    Ok(streams::forward(&webview, on_event, samples))
}

#[tauri::command]
pub fn unwatch(webview: Webview, id: ResourceId) -> bool {
    streams::stop(&webview, id)
}

/// Streams the Storage tab of one StatefulSet (claims, orphans, usage).
#[tauri::command]
pub async fn watch_storage(
    webview: Webview,
    state: State<'_, AppState>,
    context: String,
    namespace: String,
    name: String,
    on_event: Channel<StorageView>,
) -> Result<ResourceId, IpcError> {
    let view = state
        .session
        .watch_storage(&context, &namespace, &name)
        .await?;
    streams::forward_view(&webview, on_event, view)
}

/// The preflight of growing a claim template: nothing changes.
#[tauri::command]
pub async fn plan_grow(
    state: State<'_, AppState>,
    request: GrowRequest,
) -> Result<GrowPlan, IpcError> {
    state.session.plan_grow(request).await
}

/// Grows a claim template; progress streams to `on_event` until `finished`.
#[tauri::command]
pub async fn grow_storage(
    webview: Webview,
    state: State<'_, AppState>,
    request: GrowRequest,
    confirm: Option<String>,
    on_event: Channel<GrowEvent>,
) -> Result<ResourceId, IpcError> {
    let events = state.session.grow_storage(request, confirm).await?;
    Ok(streams::forward(&webview, on_event, events))
}

/// Grow procedures a previous run left unfinished on this context.
#[tauri::command]
pub fn interrupted_grows(state: State<'_, AppState>, context: String) -> Vec<GrowRecord> {
    state.session.interrupted_grows(&context)
}

/// Continues an interrupted grow.
#[tauri::command]
pub fn resume_grow(
    webview: Webview,
    state: State<'_, AppState>,
    context: String,
    id: String,
    on_event: Channel<GrowEvent>,
) -> Result<ResourceId, IpcError> {
    let events = state.session.resume_grow(&context, &id)?;
    Ok(streams::forward(&webview, on_event, events))
}

/// Forgets an interrupted grow.
#[tauri::command]
pub fn dismiss_grow(
    state: State<'_, AppState>,
    context: String,
    id: String,
) -> Result<(), IpcError> {
    state.session.dismiss_grow(&context, &id)
}

/// Deletes orphaned claims after the typed word.
#[tauri::command]
pub async fn delete_claims(
    state: State<'_, AppState>,
    context: String,
    namespace: String,
    names: Vec<String>,
    confirm: String,
) -> Result<Vec<ClaimDeletion>, IpcError> {
    state
        .session
        .delete_claims(&context, &namespace, names, &confirm)
        .await
}

/// Sets the claim retention policy (`Retain`/`Delete` for whenDeleted and whenScaled).
#[tauri::command]
pub async fn set_retention(
    state: State<'_, AppState>,
    context: String,
    namespace: String,
    name: String,
    when_deleted: String,
    when_scaled: String,
) -> Result<(), IpcError> {
    state
        .session
        .set_retention(&context, &namespace, &name, &when_deleted, &when_scaled)
        .await
}
