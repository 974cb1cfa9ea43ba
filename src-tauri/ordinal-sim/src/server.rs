//! The HTTPS listener: TLS with optional client certificates, authentication, fault injection,
//! and handing requests to the API.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use http::{Request, Response};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::api::{self, Body, Req};
use crate::error::ApiError;
use crate::state::{FailKind, State, User};

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot bind {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// Bind 127.0.0.1:port (0 = any free port).
pub async fn bind(port: u16) -> Result<TcpListener, ServerError> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    // Retry briefly: after a restart the old socket may linger for a moment.
    let mut last = None;
    for _ in 0..50 {
        match TcpListener::bind(addr).await {
            Ok(l) => return Ok(l),
            Err(e) => {
                last = Some(e);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
    Err(ServerError::Bind {
        addr,
        source: last.unwrap_or_else(|| std::io::Error::other("bind failed")),
    })
}

/// Accept loop; ends when the epoch changes (restart/shutdown).
pub async fn serve(listener: TcpListener, acceptor: TlsAcceptor, st: Arc<State>) {
    let mut epoch = st.epoch.subscribe();
    loop {
        tokio::select! {
            acc = listener.accept() => {
                let Ok((tcp, _)) = acc else { continue };
                let _ = tcp.set_nodelay(true);
                let acceptor = acceptor.clone();
                let st = st.clone();
                let mut conn_epoch = st.epoch.subscribe();
                tokio::spawn(async move {
                    let tls = match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp)).await {
                        Ok(Ok(t)) => t,
                        _ => return,
                    };
                    let cert_user = {
                        let (_, conn) = tls.get_ref();
                        // The verifier only accepts certificates signed by our CA; the one we issue
                        // is the admin (O=system:masters).
                        conn.peer_certificates().filter(|c| !c.is_empty()).map(|_| User::Admin("admin".into()))
                    };
                    let st2 = st.clone();
                    let svc = hyper::service::service_fn(move |req: Request<Incoming>| {
                        let st = st2.clone();
                        let cert_user = cert_user.clone();
                        async move { Ok::<_, std::convert::Infallible>(handle(st, cert_user, req).await) }
                    });
                    let conn = hyper::server::conn::http1::Builder::new().keep_alive(true).serve_connection(TokioIo::new(tls), svc).with_upgrades();
                    tokio::select! {
                        _ = conn => {}
                        _ = conn_epoch.changed() => {}
                    }
                });
            }
            _ = epoch.changed() => return,
        }
    }
}

fn open_path(path: &str) -> bool {
    matches!(path, "/version" | "/healthz" | "/readyz" | "/livez")
        || path.starts_with("/healthz/")
        || path.starts_with("/readyz/")
        || path.starts_with("/livez/")
}

async fn handle(st: Arc<State>, cert_user: Option<User>, req: Request<Incoming>) -> Response<Body> {
    st.faults.requests.fetch_add(1, Ordering::SeqCst);
    let latency = st.faults.latency_ms.load(Ordering::SeqCst);
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let injected = st
        .faults
        .fail_remaining
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
            if n > 0 {
                Some(n - 1)
            } else {
                None
            }
        })
        .is_ok();
    if injected {
        let kind = st
            .faults
            .fail_kind
            .lock()
            .map(|k| *k)
            .unwrap_or(FailKind::Internal);
        let e = match kind {
            FailKind::Internal => ApiError::internal("Internal error occurred: injected fault"),
            FailKind::TooManyRequests { retry_after_secs } => ApiError::Status {
                code: 429,
                reason: "TooManyRequests",
                message:
                    "the server has received too many requests and has asked us to try again later"
                        .into(),
                details: Some(
                    serde_json::json!({"causes": [{"message": "injected fault"}], "retryAfterSeconds": retry_after_secs}),
                ),
                retry_after: Some(retry_after_secs),
            },
        };
        return api::error_response(&e);
    }
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let bearer = parts
        .headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    let user = match (&bearer, cert_user) {
        (Some(tok), _) => st.token_user(tok),
        (None, u) => u,
    };
    let user = match user {
        Some(u) => u,
        None if open_path(&path) => User::Viewer,
        None => return api::error_response(&ApiError::unauthorized()),
    };
    // exec/attach/portforward: upgraded connections, handled before any body is read.
    if let Some(t) = crate::pods::connect::target(&path) {
        return crate::pods::connect::handle(st, user, t, parts).await;
    }
    let body = match body.collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => return api::error_response(&ApiError::bad_request(format!("reading body: {e}"))),
    };
    let query = api::parse_query(parts.uri.query());
    let req = Req {
        method: parts.method,
        path,
        query,
        headers: parts.headers,
        body,
        user,
    };
    // Never let bad input take a connection down without an answer: a panic becomes a 500 Status.
    use futures::FutureExt;
    match std::panic::AssertUnwindSafe(api::handle(st, req))
        .catch_unwind()
        .await
    {
        Ok(r) => r,
        Err(_) => api::error_response(&ApiError::internal(
            "Internal error occurred: the simulator failed to handle this request",
        )),
    }
}
