//! Growing a StatefulSet's claims (issue #17), against the simulator or `ORDINAL_TEST_KUBECONFIG`:
//! the preflight refuses what cannot work and names why; the procedure patches every claim,
//! re-creates the set with the larger template and keeps every pod; interrupted after any step,
//! the journal resumes it to the same end state; a set edited mid-way stops it before the delete;
//! a user without the verbs is refused at the preflight and at the first write.

#[path = "cluster_harness.rs"]
mod harness;

use std::sync::Arc;
use std::time::Duration;

use harness::{sts_json, TestCluster, TestNamespace};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod};
use k8s_openapi::api::storage::v1::StorageClass;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use ordinal_core::kinds::statefulset::grow::{
    self as grow, GrowEvent, GrowJournal, GrowRequest, Step,
};
use ordinal_core::IpcError;
use serde_json::json;

const T: Duration = Duration::from_secs(30);

async fn class(c: &kube::Client, expandable: bool) -> Option<String> {
    let classes: Api<StorageClass> = Api::all(c.clone());
    classes
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|k| k.allow_volume_expansion.unwrap_or(false) == expandable)
        .and_then(|k| k.metadata.name)
}

/// A set `pg` with `replicas` ordinals and 1Gi claims of `class`, running and bound.
async fn set_with_claims(client: &kube::Client, ns: &str, replicas: i32, class: &str) {
    let mut s = sts_json("pg", replicas);
    s["spec"]["podManagementPolicy"] = json!("Parallel");
    s["spec"]["volumeClaimTemplates"] = json!([{"metadata": {"name": "data"}, "spec": {
        "accessModes": ["ReadWriteOnce"], "storageClassName": class,
        "resources": {"requests": {"storage": "1Gi"}}}}]);
    let api: Api<StatefulSet> = Api::namespaced(client.clone(), ns);
    api.create(&PostParams::default(), &serde_json::from_value(s).unwrap())
        .await
        .unwrap();
    let pvcs: Api<PersistentVolumeClaim> = Api::namespaced(client.clone(), ns);
    let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
    let deadline = std::time::Instant::now() + harness::slow(T);
    loop {
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
        if bound == replicas as usize && running == replicas as usize {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{bound} bound, {running} running"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn request(c: &TestCluster, ns: &str, size: &str) -> GrowRequest {
    GrowRequest {
        context: c.context.clone(),
        namespace: ns.to_string(),
        name: "pg".into(),
        template: "data".into(),
        size: size.into(),
    }
}

async fn allow_all(_: &'static str, _: &'static str, _: &'static str) -> Result<bool, IpcError> {
    Ok(true)
}

/// The end state of a successful grow: every claim at `size`, the set re-created with the larger
/// template, the same pods (uids) owned by it.
async fn assert_grown(
    client: &kube::Client,
    ns: &str,
    size: &str,
    old_uid: &str,
    pods_before: &[(String, String)],
) {
    let sts: Api<StatefulSet> = Api::namespaced(client.clone(), ns);
    let s = sts.get("pg").await.unwrap();
    let new_uid = s.metadata.uid.clone().unwrap();
    assert_ne!(new_uid, old_uid, "the set was re-created");
    let tpl = &s
        .spec
        .as_ref()
        .unwrap()
        .volume_claim_templates
        .as_ref()
        .unwrap()[0];
    assert_eq!(
        tpl.spec
            .as_ref()
            .unwrap()
            .resources
            .as_ref()
            .unwrap()
            .requests
            .as_ref()
            .unwrap()["storage"]
            .0,
        size
    );
    let pvcs: Api<PersistentVolumeClaim> = Api::namespaced(client.clone(), ns);
    for p in pvcs.list(&ListParams::default()).await.unwrap().items {
        assert_eq!(
            p.status.as_ref().unwrap().capacity.as_ref().unwrap()["storage"].0,
            size,
            "{:?}",
            p.metadata.name
        );
    }
    let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
    for (name, uid) in pods_before {
        let p = pods.get(name).await.unwrap();
        assert_eq!(p.metadata.uid.as_deref(), Some(uid.as_str()), "{name} kept");
        assert!(p
            .metadata
            .owner_references
            .unwrap_or_default()
            .iter()
            .any(|r| r.uid == new_uid && r.controller == Some(true)));
    }
}

async fn pods_now(client: &kube::Client, ns: &str) -> Vec<(String, String)> {
    let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
    let mut v: Vec<_> = pods
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|p| (p.metadata.name.unwrap(), p.metadata.uid.unwrap()))
        .collect();
    v.sort();
    v
}

async fn uid(client: &kube::Client, ns: &str) -> String {
    let sts: Api<StatefulSet> = Api::namespaced(client.clone(), ns);
    sts.get("pg").await.unwrap().metadata.uid.unwrap()
}

#[tokio::test]
async fn grow_patches_every_claim_re_creates_the_set_and_keeps_every_pod() {
    let c = TestCluster::empty().await;
    let client = c.client().await;
    let Some(class) = class(&client, true).await else {
        return harness::skipped(
            "grow::grow_patches_every_claim_re_creates_the_set_and_keeps_every_pod",
            "no StorageClass on this cluster allows volume expansion",
        );
    };
    let ns = TestNamespace::new(&client, "grow").await;
    set_with_claims(&client, &ns.name, 3, &class).await;
    let req = request(&c, &ns.name, "2Gi");

    let plan = grow::plan(&client, &req, allow_all).await.unwrap();
    assert!(plan.ready, "{:?}", plan.checks);
    assert_eq!(plan.claims.len(), 3);
    assert_eq!(plan.from.as_deref(), Some("1Gi"));

    let (old_uid, before) = (
        uid(&client, &ns.name).await,
        pods_now(&client, &ns.name).await,
    );
    let dir = tempfile::tempdir().unwrap();
    let journal = Arc::new(GrowJournal::new(dir.path()));
    let (tx, mut rx) = tokio::sync::mpsc::channel(256);
    grow::start(client.clone(), journal.clone(), req, tx)
        .await
        .unwrap();
    let mut events = Vec::new();
    let finished = loop {
        let ev = tokio::time::timeout(T, rx.recv()).await.unwrap().unwrap();
        if let GrowEvent::Finished { error, .. } = &ev {
            break error.clone();
        }
        events.push(ev);
    };
    assert_eq!(finished, None, "{events:?}");
    // Progress per ordinal, and each step started and done in order.
    for ordinal in 0..3 {
        assert!(events.iter().any(|e| matches!(e, GrowEvent::Claim { ordinal: o, state: grow::ClaimState::Done, .. } if *o == ordinal)), "{events:?}");
    }
    let steps: Vec<(Step, bool)> = events
        .iter()
        .filter_map(|e| match e {
            GrowEvent::Step { step, done } => Some((*step, *done)),
            _ => None,
        })
        .collect();
    assert_eq!(steps.len(), 10, "{steps:?}");
    assert_grown(&client, &ns.name, "2Gi", &old_uid, &before).await;
    assert!(
        journal.interrupted(&c.context).is_empty(),
        "the journal is cleared"
    );
}

#[tokio::test]
async fn the_preflight_refuses_a_smaller_size_and_a_class_that_cannot_grow() {
    let c = TestCluster::empty().await;
    let client = c.client().await;
    let fixed = class(&client, false)
        .await
        .expect("a class without expansion");
    let ns = TestNamespace::new(&client, "grow-pre").await;
    set_with_claims(&client, &ns.name, 1, &fixed).await;

    let failed = |plan: &grow::GrowPlan| -> Vec<String> {
        plan.checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| c.key.clone())
            .collect()
    };
    let plan = grow::plan(&client, &request(&c, &ns.name, "2Gi"), allow_all)
        .await
        .unwrap();
    assert!(!plan.ready);
    assert_eq!(failed(&plan), ["grow.check.class"]);
    let class_check = plan
        .checks
        .iter()
        .find(|c| c.key == "grow.check.class")
        .unwrap();
    assert_eq!(class_check.params["class"], fixed, "the class is named");

    let plan = grow::plan(&client, &request(&c, &ns.name, "512Mi"), allow_all)
        .await
        .unwrap();
    assert!(failed(&plan).contains(&"grow.check.larger".to_string()));
    let plan = grow::plan(&client, &request(&c, &ns.name, "lots"), allow_all)
        .await
        .unwrap();
    assert!(failed(&plan).contains(&"grow.check.size".to_string()));

    // Each verb the procedure needs is checked.
    for denied in ["patch", "delete", "create"] {
        let plan = grow::plan(
            &client,
            &request(&c, &ns.name, "2Gi"),
            |verb, _, _| async move { Ok(verb != denied) },
        )
        .await
        .unwrap();
        let rbac = plan
            .checks
            .iter()
            .find(|c| c.key == "grow.check.rbac" && c.params["verb"] == denied)
            .unwrap();
        assert!(!rbac.ok, "{denied}");
    }

    // The viewer is refused at the first write, nothing changes.
    if let Some(viewer) = c.viewer.clone() {
        let vc = kube::Client::try_from(c.config(&viewer).await).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let journal = GrowJournal::new(dir.path());
        let mut record = match grow::prepare(&vc, request(&c, &ns.name, "2Gi")).await {
            Ok(r) => r,
            Err(e) => {
                assert_eq!(e.code, ordinal_core::ErrorCode::Forbidden, "{e:?}");
                return;
            }
        };
        let (tx, _rx) = tokio::sync::mpsc::channel(256);
        let e = grow::steps(&vc, &journal, &mut record, &tx)
            .await
            .unwrap_err();
        assert_eq!(e.code, ordinal_core::ErrorCode::Forbidden, "{e:?}");
    }
}

