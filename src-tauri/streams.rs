//! Core streams forwarded to the UI through a `tauri::ipc::Channel`.
//!
//! A subscription is a task that pulls from a core `Stream` and sends each item on the channel.
//! It is registered in the webview's resource table; its `ResourceId` is returned to the UI,
//! which stops it with the `unwatch` command. Closing the resource (or the webview going away,
//! or the channel failing) aborts the task, which drops the core stream and frees its watches.

use futures::{Stream, StreamExt};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{Manager, Resource, ResourceId, Webview};

struct Subscription(tauri::async_runtime::JoinHandle<()>);

impl Resource for Subscription {
    fn close(self: std::sync::Arc<Self>) {
        self.0.abort();
    }
}

/// A subscription with a value commands reach by its id (a shell's input handle).
struct Attached<H: Send + Sync + 'static> {
    task: tauri::async_runtime::JoinHandle<()>,
    value: H,
}

impl<H: Send + Sync + 'static> Resource for Attached<H> {
    fn close(self: std::sync::Arc<Self>) {
        self.task.abort();
    }
}

/// Forwards `stream` to `channel` until it ends, the channel fails, or the UI unwatches.
/// A view's first value, sent at once (so the command answers with it delivered), then its
/// updates through [`forward`].
pub fn forward_view<T, S>(
    webview: &Webview,
    channel: Channel<T>,
    (first, rest): (T, S),
) -> Result<ResourceId, ordinal_core::IpcError>
where
    T: Serialize + Clone + Send + 'static,
    S: Stream<Item = T> + Send + 'static,
{
    channel
        .send(first)
        .map_err(|e| ordinal_core::IpcError::internal(e.to_string()))?;
    Ok(forward(webview, channel, rest))
}

pub fn forward<T, S>(webview: &Webview, channel: Channel<T>, stream: S) -> ResourceId
where
    T: Serialize + Clone + Send + 'static,
    S: Stream<Item = T> + Send + 'static,
{
    webview
        .resources_table()
        .add(Subscription(pump(channel, stream)))
}

/// [`forward`], keeping `value` with the subscription for [`attached`].
pub fn forward_with<T, S, H>(
    webview: &Webview,
    channel: Channel<T>,
    stream: S,
    value: H,
) -> ResourceId
where
    T: Serialize + Clone + Send + 'static,
    S: Stream<Item = T> + Send + 'static,
    H: Send + Sync + 'static,
{
    let task = pump(channel, stream);
    webview.resources_table().add(Attached { task, value })
}

/// The value kept with subscription `id`, if it is still open.
pub fn attached<H: Clone + Send + Sync + 'static>(webview: &Webview, id: ResourceId) -> Option<H> {
    webview
        .resources_table()
        .get::<Attached<H>>(id)
        .ok()
        .map(|a| a.value.clone())
}

fn pump<T, S>(channel: Channel<T>, stream: S) -> tauri::async_runtime::JoinHandle<()>
where
    T: Serialize + Clone + Send + 'static,
    S: Stream<Item = T> + Send + 'static,
{
    tauri::async_runtime::spawn(async move {
        let mut stream = std::pin::pin!(stream);
        while let Some(item) = stream.next().await {
            if let Err(err) = channel.send(item) {
                tracing::debug!(%err, "stream channel closed; stopping");
                break;
            }
        }
    })
}

/// Stops a subscription. Unknown ids are an error the UI can ignore (already stopped).
pub fn stop(webview: &Webview, id: ResourceId) -> bool {
    webview.resources_table().close(id).is_ok()
}
