//! The state one shared watch publishes, and the subscriber side of it.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, Weak};

use tokio::sync::broadcast;

use super::{HubInner, RowsEvent, WatchKey, WatchState};
use crate::kinds::Row;

/// Messages a subscriber may fall behind before it gets a fresh `Reset` instead.
const CHANNEL_CAPACITY: usize = 256;

/// What subscribers have been told so far: the rows (as sent: `Reset` plus every `Delta`), the
/// state, and the channel. Publishing and subscribing both happen under this one lock, so a new
/// subscriber's `Reset` and the deltas it then receives never overlap or leave a gap.
///
/// Rows are shared with the watch task (`Arc`), so the snapshot costs no second copy of them; an
/// event is sent once as an `Arc` and the last subscriber to receive it takes it without a copy.
pub(crate) struct Snapshot {
    pub tx: Option<broadcast::Sender<Arc<RowsEvent>>>,
    pub rows: BTreeMap<String, Arc<Row>>,
    pub synced: bool,
    pub state: WatchState,
}

impl Snapshot {
    /// What a newcomer (or a lagging subscriber) receives first.
    fn opening(&self) -> Vec<RowsEvent> {
        let mut out = Vec::new();
        if self.synced {
            out.push(RowsEvent::Reset {
                rows: self.rows.values().cloned().collect(),
            });
            if self.state != WatchState::Live {
                out.push(RowsEvent::State {
                    state: self.state.clone(),
                });
            }
        } else {
            out.push(RowsEvent::State {
                state: self.state.clone(),
            });
        }
        out
    }

    /// Send to every subscriber (none listening is fine).
    pub fn send(&self, ev: RowsEvent) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(Arc::new(ev));
        }
    }
}

pub(crate) struct SharedWatch {
    pub snap: Mutex<Snapshot>,
}

impl SharedWatch {
    pub fn new() -> Self {
        let (tx, _) = broadcast::channel(CHANNEL_CAPACITY);
        Self {
            snap: Mutex::new(Snapshot {
                tx: Some(tx),
                rows: BTreeMap::new(),
                synced: false,
                state: WatchState::Syncing { loaded: 0 },
            }),
        }
    }

    /// End every subscriber's stream.
    pub fn close(&self) {
        self.snap.lock().unwrap().tx = None;
    }

    fn join(&self) -> Option<(broadcast::Receiver<Arc<RowsEvent>>, Vec<RowsEvent>)> {
        let snap = self.snap.lock().unwrap();
        let rx = snap.tx.as_ref()?.subscribe();
        Some((rx, snap.opening()))
    }
}

/// Releases the subscriber's reference on the shared watch when dropped.
pub(crate) struct SubGuard {
    pub hub: Weak<HubInner>,
    pub key: WatchKey,
}

impl Drop for SubGuard {
    fn drop(&mut self) {
        if let Some(hub) = self.hub.upgrade() {
            hub.release(&self.key);
        }
    }
}

struct Sub {
    shared: Arc<SharedWatch>,
    rx: Option<broadcast::Receiver<Arc<RowsEvent>>>,
    queue: VecDeque<RowsEvent>,
    _guard: SubGuard,
}

pub(crate) fn stream(
    shared: Arc<SharedWatch>,
    guard: SubGuard,
) -> futures::stream::BoxStream<'static, RowsEvent> {
    let (rx, opening) = match shared.join() {
        Some((rx, opening)) => (Some(rx), opening),
        None => (None, Vec::new()),
    };
    let sub = Sub {
        shared,
        rx,
        queue: opening.into(),
        _guard: guard,
    };
    Box::pin(futures::stream::unfold(sub, |mut sub| async move {
        loop {
            if let Some(ev) = sub.queue.pop_front() {
                return Some((ev, sub));
            }
            let rx = sub.rx.as_mut()?;
            match rx.recv().await {
                // Unique once every other subscriber has received it: taken without a copy.
                Ok(ev) => return Some((Arc::unwrap_or_clone(ev), sub)),
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    // Fell behind: start over from the current rows.
                    let (rx, opening) = sub.shared.join()?;
                    sub.rx = Some(rx);
                    sub.queue.extend(opening);
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }))
}

pub(crate) fn closed() -> futures::stream::BoxStream<'static, RowsEvent> {
    Box::pin(futures::stream::empty())
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;

    use super::*;

    fn row(key: &str) -> Row {
        Row {
            key: key.into(),
            namespace: None,
            name: key.into(),
            uid: String::new(),
            resource_version: String::new(),
            cells: Default::default(),
            sort: Default::default(),
            facts: Default::default(),
        }
    }

    fn guard() -> SubGuard {
        SubGuard {
            hub: Weak::new(),
            key: ("test", super::super::Scope::all()),
        }
    }

    #[tokio::test]
    async fn a_newcomer_gets_a_reset_and_a_lagging_subscriber_a_fresh_one() {
        let shared = Arc::new(SharedWatch::new());
        let mut before = stream(shared.clone(), guard());
        assert_eq!(
            before.next().await.unwrap(),
            RowsEvent::State {
                state: WatchState::Syncing { loaded: 0 }
            }
        );
        {
            let mut snap = shared.snap.lock().unwrap();
            snap.rows.insert("a".into(), Arc::new(row("a")));
            snap.synced = true;
            snap.state = WatchState::Live;
            snap.send(RowsEvent::Reset {
                rows: vec![Arc::new(row("a"))],
            });
        }
        let mut after = stream(shared.clone(), guard());
        assert_eq!(
            after.next().await.unwrap(),
            RowsEvent::Reset {
                rows: vec![Arc::new(row("a"))]
            }
        );
        assert_eq!(
            before.next().await.unwrap(),
            RowsEvent::Reset {
                rows: vec![Arc::new(row("a"))]
            }
        );
        // Overflow the channel while `after` does not read.
        for i in 0..CHANNEL_CAPACITY + 10 {
            let mut snap = shared.snap.lock().unwrap();
            let k = format!("r{i}");
            snap.rows.insert(k.clone(), Arc::new(row(&k)));
            snap.send(RowsEvent::Delta {
                upserts: vec![Arc::new(row(&k))],
                deletes: vec![],
            });
        }
        match after.next().await.unwrap() {
            RowsEvent::Reset { rows } => assert_eq!(rows.len(), CHANNEL_CAPACITY + 11),
            other => panic!("a lagging subscriber starts over with a Reset, got {other:?}"),
        }
        shared.close();
        assert!(after.next().await.is_none(), "closing ends the stream");
    }
}
