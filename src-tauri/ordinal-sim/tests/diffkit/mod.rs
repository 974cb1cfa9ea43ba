//! The engine of the differential test (tests/differential.rs): runs one table of steps against
//! the simulator and a real API server, normalises what each answered and diffs the two.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use http_body_util::BodyExt;
use kube::client::Body;
use kube::config::{AuthInfo, KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use serde_json::{json, Value};

// ------------------------------------------------------------------------------------------
// Steps

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    Admin,
    /// Read-only in namespace `default`.
    Viewer,
    /// A bearer token the server does not know.
    BadToken,
}

pub type Pred = Arc<dyn Fn(&Value) -> bool + Send + Sync>;

#[derive(Clone)]
pub enum Kind {
    Request,
    /// A watch: collect events until `max` arrived or `window` passed.
    Watch {
        max: usize,
        window: Duration,
    },
    /// Poll a GET until the predicate holds on the body (or the deadline passes).
    Wait {
        until: Pred,
        deadline: Duration,
    },
}

#[derive(Clone)]
pub struct Step {
    pub name: String,
    pub who: Who,
    pub method: &'static str,
    /// `{ns}` is this run's namespace; `{@step/json/pointer}` a value from an earlier answer.
    pub path: String,
    pub query: String,
    pub content_type: &'static str,
    pub body: String,
    pub kind: Kind,
    /// Compared only when the real server's answer satisfies this (what it depends on is not
    /// under the test's control, e.g. how much history the real server still keeps).
    pub precondition: Option<(&'static str, Pred)>,
}

pub fn step(name: &str, method: &'static str, path: &str) -> Step {
    Step {
        name: name.to_string(),
        who: Who::Admin,
        method,
        path: path.to_string(),
        query: String::new(),
        content_type: "application/json",
        body: String::new(),
        kind: Kind::Request,
        precondition: None,
    }
}

pub fn get(name: &str, path: &str) -> Step {
    step(name, "GET", path)
}
pub fn post(name: &str, path: &str, body: Value) -> Step {
    step(name, "POST", path).json(body)
}
pub fn put(name: &str, path: &str, body: Value) -> Step {
    step(name, "PUT", path).json(body)
}
pub fn delete(name: &str, path: &str) -> Step {
    step(name, "DELETE", path)
}
pub fn patch(name: &str, path: &str, content_type: &'static str, body: &str) -> Step {
    let mut s = step(name, "PATCH", path);
    s.content_type = content_type;
    s.body = body.to_string();
    s
}

impl Step {
    pub fn q(mut self, query: &str) -> Step {
        self.query = query.to_string();
        self
    }
    pub fn json(mut self, body: Value) -> Step {
        self.content_type = "application/json";
        self.body = body.to_string();
        self
    }
    pub fn only_if_real(
        mut self,
        why: &'static str,
        f: impl Fn(&Value) -> bool + Send + Sync + 'static,
    ) -> Step {
        self.precondition = Some((why, Arc::new(f)));
        self
    }
    pub fn who(mut self, who: Who) -> Step {
        self.who = who;
        self
    }
    pub fn watch(mut self, max: usize, window_ms: u64) -> Step {
        self.kind = Kind::Watch {
            max,
            window: Duration::from_millis(window_ms),
        };
        self
    }
    pub fn until(
        mut self,
        deadline_s: u64,
        f: impl Fn(&Value) -> bool + Send + Sync + 'static,
    ) -> Step {
        self.kind = Kind::Wait {
            until: Arc::new(f),
            deadline: Duration::from_secs(deadline_s),
        };
        self
    }
}

// ------------------------------------------------------------------------------------------
// Servers

pub struct Side {
    pub label: &'static str,
    pub admin: Client,
    pub viewer: Client,
    pub bad: Client,
    pub ns: String,
    pub saved: HashMap<String, Value>,
}

async fn config_for(kubeconfig: &str, context: Option<&str>) -> Config {
    let kc = Kubeconfig::from_yaml(kubeconfig).expect("kubeconfig parses");
    let opts = KubeConfigOptions {
        context: context.map(String::from),
        ..Default::default()
    };
    let mut cfg = Config::from_custom_kubeconfig(kc, &opts)
        .await
        .expect("kubeconfig is usable");
    // Status codes as served: no 429/503 retries.
    cfg.default_retry = false;
    cfg
}

pub async fn client(kubeconfig: &str, context: Option<&str>) -> Client {
    Client::try_from(config_for(kubeconfig, context).await).expect("client")
}

/// A client of the same server that presents an unknown bearer token (and no client cert).
pub async fn bad_token_client(kubeconfig: &str) -> Client {
    let mut cfg = config_for(kubeconfig, None).await;
    cfg.auth_info = serde_json::from_value::<AuthInfo>(json!({"token": "not-a-valid-token"}))
        .expect("auth info");
    Client::try_from(cfg).expect("client")
}

// ------------------------------------------------------------------------------------------
// Running a step

#[derive(Debug, Clone)]
pub struct Answer {
    pub code: u16,
    pub body: Value,
    pub events: Option<Vec<Value>>,
    pub timed_out: bool,
}

impl Answer {
    /// Everything compared, as one JSON value.
    pub fn as_value(&self) -> Value {
        let mut v = json!({"code": self.code, "body": self.body});
        if let Some(e) = &self.events {
            v["events"] = json!(e);
        }
        if self.timed_out {
            v["timedOut"] = json!(true);
        }
        v
    }
}

/// Replace `{ns}` and `{@step/pointer}`.
pub fn expand(s: &str, side: &Side) -> String {
    let mut out = s.replace("{ns}", &side.ns);
    while let Some(start) = out.find("{@") {
        let Some(len) = out[start..].find('}') else {
            break;
        };
        let spec = &out[start + 2..start + len];
        let (name, ptr) = spec.split_once('/').unwrap_or((spec, ""));
        let ptr = format!("/{ptr}");
        let val = side
            .saved
            .get(name)
            .and_then(|v| v.pointer(&ptr))
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .unwrap_or_else(|| format!("<missing {spec}>"));
        out.replace_range(start..start + len + 1, &val);
    }
    out
}

async fn send_once(c: &Client, method: &str, uri: &str, ct: &str, body: &str) -> (u16, Value) {
    let mut b = http::Request::builder()
        .method(method)
        .uri(uri)
        .header("accept", "application/json");
    if !body.is_empty() {
        b = b.header("content-type", ct);
    }
    let req = b
        .body(Body::from(body.as_bytes().to_vec()))
        .expect("request");
    match c.send(req).await {
        Ok(resp) => {
            let code = resp.status().as_u16();
            let bytes = resp
                .into_body()
                .collect()
                .await
                .map(|c| c.to_bytes())
                .unwrap_or_default();
            let v = serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
            (code, v)
        }
        Err(e) => (0, json!(format!("transport error: {e}"))),
    }
}

async fn watch_events(c: &Client, uri: &str, max: usize, window: Duration) -> Answer {
    let req = http::Request::builder()
        .method("GET")
        .uri(uri)
        .header("accept", "application/json")
        .body(Body::empty())
        .expect("request");
    let resp = match c.send(req).await {
        Ok(r) => r,
        Err(e) => {
            return Answer {
                code: 0,
                body: json!(format!("transport error: {e}")),
                events: None,
                timed_out: false,
            }
        }
    };
    let code = resp.status().as_u16();
    let mut body = resp.into_body();
    let deadline = tokio::time::Instant::now() + window;
    let mut buf: Vec<u8> = Vec::new();
    let mut events: Vec<Value> = Vec::new();
    loop {
        while let Some(nl) = buf.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = buf.drain(..=nl).collect();
            if let Ok(v) = serde_json::from_slice::<Value>(&line) {
                if v.get("type") != Some(&json!("BOOKMARK")) {
                    events.push(v);
                }
            }
        }
        if events.len() >= max {
            break;
        }
        match tokio::time::timeout_at(deadline, body.frame()).await {
            Ok(Some(Ok(f))) => {
                if let Ok(d) = f.into_data() {
                    buf.extend_from_slice(&d);
                }
            }
            _ => break,
        }
    }
    if code != 200 {
        let v = serde_json::from_slice(&buf).unwrap_or(Value::Null);
        return Answer {
            code,
            body: v,
            events: None,
            timed_out: false,
        };
    }
    Answer {
        code,
        body: Value::Null,
        events: Some(events),
        timed_out: false,
    }
}

