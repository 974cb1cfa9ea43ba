//! `/openapi/v2` and `/openapi/v3`: the OpenAPI documents of the served kinds, so that kubectl
//! validates manifests (`kubectl apply` without `--validate=false`) and `kubectl explain` answers.
//!
//! The schemas come from k8s-openapi's `schemars::JsonSchema` implementations (Kubernetes' own
//! definition names, `io.k8s.api.apps.v1.StatefulSet`, ...), post-processed into Kubernetes'
//! shape: `x-kubernetes-group-version-kind` on the kinds, `<Kind>List` definitions,
//! int-or-string as the real server publishes it, `$ref`s as `#/definitions/...` (v2) or
//! `#/components/schemas/...` (v3, with `allOf` around a `$ref` that carries a description).
//! The documents are built once per process ([`documents`]).
//!
//! Patch operations advertise `fieldValidation` (the simulator honours it, see
//! [`crate::fieldcheck`]), so kubectl ≥ 1.25 validates on the server. They do not advertise
//! `application/strategic-merge-patch+json`: the schemas carry no `x-kubernetes-patch-*`
//! extensions, so kubectl computes `kubectl apply`'s strategic merge patches from its compiled-in
//! types, as it did before the simulator served OpenAPI.

mod metrics;
mod paths;
mod pb;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Response, StatusCode};
use k8s_openapi::api::{
    apps::v1 as apps, authorization::v1 as authz, autoscaling::v1 as autoscaling_v1,
    autoscaling::v2 as autoscaling, core::v1 as core, events::v1 as events, policy::v1 as policy,
    storage::v1 as storage,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::JsonSchema;
use serde_json::{json, Map, Value};

use crate::api::{full, Body};
use crate::resources::RESOURCES;

/// The Kubernetes version the documents describe (the one `/version` reports).
pub const K8S_VERSION: &str = "v1.34.1";

/// What kubectl asks for (not a valid media type: `@`)...
const V2_PROTO_ACCEPT: &str = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
/// ... and what the real server answers with.
const V2_PROTO_MIME: &str = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

#[derive(Debug, thiserror::Error)]
pub enum OpenApiError {
    #[error("no schema for {group}/{version} {kind}: add its type to openapi::schema_of")]
    NoSchema {
        group: &'static str,
        version: &'static str,
        kind: &'static str,
    },
}

/// One kind with a schema: a served resource or a subresource's kind (Scale, Eviction).
#[derive(Debug, Clone)]
pub struct KindDef {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    /// The definition name, `io.k8s.api.apps.v1.StatefulSet`.
    pub def: String,
    /// The `<Kind>List` definition name, when the kind is listed.
    pub list_def: Option<String>,
}

/// Everything served under `/openapi`, built once.
pub struct Documents {
    /// The v2-shaped definitions (`#/definitions/...` refs), also used by [`crate::fieldcheck`].
    pub definitions: Map<String, Value>,
    pub kinds: Vec<KindDef>,
    v2_json: Bytes,
    v2_pb: Bytes,
    v2_etag: String,
    v3_index: Bytes,
    /// `api/v1`, `apis/apps/v1`, ... → (JSON document, hash).
    v3: BTreeMap<String, (Bytes, String)>,
}

impl Documents {
    /// The kind definition for a resource's group, version and kind.
    pub fn kind(&self, group: &str, version: &str, kind: &str) -> Option<&KindDef> {
        self.kinds
            .iter()
            .find(|k| k.group == group && k.version == version && k.kind == kind)
    }
}

static DOCUMENTS: OnceLock<Documents> = OnceLock::new();

/// The documents (built on first use; they are static for the life of the process).
pub fn documents() -> &'static Documents {
    DOCUMENTS.get_or_init(|| match build() {
        Ok(d) => d,
        // Unreachable unless RESOURCES gains a kind without a schema; the unit tests catch that.
        Err(e) => panic!("{e}"),
    })
}

fn sub<T: JsonSchema>(gen: &mut SchemaGenerator) -> String {
    let _ = gen.subschema_for::<T>();
    T::schema_name().into_owned()
}

