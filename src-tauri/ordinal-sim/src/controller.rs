//! Controllers, run on one task driven by store change events and timers:
//! - StatefulSet controller (upstream semantics: OrderedReady/Parallel, RollingUpdate with
//!   partition, OnDelete, ControllerRevisions, PVCs from volumeClaimTemplates, retention policy),
//! - kubelet + scheduler simulation (Pending → ContainerCreating → Running → Ready, crash loops),
//! - PV provisioning/binding, PodDisruptionBudget status, garbage collection, namespace deletion,
//! - the root-CA publisher (`kube-root-ca.crt` in every namespace).

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::error::ApiError;
use crate::ops::{self, DeleteOpts, WriteOpts};
use crate::resources::{idx, RESOURCES};
use crate::selector::LabelSelector;
use crate::state::State;
use crate::store::{Event, EventType, Mutation};

#[derive(Debug, thiserror::Error)]
pub enum ControllerError {
    #[error("api: {0}")]
    Api(#[from] ApiError),
}

pub const FAIL_READINESS: &str = "sim.ordinal.dev/fail-readiness";
pub const CRASH_LOOP: &str = "sim.ordinal.dev/crash-loop";

fn s<'a>(v: &'a Value, ptr: &str) -> &'a str {
    v.pointer(ptr).and_then(Value::as_str).unwrap_or("")
}

fn i64_at(v: &Value, ptr: &str) -> i64 {
    v.pointer(ptr).and_then(Value::as_i64).unwrap_or(0)
}

fn cond<'a>(p: &'a Value, ty: &str) -> Option<&'a Value> {
    p.pointer("/status/conditions")
        .and_then(Value::as_array)
        .and_then(|cs| cs.iter().find(|c| s(c, "/type") == ty))
}

pub fn pod_ready(p: &Value) -> bool {
    cond(p, "Ready")
        .map(|c| s(c, "/status") == "True")
        .unwrap_or(false)
}

fn running_and_ready(p: &Value) -> bool {
    s(p, "/status/phase") == "Running" && pod_ready(p)
}

/// Seconds the pod has been Ready (None if not ready).
fn ready_for(p: &Value) -> Option<i64> {
    if !running_and_ready(p) {
        return None;
    }
    let t = cond(p, "Ready")
        .map(|c| s(c, "/lastTransitionTime"))
        .unwrap_or("");
    let t = chrono::DateTime::parse_from_rfc3339(t).ok()?;
    Some((chrono::Utc::now() - t.with_timezone(&chrono::Utc)).num_milliseconds() / 1000)
}

fn terminating(p: &Value) -> bool {
    p.pointer("/metadata/deletionTimestamp").is_some()
}

fn owned_by(o: &Value, uid: &str) -> bool {
    o.pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .map(|rs| rs.iter().any(|r| s(r, "/uid") == uid))
        .unwrap_or(false)
}

fn controller_owner(o: &Value) -> Option<(String, String)> {
    o.pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .and_then(|rs| {
            rs.iter()
                .find(|r| r.get("controller") == Some(&json!(true)))
        })
        .map(|r| (s(r, "/kind").to_string(), s(r, "/name").to_string()))
}

/// Work items.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Sts(String, String),
    Pod(String, String),
    Pvc(String, String),
    Namespace(String),
    Pdb(String),
    /// Endpoints of every Service in a namespace.
    Endpoints(String),
    /// An object with deletionTimestamp and GC finalizers (foregroundDeletion / orphan).
    Finalize(usize, String, String),
    /// Dependents of a deleted owner (background propagation).
    Orphans(String, String),
    /// The `kube-root-ca.crt` ConfigMap of a namespace.
    RootCa(String),
}

/// The ConfigMap kube-controller-manager's root-CA publisher keeps in every namespace.
pub const ROOT_CA_CONFIGMAP: &str = "kube-root-ca.crt";

struct Ctl {
    st: Arc<State>,
    queue: BTreeSet<Key>,
    timers: BinaryHeap<Reverse<(Instant, Key)>>,
    terminating_since: HashMap<(String, String), Instant>,
    /// Earliest time the kubelet may take a pod's next lifecycle step.
    pod_wait: HashMap<(String, String), Instant>,
    ip_counter: u32,
}

pub fn spawn(st: Arc<State>) -> JoinHandle<()> {
    let (tx, rx) = mpsc::unbounded_channel();
    st.store.set_controller_channel(tx);
    let mut ctl = Ctl {
        st,
        queue: BTreeSet::new(),
        timers: BinaryHeap::new(),
        terminating_since: HashMap::new(),
        pod_wait: HashMap::new(),
        ip_counter: 0,
    };
    // Pick up anything a seed left in need of work.
    ctl.initial_scan();
    tokio::spawn(ctl.run(rx))
}

