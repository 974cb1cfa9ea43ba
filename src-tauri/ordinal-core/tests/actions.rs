//! Batch actions against a cluster (simulator, or `ORDINAL_TEST_KUBECONFIG`): every action hits the
//! StatefulSet it claims, Stop→Start restores each count, Undo, confirmation, RBAC and read-only.

#[path = "cluster_harness.rs"]
mod harness;

use std::sync::Arc;

use futures::StreamExt;
use harness::{sts_json, TestCluster, TestNamespace};
use k8s_openapi::api::apps::v1::StatefulSet;
use kube::api::{Api, PostParams};
use ordinal_core::actions::{
    self, Action, ActionEvent, ActionRequest, ItemState, Journal, ObjectRef, Propagation,
    RunOptions,
};
use ordinal_core::cluster::Protection;
use ordinal_core::kinds::statefulset::REPLICAS_BEFORE_STOP;

mod error_code {
    pub use ordinal_core::ErrorCode;
}
use error_code::ErrorCode as Code;

async fn create(client: &kube::Client, ns: &str, name: &str, replicas: i32) {
    let api: Api<StatefulSet> = Api::namespaced(client.clone(), ns);
    let sts: StatefulSet = serde_json::from_value(sts_json(name, replicas)).unwrap();
    api.create(&PostParams::default(), &sts)
        .await
        .expect("statefulset created");
}

async fn get(client: &kube::Client, ns: &str, name: &str) -> StatefulSet {
    Api::<StatefulSet>::namespaced(client.clone(), ns)
        .get(name)
        .await
        .unwrap()
}

fn replicas(s: &StatefulSet) -> i32 {
    s.spec.as_ref().and_then(|s| s.replicas).unwrap()
}

fn annotation(s: &StatefulSet) -> Option<String> {
    s.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(REPLICAS_BEFORE_STOP).cloned())
}

fn req(context: &str, ns: &str, names: &[&str], action: Action) -> ActionRequest {
    ActionRequest {
        context: context.into(),
        kind: "statefulsets".into(),
        action,
        targets: names
            .iter()
            .map(|n| ObjectRef {
                namespace: Some(ns.into()),
                name: n.to_string(),
            })
            .collect(),
    }
}

/// Runs a batch to the end; returns (final state per target index, the Finished event).
async fn run(
    client: &kube::Client,
    journal: &Arc<Journal>,
    r: ActionRequest,
    opts: RunOptions,
) -> (Vec<ItemState>, ActionEvent) {
    let n = r.targets.len();
    let mut stream =
        Box::pin(actions::run(client.clone(), journal.clone(), r, opts).expect("valid request"));
    let mut states = vec![ItemState::Queued; n];
    while let Some(ev) = stream.next().await {
        match ev {
            ActionEvent::Item { index, state, .. } => states[index as usize] = state,
            fin @ ActionEvent::Finished { .. } => return (states, fin),
        }
    }
    panic!("batch ended without Finished");
}

#[tokio::test]
async fn stop_then_start_restores_each_statefulsets_own_count() {
    let c = TestCluster::empty().await;
    let client = c.client().await;
    let ns = TestNamespace::new(&client, "act-stop").await;
    create(&client, &ns.name, "pg", 3).await;
    create(&client, &ns.name, "kafka", 2).await;
    let journal = Arc::new(Journal::new(c.dir.path().join("journal")));

    let (states, fin) = run(
        &client,
        &journal,
        req(&c.context, &ns.name, &["pg", "kafka"], Action::Stop),
        RunOptions::default(),
    )
    .await;
    assert_eq!(
        states[0],
        ItemState::Done {
            from: Some(3),
            to: Some(0)
        }
    );
    assert_eq!(
        states[1],
        ItemState::Done {
            from: Some(2),
            to: Some(0)
        }
    );
    let ActionEvent::Finished {
        succeeded,
        failed,
        undo,
        ..
    } = fin
    else {
        unreachable!()
    };
    assert_eq!((succeeded, failed, undo), (2, 0, true));
    let pg = get(&client, &ns.name, "pg").await;
    assert_eq!((replicas(&pg), annotation(&pg).as_deref()), (0, Some("3")));

    // Stop again: nothing changes, and 0 is never recorded as the count to restore
    let (states, _) = run(
        &client,
        &journal,
        req(&c.context, &ns.name, &["pg"], Action::Stop),
        RunOptions::default(),
    )
    .await;
    assert!(
        matches!(&states[0], ItemState::Unchanged { reason_key } if reason_key == "action.alreadyStopped")
    );
    assert_eq!(
        annotation(&get(&client, &ns.name, "pg").await).as_deref(),
        Some("3")
    );

    let (states, _) = run(
        &client,
        &journal,
        req(&c.context, &ns.name, &["pg", "kafka"], Action::Start),
        RunOptions::default(),
    )
    .await;
    assert_eq!(
        states[0],
        ItemState::Done {
            from: Some(0),
            to: Some(3)
        }
    );
    assert_eq!(
        states[1],
        ItemState::Done {
            from: Some(0),
            to: Some(2)
        }
    );
    let pg = get(&client, &ns.name, "pg").await;
    assert_eq!(
        (replicas(&pg), annotation(&pg)),
        (3, None),
        "the stop record is cleared once restored"
    );

    // Start on a running set changes nothing
    let (states, _) = run(
        &client,
        &journal,
        req(&c.context, &ns.name, &["pg"], Action::Start),
        RunOptions::default(),
    )
    .await;
    assert!(matches!(&states[0], ItemState::Unchanged { .. }));
    ns.delete().await;
}

