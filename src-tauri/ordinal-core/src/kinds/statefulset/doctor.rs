//! The Doctor: what is wrong with a StatefulSet's stable identity and rollout, judged from the
//! set and the objects around it (its pods, claims, governing Service and disruption budgets).
//!
//! [`findings`] is the one judge. The detail's findings panel
//! ([`super::detail::build`]) and the list's count badge (the hub's derived watch,
//! [`crate::hub::Hub::doctor`], run by [`run`]) both call it, so the badge always counts what the
//! panel lists. It reads compact facts rather than objects:
//! the list's watch over a whole cluster keeps a few dozen bytes per pod, not the pod.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ops::Bound;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod, Service};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use kube::runtime::watcher::{self, Event};
use kube::Resource;
use std::sync::Arc;

use tokio::time::Instant;

use crate::cluster::ServerFeatures;
use crate::hub::subscription::SharedWatch;
use crate::hub::{HubError, RowsEvent, Scope, WatchState};
use crate::kinds::detail::{Finding, Severity};
use crate::kinds::{Cell, Row};

/// Restarts above which a pod that is not Ready counts as crash-looping.
pub const CRASH_LOOP_RESTARTS: i32 = 3;
/// A pod not Ready for longer than this makes the rollout "stuck".
pub const STUCK_AFTER_SECS: i64 = 300;

/// What the doctor needs to know about the StatefulSet itself.
#[derive(Debug, Clone, PartialEq)]
pub struct SetFacts {
    pub name: String,
    pub replicas: i32,
    pub service_name: String,
    pub template_labels: BTreeMap<String, String>,
    /// `RollingUpdate` (the default), as opposed to `OnDelete`.
    pub rolling_update: bool,
    pub partition: i32,
    /// The names of the volumeClaimTemplates.
    pub claim_templates: Vec<String>,
}

impl SetFacts {
    pub fn of(sts: &StatefulSet) -> Self {
        let spec = sts.spec.as_ref();
        let strategy = spec.and_then(|s| s.update_strategy.as_ref());
        Self {
            name: sts.metadata.name.clone().unwrap_or_default(),
            replicas: spec.and_then(|s| s.replicas).unwrap_or(1),
            service_name: spec
                .and_then(|s| s.service_name.clone())
                .unwrap_or_default(),
            template_labels: spec
                .and_then(|s| s.template.metadata.as_ref())
                .and_then(|m| m.labels.clone())
                .unwrap_or_default(),
            rolling_update: strategy
                .and_then(|u| u.type_.as_deref())
                .unwrap_or("RollingUpdate")
                == "RollingUpdate",
            partition: strategy
                .and_then(|u| u.rolling_update.as_ref())
                .and_then(|r| r.partition)
                .unwrap_or(0),
            claim_templates: spec
                .and_then(|s| s.volume_claim_templates.as_ref())
                .into_iter()
                .flatten()
                .map(|t| t.metadata.name.clone().unwrap_or_default())
                .collect(),
        }
    }
}

/// One pod, as far as the doctor cares (its name is the key it is stored under).
#[derive(Debug, Clone, PartialEq)]
pub struct PodFacts {
    pub ready: bool,
    pub restarts: i32,
    /// A container waits in `CrashLoopBackOff`.
    pub crash: bool,
    /// Creation time, Unix seconds (0 when unknown).
    pub created: i64,
    pub terminating: bool,
}

impl PodFacts {
    pub fn of(pod: &Pod) -> Self {
        let status = pod.status.as_ref();
        let containers = status
            .and_then(|s| s.container_statuses.as_deref())
            .unwrap_or_default();
        Self {
            ready: status
                .and_then(|s| s.conditions.as_ref())
                .into_iter()
                .flatten()
                .any(|c| c.type_ == "Ready" && c.status == "True"),
            restarts: containers.iter().map(|c| c.restart_count).sum(),
            crash: containers.iter().any(|c| {
                c.state
                    .as_ref()
                    .and_then(|s| s.waiting.as_ref())
                    .and_then(|w| w.reason.as_deref())
                    == Some("CrashLoopBackOff")
            }),
            created: pod
                .metadata
                .creation_timestamp
                .as_ref()
                .map_or(0, |t| t.0.as_second()),
            terminating: pod.metadata.deletion_timestamp.is_some(),
        }
    }
}

/// One PersistentVolumeClaim.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimFacts {
    /// Phase `Pending` (or no phase yet).
    pub pending: bool,
    pub storage_class: String,
}

impl ClaimFacts {
    pub fn of(pvc: &PersistentVolumeClaim) -> Self {
        Self {
            pending: pvc
                .status
                .as_ref()
                .and_then(|s| s.phase.as_deref())
                .unwrap_or("Pending")
                == "Pending",
            storage_class: pvc
                .spec
                .as_ref()
                .and_then(|s| s.storage_class_name.clone())
                .unwrap_or_default(),
        }
    }
}