/// The Rust type behind a kind, added to the generator; its definition name.
fn schema_of(gen: &mut SchemaGenerator, group: &str, kind: &str) -> Option<String> {
    Some(match (group, kind) {
        ("", "Namespace") => sub::<core::Namespace>(gen),
        ("", "Pod") => sub::<core::Pod>(gen),
        ("", "Service") => sub::<core::Service>(gen),
        #[allow(deprecated)]
        ("", "Endpoints") => sub::<core::Endpoints>(gen),
        ("", "ConfigMap") => sub::<core::ConfigMap>(gen),
        ("", "Secret") => sub::<core::Secret>(gen),
        ("", "PersistentVolumeClaim") => sub::<core::PersistentVolumeClaim>(gen),
        ("", "PersistentVolume") => sub::<core::PersistentVolume>(gen),
        ("", "Node") => sub::<core::Node>(gen),
        ("", "Event") => sub::<core::Event>(gen),
        ("apps", "StatefulSet") => sub::<apps::StatefulSet>(gen),
        ("apps", "ControllerRevision") => sub::<apps::ControllerRevision>(gen),
        ("policy", "PodDisruptionBudget") => sub::<policy::PodDisruptionBudget>(gen),
        ("policy", "Eviction") => sub::<policy::Eviction>(gen),
        ("storage.k8s.io", "StorageClass") => sub::<storage::StorageClass>(gen),
        ("events.k8s.io", "Event") => sub::<events::Event>(gen),
        ("autoscaling", "HorizontalPodAutoscaler") => {
            sub::<autoscaling::HorizontalPodAutoscaler>(gen)
        }
        ("autoscaling", "Scale") => sub::<autoscaling_v1::Scale>(gen),
        ("authorization.k8s.io", "SelfSubjectAccessReview") => {
            sub::<authz::SelfSubjectAccessReview>(gen)
        }
        ("metrics.k8s.io", "PodMetrics") => sub::<metrics::PodMetrics>(gen),
        ("metrics.k8s.io", "NodeMetrics") => sub::<metrics::NodeMetrics>(gen),
        _ => return None,
    })
}

/// Kinds of subresources: (group, version, kind).
const SUBRESOURCE_KINDS: &[(&str, &str, &str)] =
    &[("autoscaling", "v1", "Scale"), ("policy", "v1", "Eviction")];

/// Meta types every group-version document carries.
fn meta_defs(gen: &mut SchemaGenerator) -> Vec<String> {
    vec![
        sub::<meta::Status>(gen),
        sub::<meta::DeleteOptions>(gen),
        sub::<meta::Patch>(gen),
        sub::<meta::WatchEvent<core::Pod>>(gen),
        sub::<meta::ListMeta>(gen),
        sub::<meta::ObjectMeta>(gen),
    ]
}

/// The generated definitions (v2 shape), the kinds, and the meta definitions every document has.
struct Generated {
    defs: Map<String, Value>,
    kinds: Vec<KindDef>,
    meta: Vec<String>,
}

fn definitions() -> Result<Generated, OpenApiError> {
    let mut gen = SchemaSettings::draft07()
        .with(|s| {
            s.meta_schema = None;
            s.transforms = Vec::new();
            s.definitions_path = "/definitions".into();
        })
        .into_generator();
    let mut kinds: Vec<KindDef> = Vec::new();
    let served = RESOURCES
        .iter()
        .map(|r| (r.group, r.version, r.kind, r.verbs.contains(&"list")));
    let subs = SUBRESOURCE_KINDS.iter().map(|&(g, v, k)| (g, v, k, false));
    for (group, version, kind, listed) in served.chain(subs) {
        if kinds
            .iter()
            .any(|k| k.group == group && k.version == version && k.kind == kind)
        {
            continue;
        }
        let def = schema_of(&mut gen, group, kind).ok_or(OpenApiError::NoSchema {
            group,
            version,
            kind,
        })?;
        kinds.push(KindDef {
            group,
            version,
            kind,
            list_def: listed.then(|| format!("{def}List")),
            def,
        });
    }
    let meta = meta_defs(&mut gen);
    let mut defs = gen.take_definitions(false);
    for k in &kinds {
        let gvk = json!([{"group": k.group, "kind": k.kind, "version": k.version}]);
        let item_props = defs
            .get_mut(&k.def)
            .and_then(Value::as_object_mut)
            .map(|d| {
                d.insert("x-kubernetes-group-version-kind".into(), gvk);
                // k8s-openapi requires `metadata` (its field is not optional); Kubernetes does not.
                if let Some(Value::Array(req)) = d.get_mut("required") {
                    req.retain(|f| f != "metadata");
                    if req.is_empty() {
                        d.remove("required");
                    }
                }
                d.get("properties").cloned().unwrap_or_default()
            })
            .unwrap_or_default();
        if let Some(list) = &k.list_def {
            defs.insert(list.clone(), list_schema(k, &item_props));
        }
    }
    // DeleteOptions is accepted by every group-version.
    let mut gvs: Vec<Value> = Vec::new();
    for k in &kinds {
        let e = json!({"group": k.group, "kind": "DeleteOptions", "version": k.version});
        if !gvs.contains(&e) {
            gvs.push(e);
        }
    }
    if let Some(d) = defs
        .get_mut("io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions")
        .and_then(Value::as_object_mut)
    {
        d.insert("x-kubernetes-group-version-kind".into(), Value::Array(gvs));
    }
    if let Some(d) = defs
        .get_mut("io.k8s.apimachinery.pkg.apis.meta.v1.Status")
        .and_then(Value::as_object_mut)
    {
        d.insert(
            "x-kubernetes-group-version-kind".into(),
            json!([{"group": "", "kind": "Status", "version": "v1"}]),
        );
    }
    for (def, field, values) in ENUMS {
        if let Some(p) = defs
            .get_mut(*def)
            .and_then(|d| d.get_mut("properties"))
            .and_then(|p| p.get_mut(*field))
            .and_then(Value::as_object_mut)
        {
            p.insert("enum".into(), json!(values));
        }
    }
    Ok(Generated { defs, kinds, meta })
}

