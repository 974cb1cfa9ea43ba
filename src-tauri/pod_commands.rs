//! IPC commands of pod operations (logs, shells, commands on every ordinal, port-forwards):
//! one core call each. A shell's input goes to the `ShellHandle` kept with its subscription in
//! the webview's resource table (its `ResourceId` is the shell's id).

use ordinal_core::pods::exec::{RunEvent, RunRequest, ShellEvent, ShellRequest};
use ordinal_core::pods::forward::{ForwardRequest, ForwardView};
use ordinal_core::pods::logs::{LogEvent, LogRequest};
use ordinal_core::pods::PodTargets;
use ordinal_core::IpcError;
use tauri::ipc::Channel;
use tauri::{ResourceId, State, Webview};

use crate::state::AppState;
use crate::streams;

/// The containers and ports of a StatefulSet's pods, and what the user may do with them.
#[tauri::command]
pub async fn pod_targets(
    state: State<'_, AppState>,
    context: String,
    namespace: String,
    name: String,
) -> Result<PodTargets, IpcError> {
    state.session.pod_targets(&context, &namespace, &name).await
}

/// Streams a log view until `unwatch`.
#[tauri::command]
pub fn watch_logs(
    webview: Webview,
    state: State<'_, AppState>,
    request: LogRequest,
    on_event: Channel<LogEvent>,
) -> Result<ResourceId, IpcError> {
    let stream = state.session.watch_logs(request)?;
    Ok(streams::forward(&webview, on_event, stream))
}

/// Opens a shell; its id takes input and resizes; `unwatch` closes it.
#[tauri::command]
pub async fn open_shell(
    webview: Webview,
    state: State<'_, AppState>,
    request: ShellRequest,
    on_event: Channel<ShellEvent>,
) -> Result<ResourceId, IpcError> {
    let (handle, events) = state.session.open_shell(request).await?;
    Ok(streams::forward_with(&webview, on_event, events, handle))
}

/// Keystrokes (or pasted text) for a shell. False when the shell is gone.
#[tauri::command]
pub fn shell_input(webview: Webview, id: ResourceId, data: String) -> bool {
    streams::attached::<ordinal_core::pods::exec::ShellHandle>(&webview, id)
        .is_some_and(|h| h.input(data.as_bytes()))
}

/// The terminal's new size.
#[tauri::command]
pub fn shell_resize(webview: Webview, id: ResourceId, cols: u16, rows: u16) -> bool {
    streams::attached::<ordinal_core::pods::exec::ShellHandle>(&webview, id)
        .is_some_and(|h| h.resize(cols, rows))
}

/// Runs one command on each chosen ordinal; results stream until `done`.
#[tauri::command]
pub fn run_on_ordinals(
    webview: Webview,
    state: State<'_, AppState>,
    request: RunRequest,
    on_event: Channel<RunEvent>,
) -> Result<ResourceId, IpcError> {
    let stream = state.session.run_on_ordinals(request)?;
    Ok(streams::forward(&webview, on_event, stream))
}

/// Starts a port-forward to an ordinal (listening when this returns).
#[tauri::command]
pub async fn start_forward(
    state: State<'_, AppState>,
    request: ForwardRequest,
) -> Result<ForwardView, IpcError> {
    state.session.start_forward(request).await
}

#[tauri::command]
pub fn stop_forward(state: State<'_, AppState>, id: String) -> bool {
    state.session.stop_forward(&id)
}

/// Streams every forward (the list on each change).
#[tauri::command]
pub fn watch_forwards(
    webview: Webview,
    state: State<'_, AppState>,
    on_event: Channel<Vec<ForwardView>>,
) -> ResourceId {
    streams::forward(&webview, on_event, state.session.watch_forwards())
}
