//! The app's core state in one value: the kubeconfig sources, the connected clusters, the demo
//! cluster, the batch journal and the settings. Every IPC command is one call on a [`Session`];
//! the Tauri layer only adapts types.

use std::path::PathBuf;
use std::sync::Arc;

use futures::stream::BoxStream;
use futures::{Stream, StreamExt};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actions::{self, ActionError, ActionEvent, ActionRequest, Journal, RunOptions};
use crate::cluster::{kube_config_with, ClusterStatus, Clusters, Protection, DEMO_CONTEXT};
use crate::contexts::{ContextAdmin, ContextEdit, ImportRequest, ImportResult, ImportSource};
use crate::demo::{self, Demo};
use crate::edit::{self, ApplyOutcome, EditTarget, ObjectText};
use crate::error::{Classify, ErrorCode, IpcError};
use crate::execenv::{self, ExecEnv, PluginReport};
use crate::hub::list::{self, ListEvent, ListHandle, ListRequest};
use crate::hub::{RowsEvent, Scope};
use crate::kinds::statefulset::doctor::DoctorWatch;
use crate::kinds::statefulset::StatefulSetDetail;
use crate::kinds::{self, KindSpec};
use crate::kubeconfig::{
    self, paths::AppDirs, ContextList, EditEnv, EditOutcome, EntryKind, ImportPreview, Loaded,
    Sources,
};
use crate::secrets::{KeyringStore, SecretStore};
use crate::settings::{Settings, SettingsStore};
use kube::api::ApiResource;

/// What "Test connection" found: the exec plugin's run (for exec users) and the server's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionTest {
    pub plugin: Option<PluginReport>,
    pub status: ClusterStatus,
}

pub struct Session {
    pub dirs: AppDirs,
    pub settings: SettingsStore,
    pub clusters: Arc<Clusters>,
    demo: Demo,
    journal: Arc<Journal>,
    /// `$KUBECONFIG` as it was when the app started (tests and users set it per process).
    kubeconfig_env: Option<std::ffi::OsString>,
    home: Option<PathBuf>,
    secrets: Arc<dyn SecretStore>,
    /// The binary secured contexts run as their credential plugin.
    ordinal_binary: PathBuf,
    schemas: edit::schema::SchemaCache,
    grows: Arc<crate::kinds::statefulset::grow::GrowJournal>,
    /// Port-forwards: they outlive pages and views, and end with the app.
    forwards: crate::pods::forward::Forwards,
}

mod pods;
mod storage;
pub use storage::ClaimDeletion;

fn not_connected(context: &str) -> IpcError {
    IpcError::new(
        ErrorCode::Unreachable,
        format!("not connected to {context}; connect first"),
    )
}

/// A view's first value (or its error; `Unreachable` after 30 s), then its updates until the
/// first error ends them (the detail's and the Storage tab's streams).
pub(crate) async fn first_then_rest<T: Send + 'static>(
    context: &str,
    what: &str,
    mut stream: std::pin::Pin<Box<dyn Stream<Item = Result<T, IpcError>> + Send>>,
) -> Result<(T, BoxStream<'static, T>), IpcError> {
    let first = tokio::time::timeout(std::time::Duration::from_secs(30), stream.next())
        .await
        .map_err(|_| {
            IpcError::new(
                ErrorCode::Unreachable,
                format!("{context} did not answer within 30 s"),
            )
        })?
        .ok_or_else(|| IpcError::internal(format!("{what} stream ended")))??;
    let rest = stream
        .take_while(|r| futures::future::ready(r.is_ok()))
        .filter_map(|r| futures::future::ready(r.ok()))
        .boxed();
    Ok((first, rest))
}

fn joined<T>(r: Result<Result<T, IpcError>, tokio::task::JoinError>) -> Result<T, IpcError> {
    r.map_err(|e| IpcError::internal(e.to_string()))?
}

