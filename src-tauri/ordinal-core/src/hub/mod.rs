//! The watch hub: one shared watch per (cluster, kind, namespace scope), reference-counted,
//! kept as compact rows, and fanned out to subscribers as coalesced batches.
//!
//! - One [`Hub`] per connected cluster (owned by [`crate::cluster::Clusters`], shut down on
//!   disconnect).
//! - [`Hub::subscribe`] shares one kube-runtime watcher per (kind id, normalized scope). A scope
//!   with several namespaces runs one watcher per namespace inside the same shared watch (so a
//!   user with namespace-only RBAC can watch them); an empty scope watches all namespaces.
//! - Rows are computed once per object ([`crate::kinds::KindSpec::row`]) and kept in a map by
//!   key; changes are buffered and flushed at most every 16 ms, skipping rows whose content
//!   (everything but `resourceVersion`) did not change.
//! - Derived watches share the same machinery: [`Hub::derived`] runs a task that computes rows
//!   from the cluster (not one kind's objects) and publishes them through a [`Publisher`]. The
//!   hub knows them only by the id their caller passes; the StatefulSet Doctor's list badge is
//!   one (its kind registers it; the hub does not import it).
//! - A watch whose last subscriber left keeps running for the hub's linger time (two minutes
//!   for connected clusters), so switching clusters or pages and coming back is instant: the
//!   new subscriber gets the current rows at once, without a re-list.

mod derived;
mod error;
pub mod list;
pub(crate) mod subscription;
pub mod types;
pub mod view;
mod watch;

/// The watcher plumbing other live views (the doctor) share with the hub.
pub(crate) mod watch_support {
    pub(crate) use super::watch::{relisting_watcher, PAGE_SIZE};
}

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use futures::Stream;
use kube::Resource;

pub use derived::{Derived, Publisher};
pub use error::HubError;
pub use types::*;

use crate::cluster::ServerFeatures;
use crate::kinds::KindSpec;
use subscription::{SharedWatch, SubGuard};

/// How `Api`s are made for a resource scope: namespaced kinds can be watched per namespace,
/// cluster-scoped kinds only as a whole.
pub trait ScopeApi {
    fn api<K>(client: kube::Client, namespace: Option<&str>) -> kube::Api<K>
    where
        K: Resource<Scope = Self, DynamicType = ()>;
}

impl ScopeApi for k8s_openapi::NamespaceResourceScope {
    fn api<K>(client: kube::Client, namespace: Option<&str>) -> kube::Api<K>
    where
        K: Resource<Scope = Self, DynamicType = ()>,
    {
        match namespace {
            Some(ns) => kube::Api::namespaced(client, ns),
            None => kube::Api::all(client),
        }
    }
}

impl ScopeApi for k8s_openapi::ClusterResourceScope {
    fn api<K>(client: kube::Client, _namespace: Option<&str>) -> kube::Api<K>
    where
        K: Resource<Scope = Self, DynamicType = ()>,
    {
        kube::Api::all(client)
    }
}

