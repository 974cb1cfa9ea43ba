//! Batch idempotency (issue #7), beyond what `actions.rs` covers (one repeated Stop keeps the
//! annotation; one Start on a running set reports Unchanged):
//!
//! - Stop re-run several times, and a Stop batch naming the same object several times, never
//!   record 0 as the count before the stop and send no write at all (resourceVersion unchanged).
//! - Stop on a set someone else scaled to 0 records nothing; Start then never "restores" 0.
//! - Start on a running set changes nothing (resourceVersion unchanged), even when a stale stop
//!   record is present, and in a batch that starts another, stopped, set.
//! - Undo applied twice restores once; the second changes nothing.
//!
//! Runs against the simulator, or the cluster of `ORDINAL_TEST_KUBECONFIG`.

#[path = "cluster_harness.rs"]
mod harness;

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use harness::{slow, sts_json, TestCluster, TestNamespace};
use k8s_openapi::api::apps::v1::StatefulSet;
use kube::api::{Api, Patch, PatchParams, PostParams};
use ordinal_core::actions::{
    self, Action, ActionEvent, ActionRequest, ItemState, Journal, ObjectRef, RunOptions,
};
use ordinal_core::kinds::statefulset::REPLICAS_BEFORE_STOP;
use ordinal_core::ErrorCode;

struct Fx {
    c: TestCluster,
    client: kube::Client,
    ns: TestNamespace,
    api: Api<StatefulSet>,
    journal: Arc<Journal>,
}

impl Fx {
    async fn new(prefix: &str) -> Fx {
        let c = TestCluster::empty().await;
        let client = c.client().await;
        let ns = TestNamespace::new(&client, prefix).await;
        let api = Api::namespaced(client.clone(), &ns.name);
        let journal = Arc::new(Journal::new(c.dir.path().join("journal")));
        Fx {
            c,
            client,
            ns,
            api,
            journal,
        }
    }

    async fn create(&self, name: &str, replicas: i32, stopped_from: Option<&str>) {
        let mut v = sts_json(name, replicas);
        if let Some(n) = stopped_from {
            v["metadata"]["annotations"] = serde_json::json!({ REPLICAS_BEFORE_STOP: n });
        }
        let sts: StatefulSet = serde_json::from_value(v).unwrap();
        self.api
            .create(&PostParams::default(), &sts)
            .await
            .expect("statefulset created");
    }

    async fn get(&self, name: &str) -> StatefulSet {
        self.api.get(name).await.unwrap()
    }

    fn request(&self, names: &[&str], action: Action) -> ActionRequest {
        ActionRequest {
            context: self.c.context.clone(),
            kind: "statefulsets".into(),
            action,
            targets: names
                .iter()
                .map(|n| ObjectRef {
                    namespace: Some(self.ns.name.clone()),
                    name: n.to_string(),
                })
                .collect(),
        }
    }

    /// Runs a batch to the end: the final state per target and (succeeded, unchanged, failed,
    /// undo, batch id).
    async fn run(
        &self,
        names: &[&str],
        action: Action,
    ) -> (Vec<ItemState>, (u32, u32, u32, bool, String)) {
        let r = self.request(names, action);
        let mut stream = Box::pin(
            actions::run(
                self.client.clone(),
                self.journal.clone(),
                r,
                RunOptions::default(),
            )
            .expect("valid request"),
        );
        let mut states = vec![ItemState::Queued; names.len()];
        while let Some(ev) = stream.next().await {
            match ev {
                ActionEvent::Item { index, state, .. } => states[index as usize] = state,
                ActionEvent::Finished {
                    batch_id,
                    succeeded,
                    unchanged,
                    failed,
                    undo,
                } => return (states, (succeeded, unchanged, failed, undo, batch_id)),
            }
        }
        panic!("batch ended without Finished");
    }

    async fn undo(&self, batch_id: &str) -> Vec<ItemState> {
        let mut stream = Box::pin(
            actions::undo(
                self.client.clone(),
                self.journal.clone(),
                &self.c.context,
                batch_id,
                RunOptions::default(),
            )
            .expect("batch in the journal"),
        );
        let mut out = Vec::new();
        while let Some(ev) = stream.next().await {
            if let ActionEvent::Item { state, .. } = ev {
                out.push(state);
            }
        }
        out
    }

