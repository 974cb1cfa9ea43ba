//! Pod churn for benchmarks: status writes at a steady rate, each recorded with the wall-clock time
//! it was committed and the resourceVersion it got, so a client can measure how long each write
//! took to reach it and whether any was lost.
//!
//! Each write increments `status.containerStatuses[0].restartCount` of a pseudo-randomly chosen
//! pod (as a kubelet reporting a container restart would). The writes reach watches and the watch
//! history like any other write, but not the simulated controllers
//! ([`crate::store::Store::mutate_unobserved`]): a restart count changes nothing they compute,
//! and re-deriving a StatefulSet's status a thousand times a second would only burn CPU.

use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::resources::idx;
use crate::state::State;
use crate::store::{Mutation, Outcome};

/// What to churn.
#[derive(Debug, Clone)]
pub struct ChurnSpec {
    /// Writes per second (spread evenly; a late tick catches up).
    pub rate_per_sec: u32,
    pub duration: Duration,
    /// Only pods of this namespace (all namespaces when `None`).
    pub namespace: Option<String>,
    /// Seed of the pod choice (same seed, same sequence of pods).
    pub seed: u64,
}

impl Default for ChurnSpec {
    fn default() -> Self {
        Self {
            rate_per_sec: 1_000,
            duration: Duration::from_secs(60),
            namespace: None,
            seed: 0x0D1A_u64,
        }
    }
}

/// One committed write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChurnWrite {
    pub namespace: String,
    pub name: String,
    pub resource_version: u64,
    /// Wall-clock time right after the write was committed (and broadcast to watches).
    pub at: SystemTime,
}

impl ChurnWrite {
    /// `namespace/name`, the hub's row key.
    pub fn key(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// One log line: `namespace/name resourceVersion unixNanos`.
    pub fn to_line(&self) -> String {
        let ns = self
            .at
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        format!("{} {} {}", self.key(), self.resource_version, ns)
    }

    pub fn parse_line(line: &str) -> Option<ChurnWrite> {
        let mut it = line.split_whitespace();
        let (namespace, name) = it.next()?.split_once('/')?;
        let resource_version = it.next()?.parse().ok()?;
        let nanos: u64 = it.next()?.parse().ok()?;
        Some(ChurnWrite {
            namespace: namespace.to_string(),
            name: name.to_string(),
            resource_version,
            at: UNIX_EPOCH + Duration::from_nanos(nanos),
        })
    }
}

/// What a churn run did.
#[derive(Debug, Clone, Default)]
pub struct ChurnReport {
    /// Every committed write, in commit order.
    pub writes: Vec<ChurnWrite>,
    /// Writes not made because the pod was gone (or had no container status).
    pub skipped: u64,
    /// Wall time of the run.
    pub elapsed: Duration,
}

impl ChurnReport {
    /// The writes as log lines (see [`ChurnWrite::to_line`]).
    pub fn write_log(&self, path: &Path) -> std::io::Result<()> {
        let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
        for w in &self.writes {
            writeln!(f, "{}", w.to_line())?;
        }
        f.flush()
    }

    pub fn read_log(path: &Path) -> std::io::Result<Vec<ChurnWrite>> {
        let f = std::io::BufReader::new(std::fs::File::open(path)?);
        let mut out = Vec::new();
        for line in f.lines() {
            if let Some(w) = ChurnWrite::parse_line(&line?) {
                out.push(w);
            }
        }
        Ok(out)
    }
}

/// Runs a churn on the current tokio runtime.
pub(crate) async fn run(st: Arc<State>, spec: ChurnSpec) -> ChurnReport {
    let pods: Vec<(Box<str>, Box<str>)> = st
        .store
        .list(idx::PODS, spec.namespace.as_deref())
        .1
        .iter()
        .map(|o| (o.ns.clone(), o.name.clone()))
        .collect();
    let total = (f64::from(spec.rate_per_sec) * spec.duration.as_secs_f64()).round() as u64;
    let mut report = ChurnReport {
        writes: Vec::with_capacity(total as usize),
        ..Default::default()
    };
    if pods.is_empty() || spec.rate_per_sec == 0 {
        return report;
    }
    let mut rng = spec.seed | 1;
    let started = Instant::now();
    let mut done: u64 = 0;
    while done < total {
        let due =
            ((started.elapsed().as_secs_f64() * f64::from(spec.rate_per_sec)) as u64).min(total);
        while done < due {
            done += 1;
            rng = xorshift(rng);
            let (ns, name) = &pods[(rng % pods.len() as u64) as usize];
            match bump_restart_count(&st, ns, name) {
                Some(rv) => report.writes.push(ChurnWrite {
                    namespace: ns.to_string(),
                    name: name.to_string(),
                    resource_version: rv,
                    at: SystemTime::now(),
                }),
                None => report.skipped += 1,
            }
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    report.elapsed = started.elapsed();
    report
}

fn xorshift(mut x: u64) -> u64 {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x
}

/// Increments the first container's restart count; the new resourceVersion, or `None` when the
/// pod is gone or has no container status.
fn bump_restart_count(st: &State, ns: &str, name: &str) -> Option<u64> {
    let out = st
        .store
        .mutate_unobserved::<ApiError, _>(idx::PODS, ns, name, |cur| {
            let Some(mut pod) = cur else {
                return Ok(Mutation::Noop);
            };
            let Some(cs) = pod.pointer_mut("/status/containerStatuses/0") else {
                return Ok(Mutation::Noop);
            };
            let n = cs.get("restartCount").and_then(Value::as_i64).unwrap_or(0);
            cs["restartCount"] = json!(n + 1);
            Ok(Mutation::Put(pod))
        })
        .ok()?;
    match out {
        Outcome::Stored { value, .. } => value
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .and_then(|rv| rv.parse().ok()),
        _ => None,
    }
}
