//! Watch resilience (issue #7): the hub's rows survive fault cycles while StatefulSets are
//! created, scaled and deleted.
//!
//! - 100 cycles against the simulator, rotating dropped watches, a server restart, history
//!   compaction (resume → 410 → relist), a latency spike, a 500 and a 429 with Retry-After. After
//!   every cycle the subscriber's rows (built only from `Reset`/`Delta` events) must equal a fresh
//!   list: 0 differences. Where the fault breaks the stream, a `Reconnecting` state must reach the
//!   subscriber within 2 s, with `attempt` 1 and `since` at the outage's start.
//! - A sustained outage (every request fails) is retried with backoff: the number of requests the
//!   server receives stays within what the backoff schedule allows (no request storm).
//! - A 429's `Retry-After` is honoured: nothing is sent before it elapses.
//!
//! With `ORDINAL_TEST_KUBECONFIG` the cycles run against that cluster without faults (a real
//! cluster has no fault controls); the outage and Retry-After tests are simulator-only.

#[path = "cluster_harness.rs"]
mod harness;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures::StreamExt;
use harness::{slow, sts_json, TestCluster, TestNamespace};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use ordinal_core::hub::{Hub, RowsEvent, Scope, WatchState};
use ordinal_core::kinds::statefulset::StatefulSets;
use ordinal_core::kinds::{KindSpec, Row};
use ordinal_core::ErrorCode;
use ordinal_sim::{Seed, SimConfig, Simulator};

/// How long a broken stream may take to show `Reconnecting` (the "within 2 s").
const STATE_WITHIN: Duration = Duration::from_secs(2);

