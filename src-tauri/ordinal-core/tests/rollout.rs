//! Staged rollouts: the Partition action holds ordinals below it on the current revision, the
//! detail's rollout view says which ordinals are still pending, and partition 0 finishes the
//! rollout. Against the simulator (or `ORDINAL_TEST_KUBECONFIG`).

#[path = "cluster_harness.rs"]
mod harness;

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use harness::{slow, sts_json, TestCluster, TestNamespace};
use kube::api::{Api, PostParams};
use ordinal_core::actions::{
    self, Action, ActionEvent, ActionRequest, ItemState, Journal, ObjectRef, RunOptions,
};
use ordinal_core::kinds::statefulset::detail as statefulset_detail;
use ordinal_core::kinds::statefulset::StatefulSetDetail;
use ordinal_sim::Seed;

async fn run(
    client: &kube::Client,
    journal: &Arc<Journal>,
    ctx: &str,
    ns: &str,
    action: Action,
) -> ItemState {
    let req = ActionRequest {
        context: ctx.into(),
        kind: "statefulsets".into(),
        action,
        targets: vec![ObjectRef {
            namespace: Some(ns.into()),
            name: "db".into(),
        }],
    };
    let events: Vec<ActionEvent> =
        actions::run(client.clone(), journal.clone(), req, RunOptions::default())
            .unwrap()
            .collect()
            .await;
    events
        .iter()
        .rev()
        .find_map(|e| match e {
            ActionEvent::Item { state, .. }
                if !matches!(state, ItemState::Queued | ItemState::Running) =>
            {
                Some(state.clone())
            }
            _ => None,
        })
        .unwrap()
}

async fn until(
    stream: &mut (impl futures::Stream<Item = Result<StatefulSetDetail, ordinal_core::IpcError>>
              + Unpin),
    what: &str,
    ok: impl Fn(&StatefulSetDetail) -> bool,
) -> StatefulSetDetail {
    let deadline = tokio::time::Instant::now() + slow(Duration::from_secs(20));
    let mut last: Option<StatefulSetDetail> = None;
    loop {
        let next = tokio::time::timeout_at(deadline, stream.next())
            .await
            .unwrap_or_else(|_| {
                let d = last.as_ref();
                panic!(
                    "timed out waiting for {what}; last rollout {:?}; pods {:?}",
                    d.map(|d| &d.rollout),
                    d.map(|d| d
                        .ordinals
                        .iter()
                        .map(|o| (
                            o.ordinal,
                            o.pod
                                .as_ref()
                                .map(|p| (p.updated, p.ready, p.revision.clone()))
                        ))
                        .collect::<Vec<_>>())
                )
            })
            .expect("stream open")
            .expect("detail");
        last = Some(next.clone());
        if ok(&next) {
            return next;
        }
    }
}

#[tokio::test]
async fn partition_holds_lower_ordinals_until_released() {
    let c = TestCluster::start(Seed::Empty, Duration::from_millis(100)).await;
    let client = c.client().await;
    let ns = TestNamespace::new(&client, "rollout").await;
    let api: Api<k8s_openapi::api::apps::v1::StatefulSet> =
        Api::namespaced(client.clone(), &ns.name);
    api.create(
        &PostParams::default(),
        &serde_json::from_value(sts_json("db", 3)).unwrap(),
    )
    .await
    .unwrap();
    let journal = Arc::new(Journal::new(c.dir.path().join("journal")));
    let mut detail = Box::pin(statefulset_detail::watch(
        client.clone(),
        c.features().await,
        c.context.clone(),
        ns.name.clone(),
        "db".into(),
    ));
    until(&mut detail, "3 ready", |d| d.rollout.ready == 3).await;

    // Stage: only ordinal 2 may take the next revision.
    assert!(matches!(
        run(
            &client,
            &journal,
            &c.context,
            &ns.name,
            Action::Partition { partition: 2 }
        )
        .await,
        ItemState::Done { .. }
    ));
    assert!(matches!(
        run(
            &client,
            &journal,
            &c.context,
            &ns.name,
            Action::Partition { partition: 2 }
        )
        .await,
        ItemState::Unchanged { .. }
    ));
    // A new template revision (restart).
    assert!(matches!(
        run(&client, &journal, &c.context, &ns.name, Action::Restart).await,
        ItemState::Done { .. }
    ));
    let d = until(&mut detail, "ordinal 2 updated, 0 and 1 held", |d| {
        d.rollout.partition == 2
            && d.ordinals
                .iter()
                .any(|o| o.ordinal == 2 && o.pod.as_ref().is_some_and(|p| p.updated && p.ready))
            && d.rollout.pending_ordinals.is_empty()
            && d.rollout.held_ordinals == vec![1, 0]
    })
    .await;
    assert!(d
        .ordinals
        .iter()
        .filter(|o| o.ordinal < 2)
        .all(|o| o.pod.as_ref().is_some_and(|p| !p.updated)));

    // Release: the rollout finishes, highest ordinal first.
    run(
        &client,
        &journal,
        &c.context,
        &ns.name,
        Action::Partition { partition: 0 },
    )
    .await;
    until(&mut detail, "all updated", |d| {
        d.rollout.pending_ordinals.is_empty()
            && d.rollout.held_ordinals.is_empty()
            && d.rollout.updated == 3
            && d.ordinals
                .iter()
                .all(|o| o.pod.as_ref().is_some_and(|p| p.updated && p.ready))
    })
    .await;

    // Out of range is refused before anything is sent.
    let bad = ActionRequest {
        context: c.context.clone(),
        kind: "statefulsets".into(),
        action: Action::Partition { partition: -1 },
        targets: vec![],
    };
    assert!(actions::validate(&bad, &RunOptions::default()).is_err());
    ns.delete().await;
}
