//! Securing a context: its user's secret moves to the keyring and the user entry becomes an
//! exec credential plugin that runs `<ordinal> credential --context NAME`.
//!
//! What moves: `token`, `client-key-data` (or the contents of the `client-key` file), and an
//! `auth-provider` (whose `id-token`/`access-token` is served as the bearer token; Ordinal does
//! not refresh it). The client certificate moves with its key: the plugin serves both, and
//! kubectl rejects a certificate without a key even when an exec plugin is set. Basic auth cannot
//! be served by an exec plugin, so a user with a password is refused. The keyring item (service
//! [`SERVICE`], account = the context name written in the exec args) holds the original user
//! entry, so [`unsecure_context`] restores it exactly.

use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::{SecretStore, SecretsError};
use crate::kubeconfig::edit::replace_user_body;
use crate::kubeconfig::load::{
    decode_b64, encode_b64, is_ordinal_exec, ordinal_exec_context, str_field,
};
use crate::kubeconfig::{EditEnv, EditOutcome, EntryKind, Loaded};
use crate::sensitive::Sensitive;

/// The keyring service under which context secrets are stored.
pub const SERVICE: &str = "dev.ordinal.desktop/kubeconfig";

const EXEC_V1: &str = "client.authentication.k8s.io/v1";
const EXEC_V1BETA1: &str = "client.authentication.k8s.io/v1beta1";

/// What the keyring item holds (as JSON).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stored {
    version: u32,
    /// The user entry as it was before securing.
    user: Value,
    /// base64 of the client certificate PEM (from `client-certificate(-data)`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cert_data: Option<String>,
    /// base64 of the client key PEM (from `client-key(-data)`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key_data: Option<String>,
}

fn nonempty<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    str_field(v, k).filter(|s| !s.is_empty())
}

fn user_of(loaded: &Loaded, context: &str) -> Result<String, SecretsError> {
    let ctx = loaded
        .entry(EntryKind::Context, context)
        .ok_or_else(|| SecretsError::NotFound(format!("context {context:?} not found")))?;
    let user = nonempty(ctx, "user")
        .ok_or_else(|| SecretsError::Invalid(format!("context {context:?} has no user")))?
        .to_string();
    if loaded.entry(EntryKind::User, &user).is_none() {
        return Err(SecretsError::NotFound(format!(
            "user {user:?} of context {context:?} is not defined"
        )));
    }
    Ok(user)
}

fn read_file_b64(path: &str, what: &str) -> Result<String, SecretsError> {
    fs::read(path)
        .map(|b| encode_b64(&b))
        .map_err(|e| SecretsError::Invalid(format!("cannot read the {what} file {path}: {e}")))
}

