//! `cargo bench -p ordinal-core --bench grow`: growing the claims of a 50-ordinal StatefulSet on
//! the simulator (issue #17), the whole procedure through `kinds::statefulset::grow` (patch every claim,
//! follow the resize, orphaning delete, re-create, verify that every pod was adopted and none
//! restarted). Budget: ≤ 5 s, with a `done` event for every ordinal (the progress the dialog
//! shows). Writes `target/bench/grow.json` under the workspace root.

use std::sync::Arc;
use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod};
use kube::api::{Api, ListParams, PostParams};
use ordinal_core::kinds::statefulset::grow::{
    self as grow, ClaimState, GrowEvent, GrowJournal, GrowRequest,
};
use ordinal_sim::{SimConfig, Simulator};
use serde_json::json;

const ORDINALS: i32 = 50;
const BUDGET_S: f64 = 5.0;

async fn count(client: &kube::Client, ns: &str) -> (usize, usize) {
    let pvcs: Api<PersistentVolumeClaim> = Api::namespaced(client.clone(), ns);
    let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
    let bound = pvcs
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .iter()
        .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Bound"))
        .count();
    let running = pods
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .iter()
        .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
        .count();
    (bound, running)
}

#[tokio::main]
async fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let sim = Simulator::start(SimConfig::default())
        .await
        .expect("simulator");
    let config = kube::Config::from_custom_kubeconfig(
        kube::config::Kubeconfig::from_yaml(&sim.kubeconfig_yaml()).unwrap(),
        &Default::default(),
    )
    .await
    .unwrap();
    let client = kube::Client::try_from(config).unwrap();
    let ns = "bench-grow";
    let nsapi: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(client.clone());
    nsapi
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": ns}})).unwrap(),
        )
        .await
        .unwrap();
    let sts: Api<StatefulSet> = Api::namespaced(client.clone(), ns);
    let spec = json!({"metadata": {"name": "db"}, "spec": {
        "replicas": ORDINALS, "serviceName": "db", "podManagementPolicy": "Parallel",
        "selector": {"matchLabels": {"app": "db"}},
        "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"containers": [{"name": "db", "image": "postgres:16"}]}},
        "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"],
            "storageClassName": "standard", "resources": {"requests": {"storage": "1Gi"}}}}]}});
    sts.create(
        &PostParams::default(),
        &serde_json::from_value(spec).unwrap(),
    )
    .await
    .unwrap();
    let ready = Instant::now();
    loop {
        let (bound, running) = count(&client, ns).await;
        if bound == ORDINALS as usize && running == ORDINALS as usize {
            break;
        }
        assert!(
            ready.elapsed() < Duration::from_secs(120),
            "{bound} bound, {running} running"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let dir = tempfile::tempdir().unwrap();
    let journal = Arc::new(GrowJournal::new(dir.path()));
    let req = GrowRequest {
        context: "bench".into(),
        namespace: ns.into(),
        name: "db".into(),
        template: "data".into(),
        size: "2Gi".into(),
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
    let started = Instant::now();
    grow::start(client.clone(), journal, req, tx).await.unwrap();
    let mut done_ordinals = std::collections::BTreeSet::new();
    let error = loop {
        match rx.recv().await.expect("events until finished") {
            GrowEvent::Claim {
                ordinal,
                state: ClaimState::Done,
                ..
            } => {
                done_ordinals.insert(ordinal);
            }
            GrowEvent::Finished { error, .. } => break error,
            _ => {}
        }
    };
    let secs = started.elapsed().as_secs_f64();
    assert!(error.is_none(), "{error:?}");
    let pass = secs <= BUDGET_S && done_ordinals.len() == ORDINALS as usize;
    println!(
        "grow {ORDINALS} claims 1Gi → 2Gi (re-create included): {secs:.2} s (budget ≤ {BUDGET_S} s), per-ordinal progress for {} of {ORDINALS}: {}",
        done_ordinals.len(),
        if pass { "pass" } else { "FAIL" }
    );
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = root.join("target/bench");
    std::fs::create_dir_all(&out).unwrap();
    let figures = json!([{
        "figure": format!("Grow storage of a {ORDINALS}-ordinal StatefulSet (simulator)"),
        "value": (secs * 100.0).round() / 100.0, "unit": "s", "budget": BUDGET_S, "pass": pass,
        "notes": format!("per-ordinal progress events for {} of {ORDINALS} ordinals", done_ordinals.len()),
    }]);
    std::fs::write(
        out.join("grow.json"),
        serde_json::to_vec_pretty(&figures).unwrap(),
    )
    .unwrap();
}
