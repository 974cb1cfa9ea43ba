//! The watch hub against the simulator (or `ORDINAL_TEST_KUBECONFIG`; fault tests are
//! simulator-only).

#[path = "cluster_harness.rs"]
mod harness;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use futures::{Stream, StreamExt};
use harness::{slow, sts_json, TestCluster, TestNamespace};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use ordinal_core::hub::{RowsEvent, Scope, WatchState};
use ordinal_core::kinds::statefulset::StatefulSets;
use ordinal_core::kinds::{Cell, KindSpec, Row};
use ordinal_sim::Seed;

/// A subscriber's view: rows as the events build them.
#[derive(Default)]
struct View {
    rows: BTreeMap<String, Row>,
    resets: usize,
    deltas: usize,
    state: Option<WatchState>,
    /// Error codes of every Reconnecting state seen.
    reconnects: Vec<ordinal_core::ErrorCode>,
}

impl View {
    fn apply(&mut self, ev: RowsEvent) {
        match ev {
            RowsEvent::Reset { rows } => {
                self.resets += 1;
                self.rows = rows
                    .into_iter()
                    .map(|r| (r.key.clone(), std::sync::Arc::unwrap_or_clone(r)))
                    .collect();
                self.state = Some(WatchState::Live);
            }
            RowsEvent::Preview { rows } => {
                assert_eq!(
                    self.resets, 0,
                    "a preview comes only before the first reset"
                );
                assert!(!rows.is_empty(), "no empty previews");
            }
            RowsEvent::Delta { upserts, deletes } => {
                assert!(
                    !upserts.is_empty() || !deletes.is_empty(),
                    "no empty deltas"
                );
                self.deltas += 1;
                for r in upserts {
                    self.rows
                        .insert(r.key.clone(), std::sync::Arc::unwrap_or_clone(r));
                }
                for k in deletes {
                    self.rows.remove(&k);
                }
            }
            RowsEvent::State { state } => {
                if let WatchState::Reconnecting {
                    error,
                    attempt,
                    since,
                } = &state
                {
                    assert!(*attempt >= 1 && *since > 0);
                    self.reconnects.push(error.code);
                }
                self.state = Some(state);
            }
        }
    }

    /// Consume events until `done(self)` holds; panics after `timeout`.
    async fn until(
        &mut self,
        s: &mut (impl Stream<Item = RowsEvent> + Unpin),
        timeout: Duration,
        what: &str,
        done: impl Fn(&View) -> bool,
    ) -> Duration {
        let started = Instant::now();
        let res = tokio::time::timeout(timeout, async {
            while !done(self) {
                let ev = s.next().await.expect("stream ended");
                self.apply(ev);
            }
        })
        .await;
        assert!(
            res.is_ok(),
            "timed out after {timeout:?} waiting for {what}; rows: {:?}",
            self.rows.keys().collect::<Vec<_>>()
        );
        started.elapsed()
    }

    fn ready(&self, key: &str) -> Option<(String, String)> {
        match self.rows.get(key)?.cells.get("status")? {
            Cell::Status { params, .. } => {
                Some((params["ready"].clone(), params["desired"].clone()))
            }
            _ => None,
        }
    }
}

fn sts(name: &str, replicas: i32) -> StatefulSet {
    serde_json::from_value(sts_json(name, replicas)).unwrap()
}

/// Rows without resourceVersion (the hub skips updates that change nothing else).
fn content(rows: &BTreeMap<String, Row>) -> BTreeMap<String, Row> {
    rows.iter()
        .map(|(k, r)| {
            let mut r = r.clone();
            r.resource_version.clear();
            (k.clone(), r)
        })
        .collect()
}

async fn fresh_rows(api: &Api<StatefulSet>) -> BTreeMap<String, Row> {
    let list = api.list(&ListParams::default()).await.unwrap();
    content(
        &list
            .items
            .iter()
            .map(StatefulSets::row)
            .map(|r| (r.key.clone(), r))
            .collect(),
    )
}