/// The `+enum` string fields the served kinds reach, with their values as Kubernetes 1.34
/// publishes them (k8s-openapi's types are plain strings, so schemars cannot know them).
const ENUMS: &[(&str, &str, &[&str])] = &[
    (
        "io.k8s.api.apps.v1.StatefulSetSpec",
        "podManagementPolicy",
        &["OrderedReady", "Parallel"],
    ),
    (
        "io.k8s.api.apps.v1.StatefulSetUpdateStrategy",
        "type",
        &["OnDelete", "RollingUpdate"],
    ),
    (
        "io.k8s.api.core.v1.Container",
        "imagePullPolicy",
        &["Always", "IfNotPresent", "Never"],
    ),
    (
        "io.k8s.api.core.v1.Container",
        "terminationMessagePolicy",
        &["FallbackToLogsOnError", "File"],
    ),
    (
        "io.k8s.api.core.v1.ContainerPort",
        "protocol",
        &["SCTP", "TCP", "UDP"],
    ),
    (
        "io.k8s.api.core.v1.PodSpec",
        "restartPolicy",
        &["Always", "Never", "OnFailure"],
    ),
    (
        "io.k8s.api.core.v1.PodSpec",
        "dnsPolicy",
        &["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"],
    ),
    (
        "io.k8s.api.core.v1.PodSpec",
        "preemptionPolicy",
        &["Never", "PreemptLowerPriority"],
    ),
    (
        "io.k8s.api.core.v1.Toleration",
        "operator",
        &["Equal", "Exists"],
    ),
    (
        "io.k8s.api.core.v1.Toleration",
        "effect",
        &["NoExecute", "NoSchedule", "PreferNoSchedule"],
    ),
    (
        "io.k8s.api.core.v1.PersistentVolumeClaimSpec",
        "volumeMode",
        &["Block", "Filesystem"],
    ),
];