impl Ctl {
    fn initial_scan(&mut self) {
        for o in self.st.store.list(idx::STATEFULSETS, None).1 {
            let v = o.value();
            let want = i64_at(&v, "/spec/replicas");
            let ready = i64_at(&v, "/status/readyReplicas");
            if want != ready
                || i64_at(&v, "/status/observedGeneration") != i64_at(&v, "/metadata/generation")
                || s(&v, "/status/currentRevision") != s(&v, "/status/updateRevision")
            {
                self.queue
                    .insert(Key::Sts(o.ns.to_string(), o.name.to_string()));
            }
        }
        for o in self.st.store.list(idx::PODS, None).1 {
            let v = o.value();
            if !running_and_ready(&v) || terminating(&v) {
                self.queue
                    .insert(Key::Pod(o.ns.to_string(), o.name.to_string()));
            }
        }
        for o in self.st.store.list(idx::PVCS, None).1 {
            let v = o.value();
            if s(&v, "/status/phase") != "Bound" {
                self.queue
                    .insert(Key::Pvc(o.ns.to_string(), o.name.to_string()));
            }
        }
        for o in self.st.store.list(idx::PDBS, None).1 {
            self.queue.insert(Key::Pdb(o.ns.to_string()));
        }
        for o in self.st.store.list(idx::SERVICES, None).1 {
            self.queue.insert(Key::Endpoints(o.ns.to_string()));
        }
        // The seed's namespaces have their root CA before the first request.
        for o in self.st.store.list(idx::NAMESPACES, None).1 {
            self.publish_root_ca(&o.name);
        }
    }

    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Arc<Event>>) {
        loop {
            while let Ok(ev) = rx.try_recv() {
                self.on_event(&ev);
            }
            let now = Instant::now();
            while let Some(Reverse((t, _))) = self.timers.peek() {
                if *t > now {
                    break;
                }
                if let Some(Reverse((_, k))) = self.timers.pop() {
                    self.queue.insert(k);
                }
            }
            if !self.queue.is_empty() {
                let keys: Vec<Key> = std::mem::take(&mut self.queue).into_iter().collect();
                for k in keys {
                    // A malformed object must not take the controllers down: contain panics.
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        self.reconcile(&k)
                    }));
                    match r {
                        Ok(Some(after)) => self.timers.push(Reverse((Instant::now() + after, k))),
                        Ok(None) => {}
                        Err(_) => {
                            tracing::warn!("controller panicked while reconciling {k:?}; skipping")
                        }
                    }
                }
                tokio::task::yield_now().await;
                continue;
            }
            let next = self
                .timers
                .peek()
                .map(|Reverse((t, _))| *t)
                .unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
            tokio::select! {
                ev = rx.recv() => match ev {
                    Some(ev) => self.on_event(&ev),
                    None => return,
                },
                _ = tokio::time::sleep_until(next) => {}
            }
        }
    }

    fn on_event(&mut self, ev: &Event) {
        let ns = ev.obj.ns.to_string();
        let name = ev.obj.name.to_string();
        match ev.res {
            idx::STATEFULSETS => {
                self.queue.insert(Key::Sts(ns.clone(), name.clone()));
            }
            idx::PODS => {
                let v = ev.obj.value();
                if ev.ty != EventType::Deleted {
                    if terminating(&v)
                        && !self
                            .terminating_since
                            .contains_key(&(ns.clone(), name.clone()))
                    {
                        self.pod_wait.remove(&(ns.clone(), name.clone()));
                    }
                    self.queue.insert(Key::Pod(ns.clone(), name.clone()));
                } else {
                    self.pod_wait.remove(&(ns.clone(), name.clone()));
                    // Claims the pod used may now lose their protection finalizer.
                    for vol in v
                        .pointer("/spec/volumes")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default()
                    {
                        let claim = s(&vol, "/persistentVolumeClaim/claimName");
                        if !claim.is_empty() {
                            self.queue.insert(Key::Pvc(ns.clone(), claim.to_string()));
                        }
                    }
                }
                if let Some((kind, owner)) = controller_owner(&v) {
                    if kind == "StatefulSet" {
                        self.queue.insert(Key::Sts(ns.clone(), owner));
                    }
                }
                if self.st.store.count(idx::PDBS) > 0 {
                    self.queue.insert(Key::Pdb(ns.clone()));
                }
                if self.st.store.count(idx::SERVICES) > 0 {
                    self.queue.insert(Key::Endpoints(ns.clone()));
                }
            }
            idx::PVCS if ev.ty != EventType::Deleted => {
                self.queue.insert(Key::Pvc(ns.clone(), name.clone()));
            }
            idx::PVCS => {
                // Reclaim the bound volume.
                let v = ev.obj.value();
                let pv = s(&v, "/spec/volumeName").to_string();
                if !pv.is_empty() {
                    if let Some(pvv) = self.st.store.get_value(idx::PVS, "", &pv) {
                        if s(&pvv, "/spec/persistentVolumeReclaimPolicy") == "Retain" {
                            let _ = raw_modify(&self.st, idx::PVS, "", &pv, |p| {
                                p["status"] = json!({"phase": "Released"});
                            });
                        } else {
                            let _ =
                                ops::delete(&self.st, idx::PVS, "", &pv, &DeleteOpts::default());
                        }
                    }
                }
            }
            idx::PDBS => {
                self.queue.insert(Key::Pdb(ns.clone()));
            }
            idx::SERVICES => {
                self.queue.insert(Key::Endpoints(ns.clone()));
            }
            idx::NAMESPACES
                if ev.ty != EventType::Deleted
                    && ev
                        .obj
                        .value()
                        .pointer("/metadata/deletionTimestamp")
                        .is_some() =>
            {
                self.queue.insert(Key::Namespace(name.clone()));
            }
            idx::NAMESPACES if ev.ty == EventType::Added => {
                self.queue.insert(Key::RootCa(name.clone()));
            }
            idx::CONFIGMAPS if name == ROOT_CA_CONFIGMAP => {
                self.queue.insert(Key::RootCa(ns.clone()));
            }
            _ => {}
        }
        if ev.ty == EventType::Deleted {
            if ev.res != idx::EVENTS && ev.res != idx::EVENTS_V1 && !ns.is_empty() {
                let v = ev.obj.value();
                let uid = s(&v, "/metadata/uid").to_string();
                if !uid.is_empty() {
                    self.queue.insert(Key::Orphans(ns, uid));
                }
            }
        } else if ev.res != idx::NAMESPACES {
            let v = ev.obj.value();
            if terminating(&v) {
                let fins = v
                    .pointer("/metadata/finalizers")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                if fins.contains(&json!("foregroundDeletion")) || fins.contains(&json!("orphan")) {
                    self.queue.insert(Key::Finalize(ev.res, ns, name));
                }
            }
        }
    }

    fn reconcile(&mut self, k: &Key) -> Option<Duration> {
        match k {
            Key::Sts(ns, n) => self.sync_sts(ns, n),
            Key::Pod(ns, n) => {
                let key = (ns.clone(), n.clone());
                if let Some(t) = self.pod_wait.get(&key) {
                    let now = Instant::now();
                    if *t > now {
                        return Some(*t - now);
                    }
                    self.pod_wait.remove(&key);
                }
                let r = self.kubelet(ns, n);
                match r {
                    Some(d) => {
                        self.pod_wait.insert(key, Instant::now() + d);
                    }
                    None => {
                        self.pod_wait.remove(&key);
                    }
                }
                r
            }
            Key::Pvc(ns, n) => self.bind_pvc(ns, n),
            Key::Namespace(n) => self.sync_namespace(n),
            Key::Pdb(ns) => {
                self.sync_pdbs(ns);
                None
            }
            Key::Endpoints(ns) => {
                self.sync_endpoints(ns);
                None
            }
            Key::Finalize(res, ns, n) => self.finalize(*res, ns, n),
            Key::Orphans(ns, uid) => {
                self.collect_orphans(ns, uid);
                None
            }
            Key::RootCa(ns) => {
                self.publish_root_ca(ns);
                None
            }
        }
    }

    /// Like kube-controller-manager's root-CA publisher: `kube-root-ca.crt` with the cluster CA
    /// as `ca.crt` in every namespace that is not terminating, recreated when deleted and
    /// restored when changed.
    fn publish_root_ca(&self, ns: &str) {
        let Some(ca) = self.st.root_ca.get() else {
            return;
        };
        match self.st.store.get_value(idx::NAMESPACES, "", ns) {
            Some(n) if !terminating(&n) => {}
            _ => return,
        }
        let opts = WriteOpts::controller("kube-controller-manager");
        let data = json!({"ca.crt": ca});
        match self
            .st
            .store
            .get_value(idx::CONFIGMAPS, ns, ROOT_CA_CONFIGMAP)
        {
            None => {
                let cm = json!({
                    "apiVersion": "v1", "kind": "ConfigMap",
                    // (newer publishers add a kubernetes.io/description annotation; 1.20's, which
                    // the differential test compares with, adds none)
                    "metadata": {"name": ROOT_CA_CONFIGMAP, "namespace": ns},
                    "data": data,
                });
                let _ = ops::create(&self.st, idx::CONFIGMAPS, ns, cm, &opts);
            }
            Some(mut cm) => {
                if cm.get("data") == Some(&data) || terminating(&cm) {
                    return;
                }
                cm["data"] = data;
                let _ = ops::update(
                    &self.st,
                    idx::CONFIGMAPS,
                    ns,
                    ROOT_CA_CONFIGMAP,
                    cm,
                    None,
                    &opts,
                );
            }
        }
    }

    // --------------------------------------------------------------------------------------
    // Kubelet + scheduler

    fn step(&self) -> Duration {
        self.st.ready_delay
    }

    fn kubelet(&mut self, ns: &str, name: &str) -> Option<Duration> {
        let st = self.st.clone();
        let pod = st.store.get_value(idx::PODS, ns, name)?;
        let key = (ns.to_string(), name.to_string());
        if terminating(&pod) {
            let grace = i64_at(&pod, "/metadata/deletionGracePeriodSeconds").max(0) as u64;
            let delay = Duration::from_secs(grace)
                .min(self.step().max(Duration::from_millis(50)))
                .min(Duration::from_secs(1));
            let since = *self
                .terminating_since
                .entry(key.clone())
                .or_insert_with(Instant::now);
            let left = delay.saturating_sub(since.elapsed());
            if !left.is_zero() {
                return Some(left);
            }
            self.terminating_since.remove(&key);
            let fins = pod
                .pointer("/metadata/finalizers")
                .and_then(Value::as_array)
                .map(|a| !a.is_empty())
                .unwrap_or(false);
            if fins {
                // Containers stop; the object stays until its finalizers are removed.
                let _ = raw_modify(&st, idx::PODS, ns, name, |p| {
                    p["metadata"]["deletionGracePeriodSeconds"] = json!(0);
                    p["status"]["phase"] = json!("Succeeded");
                });
            } else {
                let _ = st.store.mutate::<ApiError, _>(idx::PODS, ns, name, |cur| {
                    Ok(if cur.is_some() {
                        Mutation::Delete
                    } else {
                        Mutation::Noop
                    })
                });
            }
            return None;
        }
        let phase = s(&pod, "/status/phase").to_string();
        if phase == "Succeeded" || phase == "Failed" {
            return None;
        }
        let ann = |k: &str| {
            pod.pointer(&format!("/metadata/annotations/{}", k.replace('/', "~1")))
                .and_then(Value::as_str)
                == Some("true")
        };
        let fail_ready = ann(FAIL_READINESS);
        let crash = ann(CRASH_LOOP);
        let now = ops::now();
        if s(&pod, "/spec/nodeName").is_empty() {
            // Scheduler: PVCs must be bound first.
            let mut unbound = Vec::new();
            for v in pod
                .pointer("/spec/volumes")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
            {
                let claim = s(&v, "/persistentVolumeClaim/claimName");
                if !claim.is_empty() {
                    let bound = st
                        .store
                        .get_value(idx::PVCS, ns, claim)
                        .map(|c| s(&c, "/status/phase") == "Bound")
                        .unwrap_or(false);
                    if !bound {
                        unbound.push(claim.to_string());
                    }
                }
            }
            let nodes: Vec<String> = st
                .store
                .list(idx::NODES, None)
                .1
                .iter()
                .map(|n| n.name.to_string())
                .collect();
            if !unbound.is_empty() || nodes.is_empty() {
                let msg = if nodes.is_empty() {
                    "no nodes available to schedule pods".to_string()
                } else {
                    format!("0/{n} nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/{n} nodes are available: {n} Preemption is not helpful for scheduling.", n = nodes.len())
                };
                let already = cond(&pod, "PodScheduled")
                    .map(|c| s(c, "/status") == "False")
                    .unwrap_or(false);
                if !already {
                    let m2 = msg.clone();
                    if let Ok(p) = raw_modify(&st, idx::PODS, ns, name, |p| {
                        p["status"]["phase"] = json!("Pending");
                        p["status"]["conditions"] = json!([{"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": m2, "lastProbeTime": null, "lastTransitionTime": now}]);
                    }) {
                        ops::record_event(
                            &st,
                            &p,
                            "Warning",
                            "FailedScheduling",
                            &msg,
                            "default-scheduler",
                        );
                    }
                }
                return Some(Duration::from_millis(500));
            }
            let node = nodes[(ops::fxhash(name) as usize) % nodes.len()].clone();
            let node_idx = nodes.iter().position(|n| *n == node).unwrap_or(0);
            self.ip_counter = self.ip_counter.wrapping_add(1);
            let ip = format!("10.244.{}.{}", node_idx + 1, 2 + (self.ip_counter % 250));
            let host_ip = format!("172.18.0.{}", node_idx + 2);
            let containers = pod
                .pointer("/spec/containers")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let statuses: Vec<Value> = containers
                .iter()
                .map(|c| json!({"name": s(c, "/name"), "image": s(c, "/image"), "imageID": "", "ready": false, "started": false, "restartCount": 0, "state": {"waiting": {"reason": "ContainerCreating"}}, "lastState": {}}))
                .collect();
            let unready_msg = format!(
                "containers with unready status: [{}]",
                containers
                    .iter()
                    .map(|c| s(c, "/name"))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            let node2 = node.clone();
            let p = raw_modify(&st, idx::PODS, ns, name, |p| {
                p["spec"]["nodeName"] = json!(node2);
                p["status"] = json!({
                    "phase": "Pending",
                    "qosClass": s(p, "/status/qosClass"),
                    "hostIP": host_ip,
                    "hostIPs": [{"ip": host_ip}],
                    "podIP": ip,
                    "podIPs": [{"ip": ip}],
                    "startTime": now,
                    "conditions": [
                        {"type": "PodReadyToStartContainers", "status": "True", "lastProbeTime": null, "lastTransitionTime": now},
                        {"type": "Initialized", "status": "True", "lastProbeTime": null, "lastTransitionTime": now},
                        {"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": unready_msg, "lastProbeTime": null, "lastTransitionTime": now},
                        {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady", "lastProbeTime": null, "lastTransitionTime": now},
                        {"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": now},
                    ],
                    "containerStatuses": statuses,
                });
            })
            .ok()?;
            ops::record_event(
                &st,
                &p,
                "Normal",
                "Scheduled",
                &format!("Successfully assigned {ns}/{name} to {node}"),
                "default-scheduler",
            );
            return Some(self.step() / 2);
        }
        let cs = pod
            .pointer("/status/containerStatuses")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let creating = cs
            .iter()
            .any(|c| s(c, "/state/waiting/reason") == "ContainerCreating");
        let crashlooping = cs
            .iter()
            .any(|c| s(c, "/state/waiting/reason") == "CrashLoopBackOff");
        if creating || crashlooping {
            // Start (or restart) the containers.
            let restart = crashlooping;
            let p = raw_modify(&st, idx::PODS, ns, name, |p| {
                p["status"]["phase"] = json!("Running");
                if let Some(arr) = p
                    .pointer_mut("/status/containerStatuses")
                    .and_then(Value::as_array_mut)
                {
                    for c in arr {
                        let prev_state = c.get("state").cloned();
                        if restart {
                            if let Some(t) = prev_state.as_ref().and_then(|s| s.get("terminated")) {
                                c["lastState"] = json!({"terminated": t});
                            }
                        }
                        c["state"] = json!({"running": {"startedAt": now}});
                        c["started"] = json!(true);
                        c["ready"] = json!(false);
                        c["imageID"] = json!(format!(
                            "docker.io/library/{}@sha256:{:016x}",
                            s(c, "/image"),
                            ops::fxhash(s(c, "/image"))
                        ));
                        c["containerID"] = json!(format!(
                            "containerd://{:016x}{:016x}",
                            ops::fxhash(&now),
                            ops::fxhash(s(c, "/name"))
                        ));
                    }
                }
            })
            .ok()?;
            if !restart {
                for c in p
                    .pointer("/spec/containers")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
                {
                    ops::record_event(
                        &st,
                        &p,
                        "Normal",
                        "Pulled",
                        &format!(
                            "Container image \"{}\" already present on machine",
                            s(&c, "/image")
                        ),
                        "kubelet",
                    );
                    ops::record_event(
                        &st,
                        &p,
                        "Normal",
                        "Created",
                        &format!("Created container: {}", s(&c, "/name")),
                        "kubelet",
                    );
                    ops::record_event(
                        &st,
                        &p,
                        "Normal",
                        "Started",
                        &format!("Started container {}", s(&c, "/name")),
                        "kubelet",
                    );
                }
            }
            if crash {
                return Some(self.step().max(Duration::from_millis(300)));
            }
            if fail_ready {
                return None;
            }
            return if self.step().is_zero() {
                self.kubelet(ns, name)
            } else {
                Some(self.step())
            };
        }
        let running = cs.iter().all(|c| c.pointer("/state/running").is_some());
        if running && crash {
            // The container exits with an error; back off.
            let pod_id = format!(
                "{}_{}({})",
                s(&pod, "/metadata/name"),
                s(&pod, "/metadata/namespace"),
                s(&pod, "/metadata/uid")
            );
            let p = raw_modify(&st, idx::PODS, ns, name, |p| {
                if let Some(arr) = p.pointer_mut("/status/containerStatuses").and_then(Value::as_array_mut) {
                    for c in arr {
                        let rc = c.get("restartCount").and_then(Value::as_i64).unwrap_or(0);
                        let started = c.pointer("/state/running/startedAt").cloned().unwrap_or(json!(now));
                        c["restartCount"] = json!(rc + 1);
                        c["ready"] = json!(false);
                        c["started"] = json!(false);
                        c["lastState"] = json!({"terminated": {"exitCode": 1, "reason": "Error", "startedAt": started, "finishedAt": now, "containerID": c.get("containerID")}});
                        c["state"] = json!({"waiting": {"reason": "CrashLoopBackOff", "message": format!("back-off 10s restarting failed container={} pod={pod_id}", s(c, "/name"))}});
                    }
                }
                set_ready(p, false, &now, "ContainersNotReady");
            })
            .ok()?;
            let cname = p
                .pointer("/spec/containers/0/name")
                .and_then(Value::as_str)
                .unwrap_or("main");
            ops::record_event(
                &st,
                &p,
                "Warning",
                "BackOff",
                &format!(
                    "Back-off restarting failed container {cname} in pod {name}_{ns}({})",
                    s(&p, "/metadata/uid")
                ),
                "kubelet",
            );
            return Some(self.step().max(Duration::from_millis(500)) * 2);
        }
        if running && !fail_ready && !pod_ready(&pod) {
            let _ = raw_modify(&st, idx::PODS, ns, name, |p| {
                if let Some(arr) = p
                    .pointer_mut("/status/containerStatuses")
                    .and_then(Value::as_array_mut)
                {
                    for c in arr {
                        c["ready"] = json!(true);
                    }
                }
                set_ready(p, true, &now, "");
            });
        }
        None
    }

    // --------------------------------------------------------------------------------------
    // StatefulSet controller

    fn sync_sts(&mut self, ns: &str, name: &str) -> Option<Duration> {
        let st = self.st.clone();
        let sts = st.store.get_value(idx::STATEFULSETS, ns, name)?;
        if terminating(&sts) {
            return None;
        }
        let uid = s(&sts, "/metadata/uid").to_string();
        let replicas = i64_at(&sts, "/spec/replicas").max(0);
        let start = sts
            .pointer("/spec/ordinals/start")
            .and_then(Value::as_i64)
            .unwrap_or(0)
            .max(0);
        let monotonic = s(&sts, "/spec/podManagementPolicy") != "Parallel";
        let strategy = s(&sts, "/spec/updateStrategy/type").to_string();
        let partition = sts
            .pointer("/spec/updateStrategy/rollingUpdate/partition")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        let min_ready = i64_at(&sts, "/spec/minReadySeconds");
        let sel = LabelSelector::from_json(sts.pointer("/spec/selector").unwrap_or(&Value::Null));

        // Adoption (the ControllerRefManager): pods named after the set and revisions that match
        // its selector and have no controller become this set's, so a set re-created after an
        // orphaning delete takes them back without restarting anything.
        let prefix = format!("{name}-");
        for res in [idx::PODS, idx::REVISIONS] {
            for o in st.store.list_values(res, Some(ns)) {
                let on = s(&o, "/metadata/name");
                let named = on
                    .strip_prefix(&prefix)
                    .is_some_and(|rest| res == idx::REVISIONS || rest.parse::<i64>().is_ok());
                if !named || terminating(&o) || controller_owner(&o).is_some() || !sel.matches(&o) {
                    continue;
                }
                let oref = owner_ref(&sts);
                let _ = raw_modify(&st, res, ns, on, |x| {
                    let refs = x["metadata"]
                        .as_object_mut()
                        .map(|m| m.entry("ownerReferences").or_insert(json!([])));
                    if let Some(Value::Array(a)) = refs {
                        a.push(oref);
                    }
                });
            }
        }

        // Revisions.
        let template = sts.pointer("/spec/template").cloned().unwrap_or(json!({}));
        let revisions: Vec<Value> = st
            .store
            .list_values(idx::REVISIONS, Some(ns))
            .into_iter()
            .filter(|r| owned_by(r, &uid))
            .collect();
        let hash = revision_hash(&template, i64_at(&sts, "/status/collisionCount"));
        let update_name = format!("{name}-{hash}");
        let max_rev = revisions
            .iter()
            .map(|r| i64_at(r, "/revision"))
            .max()
            .unwrap_or(0);
        match revisions
            .iter()
            .find(|r| s(r, "/metadata/name") == update_name)
        {
            None => {
                let mut data_tmpl = template.clone();
                data_tmpl["$patch"] = json!("replace");
                let rev = json!({
                    "apiVersion": "apps/v1", "kind": "ControllerRevision",
                    "metadata": {"name": update_name, "namespace": ns, "labels": with_hash_label(&template, &hash),
                        "ownerReferences": [owner_ref(&sts)]},
                    "data": {"spec": {"template": data_tmpl}},
                    "revision": max_rev + 1,
                });
                if let Err(e) = ops::create(
                    &st,
                    idx::REVISIONS,
                    ns,
                    rev,
                    &WriteOpts::controller("kube-controller-manager"),
                ) {
                    tracing::debug!("revision create failed: {e}");
                    return Some(Duration::from_millis(200));
                }
            }
            Some(r) if i64_at(r, "/revision") < max_rev => {
                // Rollback to an earlier template: the revision becomes the newest.
                let _ = raw_modify(&st, idx::REVISIONS, ns, &update_name, |r| {
                    r["revision"] = json!(max_rev + 1)
                });
            }
            Some(_) => {}
        }
        let current_name = {
            let c = s(&sts, "/status/currentRevision");
            if c.is_empty() || (!c.is_empty() && st.store.get(idx::REVISIONS, ns, c).is_none()) {
                update_name.clone()
            } else {
                c.to_string()
            }
        };
        let current_template = if current_name == update_name {
            template.clone()
        } else {
            st.store
                .get_value(idx::REVISIONS, ns, &current_name)
                .and_then(|r| r.pointer("/data/spec/template").cloned())
                .map(|mut t| {
                    if let Some(o) = t.as_object_mut() {
                        o.remove("$patch");
                    }
                    t
                })
                .unwrap_or_else(|| template.clone())
        };

        // Pods owned by this set, by ordinal.
        let mut pods: HashMap<i64, Value> = HashMap::new();
        for p in st.store.list_values(idx::PODS, Some(ns)) {
            if !owned_by(&p, &uid) {
                continue;
            }
            let pn = s(&p, "/metadata/name");
            if let Some(ord) = pn.strip_prefix(&prefix).and_then(|o| o.parse::<i64>().ok()) {
                pods.insert(ord, p);
            }
        }
        let range = start..start + replicas;
        let mut requeue: Option<Duration> = None;
        let min_requeue = |d: Duration, r: &mut Option<Duration>| {
            *r = Some(r.map(|x| x.min(d)).unwrap_or(d));
        };
        let healthy = |p: &Value| -> bool { running_and_ready(p) && !terminating(p) };
        let available = |p: &Value| -> bool {
            ready_for(p).map(|secs| secs >= min_ready).unwrap_or(false) && !terminating(p)
        };
        let status_current_replicas = i64_at(&sts, "/status/currentReplicas");

        let mut blocked = false;
        // 1. Replicas in range, lowest ordinal first.
        'replicas: for ord in range.clone() {
            match pods.get(&ord) {
                None => {
                    // Upstream newVersionedStatefulSetPod: below the partition (or below the
                    // current replica count without a rollingUpdate block) pods keep the current
                    // revision; everything else, including OnDelete, gets the update revision.
                    let has_ru = sts.pointer("/spec/updateStrategy/rollingUpdate").is_some();
                    let use_current = strategy == "RollingUpdate"
                        && ((has_ru && ord < start + partition)
                            || (!has_ru && ord < start + status_current_replicas));
                    let (tmpl, rev) = if use_current && current_name != update_name {
                        (&current_template, current_name.as_str())
                    } else {
                        (&template, update_name.as_str())
                    };
                    match self.create_pod(&sts, ord, tmpl, rev) {
                        Ok(p) => {
                            pods.insert(ord, p);
                        }
                        Err(e) => {
                            let msg = format!(
                                "create Pod {name}-{ord} in StatefulSet {name} failed error: {e}"
                            );
                            ops::record_event(
                                &st,
                                &sts,
                                "Warning",
                                "FailedCreate",
                                &msg,
                                "statefulset-controller",
                            );
                            min_requeue(Duration::from_secs(1), &mut requeue);
                            blocked = true;
                            break 'replicas;
                        }
                    }
                    if monotonic {
                        blocked = true;
                        break 'replicas;
                    }
                }
                Some(p) => {
                    let phase = s(p, "/status/phase");
                    if (phase == "Failed" || phase == "Succeeded") && !terminating(p) {
                        let pn = s(p, "/metadata/name").to_string();
                        if ops::delete(
                            &st,
                            idx::PODS,
                            ns,
                            &pn,
                            &DeleteOpts {
                                grace: Some(0),
                                ..Default::default()
                            },
                        )
                        .is_ok()
                        {
                            ops::record_event(
                                &st,
                                &sts,
                                "Warning",
                                "RecreatingFailedPod",
                                &format!("StatefulSet {ns}/{name} is recreating failed Pod {pn}"),
                                "statefulset-controller",
                            );
                        }
                        if monotonic {
                            blocked = true;
                            break 'replicas;
                        }
                        continue;
                    }
                    if monotonic && terminating(p) {
                        blocked = true;
                        break 'replicas;
                    }
                    if monotonic && !healthy(p) {
                        blocked = true;
                        break 'replicas;
                    }
                    if monotonic && !available(p) {
                        if min_ready > 0 {
                            min_requeue(Duration::from_millis(500), &mut requeue);
                        }
                        blocked = true;
                        break 'replicas;
                    }
                }
            }
        }
        // 2. Condemned pods, highest ordinal first.
        if !blocked || !monotonic {
            let mut condemned: Vec<i64> = pods
                .keys()
                .copied()
                .filter(|o| !range.contains(o))
                .collect();
            condemned.sort_unstable_by(|a, b| b.cmp(a));
            for ord in condemned {
                let Some(p) = pods.get(&ord).cloned() else {
                    continue;
                };
                if terminating(&p) {
                    if monotonic {
                        blocked = true;
                        break;
                    }
                    continue;
                }
                self.delete_pod(&sts, &p, true);
                if monotonic {
                    blocked = true;
                    break;
                }
            }
        }
        // 3. Rolling update: highest ordinal first, down to the partition.
        if !blocked && strategy == "RollingUpdate" {
            let mut ords: Vec<i64> = range.clone().filter(|o| *o >= start + partition).collect();
            ords.sort_unstable_by(|a, b| b.cmp(a));
            for ord in ords {
                let Some(p) = pods.get(&ord).cloned() else {
                    break;
                };
                if pod_revision(&p) != update_name && !terminating(&p) {
                    self.delete_pod(&sts, &p, false);
                    break;
                }
                if !healthy(&p) {
                    break;
                }
            }
        }
        // PDB-independent: re-read pods for status.
        let pods_now: Vec<Value> = st
            .store
            .list_values(idx::PODS, Some(ns))
            .into_iter()
            .filter(|p| owned_by(p, &uid))
            .collect();
        let count = pods_now.len() as i64;
        let ready = pods_now.iter().filter(|p| running_and_ready(p)).count() as i64;
        let avail = pods_now
            .iter()
            .filter(|p| ready_for(p).map(|x| x >= min_ready).unwrap_or(false))
            .count() as i64;
        if avail < ready {
            min_requeue(Duration::from_millis(500), &mut requeue);
        }
        let current_n = pods_now
            .iter()
            .filter(|p| pod_revision(p) == current_name)
            .count() as i64;
        let updated_n = pods_now
            .iter()
            .filter(|p| pod_revision(p) == update_name)
            .count() as i64;
        let (mut cur_rev, mut cur_n) = (current_name.clone(), current_n);
        if strategy == "RollingUpdate" && updated_n == count && ready == count {
            cur_rev = update_name.clone();
            cur_n = updated_n;
        }
        if strategy == "OnDelete" && updated_n == count && ready == count && count == replicas {
            cur_rev = update_name.clone();
            cur_n = updated_n;
        }
        let _ = sel;
        let generation = i64_at(&sts, "/metadata/generation");
        let _ = raw_modify(&st, idx::STATEFULSETS, ns, name, |o| {
            let coll = o
                .pointer("/status/collisionCount")
                .cloned()
                .unwrap_or(json!(0));
            o["status"] = json!({
                "observedGeneration": generation,
                "replicas": count,
                "readyReplicas": ready,
                "availableReplicas": avail,
                "currentReplicas": cur_n,
                "updatedReplicas": updated_n,
                "currentRevision": cur_rev,
                "updateRevision": update_name,
                "collisionCount": coll,
            });
            if ready == 0 {
                if let Some(m) = o["status"].as_object_mut() {
                    m.remove("readyReplicas");
                }
            }
            if avail == 0 {
                if let Some(m) = o["status"].as_object_mut() {
                    m.remove("availableReplicas");
                }
            }
        });
        self.truncate_history(&sts, &uid, &cur_rev, &update_name, &pods_now);
        requeue
    }

    fn truncate_history(
        &self,
        sts: &Value,
        uid: &str,
        current: &str,
        update: &str,
        pods: &[Value],
    ) {
        let ns = s(sts, "/metadata/namespace");
        let limit = sts
            .pointer("/spec/revisionHistoryLimit")
            .and_then(Value::as_i64)
            .unwrap_or(10)
            .max(0) as usize;
        let live: BTreeSet<String> = pods
            .iter()
            .map(|p| pod_revision(p).to_string())
            .chain([current.to_string(), update.to_string()])
            .collect();
        let mut history: Vec<Value> = self
            .st
            .store
            .list_values(idx::REVISIONS, Some(ns))
            .into_iter()
            .filter(|r| owned_by(r, uid) && !live.contains(s(r, "/metadata/name")))
            .collect();
        if history.len() <= limit {
            return;
        }
        history.sort_by_key(|r| i64_at(r, "/revision"));
        let excess = history.len() - limit;
        for r in history.iter().take(excess) {
            let _ = ops::delete(
                &self.st,
                idx::REVISIONS,
                ns,
                s(r, "/metadata/name"),
                &DeleteOpts::default(),
            );
        }
    }

    fn create_pod(
        &mut self,
        sts: &Value,
        ord: i64,
        template: &Value,
        rev: &str,
    ) -> Result<Value, ApiError> {
        let st = self.st.clone();
        let ns = s(sts, "/metadata/namespace");
        let name = s(sts, "/metadata/name");
        let pod_name = format!("{name}-{ord}");
        // PVCs first.
        let mut spec = template.get("spec").cloned().unwrap_or(json!({}));
        let when_deleted = s(
            sts,
            "/spec/persistentVolumeClaimRetentionPolicy/whenDeleted",
        ) == "Delete";
        let mut claim_volumes = Vec::new();
        for vct in sts
            .pointer("/spec/volumeClaimTemplates")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
        {
            let tname = s(&vct, "/metadata/name").to_string();
            let claim = format!("{tname}-{pod_name}");
            if st.store.get(idx::PVCS, ns, &claim).is_none() {
                let mut labels = sts
                    .pointer("/spec/selector/matchLabels")
                    .cloned()
                    .unwrap_or(json!({}));
                if let Some(extra) = vct.pointer("/metadata/labels").and_then(Value::as_object) {
                    for (k, v) in extra {
                        labels[k] = v.clone();
                    }
                }
                let mut pvc = json!({
                    "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                    "metadata": {"name": claim, "namespace": ns, "labels": labels, "annotations": vct.pointer("/metadata/annotations").cloned().unwrap_or(json!({}))},
                    "spec": vct.get("spec").cloned().unwrap_or(json!({})),
                });
                if when_deleted {
                    pvc["metadata"]["ownerReferences"] = json!([owner_ref_plain(sts)]);
                }
                match ops::create(
                    &st,
                    idx::PVCS,
                    ns,
                    pvc,
                    &WriteOpts::controller("kube-controller-manager"),
                ) {
                    Ok(_) => ops::record_event(
                        &st,
                        sts,
                        "Normal",
                        "SuccessfulCreate",
                        &format!(
                            "create Claim {claim} Pod {pod_name} in StatefulSet {name} success"
                        ),
                        "statefulset-controller",
                    ),
                    Err(e) => {
                        ops::record_event(&st, sts, "Warning", "FailedCreate", &format!("create Claim {claim} for Pod {pod_name} in StatefulSet {name} failed error: {e}"), "statefulset-controller");
                        return Err(e);
                    }
                }
            }
            claim_volumes
                .push(json!({"name": tname, "persistentVolumeClaim": {"claimName": claim}}));
        }
        if !claim_volumes.is_empty() {
            let mut vols: Vec<Value> = spec
                .get("volumes")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for cv in claim_volumes {
                let n = s(&cv, "/name").to_string();
                vols.retain(|v| s(v, "/name") != n);
                vols.push(cv);
            }
            spec["volumes"] = Value::Array(vols);
        }
        spec["hostname"] = json!(pod_name);
        let svc = s(sts, "/spec/serviceName");
        if !svc.is_empty() {
            spec["subdomain"] = json!(svc);
        }
        let mut labels = template
            .pointer("/metadata/labels")
            .cloned()
            .unwrap_or(json!({}));
        labels["statefulset.kubernetes.io/pod-name"] = json!(pod_name);
        labels["controller-revision-hash"] = json!(rev);
        labels["apps.kubernetes.io/pod-index"] = json!(ord.to_string());
        let mut meta = json!({
            "name": pod_name, "namespace": ns, "generateName": format!("{name}-"),
            "labels": labels,
            "ownerReferences": [owner_ref(sts)],
        });
        if let Some(a) = template.pointer("/metadata/annotations") {
            meta["annotations"] = a.clone();
        }
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec});
        let created = ops::create(
            &st,
            idx::PODS,
            ns,
            pod,
            &WriteOpts::controller("kube-controller-manager"),
        )?;
        ops::record_event(
            &st,
            sts,
            "Normal",
            "SuccessfulCreate",
            &format!("create Pod {pod_name} in StatefulSet {name} successful"),
            "statefulset-controller",
        );
        Ok(created)
    }

    fn delete_pod(&mut self, sts: &Value, pod: &Value, scaling_down: bool) {
        let st = self.st.clone();
        let ns = s(sts, "/metadata/namespace");
        let name = s(sts, "/metadata/name");
        let pn = s(pod, "/metadata/name").to_string();
        if scaling_down
            && s(sts, "/spec/persistentVolumeClaimRetentionPolicy/whenScaled") == "Delete"
        {
            // The condemned pod's claims become owned by the pod, so they go with it.
            let pod_ref = json!({"apiVersion": "v1", "kind": "Pod", "name": pn, "uid": s(pod, "/metadata/uid"), "controller": false, "blockOwnerDeletion": true});
            for vct in sts
                .pointer("/spec/volumeClaimTemplates")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
            {
                let claim = format!("{}-{pn}", s(&vct, "/metadata/name"));
                let r = pod_ref.clone();
                let _ = raw_modify(&st, idx::PVCS, ns, &claim, |c| {
                    let mut refs = c
                        .pointer("/metadata/ownerReferences")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default();
                    if !refs.iter().any(|x| x.get("uid") == r.get("uid")) {
                        refs.push(r);
                    }
                    c["metadata"]["ownerReferences"] = Value::Array(refs);
                });
            }
        }
        match ops::delete(&st, idx::PODS, ns, &pn, &DeleteOpts::default()) {
            Ok(_) => ops::record_event(
                &st,
                sts,
                "Normal",
                "SuccessfulDelete",
                &format!("delete Pod {pn} in StatefulSet {name} successful"),
                "statefulset-controller",
            ),
            Err(e) => ops::record_event(
                &st,
                sts,
                "Warning",
                "FailedDelete",
                &format!("delete Pod {pn} in StatefulSet {name} failed error: {e}"),
                "statefulset-controller",
            ),
        }
    }

    // --------------------------------------------------------------------------------------
    // Volumes

    fn bind_pvc(&mut self, ns: &str, name: &str) -> Option<Duration> {
        let st = self.st.clone();
        let pvc = st.store.get_value(idx::PVCS, ns, name)?;
        if terminating(&pvc) {
            // pvc-protection: release once no live pod uses the claim.
            let in_use = st.store.list_values(idx::PODS, Some(ns)).iter().any(|p| {
                p.pointer("/spec/volumes")
                    .and_then(Value::as_array)
                    .map(|vs| {
                        vs.iter()
                            .any(|v| s(v, "/persistentVolumeClaim/claimName") == name)
                    })
                    .unwrap_or(false)
            });
            if in_use {
                return Some(Duration::from_millis(500));
            }
            let _ = st.store.mutate::<ApiError, _>(idx::PVCS, ns, name, |cur| {
                let Some(mut cur) = cur else {
                    return Ok(Mutation::Noop);
                };
                let mut f: Vec<Value> = cur
                    .pointer("/metadata/finalizers")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                f.retain(|x| x.as_str() != Some("kubernetes.io/pvc-protection"));
                if f.is_empty() {
                    return Ok(Mutation::Delete);
                }
                cur["metadata"]["finalizers"] = Value::Array(f);
                Ok(Mutation::Put(cur))
            });
            return None;
        }
        if s(&pvc, "/status/phase") == "Bound" {
            return crate::storage::expand(&st, &pvc);
        }
        let mut class = s(&pvc, "/spec/storageClassName").to_string();
        if class.is_empty() && pvc.pointer("/spec/storageClassName").is_none() {
            let default = st
                .store
                .list_values(idx::STORAGECLASSES, None)
                .into_iter()
                .find(|c| {
                    s(
                        c,
                        "/metadata/annotations/storageclass.kubernetes.io~1is-default-class",
                    ) == "true"
                });
            if let Some(d) = default {
                class = s(&d, "/metadata/name").to_string();
                let c2 = class.clone();
                let _ = raw_modify(&st, idx::PVCS, ns, name, |p| {
                    p["spec"]["storageClassName"] = json!(c2)
                });
            }
        }
        let Some(sc) = st.store.get_value(idx::STORAGECLASSES, "", &class) else {
            let msg = format!("storageclass.storage.k8s.io \"{class}\" not found");
            ops::record_event(
                &st,
                &pvc,
                "Warning",
                "ProvisioningFailed",
                &msg,
                "persistentvolume-controller",
            );
            return Some(Duration::from_secs(5));
        };
        let size = pvc
            .pointer("/spec/resources/requests/storage")
            .cloned()
            .unwrap_or(json!("1Gi"));
        let modes = pvc
            .pointer("/spec/accessModes")
            .cloned()
            .unwrap_or(json!(["ReadWriteOnce"]));
        let pv_name = format!("pvc-{}", s(&pvc, "/metadata/uid"));
        let provisioner = s(&sc, "/provisioner").to_string();
        let reclaim = sc.get("reclaimPolicy").cloned().unwrap_or(json!("Delete"));
        if st.store.get(idx::PVS, "", &pv_name).is_none() {
            let pv = json!({
                "apiVersion": "v1", "kind": "PersistentVolume",
                "metadata": {"name": pv_name, "annotations": {"pv.kubernetes.io/provisioned-by": provisioner}},
                "spec": {
                    "capacity": {"storage": size}, "accessModes": modes, "persistentVolumeReclaimPolicy": reclaim,
                    "storageClassName": class, "volumeMode": pvc.pointer("/spec/volumeMode").cloned().unwrap_or(json!("Filesystem")),
                    "hostPath": {"path": format!("/var/local-path-provisioner/{pv_name}_{ns}_{name}"), "type": "DirectoryOrCreate"},
                    "claimRef": {"kind": "PersistentVolumeClaim", "namespace": ns, "name": name, "uid": s(&pvc, "/metadata/uid"), "apiVersion": "v1", "resourceVersion": s(&pvc, "/metadata/resourceVersion")},
                },
            });
            if let Ok(created) = ops::create(
                &st,
                idx::PVS,
                "",
                pv,
                &WriteOpts::controller("kube-controller-manager"),
            ) {
                let _ = raw_modify(&st, idx::PVS, "", &pv_name, |p| {
                    p["status"] = json!({"phase": "Bound", "lastPhaseTransitionTime": ops::now()})
                });
                let _ = created;
            }
        }
        let (pvn, sz, md) = (pv_name.clone(), size.clone(), modes.clone());
        if let Ok(p) = raw_modify(&st, idx::PVCS, ns, name, |p| {
            p["spec"]["volumeName"] = json!(pvn);
            let ann = p["metadata"]
                .as_object_mut()
                .map(|m| m.entry("annotations").or_insert(json!({})).clone())
                .unwrap_or(json!({}));
            let mut ann = if ann.is_object() { ann } else { json!({}) };
            ann["pv.kubernetes.io/bind-completed"] = json!("yes");
            ann["pv.kubernetes.io/bound-by-controller"] = json!("yes");
            ann["volume.beta.kubernetes.io/storage-provisioner"] = json!(provisioner);
            ann["volume.kubernetes.io/storage-provisioner"] = json!(provisioner);
            p["metadata"]["annotations"] = ann;
            if let Some(m) = p["metadata"].as_object_mut() {
                let f = m.entry("finalizers").or_insert(json!([]));
                if let Some(a) = f.as_array_mut() {
                    if !a.contains(&json!("kubernetes.io/pvc-protection")) {
                        a.push(json!("kubernetes.io/pvc-protection"));
                    }
                }
            }
            p["status"] = json!({"phase": "Bound", "accessModes": md, "capacity": {"storage": sz}});
        }) {
            ops::record_event(
                &st,
                &p,
                "Normal",
                "ProvisioningSucceeded",
                &format!("Successfully provisioned volume {pv_name}"),
                &provisioner,
            );
        }
        None
    }

    // --------------------------------------------------------------------------------------
    // PodDisruptionBudgets

    fn sync_pdbs(&mut self, ns: &str) {
        let st = self.st.clone();
        let pdbs = st.store.list_values(idx::PDBS, Some(ns));
        if pdbs.is_empty() {
            return;
        }
        let pods = st.store.list_values(idx::PODS, Some(ns));
        for pdb in pdbs {
            let sel =
                LabelSelector::from_json(pdb.pointer("/spec/selector").unwrap_or(&Value::Null));
            let selected: Vec<&Value> = pods
                .iter()
                .filter(|p| !sel.is_empty() && sel.matches(p) && !terminating(p))
                .collect();
            let expected = selected.len() as i64;
            let healthy = selected.iter().filter(|p| running_and_ready(p)).count() as i64;
            let resolve = |v: &Value| -> i64 {
                match v {
                    Value::Number(n) => n.as_i64().unwrap_or(0),
                    Value::String(s) if s.ends_with('%') => {
                        let pct: f64 = s.trim_end_matches('%').parse().unwrap_or(0.0);
                        ((pct / 100.0) * expected as f64).ceil() as i64
                    }
                    Value::String(s) => s.parse().unwrap_or(0),
                    _ => 0,
                }
            };
            let desired = if let Some(m) = pdb.pointer("/spec/minAvailable") {
                resolve(m)
            } else if let Some(m) = pdb.pointer("/spec/maxUnavailable") {
                (expected - resolve(m)).max(0)
            } else {
                expected
            };
            let allowed = (healthy - desired).max(0);
            let generation = i64_at(&pdb, "/metadata/generation");
            let name = s(&pdb, "/metadata/name").to_string();
            let now = ops::now();
            let _ = raw_modify(&st, idx::PDBS, ns, &name, |p| {
                let prev_allowed = p
                    .pointer("/status/disruptionsAllowed")
                    .and_then(Value::as_i64);
                let ltt = if prev_allowed
                    .map(|x| (x > 0) == (allowed > 0))
                    .unwrap_or(false)
                {
                    p.pointer("/status/conditions/0/lastTransitionTime")
                        .cloned()
                        .unwrap_or(json!(now))
                } else {
                    json!(now)
                };
                p["status"] = json!({
                    "observedGeneration": generation,
                    "disruptionsAllowed": allowed,
                    "currentHealthy": healthy,
                    "desiredHealthy": desired,
                    "expectedPods": expected,
                    "conditions": [{
                        "type": "DisruptionAllowed",
                        "status": if allowed > 0 { "True" } else { "False" },
                        "reason": if allowed > 0 { "SufficientPods" } else { "InsufficientPods" },
                        "message": "",
                        "observedGeneration": generation,
                        "lastTransitionTime": ltt,
                    }],
                });
            });
        }
    }

    // --------------------------------------------------------------------------------------
    // Endpoints (like the endpoints controller: ready pods in addresses, others in
    // notReadyAddresses unless the Service publishes not-ready addresses)

    fn sync_endpoints(&mut self, ns: &str) {
        let st = self.st.clone();
        let services = st.store.list_values(idx::SERVICES, Some(ns));
        let pods = st.store.list_values(idx::PODS, Some(ns));
        for svc in services {
            let Some(sel) = svc.pointer("/spec/selector").and_then(Value::as_object) else {
                continue;
            };
            if sel.is_empty() {
                continue;
            }
            let sname = s(&svc, "/metadata/name").to_string();
            let sel = LabelSelector::from_json(&json!({"matchLabels": sel}));
            let publish = svc
                .pointer("/spec/publishNotReadyAddresses")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let mut ready = Vec::new();
            let mut not_ready = Vec::new();
            for p in pods.iter().filter(|p| sel.matches(p) && !terminating(p)) {
                let ip = s(p, "/status/podIP");
                if ip.is_empty() {
                    continue;
                }
                let mut addr = json!({"ip": ip, "nodeName": s(p, "/spec/nodeName"),
                    "targetRef": {"kind": "Pod", "namespace": ns, "name": s(p, "/metadata/name"), "uid": s(p, "/metadata/uid")}});
                if s(p, "/spec/subdomain") == sname && !s(p, "/spec/hostname").is_empty() {
                    addr["hostname"] = json!(s(p, "/spec/hostname"));
                }
                if publish || running_and_ready(p) {
                    ready.push(addr);
                } else {
                    not_ready.push(addr);
                }
            }
            let ports: Vec<Value> = svc
                .pointer("/spec/ports")
                .and_then(Value::as_array)
                .map(|ps| {
                    ps.iter()
                        .map(|p| {
                            let tp = p.get("targetPort").and_then(Value::as_i64).or_else(|| p.get("port").and_then(Value::as_i64)).unwrap_or(0);
                            let mut e = json!({"port": tp, "protocol": p.get("protocol").cloned().unwrap_or(json!("TCP"))});
                            if let Some(n) = p.get("name") {
                                e["name"] = n.clone();
                            }
                            e
                        })
                        .collect()
                })
                .unwrap_or_default();
            let mut subset = json!({"ports": ports});
            if !ready.is_empty() {
                subset["addresses"] = Value::Array(ready.clone());
            }
            if !not_ready.is_empty() {
                subset["notReadyAddresses"] = Value::Array(not_ready.clone());
            }
            let subsets = if ready.is_empty() && not_ready.is_empty() {
                None
            } else {
                Some(json!([subset]))
            };
            let labels = svc
                .pointer("/metadata/labels")
                .cloned()
                .unwrap_or(json!({}));
            let now = ops::now();
            let _ = st.store.mutate::<ApiError, _>(idx::ENDPOINTS, ns, &sname, |cur| {
                let mut ep = cur.unwrap_or_else(|| {
                    json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": sname, "namespace": ns, "uid": uuid::Uuid::new_v4().to_string(), "creationTimestamp": now}})
                });
                ep["metadata"]["labels"] = labels.clone();
                match &subsets {
                    Some(sub) => ep["subsets"] = sub.clone(),
                    None => {
                        if let Some(o) = ep.as_object_mut() {
                            o.remove("subsets");
                        }
                    }
                }
                Ok(Mutation::Put(ep))
            });
        }
    }

    // --------------------------------------------------------------------------------------
    // Garbage collection and namespace deletion

    fn dependents(&self, ns: &str, uid: &str) -> Vec<(usize, Value)> {
        let mut out = Vec::new();
        for res in [
            idx::PODS,
            idx::REVISIONS,
            idx::PVCS,
            idx::CONFIGMAPS,
            idx::SECRETS,
            idx::SERVICES,
            idx::ENDPOINTS,
            idx::PDBS,
            idx::STATEFULSETS,
        ] {
            for o in self.st.store.list_values(res, Some(ns)) {
                if owned_by(&o, uid) {
                    out.push((res, o));
                }
            }
        }
        out
    }

    fn remove_owner_ref(&self, res: usize, o: &Value, uid: &str) {
        let ns = s(o, "/metadata/namespace").to_string();
        let name = s(o, "/metadata/name").to_string();
        let _ = raw_modify(&self.st, res, &ns, &name, |v| {
            let before = v.clone();
            if let Some(refs) = v
                .pointer_mut("/metadata/ownerReferences")
                .and_then(Value::as_array_mut)
            {
                refs.retain(|r| s(r, "/uid") != uid);
                if refs.is_empty() {
                    if let Some(m) = v["metadata"].as_object_mut() {
                        m.remove("ownerReferences");
                    }
                }
            }
            // The removed reference leaves every manager's field set (the GC's patch).
            crate::patch::track_update(
                Some(&before),
                v,
                "kube-controller-manager",
                &RESOURCES[res].api_version(),
                None,
                &ops::now(),
            );
        });
    }

    fn collect_orphans(&mut self, ns: &str, uid: &str) {
        for (res, o) in self.dependents(ns, uid) {
            let refs = o
                .pointer("/metadata/ownerReferences")
                .and_then(Value::as_array)
                .map(|a| a.len())
                .unwrap_or(0);
            if refs > 1 {
                self.remove_owner_ref(res, &o, uid);
            } else {
                let _ = ops::delete(
                    &self.st,
                    res,
                    ns,
                    s(&o, "/metadata/name"),
                    &DeleteOpts {
                        propagation: Some("Background".into()),
                        ..Default::default()
                    },
                );
            }
        }
    }

    fn finalize(&mut self, res: usize, ns: &str, name: &str) -> Option<Duration> {
        let o = self.st.store.get_value(res, ns, name)?;
        let uid = s(&o, "/metadata/uid").to_string();
        let fins: Vec<String> = o
            .pointer("/metadata/finalizers")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|f| f.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let deps = self.dependents(ns, &uid);
        let mut done: Vec<&str> = Vec::new();
        if fins.iter().any(|f| f == "orphan") {
            for (r, d) in &deps {
                self.remove_owner_ref(*r, d, &uid);
            }
            done.push("orphan");
        }
        if fins.iter().any(|f| f == "foregroundDeletion") {
            if deps.is_empty() {
                done.push("foregroundDeletion");
            } else {
                for (r, d) in &deps {
                    if !terminating(d) {
                        let _ = ops::delete(
                            &self.st,
                            *r,
                            ns,
                            s(d, "/metadata/name"),
                            &DeleteOpts {
                                propagation: Some("Foreground".into()),
                                ..Default::default()
                            },
                        );
                    }
                }
                return Some(Duration::from_millis(100));
            }
        }
        if !done.is_empty() {
            let _ = self.st.store.mutate::<ApiError, _>(res, ns, name, |cur| {
                let Some(mut cur) = cur else {
                    return Ok(Mutation::Noop);
                };
                let mut f: Vec<Value> = cur
                    .pointer("/metadata/finalizers")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                f.retain(|x| !done.iter().any(|d| x.as_str() == Some(*d)));
                if f.is_empty() {
                    let is_pod_graceful = res == idx::PODS
                        && i64_at(&cur, "/metadata/deletionGracePeriodSeconds") > 0;
                    if !is_pod_graceful {
                        return Ok(Mutation::Delete);
                    }
                }
                cur["metadata"]["finalizers"] = Value::Array(f);
                Ok(Mutation::Put(cur))
            });
        }
        None
    }

    fn sync_namespace(&mut self, name: &str) -> Option<Duration> {
        let st = self.st.clone();
        let ns = st.store.get_value(idx::NAMESPACES, "", name)?;
        if !terminating(&ns) {
            return None;
        }
        let mut remaining = 0usize;
        for (res, def) in RESOURCES.iter().enumerate() {
            if !def.namespaced || def.is_virtual() || res >= crate::resources::STORED {
                continue;
            }
            for o in st.store.list(res, Some(name)).1 {
                remaining += 1;
                let v = o.value();
                if terminating(&v) {
                    // Finalizers that nobody will remove in the simulator are dropped.
                    let fins = v
                        .pointer("/metadata/finalizers")
                        .and_then(Value::as_array)
                        .map(|a| !a.is_empty())
                        .unwrap_or(false);
                    if fins && res != idx::PODS {
                        let _ = st
                            .store
                            .mutate::<ApiError, _>(res, name, &o.name, |_| Ok(Mutation::Delete));
                    }
                    continue;
                }
                let _ = ops::delete(
                    &st,
                    res,
                    name,
                    &o.name,
                    &DeleteOpts {
                        grace: Some(if res == idx::PODS { 1 } else { 0 }),
                        ..Default::default()
                    },
                );
            }
        }
        if remaining == 0 {
            let _ = st
                .store
                .mutate::<ApiError, _>(idx::NAMESPACES, "", name, |cur| {
                    Ok(if cur.is_some() {
                        Mutation::Delete
                    } else {
                        Mutation::Noop
                    })
                });
            return None;
        }
        Some(Duration::from_millis(100))
    }
}