type WatchKey = (&'static str, Scope);

struct Entry {
    shared: Arc<SharedWatch>,
    subscribers: usize,
    /// Bumped every time the watch loses its last subscriber; a delayed stop only applies to
    /// the idle period it was scheduled for.
    idle_epoch: u64,
    task: tokio::task::JoinHandle<()>,
}

pub(crate) struct HubInner {
    client: kube::Client,
    watches: Mutex<Option<HashMap<WatchKey, Entry>>>,
    linger: Duration,
    features: ServerFeatures,
}

impl HubInner {
    /// One subscriber of `key` went away; after the last one the watch stops (once it has been
    /// idle for the linger time).
    pub(crate) fn release(self: &Arc<Self>, key: &WatchKey) {
        let mut guard = self.watches.lock().unwrap();
        let Some(watches) = guard.as_mut() else {
            return;
        };
        let epoch = match watches.get_mut(key) {
            Some(e) => {
                e.subscribers -= 1;
                if e.subscribers > 0 {
                    return;
                }
                e.idle_epoch += 1;
                e.idle_epoch
            }
            None => return,
        };
        let runtime = tokio::runtime::Handle::try_current();
        match runtime {
            Ok(rt) if !self.linger.is_zero() => {
                let weak = Arc::downgrade(self);
                let key = key.clone();
                let linger = self.linger;
                rt.spawn(async move {
                    tokio::time::sleep(linger).await;
                    if let Some(hub) = weak.upgrade() {
                        hub.stop_if_idle(&key, epoch);
                    }
                });
            }
            _ => {
                if let Some(e) = watches.remove(key) {
                    stop(e);
                }
            }
        }
    }

    fn stop_if_idle(&self, key: &WatchKey, epoch: u64) {
        let mut guard = self.watches.lock().unwrap();
        let Some(watches) = guard.as_mut() else {
            return;
        };
        if watches
            .get(key)
            .is_some_and(|e| e.subscribers == 0 && e.idle_epoch == epoch)
        {
            if let Some(e) = watches.remove(key) {
                stop(e);
            }
        }
    }

    fn shutdown(&self) {
        let taken = self.watches.lock().unwrap().take();
        for (_, e) in taken.into_iter().flatten() {
            stop(e);
        }
    }
}

impl Drop for HubInner {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn stop(e: Entry) {
    e.task.abort();
    e.shared.close();
}

/// The watch hub of one cluster. A cheap handle: clones share the same watches.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<HubInner>,
}

impl Hub {
    /// A hub over `client` whose watches stop with their last subscriber. Must be subscribed
    /// to inside a tokio runtime.
    pub fn new(client: kube::Client) -> Self {
        Self::with_linger(client, Duration::ZERO)
    }

    /// A hub whose watches keep running for `linger` after their last subscriber left.
    pub fn with_linger(client: kube::Client, linger: Duration) -> Self {
        Self::with_features(client, linger, ServerFeatures::default())
    }

    /// A hub for a server offering `features` (e.g. PodDisruptionBudgets at `policy/v1beta1`).
    pub fn with_features(client: kube::Client, linger: Duration, features: ServerFeatures) -> Self {
        Self {
            inner: Arc::new(HubInner {
                client,
                watches: Mutex::new(Some(HashMap::new())),
                linger,
                features,
            }),
        }
    }

    /// Rows of kind `K` in `scope`: first the current state (`State{syncing}` while listing, or
    /// a `Reset` of the current rows once synced), then deltas and state changes. The stream ends
    /// when the hub shuts down (disconnect). Dropping the stream unsubscribes; the watch stops
    /// with its last subscriber.
    pub fn subscribe<K>(&self, scope: Scope) -> impl Stream<Item = RowsEvent> + Send + 'static
    where
        K: KindSpec,
        <K::K as Resource>::Scope: ScopeApi,
    {
        let scope = if K::NAMESPACED {
            scope.normalized()
        } else {
            Scope::all()
        };
        let client = self.inner.client.clone();
        self.share((K::ID, scope.clone()), move |shared| {
            tokio::spawn(watch::run::<K>(client, scope, shared))
        })
    }

    /// A derived watch: rows that `task` computes for `scope` (normalized) and publishes through
    /// [`Derived::out`]. Shared per (`id`, scope) and lingering like the kinds' watches: `task`
    /// starts with the first subscriber and is aborted once the last one has gone (after the
    /// linger time) or at shutdown. `id` names the watch among the kinds' ids and other derived
    /// watches (e.g. `statefulsets/doctor`); the hub does not interpret it.
    pub fn derived<F, Fut>(
        &self,
        id: &'static str,
        scope: Scope,
        task: F,
    ) -> futures::stream::BoxStream<'static, RowsEvent>
    where
        F: FnOnce(Derived) -> Fut,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let scope = scope.normalized();
        let client = self.inner.client.clone();
        let features = self.inner.features.clone();
        self.share((id, scope.clone()), move |shared| {
            tokio::spawn(task(Derived {
                client,
                features,
                scope,
                out: Publisher::new(shared),
            }))
        })
    }

    /// Joins the shared watch `key`, starting it with `start` when it does not run yet.
    fn share(
        &self,
        key: WatchKey,
        start: impl FnOnce(Arc<SharedWatch>) -> tokio::task::JoinHandle<()>,
    ) -> futures::stream::BoxStream<'static, RowsEvent> {
        let mut guard = self.inner.watches.lock().unwrap();
        let Some(watches) = guard.as_mut() else {
            return subscription::closed();
        };
        let entry = watches.entry(key.clone()).or_insert_with(|| {
            let shared = Arc::new(SharedWatch::new());
            let task = start(shared.clone());
            Entry {
                shared,
                subscribers: 0,
                idle_epoch: 0,
                task,
            }
        });
        entry.subscribers += 1;
        let shared = entry.shared.clone();
        drop(guard);
        let guard = SubGuard {
            hub: Arc::downgrade(&self.inner) as Weak<HubInner>,
            key,
        };
        subscription::stream(shared, guard)
    }

    /// How many shared watches run (for tests and diagnostics).
    pub fn active_watches(&self) -> usize {
        self.inner
            .watches
            .lock()
            .unwrap()
            .as_ref()
            .map_or(0, HashMap::len)
    }

    /// Stop every watch; subscribers' streams end. Later subscriptions end at once.
    pub fn shutdown(&self) {
        self.inner.shutdown();
    }
}
