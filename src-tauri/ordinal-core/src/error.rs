//! Errors that cross the IPC boundary.
//!
//! Every module keeps its own `thiserror` error type. At the boundary each is mapped to an
//! [`IpcError`]: a closed [`ErrorCode`] the UI can branch on, a human message, and optional
//! detail (for example the API server's reason or a file position). Secrets never appear here:
//! module errors are written so that their `Display` never includes credential bytes.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The closed set of error codes the UI branches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub enum ErrorCode {
    /// The cluster rejected the credentials (HTTP 401), or they could not be obtained.
    Unauthorized,
    /// The credentials are valid but RBAC forbids the verb (HTTP 403).
    Forbidden,
    /// The object, context or file does not exist.
    NotFound,
    /// Someone else changed the object or file first (HTTP 409, or a file changed on disk).
    Conflict,
    /// A watch resumed from a resourceVersion older than the server keeps (HTTP 410).
    Expired,
    /// The cluster cannot be reached (DNS, TCP, TLS, timeout).
    Unreachable,
    /// A kubeconfig file could not be read or understood.
    InvalidKubeconfig,
    /// The OS keyring is missing, locked or refused the operation.
    KeyringUnavailable,
    /// The input was rejected (validation, HTTP 422, a bad argument).
    Invalid,
    /// The user or the app cancelled the operation.
    Cancelled,
    /// The server does not offer the API or field (an older Kubernetes version, or an API that
    /// is not installed).
    Unsupported,
    /// A bug or an unexpected condition: the message says what.
    Internal,
}

/// The one error shape that crosses IPC: `{code, message, detail?}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub detail: Option<String>,
}

impl IpcError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            detail: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }
}

/// Implemented by each module's error type: which [`ErrorCode`] it maps to.
pub trait Classify: std::fmt::Display {
    fn code(&self) -> ErrorCode;
    fn detail(&self) -> Option<String> {
        None
    }
    fn to_ipc(&self) -> IpcError {
        IpcError {
            code: self.code(),
            message: self.to_string(),
            detail: self.detail(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_code_message_detail() {
        let e = IpcError::new(
            ErrorCode::Forbidden,
            "you cannot patch statefulsets in namespace db",
        )
        .with_detail("reason: Forbidden");
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["code"], "Forbidden");
        assert_eq!(
            v["message"],
            "you cannot patch statefulsets in namespace db"
        );
        assert_eq!(v["detail"], "reason: Forbidden");
        let no_detail = serde_json::to_value(IpcError::internal("x")).unwrap();
        assert!(no_detail.get("detail").is_none());
    }
}