    /// Waits until the controller has caught up with the spec and the object stops changing
    /// (so a later resourceVersion change can only come from the action under test). Returns
    /// the settled object.
    async fn settled(&self, name: &str) -> StatefulSet {
        let deadline = Instant::now() + slow(Duration::from_secs(30));
        let mut last_rv = None;
        loop {
            let s = self.get(name).await;
            let desired = s.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            let st = s.status.clone().unwrap_or_default();
            let caught_up = st.observed_generation >= s.metadata.generation
                && st.replicas == desired
                && st.ready_replicas.unwrap_or(0) == desired;
            if caught_up && last_rv.as_ref() == Some(&s.metadata.resource_version) {
                return s;
            }
            last_rv = caught_up.then(|| s.metadata.resource_version.clone());
            assert!(
                Instant::now() < deadline,
                "{name} did not settle: {:?}",
                s.status
            );
            tokio::time::sleep(Duration::from_millis(400)).await;
        }
    }
}

fn replicas(s: &StatefulSet) -> i32 {
    s.spec.as_ref().and_then(|s| s.replicas).unwrap()
}

fn record(s: &StatefulSet) -> Option<String> {
    s.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(REPLICAS_BEFORE_STOP).cloned())
}

fn unchanged(state: &ItemState, key: &str) -> bool {
    matches!(state, ItemState::Unchanged { reason_key } if reason_key == key)
}

#[tokio::test]
async fn stop_rerun_and_duplicated_never_records_zero_and_writes_nothing() {
    let fx = Fx::new("idem-stop").await;
    fx.create("pg", 3, None).await;
    fx.create("dup", 2, None).await;

    // One Stop batch naming `dup` three times: exactly one item stops it; the others find it
    // stopped already or lose the race on its resourceVersion (Conflict). Never a 0 record.
    let (states, (ok, same, failed, _, _)) = fx.run(&["dup", "dup", "dup"], Action::Stop).await;
    let done: Vec<_> = states
        .iter()
        .filter(|s| matches!(s, ItemState::Done { .. }))
        .collect();
    assert_eq!(
        done,
        vec![&ItemState::Done {
            from: Some(2),
            to: Some(0)
        }],
        "{states:?}"
    );
    for s in &states {
        assert!(
            matches!(s, ItemState::Done { .. })
                || unchanged(s, "action.alreadyStopped")
                || matches!(s, ItemState::Failed { error } if error.code == ErrorCode::Conflict),
            "{s:?}"
        );
    }
    assert_eq!(ok + same + failed, 3);
    let dup = fx.get("dup").await;
    assert_eq!((replicas(&dup), record(&dup).as_deref()), (0, Some("2")));

    let (states, _) = fx.run(&["pg"], Action::Stop).await;
    assert_eq!(
        states[0],
        ItemState::Done {
            from: Some(3),
            to: Some(0)
        }
    );
    let stopped = fx.settled("pg").await;
    assert_eq!(record(&stopped).as_deref(), Some("3"));

    // Re-running Stop, alone and with `dup`, any number of times: no write at all.
    for round in 0..3 {
        let (states, (ok, same, failed, undo, _)) = fx.run(&["pg", "dup"], Action::Stop).await;
        assert!(
            states.iter().all(|s| unchanged(s, "action.alreadyStopped")),
            "round {round}: {states:?}"
        );
        assert_eq!(
            (ok, same, failed, undo),
            (0, 2, 0, false),
            "round {round}: a batch that changed nothing offers no undo"
        );
        let now = fx.get("pg").await;
        assert_eq!(record(&now).as_deref(), Some("3"), "round {round}");
        assert_eq!(
            now.metadata.resource_version, stopped.metadata.resource_version,
            "round {round}: a repeated Stop writes nothing"
        );
    }
    assert_eq!(record(&fx.get("dup").await).as_deref(), Some("2"));

    // Start still restores each set's own count.
    let (states, _) = fx.run(&["pg", "dup"], Action::Start).await;
    assert_eq!(
        states,
        vec![
            ItemState::Done {
                from: Some(0),
                to: Some(3)
            },
            ItemState::Done {
                from: Some(0),
                to: Some(2)
            }
        ]
    );
    fx.ns.delete().await;
}

