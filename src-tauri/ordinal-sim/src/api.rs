//! HTTP request handling: routing, discovery, RBAC, verbs, watch streaming, subresources.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, Response, StatusCode};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use crate::error::ApiError;
use crate::fieldcheck::{self, Directive};
use crate::ops::{self, DeleteOpts, WriteOpts};
use crate::patch::{self, PatchType};
use crate::resources::{self, idx, ResourceDef, RESOURCES};
use crate::selector::{FieldSelector, LabelSelector};
use crate::state::{State, User};
use crate::store::{Event, EventType, StoreError, StoredObj};
use crate::table;

pub type Body = UnsyncBoxBody<Bytes, Infallible>;

#[derive(Debug, thiserror::Error)]
pub enum RouteError {
    #[error("the server could not find the requested resource")]
    NotFound,
}

pub fn full(b: impl Into<Bytes>) -> Body {
    Full::new(b.into()).boxed_unsync()
}

pub fn json_response(code: u16, v: &Value) -> Response<Body> {
    let bytes = serde_json::to_vec(v).unwrap_or_default();
    bytes_response(code, bytes)
}

fn bytes_response(code: u16, bytes: impl Into<Bytes>) -> Response<Body> {
    let mut r = Response::new(full(bytes));
    *r.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    r
}

/// Add `Warning` headers (field validation's Warn directive).
fn with_warnings(mut r: Response<Body>, warnings: &[String]) -> Response<Body> {
    for v in fieldcheck::warning_headers(warnings) {
        r.headers_mut().append(http::header::WARNING, v);
    }
    r
}

pub fn error_response(e: &ApiError) -> Response<Body> {
    let mut r = json_response(e.code(), &e.to_status());
    if let Some(secs) = e.retry_after() {
        if let Ok(v) = http::HeaderValue::from_str(&secs.to_string()) {
            r.headers_mut().insert(http::header::RETRY_AFTER, v);
        }
    }
    r
}

pub struct Req {
    pub method: Method,
    pub path: String,
    pub query: HashMap<String, String>,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub user: User,
}

