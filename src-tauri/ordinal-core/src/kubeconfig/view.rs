//! `kubectl config view --merge [--minify] [--raw] -o json|yaml`.
//!
//! The output has kubectl's shape: only the fields kubectl knows (v1 `Config` types, in their
//! order for JSON, sorted keys for YAML), `*-data` shown as `DATA+OMITTED` and `token` /
//! `password` as `REDACTED` unless `raw`. Paths are shown as written, like kubectl's view.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::load::{entries, entry_name, Loaded};
use super::{fsio, EntryKind, KubeconfigError, Result};

const DATA_OMITTED: &str = "DATA+OMITTED";
const REDACTED: &str = "REDACTED";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ViewFormat {
    #[default]
    Yaml,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ViewOptions {
    /// Only the current context and what it references.
    pub minify: bool,
    /// Show secrets and certificate data.
    pub raw: bool,
    pub format: ViewFormat,
}

fn is_empty(s: &Option<String>) -> bool {
    s.as_deref().unwrap_or("").is_empty()
}
fn is_false(b: &Option<bool>) -> bool {
    !b.unwrap_or(false)
}
fn is_empty_vec<T>(v: &Option<Vec<T>>) -> bool {
    v.as_ref().map(|v| v.is_empty()).unwrap_or(true)
}
fn is_empty_map<K, V>(v: &Option<BTreeMap<K, V>>) -> bool {
    v.as_ref().map(|v| v.is_empty()).unwrap_or(true)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct NamedExtension {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub extension: Value,
}

/// kubectl's v1 `Cluster`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ClusterV {
    #[serde(serialize_with = "ser_str")]
    pub server: Option<String>,
    #[serde(rename = "tls-server-name", skip_serializing_if = "is_empty")]
    pub tls_server_name: Option<String>,
    #[serde(rename = "insecure-skip-tls-verify", skip_serializing_if = "is_false")]
    pub insecure_skip_tls_verify: Option<bool>,
    #[serde(rename = "certificate-authority", skip_serializing_if = "is_empty")]
    pub certificate_authority: Option<String>,
    #[serde(
        rename = "certificate-authority-data",
        skip_serializing_if = "is_empty"
    )]
    pub certificate_authority_data: Option<String>,
    #[serde(rename = "proxy-url", skip_serializing_if = "is_empty")]
    pub proxy_url: Option<String>,
    #[serde(rename = "disable-compression", skip_serializing_if = "is_false")]
    pub disable_compression: Option<bool>,
    #[serde(skip_serializing_if = "is_empty_vec")]
    pub extensions: Option<Vec<NamedExtension>>,
}

fn ser_str<S: serde::Serializer>(v: &Option<String>, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(v.as_deref().unwrap_or(""))
}
fn ser_bool<S: serde::Serializer>(v: &Option<bool>, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_bool(v.unwrap_or(false))
}

