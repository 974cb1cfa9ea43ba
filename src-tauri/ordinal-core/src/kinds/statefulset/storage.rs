//! The Storage tab of a StatefulSet: every ordinal's claims from its `volumeClaimTemplates` with
//! their requested and actual capacity, class (and whether it lets volumes grow), bound volume,
//! resize conditions and age; claims that belong to no ordinal (left by a scale-down or a deleted
//! set) as orphans; and the used space the kubelets report (`nodes/NAME/proxy/stats/summary`,
//! read every 30 s while the tab is open; "not reported" with the reason otherwise).
//!
//! Live: reflectors over the set, the namespace's claims, the StorageClasses and the
//! PersistentVolumes; the view is rebuilt on change ([`build`] is pure and tested without a
//! cluster).

use std::collections::BTreeMap;
use std::time::Duration;

use futures::{Stream, StreamExt};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim, Pod};
use k8s_openapi::api::storage::v1::StorageClass;
use kube::runtime::{reflector, watcher, WatchStreamExt};
use kube::Api;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use ts_rs::TS;

use crate::error::{ErrorCode, IpcError};

/// How often used space is read while the tab is open.
const USAGE_EVERY: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VolumeInfo {
    pub name: String,
    pub reclaim_policy: Option<String>,
    /// The volume's source kind (`csi: pd.csi.storage.gke.io`, `hostPath`, `local`, ...).
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ClaimStorage {
    pub name: String,
    pub template: String,
    pub ordinal: i32,
    /// `Bound`, `Pending`, `Lost`, or `Missing` when the claim does not exist.
    pub phase: String,
    pub requested: Option<String>,
    pub capacity: Option<String>,
    pub storage_class: Option<String>,
    /// `None` when the class is not known (absent, or not readable).
    pub class_expandable: Option<bool>,
    pub access_modes: Vec<String>,
    pub volume: Option<VolumeInfo>,
    /// `Resizing`, `FileSystemResizePending`, ... (the claim's true conditions).
    pub conditions: Vec<String>,
    #[ts(type = "number | null")]
    pub created: Option<i64>,
    /// From the kubelet's summary; `None` when not reported.
    #[ts(type = "number | null")]
    pub used_bytes: Option<u64>,
    #[ts(type = "number | null")]
    pub capacity_bytes: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TemplateStorage {
    pub name: String,
    pub size: Option<String>,
    pub storage_class: Option<String>,
    pub class_expandable: Option<bool>,
    pub access_modes: Vec<String>,
}

/// Whether used space is shown, and why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum Usage {
    /// Not read yet.
    Pending,
    Reported,
    /// The kubelet summary could not be read (the reason, e.g. forbidden `nodes/proxy`).
    NotReported {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StorageView {
    pub namespace: String,
    pub name: String,
    pub replicas: i32,
    pub templates: Vec<TemplateStorage>,
    /// Every ordinal × template, in ordinal order, `Missing` where there is no claim.
    pub claims: Vec<ClaimStorage>,
    /// Claims named like the set's (`<template>-<set>-<n>`) for no current ordinal.
    pub orphans: Vec<ClaimStorage>,
    pub usage: Usage,
}

/// Everything the view is built from.
#[derive(Default)]
pub struct Inputs {
    pub sts: Option<StatefulSet>,
    pub claims: Vec<PersistentVolumeClaim>,
    pub classes: Vec<StorageClass>,
    pub volumes: Vec<PersistentVolume>,
    /// `namespace/claim` → (used, capacity) bytes.
    pub used: BTreeMap<String, (u64, u64)>,
    pub usage: Option<Usage>,
}

fn storage_of(
    q: Option<&BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>>,
) -> Option<String> {
    q.and_then(|m| m.get("storage")).map(|q| q.0.clone())
}

fn source_of(pv: &PersistentVolume) -> Option<String> {
    let spec = pv.spec.as_ref()?;
    if let Some(csi) = &spec.csi {
        return Some(format!("csi: {}", csi.driver));
    }
    let v = serde_json::to_value(spec).ok()?;
    // The first volume source field the spec has (hostPath, local, nfs, awsElasticBlockStore, ...).
    const NOT_SOURCES: &[&str] = &[
        "accessModes",
        "capacity",
        "claimRef",
        "mountOptions",
        "nodeAffinity",
        "persistentVolumeReclaimPolicy",
        "storageClassName",
        "volumeMode",
        "volumeAttributesClassName",
    ];
    v.as_object()?
        .keys()
        .find(|k| !NOT_SOURCES.contains(&k.as_str()))
        .cloned()
}

/// Builds the view; `None` until the set is known.
pub fn build(inputs: &Inputs) -> Option<StorageView> {
    let sts = inputs.sts.as_ref()?;
    let ns = sts.metadata.namespace.clone().unwrap_or_default();
    let name = sts.metadata.name.clone().unwrap_or_default();
    let spec = sts.spec.as_ref();
    let replicas = spec.and_then(|s| s.replicas).unwrap_or(1).max(0);
    let start = spec
        .and_then(|s| s.ordinals.as_ref())
        .and_then(|o| o.start)
        .unwrap_or(0)
        .max(0);
    let expandable = |class: Option<&String>| -> Option<bool> {
        let class = class?;
        inputs
            .classes
            .iter()
            .find(|c| c.metadata.name.as_ref() == Some(class))
            .map(|c| c.allow_volume_expansion.unwrap_or(false))
    };
    let templates: Vec<TemplateStorage> = spec
        .and_then(|s| s.volume_claim_templates.as_ref())
        .into_iter()
        .flatten()
        .map(|t| {
            let ts = t.spec.as_ref();
            let class = ts.and_then(|s| s.storage_class_name.clone());
            TemplateStorage {
                name: t.metadata.name.clone().unwrap_or_default(),
                size: storage_of(
                    ts.and_then(|s| s.resources.as_ref())
                        .and_then(|r| r.requests.as_ref()),
                ),
                class_expandable: expandable(class.as_ref()),
                storage_class: class,
                access_modes: ts.and_then(|s| s.access_modes.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let claim_view = |claim_name: &str, template: &TemplateStorage, ordinal: i32| -> ClaimStorage {
        let pvc = inputs
            .claims
            .iter()
            .find(|c| c.metadata.name.as_deref() == Some(claim_name));
        let Some(pvc) = pvc else {
            return ClaimStorage {
                name: claim_name.to_string(),
                template: template.name.clone(),
                ordinal,
                phase: "Missing".into(),
                requested: None,
                capacity: None,
                storage_class: None,
                class_expandable: None,
                access_modes: Vec::new(),
                volume: None,
                conditions: Vec::new(),
                created: None,
                used_bytes: None,
                capacity_bytes: None,
            };
        };
        let ps = pvc.spec.as_ref();
        let status = pvc.status.as_ref();
        let class = ps.and_then(|s| s.storage_class_name.clone());
        let volume = ps.and_then(|s| s.volume_name.clone()).map(|v| {
            let pv = inputs
                .volumes
                .iter()
                .find(|p| p.metadata.name.as_ref() == Some(&v));
            VolumeInfo {
                reclaim_policy: pv
                    .and_then(|p| p.spec.as_ref())
                    .and_then(|s| s.persistent_volume_reclaim_policy.clone()),
                source: pv.and_then(source_of),
                name: v,
            }
        });
        let used = inputs.used.get(&format!("{ns}/{claim_name}"));
        ClaimStorage {
            name: claim_name.to_string(),
            template: template.name.clone(),
            ordinal,
            phase: status
                .and_then(|s| s.phase.clone())
                .unwrap_or_else(|| "Pending".into()),
            requested: storage_of(
                ps.and_then(|s| s.resources.as_ref())
                    .and_then(|r| r.requests.as_ref()),
            ),
            capacity: storage_of(status.and_then(|s| s.capacity.as_ref())),
            class_expandable: expandable(class.as_ref()),
            storage_class: class,
            access_modes: ps.and_then(|s| s.access_modes.clone()).unwrap_or_default(),
            volume,
            conditions: status
                .and_then(|s| s.conditions.as_ref())
                .into_iter()
                .flatten()
                .filter(|c| c.status == "True")
                .map(|c| c.type_.clone())
                .collect(),
            created: pvc
                .metadata
                .creation_timestamp
                .as_ref()
                .map(|t| t.0.as_second()),
            used_bytes: used.map(|u| u.0),
            capacity_bytes: used.map(|u| u.1),
        }
    };
    let mut claims = Vec::new();
    for ordinal in start..start + replicas {
        for t in &templates {
            claims.push(claim_view(
                &format!("{}-{name}-{ordinal}", t.name),
                t,
                ordinal,
            ));
        }
    }
    let mut orphans = Vec::new();
    for t in &templates {
        let prefix = format!("{}-{name}-", t.name);
        for c in &inputs.claims {
            let Some(cn) = c.metadata.name.as_deref() else {
                continue;
            };
            let Some(ordinal) = cn.strip_prefix(&prefix).and_then(|o| o.parse::<i32>().ok()) else {
                continue;
            };
            if !(start..start + replicas).contains(&ordinal) {
                orphans.push(claim_view(cn, t, ordinal));
            }
        }
    }
    orphans.sort_by(|a, b| (a.ordinal, &a.template).cmp(&(b.ordinal, &b.template)));
    Some(StorageView {
        namespace: ns,
        name,
        replicas,
        templates,
        claims,
        orphans,
        usage: inputs.usage.clone().unwrap_or(Usage::Pending),
    })
}

/// Used and capacity bytes per claim (`namespace/claim`) from the kubelets of `nodes`.
pub async fn read_usage(
    client: &kube::Client,
    nodes: &[String],
) -> Result<BTreeMap<String, (u64, u64)>, IpcError> {
    let mut out = BTreeMap::new();
    for node in nodes {
        let req = http::Request::get(format!("/api/v1/nodes/{node}/proxy/stats/summary"))
            .body(Vec::new())
            .map_err(|e| IpcError::internal(e.to_string()))?;
        let summary: serde_json::Value = client.request(req).await.map_err(|e| {
            use crate::error::Classify;
            crate::cluster::ClusterError::from_kube(&e).to_ipc()
        })?;
        for pod in summary["pods"].as_array().into_iter().flatten() {
            for v in pod["volume"].as_array().into_iter().flatten() {
                let (Some(claim), Some(ns)) = (
                    v["pvcRef"]["name"].as_str(),
                    v["pvcRef"]["namespace"].as_str(),
                ) else {
                    continue;
                };
                if let (Some(used), Some(cap)) =
                    (v["usedBytes"].as_u64(), v["capacityBytes"].as_u64())
                {
                    out.insert(format!("{ns}/{claim}"), (used, cap));
                }
            }
        }
    }
    Ok(out)
}

/// Streams the storage view of one StatefulSet. Ends with `Err(NotFound)` when it is deleted.
pub fn watch(
    client: kube::Client,
    namespace: String,
    name: String,
) -> impl Stream<Item = Result<StorageView, IpcError>> + Send + 'static {
    let (tx, rx) = mpsc::channel(4);
    crate::task_stream::spawn_on_first_poll(rx, run(client, namespace, name, tx))
}

async fn run(
    client: kube::Client,
    ns: String,
    name: String,
    tx: mpsc::Sender<Result<StorageView, IpcError>>,
) {
    let by_name = watcher::Config::default().fields(&format!("metadata.name={name}"));
    let (sts_r, sts_w) = reflector::store::<StatefulSet>();
    let (pvc_r, pvc_w) = reflector::store::<PersistentVolumeClaim>();
    let (sc_r, sc_w) = reflector::store::<StorageClass>();
    let (pv_r, pv_w) = reflector::store::<PersistentVolume>();
    let (pod_r, pod_w) = reflector::store::<Pod>();
    let streams = vec![
        reflector(
            sts_w,
            watcher(Api::<StatefulSet>::namespaced(client.clone(), &ns), by_name),
        )
        .default_backoff()
        .map(|_| ())
        .boxed(),
        reflector(
            pvc_w,
            watcher(
                Api::<PersistentVolumeClaim>::namespaced(client.clone(), &ns),
                Default::default(),
            ),
        )
        .default_backoff()
        .map(|_| ())
        .boxed(),
        reflector(
            sc_w,
            watcher(Api::<StorageClass>::all(client.clone()), Default::default()),
        )
        .default_backoff()
        .map(|_| ())
        .boxed(),
        reflector(
            pv_w,
            watcher(
                Api::<PersistentVolume>::all(client.clone()),
                Default::default(),
            ),
        )
        .default_backoff()
        .map(|_| ())
        .boxed(),
        reflector(
            pod_w,
            watcher(
                Api::<Pod>::namespaced(client.clone(), &ns),
                Default::default(),
            ),
        )
        .default_backoff()
        .map(|_| ())
        .boxed(),
    ];
    let mut changes = futures::stream::select_all(streams);
    let mut last: Option<StorageView> = None;
    let mut seen = false;
    let mut used = BTreeMap::new();
    let mut usage: Option<Usage> = None;
    let mut usage_tick = tokio::time::interval(USAGE_EVERY);
    usage_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let mut read_usage_now = false;
        tokio::select! {
            _ = tx.closed() => return,
            next = changes.next() => if next.is_none() { return },
            _ = usage_tick.tick() => read_usage_now = true,
        }
        if !read_usage_now {
            // fold a burst of events into one rebuild
            let deadline = tokio::time::sleep(Duration::from_millis(100));
            tokio::pin!(deadline);
            loop {
                tokio::select! {
                    _ = &mut deadline => break,
                    next = changes.next() => if next.is_none() { return },
                }
            }
        }
        if futures::FutureExt::now_or_never(sts_r.wait_until_ready()).is_none() {
            continue;
        }
        let Ok(sts) = super::detail::current_or_returning(&sts_r, seen, &mut changes, &tx).await
        else {
            return;
        };
        let Some(sts) = sts else {
            let what = if seen {
                "no longer exists"
            } else {
                "does not exist"
            };
            let _ = tx
                .send(Err(IpcError::new(
                    ErrorCode::NotFound,
                    format!("statefulset {ns}/{name} {what}"),
                )))
                .await;
            return;
        };
        seen = true;
        // Usage is read on the tick, and as soon as the pods' nodes are known.
        if read_usage_now || usage.is_none() {
            let prefix = format!("{name}-");
            let mut nodes: Vec<String> = pod_r
                .state()
                .iter()
                .filter(|p| {
                    p.metadata
                        .name
                        .as_deref()
                        .and_then(|n| n.strip_prefix(&prefix))
                        .is_some_and(|o| o.parse::<i32>().is_ok())
                })
                .filter_map(|p| p.spec.as_ref()?.node_name.clone())
                .collect();
            nodes.sort();
            nodes.dedup();
            if !nodes.is_empty() || read_usage_now {
                match read_usage(&client, &nodes).await {
                    Ok(u) => {
                        used = u;
                        usage = Some(Usage::Reported);
                    }
                    Err(e) => {
                        tracing::debug!(error = %e.message, "storage usage not reported");
                        used.clear();
                        usage = Some(Usage::NotReported { reason: e.message });
                    }
                }
            }
        }
        let inputs = Inputs {
            sts: Some(sts),
            claims: pvc_r.state().iter().map(|p| (**p).clone()).collect(),
            classes: sc_r.state().iter().map(|p| (**p).clone()).collect(),
            volumes: pv_r.state().iter().map(|p| (**p).clone()).collect(),
            used: used.clone(),
            usage: usage.clone(),
        };
        let Some(view) = build(&inputs) else { continue };
        if last.as_ref() != Some(&view) {
            last = Some(view.clone());
            if tx.send(Ok(view)).await.is_err() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn inputs() -> Inputs {
        let sts: StatefulSet = serde_json::from_value(json!({
            "metadata": {"name": "pg", "namespace": "db"},
            "spec": {"replicas": 2, "serviceName": "pg", "selector": {}, "template": {},
                "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"storageClassName": "standard",
                    "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]}
        }))
        .unwrap();
        let claim = |n: &str,
                     phase: &str,
                     cap: &str,
                     conds: serde_json::Value|
         -> PersistentVolumeClaim {
            serde_json::from_value(json!({
                "metadata": {"name": n, "namespace": "db", "creationTimestamp": "2026-01-01T00:00:00Z"},
                "spec": {"storageClassName": "standard", "volumeName": format!("pv-{n}"), "accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": "2Gi"}}},
                "status": {"phase": phase, "capacity": {"storage": cap}, "conditions": conds}
            }))
            .unwrap()
        };
        Inputs {
            sts: Some(sts),
            claims: vec![
                claim("data-pg-0", "Bound", "2Gi", json!([])),
                claim("data-pg-1", "Bound", "1Gi", json!([{"type": "FileSystemResizePending", "status": "True"}])),
                claim("data-pg-2", "Bound", "1Gi", json!([])),
                claim("other-pg-0", "Bound", "1Gi", json!([])),
            ],
            classes: vec![serde_json::from_value(json!({"metadata": {"name": "standard"}, "provisioner": "x", "allowVolumeExpansion": true})).unwrap()],
            volumes: vec![serde_json::from_value(json!({"metadata": {"name": "pv-data-pg-0"},
                "spec": {"persistentVolumeReclaimPolicy": "Delete", "hostPath": {"path": "/x"}}})).unwrap()],
            used: BTreeMap::from([("db/data-pg-0".to_string(), (1_000, 2_000))]),
            usage: Some(Usage::Reported),
        }
    }

    #[test]
    fn claims_per_ordinal_with_volume_conditions_usage_and_orphans() {
        let v = build(&inputs()).unwrap();
        assert_eq!(v.templates[0].class_expandable, Some(true));
        let names: Vec<_> = v.claims.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["data-pg-0", "data-pg-1"]);
        let c0 = &v.claims[0];
        assert_eq!(
            (c0.requested.as_deref(), c0.capacity.as_deref()),
            (Some("2Gi"), Some("2Gi"))
        );
        assert_eq!(c0.used_bytes, Some(1_000));
        let vol = c0.volume.as_ref().unwrap();
        assert_eq!(
            (vol.reclaim_policy.as_deref(), vol.source.as_deref()),
            (Some("Delete"), Some("hostPath"))
        );
        assert_eq!(v.claims[1].conditions, ["FileSystemResizePending"]);
        assert_eq!(
            v.claims[1].used_bytes, None,
            "not reported is absent, not 0"
        );
        // data-pg-2 is beyond replicas: an orphan; other-pg-0 belongs to no template.
        let orphans: Vec<_> = v.orphans.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(orphans, ["data-pg-2"]);
    }

    #[test]
    fn a_missing_claim_is_missing_and_an_unknown_class_is_unknown() {
        let mut i = inputs();
        i.claims
            .retain(|c| c.metadata.name.as_deref() != Some("data-pg-1"));
        i.classes.clear();
        let v = build(&i).unwrap();
        assert_eq!(v.claims[1].phase, "Missing");
        assert_eq!(v.claims[0].class_expandable, None);
    }
}