impl Req {
    fn q(&self, k: &str) -> Option<&str> {
        self.query
            .get(k)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }
    fn flag(&self, k: &str) -> bool {
        matches!(self.q(k), Some("true") | Some("1"))
    }
    fn header(&self, k: &str) -> &str {
        self.headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    fn wants_table(&self) -> bool {
        self.header("accept").contains("as=Table")
    }
    fn dry_run(&self) -> bool {
        self.query
            .get("dryRun")
            .map(|v| v == "All")
            .unwrap_or(false)
    }
    fn manager(&self) -> String {
        if let Some(m) = self.q("fieldManager") {
            return m.to_string();
        }
        let ua = self.header("user-agent");
        let m = ua.split('/').next().unwrap_or("").trim();
        if m.is_empty() {
            "unknown".into()
        } else {
            m.to_string()
        }
    }
}

/// Like Go's `url.ParseQuery` as the apiserver uses it: a pair with a bad `%` escape (or a `;`)
/// is dropped, not kept verbatim.
pub fn parse_query(q: Option<&str>) -> HashMap<String, String> {
    let well_formed = |pair: &str| {
        let b = pair.as_bytes();
        !pair.contains(';')
            && b.iter().enumerate().all(|(i, &c)| {
                c != b'%'
                    || (i + 2 < b.len()
                        && b[i + 1].is_ascii_hexdigit()
                        && b[i + 2].is_ascii_hexdigit())
            })
    };
    q.map(|q| {
        q.split('&')
            .filter(|pair| well_formed(pair))
            .flat_map(|pair| form_urlencoded::parse(pair.as_bytes()).into_owned())
            .collect()
    })
    .unwrap_or_default()
}

#[derive(Debug)]
enum Route {
    Version,
    Health,
    ApiVersions,
    GroupList,
    Group(String),
    ResourceList(String, String),
    Resource {
        res: usize,
        ns: Option<String>,
        name: Option<String>,
        sub: Option<String>,
        watch_path: bool,
    },
    /// `/openapi/...`: the path segments after `openapi`.
    OpenApi(Vec<String>),
    /// `/api/v1/nodes/NODE/proxy/PATH`: the kubelet's API (only `stats/summary`).
    NodeProxy {
        node: String,
        path: String,
    },
}

fn route(path: &str) -> Result<Route, RouteError> {
    let segs: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    match segs.as_slice() {
        ["version"] => return Ok(Route::Version),
        ["healthz"] | ["readyz"] | ["livez"] => return Ok(Route::Health),
        ["healthz", ..] | ["readyz", ..] | ["livez", ..] => return Ok(Route::Health),
        ["openapi", rest @ ..] => {
            return Ok(Route::OpenApi(rest.iter().map(|s| s.to_string()).collect()))
        }
        ["api", "v1", "nodes", node, "proxy", rest @ ..] => {
            return Ok(Route::NodeProxy {
                node: node.to_string(),
                path: rest.join("/"),
            })
        }
        ["api"] => return Ok(Route::ApiVersions),
        ["apis"] => return Ok(Route::GroupList),
        ["api", "v1"] => return Ok(Route::ResourceList(String::new(), "v1".into())),
        ["apis", g] => return Ok(Route::Group(g.to_string())),
        ["apis", g, v] => {
            if resources::groups()
                .iter()
                .any(|(gg, vv)| gg == g && vv == v)
            {
                return Ok(Route::ResourceList(g.to_string(), v.to_string()));
            }
            return Err(RouteError::NotFound);
        }
        _ => {}
    }
    let (group, version, rest): (&str, &str, &[&str]) = match segs.as_slice() {
        ["api", v, rest @ ..] => ("", *v, rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => return Err(RouteError::NotFound),
    };
    let (watch_path, rest) = match rest {
        ["watch", r @ ..] => (true, r),
        r => (false, r),
    };
    let find = |p: &str| resources::find(group, version, p);
    match rest {
        ["namespaces", ns, plural, tail @ ..]
            if find(plural)
                .map(|i| RESOURCES[i].namespaced)
                .unwrap_or(false) =>
        {
            let res = find(plural).ok_or(RouteError::NotFound)?;
            let (name, sub) = match tail {
                [] => (None, None),
                [n] => (Some(n.to_string()), None),
                [n, s] => (Some(n.to_string()), Some(s.to_string())),
                _ => return Err(RouteError::NotFound),
            };
            Ok(Route::Resource {
                res,
                ns: Some(ns.to_string()),
                name,
                sub,
                watch_path,
            })
        }
        [plural, tail @ ..] => {
            let res = find(plural).ok_or(RouteError::NotFound)?;
            let (name, sub) = match tail {
                [] => (None, None),
                [n] => (Some(n.to_string()), None),
                [n, s] => (Some(n.to_string()), Some(s.to_string())),
                _ => return Err(RouteError::NotFound),
            };
            if RESOURCES[res].namespaced && name.is_some() {
                return Err(RouteError::NotFound);
            }
            Ok(Route::Resource {
                res,
                ns: None,
                name,
                sub,
                watch_path,
            })
        }
        _ => Err(RouteError::NotFound),
    }
}

fn not_found_route() -> ApiError {
    ApiError::new(
        404,
        "NotFound",
        "the server could not find the requested resource",
    )
    .with_details(json!({}))
}

// ------------------------------------------------------------------------------------------
// Authorization (the same rules answer SelfSubjectAccessReviews)

pub fn allowed(user: &User, verb: &str, res: &ResourceDef, ns: Option<&str>) -> bool {
    match user {
        User::Admin(_) => true,
        User::Viewer => {
            if res.kind == "SelfSubjectAccessReview" {
                return verb == "create";
            }
            matches!(verb, "get" | "list" | "watch") && ns == Some("default")
        }
    }
}

fn forbidden_error(
    user: &User,
    verb: &str,
    res: &ResourceDef,
    sub: Option<&str>,
    ns: Option<&str>,
    name: Option<&str>,
) -> ApiError {
    let resource = match sub {
        Some(s) => format!("{}/{}", res.plural, s),
        None => res.plural.to_string(),
    };
    let subject = match name {
        Some(n) => format!("{} \"{}\"", res.qualified(), n),
        None => res.qualified(),
    };
    let scope = match ns {
        Some(ns) => format!("in the namespace \"{ns}\""),
        None => "at the cluster scope".to_string(),
    };
    let msg = format!("{subject} is forbidden: User \"{}\" cannot {verb} resource \"{resource}\" in API group \"{}\" {scope}", user.name(), res.group);
    ApiError::forbidden(msg, name.unwrap_or(""), res)
}

// ------------------------------------------------------------------------------------------
// Discovery

fn version_json() -> Value {
    json!({
        "major": "1", "minor": "34", "emulationMajor": "1", "emulationMinor": "34",
        "minCompatibilityMajor": "1", "minCompatibilityMinor": "33",
        "gitVersion": "v1.34.1", "gitCommit": "93248f9ae092f571eb870b7664c534bfc7d00f03",
        "gitTreeState": "clean", "buildDate": "2025-09-09T19:44:50Z",
        "goVersion": "go1.24.6", "compiler": "gc", "platform": "linux/amd64"
    })
}

fn group_json(g: &str, v: &str) -> Value {
    json!({"name": g, "versions": [{"groupVersion": format!("{g}/{v}"), "version": v}], "preferredVersion": {"groupVersion": format!("{g}/{v}"), "version": v}})
}

fn resource_list(group: &str, version: &str) -> Value {
    let gv = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    let mut out = Vec::new();
    for r in RESOURCES
        .iter()
        .filter(|r| r.group == group && r.version == version)
    {
        let mut e = json!({
            "name": r.plural, "singularName": r.singular, "namespaced": r.namespaced, "kind": r.kind,
            "verbs": r.verbs,
        });
        if !r.short_names.is_empty() {
            e["shortNames"] = json!(r.short_names);
        }
        if !r.categories.is_empty() {
            e["categories"] = json!(r.categories);
        }
        out.push(e);
        for sub in r.subresources {
            let e = match *sub {
                "scale" => {
                    json!({"name": format!("{}/scale", r.plural), "singularName": "", "namespaced": r.namespaced, "group": "autoscaling", "version": "v1", "kind": "Scale", "verbs": ["get", "patch", "update"]})
                }
                "log" => {
                    json!({"name": format!("{}/log", r.plural), "singularName": "", "namespaced": r.namespaced, "kind": "Pod", "verbs": ["get"]})
                }
                "eviction" => {
                    json!({"name": format!("{}/eviction", r.plural), "singularName": "", "namespaced": r.namespaced, "group": "policy", "version": "v1", "kind": "Eviction", "verbs": ["create"]})
                }
                // Served over upgraded connections (`pods::connect`), as the kubelet's are.
                "exec" | "attach" | "portforward" => {
                    let kind = match *sub {
                        "exec" => "PodExecOptions",
                        "attach" => "PodAttachOptions",
                        _ => "PodPortForwardOptions",
                    };
                    json!({"name": format!("{}/{sub}", r.plural), "singularName": "", "namespaced": r.namespaced, "kind": kind, "verbs": ["create", "get"]})
                }
                other => {
                    json!({"name": format!("{}/{other}", r.plural), "singularName": "", "namespaced": r.namespaced, "kind": r.kind, "verbs": ["get", "patch", "update"]})
                }
            };
            out.push(e);
        }
    }
    json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": out})
}

// ------------------------------------------------------------------------------------------
// Entry point

pub async fn handle(st: Arc<State>, req: Req) -> Response<Body> {
    match dispatch(st, req).await {
        Ok(r) => r,
        Err(e) => error_response(&e),
    }
}

fn verb_of(method: &Method, has_name: bool, watch: bool) -> &'static str {
    match (method.as_str(), has_name) {
        ("GET", _) if watch => "watch",
        ("GET", true) => "get",
        ("GET", false) => "list",
        ("POST", _) => "create",
        ("PUT", _) => "update",
        ("PATCH", _) => "patch",
        ("DELETE", true) => "delete",
        ("DELETE", false) => "deletecollection",
        _ => "unknown",
    }
}

async fn dispatch(st: Arc<State>, mut req: Req) -> Result<Response<Body>, ApiError> {
    if req
        .header("content-type")
        .starts_with("application/vnd.kubernetes.protobuf")
    {
        match crate::proto::decode(&req.body) {
            Ok(v) => req.body = Bytes::from(serde_json::to_vec(&v).unwrap_or_default()),
            Err(e) => return Err(ApiError::new(415, "UnsupportedMediaType", format!("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml ({e})"))),
        }
    }
    let r = route(&req.path).map_err(|_| not_found_route())?;
    match r {
        Route::Version => return Ok(json_response(200, &version_json())),
        Route::Health => {
            let mut resp = Response::new(full("ok"));
            resp.headers_mut().insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            return Ok(resp);
        }
        Route::OpenApi(segs) => {
            if req.method != Method::GET {
                return Err(ApiError::method_not_allowed());
            }
            let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
            return crate::openapi::serve(&segs, &req.query, &req.headers)
                .ok_or_else(not_found_route);
        }
        Route::ApiVersions => {
            let addr = format!("127.0.0.1:{}", st.port());
            return Ok(json_response(
                200,
                &json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": addr}]}),
            ));
        }
        Route::GroupList => {
            let groups: Vec<Value> = resources::groups()
                .iter()
                .map(|(g, v)| group_json(g, v))
                .collect();
            return Ok(json_response(
                200,
                &json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}),
            ));
        }
        Route::Group(g) => {
            let Some((g, v)) = resources::groups().into_iter().find(|(gg, _)| *gg == g) else {
                return Err(not_found_route());
            };
            let mut gj = group_json(g, v);
            gj["kind"] = json!("APIGroup");
            gj["apiVersion"] = json!("v1");
            return Ok(json_response(200, &gj));
        }
        Route::ResourceList(g, v) => return Ok(json_response(200, &resource_list(&g, &v))),
        Route::NodeProxy { node, path } => {
            if req.method != Method::GET {
                return Err(ApiError::method_not_allowed());
            }
            let def = &RESOURCES[idx::NODES];
            if !allowed(&req.user, "get", def, None) {
                return Err(forbidden_error(
                    &req.user,
                    "get",
                    def,
                    Some("proxy"),
                    None,
                    Some(&node),
                ));
            }
            if st.store.get(idx::NODES, "", &node).is_none() {
                return Err(ApiError::not_found(def, &node));
            }
            return match path.as_str() {
                "stats/summary" => Ok(json_response(
                    200,
                    &crate::storage::node_summary(&st, &node),
                )),
                _ => Err(not_found_route()),
            };
        }
        Route::Resource { .. } => {}
    }
    let Route::Resource {
        res,
        ns,
        name,
        sub,
        watch_path,
    } = r
    else {
        return Err(not_found_route());
    };
    let def = &RESOURCES[res];
    let is_watch = watch_path || req.flag("watch");
    let mut verb = verb_of(&req.method, name.is_some(), is_watch);
    if verb == "unknown" {
        return Err(ApiError::method_not_allowed());
    }
    if let Some(s) = sub.as_deref() {
        if !def.subresources.contains(&s) {
            return Err(not_found_route());
        }
        if s == "log" && verb != "get" || s == "eviction" && verb != "create" {
            return Err(ApiError::method_not_allowed());
        }
        // An upgrade request for these never reaches here (the listener hands it to `pods`).
        if matches!(s, "exec" | "attach" | "portforward") {
            return Err(ApiError::bad_request("Upgrade request required"));
        }
    }
    if def.is_virtual() {
        if def.kind == "SelfSubjectAccessReview" && verb != "create"
            || def.kind != "SelfSubjectAccessReview" && !matches!(verb, "get" | "list")
        {
            return Err(ApiError::method_not_allowed());
        }
    } else if !def.verbs.contains(&verb) {
        return Err(ApiError::method_not_allowed());
    }
    if verb == "create" && name.is_some() && sub.is_none() {
        return Err(ApiError::method_not_allowed());
    }
    if verb == "get" && sub.as_deref() == Some("log") {
        verb = "get";
    }
    if !allowed(&req.user, verb, def, ns.as_deref()) {
        return Err(forbidden_error(
            &req.user,
            verb,
            def,
            sub.as_deref(),
            ns.as_deref(),
            name.as_deref(),
        ));
    }
    let nsv = ns.clone().unwrap_or_default();
    match (verb, name.as_deref(), sub.as_deref()) {
        ("create", None, _) if res == idx::SSAR => ssar(&req),
        ("list", _, _) | ("get", _, _) if res == idx::POD_METRICS || res == idx::NODE_METRICS => {
            metrics(&st, res, ns.as_deref(), name.as_deref())
        }
        ("get", Some(n), None) | ("get", Some(n), Some("status")) => get(&st, &req, res, &nsv, n),
        ("get", Some(n), Some("scale")) => {
            let o = st
                .store
                .get_value(res, &nsv, n)
                .ok_or_else(|| ApiError::not_found(def, n))?;
            Ok(json_response(200, &scale_of(&o)))
        }
        ("get", Some(n), Some("log")) => logs(&st, &req, &nsv, n).await,
        ("list", None, None) => list(&st, &req, res, ns.as_deref()),
        ("watch", _, None) => watch(st.clone(), &req, res, ns.as_deref(), name.as_deref()),
        ("create", None, None) => {
            let mut body =
                patch::parse_body(&req.body).map_err(|e| ApiError::bad_request(e.to_string()))?;
            let directive = Directive::parse(req.q("fieldValidation"), "CreateOptions")?;
            let name = body
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let warnings = fieldcheck::check(def, None, directive, None, &mut body, &nsv, &name)?;
            let opts = WriteOpts {
                dry_run: req.dry_run(),
                manager: req.manager(),
                force: false,
            };
            let v = ops::create(&st, res, &nsv, body, &opts)?;
            Ok(with_warnings(json_response(201, &v), &warnings))
        }
        ("create", Some(n), Some("eviction")) => evict(&st, &req, &nsv, n),
        ("update", Some(n), sub) => {
            let mut body =
                patch::parse_body(&req.body).map_err(|e| ApiError::bad_request(e.to_string()))?;
            let directive = Directive::parse(req.q("fieldValidation"), "UpdateOptions")?;
            let warnings = fieldcheck::check(def, sub, directive, None, &mut body, &nsv, n)?;
            let opts = WriteOpts {
                dry_run: req.dry_run(),
                manager: req.manager(),
                force: false,
            };
            if sub == Some("scale") {
                return scale_write(&st, res, &nsv, n, ScaleWrite::Put(body), &opts)
                    .map(|r| with_warnings(r, &warnings));
            }
            let v = ops::update(&st, res, &nsv, n, body, sub, &opts)?;
            Ok(with_warnings(json_response(200, &v), &warnings))
        }
        ("patch", Some(n), sub) => {
            let pt = PatchType::from_content_type(req.header("content-type")).map_err(|e| {
                ApiError::new(415, "UnsupportedMediaType", e.to_string()).with_details(json!({}))
            })?;
            let mut body =
                patch::parse_body(&req.body).map_err(|e| ApiError::bad_request(e.to_string()))?;
            let force = req.flag("force");
            let apply = matches!(pt, PatchType::Apply);
            // PatchOptions validation, as the real server reports it (422 Invalid).
            let mut causes = Vec::new();
            if apply && req.q("fieldManager").is_none() {
                causes.push((
                    "FieldValueRequired",
                    "Required value: is required for apply patch",
                    "fieldManager",
                ));
            }
            if force && !apply {
                causes.push((
                    "FieldValueForbidden",
                    "Forbidden: may not be specified for non-apply patch",
                    "force",
                ));
            }
            if !causes.is_empty() {
                let msgs: Vec<String> =
                    causes.iter().map(|(_, m, f)| format!("{f}: {m}")).collect();
                let joined = if msgs.len() == 1 {
                    msgs[0].clone()
                } else {
                    format!("[{}]", msgs.join(", "))
                };
                let cs: Vec<Value> = causes
                    .iter()
                    .map(|(r, m, f)| json!({"reason": r, "message": m, "field": f}))
                    .collect();
                return Err(ApiError::new(
                    422,
                    "Invalid",
                    format!("PatchOptions.meta.k8s.io \"\" is invalid: {joined}"),
                )
                .with_details(
                    json!({"group": "meta.k8s.io", "kind": "PatchOptions", "causes": cs}),
                ));
            }
            let directive = Directive::parse(req.q("fieldValidation"), "PatchOptions")?;
            let warnings = fieldcheck::check(def, sub, directive, Some(&pt), &mut body, &nsv, n)?;
            // Server-side apply that creates the object answers 201 Created.
            let created = apply && sub.is_none() && st.store.get(res, &nsv, n).is_none();
            let opts = WriteOpts {
                dry_run: req.dry_run(),
                manager: req.manager(),
                force,
            };
            if sub == Some("scale") {
                return scale_write(&st, res, &nsv, n, ScaleWrite::Patch(pt, body), &opts)
                    .map(|r| with_warnings(r, &warnings));
            }
            let v = ops::patch(&st, res, &nsv, n, pt, &body, sub, &opts)?;
            Ok(with_warnings(
                json_response(if created { 201 } else { 200 }, &v),
                &warnings,
            ))
        }
        ("delete", Some(n), None) => {
            let o = delete_opts(&req)?;
            let v = ops::delete(&st, res, &nsv, n, &o)?;
            // Like the real server: 200 with the object while it is only marked for deletion
            // (202 is reserved for an explicit orphanDependents=false). Once it is gone, only the
            // resources whose registry sets ReturnDeletedObject answer with the object; the others
            // answer with a Success Status.
            let returns_object = matches!(
                res,
                idx::PODS
                    | idx::SERVICES
                    | idx::PVCS
                    | idx::PVS
                    | idx::NAMESPACES
                    | idx::STORAGECLASSES
            );
            if returns_object || v.pointer("/metadata/deletionTimestamp").is_some() {
                return Ok(json_response(200, &v));
            }
            let mut details =
                json!({"name": n, "kind": def.plural, "uid": v.pointer("/metadata/uid")});
            if !def.group.is_empty() {
                details["group"] = json!(def.group);
            }
            Ok(json_response(
                200,
                &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}),
            ))
        }
        ("deletecollection", None, None) => {
            let o = delete_opts(&req)?;
            let (ls, fs) = selectors(&req)?;
            let (_, items) = st.store.list(res, ns.as_deref());
            let mut deleted = Vec::new();
            for it in items {
                let v = it.value();
                if ls.matches(&v) && fs.matches(&v) {
                    if let Ok(d) = ops::delete(&st, res, &it.ns, &it.name, &o) {
                        deleted.push(d);
                    }
                }
            }
            Ok(json_response(
                200,
                &json!({"kind": def.list_kind(), "apiVersion": def.api_version(), "metadata": {}, "items": deleted}),
            ))
        }
        _ => Err(ApiError::method_not_allowed()),
    }
}

