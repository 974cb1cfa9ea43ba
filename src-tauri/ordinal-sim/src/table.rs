//! meta.k8s.io/v1 Table rendering (what `kubectl get` asks for), with the real server's columns.

use serde_json::{json, Value};

use crate::resources::{idx, ResourceDef};

#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("no columns for {0}")]
    NoColumns(String),
}

fn s<'a>(v: &'a Value, ptr: &str) -> &'a str {
    v.pointer(ptr).and_then(Value::as_str).unwrap_or("")
}

/// kubectl's HumanDuration.
pub fn human_duration(secs: i64) -> String {
    let secs = secs.max(0);
    let m = secs / 60;
    let h = m / 60;
    let d = h / 24;
    if secs < 120 {
        format!("{secs}s")
    } else if m < 10 {
        if secs % 60 == 0 {
            format!("{m}m")
        } else {
            format!("{m}m{}s", secs % 60)
        }
    } else if m < 180 {
        format!("{m}m")
    } else if h < 8 {
        if m % 60 == 0 {
            format!("{h}h")
        } else {
            format!("{h}h{}m", m % 60)
        }
    } else if h < 48 {
        format!("{h}h")
    } else if h < 192 {
        if h % 24 == 0 {
            format!("{d}d")
        } else {
            format!("{d}d{}h", h % 24)
        }
    } else if d < 730 {
        format!("{d}d")
    } else {
        let y = d / 365;
        if y < 8 {
            format!("{y}y{}d", d % 365)
        } else {
            format!("{y}y")
        }
    }
}

fn age(ts: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(ts) {
        Ok(t) => human_duration((chrono::Utc::now() - t.with_timezone(&chrono::Utc)).num_seconds()),
        Err(_) => "<unknown>".into(),
    }
}

fn col(name: &str, ty: &str, priority: i32, desc: &str) -> Value {
    let format = if name == "Name" { "name" } else { "" };
    json!({"name": name, "type": ty, "format": format, "description": desc, "priority": priority})
}