/// One Service (a candidate governing Service).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceFacts {
    /// `clusterIP: None`.
    pub headless: bool,
    pub selector: Option<BTreeMap<String, String>>,
}

impl ServiceFacts {
    pub fn of(svc: &Service) -> Self {
        let spec = svc.spec.as_ref();
        Self {
            headless: spec.and_then(|s| s.cluster_ip.as_deref()) == Some("None"),
            selector: spec.and_then(|s| s.selector.clone()),
        }
    }

    /// The Service selects pods with the template's labels.
    pub fn selects(&self, template_labels: &BTreeMap<String, String>) -> bool {
        self.selector
            .as_ref()
            .is_some_and(|sel| labels_match(sel, template_labels))
    }
}

/// One PodDisruptionBudget (its name is the key it is stored under).
#[derive(Debug, Clone, PartialEq)]
pub struct PdbFacts {
    pub match_labels: Option<BTreeMap<String, String>>,
    pub min_available: Option<String>,
    pub max_unavailable: Option<String>,
}

impl PdbFacts {
    pub fn of(pdb: &PodDisruptionBudget) -> Self {
        let spec = pdb.spec.as_ref();
        Self {
            match_labels: spec
                .and_then(|s| s.selector.as_ref())
                .and_then(|s| s.match_labels.clone()),
            min_available: int_or_string(spec.and_then(|s| s.min_available.as_ref())),
            max_unavailable: int_or_string(spec.and_then(|s| s.max_unavailable.as_ref())),
        }
    }

    /// With `replicas` pods, no voluntary disruption is ever allowed.
    pub fn blocks_all(&self, replicas: i32) -> bool {
        matches!(self.max_unavailable.as_deref(), Some("0" | "0%"))
            || self
                .min_available
                .as_deref()
                .and_then(|m| m.parse::<i32>().ok())
                .is_some_and(|m| m >= replicas && replicas > 0)
            || self.min_available.as_deref() == Some("100%")
    }
}

pub(crate) fn int_or_string(
    v: Option<&k8s_openapi::apimachinery::pkg::util::intstr::IntOrString>,
) -> Option<String> {
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    v.map(|v| match v {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => s.clone(),
    })
}

/// Every selector label is on the pod (an empty selector matches nothing here).
pub(crate) fn labels_match(
    selector: &BTreeMap<String, String>,
    labels: &BTreeMap<String, String>,
) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// The objects around one StatefulSet, all from its namespace and keyed by name.
pub struct Around<'a> {
    pub pods: &'a BTreeMap<String, PodFacts>,
    pub claims: &'a BTreeMap<String, ClaimFacts>,
    /// The governing Service (`spec.serviceName`), when it exists.
    pub service: Option<&'a ServiceFacts>,
    pub pdbs: &'a BTreeMap<String, PdbFacts>,
    /// Unix seconds.
    pub now: i64,
}

/// The entries of `map` named `<prefix><ordinal>`, with their ordinals.
pub fn with_ordinal<'a, T>(
    map: &'a BTreeMap<String, T>,
    prefix: &'a str,
) -> impl Iterator<Item = (i32, &'a String, &'a T)> + 'a {
    map.range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
        .take_while(move |(k, _)| k.starts_with(prefix))
        .filter_map(move |(k, v)| k[prefix.len()..].parse::<i32>().ok().map(|o| (o, k, v)))
}

/// The PDB that covers the set's pods: the first, by name, whose selector matches the template.
pub fn covering_pdb<'a>(
    pdbs: &'a BTreeMap<String, PdbFacts>,
    template_labels: &BTreeMap<String, String>,
) -> Option<(&'a String, &'a PdbFacts)> {
    pdbs.iter().find(|(_, p)| {
        p.match_labels
            .as_ref()
            .is_some_and(|ml| labels_match(ml, template_labels))
    })
}

fn finding<const N: usize>(severity: Severity, key: &str, params: [(&str, String); N]) -> Finding {
    Finding {
        severity,
        key: key.into(),
        params: params
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    }
}

/// What is wrong with one pod of the set, if anything.
pub fn pod_finding(name: &str, pod: &PodFacts, now: i64) -> Option<Finding> {
    if pod.crash || pod.restarts > CRASH_LOOP_RESTARTS && !pod.ready {
        Some(finding(
            Severity::Error,
            "doctor.crashLoop",
            [
                ("pod", name.to_string()),
                ("restarts", pod.restarts.to_string()),
            ],
        ))
    } else if !pod.ready
        && !pod.terminating
        && pod.created > 0
        && now - pod.created > STUCK_AFTER_SECS
    {
        Some(finding(
            Severity::Warning,
            "doctor.rolloutStuck",
            [
                ("pod", name.to_string()),
                ("minutes", ((now - pod.created) / 60).to_string()),
            ],
        ))
    } else {
        None
    }
}

