//! Port-forwards to an ordinal that follow it: each local connection opens its own tunnel to
//! the pod *of that name* as it is now, so after `postgres-1` is recreated the next connection
//! reaches the new pod; a watch of the pod says which state the forward is in (active, waiting
//! for the pod, cluster unreachable) and counts re-attachments. The tunnel is Kubernetes'
//! `portforward` WebSocket protocol (`v4.channel.k8s.io`: data on channel 0, errors on 1, the
//! port in each channel's first frame), spoken here rather than through kube-rs's
//! `Portforwarder` so that idle tunnels get keepalive pings. Binds 127.0.0.1 (and ::1 when the
//! machine has it) only. Forwards end when the app exits or the user stops them.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{SinkExt, Stream, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message;
use ts_rs::TS;

use super::{pod_name, watch_pod, PodError};

/// Starting a forward.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ForwardRequest {
    pub context: String,
    pub namespace: String,
    pub statefulset: String,
    pub ordinal: u32,
    pub port: u16,
    /// None: the remote port's number if free, else the first free port from 10000.
    pub local_port: Option<u16>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ForwardState {
    Active,
    WaitingForPod,
    Reconnecting,
    ClusterDisconnected,
    Failed,
}

/// One forward as the Forwards panel shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ForwardView {
    pub id: String,
    pub context: String,
    pub namespace: String,
    pub statefulset: String,
    pub ordinal: u32,
    pub pod: String,
    pub remote_port: u16,
    pub port_name: Option<String>,
    pub local_address: String,
    pub state: ForwardState,
    pub reason: Option<String>,
    pub active_connections: u32,
    pub total_connections: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    /// Unix milliseconds.
    pub started_at: u64,
    /// How many times it followed the ordinal to a new pod.
    pub reattached: u32,
    pub hint: Option<String>,
}

#[derive(Default)]
struct Counters {
    active: AtomicU32,
    total: AtomicU64,
    bytes_in: AtomicU64,
    bytes_out: AtomicU64,
}

struct Entry {
    view: ForwardView,
    state: watch::Receiver<(ForwardState, Option<String>, u32)>,
    counters: Arc<Counters>,
    task: tokio::task::JoinHandle<()>,
}

/// Every forward of the app.
#[derive(Clone, Default)]
pub struct Forwards {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    map: Mutex<BTreeMap<String, Entry>>,
    next: AtomicU64,
    tx: Mutex<Option<watch::Sender<Vec<ForwardView>>>>,
}

/// Keepalive ping interval of an idle tunnel.
const PING: Duration = Duration::from_secs(20);
/// After the local side stops sending, how long the pod side may stay quiet before the tunnel
/// closes (the WebSocket protocol has no half-close).
const DRAIN: Duration = Duration::from_secs(2);

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

async fn bind(
    port: Option<u16>,
    remote: u16,
) -> Result<(TcpListener, Option<TcpListener>), PodError> {
    let try_bind = |p: u16| async move {
        let v4 = TcpListener::bind(("127.0.0.1", p)).await?;
        let p = v4.local_addr()?.port();
        let v6 = TcpListener::bind(("::1", p)).await.ok();
        Ok::<_, std::io::Error>((v4, v6))
    };
    match port {
        Some(p) => try_bind(p)
            .await
            .map_err(|e| PodError::Local(format!("cannot listen on 127.0.0.1:{p}: {e}"))),
        None => {
            if remote >= 1024 {
                if let Ok(l) = try_bind(remote).await {
                    return Ok(l);
                }
            }
            for p in 10000..=u16::MAX {
                if let Ok(l) = try_bind(p).await {
                    return Ok(l);
                }
            }
            Err(PodError::Local("no free local port".into()))
        }
    }
}