fn delete_opts(req: &Req) -> Result<DeleteOpts, ApiError> {
    let body: Value = if req.body.is_empty() {
        json!({})
    } else {
        serde_json::from_slice(&req.body).map_err(|e| ApiError::bad_request(e.to_string()))?
    };
    let grace = req
        .q("gracePeriodSeconds")
        .and_then(|g| g.parse().ok())
        .or_else(|| body.get("gracePeriodSeconds").and_then(Value::as_i64));
    let propagation = req
        .q("propagationPolicy")
        .map(String::from)
        .or_else(|| {
            body.get("propagationPolicy")
                .and_then(Value::as_str)
                .map(String::from)
        })
        .or_else(
            || match body.get("orphanDependents").and_then(Value::as_bool) {
                Some(true) => Some("Orphan".into()),
                _ => None,
            },
        );
    if let Some(p) = &propagation {
        if !matches!(p.as_str(), "Foreground" | "Background" | "Orphan") {
            let m = format!("Unsupported value: \"{p}\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"");
            return Err(ApiError::new(422, "Invalid", format!("DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: {m}"))
                .with_details(json!({"group": "meta.k8s.io", "kind": "DeleteOptions", "causes": [{"reason": "FieldValueNotSupported", "message": m, "field": "propagationPolicy"}]})));
        }
    }
    let dry_run = req.dry_run()
        || body
            .get("dryRun")
            .and_then(Value::as_array)
            .map(|a| a.contains(&json!("All")))
            .unwrap_or(false);
    Ok(DeleteOpts {
        grace,
        propagation,
        uid: body
            .pointer("/preconditions/uid")
            .and_then(Value::as_str)
            .map(String::from),
        rv: body
            .pointer("/preconditions/resourceVersion")
            .and_then(Value::as_str)
            .map(String::from),
        dry_run,
    })
}

fn selectors(req: &Req) -> Result<(LabelSelector, FieldSelector), ApiError> {
    let ls = LabelSelector::parse(req.q("labelSelector").unwrap_or(""))
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    let fs = FieldSelector::parse(req.q("fieldSelector").unwrap_or(""))
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    Ok((ls, fs))
}

fn get(
    st: &State,
    req: &Req,
    res: usize,
    ns: &str,
    name: &str,
) -> Result<Response<Body>, ApiError> {
    let def = &RESOURCES[res];
    let o = st
        .store
        .get(res, ns, name)
        .ok_or_else(|| ApiError::not_found(def, name))?;
    if req.wants_table() {
        let v = o.value();
        return Ok(json_response(
            200,
            &table::table(res, def, &[v], &o.rv.to_string(), None, true),
        ));
    }
    Ok(bytes_response(200, o.json.clone()))
}

#[derive(serde::Serialize, serde::Deserialize)]
struct ContinueToken {
    rv: u64,
    start: String,
}

fn list(st: &State, req: &Req, res: usize, ns: Option<&str>) -> Result<Response<Body>, ApiError> {
    use base64::Engine;
    let def = &RESOURCES[res];
    let (ls, fs) = selectors(req)?;
    let limit: usize = req.q("limit").and_then(|l| l.parse().ok()).unwrap_or(0);
    let start: Option<(String, u64)> = match req.q("continue") {
        Some(c) => {
            let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(c)
                .map_err(|_| ApiError::bad_request("continue key is not valid: illegal base64"))?;
            let t: ContinueToken = serde_json::from_slice(&raw)
                .map_err(|_| ApiError::bad_request("continue key is not valid"))?;
            Some((t.start, t.rv))
        }
        None => None,
    };
    // A resourceVersion that is not a number: 400 for an exact read, else the storage layer's
    // error, which the real server answers as a 500 without a reason.
    if let Some(rv) = req
        .q("resourceVersion")
        .filter(|rv| rv.parse::<u64>().is_err())
    {
        if req.q("resourceVersionMatch") == Some("Exact") {
            return Err(ApiError::bad_request(format!(
                "invalid resource version: {}",
                rv_parse_error(rv)
            )));
        }
        return Ok(unparsable_rv(rv));
    }
    // Too-old exact resourceVersion reads are rejected like the real server.
    if let (Some(rv), Some("Exact")) = (req.q("resourceVersion"), req.q("resourceVersionMatch")) {
        let want: u64 = rv
            .parse()
            .map_err(|_| ApiError::bad_request(format!("invalid resource version \"{rv}\"")))?;
        if want != st.store.current_rv() {
            return Err(ApiError::gone(format!(
                "too old resource version: {want} ({})",
                st.store.current_rv()
            )));
        }
    }
    let filtering = !ls.is_empty() || !fs.is_empty();
    let keep = |o: &StoredObj| {
        !filtering || {
            let v = o.value();
            ls.matches(&v) && fs.matches(&v)
        }
    };
    // Only an unfiltered count is exact (and cheap): the real server omits it with selectors.
    let (cur_rv, selected, remaining) = st.store.list_page(
        res,
        ns,
        start.as_ref().map(|(s, _)| s.as_str()),
        limit,
        !filtering,
        &keep,
    );
    let list_rv = start.as_ref().map(|(_, rv)| *rv).unwrap_or(cur_rv);
    let next: Option<String> = (limit > 0 && selected.len() == limit)
        .then(|| selected.last().map(|it| format!("{}/{}", it.ns, it.name)))
        .flatten();
    let cont = match (&next, remaining) {
        (Some(k), r) if r > 0 => {
            let t = serde_json::to_vec(&ContinueToken {
                rv: list_rv,
                start: k.clone(),
            })
            .unwrap_or_default();
            Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(t))
        }
        _ => None,
    };
    if req.wants_table() {
        let vals: Vec<Value> = selected.iter().map(|o| o.value()).collect();
        return Ok(json_response(
            200,
            &table::table(res, def, &vals, &list_rv.to_string(), cont.as_deref(), true),
        ));
    }
    let mut meta = json!({"resourceVersion": list_rv.to_string()});
    if let Some(c) = &cont {
        meta["continue"] = json!(c);
        // Only an unfiltered count is exact: the real server omits it with selectors.
        if !filtering {
            meta["remainingItemCount"] = json!(remaining);
        }
    }
    let head = format!(
        "{{\"kind\":\"{}\",\"apiVersion\":\"{}\",\"metadata\":{},\"items\":[",
        def.list_kind(),
        def.api_version(),
        meta
    );
    let total: usize = selected.iter().map(|o| o.json.len() + 1).sum();
    let mut buf = Vec::with_capacity(head.len() + total + 2);
    buf.extend_from_slice(head.as_bytes());
    for (i, o) in selected.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        without_type_meta(&o.json, &mut buf);
    }
    buf.extend_from_slice(b"]}");
    Ok(bytes_response(200, buf))
}

