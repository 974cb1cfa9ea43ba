//! The list's badge: the Doctor's findings of every StatefulSet in a scope, live.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ops::Bound;
use std::time::Duration;

use futures::stream::BoxStream;
use futures::StreamExt;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod, Service};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use kube::runtime::watcher::{self, Event};
use kube::Resource;
use tokio::time::Instant;

use super::facts::{ClaimFacts, PdbFacts, PodFacts, ServiceFacts, SetFacts};
use super::rules::{findings, Around};
use crate::hub::{Derived, Hub, HubError, RowsEvent, Scope, WatchState};
use crate::kinds::detail::Finding;
use crate::kinds::{Cell, Row};

/// Changes are folded for this long before the findings are judged again.
const SETTLE: Duration = Duration::from_millis(250);
/// Findings that depend on the clock ("waited N min") are judged again this often.
const REJUDGE_EVERY: Duration = Duration::from_secs(60);

/// The findings of one StatefulSet as the row the hub publishes: keyed like the StatefulSet's
/// own row, with one `doctor` cell.
fn doctor_row(key: &str, findings: Vec<Finding>) -> Row {
    let (namespace, name) = key.split_once('/').unwrap_or(("", key));
    Row {
        key: key.to_string(),
        namespace: Some(namespace.to_string()),
        name: name.to_string(),
        uid: String::new(),
        resource_version: String::new(),
        cells: [("doctor", Cell::Findings { v: findings })].into(),
        sort: Default::default(),
        facts: Default::default(),
    }
}

/// A table of facts of one kind, by namespace and name.
struct Table<T> {
    by_ns: HashMap<String, BTreeMap<String, T>>,
    /// Lists in progress, by the watcher's namespace (`None`: all namespaces).
    listing: HashMap<Option<String>, HashMap<String, BTreeMap<String, T>>>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Self {
            by_ns: HashMap::new(),
            listing: HashMap::new(),
        }
    }
}

/// What a change makes worth judging again.
#[derive(Default)]
struct Dirty {
    namespaces: HashSet<String>,
    sets: HashSet<(String, String)>,
}

impl<T> Table<T> {
    /// Applies one watcher event. `owner` names the set an object belongs to when that is known
    /// from its name alone; otherwise its whole namespace is judged again.
    fn apply<K: Resource>(
        &mut self,
        part: &Option<String>,
        ev: Event<K>,
        facts: impl Fn(&K) -> T,
        owner: fn(&str) -> Option<&str>,
        dirty: &mut Dirty,
    ) -> bool {
        let mark = |ns: &str, name: &str, dirty: &mut Dirty| match owner(name) {
            Some(set) => {
                dirty.sets.insert((ns.to_string(), set.to_string()));
            }
            None => {
                dirty.namespaces.insert(ns.to_string());
            }
        };
        let ids = |o: &K| {
            (
                o.meta().namespace.clone().unwrap_or_default(),
                o.meta().name.clone().unwrap_or_default(),
            )
        };
        match ev {
            Event::Init => {
                self.listing.insert(part.clone(), HashMap::new());
            }
            Event::InitApply(o) => {
                let (ns, name) = ids(&o);
                if let Some(l) = self.listing.get_mut(part) {
                    l.entry(ns).or_default().insert(name, facts(&o));
                }
            }
            Event::InitDone => {
                let listed = self.listing.remove(part).unwrap_or_default();
                match part {
                    Some(ns) => {
                        dirty.namespaces.insert(ns.clone());
                        let fresh = listed.into_iter().find(|(n, _)| n == ns).map(|(_, m)| m);
                        self.by_ns.insert(ns.clone(), fresh.unwrap_or_default());
                    }
                    None => {
                        dirty.namespaces.extend(self.by_ns.keys().cloned());
                        dirty.namespaces.extend(listed.keys().cloned());
                        self.by_ns = listed;
                    }
                }
                return true;
            }
            Event::Apply(o) => {
                let (ns, name) = ids(&o);
                mark(&ns, &name, dirty);
                self.by_ns.entry(ns).or_default().insert(name, facts(&o));
            }
            Event::Delete(o) => {
                let (ns, name) = ids(&o);
                mark(&ns, &name, dirty);
                if let Some(m) = self.by_ns.get_mut(&ns) {
                    m.remove(&name);
                }
            }
        }
        false
    }

