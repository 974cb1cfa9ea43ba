//! Write operations shared by the HTTP API and the controllers: create, update, patch, delete,
//! with defaulting, validation, optimistic concurrency, generation and managedFields.

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::patch::{self, PatchError, PatchType};
use crate::resources::{idx, RESOURCES};
use crate::state::State;
use crate::store::{Mutation, Outcome};
use crate::validation::{self, ValidationError};

#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    #[error("unknown resource index {0}")]
    UnknownResource(usize),
}

impl From<OpsError> for ApiError {
    fn from(e: OpsError) -> ApiError {
        ApiError::internal(e.to_string())
    }
}

#[derive(Debug, Clone, Default)]
pub struct WriteOpts {
    pub dry_run: bool,
    pub manager: String,
    pub force: bool,
}

impl WriteOpts {
    pub fn controller(name: &str) -> WriteOpts {
        WriteOpts {
            dry_run: false,
            manager: name.to_string(),
            force: false,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct DeleteOpts {
    pub grace: Option<i64>,
    pub propagation: Option<String>,
    pub uid: Option<String>,
    pub rv: Option<String>,
    pub dry_run: bool,
}

pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub fn now_micro() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

pub fn rand_suffix(n: usize) -> String {
    const ALPHA: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let bytes = uuid::Uuid::new_v4().into_bytes();
    (0..n)
        .map(|i| ALPHA[(bytes[i % 16] as usize) % ALPHA.len()] as char)
        .collect()
}

fn invalid_err(res: usize, name: &str, e: ValidationError) -> ApiError {
    let ValidationError::Invalid(causes) = e;
    ApiError::invalid(&RESOURCES[res], name, causes)
}

fn patch_err(_res: usize, _name: &str, e: PatchError) -> ApiError {
    match e {
        PatchError::Conflict { message, causes } => {
            let cs: Vec<Value> = causes
                .iter()
                .map(|(m, f)| json!({"reason": "FieldManagerConflict", "message": m, "field": f}))
                .collect();
            // The real apply conflict names no object, only the conflicting fields.
            ApiError::new(409, "Conflict", message).with_details(json!({"causes": cs}))
        }
        PatchError::UnsupportedMediaType => {
            ApiError::new(415, "UnsupportedMediaType", e.to_string()).with_details(json!({}))
        }
        // Like apimachinery's NewGenericServerResponse: empty details.
        PatchError::Invalid(m) => ApiError::new(422, "Invalid", m).with_details(json!({})),
        PatchError::BadRequest(m) => ApiError::bad_request(m),
    }
}

fn s<'a>(v: &'a Value, ptr: &str) -> &'a str {
    v.pointer(ptr).and_then(Value::as_str).unwrap_or("")
}

/// Kinds whose registry strategy sets metadata.generation (pods since 1.33).
fn has_generation(res: usize) -> bool {
    matches!(res, idx::STATEFULSETS | idx::PDBS | idx::PODS)
}

/// Decoding errors the real server reports as 400 (wrong JSON types for object fields).
fn check_shape(kind: &str, obj: &Value) -> Result<(), ApiError> {
    for f in ["metadata", "spec", "status"] {
        if let Some(v) = obj.get(f) {
            if !v.is_object() && !v.is_null() {
                return Err(ApiError::bad_request(format!("{kind} in version \"v1\" cannot be handled as a {kind}: json: cannot unmarshal {} into Go struct field {kind}.{f}", json_type(v))));
            }
        }
    }
    if kind == "StatefulSet" {
        if let Some(spec) = obj.get("spec").and_then(Value::as_object) {
            for (f, v) in spec {
                let Some(&(_, want, go_type)) = STS_SPEC_TYPES.iter().find(|(n, ..)| n == f) else {
                    continue;
                };
                let ok = v.is_null()
                    || match want {
                        "object" => v.is_object(),
                        "array" => v.is_array(),
                        "string" => v.is_string(),
                        _ => v.is_i64(),
                    };
                if !ok {
                    return Err(ApiError::bad_request(format!("StatefulSet in version \"v1\" cannot be handled as a StatefulSet: json: cannot unmarshal {} into Go struct field StatefulSetSpec.spec.{f} of type {go_type}", json_type(v))));
                }
            }
        }
    }
    Ok(())
}

/// StatefulSet spec fields by JSON type and Go type: a value of another type does not decode.
const STS_SPEC_TYPES: &[(&str, &str, &str)] = &[
    ("replicas", "integer", "int32"),
    ("selector", "object", "v1.LabelSelector"),
    ("template", "object", "v1.PodTemplateSpec"),
    (
        "volumeClaimTemplates",
        "array",
        "[]v1.PersistentVolumeClaim",
    ),
    ("serviceName", "string", "string"),
    (
        "podManagementPolicy",
        "string",
        "v1.PodManagementPolicyType",
    ),
    ("updateStrategy", "object", "v1.StatefulSetUpdateStrategy"),
    ("revisionHistoryLimit", "integer", "int32"),
    ("minReadySeconds", "integer", "int32"),
    (
        "persistentVolumeClaimRetentionPolicy",
        "object",
        "v1.StatefulSetPersistentVolumeClaimRetentionPolicy",
    ),
    ("ordinals", "object", "v1.StatefulSetOrdinals"),
];

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        Value::Array(_) => "array",
        _ => "object",
    }
}

