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
//!
//! The preflight is in `plan.rs`, the steps in `steps.rs`; this file has the types, the journal
//! and the run.
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

mod plan;
mod steps;

pub use plan::plan;
pub use steps::steps;

/// How long a claim may take to report its new size.
const RESIZE_TIMEOUT: Duration = Duration::from_secs(300);
/// How long `FileSystemResizePending` may last before it is taken as "finishes at the pod's next
/// restart" rather than an online resize still under way.
const ONLINE_GRACE: Duration = Duration::from_secs(10);
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
    /// Whether the server's schema has `spec.volumeClaimUpdatePolicy` (KEP-4650, in no release
    /// yet); `None` when the schema could not be read. Ordinal takes the orphan-and-re-create path
    /// either way and says which.
    pub update_policy_offered: Option<bool>,
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
