//! The schema the YAML editor checks and completes against: the server's own OpenAPI v2 document
//! (`/openapi/v2`, what `kubectl explain` and kubectl's client-side validation read), reduced to
//! the definitions reachable from one kind. Fetched once per cluster and kind ([`SchemaCache`]);
//! the editor resolves `ref`s itself, so shared definitions (ObjectMeta, Container) travel once.
//!
//! Every server since 1.14 publishes `/openapi/v2`; one that does not is `Unsupported`, and the
//! editor works without a schema.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use kube::api::ApiResource;
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::cluster::ClusterError;
use crate::error::{Classify, ErrorCode, IpcError};

/// One node of an OpenAPI v2 schema, reduced to what the editor checks and completes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SchemaNode {
    /// The name of a definition in [`ObjectSchema::definitions`]; the other fields are then empty.
    pub r#ref: Option<String>,
    pub r#type: Option<String>,
    pub format: Option<String>,
    pub description: Option<String>,
    pub r#enum: Option<Vec<String>>,
    pub properties: Option<BTreeMap<String, SchemaNode>>,
    pub items: Option<Box<SchemaNode>>,
    /// A map's value schema (labels, annotations, resource lists).
    pub additional_properties: Option<Box<SchemaNode>>,
    /// An integer or a string (`IntOrString`: ports, maxUnavailable).
    pub int_or_string: bool,
    /// Anything goes below (`x-kubernetes-preserve-unknown-fields`).
    pub preserve_unknown_fields: bool,
}

/// The schema of one kind as the server publishes it: the root definition's name and every
/// definition reachable from it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ObjectSchema {
    pub root: String,
    pub definitions: BTreeMap<String, SchemaNode>,
}

#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("the server publishes no OpenAPI schema (/openapi/v2)")]
    NoDocument,
    #[error("the server's OpenAPI schema has no definition for {0}")]
    NoKind(String),
    #[error("the server's OpenAPI schema could not be read: {0}")]
    Malformed(String),
    #[error(transparent)]
    Cluster(#[from] ClusterError),
}

impl Classify for SchemaError {
    fn code(&self) -> ErrorCode {
        match self {
            SchemaError::NoDocument | SchemaError::NoKind(_) => ErrorCode::Unsupported,
            SchemaError::Malformed(_) => ErrorCode::Invalid,
            SchemaError::Cluster(e) => e.code(),
        }
    }
}

/// Fetches `/openapi/v2` and reduces it to `ar`'s kind.
pub async fn fetch(client: &kube::Client, ar: &ApiResource) -> Result<ObjectSchema, SchemaError> {
    let req = http::Request::get("/openapi/v2")
        .header(http::header::ACCEPT, "application/json")
        .body(Vec::new())
        .map_err(|e| SchemaError::Malformed(e.to_string()))?;
    let text = client.request_text(req).await.map_err(|e| match &e {
        kube::Error::Api(s) if s.code == 404 => SchemaError::NoDocument,
        _ => SchemaError::Cluster(ClusterError::from_kube(&e)),
    })?;
    let doc: Value =
        serde_json::from_str(&text).map_err(|e| SchemaError::Malformed(e.to_string()))?;
    of_kind(&doc, &ar.group, &ar.version, &ar.kind)
}

/// The definitions of `group/version kind` in an OpenAPI v2 document.
pub fn of_kind(
    doc: &Value,
    group: &str,
    version: &str,
    kind: &str,
) -> Result<ObjectSchema, SchemaError> {
    let defs = doc
        .get("definitions")
        .and_then(Value::as_object)
        .ok_or_else(|| SchemaError::Malformed("no definitions".into()))?;
    let root = defs
        .iter()
        .find(|(_, d)| {
            d.get("x-kubernetes-group-version-kind")
                .and_then(Value::as_array)
                .is_some_and(|gvks| {
                    gvks.iter().any(|g| {
                        g["group"].as_str().unwrap_or("") == group
                            && g["version"] == version
                            && g["kind"] == kind
                    })
                })
        })
        .map(|(name, _)| name.clone())
        .ok_or_else(|| {
            let gv = if group.is_empty() {
                version.to_string()
            } else {
                format!("{group}/{version}")
            };
            SchemaError::NoKind(format!("{gv} {kind}"))
        })?;
    let mut definitions = BTreeMap::new();
    let mut todo = vec![root.clone()];
    while let Some(name) = todo.pop() {
        if definitions.contains_key(&name) {
            continue;
        }
        let Some(def) = defs.get(&name) else {
            // A dangling reference: the editor treats it as "anything".
            definitions.insert(name, SchemaNode::default());
            continue;
        };
        let node = reduce(def, &mut todo);
        definitions.insert(name, node);
    }
    Ok(ObjectSchema { root, definitions })
}

/// `#/definitions/X` (v2) or `#/components/schemas/X` (v3) → `X`.
fn ref_name(v: &Value) -> Option<String> {
    let r = v.get("$ref")?.as_str()?;
    Some(r.rsplit('/').next().unwrap_or(r).to_string())
}

