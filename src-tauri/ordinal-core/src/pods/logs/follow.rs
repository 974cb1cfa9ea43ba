//! One ordinal's follower: an explicit state machine (see the module above): wait for a
//! container to read → read it with timestamps → on its end, resume the same container from the
//! second of the last line (dropping what was delivered) or mark the boundary and read the new one.

use std::collections::HashMap;
use std::time::Duration;

use futures::AsyncBufReadExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::LogParams;
use kube::Api;
use tokio::sync::mpsc;

use super::{BoundaryReason, LogEvent, LogLine, LogRequest, Msg, MAX_LINE};
use crate::pods::{pod_name, watch_pod, StreamHealth};

/// A container run the follower can read: pod uid, restart count, when it started.
#[derive(Debug, Clone, PartialEq)]
struct Run {
    uid: String,
    restarts: i32,
    started_at: Option<String>,
    running: bool,
}

/// The run of `container` (None: the first) in `pod`, or why there is none to read.
fn run_of(pod: &Pod, container: Option<&str>, previous: bool) -> Result<(String, Run), String> {
    let name = pod.metadata.name.clone().unwrap_or_default();
    let spec = pod.spec.clone().unwrap_or_default();
    let c = match container {
        Some(c) => c.to_string(),
        None => spec
            .containers
            .first()
            .map(|c| c.name.clone())
            .unwrap_or_default(),
    };
    let status = pod.status.as_ref();
    let cs = status
        .and_then(|s| s.container_statuses.as_ref())
        .into_iter()
        .flatten()
        .chain(
            status
                .and_then(|s| s.init_container_statuses.as_ref())
                .into_iter()
                .flatten(),
        )
        .find(|s| s.name == c);
    let Some(cs) = cs else {
        return Err(format!("{name}: container {c} has no status yet"));
    };
    let state = cs.state.clone().unwrap_or_default();
    let started_at = state
        .running
        .as_ref()
        .and_then(|r| r.started_at.as_ref())
        .or(state
            .terminated
            .as_ref()
            .and_then(|t| t.started_at.as_ref()))
        .map(|t| t.0.to_string());
    let readable = state.running.is_some()
        || state.terminated.is_some()
        || (previous || state.waiting.is_some())
            && cs
                .last_state
                .as_ref()
                .is_some_and(|l| l.terminated.is_some());
    if !readable {
        let why = state
            .waiting
            .and_then(|w| w.reason)
            .unwrap_or_else(|| "not started".into());
        return Err(format!("{name}: container {c} is waiting to start ({why})"));
    }
    Ok((
        c,
        Run {
            uid: pod.metadata.uid.clone().unwrap_or_default(),
            restarts: cs.restart_count,
            started_at,
            running: state.running.is_some() && pod.metadata.deletion_timestamp.is_none(),
        },
    ))
}

/// Parse the kubelet's `RFC3339Nano timestamp, space, text` line.
fn split_ts(line: &str) -> (Option<(&str, i128)>, &str) {
    if let Some((ts, rest)) = line.split_once(' ') {
        if let Ok(t) = ts.parse::<k8s_openapi::jiff::Timestamp>() {
            return (Some((ts, t.as_nanosecond())), rest);
        }
    }
    (None, line)
}

/// Lines already delivered, to drop them when a stream resumes.
#[derive(Default)]
struct Seen {
    last: Option<i128>,
    at_last: HashMap<String, u32>,
}

impl Seen {
    fn record(&mut self, t: i128, text: &str) {
        if self.last != Some(t) {
            self.last = Some(t);
            self.at_last.clear();
        }
        *self.at_last.entry(text.to_string()).or_default() += 1;
    }
    /// Whether a line read after resuming was delivered before.
    fn duplicate(&mut self, t: i128, text: &str) -> bool {
        match self.last {
            Some(l) if t < l => true,
            Some(l) if t == l => match self.at_last.get_mut(text) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    true
                }
                _ => false,
            },
            _ => false,
        }
    }
}

async fn health(tx: &mpsc::Sender<Msg>, ordinal: u32, health: StreamHealth) -> bool {
    tx.send(Msg::Event(LogEvent::Health {
        ordinal: Some(ordinal),
        health,
    }))
    .await
    .is_ok()
}