#[tokio::test]
async fn reset_then_deltas_for_create_scale_delete() {
    let c = TestCluster::empty().await;
    let clusters = c.clusters().await;
    let client = clusters.client(&c.context).unwrap();
    let ns = TestNamespace::new(&client, "hub-crud").await;
    let api: Api<StatefulSet> = Api::namespaced(client.clone(), &ns.name);
    api.create(&PostParams::default(), &sts("web", 1))
        .await
        .unwrap();

    let hub = clusters.hub(&c.context).unwrap();
    let started = Instant::now();
    let mut s = Box::pin(hub.subscribe::<StatefulSets>(Scope::namespace(&ns.name)));
    let first = s.next().await.unwrap();
    assert_eq!(
        first,
        RowsEvent::State {
            state: WatchState::Syncing { loaded: 0 }
        }
    );
    let mut v = View::default();
    v.until(&mut s, Duration::from_secs(5), "reset", |v| v.resets == 1)
        .await;
    eprintln!("namespace reset after {:?}", started.elapsed());
    let web = format!("{}/web", ns.name);
    assert_eq!(
        v.rows.keys().cloned().collect::<Vec<_>>(),
        vec![web.clone()]
    );
    assert_eq!(v.rows[&web].name, "web");

    // Create: a delta within 2 s, then the ready count follows the pods.
    api.create(&PostParams::default(), &sts("db", 2))
        .await
        .unwrap();
    let db = format!("{}/db", ns.name);
    let t = v
        .until(&mut s, Duration::from_secs(2), "db created", |v| {
            v.rows.contains_key(&db)
        })
        .await;
    eprintln!("create -> delta in {t:?}");
    assert_eq!(v.ready(&db).unwrap().1, "2");
    v.until(&mut s, slow(Duration::from_secs(30)), "db 2/2 ready", |v| {
        v.ready(&db) == Some(("2".into(), "2".into()))
    })
    .await;

    // Scale.
    api.patch(
        "db",
        &PatchParams::default(),
        &Patch::Merge(serde_json::json!({"spec": {"replicas": 3}})),
    )
    .await
    .unwrap();
    let t = v
        .until(&mut s, Duration::from_secs(2), "db scaled", |v| {
            v.ready(&db).is_some_and(|r| r.1 == "3")
        })
        .await;
    eprintln!("scale -> delta in {t:?}");
    v.until(&mut s, slow(Duration::from_secs(30)), "db 3/3 ready", |v| {
        v.ready(&db) == Some(("3".into(), "3".into()))
    })
    .await;

    // Delete.
    api.delete("db", &DeleteParams::default()).await.unwrap();
    let t = v
        .until(&mut s, Duration::from_secs(2), "db deleted", |v| {
            !v.rows.contains_key(&db)
        })
        .await;
    eprintln!("delete -> delta in {t:?}");
    assert!(v.rows.contains_key(&web));
    assert_eq!(v.resets, 1, "no relist on a healthy watch");
    assert!(v.deltas >= 3);
    drop(s);
    assert_eq!(hub.active_watches(), 0);
    ns.delete().await;
}

