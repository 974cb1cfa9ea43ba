//! A StatefulSet's storage as a real cluster handles it: growing claims (admission, validation,
//! the resizer's conditions), an orphaning delete and re-create that keeps every pod, and the
//! kubelet's usage summary through the node proxy. Runs against the simulator, or a real server
//! through `ORDINAL_TEST_KUBECONFIG` (skipping what that cluster cannot do, and saying why).
mod common;

use std::time::Duration;

use common::{eventually, namespace, skipped, start_with, sts_json};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod};
use k8s_openapi::api::storage::v1::StorageClass;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use serde_json::json;

const T: Duration = Duration::from_secs(30);

/// Deletes the test's namespace (its claims release their volumes: a real cluster has few).
async fn done(c: &kube::Client, ns: &str) {
    let api: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(c.clone());
    let _ = api.delete(ns, &DeleteParams::default()).await;
}

fn with_claims(name: &str, replicas: i32, class: &str) -> serde_json::Value {
    let mut s = sts_json(name, replicas, "Parallel");
    s["spec"]["volumeClaimTemplates"] = json!([{"metadata": {"name": "data"}, "spec": {
        "accessModes": ["ReadWriteOnce"], "storageClassName": class,
        "resources": {"requests": {"storage": "1Gi"}}}}]);
    s
}

/// A class by whether it lets volumes grow.
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

async fn running(pods: &Api<Pod>, n: usize, app: &str) -> Vec<Pod> {
    eventually(T, || async {
        let list = pods
            .list(&ListParams::default().labels(&format!("app={app}")))
            .await
            .ok()?
            .items;
        let up: Vec<Pod> = list
            .into_iter()
            .filter(|p| {
                p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")
                    && p.metadata.deletion_timestamp.is_none()
            })
            .collect();
        (up.len() == n).then_some(up)
    })
    .await
    .unwrap_or_else(|| panic!("{n} running pods of {app}"))
}

async fn bound(pvcs: &Api<PersistentVolumeClaim>, name: &str) -> PersistentVolumeClaim {
    eventually(T, || async {
        let p = pvcs.get(name).await.ok()?;
        (p.status.as_ref()?.phase.as_deref() == Some("Bound")).then_some(p)
    })
    .await
    .unwrap_or_else(|| panic!("{name} bound"))
}

fn grow_to(size: &str) -> Patch<serde_json::Value> {
    Patch::Merge(json!({"spec": {"resources": {"requests": {"storage": size}}}}))
}

