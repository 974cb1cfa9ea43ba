//! Operations on one ordinal's pod: its logs ([`logs`]), a shell and commands in it ([`exec`]),
//! and port-forwards to it ([`forward`]). Each follows the *ordinal* (the pod's stable name), not
//! the pod's uid: when `postgres-1` is deleted and recreated, the log view marks the boundary and
//! goes on with the new pod, and a forward reaches the new pod by itself.
//!
//! This file holds what the three share: the targets a StatefulSet's pods offer (containers,
//! their ports, the user's access) and the error type.

pub mod exec;
pub mod forward;
pub mod logs;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use kube::runtime::{watcher, WatchStreamExt};
use kube::Api;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use ts_rs::TS;

use crate::cluster::ClusterError;
use crate::error::{Classify, ErrorCode, IpcError};

/// Errors of pod operations.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PodError {
    /// A request to the cluster failed.
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    /// The operation cannot start (pod gone, container unknown or not running, bad command).
    #[error("{0}")]
    Invalid(String),
    /// The context is read-only, or RBAC does not allow it.
    #[error("{0}")]
    Forbidden(String),
    /// The local side failed (a port in use, a socket error).
    #[error("{0}")]
    Local(String),
}

impl PodError {
    pub fn kube(e: &kube::Error) -> PodError {
        PodError::Cluster(ClusterError::from_kube(e))
    }
}

impl Classify for PodError {
    fn code(&self) -> ErrorCode {
        match self {
            PodError::Cluster(e) => e.code(),
            PodError::Invalid(_) => ErrorCode::Invalid,
            PodError::Forbidden(_) => ErrorCode::Forbidden,
            PodError::Local(_) => ErrorCode::Internal,
        }
    }
    fn detail(&self) -> Option<String> {
        match self {
            PodError::Cluster(e) => e.detail(),
            _ => None,
        }
    }
}

impl From<PodError> for IpcError {
    fn from(e: PodError) -> IpcError {
        e.to_ipc()
    }
}

/// What a StatefulSet's pods offer for logs, shells and forwards, and what the user may do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PodTargets {
    pub containers: Vec<ContainerTarget>,
    pub access: PodAccess,
}

/// A container of the pod template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ContainerTarget {
    pub name: String,
    pub init: bool,
    pub image: String,
    pub ports: Vec<ContainerPortView>,
}

/// A declared container port.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ContainerPortView {
    pub name: Option<String>,
    pub port: u16,
    pub protocol: String,
    /// A command to connect, `{local}` standing for the local port; none for unknown ports.
    pub hint: Option<String>,
}

/// The user's access to each operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PodAccess {
    pub logs: Access,
    pub exec: Access,
    pub forward: Access,
}

/// Allowed, or why not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Access {
    pub allowed: bool,
    pub reason: Option<String>,
}

impl Access {
    pub fn yes() -> Access {
        Access {
            allowed: true,
            reason: None,
        }
    }
    pub fn no(reason: impl Into<String>) -> Access {
        Access {
            allowed: false,
            reason: Some(reason.into()),
        }
    }
}

/// The health of one stream (a log stream per ordinal, the log view as a whole).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum StreamHealth {
    Connecting,
    Live,
    /// Nothing to read yet: the pod is not there, or its container has not started.
    Waiting {
        reason: String,
    },
    Reconnecting {
        attempt: u32,
        reason: String,
    },
    /// Not following, or a permanent error: the reason says which.
    Ended {
        reason: String,
    },
}

/// A connection hint for well-known ports (`{local}` is the local port).
pub fn hint_for(port: u16, name: Option<&str>, image: &str) -> Option<String> {
    let image = image.rsplit('/').next().unwrap_or(image);
    let hint = match (port, name.unwrap_or("")) {
        (5432, _) | (_, "postgres" | "postgresql") => "psql -h 127.0.0.1 -p {local} -U postgres",
        (6379, _) | (_, "redis") => "redis-cli -h 127.0.0.1 -p {local}",
        (3306, _) | (_, "mysql") => "mysql -h 127.0.0.1 -P {local} -u root -p",
        (27017, _) | (_, "mongodb" | "mongo") => "mongosh --host 127.0.0.1 --port {local}",
        (9092, _) | (_, "kafka") => "kafka-topics.sh --bootstrap-server 127.0.0.1:{local} --list",
        (2181, _) | (_, "zookeeper" | "client") if image.starts_with("zookeeper") => {
            "zkCli.sh -server 127.0.0.1:{local}"
        }
        (9200, _) => "curl http://127.0.0.1:{local}/_cluster/health",
        (5672, _) | (_, "amqp") => "amqp://guest:guest@127.0.0.1:{local}/",
        (11211, _) => "telnet 127.0.0.1 {local}",
        (80 | 8080 | 8000 | 3000 | 9090, _) | (_, "http" | "web" | "metrics") => {
            "curl http://127.0.0.1:{local}/"
        }
        (443 | 8443, _) | (_, "https") => "curl -k https://127.0.0.1:{local}/",
        _ => return None,
    };
    Some(hint.to_string())
}