/// Empty maps of `omitempty` fields are not served (Go drops them when encoding).
fn drop_empty_maps(obj: &mut Value) {
    let empty = |v: Option<&Value>| v.and_then(Value::as_object).is_some_and(|m| m.is_empty());
    if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        for f in ["labels", "annotations"] {
            if empty(m.get(f)) {
                m.remove(f);
            }
        }
    }
    if let Some(o) = obj.as_object_mut() {
        for f in ["data", "binaryData", "stringData"] {
            if empty(o.get(f)) {
                o.remove(f);
            }
        }
    }
}

/// Check the namespace exists and is not terminating (for creates).
pub fn check_namespace(st: &State, ns: &str) -> Result<(), ApiError> {
    match st.store.get_value(idx::NAMESPACES, "", ns) {
        None => Err(ApiError::namespace_not_found(ns)),
        Some(n) if n.pointer("/metadata/deletionTimestamp").is_some() => Err(ApiError::new(
            403,
            "Forbidden",
            format!("unable to create new content in namespace {ns} because it is being terminated"),
        )
        .with_details(json!({"causes": [{"reason": "NamespaceTerminating", "message": format!("namespace {ns} is being terminated"), "field": "metadata.namespace"}]}))),
        Some(_) => Ok(()),
    }
}

/// Fill identity metadata, defaults, and validate a new object. `ns` is from the URL.
fn prepare_create(
    res: usize,
    ns: &str,
    mut obj: Value,
    opts: &WriteOpts,
) -> Result<Value, ApiError> {
    let def = RESOURCES.get(res).ok_or(OpsError::UnknownResource(res))?;
    if !obj.is_object() {
        return Err(ApiError::bad_request(
            "the body of the request must be a JSON object",
        ));
    }
    if let Some(k) = obj.get("kind").and_then(Value::as_str) {
        if k != def.kind {
            return Err(ApiError::bad_request(format!("the kind of the provided object ({k}) does not match the kind of the resource ({})", def.kind)));
        }
    }
    check_shape(def.kind, &obj)?;
    obj["apiVersion"] = json!(def.api_version());
    obj["kind"] = json!(def.kind);
    if !obj.get("metadata").map(Value::is_object).unwrap_or(false) {
        obj["metadata"] = json!({});
    }
    if def.namespaced {
        let body_ns = s(&obj, "/metadata/namespace");
        if !body_ns.is_empty() && body_ns != ns {
            return Err(ApiError::bad_request("the namespace of the provided object does not match the namespace sent on the request"));
        }
        obj["metadata"]["namespace"] = json!(ns);
    } else if let Some(m) = obj["metadata"].as_object_mut() {
        m.remove("namespace");
    }
    if s(&obj, "/metadata/name").is_empty() {
        let gn = s(&obj, "/metadata/generateName").to_string();
        if !gn.is_empty() {
            obj["metadata"]["name"] = json!(format!("{gn}{}", rand_suffix(5)));
        }
    }
    drop_empty_maps(&mut obj);
    validation::apply_defaults(res, &mut obj);
    let name = s(&obj, "/metadata/name").to_string();
    validation::validate(res, def, &obj, None).map_err(|e| invalid_err(res, &name, e))?;
    let t = now();
    if let Some(m) = obj["metadata"].as_object_mut() {
        m.insert("uid".into(), json!(uuid::Uuid::new_v4().to_string()));
        m.insert("creationTimestamp".into(), json!(t));
        m.remove("resourceVersion");
        m.remove("deletionTimestamp");
        m.remove("deletionGracePeriodSeconds");
        m.remove("managedFields");
        if has_generation(res) {
            m.insert("generation".into(), json!(1));
        } else {
            m.remove("generation");
        }
    }
    if !opts.manager.is_empty() && res == idx::NAMESPACES {
        // Field tracking sees the namespace after defaulting (status.phase) but before the
        // strategy adds spec.finalizers.
        let mut view = obj.clone();
        if let Some(sp) = view.get_mut("spec").and_then(Value::as_object_mut) {
            sp.remove("finalizers");
        }
        if view
            .get("spec")
            .and_then(Value::as_object)
            .is_some_and(|m| m.is_empty())
        {
            if let Some(o) = view.as_object_mut() {
                o.remove("spec");
            }
        }
        patch::track_update(None, &mut view, &opts.manager, &def.api_version(), None, &t);
        if let Some(mf) = view.pointer_mut("/metadata/managedFields/0") {
            mf["fieldsV1"]["f:status"] = json!({"f:phase": {}});
        } else {
            view["metadata"]["managedFields"] = json!([{"manager": opts.manager, "operation": "Update", "apiVersion": def.api_version(), "time": t, "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {"f:phase": {}}}}]);
        }
        obj["metadata"]["managedFields"] = view["metadata"]["managedFields"].take();
    } else if !opts.manager.is_empty() {
        patch::track_update(None, &mut obj, &opts.manager, &def.api_version(), None, &t);
    }
    match res {
        idx::PODS => validation::admit_pod(&mut obj),
        // The strategy resets status on create.
        idx::STATEFULSETS => obj["status"] = json!({"replicas": 0, "availableReplicas": 0}),
        _ => {}
    }
    Ok(obj)
}

pub fn create(
    st: &State,
    res: usize,
    ns: &str,
    obj: Value,
    opts: &WriteOpts,
) -> Result<Value, ApiError> {
    let def = RESOURCES.get(res).ok_or(OpsError::UnknownResource(res))?;
    if def.namespaced {
        check_namespace(st, ns)?;
    }
    let obj = prepare_create(res, ns, obj, opts)?;
    let name = s(&obj, "/metadata/name").to_string();
    let key_ns = if def.namespaced { ns } else { "" };
    let out = st.store.mutate::<ApiError, _>(res, key_ns, &name, |cur| {
        if cur.is_some() {
            return Err(ApiError::already_exists(def, &name));
        }
        Ok(if opts.dry_run {
            Mutation::Noop
        } else {
            Mutation::Put(obj.clone())
        })
    })?;
    Ok(match out {
        Outcome::Stored { value, .. } => value,
        _ => obj,
    })
}

/// Turn `cur` + proposed `new` into the object to store (or a deletion when finalizers are gone).
fn prepare_update(
    res: usize,
    cur: &Value,
    mut new: Value,
    sub: Option<&str>,
    opts: &WriteOpts,
) -> Result<Mutation, ApiError> {
    let def = RESOURCES.get(res).ok_or(OpsError::UnknownResource(res))?;
    let name = s(cur, "/metadata/name").to_string();
    if !new.is_object() {
        return Err(ApiError::bad_request(
            "the body of the request must be a JSON object",
        ));
    }
    check_shape(def.kind, &new)?;
    let new_name = s(&new, "/metadata/name");
    if !new_name.is_empty() && new_name != name {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({new_name}) does not match the name on the URL ({name})"
        )));
    }
    if def.namespaced {
        let nns = s(&new, "/metadata/namespace");
        if !nns.is_empty() && nns != s(cur, "/metadata/namespace") {
            return Err(ApiError::bad_request("the namespace of the provided object does not match the namespace sent on the request"));
        }
    }
    match sub {
        Some("status") => {
            // Only status (and nothing else) changes through /status.
            let mut merged = cur.clone();
            merged["status"] = new.get("status").cloned().unwrap_or(Value::Null);
            if merged["status"].is_null() {
                if let Some(o) = merged.as_object_mut() {
                    o.remove("status");
                }
            }
            if let Some(mf) = new.pointer("/metadata/managedFields") {
                merged["metadata"]["managedFields"] = mf.clone();
            }
            new = merged;
        }
        _ => {
            if !new.get("metadata").map(Value::is_object).unwrap_or(false) {
                new["metadata"] = json!({});
            }
            let has_status_sub = def.subresources.contains(&"status");
            if has_status_sub && sub.is_none() {
                match cur.get("status") {
                    Some(stt) => new["status"] = stt.clone(),
                    None => {
                        if let Some(o) = new.as_object_mut() {
                            o.remove("status");
                        }
                    }
                }
            }
            for f in [
                "uid",
                "creationTimestamp",
                "deletionTimestamp",
                "deletionGracePeriodSeconds",
                "generation",
                "namespace",
                "name",
            ] {
                match cur["metadata"].get(f) {
                    Some(v) => new["metadata"][f] = v.clone(),
                    None => {
                        if let Some(m) = new["metadata"].as_object_mut() {
                            m.remove(f);
                        }
                    }
                }
            }
            new["apiVersion"] = json!(def.api_version());
            new["kind"] = json!(def.kind);
            drop_empty_maps(&mut new);
            validation::apply_defaults(res, &mut new);
            validation::validate(res, def, &new, Some(cur))
                .map_err(|e| invalid_err(res, &name, e))?;
            if has_generation(res) && cur.get("spec") != new.get("spec") {
                let g = cur
                    .pointer("/metadata/generation")
                    .and_then(Value::as_i64)
                    .unwrap_or(1);
                new["metadata"]["generation"] = json!(g + 1);
            }
            // Finalizers may only be removed once deletion started; an object whose last finalizer
            // goes away while deleting is removed.
            if cur.pointer("/metadata/deletionTimestamp").is_some() {
                let empty = new
                    .pointer("/metadata/finalizers")
                    .and_then(Value::as_array)
                    .map(|a| a.is_empty())
                    .unwrap_or(true);
                let pod_graceful = res == idx::PODS
                    && cur
                        .pointer("/metadata/deletionGracePeriodSeconds")
                        .and_then(Value::as_i64)
                        .unwrap_or(0)
                        > 0;
                if empty && !pod_graceful && res != idx::NAMESPACES {
                    return Ok(if opts.dry_run {
                        Mutation::Noop
                    } else {
                        Mutation::Delete
                    });
                }
            }
        }
    }
    if !opts.manager.is_empty()
        && !new
            .pointer("/metadata/managedFields")
            .is_some_and(|m| Some(m) != cur.pointer("/metadata/managedFields"))
    {
        let t = now();
        patch::track_update(
            Some(cur),
            &mut new,
            &opts.manager,
            &def.api_version(),
            sub,
            &t,
        );
    }
    Ok(Mutation::Put(new))
}

