//! Logs of one ordinal, or of every ordinal of a StatefulSet merged in time order, following
//! the ordinal across pod restarts.
//!
//! Each ordinal has a follower, an explicit state machine: wait for a container to read (the pod
//! may be missing or starting) → read its log (`timestamps` always on: they order the merge and
//! make resuming exact) → when the stream ends, look at the pod: the same container still
//! running means the connection was cut, so resume with `sinceTime` = the last line's time and
//! drop the lines already delivered; a new pod uid or restart count means a new container, so
//! mark the boundary and read the new one from its start. Lines are batched (≤ 16 ms) into
//! events; each follower reports its health.

use std::collections::BTreeSet;
use std::time::Duration;

use futures::{Stream, StreamExt};
use k8s_openapi::api::apps::v1::StatefulSet;
use kube::runtime::{watcher, WatchStreamExt};
use kube::Api;
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use ts_rs::TS;

use super::{Abort, StreamHealth};

mod follow;
use follow::follow_ordinal;

/// What to read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LogRequest {
    pub context: String,
    pub namespace: String,
    pub statefulset: String,
    /// One ordinal, or none for every ordinal of the set merged in time order.
    pub ordinal: Option<u32>,
    /// None: the pod's first container.
    pub container: Option<String>,
    pub tail_lines: Option<i64>,
    pub since_seconds: Option<i64>,
    /// The previous (crashed) container's log; does not follow.
    pub previous: bool,
    pub follow: bool,
}

/// One line of a container's log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LogLine {
    pub ordinal: u32,
    pub pod: String,
    pub container: String,
    /// RFC 3339 from the server; none when the line had no timestamp.
    pub ts: Option<String>,
    /// UTF-8 with replacement; may hold ANSI escapes.
    pub text: String,
}

/// Why a stream continues with another container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum BoundaryReason {
    /// The pod was deleted and recreated (a new uid under the same name).
    NewPod,
    /// The same pod's container restarted.
    ContainerRestart,
}

/// What a log view receives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum LogEvent {
    Lines {
        lines: Vec<LogLine>,
    },
    Boundary {
        ordinal: u32,
        pod: String,
        reason: BoundaryReason,
        started_at: Option<String>,
    },
    /// One ordinal's stream (`ordinal`), or the view as a whole (none).
    Health {
        ordinal: Option<u32>,
        health: StreamHealth,
    },
}

/// A line longer than this is cut (the rest is counted, not kept).
pub const MAX_LINE: usize = 1 << 20;
const BATCH: Duration = Duration::from_millis(16);

enum Msg {
    Line(LogLine, i128),
    Event(LogEvent),
}

/// The log view: events until the stream is dropped (or, when not following, until every
/// container's log was read).
pub fn stream(
    client: kube::Client,
    req: LogRequest,
) -> impl Stream<Item = LogEvent> + Send + 'static {
    let (tx, rx) = mpsc::channel::<LogEvent>(64);
    crate::task_stream::spawn_on_first_poll(rx, run(client, req, tx))
}

