//! A windowed list as a stream (issue #20): a [`ListView`] fed by a watch's rows and, once the
//! list is complete, a joined column's (the Doctor's), sending a subscriber the rows of its
//! window only. The subscriber moves the window and changes the order through a [`ListHandle`]
//! (the table's scroll, a click on a column, a typed filter); it asks for all matching keys
//! ("select all") or for rows by key (the rows a dialog acts on) the same way.
//!
//! A page is sent when what it shows changed: the window's rows or joined cells, the total, the
//! count, the order, or the list's completeness. A change outside the window sends the new total
//! and count only when they changed, so 1,000 updates/s to rows nobody looks at send nothing.

use std::sync::Arc;

use futures::stream::{BoxStream, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};
use ts_rs::TS;

use super::view::{ListOrder, ListView};
use super::{RowsEvent, WatchState};
use crate::error::{ErrorCode, IpcError};
use crate::kinds::{Cell, Row};

/// A list to watch: of `kind` in `scope` of the cluster `context`, in `order`, showing `window`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ListRequest {
    pub context: String,
    pub kind: String,
    pub scope: super::Scope,
    pub order: ListOrder,
    pub window: ListWindow,
}

/// Which rows of the order the subscriber shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ListWindow {
    pub offset: u32,
    pub len: u32,
}

/// The rows of the window, and where they are in the whole.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ListPage {
    /// Rows matching the order's filters.
    pub total: u32,
    /// Rows in the watch.
    pub count: u32,
    /// The index of `rows[0]` in the order (the window's offset, or less at the order's end).
    pub offset: u32,
    pub rows: Vec<Arc<Row>>,
    /// The joined column's cell of each row in `rows`; null until the column has answered.
    pub joined: Vec<Option<Cell>>,
    /// True once the joined column has answered for the whole list (a row it does not name
    /// then has nothing in it, rather than an unknown).
    pub joined_loaded: bool,
    /// False while only the first rows of a long first list are in (a preview).
    pub complete: bool,
    /// The order this page is sorted and filtered by (the latest the subscriber asked for).
    pub order: ListOrder,
    /// Distinct namespaces of every row in the watch, sorted (the namespace picker's
    /// suggestions); sent only when they changed, null otherwise.
    pub namespaces: Option<Vec<String>>,
}

/// The keys of every row a list's filters match, in its order ("select all"), with the order
/// they were taken in and whether the list was complete then.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ListKeys {
    pub keys: Vec<String>,
    pub order: ListOrder,
    pub complete: bool,
}

/// One message to a list's subscriber.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ListEvent {
    Page(ListPage),
    /// The rows' watch's health.
    State {
        state: WatchState,
    },
    /// The joined column's watch's health.
    JoinedState {
        state: WatchState,
    },
    /// The joined column cannot be had (e.g. RBAC), and why; the list goes on without it.
    JoinedUnavailable {
        error: IpcError,
    },
}

enum Command {
    Window(ListWindow),
    Order(ListOrder),
    Keys(oneshot::Sender<ListKeys>),
    Rows(Vec<String>, oneshot::Sender<Vec<Arc<Row>>>),
}

/// The subscriber's side of a list: moves its window, changes its order, asks for keys and rows.
/// Every call answers false (or nothing) once the list has stopped.
#[derive(Clone, Debug)]
pub struct ListHandle(mpsc::UnboundedSender<Command>);

impl ListHandle {
    pub fn set_window(&self, window: ListWindow) -> bool {
        self.0.send(Command::Window(window)).is_ok()
    }

    pub fn set_order(&self, order: ListOrder) -> bool {
        self.0.send(Command::Order(order)).is_ok()
    }

    /// The keys of every row matching the order, in order, and that order.
    pub async fn keys(&self) -> Option<ListKeys> {
        let (tx, rx) = oneshot::channel();
        self.0.send(Command::Keys(tx)).ok()?;
        rx.await.ok()
    }

    /// The rows of these keys that are in the watch (filtered out or not), in the keys' order.
    pub async fn rows(&self, keys: Vec<String>) -> Option<Vec<Arc<Row>>> {
        let (tx, rx) = oneshot::channel();
        self.0.send(Command::Rows(keys, tx)).ok()?;
        rx.await.ok()
    }
}

/// Opens the joined column's stream once the list is complete.
pub type JoinedOpener =
    Box<dyn FnOnce() -> Result<BoxStream<'static, RowsEvent>, IpcError> + Send + 'static>;

/// What was last sent, to send a page only when it changed.
#[derive(Default)]
struct Sent {
    total: usize,
    count: usize,
    offset: usize,
    rows: Vec<Arc<Row>>,
    joined: Vec<Option<Cell>>,
    joined_loaded: bool,
    complete: bool,
    order: Option<ListOrder>,
    namespaces: Vec<String>,
}

struct Driver {
    view: ListView,
    window: ListWindow,
    loaded: bool,
    complete: bool,
    sent: Sent,
    /// Rows came or went since the last page (the namespaces may have changed).
    keys_changed: bool,
    joined_open: Option<JoinedOpener>,
}

