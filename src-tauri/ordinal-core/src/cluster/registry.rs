//! The registry of cluster connections.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::Stream;
use tokio::sync::watch;

use super::{classify_kube, ClusterError, ClusterStatus, ConnState, Protection, ServerFeatures};
use crate::error::ErrorCode;
use crate::hub::Hub;

struct Conn {
    status: ClusterStatus,
    client: Option<kube::Client>,
    hub: Option<Hub>,
}

/// How long a watch nobody looks at keeps running, so coming back to a cluster is instant.
pub const WATCH_LINGER: Duration = Duration::from_secs(120);

/// How long a `can_i` answer is reused.
const CAN_I_TTL: Duration = Duration::from_secs(60);

type CanIKey = (String, String, String, String, String);

/// Every cluster connection of the app: one kube-rs client and one [`Hub`] per connected context.
/// Shared as `Arc<Clusters>`; every method takes `&self`.
pub struct Clusters {
    conns: Mutex<BTreeMap<String, Conn>>,
    tx: watch::Sender<Vec<ClusterStatus>>,
    can_i_cache: Mutex<HashMap<CanIKey, (bool, Instant)>>,
    /// How long each hub keeps an unwatched watch running ([`WATCH_LINGER`] by default).
    linger: Duration,
}

impl Default for Clusters {
    fn default() -> Self {
        Self {
            conns: Mutex::new(BTreeMap::new()),
            tx: watch::Sender::new(Vec::new()),
            can_i_cache: Mutex::new(HashMap::new()),
            linger: WATCH_LINGER,
        }
    }
}

impl Clusters {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// A registry whose hubs keep unwatched watches for `linger` (zero: stop with the last
    /// subscriber).
    pub fn with_watch_linger(linger: Duration) -> Arc<Self> {
        Arc::new(Self {
            linger,
            ..Self::default()
        })
    }

    /// Connect `context` with `config`: build the client, read `/version` (measuring the round
    /// trip) and record the outcome. A context already connected is replaced (its watches stop).
    /// Failures are not errors here: they are the returned status (Unauthorized / Forbidden /
    /// Unreachable with the message).
    pub async fn connect(
        &self,
        context: &str,
        config: kube::Config,
        protection: Protection,
    ) -> ClusterStatus {
        let mut status = ClusterStatus {
            context: context.to_string(),
            state: ConnState::Connecting,
            server_version: None,
            latency_ms: None,
            message: None,
            protection,
            features: None,
        };
        self.can_i_cache
            .lock()
            .unwrap()
            .retain(|k, _| k.0 != context);
        self.set(
            context,
            Conn {
                status: status.clone(),
                client: None,
                hub: None,
            },
        );
        let client = match kube::Client::try_from(config) {
            Ok(c) => c,
            Err(e) => {
                let (code, message, _) = classify_kube(&e);
                status.state = conn_state(code);
                status.message = Some(message);
                self.set(
                    context,
                    Conn {
                        status: status.clone(),
                        client: None,
                        hub: None,
                    },
                );
                return status;
            }
        };
        let started = Instant::now();
        // The connect timeout bounds TCP; this bounds a server that accepts and never answers.
        let res = tokio::time::timeout(Duration::from_secs(15), async {
            let info = client.apiserver_version().await?;
            let latency = started.elapsed();
            // `/version` is often readable without credentials: prove them with an authenticated
            // request every user may make (a SelfSubjectAccessReview), and learn what the server
            // serves meanwhile.
            let (review, groups) = futures::join!(
                access_review(&client, "", "get", "", "namespaces"),
                client.list_api_groups()
            );
            review?;
            let features = ServerFeatures::discover(&info.minor, &groups?);
            Ok::<_, kube::Error>((info, latency, features))
        })
        .await;
        match res {
            Ok(Ok((info, latency, features))) => {
                status.state = ConnState::Connected;
                status.server_version = Some(info.git_version);
                status.latency_ms = Some(latency.as_millis().min(u128::from(u32::MAX)) as u32);
                status.features = Some(features.clone());
                let hub = Hub::with_features(client.clone(), self.linger, features);
                self.set(
                    context,
                    Conn {
                        status: status.clone(),
                        client: Some(client),
                        hub: Some(hub),
                    },
                );
            }
            Ok(Err(e)) => {
                let (code, message, _) = classify_kube(&e);
                status.state = conn_state(code);
                status.message = Some(message);
                self.set(
                    context,
                    Conn {
                        status: status.clone(),
                        client: None,
                        hub: None,
                    },
                );
            }
            Err(_) => {
                status.state = ConnState::Unreachable;
                status.message = Some("the API server did not answer /version within 15 s; check the server address, network or VPN".into());
                self.set(
                    context,
                    Conn {
                        status: status.clone(),
                        client: None,
                        hub: None,
                    },
                );
            }
        }
        status
    }

    /// Forget `context`: its client and every watch of its hub stop. Returns whether it was known.
    pub fn disconnect(&self, context: &str) -> bool {
        let removed = self.conns.lock().unwrap().remove(context);
        self.can_i_cache
            .lock()
            .unwrap()
            .retain(|k, _| k.0 != context);
        let known = removed.is_some();
        if let Some(Conn { hub: Some(hub), .. }) = removed {
            hub.shutdown();
        }
        self.publish();
        known
    }

