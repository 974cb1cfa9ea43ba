//! `pods/log`: every container writes plausible lines for its image at a steady rate, crash
//! looping containers end their runs with crash lines, and a client can read, tail, filter by
//! time, cap by bytes and follow them exactly as from a kubelet.
//!
//! A container's log is materialised lazily: line `i` of a container instance (pod uid,
//! container, restart count) is written at `started + i × period`, so nothing is generated for
//! logs nobody reads. Tests add lines on top ([`LogBook::write`]: a burst of N lines, raw bytes
//! for invalid UTF-8 or a 10 MB line) and cut open follow streams in the middle of a line
//! ([`LogBook::cut`]). A follow ends when the container instance ends (the pod is deleted or
//! recreated, or the container restarts), as a kubelet's does.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;
use tokio::sync::{mpsc, watch};

use crate::error::ApiError;
use crate::resources::{idx, RESOURCES};
use crate::state::State;

use super::lines::{crash_lines, line_for};
pub use super::log_query::LogQuery;

/// Lines kept per container instance (the oldest are dropped, as a rotated log file).
const MAX_LINES: usize = 50_000;
/// Bytes kept per container instance.
const MAX_BYTES: usize = 64 << 20;
/// A container writes its first lines quickly (start-up), then one per period.
const STARTUP_LINES: u64 = 10;
const STARTUP_STEP: Duration = Duration::from_millis(10);
/// How often a follow checks that its container instance still runs.
const CHECK: Duration = Duration::from_millis(200);

/// Which run of which container: a pod recreated under the same name has a new uid, a restarted
/// container a new restart count.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    uid: String,
    container: String,
    restart: i64,
}

struct Line {
    ts: DateTime<Utc>,
    text: Bytes,
}

struct Buf {
    pod: String,
    image: String,
    started: DateTime<Utc>,
    /// The run ended (a previous container): nothing is written after it.
    finished: Option<DateTime<Utc>>,
    /// Ended by a crash: the run's last lines say so.
    crashed: bool,
    period: Duration,
    next: u64,
    lines: VecDeque<Line>,
    /// Sequence number of `lines[0]`.
    first_seq: u64,
    bytes: usize,
}

impl Buf {
    fn end_seq(&self) -> u64 {
        self.first_seq + self.lines.len() as u64
    }

    fn push(&mut self, ts: DateTime<Utc>, text: Bytes) {
        self.bytes += text.len();
        self.lines.push_back(Line { ts, text });
        while self.lines.len() > MAX_LINES || self.bytes > MAX_BYTES && self.lines.len() > 1 {
            if let Some(l) = self.lines.pop_front() {
                self.bytes -= l.text.len();
                self.first_seq += 1;
            }
        }
    }

    /// When periodic line `i` is written.
    fn at(&self, i: u64) -> DateTime<Utc> {
        let nanos = if i < STARTUP_LINES {
            STARTUP_STEP.as_nanos() as u64 * i
        } else {
            STARTUP_STEP.as_nanos() as u64 * STARTUP_LINES
                + (self.period.as_nanos() as u64).saturating_mul(i - STARTUP_LINES)
        };
        self.started + chrono::Duration::nanoseconds(nanos as i64)
    }

    /// How many lines are written by `elapsed` after the start.
    fn due(&self, elapsed: Duration) -> u64 {
        let step = STARTUP_STEP.as_nanos();
        let e = elapsed.as_nanos();
        if e < step * STARTUP_LINES as u128 {
            (e / step) as u64 + 1
        } else {
            STARTUP_LINES
                + ((e - step * STARTUP_LINES as u128) / self.period.as_nanos().max(1)) as u64
                + 1
        }
    }

    /// Write the periodic lines due by `now` (or by the end of the run).
    fn materialise(&mut self, now: DateTime<Utc>) {
        let until = self.finished.map_or(now, |f| f.min(now));
        let elapsed = (until - self.started).to_std().unwrap_or_default();
        let due = self.due(elapsed);
        // A long-unread log: only the lines a rotated file would still hold.
        if due > self.next.saturating_add(MAX_LINES as u64) {
            self.next = due - MAX_LINES as u64;
        }
        while self.next < due {
            let i = self.next;
            let ts = self.at(i);
            let text = line_for(&self.image, &self.pod, i);
            self.push(ts, Bytes::from(text));
            self.next += 1;
        }
        if let (Some(f), true) = (self.finished, self.crashed) {
            if until >= f && self.next != u64::MAX {
                for l in crash_lines(&self.image) {
                    self.push(f, Bytes::from(l));
                }
                self.next = u64::MAX;
            }
        }
    }

