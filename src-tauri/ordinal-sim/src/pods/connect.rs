//! The upgrade requests of `pods/exec`, `pods/attach` and `pods/portforward`, taken by the
//! listener before the body is read: RBAC (`create` on the subresource), the pod and container
//! checks of the real API server, subprotocol negotiation, the `101 Switching Protocols` answer,
//! then the session on the upgraded connection.

use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderValue, Method, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::WebSocketStream;

use super::context::PodCtx;
use super::exec::ExecOpts;
use crate::api::{self, Body};
use crate::error::ApiError;
use crate::resources::{idx, RESOURCES};
use crate::state::{State, User};

pub const V5: &str = "v5.channel.k8s.io";
pub const V4: &str = "v4.channel.k8s.io";
pub const PORT_FORWARD: &str = "portforward.k8s.io";
pub const SPDY_TUNNEL: &str = "SPDY/3.1+portforward.k8s.io";

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("upgrade failed: {0}")]
    Upgrade(#[from] hyper::Error),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sub {
    Exec,
    Attach,
    PortForward,
}

impl Sub {
    fn as_str(self) -> &'static str {
        match self {
            Sub::Exec => "exec",
            Sub::Attach => "attach",
            Sub::PortForward => "portforward",
        }
    }
}

pub struct Target {
    pub ns: String,
    pub name: String,
    pub sub: Sub,
}

/// `/api/v1/namespaces/NS/pods/NAME/{exec,attach,portforward}`.
pub fn target(path: &str) -> Option<Target> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segs.as_slice() {
        ["api", "v1", "namespaces", ns, "pods", name, sub]
            if !ns.is_empty() && !name.is_empty() =>
        {
            let sub = match *sub {
                "exec" => Sub::Exec,
                "attach" => Sub::Attach,
                "portforward" => Sub::PortForward,
                _ => return None,
            };
            Some(Target {
                ns: ns.to_string(),
                name: name.to_string(),
                sub,
            })
        }
        _ => None,
    }
}

enum Upgrade {
    WebSocket { key: String, protocols: Vec<String> },
    Spdy,
}

fn upgrade_of(h: &http::HeaderMap) -> Option<Upgrade> {
    let up = h
        .get(http::header::UPGRADE)?
        .to_str()
        .ok()?
        .to_ascii_lowercase();
    if up.contains("websocket") {
        let key = h.get("sec-websocket-key")?.to_str().ok()?.to_string();
        let protocols = h
            .get_all("sec-websocket-protocol")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        return Some(Upgrade::WebSocket { key, protocols });
    }
    up.starts_with("spdy/3.1").then_some(Upgrade::Spdy)
}

fn bad(msg: impl Into<String>) -> Response<Body> {
    api::error_response(&ApiError::bad_request(msg))
}

/// Every value of `key` in the query (`command` and `ports` repeat).
fn query_all(query: Option<&str>, key: &str) -> Vec<String> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
        .collect()
}

fn flag(query: Option<&str>, key: &str) -> bool {
    query_all(query, key)
        .last()
        .is_some_and(|v| v == "true" || v == "1")
}

/// The apiserver's `validateContainer`: the named container, or the only one.
pub(crate) fn container_of(pod: &Value, name: &str, asked: Option<&str>) -> Result<String, String> {
    let names = |p: &str| -> Vec<String> {
        pod.pointer(p)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|c| c["name"].as_str().map(String::from))
            .collect()
    };
    let (containers, inits) = (names("/spec/containers"), names("/spec/initContainers"));
    match asked {
        Some(c) if containers.iter().chain(&inits).any(|n| n == c) => Ok(c.to_string()),
        Some(c) => Err(format!("container {c} is not valid for pod {name}")),
        None if containers.len() == 1 => Ok(containers[0].clone()),
        None if containers.is_empty() => Err(format!("pod {name} does not have a container")),
        None => {
            let mut m = format!(
                "a container name must be specified for pod {name}, choose one of: [{}]",
                containers.join(" ")
            );
            if !inits.is_empty() {
                m.push_str(&format!(
                    " or one of the init containers: [{}]",
                    inits.join(" ")
                ));
            }
            Err(m)
        }
    }
}