/// One ordinal's follower (see the module's documentation).
pub(super) async fn follow_ordinal(
    client: kube::Client,
    req: LogRequest,
    ordinal: u32,
    tx: mpsc::Sender<Msg>,
) {
    let pod = pod_name(&req.statefulset, ordinal);
    let api: Api<Pod> = Api::namespaced(client.clone(), &req.namespace);
    // The log stream reports the connection's errors itself.
    let (mut pods, _errors, _watch) = watch_pod(client, &req.namespace, &pod);
    let follow = req.follow && !req.previous;
    let mut current: Option<Run> = None;
    let mut seen = Seen::default();
    let mut first = true;
    let mut attempt = 0u32;
    let mut said_waiting = String::new();
    health(&tx, ordinal, StreamHealth::Connecting).await;
    loop {
        // 1. A container to read.
        let (container, run) = loop {
            let state = pods.borrow_and_update().clone();
            let why = match state {
                None => None,
                Some(None) => Some(format!("pod {pod} does not exist")),
                Some(Some(p)) => match run_of(&p, req.container.as_deref(), req.previous) {
                    Ok(found) => break found,
                    Err(why) => Some(why),
                },
            };
            if let Some(why) = why {
                if !follow {
                    health(&tx, ordinal, StreamHealth::Ended { reason: why }).await;
                    return;
                }
                if why != said_waiting {
                    said_waiting = why.clone();
                    if !health(&tx, ordinal, StreamHealth::Waiting { reason: why }).await {
                        return;
                    }
                }
            }
            if pods.changed().await.is_err() {
                return;
            }
        };
        said_waiting.clear();
        // 2. A new container: the boundary, and its log from the start.
        let new_run = current
            .as_ref()
            .is_some_and(|c| c.uid != run.uid || c.restarts != run.restarts);
        if new_run {
            let reason = if current.as_ref().is_some_and(|c| c.uid != run.uid) {
                BoundaryReason::NewPod
            } else {
                BoundaryReason::ContainerRestart
            };
            seen = Seen::default();
            let ev = LogEvent::Boundary {
                ordinal,
                pod: pod.clone(),
                reason,
                started_at: run.started_at.clone(),
            };
            if tx.send(Msg::Event(ev)).await.is_err() {
                return;
            }
        }
        current = Some(run.clone());
        let mut lp = LogParams {
            container: Some(container.clone()),
            follow,
            previous: req.previous,
            timestamps: true,
            ..Default::default()
        };
        if first {
            lp.tail_lines = req.tail_lines;
            lp.since_seconds = req.since_seconds;
        } else if let Some(t) = seen.last {
            // `sinceTime` has whole seconds (kube-rs rounds, the server truncates): ask from
            // the second of the last line, never after it; the duplicates are dropped below.
            let second = t.div_euclid(1_000_000_000) * 1_000_000_000;
            lp.since_time = k8s_openapi::jiff::Timestamp::from_nanosecond(second).ok();
        }
        // 3. Read.
        let reader = match api.log_stream(&pod, &lp).await {
            Ok(r) => r,
            Err(e) => {
                let err = crate::pods::PodError::kube(&e);
                if !follow {
                    health(
                        &tx,
                        ordinal,
                        StreamHealth::Ended {
                            reason: err.to_string(),
                        },
                    )
                    .await;
                    return;
                }
                attempt += 1;
                if !health(
                    &tx,
                    ordinal,
                    StreamHealth::Reconnecting {
                        attempt,
                        reason: err.to_string(),
                    },
                )
                .await
                {
                    return;
                }
                // A changed pod is worth trying at once; otherwise back off.
                let backoff = Duration::from_millis(250 * u64::from(attempt.min(20)));
                let _ = tokio::time::timeout(backoff, pods.changed()).await;
                continue;
            }
        };
        first = false;
        if !health(&tx, ordinal, StreamHealth::Live).await {
            return;
        }
        attempt = 0;
        let mut resuming = lp.since_time.is_some();
        let mut reader = Box::pin(reader);
        let mut buf = Vec::new();
        // A new container under the ordinal (seen by the pod watch) ends this stream even if
        // the server keeps it open: after a short drain of the old container's last lines.
        let mut drain_until: Option<tokio::time::Instant> = None;
        let ended_cleanly = loop {
            let read = tokio::select! {
                r = reader.read_until(b'\n', &mut buf) => r,
                r = pods.changed(), if drain_until.is_none() => {
                    if r.is_err() {
                        return;
                    }
                    let moved = pods
                        .borrow()
                        .clone()
                        .flatten()
                        .and_then(|p| run_of(&p, Some(&container), false).ok())
                        .is_some_and(|(_, r)| r.uid != run.uid || r.restarts != run.restarts);
                    if moved {
                        drain_until = Some(tokio::time::Instant::now() + Duration::from_secs(2));
                    }
                    continue;
                }
                _ = tokio::time::sleep_until(drain_until.unwrap_or_else(tokio::time::Instant::now)), if drain_until.is_some() => break true,
            };
            match read {
                Ok(0) => break true,
                Ok(_) if !buf.ends_with(b"\n") => break false, // cut mid-line: dropped, read again on resume
                Ok(_) => {
                    buf.pop();
                    let line = String::from_utf8_lossy(&buf).into_owned();
                    buf.clear();
                    let (ts, text) = split_ts(&line);
                    let t = ts.map(|(_, t)| t);
                    // After a resume, the lines up to the last one delivered come again.
                    if let (Some(t), true) = (t, resuming) {
                        if seen.duplicate(t, text) {
                            continue;
                        }
                        resuming = false;
                    }
                    let mut text = text.to_string();
                    if text.len() > MAX_LINE {
                        let cut = text.len() - MAX_LINE;
                        let mut end = MAX_LINE;
                        while !text.is_char_boundary(end) {
                            end -= 1;
                        }
                        text.truncate(end);
                        text.push_str(&format!(" … [{cut} more bytes not kept]"));
                    }
                    let l = LogLine {
                        ordinal,
                        pod: pod.clone(),
                        container: container.clone(),
                        ts: ts.map(|(s, _)| s.to_string()),
                        text,
                    };
                    if let Some(t) = t {
                        seen.record(t, split_ts(&line).1);
                    }
                    if tx.send(Msg::Line(l, t.unwrap_or(0))).await.is_err() {
                        return;
                    }
                }
                Err(_) => break false,
            }
        };
        if !follow {
            health(
                &tx,
                ordinal,
                StreamHealth::Ended {
                    reason: "not following".into(),
                },
            )
            .await;
            return;
        }
        // 4. Why did it end? Give the pod watch a moment to catch up with a deletion.
        let _ = tokio::time::timeout(Duration::from_millis(500), pods.changed()).await;
        let same_running = pods
            .borrow()
            .clone()
            .flatten()
            .and_then(|p| run_of(&p, Some(&container), false).ok())
            .is_some_and(|(_, r)| {
                r.running
                    && Some(&r.uid) == current.as_ref().map(|c| &c.uid)
                    && Some(r.restarts) == current.as_ref().map(|c| c.restarts)
            });
        if same_running {
            attempt += 1;
            let reason = if ended_cleanly {
                "the log stream ended; resuming where it stopped".to_string()
            } else {
                "the log stream was cut; resuming where it stopped".to_string()
            };
            if !health(&tx, ordinal, StreamHealth::Reconnecting { attempt, reason }).await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt.min(20)))).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_split_and_order_with_nanoseconds() {
        let (ts, text) = split_ts("2026-12-02T11:00:00.5Z hello world");
        assert_eq!(text, "hello world");
        let (_, a) = ts.unwrap();
        let (ts2, _) = split_ts("2026-12-02T11:00:00.123456789Z x");
        assert!(ts2.unwrap().1 < a, "0.123456789 s is before 0.5 s");
        assert_eq!(split_ts("no timestamp here").0, None);
    }

    #[test]
    fn resumed_lines_already_seen_are_dropped() {
        let mut s = Seen::default();
        s.record(10, "a");
        s.record(20, "b");
        s.record(20, "b");
        assert!(s.duplicate(10, "a"));
        assert!(s.duplicate(20, "b"));
        assert!(s.duplicate(20, "b"));
        assert!(
            !s.duplicate(20, "b"),
            "a third b at the same instant is new"
        );
        assert!(!s.duplicate(21, "c"));
    }
}
