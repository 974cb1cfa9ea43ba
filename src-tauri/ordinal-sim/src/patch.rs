//! Patch types: JSON merge, JSON patch, strategic merge (for the fields we touch) and server-side
//! apply with managedFields and conflict detection.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

#[derive(Debug, thiserror::Error)]
pub enum PatchError {
    #[error("{0}")]
    Invalid(String),
    /// The patch document itself does not decode (400, not 422).
    #[error("{0}")]
    BadRequest(String),
    #[error("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json")]
    UnsupportedMediaType,
    #[error("{message}")]
    Conflict {
        message: String,
        causes: Vec<(String, String)>,
    },
}

pub enum PatchType {
    Merge,
    Json,
    Strategic,
    Apply,
}

impl PatchType {
    pub fn from_content_type(ct: &str) -> Result<PatchType, PatchError> {
        let ct = ct.split(';').next().unwrap_or("").trim();
        match ct {
            "application/merge-patch+json" => Ok(PatchType::Merge),
            "application/json-patch+json" => Ok(PatchType::Json),
            "application/strategic-merge-patch+json" => Ok(PatchType::Strategic),
            "application/apply-patch+yaml" | "application/apply-patch+cbor" => Ok(PatchType::Apply),
            _ => Err(PatchError::UnsupportedMediaType),
        }
    }
}

pub fn parse_body(body: &[u8]) -> Result<Value, PatchError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => Ok(v),
        Err(je) => {
            let s = std::str::from_utf8(body).map_err(|e| PatchError::Invalid(e.to_string()))?;
            serde_saphyr::from_str::<Value>(s).map_err(|ye| {
                PatchError::Invalid(format!(
                    "couldn't get version/kind; json parse error: {je}; yaml: {ye}"
                ))
            })
        }
    }
}

pub fn merge_patch(target: &Value, patch: &Value) -> Value {
    let mut t = target.clone();
    json_patch::merge(&mut t, patch);
    t
}

pub fn json_patch(target: &Value, patch: &Value) -> Result<Value, PatchError> {
    let p: json_patch::Patch =
        serde_json::from_value(patch.clone()).map_err(|e| PatchError::BadRequest(e.to_string()))?;
    let mut t = target.clone();
    json_patch::patch(&mut t, &p).map_err(|e| {
        PatchError::Invalid(format!(
            "the server rejected our request due to an error in our request: {e}"
        ))
    })?;
    Ok(t)
}

/// The merge key of a list field, by field name and parent field.
fn merge_key(parent: &str, field: &str) -> Option<&'static str> {
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "env"
        | "imagePullSecrets"
        | "volumeClaimTemplates" => {
            if field == "volumeClaimTemplates" {
                None
            } else {
                Some("name")
            }
        }
        "volumeMounts" | "volumeDevices" => Some("mountPath"),
        "ports" => Some(if parent == "spec" {
            "port"
        } else {
            "containerPort"
        }),
        "conditions" => Some("type"),
        "ownerReferences" => Some("uid"),
        _ => None,
    }
}

fn is_set_list(field: &str) -> bool {
    field == "finalizers"
}

/// Strategic merge patch for the fields we touch: lists of containers/env/volumes/ports/... merge
/// by their key, `$patch: delete|replace` directives, finalizers merge as a set.
pub fn strategic_merge(target: &Value, patch: &Value) -> Value {
    smp(target, patch, "")
}