/// The containers and ports of a StatefulSet's pod template.
pub async fn targets(
    client: &kube::Client,
    namespace: &str,
    name: &str,
) -> Result<Vec<ContainerTarget>, PodError> {
    let sts = Api::<StatefulSet>::namespaced(client.clone(), namespace)
        .get(name)
        .await
        .map_err(|e| PodError::kube(&e))?;
    let spec = sts.spec.and_then(|s| s.template.spec).unwrap_or_default();
    let one = |c: &k8s_openapi::api::core::v1::Container, init: bool| {
        let image = c.image.clone().unwrap_or_default();
        ContainerTarget {
            name: c.name.clone(),
            init,
            ports: c
                .ports
                .iter()
                .flatten()
                .filter_map(|p| {
                    let port = u16::try_from(p.container_port).ok()?;
                    Some(ContainerPortView {
                        name: p.name.clone(),
                        port,
                        protocol: p.protocol.clone().unwrap_or_else(|| "TCP".into()),
                        hint: hint_for(port, p.name.as_deref(), &image),
                    })
                })
                .collect(),
            image,
        }
    };
    Ok(spec
        .containers
        .iter()
        .map(|c| one(c, false))
        .chain(spec.init_containers.iter().flatten().map(|c| one(c, true)))
        .collect())
}

/// Aborts a task when dropped.
pub(crate) struct Abort(pub tokio::task::JoinHandle<()>);

impl Drop for Abort {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The pod of one name, live: None until known, then Some(None) when absent; and the watch's
/// last error (None once it works again: the watcher retries with backoff).
pub(crate) type PodWatch = (
    watch::Receiver<Option<Option<Pod>>>,
    watch::Receiver<Option<String>>,
    Abort,
);

pub(crate) fn watch_pod(client: kube::Client, ns: &str, pod: &str) -> PodWatch {
    let (tx, rx) = watch::channel(None);
    let (etx, erx) = watch::channel(None);
    let api: Api<Pod> = Api::namespaced(client, ns);
    let cfg = watcher::Config::default().fields(&format!("metadata.name={pod}"));
    let task = tokio::spawn(async move {
        let mut w = std::pin::pin!(watcher::watcher(api, cfg).default_backoff());
        let mut init: Option<Pod> = None;
        while let Some(ev) = w.next().await {
            if ev.is_ok() {
                etx.send_if_modified(|e| e.take().is_some());
            }
            match ev {
                Ok(watcher::Event::Init) => init = None,
                Ok(watcher::Event::InitApply(p)) => init = Some(p),
                Ok(watcher::Event::InitDone) => {
                    let _ = tx.send(Some(init.take()));
                }
                Ok(watcher::Event::Apply(p)) => {
                    let _ = tx.send(Some(Some(p)));
                }
                Ok(watcher::Event::Delete(_)) => {
                    let _ = tx.send(Some(None));
                }
                Err(e) => {
                    let _ = etx.send(Some(crate::hub::HubError::from_watcher(&e).to_string()));
                }
            }
        }
    });
    (rx, erx, Abort(task))
}

/// Decodes a byte stream as UTF-8 with replacement, keeping a sequence split between chunks for
/// the next chunk.
#[derive(Default)]
pub struct Utf8Stream {
    pending: Vec<u8>,
}

impl Utf8Stream {
    pub fn push(&mut self, chunk: &[u8]) -> String {
        self.pending.extend_from_slice(chunk);
        let mut out = String::new();
        loop {
            match std::str::from_utf8(&self.pending) {
                Ok(s) => {
                    out.push_str(s);
                    self.pending.clear();
                    return out;
                }
                Err(e) => {
                    let good = e.valid_up_to();
                    out.push_str(std::str::from_utf8(&self.pending[..good]).unwrap_or_default());
                    match e.error_len() {
                        // An invalid sequence: one replacement character, go on after it.
                        Some(n) => {
                            out.push('\u{FFFD}');
                            self.pending.drain(..good + n);
                        }
                        // An incomplete sequence at the end: keep it for the next chunk.
                        None => {
                            self.pending.drain(..good);
                            return out;
                        }
                    }
                }
            }
        }
    }
}

/// The pod of `statefulset`'s ordinal.
pub fn pod_name(statefulset: &str, ordinal: u32) -> String {
    format!("{statefulset}-{ordinal}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_split_between_chunks_and_invalid_bytes() {
        let mut d = Utf8Stream::default();
        let euro = "€".as_bytes();
        assert_eq!(d.push(&[b'a', euro[0]]), "a");
        assert_eq!(d.push(&euro[1..]), "€");
        assert_eq!(d.push(&[b'x', 0xff, b'y']), "x\u{FFFD}y");
    }

    #[test]
    fn hints_for_well_known_ports() {
        assert_eq!(
            hint_for(5432, Some("postgres"), "postgres:16").unwrap(),
            "psql -h 127.0.0.1 -p {local} -U postgres"
        );
        assert!(hint_for(6379, None, "redis:7")
            .unwrap()
            .starts_with("redis-cli"));
        assert!(hint_for(12345, None, "x").is_none());
    }
}