fn finish(out: Outcome, computed: Option<Value>) -> Value {
    match out {
        Outcome::Stored { value, .. } => value,
        Outcome::Deleted(v) => v,
        Outcome::Unchanged(Some(v)) => computed.unwrap_or(v),
        Outcome::Unchanged(None) => computed.unwrap_or(Value::Null),
    }
}

/// Validating admission of updates that needs other objects, read before the store's lock is
/// taken: the claim resize check ([`crate::storage::admit_update`]).
struct Admission(Option<crate::storage::Classes>);

impl Admission {
    fn of(st: &State, res: usize, sub: Option<&str>) -> Admission {
        Admission((res == idx::PVCS && sub.is_none()).then(|| crate::storage::Classes::of(st)))
    }

    fn admit(&self, cur: &Value, m: &Mutation) -> Result<(), ApiError> {
        match (&self.0, m) {
            (Some(classes), Mutation::Put(new)) => crate::storage::admit_update(classes, cur, new),
            _ => Ok(()),
        }
    }
}

/// PUT: replace with optimistic concurrency (a non-empty stale resourceVersion → 409).
pub fn update(
    st: &State,
    res: usize,
    ns: &str,
    name: &str,
    new: Value,
    sub: Option<&str>,
    opts: &WriteOpts,
) -> Result<Value, ApiError> {
    let def = RESOURCES.get(res).ok_or(OpsError::UnknownResource(res))?;
    let mut computed = None;
    let admission = Admission::of(st, res, sub);
    let out = st.store.mutate::<ApiError, _>(res, ns, name, |cur| {
        let cur = cur.ok_or_else(|| ApiError::not_found(def, name))?;
        let want_rv = s(&new, "/metadata/resourceVersion");
        if !want_rv.is_empty() && want_rv != s(&cur, "/metadata/resourceVersion") {
            return Err(ApiError::conflict(def, name));
        }
        let m = prepare_update(res, &cur, new, sub, opts)?;
        admission.admit(&cur, &m)?;
        if opts.dry_run {
            if let Mutation::Put(mut v) = m {
                // A dry run stores nothing: the object keeps its resourceVersion.
                v["metadata"]["resourceVersion"] = json!(s(&cur, "/metadata/resourceVersion"));
                computed = Some(v);
            }
            return Ok(Mutation::Noop);
        }
        Ok(m)
    })?;
    Ok(finish(out, computed))
}