#[tokio::test]
async fn stop_of_a_set_scaled_to_zero_elsewhere_records_nothing() {
    let fx = Fx::new("idem-ext").await;
    fx.create("ext", 2, None).await;
    // someone else (kubectl scale) stops it: no record of the count
    fx.api
        .patch(
            "ext",
            &PatchParams::default(),
            &Patch::Merge(serde_json::json!({"spec": {"replicas": 0}})),
        )
        .await
        .unwrap();
    let before = fx.settled("ext").await;
    let (states, (_, _, _, undo, _)) = fx.run(&["ext"], Action::Stop).await;
    assert!(unchanged(&states[0], "action.alreadyStopped"), "{states:?}");
    assert!(!undo);
    let after = fx.get("ext").await;
    assert_eq!(
        record(&after),
        None,
        "0 is never recorded as the count to restore"
    );
    assert_eq!(
        after.metadata.resource_version,
        before.metadata.resource_version
    );
    // Start has no record: it starts one replica, never "restores" 0.
    let (states, _) = fx.run(&["ext"], Action::Start).await;
    assert_eq!(
        states[0],
        ItemState::Done {
            from: Some(0),
            to: Some(1)
        }
    );
    fx.ns.delete().await;
}

#[tokio::test]
async fn start_on_a_running_set_changes_nothing() {
    let fx = Fx::new("idem-start").await;
    fx.create("run", 2, None).await;
    // running again after someone scaled it up by hand: a stale record is left on it
    fx.create("stale", 1, Some("5")).await;
    fx.create("off", 0, Some("2")).await;
    let run = fx.settled("run").await;
    let stale = fx.settled("stale").await;

    for round in 0..2 {
        let (states, (ok, same, failed, _, _)) =
            fx.run(&["run", "stale", "off"], Action::Start).await;
        assert!(
            unchanged(&states[0], "action.alreadyRunning"),
            "round {round}: {states:?}"
        );
        assert!(
            unchanged(&states[1], "action.alreadyRunning"),
            "round {round}: {states:?}"
        );
        if round == 0 {
            assert_eq!(
                states[2],
                ItemState::Done {
                    from: Some(0),
                    to: Some(2)
                }
            );
            assert_eq!((ok, same, failed), (1, 2, 0));
        } else {
            // started by round 0: now all three are running
            assert!(unchanged(&states[2], "action.alreadyRunning"));
            assert_eq!((ok, same, failed), (0, 3, 0));
        }
        for (name, was) in [("run", &run), ("stale", &stale)] {
            let now = fx.get(name).await;
            assert_eq!(
                now.metadata.resource_version, was.metadata.resource_version,
                "round {round}: Start on running {name} wrote to it"
            );
            assert_eq!(replicas(&now), replicas(was));
            assert_eq!(record(&now), record(was));
        }
    }
    fx.ns.delete().await;
}

#[tokio::test]
async fn undo_twice_restores_once() {
    let fx = Fx::new("idem-undo").await;
    fx.create("kafka", 3, None).await;
    let (_, (_, _, _, undo, batch)) = fx.run(&["kafka"], Action::Stop).await;
    assert!(undo);
    let first = fx.undo(&batch).await;
    assert_eq!(
        first,
        vec![ItemState::Done {
            from: Some(0),
            to: Some(3)
        }]
    );
    let restored = fx.settled("kafka").await;
    assert_eq!((replicas(&restored), record(&restored)), (3, None));
    let second = fx.undo(&batch).await;
    assert!(
        matches!(&second[..], [s] if unchanged(s, "action.changedSince")),
        "{second:?}"
    );
    let now = fx.get("kafka").await;
    assert_eq!(
        now.metadata.resource_version, restored.metadata.resource_version,
        "a second undo writes nothing"
    );
    fx.ns.delete().await;
}