    fn ns(&self, ns: &str) -> Option<&BTreeMap<String, T>> {
        self.by_ns.get(ns)
    }
}

/// A StatefulSet is its own set.
fn itself(name: &str) -> Option<&str> {
    Some(name)
}

/// Claims, Services and PDBs cannot be told apart by name: their namespace is judged again.
fn whole_namespace(_: &str) -> Option<&str> {
    None
}

/// The set a pod belongs to, by its name `<set>-<ordinal>`.
fn pod_owner(name: &str) -> Option<&str> {
    let (set, ordinal) = name.rsplit_once('-')?;
    ordinal.parse::<u32>().ok().map(|_| set)
}

/// One watcher event (boxed: the kinds' objects differ a lot in size).
enum Change {
    Set(Box<Event<StatefulSet>>),
    Pod(Box<Event<Pod>>),
    Claim(Box<Event<PersistentVolumeClaim>>),
    Service(Box<Event<Service>>),
    Pdb(Box<Event<PodDisruptionBudget>>),
}

#[derive(Default)]
struct State {
    sets: Table<SetFacts>,
    pods: Table<PodFacts>,
    claims: Table<ClaimFacts>,
    services: Table<ServiceFacts>,
    pdbs: Table<PdbFacts>,
    dirty: Dirty,
    /// What the subscriber was last told, by key.
    sent: BTreeMap<String, Vec<Finding>>,
}

impl State {
    /// Returns true when a watcher finished a list.
    fn apply(&mut self, part: &Option<String>, change: Change) -> bool {
        let d = &mut self.dirty;
        match change {
            Change::Set(ev) => self.sets.apply(part, *ev, SetFacts::of, itself, d),
            Change::Pod(ev) => self.pods.apply(part, *ev, PodFacts::of, pod_owner, d),
            Change::Claim(ev) => self
                .claims
                .apply(part, *ev, ClaimFacts::of, whole_namespace, d),
            Change::Service(ev) => {
                self.services
                    .apply(part, *ev, ServiceFacts::of, whole_namespace, d)
            }
            Change::Pdb(ev) => self.pdbs.apply(part, *ev, PdbFacts::of, whole_namespace, d),
        }
    }

    fn judge(&self, ns: &str, set: &SetFacts, now: i64) -> Vec<Finding> {
        let empty_pods = BTreeMap::new();
        let empty_claims = BTreeMap::new();
        let empty_pdbs = BTreeMap::new();
        findings(
            set,
            &Around {
                pods: self.pods.ns(ns).unwrap_or(&empty_pods),
                claims: self.claims.ns(ns).unwrap_or(&empty_claims),
                service: self.services.ns(ns).and_then(|m| m.get(&set.service_name)),
                pdbs: self.pdbs.ns(ns).unwrap_or(&empty_pdbs),
                now,
            },
        )
    }

    /// Judges the dirty sets again; returns what changed since the subscribers were last told.
    fn rejudge(&mut self, now: i64) -> (Vec<Row>, Vec<String>) {
        let dirty = std::mem::take(&mut self.dirty);
        let mut keys: BTreeSet<(String, String)> = dirty.sets.into_iter().collect();
        for ns in &dirty.namespaces {
            if let Some(sets) = self.sets.ns(ns) {
                keys.extend(sets.keys().map(|n| (ns.clone(), n.clone())));
            }
            // sets told about before, which may be gone now
            let prefix = format!("{ns}/");
            keys.extend(
                self.sent
                    .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
                    .take_while(|(k, _)| k.starts_with(&prefix))
                    .map(|(k, _)| (ns.clone(), k[prefix.len()..].to_string())),
            );
        }
        let mut upserts = Vec::new();
        let mut deletes = Vec::new();
        for (ns, name) in keys {
            let key = format!("{ns}/{name}");
            let found = self
                .sets
                .ns(&ns)
                .and_then(|m| m.get(&name))
                .map(|set| self.judge(&ns, set, now))
                .unwrap_or_default();
            if found.is_empty() {
                if self.sent.remove(&key).is_some() {
                    deletes.push(key);
                }
            } else if self.sent.get(&key) != Some(&found) {
                self.sent.insert(key.clone(), found.clone());
                upserts.push(doctor_row(&key, found));
            }
        }
        (upserts, deletes)
    }