/// Read-modify-write without a resourceVersion precondition (controllers, scale).
pub fn modify<F>(
    st: &State,
    res: usize,
    ns: &str,
    name: &str,
    sub: Option<&str>,
    opts: &WriteOpts,
    f: F,
) -> Result<Value, ApiError>
where
    F: FnOnce(&mut Value) -> Result<(), ApiError>,
{
    let def = RESOURCES.get(res).ok_or(OpsError::UnknownResource(res))?;
    let mut computed = None;
    let admission = Admission::of(st, res, sub);
    let out = st.store.mutate::<ApiError, _>(res, ns, name, |cur| {
        let cur = cur.ok_or_else(|| ApiError::not_found(def, name))?;
        let mut new = cur.clone();
        f(&mut new)?;
        if new == cur {
            return Ok(Mutation::Noop);
        }
        let m = prepare_update(res, &cur, new, sub, opts)?;
        admission.admit(&cur, &m)?;
        if opts.dry_run {
            if let Mutation::Put(mut v) = m {
                // A dry run stores nothing: the object keeps its resourceVersion.
                v["metadata"]["resourceVersion"] = json!(s(&cur, "/metadata/resourceVersion"));
                computed = Some(v);
            }
            return Ok(Mutation::Noop);
        }
        Ok(m)
    })?;
    Ok(finish(out, computed))
}