#[tokio::test]
async fn two_subscribers_share_one_watch_and_the_last_stops_it() {
    let c = TestCluster::empty().await;
    let clusters = c.clusters().await;
    let client = clusters.client(&c.context).unwrap();
    let ns = TestNamespace::new(&client, "hub-share").await;
    let api: Api<StatefulSet> = Api::namespaced(client.clone(), &ns.name);
    api.create(&PostParams::default(), &sts("a", 0))
        .await
        .unwrap();
    let hub = clusters.hub(&c.context).unwrap();
    assert_eq!(hub.active_watches(), 0);

    let mut s1 = Box::pin(hub.subscribe::<StatefulSets>(Scope::namespace(&ns.name)));
    let mut v1 = View::default();
    v1.until(&mut s1, Duration::from_secs(5), "reset 1", |v| {
        v.resets == 1
    })
    .await;
    assert_eq!(hub.active_watches(), 1);

    // The same scope written differently is the same watch.
    let scope2 = Scope {
        namespaces: vec![ns.name.clone(), ns.name.clone()],
    };
    let mut s2 = Box::pin(hub.subscribe::<StatefulSets>(scope2));
    assert_eq!(hub.active_watches(), 1);
    match s2.next().await.unwrap() {
        RowsEvent::Reset { rows } => assert_eq!(rows.len(), 1),
        other => panic!("the second subscriber starts with a Reset, got {other:?}"),
    }

    api.create(&PostParams::default(), &sts("b", 0))
        .await
        .unwrap();
    let b = format!("{}/b", ns.name);
    let mut v2 = View {
        rows: v1.rows.clone(),
        resets: 1,
        ..Default::default()
    };
    v1.until(&mut s1, Duration::from_secs(2), "b in 1", |v| {
        v.rows.contains_key(&b)
    })
    .await;
    v2.until(&mut s2, Duration::from_secs(2), "b in 2", |v| {
        v.rows.contains_key(&b)
    })
    .await;
    assert_eq!(content(&v1.rows), content(&v2.rows));

    drop(s1);
    assert_eq!(hub.active_watches(), 1);
    drop(s2);
    assert_eq!(hub.active_watches(), 0);

    // Disconnect ends the streams of a live subscription.
    let mut s3 = Box::pin(hub.subscribe::<StatefulSets>(Scope::namespace(&ns.name)));
    let mut v3 = View::default();
    v3.until(&mut s3, Duration::from_secs(5), "reset 3", |v| {
        v.resets == 1
    })
    .await;
    ns.delete().await;
    clusters.disconnect(&c.context);
    assert_eq!(hub.active_watches(), 0);
    let ended = tokio::time::timeout(Duration::from_secs(2), async {
        while s3.next().await.is_some() {}
    })
    .await;
    assert!(ended.is_ok(), "stream ends on disconnect");
}

#[tokio::test]
async fn an_unwatched_watch_lingers_so_coming_back_is_instant() {
    let c = TestCluster::empty().await;
    let linger = Duration::from_millis(1500);
    let clusters = c.clusters_with_linger(linger).await;
    let client = clusters.client(&c.context).unwrap();
    let ns = TestNamespace::new(&client, "hub-linger").await;
    let api: Api<StatefulSet> = Api::namespaced(client.clone(), &ns.name);
    api.create(&PostParams::default(), &sts("a", 0))
        .await
        .unwrap();
    let hub = clusters.hub(&c.context).unwrap();
    let mut s1 = Box::pin(hub.subscribe::<StatefulSets>(Scope::namespace(&ns.name)));
    let mut v1 = View::default();
    v1.until(&mut s1, slow(Duration::from_secs(5)), "reset", |v| {
        v.resets == 1
    })
    .await;
    // The user switches to another cluster: the watch keeps running, and keeps up.
    drop(s1);
    assert_eq!(hub.active_watches(), 1, "kept while lingering");
    api.create(&PostParams::default(), &sts("b", 0))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Coming back: the first message is the current rows at once, not a re-list.
    let started = Instant::now();
    let mut s2 = Box::pin(hub.subscribe::<StatefulSets>(Scope::namespace(&ns.name)));
    let mut v2 = View::default();
    match tokio::time::timeout(Duration::from_millis(200), s2.next()).await {
        Ok(Some(ev @ RowsEvent::Reset { .. })) => {
            eprintln!("resubscribe -> reset in {:?}", started.elapsed());
            v2.apply(ev);
            assert!(v2.rows.contains_key(&format!("{}/a", ns.name)));
        }
        other => panic!("expected an immediate Reset, got {other:?}"),
    }
    // The change made while nobody watched is there (in the Reset or right after it).
    let b = format!("{}/b", ns.name);
    v2.until(&mut s2, Duration::from_secs(2), "b", |v| {
        v.rows.contains_key(&b)
    })
    .await;
    drop(s2);
    // After the linger time with nobody watching, it stops.
    tokio::time::sleep(linger + Duration::from_millis(500)).await;
    assert_eq!(hub.active_watches(), 0);
    ns.delete().await;
}