impl Forwards {
    /// Start listening and following the ordinal.
    pub async fn start(
        &self,
        client: kube::Client,
        req: ForwardRequest,
        port_name: Option<String>,
        hint: Option<String>,
    ) -> Result<ForwardView, PodError> {
        let (v4, v6) = bind(req.local_port, req.port).await?;
        let addr = v4
            .local_addr()
            .map_err(|e| PodError::Local(e.to_string()))?;
        let pod = pod_name(&req.statefulset, req.ordinal);
        let id = format!("fwd-{}", self.inner.next.fetch_add(1, Ordering::SeqCst) + 1);
        let counters = Arc::new(Counters::default());
        let (state_tx, state_rx) = watch::channel((
            ForwardState::WaitingForPod,
            Some(format!("looking for pod {pod}")),
            0u32,
        ));
        let watch = watch_pod(client.clone(), &req.namespace, &pod);
        let task = tokio::spawn(run(
            client,
            req.namespace.clone(),
            pod.clone(),
            req.port,
            v4,
            v6,
            watch,
            state_tx,
            counters.clone(),
        ));
        let view = ForwardView {
            id: id.clone(),
            context: req.context,
            namespace: req.namespace,
            statefulset: req.statefulset,
            ordinal: req.ordinal,
            pod,
            remote_port: req.port,
            port_name,
            local_address: addr.to_string(),
            state: ForwardState::WaitingForPod,
            reason: None,
            active_connections: 0,
            total_connections: 0,
            bytes_in: 0,
            bytes_out: 0,
            started_at: now_ms(),
            reattached: 0,
            hint: hint.map(|h| h.replace("{local}", &addr.port().to_string())),
        };
        self.inner.map.lock().unwrap().insert(
            id,
            Entry {
                view: view.clone(),
                state: state_rx,
                counters,
                task,
            },
        );
        self.publish();
        // The first state: wait briefly for the pod watch.
        tokio::time::sleep(Duration::from_millis(50)).await;
        Ok(self
            .list()
            .into_iter()
            .find(|v| v.id == view.id)
            .unwrap_or(view))
    }

    /// Stop one forward: its listeners close and its tunnels end.
    pub fn stop(&self, id: &str) -> bool {
        let e = self.inner.map.lock().unwrap().remove(id);
        let found = e.is_some();
        if let Some(e) = e {
            e.task.abort();
        }
        self.publish();
        found
    }

    /// Stop the forwards of one context (it was removed).
    pub fn stop_context(&self, context: &str) {
        let ids: Vec<String> = self
            .list()
            .into_iter()
            .filter(|v| v.context == context)
            .map(|v| v.id)
            .collect();
        for id in ids {
            self.stop(&id);
        }
    }

    /// Every forward, now.
    pub fn list(&self) -> Vec<ForwardView> {
        let map = self.inner.map.lock().unwrap();
        map.values()
            .map(|e| {
                let mut v = e.view.clone();
                let (state, reason, reattached) = e.state.borrow().clone();
                v.state = state;
                v.reason = reason;
                v.reattached = reattached;
                v.active_connections = e.counters.active.load(Ordering::Relaxed);
                v.total_connections = e.counters.total.load(Ordering::Relaxed);
                v.bytes_in = e.counters.bytes_in.load(Ordering::Relaxed);
                v.bytes_out = e.counters.bytes_out.load(Ordering::Relaxed);
                v
            })
            .collect()
    }

    fn publish(&self) {
        let list = self.list();
        if let Some(tx) = self.inner.tx.lock().unwrap().as_ref() {
            tx.send_if_modified(|cur| {
                let changed = *cur != list;
                *cur = list.clone();
                changed
            });
        }
    }

