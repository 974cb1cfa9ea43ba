//! Running a batch: one item per selected object, bounded concurrency, per-item progress, a
//! journal entry per batch (the source of Undo, and of Resume after a crash).

use std::sync::Arc;

use futures::{Stream, StreamExt};
use k8s_openapi::api::apps::v1::StatefulSet;
use kube::api::{Api, DeleteParams, Patch, PatchParams};
use serde_json::json;
use tokio::sync::mpsc;

use super::journal::{Journal, JournalItem};
use super::{
    Action, ActionEvent, ActionRequest, ItemState, ObjectRef, Propagation, DELETE_CONFIRMATION,
};
use crate::cluster::{ClusterError, Protection};
use crate::error::{Classify, ErrorCode, IpcError};
use crate::kinds::statefulset::REPLICAS_BEFORE_STOP;
use crate::kinds::Capability;

/// How many items of one batch run at once.
pub const CONCURRENCY: usize = 8;

/// The field manager Ordinal's writes are recorded under.
pub const FIELD_MANAGER: &str = "ordinal";

const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("type \"{DELETE_CONFIRMATION}\" to confirm the deletion; nothing was deleted")]
    NotConfirmed,
    #[error("context {0} is read-only in Ordinal; change its protection level to make changes")]
    ReadOnly(String),
    #[error("{kind} does not support {action}")]
    Unsupported { kind: String, action: String },
    #[error("replicas must be between 0 and 10000, not {0}")]
    BadReplicas(i32),
    #[error("no batch {0} in the journal")]
    UnknownBatch(String),
    #[error("journal: {0}")]
    Journal(#[from] std::io::Error),
}

impl Classify for ActionError {
    fn code(&self) -> ErrorCode {
        match self {
            ActionError::NotConfirmed
            | ActionError::Unsupported { .. }
            | ActionError::BadReplicas(_) => ErrorCode::Invalid,
            ActionError::ReadOnly(_) => ErrorCode::Forbidden,
            ActionError::UnknownBatch(_) => ErrorCode::NotFound,
            ActionError::Journal(_) => ErrorCode::Internal,
        }
    }
}

/// Options that come from Ordinal's settings.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    pub protection: Protection,
    /// Record Stop's replica count on the object (annotation) as well as in the local journal.
    /// Off for GitOps users, whose controllers would fight a foreign annotation.
    pub record_annotation: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            protection: Protection::Normal,
            record_annotation: true,
        }
    }
}

/// Checks a request before anything is sent: delete confirmation, read-only contexts, the kind's
/// capabilities, replica bounds.
pub fn validate(request: &ActionRequest, opts: &RunOptions) -> Result<(), ActionError> {
    if opts.protection == Protection::ReadOnly {
        return Err(ActionError::ReadOnly(request.context.clone()));
    }
    let caps = crate::kinds::registry()
        .into_iter()
        .find(|k| k.id == request.kind)
        .map(|k| k.capabilities)
        .ok_or_else(|| ActionError::Unsupported {
            kind: request.kind.clone(),
            action: action_name(&request.action).into(),
        })?;
    let needed = match request.action {
        Action::Start => Capability::Start,
        Action::Stop => Capability::Stop,
        Action::Restart => Capability::Restart,
        Action::Scale { .. } => Capability::Scale,
        Action::Partition { .. } => Capability::Rollout,
        Action::Delete { .. } => Capability::Delete,
    };
    if !caps.contains(&needed) {
        return Err(ActionError::Unsupported {
            kind: request.kind.clone(),
            action: action_name(&request.action).into(),
        });
    }
    match &request.action {
        Action::Delete { confirm, .. } if confirm != DELETE_CONFIRMATION => {
            Err(ActionError::NotConfirmed)
        }
        Action::Scale { replicas } if !(0..=10_000).contains(replicas) => {
            Err(ActionError::BadReplicas(*replicas))
        }
        Action::Partition { partition } if !(0..=10_000).contains(partition) => {
            Err(ActionError::BadReplicas(*partition))
        }
        _ => Ok(()),
    }
}