    /// When the next periodic line is due.
    fn next_due(&self) -> Option<DateTime<Utc>> {
        if self.next == u64::MAX {
            return None;
        }
        let t = self.at(self.next);
        match self.finished {
            Some(f) if t > f => None,
            _ => Some(t),
        }
    }
}

struct ContainerLog {
    buf: Mutex<Buf>,
    /// Bumped on every explicit write, so followers wake.
    written: watch::Sender<u64>,
}

/// Every container's log, and the test controls.
pub struct LogBook {
    logs: Mutex<HashMap<Key, Arc<ContainerLog>>>,
    /// Lines per second each container writes (default 1).
    rate: Mutex<f64>,
    /// Bumped to cut every open follow stream in the middle of a line.
    cut: watch::Sender<u64>,
}

impl Default for LogBook {
    fn default() -> Self {
        LogBook {
            logs: Mutex::new(HashMap::new()),
            rate: Mutex::new(1.0),
            cut: watch::channel(0).0,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("pod {0} not found")]
    PodNotFound(String),
    #[error("{0}")]
    Container(String),
}

impl LogBook {
    /// Lines per second every container writes from now on (runs already read keep theirs).
    pub fn set_rate(&self, lines_per_second: f64) {
        if let Ok(mut r) = self.rate.lock() {
            *r = lines_per_second.clamp(0.01, 100_000.0);
        }
    }

    /// Cut every open follow stream: each sends the first half of its next line and ends.
    pub fn cut(&self) {
        self.cut.send_modify(|g| *g += 1);
    }

    /// Append lines (raw bytes, without the newline) to a running container's log now.
    pub fn write(
        &self,
        st: &State,
        ns: &str,
        pod: &str,
        container: Option<&str>,
        lines: Vec<Bytes>,
    ) -> Result<(), LogError> {
        let obj = st
            .store
            .get_value(idx::PODS, ns, pod)
            .ok_or_else(|| LogError::PodNotFound(pod.to_string()))?;
        let run = current_run(&obj, container).map_err(LogError::Container)?;
        let log = self.log(&obj, &run);
        let now = Utc::now();
        if let Ok(mut b) = log.buf.lock() {
            b.materialise(now);
            for l in lines {
                b.push(now, l);
            }
        }
        log.written.send_modify(|n| *n += 1);
        Ok(())
    }

    fn log(&self, pod: &Value, run: &Run) -> Arc<ContainerLog> {
        let rate = self.rate.lock().map(|r| *r).unwrap_or(1.0);
        let mut logs = self.logs.lock().unwrap_or_else(|e| e.into_inner());
        // Forget the runs of pods that are gone when the map grows.
        if logs.len() > 4096 {
            logs.retain(|_, l| Arc::strong_count(l) > 1);
        }
        logs.entry(run.key.clone())
            .or_insert_with(|| {
                Arc::new(ContainerLog {
                    buf: Mutex::new(Buf {
                        pod: s(pod, "/metadata/name").to_string(),
                        image: run.image.clone(),
                        started: run.started,
                        finished: run.finished,
                        crashed: run.crashed,
                        period: Duration::from_secs_f64(1.0 / rate),
                        next: 0,
                        lines: VecDeque::new(),
                        first_seq: 0,
                        bytes: 0,
                    }),
                    written: watch::channel(0).0,
                })
            })
            .clone()
    }
}

fn s<'a>(v: &'a Value, p: &str) -> &'a str {
    v.pointer(p).and_then(Value::as_str).unwrap_or("")
}

fn time(v: Option<&Value>) -> Option<DateTime<Utc>> {
    v.and_then(Value::as_str)
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// One run of a container, from the pod's status.
struct Run {
    key: Key,
    image: String,
    started: DateTime<Utc>,
    finished: Option<DateTime<Utc>>,
    crashed: bool,
}

fn container_status<'a>(pod: &'a Value, container: &str) -> Option<&'a Value> {
    ["/status/containerStatuses", "/status/initContainerStatuses"]
        .iter()
        .filter_map(|p| pod.pointer(p).and_then(Value::as_array))
        .flatten()
        .find(|c| s(c, "/name") == container)
}

/// The container a request names, checked as the API server does (one check for logs, exec,
/// attach and port-forward).
fn pick_container(pod: &Value, container: Option<&str>) -> Result<String, String> {
    super::connect::container_of(pod, s(pod, "/metadata/name"), container)
}