#[tokio::test]
async fn a_claim_grows_online_through_the_resizer_conditions() {
    let c = start_with(ordinal_sim::Seed::Empty, Duration::ZERO).await;
    let Some(class) = class(&c.client, true).await else {
        return skipped(
            "storage::a_claim_grows_online_through_the_resizer_conditions",
            "no StorageClass on this cluster allows volume expansion",
        );
    };
    let ns = namespace(&c.client, "grow").await;
    let sts: Api<StatefulSet> = Api::namespaced(c.client.clone(), &ns);
    let pods: Api<Pod> = Api::namespaced(c.client.clone(), &ns);
    let pvcs: Api<PersistentVolumeClaim> = Api::namespaced(c.client.clone(), &ns);
    sts.create(
        &PostParams::default(),
        &serde_json::from_value(with_claims("pg", 1, &class)).unwrap(),
    )
    .await
    .unwrap();
    running(&pods, 1, "pg").await;
    bound(&pvcs, "data-pg-0").await;

    // Watch the claim while it grows: Resizing, then FileSystemResizePending, then the new size.
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let (seen2, wapi) = (seen.clone(), pvcs.clone());
    let watcher = tokio::spawn(async move {
        use futures::TryStreamExt;
        let cfg = kube::runtime::watcher::Config::default().fields("metadata.name=data-pg-0");
        let mut s = std::pin::pin!(kube::runtime::watcher(wapi, cfg));
        while let Ok(Some(ev)) = s.try_next().await {
            if let kube::runtime::watcher::Event::Apply(p) = ev {
                for cnd in p.status.and_then(|s| s.conditions).unwrap_or_default() {
                    let mut v = seen2.lock().unwrap();
                    if v.last() != Some(&cnd.type_) {
                        v.push(cnd.type_);
                    }
                }
            }
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    pvcs.patch("data-pg-0", &PatchParams::default(), &grow_to("2Gi"))
        .await
        .unwrap();
    let grown = eventually(T, || async {
        let p = pvcs.get("data-pg-0").await.ok()?;
        let cap = p
            .status
            .as_ref()?
            .capacity
            .as_ref()?
            .get("storage")?
            .0
            .clone();
        (cap == "2Gi").then_some(p)
    })
    .await
    .expect("the claim reaches 2Gi while its pod runs");
    watcher.abort();
    assert!(grown
        .status
        .unwrap()
        .conditions
        .unwrap_or_default()
        .is_empty());
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen, ["Resizing", "FileSystemResizePending"], "{seen:?}");
    done(&c.client, &ns).await;
}

#[tokio::test]
async fn growing_without_an_expandable_class_and_shrinking_are_refused() {
    let c = start_with(ordinal_sim::Seed::Empty, Duration::ZERO).await;
    let ns = namespace(&c.client, "nogrow").await;
    let sts: Api<StatefulSet> = Api::namespaced(c.client.clone(), &ns);
    let pvcs: Api<PersistentVolumeClaim> = Api::namespaced(c.client.clone(), &ns);
    let fixed = class(&c.client, false)
        .await
        .expect("a class without expansion");
    sts.create(
        &PostParams::default(),
        &serde_json::from_value(with_claims("fixed", 1, &fixed)).unwrap(),
    )
    .await
    .unwrap();
    bound(&pvcs, "data-fixed-0").await;

    let e = pvcs
        .patch("data-fixed-0", &PatchParams::default(), &grow_to("2Gi"))
        .await
        .unwrap_err();
    let kube::Error::Api(s) = e else {
        panic!("{e}")
    };
    assert_eq!(s.code, 403, "{s:?}");
    assert!(
        s.message
            .contains("the storageclass that provisions the pvc must support resize"),
        "{}",
        s.message
    );

    let e = pvcs
        .patch("data-fixed-0", &PatchParams::default(), &grow_to("512Mi"))
        .await
        .unwrap_err();
    let kube::Error::Api(s) = e else {
        panic!("{e}")
    };
    assert_eq!((s.code, s.reason.as_str()), (422, "Invalid"), "{s:?}");
    assert!(
        s.message.contains("spec.resources.requests.storage"),
        "{}",
        s.message
    );
    done(&c.client, &ns).await;
}

/// `kubectl delete sts --cascade=orphan` and create again: the pods stay (same uid, never
/// restarted) and belong to the new set; the claims stay.
#[tokio::test]
async fn an_orphaning_delete_and_re_create_keeps_every_pod() {
    let c = start_with(ordinal_sim::Seed::Empty, Duration::ZERO).await;
    let ns = namespace(&c.client, "orphan").await;
    let sts: Api<StatefulSet> = Api::namespaced(c.client.clone(), &ns);
    let pods: Api<Pod> = Api::namespaced(c.client.clone(), &ns);
    let pvcs: Api<PersistentVolumeClaim> = Api::namespaced(c.client.clone(), &ns);
    let any = class(&c.client, true)
        .await
        .or(class(&c.client, false).await)
        .unwrap();
    let spec = with_claims("kv", 2, &any);
    sts.create(
        &PostParams::default(),
        &serde_json::from_value(spec.clone()).unwrap(),
    )
    .await
    .unwrap();
    let before = running(&pods, 2, "kv").await;
    bound(&pvcs, "data-kv-1").await;
    let old_uid = sts.get("kv").await.unwrap().metadata.uid.unwrap();

    sts.delete("kv", &DeleteParams::orphan()).await.unwrap();
    eventually(T, || async {
        sts.get_opt("kv").await.ok()?.is_none().then_some(())
    })
    .await
    .expect("the set is gone");
    // Orphaned: no owner any more, still running.
    eventually(T, || async {
        let ps = pods
            .list(&ListParams::default().labels("app=kv"))
            .await
            .ok()?
            .items;
        ps.iter()
            .all(|p| {
                p.metadata
                    .owner_references
                    .as_ref()
                    .is_none_or(|o| o.is_empty())
            })
            .then_some(())
    })
    .await
    .expect("the pods lose their owner");

    sts.create(
        &PostParams::default(),
        &serde_json::from_value(spec).unwrap(),
    )
    .await
    .unwrap();
    let new_uid = sts.get("kv").await.unwrap().metadata.uid.unwrap();
    assert_ne!(new_uid, old_uid);
    let after = eventually(T, || async {
        let ps = pods
            .list(&ListParams::default().labels("app=kv"))
            .await
            .ok()?
            .items;
        let adopted = ps.len() == 2
            && ps.iter().all(|p| {
                p.metadata.owner_references.as_ref().is_some_and(|o| {
                    o.iter()
                        .any(|r| r.uid == new_uid && r.controller == Some(true))
                })
            });
        adopted.then_some(ps)
    })
    .await
    .expect("the new set adopts both pods");
    for p in &before {
        let same = after
            .iter()
            .find(|a| a.metadata.name == p.metadata.name)
            .unwrap();
        assert_eq!(same.metadata.uid, p.metadata.uid, "pod re-created");
        let restarts = |p: &Pod| {
            p.status
                .as_ref()
                .and_then(|s| s.container_statuses.as_ref())
                .map(|cs| cs.iter().map(|c| c.restart_count).sum::<i32>())
        };
        assert_eq!(restarts(same), restarts(p));
    }
    // The set settles on its adopted pods (no rollout).
    eventually(T, || async {
        let s = sts.get("kv").await.ok()?.status?;
        (s.ready_replicas == Some(2) && s.current_revision == s.update_revision).then_some(())
    })
    .await
    .expect("ready again");
    done(&c.client, &ns).await;
}

#[tokio::test]
async fn the_kubelet_summary_reports_used_bytes_per_claim() {
    let c = start_with(ordinal_sim::Seed::Empty, Duration::ZERO).await;
    if c.sim.is_none() {
        return skipped(
            "storage::the_kubelet_summary_reports_used_bytes_per_claim",
            "the real control plane's stand-in kubelet serves no stats/summary",
        );
    }
    let ns = namespace(&c.client, "usage").await;
    let sts: Api<StatefulSet> = Api::namespaced(c.client.clone(), &ns);
    let pods: Api<Pod> = Api::namespaced(c.client.clone(), &ns);
    sts.create(
        &PostParams::default(),
        &serde_json::from_value(with_claims("db", 1, "standard")).unwrap(),
    )
    .await
    .unwrap();
    let pod = running(&pods, 1, "db").await.remove(0);
    let node = pod.spec.unwrap().node_name.unwrap();
    let req = http::Request::get(format!("/api/v1/nodes/{node}/proxy/stats/summary"))
        .body(Vec::new())
        .unwrap();
    let summary: serde_json::Value = c.client.request(req).await.unwrap();
    let vol = summary["pods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["podRef"]["name"] == "db-0")
        .and_then(|p| p["volume"].as_array()?.first().cloned())
        .expect("db-0's claim in the summary");
    assert_eq!(vol["pvcRef"]["name"], "data-db-0");
    assert_eq!(vol["capacityBytes"], 1073741824u64);
    let used = vol["usedBytes"].as_u64().unwrap();
    assert!(used > 0 && used < 1073741824, "{used}");

    // Only with `get nodes/proxy`: the viewer is refused.
    if let Some(viewer) = common::viewer_client(&c).await {
        let req = http::Request::get(format!("/api/v1/nodes/{node}/proxy/stats/summary"))
            .body(Vec::new())
            .unwrap();
        let e = viewer.request::<serde_json::Value>(req).await.unwrap_err();
        assert!(matches!(e, kube::Error::Api(ref s) if s.code == 403), "{e}");
    }
}