/// kubectl's v1 `AuthInfo`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct UserV {
    #[serde(rename = "client-certificate", skip_serializing_if = "is_empty")]
    pub client_certificate: Option<String>,
    #[serde(rename = "client-certificate-data", skip_serializing_if = "is_empty")]
    pub client_certificate_data: Option<String>,
    #[serde(rename = "client-key", skip_serializing_if = "is_empty")]
    pub client_key: Option<String>,
    #[serde(rename = "client-key-data", skip_serializing_if = "is_empty")]
    pub client_key_data: Option<String>,
    #[serde(skip_serializing_if = "is_empty")]
    pub token: Option<String>,
    #[serde(rename = "tokenFile", skip_serializing_if = "is_empty")]
    pub token_file: Option<String>,
    #[serde(rename = "as", skip_serializing_if = "is_empty")]
    pub impersonate: Option<String>,
    #[serde(rename = "as-uid", skip_serializing_if = "is_empty")]
    pub impersonate_uid: Option<String>,
    #[serde(rename = "as-groups", skip_serializing_if = "is_empty_vec")]
    pub impersonate_groups: Option<Vec<String>>,
    #[serde(rename = "as-user-extra", skip_serializing_if = "is_empty_map")]
    pub impersonate_user_extra: Option<BTreeMap<String, Option<Vec<String>>>>,
    #[serde(skip_serializing_if = "is_empty")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "is_empty")]
    pub password: Option<String>,
    #[serde(rename = "auth-provider", skip_serializing_if = "Option::is_none")]
    pub auth_provider: Option<AuthProviderV>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exec: Option<ExecV>,
    #[serde(skip_serializing_if = "is_empty_vec")]
    pub extensions: Option<Vec<NamedExtension>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct AuthProviderV {
    #[serde(serialize_with = "ser_str")]
    pub name: Option<String>,
    pub config: Option<BTreeMap<String, Option<String>>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ExecV {
    #[serde(serialize_with = "ser_str")]
    pub command: Option<String>,
    pub args: Option<Vec<String>>,
    pub env: Option<Vec<ExecEnvV>>,
    #[serde(rename = "apiVersion", skip_serializing_if = "is_empty")]
    pub api_version: Option<String>,
    #[serde(rename = "installHint", skip_serializing_if = "is_empty")]
    pub install_hint: Option<String>,
    #[serde(rename = "provideClusterInfo", serialize_with = "ser_bool")]
    pub provide_cluster_info: Option<bool>,
    #[serde(rename = "interactiveMode", skip_serializing_if = "is_empty")]
    pub interactive_mode: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ExecEnvV {
    #[serde(serialize_with = "ser_str")]
    pub name: Option<String>,
    #[serde(serialize_with = "ser_str")]
    pub value: Option<String>,
}

/// kubectl's v1 `Context`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ContextV {
    #[serde(serialize_with = "ser_str")]
    pub cluster: Option<String>,
    #[serde(serialize_with = "ser_str")]
    pub user: Option<String>,
    #[serde(skip_serializing_if = "is_empty")]
    pub namespace: Option<String>,
    #[serde(skip_serializing_if = "is_empty_vec")]
    pub extensions: Option<Vec<NamedExtension>>,
}

#[derive(Serialize, Default)]
struct PreferencesV {
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    colors: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    extensions: Vec<NamedExtension>,
}

#[derive(Serialize)]
struct ConfigV {
    kind: &'static str,
    #[serde(rename = "apiVersion")]
    api_version: &'static str,
    preferences: PreferencesV,
    clusters: Option<Vec<NamedOut>>,
    users: Option<Vec<NamedOut>>,
    contexts: Option<Vec<NamedOut>>,
    #[serde(rename = "current-context")]
    current_context: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    extensions: Vec<NamedExtension>,
}

/// A named entry in kubectl's field order (`name` first).
#[derive(Serialize)]
struct NamedOut {
    name: String,
    #[serde(flatten)]
    body: BodyOut,
}

#[derive(Serialize)]
enum BodyOut {
    #[serde(rename = "cluster")]
    Cluster(ClusterV),
    #[serde(rename = "user")]
    User(Box<UserV>),
    #[serde(rename = "context")]
    Context(ContextV),
}

fn named(kind: EntryKind, name: &str, body: &Value, raw: bool) -> NamedOut {
    // Entries were validated at load time, so these conversions succeed.
    let body = if body.is_null() {
        Value::Object(Map::new())
    } else {
        body.clone()
    };
    let body = match kind {
        EntryKind::Cluster => {
            let mut c: ClusterV = serde_json::from_value(body).unwrap_or_default();
            if !raw && !is_empty(&c.certificate_authority_data) {
                c.certificate_authority_data = Some(DATA_OMITTED.into());
            }
            BodyOut::Cluster(c)
        }
        EntryKind::User => {
            let mut u: UserV = serde_json::from_value(body).unwrap_or_default();
            if !raw {
                for f in [&mut u.client_certificate_data, &mut u.client_key_data] {
                    if !is_empty(f) {
                        *f = Some(DATA_OMITTED.into());
                    }
                }
                for f in [&mut u.token, &mut u.password] {
                    if !is_empty(f) {
                        *f = Some(REDACTED.into());
                    }
                }
            }
            BodyOut::User(Box::new(u))
        }
        EntryKind::Context => BodyOut::Context(serde_json::from_value(body).unwrap_or_default()),
    };
    NamedOut {
        name: name.to_string(),
        body,
    }
}

/// Top-level and preference extensions: first file to define a name wins; sorted by name.
fn merged_extensions(
    loaded: &Loaded,
    pick: impl Fn(&Map<String, Value>) -> Option<&Value>,
) -> Vec<NamedExtension> {
    let mut out: BTreeMap<String, NamedExtension> = BTreeMap::new();
    for f in &loaded.files {
        if let Some(Value::Array(list)) = pick(&f.doc) {
            for e in list {
                if let Ok(ne) = serde_json::from_value::<NamedExtension>(e.clone()) {
                    let name = ne.name.clone().unwrap_or_default();
                    out.entry(name).or_insert(ne);
                }
            }
        }
    }
    out.into_values().collect()
}

/// Renders the merged configuration like `kubectl config view --merge`.
pub fn view(loaded: &Loaded, opts: ViewOptions) -> Result<String> {
    let mut selected: [Vec<String>; 3] = [
        loaded.names(EntryKind::Cluster),
        loaded.names(EntryKind::User),
        loaded.names(EntryKind::Context),
    ];
    let current = loaded.current_context().unwrap_or("").to_string();
    if opts.minify {
        if current.is_empty() {
            return Err(KubeconfigError::Invalid(
                "current-context must exist in order to minify".into(),
            ));
        }
        let ctx = loaded
            .entry(EntryKind::Context, &current)
            .ok_or_else(|| KubeconfigError::Invalid(format!("cannot locate context {current}")))?;
        let cluster = ctx
            .get("cluster")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let user = ctx
            .get("user")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        selected = [vec![], vec![], vec![current.clone()]];
        if !cluster.is_empty() {
            if loaded.entry(EntryKind::Cluster, &cluster).is_none() {
                return Err(KubeconfigError::Invalid(format!(
                    "cannot locate cluster {cluster}"
                )));
            }
            selected[0].push(cluster);
        }
        if !user.is_empty() {
            if loaded.entry(EntryKind::User, &user).is_none() {
                return Err(KubeconfigError::Invalid(format!(
                    "cannot locate user {user}"
                )));
            }
            selected[1].push(user);
        }
    }
    let list = |kind: EntryKind, names: &[String]| -> Option<Vec<NamedOut>> {
        if names.is_empty() {
            return None;
        }
        Some(
            names
                .iter()
                .map(|n| {
                    named(
                        kind,
                        n,
                        loaded.entry(kind, n).unwrap_or(&Value::Null),
                        opts.raw,
                    )
                })
                .collect(),
        )
    };
    let colors = loaded.files.iter().any(|f| {
        f.doc
            .get("preferences")
            .and_then(|p| p.get("colors"))
            .and_then(Value::as_bool)
            == Some(true)
    });
    let config = ConfigV {
        kind: "Config",
        api_version: "v1",
        preferences: PreferencesV {
            colors,
            extensions: merged_extensions(loaded, |d| {
                d.get("preferences").and_then(|p| p.get("extensions"))
            }),
        },
        clusters: list(EntryKind::Cluster, &selected[0]),
        users: list(EntryKind::User, &selected[1]),
        contexts: list(EntryKind::Context, &selected[2]),
        current_context: current,
        extensions: merged_extensions(loaded, |d| d.get("extensions")),
    };
    Ok(match opts.format {
        ViewFormat::Json => {
            let mut buf = Vec::new();
            let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
            let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
            config
                .serialize(&mut ser)
                .expect("serialising to memory cannot fail");
            String::from_utf8(buf).expect("serde_json writes UTF-8") + "\n"
        }
        ViewFormat::Yaml => {
            let v = sort_keys(serde_json::to_value(&config).expect("plain data serialises"));
            fsio::to_yaml(&v)
        }
    })
}

/// Recursively sorts mapping keys (kubectl's YAML output is key-sorted).
pub(crate) fn sort_keys(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut items: Vec<(String, Value)> = m.into_iter().collect();
            items.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(items.into_iter().map(|(k, v)| (k, sort_keys(v))).collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sort_keys).collect()),
        other => other,
    }
}

#[allow(dead_code)]
pub(crate) fn names_in(doc: &Map<String, Value>, kind: EntryKind) -> Vec<String> {
    entries(doc, kind)
        .iter()
        .filter_map(entry_name)
        .map(str::to_string)
        .collect()
}