/// The run a log request reads: the current one, or the previous one.
fn run_of(pod: &Value, container: &str, previous: bool) -> Result<Run, String> {
    let name = s(pod, "/metadata/name");
    let cs = container_status(pod, container);
    let restarts = cs
        .and_then(|c| c.get("restartCount"))
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let image = cs
        .map(|c| s(c, "/image").to_string())
        .filter(|i| !i.is_empty())
        .unwrap_or_else(|| {
            ["/spec/containers", "/spec/initContainers"]
                .iter()
                .filter_map(|p| pod.pointer(p).and_then(Value::as_array))
                .flatten()
                .find(|c| s(c, "/name") == container)
                .map(|c| s(c, "/image").to_string())
                .unwrap_or_default()
        });
    let key = |restart| Key {
        uid: s(pod, "/metadata/uid").to_string(),
        container: container.to_string(),
        restart,
    };
    let running = cs.and_then(|c| c.pointer("/state/running"));
    let terminated = cs.and_then(|c| c.pointer("/state/terminated"));
    let last = cs.and_then(|c| c.pointer("/lastState/terminated"));
    // A waiting container that ran before shows its last run (as `kubectl logs` of a crash loop).
    let use_last = previous || (running.is_none() && terminated.is_none() && last.is_some());
    if use_last {
        let Some(t) = last else {
            return Err(format!(
                "previous terminated container \"{container}\" in pod \"{name}\" not found"
            ));
        };
        let started = time(t.get("startedAt")).unwrap_or_else(Utc::now);
        return Ok(Run {
            key: key(restarts - 1),
            image,
            started,
            finished: Some(time(t.get("finishedAt")).unwrap_or(started)),
            crashed: t.get("exitCode").and_then(Value::as_i64).unwrap_or(0) != 0,
        });
    }
    if let Some(t) = terminated {
        let started = time(t.get("startedAt")).unwrap_or_else(Utc::now);
        return Ok(Run {
            key: key(restarts),
            image,
            started,
            finished: Some(time(t.get("finishedAt")).unwrap_or(started)),
            crashed: t.get("exitCode").and_then(Value::as_i64).unwrap_or(0) != 0,
        });
    }
    match running {
        Some(r) => Ok(Run {
            key: key(restarts),
            image,
            started: time(r.get("startedAt")).unwrap_or_else(Utc::now),
            finished: None,
            crashed: false,
        }),
        None => {
            let reason = cs
                .and_then(|c| c.pointer("/state/waiting/reason"))
                .and_then(Value::as_str)
                .unwrap_or("ContainerCreating");
            Err(format!(
                "container \"{container}\" in pod \"{name}\" is waiting to start: {reason}"
            ))
        }
    }
}

fn current_run(pod: &Value, container: Option<&str>) -> Result<Run, String> {
    let c = pick_container(pod, container)?;
    run_of(pod, &c, false)
}

