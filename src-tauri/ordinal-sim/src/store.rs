//! The generic object store: one monotonic resourceVersion counter, objects kept as compact JSON
//! bytes (memory-light), a bounded event history for watch resumes, and a broadcast of changes.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use serde_json::Value;
use tokio::sync::{broadcast, mpsc};

use crate::resources::{RESOURCES, STORED};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("too old resource version: {requested} ({oldest})")]
    Expired { requested: u64, oldest: u64 },
    #[error("object is not a JSON object")]
    NotAnObject,
    #[error("serialization failed: {0}")]
    Json(#[from] serde_json::Error),
}

/// One stored object: its JSON bytes (with `metadata.resourceVersion` set) and its key.
#[derive(Debug)]
pub struct StoredObj {
    pub rv: u64,
    pub ns: Box<str>,
    pub name: Box<str>,
    pub json: Bytes,
}

impl StoredObj {
    /// Parse the stored JSON. Stored bytes always come from `serde_json::to_vec`, so this only
    /// yields `Null` if memory were corrupted.
    pub fn value(&self) -> Value {
        serde_json::from_slice(&self.json).unwrap_or(Value::Null)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

#[derive(Debug)]
pub struct Event {
    pub rv: u64,
    pub res: usize,
    pub ty: EventType,
    pub obj: Arc<StoredObj>,
    pub prev: Option<Arc<StoredObj>>,
}

/// What a mutation closure decided.
pub enum Mutation {
    Put(Value),
    Delete,
    Noop,
}

/// The outcome of [`Store::mutate`].
#[derive(Debug)]
pub enum Outcome {
    Stored { value: Value, created: bool },
    Deleted(Value),
    Unchanged(Option<Value>),
}

/// An object's place in the store, ordered as the API server's storage (etcd keys) orders it: by
/// the string `namespace/name`, so a list's continue key (`namespace/name` of the last item) is a
/// position to read on from. (Tuple order differs where one namespace is a prefix of another:
/// `a/x` sorts after `a-b/y`.)
#[derive(Clone, PartialEq, Eq)]
struct Key {
    ns: Box<str>,
    name: Box<str>,
}

impl Key {
    fn path(&self) -> impl Iterator<Item = u8> + '_ {
        self.ns
            .bytes()
            .chain(std::iter::once(b'/'))
            .chain(self.name.bytes())
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.path().cmp(other.path())
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Backlog of events to replay plus the live receiver.
pub type Resume = (Vec<Arc<Event>>, broadcast::Receiver<Arc<Event>>);

struct Inner {
    rv: u64,
    objects: Vec<BTreeMap<Key, Arc<StoredObj>>>,
    history: VecDeque<Arc<Event>>,
    /// Resuming a watch from a resourceVersion >= `compacted` is possible.
    compacted: u64,
    history_limit: usize,
}

pub struct Store {
    inner: Mutex<Inner>,
    tx: broadcast::Sender<Arc<Event>>,
    ctrl: Mutex<Option<mpsc::UnboundedSender<Arc<Event>>>>,
}

fn key(ns: &str, name: &str) -> Key {
    Key {
        ns: ns.into(),
        name: name.into(),
    }
}

impl Store {
    pub fn new(history_limit: usize) -> Store {
        let (tx, _) = broadcast::channel(65_536);
        Store {
            inner: Mutex::new(Inner {
                rv: 1,
                objects: (0..STORED).map(|_| BTreeMap::new()).collect(),
                history: VecDeque::new(),
                compacted: 1,
                history_limit,
            }),
            tx,
            ctrl: Mutex::new(None),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A poisoned lock only means a panic elsewhere; the data is still consistent enough to serve.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_controller_channel(&self, tx: mpsc::UnboundedSender<Arc<Event>>) {
        *self.ctrl.lock().unwrap_or_else(|e| e.into_inner()) = Some(tx);
    }

    pub fn current_rv(&self) -> u64 {
        self.lock().rv
    }

    pub fn get(&self, res: usize, ns: &str, name: &str) -> Option<Arc<StoredObj>> {
        let inner = self.lock();
        inner.objects.get(res)?.get(&key(ns, name)).cloned()
    }

    pub fn get_value(&self, res: usize, ns: &str, name: &str) -> Option<Value> {
        self.get(res, ns, name).map(|o| o.value())
    }

    /// Snapshot of a resource's objects (all namespaces when `ns` is None), in key order.
    pub fn list(&self, res: usize, ns: Option<&str>) -> (u64, Vec<Arc<StoredObj>>) {
        let inner = self.lock();
        let Some(map) = inner.objects.get(res) else {
            return (inner.rv, Vec::new());
        };
        let items = match ns {
            Some(ns) => map
                .range(key(ns, "")..)
                .take_while(|(k, _)| &*k.ns == ns)
                .map(|(_, v)| v.clone())
                .collect(),
            None => map.values().cloned().collect(),
        };
        (inner.rv, items)
    }

    /// One page of a list in storage order: the objects after `after` (a continue key,
    /// `namespace/name`) that `keep` accepts, at most `limit` (0: no limit), and how many more
    /// follow (counted to the end when `count_rest`, else 1 when any does). A page reads
    /// O(limit) objects, as a range read of etcd does, instead of the whole kind.
    pub fn list_page(
        &self,
        res: usize,
        ns: Option<&str>,
        after: Option<&str>,
        limit: usize,
        count_rest: bool,
        keep: &dyn Fn(&StoredObj) -> bool,
    ) -> (u64, Vec<Arc<StoredObj>>, usize) {
        use std::ops::Bound;
        let inner = self.lock();
        let Some(map) = inner.objects.get(res) else {
            return (inner.rv, Vec::new(), 0);
        };
        let after = after.map(|a| {
            let (n, m) = a.split_once('/').unwrap_or(("", a));
            key(n, m)
        });
        let lower = match (after, ns) {
            (Some(a), Some(ns)) if &*a.ns != ns => Bound::Included(key(ns, "")),
            (Some(a), _) => Bound::Excluded(a),
            (None, Some(ns)) => Bound::Included(key(ns, "")),
            (None, None) => Bound::Unbounded,
        };
        let (mut page, mut rest) = (Vec::new(), 0);
        for (_, obj) in map
            .range((lower, Bound::Unbounded))
            .take_while(|(k, _)| ns.is_none_or(|ns| &*k.ns == ns))
        {
            if !keep(obj) {
                continue;
            }
            if limit == 0 || page.len() < limit {
                page.push(obj.clone());
                continue;
            }
            rest += 1;
            if !count_rest {
                break;
            }
        }
        (inner.rv, page, rest)
    }

    pub fn list_values(&self, res: usize, ns: Option<&str>) -> Vec<Value> {
        self.list(res, ns).1.iter().map(|o| o.value()).collect()
    }

    pub fn count(&self, res: usize) -> usize {
        self.lock().objects.get(res).map(|m| m.len()).unwrap_or(0)
    }

    /// Atomic read-modify-write of one object. The closure sees the current value and decides.
    pub fn mutate<E, F>(&self, res: usize, ns: &str, name: &str, f: F) -> Result<Outcome, E>
    where
        E: From<StoreError>,
        F: FnOnce(Option<Value>) -> Result<Mutation, E>,
    {
        self.mutate_with(res, ns, name, true, f)
    }

    /// [`Store::mutate`] whose event reaches watches and the history but not the simulated
    /// controllers (for benchmark churn: status noise the controllers would only recompute).
    pub fn mutate_unobserved<E, F>(
        &self,
        res: usize,
        ns: &str,
        name: &str,
        f: F,
    ) -> Result<Outcome, E>
    where
        E: From<StoreError>,
        F: FnOnce(Option<Value>) -> Result<Mutation, E>,
    {
        self.mutate_with(res, ns, name, false, f)
    }

    fn mutate_with<E, F>(
        &self,
        res: usize,
        ns: &str,
        name: &str,
        observed: bool,
        f: F,
    ) -> Result<Outcome, E>
    where
        E: From<StoreError>,
        F: FnOnce(Option<Value>) -> Result<Mutation, E>,
    {
        let mut inner = self.lock();
        let k = key(ns, name);
        let cur = inner.objects.get(res).and_then(|m| m.get(&k)).cloned();
        let cur_val = cur.as_ref().map(|o| o.value());
        match f(cur_val.clone())? {
            Mutation::Noop => Ok(Outcome::Unchanged(cur_val)),
            Mutation::Put(mut v) => {
                if !v.is_object() {
                    return Err(StoreError::NotAnObject.into());
                }
                if let (Some(c), Some(cv)) = (&cur, &cur_val) {
                    // No-op writes do not bump the resourceVersion (like the real server).
                    set_rv(&mut v, c.rv);
                    if &v == cv {
                        return Ok(Outcome::Unchanged(cur_val));
                    }
                }
                inner.rv += 1;
                let rv = inner.rv;
                set_rv(&mut v, rv);
                let json = Bytes::from(serde_json::to_vec(&v).map_err(StoreError::from)?);
                let obj = Arc::new(StoredObj {
                    rv,
                    ns: ns.into(),
                    name: name.into(),
                    json,
                });
                if let Some(m) = inner.objects.get_mut(res) {
                    m.insert(k, obj.clone());
                }
                let ty = if cur.is_some() {
                    EventType::Modified
                } else {
                    EventType::Added
                };
                self.emit(
                    &mut inner,
                    Event {
                        rv,
                        res,
                        ty,
                        obj,
                        prev: cur,
                    },
                    observed,
                );
                Ok(Outcome::Stored {
                    value: v,
                    created: cur_val.is_none(),
                })
            }
            Mutation::Delete => {
                let Some(mut v) = cur_val else {
                    return Ok(Outcome::Unchanged(None));
                };
                inner.rv += 1;
                let rv = inner.rv;
                set_rv(&mut v, rv);
                let json = Bytes::from(serde_json::to_vec(&v).map_err(StoreError::from)?);
                let obj = Arc::new(StoredObj {
                    rv,
                    ns: ns.into(),
                    name: name.into(),
                    json,
                });
                if let Some(m) = inner.objects.get_mut(res) {
                    m.remove(&k);
                }
                self.emit(
                    &mut inner,
                    Event {
                        rv,
                        res,
                        ty: EventType::Deleted,
                        obj,
                        prev: cur,
                    },
                    observed,
                );
                Ok(Outcome::Deleted(v))
            }
        }
    }

    fn emit(&self, inner: &mut Inner, ev: Event, observed: bool) {
        let ev = Arc::new(ev);
        inner.history.push_back(ev.clone());
        while inner.history.len() > inner.history_limit {
            if let Some(old) = inner.history.pop_front() {
                inner.compacted = old.rv;
            }
        }
        let _ = self.tx.send(ev.clone());
        if !observed {
            return;
        }
        if let Some(tx) = self.ctrl.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            let _ = tx.send(ev);
        }
    }

    /// Insert an object directly (seeding): no history, no broadcast, no controller notification.
    pub fn insert_raw(&self, res: usize, mut v: Value) -> Result<(), StoreError> {
        let ns = v
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let name = v
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let mut inner = self.lock();
        inner.rv += 1;
        let rv = inner.rv;
        set_rv(&mut v, rv);
        let json = Bytes::from(serde_json::to_vec(&v)?);
        let obj = Arc::new(StoredObj {
            rv,
            ns: ns.as_str().into(),
            name: name.as_str().into(),
            json,
        });
        if let Some(m) = inner.objects.get_mut(res) {
            m.insert(key(&ns, &name), obj);
        }
        inner.compacted = rv;
        Ok(())
    }

    /// Insert pre-serialized JSON built by `f(resourceVersion)` (fast bulk seeding).
    pub fn insert_raw_bytes<F: FnOnce(u64) -> Vec<u8>>(
        &self,
        res: usize,
        ns: &str,
        name: &str,
        f: F,
    ) {
        let mut inner = self.lock();
        inner.rv += 1;
        let rv = inner.rv;
        let json = Bytes::from(f(rv));
        let obj = Arc::new(StoredObj {
            rv,
            ns: ns.into(),
            name: name.into(),
            json,
        });
        if let Some(m) = inner.objects.get_mut(res) {
            m.insert(key(ns, name), obj);
        }
        inner.compacted = rv;
    }

    /// Events after `since` (for a watch resume) plus a live receiver, atomically.
    pub fn subscribe_from(&self, since: u64) -> Result<Resume, StoreError> {
        let inner = self.lock();
        if since < inner.compacted {
            return Err(StoreError::Expired {
                requested: since,
                oldest: inner.compacted,
            });
        }
        let backlog = inner
            .history
            .iter()
            .filter(|e| e.rv > since)
            .cloned()
            .collect();
        Ok((backlog, self.tx.subscribe()))
    }

    /// Snapshot of a resource plus a live receiver, atomically (for watches that start "now").
    pub fn snapshot_and_subscribe(
        &self,
        res: usize,
        ns: Option<&str>,
    ) -> (u64, Vec<Arc<StoredObj>>, broadcast::Receiver<Arc<Event>>) {
        // Hold the lock across both so no event can slip in between.
        let inner = self.lock();
        let rx = self.tx.subscribe();
        let items = match inner.objects.get(res) {
            Some(map) => match ns {
                Some(ns) => map
                    .range(key(ns, "")..)
                    .take_while(|(k, _)| &*k.ns == ns)
                    .map(|(_, v)| v.clone())
                    .collect(),
                None => map.values().cloned().collect(),
            },
            None => Vec::new(),
        };
        (inner.rv, items, rx)
    }

    /// Forget the event history: watches resuming from any older resourceVersion get 410 Gone.
    pub fn compact(&self) {
        let mut inner = self.lock();
        inner.history.clear();
        inner.compacted = inner.rv;
    }

    pub fn resource_name(res: usize) -> &'static str {
        RESOURCES.get(res).map(|r| r.plural).unwrap_or("")
    }
}

fn set_rv(v: &mut Value, rv: u64) {
    if let Some(obj) = v.as_object_mut() {
        let meta = obj
            .entry("metadata")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Some(m) = meta.as_object_mut() {
            m.insert("resourceVersion".into(), Value::String(rv.to_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(page: &[Arc<StoredObj>]) -> Vec<String> {
        page.iter()
            .map(|o| format!("{}/{}", o.ns, o.name))
            .collect()
    }

    /// Pages in storage order (`namespace/name` as a string, as etcd orders keys): `a-b/…` comes
    /// before `a/…`, and reading on from a continue key neither skips nor repeats across them.
    #[test]
    fn pages_follow_storage_order_across_namespaces() {
        let store = Store::new(100);
        let cm = crate::resources::find("", "v1", "configmaps").unwrap();
        for (ns, name) in [("a", "x"), ("a", "y"), ("a-b", "z"), ("b", "w")] {
            let v = serde_json::json!({"metadata": {"namespace": ns, "name": name}});
            store.insert_raw(cm, v).unwrap();
        }
        let all = |_: &StoredObj| true;
        let (mut seen, mut after) = (Vec::new(), None::<String>);
        loop {
            let (_, page, rest) = store.list_page(cm, None, after.as_deref(), 1, true, &all);
            seen.extend(names(&page));
            if rest == 0 {
                break;
            }
            assert_eq!(rest, 4 - seen.len(), "the count of what follows");
            after = seen.last().cloned();
        }
        assert_eq!(seen, ["a-b/z", "a/x", "a/y", "b/w"]);
        // one namespace: only its objects, from its start or from a key inside it
        let (_, page, rest) = store.list_page(cm, Some("a"), None, 1, true, &all);
        assert_eq!((names(&page), rest), (vec!["a/x".to_string()], 1));
        let (_, page, rest) = store.list_page(cm, Some("a"), Some("a/x"), 0, true, &all);
        assert_eq!((names(&page), rest), (vec!["a/y".to_string()], 0));
    }
}
