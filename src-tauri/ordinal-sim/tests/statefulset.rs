//! StatefulSet controller behaviour as a user of kube-rs sees it.
mod common;

use std::time::Duration;

use common::{eventually, namespace, start, sts_json};
use k8s_openapi::api::apps::v1::{ControllerRevision, StatefulSet};
use k8s_openapi::api::core::v1::{Event, PersistentVolume, PersistentVolumeClaim, Pod};
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use serde_json::json;

const T: Duration = Duration::from_secs(20);

async fn pods_of(api: &Api<Pod>, app: &str) -> Vec<Pod> {
    let mut v = api
        .list(&ListParams::default().labels(&format!("app={app}")))
        .await
        .unwrap()
        .items;
    v.sort_by_key(|p| p.metadata.name.clone());
    v
}

fn ready(p: &Pod) -> bool {
    p.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .map(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
        .unwrap_or(false)
}

async fn wait_ready(sts: &Api<StatefulSet>, name: &str, n: i32) -> StatefulSet {
    eventually(T, || async {
        let s = sts.get(name).await.ok()?;
        let st = s.status.clone()?;
        (st.ready_replicas.unwrap_or(0) == n
            && st.replicas == n
            && st.current_revision == st.update_revision)
            .then_some(s)
    })
    .await
    .unwrap_or_else(|| panic!("statefulset {name} never reached {n} ready replicas"))
}

#[tokio::test]
async fn ordered_ready_creates_in_order_and_scales_down_in_reverse() {
    let c = common::start_with(ordinal_sim::Seed::Empty, Duration::from_millis(150)).await;
    let ns = namespace(&c.client, "ordered").await;
    let sts: Api<StatefulSet> = Api::namespaced(c.client.clone(), &ns);
    let pods: Api<Pod> = Api::namespaced(c.client.clone(), &ns);
    // Watch pod ADDED/DELETED order.
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen2 = seen.clone();
    let wapi = pods.clone();
    let watcher = tokio::spawn(async move {
        use futures::TryStreamExt;
        let mut s = std::pin::pin!(kube::runtime::watcher(wapi, Default::default()));
        while let Ok(Some(ev)) = s.try_next().await {
            match ev {
                kube::runtime::watcher::Event::Apply(p)
                | kube::runtime::watcher::Event::InitApply(p) => {
                    let n = p.metadata.name.clone().unwrap();
                    let mut g = seen2.lock().unwrap();
                    if !g.contains(&format!("+{n}")) {
                        g.push(format!("+{n}"));
                    }
                }
                kube::runtime::watcher::Event::Delete(p) => seen2
                    .lock()
                    .unwrap()
                    .push(format!("-{}", p.metadata.name.unwrap())),
                _ => {}
            }
        }
    });
    let s: StatefulSet = serde_json::from_value(sts_json("web", 3, "OrderedReady")).unwrap();
    sts.create(&PostParams::default(), &s).await.unwrap();
    // While web-0 is not yet ready, web-1 must not exist.
    let early = pods_of(&pods, "web").await;
    if early.iter().all(|p| !ready(p)) {
        assert!(
            early.len() <= 1,
            "OrderedReady created {} pods before the first was ready",
            early.len()
        );
    }
    wait_ready(&sts, "web", 3).await;
    let ps = pods_of(&pods, "web").await;
    assert_eq!(
        ps.iter()
            .map(|p| p.metadata.name.clone().unwrap())
            .collect::<Vec<_>>(),
        ["web-0", "web-1", "web-2"]
    );
    let pod_index_label = common::server_minor(&c.client).await >= 28;
    if !pod_index_label {
        common::skipped(
            "statefulset::ordered_ready_creates_in_order_and_scales_down_in_reverse: the pod-index label",
            "the apps.kubernetes.io/pod-index pod label comes with Kubernetes 1.28",
        );
    }
    for (i, p) in ps.iter().enumerate() {
        let l = p.metadata.labels.as_ref().unwrap();
        assert_eq!(l["statefulset.kubernetes.io/pod-name"], format!("web-{i}"));
        if pod_index_label {
            assert_eq!(l["apps.kubernetes.io/pod-index"], i.to_string());
        }
        assert!(l["controller-revision-hash"].starts_with("web-"));
        let spec = p.spec.as_ref().unwrap();
        assert_eq!(spec.hostname.as_deref(), Some(format!("web-{i}").as_str()));
        assert_eq!(spec.subdomain.as_deref(), Some("web"));
        assert!(spec.node_name.is_some());
        let or = &p.metadata.owner_references.as_ref().unwrap()[0];
        assert_eq!(
            (or.kind.as_str(), or.name.as_str(), or.controller),
            ("StatefulSet", "web", Some(true))
        );
        assert!(p.status.as_ref().unwrap().pod_ip.is_some());
    }
    // Each pod became ready before the next one was created.
    let ready_at = |p: &Pod| {
        p.status
            .as_ref()
            .unwrap()
            .conditions
            .as_ref()
            .unwrap()
            .iter()
            .find(|c| c.type_ == "Ready")
            .unwrap()
            .last_transition_time
            .clone()
            .unwrap()
            .0
    };
    for w in ps.windows(2) {
        assert!(
            w[1].metadata.creation_timestamp.clone().unwrap().0 >= ready_at(&w[0]),
            "pod created before predecessor was Ready"
        );
    }
    sts.patch(
        "web",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"replicas": 1}})),
    )
    .await
    .unwrap();
    wait_ready(&sts, "web", 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let order = seen.lock().unwrap().clone();
    assert_eq!(
        order,
        ["+web-0", "+web-1", "+web-2", "-web-2", "-web-1"],
        "creation/deletion order"
    );
    watcher.abort();
    // Events like the real controller.
    let evs: Api<Event> = Api::namespaced(c.client.clone(), &ns);
    let msgs: Vec<String> = evs
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter_map(|e| e.message)
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m == "create Pod web-0 in StatefulSet web successful"),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m == "delete Pod web-2 in StatefulSet web successful"),
        "{msgs:?}"
    );
}

