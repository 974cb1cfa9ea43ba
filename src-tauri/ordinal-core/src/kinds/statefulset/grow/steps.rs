//! The grow's steps: patch the claims, wait for the resize, delete the set orphaning its pods,
//! create it again, verify every pod was adopted.

use super::*;

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
            // A mounted claim's file system usually grows online within seconds
            // (FileSystemResizePending is transient then): only after ONLINE_GRACE is it left to
            // the pod's next restart.
            if waiting.is_empty() && (pending == 0 || started.elapsed() > ONLINE_GRACE) {
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