/// Moves the context's secret into `store` and rewrites its user entry into an exec plugin
/// calling `ordinal_binary credential --context NAME`. Writes only the file holding the user.
pub fn secure_context(
    loaded: &Loaded,
    env: &EditEnv,
    store: &dyn SecretStore,
    context: &str,
    ordinal_binary: &Path,
) -> Result<EditOutcome, SecretsError> {
    let user = user_of(loaded, context)?;
    let original = loaded
        .entry(EntryKind::User, &user)
        .cloned()
        .unwrap_or(Value::Null);
    let resolved = loaded
        .resolved(EntryKind::User, &user)
        .unwrap_or(Value::Null);
    if is_ordinal_exec(&original) {
        return Err(SecretsError::Invalid(format!(
            "context {context:?} is already secured"
        )));
    }
    if original.get("exec").is_some_and(|e| !e.is_null()) {
        return Err(SecretsError::Invalid(format!(
            "context {context:?} already uses an exec plugin; its credentials are not in the kubeconfig"
        )));
    }
    if nonempty(&original, "password").is_some() {
        return Err(SecretsError::Invalid(
            "basic authentication (username/password) cannot be served by an exec credential plugin".into(),
        ));
    }
    if !ordinal_binary.is_absolute() {
        return Err(SecretsError::Invalid(
            "the ordinal binary path must be absolute".into(),
        ));
    }
    let key_data = match (
        nonempty(&resolved, "client-key-data"),
        nonempty(&resolved, "client-key"),
    ) {
        (Some(d), _) => Some(d.to_string()),
        (None, Some(p)) => Some(read_file_b64(p, "client key")?),
        _ => None,
    };
    let cert_data = match (
        nonempty(&resolved, "client-certificate-data"),
        nonempty(&resolved, "client-certificate"),
    ) {
        (Some(d), _) => Some(d.to_string()),
        (None, Some(p)) => Some(read_file_b64(p, "client certificate")?),
        _ => None,
    };
    let auth_token = original
        .get("auth-provider")
        .and_then(|a| a.get("config"))
        .and_then(|c| {
            nonempty(c, "id-token")
                .or_else(|| nonempty(c, "access-token"))
                .map(str::to_string)
        });
    let has_token = nonempty(&original, "token").is_some();
    if key_data.is_some() != cert_data.is_some() {
        return Err(SecretsError::Invalid(
            "a client key needs its certificate (and vice versa)".into(),
        ));
    }
    if !has_token && key_data.is_none() && auth_token.is_none() {
        return Err(SecretsError::Invalid(format!(
            "context {context:?} has no token, client key or auth-provider token in the kubeconfig to secure"
        )));
    }
    // Account: the context name, unless another secured user already uses it.
    let taken: Vec<String> = loaded
        .names(EntryKind::User)
        .iter()
        .filter_map(|u| {
            loaded
                .entry(EntryKind::User, u)
                .and_then(ordinal_exec_context)
        })
        .collect();
    let mut account = context.to_string();
    let mut n = 2;
    while taken.contains(&account) {
        account = format!("{context}#{n}");
        n += 1;
    }
    let stored = Stored {
        version: 1,
        user: original.clone(),
        cert_data,
        key_data,
    };
    // Every form the secret takes in a kubeconfig, to scrub older backups afterwards.
    let mut needles: Vec<String> = Vec::new();
    needles.extend(nonempty(&original, "token").map(str::to_string));
    needles.extend(nonempty(&original, "client-key-data").map(str::to_string));
    needles.extend(auth_token.clone());
    if let Some(cfg) = original.get("auth-provider").and_then(|a| a.get("config")) {
        needles.extend(nonempty(cfg, "refresh-token").map(str::to_string));
    }
    let blob = Sensitive::new(serde_json::to_string(&stored).expect("plain data"));
    store.set(SERVICE, &account, &blob)?;

    let mut body: Map<String, Value> = original.as_object().cloned().unwrap_or_default();
    // The certificate goes too: the plugin serves it with the key, and client-go refuses a user
    // with a certificate but no key even when an exec plugin is set ("client-key-data or
    // client-key must be specified").
    for k in [
        "token",
        "client-certificate",
        "client-certificate-data",
        "client-key",
        "client-key-data",
        "username",
        "password",
        "auth-provider",
    ] {
        body.remove(k);
    }
    body.insert(
        "exec".into(),
        json!({
            "apiVersion": EXEC_V1,
            "command": ordinal_binary.display().to_string(),
            "args": ["credential", "--context", account],
            "interactiveMode": "Never",
            "provideClusterInfo": false,
        }),
    );
    match replace_user_body(
        loaded,
        env,
        &user,
        Value::Object(body),
        &format!("secure context {context}"),
    ) {
        Ok(o) => {
            let refs: Vec<&str> = needles.iter().map(String::as_str).collect();
            crate::kubeconfig::edit::scrub_backups(env, &refs);
            Ok(o)
        }
        Err(e) => {
            // The kubeconfig still holds the secret: do not leave a stray keyring item.
            let _ = store.delete(SERVICE, &account);
            Err(e.into())
        }
    }
}

/// Restores the inline credentials of a secured context and deletes its keyring item.
pub fn unsecure_context(
    loaded: &Loaded,
    env: &EditEnv,
    store: &dyn SecretStore,
    context: &str,
) -> Result<EditOutcome, SecretsError> {
    let user = user_of(loaded, context)?;
    let current = loaded
        .entry(EntryKind::User, &user)
        .cloned()
        .unwrap_or(Value::Null);
    let account = ordinal_exec_context(&current).ok_or_else(|| {
        SecretsError::Invalid(format!("context {context:?} is not secured by Ordinal"))
    })?;
    let blob = store.get(SERVICE, &account)?.ok_or_else(|| {
        SecretsError::NotFound(format!("no keyring item for context {account:?}"))
    })?;
    let stored: Stored = serde_json::from_str(blob.expose()).map_err(|_| {
        SecretsError::Corrupt(format!(
            "keyring item for {account:?} is not Ordinal's format"
        ))
    })?;
    let mut restored: Map<String, Value> = stored.user.as_object().cloned().unwrap_or_default();
    // Keep fields added since securing (say, new extensions); drop our exec.
    if let Value::Object(cur) = &current {
        for (k, v) in cur {
            if k != "exec" && !restored.contains_key(k) {
                restored.insert(k.clone(), v.clone());
            }
        }
    }
    let out = replace_user_body(
        loaded,
        env,
        &user,
        Value::Object(restored),
        &format!("unsecure context {context}"),
    )?;
    store.delete(SERVICE, &account)?;
    Ok(out)
}