#[tokio::test]
async fn parallel_creates_all_at_once() {
    let c = common::start_with(ordinal_sim::Seed::Empty, Duration::from_millis(300)).await;
    let ns = namespace(&c.client, "parallel").await;
    let sts: Api<StatefulSet> = Api::namespaced(c.client.clone(), &ns);
    let pods: Api<Pod> = Api::namespaced(c.client.clone(), &ns);
    sts.create(
        &PostParams::default(),
        &serde_json::from_value(sts_json("kafka", 3, "Parallel")).unwrap(),
    )
    .await
    .unwrap();
    let all = eventually(T, || async {
        let p = pods_of(&pods, "kafka").await;
        (p.len() == 3).then_some(p)
    })
    .await
    .unwrap();
    // All three exist before any is ready.
    assert!(all.iter().filter(|p| ready(p)).count() < 3 || c.sim.is_none());
    wait_ready(&sts, "kafka", 3).await;
}

#[tokio::test]
async fn rolling_update_respects_partition_and_goes_in_reverse() {
    let c = start().await;
    let ns = namespace(&c.client, "rolling").await;
    let sts: Api<StatefulSet> = Api::namespaced(c.client.clone(), &ns);
    let pods: Api<Pod> = Api::namespaced(c.client.clone(), &ns);
    let mut s = sts_json("es", 4, "Parallel");
    s["spec"]["updateStrategy"] =
        json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 2}});
    sts.create(&PostParams::default(), &serde_json::from_value(s).unwrap())
        .await
        .unwrap();
    let before = wait_ready(&sts, "es", 4).await;
    let old_rev = before.status.unwrap().current_revision.unwrap();
    let p = Patch::Strategic(
        json!({"spec": {"template": {"spec": {"containers": [{"name": "main", "image": "nginx:1.28"}]}}}}),
    );
    let after = sts.patch("es", &PatchParams::default(), &p).await.unwrap();
    assert_eq!(
        after.metadata.generation,
        Some(2),
        "template change bumps generation"
    );
    // Strategic merge kept the env of the container (merge by name).
    assert_eq!(
        after
            .spec
            .as_ref()
            .unwrap()
            .template
            .spec
            .as_ref()
            .unwrap()
            .containers[0]
            .env
            .as_ref()
            .unwrap()
            .len(),
        1
    );
    let st = eventually(T, || async {
        let s = sts.get("es").await.ok()?;
        let st = s.status?;
        (st.updated_replicas == Some(2) && st.ready_replicas == Some(4)).then_some(st)
    })
    .await
    .expect("two pods updated");
    assert_ne!(st.update_revision.as_deref(), Some(old_rev.as_str()));
    assert_eq!(
        st.current_revision.as_deref(),
        Some(old_rev.as_str()),
        "partitioned rollout keeps currentRevision"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let ps = pods_of(&pods, "es").await;
    let rev = |p: &Pod| p.metadata.labels.as_ref().unwrap()["controller-revision-hash"].clone();
    let img = |p: &Pod| {
        p.spec.as_ref().unwrap().containers[0]
            .image
            .clone()
            .unwrap()
    };
    assert_eq!(rev(&ps[0]), old_rev);
    assert_eq!(rev(&ps[1]), old_rev);
    assert_eq!(img(&ps[1]), "nginx:1.27");
    assert_eq!(img(&ps[2]), "nginx:1.28");
    assert_eq!(img(&ps[3]), "nginx:1.28");
    // Reverse order: es-3 was replaced before es-2.
    assert!(
        ps[3].metadata.creation_timestamp.as_ref().unwrap().0
            <= ps[2].metadata.creation_timestamp.as_ref().unwrap().0
    );
    // Lower the partition: the rest follows and currentRevision moves.
    sts.patch(
        "es",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"updateStrategy": {"rollingUpdate": {"partition": 0}}}})),
    )
    .await
    .unwrap();
    let done = wait_ready(&sts, "es", 4).await;
    let st = done.status.unwrap();
    assert_eq!(st.current_revision, st.update_revision);
    assert_eq!(st.updated_replicas, Some(4));
    // Revisions exist for both templates.
    let revs: Api<ControllerRevision> = Api::namespaced(c.client.clone(), &ns);
    assert_eq!(
        revs.list(&ListParams::default()).await.unwrap().items.len(),
        2
    );
}

