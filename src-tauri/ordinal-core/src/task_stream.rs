//! A stream fed by a background task that starts on the stream's first poll, so streams can be
//! created anywhere (a sync IPC handler, a test) and only need a tokio runtime once consumed.
//! The task notices a dropped stream through its channel (`send` fails, `closed()` resolves).

use std::future::Future;

use futures::Stream;
use tokio::sync::mpsc;

/// The receiving half of a tokio channel, bounded or not.
pub(crate) trait Receiver: Send + 'static {
    type Item: Send + 'static;
    fn recv(&mut self) -> impl Future<Output = Option<Self::Item>> + Send;
}

impl<T: Send + 'static> Receiver for mpsc::Receiver<T> {
    type Item = T;
    fn recv(&mut self) -> impl Future<Output = Option<T>> + Send {
        mpsc::Receiver::recv(self)
    }
}

impl<T: Send + 'static> Receiver for mpsc::UnboundedReceiver<T> {
    type Item = T;
    fn recv(&mut self) -> impl Future<Output = Option<T>> + Send {
        mpsc::UnboundedReceiver::recv(self)
    }
}

/// What `task` sends into `rx`'s channel, with `task` spawned on the first poll.
pub(crate) fn spawn_on_first_poll<R, F>(
    rx: R,
    task: F,
) -> impl Stream<Item = R::Item> + Send + 'static
where
    R: Receiver,
    F: Future<Output = ()> + Send + 'static,
{
    futures::stream::unfold((rx, Some(task)), |(mut rx, start)| async move {
        if let Some(task) = start {
            tokio::spawn(task);
        }
        rx.recv().await.map(|item| (item, (rx, None)))
    })
}

/// A watch channel as a stream: its value now, then again after every change; ends when the
/// sender is gone.
pub(crate) fn watch_values<T: Clone + Send + Sync + 'static>(
    rx: tokio::sync::watch::Receiver<T>,
) -> impl Stream<Item = T> + Send + 'static {
    futures::stream::unfold((rx, true), |(mut rx, first)| async move {
        if !first {
            rx.changed().await.ok()?;
        }
        let v = rx.borrow_and_update().clone();
        Some((v, (rx, false)))
    })
}