fn action_name(a: &Action) -> &'static str {
    match a {
        Action::Start => "start",
        Action::Stop => "stop",
        Action::Restart => "restart",
        Action::Scale { .. } => "scale",
        Action::Partition { .. } => "partition",
        Action::Delete { .. } => "delete",
    }
}

/// Runs a validated batch. The stream yields `Queued` for every item, then each item's progress,
/// then one `Finished`. Dropping the stream does not abort items already sent to the server.
pub fn run(
    client: kube::Client,
    journal: Arc<Journal>,
    request: ActionRequest,
    opts: RunOptions,
) -> Result<impl Stream<Item = ActionEvent> + Send + 'static, ActionError> {
    validate(&request, &opts)?;
    let batch_id = journal.begin(&request)?;
    let (tx, rx) = mpsc::unbounded_channel();
    for (i, target) in request.targets.iter().enumerate() {
        let _ = tx.send(ActionEvent::Item {
            index: i as u32,
            target: target.clone(),
            state: ItemState::Queued,
        });
    }
    let task = async move {
        let undoable = matches!(
            request.action,
            Action::Start | Action::Stop | Action::Scale { .. }
        );
        let results: Vec<(usize, ItemState)> = futures::stream::iter(
            request.targets.iter().cloned().enumerate(),
        )
        .map(|(i, target)| {
            let client = client.clone();
            let tx = tx.clone();
            let action = request.action.clone();
            let journal = journal.clone();
            let batch_id = batch_id.clone();
            async move {
                let _ = tx.send(ActionEvent::Item {
                    index: i as u32,
                    target: target.clone(),
                    state: ItemState::Running,
                });
                let state = match apply_statefulset(&client, &target, &action, opts).await {
                    Ok(s) => s,
                    Err(e) => ItemState::Failed {
                        error: kube_error(&e, &target, &action),
                    },
                };
                // Journal each handled item at once: a crash later never re-applies it.
                let handled = match &state {
                    ItemState::Done { from, to } => Some(Some(JournalItem {
                        target: target.clone(),
                        from: *from,
                        to: *to,
                    })),
                    ItemState::Unchanged { .. } => Some(None),
                    _ => None,
                };
                if let Some(item) = handled {
                    if let Err(err) = journal.record(&batch_id, &target, item) {
                        tracing::warn!(%err, batch = %batch_id, "cannot write the batch journal");
                    }
                }
                let _ = tx.send(ActionEvent::Item {
                    index: i as u32,
                    target,
                    state: state.clone(),
                });
                (i, state)
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
        let (mut ok, mut same, mut failed) = (0, 0, 0);
        let mut items = Vec::new();
        for (i, state) in &results {
            match state {
                ItemState::Done { from, to } => {
                    ok += 1;
                    items.push(JournalItem {
                        target: request.targets[*i].clone(),
                        from: *from,
                        to: *to,
                    });
                }
                ItemState::Unchanged { .. } => same += 1,
                _ => failed += 1,
            }
        }
        let undo = undoable && items.iter().any(|i| i.from.is_some() && i.to.is_some());
        if let Err(err) = journal.finish(&batch_id, items) {
            tracing::warn!(%err, batch = %batch_id, "cannot write the batch journal");
        }
        let _ = tx.send(ActionEvent::Finished {
            batch_id,
            succeeded: ok,
            unchanged: same,
            failed,
            undo,
        });
    };
    Ok(crate::task_stream::spawn_on_first_poll(rx, task))
}

/// Restores the replica counts a Stop/Start/Scale batch changed, for every item still at the
/// count the batch left it at (an item someone changed since is left alone and reported).
pub fn undo(
    client: kube::Client,
    journal: Arc<Journal>,
    context: &str,
    batch_id: &str,
    opts: RunOptions,
) -> Result<impl Stream<Item = ActionEvent> + Send + 'static, ActionError> {
    let record = journal
        .get(batch_id)?
        .ok_or_else(|| ActionError::UnknownBatch(batch_id.to_string()))?;
    if record.context != context {
        return Err(ActionError::UnknownBatch(batch_id.to_string()));
    }
    let (tx, rx) = mpsc::unbounded_channel();
    if opts.protection == Protection::ReadOnly {
        return Err(ActionError::ReadOnly(record.context));
    }
    let task = async move {
        let (mut ok, mut same, mut failed) = (0, 0, 0);
        for (i, item) in record.items.iter().enumerate() {
            let (Some(from), Some(to)) = (item.from, item.to) else {
                continue;
            };
            let state = match undo_item(&client, &item.target, from, to).await {
                Ok(s) => s,
                Err(e) => ItemState::Failed {
                    error: kube_error(&e, &item.target, &Action::Scale { replicas: from }),
                },
            };
            match &state {
                ItemState::Done { .. } => ok += 1,
                ItemState::Unchanged { .. } => same += 1,
                _ => failed += 1,
            }
            let _ = tx.send(ActionEvent::Item {
                index: i as u32,
                target: item.target.clone(),
                state,
            });
        }
        let _ = tx.send(ActionEvent::Finished {
            batch_id: format!("undo-{}", record.id),
            succeeded: ok,
            unchanged: same,
            failed,
            undo: false,
        });
    };
    Ok(crate::task_stream::spawn_on_first_poll(rx, task))
}

async fn undo_item(
    client: &kube::Client,
    target: &ObjectRef,
    from: i32,
    to: i32,
) -> Result<ItemState, kube::Error> {
    // as for the actions: a controller's status write between read and write is a Conflict;
    // read again and decide again
    let api = sts_api(client, target);
    let mut attempt = 0;
    loop {
        attempt += 1;
        match undo_once(&api, target, from, to).await {
            Err(kube::Error::Api(s)) if s.code == 409 && attempt < CONFLICT_ATTEMPTS => continue,
            other => return other,
        }
    }
}

async fn undo_once(
    api: &Api<StatefulSet>,
    target: &ObjectRef,
    from: i32,
    to: i32,
) -> Result<ItemState, kube::Error> {
    let sts = api.get(&target.name).await?;
    let now = sts.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    if now != to {
        return Ok(ItemState::Unchanged {
            reason_key: "action.changedSince".into(),
        });
    }
    let mut annotations = serde_json::Map::new();
    // undoing a Stop: the object runs again, so the stop record goes; undoing a Start: record again
    annotations.insert(
        REPLICAS_BEFORE_STOP.into(),
        if from == 0 && to > 0 {
            json!(to.to_string())
        } else {
            json!(null)
        },
    );
    let patch = json!({
        "metadata": {"resourceVersion": sts.metadata.resource_version, "annotations": annotations},
        "spec": {"replicas": from}
    });
    api.patch(&target.name, &PatchParams::default(), &Patch::Merge(&patch))
        .await?;
    Ok(ItemState::Done {
        from: Some(to),
        to: Some(from),
    })
}

fn sts_api(client: &kube::Client, target: &ObjectRef) -> Api<StatefulSet> {
    match &target.namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::default_namespaced(client.clone()),
    }
}