/// Copy a compact JSON object without its top-level `apiVersion` and `kind`: the real server
/// serves list items without them. Stops scanning once both are found.
fn without_type_meta(json: &[u8], out: &mut Vec<u8>) {
    let n = json.len();
    if json.first() != Some(&b'{') {
        out.extend_from_slice(json);
        return;
    }
    out.push(b'{');
    let (mut i, mut first, mut found) = (1usize, true, 0);
    while i < n && json[i] == b'"' {
        let key_end = end_of_string(json, i);
        let key = &json[i + 1..key_end.saturating_sub(1).max(i + 1)];
        let mut j = key_end;
        let mut depth = 0i32;
        while j < n {
            match json[j] {
                b'"' => {
                    j = end_of_string(json, j);
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' if depth == 0 => break,
                b'}' | b']' => depth -= 1,
                b',' if depth == 0 => break,
                _ => {}
            }
            j += 1;
        }
        if key == b"apiVersion" || key == b"kind" {
            found += 1;
        } else {
            if !first {
                out.push(b',');
            }
            out.extend_from_slice(&json[i..j]);
            first = false;
        }
        if found == 2 || j >= n || json[j] != b',' {
            // The rest verbatim (from the separator, or the closing brace).
            let rest = if first && j < n && json[j] == b',' {
                j + 1
            } else {
                j
            };
            out.extend_from_slice(&json[rest..]);
            return;
        }
        i = j + 1;
    }
    out.extend_from_slice(&json[i.min(n)..]);
}

/// Index just past the JSON string starting at `start` (a `"`).
fn end_of_string(b: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// The storage layer's error for a resourceVersion that is not a number.
fn rv_parse_error(rv: &str) -> String {
    let rv_json = Value::String(rv.to_string());
    format!("resourceVersion: Invalid value: {rv_json}: strconv.ParseUint: parsing {rv_json}: invalid syntax")
}

/// A list or watch from a resourceVersion that is not a number: the real server passes the
/// storage layer's error through unconverted, a 500 with no reason (kubernetes#139485).
fn unparsable_rv(rv: &str) -> Response<Body> {
    json_response(
        500,
        &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": rv_parse_error(rv), "code": 500}),
    )
}

// ------------------------------------------------------------------------------------------
// Watch

struct WatchFilter {
    res: usize,
    ns: Option<String>,
    ls: LabelSelector,
    fs: FieldSelector,
    table: bool,
}

impl WatchFilter {
    fn matches_obj(&self, o: &StoredObj) -> bool {
        if let Some(ns) = &self.ns {
            if &*o.ns != ns.as_str() {
                return false;
            }
        }
        if self.ls.is_empty() && self.fs.is_empty() {
            return true;
        }
        let v = o.value();
        self.ls.matches(&v) && self.fs.matches(&v)
    }

    /// The event type this watcher sees for a store event, if any.
    fn classify(&self, ev: &Event) -> Option<EventType> {
        if ev.res != self.res {
            return None;
        }
        let now = self.matches_obj(&ev.obj);
        let before = ev
            .prev
            .as_ref()
            .map(|p| self.matches_obj(p))
            .unwrap_or(false);
        match ev.ty {
            EventType::Deleted => before.then_some(EventType::Deleted),
            EventType::Added => now.then_some(EventType::Added),
            EventType::Modified => match (before, now) {
                (true, true) => Some(EventType::Modified),
                (false, true) => Some(EventType::Added),
                (true, false) => Some(EventType::Deleted),
                (false, false) => None,
            },
        }
    }

    fn line(&self, ty: &str, o: &StoredObj, first: &mut bool) -> Bytes {
        if self.table {
            let v = o.value();
            let def = &RESOURCES[self.res];
            let t = table::table(self.res, def, &[v], &o.rv.to_string(), None, *first);
            *first = false;
            let mut s = serde_json::to_vec(&json!({"type": ty, "object": t})).unwrap_or_default();
            s.push(b'\n');
            return Bytes::from(s);
        }
        let mut buf = Vec::with_capacity(o.json.len() + 32);
        buf.extend_from_slice(b"{\"type\":\"");
        buf.extend_from_slice(ty.as_bytes());
        buf.extend_from_slice(b"\",\"object\":");
        buf.extend_from_slice(&o.json);
        buf.extend_from_slice(b"}\n");
        Bytes::from(buf)
    }
}

fn status_line(e: &ApiError) -> Bytes {
    let mut s =
        serde_json::to_vec(&json!({"type": "ERROR", "object": e.to_status()})).unwrap_or_default();
    s.push(b'\n');
    Bytes::from(s)
}

fn bookmark_line(res: usize, rv: u64, initial_end: bool) -> Bytes {
    let def = &RESOURCES[res];
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if initial_end {
        meta["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    let mut s = serde_json::to_vec(&json!({"type": "BOOKMARK", "object": {"kind": def.kind, "apiVersion": def.api_version(), "metadata": meta}})).unwrap_or_default();
    s.push(b'\n');
    Bytes::from(s)
}

fn stream_response(rx: mpsc::Receiver<Bytes>, content_type: &'static str) -> Response<Body> {
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|b| (Ok::<_, Infallible>(Frame::data(b)), rx))
    });
    let mut r = Response::new(StreamBody::new(stream).boxed_unsync());
    r.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(content_type),
    );
    r.headers_mut().insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-cache, private"),
    );
    r
}

