//! What a subscriber of the hub receives.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::IpcError;
use crate::kinds::Row;

/// Which namespaces a watch covers: empty means all namespaces.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize, TS,
)]
#[serde(rename_all = "camelCase")]
pub struct Scope {
    pub namespaces: Vec<String>,
}

impl Scope {
    pub fn all() -> Self {
        Self::default()
    }
    pub fn namespace(ns: &str) -> Self {
        Self {
            namespaces: vec![ns.to_string()],
        }
    }
    /// Sorted and deduplicated, so equal scopes share one watch.
    pub fn normalized(mut self) -> Self {
        self.namespaces.sort();
        self.namespaces.dedup();
        self
    }
}

/// The health of one watch, as the UI shows it (live / syncing / reconnecting / stale since …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum WatchState {
    /// Listing; `loaded` objects so far.
    Syncing { loaded: u32 },
    /// In sync and receiving events.
    Live,
    /// The stream broke; retrying with backoff. Rows are kept but may be stale since `since`
    /// (Unix milliseconds).
    Reconnecting {
        #[ts(type = "number")]
        since: i64,
        attempt: u32,
        error: IpcError,
    },
}

/// One message to a subscriber. The first is always a `reset` once the initial list is in;
/// afterwards `delta`s carry only what changed, coalesced to at most one message per frame.
///
/// Rows are shared (`Arc`) with the watch's own maps: an event never copies a row, so a Reset of
/// 50,000 rows costs 50,000 pointers, not a second copy of the rows (issue #20).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum RowsEvent {
    /// The complete set of rows (initial sync, or after a relist).
    Reset { rows: Vec<Arc<Row>> },
    /// The first rows of a first sync still in progress, so a large list paints at once; the
    /// complete `Reset` follows. Sent at most once per watch, never after a relist.
    Preview { rows: Vec<Arc<Row>> },
    /// Rows added or changed (by key), and keys removed.
    Delta {
        upserts: Vec<Arc<Row>>,
        deletes: Vec<String>,
    },
    /// The watch's health changed.
    State { state: WatchState },
}