/// One item. Every write carries the resourceVersion it was computed from, so a concurrent change
/// makes it fail with Conflict instead of being overwritten.
async fn apply_statefulset(
    client: &kube::Client,
    target: &ObjectRef,
    action: &Action,
    opts: RunOptions,
) -> Result<ItemState, kube::Error> {
    let api = sts_api(client, target);
    if let Action::Delete { propagation, .. } = action {
        let dp = DeleteParams {
            propagation_policy: Some(match propagation {
                Propagation::Background => kube::api::PropagationPolicy::Background,
                Propagation::Foreground => kube::api::PropagationPolicy::Foreground,
                Propagation::Orphan => kube::api::PropagationPolicy::Orphan,
            }),
            ..Default::default()
        };
        api.delete(&target.name, &dp).await?;
        return Ok(ItemState::Done {
            from: None,
            to: None,
        });
    }
    // A Conflict means the object changed between our read and our write (on a live cluster
    // usually a controller's status update): read it again and decide again from what is there
    // now, a few times, instead of failing the item or writing over the change.
    let mut attempt = 0;
    loop {
        attempt += 1;
        match patch_once(&api, target, action, opts).await {
            Err(kube::Error::Api(s)) if s.code == 409 && attempt < CONFLICT_ATTEMPTS => continue,
            other => return other,
        }
    }
}

/// How often an item is read and decided again after a Conflict before the Conflict is shown.
const CONFLICT_ATTEMPTS: u32 = 5;