/// The `ExecCredential` JSON for `ordinal credential --context NAME`.
///
/// `exec_info` is `$KUBERNETES_EXEC_INFO`; its `apiVersion` (v1 or v1beta1) is echoed, v1 when
/// absent. The status holds `token` and/or `clientCertificateData` + `clientKeyData` (PEM).
pub fn credential(
    context: &str,
    store: &dyn SecretStore,
    exec_info: Option<&str>,
) -> Result<Sensitive<String>, SecretsError> {
    let api_version = match exec_info.map(str::trim).filter(|s| !s.is_empty()) {
        None => EXEC_V1.to_string(),
        Some(info) => {
            let v: Value = serde_json::from_str(info).map_err(|_| {
                SecretsError::Invalid("KUBERNETES_EXEC_INFO is not valid JSON".into())
            })?;
            match v.get("apiVersion").and_then(Value::as_str) {
                None | Some("") => EXEC_V1.to_string(),
                Some(a @ (EXEC_V1 | EXEC_V1BETA1)) => a.to_string(),
                Some(other) => {
                    return Err(SecretsError::Invalid(format!(
                        "unsupported ExecCredential apiVersion {other:?}"
                    )))
                }
            }
        }
    };
    let blob = store.get(SERVICE, context)?.ok_or_else(|| {
        SecretsError::NotFound(format!(
            "no keyring item for context {context:?}; secure it again"
        ))
    })?;
    let stored: Stored = serde_json::from_str(blob.expose()).map_err(|_| {
        SecretsError::Corrupt(format!(
            "keyring item for {context:?} is not Ordinal's format"
        ))
    })?;
    let mut status = Map::new();
    let token = nonempty(&stored.user, "token")
        .map(str::to_string)
        .or_else(|| {
            stored
                .user
                .get("auth-provider")
                .and_then(|a| a.get("config"))
                .and_then(|c| {
                    nonempty(c, "id-token")
                        .or_else(|| nonempty(c, "access-token"))
                        .map(str::to_string)
                })
        });
    if let Some(t) = token {
        status.insert("token".into(), Value::String(t));
    }
    if let (Some(c), Some(k)) = (&stored.cert_data, &stored.key_data) {
        let pem = |b64: &str, what: &str| -> Result<String, SecretsError> {
            decode_b64(b64)
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| SecretsError::Corrupt(format!("stored {what} is not base64 PEM")))
        };
        status.insert(
            "clientCertificateData".into(),
            Value::String(pem(c, "certificate")?),
        );
        status.insert("clientKeyData".into(), Value::String(pem(k, "key")?));
    }
    if status.is_empty() {
        return Err(SecretsError::Corrupt(format!(
            "keyring item for {context:?} holds no credential"
        )));
    }
    let out = json!({
        "apiVersion": api_version,
        "kind": "ExecCredential",
        "status": Value::Object(status),
    });
    Ok(Sensitive::new(
        serde_json::to_string(&out).expect("plain data"),
    ))
}

/// Deletes a context like [`crate::kubeconfig::delete_context`]; when that removes a user entry
/// secured by Ordinal, its keyring item is deleted too (after the kubeconfig write succeeded).
pub fn delete_context(
    loaded: &Loaded,
    env: &EditEnv,
    store: &dyn SecretStore,
    context: &str,
) -> Result<EditOutcome, SecretsError> {
    let user = loaded
        .entry(EntryKind::Context, context)
        .and_then(|c| nonempty(c, "user"))
        .map(str::to_string);
    let account = user
        .as_deref()
        .and_then(|u| loaded.entry(EntryKind::User, u))
        .and_then(ordinal_exec_context);
    let out = crate::kubeconfig::delete_context(loaded, env, context)?;
    if let (Some(user), Some(account)) = (user, account) {
        // Only when no remaining context still uses the secured user.
        let still_used = loaded.names(EntryKind::Context).iter().any(|c| {
            c != context
                && loaded
                    .entry(EntryKind::Context, c)
                    .and_then(|b| nonempty(b, "user"))
                    == Some(user.as_str())
        });
        if !still_used {
            store.delete(SERVICE, &account)?;
        }
    }
    Ok(out)
}

/// Exports contexts like [`crate::kubeconfig::export_contexts`], but users secured by Ordinal
/// are exported with their original inline credentials from the keyring, so the file works on
/// another machine. The output holds secrets: write it with mode 0600.
pub fn export_contexts(
    loaded: &Loaded,
    store: &dyn SecretStore,
    names: &[String],
) -> Result<String, SecretsError> {
    let mut copy = loaded.clone();
    for name in names {
        let Some(user) = loaded
            .entry(EntryKind::Context, name)
            .and_then(|c| nonempty(c, "user"))
            .map(str::to_string)
        else {
            continue;
        };
        let Some(account) = loaded
            .entry(EntryKind::User, &user)
            .and_then(ordinal_exec_context)
        else {
            continue;
        };
        let blob = store.get(SERVICE, &account)?.ok_or_else(|| {
            SecretsError::NotFound(format!("no keyring item for context {account:?}"))
        })?;
        let stored: Stored = serde_json::from_str(blob.expose()).map_err(|_| {
            SecretsError::Corrupt(format!(
                "keyring item for {account:?} is not Ordinal's format"
            ))
        })?;
        let mut body: Map<String, Value> = stored.user.as_object().cloned().unwrap_or_default();
        if let Some(k) = stored.key_data {
            body.remove("client-key");
            body.insert("client-key-data".into(), Value::String(k));
        }
        if let Some(c) = stored.cert_data {
            body.remove("client-certificate");
            body.insert("client-certificate-data".into(), Value::String(c));
        }
        copy.set_user_body_in_memory(&user, Value::Object(body));
    }
    Ok(crate::kubeconfig::export_contexts(&copy, names)?)
}
