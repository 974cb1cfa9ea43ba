//! `ApiError`: every failure the API can answer, rendered as a metav1.Status like the real server.

use serde_json::{json, Value};

use crate::resources::ResourceDef;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    Status {
        code: u16,
        reason: &'static str,
        message: String,
        details: Option<Value>,
        retry_after: Option<u64>,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ApiError {
    pub fn new(code: u16, reason: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::Status {
            code,
            reason,
            message: message.into(),
            details: None,
            retry_after: None,
        }
    }
    pub fn with_details(self, d: Value) -> ApiError {
        match self {
            ApiError::Status {
                code,
                reason,
                message,
                retry_after,
                ..
            } => ApiError::Status {
                code,
                reason,
                message,
                details: Some(d),
                retry_after,
            },
            other => other,
        }
    }
    pub fn bad_request(msg: impl Into<String>) -> ApiError {
        ApiError::new(400, "BadRequest", msg)
    }
    pub fn not_found(r: &ResourceDef, name: &str) -> ApiError {
        ApiError::new(
            404,
            "NotFound",
            format!("{} \"{}\" not found", r.qualified(), name),
        )
        .with_details(json!({"name": name, "group": r.group, "kind": r.plural}))
    }
    pub fn namespace_not_found(ns: &str) -> ApiError {
        ApiError::new(404, "NotFound", format!("namespaces \"{ns}\" not found"))
            .with_details(json!({"name": ns, "kind": "namespaces"}))
    }
    pub fn already_exists(r: &ResourceDef, name: &str) -> ApiError {
        ApiError::new(
            409,
            "AlreadyExists",
            format!("{} \"{}\" already exists", r.qualified(), name),
        )
        .with_details(json!({"name": name, "group": r.group, "kind": r.plural}))
    }
    pub fn conflict(r: &ResourceDef, name: &str) -> ApiError {
        ApiError::new(
            409,
            "Conflict",
            format!("Operation cannot be fulfilled on {} \"{}\": the object has been modified; please apply your changes to the latest version and try again", r.qualified(), name),
        )
        .with_details(json!({"name": name, "group": r.group, "kind": r.plural}))
    }
    /// 422 Invalid with field causes: (type, message, field).
    pub fn invalid(r: &ResourceDef, name: &str, causes: Vec<(String, String, String)>) -> ApiError {
        let msgs: Vec<String> = causes.iter().map(|(_, m, f)| format!("{f}: {m}")).collect();
        let joined = if msgs.len() == 1 {
            msgs[0].clone()
        } else {
            format!("[{}]", msgs.join(", "))
        };
        let cs: Vec<Value> = causes
            .iter()
            .map(|(t, m, f)| json!({"reason": t, "message": m, "field": f}))
            .collect();
        let kind = if r.group.is_empty() {
            r.kind.to_string()
        } else {
            format!("{}.{}", r.kind, r.group)
        };
        ApiError::new(
            422,
            "Invalid",
            format!("{kind} \"{name}\" is invalid: {joined}"),
        )
        .with_details(json!({"name": name, "group": r.group, "kind": r.kind, "causes": cs}))
    }
    pub fn forbidden(message: String, name: &str, r: &ResourceDef) -> ApiError {
        ApiError::new(403, "Forbidden", message)
            .with_details(json!({"name": name, "group": r.group, "kind": r.plural}))
    }
    pub fn unauthorized() -> ApiError {
        ApiError::new(401, "Unauthorized", "Unauthorized")
    }
    pub fn internal(msg: impl Into<String>) -> ApiError {
        ApiError::new(500, "InternalError", msg)
    }
    pub fn method_not_allowed() -> ApiError {
        ApiError::new(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
        )
    }
    pub fn gone(msg: impl Into<String>) -> ApiError {
        ApiError::new(410, "Expired", msg)
    }

    pub fn code(&self) -> u16 {
        match self {
            ApiError::Status { code, .. } => *code,
            ApiError::Store(StoreError::Expired { .. }) => 410,
            ApiError::Store(_) => 500,
        }
    }

    pub fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The metav1.Status body.
    pub fn to_status(&self) -> Value {
        let (code, reason, message, details) = match self {
            ApiError::Status {
                code,
                reason,
                message,
                details,
                ..
            } => (*code, *reason, message.clone(), details.clone()),
            ApiError::Store(e @ StoreError::Expired { .. }) => {
                (410, "Expired", e.to_string(), None)
            }
            ApiError::Store(e) => (500, "InternalError", e.to_string(), None),
        };
        let mut s = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": message,
            "reason": reason,
            "code": code,
        });
        if let Some(mut d) = details {
            // StatusDetails fields are omitempty: no `"group": ""` for the core group.
            if let Some(m) = d.as_object_mut() {
                m.retain(|k, v| !(matches!(k.as_str(), "name" | "group" | "kind") && v == ""));
            }
            s["details"] = d;
        }
        s
    }
}