fn watch(
    st: Arc<State>,
    req: &Req,
    res: usize,
    ns: Option<&str>,
    name: Option<&str>,
) -> Result<Response<Body>, ApiError> {
    let (ls, mut fs) = selectors(req)?;
    if let Some(n) = name {
        fs = FieldSelector::parse(&format!("metadata.name={n}"))
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
    }
    let filter = WatchFilter {
        res,
        ns: ns.map(String::from),
        ls,
        fs,
        table: req.wants_table(),
    };
    let bookmarks = req.flag("allowWatchBookmarks");
    let send_initial = req.flag("sendInitialEvents");
    let timeout = req
        .q("timeoutSeconds")
        .and_then(|t| t.parse::<u64>().ok())
        .map(Duration::from_secs)
        .unwrap_or(Duration::from_secs(1800));
    let rv_param = req.q("resourceVersion").map(String::from);
    let (tx, rx) = mpsc::channel::<Bytes>(512);
    let mut watch_gen = st.watch_gen.subscribe();
    let mut epoch = st.epoch.subscribe();

    // Decide the starting point synchronously so errors are immediate.
    let mut initial: Vec<Bytes> = Vec::new();
    let mut snapshot: Vec<Arc<StoredObj>> = Vec::new();
    let mut end_bookmark: Option<Bytes> = None;
    let mut first = true;
    let (start_rv, mut live) = match rv_param.as_deref() {
        Some(rv) if rv != "0" && !send_initial => {
            let Ok(since) = rv.parse::<u64>() else {
                return Ok(unparsable_rv(rv));
            };
            match st.store.subscribe_from(since) {
                Ok((backlog, rx)) => {
                    let mut last = since;
                    for ev in backlog {
                        last = ev.rv;
                        if let Some(ty) = filter.classify(&ev) {
                            initial.push(filter.line(ty.as_str(), &ev.obj, &mut first));
                        }
                    }
                    (last, rx)
                }
                Err(e @ StoreError::Expired { .. }) => {
                    let line = status_line(&ApiError::gone(e.to_string()));
                    let _ = tx.try_send(line);
                    drop(tx);
                    return Ok(stream_response(rx, "application/json"));
                }
                Err(e) => return Err(e.into()),
            }
        }
        _ => {
            // The snapshot is rendered lazily in the task, so a watch over 50,000 pods does not
            // hold a second copy of them in memory.
            let (rv, items, rx) = st.store.snapshot_and_subscribe(res, ns);
            snapshot = items;
            if send_initial {
                end_bookmark = Some(bookmark_line(res, rv, true));
            }
            (rv, rx)
        }
    };
    let interval = st.bookmark_interval;
    tokio::spawn(async move {
        for line in initial {
            if tx.send(line).await.is_err() {
                return;
            }
        }
        for o in snapshot {
            if filter.matches_obj(&o)
                && tx.send(filter.line("ADDED", &o, &mut first)).await.is_err()
            {
                return;
            }
        }
        if let Some(b) = end_bookmark {
            if tx.send(b).await.is_err() {
                return;
            }
        }
        let deadline = tokio::time::Instant::now() + timeout;
        let mut last_seen = start_rv;
        let mut tick = tokio::time::interval(interval);
        tick.tick().await;
        loop {
            tokio::select! {
                // A dropped or restarted server stops at once: an event written after the drop
                // is never delivered on the old connection (tests rely on that ordering).
                biased;
                _ = watch_gen.changed() => return,
                _ = epoch.changed() => return,
                ev = live.recv() => match ev {
                    Ok(ev) => {
                        if ev.rv <= last_seen { continue; }
                        last_seen = ev.rv;
                        if let Some(ty) = filter.classify(&ev) {
                            if tx.send(filter.line(ty.as_str(), &ev.obj, &mut first)).await.is_err() { return; }
                        }
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        let _ = tx.send(status_line(&ApiError::gone("too old resource version: watch fell behind"))).await;
                        return;
                    }
                    Err(_) => return,
                },
                _ = tick.tick() => {
                    if bookmarks && tx.send(bookmark_line(res, last_seen, false)).await.is_err() { return; }
                    if tx.is_closed() { return; }
                }
                _ = tokio::time::sleep_until(deadline) => return,
            }
        }
    });
    Ok(stream_response(rx, "application/json"))
}