fn smp(target: &Value, patch: &Value, parent: &str) -> Value {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            if p.get("$patch").and_then(Value::as_str) == Some("replace") {
                let mut p = p.clone();
                p.remove("$patch");
                return Value::Object(p);
            }
            let mut out = t.clone();
            // `$setElementOrder/<list>`: the list is merged and then put in that order.
            let mut ordered = Vec::new();
            for (k, order) in p {
                let (Some(field), Value::Array(order)) =
                    (k.strip_prefix("$setElementOrder/"), order)
                else {
                    continue;
                };
                let key = merge_key(parent, field);
                if (key.is_none() && !is_set_list(field))
                    || (out.get(field).is_none() && p.get(field).is_none())
                {
                    continue;
                }
                let original = match out.get(field) {
                    Some(Value::Array(a)) => a.clone(),
                    _ => Vec::new(),
                };
                let merged = match p.get(field) {
                    Some(Value::Array(pa)) => match key {
                        Some(key) => merge_list(&original, pa, key, field),
                        None => merge_set(&original, pa),
                    },
                    _ => original.clone(),
                };
                let server = match p.get(field) {
                    Some(Value::Array(pa)) if key.is_some() => without_deleted(&original, pa, key),
                    _ => original,
                };
                out.insert(
                    field.to_string(),
                    Value::Array(enforce_order(merged, order, &server, key)),
                );
                ordered.push(field);
            }
            for (k, pv) in p {
                if k.starts_with('$') || ordered.contains(&k.as_str()) {
                    continue;
                }
                if pv.is_null() {
                    out.remove(k);
                    continue;
                }
                let merged = match (out.get(k), pv) {
                    (Some(Value::Array(ta)), Value::Array(pa)) => {
                        if let Some(key) = merge_key(parent, k) {
                            Value::Array(merge_list(ta, pa, key, k))
                        } else if is_set_list(k) {
                            Value::Array(merge_set(ta, pa))
                        } else {
                            pv.clone()
                        }
                    }
                    (Some(tv @ Value::Object(_)), Value::Object(_)) => smp(tv, pv, k),
                    (_, Value::Object(po)) => {
                        smp(&Value::Object(Map::new()), &Value::Object(po.clone()), k)
                    }
                    _ => strip_directives(pv),
                };
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        (_, p) => strip_directives(p),
    }
}

fn strip_directives(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !k.starts_with('$'))
                .map(|(k, v)| (k.clone(), strip_directives(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(strip_directives).collect()),
        other => other.clone(),
    }
}

/// Merge a list of objects by `key` like apimachinery's strategic merge patch: `$patch: replace`
/// takes the patch's items, `$patch: delete` items are removed first, items whose key is already
/// there are merged into it, the others are added; then the order is enforced (see
/// [`enforce_order`]): the patch's items keep the patch's order and the items only on the server
/// keep theirs, so a new item comes before the server's items it cannot be placed after.
fn merge_list(target: &[Value], patch: &[Value], key: &str, field: &str) -> Vec<Value> {
    let directive = |pe: &Value| pe.get("$patch").and_then(Value::as_str).map(String::from);
    if patch
        .iter()
        .any(|pe| directive(pe).as_deref() == Some("replace"))
    {
        return patch
            .iter()
            .filter(|pe| directive(pe).is_none())
            .map(strip_directives)
            .collect();
    }
    let original = without_deleted(target, patch, Some(key));
    let items: Vec<Value> = patch
        .iter()
        .filter(|pe| directive(pe).is_none())
        .cloned()
        .collect();
    let mut merged = original.clone();
    for pe in &items {
        match pe
            .get(key)
            .and_then(|kv| merged.iter().position(|e| e.get(key) == Some(kv)))
        {
            Some(i) => merged[i] = smp(&merged[i], pe, field),
            None => merged.push(strip_directives(pe)),
        }
    }
    enforce_order(merged, &items, &original, Some(key))
}

/// The target list without the items a `$patch: delete` in the patch removes.
fn without_deleted(target: &[Value], patch: &[Value], key: Option<&str>) -> Vec<Value> {
    let Some(key) = key else {
        return target.to_vec();
    };
    let deleted: Vec<&Value> = patch
        .iter()
        .filter(|pe| pe.get("$patch").and_then(Value::as_str) == Some("delete"))
        .filter_map(|pe| pe.get(key))
        .collect();
    target
        .iter()
        .filter(|e| !e.get(key).is_some_and(|kv| deleted.contains(&kv)))
        .cloned()
        .collect()
}

/// A list of scalars merged as a set (finalizers), in the order strategic merge patch gives.
fn merge_set(target: &[Value], patch: &[Value]) -> Vec<Value> {
    let mut merged = target.to_vec();
    for x in patch {
        if !merged.contains(x) {
            merged.push(x.clone());
        }
    }
    enforce_order(merged, patch, target, None)
}