    fn all_namespaces_dirty(&mut self) {
        self.dirty
            .namespaces
            .extend(self.sets.by_ns.keys().cloned());
        let sent_ns: Vec<String> = self
            .sent
            .keys()
            .filter_map(|k| k.split_once('/').map(|(ns, _)| ns.to_string()))
            .collect();
        self.dirty.namespaces.extend(sent_ns);
    }
}

fn now_secs() -> i64 {
    k8s_openapi::jiff::Timestamp::now().as_second()
}

/// The id of the Doctor's derived watch in a cluster's hub.
pub const DOCTOR_ID: &str = "statefulsets/doctor";

/// The Doctor's list badge from a cluster's [`Hub`]: `hub.doctor(scope)`.
pub trait DoctorWatch {
    /// The Doctor's findings for every StatefulSet of `scope`, as rows keyed like the
    /// StatefulSets' (each with one `doctor` cell): a derived watch of the hub, shared and
    /// lingering like the others, so coming back to a list does not judge the cluster again from
    /// scratch.
    fn doctor(&self, scope: Scope) -> BoxStream<'static, RowsEvent>;
}

impl DoctorWatch for Hub {
    fn doctor(&self, scope: Scope) -> BoxStream<'static, RowsEvent> {
        self.derived(DOCTOR_ID, scope, run)
    }
}

