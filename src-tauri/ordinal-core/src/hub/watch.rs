//! The task behind one shared watch: kube-runtime watchers (one per namespace of the scope),
//! rows by key, coalesced publishing.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::StreamExt;
use kube::runtime::watcher::{self, Event};
use kube::Resource;
use tokio::time::Instant;

use super::subscription::SharedWatch;
use super::{HubError, RowsEvent, Scope, ScopeApi, WatchState};
use crate::kinds::{KindSpec, Row};

/// At most one message per frame.
const FLUSH_EVERY: Duration = Duration::from_millis(16);
/// A first sync that has listed this many rows shows them (a `Preview`) before the rest arrive.
const PREVIEW_AFTER: usize = 100;
/// Initial lists are paginated. 2,000 rather than kubectl's 500: a quarter of the round trips
/// (each a full request to the API server, and a pause in which the client decodes nothing) for
/// a page that stays a few MB; the scale bench's 50,000-pod sync went from 4.3 s to 2.8 s.
pub(crate) const PAGE_SIZE: u32 = 2_000;

/// Backoff after consecutive failures: 0.5 s doubling to 30 s, with ±25 % jitter.
fn backoff(attempt: u32) -> Duration {
    use std::hash::{BuildHasher, Hasher};
    let base = 500u64
        .saturating_mul(1 << attempt.saturating_sub(1).min(6))
        .min(30_000);
    let rnd = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let jitter = (rnd % (base / 2 + 1)) as i64 - (base / 4) as i64;
    Duration::from_millis((base as i64 + jitter).max(100) as u64)
}

/// The longest server-requested pause honoured (a larger `Retry-After` is capped to this).
const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

/// How long the server asked us to wait before retrying (`Retry-After`, carried by a 429 or 503
/// Status as `details.retryAfterSeconds`), capped at [`MAX_RETRY_AFTER`]; zero when it did not.
fn retry_after(e: &watcher::Error) -> Duration {
    use watcher::Error as W;
    let status = match e {
        W::InitialListFailed(kube::Error::Api(s))
        | W::WatchStartFailed(kube::Error::Api(s))
        | W::WatchFailed(kube::Error::Api(s))
        | W::WatchError(s) => Some(&**s),
        _ => None,
    };
    let secs = status
        .and_then(|s| s.details.as_ref())
        .map_or(0, |d| d.retry_after_seconds);
    Duration::from_secs(u64::from(secs)).min(MAX_RETRY_AFTER)
}

/// A kube-runtime watcher that, after any error, waits (exponential backoff with jitter, and at
/// least the server's `Retry-After`) and starts over with a fresh paginated list. Every recovery
/// is therefore a relist: the hub then sends a `Reset` and `Live`, and knows the watch is healthy
/// again even when nothing changes. A watch stream that merely ends (e.g. the server closed it)
/// is resumed by the watcher itself.
pub(crate) fn relisting_watcher<T>(
    api: kube::Api<T>,
    cfg: watcher::Config,
) -> impl futures::Stream<Item = Result<Event<T>, watcher::Error>> + Send
where
    T: Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug + Send + 'static,
{
    type Inner<T> = futures::stream::BoxStream<'static, Result<Event<T>, watcher::Error>>;
    // (the running watcher, consecutive failures, the last failure's Retry-After)
    let state: (Option<Inner<T>>, u32, Duration) = (None, 0, Duration::ZERO);
    futures::stream::unfold(state, move |(mut inner, mut failures, mut not_before)| {
        let (api, cfg) = (api.clone(), cfg.clone());
        async move {
            loop {
                let stream = match inner.as_mut() {
                    Some(s) => s,
                    None => {
                        if failures > 0 {
                            tokio::time::sleep(backoff(failures).max(not_before)).await;
                        }
                        not_before = Duration::ZERO;
                        inner.insert(watcher::watcher(api.clone(), cfg.clone()).boxed())
                    }
                };
                match stream.next().await {
                    Some(Ok(ev)) => {
                        if matches!(ev, Event::InitDone) {
                            failures = 0;
                        }
                        return Some((Ok(ev), (inner, failures, not_before)));
                    }
                    Some(Err(e)) => {
                        failures += 1;
                        let wait = retry_after(&e);
                        return Some((Err(e), (None, failures, wait)));
                    }
                    None => inner = None,
                }
            }
        }
    })
}

/// Per-watcher bookkeeping (one per namespace of the scope, or one for all namespaces).
#[derive(Default)]
struct Part {
    /// Rows of the list in progress (between `Init` and `InitDone`).
    listing: Option<BTreeMap<String, Arc<Row>>>,
    /// Has completed at least one list.
    synced: bool,
    /// Keys this watcher owns in the merged rows, when the watch has several watchers (one per
    /// namespace of the scope); with one, it owns every row and no second set of 50,000 keys is
    /// kept.
    keys: Option<BTreeSet<String>>,
    /// Consecutive errors.
    attempt: u32,
}

