//! Server-side field validation (`?fieldValidation=Ignore|Warn|Strict`, Warn by default): unknown
//! fields in create/update/patch bodies, found with the OpenAPI schemas of [`crate::openapi`].
//! Strict rejects the request the way the real server does (per verb and patch type), Warn
//! answers with `Warning` headers, and Warn and Ignore drop the unknown fields (the real server
//! does not store what its types do not declare). Server-side apply rejects unknown fields
//! whatever the directive (`.spec.x: field not declared in schema`), as structured-merge-diff
//! does. Duplicate fields are not detected (the JSON is parsed before this check).

use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::openapi;
use crate::patch::PatchType;
use crate::resources::ResourceDef;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Directive {
    Ignore,
    Warn,
    Strict,
}

impl Directive {
    /// The `fieldValidation` query value; `options` names the options kind in the error
    /// (`CreateOptions`, `UpdateOptions`, `PatchOptions`).
    pub fn parse(q: Option<&str>, options: &str) -> Result<Directive, ApiError> {
        match q.unwrap_or("") {
            "" | "Warn" => Ok(Directive::Warn),
            "Ignore" => Ok(Directive::Ignore),
            "Strict" => Ok(Directive::Strict),
            other => Err(ApiError::new(422, "Invalid", format!("{options}.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: \"{other}\": supported values: \"Ignore\", \"Strict\", \"Warn\""))),
        }
    }
}

#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    /// A list index (or `-` in a JSON patch path), with the item's `name` when it has one.
    Index(String, Option<String>),
}

type Path = Vec<Seg>;

