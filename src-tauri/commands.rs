//! Every IPC command. Each one adapts a core call: arguments in, `Result<T, IpcError>` out.
//! No logic lives here; if a command grows an `if`, that code belongs in `ordinal-core`.

use ordinal_core::error::Classify;
use ordinal_core::kubeconfig::{self, ContextList};
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
        data_dir: state.dirs.data_dir.display().to_string(),
        log_dir: state.log_dir.display().to_string(),
    }
}

#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> Result<Settings, IpcError> {
    state.settings.load().map_err(|e| e.to_ipc())
}

#[tauri::command]
pub fn set_settings(state: State<'_, AppState>, settings: Settings) -> Result<Settings, IpcError> {
    state.settings.save(&settings).map_err(|e| e.to_ipc())?;
    Ok(settings)
}

#[tauri::command]
pub async fn list_contexts(state: State<'_, AppState>) -> Result<ContextList, IpcError> {
    let sources = state.sources();
    tauri::async_runtime::spawn_blocking(move || kubeconfig::load(&sources).context_list())
        .await
        .map_err(|e| IpcError::internal(e.to_string()))
}

/// Streams the context list: now, and again whenever a kubeconfig file changes on disk.
#[tauri::command]
pub fn watch_contexts(
    webview: Webview,
    state: State<'_, AppState>,
    on_event: Channel<ContextList>,
) -> ResourceId {
    streams::forward(
        &webview,
        on_event,
        kubeconfig::watch::contexts(state.sources()),
    )
}

#[tauri::command]
pub fn unwatch(webview: Webview, id: ResourceId) -> bool {
    streams::stop(&webview, id)
}
