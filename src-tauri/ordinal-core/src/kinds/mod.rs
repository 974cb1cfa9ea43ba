//! Resource kinds: one unit per kind (columns, rows, capabilities, detail), in one registry.
//!
//! A kind is a type implementing [`KindSpec`]. It says which API resource it watches, which
//! columns its table has, how one object becomes one compact [`Row`] (the webview receives rows,
//! never raw objects), and which actions it offers ([`Capability`], as in k9s: capabilities decide
//! what the UI shows; actions run on the selection, so batch comes free). Adding a kind is one file
//! plus one line in [`registry`].

pub mod detail;
pub mod env;
pub mod fields;
pub mod pod;
pub mod statefulset;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use fields::Fields;

/// How a status looks: colour *and* icon *and* text are derived from it in the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Tone {
    Ok,
    Progressing,
    Warning,
    Failed,
    Stopped,
    Terminating,
    Neutral,
}

/// One table cell. Text that the user reads comes as an i18n key plus parameters, so the UI
/// translates it (no concatenated translations); names, labels and numbers come as data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "t", rename_all = "camelCase")]
pub enum Cell {
    /// Plain text (already data, not translated).
    Text { v: String },
    /// A name, IP or selector: monospace.
    Mono { v: String },
    /// A status: tone + i18n key + parameters, e.g. `status.podsReady {ready: 2, desired: 3}`.
    Status {
        tone: Tone,
        // always one of the core's own keys: borrowed, no allocation per row
        #[ts(type = "string")]
        key: std::borrow::Cow<'static, str>,
        #[ts(as = "std::collections::BTreeMap<String, String>")]
        params: Fields<String>,
    },
    /// A number (tabular figures, right-aligned).
    Count { v: i32 },
    /// Key=value chips (labels); the UI truncates with a count.
    Chips { v: Vec<String> },
    /// A creation time (Unix seconds); the UI renders the age and refreshes it on its own clock.
    Age {
        #[ts(type = "number")]
        v: i64,
    },
    /// Progress like updated/desired with an optional i18n key for a note.
    Progress {
        done: i32,
        total: i32,
        key: Option<String>,
    },
    /// The Doctor's findings (the list's badge: a count coloured by the worst, each finding in
    /// its tooltip). Joined in by the UI from the doctor's own stream, not computed per row.
    Findings { v: Vec<detail::Finding> },
    /// Nothing to show.
    Empty,
}

impl Cell {
    pub fn text(v: impl Into<String>) -> Self {
        Cell::Text { v: v.into() }
    }
    pub fn mono(v: impl Into<String>) -> Self {
        Cell::Mono { v: v.into() }
    }
    pub fn status<const N: usize>(
        tone: Tone,
        key: &'static str,
        params: [(&'static str, String); N],
    ) -> Self {
        Cell::Status {
            tone,
            key: key.into(),
            params: params.into(),
        }
    }
}

/// The sort value of a cell: the UI sorts on this, not on the rendered text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(untagged)]
pub enum SortKey {
    Num(f64),
    Text(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Align {
    Start,
    End,
}

/// A column of a kind's table. `title_key` is an i18n key (e.g. `col.name`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ColumnDef {
    pub id: String,
    pub title_key: String,
    pub align: Align,
    /// Initial width in CSS pixels.
    pub width: u32,
    /// Shown only when several namespaces (or clusters) are listed.
    pub multi_scope_only: bool,
}

/// What a kind offers. The UI shows an action only when the kind has the capability, the context
/// is not read-only, and RBAC allows the verb.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Capability {
    Start,
    Stop,
    Restart,
    Delete,
    Scale,
    EditYaml,
    /// Stage a rollout (RollingUpdate partition).
    Rollout,
}

/// Everything the UI needs to draw a kind's table and action bar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KindInfo {
    /// The registry id, e.g. `statefulsets`.
    pub id: String,
    /// e.g. `StatefulSet`.
    pub kind: String,
    /// e.g. `apps/v1`.
    pub api_version: String,
    /// The badge shown beside names, e.g. `SS`.
    pub badge: String,
    pub namespaced: bool,
    pub columns: Vec<ColumnDef>,
    pub capabilities: Vec<Capability>,
}

/// One object as one compact row: the only form in which list data reaches the webview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    /// Stable key within a watch: `namespace/name` (or `name` when cluster-scoped).
    pub key: String,
    pub namespace: Option<String>,
    pub name: String,
    pub uid: String,
    pub resource_version: String,
    /// Cells by column id.
    #[ts(as = "std::collections::BTreeMap<String, Cell>")]
    pub cells: Fields<Cell>,
    /// Sort values by column id (columns without one sort by the cell's text).
    #[ts(as = "std::collections::BTreeMap<String, SortKey>")]
    pub sort: Fields<SortKey>,
    /// Facts the action bar needs without parsing cells (e.g. `replicas`, `stoppedFrom`).
    #[ts(type = "Record<string, number>")]
    pub facts: Fields<i64>,
}

