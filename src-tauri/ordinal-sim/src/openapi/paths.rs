//! The `paths` of the OpenAPI documents: one entry per served collection, object and
//! subresource, with the verbs the simulator answers, `x-kubernetes-action`,
//! `x-kubernetes-group-version-kind` and the query parameters kubectl looks for
//! (`fieldValidation` on writes tells kubectl the server validates fields).

use serde_json::{json, Map, Value};

use super::KindDef;
use crate::resources::{ResourceDef, RESOURCES};

const LIST_Q: &[&str] = &[
    "allowWatchBookmarks",
    "continue",
    "fieldSelector",
    "labelSelector",
    "limit",
    "resourceVersion",
    "resourceVersionMatch",
    "sendInitialEvents",
    "timeoutSeconds",
    "watch",
];
const WRITE_Q: &[&str] = &["dryRun", "fieldManager", "fieldValidation"];
const PATCH_Q: &[&str] = &["dryRun", "fieldManager", "fieldValidation", "force"];
const DELETE_Q: &[&str] = &[
    "dryRun",
    "gracePeriodSeconds",
    "orphanDependents",
    "propagationPolicy",
];
const DELETE_COLLECTION_Q: &[&str] = &[
    "continue",
    "dryRun",
    "fieldSelector",
    "gracePeriodSeconds",
    "labelSelector",
    "limit",
    "orphanDependents",
    "propagationPolicy",
    "resourceVersion",
    "resourceVersionMatch",
    "sendInitialEvents",
    "timeoutSeconds",
];
const LOG_Q: &[&str] = &[
    "container",
    "follow",
    "limitBytes",
    "previous",
    "sinceSeconds",
    "tailLines",
    "timestamps",
];

/// Patch media types the simulator accepts and advertises (strategic merge patch is accepted but
/// not advertised: see the module documentation of `openapi`).
const PATCH_TYPES: &[&str] = &[
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
];

const PATCH_DEF: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
const STATUS_DEF: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
const DELETE_OPTIONS_DEF: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions";

fn param_info(name: &str) -> (&'static str, &'static str) {
    match name {
        "allowWatchBookmarks" => ("boolean", "Request BOOKMARK watch events (servers may ignore it)."),
        "continue" => ("string", "The continue token of a previous, paginated list call."),
        "fieldSelector" => ("string", "Restrict the returned objects by their fields."),
        "labelSelector" => ("string", "Restrict the returned objects by their labels."),
        "limit" => ("integer", "The maximum number of objects to return; more are announced by a continue token."),
        "resourceVersion" => ("string", "Constrain the resource versions the request may be served from."),
        "resourceVersionMatch" => ("string", "How resourceVersion applies to a list call: Exact or NotOlderThan."),
        "sendInitialEvents" => ("boolean", "With watch=true, start the watch with synthetic ADDED events for the current state."),
        "timeoutSeconds" => ("integer", "Timeout for the list/watch call."),
        "watch" => ("boolean", "Watch for changes to the described resources and return them as a stream of events."),
        "dryRun" => ("string", "When present (All), the modification is not persisted."),
        "fieldManager" => ("string", "The name of the actor making the change, recorded in managedFields."),
        "fieldValidation" => ("string", "How the server handles unknown fields in the request body: Ignore, Warn (the default) or Strict (reject the request)."),
        "force" => ("boolean", "Force an apply request, taking over conflicting fields owned by other managers."),
        "gracePeriodSeconds" => ("integer", "Seconds before the object is deleted; zero deletes immediately."),
        "orphanDependents" => ("boolean", "Deprecated: use propagationPolicy."),
        "propagationPolicy" => ("string", "Whether and how garbage collection is performed: Orphan, Background or Foreground."),
        "container" => ("string", "The container whose logs to return; defaults to the only container."),
        "follow" => ("boolean", "Follow the log stream of the pod."),
        "limitBytes" => ("integer", "The number of bytes to read from the server before terminating the log output."),
        "previous" => ("boolean", "Return the logs of the previously terminated container."),
        "sinceSeconds" => ("integer", "Only return logs newer than this many seconds."),
        "tailLines" => ("integer", "The number of lines from the end of the logs to show."),
        "timestamps" => ("boolean", "Prefix every line of log output with an RFC3339 timestamp."),
        "pretty" => ("string", "If 'true', the output is pretty printed."),
        _ => ("string", ""),
    }
}

