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
    let task = tauri::async_runtime::spawn(async move {
        let mut stream = std::pin::pin!(stream);
        while let Some(item) = stream.next().await {
            if let Err(err) = channel.send(item) {
                tracing::debug!(%err, "stream channel closed; stopping");
                break;
            }
        }
    });
    webview.resources_table().add(Subscription(task))
}

/// Stops a subscription. Unknown ids are an error the UI can ignore (already stopped).
pub fn stop(webview: &Webview, id: ResourceId) -> bool {
    webview.resources_table().close(id).is_ok()
}
