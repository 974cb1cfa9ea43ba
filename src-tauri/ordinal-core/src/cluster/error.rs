//! The cluster module's error type, and the classification of kube-rs errors shared with the hub.

use crate::error::{Classify, ErrorCode};

/// Errors of the cluster module. Messages never contain credential bytes.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ClusterError {
    /// The context (or its cluster/user) is not in the merged kubeconfig.
    #[error("{kind} {name:?} is not defined in any kubeconfig file; pick another context or fix the kubeconfig")]
    NotInKubeconfig { kind: &'static str, name: String },
    /// The kubeconfig entry cannot be turned into a client configuration.
    #[error("the kubeconfig entry for context {context:?} is unusable: {message}")]
    BadKubeconfig { context: String, message: String },
    /// The context is not connected.
    #[error("context {0:?} is not connected; connect it first")]
    NotConnected(String),
    /// A request failed: the classified kube-rs error.
    #[error("{message}")]
    Kube {
        code: ErrorCode,
        message: String,
        reason: Option<String>,
    },
}

impl ClusterError {
    pub fn from_kube(e: &kube::Error) -> Self {
        let (code, message, reason) = classify_kube(e);
        ClusterError::Kube {
            code,
            message,
            reason,
        }
    }
}

impl Classify for ClusterError {
    fn code(&self) -> ErrorCode {
        match self {
            ClusterError::NotInKubeconfig { .. } => ErrorCode::NotFound,
            ClusterError::BadKubeconfig { .. } => ErrorCode::InvalidKubeconfig,
            ClusterError::NotConnected(_) => ErrorCode::NotFound,
            ClusterError::Kube { code, .. } => *code,
        }
    }
    fn detail(&self) -> Option<String> {
        match self {
            ClusterError::Kube {
                reason: Some(r), ..
            } => Some(format!("reason: {r}")),
            _ => None,
        }
    }
}

/// The API server's answer for a path no API serves ("the server could not find the requested
/// resource", or a bare "404 page not found"), as opposed to an object that does not exist.
fn api_missing(s: &kube::core::Status) -> bool {
    let m = s.message.to_ascii_lowercase();
    m.contains("could not find the requested resource") || m.contains("404 page not found")
}

/// Classify a kube-rs error: the error code, a message naming the API reason and the next step,
/// and the API server's `reason` when there is one.
pub(crate) fn classify_kube(e: &kube::Error) -> (ErrorCode, String, Option<String>) {
    match e {
        // A 404 without an object's name is the server not serving the API at all.
        kube::Error::Api(s) if s.code == 404 && api_missing(s) => (
            ErrorCode::Unsupported,
            format!(
                "NotFound: {}; this server does not offer that API (an older Kubernetes version, or an API that is not installed)",
                if s.message.is_empty() { "the server could not find the requested resource" } else { &s.message }
            ),
            Some(s.reason.clone()).filter(|r| !r.is_empty()),
        ),
        kube::Error::Api(s) => {
            let code = match s.code {
                401 => ErrorCode::Unauthorized,
                403 => ErrorCode::Forbidden,
                404 => ErrorCode::NotFound,
                409 => ErrorCode::Conflict,
                410 => ErrorCode::Expired,
                400 | 422 => ErrorCode::Invalid,
                408 | 429 | 500 | 502..=504 => ErrorCode::Unreachable,
                _ => ErrorCode::Internal,
            };
            let next = match code {
                ErrorCode::Unauthorized => {
                    "check the context's credentials (token, certificate or login)"
                }
                ErrorCode::Forbidden => "ask a cluster admin for the RBAC permission",
                ErrorCode::NotFound => "it may have been deleted; refresh",
                ErrorCode::Conflict => "someone changed it first; reload and try again",
                ErrorCode::Expired => "the watch will relist",
                ErrorCode::Invalid => "fix the input and try again",
                ErrorCode::Unreachable => {
                    "the API server is overloaded, throttling or restarting; retry shortly"
                }
                _ => "see the API server's message",
            };
            let reason = if s.reason.is_empty() {
                None
            } else {
                Some(s.reason.clone())
            };
            let what = reason.clone().unwrap_or_else(|| format!("HTTP {}", s.code));
            let msg = if s.message.is_empty() {
                format!("{what}; {next}")
            } else {
                format!("{what}: {}; {next}", s.message)
            };
            (code, msg, reason)
        }
        kube::Error::Auth(a) => (ErrorCode::Unauthorized, auth_message(a), None),
        kube::Error::HyperError(_) | kube::Error::Service(_) if find_auth(e).is_some() => (
            ErrorCode::Unauthorized,
            auth_message(find_auth(e).unwrap_or_else(|| unreachable!())),
            None,
        ),
        kube::Error::HyperError(_)
        | kube::Error::Service(_)
        | kube::Error::RustlsTls(_)
        | kube::Error::ReadEvents(_)
        | kube::Error::TlsRequired
        | kube::Error::ProxyProtocolUnsupported { .. }
        | kube::Error::ProxyProtocolDisabled { .. } => (
            ErrorCode::Unreachable,
            format!(
                "cannot reach the API server: {}; check the server address, network, VPN or proxy",
                chain(e)
            ),
            None,
        ),
        kube::Error::InferKubeconfig(k) => (
            ErrorCode::InvalidKubeconfig,
            format!("the kubeconfig entry is unusable: {k}; fix the context in the kubeconfig"),
            None,
        ),
        other => (
            ErrorCode::Internal,
            format!("unexpected client error: {other}"),
            None,
        ),
    }
}