fn set_ready(p: &mut Value, ready: bool, now: &str, reason: &str) {
    let names: Vec<String> = p
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .map(|cs| cs.iter().map(|c| s(c, "/name").to_string()).collect())
        .unwrap_or_default();
    if let Some(conds) = p
        .pointer_mut("/status/conditions")
        .and_then(Value::as_array_mut)
    {
        for c in conds.iter_mut() {
            let ty = s(c, "/type").to_string();
            if ty == "Ready" || ty == "ContainersReady" {
                let was = s(c, "/status") == "True";
                if was != ready {
                    c["lastTransitionTime"] = json!(now);
                }
                c["status"] = json!(if ready { "True" } else { "False" });
                if ready {
                    if let Some(o) = c.as_object_mut() {
                        o.remove("reason");
                        o.remove("message");
                    }
                } else {
                    c["reason"] = json!(reason);
                    c["message"] = json!(format!(
                        "containers with unready status: [{}]",
                        names.join(" ")
                    ));
                }
            }
        }
    }
}

/// Modify an object in place, bypassing validation/generation (controllers writing status).
pub fn raw_modify<F: FnOnce(&mut Value)>(
    st: &State,
    res: usize,
    ns: &str,
    name: &str,
    f: F,
) -> Result<Value, ApiError> {
    let def = &RESOURCES[res];
    let out = st.store.mutate::<ApiError, _>(res, ns, name, |cur| {
        let mut v = cur.ok_or_else(|| ApiError::not_found(def, name))?;
        f(&mut v);
        Ok(Mutation::Put(v))
    })?;
    Ok(match out {
        crate::store::Outcome::Stored { value, .. } => value,
        crate::store::Outcome::Unchanged(Some(v)) => v,
        crate::store::Outcome::Deleted(v) => v,
        crate::store::Outcome::Unchanged(None) => Value::Null,
    })
}