pub async fn run_step(side: &Side, s: &Step) -> Answer {
    let c = match s.who {
        Who::Admin => &side.admin,
        Who::Viewer => &side.viewer,
        Who::BadToken => &side.bad,
    };
    let path = expand(&s.path, side);
    let query = expand(&s.query, side);
    let uri = if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    };
    let body = expand(&s.body, side);
    match &s.kind {
        Kind::Request => {
            let (code, body) = send_once(c, s.method, &uri, s.content_type, &body).await;
            Answer {
                code,
                body,
                events: None,
                timed_out: false,
            }
        }
        Kind::Watch { max, window } => watch_events(c, &uri, *max, *window).await,
        Kind::Wait { until, deadline } => {
            let end = tokio::time::Instant::now() + *deadline;
            loop {
                let (code, v) = send_once(c, s.method, &uri, s.content_type, &body).await;
                let ok = until(&v);
                if ok || tokio::time::Instant::now() > end {
                    return Answer {
                        code,
                        body: v,
                        events: None,
                        timed_out: !ok,
                    };
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
}

// ------------------------------------------------------------------------------------------
// Normalisation

/// Fields present only because of the server version (the simulator serves 1.34, the real
/// cluster may be older): dropped wherever they occur, on both sides.
pub const VERSION_ONLY_KEYS: &[(&str, &str)] = &[
    (
        "persistentVolumeClaimRetentionPolicy",
        "StatefulSet field since 1.23 (beta 1.27)",
    ),
    ("availableReplicas", "StatefulSet status field since 1.22"),
    (
        "apps.kubernetes.io/pod-index",
        "StatefulSet pod label since 1.28",
    ),
    ("kubernetes.io/metadata.name", "namespace label since 1.21"),
    ("selfLink", "removed in 1.24 (RemoveSelfLink)"),
];

/// Also matches the key as a managedFields entry (`f:<key>`).
fn is_version_only(key: &str) -> bool {
    let key = key.strip_prefix("f:").unwrap_or(key);
    VERSION_ONLY_KEYS.iter().any(|(k, _)| *k == key)
}

/// UUIDs inside keys (managedFields `k:{"uid":"…"}`) become `<uid>`.
fn mask_uuids(s: &str) -> String {
    if !s.is_ascii() {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        if i + 36 <= b.len() && is_uuid(&s[i..i + 36]) {
            out.push_str("<uid>");
            i += 36;
        } else {
            out.push(b[i] as char);
            i += 1;
        }
    }
    out
}

fn is_uuid(s: &str) -> bool {
    s.bytes().enumerate().all(|(i, c)| match i {
        8 | 13 | 18 | 23 => c == b'-',
        _ => c.is_ascii_hexdigit(),
    })
}

const TIME_KEYS: &[&str] = &[
    "creationTimestamp",
    "deletionTimestamp",
    "lastTransitionTime",
    "lastProbeTime",
    "lastUpdateTime",
    "startTime",
    "startedAt",
    "finishedAt",
    "time",
    "lastHeartbeatTime",
    "eventTime",
    "firstTimestamp",
    "lastTimestamp",
];

/// Safe-encoded hash suffixes ("web-5d8f7c9b4"): upstream's rand.SafeEncodeString alphabet.
fn hash_suffix(s: &str) -> Option<(&str, &str)> {
    let (base, h) = s.rsplit_once('-')?;
    let ok = h.len() >= 6 && h.chars().all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c));
    ok.then_some((base, h))
}

struct Norm<'a> {
    ns: &'a str,
    hashes: HashMap<String, usize>,
}

