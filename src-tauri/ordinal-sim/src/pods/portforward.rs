//! `pods/portforward`: what a pod's ports answer, and the WebSocket protocol
//! (`v4.channel.k8s.io` / `portforward.k8s.io`): port i uses data channel 2i and error channel
//! 2i+1; the server's first message on each is the port number (2 bytes, little-endian). When
//! every port's connection has ended the server closes the WebSocket, as the kubelet does.
//!
//! Declared HTTP ports (named http/web/metrics, or 80/8080/9090/8000) answer one HTTP/1.1 request
//! with `hello from POD port PORT`; other declared ports echo (an HTTP request gets the page there
//! too, so any port tells which pod it reached). An undeclared port gets the
//! runtime's connection error on the error channel.

use std::sync::Arc;

use bytes::Bytes;
use futures::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use super::context::PodCtx;

#[derive(Debug, thiserror::Error)]
pub enum PortForwardError {
    #[error("websocket: {0}")]
    Ws(#[from] tokio_tungstenite::tungstenite::Error),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortKind {
    Http,
    Echo,
}

pub fn port_kind(ctx: &PodCtx, port: u16) -> Option<PortKind> {
    let p = ctx.ports.iter().find(|p| p.port == port)?;
    let http_name = matches!(
        p.name.as_deref(),
        Some("http") | Some("web") | Some("metrics") | Some("https-web")
    );
    Some(if http_name || matches!(port, 80 | 8080 | 9090 | 8000) {
        PortKind::Http
    } else {
        PortKind::Echo
    })
}

/// The kubelet's message when the runtime cannot connect to the port (containerd's wording).
pub fn connect_error(ctx: &PodCtx, port: u16) -> String {
    let sandbox = ctx.container_id("sandbox");
    let netns = format!("cni-{}", &uuid_of(&sandbox));
    format!(
        "error forwarding port {port} to pod {sandbox}, uid : failed to execute portforward in network namespace \"/var/run/netns/{netns}\": failed to connect to localhost:{port} inside namespace \"{sandbox}\", IPv4: dial tcp4 127.0.0.1:{port}: connect: connection refused IPv6 dial tcp6 [::1]:{port}: connect: connection refused "
    )
}

fn uuid_of(hex: &str) -> String {
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Serve one connection to `port`: bytes from the client arrive on `input` (closed = the client
/// finished sending), bytes for the client leave through `output`. Returns when the pod side
/// closes the connection.
pub async fn serve_port(
    ctx: Arc<PodCtx>,
    port: u16,
    kind: PortKind,
    mut input: mpsc::Receiver<Bytes>,
    output: mpsc::Sender<Bytes>,
) {
    let mut first = None;
    let kind = match kind {
        // A test (or a user's `curl`) can tell which pod any port reached: an HTTP request to a
        // port that otherwise echoes gets the page too.
        PortKind::Echo => match input.recv().await {
            Some(b) => {
                let http = [&b"GET "[..], b"HEAD ", b"POST ", b"PUT "]
                    .iter()
                    .any(|m| b.starts_with(m));
                first = Some(b);
                if http {
                    PortKind::Http
                } else {
                    PortKind::Echo
                }
            }
            None => return,
        },
        k => k,
    };
    match kind {
        PortKind::Echo => {
            if let Some(b) = first.take() {
                if output.send(b).await.is_err() {
                    return;
                }
            }
            while let Some(b) = input.recv().await {
                if output.send(b).await.is_err() {
                    return;
                }
            }
        }
        PortKind::Http => {
            let mut req = first.map(|b| b.to_vec()).unwrap_or_default();
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                match input.recv().await {
                    Some(b) => req.extend_from_slice(&b),
                    None => break,
                }
            }
            if req.is_empty() {
                return;
            }
            let line = String::from_utf8_lossy(&req);
            let mut first = line.lines().next().unwrap_or("").split(' ');
            let (method, path) = (first.next().unwrap_or("GET"), first.next().unwrap_or("/"));
            let body = format!("hello from {} port {port} ({method} {path})\n", ctx.name);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nX-Pod-Name: {}\r\nConnection: close\r\n\r\n",
                body.len(),
                ctx.name
            );
            let msg = if method == "HEAD" {
                head
            } else {
                format!("{head}{body}")
            };
            let _ = output.send(Bytes::from(msg)).await;
        }
    }
}

/// The WebSocket port-forward session.
pub async fn serve_ws<S>(
    ws: WebSocketStream<S>,
    ctx: Arc<PodCtx>,
    ports: Vec<u16>,
) -> Result<(), PortForwardError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sink, mut stream) = ws.split();
    let (out_tx, mut out_rx) = mpsc::channel::<Vec<u8>>(64);
    for (i, p) in ports.iter().enumerate() {
        let [lo, hi] = p.to_le_bytes();
        sink.send(Message::binary(vec![2 * i as u8, lo, hi]))
            .await?;
        sink.send(Message::binary(vec![2 * i as u8 + 1, lo, hi]))
            .await?;
    }
    let mut inputs: Vec<Option<mpsc::Sender<Bytes>>> = Vec::new();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, &port) in ports.iter().enumerate() {
        let (tx, rx) = mpsc::channel::<Bytes>(64);
        inputs.push(Some(tx));
        let out = out_tx.clone();
        let ctx = ctx.clone();
        let data_ch = 2 * i as u8;
        tasks.spawn(async move {
            match port_kind(&ctx, port) {
                None => {
                    let mut v = vec![data_ch + 1];
                    v.extend_from_slice(connect_error(&ctx, port).as_bytes());
                    let _ = out.send(v).await;
                }
                Some(kind) => {
                    let (ptx, mut prx) = mpsc::channel::<Bytes>(64);
                    let fwd = async {
                        while let Some(b) = prx.recv().await {
                            let mut v = Vec::with_capacity(b.len() + 1);
                            v.push(data_ch);
                            v.extend_from_slice(&b);
                            if out.send(v).await.is_err() {
                                break;
                            }
                        }
                    };
                    tokio::join!(serve_port(ctx.clone(), port, kind, rx, ptx), fwd);
                }
            }
        });
    }
    drop(out_tx);
    let mut all_done = false;
    let mut client_gone = false;
    while !(all_done && client_gone) {
        tokio::select! {
            m = out_rx.recv(), if !all_done => match m {
                Some(v) => sink.send(Message::binary(v)).await?,
                None => {
                    // Every port task has ended (they hold the only senders): close.
                    all_done = true;
                    while tasks.join_next().await.is_some() {}
                    let _ = sink.send(Message::Close(Some(super::normal_close()))).await;
                    if !client_gone {
                        // Wait (briefly) for the client's close.
                        let _ = tokio::time::timeout(std::time::Duration::from_secs(2), async {
                            while let Some(Ok(m)) = stream.next().await {
                                if m.is_close() { break; }
                            }
                        }).await;
                        client_gone = true;
                    }
                }
            },
            m = stream.next(), if !client_gone => match m {
                Some(Ok(Message::Binary(b))) if b.len() > 1 => {
                    let ch = b[0] as usize;
                    if ch.is_multiple_of(2) {
                        if let Some(Some(tx)) = inputs.get(ch / 2) {
                            let _ = tx.send(b.slice(1..)).await;
                        }
                    }
                }
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => {
                    client_gone = true;
                    inputs.clear();
                }
                _ => {}
            },
        }
    }
    Ok(())
}