/// `<Kind>List`, derived from the item's definition.
fn list_schema(k: &KindDef, item_props: &Value) -> Value {
    let mut props = Map::new();
    for f in ["apiVersion", "kind"] {
        if let Some(p) = item_props.get(f) {
            props.insert(f.into(), p.clone());
        }
    }
    props.insert(
        "items".into(),
        json!({"description": format!("List of {}.", plural_of(k)), "type": "array",
               "items": {"$ref": format!("#/definitions/{}", k.def)}}),
    );
    props.insert(
        "metadata".into(),
        json!({"description": "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
               "$ref": "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}),
    );
    json!({
        "description": format!("{}List is a list of {} objects.", k.kind, k.kind),
        "type": "object",
        "properties": props,
        "required": ["items"],
        "x-kubernetes-group-version-kind": [{"group": k.group, "kind": format!("{}List", k.kind), "version": k.version}],
    })
}

fn plural_of(k: &KindDef) -> &'static str {
    RESOURCES
        .iter()
        .find(|r| r.group == k.group && r.kind == k.kind)
        .map(|r| r.plural)
        .unwrap_or("items")
}

/// v2 publishes int-or-string types as strings (v3 keeps them untyped, as the real server's
/// `oneOf` does for kubectl's purposes).
fn v2_int_or_string(defs: &mut Map<String, Value>) {
    for (name, d) in defs.iter_mut() {
        let Some(o) = d.as_object_mut() else { continue };
        if o.remove("x-kubernetes-int-or-string").is_some() {
            o.insert("type".into(), json!("string"));
            if name.ends_with("IntOrString") {
                o.insert("format".into(), json!("int-or-string"));
            }
        }
    }
}

/// v3 shape of a schema: refs under `#/components/schemas/`, and a `$ref` with siblings (a
/// description) wrapped in `allOf` as OpenAPI 3.0 ignores siblings of `$ref`.
fn to_v3(v: &Value) -> Value {
    match v {
        Value::Object(o) => {
            if let Some(Value::String(r)) = o.get("$ref") {
                let r = json!({"$ref": r.replace("#/definitions/", "#/components/schemas/")});
                if o.len() == 1 {
                    return r;
                }
                let mut out: Map<String, Value> = o
                    .iter()
                    .filter(|(k, _)| *k != "$ref")
                    .map(|(k, v)| (k.clone(), to_v3(v)))
                    .collect();
                out.insert("allOf".into(), json!([r]));
                return Value::Object(out);
            }
            Value::Object(o.iter().map(|(k, v)| (k.clone(), to_v3(v))).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(to_v3).collect()),
        other => other.clone(),
    }
}

/// Every definition name reachable from `roots` through `$ref`s.
pub fn closure(defs: &Map<String, Value>, roots: &[String]) -> BTreeSet<String> {
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(o) => {
                if let Some(Value::String(r)) = o.get("$ref") {
                    if let Some(n) = r.strip_prefix("#/definitions/") {
                        out.push(n.to_string());
                    }
                }
                o.values().for_each(|v| refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = roots.to_vec();
    while let Some(n) = todo.pop() {
        if !seen.insert(n.clone()) {
            continue;
        }
        if let Some(d) = defs.get(&n) {
            refs(d, &mut todo);
        }
    }
    seen
}

/// A short, stable content hash (upper-case hex, like the real server's).
fn hash_of(b: &[u8]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for &x in b {
        h ^= x as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016X}")
}

fn gv_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

fn build() -> Result<Documents, OpenApiError> {
    let Generated {
        mut defs,
        kinds,
        meta,
    } = definitions()?;
    v2_int_or_string(&mut defs);
    let info = json!({"title": "Kubernetes", "version": K8S_VERSION});

    let v2_paths = paths::v2(&kinds);
    let v2 = json!({"swagger": "2.0", "info": info, "paths": v2_paths, "definitions": defs});
    let v2_json = Bytes::from(serde_json::to_vec(&v2).unwrap_or_default());
    let v2_pb = Bytes::from(pb::document(&v2));
    let v2_etag = hash_of(&v2_json);

    // v3: one document per group-version, with the schemas its paths reach.
    let mut v3_defs = Map::new();
    for (name, d) in &defs {
        let mut d = d.clone();
        if let Some(o) = d.as_object_mut() {
            if name.ends_with("IntOrString") || name.ends_with("Quantity") {
                o.remove("type");
            }
            if name.ends_with("IntOrString") {
                o.insert("x-kubernetes-int-or-string".into(), json!(true));
            }
        }
        v3_defs.insert(name.clone(), to_v3(&d));
    }
    let mut gvs: Vec<(&str, &str)> = Vec::new();
    for r in RESOURCES {
        if !gvs.contains(&(r.group, r.version)) {
            gvs.push((r.group, r.version));
        }
    }
    let mut v3 = BTreeMap::new();
    let mut index = Map::new();
    for (group, version) in gvs {
        let (doc_paths, mut roots) = paths::v3(&kinds, group, version);
        roots.extend(meta.iter().cloned());
        let schemas: Map<String, Value> = closure(&defs, &roots)
            .into_iter()
            .filter_map(|n| v3_defs.get(&n).map(|d| (n, d.clone())))
            .collect();
        let doc = json!({
            "openapi": "3.0.0",
            "info": info,
            "paths": doc_paths,
            "components": {"schemas": schemas},
        });
        let bytes = Bytes::from(serde_json::to_vec(&doc).unwrap_or_default());
        let hash = hash_of(&bytes);
        let key = gv_path(group, version);
        index.insert(
            key.clone(),
            json!({"serverRelativeURL": format!("/openapi/v3/{key}?hash={hash}")}),
        );
        v3.insert(key, (bytes, hash));
    }
    let v3_index = Bytes::from(serde_json::to_vec(&json!({"paths": index})).unwrap_or_default());
    Ok(Documents {
        definitions: defs,
        kinds,
        v2_json,
        v2_pb,
        v2_etag,
        v3_index,
        v3,
    })
}

// ------------------------------------------------------------------------------------------
// Serving

fn respond(code: StatusCode, ctype: &'static str, body: Bytes) -> Response<Body> {
    let mut r = Response::new(full(body));
    *r.status_mut() = code;
    r.headers_mut()
        .insert(http::header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    r
}

fn with_etag(mut r: Response<Body>, etag: &str, immutable: bool) -> Response<Body> {
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&format!("\"{etag}\"")) {
        h.insert(http::header::ETAG, v);
    }
    h.insert(http::header::VARY, HeaderValue::from_static("Accept"));
    h.insert(
        http::header::CACHE_CONTROL,
        HeaderValue::from_static(if immutable {
            "public, immutable"
        } else {
            "no-cache, private"
        }),
    );
    r
}

fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(http::header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(',').any(|t| t.trim().trim_matches('"') == etag))
        .unwrap_or(false)
}

fn not_acceptable(accept: &str) -> Response<Body> {
    let status = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": format!("only the following media types are accepted: application/json, {V2_PROTO_MIME} (asked for {accept})"),
        "reason": "NotAcceptable", "code": 406});
    respond(
        StatusCode::NOT_ACCEPTABLE,
        "application/json",
        Bytes::from(serde_json::to_vec(&status).unwrap_or_default()),
    )
}

/// Whether an Accept header admits JSON.
fn accepts_json(accept: &str) -> bool {
    accept.is_empty()
        || accept.split(',').any(|m| {
            let m = m.split(';').next().unwrap_or("").trim();
            matches!(m, "application/json" | "application/*" | "*/*" | "")
        })
}

/// Answer a GET under `/openapi` (`segs` are the path segments after `openapi`), or None when
/// there is no such document.
pub fn serve(
    segs: &[&str],
    query: &std::collections::HashMap<String, String>,
    headers: &HeaderMap,
) -> Option<Response<Body>> {
    let docs = documents();
    let accept = headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    match segs {
        ["v2"] => {
            if not_modified(headers, &docs.v2_etag) {
                return Some(with_etag(
                    respond(StatusCode::NOT_MODIFIED, "application/json", Bytes::new()),
                    &docs.v2_etag,
                    false,
                ));
            }
            // kubectl asks for the protobuf form (client-side validation, explain on v2).
            let pb = accept.split(',').any(|m| {
                let m = m.split(';').next().unwrap_or("").trim();
                m == V2_PROTO_ACCEPT || m == V2_PROTO_MIME
            });
            let r = if pb {
                respond(StatusCode::OK, V2_PROTO_MIME, docs.v2_pb.clone())
            } else if accepts_json(accept) {
                respond(StatusCode::OK, "application/json", docs.v2_json.clone())
            } else {
                return Some(not_acceptable(accept));
            };
            Some(with_etag(r, &docs.v2_etag, false))
        }
        ["v3"] => Some(respond(
            StatusCode::OK,
            "application/json",
            docs.v3_index.clone(),
        )),
        ["v3", rest @ ..] => {
            let (bytes, hash) = docs.v3.get(&rest.join("/"))?;
            if !accepts_json(accept) {
                return Some(not_acceptable(accept));
            }
            if not_modified(headers, hash) {
                return Some(with_etag(
                    respond(StatusCode::NOT_MODIFIED, "application/json", Bytes::new()),
                    hash,
                    false,
                ));
            }
            // Any hash is answered; only the current one may be cached forever.
            let immutable = query.get("hash").map(|h| h == hash).unwrap_or(false);
            Some(with_etag(
                respond(StatusCode::OK, "application/json", bytes.clone()),
                hash,
                immutable,
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_served_kind_has_a_schema() {
        let t = std::time::Instant::now();
        let docs = documents();
        eprintln!(
            "built in {:?}: v2 {} bytes JSON, {} bytes protobuf; v3 {} bytes",
            t.elapsed(),
            docs.v2_json.len(),
            docs.v2_pb.len(),
            docs.v3.values().map(|(b, _)| b.len()).sum::<usize>()
        );
        for r in RESOURCES {
            let k = docs
                .kind(r.group, r.version, r.kind)
                .unwrap_or_else(|| panic!("{} has no schema", r.kind));
            let d = &docs.definitions[&k.def];
            assert_eq!(
                d["x-kubernetes-group-version-kind"][0]["kind"], r.kind,
                "{}",
                k.def
            );
            assert_eq!(k.list_def.is_some(), r.verbs.contains(&"list"));
        }
        let iors = &docs.definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"];
        assert_eq!(
            (iors["type"].as_str(), iors["format"].as_str()),
            (Some("string"), Some("int-or-string"))
        );
    }
}