#[tokio::test]
async fn on_delete_waits_for_manual_deletion() {
    let c = start().await;
    let ns = namespace(&c.client, "ondelete").await;
    let sts: Api<StatefulSet> = Api::namespaced(c.client.clone(), &ns);
    let pods: Api<Pod> = Api::namespaced(c.client.clone(), &ns);
    let mut s = sts_json("db", 2, "OrderedReady");
    s["spec"]["updateStrategy"] = json!({"type": "OnDelete"});
    sts.create(&PostParams::default(), &serde_json::from_value(s).unwrap())
        .await
        .unwrap();
    wait_ready(&sts, "db", 2).await;
    sts.patch("db", &PatchParams::default(), &Patch::Strategic(json!({"spec": {"template": {"spec": {"containers": [{"name": "main", "image": "nginx:2"}]}}}}))).await.unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    let ps = pods_of(&pods, "db").await;
    assert!(
        ps.iter()
            .all(|p| p.spec.as_ref().unwrap().containers[0].image.as_deref() == Some("nginx:1.27")),
        "OnDelete must not replace pods by itself"
    );
    pods.delete("db-1", &DeleteParams::default()).await.unwrap();
    let p = eventually(T, || async {
        let p = pods.get("db-1").await.ok()?;
        (p.spec.as_ref()?.containers[0].image.as_deref() == Some("nginx:2") && ready(&p))
            .then_some(p)
    })
    .await
    .expect("recreated with the new template");
    assert_eq!(p.metadata.name.as_deref(), Some("db-1"));
    assert_eq!(
        pods.get("db-0").await.unwrap().spec.unwrap().containers[0]
            .image
            .as_deref(),
        Some("nginx:1.27")
    );
}