// ------------------------------------------------------------------------------------------
// Subresources

fn scale_of(o: &Value) -> Value {
    let sel = crate::selector::LabelSelector::from_json(
        o.pointer("/spec/selector").unwrap_or(&Value::Null),
    );
    let _ = sel;
    let selector: Vec<String> = o
        .pointer("/spec/selector/matchLabels")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": o.pointer("/metadata/name"),
            "namespace": o.pointer("/metadata/namespace"),
            "uid": o.pointer("/metadata/uid"),
            "resourceVersion": o.pointer("/metadata/resourceVersion"),
            "creationTimestamp": o.pointer("/metadata/creationTimestamp"),
        },
        "spec": {"replicas": o.pointer("/spec/replicas").cloned().unwrap_or(json!(0))},
        "status": {"replicas": o.pointer("/status/replicas").cloned().unwrap_or(json!(0)), "selector": selector.join(",")},
    })
}

enum ScaleWrite {
    Put(Value),
    Patch(PatchType, Value),
}

fn scale_write(
    st: &State,
    res: usize,
    ns: &str,
    name: &str,
    w: ScaleWrite,
    opts: &WriteOpts,
) -> Result<Response<Body>, ApiError> {
    let def = &RESOURCES[res];
    let cur = st
        .store
        .get_value(res, ns, name)
        .ok_or_else(|| ApiError::not_found(def, name))?;
    let scale = scale_of(&cur);
    let new_scale = match w {
        ScaleWrite::Put(v) => v,
        ScaleWrite::Patch(PatchType::Merge, p) => patch::merge_patch(&scale, &p),
        ScaleWrite::Patch(PatchType::Strategic, p) => patch::strategic_merge(&scale, &p),
        ScaleWrite::Patch(PatchType::Json, p) => patch::json_patch(&scale, &p)
            .map_err(|e| ApiError::new(422, "Invalid", e.to_string()))?,
        ScaleWrite::Patch(PatchType::Apply, p) => patch::merge_patch(&scale, &p),
    };
    let want_rv = new_scale
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let cur_rv = cur
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if !want_rv.is_empty() && want_rv != cur_rv {
        return Err(ApiError::conflict(def, name));
    }
    let replicas = new_scale
        .pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    if replicas < 0 {
        return Err(ApiError::new(422, "Invalid", format!("Scale.autoscaling \"{name}\" is invalid: spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0"))
            .with_details(json!({"name": name, "group": "autoscaling", "kind": "Scale", "causes": [{"reason": "FieldValueInvalid", "message": format!("Invalid value: {replicas}: must be greater than or equal to 0"), "field": "spec.replicas"}]})));
    }
    let v = ops::modify(st, res, ns, name, Some("scale"), opts, |o| {
        if !want_rv.is_empty()
            && o.pointer("/metadata/resourceVersion")
                .and_then(Value::as_str)
                != Some(want_rv.as_str())
        {
            return Err(ApiError::conflict(def, name));
        }
        o["spec"]["replicas"] = json!(replicas);
        Ok(())
    })?;
    Ok(json_response(200, &scale_of(&v)))
}