pub async fn handle(
    st: Arc<State>,
    user: User,
    t: Target,
    mut parts: http::request::Parts,
) -> Response<Body> {
    if parts.method != Method::GET && parts.method != Method::POST {
        return api::error_response(&ApiError::method_not_allowed());
    }
    let def = &RESOURCES[idx::PODS];
    if !api::allowed(&user, "create", def, Some(&t.ns)) {
        let msg = format!(
            "{} \"{}\" is forbidden: User \"{}\" cannot create resource \"pods/{}\" in API group \"\" in the namespace \"{}\"",
            def.qualified(), t.name, user.name(), t.sub.as_str(), t.ns
        );
        return api::error_response(&ApiError::forbidden(msg, &t.name, def));
    }
    let Some(pod) = st.store.get_value(idx::PODS, &t.ns, &t.name) else {
        return api::error_response(&ApiError::not_found(def, &t.name));
    };
    let query = parts.uri.query().map(String::from);
    let q = query.as_deref();
    let phase = pod
        .pointer("/status/phase")
        .and_then(Value::as_str)
        .unwrap_or("");
    let node = pod
        .pointer("/spec/nodeName")
        .and_then(Value::as_str)
        .unwrap_or("");
    let container = if t.sub == Sub::PortForward {
        pod.pointer("/spec/containers/0/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    } else {
        match container_of(
            &pod,
            &t.name,
            query_all(q, "container")
                .last()
                .map(String::as_str)
                .filter(|s| !s.is_empty()),
        ) {
            Ok(c) => c,
            Err(m) => return bad(m),
        }
    };
    if node.is_empty() {
        return bad(format!("pod {} does not have a host assigned", t.name));
    }
    let running = phase == "Running"
        && (t.sub == Sub::PortForward
            || pod
                .pointer("/status/containerStatuses")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|s| {
                    s["name"].as_str() == Some(&container) && s.pointer("/state/running").is_some()
                }));
    if !running {
        return bad(match t.sub {
            Sub::PortForward => format!("pod {} is not running (phase {phase})", t.name),
            _ => format!("container not found (\"{container}\")"),
        });
    }
    let ctx = match PodCtx::new(&st, &pod, &container) {
        Ok(c) => c,
        Err(e) => return bad(e.to_string()),
    };
    let Some(up) = upgrade_of(&parts.headers) else {
        return bad("Upgrade request required");
    };
    let Some(on_upgrade) = parts.extensions.remove::<hyper::upgrade::OnUpgrade>() else {
        return bad("Upgrade request required");
    };
    let mut resp = Response::new(api::full(Bytes::new()));
    *resp.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let h = resp.headers_mut();
    h.insert(
        http::header::CONNECTION,
        HeaderValue::from_static("Upgrade"),
    );
    let session: Session = match (t.sub, up) {
        (Sub::PortForward, Upgrade::Spdy) => {
            h.insert(http::header::UPGRADE, HeaderValue::from_static("SPDY/3.1"));
            h.insert("x-stream-protocol-version", HeaderValue::from_static(PORT_FORWARD));
            Session::Spdy
        }
        (_, Upgrade::Spdy) => return bad("the simulator serves exec and attach over WebSocket only (v5.channel.k8s.io, v4.channel.k8s.io)"),
        (sub, Upgrade::WebSocket { key, protocols }) => {
            let offered = |p: &str| protocols.iter().any(|o| o == p);
            let supported: &[&str] = if sub == Sub::PortForward { &[SPDY_TUNNEL, V4, PORT_FORWARD] } else { &[V5, V4] };
            let Some(proto) = supported.iter().copied().find(|p| offered(p)) else {
                return bad(format!("requested protocol(s) are not supported: {protocols:?}; supports {supported:?}"));
            };
            let Ok(accept) = HeaderValue::from_str(&derive_accept_key(key.as_bytes())) else {
                return bad("bad Sec-WebSocket-Key");
            };
            h.insert(http::header::UPGRADE, HeaderValue::from_static("websocket"));
            h.insert("sec-websocket-accept", accept);
            h.insert("sec-websocket-protocol", HeaderValue::from_static(proto));
            match sub {
                Sub::PortForward if proto == SPDY_TUNNEL => Session::SpdyTunnel,
                Sub::PortForward => {
                    let mut ports = Vec::new();
                    for p in query_all(q, "ports").iter().chain(&query_all(q, "port")).flat_map(|v| v.split(',')) {
                        match p.trim().parse::<u16>() {
                            Ok(n) if n > 0 => ports.push(n),
                            _ => return bad(format!("invalid port {p:?}")),
                        }
                    }
                    if ports.is_empty() {
                        return bad("query parameter \"port\" is required");
                    }
                    Session::PortForward(ports)
                }
                sub => {
                    let opts = ExecOpts {
                        command: query_all(q, "command"),
                        stdin: flag(q, "stdin"),
                        stdout: flag(q, "stdout"),
                        stderr: flag(q, "stderr"),
                        tty: flag(q, "tty"),
                        attach: sub == Sub::Attach,
                    };
                    if !opts.stdin && !opts.stdout && !opts.stderr {
                        return bad("you must specify at least 1 of stdin, stdout, stderr");
                    }
                    if sub == Sub::Exec && opts.command.is_empty() {
                        return bad("you must specify at least one command for the container");
                    }
                    Session::Exec { v5: proto == V5, opts }
                }
            }
        }
    };
    let mut epoch = st.epoch.subscribe();
    tokio::spawn(async move {
        let run = async move {
            let io = TokioIo::new(on_upgrade.await?);
            let ctx = Arc::new(ctx);
            match session {
                Session::Spdy => {
                    let _ = super::spdy::serve(io, ctx).await;
                }
                Session::SpdyTunnel => {
                    let ws = WebSocketStream::from_raw_socket(io, Role::Server, None).await;
                    let _ = super::spdy::serve_tunnel(ws, ctx).await;
                }
                Session::PortForward(ports) => {
                    let ws = WebSocketStream::from_raw_socket(io, Role::Server, None).await;
                    let _ = super::portforward::serve_ws(ws, ctx, ports).await;
                }
                Session::Exec { v5, opts } => {
                    let ws = WebSocketStream::from_raw_socket(io, Role::Server, None).await;
                    let _ = super::exec::serve(ws, v5, (*ctx).clone(), opts).await;
                }
            }
            Ok::<(), ConnectError>(())
        };
        tokio::select! {
            _ = run => {}
            _ = epoch.changed() => {}
        }
    });
    resp
}

enum Session {
    Spdy,
    SpdyTunnel,
    PortForward(Vec<u16>),
    Exec { v5: bool, opts: ExecOpts },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_and_containers() {
        assert!(target("/api/v1/namespaces/db/pods/postgres-0/exec")
            .is_some_and(|t| t.sub == Sub::Exec && t.name == "postgres-0"));
        assert!(target("/api/v1/namespaces/db/pods/postgres-0/log").is_none());
        let pod = serde_json::json!({"spec": {"containers": [{"name": "a"}, {"name": "b"}]}});
        assert_eq!(container_of(&pod, "p", Some("b")), Ok("b".into()));
        assert_eq!(
            container_of(&pod, "p", Some("x")),
            Err("container x is not valid for pod p".into())
        );
        assert_eq!(
            container_of(&pod, "p", None),
            Err("a container name must be specified for pod p, choose one of: [a b]".into())
        );
    }
}