#[tokio::test]
async fn unchanged_rows_are_not_sent_again() {
    let c = TestCluster::empty().await;
    let clusters = c.clusters().await;
    let client = clusters.client(&c.context).unwrap();
    let ns = TestNamespace::new(&client, "hub-same").await;
    let api: Api<StatefulSet> = Api::namespaced(client.clone(), &ns.name);
    api.create(&PostParams::default(), &sts("a", 0))
        .await
        .unwrap();
    let hub = clusters.hub(&c.context).unwrap();
    let mut s = Box::pin(hub.subscribe::<StatefulSets>(Scope::namespace(&ns.name)));
    let mut v = View::default();
    v.until(&mut s, Duration::from_secs(5), "reset", |v| v.resets == 1)
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await; // let status writes settle
    while let Ok(Some(ev)) = tokio::time::timeout(Duration::from_millis(100), s.next()).await {
        v.apply(ev);
    }
    // An annotation no column shows: a new resourceVersion, the same row content.
    api.patch(
        "a",
        &PatchParams::default(),
        &Patch::Merge(serde_json::json!({"metadata": {"annotations": {"x": "1"}}})),
    )
    .await
    .unwrap();
    api.create(&PostParams::default(), &sts("b", 0))
        .await
        .unwrap();
    let (a, b) = (format!("{}/a", ns.name), format!("{}/b", ns.name));
    let got = tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            match s.next().await.unwrap() {
                RowsEvent::Delta { upserts, .. } => {
                    assert!(
                        upserts.iter().all(|r| r.key != a),
                        "unchanged row a was sent again"
                    );
                    if upserts.iter().any(|r| r.key == b) {
                        return;
                    }
                }
                RowsEvent::State { .. } => {}
                other => panic!("{other:?}"),
            }
        }
    })
    .await;
    assert!(got.is_ok());
    ns.delete().await;
}

#[tokio::test]
async fn several_namespaces_merge_into_one_watch() {
    let c = TestCluster::empty().await;
    let clusters = c.clusters().await;
    let client = clusters.client(&c.context).unwrap();
    let a = TestNamespace::new(&client, "hub-ma").await;
    let b = TestNamespace::new(&client, "hub-mb").await;
    let other = TestNamespace::new(&client, "hub-mo").await;
    for ns in [&a, &b, &other] {
        Api::<StatefulSet>::namespaced(client.clone(), &ns.name)
            .create(&PostParams::default(), &sts("x", 0))
            .await
            .unwrap();
    }
    let hub = clusters.hub(&c.context).unwrap();
    let mut s = Box::pin(hub.subscribe::<StatefulSets>(Scope {
        namespaces: vec![b.name.clone(), a.name.clone()],
    }));
    let mut v = View::default();
    v.until(&mut s, Duration::from_secs(5), "reset", |v| v.resets == 1)
        .await;
    let mut want = vec![format!("{}/x", a.name), format!("{}/x", b.name)];
    want.sort();
    assert_eq!(v.rows.keys().cloned().collect::<Vec<_>>(), want);
    assert_eq!(hub.active_watches(), 1);
    Api::<StatefulSet>::namespaced(client.clone(), &b.name)
        .create(&PostParams::default(), &sts("y", 0))
        .await
        .unwrap();
    v.until(&mut s, Duration::from_secs(2), "b/y", |v| v.rows.len() == 3)
        .await;
    for ns in [a, b, other] {
        ns.delete().await;
    }
}