fn ssar(req: &Req) -> Result<Response<Body>, ApiError> {
    let mut body =
        patch::parse_body(&req.body).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let allowed_flag;
    let mut reason = String::new();
    if let Some(ra) = body.pointer("/spec/resourceAttributes").cloned() {
        let verb = ra.get("verb").and_then(Value::as_str).unwrap_or("");
        let group = ra.get("group").and_then(Value::as_str).unwrap_or("");
        let resource = ra.get("resource").and_then(Value::as_str).unwrap_or("");
        let ns = ra
            .get("namespace")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty());
        let def = RESOURCES
            .iter()
            .find(|r| r.group == group && r.plural == resource);
        allowed_flag = match (&req.user, def) {
            (User::Admin(_), _) => true,
            (u, Some(d)) => allowed(u, verb, d, ns),
            (User::Viewer, None) => {
                matches!(verb, "get" | "list" | "watch") && ns == Some("default")
            }
        };
        if allowed_flag && matches!(req.user, User::Admin(_)) {
            reason = String::new();
        } else if allowed_flag {
            reason = "RBAC: allowed by RoleBinding \"viewer/default\" of ClusterRole \"view\" to User \"viewer\"".into();
        }
    } else {
        // nonResourceAttributes: discovery and health are open to every authenticated user.
        let path = body
            .pointer("/spec/nonResourceAttributes/path")
            .and_then(Value::as_str)
            .unwrap_or("");
        let verb = body
            .pointer("/spec/nonResourceAttributes/verb")
            .and_then(Value::as_str)
            .unwrap_or("");
        allowed_flag = matches!(req.user, User::Admin(_))
            || (verb == "get"
                && (path.starts_with("/api")
                    || path == "/version"
                    || path.starts_with("/healthz")));
    }
    body["apiVersion"] = json!("authorization.k8s.io/v1");
    body["kind"] = json!("SelfSubjectAccessReview");
    if !body.get("metadata").map(Value::is_object).unwrap_or(false) {
        body["metadata"] = json!({});
    }
    body["metadata"]["creationTimestamp"] = Value::Null;
    body["status"] = json!({"allowed": allowed_flag});
    if !reason.is_empty() {
        body["status"]["reason"] = json!(reason);
    }
    Ok(json_response(201, &body))
}

fn evict(st: &State, req: &Req, ns: &str, name: &str) -> Result<Response<Body>, ApiError> {
    let def = &RESOURCES[idx::PODS];
    let pod = st
        .store
        .get_value(idx::PODS, ns, name)
        .ok_or_else(|| ApiError::not_found(def, name))?;
    let body = patch::parse_body(&req.body).unwrap_or(json!({}));
    let labels = crate::selector::labels_of(&pod);
    let ready = crate::controller::pod_ready(&pod);
    if pod.pointer("/metadata/deletionTimestamp").is_none() && ready {
        for pdb in st.store.list_values(idx::PDBS, Some(ns)) {
            let sel =
                LabelSelector::from_json(pdb.pointer("/spec/selector").unwrap_or(&Value::Null));
            if sel.is_empty() || !sel.matches_map(&labels) {
                continue;
            }
            let allowed = pdb
                .pointer("/status/disruptionsAllowed")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            if allowed <= 0 {
                let pname = pdb
                    .pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let desired = pdb
                    .pointer("/status/desiredHealthy")
                    .and_then(Value::as_i64)
                    .unwrap_or(0);
                let healthy = pdb
                    .pointer("/status/currentHealthy")
                    .and_then(Value::as_i64)
                    .unwrap_or(0);
                return Err(ApiError::new(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.").with_details(json!({
                    "causes": [{"reason": "DisruptionBudget", "message": format!("The disruption budget {pname} needs {desired} healthy pods and has {healthy} currently")}]
                })));
            }
        }
    }
    let grace = body
        .pointer("/deleteOptions/gracePeriodSeconds")
        .and_then(Value::as_i64);
    let dry_run = req.dry_run()
        || body
            .pointer("/deleteOptions/dryRun")
            .and_then(Value::as_array)
            .map(|a| a.contains(&json!("All")))
            .unwrap_or(false);
    ops::delete(
        st,
        idx::PODS,
        ns,
        name,
        &DeleteOpts {
            grace,
            dry_run,
            ..Default::default()
        },
    )?;
    Ok(json_response(
        201,
        &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}),
    ))
}