impl Norm<'_> {
    fn hash(&mut self, s: &str) -> String {
        match hash_suffix(s) {
            Some((base, h)) => {
                let n = self.hashes.len();
                let i = *self.hashes.entry(h.to_string()).or_insert(n);
                format!("{base}-<hash{i}>")
            }
            None => s.to_string(),
        }
    }

    fn string(&self, s: &str) -> String {
        if self.ns.is_empty() {
            s.to_string()
        } else {
            s.replace(self.ns, "{ns}")
        }
    }

    /// `kind` is the object's kind when `v` is a Kubernetes object (also list items).
    fn value(&mut self, v: &Value, key: &str, kind: &str) -> Value {
        match v {
            Value::String(s) => Value::String(self.string(s)),
            Value::Array(a) => {
                let item_kind = if key == "items" {
                    kind.strip_suffix("List").unwrap_or("")
                } else {
                    ""
                };
                {
                    let mut a = a.clone();
                    if item_kind == "ControllerRevision" {
                        // Named by hash: walk (and number the hashes) in revision order.
                        a.sort_by_key(|i| i["revision"].as_i64().unwrap_or(0));
                    }
                    Value::Array(a.iter().map(|x| self.value(x, "", item_kind)).collect())
                }
            }
            Value::Object(m) => {
                let kind = m
                    .get("kind")
                    .and_then(Value::as_str)
                    .unwrap_or(kind)
                    .to_string();
                let mut out = serde_json::Map::new();
                // Sorted walk: hash aliases are numbered in the same order on both sides.
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                for k in keys {
                    let x = &m[k];
                    if is_version_only(k) {
                        continue;
                    }
                    if k == "creationTimestamp" && x.is_null() {
                        continue; // 1.20 serialises empty embedded timestamps as null
                    }
                    let nv = match (k.as_str(), x) {
                        ("uid", Value::String(_)) => json!("<uid>"),
                        ("resourceVersion", Value::String(s)) if !s.is_empty() => json!("<rv>"),
                        ("continue", Value::String(s)) if !s.is_empty() => json!("<continue>"),
                        (t, Value::String(_)) if TIME_KEYS.contains(&t) => json!("<ts>"),
                        ("podIP" | "hostIP" | "clusterIP", Value::String(_)) => json!("<ip>"),
                        ("podIPs" | "hostIPs" | "clusterIPs", _) => json!("<ips>"),
                        ("nodeName", Value::String(_)) => json!("<node>"),
                        ("containerID" | "imageID", _) => json!("<id>"),
                        ("volumeName", Value::String(_)) if kind == "PersistentVolumeClaim" => {
                            json!("<pv>")
                        }
                        (
                            "controller-revision-hash" | "currentRevision" | "updateRevision",
                            Value::String(s),
                        ) => {
                            json!(self.hash(s))
                        }
                        ("controller.kubernetes.io/hash", Value::String(s)) => {
                            let aliased = self.hash(&format!("x-{s}"));
                            json!(aliased.trim_start_matches("x-"))
                        }
                        ("name", Value::String(s))
                            if kind == "ControllerRevision" && key == "metadata" =>
                        {
                            json!(self.hash(&self.string(s)))
                        }
                        _ => self.value(x, k, if k == "object" { "" } else { &kind }),
                    };
                    // A map emptied by dropping version-only keys counts as absent (in
                    // managedFields: left with only its "." marker).
                    let emptied = |o: &serde_json::Map<String, Value>| {
                        o.is_empty() || (k.starts_with("f:") && o.len() == 1 && o.contains_key("."))
                    };
                    if nv.as_object().is_some_and(emptied)
                        && x.as_object().is_some_and(|o| !emptied(o))
                    {
                        continue;
                    }
                    let k = if k.starts_with("k:") {
                        mask_uuids(k)
                    } else {
                        k.clone()
                    };
                    out.insert(k, nv);
                }
                // Generated names: only the prefix is comparable.
                if let (Some(Value::String(g)), Some(Value::String(n))) =
                    (out.get("generateName"), out.get("name"))
                {
                    if n.starts_with(g.as_str()) && n.len() > g.len() {
                        let nn = format!("{g}<random>");
                        out.insert("name".into(), json!(nn));
                    }
                }
                let mut v = Value::Object(out);
                if key.is_empty() || key == "object" || key == "body" {
                    object_specific(&mut v, &kind);
                }
                v
            }
            other => other.clone(),
        }
    }
}

