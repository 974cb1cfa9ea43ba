//! Edits that drop fields: applied as a patch from the object to the text, not by apply.
//!
//! Server-side apply removes a field only when the applier owned it alone. A field that another
//! manager also owns (kubectl, Helm, an operator, whoever created the object) survives an apply
//! that omits it: deleting a label, an env var or a probe in the editor would preview as "no
//! change", and switching a probe from TCP to HTTP would keep both handlers and be refused. So
//! when the user's text drops fields the object has ([`dropped`]), the edit is sent the way
//! `kubectl edit` sends it: a JSON patch from the object as read to the text ([`patch`]), with a
//! `test` of the resourceVersion first, so it applies to exactly the object the user saw or not
//! at all. The server dry-runs it for the preview like any other edit.

use serde_json::Value;

/// A step towards a field: a map key, or an item of a list keyed by `name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    Key(String),
    Named(String),
}

/// The fields `before` (the object as it is) has and `edited` (the user's text) lacks: under
/// `spec`, and `metadata.labels` / `metadata.annotations` (the rest of metadata is the server's).
pub(crate) fn dropped(before: &Value, edited: &Value) -> Vec<Vec<Step>> {
    let mut out = Vec::new();
    if let (Some(b), Some(e)) = (before.get("spec"), edited.get("spec")) {
        walk(b, e, &mut vec![Step::Key("spec".into())], &mut out);
    }
    for f in ["labels", "annotations"] {
        let path = || vec![Step::Key("metadata".into()), Step::Key(f.into())];
        match (before["metadata"].get(f), edited["metadata"].get(f)) {
            (Some(b), Some(e)) => walk(b, e, &mut path(), &mut out),
            (Some(b), None) if b.as_object().is_some_and(|m| !m.is_empty()) => out.push(path()),
            _ => {}
        }
    }
    out
}

fn name_of(v: &Value) -> Option<&str> {
    v.get("name").and_then(Value::as_str)
}

/// A list whose items are objects named by `name` (containers, env, ports, volumes…).
fn keyed(items: &[Value]) -> bool {
    items.iter().all(|i| name_of(i).is_some())
}

fn walk(b: &Value, e: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match (b, e) {
        (Value::Object(bm), Value::Object(em)) => {
            for (k, bv) in bm {
                path.push(Step::Key(k.clone()));
                match em.get(k) {
                    None => out.push(path.clone()),
                    Some(ev) => walk(bv, ev, path, out),
                }
                path.pop();
            }
        }
        (Value::Array(ba), Value::Array(ea)) if !ba.is_empty() && keyed(ba) && keyed(ea) => {
            for bi in ba {
                let n = name_of(bi).unwrap_or_default();
                path.push(Step::Named(n.to_string()));
                match ea.iter().find(|ei| name_of(ei) == Some(n)) {
                    None => out.push(path.clone()),
                    Some(ei) => walk(bi, ei, path, out),
                }
                path.pop();
            }
        }
        // Anything else the apply sets as a whole.
        _ => {}
    }
}

/// The part of an object an edit may change: `spec`, and metadata's labels and annotations.
fn editable(v: &Value) -> Value {
    let mut out = serde_json::Map::new();
    let mut meta = serde_json::Map::new();
    for f in ["labels", "annotations"] {
        if let Some(x) = v["metadata"].get(f) {
            meta.insert(f.into(), x.clone());
        }
    }
    out.insert("metadata".into(), Value::Object(meta));
    if let Some(spec) = v.get("spec") {
        out.insert("spec".into(), spec.clone());
    }
    Value::Object(out)
}

/// The JSON patch that turns `before` (the object as read, at `resource_version`) into `edited`
/// in its editable part, behind a test of the resourceVersion.
pub(crate) fn patch(before: &Value, edited: &Value, resource_version: &str) -> json_patch::Patch {
    let mut ops = vec![json_patch::PatchOperation::Test(
        json_patch::TestOperation {
            path: "/metadata/resourceVersion"
                .parse()
                .expect("a valid pointer"),
            value: Value::String(resource_version.to_string()),
        },
    )];
    ops.extend(json_patch::diff(&editable(before), &editable(edited)).0);
    json_patch::Patch(ops)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(env: Value, labels: Value) -> Value {
        json!({
            "metadata": {"name": "pg", "labels": labels},
            "spec": {"replicas": 1, "template": {"spec": {"containers": [
                {"name": "db", "image": "pg:17", "env": env,
                 "livenessProbe": {"tcpSocket": {"port": 5432}}},
                {"name": "exporter", "image": "exp:1"}
            ]}}}
        })
    }

    #[test]
    fn finds_dropped_map_keys_and_named_items_and_patches_exactly_them() {
        let before = obj(
            json!([{"name": "A", "value": "1"}, {"name": "B", "value": "2"}, {"name": "C", "value": "3"}]),
            json!({"app": "pg", "team": "db"}),
        );
        let mut edited = obj(json!([{"name": "B", "value": "2"}]), json!({"app": "pg"}));
        edited["spec"]["template"]["spec"]["containers"][0]
            .as_object_mut()
            .unwrap()
            .remove("livenessProbe");
        edited["spec"]["replicas"] = json!(2);
        let d = dropped(&before, &edited);
        assert_eq!(d.len(), 4, "{d:?}");
        let p = patch(&before, &edited, "42");
        let ops = serde_json::to_value(&p).unwrap();
        assert_eq!(
            ops[0],
            json!({"op": "test", "path": "/metadata/resourceVersion", "value": "42"})
        );
        let mut after = before.clone();
        after["metadata"]["resourceVersion"] = json!("42");
        json_patch::patch(&mut after, &p).unwrap();
        after["metadata"]
            .as_object_mut()
            .unwrap()
            .remove("resourceVersion");
        assert_eq!(after, edited);
        // status and server metadata are never touched
        assert!(
            ops.as_array().unwrap().iter().all(|o| {
                let path = o["path"].as_str().unwrap();
                path.starts_with("/spec")
                    || path.starts_with("/metadata/labels")
                    || path == "/metadata/resourceVersion"
            }),
            "{ops}"
        );
        // a stale resourceVersion applies nothing
        let mut stale = before.clone();
        stale["metadata"]["resourceVersion"] = json!("43");
        assert!(json_patch::patch(&mut stale, &p).is_err());
    }

    #[test]
    fn nothing_dropped_when_only_values_change_or_fields_are_added() {
        let before = obj(json!([{"name": "A", "value": "1"}]), json!({"app": "pg"}));
        assert!(dropped(&before, &before).is_empty());
        let edited = obj(
            json!([{"name": "A", "value": "2"}, {"name": "B", "value": "1"}]),
            json!({"app": "pg", "x": "y"}),
        );
        assert!(dropped(&before, &edited).is_empty());
        assert_eq!(
            dropped(&before, &obj(json!([]), json!({"app": "pg"}))).len(),
            1
        );
    }
}
