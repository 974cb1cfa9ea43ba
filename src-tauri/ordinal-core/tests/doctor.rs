//! The Doctor's list badge against a cluster (simulator, or `ORDINAL_TEST_KUBECONFIG`): findings
//! for every StatefulSet of a scope, live, always the same findings the detail lists, and shared
//! by the hub like any watch (a second subscriber gets them at once, without a re-list).

#[path = "cluster_harness.rs"]
mod harness;

use std::collections::BTreeMap;
use std::time::Duration;

use futures::StreamExt;
use harness::{slow, sts_json, TestCluster, TestNamespace};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Service;
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams};
use ordinal_core::hub::{Hub, RowsEvent, Scope};
use ordinal_core::kinds::detail::Finding;
use ordinal_core::kinds::statefulset::detail as statefulset_detail;
use ordinal_core::kinds::statefulset::doctor::DoctorWatch;
use ordinal_core::kinds::{Cell, Row};

/// The badge's view of the scope: findings by row key.
#[derive(Default, Debug)]
struct Badges(BTreeMap<String, Vec<Finding>>);

fn findings(row: std::sync::Arc<Row>) -> (String, Vec<Finding>) {
    match row.cells.get("doctor") {
        Some(Cell::Findings { v }) => (row.key.clone(), v.clone()),
        other => panic!("a doctor row without findings: {other:?}"),
    }
}

impl Badges {
    fn apply(&mut self, ev: RowsEvent) {
        match ev {
            RowsEvent::Reset { rows } => {
                self.0 = rows.into_iter().map(findings).collect();
            }
            RowsEvent::Delta { upserts, deletes } => {
                for k in deletes {
                    self.0.remove(&k);
                }
                self.0.extend(upserts.into_iter().map(findings));
            }
            RowsEvent::State { .. } | RowsEvent::Preview { .. } => {}
        }
    }

    fn keys(&self, key: &str) -> Vec<String> {
        self.0
            .get(key)
            .map(|f| f.iter().map(|f| f.key.clone()).collect())
            .unwrap_or_default()
    }
}

async fn until(
    stream: &mut (impl futures::Stream<Item = RowsEvent> + Unpin),
    badges: &mut Badges,
    what: &str,
    ok: impl Fn(&Badges) -> bool,
) {
    let deadline = tokio::time::Instant::now() + slow(Duration::from_secs(30));
    while !ok(badges) {
        match tokio::time::timeout_at(deadline, stream.next()).await {
            Ok(Some(ev)) => badges.apply(ev),
            Ok(None) => panic!("{what}: the doctor stream ended"),
            Err(_) => panic!("{what}: timed out; badges: {badges:#?}"),
        }
    }
}

fn headless(name: &str) -> Service {
    serde_json::from_value(serde_json::json!({
        "metadata": {"name": name},
        "spec": {"clusterIP": "None", "selector": {"app": name}, "ports": [{"port": 80}]}
    }))
    .unwrap()
}

#[tokio::test]
async fn the_list_badge_follows_the_cluster_and_counts_what_the_detail_lists() {
    let c = TestCluster::start(ordinal_sim::Seed::Empty, Duration::from_millis(100)).await;
    let client = c.client().await;
    let ns = TestNamespace::new(&client, "doctor").await;
    let sets: Api<StatefulSet> = Api::namespaced(client.clone(), &ns.name);
    let services: Api<Service> = Api::namespaced(client.clone(), &ns.name);
    let pp = PostParams::default();
    // web: healthy, with its headless Service; cache: its Service does not exist
    services.create(&pp, &headless("web")).await.unwrap();
    for name in ["web", "cache"] {
        sets.create(&pp, &serde_json::from_value(sts_json(name, 2)).unwrap())
            .await
            .unwrap();
    }
    let (web, cache) = (format!("{}/web", ns.name), format!("{}/cache", ns.name));

    // as the app connects: with what the server offers (budgets at policy/v1beta1 on 1.20)
    let hub = Hub::with_features(client.clone(), Duration::ZERO, c.features().await);
    let mut stream = Box::pin(hub.doctor(Scope::namespace(&ns.name)));
    let mut badges = Badges::default();
    until(&mut stream, &mut badges, "cache's missing Service", |b| {
        b.keys(&cache)
            .contains(&"doctor.serviceMissing".to_string())
    })
    .await;
    assert!(badges.keys(&web).is_empty(), "{badges:#?}");

    // a partition no ordinal can pass shows on web's badge
    sets.patch(
        "web",
        &PatchParams::default(),
        &Patch::Merge(serde_json::json!({"spec": {"updateStrategy": {
            "type": "RollingUpdate", "rollingUpdate": {"partition": 5}}}})),
    )
    .await
    .unwrap();
    until(&mut stream, &mut badges, "web's blocking partition", |b| {
        b.keys(&web) == ["doctor.partitionBlocks"]
    })
    .await;

    // cache's Service appears: its badge goes
    services.create(&pp, &headless("cache")).await.unwrap();
    until(&mut stream, &mut badges, "cache healthy again", |b| {
        !b.0.contains_key(&cache)
    })
    .await;

    // the badge counts exactly what the detail lists
    let mut detail = Box::pin(statefulset_detail::watch(
        client.clone(),
        c.features().await,
        c.context.clone(),
        ns.name.clone(),
        "web".into(),
    ));
    let d = tokio::time::timeout(slow(Duration::from_secs(30)), detail.next())
        .await
        .expect("detail answers")
        .expect("detail stream")
        .expect("web exists");
    assert_eq!(Some(&d.findings), badges.0.get(&web), "{badges:#?}");

    // a second subscriber shares the watch and is told the current findings at once
    assert_eq!(hub.active_watches(), 1);
    let mut second = Box::pin(hub.doctor(Scope::namespace(&ns.name)));
    let mut seen = Badges::default();
    match tokio::time::timeout(Duration::from_secs(1), second.next()).await {
        Ok(Some(ev @ RowsEvent::Reset { .. })) => seen.apply(ev),
        other => panic!("expected the current findings at once, got {other:?}"),
    }
    assert_eq!(seen.0, badges.0);
    assert_eq!(hub.active_watches(), 1, "one shared doctor watch");
    drop(second);

    // a deleted set loses its badge
    sets.delete("web", &DeleteParams::default()).await.unwrap();
    until(&mut stream, &mut badges, "web gone", |b| {
        !b.0.contains_key(&web)
    })
    .await;
    ns.delete().await;
}