/// The task behind the Doctor's derived watch ([`DoctorWatch::doctor`]): the findings of every
/// StatefulSet in `scope` (all namespaces when empty), published as rows. Only sets with findings
/// have a row. Watches the sets, pods, claims, Services and PDBs of the scope and keeps only
/// their facts.
async fn run(
    Derived {
        client,
        features,
        scope,
        out,
    }: Derived,
) {
    use crate::hub::watch_support::{relisting_watcher, PAGE_SIZE};
    let parts: Vec<Option<String>> = if scope.namespaces.is_empty() {
        vec![None]
    } else {
        scope.namespaces.iter().cloned().map(Some).collect()
    };
    let cfg = watcher::Config::default().page_size(PAGE_SIZE);
    fn api<K>(client: &kube::Client, ns: &Option<String>) -> kube::Api<K>
    where
        K: Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>,
    {
        match ns {
            Some(ns) => kube::Api::namespaced(client.clone(), ns),
            None => kube::Api::all(client.clone()),
        }
    }
    // (watcher, part of the scope, event)
    type Item = (usize, usize, Result<Change, watcher::Error>);
    let mut streams: Vec<futures::stream::BoxStream<'static, Item>> = Vec::new();
    for (i, ns) in parts.iter().enumerate() {
        macro_rules! add {
            ($k:ty, $variant:ident) => {
                let w = streams.len();
                streams.push(
                    relisting_watcher(api::<$k>(&client, ns), cfg.clone())
                        .map(move |ev| (w, i, ev.map(|e| Change::$variant(Box::new(e)))))
                        .boxed(),
                )
            };
        }
        add!(StatefulSet, Set);
        add!(Pod, Pod);
        add!(PersistentVolumeClaim, Claim);
        add!(Service, Service);
        // budgets at the server's version (policy/v1beta1 before 1.21; none: an empty list)
        let w = streams.len();
        streams.push(
            crate::kinds::statefulset::pdb::watch_budgets(
                client.clone(),
                ns.as_deref(),
                &features,
                cfg.clone(),
            )
            .map(move |ev| (w, i, ev.map(|e| Change::Pdb(Box::new(e)))))
            .boxed(),
        );
    }
    let watchers = streams.len();
    let mut changes = futures::stream::select_all(streams);
    let mut state = State::default();
    // Watchers that have listed once, and those failing since their last list.
    let mut listed: HashSet<usize> = HashSet::new();
    let mut failing: HashSet<usize> = HashSet::new();
    let mut told = false;
    let mut flush_at: Option<Instant> = None;
    let mut rejudge = tokio::time::interval(REJUDGE_EVERY);
    rejudge.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            next = changes.next() => {
                let Some((w, i, change)) = next else { return };
                match change {
                    Ok(change) => {
                        if state.apply(&parts[i], change) {
                            listed.insert(w);
                            // every watcher has relisted after an outage: live again
                            if failing.remove(&w) && failing.is_empty() && told {
                                out.state(WatchState::Live);
                            }
                        }
                    }
                    Err(e) => {
                        let error = HubError::from_watcher(&e).ipc();
                        let first = failing.is_empty();
                        if failing.insert(w) {
                            tracing::warn!(code = ?error.code, %error.message, "doctor: a watch failed; retrying with backoff");
                        }
                        // Shown at once: before its first answer the list would otherwise wait in
                        // silence (e.g. for an API the server does not serve).
                        if first || !told {
                            // findings are kept, but may be stale until every watcher relisted
                            out.state(WatchState::Reconnecting {
                                since: now_secs() * 1000,
                                attempt: 1,
                                error: error.clone(),
                            });
                        }
                        // Before the first answer, a refusal means the doctor cannot judge here.
                        if !told && error.code == crate::error::ErrorCode::Forbidden {
                            return;
                        }
                    }
                }
                flush_at.get_or_insert_with(|| Instant::now() + SETTLE);
            }
            _ = sleep_until(flush_at) => {
                flush_at = None;
                // every watcher of the scope must have listed once before the first answer
                if !told && listed.len() < watchers {
                    continue;
                }
                let (upserts, deletes) = state.rejudge(now_secs());
                if !told {
                    told = true;
                    out.reset(upserts);
                    crate::memory::release_free_memory();
                } else if !upserts.is_empty() || !deletes.is_empty() {
                    out.delta(upserts, deletes);
                }
            }
            _ = rejudge.tick() => {
                if told {
                    state.all_namespaces_dirty();
                    flush_at.get_or_insert_with(|| Instant::now() + SETTLE);
                }
            }
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => futures::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pods_belong_to_the_set_their_name_says() {
        assert_eq!(pod_owner("kafka-broker-12"), Some("kafka-broker"));
        assert_eq!(pod_owner("kafka-broker"), None);
        assert_eq!(pod_owner("web-0"), Some("web"));
    }

    #[test]
    fn the_table_replaces_a_namespace_on_relist_and_marks_what_changed() {
        let mut t: Table<SetFacts> = Table::default();
        let mut d = Dirty::default();
        let sts = |name: &str| -> StatefulSet {
            serde_json::from_value(serde_json::json!({
                "metadata": {"name": name, "namespace": "a"}, "spec": {"selector": {}, "template": {}}
            }))
            .unwrap()
        };
        let part = Some("a".to_string());
        t.apply(&part, Event::Init, SetFacts::of, itself, &mut d);
        t.apply(
            &part,
            Event::InitApply(sts("x")),
            SetFacts::of,
            itself,
            &mut d,
        );
        assert!(
            t.ns("a").is_none(),
            "nothing visible until the list is done"
        );
        assert!(t.apply(&part, Event::InitDone, SetFacts::of, itself, &mut d));
        assert_eq!(t.ns("a").unwrap().len(), 1);
        assert!(d.namespaces.contains("a"));
        let mut d = Dirty::default();
        t.apply(&part, Event::Delete(sts("x")), SetFacts::of, itself, &mut d);
        assert!(d.sets.contains(&("a".to_string(), "x".to_string())));
        assert!(t.ns("a").unwrap().is_empty());
    }
}
