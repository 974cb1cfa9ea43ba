//! The one managed value of the app: the core session, plus what only the app layer holds.

use std::path::PathBuf;

use ordinal_core::session::Session;
use tracing_appender::non_blocking::WorkerGuard;

pub struct AppState {
    pub session: Session,
    pub log_dir: PathBuf,
    _log_guard: Option<WorkerGuard>,
}

impl AppState {
    pub fn new(session: Session, log_dir: PathBuf, log_guard: Option<WorkerGuard>) -> Self {
        Self {
            session,
            log_dir,
            _log_guard: log_guard,
        }
    }
}
