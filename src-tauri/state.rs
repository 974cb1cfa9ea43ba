//! The one managed value of the app.

use std::path::PathBuf;

use ordinal_core::kubeconfig::paths::AppDirs;
use ordinal_core::kubeconfig::Sources;
use ordinal_core::settings::SettingsStore;
use tracing_appender::non_blocking::WorkerGuard;

pub struct AppState {
    pub dirs: AppDirs,
    pub log_dir: PathBuf,
    pub settings: SettingsStore,
    _log_guard: Option<WorkerGuard>,
}

impl AppState {
    pub fn new(dirs: AppDirs, log_dir: PathBuf, log_guard: Option<WorkerGuard>) -> Self {
        let settings = SettingsStore::new(dirs.data_dir.join("settings.json"));
        Self {
            dirs,
            log_dir,
            settings,
            _log_guard: log_guard,
        }
    }

    /// The kubeconfig files as kubectl would find them, plus Ordinal's imported ones.
    pub fn sources(&self) -> Sources {
        Sources::from_env(Some(self.dirs.managed_dir()))
    }
}