impl Session {
    /// A session using the OS keyring and this executable as the credential plugin.
    pub fn new(dirs: AppDirs) -> Self {
        let binary = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("ordinal"));
        Self::with_secrets(dirs, Arc::new(KeyringStore::new()), binary)
    }

    /// A session with another secret store (tests use an in-memory one).
    pub fn with_secrets(
        dirs: AppDirs,
        secrets: Arc<dyn SecretStore>,
        ordinal_binary: PathBuf,
    ) -> Self {
        Self {
            secrets,
            ordinal_binary,
            settings: SettingsStore::new(dirs.data_dir.join("settings.json")),
            clusters: Clusters::new(),
            demo: Demo::new(dirs.data_dir.join("demo")),
            journal: Arc::new(Journal::new(dirs.data_dir.join("journal"))),
            grows: Arc::new(crate::kinds::statefulset::grow::GrowJournal::new(
                dirs.data_dir.join("grow"),
            )),
            kubeconfig_env: std::env::var_os("KUBECONFIG"),
            home: kubeconfig::paths::home_dir(),
            dirs,
            schemas: Default::default(),
            forwards: Default::default(),
        }
    }

    /// The kubeconfig files as kubectl would find them, plus Ordinal's imported ones.
    pub fn sources(&self) -> Sources {
        Sources {
            kubeconfig_env: self.kubeconfig_env.clone(),
            home: self.home.clone(),
            managed_dir: Some(self.dirs.managed_dir()),
        }
    }

    /// The merged contexts, with the built-in demo cluster.
    pub async fn context_list(&self) -> ContextList {
        let sources = self.sources();
        let settings = self.settings_or_default();
        let list = tokio::task::spawn_blocking(move || {
            resolve_execs(kubeconfig::load(&sources).context_list(), &settings)
        })
        .await
        .unwrap_or_else(|_| ContextList {
            contexts: vec![],
            current_context: None,
            problems: vec![],
            sources: vec![],
            revision: String::new(),
        });
        demo::with_demo(list)
    }

    /// The context list now and after every change on disk.
    pub fn watch_contexts(&self) -> impl Stream<Item = ContextList> + Send + 'static {
        let store = self.settings.clone();
        kubeconfig::watch::contexts(self.sources()).map(move |list| {
            demo::with_demo(resolve_execs(list, &store.load().unwrap_or_default()))
        })
    }

    fn settings_or_default(&self) -> Settings {
        self.settings.load().unwrap_or_default()
    }

    /// Saves the settings and applies what changed to live connections (protection levels).
    pub fn set_settings(&self, settings: Settings) -> Result<Settings, IpcError> {
        self.settings.save(&settings).map_err(|e| e.to_ipc())?;
        self.clusters.set_protections(|c| settings.protection_of(c));
        Ok(settings)
    }

    fn admin(&self) -> ContextAdmin {
        ContextAdmin {
            sources: self.sources(),
            env: EditEnv::new(self.dirs.backups_dir()),
            store: self.secrets.clone(),
            ordinal_binary: self.ordinal_binary.clone(),
        }
    }

    /// An offline change to a context, refused when the files changed since `revision`.
    pub async fn edit_context(
        &self,
        revision: Option<String>,
        edit: ContextEdit,
    ) -> Result<EditOutcome, IpcError> {
        let admin = self.admin();
        joined(tokio::task::spawn_blocking(move || admin.edit(revision.as_deref(), &edit)).await)
    }

    /// Undoes the last kubeconfig write.
    pub async fn undo_kubeconfig(&self) -> Result<EditOutcome, IpcError> {
        let admin = self.admin();
        joined(tokio::task::spawn_blocking(move || admin.undo()).await)
    }

    pub async fn import_preview(&self, source: ImportSource) -> Result<ImportPreview, IpcError> {
        let admin = self.admin();
        joined(tokio::task::spawn_blocking(move || admin.import_preview(&source)).await)
    }

    pub async fn import_contexts(&self, request: ImportRequest) -> Result<ImportResult, IpcError> {
        let admin = self.admin();
        joined(tokio::task::spawn_blocking(move || admin.import(&request)).await)
    }

    /// Exports contexts to a new 0600 file; returns its path.
    pub async fn export_contexts(
        &self,
        contexts: Vec<String>,
        path: String,
    ) -> Result<String, IpcError> {
        let admin = self.admin();
        joined(tokio::task::spawn_blocking(move || admin.export(&contexts, &path)).await)
    }

    /// The exec environment of a context: the login shell's PATH plus its override.
    fn exec_env(&self, context: &str) -> ExecEnv {
        ExecEnv::for_context(self.settings_or_default().exec_overrides.get(context))
    }

    async fn load(&self) -> Result<Loaded, IpcError> {
        let sources = self.sources();
        tokio::task::spawn_blocking(move || kubeconfig::load(&sources))
            .await
            .map_err(|e| IpcError::internal(e.to_string()))
    }

    /// "Test connection": runs the exec plugin once (reporting its exit code, stderr and
    /// timing) and connects a throwaway client, without touching the app's connections.
    pub async fn test_connection(&self, context: &str) -> Result<ConnectionTest, IpcError> {
        let (config, plugin) = if context == DEMO_CONTEXT {
            (self.demo.config().await.map_err(|e| e.to_ipc())?, None)
        } else {
            let loaded = self.load().await?;
            let env = self.exec_env(context);
            let user = loaded
                .entry(EntryKind::Context, context)
                .and_then(|c| c.get("user").and_then(|u| u.as_str()).map(str::to_string))
                .and_then(|u| loaded.resolved(EntryKind::User, &u));
            let plugin = match user {
                Some(user) => {
                    let env = env.clone();
                    tokio::task::spawn_blocking(move || execenv::preflight(&user, &env))
                        .await
                        .map_err(|e| IpcError::internal(e.to_string()))?
                }
                None => None,
            };
            let config = kube_config_with(&loaded, context, Some(&env))
                .await
                .map_err(|e| e.to_ipc())?;
            (config, plugin)
        };
        let probe = Clusters::new();
        let status = probe
            .connect(context, config, self.protection(context))
            .await;
        probe.disconnect(context);
        Ok(ConnectionTest { plugin, status })
    }

    /// Connects one context (the demo cluster starts on its first connect). Failures to reach or
    /// authenticate are a status, not an error; an error means the context itself is unusable.
    pub async fn connect(&self, context: &str) -> Result<ClusterStatus, IpcError> {
        let config = if context == DEMO_CONTEXT {
            self.demo.config().await.map_err(|e| e.to_ipc())?
        } else {
            let loaded = self.load().await?;
            kube_config_with(&loaded, context, Some(&self.exec_env(context)))
                .await
                .map_err(|e| e.to_ipc())?
        };
        self.schemas.forget(context);
        Ok(self
            .clusters
            .connect(context, config, self.protection(context))
            .await)
    }

    /// Connects the demo cluster at once when it is the current context (the user has no
    /// kubeconfig context at all): the window connects it as soon as it shows, and starting now
    /// overlaps the simulator's start and the connection with the window's own start. Returns
    /// whether it connected.
    pub async fn connect_demo_if_current(&self) -> bool {
        let list = self.context_list().await;
        if list.current_context.as_deref() != Some(DEMO_CONTEXT) {
            return false;
        }
        let _ = self.connect(DEMO_CONTEXT).await;
        true
    }

    pub fn disconnect(&self, context: &str) -> bool {
        self.clusters.disconnect(context)
    }

    /// Protection level of a context, from Ordinal's settings (normal unless set).
    pub fn protection(&self, context: &str) -> Protection {
        self.settings_or_default().protection_of(context)
    }

    fn run_options(&self, context: &str) -> RunOptions {
        let settings = self.settings_or_default();
        RunOptions {
            protection: settings.protection_of(context),
            record_annotation: settings.stop_annotation,
        }
    }

    /// Live rows of one kind in one cluster.
    pub fn watch_rows(
        &self,
        context: &str,
        kind: &str,
        scope: Scope,
    ) -> Result<BoxStream<'static, RowsEvent>, IpcError> {
        let hub = self
            .clusters
            .hub(context)
            .ok_or_else(|| not_connected(context))?;
        match kind {
            kinds::statefulset::StatefulSets::ID => Ok(hub
                .subscribe::<kinds::statefulset::StatefulSets>(scope)
                .boxed()),
            other => Err(IpcError::new(
                ErrorCode::Invalid,
                format!("unknown resource kind {other}"),
            )),
        }
    }

    /// The list of `kind` in `scope` of `context`, live, in `order`, sending only the rows of `window`
    /// (`hub::list`): the webview holds what it draws, not every row (issue #20). A
    /// StatefulSet list joins the Doctor's column once it is complete.
    pub fn watch_list(
        &self,
        ListRequest {
            context,
            kind,
            scope,
            order,
            window,
        }: ListRequest,
    ) -> Result<(ListHandle, BoxStream<'static, ListEvent>), IpcError> {
        let rows = self.watch_rows(&context, &kind, scope.clone())?;
        let (joined_id, joined): (Option<&str>, Option<list::JoinedOpener>) = match kind.as_str() {
            kinds::statefulset::StatefulSets::ID => {
                let hub = self
                    .clusters
                    .hub(&context)
                    .ok_or_else(|| not_connected(&context))?;
                (
                    Some("doctor"),
                    Some(Box::new(move || Ok(hub.doctor(scope)))),
                )
            }
            _ => (None, None),
        };
        Ok(list::list(rows, joined_id, joined, order, window))
    }

    /// The Doctor's findings for every StatefulSet of `scope` (the list's badge), live: rows with
    /// one `doctor` cell, from a shared watch of the cluster's hub.
    pub fn watch_doctor(
        &self,
        context: &str,
        scope: Scope,
    ) -> Result<BoxStream<'static, RowsEvent>, IpcError> {
        let hub = self
            .clusters
            .hub(context)
            .ok_or_else(|| not_connected(context))?;
        Ok(hub.doctor(scope))
    }

    /// Runs a batch; the stream reports each item and the summary.
    pub fn run_action(
        &self,
        request: ActionRequest,
    ) -> Result<BoxStream<'static, ActionEvent>, IpcError> {
        let client = self
            .clusters
            .client(&request.context)
            .ok_or_else(|| not_connected(&request.context))?;
        let opts = self.run_options(&request.context);
        actions::run(client, self.journal.clone(), request, opts)
            .map(StreamExt::boxed)
            .map_err(|e: ActionError| e.to_ipc())
    }

    /// Whether the user may create objects of `kind` in `namespace`: false on read-only contexts,
    /// otherwise RBAC's answer (a SelfSubjectAccessReview, cached for a minute).
    pub async fn can_create(
        &self,
        context: &str,
        kind: &str,
        namespace: &str,
    ) -> Result<bool, IpcError> {
        if self.clusters.client(context).is_none() {
            return Err(not_connected(context));
        }
        if self.run_options(context).protection == Protection::ReadOnly {
            return Ok(false);
        }
        match kind {
            kinds::statefulset::StatefulSets::ID => {
                type K = <kinds::statefulset::StatefulSets as KindSpec>::K;
                use kube::Resource;
                self.clusters
                    .can_i(
                        context,
                        namespace,
                        "create",
                        &K::group(&()),
                        &K::plural(&()),
                    )
                    .await
                    .map_err(|e| e.to_ipc())
            }
            other => Err(IpcError::new(
                ErrorCode::NotFound,
                format!("unknown kind {other}"),
            )),
        }
    }

    /// What RBAC allows on the selection, and which selected objects an autoscaler drives.
    pub async fn action_checks(
        &self,
        context: &str,
        kind: &str,
        targets: Vec<actions::ObjectRef>,
    ) -> Result<actions::ActionChecks, IpcError> {
        if self.clusters.client(context).is_none() {
            return Err(not_connected(context));
        }
        match kind {
            kinds::statefulset::StatefulSets::ID => {
                type K = <kinds::statefulset::StatefulSets as KindSpec>::K;
                use kube::Resource;
                Ok(actions::check(
                    &self.clusters,
                    context,
                    &K::group(&()),
                    &K::plural(&()),
                    &K::kind(&()),
                    &kinds::statefulset::StatefulSets::capabilities(),
                    &targets,
                )
                .await)
            }
            other => Err(IpcError::new(
                ErrorCode::Invalid,
                format!("unknown resource kind {other}"),
            )),
        }
    }

    /// Batches of `context` interrupted by a crash or exit (newest first).
    pub fn interrupted_batches(&self, context: &str) -> Vec<actions::journal::BatchRecord> {
        self.journal.interrupted(context)
    }

    /// Runs an interrupted batch's remaining items (never one it already handled) as a new batch.
    pub fn resume_batch(
        &self,
        context: &str,
        batch_id: &str,
    ) -> Result<BoxStream<'static, ActionEvent>, IpcError> {
        let record = self
            .journal
            .get(batch_id)
            .ok()
            .flatten()
            .filter(|r| r.context == context && r.status == "running")
            .ok_or_else(|| {
                IpcError::new(
                    ErrorCode::NotFound,
                    format!("no interrupted batch {batch_id}"),
                )
            })?;
        let mut request = record.request.clone();
        request.targets.retain(|t| !record.done.contains(t));
        let stream = self.run_action(request)?;
        let _ = self.journal.close(batch_id, "resumed");
        Ok(stream)
    }

    /// Forgets an interrupted batch (its handled items stay undoable from its record).
    pub fn dismiss_batch(&self, batch_id: &str) -> Result<(), IpcError> {
        self.journal
            .close(batch_id, "dismissed")
            .map_err(|e| IpcError::internal(e.to_string()))
    }

    /// Undoes a Stop/Start/Scale batch.
    pub fn undo_batch(
        &self,
        context: &str,
        batch_id: &str,
    ) -> Result<BoxStream<'static, ActionEvent>, IpcError> {
        let client = self
            .clusters
            .client(context)
            .ok_or_else(|| not_connected(context))?;
        let opts = self.run_options(context);
        actions::undo(client, self.journal.clone(), context, batch_id, opts)
            .map(StreamExt::boxed)
            .map_err(|e| e.to_ipc())
    }

    /// The live detail of one StatefulSet: the first view (or the error: NotFound when it does not
    /// exist), then every change until it is deleted or the stream is dropped.
    pub async fn watch_detail(
        &self,
        context: &str,
        namespace: &str,
        name: &str,
    ) -> Result<(StatefulSetDetail, BoxStream<'static, StatefulSetDetail>), IpcError> {
        let client = self
            .clusters
            .client(context)
            .ok_or_else(|| not_connected(context))?;
        let stream = Box::pin(kinds::statefulset::detail::watch(
            client,
            self.clusters.features(context),
            context.into(),
            namespace.into(),
            name.into(),
        ));
        first_then_rest(context, "detail", stream).await
    }

    fn edit_api(&self, target: &EditTarget) -> Result<(kube::Client, ApiResource), IpcError> {
        let client = self
            .clusters
            .client(&target.context)
            .ok_or_else(|| not_connected(&target.context))?;
        let ar = kinds::api_resource(&target.kind).ok_or_else(|| {
            IpcError::new(
                ErrorCode::Invalid,
                format!("unknown resource kind {}", target.kind),
            )
        })?;
        Ok((client, ar))
    }

    /// The object as YAML for the editor.
    pub async fn read_object(&self, target: EditTarget) -> Result<ObjectText, IpcError> {
        let (client, ar) = self.edit_api(&target)?;
        edit::read(client, &ar, &target.namespace, &target.name).await
    }

    /// The server's OpenAPI schema of `kind` (cached per context and kind).
    pub async fn object_schema(
        &self,
        context: &str,
        kind: &str,
    ) -> Result<Arc<edit::schema::ObjectSchema>, IpcError> {
        let target = EditTarget {
            context: context.into(),
            kind: kind.into(),
            namespace: String::new(),
            name: String::new(),
        };
        let (client, ar) = self.edit_api(&target)?;
        self.schemas.get(context, kind, &client, &ar).await
    }

    /// What saving the text would change (server-side apply, `dryRun=All`): nothing is written.
    pub async fn plan_edit(
        &self,
        target: EditTarget,
        base: String,
        yaml: String,
    ) -> Result<ApplyOutcome, IpcError> {
        let (client, ar) = self.edit_api(&target)?;
        edit::plan(client, &ar, &target, &base, &yaml).await
    }

    /// Saves the text with server-side apply (manager `ordinal`). Refused on read-only contexts.
    pub async fn apply_edit(
        &self,
        target: EditTarget,
        base: String,
        yaml: String,
        force: bool,
    ) -> Result<ApplyOutcome, IpcError> {
        if self.protection(&target.context) == Protection::ReadOnly {
            return Err(IpcError::new(
                ErrorCode::Forbidden,
                format!("{} is read-only in Ordinal's settings", target.context),
            ));
        }
        let (client, ar) = self.edit_api(&target)?;
        edit::apply(client, &ar, &target, &base, &yaml, force).await
    }

    fn refuse_read_only(&self, context: &str) -> Result<(), IpcError> {
        if self.protection(context) == Protection::ReadOnly {
            return Err(IpcError::new(
                ErrorCode::Forbidden,
                format!("{context} is read-only in Ordinal's settings"),
            ));
        }
        Ok(())
    }

    fn client_of(&self, context: &str) -> Result<kube::Client, IpcError> {
        self.clusters
            .client(context)
            .ok_or_else(|| not_connected(context))
    }

    /// What saving a StatefulSet's disruption budget would change (dry run).
    pub async fn plan_pdb(
        &self,
        req: crate::kinds::statefulset::pdb::PdbRequest,
    ) -> Result<ApplyOutcome, IpcError> {
        crate::kinds::statefulset::pdb::plan(
            self.client_of(&req.context)?,
            &self.clusters.features(&req.context),
            &req,
        )
        .await
    }

    /// Creates (`<sts>-pdb`) or changes the budget. Refused on read-only contexts.
    pub async fn apply_pdb(
        &self,
        req: crate::kinds::statefulset::pdb::PdbRequest,
    ) -> Result<ApplyOutcome, IpcError> {
        self.refuse_read_only(&req.context)?;
        crate::kinds::statefulset::pdb::apply(
            self.client_of(&req.context)?,
            &self.clusters.features(&req.context),
            &req,
        )
        .await
    }

    /// Deletes a disruption budget. Refused on read-only contexts.
    pub async fn delete_pdb(
        &self,
        context: &str,
        namespace: &str,
        name: &str,
    ) -> Result<(), IpcError> {
        self.refuse_read_only(context)?;
        crate::kinds::statefulset::pdb::delete(
            self.client_of(context)?,
            &self.clusters.features(context),
            namespace,
            name,
        )
        .await
    }

    /// Create StatefulSet, step 1: the objects as YAML and what stands in the way (local checks,
    /// the chosen existing Service, the server's dry run). Nothing is written.
    pub async fn plan_create(
        &self,
        spec: crate::kinds::statefulset::create::CreateSpec,
    ) -> Result<crate::kinds::statefulset::create::CreatePlan, IpcError> {
        let client = self
            .clusters
            .client(&spec.context)
            .ok_or_else(|| not_connected(&spec.context))?;
        crate::kinds::statefulset::create::plan(client, &spec).await
    }

    /// Creates the Service (unless an existing one is used) and the StatefulSet. Refused on
    /// read-only contexts.
    pub async fn create_statefulset(
        &self,
        spec: crate::kinds::statefulset::create::CreateSpec,
    ) -> Result<crate::kinds::statefulset::create::CreateResult, IpcError> {
        if self.protection(&spec.context) == Protection::ReadOnly {
            return Err(IpcError::new(
                ErrorCode::Forbidden,
                format!("{} is read-only in Ordinal's settings", spec.context),
            ));
        }
        let client = self
            .clusters
            .client(&spec.context)
            .ok_or_else(|| not_connected(&spec.context))?;
        crate::kinds::statefulset::create::create(client, &spec).await
    }

    /// One key of a Secret, decoded, on the user's explicit click (Environment tab). The value
    /// is never logged; it stays [`crate::sensitive::Sensitive`] until handed to the caller.
    pub async fn reveal_secret_value(
        &self,
        context: &str,
        namespace: &str,
        secret: &str,
        key: &str,
    ) -> Result<crate::sensitive::Sensitive<String>, IpcError> {
        let client = self
            .clusters
            .client(context)
            .ok_or_else(|| not_connected(context))?;
        kinds::env::reveal_secret_value(client, namespace, secret, key).await
    }

    /// One key of a ConfigMap, read on click (Environment tab).
    pub async fn config_map_value(
        &self,
        context: &str,
        namespace: &str,
        config_map: &str,
        key: &str,
    ) -> Result<String, IpcError> {
        let client = self
            .clusters
            .client(context)
            .ok_or_else(|| not_connected(context))?;
        kinds::env::config_map_value(client, namespace, config_map, key).await
    }

    /// CPU and memory of a StatefulSet's pods, sampled while the stream is held (Metrics tab).
    pub fn watch_metrics(
        &self,
        context: &str,
        namespace: &str,
        name: &str,
    ) -> Result<BoxStream<'static, kinds::statefulset::metrics::MetricsSample>, IpcError> {
        let client = self
            .clusters
            .client(context)
            .ok_or_else(|| not_connected(context))?;
        Ok(kinds::statefulset::metrics::watch(
            client,
            namespace.into(),
            name.into(),
            kinds::statefulset::metrics::INTERVAL,
        )
        .boxed())
    }

    /// Stops the demo cluster (on exit).
    pub async fn shutdown(&self) {
        self.demo.stop().await;
    }
}