struct Task {
    shared: Arc<SharedWatch>,
    parts: Vec<Part>,
    /// Current rows as the watch knows them (ahead of the snapshot until the next flush). Shared
    /// with the snapshot: a row is stored once however many maps hold it.
    rows: BTreeMap<String, Arc<Row>>,
    /// Keys changed since the last flush.
    dirty: BTreeSet<String>,
    /// A Reset is due (first sync, or a relist finished).
    reset_due: bool,
    /// The first rows of the first sync are due as a Preview; `previewed` once sent.
    preview_due: bool,
    previewed: bool,
    /// The state to publish at the next flush, if it changed.
    state: WatchState,
    state_dirty: bool,
    /// When the current outage started (Unix ms).
    since: Option<i64>,
}

pub(crate) async fn run<K>(client: kube::Client, scope: Scope, shared: Arc<SharedWatch>)
where
    K: KindSpec,
    <K::K as Resource>::Scope: ScopeApi,
{
    let namespaces: Vec<Option<String>> = if scope.namespaces.is_empty() {
        vec![None]
    } else {
        scope.namespaces.iter().cloned().map(Some).collect()
    };
    let cfg = watcher::Config::default().page_size(PAGE_SIZE);
    let streams = namespaces.iter().enumerate().map(|(i, ns)| {
        let api =
            <<K::K as Resource>::Scope as ScopeApi>::api::<K::K>(client.clone(), ns.as_deref());
        relisting_watcher(api, cfg.clone())
            .map(move |ev| (i, ev))
            .boxed()
    });
    let mut events = futures::stream::select_all(streams);
    let mut task = Task::new(shared, namespaces.len());
    let mut last_flush = Instant::now() - FLUSH_EVERY;
    let mut flush_at: Option<Instant> = None;
    loop {
        tokio::select! {
            ev = events.next() => {
                let Some((i, ev)) = ev else { break };
                let urgent = task.handle::<K>(i, ev);
                if urgent || task.pending() {
                    flush_at.get_or_insert(last_flush + FLUSH_EVERY);
                }
            }
            _ = sleep_until(flush_at) => {
                task.flush();
                last_flush = Instant::now();
                flush_at = None;
            }
        }
    }
    task.flush();
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => futures::future::pending().await,
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Same content, ignoring `resourceVersion` (which changes on every write).
fn same_content(a: &Row, b: &Row) -> bool {
    a.key == b.key
        && a.uid == b.uid
        && a.name == b.name
        && a.namespace == b.namespace
        && a.cells == b.cells
        && a.sort == b.sort
        && a.facts == b.facts
}

impl Task {
    /// A watch of `parts` watchers that has listed nothing yet.
    fn new(shared: Arc<SharedWatch>, parts: usize) -> Self {
        Self {
            shared,
            parts: (0..parts)
                .map(|_| Part {
                    keys: (parts > 1).then(BTreeSet::new),
                    ..Part::default()
                })
                .collect(),
            rows: BTreeMap::new(),
            dirty: BTreeSet::new(),
            reset_due: false,
            preview_due: false,
            previewed: false,
            state: WatchState::Syncing { loaded: 0 },
            state_dirty: false,
            since: None,
        }
    }

    fn pending(&self) -> bool {
        self.reset_due || self.preview_due || self.state_dirty || !self.dirty.is_empty()
    }

    fn all_synced(&self) -> bool {
        self.parts.iter().all(|p| p.synced)
    }

    fn set_state(&mut self, state: WatchState) {
        if self.state != state {
            self.state = state;
            self.state_dirty = true;
        }
    }

    /// Apply one watcher event. Returns true when something must be published.
    fn handle<K: KindSpec>(&mut self, i: usize, ev: Result<Event<K::K>, watcher::Error>) -> bool {
        let ev = match ev {
            Ok(ev) => ev,
            Err(e) => {
                let part = &mut self.parts[i];
                part.attempt += 1;
                let attempt = part.attempt;
                let error = HubError::from_watcher(&e);
                tracing::debug!(kind = K::ID, attempt, error = %error, "watch error; retrying with backoff");
                let since = *self.since.get_or_insert_with(now_ms);
                self.set_state(WatchState::Reconnecting {
                    since,
                    attempt,
                    error: error.ipc(),
                });
                return true;
            }
        };
        match ev {
            Event::Init => {
                self.parts[i].listing = Some(BTreeMap::new());
                if !self.all_synced() || !matches!(self.state, WatchState::Reconnecting { .. }) {
                    self.set_state(WatchState::Syncing {
                        loaded: self.loaded(),
                    });
                }
            }
            Event::InitApply(obj) => {
                let row = K::row(&obj);
                if let Some(l) = self.parts[i].listing.as_mut() {
                    l.insert(row.key.clone(), Arc::new(row));
                }
                if !self.previewed
                    && !self.parts.iter().any(|p| p.synced)
                    && self.loaded() as usize >= PREVIEW_AFTER
                {
                    self.previewed = true;
                    self.preview_due = true;
                }
                if !self.all_synced() {
                    self.set_state(WatchState::Syncing {
                        loaded: self.loaded(),
                    });
                }
            }
            Event::InitDone => {
                let listed = self.parts[i].listing.take().unwrap_or_default();
                match &mut self.parts[i].keys {
                    Some(keys) => {
                        for k in std::mem::take(keys) {
                            self.rows.remove(&k);
                        }
                        *keys = listed.keys().cloned().collect();
                    }
                    None => self.rows.clear(),
                }
                if self.rows.is_empty() {
                    // The usual first sync: take the listing's map as it is.
                    self.rows = listed;
                } else {
                    self.rows.extend(listed);
                }
                self.parts[i].synced = true;
                self.parts[i].attempt = 0;
                if self.all_synced() {
                    // A Reset carries everything; no delta is needed for what it covers.
                    self.reset_due = true;
                    self.dirty.clear();
                    if self.parts.iter().all(|p| p.attempt == 0) {
                        self.since = None;
                        self.set_state(WatchState::Live);
                    }
                }
            }
            Event::Apply(obj) => {
                let row = K::row(&obj);
                if let Some(keys) = &mut self.parts[i].keys {
                    keys.insert(row.key.clone());
                }
                self.dirty.insert(row.key.clone());
                self.rows.insert(row.key.clone(), Arc::new(row));
            }
            Event::Delete(obj) => {
                let row = K::row(&obj);
                if let Some(keys) = &mut self.parts[i].keys {
                    keys.remove(&row.key);
                }
                self.rows.remove(&row.key);
                self.dirty.insert(row.key);
            }
        }
        self.pending()
    }

    fn loaded(&self) -> u32 {
        let listing: usize = self
            .parts
            .iter()
            .filter_map(|p| p.listing.as_ref())
            .map(BTreeMap::len)
            .sum();
        let synced: usize = self
            .parts
            .iter()
            .filter(|p| p.synced && p.listing.is_none())
            .map(|p| p.keys.as_ref().map_or(self.rows.len(), BTreeSet::len))
            .sum();
        (listing + synced) as u32
    }

    /// Publish what changed since the last flush: at most one Reset or Delta, and the state.
    fn flush(&mut self) {
        let mut snap = self.shared.snap.lock().unwrap();
        if std::mem::take(&mut self.preview_due) && !self.reset_due {
            snap.send(RowsEvent::Preview {
                rows: self
                    .parts
                    .iter()
                    .filter_map(|p| p.listing.as_ref())
                    .flat_map(|l| l.values().cloned())
                    .collect(),
            });
        }
        if self.reset_due {
            self.reset_due = false;
            snap.rows = self.rows.clone();
            snap.synced = true;
            snap.send(RowsEvent::Reset {
                rows: snap.rows.values().cloned().collect(),
            });
            // The list's pages are garbage by now and the rows are built: hand the free pages back.
            crate::memory::release_free_memory();
        } else if snap.synced && !self.dirty.is_empty() {
            let mut upserts = Vec::new();
            let mut deletes = Vec::new();
            for key in std::mem::take(&mut self.dirty) {
                match self.rows.get(&key) {
                    Some(row) => {
                        let changed = snap
                            .rows
                            .get(&key)
                            .is_none_or(|old| !same_content(old, row));
                        snap.rows.insert(key, row.clone());
                        if changed {
                            upserts.push(row.clone());
                        }
                    }
                    None => {
                        if snap.rows.remove(&key).is_some() {
                            deletes.push(key);
                        }
                    }
                }
            }
            if !upserts.is_empty() || !deletes.is_empty() {
                snap.send(RowsEvent::Delta { upserts, deletes });
            }
        }
        self.dirty.clear();
        if self.state_dirty {
            self.state_dirty = false;
            snap.state = self.state.clone();
            snap.send(RowsEvent::State {
                state: self.state.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sts(name: &str) -> k8s_openapi::api::apps::v1::StatefulSet {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": name, "namespace": "ns", "uid": name, "resourceVersion": "1"},
            "spec": {"selector": {}, "template": {}}
        }))
        .unwrap()
    }

    /// A kind for the hub's own tests (the hub knows no kind by name): StatefulSets as bare rows.
    struct StatefulSets;

    impl KindSpec for StatefulSets {
        type K = k8s_openapi::api::apps::v1::StatefulSet;
        const ID: &'static str = "statefulsets";
        const BADGE: &'static str = "SS";
        const NAMESPACED: bool = true;

        fn columns() -> Vec<crate::kinds::ColumnDef> {
            Vec::new()
        }
        fn capabilities() -> Vec<crate::kinds::Capability> {
            Vec::new()
        }
        fn row(obj: &Self::K) -> Row {
            crate::kinds::base_row(&obj.metadata)
        }
    }

    #[test]
    fn a_long_first_list_is_previewed_once_then_reset_and_a_relist_is_not() {
        let shared = Arc::new(SharedWatch::new());
        let mut rx = shared.snap.lock().unwrap().tx.as_ref().unwrap().subscribe();
        let mut task = Task::new(shared.clone(), 1);
        let mut events = || {
            let mut out = Vec::new();
            while let Ok(ev) = rx.try_recv() {
                out.push(Arc::unwrap_or_clone(ev));
            }
            out
        };
        let list = |task: &mut Task, from: usize, to: usize| {
            for n in from..to {
                task.handle::<StatefulSets>(0, Ok(Event::InitApply(sts(&format!("s{n:04}")))));
            }
        };
        task.handle::<StatefulSets>(0, Ok(Event::Init));
        list(&mut task, 0, PREVIEW_AFTER - 1);
        task.flush();
        assert!(
            !events()
                .iter()
                .any(|e| matches!(e, RowsEvent::Preview { .. })),
            "not before {PREVIEW_AFTER} rows"
        );
        list(&mut task, PREVIEW_AFTER - 1, PREVIEW_AFTER + 20);
        task.flush();
        let previews: Vec<usize> = events()
            .iter()
            .filter_map(|e| match e {
                RowsEvent::Preview { rows } => Some(rows.len()),
                _ => None,
            })
            .collect();
        assert_eq!(
            previews,
            [PREVIEW_AFTER + 20],
            "the rows listed so far, once"
        );
        // the next page: no second preview; the end of the list: the complete Reset
        list(&mut task, PREVIEW_AFTER + 20, 2 * PREVIEW_AFTER);
        task.flush();
        task.handle::<StatefulSets>(0, Ok(Event::InitDone));
        task.flush();
        let evs = events();
        assert!(!evs.iter().any(|e| matches!(e, RowsEvent::Preview { .. })));
        assert!(evs
            .iter()
            .any(|e| matches!(e, RowsEvent::Reset { rows } if rows.len() == 2 * PREVIEW_AFTER)));
        // a relist (after an outage) never previews: the rows on screen stay until its Reset
        task.handle::<StatefulSets>(0, Ok(Event::Init));
        list(&mut task, 0, 2 * PREVIEW_AFTER);
        task.flush();
        assert!(!events()
            .iter()
            .any(|e| matches!(e, RowsEvent::Preview { .. })));
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        for _ in 0..50 {
            let first = backoff(1).as_millis();
            assert!((375..=625).contains(&first), "{first}");
            let later = backoff(4).as_millis();
            assert!((3000..=5000).contains(&later), "{later}");
            let capped = backoff(40).as_millis();
            assert!((22_500..=37_500).contains(&capped), "{capped}");
        }
    }

    #[test]
    fn retry_after_comes_from_the_status_details_and_is_capped() {
        let status = |secs: u32| {
            let details: kube::core::response::StatusDetails =
                serde_json::from_value(serde_json::json!({ "retryAfterSeconds": secs })).unwrap();
            Box::new(
                kube::core::Status::failure("slow down", "TooManyRequests")
                    .with_code(429)
                    .with_details(details),
            )
        };
        let e = watcher::Error::WatchStartFailed(kube::Error::Api(status(3)));
        assert_eq!(retry_after(&e), Duration::from_secs(3));
        let e = watcher::Error::InitialListFailed(kube::Error::Api(status(100_000)));
        assert_eq!(retry_after(&e), MAX_RETRY_AFTER);
        let e = watcher::Error::WatchError(status(0));
        assert_eq!(retry_after(&e), Duration::ZERO);
        let plain = kube::core::Status::failure("boom", "InternalError").with_code(500);
        let e = watcher::Error::WatchStartFailed(kube::Error::Api(Box::new(plain)));
        assert_eq!(retry_after(&e), Duration::ZERO);
        assert_eq!(
            retry_after(&watcher::Error::NoResourceVersion),
            Duration::ZERO
        );
    }
}
