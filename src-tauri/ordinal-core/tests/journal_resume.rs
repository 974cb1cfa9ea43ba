//! A batch interrupted by a crash: the journal (written per item) shows it as interrupted to the
//! next app process, resuming applies only the items not yet handled (never one twice), and
//! undo restores what it did. Against the simulator (or `ORDINAL_TEST_KUBECONFIG`).

#[path = "cluster_harness.rs"]
mod harness;

use std::sync::Arc;

use futures::StreamExt;
use harness::{sts_json, TestCluster, TestNamespace};
use k8s_openapi::api::apps::v1::StatefulSet;
use kube::api::{Api, Patch, PatchParams, PostParams};
use ordinal_core::actions::journal::JournalItem;
use ordinal_core::actions::{Action, ActionEvent, ActionRequest, Journal, ObjectRef};
use ordinal_core::kubeconfig::paths::AppDirs;
use ordinal_core::secrets::MemoryStore;
use ordinal_core::session::Session;

fn target(ns: &str, name: &str) -> ObjectRef {
    ObjectRef {
        namespace: Some(ns.into()),
        name: name.into(),
    }
}

#[tokio::test]
async fn an_interrupted_batch_resumes_only_its_remaining_items() {
    let c = TestCluster::empty().await;
    let client = c.client().await;
    let ns = TestNamespace::new(&client, "resume").await;
    let api: Api<StatefulSet> = Api::namespaced(client.clone(), &ns.name);
    for (name, n) in [("a", 2), ("b", 3), ("c", 4)] {
        api.create(
            &PostParams::default(),
            &serde_json::from_value(sts_json(name, n)).unwrap(),
        )
        .await
        .unwrap();
    }
    let data = c.dir.path().join("data");
    let request = ActionRequest {
        context: c.context.clone(),
        kind: "statefulsets".into(),
        action: Action::Stop,
        targets: vec![
            target(&ns.name, "a"),
            target(&ns.name, "b"),
            target(&ns.name, "c"),
        ],
    };

    // The first app process stops `a`, journals it, and dies before `b` and `c`.
    let id = {
        let journal = Journal::new(data.join("journal"));
        let id = journal.begin(&request).unwrap();
        api.patch(
            "a",
            &PatchParams::default(),
            &Patch::Merge(serde_json::json!({
                "metadata": {"annotations": {"ordinal.dev/replicas-before-stop": "2"}},
                "spec": {"replicas": 0}
            })),
        )
        .await
        .unwrap();
        journal
            .record(
                &id,
                &target(&ns.name, "a"),
                Some(JournalItem {
                    target: target(&ns.name, "a"),
                    from: Some(2),
                    to: Some(0),
                }),
            )
            .unwrap();
        assert!(
            journal.interrupted(&c.context).is_empty(),
            "its own running batch is not interrupted"
        );
        id
    };
    // The controller keeps updating a's status; its generation moves only with spec writes.
    let a_generation = api.get("a").await.unwrap().metadata.generation;

    // The next process.
    std::env::set_var("KUBECONFIG", &c.kubeconfig_path);
    let session = Session::with_secrets(
        AppDirs::new(&data),
        Arc::new(MemoryStore::new()),
        "/usr/bin/ordinal".into(),
    );
    let interrupted = session.interrupted_batches(&c.context);
    assert_eq!(interrupted.len(), 1);
    assert_eq!(interrupted[0].id, id);
    assert_eq!(interrupted[0].done, vec![target(&ns.name, "a")]);

    let st = session.connect(&c.context).await.unwrap();
    assert_eq!(
        st.state,
        ordinal_core::cluster::ConnState::Connected,
        "{st:?}"
    );
    let events: Vec<ActionEvent> = session
        .resume_batch(&c.context, &id)
        .unwrap()
        .collect()
        .await;
    let touched: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            ActionEvent::Item { target, .. } => Some(target.name.clone()),
            _ => None,
        })
        .collect();
    assert!(
        touched.iter().all(|n| n != "a"),
        "a was already done: {touched:?}"
    );
    assert!(
        matches!(
            events.last(),
            Some(ActionEvent::Finished {
                succeeded: 2,
                failed: 0,
                ..
            })
        ),
        "{events:?}"
    );
    let replicas = |s: StatefulSet| s.spec.unwrap().replicas.unwrap();
    assert_eq!(replicas(api.get("b").await.unwrap()), 0);
    assert_eq!(replicas(api.get("c").await.unwrap()), 0);
    let a = api.get("a").await.unwrap();
    assert_eq!(a.metadata.generation, a_generation, "a not applied twice");
    assert_eq!(
        a.metadata.annotations.unwrap()["ordinal.dev/replicas-before-stop"],
        "2",
        "a's record kept"
    );
    assert!(
        session.interrupted_batches(&c.context).is_empty(),
        "resumed, no longer offered"
    );
    assert!(
        session.resume_batch(&c.context, &id).is_err(),
        "a batch resumes once"
    );

    // Undo of the interrupted batch restores what it did before the crash.
    let undo: Vec<ActionEvent> = session.undo_batch(&c.context, &id).unwrap().collect().await;
    assert!(
        matches!(
            undo.last(),
            Some(ActionEvent::Finished { succeeded: 1, .. })
        ),
        "{undo:?}"
    );
    assert_eq!(replicas(api.get("a").await.unwrap()), 2);
    session.shutdown().await;
    ns.delete().await;
}