fn pod_revision(p: &Value) -> &str {
    s(p, "/metadata/labels/controller-revision-hash")
}

fn owner_ref(sts: &Value) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "name": s(sts, "/metadata/name"), "uid": s(sts, "/metadata/uid"), "controller": true, "blockOwnerDeletion": true})
}

fn owner_ref_plain(sts: &Value) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "name": s(sts, "/metadata/name"), "uid": s(sts, "/metadata/uid"), "controller": true, "blockOwnerDeletion": true})
}

fn with_hash_label(template: &Value, hash: &str) -> Value {
    let mut l = template
        .pointer("/metadata/labels")
        .cloned()
        .unwrap_or(json!({}));
    if !l.is_object() {
        l = json!({});
    }
    // Upstream labels each revision with its hash (ControllerRevisionHashLabel).
    l["controller.kubernetes.io/hash"] = json!(hash);
    l
}

/// Upstream: fnv32a of the revision data (+ collisionCount), decimal digits safe-encoded.
pub fn revision_hash(template: &Value, collision: i64) -> String {
    const ALPHA: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let data = serde_json::to_string(template).unwrap_or_default();
    let mut h: u32 = 0x811c9dc5;
    for b in data.bytes().chain(collision.to_le_bytes()) {
        h ^= b as u32;
        h = h.wrapping_mul(0x01000193);
    }
    h.to_string()
        .bytes()
        .map(|b| ALPHA[(b as usize) % ALPHA.len()] as char)
        .collect()
}