async fn run(client: kube::Client, req: LogRequest, out: mpsc::Sender<LogEvent>) {
    let (mtx, mut mrx) = mpsc::channel::<Msg>(1024);
    let mut followers = JoinSet::new();
    let mut started: BTreeSet<u32> = BTreeSet::new();
    // Which ordinals: the one asked for, or those of the set (more when it scales up).
    let (sets_tx, mut sets_rx) = watch::channel::<Option<u32>>(None);
    let follow = req.follow && !req.previous;
    let mut _replicas = None;
    match req.ordinal {
        Some(o) => {
            started.insert(o);
            followers.spawn(follow_ordinal(client.clone(), req.clone(), o, mtx.clone()));
        }
        None if !follow => {
            let api: Api<StatefulSet> = Api::namespaced(client.clone(), &req.namespace);
            match api.get(&req.statefulset).await {
                Ok(s) => {
                    let n = s.spec.and_then(|s| s.replicas).unwrap_or(1).max(0) as u32;
                    for o in 0..n {
                        started.insert(o);
                        followers.spawn(follow_ordinal(
                            client.clone(),
                            req.clone(),
                            o,
                            mtx.clone(),
                        ));
                    }
                }
                Err(e) => {
                    let reason = super::PodError::kube(&e).to_string();
                    let _ = out
                        .send(LogEvent::Health {
                            ordinal: None,
                            health: StreamHealth::Ended { reason },
                        })
                        .await;
                    return;
                }
            }
        }
        None => {
            _replicas = Some(Abort(tokio::spawn(watch_replicas(
                client.clone(),
                req.namespace.clone(),
                req.statefulset.clone(),
                sets_tx,
            ))));
        }
    }
    let _ = out
        .send(LogEvent::Health {
            ordinal: None,
            health: StreamHealth::Live,
        })
        .await;
    let mut pending: Vec<(LogLine, i128)> = Vec::new();
    let mut flush_at: Option<tokio::time::Instant> = None;
    loop {
        let deadline =
            flush_at.unwrap_or_else(|| tokio::time::Instant::now() + Duration::from_secs(3600));
        tokio::select! {
            m = mrx.recv() => match m {
                Some(Msg::Line(l, t)) => {
                    pending.push((l, t));
                    flush_at.get_or_insert_with(|| tokio::time::Instant::now() + BATCH);
                }
                Some(Msg::Event(e)) => {
                    if !flush(&out, &mut pending).await || out.send(e).await.is_err() {
                        return;
                    }
                    flush_at = None;
                }
                None => break,
            },
            _ = tokio::time::sleep_until(deadline), if flush_at.is_some() => {
                if !flush(&out, &mut pending).await {
                    return;
                }
                flush_at = None;
            }
            r = sets_rx.changed(), if req.ordinal.is_none() => {
                if r.is_err() {
                    continue;
                }
                let n = (*sets_rx.borrow_and_update()).unwrap_or(0);
                for o in 0..n {
                    if started.insert(o) {
                        followers.spawn(follow_ordinal(client.clone(), req.clone(), o, mtx.clone()));
                    }
                }
            }
            _ = out.closed() => return,
            Some(_) = followers.join_next(), if !followers.is_empty() => {
                // A follower that ended (not following): when all have, the view ends.
                if followers.is_empty() {
                    drop(mtx);
                    while let Some(m) = mrx.recv().await {
                        match m {
                            Msg::Line(l, t) => pending.push((l, t)),
                            Msg::Event(e) => {
                                flush(&out, &mut pending).await;
                                let _ = out.send(e).await;
                            }
                        }
                    }
                    break;
                }
            }
        }
    }
    flush(&out, &mut pending).await;
    let _ = out
        .send(LogEvent::Health {
            ordinal: None,
            health: StreamHealth::Ended {
                reason: if follow {
                    "every log stream ended".into()
                } else {
                    "not following".into()
                },
            },
        })
        .await;
}

async fn flush(out: &mpsc::Sender<LogEvent>, pending: &mut Vec<(LogLine, i128)>) -> bool {
    if pending.is_empty() {
        return true;
    }
    // Stable: one ordinal's lines keep their order; ordinals interleave by time.
    pending.sort_by_key(|(_, t)| *t);
    let lines = pending.drain(..).map(|(l, _)| l).collect();
    out.send(LogEvent::Lines { lines }).await.is_ok()
}

/// The set's replica count, live (ordinals start at 0).
async fn watch_replicas(
    client: kube::Client,
    ns: String,
    name: String,
    tx: watch::Sender<Option<u32>>,
) {
    let api: Api<StatefulSet> = Api::namespaced(client, &ns);
    let cfg = watcher::Config::default().fields(&format!("metadata.name={name}"));
    let mut w = std::pin::pin!(watcher::watcher(api, cfg).default_backoff());
    while let Some(ev) = w.next().await {
        if let Ok(watcher::Event::Apply(s) | watcher::Event::InitApply(s)) = ev {
            let n = s.spec.and_then(|s| s.replicas).unwrap_or(1).max(0) as u32;
            tx.send_if_modified(|cur| {
                let grew = cur.is_none_or(|c| n > c);
                if grew {
                    *cur = Some(n);
                }
                grew
            });
        }
        if tx.is_closed() {
            return;
        }
    }
}
