//! Connecting to clusters through the merged kubeconfig (simulator, or `ORDINAL_TEST_KUBECONFIG`).

#[path = "cluster_harness.rs"]
mod harness;

use std::time::{Duration, Instant};

use futures::StreamExt;
use harness::TestCluster;
use ordinal_core::cluster::{kube_config_for, Clusters, ConnState, Protection};

#[tokio::test]
async fn admin_connects_with_version_and_latency() {
    let c = TestCluster::empty().await;
    let clusters = Clusters::new();
    let st = clusters
        .connect(
            &c.context,
            c.config(&c.context).await,
            Protection::Production,
        )
        .await;
    assert_eq!(st.state, ConnState::Connected, "{st:?}");
    assert!(
        st.server_version
            .as_deref()
            .is_some_and(|v| v.starts_with('v')),
        "{st:?}"
    );
    assert!(st.latency_ms.is_some());
    assert_eq!(st.protection, Protection::Production);
    assert!(clusters.client(&c.context).is_some());
    assert!(clusters.hub(&c.context).is_some());
    assert_eq!(clusters.statuses(), vec![st]);
}

#[tokio::test]
async fn viewer_connects() {
    let c = TestCluster::empty().await;
    let Some(viewer) = c.viewer.clone() else {
        return harness::skipped(
            "cluster_connect::viewer_connects",
            "no viewer context (set ORDINAL_TEST_VIEWER_KUBECONFIG)",
        );
    };
    let clusters = Clusters::new();
    let st = clusters
        .connect(&viewer, c.config(&viewer).await, Protection::Normal)
        .await;
    assert_eq!(st.state, ConnState::Connected, "{st:?}");
    assert!(st.server_version.is_some());
}

#[tokio::test]
async fn bad_token_is_unauthorized() {
    let c = TestCluster::empty().await;
    let loaded = c.loaded_with_bad_token();
    let cfg = kube_config_for(&loaded, &c.context).await.unwrap();
    let clusters = Clusters::new();
    let st = clusters.connect(&c.context, cfg, Protection::Normal).await;
    assert_eq!(st.state, ConnState::Unauthorized, "{st:?}");
    let msg = st.message.unwrap();
    assert!(
        !msg.contains("not-a-valid-token"),
        "the message never carries the secret: {msg}"
    );
    assert!(clusters.client(&c.context).is_none());
}

#[tokio::test]
async fn closed_port_is_unreachable_quickly() {
    let c = TestCluster::empty().await;
    // A port that was just free: bind, read it, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cfg = c.config(&c.context).await;
    cfg.cluster_url = format!("https://127.0.0.1:{port}").parse().unwrap();
    let clusters = Clusters::new();
    let started = Instant::now();
    let st = clusters.connect("closed", cfg, Protection::Normal).await;
    let took = started.elapsed();
    assert_eq!(st.state, ConnState::Unreachable, "{st:?}");
    assert!(took < Duration::from_secs(6), "took {took:?}");
    assert!(st.message.unwrap().contains("cannot reach the API server"));
    eprintln!("closed port -> Unreachable in {took:?}");
}

#[tokio::test]
async fn unknown_context_is_not_found() {
    let c = TestCluster::empty().await;
    let err = kube_config_for(&c.loaded, "no-such-context")
        .await
        .unwrap_err();
    use ordinal_core::error::{Classify, ErrorCode};
    assert_eq!(err.code(), ErrorCode::NotFound);
}

#[tokio::test]
async fn disconnect_removes_and_statuses_stream_follows() {
    let c = TestCluster::empty().await;
    let clusters = Clusters::new();
    let mut statuses = Box::pin(clusters.watch_statuses());
    assert_eq!(
        statuses.next().await.unwrap(),
        vec![],
        "current value first"
    );
    let st = clusters
        .connect(&c.context, c.config(&c.context).await, Protection::Normal)
        .await;
    assert_eq!(st.state, ConnState::Connected);
    // Connecting, then Connected (the watch channel may coalesce them: wait for Connected).
    let connected = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let v = statuses.next().await.unwrap();
            if v.len() == 1 && v[0].state == ConnState::Connected {
                return v;
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(connected[0].context, c.context);
    assert!(clusters.disconnect(&c.context));
    assert_eq!(
        tokio::time::timeout(Duration::from_secs(5), statuses.next())
            .await
            .unwrap()
            .unwrap(),
        vec![]
    );
    assert!(clusters.client(&c.context).is_none());
    assert!(clusters.statuses().is_empty());
    assert!(!clusters.disconnect(&c.context));
}

#[tokio::test]
async fn can_i_admin_and_viewer() {
    let c = TestCluster::empty().await;
    let clusters = c.clusters().await;
    assert!(clusters
        .can_i(&c.context, "default", "patch", "apps", "statefulsets")
        .await
        .unwrap());
    assert!(clusters
        .can_i(&c.context, "default", "list", "", "pods")
        .await
        .unwrap());
    let Some(viewer) = c.viewer.clone() else {
        return harness::skipped(
            "cluster_connect: the viewer's can_i",
            "no viewer context (set ORDINAL_TEST_VIEWER_KUBECONFIG)",
        );
    };
    let st = clusters
        .connect(&viewer, c.config(&viewer).await, Protection::Normal)
        .await;
    assert_eq!(st.state, ConnState::Connected);
    assert!(!clusters
        .can_i(&viewer, "default", "patch", "apps", "statefulsets")
        .await
        .unwrap());
    assert!(clusters
        .can_i(&viewer, "default", "list", "apps", "statefulsets")
        .await
        .unwrap());
    // Cached: no request the second time.
    let Some(sim) = c.sim.as_ref() else {
        return harness::skipped(
            "cluster_connect: can_i's cache",
            "counting requests needs the simulator",
        );
    };
    let faults = sim.faults();
    let before = faults.request_count();
    assert!(!clusters
        .can_i(&viewer, "default", "patch", "apps", "statefulsets")
        .await
        .unwrap());
    assert_eq!(faults.request_count(), before);
}

#[cfg(unix)]
#[tokio::test]
async fn failing_exec_plugin_is_unauthorized_with_its_message() {
    let c = TestCluster::empty().await;
    let loaded = c.loaded_with_user(serde_json::json!({"exec": {
        "apiVersion": "client.authentication.k8s.io/v1",
        "command": "/bin/sh",
        "args": ["-c", "echo secret-stdout; echo 'login required: run sso-login' >&2; exit 3"],
        "interactiveMode": "Never",
    }}));
    let cfg = kube_config_for(&loaded, &c.context).await.unwrap();
    let clusters = Clusters::new();
    let st = clusters.connect(&c.context, cfg, Protection::Normal).await;
    assert_eq!(st.state, ConnState::Unauthorized, "{st:?}");
    let msg = st.message.unwrap();
    assert!(msg.contains("login required: run sso-login"), "{msg}");
    assert!(!msg.contains("secret-stdout"), "{msg}");
}

#[tokio::test]
async fn throttled_requests_fail_at_once() {
    let c = TestCluster::empty().await;
    let Some(sim) = &c.sim else { return }; // simulator-only
    let clusters = c.clusters().await;
    let client = clusters.client(&c.context).unwrap();
    sim.faults().throttle_next(1, 60);
    let started = Instant::now();
    let api: kube::Api<k8s_openapi::api::core::v1::Namespace> = kube::Api::all(client);
    let err = api.list(&Default::default()).await.unwrap_err();
    assert!(
        matches!(&err, kube::Error::Api(s) if s.code == 429),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "no minutes-long retry on 429"
    );
}