/// The doctor's findings for one StatefulSet, worst first.
pub fn findings(set: &SetFacts, around: &Around<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let replicas = set.replicas;

    // the governing Service
    let service = set.service_name.clone();
    match around.service {
        None => out.push(finding(
            Severity::Error,
            "doctor.serviceMissing",
            [("service", service)],
        )),
        Some(s) if !s.headless => out.push(finding(
            Severity::Warning,
            "doctor.serviceNotHeadless",
            [("service", service)],
        )),
        Some(s) if !s.selects(&set.template_labels) => out.push(finding(
            Severity::Warning,
            "doctor.serviceSelectorMismatch",
            [("service", service)],
        )),
        Some(_) => {}
    }

    // a partition no ordinal can pass
    if set.rolling_update && set.partition > 0 && set.partition >= replicas && replicas > 0 {
        out.push(finding(
            Severity::Warning,
            "doctor.partitionBlocks",
            [
                ("partition", set.partition.to_string()),
                ("replicas", replicas.to_string()),
            ],
        ));
    }

    // pods and claims by ordinal (by name, not selector: a pod whose labels were edited counts)
    let pod_prefix = format!("{}-", set.name);
    let pods: BTreeMap<i32, (&String, &PodFacts)> = with_ordinal(around.pods, &pod_prefix)
        .map(|(o, n, p)| (o, (n, p)))
        .collect();
    let mut claim_ordinals = BTreeSet::new();
    for tpl in &set.claim_templates {
        let prefix = format!("{tpl}-{}-", set.name);
        for (o, claim, c) in with_ordinal(around.claims, &prefix) {
            claim_ordinals.insert(o);
            if c.pending {
                out.push(finding(
                    Severity::Error,
                    "doctor.pvcPending",
                    [
                        ("claim", claim.clone()),
                        ("storageClass", c.storage_class.clone()),
                    ],
                ));
            }
        }
    }
    let orphaned = claim_ordinals
        .iter()
        .filter(|o| **o >= replicas && !pods.contains_key(o))
        .count();
    if orphaned > 0 && replicas > 0 {
        out.push(finding(
            Severity::Info,
            "doctor.orphanedClaims",
            [("count", orphaned.to_string())],
        ));
    }
    out.extend(
        pods.values()
            .filter_map(|(name, p)| pod_finding(name, p, around.now)),
    );

    // a disruption budget that allows nothing
    if let Some((name, pdb)) = covering_pdb(around.pdbs, &set.template_labels) {
        if pdb.blocks_all(replicas) {
            out.push(finding(
                Severity::Warning,
                "doctor.pdbBlocks",
                [("pdb", name.clone())],
            ));
        }
    }

    out.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.key.cmp(&b.key)));
    out.dedup();
    out
}

// ---------------------------------------------------------------------------------------------
// The list's badge: findings of every StatefulSet in a scope, live
// ---------------------------------------------------------------------------------------------

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