/// The simulator for these tests. Bookmarks are effectively off: a bookmark landing between the
/// unrelated write and the compaction would move the watch's resourceVersion to the newest one,
/// and the resume would then succeed instead of getting 410 (the compaction cycle would not test
/// the relist). With `ORDINAL_TEST_KUBECONFIG` set, that cluster.
async fn start() -> TestCluster {
    if std::env::var_os("ORDINAL_TEST_KUBECONFIG").is_some() {
        return TestCluster::empty().await;
    }
    let sim = Simulator::start(SimConfig {
        seed: Seed::Empty,
        ready_delay: Duration::from_millis(100),
        bookmark_interval: Duration::from_secs(3600),
        ..Default::default()
    })
    .await
    .expect("simulator starts");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    sim.write_kubeconfig(&path).unwrap();
    let loaded = harness::loaded_from(&path);
    let context = loaded.current_context().unwrap().to_string();
    TestCluster {
        sim: Some(sim),
        dir,
        kubeconfig_path: path,
        loaded,
        context,
        viewer: Some(harness::SIM_VIEWER.into()),
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[derive(Debug, Clone)]
struct Reconnect {
    at: Instant,
    code: ErrorCode,
    message: String,
    attempt: u32,
    since: i64,
}

/// What one subscriber has been told, built only from its events.
#[derive(Default)]
struct Seen {
    rows: BTreeMap<String, Row>,
    state: Option<WatchState>,
    resets: usize,
    deltas: usize,
    empty_deltas: usize,
    reconnects: Vec<Reconnect>,
    ended: bool,
}

impl Seen {
    fn apply(&mut self, ev: RowsEvent) {
        match ev {
            RowsEvent::Reset { rows } => {
                self.resets += 1;
                self.rows = rows
                    .into_iter()
                    .map(|r| (r.key.clone(), std::sync::Arc::unwrap_or_clone(r)))
                    .collect();
            }
            // only before the first Reset of a long list
            RowsEvent::Preview { .. } => assert_eq!(self.resets, 0, "a preview after a reset"),
            RowsEvent::Delta { upserts, deletes } => {
                self.deltas += 1;
                if upserts.is_empty() && deletes.is_empty() {
                    self.empty_deltas += 1;
                }
                for r in upserts {
                    self.rows
                        .insert(r.key.clone(), std::sync::Arc::unwrap_or_clone(r));
                }
                for k in deletes {
                    self.rows.remove(&k);
                }
            }
            RowsEvent::State { state } => {
                if let WatchState::Reconnecting {
                    since,
                    attempt,
                    error,
                } = &state
                {
                    self.reconnects.push(Reconnect {
                        at: Instant::now(),
                        code: error.code,
                        message: error.message.clone(),
                        attempt: *attempt,
                        since: *since,
                    });
                }
                self.state = Some(state);
            }
        }
    }

    /// Live: told so, or joined a watch already synced and live, whose opening is the Reset
    /// alone (the hub's protocol: a state follows the Reset only when it is not Live).
    fn live(&self) -> bool {
        match &self.state {
            Some(state) => *state == WatchState::Live,
            None => self.resets > 0,
        }
    }
}

/// A hub subscription consumed by a task, so the test can act while events arrive.
struct Subscriber {
    seen: Arc<Mutex<Seen>>,
    pump: tokio::task::JoinHandle<()>,
}

impl Subscriber {
    fn start(hub: &Hub, ns: &str) -> Subscriber {
        let seen = Arc::new(Mutex::new(Seen::default()));
        let mut stream = Box::pin(hub.subscribe::<StatefulSets>(Scope::namespace(ns)));
        let s = seen.clone();
        let pump = tokio::spawn(async move {
            while let Some(ev) = stream.next().await {
                s.lock().unwrap().apply(ev);
            }
            s.lock().unwrap().ended = true;
        });
        Subscriber { seen, pump }
    }

    fn with<R>(&self, f: impl FnOnce(&Seen) -> R) -> R {
        f(&self.seen.lock().unwrap())
    }

    /// Waits until `done` holds; `None` after `timeout`.
    async fn wait(&self, timeout: Duration, done: impl Fn(&Seen) -> bool) -> Option<Duration> {
        let started = Instant::now();
        loop {
            if self.with(&done) {
                return Some(started.elapsed());
            }
            assert!(!self.with(|s| s.ended), "the subscription ended");
            if started.elapsed() >= timeout {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

impl Drop for Subscriber {
    fn drop(&mut self) {
        self.pump.abort();
    }
}

/// Rows without resourceVersion (the hub skips updates that change nothing a user sees).
fn content(rows: &BTreeMap<String, Row>) -> BTreeMap<String, Row> {
    rows.iter()
        .map(|(k, r)| {
            let mut r = r.clone();
            r.resource_version.clear();
            (k.clone(), r)
        })
        .collect()
}

fn differences(want: &BTreeMap<String, Row>, got: &BTreeMap<String, Row>) -> Vec<String> {
    let mut keys: Vec<&String> = want.keys().chain(got.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| want.get(*k) != got.get(*k))
        .cloned()
        .collect()
}

/// A request from the test itself, retried through transient failures (a restart's closed
/// connections, an injected 500 the hub did not take). `Ok(None)` for 404 / 409.
async fn retrying<T, F, Fut>(what: &str, mut f: F) -> Result<T, kube::Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, kube::Error>>,
{
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match f().await {
            Ok(v) => return Ok(v),
            Err(kube::Error::Api(s)) if matches!(s.code, 404 | 409 | 422) => {
                return Err(kube::Error::Api(s))
            }
            Err(e) if Instant::now() < deadline => {
                eprintln!("  (retrying {what}: {e})");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("{what}: {e}"),
        }
    }
}

async fn fresh_rows(api: &Api<StatefulSet>) -> BTreeMap<String, Row> {
    let lp = ListParams::default();
    let list = retrying("list", || api.list(&lp)).await.expect("list");
    content(
        &list
            .items
            .iter()
            .map(StatefulSets::row)
            .map(|r| (r.key.clone(), r))
            .collect(),
    )
}

/// Waits until the subscriber's rows equal a fresh list and the watch is live. Returns the keys
/// that still differ when `limit` is reached (empty on success) and how long it took.
async fn converge(
    sub: &Subscriber,
    api: &Api<StatefulSet>,
    limit: Duration,
) -> (Vec<String>, Duration) {
    let started = Instant::now();
    loop {
        let want = fresh_rows(api).await;
        // The list may be ahead of the events in flight: give them a moment.
        let catch_up = Instant::now() + Duration::from_millis(400);
        let diffs = loop {
            let (diffs, live) = sub.with(|s| (differences(&want, &content(&s.rows)), s.live()));
            if diffs.is_empty() && live {
                return (diffs, started.elapsed());
            }
            if Instant::now() >= catch_up {
                break diffs;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        if started.elapsed() >= limit {
            return (diffs, started.elapsed());
        }
    }
}

/// Creates, scales and deletes StatefulSets `s0..sN` of one namespace; every step changes
/// something a user sees.
struct Churn {
    api: Api<StatefulSet>,
    rng: fastrand::Rng,
    /// Desired replicas of each name, `None` when absent.
    present: Vec<Option<i32>>,
    max_replicas: i32,
    steps: usize,
}

impl Churn {
    async fn step(&mut self) {
        let i = self.rng.usize(..self.present.len());
        let name = format!("s{i}");
        let max = self.max_replicas;
        let pick = |rng: &mut fastrand::Rng, not: Option<i32>| loop {
            let r = rng.i32(0..=max);
            if Some(r) != not {
                return r;
            }
        };
        self.steps += 1;
        match self.present[i] {
            None => {
                let r = pick(&mut self.rng, None);
                let sts: StatefulSet = serde_json::from_value(sts_json(&name, r)).unwrap();
                let pp = PostParams::default();
                match retrying("create", || self.api.create(&pp, &sts)).await {
                    Ok(_) => {}
                    // still terminating from an earlier delete: scale it instead
                    Err(_) => self.scale(&name, r).await,
                }
                self.present[i] = Some(r);
            }
            Some(cur) if self.rng.u8(..10) < 6 => {
                let r = pick(&mut self.rng, Some(cur));
                self.scale(&name, r).await;
                self.present[i] = Some(r);
            }
            Some(_) => {
                let dp = DeleteParams::default();
                let _ = retrying("delete", || self.api.delete(&name, &dp)).await;
                self.present[i] = None;
            }
        }
    }

    async fn scale(&self, name: &str, replicas: i32) {
        let patch = Patch::Merge(serde_json::json!({"spec": {"replicas": replicas}}));
        let pp = PatchParams::default();
        retrying("scale", || self.api.patch(name, &pp, &patch))
            .await
            .expect("scale");
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fault {
    /// No fault (a real cluster): only the churn.
    None,
    /// Every watch stream ends; the watcher resumes from its resourceVersion.
    Drop,
    /// The server closes every connection and is down for a moment.
    Restart,
    /// History compacted, then the watches dropped: the resume gets 410 and the hub relists.
    Compact,
    /// Every request is delayed, the watches dropped (the resume is slow).
    Latency,
    /// The re-watch after a drop gets a 500.
    Error500,
    /// The re-watch after a drop gets a 429 with Retry-After: 1.
    Throttle429,
}

impl Fault {
    const CYCLE: [Fault; 6] = [
        Fault::Drop,
        Fault::Restart,
        Fault::Compact,
        Fault::Latency,
        Fault::Error500,
        Fault::Throttle429,
    ];

    /// Whether the fault breaks the stream (the subscriber must see `Reconnecting`).
    fn breaks(self) -> bool {
        matches!(
            self,
            Fault::Restart | Fault::Compact | Fault::Error500 | Fault::Throttle429
        )
    }
}

#[derive(Default)]
struct Figures {
    cycles: usize,
    differences: usize,
    /// Restarts the watch resumed across without an error (see the Restart cycle).
    restarts_resumed: usize,
    /// Per fault: (cycles, slowest Reconnecting, slowest convergence, reconnect codes).
    per_fault: BTreeMap<Fault, (usize, Duration, Duration, Vec<ErrorCode>)>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_fault_cycles_keep_rows_equal_to_a_fresh_list() {
    let started = Instant::now();
    let c = start().await;
    let real = c.sim.is_none();
    let cycles = if real { 20 } else { 100 };
    if real {
        eprintln!("real cluster: {cycles} churn cycles without faults (no fault controls)");
    }
    let clusters = c.clusters().await;
    let hub_client = clusters.client(&c.context).unwrap();
    // The test's own requests use another client (connection pool) than the hub.
    let client = c.client().await;
    let ns = TestNamespace::new(&hub_client, "faults").await;
    let api: Api<StatefulSet> = Api::namespaced(client.clone(), &ns.name);
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), &ns.name);
    let seed = fastrand::u64(..);
    eprintln!("churn seed {seed}");
    let mut churn = Churn {
        api: api.clone(),
        rng: fastrand::Rng::with_seed(seed),
        present: vec![None; 8],
        max_replicas: if real { 1 } else { 2 },
        steps: 0,
    };
    for _ in 0..4 {
        churn.step().await;
    }

    let hub = clusters.hub(&c.context).unwrap();
    let sub = Subscriber::start(&hub, &ns.name);
    // (each cycle below compares with the counts before it, so an early relist is no harm; a
    // loaded CI machine may take longer than an idle one for the first list)
    let first = sub
        .wait(Duration::from_secs(30), |s| s.resets >= 1 && s.live())
        .await;
    assert!(
        first.is_some(),
        "initial Reset: resets {}, state {:?}, reconnects {:?}",
        sub.with(|s| s.resets),
        sub.with(|s| s.state.clone()),
        sub.with(|s| s
            .reconnects
            .iter()
            .map(|r| (r.code, r.message.clone()))
            .collect::<Vec<_>>())
    );
    let faults = c.sim.as_ref().map(|s| s.faults());
    if let Some(f) = &faults {
        f.reset_request_count();
    }

    let mut fig = Figures::default();
    for cycle in 0..cycles {
        let fault = if real {
            Fault::None
        } else {
            Fault::CYCLE[cycle % Fault::CYCLE.len()]
        };
        churn.step().await;
        let (reconnects_before, resets_before) = sub.with(|s| (s.reconnects.len(), s.resets));
        let t0 = Instant::now();
        let t0_ms = now_ms();
        if let Some(f) = &faults {
            match fault {
                Fault::None => {}
                Fault::Drop => f.drop_watches(),
                Fault::Restart => f
                    .restart(Duration::from_millis(100))
                    .await
                    .expect("restart"),
                Fault::Compact => {
                    // The resume is held in the server (latency) while an unrelated write moves
                    // the resourceVersion past what the watch has seen and the history is
                    // compacted: the held resume then gets 410 whatever else was in flight.
                    f.set_latency(Duration::from_millis(300));
                    let n = f.request_count();
                    f.drop_watches();
                    let held = Instant::now();
                    while f.request_count() == n {
                        assert!(held.elapsed() < STATE_WITHIN, "cycle {cycle}: no resume");
                        tokio::time::sleep(Duration::from_millis(2)).await;
                    }
                    f.set_latency(Duration::ZERO);
                    let cm: ConfigMap = serde_json::from_value(
                        serde_json::json!({"metadata": {"name": format!("cm{cycle}")}}),
                    )
                    .unwrap();
                    let pp = PostParams::default();
                    retrying("configmap", || cms.create(&pp, &cm))
                        .await
                        .expect("configmap");
                    f.compact();
                }
                Fault::Latency => {
                    f.set_latency(Duration::from_millis(200));
                    f.drop_watches();
                }
                Fault::Error500 => {
                    f.fail_next(1);
                    f.drop_watches();
                }
                Fault::Throttle429 => {
                    f.throttle_next(1, 1);
                    f.drop_watches();
                }
            }
        }
        fig.per_fault.entry(fault).or_default().0 += 1;
        let mut broke = fault.breaks();
        if fault == Fault::Restart
            && sub
                .wait(STATE_WITHIN, |s| s.reconnects.len() > reconnects_before)
                .await
                .is_none()
        {
            // kube-rs treats a connection closed mid-stream like the end of the stream and
            // resumes at once; when that resume reaches the simulator before its listener closes
            // (a race in the simulator's restart), the watch continues without a break. Then it
            // must really be live: a change arrives as a delta, without a relist.
            let deltas = sub.with(|s| s.deltas);
            churn.step().await;
            let delta = sub
                .wait(STATE_WITHIN, |s| s.deltas > deltas && s.live())
                .await;
            assert!(
                delta.is_some() && sub.with(|s| s.resets) == resets_before,
                "cycle {cycle} (Restart): neither Reconnecting nor a live resumed watch"
            );
            fig.restarts_resumed += 1;
            broke = false;
        }
        let entry = fig.per_fault.get_mut(&fault).unwrap();
        if broke {
            let took = sub
                .wait(STATE_WITHIN, |s| s.reconnects.len() > reconnects_before)
                .await;
            let Some(_) = took else {
                let (state, resets, deltas) = sub.with(|s| (s.state.clone(), s.resets, s.deltas));
                panic!(
                    "cycle {cycle} ({fault:?}): no Reconnecting state within {STATE_WITHIN:?} of a broken stream; \
                     state {state:?}, {resets} resets, {deltas} deltas, requests {:?}",
                    faults.as_ref().map(|f| f.request_count())
                );
            };
            let r = sub.with(|s| s.reconnects[reconnects_before].clone());
            let latency = r.at.saturating_duration_since(t0);
            assert!(
                latency <= STATE_WITHIN,
                "cycle {cycle} ({fault:?}): {latency:?}"
            );
            entry.1 = entry.1.max(latency);
            entry.3.push(r.code);
            assert_eq!(
                r.attempt, 1,
                "cycle {cycle} ({fault:?}): the backoff starts over after a recovery: {r:?}"
            );
            assert!(
                r.since >= t0_ms - 50 && r.since <= now_ms(),
                "cycle {cycle} ({fault:?}): stale since {} but the outage began at {t0_ms}",
                r.since
            );
            match fault {
                Fault::Compact => assert_eq!(
                    r.code,
                    ErrorCode::Expired,
                    "cycle {cycle}: resume after compaction is a 410: {r:?}"
                ),
                Fault::Throttle429 => assert!(
                    r.message.contains("TooManyRequests"),
                    "cycle {cycle}: {r:?}"
                ),
                _ => {}
            }
        }
        // Changes while the watch is broken (or resuming).
        churn.step().await;
        churn.step().await;
        if let Some(f) = &faults {
            f.set_latency(Duration::ZERO);
        }
        let (diffs, took) = converge(&sub, &api, slow(Duration::from_secs(15))).await;
        let entry = fig.per_fault.get_mut(&fault).unwrap();
        entry.2 = entry.2.max(took);
        fig.differences += diffs.len();
        assert!(
            diffs.is_empty(),
            "cycle {cycle} ({fault:?}): {} differences from a fresh list after {took:?}: {diffs:?}",
            diffs.len()
        );
        if fault == Fault::Compact {
            assert!(
                sub.with(|s| s.resets) > resets_before,
                "cycle {cycle}: a compaction forces a relist and a fresh Reset"
            );
        }
        fig.cycles += 1;
    }

    let (resets, deltas, empty, reconnects) =
        sub.with(|s| (s.resets, s.deltas, s.empty_deltas, s.reconnects.len()));
    assert_eq!(empty, 0, "no empty deltas");
    let requests = faults.as_ref().map(|f| f.request_count());
    eprintln!(
        "fault cycles: {} of {cycles} survived, {} differences, {} churn steps, {resets} resets, \
         {deltas} deltas, {reconnects} reconnecting states, {} restarts resumed without a \
         break, {requests:?} requests in all, {:?}",
        fig.cycles,
        fig.differences,
        churn.steps,
        fig.restarts_resumed,
        started.elapsed()
    );
    for (fault, (n, state, conv, codes)) in &fig.per_fault {
        let mut unique: Vec<ErrorCode> = Vec::new();
        for c in codes {
            if !unique.contains(c) {
                unique.push(*c);
            }
        }
        eprintln!(
            "  {fault:?}: {n} cycles, slowest Reconnecting {state:?}, slowest convergence {conv:?}, codes {unique:?}"
        );
    }
    assert_eq!(fig.cycles, cycles);
    assert_eq!(fig.differences, 0);
    drop(sub);
    ns.delete().await;
}

/// The largest number of requests one watch may send in `outage` when every request fails: one
/// at once, then one after each backoff (0.5 s doubling, at most 25 % early).
fn backoff_allows(outage: Duration) -> u64 {
    let (mut t, mut wait, mut n) = (0.0, 0.375, 1);
    while t + wait <= outage.as_secs_f64() {
        t += wait;
        wait *= 2.0;
        n += 1;
    }
    n
}

#[tokio::test]
async fn a_sustained_outage_is_retried_with_backoff_not_a_storm() {
    let c = start().await;
    let Some(sim) = &c.sim else {
        harness::skipped(
            "fault_cycles::a_sustained_outage_is_retried_with_backoff_not_a_storm",
            "an outage needs the simulator's fault controls",
        );
        return;
    };
    let faults = sim.faults();
    let clusters = c.clusters().await;
    let client = c.client().await;
    let ns = TestNamespace::new(&client, "outage").await;
    let api: Api<StatefulSet> = Api::namespaced(client.clone(), &ns.name);
    let sts: StatefulSet = serde_json::from_value(sts_json("before", 1)).unwrap();
    api.create(&PostParams::default(), &sts).await.unwrap();
    let hub = clusters.hub(&c.context).unwrap();
    let sub = Subscriber::start(&hub, &ns.name);
    assert!(sub
        .wait(Duration::from_secs(10), |s| s.resets == 1 && s.live())
        .await
        .is_some());
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Every request fails for 5 s; nothing else talks to the server meanwhile.
    let outage = Duration::from_secs(5);
    faults.fail_next(1_000_000);
    faults.reset_request_count();
    let t0 = Instant::now();
    let t0_ms = now_ms();
    faults.drop_watches();
    let first = sub
        .wait(STATE_WITHIN, |s| !s.reconnects.is_empty())
        .await
        .expect("Reconnecting within 2 s of the outage");
    tokio::time::sleep_until((t0 + outage).into()).await;
    let during = faults.request_count();
    faults.clear();
    let reconnects = sub.with(|s| s.reconnects.clone());
    let rows_kept = sub.with(|s| s.rows.len());
    let allowed = backoff_allows(outage);
    eprintln!(
        "outage of {outage:?}: {during} requests (backoff allows {allowed}), first Reconnecting \
         after {first:?}, attempts {:?}",
        reconnects.iter().map(|r| r.attempt).collect::<Vec<_>>()
    );
    assert!(
        during <= allowed + 1,
        "request storm: {during} requests in {outage:?}; the backoff allows {allowed}"
    );
    assert!(
        during >= 3,
        "the watch kept retrying during the outage: {during} requests"
    );
    let attempts: Vec<u32> = reconnects.iter().map(|r| r.attempt).collect();
    assert_eq!(
        attempts,
        (1..=attempts.len() as u32).collect::<Vec<_>>(),
        "one Reconnecting per failed attempt, counting up"
    );
    assert!(
        reconnects.iter().all(|r| r.since == reconnects[0].since),
        "stale since the outage began, not since the last attempt: {reconnects:?}"
    );
    assert!(reconnects[0].since >= t0_ms - 50 && reconnects[0].since <= t0_ms + 2_000);
    assert_eq!(rows_kept, 1, "rows are kept while reconnecting");

    // Recovery: the next attempt (within the current backoff) relists, then changes flow again.
    let back = sub
        .wait(Duration::from_secs(12), |s| s.resets == 2 && s.live())
        .await
        .expect("live again after the outage");
    eprintln!("live again {back:?} after the outage ended");
    let sts: StatefulSet = serde_json::from_value(sts_json("after", 1)).unwrap();
    api.create(&PostParams::default(), &sts).await.unwrap();
    let (diffs, _) = converge(&sub, &api, Duration::from_secs(10)).await;
    assert!(diffs.is_empty(), "{diffs:?}");
    drop(sub);
    ns.delete().await;
}

#[tokio::test]
async fn a_throttled_watch_waits_for_retry_after() {
    let c = start().await;
    let Some(sim) = &c.sim else {
        harness::skipped(
            "fault_cycles::a_throttled_watch_waits_for_retry_after",
            "a 429 needs the simulator's fault controls",
        );
        return;
    };
    let faults = sim.faults();
    let clusters = c.clusters().await;
    let client = c.client().await;
    let ns = TestNamespace::new(&client, "throttle").await;
    let api: Api<StatefulSet> = Api::namespaced(client.clone(), &ns.name);
    let sts: StatefulSet = serde_json::from_value(sts_json("a", 0)).unwrap();
    api.create(&PostParams::default(), &sts).await.unwrap();
    let hub = clusters.hub(&c.context).unwrap();
    let sub = Subscriber::start(&hub, &ns.name);
    assert!(sub
        .wait(Duration::from_secs(10), |s| s.resets == 1 && s.live())
        .await
        .is_some());

    const RETRY_AFTER: u64 = 2;
    faults.throttle_next(1, RETRY_AFTER);
    faults.reset_request_count();
    let t0 = Instant::now();
    faults.drop_watches();
    sub.wait(STATE_WITHIN, |s| !s.reconnects.is_empty())
        .await
        .expect("Reconnecting within 2 s of the 429");
    let r = sub.with(|s| s.reconnects[0].clone());
    assert!(r.message.contains("TooManyRequests"), "{r:?}");
    // Only the throttled request until the server's Retry-After has passed.
    tokio::time::sleep_until((t0 + Duration::from_millis(RETRY_AFTER * 1000 - 150)).into()).await;
    let early = faults.request_count();
    assert_eq!(
        early,
        1,
        "the watch sent {} request(s) before the server's Retry-After of {RETRY_AFTER} s",
        early.saturating_sub(1)
    );
    sub.wait(Duration::from_secs(RETRY_AFTER + 3), |s| {
        s.resets == 2 && s.live()
    })
    .await
    .expect("live again after Retry-After");
    let took = t0.elapsed();
    eprintln!("429 with Retry-After {RETRY_AFTER} s: live again after {took:?}, {r:?}");
    assert!(took >= Duration::from_secs(RETRY_AFTER));
    drop(sub);
    ns.delete().await;
}
