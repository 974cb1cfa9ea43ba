//! `/openapi/v2` and `/openapi/v3`: the documents kubectl validates and explains with, and
//! server-side field validation (`fieldValidation`). The v3 and field validation parts are
//! simulator-only when ORDINAL_TEST_KUBECONFIG points at an older cluster (they say so).
mod common;

use std::collections::BTreeSet;

use kube::client::Body;
use ordinal_sim::resources::RESOURCES;
use serde_json::{json, Value};

struct Answer {
    code: u16,
    headers: http::HeaderMap,
    bytes: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
    fn header(&self, k: &str) -> &str {
        self.headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

async fn send(
    c: &kube::Client,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Answer {
    let mut b = http::Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let req = b.body(Body::from(body.as_bytes().to_vec())).unwrap();
    let resp = c.send(req).await.expect("the server answers");
    let code = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Answer {
        code,
        headers,
        bytes,
    }
}

/// Every `$ref` in `v` that starts with `prefix`, without the prefix.
fn refs(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(o) => {
            if let Some(Value::String(r)) = o.get("$ref") {
                assert!(r.starts_with(prefix), "unexpected $ref {r}");
                out.insert(r[prefix.len()..].to_string());
            }
            o.values().for_each(|v| refs(v, prefix, out));
        }
        Value::Array(a) => a.iter().for_each(|v| refs(v, prefix, out)),
        _ => {}
    }
}

fn def_name(group: &str, version: &str, kind: &str) -> String {
    match group {
        "" => format!("io.k8s.api.core.v1.{kind}"),
        "metrics.k8s.io" => format!("io.k8s.metrics.pkg.apis.metrics.{version}.{kind}"),
        g => {
            let g = g.trim_end_matches(".k8s.io");
            format!("io.k8s.api.{g}.{version}.{kind}")
        }
    }
}

fn gv_of(group: &str, version: &str) -> String {
    match group {
        "" => format!("api/{version}"),
        g => format!("apis/{g}/{version}"),
    }
}

fn has_gvk(d: &Value, group: &str, version: &str, kind: &str) -> bool {
    d["x-kubernetes-group-version-kind"]
        .as_array()
        .map(|a| a.contains(&json!({"group": group, "version": version, "kind": kind})))
        .unwrap_or(false)
}

#[tokio::test]
async fn openapi_v2_describes_every_served_kind() {
    let c = common::start().await;
    let a = send(
        &c.client,
        "GET",
        "/openapi/v2",
        &[("accept", "application/json")],
        "",
    )
    .await;
    assert_eq!(a.code, 200);
    // Kubernetes 1.20 labels its JSON text/plain; current servers (and the simulator) say JSON.
    let ct = a.header("content-type");
    assert!(
        ct.starts_with("application/json") || (c.sim.is_none() && ct.starts_with("text/plain")),
        "{ct}"
    );
    let doc = a.json();
    assert_eq!(doc["swagger"], "2.0");
    let defs = doc["definitions"].as_object().expect("definitions");
    let sts = &defs["io.k8s.api.apps.v1.StatefulSet"];
    assert!(has_gvk(sts, "apps", "v1", "StatefulSet"), "{sts}");
    assert!(sts["properties"]["spec"]["$ref"]
        .as_str()
        .is_some_and(|r| r == "#/definitions/io.k8s.api.apps.v1.StatefulSetSpec"));
    let spec = &defs["io.k8s.api.apps.v1.StatefulSetSpec"];
    assert_eq!(spec["properties"]["replicas"]["type"], "integer");
    let mut seen = BTreeSet::new();
    refs(&doc, "#/definitions/", &mut seen);
    for r in &seen {
        assert!(defs.contains_key(r), "dangling $ref {r}");
    }
    if c.sim.is_none() {
        return common::skipped(
            "openapi::openapi_v2_describes_every_served_kind: served kinds and paths",
            "compares the document with the simulator's own resource table",
        );
    }
    for r in RESOURCES {
        let name = def_name(r.group, r.version, r.kind);
        let d = defs
            .get(&name)
            .unwrap_or_else(|| panic!("no definition {name}"));
        assert!(has_gvk(d, r.group, r.version, r.kind), "{name} has no GVK");
    }
    let list = &defs["io.k8s.api.apps.v1.StatefulSetList"];
    assert!(has_gvk(list, "apps", "v1", "StatefulSetList"));
    let patch = &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}"]["patch"];
    assert_eq!(
        patch["x-kubernetes-group-version-kind"],
        json!({"group": "apps", "version": "v1", "kind": "StatefulSet"})
    );
    assert!(patch["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "fieldValidation" && p["in"] == "query"));

    // The protobuf form kubectl asks for first.
    let pb = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
    let a = send(&c.client, "GET", "/openapi/v2", &[("accept", pb)], "").await;
    // Answered with the valid media type the real server uses (`.v1.0`, not `@v1.0`).
    assert_eq!(
        (a.code, a.header("content-type")),
        (
            200,
            "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
        )
    );
    assert_eq!(&a.bytes[..5], b"\x0a\x032.0");
    assert!(a.bytes.len() > 100_000, "{} bytes", a.bytes.len());
    let etag = a.header("etag").to_string();
    let a = send(
        &c.client,
        "GET",
        "/openapi/v2",
        &[("accept", pb), ("if-none-match", &etag)],
        "",
    )
    .await;
    assert_eq!(a.code, 304);
}

#[tokio::test]
async fn openapi_v3_has_a_document_per_group_version() {
    let c = common::start().await;
    let a = send(&c.client, "GET", "/openapi/v3", &[], "").await;
    if c.sim.is_none() && a.code == 404 {
        return common::skipped(
            "openapi::openapi_v3_has_a_document_per_group_version",
            "the server has no /openapi/v3 (Kubernetes before 1.23)",
        );
    }
    assert_eq!(a.code, 200);
    let index = a.json();
    let paths = index["paths"].as_object().expect("paths");
    let mut gvs: Vec<String> = RESOURCES
        .iter()
        .map(|r| gv_of(r.group, r.version))
        .collect();
    gvs.dedup();
    for gv in &gvs {
        let url = paths[gv.as_str()]["serverRelativeURL"]
            .as_str()
            .unwrap_or_else(|| panic!("no {gv} in {index}"));
        assert!(url.starts_with(&format!("/openapi/v3/{gv}?hash=")), "{url}");
        let a = send(&c.client, "GET", url, &[("accept", "application/json")], "").await;
        assert_eq!(a.code, 200, "{url}");
        if c.sim.is_some() {
            assert_eq!(a.header("cache-control"), "public, immutable", "{url}");
        }
        let doc = a.json();
        assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
        let schemas = doc["components"]["schemas"].as_object().expect("schemas");
        let mut seen = BTreeSet::new();
        refs(&doc, "#/components/schemas/", &mut seen);
        for r in &seen {
            assert!(schemas.contains_key(r), "{gv}: dangling $ref {r}");
        }
        for r in RESOURCES
            .iter()
            .filter(|r| gv_of(r.group, r.version) == *gv)
        {
            if c.sim.is_none() && r.group == "metrics.k8s.io" {
                continue;
            }
            let name = def_name(r.group, r.version, r.kind);
            let d = schemas
                .get(&name)
                .unwrap_or_else(|| panic!("{gv}: no {name}"));
            assert!(
                has_gvk(d, r.group, r.version, r.kind),
                "{gv}: {name} has no GVK"
            );
        }
        if gv == "apis/apps/v1" {
            let spec = &schemas["io.k8s.api.apps.v1.StatefulSet"]["properties"]["spec"];
            assert_eq!(
                spec["allOf"][0]["$ref"], "#/components/schemas/io.k8s.api.apps.v1.StatefulSetSpec",
                "{spec}"
            );
            let etag = a.header("etag").to_string();
            let a = send(&c.client, "GET", url, &[("if-none-match", &etag)], "").await;
            assert_eq!(a.code, 304);
        }
    }
    if c.sim.is_some() {
        let a = send(&c.client, "GET", "/openapi/v3/apis/bogus/v1", &[], "").await;
        assert_eq!(a.code, 404);
        let a = send(
            &c.client,
            "GET",
            "/openapi/v3/apis/apps/v1",
            &[(
                "accept",
                "application/com.github.proto-openapi.spec.v3@v1.0+protobuf",
            )],
            "",
        )
        .await;
        assert_eq!(a.code, 406);
    }
}

#[tokio::test]
async fn field_validation_directives() {
    let c = common::start().await;
    if c.sim.is_none() {
        return common::skipped(
            "openapi::field_validation_directives",
            "the exact messages are the simulator's (1.20 has no fieldValidation; the differential test compares servers)",
        );
    }
    let ns = common::namespace(&c.client, "fieldval").await;
    let j = [("content-type", "application/json")];
    let coll = format!("/apis/apps/v1/namespaces/{ns}/statefulsets");
    let mut sts = common::sts_json("fv", 1, "OrderedReady");
    sts["spec"]["replicaz"] = json!(2);
    let body = sts.to_string();

    let a = send(
        &c.client,
        "POST",
        &format!("{coll}?fieldValidation=Strict"),
        &j,
        &body,
    )
    .await;
    assert_eq!(a.code, 400);
    assert_eq!(
        a.json()["message"],
        "StatefulSet in version \"v1\" cannot be handled as a StatefulSet: strict decoding error: unknown field \"spec.replicaz\""
    );
    let a = send(
        &c.client,
        "POST",
        &format!("{coll}?fieldValidation=Bogus"),
        &j,
        &body,
    )
    .await;
    assert_eq!(a.code, 422);

    // Warn (the default): accepted, with a warning.
    let a = send(&c.client, "POST", &coll, &j, &body).await;
    assert_eq!(a.code, 201);
    assert_eq!(
        a.header("warning"),
        "299 - \"unknown field \\\"spec.replicaz\\\"\""
    );
    // ... and, like the real server, without the unknown field.
    assert!(a.json()["spec"].get("replicaz").is_none(), "{}", a.json());
    let a = send(
        &c.client,
        "PATCH",
        &format!("{coll}/fv?fieldValidation=Ignore"),
        &[("content-type", "application/merge-patch+json")],
        r#"{"spec": {"replicaz": 3}}"#,
    )
    .await;
    assert_eq!(a.code, 200, "{}", a.json());
    assert_eq!(a.header("warning"), "");

    let a = send(
        &c.client,
        "PATCH",
        &format!("{coll}/fv?fieldValidation=Strict"),
        &[("content-type", "application/merge-patch+json")],
        r#"{"spec": {"replicaz": 3}}"#,
    )
    .await;
    assert_eq!(
        (a.code, a.json()["message"].clone()),
        (
            400,
            json!("strict decoding error: unknown field \"spec.replicaz\"")
        )
    );
    let a = send(
        &c.client,
        "PATCH",
        &format!("{coll}/fv?fieldValidation=Strict"),
        &[("content-type", "application/strategic-merge-patch+json")],
        r#"{"spec": {"replicas": 2, "replicaz": 3}}"#,
    )
    .await;
    assert_eq!(a.code, 422);
    assert!(a.json()["message"]
        .as_str()
        .unwrap()
        .contains("strict decoding error: unknown field \"spec.replicaz\""));
    let a = send(
        &c.client,
        "PATCH",
        &format!("{coll}/fv?fieldValidation=Strict"),
        &[("content-type", "application/strategic-merge-patch+json")],
        r#"{"spec": {"replicas": 2}}"#,
    )
    .await;
    assert_eq!(a.code, 200);

    // Server-side apply refuses unknown fields whatever the directive.
    let apply = json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "fv"}, "spec": {"replicaz": 3}});
    let a = send(
        &c.client,
        "PATCH",
        &format!("{coll}/fv?fieldManager=t&fieldValidation=Ignore"),
        &[("content-type", "application/apply-patch+yaml")],
        &apply.to_string(),
    )
    .await;
    assert_eq!(a.code, 400);
    assert_eq!(
        a.json()["message"],
        json!(format!("failed to create typed patch object ({ns}/fv; apps/v1, Kind=StatefulSet): .spec.replicaz: field not declared in schema"))
    );
}
