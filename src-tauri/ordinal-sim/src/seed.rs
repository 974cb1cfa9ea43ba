//! Seeds: Empty (system namespaces, Nodes, StorageClasses), Demo (realistic StatefulSet
//! workloads, brought up by the controllers like a real cluster) and Scale (built directly in the
//! store, everything Running/Ready, no controller churn).

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use crate::ops::{self, WriteOpts};
use crate::resources::idx;
use crate::state::State;
use crate::Seed;

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("store: {0}")]
    Store(#[from] crate::store::StoreError),
    #[error("api: {0}")]
    Api(#[from] crate::error::ApiError),
}

/// Something the demo does once its workloads are up (e.g. start a rollout).
pub struct Deferred {
    pub ns: &'static str,
    pub sts: &'static str,
    pub patch: Value,
}

pub fn apply(st: &State, seed: &Seed) -> Result<Vec<Deferred>, SeedError> {
    base(st)?;
    match seed {
        Seed::Empty => Ok(Vec::new()),
        Seed::Demo => demo(st),
        Seed::Scale {
            namespaces,
            statefulsets,
            replicas,
        } => {
            scale(st, *namespaces, *statefulsets, *replicas);
            Ok(Vec::new())
        }
    }
}

/// Run the deferred demo actions once each target StatefulSet is fully ready.
pub async fn run_deferred(st: Arc<State>, actions: Vec<Deferred>) {
    for a in actions {
        for _ in 0..600 {
            let ready = st
                .store
                .get_value(idx::STATEFULSETS, a.ns, a.sts)
                .map(|s| {
                    let want = s
                        .pointer("/spec/replicas")
                        .and_then(Value::as_i64)
                        .unwrap_or(0);
                    s.pointer("/status/readyReplicas")
                        .and_then(Value::as_i64)
                        .unwrap_or(0)
                        == want
                })
                .unwrap_or(true);
            if ready {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let _ = ops::patch(
            &st,
            idx::STATEFULSETS,
            a.ns,
            a.sts,
            crate::patch::PatchType::Strategic,
            &a.patch,
            None,
            &WriteOpts::controller("kubectl-patch"),
        );
    }
}

fn meta(name: &str) -> Value {
    json!({"name": name, "uid": uuid::Uuid::new_v4().to_string(), "creationTimestamp": ops::now()})
}

pub const NODES: [&str; 3] = ["ordinal-control-plane", "ordinal-worker", "ordinal-worker2"];

/// System namespaces, three Nodes, StorageClasses `standard` (default), `fast-ssd` and
/// `local-hdd` (no volume expansion).
fn base(st: &State) -> Result<(), SeedError> {
    for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
        let mut m = meta(ns);
        m["labels"] = json!({"kubernetes.io/metadata.name": ns});
        st.store.insert_raw(idx::NAMESPACES, json!({"apiVersion": "v1", "kind": "Namespace", "metadata": m, "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}))?;
    }
    let now = ops::now();
    for (i, n) in NODES.iter().enumerate() {
        let mut m = meta(n);
        let mut labels = json!({"kubernetes.io/hostname": n, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux", "beta.kubernetes.io/arch": "amd64", "topology.kubernetes.io/zone": format!("zone-{}", ["a", "b", "c"][i])});
        if i == 0 {
            labels["node-role.kubernetes.io/control-plane"] = json!("");
        }
        m["labels"] = labels;
        m["annotations"] = json!({"node.alpha.kubernetes.io/ttl": "0", "volumes.kubernetes.io/controller-managed-attach-detach": "true"});
        let cond = |t: &str, s: &str, r: &str, msg: &str| json!({"type": t, "status": s, "reason": r, "message": msg, "lastHeartbeatTime": now, "lastTransitionTime": now});
        st.store.insert_raw(
            idx::NODES,
            json!({
                "apiVersion": "v1", "kind": "Node", "metadata": m,
                "spec": {"podCIDR": format!("10.244.{}.0/24", i + 1), "podCIDRs": [format!("10.244.{}.0/24", i + 1)], "providerID": format!("ordinal-sim://{n}")},
                "status": {
                    "capacity": {"cpu": "8", "memory": "32863436Ki", "pods": "110", "ephemeral-storage": "102626232Ki"},
                    "allocatable": {"cpu": "8", "memory": "32761036Ki", "pods": "110", "ephemeral-storage": "102626232Ki"},
                    "conditions": [
                        cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                        cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                        cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                        cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
                    ],
                    "addresses": [{"type": "InternalIP", "address": format!("172.18.0.{}", i + 2)}, {"type": "Hostname", "address": n}],
                    "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
                    "nodeInfo": {"machineID": format!("{:032x}", ops::fxhash(n)), "systemUUID": uuid::Uuid::new_v4().to_string(), "bootID": uuid::Uuid::new_v4().to_string(),
                        "kernelVersion": "6.8.0-sim", "osImage": "Debian GNU/Linux 12 (bookworm)", "containerRuntimeVersion": "containerd://2.1.3",
                        "kubeletVersion": "v1.34.1", "kubeProxyVersion": "", "operatingSystem": "linux", "architecture": "amd64"},
                }
            }),
        )?;
    }
    let mut standard = meta("standard");
    standard["annotations"] = json!({"storageclass.kubernetes.io/is-default-class": "true"});
    st.store.insert_raw(
        idx::STORAGECLASSES,
        json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": standard, "provisioner": "rancher.io/local-path", "reclaimPolicy": "Delete", "volumeBindingMode": "Immediate", "allowVolumeExpansion": true}),
    )?;
    st.store.insert_raw(
        idx::STORAGECLASSES,
        json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": meta("fast-ssd"), "provisioner": "pd.csi.storage.gke.io", "parameters": {"type": "pd-ssd"}, "reclaimPolicy": "Retain", "volumeBindingMode": "Immediate", "allowVolumeExpansion": true}),
    )?;
    // A class whose volumes cannot grow (expansion refused by the API server's admission).
    st.store.insert_raw(
        idx::STORAGECLASSES,
        json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": meta("local-hdd"), "provisioner": "rancher.io/local-path", "reclaimPolicy": "Delete", "volumeBindingMode": "Immediate"}),
    )?;
    Ok(())
}

struct StsSpec<'a> {
    ns: &'a str,
    name: &'a str,
    image: &'a str,
    replicas: i64,
    policy: &'a str,
    port: i64,
    storage: Option<(&'a str, &'a str)>,
    annotations: Value,
    template_annotations: Value,
}

fn sts(s: &StsSpec) -> Value {
    let mut v = json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": s.name, "namespace": s.ns, "labels": {"app.kubernetes.io/name": s.name, "app.kubernetes.io/part-of": "ordinal-demo"}, "annotations": s.annotations},
        "spec": {
            "serviceName": s.name,
            "replicas": s.replicas,
            "podManagementPolicy": s.policy,
            "selector": {"matchLabels": {"app": s.name}},
            "template": {
                "metadata": {"labels": {"app": s.name, "app.kubernetes.io/name": s.name}, "annotations": s.template_annotations},
                "spec": {
                    "terminationGracePeriodSeconds": 10,
                    "containers": [{
                        "name": s.name, "image": s.image,
                        "ports": [{"name": "main", "containerPort": s.port}],
                        "env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
                        "resources": {"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}},
                        "readinessProbe": {"tcpSocket": {"port": s.port}, "periodSeconds": 10},
                    }],
                }
            }
        }
    });
    if s.name == "postgres" {
        // A database's usual wiring: credentials from a Secret, settings from literals and a
        // ConfigMap (the Environment tab shows references; values are read on request).
        let env = &mut v["spec"]["template"]["spec"]["containers"][0]["env"];
        for e in [
            json!({"name": "POSTGRES_USER", "valueFrom": {"secretKeyRef": {"name": "postgres-credentials", "key": "username"}}}),
            json!({"name": "POSTGRES_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "postgres-credentials", "key": "password"}}}),
            json!({"name": "PGDATA", "value": "/data/pgdata"}),
        ] {
            env.as_array_mut().expect("env is a list").push(e);
        }
        v["spec"]["template"]["spec"]["containers"][0]["envFrom"] =
            json!([{"configMapRef": {"name": "postgres-settings"}, "prefix": "PG_"}]);
    }
    if let Some((size, class)) = s.storage {
        v["spec"]["template"]["spec"]["containers"][0]["volumeMounts"] =
            json!([{"name": "data", "mountPath": "/data"}]);
        v["spec"]["volumeClaimTemplates"] = json!([{
            "metadata": {"name": "data"},
            "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": class, "resources": {"requests": {"storage": size}}}
        }]);
    }
    v
}

fn headless(ns: &str, name: &str, port: i64) -> Value {
    json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns, "labels": {"app": name}},
        "spec": {"clusterIP": "None", "clusterIPs": ["None"], "selector": {"app": name}, "ports": [{"name": "main", "port": port, "targetPort": port}], "publishNotReadyAddresses": true}})
}

fn demo(st: &State) -> Result<Vec<Deferred>, SeedError> {
    let w = WriteOpts::controller("ordinal-demo");
    let mk_ns = |n: &str| {
        ops::create(
            st,
            idx::NAMESPACES,
            "",
            json!({"metadata": {"name": n, "labels": {"ordinal.dev/demo": "true"}}}),
            &w,
        )
    };
    for n in ["db", "messaging", "cache", "staging"] {
        mk_ns(n)?;
    }
    let none = json!({});
    let defs = [
        StsSpec {
            ns: "db",
            name: "postgres",
            image: "postgres:16.4",
            replicas: 3,
            policy: "OrderedReady",
            port: 5432,
            storage: Some(("10Gi", "standard")),
            annotations: none.clone(),
            template_annotations: none.clone(),
        },
        StsSpec {
            ns: "db",
            name: "mongo",
            image: "mongo:7.0",
            replicas: 2,
            policy: "OrderedReady",
            port: 27017,
            storage: Some(("20Gi", "premium-nvme")),
            annotations: none.clone(),
            template_annotations: none.clone(),
        },
        StsSpec {
            ns: "messaging",
            name: "kafka",
            image: "bitnami/kafka:3.8",
            replicas: 3,
            policy: "Parallel",
            port: 9092,
            storage: Some(("20Gi", "fast-ssd")),
            annotations: none.clone(),
            template_annotations: none.clone(),
        },
        StsSpec {
            ns: "messaging",
            name: "zookeeper",
            image: "zookeeper:3.9",
            replicas: 3,
            policy: "OrderedReady",
            port: 2181,
            storage: Some(("5Gi", "local-hdd")),
            annotations: none.clone(),
            template_annotations: none.clone(),
        },
        StsSpec {
            ns: "messaging",
            name: "rabbitmq",
            image: "rabbitmq:3.13",
            replicas: 3,
            policy: "OrderedReady",
            port: 5672,
            storage: None,
            annotations: none.clone(),
            template_annotations: none.clone(),
        },
        StsSpec {
            ns: "cache",
            name: "redis",
            image: "redis:7.4",
            replicas: 6,
            policy: "Parallel",
            port: 6379,
            storage: None,
            annotations: none.clone(),
            template_annotations: none.clone(),
        },
        StsSpec {
            ns: "cache",
            name: "memcached",
            image: "memcached:1.6",
            replicas: 2,
            policy: "Parallel",
            port: 11211,
            storage: None,
            annotations: none.clone(),
            template_annotations: none.clone(),
        },
        StsSpec {
            ns: "staging",
            name: "elasticsearch",
            image: "elasticsearch:8.15.0",
            replicas: 4,
            policy: "Parallel",
            port: 9200,
            storage: Some(("5Gi", "standard")),
            annotations: none.clone(),
            template_annotations: none.clone(),
        },
        StsSpec {
            ns: "staging",
            name: "web-archive",
            image: "nginx:1.27",
            replicas: 0,
            policy: "OrderedReady",
            port: 80,
            storage: None,
            annotations: json!({"ordinal.dev/replicas-before-stop": "3"}),
            template_annotations: none.clone(),
        },
        StsSpec {
            ns: "default",
            name: "web",
            image: "nginx:1.27",
            replicas: 2,
            policy: "OrderedReady",
            port: 80,
            storage: None,
            annotations: none.clone(),
            template_annotations: none.clone(),
        },
    ];
    for d in &defs {
        let mut v = sts(d);
        if d.name == "elasticsearch" {
            v["spec"]["updateStrategy"] =
                json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 2}});
        }
        ops::create(st, idx::STATEFULSETS, d.ns, v, &w)?;
        // memcached's headless Service is deliberately missing.
        if d.name != "memcached" {
            ops::create(st, idx::SERVICES, d.ns, headless(d.ns, d.name, d.port), &w)?;
        }
    }
    let pdb = |ns: &str, name: &str, min: Value| json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": name, "namespace": ns}, "spec": {"minAvailable": min, "selector": {"matchLabels": {"app": name}}}});
    ops::create(st, idx::PDBS, "db", pdb("db", "postgres", json!(2)), &w)?;
    ops::create(
        st,
        idx::PDBS,
        "messaging",
        pdb("messaging", "kafka", json!(2)),
        &w,
    )?;
    ops::create(
        st,
        idx::PDBS,
        "messaging",
        pdb("messaging", "zookeeper", json!("51%")),
        &w,
    )?;
    // An autoscaler on kafka: scaling it by hand (or stopping it) fights the HPA.
    ops::create(
        st,
        idx::HPAS,
        "messaging",
        json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
               "metadata": {"name": "kafka"},
               "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "kafka"},
                        "minReplicas": 3, "maxReplicas": 6,
                        "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}]}}),
        &w,
    )?;
    ops::create(
        st,
        idx::CONFIGMAPS,
        "db",
        json!({"metadata": {"name": "postgres-config"}, "data": {"postgresql.conf": "max_connections = 200\nshared_buffers = 256MB\n", "pg_hba.conf": "host all all 10.244.0.0/16 scram-sha-256\n"}}),
        &w,
    )?;
    ops::create(
        st,
        idx::CONFIGMAPS,
        "messaging",
        json!({"metadata": {"name": "kafka-config"}, "data": {"server.properties": "num.partitions=6\ndefault.replication.factor=3\nmin.insync.replicas=2\n"}}),
        &w,
    )?;
    ops::create(
        st,
        idx::CONFIGMAPS,
        "cache",
        json!({"metadata": {"name": "redis-config"}, "data": {"redis.conf": "maxmemory 512mb\nmaxmemory-policy allkeys-lru\n"}}),
        &w,
    )?;
    ops::create(
        st,
        idx::CONFIGMAPS,
        "db",
        json!({"metadata": {"name": "postgres-settings"}, "data": {"MAX_CONNECTIONS": "200", "SHARED_BUFFERS": "256MB"}}),
        &w,
    )?;
    ops::create(
        st,
        idx::SECRETS,
        "db",
        json!({"metadata": {"name": "postgres-credentials"}, "type": "Opaque", "stringData": {"username": "postgres", "password": "demo-only-not-a-secret"}}),
        &w,
    )?;
    ops::create(
        st,
        idx::SECRETS,
        "messaging",
        json!({"metadata": {"name": "kafka-sasl"}, "type": "Opaque", "stringData": {"jaas.conf": "KafkaServer { org.apache.kafka.common.security.plain.PlainLoginModule required; };"}}),
        &w,
    )?;
    Ok(vec![
        // A stuck rollout: the new revision crash-loops.
        Deferred {
            ns: "messaging",
            sts: "rabbitmq",
            patch: json!({"spec": {"template": {"metadata": {"annotations": {"sim.ordinal.dev/crash-loop": "true"}}, "spec": {"containers": [{"name": "rabbitmq", "image": "rabbitmq:4.0-broken"}]}}}}),
        },
        // A partitioned rollout: only ordinals 2 and 3 get the new image.
        Deferred {
            ns: "staging",
            sts: "elasticsearch",
            patch: json!({"spec": {"template": {"spec": {"containers": [{"name": "elasticsearch", "image": "elasticsearch:8.16.1"}]}}}}),
        },
    ])
}

