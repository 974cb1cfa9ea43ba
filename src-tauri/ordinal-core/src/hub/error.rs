//! The hub's error type.

use crate::cluster::classify_kube;
use crate::error::{Classify, ErrorCode, IpcError};

/// Why a watch is reconnecting.
#[derive(Debug, Clone, thiserror::Error)]
pub enum HubError {
    /// The watcher failed (list, watch start, a watch error event, or the stream).
    #[error("{message}")]
    Watch {
        code: ErrorCode,
        message: String,
        reason: Option<String>,
    },
}

impl HubError {
    pub fn from_watcher(e: &kube::runtime::watcher::Error) -> Self {
        use kube::runtime::watcher::Error as W;
        let (code, message, reason) = match e {
            W::InitialListFailed(k) | W::WatchStartFailed(k) | W::WatchFailed(k) => {
                classify_kube(k)
            }
            W::WatchError(s) => classify_kube(&kube::Error::Api(s.clone())),
            W::NoResourceVersion => (
                ErrorCode::Internal,
                "the API server sent no resourceVersion; this resource may not support watch"
                    .to_string(),
                None,
            ),
        };
        HubError::Watch {
            code,
            message,
            reason,
        }
    }

    pub(crate) fn ipc(&self) -> IpcError {
        self.to_ipc()
    }
}

impl Classify for HubError {
    fn code(&self) -> ErrorCode {
        match self {
            HubError::Watch { code, .. } => *code,
        }
    }
    fn detail(&self) -> Option<String> {
        match self {
            HubError::Watch {
                reason: Some(r), ..
            } => Some(format!("reason: {r}")),
            _ => None,
        }
    }
}
