//! Pod: a compact row (name, namespace, status, ready x/y, restarts, node, age). Not in the
//! registry yet: the hub can watch it (the scale benchmark does), the UI does not list it.

use k8s_openapi::api::core::v1::Pod;

use super::{base_row, col, Align, Capability, Cell, ColumnDef, KindSpec, Row, SortKey, Tone};

pub struct Pods;

impl KindSpec for Pods {
    type K = Pod;
    const ID: &'static str = "pods";
    const BADGE: &'static str = "PO";
    const NAMESPACED: bool = true;

    fn columns() -> Vec<ColumnDef> {
        let mut ns = col("namespace", Align::Start, 140);
        ns.multi_scope_only = true;
        vec![
            col("name", Align::Start, 240),
            ns,
            col("status", Align::Start, 160),
            col("ready", Align::End, 70),
            col("restarts", Align::End, 80),
            col("node", Align::Start, 160),
            col("age", Align::End, 70),
        ]
    }

    fn capabilities() -> Vec<Capability> {
        vec![Capability::Delete]
    }

    fn row(pod: &Pod) -> Row {
        let mut row = base_row(&pod.metadata);
        let status = pod.status.as_ref();
        let containers = pod.spec.as_ref().map_or(0, |s| s.containers.len()) as i32;
        let statuses = status
            .and_then(|s| s.container_statuses.as_deref())
            .unwrap_or_default();
        let ready = statuses.iter().filter(|c| c.ready).count() as i32;
        let restarts: i32 = statuses.iter().map(|c| c.restart_count).sum();
        let phase = status.and_then(|s| s.phase.as_deref()).unwrap_or("Pending");

        let (tone, reason) = pod_status(pod, phase, ready, containers);
        row.cells.insert(
            "status",
            Cell::status(tone, "status.pod", [("reason", reason.to_string())]),
        );
        row.cells.insert(
            "ready",
            Cell::Progress {
                done: ready,
                total: containers,
                key: None,
            },
        );
        let ratio = if containers == 0 {
            0.0
        } else {
            f64::from(ready) / f64::from(containers)
        };
        row.sort.insert("ready", SortKey::Num(ratio));
        row.cells.insert("restarts", Cell::Count { v: restarts });
        row.sort
            .insert("restarts", SortKey::Num(f64::from(restarts)));
        let node = pod.spec.as_ref().and_then(|s| s.node_name.as_deref());
        row.cells.insert(
            "node",
            node.map_or(Cell::Empty, |n| Cell::mono(n.to_string())),
        );
        // No facts: Delete needs none, and an empty map costs nothing (50,000 rows in a watch).
        row
    }
}

/// The status as `kubectl get pods` shows it (Terminating, a container's waiting or terminated
/// reason, the pod's reason, or its phase) with its tone.
fn pod_status<'a>(pod: &'a Pod, phase: &'a str, ready: i32, containers: i32) -> (Tone, &'a str) {
    if pod.metadata.deletion_timestamp.is_some() {
        return (Tone::Terminating, "Terminating");
    }
    let status = pod.status.as_ref();
    if let Some(reason) = status.and_then(|s| s.reason.as_deref()) {
        return (Tone::Failed, reason);
    }
    for c in status
        .and_then(|s| s.container_statuses.as_deref())
        .unwrap_or_default()
    {
        let state = c.state.as_ref();
        if let Some(r) = state
            .and_then(|s| s.waiting.as_ref())
            .and_then(|w| w.reason.as_deref())
        {
            let tone = if r == "ContainerCreating" || r == "PodInitializing" {
                Tone::Progressing
            } else {
                Tone::Failed
            };
            return (tone, r);
        }
        if let Some(t) = state.and_then(|s| s.terminated.as_ref()) {
            if phase != "Succeeded" {
                let r = t.reason.as_deref().unwrap_or("Terminated");
                let tone = if t.exit_code == 0 {
                    Tone::Neutral
                } else {
                    Tone::Failed
                };
                return (tone, r);
            }
        }
    }
    let tone = match phase {
        "Running" if ready >= containers => Tone::Ok,
        "Running" | "Pending" => Tone::Progressing,
        "Succeeded" => Tone::Neutral,
        "Failed" => Tone::Failed,
        _ => Tone::Warning,
    };
    let reason = if phase == "Succeeded" {
        "Completed"
    } else {
        phase
    };
    (tone, reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(v: serde_json::Value) -> Pod {
        serde_json::from_value(v).unwrap()
    }

    fn status(row: &Row) -> (Tone, String) {
        match &row.cells["status"] {
            Cell::Status { tone, params, .. } => (*tone, params["reason"].clone()),
            c => panic!("{c:?}"),
        }
    }

    #[test]
    fn a_running_ready_pod() {
        let row = Pods::row(&pod(serde_json::json!({
            "metadata": {"name": "web-0", "namespace": "default", "resourceVersion": "7"},
            "spec": {"nodeName": "node-a", "containers": [{"name": "a"}, {"name": "b"}]},
            "status": {"phase": "Running", "containerStatuses": [
                {"name": "a", "ready": true, "restartCount": 2, "image": "x", "imageID": ""},
                {"name": "b", "ready": true, "restartCount": 1, "image": "x", "imageID": ""}
            ]}
        })));
        assert_eq!(row.key, "default/web-0");
        assert_eq!(row.resource_version, "7");
        assert_eq!(status(&row), (Tone::Ok, "Running".into()));
        assert_eq!(
            row.cells["ready"],
            Cell::Progress {
                done: 2,
                total: 2,
                key: None
            }
        );
        assert_eq!(row.cells["restarts"], Cell::Count { v: 3 });
        assert_eq!(row.cells["node"], Cell::mono("node-a"));
        assert!(row.facts.is_empty());
    }

    #[test]
    fn crash_loop_pending_and_terminating() {
        let crash = Pods::row(&pod(serde_json::json!({
            "metadata": {"name": "mq-0", "namespace": "m"},
            "spec": {"containers": [{"name": "a"}]},
            "status": {"phase": "Running", "containerStatuses": [
                {"name": "a", "ready": false, "restartCount": 5, "image": "x", "imageID": "",
                 "state": {"waiting": {"reason": "CrashLoopBackOff"}}}
            ]}
        })));
        assert_eq!(status(&crash), (Tone::Failed, "CrashLoopBackOff".into()));
        assert_eq!(crash.cells["node"], Cell::Empty);
        let pending = Pods::row(&pod(serde_json::json!({
            "metadata": {"name": "p", "namespace": "m"},
            "spec": {"containers": [{"name": "a"}]},
            "status": {"phase": "Pending"}
        })));
        assert_eq!(status(&pending), (Tone::Progressing, "Pending".into()));
        let gone = Pods::row(&pod(serde_json::json!({
            "metadata": {"name": "t", "namespace": "m", "deletionTimestamp": "2025-01-01T00:00:00Z"},
            "spec": {"containers": [{"name": "a"}]},
            "status": {"phase": "Running"}
        })));
        assert_eq!(status(&gone), (Tone::Terminating, "Terminating".into()));
        assert_eq!(Pods::capabilities(), vec![Capability::Delete]);
    }
}