/// Reads the object, decides the write from it and sends it conditioned on that read.
async fn patch_once(
    api: &Api<StatefulSet>,
    target: &ObjectRef,
    action: &Action,
    opts: RunOptions,
) -> Result<ItemState, kube::Error> {
    let sts = api.get(&target.name).await?;
    let rv = sts.metadata.resource_version.clone();
    let replicas = sts.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let recorded = sts
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(REPLICAS_BEFORE_STOP))
        .and_then(|v| v.parse::<i32>().ok())
        .filter(|n| *n > 0);
    let pp = PatchParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..Default::default()
    };
    let patch = match action {
        Action::Stop => {
            if replicas == 0 {
                // never record 0 as "the count before stop"
                return Ok(ItemState::Unchanged {
                    reason_key: "action.alreadyStopped".into(),
                });
            }
            let mut meta = json!({"resourceVersion": rv});
            if opts.record_annotation {
                meta["annotations"] = json!({ REPLICAS_BEFORE_STOP: replicas.to_string() });
            }
            json!({"metadata": meta, "spec": {"replicas": 0}})
        }
        Action::Start => {
            if replicas > 0 {
                return Ok(ItemState::Unchanged {
                    reason_key: "action.alreadyRunning".into(),
                });
            }
            let to = recorded.unwrap_or(1);
            json!({"metadata": {"resourceVersion": rv, "annotations": {REPLICAS_BEFORE_STOP: null}}, "spec": {"replicas": to}})
        }
        Action::Scale { replicas: to } => {
            if *to == replicas {
                return Ok(ItemState::Unchanged {
                    reason_key: "action.alreadyAtCount".into(),
                });
            }
            json!({"metadata": {"resourceVersion": rv}, "spec": {"replicas": to}})
        }
        Action::Partition { partition } => {
            let strategy = sts
                .spec
                .as_ref()
                .and_then(|s| s.update_strategy.as_ref())
                .and_then(|u| u.type_.clone())
                .unwrap_or_else(|| "RollingUpdate".into());
            if strategy != "RollingUpdate" {
                return Ok(ItemState::Failed {
                    error: IpcError::new(
                        ErrorCode::Invalid,
                        format!("the partition applies only to the RollingUpdate strategy; {} uses {strategy}", target.name),
                    ),
                });
            }
            let current = sts
                .spec
                .as_ref()
                .and_then(|s| s.update_strategy.as_ref())
                .and_then(|u| u.rolling_update.as_ref())
                .and_then(|r| r.partition)
                .unwrap_or(0);
            if current == *partition {
                return Ok(ItemState::Unchanged {
                    reason_key: "action.alreadyAtPartition".into(),
                });
            }
            json!({"metadata": {"resourceVersion": rv}, "spec": {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": partition}}}})
        }
        Action::Restart => {
            let now = k8s_openapi::jiff::Timestamp::now()
                .strftime("%Y-%m-%dT%H:%M:%SZ")
                .to_string();
            json!({"metadata": {"resourceVersion": rv}, "spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: now}}}}})
        }
        Action::Delete { .. } => unreachable!("handled above"),
    };
    let out = api.patch(&target.name, &pp, &Patch::Merge(&patch)).await?;
    let new = out.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    Ok(match action {
        Action::Restart | Action::Partition { .. } => ItemState::Done {
            from: None,
            to: None,
        },
        _ => ItemState::Done {
            from: Some(replicas),
            to: Some(new),
        },
    })
}

/// A kube error as the UI shows it: the API's reason and message, naming the verb and object.
pub fn kube_error(e: &kube::Error, target: &ObjectRef, action: &Action) -> IpcError {
    let what = format!(
        "{} statefulset {}{}",
        action_name(action),
        target
            .namespace
            .as_deref()
            .map(|n| format!("{n}/"))
            .unwrap_or_default(),
        target.name
    );
    // the status → ErrorCode table and the next-step hint live in one place: cluster::ClusterError
    let mut err = ClusterError::from_kube(e).to_ipc();
    err.detail = Some(match err.detail.take() {
        Some(reason) => format!("{what}: {reason}"),
        None => what,
    });
    err
}
