//! Bad input never breaks the server: every answer is a metav1.Status with a code.
mod common;

use kube::client::Body;

async fn send(
    c: &kube::Client,
    method: &str,
    uri: &str,
    ct: &str,
    body: &str,
) -> (u16, serde_json::Value) {
    let req = http::Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", ct)
        .body(Body::from(body.as_bytes().to_vec()))
        .unwrap();
    let resp = c.send(req).await.expect("the server answers");
    let code = resp.status().as_u16();
    let bytes = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .unwrap()
        .to_bytes();
    (
        code,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    )
}

#[tokio::test]
async fn malformed_requests_get_status_errors() {
    let c = common::start().await;
    let ns = common::namespace(&c.client, "bad").await;
    let j = "application/json";
    let cases: Vec<(&str, String, &str, &str, u16)> = vec![
        (
            "POST",
            format!("/api/v1/namespaces/{ns}/configmaps"),
            j,
            "{not json",
            400,
        ),
        (
            "POST",
            format!("/api/v1/namespaces/{ns}/configmaps"),
            j,
            r#"{"metadata": "x"}"#,
            400,
        ),
        (
            "POST",
            format!("/api/v1/namespaces/{ns}/configmaps"),
            j,
            r#"[1,2]"#,
            400,
        ),
        (
            "POST",
            format!("/apis/apps/v1/namespaces/{ns}/statefulsets"),
            j,
            r#"{"metadata": {"name": "s"}, "spec": 7}"#,
            400,
        ),
        (
            "POST",
            format!("/apis/apps/v1/namespaces/{ns}/statefulsets"),
            j,
            r#"{"metadata": {"name": "s"}, "spec": {"updateStrategy": "x", "template": 1, "selector": 2}}"#,
            400,
        ),
        (
            "POST",
            format!("/apis/apps/v1/namespaces/{ns}/statefulsets"),
            j,
            r#"{"kind": "Pod", "metadata": {"name": "s"}}"#,
            400,
        ),
        (
            "GET",
            format!("/api/v1/namespaces/{ns}/pods?labelSelector=a%20in%20"),
            j,
            "",
            400,
        ),
        (
            "GET",
            format!("/api/v1/namespaces/{ns}/pods?fieldSelector=spec.nope%3D1"),
            j,
            "",
            400,
        ),
        (
            "GET",
            format!("/api/v1/namespaces/{ns}/pods?continue=abc"),
            j,
            "",
            400,
        ),
        ("GET", "/apis/nothing/v1/things".to_string(), j, "", 404),
        (
            "GET",
            format!("/api/v1/namespaces/{ns}/pods/x/y/z"),
            j,
            "",
            404,
        ),
        (
            "PATCH",
            format!("/api/v1/namespaces/{ns}/configmaps/missing"),
            "application/merge-patch+json",
            "{}",
            404,
        ),
        (
            "PATCH",
            format!("/api/v1/namespaces/{ns}/configmaps/missing"),
            "text/plain",
            "{}",
            415,
        ),
        ("PUT", "/api/v1/namespaces".to_string(), j, "{}", 405),
        (
            "DELETE",
            format!("/api/v1/namespaces/{ns}/configmaps/x"),
            j,
            r#"{"propagationPolicy": "Sideways"}"#,
            422,
        ),
        (
            "GET",
            format!("/api/v1/namespaces/{ns}/pods?resourceVersion=abc&resourceVersionMatch=Exact"),
            j,
            "",
            400,
        ),
        (
            "GET",
            format!("/api/v1/namespaces/{ns}/pods?resourceVersion=abc"),
            j,
            "",
            500,
        ),
        (
            "GET",
            format!("/api/v1/namespaces/{ns}/pods?watch=1&resourceVersion=abc"),
            j,
            "",
            // Not converted to a client error by the apiserver (kubernetes#139485).
            500,
        ),
    ];
    for (m, uri, ct, body, want) in cases {
        let (code, status) = send(&c.client, m, &uri, ct, body).await;
        assert_eq!(code, want, "{m} {uri} {body}: {status}");
        if uri.ends_with("/statefulsets") && body.contains("\"spec\"") {
            // A wrongly typed field does not decode: 400, as the decoder says it.
            let msg = status["message"].as_str().unwrap_or_default();
            assert!(
                msg.starts_with(
                    "StatefulSet in version \"v1\" cannot be handled as a StatefulSet: "
                ),
                "{body}: {msg}"
            );
        }
        if c.sim.is_some() {
            assert_eq!(status["kind"], "Status", "{m} {uri}: {status}");
            assert_eq!(status["code"], want);
        }
    }
    // Still healthy afterwards.
    let (code, _) = send(&c.client, "GET", "/api/v1/namespaces", j, "").await;
    assert_eq!(code, 200);
}

#[tokio::test]
async fn unauthenticated_requests_are_401_but_health_is_open() {
    let c = common::start().await;
    let Some(sim) = &c.sim else {
        return common::skipped(
            "bad_input::unauthenticated_requests_are_401_but_health_is_open",
            "builds a credential-less kubeconfig from the simulator's CA",
        );
    };
    // A kubeconfig with the CA but no credentials.
    let kc = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: s\n  cluster:\n    server: {}\n    certificate-authority-data: {}\nusers:\n- name: anon\n  user: {{}}\ncontexts:\n- name: anon\n  context: {{cluster: s, user: anon}}\ncurrent-context: anon\n",
        sim.url(),
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, sim.ca_pem())
    );
    let anon = common::client_for(&kc, None).await;
    let (code, status) = send(&anon, "GET", "/api/v1/namespaces", "application/json", "").await;
    assert_eq!(
        (code, status["reason"].as_str()),
        (401, Some("Unauthorized"))
    );
    let req = http::Request::get("/healthz").body(Body::empty()).unwrap();
    assert_eq!(anon.send(req).await.unwrap().status().as_u16(), 200);
}
