//! Volumes as a real cluster grows and measures them:
//!
//! - **Resize admission** ([`admit_update`], the API server's `PersistentVolumeClaimResize`
//!   plugin): a claim's request may only grow when its StorageClass has `allowVolumeExpansion`.
//!   Validation (in [`crate::validation`]) refuses shrinking below `status.capacity` and spec
//!   changes other than the request, or any on an unbound claim.
//! - **Expansion** ([`expand`], the external resizer plus the kubelet): a bound claim whose
//!   request exceeds its capacity gets `Resizing`, then its volume grows and the claim shows
//!   `FileSystemResizePending`; the file system is grown while a running pod mounts the claim
//!   (online expansion: `status.capacity` becomes the request), or when one next does.
//! - **Usage** ([`node_summary`], the kubelet's `/stats/summary` through the node proxy): used
//!   bytes per claim of the pods on a node, stable per claim.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Value};

use crate::controller::raw_modify;
use crate::error::ApiError;
use crate::ops;
use crate::resources::idx;
use crate::state::State;

fn s<'a>(v: &'a Value, p: &str) -> &'a str {
    v.pointer(p).and_then(Value::as_str).unwrap_or("")
}

/// A quantity in its base unit (`1Gi` → 1073741824, `500M` → 5e8, `1.5e3` → 1500).
pub fn quantity(q: &str) -> Option<f64> {
    let q = q.trim();
    let split = q
        .find(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
        .unwrap_or(q.len());
    let (num, suffix) = q.split_at(split);
    let factor = match suffix {
        "" => 1.0,
        "Ki" => 1024f64,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        _ => return None,
    };
    num.parse::<f64>().ok().map(|n| n * factor)
}

fn storage_of(v: &Value, pointer: &str) -> Option<f64> {
    v.pointer(pointer).and_then(|q| match q {
        Value::String(s) => quantity(s),
        Value::Number(n) => n.as_f64(),
        _ => None,
    })
}

fn requested(pvc: &Value) -> Option<f64> {
    storage_of(pvc, "/spec/resources/requests/storage")
}

fn capacity(pvc: &Value) -> Option<f64> {
    storage_of(pvc, "/status/capacity/storage")
}

/// The StorageClasses' `allowVolumeExpansion`, read before a claim's write (the store's lock is
/// held while the write is decided).
pub struct Classes(BTreeMap<String, bool>);

impl Classes {
    pub fn of(st: &State) -> Classes {
        Classes(
            st.store
                .list_values(idx::STORAGECLASSES, None)
                .into_iter()
                .map(|c| {
                    (
                        s(&c, "/metadata/name").to_string(),
                        c.get("allowVolumeExpansion") == Some(&json!(true)),
                    )
                })
                .collect(),
        )
    }
}

/// The resize admission of an update of claim `cur` into `new` (403 as the API server answers).
pub fn admit_update(classes: &Classes, cur: &Value, new: &Value) -> Result<(), ApiError> {
    let grows = match (requested(cur), requested(new)) {
        (Some(a), Some(b)) => b > a,
        _ => false,
    };
    if !grows {
        return Ok(());
    }
    let class = s(new, "/spec/storageClassName");
    let dynamic = !s(new, "/spec/volumeName").is_empty() && !class.is_empty();
    if dynamic && classes.0.get(class) == Some(&true) {
        return Ok(());
    }
    let name = s(cur, "/metadata/name");
    Err(ApiError::forbidden(
        format!("persistentvolumeclaims \"{name}\" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize"),
        name,
        &crate::resources::RESOURCES[idx::PVCS],
    ))
}

/// Validation of a claim's update (the API server's `ValidatePersistentVolumeClaimUpdate`):
/// `(field, cause type, message)` of what is wrong.
pub fn validate_update(cur: &Value, new: &Value) -> Vec<(&'static str, &'static str, String)> {
    let mut out = Vec::new();
    let strip = |v: &Value| {
        let mut spec = v.get("spec").cloned().unwrap_or(json!({}));
        if let Some(o) = spec.as_object_mut() {
            o.remove("resources");
            o.remove("volumeAttributesClassName");
            // Set by the binder and the defaulting of the class.
            o.remove("volumeName");
            o.remove("storageClassName");
        }
        spec
    };
    let bound = s(cur, "/status/phase") == "Bound";
    let requests_changed = cur.pointer("/spec/resources") != new.pointer("/spec/resources");
    if strip(cur) != strip(new) || (!bound && requests_changed) {
        out.push((
            "spec",
            "FieldValueForbidden",
            "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims".to_string(),
        ));
        return out;
    }
    if let (Some(b), Some(c)) = (requested(new), capacity(cur)) {
        if b < c {
            out.push((
                "spec.resources.requests.storage",
                "FieldValueForbidden",
                "field can not be less than status.capacity".to_string(),
            ));
        }
    }
    out
}

fn claim_in_use_by_running_pod(st: &State, ns: &str, claim: &str) -> bool {
    st.store.list_values(idx::PODS, Some(ns)).iter().any(|p| {
        s(p, "/status/phase") == "Running"
            && p.pointer("/metadata/deletionTimestamp").is_none()
            && p.pointer("/spec/volumes")
                .and_then(Value::as_array)
                .is_some_and(|vs| {
                    vs.iter()
                        .any(|v| s(v, "/persistentVolumeClaim/claimName") == claim)
                })
    })
}

fn condition(ty: &str, message: &str) -> Value {
    let mut c = json!({"type": ty, "status": "True", "lastProbeTime": null, "lastTransitionTime": ops::now()});
    if !message.is_empty() {
        c["message"] = json!(message);
    }
    c
}

/// One step of a bound claim's expansion; `Some(delay)` to be called again.
pub fn expand(st: &State, pvc: &Value) -> Option<Duration> {
    let (Some(want), Some(have)) = (requested(pvc), capacity(pvc)) else {
        return None;
    };
    if want <= have {
        return None;
    }
    let ns = s(pvc, "/metadata/namespace").to_string();
    let name = s(pvc, "/metadata/name").to_string();
    let size = pvc
        .pointer("/spec/resources/requests/storage")
        .cloned()
        .unwrap_or(Value::Null);
    let pv_name = s(pvc, "/spec/volumeName").to_string();
    let pv = st.store.get_value(idx::PVS, "", &pv_name);
    let pv_size = pv
        .as_ref()
        .and_then(|v| storage_of(v, "/spec/capacity/storage"));
    let conds: Vec<String> = pvc
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .map(|cs| cs.iter().map(|c| s(c, "/type").to_string()).collect())
        .unwrap_or_default();
    let step = Duration::from_millis(150);
    if pv_size.is_some_and(|p| p < want) {
        if !conds.iter().any(|c| c == "Resizing") {
            // The resizer takes the claim: Resizing, the size being allocated.
            let sz = size.clone();
            if let Ok(p) = raw_modify(st, idx::PVCS, &ns, &name, |p| {
                p["status"]["conditions"] = json!([condition("Resizing", "")]);
                p["status"]["allocatedResources"] = json!({"storage": sz});
                p["status"]["allocatedResourceStatuses"] =
                    json!({"storage": "ControllerResizeInProgress"});
            }) {
                ops::record_event(
                    st,
                    &p,
                    "Normal",
                    "Resizing",
                    &format!("External resizer is resizing volume {pv_name}"),
                    "external-resizer",
                );
            }
            return Some(step);
        }
        // The volume grows; the file system follows on the node.
        let sz = size.clone();
        let _ = raw_modify(st, idx::PVS, "", &pv_name, |v| {
            v["spec"]["capacity"]["storage"] = sz
        });
        if let Ok(p) = raw_modify(st, idx::PVCS, &ns, &name, |p| {
            p["status"]["conditions"] = json!([condition(
                "FileSystemResizePending",
                "Waiting for user to (re-)start a pod to finish file system resize of volume on node."
            )]);
            p["status"]["allocatedResourceStatuses"] = json!({"storage": "NodeResizePending"});
        }) {
            ops::record_event(
                st,
                &p,
                "Normal",
                "FileSystemResizeRequired",
                "Require file system resize of volume on node",
                "external-resizer",
            );
        }
        return Some(step);
    }
    // Volume grown: the kubelet grows the file system of a mounted claim (online expansion).
    if !claim_in_use_by_running_pod(st, &ns, &name) {
        return Some(Duration::from_secs(1));
    }
    if let Ok(p) = raw_modify(st, idx::PVCS, &ns, &name, |p| {
        p["status"]["capacity"]["storage"] = size;
        if let Some(o) = p["status"].as_object_mut() {
            o.remove("conditions");
            o.remove("allocatedResourceStatuses");
        }
    }) {
        ops::record_event(
            st,
            &p,
            "Normal",
            "FileSystemResizeSuccessful",
            &format!("MountVolume.NodeExpandVolume succeeded for volume \"{pv_name}\""),
            "kubelet",
        );
    }
    None
}

/// The kubelet's summary for `node`: each pod on it with the used bytes of its claims.
pub fn node_summary(st: &State, node: &str) -> Value {
    let mut pods = Vec::new();
    for p in st.store.list_values(idx::PODS, None) {
        if s(&p, "/spec/nodeName") != node || s(&p, "/status/phase") != "Running" {
            continue;
        }
        let ns = s(&p, "/metadata/namespace");
        let mut volumes = Vec::new();
        for v in p
            .pointer("/spec/volumes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let claim = s(v, "/persistentVolumeClaim/claimName");
            if claim.is_empty() {
                continue;
            }
            let Some(pvc) = st.store.get_value(idx::PVCS, ns, claim) else {
                continue;
            };
            let Some(cap) = capacity(&pvc) else { continue };
            // Stable per claim: between 20 % and 93 % used.
            let share = 0.20 + (ops::fxhash(&format!("{ns}/{claim}")) % 74) as f64 / 100.0;
            let used = (cap * share).round() as u64;
            volumes.push(json!({
                "time": ops::now(), "name": s(v, "/name"),
                "pvcRef": {"name": claim, "namespace": ns},
                "capacityBytes": cap as u64, "usedBytes": used, "availableBytes": cap as u64 - used,
                "inodes": 655360, "inodesUsed": 1200, "inodesFree": 654160,
            }));
        }
        pods.push(json!({
            "podRef": {"name": s(&p, "/metadata/name"), "namespace": ns, "uid": s(&p, "/metadata/uid")},
            "startTime": p.pointer("/status/startTime").cloned().unwrap_or(Value::Null),
            "volume": volumes,
        }));
    }
    json!({"node": {"nodeName": node, "startTime": ops::now()}, "pods": pods})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(quantity("1Gi"), Some(1073741824.0));
        assert_eq!(quantity("500M"), Some(5e8));
        assert_eq!(quantity("1.5e3"), Some(1500.0));
        assert_eq!(quantity("2"), Some(2.0));
        assert_eq!(quantity("1Zi"), None);
    }

    #[test]
    fn shrinking_below_capacity_and_other_spec_changes_are_refused() {
        let cur = json!({"spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "2Gi"}}, "volumeName": "pv"},
                         "status": {"phase": "Bound", "capacity": {"storage": "2Gi"}}});
        let mut grow = cur.clone();
        grow["spec"]["resources"]["requests"]["storage"] = json!("3Gi");
        assert!(validate_update(&cur, &grow).is_empty());
        let mut shrink = cur.clone();
        shrink["spec"]["resources"]["requests"]["storage"] = json!("1Gi");
        assert_eq!(
            validate_update(&cur, &shrink)[0].0,
            "spec.resources.requests.storage"
        );
        let mut modes = cur.clone();
        modes["spec"]["accessModes"] = json!(["ReadWriteMany"]);
        assert_eq!(validate_update(&cur, &modes)[0].0, "spec");
        let mut pending = cur.clone();
        pending["status"]["phase"] = json!("Pending");
        assert_eq!(validate_update(&pending, &grow)[0].0, "spec");
    }
}