#[tokio::test]
async fn demo_seed_all_namespaces_reset() {
    let c = TestCluster::start(Seed::Demo, Duration::from_millis(300)).await;
    let clusters = c.clusters().await;
    let client = clusters.client(&c.context).unwrap();
    let hub = clusters.hub(&c.context).unwrap();
    let started = Instant::now();
    let mut s = Box::pin(hub.subscribe::<StatefulSets>(Scope::all()));
    let mut v = View::default();
    v.until(&mut s, Duration::from_secs(10), "reset", |v| v.resets == 1)
        .await;
    let took = started.elapsed();
    let listed = Api::<StatefulSet>::all(client)
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .len();
    eprintln!(
        "demo seed: Reset of {} rows after {took:?} (fresh list: {listed})",
        v.rows.len()
    );
    assert!(!v.rows.is_empty() || c.sim.is_none());
}

/// Waits until no object changes for 300 ms (the list's resourceVersion is the store's).
async fn quiet(cms: &Api<ConfigMap>) {
    let rv = || async {
        cms.list_metadata(&ListParams::default().limit(1))
            .await
            .unwrap()
            .metadata
            .resource_version
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut last = rv().await;
    loop {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let now = rv().await;
        if now == last || Instant::now() > deadline {
            return;
        }
        last = now;
    }
}

/// Mutations while the watch is broken, then convergence to a fresh list.
async fn converges_after(fault: &str) {
    let c = TestCluster::empty().await;
    let Some(sim) = &c.sim else { return }; // simulator-only
    let faults = sim.faults();
    let clusters = c.clusters().await;
    let client = clusters.client(&c.context).unwrap();
    let ns = TestNamespace::new(&client, "hub-fault").await;
    let api: Api<StatefulSet> = Api::namespaced(client.clone(), &ns.name);
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), &ns.name);
    for i in 0..5 {
        api.create(&PostParams::default(), &sts(&format!("s{i}"), 1))
            .await
            .unwrap();
    }
    let hub = clusters.hub(&c.context).unwrap();
    let mut s = Box::pin(hub.subscribe::<StatefulSets>(Scope::namespace(&ns.name)));
    let mut v = View::default();
    v.until(&mut s, Duration::from_secs(5), "reset", |v| {
        v.resets == 1 && v.rows.len() == 5
    })
    .await;

    for round in 0..3 {
        // The controllers' own writes (status of the sets the last round changed) settle first:
        // one the watch sees between the unrelated write and the compaction would leave it
        // up to date, and an up-to-date watch survives a compaction (as on a real server).
        quiet(&cms).await;
        // Unrelated writes move the resourceVersion past what the watch has seen.
        cms.create(
            &PostParams::default(),
            &serde_json::from_value(
                serde_json::json!({"metadata": {"name": format!("cm{round}")}}),
            )
            .unwrap(),
        )
        .await
        .unwrap();
        if fault == "compact" {
            faults.compact();
        }
        faults.drop_watches();
        api.delete(&format!("s{round}"), &DeleteParams::default())
            .await
            .unwrap();
        api.create(&PostParams::default(), &sts(&format!("n{round}"), 2))
            .await
            .unwrap();
        api.patch(
            &format!("s{}", round + 1),
            &PatchParams::default(),
            &Patch::Merge(serde_json::json!({"spec": {"replicas": 3}})),
        )
        .await
        .unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    // Let the controllers settle, then the view must equal a fresh list.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let want = fresh_rows(&api).await;
        let _ = tokio::time::timeout(Duration::from_millis(500), async {
            while let Some(ev) = s.next().await {
                v.apply(ev);
            }
        })
        .await;
        let got = content(&v.rows);
        let diffs = want
            .keys()
            .chain(got.keys())
            .filter(|k| want.get(*k) != got.get(*k))
            .count();
        if diffs == 0 && fresh_rows(&api).await == want && v.state == Some(WatchState::Live) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{diffs} differences after {fault}: want {:?}, got {:?}",
            want.keys(),
            got.keys()
        );
    }
    eprintln!(
        "{fault}: converged with {} resets, {} deltas, reconnects {:?}",
        v.resets, v.deltas, v.reconnects
    );
    if fault == "compact" {
        assert!(
            v.resets > 1,
            "a compaction forces a relist and a fresh Reset"
        );
        assert!(
            v.reconnects.contains(&ordinal_core::ErrorCode::Expired),
            "{:?}",
            v.reconnects
        );
    }
    drop(s);
    ns.delete().await;
}