/// The task behind the hub's doctor watch ([`crate::hub::Hub::doctor`]): the findings of every
/// StatefulSet in `scope` (all namespaces when empty), published as rows. Only sets with findings
/// have a row. Watches the sets, pods, claims, Services and PDBs of the scope and keeps only
/// their facts.
pub(crate) async fn run(
    client: kube::Client,
    features: ServerFeatures,
    scope: Scope,
    shared: Arc<SharedWatch>,
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
            super::pdb::watch_budgets(client.clone(), ns.as_deref(), &features, cfg.clone())
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
                                let mut snap = shared.snap.lock().unwrap();
                                snap.state = WatchState::Live;
                                snap.send(RowsEvent::State { state: WatchState::Live });
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
                            let mut snap = shared.snap.lock().unwrap();
                            snap.state = WatchState::Reconnecting {
                                since: now_secs() * 1000,
                                attempt: 1,
                                error: error.clone(),
                            };
                            snap.send(RowsEvent::State { state: snap.state.clone() });
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
                let mut snap = shared.snap.lock().unwrap();
                if !told {
                    told = true;
                    snap.rows = upserts.into_iter().map(|r| (r.key.clone(), Arc::new(r))).collect();
                    snap.synced = true;
                    snap.state = WatchState::Live;
                    snap.send(RowsEvent::Reset {
                        rows: snap.rows.values().map(|r| Row::clone(r)).collect(),
                    });
                    drop(snap);
                    crate::hub::watch_support::release_free_memory();
                } else if !upserts.is_empty() || !deletes.is_empty() {
                    for k in &deletes {
                        snap.rows.remove(k);
                    }
                    for r in &upserts {
                        snap.rows.insert(r.key.clone(), Arc::new(r.clone()));
                    }
                    snap.send(RowsEvent::Delta { upserts, deletes });
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

    fn set(json: serde_json::Value) -> SetFacts {
        SetFacts::of(&serde_json::from_value(json).unwrap())
    }

    fn web() -> SetFacts {
        set(serde_json::json!({
            "metadata": {"name": "web", "namespace": "ns"},
            "spec": {"replicas": 2, "serviceName": "web", "selector": {},
                     "template": {"metadata": {"labels": {"app": "web"}}},
                     "volumeClaimTemplates": [{"metadata": {"name": "data"}}]}
        }))
    }

    fn pod(ready: bool, restarts: i32, created: i64) -> PodFacts {
        PodFacts {
            ready,
            restarts,
            crash: false,
            created,
            terminating: false,
        }
    }

    fn keys(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|f| f.key.as_str()).collect()
    }

    #[test]
    fn a_healthy_set_has_no_findings_and_problems_are_named_worst_first() {
        let svc = ServiceFacts {
            headless: true,
            selector: Some([("app".to_string(), "web".to_string())].into()),
        };
        let mut pods: BTreeMap<String, PodFacts> = [
            ("web-0".to_string(), pod(true, 0, 1_000)),
            ("web-1".to_string(), pod(true, 0, 1_000)),
            // another set's pod with a similar name is not ours
            ("web-extra-0".to_string(), pod(false, 9, 1_000)),
        ]
        .into();
        let claims: BTreeMap<String, ClaimFacts> = [
            (
                "data-web-0".to_string(),
                ClaimFacts {
                    pending: false,
                    storage_class: "ssd".into(),
                },
            ),
            (
                "data-web-1".to_string(),
                ClaimFacts {
                    pending: false,
                    storage_class: "ssd".into(),
                },
            ),
        ]
        .into();
        let pdbs = BTreeMap::new();
        let around = |pods, claims, service| Around {
            pods,
            claims,
            service,
            pdbs: &pdbs,
            now: 2_000,
        };
        assert_eq!(
            findings(&web(), &around(&pods, &claims, Some(&svc))),
            vec![]
        );

        // web-1 crash-loops, web-0 has waited 16 min, a claim of a scaled-away ordinal stays
        pods.insert("web-1".into(), pod(false, 5, 1_000));
        pods.insert("web-0".into(), pod(false, 0, 1_000));
        let mut claims = claims;
        claims.insert(
            "data-web-4".into(),
            ClaimFacts {
                pending: true,
                storage_class: "slow".into(),
            },
        );
        let f = findings(
            &web(),
            &Around {
                pods: &pods,
                claims: &claims,
                service: None,
                pdbs: &pdbs,
                now: 2_000,
            },
        );
        assert_eq!(
            keys(&f),
            [
                "doctor.crashLoop",
                "doctor.pvcPending",
                "doctor.serviceMissing",
                "doctor.rolloutStuck",
                "doctor.orphanedClaims"
            ]
        );
        assert_eq!(f[0].params["pod"], "web-1");
        assert_eq!(f[1].params["storageClass"], "slow");
        assert_eq!(f[3].params["minutes"], "16");
    }

    #[test]
    fn partition_and_budget_that_block_everything() {
        let mut s = web();
        s.partition = 2;
        let svc = ServiceFacts {
            headless: false,
            selector: None,
        };
        let pdbs: BTreeMap<String, PdbFacts> = [(
            "web".to_string(),
            PdbFacts {
                match_labels: Some([("app".to_string(), "web".to_string())].into()),
                min_available: Some("2".into()),
                max_unavailable: None,
            },
        )]
        .into();
        let empty_pods = BTreeMap::new();
        let empty_claims = BTreeMap::new();
        let f = findings(
            &s,
            &Around {
                pods: &empty_pods,
                claims: &empty_claims,
                service: Some(&svc),
                pdbs: &pdbs,
                now: 0,
            },
        );
        assert_eq!(
            keys(&f),
            [
                "doctor.partitionBlocks",
                "doctor.pdbBlocks",
                "doctor.serviceNotHeadless"
            ]
        );
        s.rolling_update = false;
        assert!(!keys(&findings(
            &s,
            &Around {
                pods: &empty_pods,
                claims: &empty_claims,
                service: Some(&svc),
                pdbs: &pdbs,
                now: 0
            },
        ))
        .contains(&"doctor.partitionBlocks"));
    }

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