/// `spec.template.spec.containers[0].foo`, as in strict decoding errors.
fn dotted(p: &Path) -> String {
    let mut s = String::new();
    for seg in p {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i, _) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// `.spec.template.spec.containers[name="main"].foo`, as in structured-merge-diff errors.
fn smd(p: &Path) -> String {
    let mut s = String::new();
    for seg in p {
        match seg {
            Seg::Key(k) => s.push_str(&format!(".{k}")),
            Seg::Index(_, Some(n)) => s.push_str(&format!("[name=\"{n}\"]")),
            Seg::Index(i, None) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

struct Walker<'a> {
    defs: &'a Map<String, Value>,
    /// Patch mode: `$` directives and nulls (deletions) are not fields.
    patch: bool,
    /// Remove the unknown fields found.
    prune: bool,
    out: Vec<Path>,
}

impl<'a> Walker<'a> {
    fn resolve(&self, mut s: &'a Value) -> &'a Value {
        for _ in 0..16 {
            match s
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/definitions/"))
                .and_then(|n| self.defs.get(n))
            {
                Some(d) => s = d,
                None => break,
            }
        }
        s
    }

    fn walk(&mut self, schema: &'a Value, v: &mut Value, path: &mut Path) {
        let schema = self.resolve(schema);
        if schema.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true)) {
            return;
        }
        match v {
            Value::Object(o) => {
                let props = schema.get("properties").and_then(Value::as_object);
                let extra = schema.get("additionalProperties").filter(|a| a.is_object());
                let mut unknown = Vec::new();
                for (k, x) in o.iter_mut() {
                    if self.patch && (k.starts_with('$') || x.is_null()) {
                        continue;
                    }
                    path.push(Seg::Key(k.clone()));
                    match (props, extra) {
                        (Some(props), _) => match props.get(k) {
                            Some(ps) => self.walk(ps, x, path),
                            None => {
                                self.out.push(path.clone());
                                unknown.push(k.clone());
                            }
                        },
                        (None, Some(ap)) => self.walk(ap, x, path),
                        // An object without declared fields (FieldsV1, RawExtension, Patch).
                        (None, None) => {}
                    }
                    path.pop();
                }
                if self.prune {
                    for k in unknown {
                        o.remove(&k);
                    }
                }
            }
            Value::Array(a) => {
                if let Some(items) = schema.get("items") {
                    for (i, x) in a.iter_mut().enumerate() {
                        let name = x.get("name").and_then(Value::as_str).map(String::from);
                        path.push(Seg::Index(i.to_string(), name));
                        self.walk(items, x, path);
                        path.pop();
                    }
                }
            }
            _ => {}
        }
    }

    /// The schema at a JSON pointer, or the unknown field on the way (recorded).
    fn at_pointer(&mut self, root: &'a Value, pointer: &str, path: &mut Path) -> Option<&'a Value> {
        let mut s = root;
        for raw in pointer.split('/').skip(1) {
            let tok = raw.replace("~1", "/").replace("~0", "~");
            let r = self.resolve(s);
            if let Some(items) = r.get("items") {
                path.push(Seg::Index(tok, None));
                s = items;
            } else if let Some(props) = r.get("properties").and_then(Value::as_object) {
                path.push(Seg::Key(tok.clone()));
                match props.get(&tok) {
                    Some(p) => s = p,
                    None => {
                        self.out.push(path.clone());
                        return None;
                    }
                }
            } else if let Some(ap) = r.get("additionalProperties").filter(|a| a.is_object()) {
                path.push(Seg::Key(tok));
                s = ap;
            } else {
                return None;
            }
        }
        Some(s)
    }
}

/// The definition of the kind a write to `def` (or its subresource `sub`) carries.
fn body_def(def: &ResourceDef, sub: Option<&str>) -> Option<String> {
    let docs = openapi::documents();
    let k = match sub {
        Some("scale") => docs.kind("autoscaling", "v1", "Scale"),
        Some("eviction") => docs.kind("policy", "v1", "Eviction"),
        _ => docs.kind(def.group, def.version, def.kind),
    };
    k.map(|k| k.def.clone())
}

/// The unknown fields of a body (an object, or a patch of type `patch`), removed when `prune`.
fn unknown_fields(
    def_name: &str,
    patch: Option<&PatchType>,
    body: &mut Value,
    prune: bool,
) -> Vec<Path> {
    let defs = &openapi::documents().definitions;
    let Some(root) = defs.get(def_name) else {
        return Vec::new();
    };
    let mut w = Walker {
        defs,
        patch: patch.is_some(),
        prune,
        out: Vec::new(),
    };
    match (patch, body) {
        (Some(PatchType::Json), Value::Array(ops)) => {
            w.patch = false;
            ops.retain_mut(|op| {
                let verb = op
                    .get("op")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                if !matches!(verb.as_str(), "add" | "replace" | "copy" | "move") {
                    return true;
                }
                let pointer = op
                    .get("path")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                let mut path = Vec::new();
                let before = w.out.len();
                let Some(s) = w.at_pointer(root, &pointer, &mut path) else {
                    // An unknown target: the operation would only write an unknown field.
                    return !(w.prune && w.out.len() > before);
                };
                if let Some(v) = op
                    .get_mut("value")
                    .filter(|_| verb == "add" || verb == "replace")
                {
                    w.walk(s, v, &mut path);
                }
                true
            });
        }
        (_, v) => w.walk(root, v, &mut Vec::new()),
    }
    w.out
}

fn strict_list(paths: &[Path]) -> String {
    paths
        .iter()
        .map(|p| format!("unknown field \"{}\"", dotted(p)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Check a write's body (an object, or a patch of type `patch`) for unknown fields. Err when
/// the request must be refused; otherwise the body without its unknown fields and the warnings
/// to send.
pub fn check(
    def: &ResourceDef,
    sub: Option<&str>,
    directive: Directive,
    patch: Option<&PatchType>,
    body: &mut Value,
    ns: &str,
    name: &str,
) -> Result<Vec<String>, ApiError> {
    let is_apply = matches!(patch, Some(PatchType::Apply));
    let Some(def_name) = body_def(def, sub) else {
        return Ok(Vec::new());
    };
    let prune = !is_apply && directive != Directive::Strict;
    let original = (directive == Directive::Strict).then(|| body.clone());
    let unknown = unknown_fields(&def_name, patch, body, prune);
    if unknown.is_empty() || (directive == Directive::Ignore && !is_apply) {
        return Ok(Vec::new());
    }
    if is_apply {
        let errs: Vec<String> = unknown
            .iter()
            .map(|p| format!("{}: field not declared in schema", smd(p)))
            .collect();
        let errs = if errs.len() == 1 {
            errs[0].clone()
        } else {
            format!("errors:\n  {}", errs.join("\n  "))
        };
        let gv = if def.group.is_empty() {
            format!("/{}", def.version)
        } else {
            def.api_version()
        };
        return Err(ApiError::bad_request(format!(
            "failed to create typed patch object ({ns}/{name}; {gv}, Kind={}): {errs}",
            def.kind
        )));
    }
    if directive == Directive::Warn {
        return Ok(unknown
            .iter()
            .map(|p| format!("unknown field \"{}\"", dotted(p)))
            .collect());
    }
    let list = strict_list(&unknown);
    Err(match patch {
        None => ApiError::bad_request(format!(
            "{kind} in version \"{v}\" cannot be handled as a {kind}: strict decoding error: {list}",
            kind = def.kind,
            v = def.version
        )),
        Some(PatchType::Strategic) => {
            let value = serde_json::to_string(&original.unwrap_or_default()).unwrap_or_default();
            let msg = format!("Invalid value: {value:?}: strict decoding error: {list}");
            ApiError::new(422, "Invalid", format!(" \"\" is invalid: patch: {msg}"))
                .with_details(json!({"causes": [{"reason": "FieldValueInvalid", "message": msg, "field": "patch"}]}))
        }
        Some(_) => ApiError::bad_request(format!("strict decoding error: {list}")),
    })
}

/// `Warning` header values for warnings (RFC 7234 warn-code 299).
pub fn warning_headers(warnings: &[String]) -> Vec<http::HeaderValue> {
    warnings
        .iter()
        .filter_map(|w| {
            let escaped = w.replace('\\', "\\\\").replace('"', "\\\"");
            http::HeaderValue::from_str(&format!("299 - \"{escaped}\"")).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::{idx, RESOURCES};

    fn sts() -> &'static ResourceDef {
        &RESOURCES[idx::STATEFULSETS]
    }

    fn run(
        d: Directive,
        pt: Option<PatchType>,
        body: &Value,
    ) -> Result<(Vec<String>, Value), ApiError> {
        let mut b = body.clone();
        check(sts(), None, d, pt.as_ref(), &mut b, "db", "a").map(|w| (w, b))
    }

    #[test]
    fn finds_unknown_fields_in_objects_and_patches() {
        let obj = json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "a", "labels": {"x": "y"}},
            "spec": {"replicaz": 2, "template": {"spec": {"containers": [{"name": "main", "image": "x", "imagePullPolice": "Always", "resources": {"limits": {"cpu": 1}}}]}}}});
        let e = run(Directive::Strict, None, &obj).unwrap_err();
        assert_eq!(e.code(), 400);
        assert_eq!(e.to_string(), "StatefulSet in version \"v1\" cannot be handled as a StatefulSet: strict decoding error: unknown field \"spec.replicaz\", unknown field \"spec.template.spec.containers[0].imagePullPolice\"");
        let (w, pruned) = run(Directive::Warn, None, &obj).unwrap();
        assert_eq!(w[0], "unknown field \"spec.replicaz\"");
        assert!(pruned.pointer("/spec/replicaz").is_none());
        assert!(pruned
            .pointer("/spec/template/spec/containers/0/imagePullPolice")
            .is_none());
        assert_eq!(
            pruned.pointer("/spec/template/spec/containers/0/image"),
            Some(&json!("x"))
        );
        let (w, pruned) = run(Directive::Ignore, None, &obj).unwrap();
        assert!(w.is_empty() && pruned.pointer("/spec/replicaz").is_none());

        let apply = json!({"spec": {"template": {"spec": {"containers": [{"name": "main", "imagePullPolice": "x"}]}}}});
        let e = run(Directive::Ignore, Some(PatchType::Apply), &apply).unwrap_err();
        assert_eq!(e.to_string(), "failed to create typed patch object (db/a; apps/v1, Kind=StatefulSet): .spec.template.spec.containers[name=\"main\"].imagePullPolice: field not declared in schema");

        // Directives and deletions in a strategic merge patch are not fields.
        let smp = json!({"spec": {"$setElementOrder/x": [], "gone": null, "replicas": 3}, "metadata": {"annotations": {"a": "b"}}});
        assert!(run(Directive::Strict, Some(PatchType::Strategic), &smp)
            .unwrap()
            .0
            .is_empty());
        let smp = json!({"spec": {"replicaz": 3}});
        let e = run(Directive::Strict, Some(PatchType::Strategic), &smp).unwrap_err();
        assert_eq!(e.code(), 422);

        let jp = json!([{"op": "add", "path": "/spec/template/spec/containers/-", "value": {"name": "b", "imagez": "x"}},
                        {"op": "replace", "path": "/spec/replicas", "value": 2},
                        {"op": "add", "path": "/metadata/labels/a~1b", "value": "c"},
                        {"op": "add", "path": "/spec/replicaz", "value": 1}]);
        let e = run(Directive::Strict, Some(PatchType::Json), &jp).unwrap_err();
        assert_eq!(e.to_string(), "strict decoding error: unknown field \"spec.template.spec.containers[-].imagez\", unknown field \"spec.replicaz\"");
        let (_, pruned) = run(Directive::Warn, Some(PatchType::Json), &jp).unwrap();
        assert_eq!(pruned.as_array().map(Vec::len), Some(3));
        assert_eq!(pruned[0]["value"], json!({"name": "b"}));

        let mut scale = json!({"spec": {"replicas": 2}});
        assert!(check(
            sts(),
            Some("scale"),
            Directive::Strict,
            None,
            &mut scale,
            "db",
            "a"
        )
        .unwrap()
        .is_empty());
        assert!(Directive::parse(Some("Loud"), "PatchOptions").is_err());
    }
}
