//! Bad input in the YAML editor, table-driven: invalid replica counts, quantities, label
//! selectors and labels, names, ports, probe settings, and edits of immutable fields each get a
//! clear message at the right field, and nothing is sent (the simulator counts requests).

#[path = "cluster_harness.rs"]
mod harness;

use harness::{TestCluster, TestNamespace};
use kube::api::ApiResource;
use ordinal_core::edit::{self, checks, ApplyOutcome, EditTarget};
use serde_json::{json, Value};

fn base() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "pg", "namespace": "db", "labels": {"app": "pg"}},
        "spec": {
            "replicas": 3, "serviceName": "pg", "podManagementPolicy": "OrderedReady",
            "selector": {"matchLabels": {"app": "pg"}},
            "template": {"metadata": {"labels": {"app": "pg"}}, "spec": {"containers": [{
                "name": "postgres", "image": "postgres:16",
                "ports": [{"containerPort": 5432, "name": "pg"}],
                "resources": {"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
                "readinessProbe": {"tcpSocket": {"port": 5432}, "periodSeconds": 10},
                "livenessProbe": {"exec": {"command": ["pg_isready"]}, "failureThreshold": 3}
            }]}},
            "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}}}]
        }
    })
}

fn set(v: &mut Value, path: &str, to: Value) {
    let mut cur = v;
    let parts: Vec<&str> = path.split('.').collect();
    for (i, p) in parts.iter().enumerate() {
        let key: &str = p;
        let next = if let Ok(idx) = key.parse::<usize>() {
            &mut cur[idx]
        } else {
            &mut cur[key]
        };
        if i == parts.len() - 1 {
            *next = to;
            return;
        }
        cur = next;
    }
}

/// (what, path to set, value, field the problem must name)
fn cases() -> Vec<(&'static str, &'static str, Value, &'static str)> {
    vec![
        (
            "negative replicas",
            "spec.replicas",
            json!(-1),
            "spec.replicas",
        ),
        (
            "replicas not a number",
            "spec.replicas",
            json!("three"),
            "spec.replicas",
        ),
        (
            "bad cpu quantity",
            "spec.template.spec.containers.0.resources.requests.cpu",
            json!("fast"),
            "spec.template.spec.containers[0].resources.requests.cpu",
        ),
        (
            "bad memory quantity",
            "spec.template.spec.containers.0.resources.limits.memory",
            json!("1 GB"),
            "spec.template.spec.containers[0].resources.limits.memory",
        ),
        (
            "request above limit",
            "spec.template.spec.containers.0.resources.requests.memory",
            json!("2Gi"),
            "spec.template.spec.containers[0].resources.requests.memory",
        ),
        (
            "bad storage quantity",
            "spec.volumeClaimTemplates.0.spec.resources.requests.storage",
            json!("ten gigs"),
            "spec.volumeClaimTemplates[0].spec.resources.requests.storage",
        ),
        (
            "selector no longer matches",
            "spec.selector.matchLabels",
            json!({"app": "other"}),
            "spec.template.metadata.labels",
        ),
        (
            "bad label value",
            "metadata.labels",
            json!({"app": "-pg-"}),
            "metadata.labels.app",
        ),
        (
            "bad label key",
            "spec.template.metadata.labels",
            json!({"app": "pg", "bad key!": "x"}),
            "spec.template.metadata.labels.bad key!",
        ),
        (
            "bad container name",
            "spec.template.spec.containers.0.name",
            json!("Postgres_DB"),
            "spec.template.spec.containers[0].name",
        ),
        (
            "port zero",
            "spec.template.spec.containers.0.ports.0.containerPort",
            json!(0),
            "spec.template.spec.containers[0].ports[0].containerPort",
        ),
        (
            "port too high",
            "spec.template.spec.containers.0.ports.0.containerPort",
            json!(70000),
            "spec.template.spec.containers[0].ports[0].containerPort",
        ),
        (
            "bad protocol",
            "spec.template.spec.containers.0.ports.0.protocol",
            json!("HTTP"),
            "spec.template.spec.containers[0].ports[0].protocol",
        ),
        (
            "probe period 0",
            "spec.template.spec.containers.0.readinessProbe.periodSeconds",
            json!(0),
            "spec.template.spec.containers[0].readinessProbe.periodSeconds",
        ),
        (
            "probe negative delay",
            "spec.template.spec.containers.0.readinessProbe.initialDelaySeconds",
            json!(-5),
            "spec.template.spec.containers[0].readinessProbe.initialDelaySeconds",
        ),
        (
            "probe without handler",
            "spec.template.spec.containers.0.livenessProbe",
            json!({"periodSeconds": 5}),
            "spec.template.spec.containers[0].livenessProbe",
        ),
        (
            "liveness successThreshold",
            "spec.template.spec.containers.0.livenessProbe.successThreshold",
            json!(2),
            "spec.template.spec.containers[0].livenessProbe.successThreshold",
        ),
        (
            "probe port out of range",
            "spec.template.spec.containers.0.readinessProbe.tcpSocket.port",
            json!(99999),
            "spec.template.spec.containers[0].readinessProbe.tcpSocket.port",
        ),
        (
            "immutable serviceName",
            "spec.serviceName",
            json!("pg-2"),
            "spec.serviceName",
        ),
        (
            "immutable selector",
            "spec.selector",
            json!({"matchLabels": {"app": "pg", "tier": "db"}}),
            "spec.selector",
        ),
        (
            "immutable claim templates",
            "spec.volumeClaimTemplates.0.spec.resources.requests.storage",
            json!("20Gi"),
            "spec.volumeClaimTemplates",
        ),
        (
            "immutable pod management",
            "spec.podManagementPolicy",
            json!("Parallel"),
            "spec.podManagementPolicy",
        ),
    ]
}