    /// The list now, then on every change (counters at most four times a second).
    pub fn watch(&self) -> impl Stream<Item = Vec<ForwardView>> + Send + 'static {
        // Subscribed on the first poll: the refresher needs a runtime, which the caller (a
        // synchronous IPC handler) may not have.
        let me = self.clone();
        futures::stream::once(async move { me.subscribe() })
            .flat_map(crate::task_stream::watch_values)
    }

    fn subscribe(&self) -> watch::Receiver<Vec<ForwardView>> {
        {
            let mut tx = self.inner.tx.lock().unwrap();
            match tx.as_ref() {
                Some(t) => t.subscribe(),
                None => {
                    let (t, r) = watch::channel(self.list());
                    *tx = Some(t);
                    // The counters change without an event: refresh while anyone watches.
                    let me = self.clone();
                    tokio::spawn(async move {
                        loop {
                            tokio::time::sleep(Duration::from_millis(250)).await;
                            let closed = me
                                .inner
                                .tx
                                .lock()
                                .unwrap()
                                .as_ref()
                                .is_none_or(|t| t.receiver_count() == 0);
                            if closed {
                                *me.inner.tx.lock().unwrap() = None;
                                return;
                            }
                            me.publish();
                        }
                    });
                    r
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn run(
    client: kube::Client,
    ns: String,
    pod: String,
    port: u16,
    v4: TcpListener,
    v6: Option<TcpListener>,
    (mut pods, mut errors, _pod_task): super::PodWatch,
    state: watch::Sender<(ForwardState, Option<String>, u32)>,
    counters: Arc<Counters>,
) {
    let mut uid: Option<String> = None;
    let mut reattached = 0u32;
    let running = Arc::new(watch::channel(false).0);
    loop {
        // The pod's state decides the forward's.
        {
            let p = pods.borrow_and_update().clone();
            let (s, why, is_running) = match p {
                None => (
                    ForwardState::WaitingForPod,
                    Some(format!("looking for pod {pod}")),
                    false,
                ),
                Some(None) => (
                    ForwardState::WaitingForPod,
                    Some(format!("pod {pod} does not exist; waiting for it")),
                    false,
                ),
                Some(Some(p)) => {
                    let new_uid = p.metadata.uid.clone();
                    let phase = p
                        .status
                        .as_ref()
                        .and_then(|s| s.phase.clone())
                        .unwrap_or_default();
                    let terminating = p.metadata.deletion_timestamp.is_some();
                    if phase == "Running" && !terminating {
                        if uid.is_some() && uid != new_uid {
                            reattached += 1;
                        }
                        uid = new_uid;
                        // The re-attachments are counted in the view; an active forward needs no reason.
                        (ForwardState::Active, None, true)
                    } else {
                        let why = if terminating {
                            "terminating".to_string()
                        } else {
                            phase
                        };
                        (
                            ForwardState::WaitingForPod,
                            Some(format!("pod {pod} is {why}; waiting for it to run")),
                            false,
                        )
                    }
                }
            };
            running.send_replace(is_running);
            // The cluster cannot be reached: say so (the watch retries, and says when it works).
            let error = errors.borrow_and_update().clone();
            match error {
                Some(e) => {
                    state.send_replace((ForwardState::ClusterDisconnected, Some(e), reattached))
                }
                None => state.send_replace((s, why, reattached)),
            };
        }
        tokio::select! {
            r = errors.changed() => if r.is_err() {
                return;
            },
            r = pods.changed() => if r.is_err() {
                state.send_replace((ForwardState::ClusterDisconnected, Some("the pod watch ended".into()), reattached));
                return;
            },
            c = v4.accept() => if let Ok((tcp, _)) = c {
                tokio::spawn(tunnel(client.clone(), ns.clone(), pod.clone(), port, tcp, counters.clone(), running.subscribe()));
            },
            c = async { match &v6 { Some(l) => l.accept().await, None => std::future::pending().await } } => if let Ok((tcp, _)) = c {
                tokio::spawn(tunnel(client.clone(), ns.clone(), pod.clone(), port, tcp, counters.clone(), running.subscribe()));
            },
        }
    }
}

/// One local connection: wait (briefly) for the pod to run, open a tunnel, pump both ways.
async fn tunnel(
    client: kube::Client,
    ns: String,
    pod: String,
    port: u16,
    tcp: TcpStream,
    counters: Arc<Counters>,
    mut running: watch::Receiver<bool>,
) {
    let _ = tcp.set_nodelay(true);
    counters.total.fetch_add(1, Ordering::Relaxed);
    counters.active.fetch_add(1, Ordering::Relaxed);
    struct Active(Arc<Counters>);
    impl Drop for Active {
        fn drop(&mut self) {
            self.0.active.fetch_sub(1, Ordering::Relaxed);
        }
    }
    let _active = Active(counters.clone());
    if tokio::time::timeout(Duration::from_secs(60), running.wait_for(|r| *r))
        .await
        .is_err()
    {
        return;
    }
    let req = match kube::core::Request::new(format!("/api/v1/namespaces/{ns}/pods"))
        .portforward(&pod, &[port])
    {
        Ok(r) => r,
        Err(_) => return,
    };
    let Ok(conn) = client.connect(req).await else {
        return;
    };
    let ws = conn.into_stream();
    let (mut sink, mut stream) = ws.split();
    let (mut rd, mut wr) = tcp.into_split();
    // Each direction on its own, so a full buffer one way never stalls the other (one loop for
    // both deadlocks when both carry a lot: found by the throughput bench).
    let (eof_tx, mut eof) = watch::channel(false);
    let up_counters = counters.clone();
    let up = async move {
        let mut buf = vec![0u8; 64 * 1024];
        let mut ping = tokio::time::interval(PING);
        ping.tick().await;
        loop {
            tokio::select! {
                n = rd.read(&mut buf[1..]) => match n {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        buf[0] = 0;
                        if sink.send(Message::binary(buf[..=n].to_vec())).await.is_err() {
                            return;
                        }
                        up_counters.bytes_out.fetch_add(n as u64, Ordering::Relaxed);
                        ping.reset();
                    }
                },
                // Keepalive: an idle tunnel is not dropped by proxies or the API server.
                _ = ping.tick() => {
                    if sink.send(Message::Ping(Vec::new().into())).await.is_err() {
                        return;
                    }
                }
            }
        }
        // The local side finished sending: the pod's answer may still be on its way.
        let _ = eof_tx.send(true);
        std::future::pending::<()>().await;
    };
    let down = async move {
        let mut seen_port = [false, false];
        loop {
            let m = if *eof.borrow() {
                // After the local side's end, the pod side ends the connection when it is quiet.
                match tokio::time::timeout(DRAIN, stream.next()).await {
                    Ok(m) => m,
                    Err(_) => break,
                }
            } else {
                tokio::select! {
                    m = stream.next() => m,
                    _ = eof.changed() => continue,
                }
            };
            match m {
                Some(Ok(Message::Binary(b))) if !b.is_empty() => {
                    let ch = b[0] as usize;
                    let mut data = &b[1..];
                    if ch < 2 && !seen_port[ch] {
                        // The first frame of each channel names the port.
                        seen_port[ch] = true;
                        data = if data.len() >= 2 { &data[2..] } else { &[] };
                    }
                    if data.is_empty() {
                        continue;
                    }
                    if ch == 0 {
                        if wr.write_all(data).await.is_err() {
                            break;
                        }
                        counters
                            .bytes_in
                            .fetch_add(data.len() as u64, Ordering::Relaxed);
                    } else {
                        // An error from the kubelet (nothing listens on the port): the connection ends.
                        tracing::debug!(pod = %pod, port, "port-forward error: {}", String::from_utf8_lossy(data));
                        break;
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            }
        }
        let _ = wr.shutdown().await;
    };
    tokio::select! {
        _ = up => {}
        _ = down => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The IPC handler that subscribes runs without a runtime (it crashed the app once).
    #[test]
    fn the_list_stream_is_made_without_a_runtime() {
        let f = Forwards::default();
        let mut s = Box::pin(f.watch());
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let first = rt.block_on(async { s.next().await });
        assert_eq!(first, Some(Vec::new()));
    }
}