#[tokio::test]
async fn pvcs_are_named_bound_and_retained_per_policy() {
    let c = start().await;
    let ns = namespace(&c.client, "pvc").await;
    let sts: Api<StatefulSet> = Api::namespaced(c.client.clone(), &ns);
    let pvcs: Api<PersistentVolumeClaim> = Api::namespaced(c.client.clone(), &ns);
    let mut s = sts_json("pg", 3, "OrderedReady");
    s["spec"]["volumeClaimTemplates"] = json!([{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "standard", "resources": {"requests": {"storage": "1Gi"}}}}]);
    s["spec"]["persistentVolumeClaimRetentionPolicy"] =
        json!({"whenScaled": "Delete", "whenDeleted": "Retain"});
    sts.create(&PostParams::default(), &serde_json::from_value(s).unwrap())
        .await
        .unwrap();
    wait_ready(&sts, "pg", 3).await;
    let mut names: Vec<String> = pvcs
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .iter()
        .map(|p| p.metadata.name.clone().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["data-pg-0", "data-pg-1", "data-pg-2"]);
    let pvc = pvcs.get("data-pg-0").await.unwrap();
    assert_eq!(pvc.status.as_ref().unwrap().phase.as_deref(), Some("Bound"));
    let vol = pvc.spec.as_ref().unwrap().volume_name.clone().unwrap();
    let pv: Api<PersistentVolume> = Api::all(c.client.clone());
    let pvo = pv.get(&vol).await.unwrap();
    assert_eq!(
        pvo.spec.as_ref().unwrap().storage_class_name.as_deref(),
        Some("standard")
    );
    assert_eq!(
        pvo.spec
            .as_ref()
            .unwrap()
            .claim_ref
            .as_ref()
            .unwrap()
            .name
            .as_deref(),
        Some("data-pg-0")
    );
    let pods: Api<Pod> = Api::namespaced(c.client.clone(), &ns);
    let p0 = pods.get("pg-0").await.unwrap();
    assert!(p0.spec.unwrap().volumes.unwrap().iter().any(|v| v
        .persistent_volume_claim
        .as_ref()
        .map(|c| c.claim_name.as_str())
        == Some("data-pg-0")));
    // whenScaled: Delete → the claim of the removed ordinal goes away.
    if common::server_minor(&c.client).await >= 27 {
        sts.patch(
            "pg",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 2}})),
        )
        .await
        .unwrap();
        eventually(T, || async {
            pvcs.get_opt("data-pg-2")
                .await
                .ok()?
                .is_none()
                .then_some(())
        })
        .await
        .expect("data-pg-2 deleted on scale-down");
    } else {
        common::skipped(
            "statefulset::pvcs_are_named_bound_and_retained_per_policy: whenScaled Delete",
            "persistentVolumeClaimRetentionPolicy needs Kubernetes 1.27+ (this server drops the field and keeps every claim)",
        );
    }
    // whenDeleted: Retain → claims survive the StatefulSet.
    sts.delete("pg", &DeleteParams::default()).await.unwrap();
    eventually(T, || async {
        pods.list(&ListParams::default())
            .await
            .ok()?
            .items
            .is_empty()
            .then_some(())
    })
    .await
    .expect("pods garbage collected");
    assert!(pvcs.get_opt("data-pg-0").await.unwrap().is_some());
}

#[tokio::test]
async fn pvc_with_unknown_class_stays_pending_and_pod_unscheduled() {
    let c = start().await;
    let ns = namespace(&c.client, "pending").await;
    let sts: Api<StatefulSet> = Api::namespaced(c.client.clone(), &ns);
    let mut s = sts_json("mongo", 1, "OrderedReady");
    s["spec"]["volumeClaimTemplates"] = json!([{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "does-not-exist", "resources": {"requests": {"storage": "1Gi"}}}}]);
    sts.create(&PostParams::default(), &serde_json::from_value(s).unwrap())
        .await
        .unwrap();
    let pods: Api<Pod> = Api::namespaced(c.client.clone(), &ns);
    // Unschedulable (a scheduler checks the claim), or bound to a node anyway by a control plane
    // without a scheduler.
    let p = eventually(T, || async {
        let p = pods.get("mongo-0").await.ok()?;
        let c = p
            .status
            .as_ref()?
            .conditions
            .as_ref()?
            .iter()
            .find(|c| c.type_ == "PodScheduled")?
            .clone();
        let bound = p.spec.as_ref()?.node_name.is_some();
        (c.status == "False" || bound).then_some((c, bound))
    })
    .await
    .expect("pod unschedulable (or bound)");
    match p {
        (_, true) if c.sim.is_none() => common::skipped(
            "statefulset::pvc_with_unknown_class_stays_pending_and_pod_unscheduled: the pod is unschedulable",
            "no kube-scheduler on this control plane: its stand-in kubelet binds every pod, whatever its claims",
        ),
        (cond, bound) => {
            assert!(!bound, "the pod of a pending claim was scheduled");
            assert_eq!(cond.reason.as_deref(), Some("Unschedulable"));
        }
    }
    let pvcs: Api<PersistentVolumeClaim> = Api::namespaced(c.client.clone(), &ns);
    assert_eq!(
        pvcs.get("data-mongo-0")
            .await
            .unwrap()
            .status
            .unwrap()
            .phase
            .as_deref(),
        Some("Pending")
    );
}