/// Interrupted after each step (the writes of the steps before it done, the journal at that
/// step): resuming reaches the same end state as an uninterrupted grow.
#[tokio::test]
async fn an_interrupted_grow_resumes_from_each_step_to_the_same_end() {
    let c = TestCluster::empty().await;
    let client = c.client().await;
    // Without a class that grows volumes, the re-create half still runs (at the same size).
    let (class, size, steps) = match class(&client, true).await {
        Some(c) => (
            c,
            "2Gi",
            vec![
                Step::WaitResize,
                Step::DeleteOrphan,
                Step::Recreate,
                Step::Verify,
            ],
        ),
        None => {
            harness::skipped(
                "grow::an_interrupted_grow_resumes_from_each_step_to_the_same_end (resize steps)",
                "no StorageClass on this cluster allows volume expansion",
            );
            (
                class(&client, false).await.unwrap(),
                "1Gi",
                vec![Step::DeleteOrphan, Step::Recreate, Step::Verify],
            )
        }
    };
    for at in steps {
        let ns = TestNamespace::new(&client, "grow-resume").await;
        set_with_claims(&client, &ns.name, 1, &class).await;
        let (old_uid, before) = (
            uid(&client, &ns.name).await,
            pods_now(&client, &ns.name).await,
        );
        let dir = tempfile::tempdir().unwrap();
        let journal = GrowJournal::new(dir.path());
        let mut record = grow::prepare(&client, request(&c, &ns.name, size))
            .await
            .unwrap();
        // What the crashed run had done before it died.
        let pvcs: Api<PersistentVolumeClaim> = Api::namespaced(client.clone(), &ns.name);
        for claim in ["data-pg-0"] {
            pvcs.patch(
                claim,
                &PatchParams::default(),
                &Patch::Merge(json!({"spec": {"resources": {"requests": {"storage": size}}}})),
            )
            .await
            .unwrap();
        }
        let sts: Api<StatefulSet> = Api::namespaced(client.clone(), &ns.name);
        if at >= Step::Recreate {
            sts.delete("pg", &DeleteParams::orphan()).await.unwrap();
            while sts.get_opt("pg").await.unwrap().is_some() {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        if at >= Step::Verify {
            let spec: StatefulSet = serde_json::from_value(record.spec.clone()).unwrap();
            sts.create(&PostParams::default(), &spec).await.unwrap();
        }
        record.step = at;
        journal.write(&record).unwrap();

        // The next start finds it and resumes it.
        let found = GrowJournal::new(dir.path()).interrupted(&c.context);
        assert_eq!(found.len(), 1, "{at:?}");
        let mut record = found.into_iter().next().unwrap();
        let (tx, _rx) = tokio::sync::mpsc::channel(256);
        let r = tokio::time::timeout(T, grow::steps(&client, &journal, &mut record, &tx))
            .await
            .unwrap();
        assert!(r.is_ok(), "resumed at {at:?}: {r:?}");
        assert_grown(&client, &ns.name, size, &old_uid, &before).await;
        ns.delete().await;
    }
}

/// Someone edits the set while its claims grow: the procedure stops before the delete, says so,
/// and the set is untouched.
#[tokio::test]
async fn a_set_edited_mid_way_stops_the_grow_before_the_delete() {
    let c = TestCluster::empty().await;
    let client = c.client().await;
    // Without a class that grows volumes: the same check, entered at the delete at the same size.
    let (class, size, from) = match class(&client, true).await {
        Some(c) => (c, "2Gi", Step::PatchClaims),
        None => (
            class(&client, false).await.unwrap(),
            "1Gi",
            Step::DeleteOrphan,
        ),
    };
    let ns = TestNamespace::new(&client, "grow-edit").await;
    set_with_claims(&client, &ns.name, 1, &class).await;
    let old_uid = uid(&client, &ns.name).await;
    let dir = tempfile::tempdir().unwrap();
    let journal = GrowJournal::new(dir.path());
    let mut record = grow::prepare(&client, request(&c, &ns.name, size))
        .await
        .unwrap();
    record.step = from;
    let sts: Api<StatefulSet> = Api::namespaced(client.clone(), &ns.name);
    sts.patch(
        "pg",
        &PatchParams::default(),
        &Patch::Merge(
            json!({"spec": {"template": {"metadata": {"annotations": {"edited": "yes"}}}}}),
        ),
    )
    .await
    .unwrap();
    let (tx, _rx) = tokio::sync::mpsc::channel(256);
    let e = grow::steps(&client, &journal, &mut record, &tx)
        .await
        .unwrap_err();
    assert_eq!(e.code, ordinal_core::ErrorCode::Conflict, "{e:?}");
    assert!(e.message.contains("was changed"), "{}", e.message);
    assert_eq!(uid(&client, &ns.name).await, old_uid, "not deleted");
    ns.delete().await;
}

/// The same through the app's session: the Storage view streams the claims, retention is set
/// where the server has it, orphan deletion wants the typed word and keeps a mounted claim, and
/// an interrupted grow journaled by another process is found and resumed.
#[tokio::test]
async fn the_session_streams_storage_sets_retention_deletes_orphans_and_resumes() {
    use futures::StreamExt;
    use ordinal_core::kubeconfig::paths::AppDirs;
    use ordinal_core::secrets::MemoryStore;
    use ordinal_core::session::Session;

    let c = TestCluster::empty().await;
    let client = c.client().await;
    let expandable = class(&client, true).await;
    let class = match &expandable {
        Some(c) => c.clone(),
        None => class(&client, false).await.unwrap(),
    };
    let ns = TestNamespace::new(&client, "grow-session").await;
    set_with_claims(&client, &ns.name, 1, &class).await;
    // An orphan: a claim for ordinal 5, which the set does not have.
    let pvcs: Api<PersistentVolumeClaim> = Api::namespaced(client.clone(), &ns.name);
    pvcs.create(&PostParams::default(), &serde_json::from_value(json!({"metadata": {"name": "data-pg-5"},
        "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": class, "resources": {"requests": {"storage": "1Gi"}}}})).unwrap())
        .await
        .unwrap();

    let data = tempfile::tempdir().unwrap();
    std::env::set_var("KUBECONFIG", &c.kubeconfig_path);
    let session = Session::with_secrets(
        AppDirs::new(data.path()),
        Arc::new(MemoryStore::new()),
        "/usr/bin/ordinal".into(),
    );
    session.connect(&c.context).await.unwrap();

    let (first, mut rest) = session
        .watch_storage(&c.context, &ns.name, "pg")
        .await
        .unwrap();
    let names: Vec<_> = first.claims.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["data-pg-0"]);
    let view = if first.orphans.is_empty() {
        tokio::time::timeout(T, rest.next()).await.unwrap().unwrap()
    } else {
        first
    };
    assert_eq!(
        view.orphans
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["data-pg-5"]
    );

    // The preflight through the session says which path it takes: no server release has
    // volumeClaimUpdatePolicy, so the orphan-and-re-create one.
    let plan = session
        .plan_grow(request(&c, &ns.name, "2Gi"))
        .await
        .unwrap();
    assert_eq!(plan.update_policy_offered, Some(false));

    // Retention: set where the server has the field.
    let r = session
        .set_retention(&c.context, &ns.name, "pg", "Delete", "Retain")
        .await;
    if c.features().await.sts_retention_policy {
        r.unwrap();
        let sts: Api<StatefulSet> = Api::namespaced(client.clone(), &ns.name);
        let p = sts
            .get("pg")
            .await
            .unwrap()
            .spec
            .unwrap()
            .persistent_volume_claim_retention_policy
            .unwrap();
        assert_eq!(
            (p.when_deleted.as_deref(), p.when_scaled.as_deref()),
            (Some("Delete"), Some("Retain"))
        );
    } else {
        assert_eq!(r.unwrap_err().code, ordinal_core::ErrorCode::Unsupported);
    }
    assert_eq!(
        session
            .set_retention(&c.context, &ns.name, "pg", "Keep", "Retain")
            .await
            .unwrap_err()
            .code,
        ordinal_core::ErrorCode::Invalid
    );

    // Orphans: the typed word, and a mounted claim is kept.
    let names = vec!["data-pg-5".to_string(), "data-pg-0".to_string()];
    assert!(session
        .delete_claims(&c.context, &ns.name, names.clone(), "yes")
        .await
        .is_err());
    let out = session
        .delete_claims(&c.context, &ns.name, names, "confirmed")
        .await
        .unwrap();
    assert_eq!(out[0].error, None);
    assert!(
        out[1].error.as_ref().unwrap().message.contains("mounted"),
        "{out:?}"
    );
    assert!(pvcs.get_opt("data-pg-0").await.unwrap().is_some());

    // An interrupted grow left by another process: found, resumed to the end.
    let size = if expandable.is_some() { "2Gi" } else { "1Gi" };
    let (old_uid, before) = (
        uid(&client, &ns.name).await,
        pods_now(&client, &ns.name).await,
    );
    let mut record = grow::prepare(&client, request(&c, &ns.name, size))
        .await
        .unwrap();
    record.step = if expandable.is_some() {
        Step::PatchClaims
    } else {
        Step::DeleteOrphan
    };
    GrowJournal::new(data.path().join("grow"))
        .write(&record)
        .unwrap();
    let found = session.interrupted_grows(&c.context);
    assert_eq!(found.len(), 1);
    let events: Vec<GrowEvent> = session
        .resume_grow(&c.context, &found[0].id)
        .unwrap()
        .collect()
        .await;
    assert!(
        matches!(events.last(), Some(GrowEvent::Finished { error: None, .. })),
        "{events:?}"
    );
    assert_grown(&client, &ns.name, size, &old_uid, &before).await;
    assert!(session.interrupted_grows(&c.context).is_empty());
    // The Storage view follows the set through its re-creation and shows the new size.
    if expandable.is_some() {
        loop {
            let v = tokio::time::timeout(T, rest.next())
                .await
                .expect("the storage view goes on after the re-create")
                .expect("the stream did not end");
            if v.claims.iter().all(|c| c.capacity.as_deref() == Some(size)) {
                break;
            }
        }
    }
    ns.delete().await;
}