#[tokio::test]
async fn start_without_a_record_scales_to_one_and_journal_only_mode_writes_no_annotation() {
    let c = TestCluster::empty().await;
    let client = c.client().await;
    let ns = TestNamespace::new(&client, "act-start").await;
    create(&client, &ns.name, "zero", 0).await;
    create(&client, &ns.name, "gitops", 4).await;
    let journal = Arc::new(Journal::new(c.dir.path().join("journal")));
    let (states, _) = run(
        &client,
        &journal,
        req(&c.context, &ns.name, &["zero"], Action::Start),
        RunOptions::default(),
    )
    .await;
    assert_eq!(
        states[0],
        ItemState::Done {
            from: Some(0),
            to: Some(1)
        }
    );

    let opts = RunOptions {
        record_annotation: false,
        ..Default::default()
    };
    let (_, fin) = run(
        &client,
        &journal,
        req(&c.context, &ns.name, &["gitops"], Action::Stop),
        opts,
    )
    .await;
    let g = get(&client, &ns.name, "gitops").await;
    assert_eq!((replicas(&g), annotation(&g)), (0, None));
    // the journal still knows, so Undo brings it back
    let ActionEvent::Finished { batch_id, .. } = fin else {
        unreachable!()
    };
    let mut undo = Box::pin(
        actions::undo(client.clone(), journal.clone(), &c.context, &batch_id, opts).unwrap(),
    );
    while undo.next().await.is_some() {}
    assert_eq!(replicas(&get(&client, &ns.name, "gitops").await), 4);
    ns.delete().await;
}

#[tokio::test]
async fn undo_restores_a_scale_but_not_over_a_newer_change() {
    let c = TestCluster::empty().await;
    let client = c.client().await;
    let ns = TestNamespace::new(&client, "act-undo").await;
    create(&client, &ns.name, "a", 2).await;
    create(&client, &ns.name, "b", 2).await;
    let journal = Arc::new(Journal::new(c.dir.path().join("journal")));
    let (_, fin) = run(
        &client,
        &journal,
        req(
            &c.context,
            &ns.name,
            &["a", "b"],
            Action::Scale { replicas: 5 },
        ),
        RunOptions::default(),
    )
    .await;
    let ActionEvent::Finished {
        batch_id,
        undo: true,
        ..
    } = fin
    else {
        panic!("{fin:?}")
    };
    // someone else changes b afterwards
    let (_, _) = run(
        &client,
        &journal,
        req(&c.context, &ns.name, &["b"], Action::Scale { replicas: 7 }),
        RunOptions::default(),
    )
    .await;

    let mut stream = Box::pin(
        actions::undo(
            client.clone(),
            journal.clone(),
            &c.context,
            &batch_id,
            RunOptions::default(),
        )
        .unwrap(),
    );
    let mut last = None;
    while let Some(ev) = stream.next().await {
        last = Some(ev);
    }
    let Some(ActionEvent::Finished {
        succeeded,
        unchanged,
        ..
    }) = last
    else {
        panic!()
    };
    assert_eq!((succeeded, unchanged), (1, 1));
    assert_eq!(replicas(&get(&client, &ns.name, "a").await), 2);
    assert_eq!(
        replicas(&get(&client, &ns.name, "b").await),
        7,
        "a newer change is never overwritten by undo"
    );
    ns.delete().await;
}