/// One operation, rendered for v2 or v3.
struct Op {
    method: &'static str,
    action: &'static str,
    id: String,
    description: String,
    gvk: Option<(&'static str, &'static str, String)>,
    query: &'static [&'static str],
    /// Request body definition (`Patch` for patches).
    body: Option<String>,
    /// Response definition; None for a text response (logs).
    response: Option<String>,
    created: bool,
}

struct PathSpec {
    path: String,
    /// Path parameters: (name, description).
    params: Vec<(&'static str, String)>,
    ops: Vec<Op>,
}

fn camel(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn group_camel(group: &str) -> String {
    if group.is_empty() {
        "Core".into()
    } else {
        camel(group.split('.').next().unwrap_or(group))
    }
}

fn specs(kinds: &[KindDef], gv: Option<(&str, &str)>) -> Vec<PathSpec> {
    let mut out = Vec::new();
    for r in RESOURCES {
        if gv.is_some_and(|(g, v)| r.group != g || r.version != v) {
            continue;
        }
        let Some(k) = kinds
            .iter()
            .find(|k| k.group == r.group && k.version == r.version && k.kind == r.kind)
        else {
            continue;
        };
        resource_specs(r, k, kinds, &mut out);
    }
    out
}

fn resource_specs(r: &ResourceDef, k: &KindDef, kinds: &[KindDef], out: &mut Vec<PathSpec>) {
    let prefix = if r.group.is_empty() {
        format!("/api/{}", r.version)
    } else {
        format!("/apis/{}/{}", r.group, r.version)
    };
    let gvp = format!("{}{}", group_camel(r.group), camel(r.version));
    let scope = if r.namespaced { "Namespaced" } else { "" };
    let base = if r.namespaced {
        format!("{prefix}/namespaces/{{namespace}}/{}", r.plural)
    } else {
        format!("{prefix}/{}", r.plural)
    };
    let ns_param = || {
        (
            "namespace",
            "object name and auth scope, such as for teams and projects".to_string(),
        )
    };
    let name_param = |what: &str| ("name", format!("name of the {what}"));
    let own_gvk = || Some((r.group, r.version, r.kind.to_string()));
    let has = |v: &str| r.verbs.contains(&v);
    let op = |method,
              action,
              verb: &str,
              sub: &str,
              query,
              body: Option<String>,
              response: Option<String>,
              gvk| Op {
        method,
        action,
        id: format!("{verb}{gvp}{scope}{}{sub}", r.kind),
        description: format!(
            "{verb} {}{}",
            r.kind,
            if sub.is_empty() {
                String::new()
            } else {
                format!(" {}", sub.to_lowercase())
            }
        ),
        gvk,
        query,
        body,
        response,
        created: action == "post",
    };

    // The collection.
    let mut ops = Vec::new();
    if has("list") {
        ops.push(op(
            "get",
            "list",
            "list",
            "",
            LIST_Q,
            None,
            k.list_def.clone(),
            own_gvk(),
        ));
    }
    if has("create") {
        ops.push(op(
            "post",
            "post",
            "create",
            "",
            WRITE_Q,
            Some(k.def.clone()),
            Some(k.def.clone()),
            own_gvk(),
        ));
    }
    if has("deletecollection") {
        let mut o = op(
            "delete",
            "deletecollection",
            "deletecollection",
            "",
            DELETE_COLLECTION_Q,
            Some(DELETE_OPTIONS_DEF.into()),
            Some(STATUS_DEF.into()),
            own_gvk(),
        );
        o.id = format!("deletecollection{gvp}{scope}{}", r.kind);
        ops.push(o);
    }
    if !ops.is_empty() {
        let params = if r.namespaced {
            vec![ns_param()]
        } else {
            vec![]
        };
        out.push(PathSpec {
            path: base.clone(),
            params,
            ops,
        });
    }
    if r.namespaced && has("list") {
        let mut o = op(
            "get",
            "list",
            "list",
            "",
            LIST_Q,
            None,
            k.list_def.clone(),
            own_gvk(),
        );
        o.id = format!("list{gvp}{}ForAllNamespaces", r.kind);
        out.push(PathSpec {
            path: format!("{prefix}/{}", r.plural),
            params: vec![],
            ops: vec![o],
        });
    }

    // The object.
    let item = format!("{base}/{{name}}");
    let item_params = |what: &str| {
        let mut p = vec![name_param(what)];
        if r.namespaced {
            p.push(ns_param());
        }
        p
    };
    let mut ops = Vec::new();
    if has("get") {
        ops.push(op(
            "get",
            "get",
            "read",
            "",
            &[],
            None,
            Some(k.def.clone()),
            own_gvk(),
        ));
    }
    if has("update") {
        ops.push(op(
            "put",
            "put",
            "replace",
            "",
            WRITE_Q,
            Some(k.def.clone()),
            Some(k.def.clone()),
            own_gvk(),
        ));
    }
    if has("patch") {
        ops.push(op(
            "patch",
            "patch",
            "patch",
            "",
            PATCH_Q,
            Some(PATCH_DEF.into()),
            Some(k.def.clone()),
            own_gvk(),
        ));
    }
    if has("delete") {
        ops.push(op(
            "delete",
            "delete",
            "delete",
            "",
            DELETE_Q,
            Some(DELETE_OPTIONS_DEF.into()),
            Some(STATUS_DEF.into()),
            own_gvk(),
        ));
    }
    if !ops.is_empty() {
        out.push(PathSpec {
            path: item.clone(),
            params: item_params(r.kind),
            ops,
        });
    }

    // Subresources.
    for sub in r.subresources {
        let (ops, what) = match *sub {
            "status" | "scale" => {
                let (def, gvk) = if *sub == "scale" {
                    let scale = kinds.iter().find(|k| k.kind == "Scale");
                    (
                        scale.map(|k| k.def.clone()).unwrap_or_default(),
                        Some(("autoscaling", "v1", "Scale".to_string())),
                    )
                } else {
                    (k.def.clone(), own_gvk())
                };
                let s = camel(sub);
                (
                    vec![
                        op(
                            "get",
                            "get",
                            "read",
                            &s,
                            &[],
                            None,
                            Some(def.clone()),
                            gvk.clone(),
                        ),
                        op(
                            "put",
                            "put",
                            "replace",
                            &s,
                            WRITE_Q,
                            Some(def.clone()),
                            Some(def.clone()),
                            gvk.clone(),
                        ),
                        op(
                            "patch",
                            "patch",
                            "patch",
                            &s,
                            PATCH_Q,
                            Some(PATCH_DEF.into()),
                            Some(def),
                            gvk,
                        ),
                    ],
                    r.kind.to_string(),
                )
            }
            "log" => (
                vec![op("get", "get", "read", "Log", LOG_Q, None, None, None)],
                r.kind.to_string(),
            ),
            "eviction" => {
                let ev = kinds
                    .iter()
                    .find(|k| k.kind == "Eviction")
                    .map(|k| k.def.clone());
                let mut o = op(
                    "post",
                    "post",
                    "create",
                    "Eviction",
                    WRITE_Q,
                    ev.clone(),
                    ev,
                    Some(("policy", "v1", "Eviction".to_string())),
                );
                o.query = &["dryRun", "fieldManager", "fieldValidation"];
                (vec![o], "Eviction".to_string())
            }
            _ => continue,
        };
        out.push(PathSpec {
            path: format!("{item}/{sub}"),
            params: item_params(&what),
            ops,
        });
    }
}

fn gvk_json(gvk: &(&str, &str, String)) -> Value {
    json!({"group": gvk.0, "kind": gvk.2, "version": gvk.1})
}

fn path_params(p: &PathSpec, v3: bool) -> Vec<Value> {
    let mut out: Vec<Value> = p
        .params
        .iter()
        .map(|(n, d)| {
            if v3 {
                json!({"name": n, "in": "path", "description": d, "required": true, "schema": {"type": "string", "uniqueItems": true}})
            } else {
                json!({"name": n, "in": "path", "description": d, "required": true, "type": "string", "uniqueItems": true})
            }
        })
        .collect();
    out.push(query_param("pretty", v3));
    out
}

fn query_param(n: &str, v3: bool) -> Value {
    let (t, d) = param_info(n);
    if v3 {
        json!({"name": n, "in": "query", "description": d, "schema": {"type": t, "uniqueItems": true}})
    } else {
        json!({"name": n, "in": "query", "description": d, "type": t, "uniqueItems": true})
    }
}

fn base_op(o: &Op, v3: bool) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("description".into(), json!(o.description));
    m.insert("operationId".into(), json!(o.id));
    m.insert(
        "parameters".into(),
        Value::Array(o.query.iter().map(|q| query_param(q, v3)).collect()),
    );
    m.insert("x-kubernetes-action".into(), json!(o.action));
    if let Some(g) = &o.gvk {
        m.insert("x-kubernetes-group-version-kind".into(), gvk_json(g));
    }
    m
}

/// All paths, OpenAPI v2.
pub fn v2(kinds: &[KindDef]) -> Value {
    let reference = |d: &str| json!({"$ref": format!("#/definitions/{d}")});
    let mut paths = Map::new();
    for p in specs(kinds, None) {
        let mut item = Map::new();
        item.insert("parameters".into(), Value::Array(path_params(&p, false)));
        for o in &p.ops {
            let mut m = base_op(o, false);
            if let Some(b) = &o.body {
                if let Some(Value::Array(ps)) = m.get_mut("parameters") {
                    ps.insert(0, json!({"name": "body", "in": "body", "required": o.method != "delete", "schema": reference(b)}));
                }
            }
            let consumes: Vec<&str> = if o.method == "patch" {
                PATCH_TYPES.to_vec()
            } else {
                vec!["*/*"]
            };
            m.insert("consumes".into(), json!(consumes));
            let schema = o
                .response
                .as_deref()
                .map(reference)
                .unwrap_or(json!({"type": "string"}));
            let produces = if o.response.is_some() {
                json!(["application/json", "application/yaml"])
            } else {
                json!(["text/plain", "application/json"])
            };
            m.insert("produces".into(), produces);
            m.insert("schemes".into(), json!(["https"]));
            let mut responses = json!({"200": {"description": "OK", "schema": schema}, "401": {"description": "Unauthorized"}});
            if o.created {
                responses["201"] = json!({"description": "Created", "schema": schema});
            }
            m.insert("responses".into(), responses);
            item.insert(o.method.into(), Value::Object(m));
        }
        paths.insert(p.path, Value::Object(item));
    }
    Value::Object(paths)
}

/// The paths of one group-version, OpenAPI v3, and the definitions they reference.
pub fn v3(kinds: &[KindDef], group: &str, version: &str) -> (Value, Vec<String>) {
    let mut roots: Vec<String> = Vec::new();
    let mut reference = |d: &str| {
        if !roots.iter().any(|r| r == d) {
            roots.push(d.to_string());
        }
        json!({"$ref": format!("#/components/schemas/{d}")})
    };
    let mut paths = Map::new();
    for p in specs(kinds, Some((group, version))) {
        let mut item = Map::new();
        item.insert("parameters".into(), Value::Array(path_params(&p, true)));
        for o in &p.ops {
            let mut m = base_op(o, true);
            if let Some(b) = &o.body {
                let schema = json!({"schema": reference(b)});
                let content: Map<String, Value> = if o.method == "patch" {
                    PATCH_TYPES
                        .iter()
                        .map(|t| (t.to_string(), schema.clone()))
                        .collect()
                } else {
                    [("*/*".to_string(), schema)].into_iter().collect()
                };
                m.insert(
                    "requestBody".into(),
                    json!({"content": content, "required": o.method != "delete"}),
                );
            }
            let content = match &o.response {
                Some(d) => {
                    let s = json!({"schema": reference(d)});
                    json!({"application/json": s, "application/yaml": s})
                }
                None => json!({"text/plain": {"schema": {"type": "string"}}}),
            };
            let mut responses = json!({"200": {"description": "OK", "content": content}, "401": {"description": "Unauthorized"}});
            if o.created {
                responses["201"] = json!({"description": "Created", "content": content});
            }
            m.insert("responses".into(), responses);
            item.insert(o.method.into(), Value::Object(m));
        }
        paths.insert(p.path, Value::Object(item));
    }
    (Value::Object(paths), roots)
}