    /// Applies changed protection levels to known connections (and their published statuses).
    pub fn set_protections(&self, protection_of: impl Fn(&str) -> Protection) {
        let mut changed = false;
        {
            let mut conns = self.conns.lock().unwrap();
            for (name, c) in conns.iter_mut() {
                let p = protection_of(name);
                if c.status.protection != p {
                    c.status.protection = p;
                    changed = true;
                }
            }
        }
        if changed {
            self.publish();
        }
    }

    /// The client of a connected context.
    pub fn client(&self, context: &str) -> Option<kube::Client> {
        self.conns
            .lock()
            .unwrap()
            .get(context)
            .and_then(|c| c.client.clone())
    }

    /// The watch hub of a connected context.
    pub fn hub(&self, context: &str) -> Option<Hub> {
        self.conns
            .lock()
            .unwrap()
            .get(context)
            .and_then(|c| c.hub.clone())
    }

    /// What a connected context's server offers (a current server's features when unknown).
    pub fn features(&self, context: &str) -> ServerFeatures {
        self.conns
            .lock()
            .unwrap()
            .get(context)
            .and_then(|c| c.status.features.clone())
            .unwrap_or_default()
    }

    /// Every known context's status, sorted by context name.
    pub fn statuses(&self) -> Vec<ClusterStatus> {
        self.conns
            .lock()
            .unwrap()
            .values()
            .map(|c| c.status.clone())
            .collect()
    }

    /// The statuses now, then again after every change.
    pub fn watch_statuses(&self) -> impl Stream<Item = Vec<ClusterStatus>> + Send + 'static {
        crate::task_stream::watch_values(self.tx.subscribe())
    }

    /// Whether the context's user may `verb` `group/resource` in `namespace` (empty: cluster-wide),
    /// by a SelfSubjectAccessReview. Answers are cached per (context, namespace, verb, resource)
    /// for 60 s.
    pub async fn can_i(
        &self,
        context: &str,
        namespace: &str,
        verb: &str,
        group: &str,
        resource: &str,
    ) -> Result<bool, ClusterError> {
        let key = (
            context.to_string(),
            namespace.to_string(),
            verb.to_string(),
            group.to_string(),
            resource.to_string(),
        );
        if let Some((v, at)) = self.can_i_cache.lock().unwrap().get(&key) {
            if at.elapsed() < CAN_I_TTL {
                return Ok(*v);
            }
        }
        let client = self
            .client(context)
            .ok_or_else(|| ClusterError::NotConnected(context.to_string()))?;
        let allowed = access_review(&client, namespace, verb, group, resource)
            .await
            .map_err(|e| ClusterError::from_kube(&e))?;
        self.can_i_cache
            .lock()
            .unwrap()
            .insert(key, (allowed, Instant::now()));
        Ok(allowed)
    }

    fn set(&self, context: &str, conn: Conn) {
        let old = self.conns.lock().unwrap().insert(context.to_string(), conn);
        if let Some(Conn { hub: Some(hub), .. }) = old {
            hub.shutdown();
        }
        self.publish();
    }

    fn publish(&self) {
        let statuses = self.statuses();
        self.tx.send_if_modified(|cur| {
            if *cur == statuses {
                false
            } else {
                *cur = statuses;
                true
            }
        });
    }
}

/// Ask the API server whether the client's user may `verb` `group/resource` in `namespace`
/// (`resource` may name a subresource: `pods/exec`).
async fn access_review(
    client: &kube::Client,
    namespace: &str,
    verb: &str,
    group: &str,
    resource: &str,
) -> Result<bool, kube::Error> {
    use k8s_openapi::api::authorization::v1::{
        ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
    };
    let review = SelfSubjectAccessReview {
        spec: SelfSubjectAccessReviewSpec {
            resource_attributes: Some(ResourceAttributes {
                namespace: (!namespace.is_empty()).then(|| namespace.to_string()),
                verb: Some(verb.to_string()),
                group: Some(group.to_string()),
                // `pods/exec`: a subresource.
                resource: Some(resource.split('/').next().unwrap_or(resource).to_string()),
                subresource: resource.split_once('/').map(|(_, sub)| sub.to_string()),
                ..Default::default()
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    let api: kube::Api<SelfSubjectAccessReview> = kube::Api::all(client.clone());
    let out = api.create(&Default::default(), &review).await?;
    Ok(out.status.map(|s| s.allowed).unwrap_or(false))
}

fn conn_state(code: ErrorCode) -> ConnState {
    match code {
        ErrorCode::Unauthorized => ConnState::Unauthorized,
        ErrorCode::Forbidden => ConnState::Forbidden,
        _ => ConnState::Unreachable,
    }
}

// The registry and the hub are shared across tasks and threads.
const _: fn() = || {
    fn assert<T: Send + Sync>() {}
    assert::<Clusters>();
    assert::<Hub>();
};