#[tokio::test]
async fn dropped_watches_converge_to_a_fresh_list() {
    converges_after("drop").await;
}

#[tokio::test]
async fn compaction_relists_and_converges_to_a_fresh_list() {
    converges_after("compact").await;
}

#[tokio::test]
async fn failing_requests_show_reconnecting_then_a_reset_and_live() {
    let c = TestCluster::empty().await;
    let Some(sim) = &c.sim else { return }; // simulator-only
    let clusters = c.clusters().await;
    let client = clusters.client(&c.context).unwrap();
    let ns = TestNamespace::new(&client, "hub-fail").await;
    let api: Api<StatefulSet> = Api::namespaced(client.clone(), &ns.name);
    api.create(&PostParams::default(), &sts("a", 0))
        .await
        .unwrap();
    let hub = clusters.hub(&c.context).unwrap();
    let mut s = Box::pin(hub.subscribe::<StatefulSets>(Scope::namespace(&ns.name)));
    let mut v = View::default();
    v.until(&mut s, Duration::from_secs(5), "reset", |v| v.resets == 1)
        .await;

    // The re-watch after the drop and the relist after it fail: 500s, then recovery.
    sim.faults().fail_next(2);
    sim.faults().drop_watches();
    v.until(&mut s, Duration::from_secs(5), "reconnecting", |v| {
        matches!(v.state, Some(WatchState::Reconnecting { .. }))
    })
    .await;
    let Some(WatchState::Reconnecting { error, .. }) = &v.state else {
        unreachable!()
    };
    assert!(!error.message.is_empty());
    assert_eq!(v.rows.len(), 1, "rows are kept while reconnecting");
    let t = v
        .until(&mut s, Duration::from_secs(10), "live again", |v| {
            v.resets == 2 && v.state == Some(WatchState::Live)
        })
        .await;
    eprintln!("recovered after {t:?}; reconnect codes {:?}", v.reconnects);
    api.create(&PostParams::default(), &sts("b", 0))
        .await
        .unwrap();
    let b = format!("{}/b", ns.name);
    v.until(&mut s, Duration::from_secs(2), "b", |v| {
        v.rows.contains_key(&b)
    })
    .await;
    ns.delete().await;
}

/// Paginated initial list of a larger cluster (simulator only; prints the Reset latency).
#[tokio::test]
async fn scale_seed_reset_is_paginated_and_complete() {
    if std::env::var_os("ORDINAL_TEST_KUBECONFIG").is_some() {
        return; // simulator-only
    }
    let seed = Seed::Scale {
        namespaces: 20,
        statefulsets: 2_000,
        replicas: 1,
    };
    let c = TestCluster::start(seed, Duration::from_millis(100)).await;
    let clusters = c.clusters().await;
    let hub = clusters.hub(&c.context).unwrap();
    let started = Instant::now();
    let mut s = Box::pin(hub.subscribe::<StatefulSets>(Scope::all()));
    let mut v = View::default();
    let mut syncing = Vec::new();
    let t = tokio::time::timeout(Duration::from_secs(30), async {
        while v.resets == 0 {
            let ev = s.next().await.unwrap();
            if let RowsEvent::State {
                state: WatchState::Syncing { loaded },
            } = &ev
            {
                syncing.push(*loaded);
            }
            v.apply(ev);
        }
        started.elapsed()
    })
    .await
    .expect("reset");
    eprintln!(
        "scale seed: Reset of {} rows after {t:?}; syncing states {syncing:?}",
        v.rows.len()
    );
    assert_eq!(v.rows.len(), 2_000);
    assert!(syncing.windows(2).all(|w| w[0] <= w[1]), "{syncing:?}");
}