/// Build namespaces, StatefulSets with their headless Services, ControllerRevisions and
/// Running/Ready pods directly.
fn scale(st: &State, namespaces: u32, statefulsets: u32, replicas: u32) {
    let namespaces = namespaces.max(1);
    let now = ops::now();
    for n in 0..namespaces {
        let name = format!("scale-{n:03}");
        let uid = uuid::Uuid::new_v4();
        st.store.insert_raw_bytes(idx::NAMESPACES, "", &name, |rv| {
            format!(r#"{{"apiVersion":"v1","kind":"Namespace","metadata":{{"name":"{name}","uid":"{uid}","resourceVersion":"{rv}","creationTimestamp":"{now}","labels":{{"kubernetes.io/metadata.name":"{name}"}}}},"spec":{{"finalizers":["kubernetes"]}},"status":{{"phase":"Active"}}}}"#).into_bytes()
        });
    }
    let mut ip: u32 = 0;
    for i in 0..statefulsets {
        let ns = format!("scale-{:03}", i % namespaces);
        let name = format!("app-{i:05}");
        let sts_uid = uuid::Uuid::new_v4();
        let template = json!({"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "main", "image": "registry.k8s.io/pause:3.10", "imagePullPolicy": "IfNotPresent", "resources": {}, "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}], "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst", "schedulerName": "default-scheduler", "securityContext": {}}});
        let hash = crate::controller::revision_hash(&template, 0);
        let rev = format!("{name}-{hash}");
        let tmpl_s = template.to_string();
        st.store.insert_raw_bytes(idx::STATEFULSETS, &ns, &name, |rv| {
            format!(r#"{{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{{"name":"{name}","namespace":"{ns}","uid":"{sts_uid}","resourceVersion":"{rv}","generation":1,"creationTimestamp":"{now}"}},"spec":{{"replicas":{replicas},"serviceName":"{name}","podManagementPolicy":"Parallel","revisionHistoryLimit":10,"selector":{{"matchLabels":{{"app":"{name}"}}}},"template":{tmpl_s},"updateStrategy":{{"type":"RollingUpdate","rollingUpdate":{{"partition":0}}}},"persistentVolumeClaimRetentionPolicy":{{"whenDeleted":"Retain","whenScaled":"Retain"}}}},"status":{{"observedGeneration":1,"replicas":{replicas},"readyReplicas":{replicas},"availableReplicas":{replicas},"currentReplicas":{replicas},"updatedReplicas":{replicas},"currentRevision":"{rev}","updateRevision":"{rev}","collisionCount":0}}}}"#).into_bytes()
        });
        // Its governing headless Service, as every real StatefulSet has (the Doctor checks it).
        let svc_uid = uuid::Uuid::new_v4();
        st.store.insert_raw_bytes(idx::SERVICES, &ns, &name, |rv| {
            format!(r#"{{"apiVersion":"v1","kind":"Service","metadata":{{"name":"{name}","namespace":"{ns}","uid":"{svc_uid}","resourceVersion":"{rv}","creationTimestamp":"{now}","labels":{{"app":"{name}"}}}},"spec":{{"clusterIP":"None","clusterIPs":["None"],"type":"ClusterIP","selector":{{"app":"{name}"}},"ports":[{{"name":"main","port":8080,"targetPort":8080,"protocol":"TCP"}}],"publishNotReadyAddresses":true,"sessionAffinity":"None"}},"status":{{"loadBalancer":{{}}}}}}"#).into_bytes()
        });
        let owner = format!(
            r#"[{{"apiVersion":"apps/v1","kind":"StatefulSet","name":"{name}","uid":"{sts_uid}","controller":true,"blockOwnerDeletion":true}}]"#
        );
        let rev_uid = uuid::Uuid::new_v4();
        st.store.insert_raw_bytes(idx::REVISIONS, &ns, &rev, |rv| {
            format!(r#"{{"apiVersion":"apps/v1","kind":"ControllerRevision","metadata":{{"name":"{rev}","namespace":"{ns}","uid":"{rev_uid}","resourceVersion":"{rv}","creationTimestamp":"{now}","labels":{{"app":"{name}"}},"ownerReferences":{owner}}},"data":{{"spec":{{"template":{tmpl_s}}}}},"revision":1}}"#).into_bytes()
        });
        for o in 0..replicas {
            let pod = format!("{name}-{o}");
            let node = crate::seed::NODES[(ops::fxhash(&pod) as usize) % NODES.len()];
            ip = ip.wrapping_add(1);
            let pod_ip = format!(
                "10.{}.{}.{}",
                128 + (ip >> 16) % 64,
                (ip >> 8) & 255,
                ip & 255
            );
            let uid = uuid::Uuid::new_v4();
            st.store.insert_raw_bytes(idx::PODS, &ns, &pod, |rv| {
                format!(r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"{pod}","generateName":"{name}-","namespace":"{ns}","uid":"{uid}","resourceVersion":"{rv}","creationTimestamp":"{now}","labels":{{"app":"{name}","apps.kubernetes.io/pod-index":"{o}","controller-revision-hash":"{rev}","statefulset.kubernetes.io/pod-name":"{pod}"}},"ownerReferences":{owner}}},"spec":{{"containers":[{{"name":"main","image":"registry.k8s.io/pause:3.10","imagePullPolicy":"IfNotPresent","resources":{{}}}}],"restartPolicy":"Always","terminationGracePeriodSeconds":30,"hostname":"{pod}","subdomain":"{name}","nodeName":"{node}","schedulerName":"default-scheduler"}},"status":{{"phase":"Running","podIP":"{pod_ip}","podIPs":[{{"ip":"{pod_ip}"}}],"hostIP":"172.18.0.2","startTime":"{now}","qosClass":"BestEffort","conditions":[{{"type":"Initialized","status":"True","lastTransitionTime":"{now}"}},{{"type":"Ready","status":"True","lastTransitionTime":"{now}"}},{{"type":"ContainersReady","status":"True","lastTransitionTime":"{now}"}},{{"type":"PodScheduled","status":"True","lastTransitionTime":"{now}"}}],"containerStatuses":[{{"name":"main","image":"registry.k8s.io/pause:3.10","imageID":"","ready":true,"started":true,"restartCount":0,"state":{{"running":{{"startedAt":"{now}"}}}}}}]}}}}"#).into_bytes()
            });
        }
    }
}
