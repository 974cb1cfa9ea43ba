//! Permissions (issue #7): with the simulator's read-only viewer token, every write path of
//! `ordinal_core::actions` (Start, Stop, Restart, Scale, Delete, and Undo) fails per item with
//! `Forbidden`, the message names the refused verb and the resource, the detail names the action
//! and the object, and nothing is half-applied.
//!
//! The viewer may read only the `default` namespace, so each action runs on objects there (the
//! read succeeds and the write itself is refused) and in another namespace (already the read is
//! refused). Simulator-only: a real cluster has no known read-only user.

#[path = "cluster_harness.rs"]
mod harness;

use std::sync::Arc;

use futures::StreamExt;
use harness::{sts_json, TestCluster, TestNamespace};
use k8s_openapi::api::apps::v1::StatefulSet;
use kube::api::{Api, DeleteParams, PostParams};
use ordinal_core::actions::{
    self, Action, ActionEvent, ActionRequest, ItemState, Journal, ObjectRef, Propagation,
    RunOptions,
};
use ordinal_core::kinds::statefulset::REPLICAS_BEFORE_STOP;
use ordinal_core::ErrorCode;

/// Everything a write could change, except status (the controller writes that).
#[derive(Debug, PartialEq)]
struct Written {
    uid: Option<String>,
    generation: Option<i64>,
    deleting: bool,
    labels: serde_json::Value,
    annotations: serde_json::Value,
    /// The whole spec: replicas, the pod template (restartedAt), ...
    spec: serde_json::Value,
}

async fn written(api: &Api<StatefulSet>, name: &str) -> Written {
    let s = api
        .get_opt(name)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{name} still exists"));
    Written {
        uid: s.metadata.uid.clone(),
        generation: s.metadata.generation,
        deleting: s.metadata.deletion_timestamp.is_some(),
        labels: serde_json::to_value(&s.metadata.labels).unwrap(),
        annotations: serde_json::to_value(&s.metadata.annotations).unwrap(),
        spec: serde_json::to_value(&s.spec).unwrap(),
    }
}

async fn create(api: &Api<StatefulSet>, name: &str, replicas: i32, stopped_from: Option<i32>) {
    let mut v = sts_json(name, replicas);
    if let Some(n) = stopped_from {
        v["metadata"]["annotations"] = serde_json::json!({ REPLICAS_BEFORE_STOP: n.to_string() });
    }
    let sts: StatefulSet = serde_json::from_value(v).unwrap();
    api.create(&PostParams::default(), &sts)
        .await
        .expect("statefulset created");
}

/// Runs a batch to the end: the final state per target and the Finished event.
async fn run_batch(
    client: &kube::Client,
    journal: &Arc<Journal>,
    r: ActionRequest,
) -> (Vec<ItemState>, ActionEvent) {
    let mut stream = Box::pin(
        actions::run(
            client.clone(),
            journal.clone(),
            r.clone(),
            RunOptions::default(),
        )
        .expect("valid request"),
    );
    let mut states = vec![ItemState::Queued; r.targets.len()];
    while let Some(ev) = stream.next().await {
        match ev {
            ActionEvent::Item { index, state, .. } => states[index as usize] = state,
            fin @ ActionEvent::Finished { .. } => return (states, fin),
        }
    }
    panic!("batch ended without Finished");
}

fn action_word(a: &Action) -> &'static str {
    match a {
        Action::Start => "start",
        Action::Stop => "stop",
        Action::Restart => "restart",
        Action::Scale { .. } => "scale",
        Action::Partition { .. } => "partition",
        Action::Delete { .. } => "delete",
    }
}

/// Asserts one item failed with Forbidden naming `verb` and the resource in the message, and the
/// action and object in the detail.
fn assert_forbidden(state: &ItemState, action: &Action, target: &ObjectRef, verb: &str) {
    let ItemState::Failed { error } = state else {
        panic!(
            "{} {target:?}: expected Forbidden, got {state:?}",
            action_word(action)
        )
    };
    assert_eq!(error.code, ErrorCode::Forbidden, "{error:?}");
    assert!(
        error.message.contains(&format!("cannot {verb}")) && error.message.contains("statefulsets"),
        "the message names the verb {verb:?} and the resource: {error:?}"
    );
    let detail = error.detail.as_deref().unwrap_or("");
    let object = format!(
        "{}/{}",
        target.namespace.as_deref().unwrap_or(""),
        target.name
    );
    assert!(
        detail.contains(action_word(action)) && detail.contains(&object),
        "the detail names the action and {object}: {error:?}"
    );
}