fn metrics(
    st: &State,
    res: usize,
    ns: Option<&str>,
    name: Option<&str>,
) -> Result<Response<Body>, ApiError> {
    let t = st.started.elapsed().as_secs_f64();
    let now = ops::now();
    let wave = |seed: u64, base: f64| -> f64 {
        base * (1.0 + 0.35 * ((t / 7.0) + (seed % 628) as f64 / 100.0).sin())
    };
    if res == idx::POD_METRICS {
        let pods: Vec<Value> = match name {
            Some(n) => vec![st
                .store
                .get_value(idx::PODS, ns.unwrap_or(""), n)
                .ok_or_else(|| ApiError::not_found(&RESOURCES[res], n))?],
            None => st.store.list_values(idx::PODS, ns),
        };
        let items: Vec<Value> = pods
            .iter()
            .filter(|p| p.pointer("/status/phase").and_then(Value::as_str) == Some("Running"))
            .map(|p| {
                let pname = p.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("");
                let h = ops::fxhash(pname);
                let containers: Vec<Value> = p
                    .pointer("/spec/containers")
                    .and_then(Value::as_array)
                    .map(|cs| {
                        cs.iter()
                            .map(|c| {
                                let cn = c.get("name").and_then(Value::as_str).unwrap_or("");
                                let cpu = wave(h, 20.0 + (h % 200) as f64).max(1.0) as u64;
                                let mem = wave(h >> 8, 64.0 + (h % 400) as f64).max(8.0) as u64;
                                json!({"name": cn, "usage": {"cpu": format!("{}n", cpu * 1_000_000), "memory": format!("{}Ki", mem * 1024)}})
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                json!({"kind": "PodMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
                    "metadata": {"name": pname, "namespace": p.pointer("/metadata/namespace"), "creationTimestamp": now, "labels": p.pointer("/metadata/labels")},
                    "timestamp": now, "window": "15s", "containers": containers})
            })
            .collect();
        if name.is_some() {
            return items
                .into_iter()
                .next()
                .map(|i| json_response(200, &i))
                .ok_or_else(|| ApiError::not_found(&RESOURCES[res], name.unwrap_or("")));
        }
        return Ok(json_response(
            200,
            &json!({"kind": "PodMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {}, "items": items}),
        ));
    }
    let nodes: Vec<Value> = match name {
        Some(n) => vec![st
            .store
            .get_value(idx::NODES, "", n)
            .ok_or_else(|| ApiError::not_found(&RESOURCES[res], n))?],
        None => st.store.list_values(idx::NODES, None),
    };
    let items: Vec<Value> = nodes
        .iter()
        .map(|n| {
            let nn = n.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("");
            let h = ops::fxhash(nn);
            json!({"kind": "NodeMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
                "metadata": {"name": nn, "creationTimestamp": now, "labels": n.pointer("/metadata/labels")},
                "timestamp": now, "window": "20s",
                "usage": {"cpu": format!("{}m", wave(h, 900.0) as u64), "memory": format!("{}Ki", (wave(h >> 4, 6000.0) as u64) * 1024)}})
        })
        .collect();
    if name.is_some() {
        return items
            .into_iter()
            .next()
            .map(|i| json_response(200, &i))
            .ok_or_else(|| ApiError::not_found(&RESOURCES[res], name.unwrap_or("")));
    }
    Ok(json_response(
        200,
        &json!({"kind": "NodeMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {}, "items": items}),
    ))
}

async fn logs(
    st: &Arc<State>,
    req: &Req,
    ns: &str,
    name: &str,
) -> Result<Response<Body>, ApiError> {
    let q = crate::pods::logs::LogQuery::parse(&req.query)?;
    let rx = crate::pods::logs::open(st, ns, name, q)?;
    Ok(stream_response(rx, "text/plain"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert!(matches!(
            route("/api/v1/namespaces/db/pods/web-0/log"),
            Ok(Route::Resource {
                res: idx::PODS,
                name: Some(_),
                sub: Some(_),
                ..
            })
        ));
        assert!(matches!(
            route("/api/v1/namespaces/db"),
            Ok(Route::Resource {
                res: idx::NAMESPACES,
                name: Some(_),
                ..
            })
        ));
        assert!(matches!(
            route("/apis/apps/v1/statefulsets"),
            Ok(Route::Resource {
                res: idx::STATEFULSETS,
                ns: None,
                name: None,
                ..
            })
        ));
        assert!(matches!(
            route("/apis/apps/v1/namespaces/x/statefulsets/web/scale"),
            Ok(Route::Resource {
                res: idx::STATEFULSETS,
                ..
            })
        ));
        assert!(route("/apis/bogus/v1/things").is_err());
        assert!(route("/api/v1/pods/x").is_err());
    }

    #[test]
    fn list_items_lose_type_meta() {
        let strip = |s: &str| {
            let mut out = Vec::new();
            without_type_meta(s.as_bytes(), &mut out);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(
            strip(
                r#"{"apiVersion":"v1","data":{"kind":"x,}"},"kind":"ConfigMap","metadata":{"name":"a"}}"#
            ),
            r#"{"data":{"kind":"x,}"},"metadata":{"name":"a"}}"#
        );
        assert_eq!(
            strip(r#"{"kind":"Pod","apiVersion":"v1","metadata":{"name":"a\"b"}}"#),
            r#"{"metadata":{"name":"a\"b"}}"#
        );
        assert_eq!(strip(r#"{"apiVersion":"v1","kind":"X"}"#), "{}");
        assert_eq!(strip(r#"{"metadata":{}}"#), r#"{"metadata":{}}"#);
    }

    #[test]
    fn query_pairs_with_bad_escapes_are_dropped() {
        let q = parse_query(Some("continue=%%%&limit=5&a=%41&b=x;y&labelSelector=a%3Db"));
        assert_eq!(q.get("continue"), None);
        assert_eq!(q.get("b"), None);
        assert_eq!(q["limit"], "5");
        assert_eq!(q["a"], "A");
        assert_eq!(q["labelSelector"], "a=b");
    }

    #[test]
    fn forbidden_message_matches_rbac() {
        let def = &RESOURCES[idx::STATEFULSETS];
        let e = forbidden_error(&User::Viewer, "patch", def, None, Some("db"), Some("x"));
        assert_eq!(e.to_string(), "statefulsets.apps \"x\" is forbidden: User \"viewer\" cannot patch resource \"statefulsets\" in API group \"apps\" in the namespace \"db\"");
    }
}