pub fn columns(res: usize) -> Vec<Value> {
    let name = col(
        "Name",
        "string",
        0,
        "Name must be unique within a namespace.",
    );
    let age_c = col("Age", "string", 0, "CreationTimestamp is a timestamp representing the server time when this object was created.");
    match res {
        idx::PODS => vec![
            name,
            col("Ready", "string", 0, "The aggregate readiness state of this pod for accepting traffic."),
            col("Status", "string", 0, "The aggregate status of the containers in this pod."),
            col("Restarts", "string", 0, "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
            age_c,
            col("IP", "string", 1, "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated."),
            col("Node", "string", 1, "NodeName is a request to schedule this pod onto a specific node."),
            col("Nominated Node", "string", 1, "nominatedNodeName is set only when this pod preempts other pods on the node."),
            col("Readiness Gates", "string", 1, "If specified, all readiness gates will be evaluated for pod readiness."),
        ],
        idx::STATEFULSETS => vec![
            name,
            col("Ready", "string", 0, "Number of the pod with ready state"),
            age_c,
            col("Containers", "string", 1, "Names of each container in the template."),
            col("Images", "string", 1, "Images referenced by each container in the template."),
        ],
        idx::SERVICES => vec![
            name,
            col("Type", "string", 0, "type determines how the Service is exposed."),
            col("Cluster-IP", "string", 0, "clusterIP is the IP address of the service."),
            col("External-IP", "string", 0, "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
            col("Port(s)", "string", 0, "The list of ports that are exposed by this service."),
            age_c,
            col("Selector", "string", 1, "Route service traffic to pods with label keys and values matching this selector."),
        ],
        idx::PVCS => vec![
            name,
            col("Status", "string", 0, "status represents the current information/status of a persistent volume claim."),
            col("Volume", "string", 0, "volumeName is the binding reference to the PersistentVolume backing this claim."),
            col("Capacity", "string", 0, "capacity represents the actual resources of the underlying volume."),
            col("Access Modes", "string", 0, "accessModes contains the desired access modes the volume should have."),
            col("StorageClass", "string", 0, "storageClassName is the name of the StorageClass required by the claim."),
            col("VolumeAttributesClass", "string", 0, "volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim."),
            age_c,
            col("VolumeMode", "string", 1, "volumeMode defines what type of volume is required by the claim."),
        ],
        idx::PVS => vec![
            name,
            col("Capacity", "string", 0, "capacity is the description of the persistent volume's resources and capacity."),
            col("Access Modes", "string", 0, "accessModes contains all ways the volume can be mounted."),
            col("Reclaim Policy", "string", 0, "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim."),
            col("Status", "string", 0, "phase indicates if a volume is available, bound to a claim, or released by a claim."),
            col("Claim", "string", 0, "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."),
            col("StorageClass", "string", 0, "storageClassName is the name of StorageClass to which this persistent volume belongs."),
            col("VolumeAttributesClass", "string", 0, "Name of VolumeAttributesClass to which this persistent volume belongs."),
            col("Reason", "string", 0, "reason is a brief CamelCase string that describes any failure."),
            age_c,
        ],
        idx::NODES => vec![
            name,
            col("Status", "string", 0, "The status of the node"),
            col("Roles", "string", 0, "The roles of the node"),
            age_c,
            col("Version", "string", 0, "Kubelet Version reported by the node."),
            col("Internal-IP", "string", 1, "List of addresses reachable to the node."),
        ],
        idx::NAMESPACES => vec![name, col("Status", "string", 0, "The status of the namespace"), age_c],
        idx::EVENTS => vec![
            col("Last Seen", "string", 0, "Time when last event occurred"),
            col("Type", "string", 0, "Type of this event (Normal, Warning), new types could be added in the future."),
            col("Reason", "string", 0, "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
            col("Object", "string", 0, "The object that this event is about."),
            col("Message", "string", 0, "A human-readable description of the status of this operation."),
        ],
        idx::CONFIGMAPS => vec![name, col("Data", "integer", 0, "Number of data entries"), age_c],
        idx::SECRETS => vec![name, col("Type", "string", 0, "The type of the secret"), col("Data", "integer", 0, "Number of data entries"), age_c],
        idx::REVISIONS => vec![name, col("Controller", "string", 0, "Controller of the object"), col("Revision", "integer", 0, "Revision"), age_c],
        idx::PDBS => vec![
            name,
            col("Min Available", "string", 0, "The minimum number of pods that must be available."),
            col("Max Unavailable", "string", 0, "The maximum number of pods that may be unavailable."),
            col("Allowed Disruptions", "integer", 0, "Calculated number of pods that may be disrupted at this time."),
            age_c,
        ],
        idx::STORAGECLASSES => vec![
            name,
            col("Provisioner", "string", 0, "provisioner indicates the type of the provisioner."),
            col("ReclaimPolicy", "string", 0, "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class."),
            col("VolumeBindingMode", "string", 0, "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound."),
            col("AllowVolumeExpansion", "string", 0, "allowVolumeExpansion shows whether the storage class allow volume expand."),
            age_c,
        ],
        _ => vec![name, age_c],
    }
}

/// The pod STATUS column as kubectl shows it.
pub fn pod_status(p: &Value) -> String {
    if p.pointer("/metadata/deletionTimestamp").is_some() {
        return "Terminating".into();
    }
    let mut reason = s(p, "/status/phase").to_string();
    if let Some(r) = p.pointer("/status/reason").and_then(Value::as_str) {
        reason = r.to_string();
    }
    if let Some(cs) = p
        .pointer("/status/containerStatuses")
        .and_then(Value::as_array)
    {
        for c in cs.iter().rev() {
            if let Some(w) = c.pointer("/state/waiting/reason").and_then(Value::as_str) {
                reason = w.to_string();
            } else if let Some(t) = c
                .pointer("/state/terminated/reason")
                .and_then(Value::as_str)
            {
                reason = t.to_string();
            }
        }
    }
    reason
}

fn row(res: usize, o: &Value) -> Vec<Value> {
    let name = json!(s(o, "/metadata/name"));
    let a = json!(age(s(o, "/metadata/creationTimestamp")));
    match res {
        idx::PODS => {
            let cs = o
                .pointer("/status/containerStatuses")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let total = o
                .pointer("/spec/containers")
                .and_then(Value::as_array)
                .map(|a| a.len())
                .unwrap_or(0);
            let ready = cs
                .iter()
                .filter(|c| c.get("ready") == Some(&json!(true)))
                .count();
            let restarts: i64 = cs
                .iter()
                .filter_map(|c| c.get("restartCount").and_then(Value::as_i64))
                .sum();
            let ip = s(o, "/status/podIP");
            let node = s(o, "/spec/nodeName");
            vec![
                name,
                json!(format!("{ready}/{total}")),
                json!(pod_status(o)),
                json!(restarts.to_string()),
                a,
                json!(if ip.is_empty() { "<none>" } else { ip }),
                json!(if node.is_empty() { "<none>" } else { node }),
                json!("<none>"),
                json!("<none>"),
            ]
        }
        idx::STATEFULSETS => {
            let ready = o
                .pointer("/status/readyReplicas")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            let want = o
                .pointer("/spec/replicas")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            let cs = o
                .pointer("/spec/template/spec/containers")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let names: Vec<&str> = cs.iter().map(|c| s(c, "/name")).collect();
            let images: Vec<&str> = cs.iter().map(|c| s(c, "/image")).collect();
            vec![
                name,
                json!(format!("{ready}/{want}")),
                a,
                json!(names.join(",")),
                json!(images.join(",")),
            ]
        }
        idx::SERVICES => {
            let ports: Vec<String> = o
                .pointer("/spec/ports")
                .and_then(Value::as_array)
                .map(|ps| {
                    ps.iter()
                        .map(|p| {
                            format!(
                                "{}/{}",
                                p.get("port").and_then(Value::as_i64).unwrap_or(0),
                                s(p, "/protocol")
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let sel: Vec<String> = o
                .pointer("/spec/selector")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                        .collect()
                })
                .unwrap_or_default();
            let cip = s(o, "/spec/clusterIP");
            vec![
                name,
                json!(s(o, "/spec/type")),
                json!(if cip.is_empty() { "<none>" } else { cip }),
                json!("<none>"),
                json!(if ports.is_empty() {
                    "<none>".to_string()
                } else {
                    ports.join(",")
                }),
                a,
                json!(if sel.is_empty() {
                    "<none>".to_string()
                } else {
                    sel.join(",")
                }),
            ]
        }
        idx::PVCS => {
            let modes = access_modes(o.pointer("/spec/accessModes"));
            vec![
                name,
                json!(s(o, "/status/phase")),
                json!(s(o, "/spec/volumeName")),
                json!(s(o, "/status/capacity/storage")),
                json!(if s(o, "/status/phase") == "Bound" {
                    modes
                } else {
                    String::new()
                }),
                json!(s(o, "/spec/storageClassName")),
                json!("<unset>"),
                a,
                json!(s(o, "/spec/volumeMode")),
            ]
        }
        idx::PVS => {
            let claim = if s(o, "/spec/claimRef/name").is_empty() {
                String::new()
            } else {
                format!(
                    "{}/{}",
                    s(o, "/spec/claimRef/namespace"),
                    s(o, "/spec/claimRef/name")
                )
            };
            vec![
                name,
                json!(s(o, "/spec/capacity/storage")),
                json!(access_modes(o.pointer("/spec/accessModes"))),
                json!(s(o, "/spec/persistentVolumeReclaimPolicy")),
                json!(s(o, "/status/phase")),
                json!(claim),
                json!(s(o, "/spec/storageClassName")),
                json!("<unset>"),
                json!(""),
                a,
            ]
        }
        idx::NODES => {
            let ready = o
                .pointer("/status/conditions")
                .and_then(Value::as_array)
                .and_then(|cs| cs.iter().find(|c| s(c, "/type") == "Ready"))
                .map(|c| {
                    if s(c, "/status") == "True" {
                        "Ready"
                    } else {
                        "NotReady"
                    }
                })
                .unwrap_or("Unknown");
            let roles: Vec<String> = o
                .pointer("/metadata/labels")
                .and_then(Value::as_object)
                .map(|m| {
                    m.keys()
                        .filter_map(|k| {
                            k.strip_prefix("node-role.kubernetes.io/").map(String::from)
                        })
                        .collect()
                })
                .unwrap_or_default();
            let ip = o
                .pointer("/status/addresses")
                .and_then(Value::as_array)
                .and_then(|a| a.iter().find(|x| s(x, "/type") == "InternalIP"))
                .map(|x| s(x, "/address").to_string())
                .unwrap_or_default();
            vec![
                name,
                json!(ready),
                json!(if roles.is_empty() {
                    "<none>".into()
                } else {
                    roles.join(",")
                }),
                a,
                json!(s(o, "/status/nodeInfo/kubeletVersion")),
                json!(ip),
            ]
        }
        idx::NAMESPACES => vec![name, json!(s(o, "/status/phase")), a],
        idx::EVENTS => {
            let last = if s(o, "/lastTimestamp").is_empty() {
                s(o, "/eventTime")
            } else {
                s(o, "/lastTimestamp")
            };
            let obj = format!(
                "{}/{}",
                s(o, "/involvedObject/kind").to_lowercase(),
                s(o, "/involvedObject/name")
            );
            vec![
                json!(age(last)),
                json!(s(o, "/type")),
                json!(s(o, "/reason")),
                json!(obj),
                json!(s(o, "/message")),
            ]
        }
        idx::CONFIGMAPS => {
            let n = o
                .get("data")
                .and_then(Value::as_object)
                .map(|m| m.len())
                .unwrap_or(0)
                + o.get("binaryData")
                    .and_then(Value::as_object)
                    .map(|m| m.len())
                    .unwrap_or(0);
            vec![name, json!(n), a]
        }
        idx::SECRETS => {
            let n = o
                .get("data")
                .and_then(Value::as_object)
                .map(|m| m.len())
                .unwrap_or(0);
            vec![name, json!(s(o, "/type")), json!(n), a]
        }
        idx::REVISIONS => {
            let ctrl = o
                .pointer("/metadata/ownerReferences")
                .and_then(Value::as_array)
                .and_then(|a| a.first())
                .map(|r| {
                    format!(
                        "{}.{}/{}",
                        s(r, "/kind").to_lowercase(),
                        s(r, "/apiVersion").split('/').next().unwrap_or(""),
                        s(r, "/name")
                    )
                })
                .unwrap_or_else(|| "<none>".into());
            vec![
                name,
                json!(ctrl),
                json!(o.get("revision").and_then(Value::as_i64).unwrap_or(0)),
                a,
            ]
        }
        idx::PDBS => {
            let ma = o
                .pointer("/spec/minAvailable")
                .map(|v| v.to_string().trim_matches('"').to_string())
                .unwrap_or_else(|| "N/A".into());
            let mu = o
                .pointer("/spec/maxUnavailable")
                .map(|v| v.to_string().trim_matches('"').to_string())
                .unwrap_or_else(|| "N/A".into());
            vec![
                name,
                json!(ma),
                json!(mu),
                json!(o
                    .pointer("/status/disruptionsAllowed")
                    .and_then(Value::as_i64)
                    .unwrap_or(0)),
                a,
            ]
        }
        idx::STORAGECLASSES => {
            let default = o
                .pointer("/metadata/annotations/storageclass.kubernetes.io~1is-default-class")
                .and_then(Value::as_str)
                == Some("true");
            let n = if default {
                format!("{} (default)", s(o, "/metadata/name"))
            } else {
                s(o, "/metadata/name").to_string()
            };
            vec![
                json!(n),
                json!(s(o, "/provisioner")),
                json!(s(o, "/reclaimPolicy")),
                json!(s(o, "/volumeBindingMode")),
                json!(o
                    .get("allowVolumeExpansion")
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
                    .to_string()),
                a,
            ]
        }
        _ => vec![name, a],
    }
}

fn access_modes(v: Option<&Value>) -> String {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|m| match m.as_str().unwrap_or("") {
                    "ReadWriteOnce" => "RWO",
                    "ReadOnlyMany" => "ROX",
                    "ReadWriteMany" => "RWX",
                    "ReadWriteOncePod" => "RWOP",
                    other => other,
                })
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
}

/// Render objects as a Table. `include_object` puts the full object in each row.
pub fn table(
    res: usize,
    _def: &ResourceDef,
    objs: &[Value],
    rv: &str,
    cont: Option<&str>,
    with_columns: bool,
) -> Value {
    let rows: Vec<Value> = objs
        .iter()
        .map(|o| json!({"cells": row(res, o), "object": o}))
        .collect();
    let mut meta = json!({"resourceVersion": rv});
    if let Some(c) = cont {
        meta["continue"] = json!(c);
    }
    let cols = if with_columns {
        columns(res)
    } else {
        Vec::new()
    };
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": meta, "columnDefinitions": cols, "rows": rows})
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn durations() {
        assert_eq!(human_duration(5), "5s");
        assert_eq!(human_duration(150), "2m30s");
        assert_eq!(human_duration(3600), "60m");
        assert_eq!(human_duration(5 * 3600 + 60), "5h1m");
        assert_eq!(human_duration(3 * 86400), "3d");
    }
}