/// Fills in where each exec plugin resolves with the login shell's PATH and the overrides.
fn resolve_execs(mut list: ContextList, settings: &Settings) -> ContextList {
    for c in &mut list.contexts {
        if let Some(exec) = c.exec.as_mut() {
            let env = ExecEnv::for_context(settings.exec_overrides.get(&c.name));
            exec.resolved = env
                .resolve(&exec.command)
                .map(|p| p.to_string_lossy().into_owned());
        }
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::ConnState;
    use crate::secrets::MemoryStore;

    fn session(dir: &std::path::Path, kubeconfig: Option<&str>) -> Session {
        let mut s = Session::with_secrets(
            AppDirs::new(dir.join("data")),
            Arc::new(MemoryStore::new()),
            "/usr/bin/ordinal".into(),
        );
        s.home = Some(dir.join("home"));
        s.kubeconfig_env = kubeconfig.map(|text| {
            let path = dir.join("kubeconfig");
            std::fs::write(&path, text).unwrap();
            path.into_os_string()
        });
        s
    }

    #[tokio::test]
    async fn the_demo_connects_at_start_only_when_it_is_the_current_context() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = session(dir.path(), None);
        assert!(fresh.connect_demo_if_current().await);
        let statuses = fresh.clusters.statuses();
        let demo = statuses.iter().find(|s| s.context == DEMO_CONTEXT).unwrap();
        assert_eq!(demo.state, ConnState::Connected, "{demo:?}");
        fresh.shutdown().await;

        let dir = tempfile::tempdir().unwrap();
        let user = session(
            dir.path(),
            Some(
                "apiVersion: v1\nkind: Config\ncurrent-context: prod\n\
                 clusters: [{name: c, cluster: {server: 'https://127.0.0.1:9'}}]\n\
                 users: [{name: u, user: {token: t}}]\n\
                 contexts: [{name: prod, context: {cluster: c, user: u}}]\n",
            ),
        );
        assert!(!user.connect_demo_if_current().await);
        assert!(user.clusters.statuses().is_empty());
    }
}