#[tokio::test]
async fn viewer_write_paths_are_forbidden_with_verb_and_resource_and_nothing_changes() {
    let c = TestCluster::empty().await;
    let Some(viewer_ctx) = c.viewer.clone() else {
        return harness::skipped("permissions::viewer_write_paths_are_forbidden_with_verb_and_resource_and_nothing_changes", "no viewer context (set ORDINAL_TEST_VIEWER_KUBECONFIG)");
    };
    let admin = c.client().await;
    let viewer = kube::Client::try_from(c.config(&viewer_ctx).await).unwrap();
    // `default` (viewer may read) and a namespace the viewer cannot read at all.
    let other = TestNamespace::new(&admin, "perm").await;
    let prefix = format!("perm-{:06x}", fastrand::u32(..0xff_ffff));
    let namespaces = ["default".to_string(), other.name.clone()];
    let run_name = format!("{prefix}-run");
    let stopped_name = format!("{prefix}-stopped");
    for ns in &namespaces {
        let api: Api<StatefulSet> = Api::namespaced(admin.clone(), ns);
        create(&api, &run_name, 2, None).await;
        create(&api, &stopped_name, 0, Some(3)).await;
    }
    // Let the controller finish its first status writes (status is not compared anyway).
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let mut before = Vec::new();
    for ns in &namespaces {
        let api: Api<StatefulSet> = Api::namespaced(admin.clone(), ns);
        for n in [&run_name, &stopped_name] {
            before.push((ns.clone(), n.clone(), written(&api, n).await));
        }
    }

    let journal = Arc::new(Journal::new(c.dir.path().join("journal")));
    // Each action on the objects where it has something to write (Start on a running set or
    // Stop on a stopped one would send no write at all).
    let cases = [
        (Action::Stop, &run_name),
        (Action::Start, &stopped_name),
        (Action::Scale { replicas: 5 }, &run_name),
        (Action::Restart, &run_name),
        (Action::Partition { partition: 1 }, &run_name),
        (
            Action::Delete {
                propagation: Propagation::Background,
                confirm: actions::DELETE_CONFIRMATION.into(),
            },
            &run_name,
        ),
        (
            Action::Delete {
                propagation: Propagation::Foreground,
                confirm: actions::DELETE_CONFIRMATION.into(),
            },
            &stopped_name,
        ),
    ];
    let mut checked = 0;
    for (action, name) in &cases {
        let targets: Vec<ObjectRef> = namespaces
            .iter()
            .map(|ns| ObjectRef {
                namespace: Some(ns.clone()),
                name: (*name).clone(),
            })
            .collect();
        let request = ActionRequest {
            context: viewer_ctx.clone(),
            kind: "statefulsets".into(),
            action: action.clone(),
            targets: targets.clone(),
        };
        let (states, fin) = run_batch(&viewer, &journal, request).await;
        for (state, target) in states.iter().zip(&targets) {
            // In `default` the read works and the write is refused; elsewhere the read is.
            let verb = match (action, target.namespace.as_deref()) {
                (Action::Delete { .. }, _) => "delete",
                (_, Some("default")) => "patch",
                _ => "get",
            };
            assert_forbidden(state, action, target, verb);
            checked += 1;
        }
        let ActionEvent::Finished {
            succeeded,
            unchanged,
            failed,
            undo,
            ..
        } = fin
        else {
            unreachable!()
        };
        assert_eq!(
            (succeeded, unchanged, failed, undo),
            (0, 0, targets.len() as u32, false),
            "{action:?}: every item fails on its own and nothing can be undone"
        );
    }

    // Undo is a write path too: a batch the admin ran, undone with the viewer's credentials.
    let api: Api<StatefulSet> = Api::namespaced(admin.clone(), "default");
    let scale = ActionRequest {
        context: viewer_ctx.clone(),
        kind: "statefulsets".into(),
        action: Action::Scale { replicas: 1 },
        targets: vec![ObjectRef {
            namespace: Some("default".into()),
            name: run_name.clone(),
        }],
    };
    let (states, fin) = run_batch(&admin, &journal, scale).await;
    assert_eq!(
        states[0],
        ItemState::Done {
            from: Some(2),
            to: Some(1)
        }
    );
    let ActionEvent::Finished { batch_id, .. } = fin else {
        unreachable!()
    };
    let after_scale = written(&api, &run_name).await;
    let mut undo = Box::pin(
        actions::undo(
            viewer.clone(),
            journal.clone(),
            &viewer_ctx,
            &batch_id,
            RunOptions::default(),
        )
        .unwrap(),
    );
    let mut undo_states = Vec::new();
    let mut undo_fin = None;
    while let Some(ev) = undo.next().await {
        match ev {
            ActionEvent::Item { state, target, .. } => undo_states.push((target, state)),
            fin => undo_fin = Some(fin),
        }
    }
    assert_eq!(undo_states.len(), 1);
    let (target, state) = &undo_states[0];
    // Undo sends a scale back to the old count.
    assert_forbidden(state, &Action::Scale { replicas: 2 }, target, "patch");
    checked += 1;
    assert!(matches!(
        undo_fin,
        Some(ActionEvent::Finished {
            succeeded: 0,
            failed: 1,
            ..
        })
    ));
    assert_eq!(
        written(&api, &run_name).await,
        after_scale,
        "a refused undo changes nothing"
    );

    // Nothing was half-applied: besides the admin's scale to 1, every object is as before.
    for (ns, name, was) in &before {
        let api: Api<StatefulSet> = Api::namespaced(admin.clone(), ns);
        let now = written(&api, name).await;
        if ns == "default" && *name == run_name {
            let mut expect = was.spec.clone();
            expect["replicas"] = 1.into();
            assert_eq!(now.spec, expect, "{ns}/{name}");
            assert_eq!(
                (&now.uid, &now.annotations, &now.labels, now.deleting),
                (&was.uid, &was.annotations, &was.labels, false)
            );
        } else {
            assert_eq!(
                &now, was,
                "{ns}/{name} changed although every write was refused"
            );
        }
    }
    eprintln!(
        "viewer: {checked} refused items over {} actions + undo, 0 objects changed",
        cases.len()
    );

    for ns in &namespaces {
        let api: Api<StatefulSet> = Api::namespaced(admin.clone(), ns);
        for n in [&run_name, &stopped_name] {
            let _ = api.delete(n, &DeleteParams::default()).await;
        }
    }
    other.delete().await;
}