fn retain_keys(v: &mut Value, keep: &[&str]) {
    if let Some(m) = v.as_object_mut() {
        m.retain(|k, _| keep.contains(&k.as_str()));
    }
}

/// Per-kind normalisation of what is not the API server's doing.
fn object_specific(v: &mut Value, kind: &str) {
    match kind {
        "ControllerRevisionList" => {
            // Named by hash: order by revision instead.
            if let Some(items) = v.get_mut("items").and_then(Value::as_array_mut) {
                items.sort_by_key(|i| i["revision"].as_i64().unwrap_or(0));
            }
        }
        "ConfigMap" if v.pointer("/metadata/name") == Some(&json!("kube-root-ca.crt")) => {
            if let Some(c) = v.pointer_mut("/data/ca.crt") {
                *c = json!("<pem>"); // each cluster's own CA
            }
        }
        "Pod" => {
            // metadata.generation on pods: since 1.33.
            if let Some(m) = v["metadata"].as_object_mut() {
                m.remove("generation");
            }
            // Pod status is written by the kubelet: the real cluster runs a stand-in kubelet, so
            // only its coarse shape is comparable.
            if let Some(st) = v.get_mut("status") {
                retain_keys(
                    st,
                    &["phase", "conditions", "containerStatuses", "qosClass"],
                );
                if let Some(cs) = st.get_mut("conditions").and_then(Value::as_array_mut) {
                    for c in cs.iter_mut() {
                        retain_keys(c, &["type", "status"]);
                    }
                    // PodReadyToStartContainers: since 1.29.
                    cs.retain(|c| c["type"] != "PodReadyToStartContainers");
                    cs.sort_by_key(|c| c["type"].as_str().unwrap_or("").to_string());
                }
                if let Some(cs) = st
                    .get_mut("containerStatuses")
                    .and_then(Value::as_array_mut)
                {
                    for c in cs.iter_mut() {
                        let state = c
                            .get("state")
                            .and_then(Value::as_object)
                            .and_then(|m| m.keys().next().cloned());
                        retain_keys(c, &["name", "ready", "restartCount"]);
                        c["state"] = json!(state);
                    }
                }
            }
            // The service-account token volume: a Secret volume before 1.22, a projected
            // `kube-api-access-*` volume since.
            let token =
                |n: &str| n.starts_with("default-token-") || n.starts_with("kube-api-access-");
            if let Some(vs) = v.pointer_mut("/spec/volumes").and_then(Value::as_array_mut) {
                vs.retain(|x| !token(x["name"].as_str().unwrap_or("")));
                if vs.is_empty() {
                    if let Some(s) = v["spec"].as_object_mut() {
                        s.remove("volumes");
                    }
                }
            }
            if let Some(cs) = v
                .pointer_mut("/spec/containers")
                .and_then(Value::as_array_mut)
            {
                for c in cs {
                    if let Some(ms) = c.get_mut("volumeMounts").and_then(Value::as_array_mut) {
                        ms.retain(|x| !token(x["name"].as_str().unwrap_or("")));
                        if ms.is_empty() {
                            if let Some(o) = c.as_object_mut() {
                                o.remove("volumeMounts");
                            }
                        }
                    }
                }
            }
        }
        "PersistentVolumeClaim" => {
            // What the volume binder writes (see below) is tracked on the real cluster only.
            if let Some(mf) = v
                .pointer_mut("/metadata/managedFields")
                .and_then(Value::as_array_mut)
            {
                for e in mf.iter_mut() {
                    if let Some(f) = e["fieldsV1"].as_object_mut() {
                        f.remove("f:status");
                        if let Some(sp) = f.get_mut("f:spec").and_then(Value::as_object_mut) {
                            sp.remove("f:volumeName");
                        }
                        if let Some(m) = f.get_mut("f:metadata").and_then(Value::as_object_mut) {
                            if let Some(a) =
                                m.get_mut("f:annotations").and_then(Value::as_object_mut)
                            {
                                a.retain(|k, _| !k.starts_with("f:pv.kubernetes.io/"));
                                if a.keys().all(|k| k == ".") {
                                    m.remove("f:annotations");
                                }
                            }
                        }
                    }
                }
            }
            // The real cluster binds pre-made 1Gi PVs; the simulator provisions volumes.
            if let Some(st) = v.get_mut("status") {
                retain_keys(st, &["phase"]);
            }
            if let Some(a) = v
                .pointer_mut("/metadata/annotations")
                .and_then(Value::as_object_mut)
            {
                a.retain(|k, _| !k.starts_with("pv.kubernetes.io/") && !k.starts_with("volume."));
                if a.is_empty() {
                    if let Some(m) = v["metadata"].as_object_mut() {
                        m.remove("annotations");
                    }
                }
            }
        }
        _ => {}
    }
    // managedFields: who and how, not when; field sets are compared as they are.
    if let Some(mf) = v
        .pointer_mut("/metadata/managedFields")
        .and_then(Value::as_array_mut)
    {
        // Status written by controllers and the kubelet: the simulator's controllers write
        // status without field management, and the real kubelet is a stand-in.
        mf.retain(|e| {
            e["fieldsV1"]
                .as_object()
                .map(|m| m.keys().any(|k| k != "f:status"))
                .unwrap_or(true)
        });
        // `subresource` (since 1.22) splits writes through /scale or /status into their own
        // entries; before, they merged into the manager's entry.
        let mut merged: Vec<Value> = Vec::new();
        for mut e in mf.drain(..) {
            if let Some(o) = e.as_object_mut() {
                o.remove("subresource");
            }
            let same = |x: &Value| {
                x["manager"] == e["manager"]
                    && x["operation"] == e["operation"]
                    && x["apiVersion"] == e["apiVersion"]
            };
            match merged.iter_mut().find(|x| same(x)) {
                Some(x) => merge_json(&mut x["fieldsV1"], &e["fieldsV1"]),
                None => merged.push(e),
            }
        }
        *mf = merged;
        mf.sort_by_key(|e| {
            format!(
                "{}/{}/{}",
                e["manager"].as_str().unwrap_or(""),
                e["operation"].as_str().unwrap_or(""),
                e["subresource"].as_str().unwrap_or("")
            )
        });
        if mf.is_empty() {
            if let Some(m) = v["metadata"].as_object_mut() {
                m.remove("managedFields");
            }
        }
    }
    // A metav1.Status: code, reason and details are compared, messages are not.
    if kind == "Status" {
        if let Some(m) = v.as_object_mut() {
            m.remove("message");
        }
        if let Some(cs) = v
            .pointer_mut("/details/causes")
            .and_then(Value::as_array_mut)
        {
            for c in cs {
                if let Some(m) = c.as_object_mut() {
                    m.remove("message");
                }
            }
        }
    }
}