/// PATCH of any type; server-side apply creates the object when missing.
#[allow(clippy::too_many_arguments)]
pub fn patch(
    st: &State,
    res: usize,
    ns: &str,
    name: &str,
    pt: PatchType,
    body: &Value,
    sub: Option<&str>,
    opts: &WriteOpts,
) -> Result<Value, ApiError> {
    let def = RESOURCES.get(res).ok_or(OpsError::UnknownResource(res))?;
    let admission = Admission::of(st, res, sub);
    if matches!(pt, PatchType::Apply) {
        if opts.manager.is_empty() {
            return Err(ApiError::bad_request("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch"));
        }
        if st.store.get(res, ns, name).is_none() {
            if sub.is_some() {
                return Err(ApiError::not_found(def, name));
            }
            if def.namespaced {
                check_namespace(st, ns)?;
            }
            let t = now();
            let mut applied = patch::apply(
                None,
                body,
                &opts.manager,
                opts.force,
                &def.api_version(),
                None,
                &t,
            )
            .map_err(|e| patch_err(res, name, e))?;
            if applied.pointer("/metadata/name").is_none() {
                applied["metadata"]["name"] = json!(name);
            }
            let mf = applied.pointer("/metadata/managedFields").cloned();
            let mut obj = prepare_create(
                res,
                ns,
                applied,
                &WriteOpts {
                    manager: String::new(),
                    ..opts.clone()
                },
            )?;
            if let Some(mf) = mf {
                obj["metadata"]["managedFields"] = mf;
            }
            let key_ns = if def.namespaced { ns } else { "" };
            let out = st.store.mutate::<ApiError, _>(res, key_ns, name, |cur| {
                if cur.is_some() {
                    return Err(ApiError::conflict(def, name));
                }
                Ok(if opts.dry_run {
                    Mutation::Noop
                } else {
                    Mutation::Put(obj.clone())
                })
            })?;
            return Ok(finish(out, Some(obj)));
        }
    }
    let mut computed = None;
    let out = st.store.mutate::<ApiError, _>(res, ns, name, |cur| {
        let cur = cur.ok_or_else(|| ApiError::not_found(def, name))?;
        let new = match pt {
            PatchType::Merge => patch::merge_patch(&cur, body),
            PatchType::Json => {
                patch::json_patch(&cur, body).map_err(|e| patch_err(res, name, e))?
            }
            PatchType::Strategic => patch::strategic_merge(&cur, body),
            PatchType::Apply => {
                let t = now();
                let mut base = cur.clone();
                if sub.is_none() && def.subresources.contains(&"status") {
                    // apply to the main resource ignores status
                    let mut b = body.clone();
                    if let Some(o) = b.as_object_mut() {
                        o.remove("status");
                    }
                    let r = patch::apply(
                        Some(&base),
                        &b,
                        &opts.manager,
                        opts.force,
                        &def.api_version(),
                        sub,
                        &t,
                    )
                    .map_err(|e| patch_err(res, name, e))?;
                    base = r;
                    base
                } else {
                    patch::apply(
                        Some(&base),
                        body,
                        &opts.manager,
                        opts.force,
                        &def.api_version(),
                        sub,
                        &t,
                    )
                    .map_err(|e| patch_err(res, name, e))?
                }
            }
        };
        let want_rv = s(&new, "/metadata/resourceVersion");
        if !want_rv.is_empty() && want_rv != s(&cur, "/metadata/resourceVersion") {
            return Err(ApiError::conflict(def, name));
        }
        let manager_opts = if matches!(pt, PatchType::Apply) {
            WriteOpts {
                manager: String::new(),
                ..opts.clone()
            }
        } else {
            opts.clone()
        };
        let m = prepare_update(res, &cur, new, sub, &manager_opts)?;
        admission.admit(&cur, &m)?;
        if opts.dry_run {
            if let Mutation::Put(mut v) = m {
                // A dry run stores nothing: the object keeps its resourceVersion.
                v["metadata"]["resourceVersion"] = json!(s(&cur, "/metadata/resourceVersion"));
                computed = Some(v);
            }
            return Ok(Mutation::Noop);
        }
        Ok(m)
    })?;
    Ok(finish(out, computed))
}

