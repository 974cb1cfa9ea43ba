//! The windowed list (`hub::list`, issue #20) over a real watch: the simulator, or the cluster of
//! `ORDINAL_TEST_KUBECONFIG`. The webview sees only pages of its window: they must follow the
//! order, the filters, the window and the cluster's changes, and the Doctor's column must join.

#[path = "cluster_harness.rs"]
mod harness;

use std::time::Duration;

use futures::stream::BoxStream;
use futures::StreamExt;
use harness::{slow, sts_json, TestCluster, TestNamespace};
use k8s_openapi::api::apps::v1::StatefulSet;
use kube::api::{Api, DeleteParams, PostParams};
use ordinal_core::hub::list::{list, JoinedOpener, ListEvent, ListPage, ListWindow};
use ordinal_core::hub::view::{ListOrder, SortBy, SortDir};
use ordinal_core::hub::Scope;
use ordinal_core::kinds::statefulset::doctor::DoctorWatch;
use ordinal_core::kinds::statefulset::StatefulSets;

/// Pages until one satisfies `done`; panics with the last one after `timeout`.
async fn until_page(
    events: &mut BoxStream<'static, ListEvent>,
    timeout: Duration,
    what: &str,
    done: impl Fn(&ListPage) -> bool,
) -> ListPage {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut last = None;
    loop {
        match tokio::time::timeout_at(deadline, events.next()).await {
            Ok(Some(ListEvent::Page(p))) => {
                if done(&p) {
                    return p;
                }
                last = Some(p);
            }
            Ok(Some(_)) => {}
            Ok(None) => panic!("{what}: the list ended"),
            Err(_) => panic!(
                "{what}: not within {timeout:?}; last page: {:?}",
                last.map(|p| (p.total, p.count, names(&p)))
            ),
        }
    }
}

fn names(p: &ListPage) -> Vec<String> {
    p.rows.iter().map(|r| r.name.clone()).collect()
}

fn by_name(dir: SortDir, query: &str) -> ListOrder {
    ListOrder {
        sort: Some(SortBy {
            column: "name".into(),
            dir,
        }),
        query: query.into(),
        selector: Vec::new(),
    }
}

#[tokio::test]
async fn the_window_follows_the_order_the_filters_and_the_cluster() {
    let c = TestCluster::empty().await;
    let clusters = c.clusters().await;
    let client = clusters.client(&c.context).unwrap();
    let ns = TestNamespace::new(&client, "list-window").await;
    let api: Api<StatefulSet> = Api::namespaced(client.clone(), &ns.name);
    // no replicas: the rows stay as they are while the test reads them
    for i in 0..12 {
        let body = serde_json::from_value(sts_json(&format!("set-{i}"), 0)).unwrap();
        api.create(&PostParams::default(), &body).await.unwrap();
    }

    let hub = clusters.hub(&c.context).unwrap();
    let scope = Scope::namespace(&ns.name);
    let doctor_hub = hub.clone();
    let doctor_scope = scope.clone();
    let doctor: JoinedOpener = Box::new(move || Ok(doctor_hub.doctor(doctor_scope)));
    let (handle, mut events) = list(
        hub.subscribe::<StatefulSets>(scope).boxed(),
        Some("doctor"),
        Some(doctor),
        by_name(SortDir::Desc, ""),
        ListWindow { offset: 0, len: 5 },
    );

    // The complete list, in natural order backwards, five rows of it.
    let p = until_page(
        &mut events,
        slow(Duration::from_secs(10)),
        "the list",
        |p| p.complete && p.total == 12,
    )
    .await;
    assert_eq!(names(&p), ["set-11", "set-10", "set-9", "set-8", "set-7"]);
    assert_eq!((p.offset, p.count), (0, 12));
    assert_eq!(p.namespaces.as_deref(), Some(&[ns.name.clone()][..]));
    // The Doctor joins once the list is complete: every row judged (a set without findings has no cell).
    let p = until_page(
        &mut events,
        slow(Duration::from_secs(20)),
        "the doctor",
        |p| p.joined_loaded,
    )
    .await;
    assert_eq!(p.rows.len(), 5);

    // The window moves; past the end it slides back to stay full.
    assert!(handle.set_window(ListWindow { offset: 10, len: 5 }));
    let p = until_page(&mut events, Duration::from_secs(5), "the end", |p| {
        p.offset == 7
    })
    .await;
    assert_eq!(names(&p), ["set-4", "set-3", "set-2", "set-1", "set-0"]);

    // A name filter: the total follows it, the count does not.
    assert!(handle.set_order(by_name(SortDir::Asc, "SET-1")));
    let p = until_page(&mut events, Duration::from_secs(5), "the filter", |p| {
        p.order.query == "SET-1"
    })
    .await;
    assert_eq!((p.total, p.count, p.offset), (3, 12, 0));
    assert_eq!(names(&p), ["set-1", "set-10", "set-11"]);

    // The cluster changes: a new match appears in its place, a deleted one goes.
    let body = serde_json::from_value(sts_json("set-100", 0)).unwrap();
    api.create(&PostParams::default(), &body).await.unwrap();
    let p = until_page(
        &mut events,
        slow(Duration::from_secs(5)),
        "set-100 created",
        |p| p.total == 4,
    )
    .await;
    assert_eq!(names(&p), ["set-1", "set-10", "set-11", "set-100"]);
    api.delete("set-10", &DeleteParams::default())
        .await
        .unwrap();
    let p = until_page(
        &mut events,
        slow(Duration::from_secs(5)),
        "set-10 deleted",
        |p| p.total == 3,
    )
    .await;
    assert_eq!(names(&p), ["set-1", "set-11", "set-100"]);
    assert_eq!(p.count, 12);

    // "Select all" and a dialog's rows come from the same list.
    let answer = handle.keys().await.unwrap();
    assert!(answer.complete);
    assert_eq!(answer.order.query, "SET-1");
    let keys = answer.keys;
    let key = |n: &str| format!("{}/{n}", ns.name);
    assert_eq!(keys, [key("set-1"), key("set-11"), key("set-100")]);
    let rows = handle
        .rows(vec![key("set-5"), key("set-10"), key("set-100")])
        .await
        .unwrap();
    assert_eq!(
        rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["set-5", "set-100"],
        "a filtered-out row is there, a deleted one is not"
    );
    drop(events);
    ns.delete().await;
}
