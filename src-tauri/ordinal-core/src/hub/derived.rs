//! Derived watches: rows a task computes from the cluster (not one kind's objects), shared,
//! lingering and fanned out like the kinds' watches. The hub does not know them by name: a
//! caller passes an id and the task ([`super::Hub::derived`]), and the task publishes through a
//! [`Publisher`].

use std::sync::Arc;

use super::subscription::SharedWatch;
use super::{RowsEvent, Scope, WatchState};
use crate::cluster::ServerFeatures;
use crate::kinds::Row;

/// What a derived watch's task is given when the hub starts it.
pub struct Derived {
    pub client: kube::Client,
    /// What the server offers (e.g. PodDisruptionBudgets at `policy/v1beta1`).
    pub features: ServerFeatures,
    /// The scope, normalized (no namespaces: all of them).
    pub scope: Scope,
    /// Where the task publishes its rows and state.
    pub out: Publisher,
}

/// The publishing side of a derived watch: what it sends, subscribers receive, and a newcomer
/// gets the current rows and state at once.
pub struct Publisher {
    shared: Arc<SharedWatch>,
}

impl Publisher {
    pub(crate) fn new(shared: Arc<SharedWatch>) -> Self {
        Self { shared }
    }

    /// A new state (e.g. `Reconnecting` while a source fails, `Live` again after).
    pub fn state(&self, state: WatchState) {
        let mut snap = self.shared.snap.lock().unwrap();
        snap.state = state.clone();
        snap.send(RowsEvent::State { state });
    }

    /// The complete rows: the watch is synced and `Live`, subscribers receive a `Reset`.
    pub fn reset(&self, rows: Vec<Row>) {
        let mut snap = self.shared.snap.lock().unwrap();
        snap.rows = rows
            .into_iter()
            .map(|r| (r.key.clone(), Arc::new(r)))
            .collect();
        snap.synced = true;
        snap.state = WatchState::Live;
        snap.send(RowsEvent::Reset {
            rows: snap.rows.values().cloned().collect(),
        });
    }

    /// Rows added or changed, and keys removed, since the last `reset` or `delta`.
    pub fn delta(&self, upserts: Vec<Row>, deletes: Vec<String>) {
        let mut snap = self.shared.snap.lock().unwrap();
        for k in &deletes {
            snap.rows.remove(k);
        }
        let upserts: Vec<Arc<Row>> = upserts.into_iter().map(Arc::new).collect();
        for r in &upserts {
            snap.rows.insert(r.key.clone(), r.clone());
        }
        snap.send(RowsEvent::Delta { upserts, deletes });
    }
}
