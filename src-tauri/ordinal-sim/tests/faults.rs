//! Fault injection. These need the simulator's controls, so they skip on a real cluster.
mod common;

use std::time::{Duration, Instant};

use common::{client_for, namespace, start};
use futures::TryStreamExt;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, ListParams, PostParams};
use serde_json::json;

fn cm(name: &str) -> ConfigMap {
    serde_json::from_value(json!({"metadata": {"name": name}})).unwrap()
}

fn code(e: kube::Error) -> u16 {
    match e {
        kube::Error::Api(s) => s.code,
        other => panic!("expected API error, got {other:?}"),
    }
}

/// Wait until the watcher reports an object with this name.
async fn sees(
    w: &mut (impl futures::Stream<
        Item = Result<kube::runtime::watcher::Event<ConfigMap>, kube::runtime::watcher::Error>,
    > + Unpin),
    name: &str,
) -> bool {
    tokio::time::timeout(Duration::from_secs(15), async {
        loop {
            match w.try_next().await {
                Ok(Some(kube::runtime::watcher::Event::Apply(o)))
                | Ok(Some(kube::runtime::watcher::Event::InitApply(o)))
                    if o.metadata.name.as_deref() == Some(name) =>
                {
                    return true
                }
                Ok(Some(_)) => {}
                Ok(None) => return false,
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await, // watcher retries internally
            }
        }
    })
    .await
    .unwrap_or(false)
}

#[tokio::test]
async fn dropped_watches_and_restarts_are_survived_by_the_watcher() {
    let c = start().await;
    let Some(sim) = &c.sim else {
        return common::skipped(
            "faults::dropped_watches_and_restarts_are_survived_by_the_watcher",
            "needs the simulator's fault controls",
        );
    };
    let ns = namespace(&c.client, "drop").await;
    let api: Api<ConfigMap> = Api::namespaced(c.client.clone(), &ns);
    let mut w = Box::pin(kube::runtime::watcher(api.clone(), Default::default()));
    api.create(&PostParams::default(), &cm("before"))
        .await
        .unwrap();
    assert!(sees(&mut w, "before").await);
    sim.faults().drop_watches();
    api.create(&PostParams::default(), &cm("after-drop"))
        .await
        .unwrap();
    assert!(
        sees(&mut w, "after-drop").await,
        "watcher re-watched after the stream ended"
    );
    let rv_before: u64 = api
        .list(&ListParams::default())
        .await
        .unwrap()
        .metadata
        .resource_version
        .unwrap()
        .parse()
        .unwrap();
    let port = sim.port();
    sim.faults()
        .restart(Duration::from_millis(200))
        .await
        .unwrap();
    assert_eq!(sim.port(), port);
    // State and resourceVersions survive the restart.
    let list = api.list(&ListParams::default()).await.unwrap();
    assert_eq!(
        list.items.len(),
        3,
        "before, after-drop and kube-root-ca.crt"
    );
    let rv_after: u64 = list.metadata.resource_version.unwrap().parse().unwrap();
    assert!(rv_after >= rv_before);
    api.create(&PostParams::default(), &cm("after-restart"))
        .await
        .unwrap();
    assert!(
        sees(&mut w, "after-restart").await,
        "watcher recovered after restart"
    );
}

#[tokio::test]
async fn injected_errors_latency_and_request_counting() {
    let c = start().await;
    let Some(sim) = &c.sim else {
        return common::skipped(
            "faults::injected_errors_latency_and_request_counting",
            "needs the simulator's fault controls",
        );
    };
    let ns = namespace(&c.client, "errors").await;
    let api: Api<ConfigMap> = Api::namespaced(c.client.clone(), &ns);
    let f = sim.faults();
    f.reset_request_count();
    f.fail_next(2);
    assert_eq!(
        code(api.list(&ListParams::default()).await.unwrap_err()),
        500
    );
    assert_eq!(
        code(api.list(&ListParams::default()).await.unwrap_err()),
        500
    );
    api.list(&ListParams::default())
        .await
        .expect("third request succeeds");
    assert_eq!(f.request_count(), 3);
    // 429 + Retry-After: kube-rs's client waits Retry-After seconds and retries by itself.
    f.reset_request_count();
    f.throttle_next(1, 1);
    let t = Instant::now();
    let req = http::Request::get(format!("/api/v1/namespaces/{ns}/configmaps"))
        .body(Vec::new())
        .unwrap();
    let resp = c
        .client
        .send(req.map(kube::client::Body::from))
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(
        t.elapsed() >= Duration::from_millis(900),
        "client honoured Retry-After"
    );
    assert_eq!(f.request_count(), 2, "one throttled request + one retry");
    f.set_latency(Duration::from_millis(300));
    let t = Instant::now();
    api.list(&ListParams::default()).await.unwrap();
    assert!(t.elapsed() >= Duration::from_millis(300));
    f.set_latency(Duration::ZERO);
}

#[tokio::test]
async fn expired_tokens_get_401() {
    let c = start().await;
    let Some(sim) = &c.sim else {
        return common::skipped(
            "faults::expired_tokens_get_401",
            "needs the simulator to expire tokens",
        );
    };
    let viewer = client_for(&c.kubeconfig, Some("ordinal-sim-viewer")).await;
    let api: Api<ConfigMap> = Api::namespaced(viewer, "default");
    api.list(&ListParams::default()).await.unwrap();
    sim.faults().expire_viewer_token();
    assert_eq!(
        code(api.list(&ListParams::default()).await.unwrap_err()),
        401
    );
    // The admin client certificate is unaffected.
    let admin: Api<ConfigMap> = Api::namespaced(c.client.clone(), "default");
    admin.list(&ListParams::default()).await.unwrap();
    sim.faults().expire_exec_token();
    let exec = client_for(&c.kubeconfig, Some("ordinal-sim-exec")).await;
    let e: Api<ConfigMap> = Api::namespaced(exec, "default");
    assert_eq!(code(e.list(&ListParams::default()).await.unwrap_err()), 401);
}