/// apimachinery's `normalizeElementOrder` + `mergeSortedSlice`: the merged items named in
/// `patch_order` are sorted by it, the others (server-only) by `server_order`; then the two runs
/// are interleaved, a server-only item going first only when both it and the next patch item are
/// in `server_order` and it comes earlier there.
fn enforce_order(
    merged: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    key: Option<&str>,
) -> Vec<Value> {
    let id = |v: &Value| -> Value {
        match key {
            Some(k) => v.get(k).cloned().unwrap_or(Value::Null),
            None => v.clone(),
        }
    };
    let pos = |list: &[Value], v: &Value| {
        let x = id(v);
        list.iter().position(|e| id(e) == x)
    };
    let (mut patch_items, mut server_only): (Vec<Value>, Vec<Value>) = merged
        .into_iter()
        .partition(|v| pos(patch_order, v).is_some());
    patch_items.sort_by_key(|v| pos(patch_order, v));
    server_only.sort_by_key(|v| pos(server_order, v).unwrap_or(usize::MAX));
    let mut out = Vec::with_capacity(patch_items.len() + server_only.len());
    let (mut left, mut right) = (
        server_only.into_iter().peekable(),
        patch_items.into_iter().peekable(),
    );
    loop {
        let take_left = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(l), Some(r)) => matches!(
                (pos(server_order, l), pos(server_order, r)),
                (Some(li), Some(ri)) if li < ri
            ),
        };
        out.extend(if take_left { left.next() } else { right.next() });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Server-side apply

/// A field path: tokens like `f:spec`, `k:{"name":"app"}`.
type FieldPath = Vec<String>;
type FieldSet = BTreeSet<FieldPath>;

fn key_token(key: &str, v: &Value) -> String {
    let mut m = Map::new();
    m.insert(key.to_string(), v.clone());
    format!("k:{}", Value::Object(m))
}

/// Label selectors are atomic (`+structType=atomic`): owned as one field.
fn is_atomic(key: &str, v: &Value) -> bool {
    key == "selector"
        && v.as_object()
            .is_some_and(|m| m.contains_key("matchLabels") || m.contains_key("matchExpressions"))
}

fn collect(v: &Value, parent: &str, path: &mut FieldPath, out: &mut FieldSet) {
    match v {
        Value::Object(m) if !m.is_empty() && !is_atomic(parent, v) => {
            for (k, child) in m {
                path.push(format!("f:{k}"));
                match child {
                    Value::Array(items)
                        if merge_key(parent, k).is_some() && items.iter().all(Value::is_object) =>
                    {
                        let key = merge_key(parent, k).unwrap_or("name");
                        if items.is_empty() {
                            out.insert(path.clone());
                        }
                        for it in items {
                            let kv = it.get(key).cloned().unwrap_or(Value::Null);
                            path.push(key_token(key, &kv));
                            let mut sub = it.clone();
                            if let Some(o) = sub.as_object_mut() {
                                // the key itself is owned too
                                o.entry(key.to_string()).or_insert(kv);
                            }
                            collect(&sub, k, path, out);
                            path.pop();
                        }
                    }
                    _ => collect(child, k, path, out),
                }
                path.pop();
            }
        }
        _ => {
            // The object itself (an empty root) is not a field.
            if !path.is_empty() {
                out.insert(path.clone());
            }
        }
    }
}

/// Value-struct fields: present (if empty) in a Go zero value, so an update never adds them.
const VALUE_STRUCTS: &[&str] = &[
    "metadata",
    "spec",
    "status",
    "template",
    "updateStrategy",
    "containers",
    "resources",
];

/// The non-leaf nodes (maps, associative lists, optional structs) of `new` that `old` lacks: an
/// Update owns them too, which fieldsV1 shows as `".": {}` (list items get it when rendered).
fn added_nodes(old: Option<&Value>, new: &Value, status_only: bool) -> FieldSet {
    let view_old = old.map(|o| managed_view(o, status_only));
    let mut out = FieldSet::new();
    walk_nodes(
        &managed_view(new, status_only),
        "",
        &mut Vec::new(),
        view_old.as_ref(),
        &mut out,
    );
    out
}

fn walk_nodes(v: &Value, key: &str, path: &mut FieldPath, old: Option<&Value>, out: &mut FieldSet) {
    let Value::Object(m) = v else { return };
    if m.is_empty() || is_atomic(key, v) {
        return;
    }
    let is_item = path.last().is_some_and(|t| t.starts_with("k:"));
    let mark = |path: &FieldPath, out: &mut FieldSet| {
        if old.and_then(|o| value_at(o, path)).is_none() {
            let mut p = path.clone();
            p.push(".".into());
            out.insert(p);
        }
    };
    if !path.is_empty() && !is_item && !VALUE_STRUCTS.contains(&key) {
        mark(path, out);
    }
    for (k, child) in m {
        path.push(format!("f:{k}"));
        match child {
            Value::Array(items)
                if merge_key(key, k).is_some() && items.iter().all(Value::is_object) =>
            {
                if !items.is_empty() && !VALUE_STRUCTS.contains(&k.as_str()) {
                    mark(path, out);
                }
                let mk = merge_key(key, k).unwrap_or("name");
                for it in items {
                    let kv = it.get(mk).cloned().unwrap_or(Value::Null);
                    path.push(key_token(mk, &kv));
                    walk_nodes(it, k, path, old, out);
                    path.pop();
                }
            }
            _ => walk_nodes(child, k, path, old, out),
        }
        path.pop();
    }
}