pub fn normalize(a: &Answer, ns: &str) -> Value {
    let mut n = Norm {
        ns,
        hashes: HashMap::new(),
    };
    n.value(&a.as_value(), "", "")
}

// ------------------------------------------------------------------------------------------
// Diff

fn flatten(v: &Value, path: &str, out: &mut BTreeMap<String, Value>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, x) in m {
                flatten(
                    x,
                    &format!("{path}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for (i, x) in a.iter().enumerate() {
                flatten(x, &format!("{path}/{i}"), out);
            }
        }
        other => {
            out.insert(path.to_string(), other.clone());
        }
    }
}

fn short(v: Option<&Value>) -> String {
    match v {
        None => "-".into(),
        Some(v) => {
            let s = v.to_string();
            if s.len() > 70 {
                format!(
                    "{}…",
                    &s[..s.char_indices().nth(69).map(|(i, _)| i).unwrap_or(s.len())]
                )
            } else {
                s
            }
        }
    }
}

/// One line per differing path: `path: real=… sim=…` (`-` when absent).
pub fn diff(real: &Value, sim: &Value) -> Vec<String> {
    let (mut r, mut s) = (BTreeMap::new(), BTreeMap::new());
    flatten(real, "", &mut r);
    flatten(sim, "", &mut s);
    let mut keys: Vec<&String> = r.keys().chain(s.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| r.get(*k) != s.get(*k))
        .map(|k| format!("{k}: real={} sim={}", short(r.get(k)), short(s.get(k))))
        .collect()
}