#[tokio::test]
async fn crash_loop_and_fail_readiness_annotations() {
    let c = start().await;
    if c.sim.is_none() {
        return common::skipped(
            "statefulset::crash_loop_and_fail_readiness_annotations",
            "simulator-only pod annotations",
        );
    }
    let ns = namespace(&c.client, "crash").await;
    let sts: Api<StatefulSet> = Api::namespaced(c.client.clone(), &ns);
    let mut s = sts_json("bad", 1, "OrderedReady");
    s["spec"]["template"]["metadata"]["annotations"] =
        json!({"sim.ordinal.dev/crash-loop": "true"});
    sts.create(&PostParams::default(), &serde_json::from_value(s).unwrap())
        .await
        .unwrap();
    let mut u = sts_json("unready", 1, "OrderedReady");
    u["spec"]["template"]["metadata"]["annotations"] =
        json!({"sim.ordinal.dev/fail-readiness": "true"});
    sts.create(&PostParams::default(), &serde_json::from_value(u).unwrap())
        .await
        .unwrap();
    let pods: Api<Pod> = Api::namespaced(c.client.clone(), &ns);
    let cs = eventually(T, || async {
        let p = pods.get("bad-0").await.ok()?;
        let cs = p.status?.container_statuses?.into_iter().next()?;
        (cs.restart_count >= 1
            && cs.state.as_ref()?.waiting.as_ref()?.reason.as_deref() == Some("CrashLoopBackOff"))
        .then_some(cs)
    })
    .await
    .expect("crash loop");
    assert!(!cs.ready);
    let evs: Api<Event> = Api::namespaced(c.client.clone(), &ns);
    let backoff = evs
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .any(|e| e.reason.as_deref() == Some("BackOff") && e.type_.as_deref() == Some("Warning"));
    assert!(backoff);
    let p = pods.get("unready-0").await.unwrap();
    assert_eq!(p.status.as_ref().unwrap().phase.as_deref(), Some("Running"));
    assert!(!ready(&p));
    let st = sts.get("unready").await.unwrap().status.unwrap();
    assert_eq!(st.ready_replicas.unwrap_or(0), 0);
}

#[tokio::test]
async fn ordered_ready_waits_min_ready_seconds() {
    let c = start().await;
    if common::server_minor(&c.client).await < 25 {
        return common::skipped(
            "statefulset::ordered_ready_waits_min_ready_seconds",
            "StatefulSet minReadySeconds needs Kubernetes 1.25+ (beta from 1.23); this server drops the field",
        );
    }
    let ns = namespace(&c.client, "minready").await;
    let sts: Api<StatefulSet> = Api::namespaced(c.client.clone(), &ns);
    let mut s = sts_json("slow", 2, "OrderedReady");
    s["spec"]["minReadySeconds"] = json!(2);
    sts.create(&PostParams::default(), &serde_json::from_value(s).unwrap())
        .await
        .unwrap();
    let pods: Api<Pod> = Api::namespaced(c.client.clone(), &ns);
    let p1 = eventually(Duration::from_secs(20), || async {
        pods.get("slow-1").await.ok()
    })
    .await
    .expect("slow-1 created");
    let p0 = pods.get("slow-0").await.unwrap();
    let ready0 = p0
        .status
        .unwrap()
        .conditions
        .unwrap()
        .into_iter()
        .find(|c| c.type_ == "Ready")
        .unwrap()
        .last_transition_time
        .unwrap()
        .0;
    let created1 = p1.metadata.creation_timestamp.unwrap().0;
    let gap = created1.duration_since(ready0);
    assert!(
        gap.as_secs() >= 2,
        "slow-1 created {gap:?} after slow-0 became Ready (minReadySeconds 2)"
    );
    let st = eventually(Duration::from_secs(20), || async {
        let s = sts.get("slow").await.ok()?.status?;
        (s.available_replicas == Some(2)).then_some(s)
    })
    .await;
    assert!(st.is_some());
}