fn ts_text(ts: DateTime<Utc>) -> String {
    ts.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

fn render(out: &mut Vec<u8>, l: &Line, timestamps: bool) {
    if timestamps {
        out.extend_from_slice(ts_text(l.ts).as_bytes());
        out.push(b' ');
    }
    out.extend_from_slice(&l.text);
    out.push(b'\n');
}

/// Serve a log request: the lines now, then (when following) each line as it is written, on
/// `tx`. Errors before the first byte are API errors.
pub fn open(
    st: &Arc<State>,
    ns: &str,
    name: &str,
    q: LogQuery,
) -> Result<mpsc::Receiver<Bytes>, ApiError> {
    let def = &RESOURCES[idx::PODS];
    let pod = st
        .store
        .get_value(idx::PODS, ns, name)
        .ok_or_else(|| ApiError::not_found(def, name))?;
    let container = pick_container(&pod, q.container.as_deref()).map_err(ApiError::bad_request)?;
    let run = run_of(&pod, &container, q.previous).map_err(ApiError::bad_request)?;
    let log = st.logs.log(&pod, &run);
    let (tx, rx) = mpsc::channel::<Bytes>(256);
    let mut first = Vec::new();
    let cursor = {
        let mut b = log.buf.lock().unwrap_or_else(|e| e.into_inner());
        b.materialise(Utc::now());
        let from = q
            .since
            .map(|since| {
                b.lines
                    .iter()
                    .position(|l| l.ts >= since)
                    .unwrap_or(b.lines.len())
            })
            .unwrap_or(0);
        let from = match q.tail_lines {
            Some(n) => from.max(b.lines.len().saturating_sub(n as usize)),
            None => from,
        };
        for l in b.lines.iter().skip(from) {
            render(&mut first, l, q.timestamps);
        }
        b.end_seq()
    };
    let mut budget = q.limit_bytes.unwrap_or(u64::MAX);
    let cap = |chunk: &mut Vec<u8>, budget: &mut u64| {
        if chunk.len() as u64 > *budget {
            chunk.truncate(*budget as usize);
        }
        *budget -= chunk.len() as u64;
    };
    cap(&mut first, &mut budget);
    let follow = q.follow && run.finished.is_none() && budget > 0;
    let st = st.clone();
    let (ns, name) = (ns.to_string(), name.to_string());
    tokio::spawn(async move {
        if !first.is_empty() && tx.send(Bytes::from(first)).await.is_err() {
            return;
        }
        if !follow {
            return;
        }
        let mut cursor = cursor;
        let mut epoch = st.epoch.subscribe();
        let mut written = log.written.subscribe();
        let mut cut = st.logs.cut.subscribe();
        let mut last_check = tokio::time::Instant::now();
        loop {
            let wait = {
                let b = log.buf.lock().unwrap_or_else(|e| e.into_inner());
                b.next_due()
                    .map(|t| (t - Utc::now()).to_std().unwrap_or_default())
                    .unwrap_or(CHECK)
                    .min(CHECK)
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = written.changed() => {}
                _ = epoch.changed() => return,
                _ = cut.changed() => {
                    // Half of the next line, no newline, and the connection ends.
                    let half = {
                        // The line being written when the connection drops: it is in the log
                        // (a resumed read gets it whole), this stream gets half of it.
                        let mut b = log.buf.lock().unwrap_or_else(|e| e.into_inner());
                        let now = Utc::now();
                        b.materialise(now);
                        let text = line_for(&b.image, &b.pod, b.next.wrapping_add(1 << 32));
                        b.push(now, Bytes::from(text));
                        let idx = cursor.saturating_sub(b.first_seq) as usize;
                        b.lines.get(idx).map(|l| {
                            let mut out = Vec::new();
                            render(&mut out, l, q.timestamps);
                            out.truncate(out.len() / 2);
                            out
                        })
                    };
                    if let Some(out) = half {
                        let _ = tx.send(Bytes::from(out)).await;
                    }
                    return;
                }
            }
            let mut chunk = Vec::new();
            {
                let mut b = log.buf.lock().unwrap_or_else(|e| e.into_inner());
                b.materialise(Utc::now());
                let start = cursor.max(b.first_seq);
                for l in b.lines.iter().skip((start - b.first_seq) as usize) {
                    render(&mut chunk, l, q.timestamps);
                }
                cursor = b.end_seq();
            }
            if !chunk.is_empty() {
                cap(&mut chunk, &mut budget);
                if tx.send(Bytes::from(chunk)).await.is_err() || budget == 0 {
                    return;
                }
            }
            if last_check.elapsed() >= CHECK {
                last_check = tokio::time::Instant::now();
                let still = st.store.get_value(idx::PODS, &ns, &name).and_then(|p| {
                    run_of(&p, &run.key.container, false)
                        .ok()
                        .filter(|r| r.key == run.key && r.finished.is_none())
                });
                if still.is_none() {
                    return;
                }
            }
        }
    });
    Ok(rx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_materialises_its_lines_and_its_crash() {
        let started = Utc::now() - chrono::Duration::seconds(10);
        let mut b = Buf {
            pod: "p-0".into(),
            image: "postgres:16".into(),
            started,
            finished: Some(started + chrono::Duration::seconds(5)),
            crashed: true,
            period: Duration::from_secs(1),
            next: 0,
            lines: VecDeque::new(),
            first_seq: 0,
            bytes: 0,
        };
        b.materialise(Utc::now());
        // Ten start-up lines in the first 100 ms, one a second to 5 s, then the crash lines.
        assert_eq!(b.lines.len(), 10 + 5 + 2);
        assert!(String::from_utf8_lossy(&b.lines.back().unwrap().text).contains("shut down"));
        b.materialise(Utc::now());
        assert_eq!(b.lines.len(), 17, "a finished run writes nothing more");
        assert!(b.next_due().is_none());
    }
}
