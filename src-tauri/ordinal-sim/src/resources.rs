//! The static registry of served API resources (what discovery advertises and the router accepts).

/// One served resource.
#[derive(Debug)]
pub struct ResourceDef {
    pub group: &'static str,
    pub version: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub kind: &'static str,
    pub namespaced: bool,
    pub short_names: &'static [&'static str],
    pub verbs: &'static [&'static str],
    pub subresources: &'static [&'static str],
    pub categories: &'static [&'static str],
}

const RW: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
const RO: &[&str] = &["get", "list"];
const CREATE_ONLY: &[&str] = &["create"];

macro_rules! res {
    ($g:expr, $v:expr, $p:expr, $s:expr, $k:expr, $ns:expr, $sn:expr, $verbs:expr, $sub:expr, $cat:expr) => {
        ResourceDef {
            group: $g,
            version: $v,
            plural: $p,
            singular: $s,
            kind: $k,
            namespaced: $ns,
            short_names: $sn,
            verbs: $verbs,
            subresources: $sub,
            categories: $cat,
        }
    };
}

pub static RESOURCES: &[ResourceDef] = &[
    res!(
        "",
        "v1",
        "namespaces",
        "namespace",
        "Namespace",
        false,
        &["ns"],
        &["create", "delete", "get", "list", "patch", "update", "watch"],
        &["status"],
        &[]
    ),
    res!(
        "",
        "v1",
        "pods",
        "pod",
        "Pod",
        true,
        &["po"],
        RW,
        &["status", "log", "eviction", "exec", "attach", "portforward"],
        &["all"]
    ),
    res!(
        "",
        "v1",
        "services",
        "service",
        "Service",
        true,
        &["svc"],
        &[
            "create",
            "delete",
            "deletecollection",
            "get",
            "list",
            "patch",
            "update",
            "watch"
        ],
        &["status"],
        &["all"]
    ),
    res!(
        "",
        "v1",
        "endpoints",
        "endpoints",
        "Endpoints",
        true,
        &["ep"],
        RW,
        &[],
        &[]
    ),
    res!(
        "",
        "v1",
        "configmaps",
        "configmap",
        "ConfigMap",
        true,
        &["cm"],
        RW,
        &[],
        &[]
    ),
    res!(
        "",
        "v1",
        "secrets",
        "secret",
        "Secret",
        true,
        &[],
        RW,
        &[],
        &[]
    ),
    res!(
        "",
        "v1",
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        "PersistentVolumeClaim",
        true,
        &["pvc"],
        RW,
        &["status"],
        &[]
    ),
    res!(
        "",
        "v1",
        "persistentvolumes",
        "persistentvolume",
        "PersistentVolume",
        false,
        &["pv"],
        RW,
        &["status"],
        &[]
    ),
    res!(
        "",
        "v1",
        "nodes",
        "node",
        "Node",
        false,
        &["no"],
        RW,
        &["status"],
        &[]
    ),
    res!(
        "",
        "v1",
        "events",
        "event",
        "Event",
        true,
        &["ev"],
        RW,
        &[],
        &[]
    ),
    res!(
        "apps",
        "v1",
        "statefulsets",
        "statefulset",
        "StatefulSet",
        true,
        &["sts"],
        RW,
        &["status", "scale"],
        &["all"]
    ),
    res!(
        "apps",
        "v1",
        "controllerrevisions",
        "controllerrevision",
        "ControllerRevision",
        true,
        &[],
        RW,
        &[],
        &[]
    ),
    res!(
        "policy",
        "v1",
        "poddisruptionbudgets",
        "poddisruptionbudget",
        "PodDisruptionBudget",
        true,
        &["pdb"],
        RW,
        &["status"],
        &[]
    ),
    res!(
        "storage.k8s.io",
        "v1",
        "storageclasses",
        "storageclass",
        "StorageClass",
        false,
        &["sc"],
        RW,
        &[],
        &[]
    ),
    res!(
        "events.k8s.io",
        "v1",
        "events",
        "event",
        "Event",
        true,
        &["ev"],
        RW,
        &[],
        &[]
    ),
    res!(
        "autoscaling",
        "v2",
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        "HorizontalPodAutoscaler",
        true,
        &["hpa"],
        RW,
        &["status"],
        &["all"]
    ),
    res!(
        "authorization.k8s.io",
        "v1",
        "selfsubjectaccessreviews",
        "selfsubjectaccessreview",
        "SelfSubjectAccessReview",
        false,
        &[],
        CREATE_ONLY,
        &[],
        &[]
    ),
    res!(
        "metrics.k8s.io",
        "v1beta1",
        "pods",
        "",
        "PodMetrics",
        true,
        &[],
        RO,
        &[],
        &[]
    ),
    res!(
        "metrics.k8s.io",
        "v1beta1",
        "nodes",
        "",
        "NodeMetrics",
        false,
        &[],
        RO,
        &[],
        &[]
    ),
];

/// Resource indexes used by the controllers.
pub mod idx {
    pub const NAMESPACES: usize = 0;
    pub const PODS: usize = 1;
    pub const SERVICES: usize = 2;
    pub const ENDPOINTS: usize = 3;
    pub const CONFIGMAPS: usize = 4;
    pub const SECRETS: usize = 5;
    pub const PVCS: usize = 6;
    pub const PVS: usize = 7;
    pub const NODES: usize = 8;
    pub const EVENTS: usize = 9;
    pub const STATEFULSETS: usize = 10;
    pub const REVISIONS: usize = 11;
    pub const PDBS: usize = 12;
    pub const STORAGECLASSES: usize = 13;
    pub const EVENTS_V1: usize = 14;
    pub const HPAS: usize = 15;
    pub const SSAR: usize = 16;
    pub const POD_METRICS: usize = 17;
    pub const NODE_METRICS: usize = 18;
}

/// Number of resources that are persisted in the store (the last three are virtual).
pub const STORED: usize = 16;

impl ResourceDef {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
    /// `plural.group` as used in error messages (`statefulsets.apps`).
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }
    pub fn list_kind(&self) -> String {
        format!("{}List", self.kind)
    }
    pub fn is_virtual(&self) -> bool {
        matches!(
            self.kind,
            "SelfSubjectAccessReview" | "PodMetrics" | "NodeMetrics"
        )
    }
}

/// Find a resource by group, version and plural.
pub fn find(group: &str, version: &str, plural: &str) -> Option<usize> {
    RESOURCES
        .iter()
        .position(|r| r.group == group && r.version == version && r.plural == plural)
}

/// All served group/versions, in discovery order (excluding the core group).
pub fn groups() -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    for r in RESOURCES {
        if !r.group.is_empty() && !out.iter().any(|(g, v)| *g == r.group && *v == r.version) {
            out.push((r.group, r.version));
        }
    }
    out
}