/// DELETE: graceful pods, finalizers, propagation policies. Returns the object (deleted or
/// marked for deletion).
pub fn delete(
    st: &State,
    res: usize,
    ns: &str,
    name: &str,
    o: &DeleteOpts,
) -> Result<Value, ApiError> {
    let def = RESOURCES.get(res).ok_or(OpsError::UnknownResource(res))?;
    let out = st.store.mutate::<ApiError, _>(res, ns, name, |cur| {
        let mut cur = cur.ok_or_else(|| ApiError::not_found(def, name))?;
        if let Some(uid) = &o.uid {
            let have = s(&cur, "/metadata/uid");
            if uid != have {
                return Err(ApiError::new(409, "Conflict", format!("Operation cannot be fulfilled on {} \"{name}\": Precondition failed: UID in precondition: {uid}, UID in object meta: {have}", def.qualified()))
                    .with_details(json!({"name": name, "group": def.group, "kind": def.kind})));
            }
        }
        if let Some(rv) = &o.rv {
            let have = s(&cur, "/metadata/resourceVersion");
            if rv != have {
                return Err(ApiError::new(409, "Conflict", format!("Operation cannot be fulfilled on {} \"{name}\": Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {have}", def.qualified()))
                    .with_details(json!({"name": name, "group": def.group, "kind": def.kind})));
            }
        }
        let deleting = cur.pointer("/metadata/deletionTimestamp").is_some();
        let mut finalizers: Vec<Value> = cur.pointer("/metadata/finalizers").and_then(Value::as_array).cloned().unwrap_or_default();
        let is_pod = res == idx::PODS;
        if deleting {
            // Already terminating: a zero grace period forces pod removal; otherwise nothing to do.
            if is_pod && o.grace == Some(0) && finalizers.is_empty() {
                return Ok(if o.dry_run { Mutation::Noop } else { Mutation::Delete });
            }
            return Ok(Mutation::Noop);
        }
        let t = now();
        let gc_finalizer = match o.propagation.as_deref() {
            Some("Foreground") => Some(json!("foregroundDeletion")),
            Some("Orphan") => Some(json!("orphan")),
            _ => None,
        };
        if let Some(f) = gc_finalizer {
            if !finalizers.contains(&f) {
                finalizers.push(f);
            }
        }
        // Marking an object for deletion bumps its generation (rest.BeforeDelete).
        if let Some(g) = cur.pointer("/metadata/generation").and_then(Value::as_i64).filter(|g| *g > 0) {
            cur["metadata"]["generation"] = json!(g + 1);
        }
        if res == idx::NAMESPACES {
            cur["metadata"]["deletionTimestamp"] = json!(t);
            cur["status"]["phase"] = json!("Terminating");
            return Ok(if o.dry_run { Mutation::Noop } else { Mutation::Put(cur) });
        }
        if is_pod {
            let grace = o.grace.or_else(|| cur.pointer("/spec/terminationGracePeriodSeconds").and_then(Value::as_i64)).unwrap_or(30);
            let phase = s(&cur, "/status/phase");
            let scheduled = !s(&cur, "/spec/nodeName").is_empty();
            if grace > 0 && scheduled && phase != "Succeeded" && phase != "Failed" {
                let when = chrono::Utc::now() + chrono::Duration::seconds(grace);
                cur["metadata"]["deletionTimestamp"] = json!(when.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
                cur["metadata"]["deletionGracePeriodSeconds"] = json!(grace);
                if !finalizers.is_empty() {
                    cur["metadata"]["finalizers"] = Value::Array(finalizers);
                }
                return Ok(if o.dry_run { Mutation::Noop } else { Mutation::Put(cur) });
            }
        }
        if !finalizers.is_empty() {
            cur["metadata"]["deletionTimestamp"] = json!(t);
            cur["metadata"]["deletionGracePeriodSeconds"] = json!(0);
            cur["metadata"]["finalizers"] = Value::Array(finalizers);
            return Ok(if o.dry_run { Mutation::Noop } else { Mutation::Put(cur) });
        }
        Ok(if o.dry_run { Mutation::Noop } else { Mutation::Delete })
    })?;
    Ok(match out {
        Outcome::Stored { value, .. } => value,
        Outcome::Deleted(v) => v,
        Outcome::Unchanged(v) => v.unwrap_or(Value::Null),
    })
}

/// Record a core/v1 Event about `obj` like the real components do (aggregating repeats).
pub fn record_event(
    st: &State,
    obj: &Value,
    ty: &str,
    reason: &str,
    message: &str,
    component: &str,
) {
    let ns = s(obj, "/metadata/namespace");
    let ns = if ns.is_empty() { "default" } else { ns };
    let name = s(obj, "/metadata/name");
    let kind = s(obj, "/kind");
    // Aggregate: same object + reason + message → bump count.
    let key_name = format!(
        "{name}.{:x}",
        fxhash(&format!("{kind}/{name}/{reason}/{message}"))
    );
    let t = now();
    let involved = json!({
        "kind": kind,
        "namespace": ns,
        "name": name,
        "uid": s(obj, "/metadata/uid"),
        "apiVersion": s(obj, "/apiVersion"),
        "resourceVersion": s(obj, "/metadata/resourceVersion"),
    });
    let ev = json!({
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": key_name, "namespace": ns},
        "involvedObject": involved.clone(),
        "reason": reason,
        "message": message,
        "type": ty,
        "count": 1,
        "firstTimestamp": t,
        "lastTimestamp": t,
        "eventTime": null,
        "source": {"component": component},
        "reportingComponent": component,
        "reportingInstance": "",
    });
    // The same event as events.k8s.io/v1 sees it.
    let micro = now_micro();
    let _ = st.store.mutate::<ApiError, _>(idx::EVENTS_V1, ns, &key_name, |cur| {
        Ok(match cur {
            Some(mut c) => {
                let n = c.get("deprecatedCount").and_then(Value::as_i64).unwrap_or(1);
                c["deprecatedCount"] = json!(n + 1);
                c["deprecatedLastTimestamp"] = json!(t);
                c["series"] = json!({"count": n + 1, "lastObservedTime": micro});
                Mutation::Put(c)
            }
            None => Mutation::Put(json!({
                "apiVersion": "events.k8s.io/v1",
                "kind": "Event",
                "metadata": {"name": key_name, "namespace": ns, "uid": uuid::Uuid::new_v4().to_string(), "creationTimestamp": t},
                "eventTime": micro,
                "reportingController": component,
                "reportingInstance": format!("{component}-ordinal-sim"),
                "action": reason,
                "reason": reason,
                "regarding": involved,
                "note": message,
                "type": ty,
                "deprecatedCount": 1,
                "deprecatedFirstTimestamp": t,
                "deprecatedLastTimestamp": t,
                "deprecatedSource": {"component": component},
            })),
        })
    });
    let _ = st
        .store
        .mutate::<ApiError, _>(idx::EVENTS, ns, &key_name, |cur| {
            Ok(match cur {
                Some(mut c) => {
                    let n = c.get("count").and_then(Value::as_i64).unwrap_or(1);
                    c["count"] = json!(n + 1);
                    c["lastTimestamp"] = json!(t);
                    Mutation::Put(c)
                }
                None => {
                    let mut e = ev.clone();
                    e["metadata"]["uid"] = json!(uuid::Uuid::new_v4().to_string());
                    e["metadata"]["creationTimestamp"] = json!(t);
                    Mutation::Put(e)
                }
            })
        });
}

pub fn fxhash(s: &str) -> u64 {
    // FNV-1a: stable across runs (used for event names and revision hashes).
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}
