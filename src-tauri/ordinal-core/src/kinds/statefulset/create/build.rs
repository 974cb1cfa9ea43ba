//! The objects the create form makes: the headless Service and the StatefulSet, as JSON.

use serde_json::{json, Value};

use super::{service_name, CreateSpec, ProbeSpec, ResourceSpec};

fn resources(r: &ResourceSpec) -> Value {
    let mut m = serde_json::Map::new();
    if !r.cpu.is_empty() {
        m.insert("cpu".into(), r.cpu.clone().into());
    }
    if !r.memory.is_empty() {
        m.insert("memory".into(), r.memory.clone().into());
    }
    Value::Object(m)
}

/// The Service (unless an existing one is used) and the StatefulSet, as JSON objects.
pub fn build(spec: &CreateSpec) -> (Option<Value>, Value) {
    let labels = json!({"app": spec.name});
    let svc_name = service_name(spec);
    let ports: Vec<Value> = spec
        .ports
        .iter()
        .map(|p| {
            let mut v = json!({"containerPort": p.port, "protocol": p.protocol});
            if !p.name.is_empty() {
                v["name"] = p.name.clone().into();
            }
            v
        })
        .collect();
    let mut container = json!({"name": spec.name, "image": spec.image});
    if !ports.is_empty() {
        container["ports"] = Value::Array(ports);
    }
    if !spec.env.is_empty() {
        container["env"] = spec
            .env
            .iter()
            .map(|e| json!({"name": e.name, "value": e.value}))
            .collect();
    }
    let mut res = serde_json::Map::new();
    for (part, r) in [("requests", &spec.requests), ("limits", &spec.limits)] {
        let v = resources(r);
        if v.as_object().is_some_and(|m| !m.is_empty()) {
            res.insert(part.into(), v);
        }
    }
    if !res.is_empty() {
        container["resources"] = Value::Object(res);
    }
    match &spec.readiness {
        Some(ProbeSpec::HttpGet { path, port }) => {
            container["readinessProbe"] = json!({"httpGet": {"path": path, "port": port}});
        }
        Some(ProbeSpec::Tcp { port }) => {
            container["readinessProbe"] = json!({"tcpSocket": {"port": port}});
        }
        None => {}
    }
    let mut sts_spec = json!({
        "serviceName": svc_name,
        "replicas": spec.replicas,
        "selector": {"matchLabels": labels},
        "template": {
            "metadata": {"labels": labels},
            "spec": {"containers": [container]}
        }
    });
    if let Some(s) = &spec.storage {
        sts_spec["template"]["spec"]["containers"][0]["volumeMounts"] =
            json!([{"name": s.claim_name, "mountPath": s.mount_path}]);
        let mut claim = json!({
            "accessModes": [s.access_mode],
            "resources": {"requests": {"storage": s.size}}
        });
        if !s.storage_class.is_empty() {
            claim["storageClassName"] = s.storage_class.clone().into();
        }
        sts_spec["volumeClaimTemplates"] =
            json!([{"metadata": {"name": s.claim_name}, "spec": claim}]);
    }
    let sts = json!({
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": spec.name, "namespace": spec.namespace, "labels": labels},
        "spec": sts_spec
    });
    let service = spec
        .existing_service
        .as_deref()
        .filter(|s| !s.is_empty())
        .is_none()
        .then(|| {
            let svc_ports: Vec<Value> = spec
                .ports
                .iter()
                .map(|p| {
                    let mut v =
                        json!({"port": p.port, "targetPort": p.port, "protocol": p.protocol});
                    if !p.name.is_empty() {
                        v["name"] = p.name.clone().into();
                    }
                    v
                })
                .collect();
            json!({
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": svc_name, "namespace": spec.namespace, "labels": labels},
                "spec": {
                    "clusterIP": "None",
                    "selector": labels,
                    "ports": svc_ports,
                    "publishNotReadyAddresses": false
                }
            })
        });
    (service, sts)
}