fn reduce(v: &Value, todo: &mut Vec<String>) -> SchemaNode {
    // `{$ref}` alone, or wrapped in `allOf` next to a description (v3's way).
    let reference = ref_name(v).or_else(|| {
        v.get("allOf")
            .and_then(Value::as_array)
            .and_then(|all| all.iter().find_map(ref_name))
    });
    if let Some(name) = reference {
        todo.push(name.clone());
        return SchemaNode {
            r#ref: Some(name),
            description: text(v, "description"),
            ..Default::default()
        };
    }
    let format = text(v, "format");
    let children = |key: &str, todo: &mut Vec<String>| -> Option<Box<SchemaNode>> {
        v.get(key)
            .filter(|c| c.is_object())
            .map(|c| Box::new(reduce(c, todo)))
    };
    SchemaNode {
        r#ref: None,
        r#type: text(v, "type"),
        description: text(v, "description"),
        r#enum: v.get("enum").and_then(Value::as_array).map(|vals| {
            vals.iter()
                .map(|x| match x {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        }),
        properties: v.get("properties").and_then(Value::as_object).map(|ps| {
            ps.iter()
                .map(|(k, p)| (k.clone(), reduce(p, todo)))
                .collect()
        }),
        items: children("items", todo),
        additional_properties: children("additionalProperties", todo),
        int_or_string: v.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true))
            || format.as_deref() == Some("int-or-string"),
        preserve_unknown_fields: v.get("x-kubernetes-preserve-unknown-fields")
            == Some(&Value::Bool(true)),
        format,
    }
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// Schemas fetched so far, per context and kind; a context's are forgotten when it connects again
/// (the server may have been upgraded).
#[derive(Default)]
pub struct SchemaCache {
    by: Mutex<HashMap<(String, String), Arc<ObjectSchema>>>,
}

impl SchemaCache {
    pub async fn get(
        &self,
        context: &str,
        kind: &str,
        client: &kube::Client,
        ar: &ApiResource,
    ) -> Result<Arc<ObjectSchema>, IpcError> {
        let key = (context.to_string(), kind.to_string());
        if let Some(s) = self.by.lock().expect("schema cache").get(&key) {
            return Ok(s.clone());
        }
        let schema = Arc::new(fetch(client, ar).await.map_err(|e| e.to_ipc())?);
        self.by
            .lock()
            .expect("schema cache")
            .insert(key, schema.clone());
        Ok(schema)
    }

    pub fn forget(&self, context: &str) {
        self.by
            .lock()
            .expect("schema cache")
            .retain(|(c, _), _| c != context);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({"definitions": {
            "apps.v1.Thing": {
                "x-kubernetes-group-version-kind": [{"group": "apps", "version": "v1", "kind": "Thing"}],
                "properties": {
                    "spec": {"$ref": "#/definitions/apps.v1.ThingSpec", "description": "the spec"},
                    "metadata": {"allOf": [{"$ref": "#/components/schemas/meta.ObjectMeta"}]}
                }
            },
            "apps.v1.ThingSpec": {"properties": {
                "replicas": {"type": "integer", "format": "int32"},
                "policy": {"type": "string", "enum": ["A", "B"]},
                "port": {"$ref": "#/definitions/intstr.IntOrString"},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "items": {"type": "array", "items": {"$ref": "#/definitions/apps.v1.ThingSpec"}},
                "raw": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}
            }},
            "intstr.IntOrString": {"type": "string", "format": "int-or-string"},
            "meta.ObjectMeta": {"properties": {"name": {"type": "string"}}},
            "unrelated.Other": {"type": "string"}
        }})
    }

    #[test]
    fn keeps_only_what_the_kind_reaches_and_resolves_refs_by_name() {
        let s = of_kind(&doc(), "apps", "v1", "Thing").unwrap();
        assert_eq!(s.root, "apps.v1.Thing");
        let names: Vec<_> = s.definitions.keys().cloned().collect();
        assert_eq!(
            names,
            [
                "apps.v1.Thing",
                "apps.v1.ThingSpec",
                "intstr.IntOrString",
                "meta.ObjectMeta"
            ]
        );
        let root = &s.definitions["apps.v1.Thing"];
        let spec = &root.properties.as_ref().unwrap()["spec"];
        assert_eq!(spec.r#ref.as_deref(), Some("apps.v1.ThingSpec"));
        assert_eq!(spec.description.as_deref(), Some("the spec"));
        let meta = &root.properties.as_ref().unwrap()["metadata"];
        assert_eq!(meta.r#ref.as_deref(), Some("meta.ObjectMeta"));

        let props = s.definitions["apps.v1.ThingSpec"]
            .properties
            .clone()
            .unwrap();
        assert_eq!(props["replicas"].r#type.as_deref(), Some("integer"));
        assert_eq!(props["policy"].r#enum, Some(vec!["A".into(), "B".into()]));
        assert_eq!(
            props["labels"]
                .additional_properties
                .as_ref()
                .unwrap()
                .r#type
                .as_deref(),
            Some("string")
        );
        assert!(props["raw"].preserve_unknown_fields);
        assert!(s.definitions["intstr.IntOrString"].int_or_string);
    }

    #[test]
    fn an_unknown_kind_is_unsupported_and_names_it() {
        let e = of_kind(&doc(), "", "v1", "Pod").unwrap_err();
        assert_eq!(e.code(), ErrorCode::Unsupported);
        assert!(e.to_string().contains("v1 Pod"), "{e}");
    }
}