impl Driver {
    fn page(&mut self) -> Option<ListEvent> {
        if !self.loaded {
            return None;
        }
        // at the order's end the window slides back, so it stays full
        let len = self.window.len as usize;
        let offset = (self.window.offset as usize).min(self.view.total().saturating_sub(len));
        let rows = self.view.window(offset, len);
        let joined: Vec<Option<Cell>> = rows
            .iter()
            .map(|r| self.view.joined_cell(&r.key).cloned())
            .collect();
        let namespaces = if self.keys_changed {
            self.keys_changed = false;
            let now = self.view.namespaces();
            (now != self.sent.namespaces).then_some(now)
        } else {
            None
        };
        let namespaces_changed = namespaces.is_some();
        let same_rows = rows.len() == self.sent.rows.len()
            && rows
                .iter()
                .zip(&self.sent.rows)
                .all(|(a, b)| Arc::ptr_eq(a, b));
        let unchanged = same_rows
            && joined == self.sent.joined
            && offset == self.sent.offset
            && self.view.total() == self.sent.total
            && self.view.count() == self.sent.count
            && self.complete == self.sent.complete
            && self.view.joined_loaded() == self.sent.joined_loaded
            && self.sent.order.as_ref() == Some(self.view.order())
            && !namespaces_changed;
        if unchanged {
            return None;
        }
        let rows = rows.to_vec();
        self.sent = Sent {
            total: self.view.total(),
            count: self.view.count(),
            offset,
            rows: rows.clone(),
            joined: joined.clone(),
            joined_loaded: self.view.joined_loaded(),
            complete: self.complete,
            order: Some(self.view.order().clone()),
            namespaces: match &namespaces {
                Some(now) => now.clone(),
                None => std::mem::take(&mut self.sent.namespaces),
            },
        };
        Some(ListEvent::Page(ListPage {
            total: self.view.total() as u32,
            count: self.view.count() as u32,
            offset: offset as u32,
            rows,
            joined,
            joined_loaded: self.view.joined_loaded(),
            complete: self.complete,
            order: self.view.order().clone(),
            namespaces,
        }))
    }
}

/// The list of `rows` in `order`, showing `window`; `joined` opens the joined column (its id
/// `joined_id`) once the list is complete. The stream ends when the rows' stream does or when
/// every [`ListHandle`] and the stream are dropped.
pub fn list(
    rows: BoxStream<'static, RowsEvent>,
    joined_id: Option<&str>,
    joined: Option<JoinedOpener>,
    order: ListOrder,
    window: ListWindow,
) -> (ListHandle, BoxStream<'static, ListEvent>) {
    let (tx, commands) = mpsc::unbounded_channel();
    let (out, events) = mpsc::unbounded_channel();
    let mut driver = Driver {
        view: ListView::new(order, joined_id),
        window,
        loaded: false,
        complete: false,
        sent: Sent::default(),
        keys_changed: false,
        joined_open: joined,
    };
    tokio::spawn(async move {
        let mut rows = rows;
        let mut commands = commands;
        let mut joined: Option<BoxStream<'static, RowsEvent>> = None;
        // false once every handle is dropped: the list goes on while its stream is read
        let mut handles = true;
        loop {
            let send: Vec<ListEvent> = tokio::select! {
                biased;
                _ = out.closed() => return,
                command = commands.recv(), if handles => match command {
                    None => { handles = false; Vec::new() }
                    Some(Command::Window(w)) => { driver.window = w; Vec::new() }
                    Some(Command::Order(o)) => { driver.view.set_order(o); Vec::new() }
                    Some(Command::Keys(reply)) => {
                        let _ = reply.send(ListKeys {
                            keys: driver.view.keys().map(str::to_string).collect(),
                            order: driver.view.order().clone(),
                            complete: driver.complete,
                        });
                        Vec::new()
                    }
                    Some(Command::Rows(keys, reply)) => {
                        let _ = reply.send(keys.iter().filter_map(|k| driver.view.row(k).cloned()).collect());
                        Vec::new()
                    }
                },
                event = rows.next() => match event {
                    None => return,
                    Some(RowsEvent::State { state }) => vec![ListEvent::State { state }],
                    Some(event) => {
                        driver.loaded = true;
                        if matches!(event, RowsEvent::Reset { .. }) {
                            driver.complete = true;
                        }
                        let count = driver.view.count();
                        driver.view.apply(&event);
                        driver.keys_changed |= match &event {
                            RowsEvent::Delta { deletes, .. } => !deletes.is_empty() || driver.view.count() != count,
                            _ => true,
                        };
                        let mut send = Vec::new();
                        if driver.complete {
                            if let Some(open) = driver.joined_open.take() {
                                match open() {
                                    Ok(stream) => joined = Some(stream),
                                    Err(error) => send.push(ListEvent::JoinedUnavailable { error }),
                                }
                            }
                        }
                        send
                    }
                },
                event = next_joined(&mut joined) => match event {
                    // the hub stopped it (the cluster went away): its cells are unknown, not live
                    None => {
                        joined = None;
                        driver.view.clear_joined();
                        vec![ListEvent::JoinedUnavailable {
                            error: IpcError::new(ErrorCode::Cancelled, "the Doctor's watch stopped"),
                        }]
                    }
                    Some(RowsEvent::State { state }) => vec![ListEvent::JoinedState { state }],
                    Some(event) => {
                        driver.view.apply_joined(&event);
                        // a complete answer (the first, or after a relist) is a live one
                        if matches!(event, RowsEvent::Reset { .. }) {
                            vec![ListEvent::JoinedState { state: WatchState::Live }]
                        } else {
                            Vec::new()
                        }
                    }
                },
            };
            let page = driver.page();
            for event in send.into_iter().chain(page) {
                if out.send(event).is_err() {
                    return;
                }
            }
        }
    });
    let events =
        futures::stream::unfold(
            events,
            |mut rx| async move { rx.recv().await.map(|e| (e, rx)) },
        );
    (ListHandle(tx), events.boxed())
}

async fn next_joined(joined: &mut Option<BoxStream<'static, RowsEvent>>) -> Option<RowsEvent> {
    match joined {
        Some(stream) => stream.next().await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
#[path = "list_tests.rs"]
mod tests;