/// The fields of an object that field management tracks (not identity/system metadata).
fn managed_view(obj: &Value, status_only: bool) -> Value {
    let mut out = Map::new();
    if let Some(o) = obj.as_object() {
        for (k, v) in o {
            match k.as_str() {
                "apiVersion" | "kind" => {}
                "status" if !status_only => {}
                // A ControllerRevision's data is a RawExtension: one atomic field.
                "data" if o.get("kind").and_then(Value::as_str) == Some("ControllerRevision") => {
                    out.insert(k.clone(), json!(true));
                }
                "metadata" => {
                    if status_only {
                        continue;
                    }
                    let mut mm = Map::new();
                    for f in [
                        "generateName",
                        "labels",
                        "annotations",
                        "finalizers",
                        "ownerReferences",
                    ] {
                        if let Some(x) = v.get(f) {
                            let mut x = x.clone();
                            if f == "annotations" {
                                if let Some(a) = x.as_object_mut() {
                                    a.remove("kubectl.kubernetes.io/last-applied-configuration");
                                }
                            }
                            mm.insert(f.into(), x);
                        }
                    }
                    if !mm.is_empty() {
                        out.insert("metadata".into(), Value::Object(mm));
                    }
                }
                _ if status_only && k != "status" => {}
                _ => {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
    }
    Value::Object(out)
}

fn fieldset_of(obj: &Value, status_only: bool) -> FieldSet {
    let mut out = FieldSet::new();
    collect(
        &managed_view(obj, status_only),
        "",
        &mut Vec::new(),
        &mut out,
    );
    out
}

fn value_at<'a>(obj: &'a Value, path: &[String]) -> Option<&'a Value> {
    let mut cur = obj;
    for tok in path {
        if let Some(f) = tok.strip_prefix("f:") {
            cur = cur.get(f)?;
        } else if let Some(k) = tok.strip_prefix("k:") {
            let kv: Map<String, Value> = serde_json::from_str(k).ok()?;
            let (kk, vv) = kv.iter().next()?;
            cur = cur.as_array()?.iter().find(|e| e.get(kk) == Some(vv))?;
        } else {
            return None;
        }
    }
    Some(cur)
}

fn remove_at(obj: &mut Value, path: &[String]) {
    let Some((last, init)) = path.split_last() else {
        return;
    };
    let mut cur = obj;
    for tok in init {
        let next = if let Some(f) = tok.strip_prefix("f:") {
            cur.get_mut(f)
        } else if let Some(k) = tok.strip_prefix("k:") {
            let Ok(kv) = serde_json::from_str::<Map<String, Value>>(k) else {
                return;
            };
            let Some((kk, vv)) = kv.iter().next() else {
                return;
            };
            cur.as_array_mut()
                .and_then(|a| a.iter_mut().find(|e| e.get(kk.as_str()) == Some(vv)))
        } else {
            None
        };
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
    if let Some(f) = last.strip_prefix("f:") {
        if let Some(o) = cur.as_object_mut() {
            o.remove(f);
        }
    } else if let Some(k) = last.strip_prefix("k:") {
        if let Ok(kv) = serde_json::from_str::<Map<String, Value>>(k) {
            if let (Some((kk, vv)), Some(a)) = (kv.iter().next(), cur.as_array_mut()) {
                a.retain(|e| e.get(kk.as_str()) != Some(vv));
            }
        }
    }
}

fn to_fields_v1(set: &FieldSet) -> Value {
    let mut root = Map::new();
    for path in set {
        let mut cur = &mut root;
        for (i, tok) in path.iter().enumerate() {
            let e = cur
                .entry(tok.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            if i + 1 < path.len() && tok.starts_with("k:") {
                if let Some(o) = e.as_object_mut() {
                    o.entry(".").or_insert(json!({}));
                }
            }
            match e {
                Value::Object(m) => cur = m,
                _ => break,
            }
        }
    }
    Value::Object(root)
}

fn from_fields_v1(v: &Value, path: &mut FieldPath, out: &mut FieldSet) {
    if let Some(m) = v.as_object() {
        let children: Vec<_> = m.iter().filter(|(k, _)| k.as_str() != ".").collect();
        if children.is_empty() {
            if !path.is_empty() {
                out.insert(path.clone());
            }
            return;
        }
        if m.contains_key(".") && !path.is_empty() {
            let mut p = path.clone();
            p.push(".".into());
            out.insert(p);
        }
        for (k, c) in children {
            path.push(k.clone());
            from_fields_v1(c, path, out);
            path.pop();
        }
    }
}

struct Manager {
    manager: String,
    operation: String,
    api_version: String,
    subresource: Option<String>,
    time: String,
    set: FieldSet,
}

fn read_managers(obj: &Value) -> Vec<Manager> {
    let mut out = Vec::new();
    for e in obj
        .pointer("/metadata/managedFields")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
    {
        let mut set = FieldSet::new();
        if let Some(f) = e.get("fieldsV1") {
            from_fields_v1(f, &mut Vec::new(), &mut set);
        }
        out.push(Manager {
            manager: e
                .get("manager")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            operation: e
                .get("operation")
                .and_then(Value::as_str)
                .unwrap_or("Update")
                .to_string(),
            api_version: e
                .get("apiVersion")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            subresource: e
                .get("subresource")
                .and_then(Value::as_str)
                .map(String::from),
            time: e
                .get("time")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            set,
        });
    }
    out
}

fn write_managers(obj: &mut Value, ms: &[Manager]) {
    let arr: Vec<Value> = ms
        .iter()
        .filter(|m| !m.set.is_empty())
        .map(|m| {
            let mut e = json!({
                "manager": m.manager,
                "operation": m.operation,
                "apiVersion": m.api_version,
                "time": m.time,
                "fieldsType": "FieldsV1",
                "fieldsV1": to_fields_v1(&m.set),
            });
            if let Some(s) = &m.subresource {
                e["subresource"] = json!(s);
            }
            e
        })
        .collect();
    if obj.is_object() && !obj.get("metadata").map(Value::is_object).unwrap_or(false) {
        obj["metadata"] = json!({});
    }
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        if arr.is_empty() {
            meta.remove("managedFields");
        } else {
            meta.insert("managedFields".into(), Value::Array(arr));
        }
    }
}

fn path_string(p: &FieldPath) -> String {
    let mut s = String::new();
    for t in p {
        if let Some(f) = t.strip_prefix("f:") {
            s.push('.');
            s.push_str(f);
        } else if let Some(k) = t.strip_prefix("k:") {
            let parts: Vec<String> = serde_json::from_str::<Map<String, Value>>(k)
                .map(|m| m.iter().map(|(kk, vv)| format!("{kk}={vv}")).collect())
                .unwrap_or_default();
            s.push('[');
            s.push_str(&parts.join(","));
            s.push(']');
        }
    }
    s
}

/// Record an Update operation by `manager` that changed `old` into `new` (managedFields on `new`).
pub fn track_update(
    old: Option<&Value>,
    new: &mut Value,
    manager: &str,
    api_version: &str,
    subresource: Option<&str>,
    now: &str,
) {
    let status_only = subresource == Some("status");
    let mut ms = match old {
        Some(o) => read_managers(o),
        None => Vec::new(),
    };
    let new_set = fieldset_of(new, status_only);
    let mut changed: FieldSet = match old {
        Some(o) => new_set
            .iter()
            .filter(|p| value_at(o, p) != value_at(new, p))
            .cloned()
            .collect(),
        None => new_set.clone(),
    };
    changed.extend(added_nodes(old, new, status_only));
    let old_set = old.map(|o| fieldset_of(o, status_only)).unwrap_or_default();
    let removed: FieldSet = old_set.difference(&new_set).cloned().collect();
    for m in ms.iter_mut() {
        m.set.retain(|p| {
            if p.last().is_some_and(|t| t == ".") {
                // A node stays owned while it exists.
                return !changed.contains(p) && value_at(new, &p[..p.len() - 1]).is_some();
            }
            !changed.contains(p) && !removed.contains(p)
        });
    }
    if !changed.is_empty() {
        let sub = subresource.map(String::from);
        if let Some(m) = ms
            .iter_mut()
            .find(|m| m.manager == manager && m.operation == "Update" && m.subresource == sub)
        {
            m.set.extend(changed);
            m.time = now.to_string();
        } else {
            ms.push(Manager {
                manager: manager.into(),
                operation: "Update".into(),
                api_version: api_version.into(),
                subresource: sub,
                time: now.into(),
                set: changed,
            });
        }
    }
    write_managers(new, &ms);
}

/// Server-side apply of `applied` by `manager` onto `current` (None: the object does not exist).
pub fn apply(
    current: Option<&Value>,
    applied: &Value,
    manager: &str,
    force: bool,
    api_version: &str,
    subresource: Option<&str>,
    now: &str,
) -> Result<Value, PatchError> {
    let status_only = subresource == Some("status");
    let base = current.cloned().unwrap_or_else(|| json!({}));
    let mut ms = current.map(read_managers).unwrap_or_default();
    let applied_set = fieldset_of(applied, status_only);

    // Conflicts: fields another manager owns whose value this apply would change.
    let mut conflicts: BTreeMap<String, Vec<FieldPath>> = BTreeMap::new();
    let mut described: BTreeMap<String, String> = BTreeMap::new();
    for m in ms.iter() {
        if m.manager == manager && m.operation == "Apply" {
            continue;
        }
        for p in applied_set.intersection(&m.set) {
            if value_at(&base, p) != value_at(applied, p) {
                conflicts
                    .entry(m.manager.clone())
                    .or_default()
                    .push(p.clone());
                let sub = m
                    .subresource
                    .as_ref()
                    .map(|s| format!(" with subresource \"{s}\""))
                    .unwrap_or_default();
                // Like apiserver's printManager: the API version only for Update managers.
                let using = if m.operation == "Update" {
                    format!(" using {}", m.api_version)
                } else {
                    String::new()
                };
                described.insert(m.manager.clone(), format!("\"{}\"{sub}{using}", m.manager));
            }
        }
    }
    if !conflicts.is_empty() && !force {
        let n: usize = conflicts.values().map(Vec::len).sum();
        let mut causes = Vec::new();
        let mut parts = Vec::new();
        for (mgr, paths) in &conflicts {
            let who = described
                .get(mgr)
                .cloned()
                .unwrap_or_else(|| format!("\"{mgr}\""));
            if paths.len() == 1 {
                parts.push(format!("conflict with {who}: {}", path_string(&paths[0])));
            } else {
                let lines: Vec<String> = paths
                    .iter()
                    .map(|p| format!("- {}", path_string(p)))
                    .collect();
                parts.push(format!("conflicts with {who}:\n{}", lines.join("\n")));
            }
            for p in paths {
                causes.push((format!("conflict with \"{mgr}\""), path_string(p)));
            }
        }
        let message = format!(
            "Apply failed with {n} conflict{}: {}",
            if n == 1 { "" } else { "s" },
            parts.join("\n")
        );
        return Err(PatchError::Conflict { message, causes });
    }
    // Force: take the conflicting fields away from their owners.
    for m in ms.iter_mut() {
        if let Some(paths) = conflicts.get(&m.manager) {
            m.set.retain(|p| !paths.contains(p));
        }
    }
    // Fields this manager applied before but no longer applies, owned by nobody else: remove.
    let mut result = base.clone();
    let prev: FieldSet = ms
        .iter()
        .filter(|m| m.manager == manager && m.operation == "Apply")
        .flat_map(|m| m.set.iter().cloned())
        .collect();
    for p in prev.difference(&applied_set) {
        let others = ms
            .iter()
            .any(|m| !(m.manager == manager && m.operation == "Apply") && m.set.contains(p));
        if !others {
            remove_at(&mut result, p);
        }
    }
    // A resourceVersion in the applied configuration stays on the merged object, so the update
    // that stores it checks it as a precondition (409 when the object changed), as the API
    // server does for every patch.
    let mut applied_clean = applied.clone();
    if let Some(meta) = applied_clean
        .get_mut("metadata")
        .and_then(Value::as_object_mut)
    {
        meta.remove("managedFields");
    }
    let mut result = strategic_merge(&result, &applied_clean);
    ms.retain(|m| !(m.manager == manager && m.operation == "Apply"));
    ms.push(Manager {
        manager: manager.into(),
        operation: "Apply".into(),
        api_version: api_version.into(),
        subresource: subresource.map(String::from),
        time: now.into(),
        set: applied_set,
    });
    write_managers(&mut result, &ms);
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smp_merges_containers_by_name() {
        let t = json!({"spec": {"containers": [{"name": "a", "image": "x:1", "env": [{"name": "A", "value": "1"}]}, {"name": "b", "image": "y"}]}});
        let p = json!({"spec": {"containers": [{"name": "a", "image": "x:2", "env": [{"name": "B", "value": "2"}]}]}});
        let r = strategic_merge(&t, &p);
        assert_eq!(r["spec"]["containers"].as_array().unwrap().len(), 2);
        assert_eq!(r["spec"]["containers"][0]["image"], "x:2");
        assert_eq!(
            r["spec"]["containers"][0]["env"].as_array().unwrap().len(),
            2
        );
        let del = json!({"spec": {"containers": [{"name": "b", "$patch": "delete"}]}});
        assert_eq!(
            strategic_merge(&r, &del)["spec"]["containers"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn smp_list_order_is_apimachinerys() {
        let names = |v: &Value| -> Vec<String> {
            v["env"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["name"].as_str().unwrap().to_string())
                .collect()
        };
        let env =
            |ns: &[&str]| json!({"env": ns.iter().map(|n| json!({"name": n})).collect::<Vec<_>>()});
        // A new item cannot be placed after a server-only one: it goes first.
        assert_eq!(
            names(&strategic_merge(&env(&["A"]), &env(&["B"]))),
            ["B", "A"]
        );
        // Server-only items earlier than a patched item stay before it.
        assert_eq!(
            names(&strategic_merge(&env(&["A", "C"]), &env(&["C", "B"]))),
            ["A", "C", "B"]
        );
        assert_eq!(
            names(&strategic_merge(&env(&["A", "B", "C"]), &env(&["C", "A"]))),
            ["B", "C", "A"]
        );
        // $setElementOrder puts the list in the given order.
        let mut p = env(&["B"]);
        p["$setElementOrder/env"] = json!([{"name": "A"}, {"name": "B"}]);
        assert_eq!(names(&strategic_merge(&env(&["A"]), &p)), ["A", "B"]);
        let p = json!({"$setElementOrder/env": [{"name": "C"}, {"name": "A"}]});
        assert_eq!(names(&strategic_merge(&env(&["A", "C"]), &p)), ["C", "A"]);
        // Deletions and finalizers.
        let p = json!({"env": [{"name": "A", "$patch": "delete"}, {"name": "D"}]});
        assert_eq!(names(&strategic_merge(&env(&["A", "C"]), &p)), ["D", "C"]);
        let f = strategic_merge(
            &json!({"finalizers": ["a"]}),
            &json!({"finalizers": ["b", "a"]}),
        );
        assert_eq!(f["finalizers"], json!(["b", "a"]));
    }

    #[test]
    fn apply_conflicts_and_force() {
        let a = json!({"spec": {"replicas": 3}});
        let o = apply(None, &a, "alice", false, "apps/v1", None, "t").unwrap();
        let b = json!({"spec": {"replicas": 5}});
        let err = apply(Some(&o), &b, "bob", false, "apps/v1", None, "t").unwrap_err();
        assert_eq!(
            err.to_string(),
            "Apply failed with 1 conflict: conflict with \"alice\": .spec.replicas"
        );
        // Same value: shared ownership, no conflict.
        apply(Some(&o), &a, "bob", false, "apps/v1", None, "t").unwrap();
        let f = apply(Some(&o), &b, "bob", true, "apps/v1", None, "t").unwrap();
        assert_eq!(f["spec"]["replicas"], 5);
        // alice no longer owns replicas
        let ms = read_managers(&f);
        assert!(ms.iter().all(|m| m.manager != "alice" || m.set.is_empty()));
    }

    #[test]
    fn apply_removes_fields_no_longer_applied() {
        let a = json!({"metadata": {"labels": {"x": "1", "y": "2"}}});
        let o = apply(None, &a, "m", false, "v1", None, "t").unwrap();
        let o2 = apply(
            Some(&o),
            &json!({"metadata": {"labels": {"x": "1"}}}),
            "m",
            false,
            "v1",
            None,
            "t",
        )
        .unwrap();
        assert!(o2.pointer("/metadata/labels/y").is_none());
    }
}
