//! Growing a StatefulSet's storage, the procedure operators do by hand (a claim template is
//! immutable: kubernetes #72198):
//!
//! 1. [`plan`] — the preflight, before anything changes: a valid, larger size; a class that lets
//!    volumes grow; every claim Bound; RBAC for patching claims and deleting/creating the set; a
//!    server dry run of each claim's patch and of the orphaning delete.
//! 2. [`Step::PatchClaims`], [`Step::WaitResize`] — each ordinal's claim is patched to the new
//!    size; the resize conditions are followed until each claim reports the new capacity (or only
//!    `FileSystemResizePending`, which the pod's next restart finishes).
//! 3. [`Step::DeleteOrphan`], [`Step::Recreate`], [`Step::Verify`] — the set is deleted with
//!    `propagationPolicy: Orphan` (its pods and claims stay) and created again from the same spec
//!    with the larger template; every pod must be adopted by the new set, none restarted.
//!
//! Journaled ([`GrowJournal`]): the record, with the spec to re-create, is on disk before the
//! delete is sent, and the step is written before each step starts; every step is idempotent, so
//! an interrupted grow resumes ([`resume`]) to the same end state and never leaves the set deleted
//! and not re-created. The set changing under the procedure (someone edits it: its generation
//! moves) stops it before the delete, and says so.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod};
use k8s_openapi::api::storage::v1::StorageClass;
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams, Preconditions};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::sync::mpsc;
use ts_rs::TS;

use crate::cluster::ClusterError;
use crate::error::{Classify, ErrorCode, IpcError};

/// How long a claim may take to report its new size.
const RESIZE_TIMEOUT: Duration = Duration::from_secs(300);
/// How long the deleted set may take to go, and the new one to adopt its pods.
const SETTLE_TIMEOUT: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(100);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GrowRequest {
    pub context: String,
    pub namespace: String,
    pub name: String,
    /// The claim template (`volumeClaimTemplates[].metadata.name`).
    pub template: String,
    /// The new size, a Kubernetes quantity (`20Gi`).
    pub size: String,
}

/// One preflight check; `key` is the UI's i18n key, `params` its values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GrowCheck {
    pub key: String,
    pub ok: bool,
    pub params: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GrowClaim {
    pub name: String,
    pub ordinal: i32,
    pub requested: Option<String>,
    pub capacity: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GrowPlan {
    pub checks: Vec<GrowCheck>,
    pub claims: Vec<GrowClaim>,
    /// Every check passed.
    pub ready: bool,
    pub storage_class: Option<String>,
    /// The template's size now.
    pub from: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "GrowStep")]
pub enum Step {
    PatchClaims,
    WaitResize,
    DeleteOrphan,
    Recreate,
    Verify,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "GrowClaimState")]
pub enum ClaimState {
    Patched,
    Resizing,
    /// The volume grew; the file system grows when the pod next starts.
    FileSystemResizePending,
    Done,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum GrowEvent {
    Step {
        step: Step,
        done: bool,
    },
    Claim {
        name: String,
        ordinal: i32,
        state: ClaimState,
        capacity: Option<String>,
    },
    /// The end: `error` when it stopped (the journal keeps it for resume unless nothing was
    /// deleted yet).
    Finished {
        id: String,
        error: Option<IpcError>,
        file_system_pending: u32,
    },
}

/// What is journaled: enough to finish the procedure from any step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GrowRecord {
    pub id: String,
    pub request: GrowRequest,
    pub step: Step,
    /// The set being replaced, and its generation when the procedure started.
    pub old_uid: String,
    #[ts(type = "number")]
    pub generation: i64,
    /// The set to create, with the larger template.
    #[ts(skip)]
    pub spec: Value,
    /// Pod name → (uid, restarts) before anything changed, to verify none was restarted.
    #[ts(skip)]
    pub pods: BTreeMap<String, (String, i32)>,
    #[serde(default)]
    #[ts(skip)]
    pub instance: String,
}