// ------------------------------------------------------------------------------------------
// Accepted differences

pub struct Accepted {
    pub step: String,
    pub difference: String,
    pub reason: String,
    pub seen: bool,
}

impl Accepted {
    /// `*` in the step or the difference matches any run of characters.
    pub fn matches(&self, step: &str, line: &str) -> bool {
        glob(&self.step, step) && glob(&self.difference, line)
    }
}

/// Rows of the table in differential_accepted.md: | `step` | `difference` | reason |
pub fn parse_accepted(md: &str) -> Vec<Accepted> {
    let tick = |s: &str| s.trim().trim_matches('`').to_string();
    md.lines()
        .filter(|l| l.starts_with("| `"))
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim().trim_matches('|').split(" | ").collect();
            (cells.len() >= 3).then(|| Accepted {
                step: tick(cells[0]),
                difference: tick(cells[1]),
                reason: cells[2..].join(" | ").trim().to_string(),
                seen: false,
            })
        })
        .collect()
}

/// `*` matches any run of characters; everything else literally.
pub fn glob(pattern: &str, s: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == s;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !s.starts_with(first) || s.len() < first.len() + last.len() || !s.ends_with(last) {
        return false;
    }
    let mut rest = &s[first.len()..s.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

fn merge_json(into: &mut Value, from: &Value) {
    match (into.as_object_mut(), from.as_object()) {
        (Some(a), Some(b)) => {
            for (k, v) in b {
                merge_json(a.entry(k.clone()).or_insert(json!({})), v);
            }
        }
        _ => *into = from.clone(),
    }
}