#[tokio::test]
async fn restart_and_delete_hit_the_statefulset_they_name() {
    let c = TestCluster::empty().await;
    let client = c.client().await;
    let ns = TestNamespace::new(&client, "act-restart").await;
    create(&client, &ns.name, "web", 1).await;
    create(&client, &ns.name, "keep", 1).await;
    let journal = Arc::new(Journal::new(c.dir.path().join("journal")));

    let (states, _) = run(
        &client,
        &journal,
        req(&c.context, &ns.name, &["web"], Action::Restart),
        RunOptions::default(),
    )
    .await;
    assert_eq!(
        states[0],
        ItemState::Done {
            from: None,
            to: None
        }
    );
    let web = get(&client, &ns.name, "web").await;
    let ann = web
        .spec
        .unwrap()
        .template
        .metadata
        .unwrap()
        .annotations
        .unwrap_or_default();
    assert!(
        ann.contains_key("kubectl.kubernetes.io/restartedAt"),
        "{ann:?}"
    );

    // a wrong confirmation word is refused before anything is sent
    let bad = req(
        &c.context,
        &ns.name,
        &["web"],
        Action::Delete {
            propagation: Propagation::Background,
            confirm: "confirm".into(),
        },
    );
    let err = actions::validate(&bad, &RunOptions::default()).unwrap_err();
    assert_eq!(ordinal_core::error::Classify::code(&err), Code::Invalid);
    assert!(actions::run(client.clone(), journal.clone(), bad, RunOptions::default()).is_err());
    get(&client, &ns.name, "web").await; // still there

    let good = req(
        &c.context,
        &ns.name,
        &["web"],
        Action::Delete {
            propagation: Propagation::Background,
            confirm: "confirmed".into(),
        },
    );
    let (states, _) = run(&client, &journal, good, RunOptions::default()).await;
    assert_eq!(
        states[0],
        ItemState::Done {
            from: None,
            to: None
        }
    );
    let api: Api<StatefulSet> = Api::namespaced(client.clone(), &ns.name);
    let gone = api.get_opt("web").await.unwrap();
    assert!(gone.is_none() || gone.unwrap().metadata.deletion_timestamp.is_some());
    assert!(
        api.get_opt("keep").await.unwrap().is_some(),
        "only the named object is deleted"
    );
    ns.delete().await;
}

#[tokio::test]
async fn read_only_contexts_are_refused_by_the_core() {
    let r = req("prod", "db", &["pg"], Action::Stop);
    let err = actions::validate(
        &r,
        &RunOptions {
            protection: Protection::ReadOnly,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(ordinal_core::error::Classify::code(&err), Code::Forbidden);
    assert!(err.to_string().contains("read-only"));
}

/// With the read-only viewer token every item fails with Forbidden naming the verb, and the
/// batch reports the partial failure instead of stopping at the first error.
#[tokio::test]
async fn viewer_gets_forbidden_per_item_and_nothing_changes() {
    let c = TestCluster::empty().await;
    let Some(viewer_ctx) = c.viewer.clone() else {
        return harness::skipped(
            "actions::viewer_gets_forbidden_per_item_and_nothing_changes",
            "no viewer context (set ORDINAL_TEST_VIEWER_KUBECONFIG)",
        );
    };
    let client = c.client().await;
    let ns = TestNamespace::new(&client, "act-viewer").await;
    create(&client, &ns.name, "pg", 2).await;
    let viewer = kube::Client::try_from(c.config(&viewer_ctx).await).unwrap();
    let journal = Arc::new(Journal::new(c.dir.path().join("journal")));
    let (states, fin) = run(
        &viewer,
        &journal,
        req(&viewer_ctx, &ns.name, &["pg", "missing"], Action::Stop),
        RunOptions::default(),
    )
    .await;
    for s in &states {
        let ItemState::Failed { error } = s else {
            panic!("{s:?}")
        };
        assert_eq!(error.code, Code::Forbidden, "{error:?}");
    }
    let ActionEvent::Finished {
        failed, succeeded, ..
    } = fin
    else {
        unreachable!()
    };
    assert_eq!((failed, succeeded), (2, 0));
    assert_eq!(replicas(&get(&client, &ns.name, "pg").await), 2);
    ns.delete().await;
}