/// One JSON file per procedure in `dir`, removed when it finishes.
#[derive(Debug)]
pub struct GrowJournal {
    dir: PathBuf,
    instance: String,
}

impl GrowJournal {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Self {
            dir: dir.into(),
            instance: format!("{}-{}", std::process::id(), now.as_nanos()),
        }
    }

    fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    pub fn write(&self, record: &GrowRecord) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let mut r = record.clone();
        r.instance = self.instance.clone();
        let bytes = serde_json::to_vec_pretty(&r).map_err(std::io::Error::other)?;
        crate::fsutil::atomic_write(&self.path(&record.id), &bytes, 0o600)
    }

    pub fn get(&self, id: &str) -> Option<GrowRecord> {
        let bytes = std::fs::read(self.path(id)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    pub fn remove(&self, id: &str) -> std::io::Result<()> {
        match std::fs::remove_file(self.path(id)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Procedures of `context` that another process left unfinished.
    pub fn interrupted(&self, context: &str) -> Vec<GrowRecord> {
        let mut out: Vec<GrowRecord> = std::fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                n.strip_suffix(".json").and_then(|id| self.get(id))
            })
            .filter(|r| r.request.context == context && r.instance != self.instance)
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }
}

fn ipc(e: &kube::Error) -> IpcError {
    ClusterError::from_kube(e).to_ipc()
}

fn check(key: &str, ok: bool, params: &[(&str, String)]) -> GrowCheck {
    GrowCheck {
        key: key.to_string(),
        ok,
        params: params
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    }
}

fn bytes(q: Option<&str>) -> Option<f64> {
    q.and_then(ordinal_sim::storage::quantity)
}

fn storage_q(
    m: Option<&BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>>,
) -> Option<String> {
    m.and_then(|m| m.get("storage")).map(|q| q.0.clone())
}

fn claim_names(sts: &StatefulSet, template: &str) -> Vec<(String, i32)> {
    let name = sts.metadata.name.clone().unwrap_or_default();
    let spec = sts.spec.as_ref();
    let replicas = spec.and_then(|s| s.replicas).unwrap_or(1).max(0);
    let start = spec
        .and_then(|s| s.ordinals.as_ref())
        .and_then(|o| o.start)
        .unwrap_or(0)
        .max(0);
    (start..start + replicas)
        .map(|o| (format!("{template}-{name}-{o}"), o))
        .collect()
}

/// The preflight: what would happen and whether it can; nothing is changed. `allowed` answers
/// RBAC questions (verb, group, resource) for the namespace.
pub async fn plan<F, Fut>(
    client: &kube::Client,
    req: &GrowRequest,
    allowed: F,
) -> Result<GrowPlan, IpcError>
where
    F: Fn(&'static str, &'static str, &'static str) -> Fut,
    Fut: std::future::Future<Output = Result<bool, IpcError>>,
{
    let sts_api: Api<StatefulSet> = Api::namespaced(client.clone(), &req.namespace);
    let pvc_api: Api<PersistentVolumeClaim> = Api::namespaced(client.clone(), &req.namespace);
    let sts = sts_api.get(&req.name).await.map_err(|e| ipc(&e))?;
    let template = sts
        .spec
        .as_ref()
        .and_then(|s| s.volume_claim_templates.as_ref())
        .and_then(|ts| {
            ts.iter()
                .find(|t| t.metadata.name.as_deref() == Some(&req.template))
        })
        .ok_or_else(|| {
            IpcError::new(
                ErrorCode::Invalid,
                format!("{} has no claim template {:?}", req.name, req.template),
            )
        })?;
    let tspec = template.spec.as_ref();
    let from = storage_q(
        tspec
            .and_then(|s| s.resources.as_ref())
            .and_then(|r| r.requests.as_ref()),
    );
    let class = tspec.and_then(|s| s.storage_class_name.clone());
    let mut checks = Vec::new();

    let want = bytes(Some(&req.size));
    checks.push(check(
        "grow.check.size",
        want.is_some(),
        &[("size", req.size.clone())],
    ));

    let mut claims = Vec::new();
    let mut all_bound = true;
    let mut largest: Option<(f64, String)> = None;
    for (name, ordinal) in claim_names(&sts, &req.template) {
        let pvc = pvc_api.get_opt(&name).await.map_err(|e| ipc(&e))?;
        let requested = pvc
            .as_ref()
            .and_then(|p| p.spec.as_ref())
            .and_then(|s| s.resources.as_ref())
            .and_then(|r| storage_q(r.requests.as_ref()));
        let capacity = pvc
            .as_ref()
            .and_then(|p| p.status.as_ref())
            .and_then(|s| storage_q(s.capacity.as_ref()));
        let phase = pvc
            .as_ref()
            .and_then(|p| p.status.as_ref())
            .and_then(|s| s.phase.clone());
        if phase.as_deref() != Some("Bound") {
            all_bound = false;
        }
        for q in [&requested, &capacity].into_iter().flatten() {
            if let Some(b) = bytes(Some(q)) {
                if largest.as_ref().is_none_or(|(l, _)| b > *l) {
                    largest = Some((b, q.clone()));
                }
            }
        }
        claims.push(GrowClaim {
            name,
            ordinal,
            requested,
            capacity,
        });
    }
    if let Some(b) = bytes(from.as_deref()) {
        if largest.as_ref().is_none_or(|(l, _)| b > *l) {
            largest = Some((b, from.clone().unwrap_or_default()));
        }
    }
    if let Some(want) = want {
        let (cur, cur_text) = largest.clone().unwrap_or((0.0, "0".into()));
        checks.push(check(
            "grow.check.larger",
            want > cur,
            &[("size", req.size.clone()), ("current", cur_text)],
        ));
    }
    let classes: Api<StorageClass> = Api::all(client.clone());
    let expandable = match &class {
        Some(c) => match classes.get_opt(c).await {
            Ok(Some(sc)) => Some(sc.allow_volume_expansion.unwrap_or(false)),
            Ok(None) => Some(false),
            Err(_) => None,
        },
        None => Some(false),
    };
    checks.push(check(
        "grow.check.class",
        expandable == Some(true),
        &[("class", class.clone().unwrap_or_else(|| "—".into()))],
    ));
    checks.push(check(
        "grow.check.bound",
        all_bound && !claims.is_empty(),
        &[],
    ));
    let mut rbac_ok = true;
    for (verb, group, resource) in [
        ("patch", "", "persistentvolumeclaims"),
        ("delete", "apps", "statefulsets"),
        ("create", "apps", "statefulsets"),
    ] {
        let ok = allowed(verb, group, resource).await?;
        rbac_ok &= ok;
        checks.push(check(
            "grow.check.rbac",
            ok,
            &[
                ("verb", verb.to_string()),
                ("resource", resource.to_string()),
            ],
        ));
    }
    // Dry runs of the steps that change something (only once the rest holds: a dry run of a
    // refused size would just repeat the refusal).
    let basics = checks.iter().all(|c| c.ok);
    if basics && rbac_ok {
        let dry = PatchParams {
            dry_run: true,
            ..Default::default()
        };
        let mut failure = None;
        for c in &claims {
            if let Err(e) = pvc_api.patch(&c.name, &dry, &size_patch(&req.size)).await {
                failure = Some(ipc(&e).message);
                break;
            }
        }
        if failure.is_none() {
            let dp = DeleteParams {
                dry_run: true,
                ..DeleteParams::orphan()
            };
            if let Err(e) = sts_api.delete(&req.name, &dp).await {
                failure = Some(ipc(&e).message);
            }
        }
        checks.push(check(
            "grow.check.dryRun",
            failure.is_none(),
            &[("message", failure.unwrap_or_default())],
        ));
    }
    let ready = checks.iter().all(|c| c.ok);
    Ok(GrowPlan {
        checks,
        claims,
        ready,
        storage_class: class,
        from,
    })
}

fn size_patch(size: &str) -> Patch<Value> {
    Patch::Merge(json!({"spec": {"resources": {"requests": {"storage": size}}}}))
}

fn restarts(p: &Pod) -> i32 {
    p.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .map(|cs| cs.iter().map(|c| c.restart_count).sum())
        .unwrap_or(0)
}

/// The set to create again: the same object without what the server owns, the template larger.
fn recreate_spec(sts: &StatefulSet, template: &str, size: &str) -> Value {
    let mut v = serde_json::to_value(sts).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.remove("status");
    }
    if let Some(m) = v["metadata"].as_object_mut() {
        for f in [
            "uid",
            "resourceVersion",
            "generation",
            "creationTimestamp",
            "managedFields",
            "selfLink",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
        ] {
            m.remove(f);
        }
    }
    if let Some(ts) = v["spec"]["volumeClaimTemplates"].as_array_mut() {
        for t in ts {
            if t["metadata"]["name"] == template {
                t["spec"]["resources"]["requests"]["storage"] = json!(size);
            }
        }
    }
    v
}

/// The journal record of a grow of `req` starting now: the set's uid and generation, its pods,
/// and the spec to create again.
pub async fn prepare(client: &kube::Client, req: GrowRequest) -> Result<GrowRecord, IpcError> {
    let sts_api: Api<StatefulSet> = Api::namespaced(client.clone(), &req.namespace);
    let sts = sts_api.get(&req.name).await.map_err(|e| ipc(&e))?;
    let pods: Api<Pod> = Api::namespaced(client.clone(), &req.namespace);
    let set = sts.metadata.name.clone().unwrap_or_default();
    let mut before = BTreeMap::new();
    for (_, ordinal) in claim_names(&sts, &req.template) {
        let pod = format!("{set}-{ordinal}");
        if let Some(p) = pods.get_opt(&pod).await.map_err(|e| ipc(&e))? {
            before.insert(
                pod,
                (p.metadata.uid.clone().unwrap_or_default(), restarts(&p)),
            );
        }
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    Ok(GrowRecord {
        id: format!(
            "grow-{}-{:04x}",
            now.as_millis(),
            now.subsec_nanos() & 0xffff
        ),
        step: Step::PatchClaims,
        old_uid: sts.metadata.uid.clone().unwrap_or_default(),
        generation: sts.metadata.generation.unwrap_or(0),
        spec: recreate_spec(&sts, &req.template, &req.size),
        pods: before,
        instance: String::new(),
        request: req,
    })
}

/// Starts a grow: journals the record (with the spec to re-create) and runs it; its events go to
/// `tx`. Returns the procedure's id.
pub async fn start(
    client: kube::Client,
    journal: std::sync::Arc<GrowJournal>,
    req: GrowRequest,
    tx: mpsc::Sender<GrowEvent>,
) -> Result<String, IpcError> {
    let record = prepare(&client, req).await?;
    journal
        .write(&record)
        .map_err(|e| IpcError::internal(format!("cannot write the grow journal: {e}")))?;
    let id = record.id.clone();
    tokio::spawn(run(client, journal, record, tx));
    Ok(id)
}

/// Continues an interrupted grow from its journaled step.
pub fn resume(
    client: kube::Client,
    journal: std::sync::Arc<GrowJournal>,
    record: GrowRecord,
    tx: mpsc::Sender<GrowEvent>,
) {
    tokio::spawn(run(client, journal, record, tx));
}

async fn run(
    client: kube::Client,
    journal: std::sync::Arc<GrowJournal>,
    mut record: GrowRecord,
    tx: mpsc::Sender<GrowEvent>,
) {
    let outcome = steps(&client, &journal, &mut record, &tx).await;
    let (error, pending) = match outcome {
        Ok(pending) => {
            let _ = journal.remove(&record.id);
            (None, pending)
        }
        Err(e) => {
            // The set was not deleted: nothing to resume (claims that grew stay grown). Once it
            // may have been, the journal stays until the set exists again.
            if !set_may_be_deleted(&client, &record).await {
                let _ = journal.remove(&record.id);
            }
            (Some(e), 0)
        }
    };
    let _ = tx
        .send(GrowEvent::Finished {
            id: record.id.clone(),
            error,
            file_system_pending: pending,
        })
        .await;
}

async fn set_may_be_deleted(client: &kube::Client, record: &GrowRecord) -> bool {
    if record.step < Step::DeleteOrphan {
        return false;
    }
    let api: Api<StatefulSet> = Api::namespaced(client.clone(), &record.request.namespace);
    match api.get_opt(&record.request.name).await {
        Ok(Some(s)) => {
            s.metadata.deletion_timestamp.is_some()
                && s.metadata.uid.as_deref() == Some(record.old_uid.as_str())
        }
        Ok(None) => true,
        Err(_) => true,
    }
}

/// Runs the steps from `record.step`; the number of claims left `FileSystemResizePending`.
pub async fn steps(
    client: &kube::Client,
    journal: &GrowJournal,
    record: &mut GrowRecord,
    tx: &mpsc::Sender<GrowEvent>,
) -> Result<u32, IpcError> {
    let req = record.request.clone();
    let ns = &req.namespace;
    let sts_api: Api<StatefulSet> = Api::namespaced(client.clone(), ns);
    let pvc_api: Api<PersistentVolumeClaim> = Api::namespaced(client.clone(), ns);
    let pod_api: Api<Pod> = Api::namespaced(client.clone(), ns);
    let spec: StatefulSet = serde_json::from_value(record.spec.clone())
        .map_err(|e| IpcError::internal(format!("journaled spec: {e}")))?;
    let claims = claim_names(&spec, &req.template);
    let want = bytes(Some(&req.size)).unwrap_or(f64::MAX);
    let mut pending = 0;
    let save = |record: &GrowRecord| {
        journal
            .write(record)
            .map_err(|e| IpcError::internal(format!("cannot write the grow journal: {e}")))
    };
    let enter = |record: &mut GrowRecord, step: Step| -> Result<(), IpcError> {
        if record.step < step {
            record.step = step;
        }
        save(record)
    };

    if record.step <= Step::PatchClaims {
        let _ = tx
            .send(GrowEvent::Step {
                step: Step::PatchClaims,
                done: false,
            })
            .await;
        for (name, ordinal) in &claims {
            let cur = pvc_api.get(name).await.map_err(|e| ipc(&e))?;
            let requested = cur
                .spec
                .as_ref()
                .and_then(|s| s.resources.as_ref())
                .and_then(|r| storage_q(r.requests.as_ref()));
            if bytes(requested.as_deref()).is_none_or(|b| b < want) {
                pvc_api
                    .patch(name, &PatchParams::default(), &size_patch(&req.size))
                    .await
                    .map_err(|e| ipc(&e))?;
            }
            let _ = tx
                .send(GrowEvent::Claim {
                    name: name.clone(),
                    ordinal: *ordinal,
                    state: ClaimState::Patched,
                    capacity: None,
                })
                .await;
        }
        let _ = tx
            .send(GrowEvent::Step {
                step: Step::PatchClaims,
                done: true,
            })
            .await;
        enter(record, Step::WaitResize)?;
    }

    if record.step <= Step::WaitResize {
        let _ = tx
            .send(GrowEvent::Step {
                step: Step::WaitResize,
                done: false,
            })
            .await;
        let started = Instant::now();
        let mut last: BTreeMap<String, ClaimState> = BTreeMap::new();
        loop {
            let mut waiting = Vec::new();
            pending = 0;
            for (name, ordinal) in &claims {
                let pvc = pvc_api.get(name).await.map_err(|e| ipc(&e))?;
                let status = pvc.status.as_ref();
                let capacity = storage_q(status.and_then(|s| s.capacity.as_ref()));
                let conds: Vec<String> = status
                    .and_then(|s| s.conditions.as_ref())
                    .into_iter()
                    .flatten()
                    .filter(|c| c.status == "True")
                    .map(|c| c.type_.clone())
                    .collect();
                let state = if bytes(capacity.as_deref()).is_some_and(|c| c >= want) {
                    ClaimState::Done
                } else if conds.iter().any(|c| c == "FileSystemResizePending") {
                    pending += 1;
                    ClaimState::FileSystemResizePending
                } else {
                    waiting.push(format!(
                        "{name} ({})",
                        if conds.is_empty() {
                            "no resize condition yet".to_string()
                        } else {
                            conds.join(", ")
                        }
                    ));
                    ClaimState::Resizing
                };
                if last.get(name) != Some(&state) {
                    last.insert(name.clone(), state);
                    let _ = tx
                        .send(GrowEvent::Claim {
                            name: name.clone(),
                            ordinal: *ordinal,
                            state,
                            capacity,
                        })
                        .await;
                }
            }
            if waiting.is_empty() {
                break;
            }
            if started.elapsed() > RESIZE_TIMEOUT {
                return Err(IpcError::new(
                    ErrorCode::Unreachable,
                    format!(
                        "the claims did not reach {} within {} s: {}; the set was not touched",
                        req.size,
                        RESIZE_TIMEOUT.as_secs(),
                        waiting.join("; ")
                    ),
                ));
            }
            tokio::time::sleep(POLL).await;
        }
        let _ = tx
            .send(GrowEvent::Step {
                step: Step::WaitResize,
                done: true,
            })
            .await;
        enter(record, Step::DeleteOrphan)?;
    }

    if record.step <= Step::DeleteOrphan {
        let _ = tx
            .send(GrowEvent::Step {
                step: Step::DeleteOrphan,
                done: false,
            })
            .await;
        // Delete the set we read, unchanged: its uid, and a generation that has not moved (status
        // writes change the resourceVersion all the time; a re-read decides again on Conflict).
        let mut attempts = 0;
        loop {
            attempts += 1;
            let Some(cur) = sts_api.get_opt(&req.name).await.map_err(|e| ipc(&e))? else {
                break; // already gone
            };
            if cur.metadata.uid.as_deref() != Some(record.old_uid.as_str()) {
                break; // already re-created (an earlier run got further)
            }
            if cur.metadata.deletion_timestamp.is_some() {
                break;
            }
            let generation = cur.metadata.generation.unwrap_or(0);
            if generation != record.generation {
                return Err(IpcError::new(
                    ErrorCode::Conflict,
                    format!(
                        "{} was changed while its storage grew (generation {} → {}): the claims are {}, the set was not deleted; review the change and grow again",
                        req.name, record.generation, generation, req.size
                    ),
                ));
            }
            let dp = DeleteParams {
                preconditions: Some(Preconditions {
                    uid: cur.metadata.uid.clone(),
                    resource_version: cur.metadata.resource_version.clone(),
                }),
                ..DeleteParams::orphan()
            };
            match sts_api.delete(&req.name, &dp).await {
                Ok(_) => break,
                Err(kube::Error::Api(s)) if s.code == 404 => break,
                Err(kube::Error::Api(s)) if s.code == 409 && attempts < 5 => continue,
                Err(e) => return Err(ipc(&e)),
            }
        }
        wait_until(SETTLE_TIMEOUT, || async {
            match sts_api.get_opt(&req.name).await {
                Ok(None) => Ok(true),
                Ok(Some(s)) => Ok(s.metadata.uid.as_deref() != Some(record.old_uid.as_str())),
                Err(e) => Err(ipc(&e)),
            }
        })
        .await
        .map_err(|e| {
            e.or(format!(
                "{} was not deleted within {} s",
                req.name,
                SETTLE_TIMEOUT.as_secs()
            ))
        })?;
        let _ = tx
            .send(GrowEvent::Step {
                step: Step::DeleteOrphan,
                done: true,
            })
            .await;
        enter(record, Step::Recreate)?;
    }

    if record.step <= Step::Recreate {
        let _ = tx
            .send(GrowEvent::Step {
                step: Step::Recreate,
                done: false,
            })
            .await;
        match sts_api.create(&PostParams::default(), &spec).await {
            Ok(_) => {}
            Err(kube::Error::Api(s)) if s.code == 409 && s.reason == "AlreadyExists" => {
                // An earlier run created it already.
            }
            Err(e) => return Err(ipc(&e)),
        }
        let _ = tx
            .send(GrowEvent::Step {
                step: Step::Recreate,
                done: true,
            })
            .await;
        enter(record, Step::Verify)?;
    }

    let _ = tx
        .send(GrowEvent::Step {
            step: Step::Verify,
            done: false,
        })
        .await;
    let new = sts_api.get(&req.name).await.map_err(|e| ipc(&e))?;
    let new_uid = new.metadata.uid.clone().unwrap_or_default();
    let started = Instant::now();
    loop {
        let problem = unadopted(&pod_api, &record.pods, &new_uid, &req.name).await?;
        let Some(problem) = problem else { break };
        if started.elapsed() > SETTLE_TIMEOUT {
            return Err(IpcError::new(
                ErrorCode::Conflict,
                format!("verification failed: {problem}"),
            ));
        }
        tokio::time::sleep(POLL).await;
    }
    let _ = tx
        .send(GrowEvent::Step {
            step: Step::Verify,
            done: true,
        })
        .await;
    Ok(pending)
}

/// What is wrong with the pods after the re-create (gone, re-created, not adopted, restarted).
async fn unadopted(
    pods: &Api<Pod>,
    before: &BTreeMap<String, (String, i32)>,
    new_uid: &str,
    set: &str,
) -> Result<Option<String>, IpcError> {
    for (pod, (uid, restarted)) in before {
        let Some(p) = pods.get_opt(pod).await.map_err(|e| ipc(&e))? else {
            return Ok(Some(format!("{pod} is gone")));
        };
        if p.metadata.uid.as_deref() != Some(uid.as_str()) {
            return Ok(Some(format!("{pod} was re-created")));
        }
        let owned = p.metadata.owner_references.as_ref().is_some_and(|rs| {
            rs.iter()
                .any(|r| r.uid == new_uid && r.controller == Some(true))
        });
        if !owned {
            return Ok(Some(format!("{pod} is not adopted by the new {set}")));
        }
        if restarts(&p) != *restarted {
            return Ok(Some(format!("{pod} restarted")));
        }
    }
    Ok(None)
}

/// Why a wait ended without its condition: an error, or the time ran out.
enum WaitEnd {
    Error(IpcError),
    Timeout,
}

impl WaitEnd {
    fn or(self, timeout_message: String) -> IpcError {
        match self {
            WaitEnd::Error(e) => e,
            WaitEnd::Timeout => IpcError::new(ErrorCode::Unreachable, timeout_message),
        }
    }
}

async fn wait_until<F, Fut>(limit: Duration, mut f: F) -> Result<(), WaitEnd>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<bool, IpcError>>,
{
    let started = Instant::now();
    loop {
        match f().await {
            Ok(true) => return Ok(()),
            Ok(false) => {}
            Err(e) => return Err(WaitEnd::Error(e)),
        }
        if started.elapsed() > limit {
            return Err(WaitEnd::Timeout);
        }
        tokio::time::sleep(POLL).await;
    }
}