#[test]
fn each_bad_value_is_reported_at_its_field() {
    let b = base();
    assert_eq!(
        checks::check_statefulset(&b, Some(&b)),
        Vec::new(),
        "the base is valid"
    );
    for (what, path, value, field) in cases() {
        let mut v = b.clone();
        set(&mut v, path, value);
        let problems = checks::check_statefulset(&v, Some(&b));
        assert!(
            problems.iter().any(|p| p.field.as_deref() == Some(field)),
            "{what}: expected a problem at {field}, got {problems:?}"
        );
        assert!(problems.iter().all(|p| !p.message.is_empty()));
    }
    // The mutable parts stay editable.
    let mut v = b.clone();
    set(&mut v, "spec.replicas", json!(5));
    set(
        &mut v,
        "spec.template.spec.containers.0.image",
        json!("postgres:17"),
    );
    set(
        &mut v,
        "spec.updateStrategy",
        json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}),
    );
    assert_eq!(checks::check_statefulset(&v, Some(&b)), Vec::new());
}

#[tokio::test]
async fn nothing_is_sent_for_bad_input() {
    let c = TestCluster::empty().await;
    let client = c.client().await;
    let ns = TestNamespace::new(&client, "badinput").await;
    let target = EditTarget {
        context: c.context.clone(),
        kind: "statefulsets".into(),
        namespace: ns.name.clone(),
        name: "pg".into(),
    };
    let mut b = base();
    b["metadata"]["namespace"] = json!(ns.name);
    let base_text = serde_saphyr::to_string(&b).unwrap();
    let ar = ApiResource::erase::<k8s_openapi::api::apps::v1::StatefulSet>(&());
    let counter = c.sim.as_ref().map(|s| s.faults());
    for (what, path, value, field) in cases() {
        let mut v = b.clone();
        set(&mut v, path, value);
        let text = serde_saphyr::to_string(&v).unwrap();
        let before = counter.as_ref().map(|f| f.request_count());
        let out = edit::apply(client.clone(), &ar, &target, &base_text, &text, true)
            .await
            .unwrap();
        let ApplyOutcome::Invalid { problems } = out else {
            panic!("{what}: expected Invalid, got {out:?}");
        };
        assert!(
            problems.iter().any(|p| p.field.as_deref() == Some(field)),
            "{what}: {problems:?}"
        );
        if let (Some(f), Some(b)) = (&counter, before) {
            assert_eq!(f.request_count(), b, "{what}: a request was sent");
        }
    }
    ns.delete().await;
}
