//! Pre-checks of a batch: RBAC per namespace and verb (so the UI disables what would be
//! refused), and autoscalers driving selected objects. Against the simulator's demo seed (the
//! viewer user and the kafka HPA are simulator fixtures; with `ORDINAL_TEST_KUBECONFIG` only the
//! admin part runs).

#[path = "cluster_harness.rs"]
mod harness;

use std::time::Duration;

use harness::{TestCluster, SIM_VIEWER};
use k8s_openapi::api::apps::v1::StatefulSet;
use kube::Resource;
use ordinal_core::actions::{check, ObjectRef};
use ordinal_core::cluster::{Clusters, ConnState, Protection};
use ordinal_core::kinds::statefulset::StatefulSets;
use ordinal_core::kinds::{Capability, KindSpec};
use ordinal_sim::Seed;

fn target(ns: &str, name: &str) -> ObjectRef {
    ObjectRef {
        namespace: Some(ns.into()),
        name: name.into(),
    }
}

async fn checks(
    clusters: &Clusters,
    context: &str,
    targets: &[ObjectRef],
) -> ordinal_core::actions::ActionChecks {
    check(
        clusters,
        context,
        &StatefulSet::group(&()),
        &StatefulSet::plural(&()),
        &StatefulSet::kind(&()),
        &StatefulSets::capabilities(),
        targets,
    )
    .await
}

#[tokio::test]
async fn rbac_per_namespace_and_verb_and_autoscaled_targets() {
    let c = TestCluster::start(Seed::Demo, Duration::from_millis(50)).await;
    let clusters = c.clusters().await;
    if c.sim.is_none() {
        // A real cluster: the current user may at least read; nothing else is assumed.
        let _ = checks(&clusters, &c.context, &[target("default", "x")]).await;
        harness::skipped(
            "action_checks: fixture assertions",
            "they need the simulator's demo seed",
        );
        return;
    }
    // The admin may do everything; kafka is driven by an autoscaler, postgres is not.
    let admin = checks(
        &clusters,
        &c.context,
        &[target("messaging", "kafka"), target("db", "postgres")],
    )
    .await;
    assert!(admin.denied.is_empty(), "{:?}", admin.denied);
    assert_eq!(admin.hpas.len(), 1, "{:?}", admin.hpas);
    let h = &admin.hpas[0];
    assert_eq!(
        (
            h.name.as_str(),
            h.hpa.as_str(),
            h.min_replicas,
            h.max_replicas
        ),
        ("kafka", "kafka", Some(3), 6)
    );

    // The viewer may read in `default` but change nothing: every action is denied there, with
    // the verb and resource named.
    let st = clusters
        .connect(SIM_VIEWER, c.config(SIM_VIEWER).await, Protection::Normal)
        .await;
    assert_eq!(st.state, ConnState::Connected, "{st:?}");
    let viewer = checks(&clusters, SIM_VIEWER, &[target("default", "web")]).await;
    let denied: Vec<(Capability, &str)> = viewer
        .denied
        .iter()
        .map(|d| (d.capability, d.verb.as_str()))
        .collect();
    for cap in StatefulSets::capabilities() {
        let verb = if cap == Capability::Delete {
            "delete"
        } else {
            "patch"
        };
        assert!(denied.contains(&(cap, verb)), "{cap:?}: {denied:?}");
    }
    assert!(viewer
        .denied
        .iter()
        .all(|d| d.namespace == "default" && d.resource == "statefulsets.apps"));
}