/// A resource kind: one unit in the registry.
pub trait KindSpec: Send + Sync + 'static {
    /// The Kubernetes type (typed access, watch and API calls).
    type K: kube::Resource<DynamicType = ()>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug
        + Send
        + Sync
        + 'static;

    /// The registry id (the plural resource name).
    const ID: &'static str;
    const BADGE: &'static str;
    const NAMESPACED: bool;

    fn columns() -> Vec<ColumnDef>;
    fn capabilities() -> Vec<Capability>;
    /// One object as one row.
    fn row(obj: &Self::K) -> Row;

    fn info() -> KindInfo {
        KindInfo {
            id: Self::ID.to_string(),
            kind: <Self::K as kube::Resource>::kind(&()).to_string(),
            api_version: <Self::K as kube::Resource>::api_version(&()).to_string(),
            badge: Self::BADGE.to_string(),
            namespaced: Self::NAMESPACED,
            columns: Self::columns(),
            capabilities: Self::capabilities(),
        }
    }
}

/// Every kind the app knows, in sidebar order.
pub fn registry() -> Vec<KindInfo> {
    vec![statefulset::StatefulSets::info()]
}

/// The dynamic API description of a registered kind (for generic operations like YAML edits).
pub fn api_resource(id: &str) -> Option<kube::api::ApiResource> {
    match id {
        statefulset::StatefulSets::ID => Some(kube::api::ApiResource::erase::<
            <statefulset::StatefulSets as KindSpec>::K,
        >(&())),
        _ => None,
    }
}

pub(crate) fn col(id: &str, align: Align, width: u32) -> ColumnDef {
    ColumnDef {
        id: id.to_string(),
        title_key: format!("col.{id}"),
        align,
        width,
        multi_scope_only: false,
    }
}

/// The row skeleton every kind shares: key, names, uid, resourceVersion, and the name/namespace/age
/// cells.
pub(crate) fn base_row(meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) -> Row {
    let name = meta.name.clone().unwrap_or_default();
    let namespace = meta.namespace.clone();
    let key = match &namespace {
        Some(ns) => format!("{ns}/{name}"),
        None => name.clone(),
    };
    let mut cells = Fields::new();
    let mut sort = Fields::new();
    // The `name` and `namespace` columns are read from the row's own fields (the UI's
    // `identityCell`): repeating them as cells cost 224 bytes a row (13 MB over 60,000 rows).
    let created = meta
        .creation_timestamp
        .as_ref()
        .map(|t| t.0.as_second())
        .unwrap_or(0);
    cells.insert("age", Cell::Age { v: created });
    // older first when sorting by age ascending means "largest age"; sort by -created
    sort.insert("age", SortKey::Num(-(created as f64)));
    Row {
        key,
        namespace,
        name,
        uid: meta.uid.clone().unwrap_or_default(),
        resource_version: meta.resource_version.clone().unwrap_or_default(),
        cells,
        sort,
        facts: Fields::new(),
    }
}