/// A credential error somewhere in the source chain (the auth layer's errors reach us wrapped).
fn find_auth<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a kube::client::AuthError> {
    let mut cur: Option<&'a (dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(a) = err.downcast_ref::<kube::client::AuthError>() {
            return Some(a);
        }
        if let Some(kube::Error::Auth(a)) = err.downcast_ref::<kube::Error>() {
            return Some(a);
        }
        cur = err.source();
    }
    None
}

/// What went wrong obtaining credentials, with the plugin's own message (its stderr) and never
/// its stdout (which would hold the credential).
fn auth_message(a: &kube::client::AuthError) -> String {
    use kube::client::AuthError as A;
    match a {
        // The command line is left out: its arguments may carry secrets.
        A::AuthExecRun { out, .. } => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let stderr = stderr.trim();
            let tail: String = {
                let chars: Vec<char> = stderr.chars().collect();
                chars[chars.len().saturating_sub(500)..].iter().collect()
            };
            let said = if tail.is_empty() {
                String::new()
            } else {
                format!(": {tail}")
            };
            format!(
                "the credential plugin failed ({}){said}; sign in with it and reconnect",
                out.status
            )
        }
        A::AuthExecStart(io) => {
            format!(
                "cannot start the credential plugin: {io}; check that it is installed and on PATH"
            )
        }
        A::AuthExecParse(_) => {
            "the credential plugin's output is not an ExecCredential; check the plugin's version"
                .to_string()
        }
        other => format!("could not obtain credentials: {other}; check the context's credentials"),
    }
}

/// An error with its sources, e.g. "ServiceError: client error (Connect): tcp connect error: …".
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        let t = s.to_string();
        if !out.contains(&t) {
            out.push_str(": ");
            out.push_str(&t);
        }
        src = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: u16, reason: &str) -> kube::Error {
        kube::Error::Api(Box::new(
            kube::core::Status::failure("boom", reason).with_code(code),
        ))
    }

    #[test]
    fn a_missing_api_is_unsupported_not_a_deleted_object() {
        let missing = kube::Error::Api(Box::new(
            kube::core::Status::failure(
                "the server could not find the requested resource",
                "NotFound",
            )
            .with_code(404),
        ));
        let (code, message, _) = classify_kube(&missing);
        assert_eq!(code, ErrorCode::Unsupported);
        assert!(message.contains("does not offer that API"), "{message}");
        assert!(!message.contains("deleted"), "{message}");
        let gone = kube::Error::Api(Box::new(
            kube::core::Status::failure("statefulsets.apps \"db\" not found", "NotFound")
                .with_code(404),
        ));
        assert_eq!(classify_kube(&gone).0, ErrorCode::NotFound);
    }

    #[test]
    fn api_codes_map_to_error_codes() {
        for (http, want) in [
            (401, ErrorCode::Unauthorized),
            (403, ErrorCode::Forbidden),
            (404, ErrorCode::NotFound),
            (409, ErrorCode::Conflict),
            (410, ErrorCode::Expired),
            (422, ErrorCode::Invalid),
            (400, ErrorCode::Invalid),
        ] {
            let e = ClusterError::from_kube(&api(http, "Why"));
            assert_eq!(e.code(), want, "{http}");
            assert!(e.to_string().starts_with("Why: boom;"), "{e}");
            assert_eq!(e.detail().as_deref(), Some("reason: Why"));
        }
    }
}
