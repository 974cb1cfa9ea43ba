//! Ordinal's Kubernetes API server + control-plane simulator.
//!
//! It serves HTTPS on 127.0.0.1 with a generated CA, speaks the Kubernetes REST conventions that
//! kube-rs and kubectl use, and runs a StatefulSet controller, a kubelet simulation, garbage
//! collection and a namespace controller. It is the project's test cluster and the app's offline
//! "Demo cluster". It never depends on Tauri.

pub mod api;
pub mod churn;
pub mod controller;
pub mod error;
pub mod fieldcheck;
pub mod openapi;
pub mod ops;
pub mod patch;
pub mod pods;
pub mod proto;
pub mod resources;
pub mod seed;
pub mod selector;
pub mod server;
pub mod state;
pub mod storage;
pub mod store;
pub mod table;
pub mod tls;
pub mod validation;

use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

pub use churn::{ChurnReport, ChurnSpec, ChurnWrite};
pub use state::FailKind;
use state::State;

/// What the cluster contains at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seed {
    /// Only the system namespaces, three Nodes and the StorageClasses.
    Empty,
    /// Realistic demo workloads (postgres, kafka, redis, ...), see [`seed`].
    Demo,
    /// Built directly in the store, everything Running/Ready: a benchmark fixture.
    Scale {
        namespaces: u32,
        statefulsets: u32,
        replicas: u32,
    },
}

impl Seed {
    /// The default benchmark: 100 namespaces, 10,000 StatefulSets, 5 replicas (50,000 pods).
    pub fn benchmark() -> Seed {
        Seed::Scale {
            namespaces: 100,
            statefulsets: 10_000,
            replicas: 5,
        }
    }
}

/// Simulator configuration.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// 0 = any free port.
    pub port: u16,
    pub seed: Seed,
    /// How long the simulated kubelet takes from container start to Ready.
    pub ready_delay: Duration,
    /// Watch events kept for resumes; older resourceVersions get 410 Gone.
    pub history_limit: usize,
    /// How often watches that asked for bookmarks get one.
    pub bookmark_interval: Duration,
}

impl Default for SimConfig {
    fn default() -> SimConfig {
        SimConfig {
            port: 0,
            seed: Seed::Demo,
            ready_delay: Duration::from_secs(1),
            history_limit: 10_000,
            bookmark_interval: Duration::from_secs(5),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
    #[error(transparent)]
    Server(#[from] server::ServerError),
    #[error("seeding failed: {0}")]
    Seed(String),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

struct ServerCtl {
    state: Arc<State>,
    acceptor: TlsAcceptor,
    handle: tokio::sync::Mutex<Option<JoinHandle<()>>>,
    port: u16,
}

/// A running simulator.
pub struct Simulator {
    ctl: Arc<ServerCtl>,
    pki: Arc<tls::Pki>,
    controller: Mutex<Option<JoinHandle<()>>>,
}

impl Simulator {
    /// Bind 127.0.0.1 and serve on the current tokio runtime.
    pub async fn start(cfg: SimConfig) -> Result<Simulator, SimError> {
        // Clients in the same process (tests, the app's demo cluster) need a process-wide rustls
        // provider when several are linked; pick ring, as the server itself uses. No-op if set.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let pki = Arc::new(tls::Pki::generate()?);
        let acceptor = TlsAcceptor::from(pki.server_config()?);
        let listener = server::bind(cfg.port).await?;
        let port = listener.local_addr()?.port();
        let st = Arc::new(State::new(
            store::Store::new(cfg.history_limit.max(1)),
            cfg.ready_delay,
            cfg.bookmark_interval,
        ));
        st.port.store(port, Ordering::SeqCst);
        let _ = st.root_ca.set(pki.ca_pem.clone());
        let deferred = seed::apply(&st, &cfg.seed).map_err(|e| SimError::Seed(e.to_string()))?;
        let controller = controller::spawn(st.clone());
        if !deferred.is_empty() {
            tokio::spawn(seed::run_deferred(st.clone(), deferred));
        }
        let handle = tokio::spawn(server::serve(listener, acceptor.clone(), st.clone()));
        let ctl = Arc::new(ServerCtl {
            state: st,
            acceptor,
            handle: tokio::sync::Mutex::new(Some(handle)),
            port,
        });
        Ok(Simulator {
            ctl,
            pki,
            controller: Mutex::new(Some(controller)),
        })
    }

    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.ctl.port)
    }

    pub fn port(&self) -> u16 {
        self.ctl.port
    }

    /// The bearer token of the read-only `viewer` user.
    pub fn viewer_token(&self) -> String {
        self.ctl.state.viewer_token.clone()
    }

    /// The admin token that the `exec-user` credential plugin prints.
    pub fn admin_token(&self) -> String {
        self.ctl.state.admin_token.clone()
    }

    pub fn ca_pem(&self) -> String {
        self.pki.ca_pem.clone()
    }

    /// A kubeconfig with cluster `ordinal-sim`, users `admin` (client cert), `viewer` (token),
    /// `exec-user` (exec plugin), and contexts `ordinal-sim-admin` (current), `-viewer`, `-exec`.
    pub fn kubeconfig_yaml(&self) -> String {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s.as_bytes());
        let cred = serde_json::json!({
            "apiVersion": "client.authentication.k8s.io/v1",
            "kind": "ExecCredential",
            "status": {"token": self.ctl.state.admin_token},
        });
        let printf = format!("printf '%s' '{cred}'");
        let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
        format!(
            "apiVersion: v1\nkind: Config\npreferences: {{}}\nclusters:\n- name: ordinal-sim\n  cluster:\n    server: {url}\n    certificate-authority-data: {ca}\nusers:\n- name: admin\n  user:\n    client-certificate-data: {cc}\n    client-key-data: {ck}\n- name: viewer\n  user:\n    token: {vt}\n- name: exec-user\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /bin/sh\n      args:\n      - \"-c\"\n      - {printf}\n      interactiveMode: Never\n      provideClusterInfo: false\ncontexts:\n- name: ordinal-sim-admin\n  context:\n    cluster: ordinal-sim\n    user: admin\n- name: ordinal-sim-viewer\n  context:\n    cluster: ordinal-sim\n    user: viewer\n    namespace: default\n- name: ordinal-sim-exec\n  context:\n    cluster: ordinal-sim\n    user: exec-user\ncurrent-context: ordinal-sim-admin\n",
            url = self.url(),
            ca = b64(&self.pki.ca_pem),
            cc = b64(&self.pki.client_cert_pem),
            ck = b64(&self.pki.client_key_pem),
            vt = q(&self.ctl.state.viewer_token),
            printf = q(&printf),
        )
    }

    /// Write the kubeconfig with file mode 0600.
    pub fn write_kubeconfig(&self, path: &Path) -> std::io::Result<()> {
        use std::io::Write;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(path)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        f.write_all(self.kubeconfig_yaml().as_bytes())
    }

    /// A cloneable fault-injection handle.
    pub fn faults(&self) -> Faults {
        Faults {
            ctl: self.ctl.clone(),
        }
    }

    /// Stop serving and stop the controllers.
    pub async fn shutdown(self) {
        self.ctl.state.epoch.send_modify(|e| *e += 1);
        if let Some(h) = self.ctl.handle.lock().await.take() {
            let _ = h.await;
        }
        if let Ok(mut c) = self.controller.lock() {
            if let Some(h) = c.take() {
                h.abort();
            }
        }
    }

    /// Start a pod churn (see [`churn`]) on the current tokio runtime; the handle yields every
    /// write with its commit time and resourceVersion.
    pub fn churn(&self, spec: ChurnSpec) -> JoinHandle<ChurnReport> {
        tokio::spawn(churn::run(self.ctl.state.clone(), spec))
    }

    /// Object counts per resource (for benchmarks and diagnostics).
    pub fn count(&self, plural: &str) -> usize {
        resources::RESOURCES
            .iter()
            .position(|r| r.plural == plural && r.group != "metrics.k8s.io")
            .map(|i| self.ctl.state.store.count(i))
            .unwrap_or(0)
    }
}

/// Fault injection and request accounting.
#[derive(Clone)]
pub struct Faults {
    ctl: Arc<ServerCtl>,
}

impl Faults {
    /// End every open watch stream (clients see the stream close and must re-watch).
    pub fn drop_watches(&self) {
        self.ctl.state.watch_gen.send_modify(|g| *g += 1);
    }

    /// Close the listener and every connection, then serve again on the same port after
    /// `downtime`. State and resourceVersions are kept.
    pub async fn restart(&self, downtime: Duration) -> Result<(), SimError> {
        let st = &self.ctl.state;
        st.epoch.send_modify(|e| *e += 1);
        let mut guard = self.ctl.handle.lock().await;
        if let Some(h) = guard.take() {
            let _ = h.await;
        }
        tokio::time::sleep(downtime).await;
        let listener = server::bind(self.ctl.port).await?;
        *guard = Some(tokio::spawn(server::serve(
            listener,
            self.ctl.acceptor.clone(),
            st.clone(),
        )));
        Ok(())
    }

    /// Forget the watch history: resuming from any earlier resourceVersion gets 410 Gone.
    pub fn compact(&self) {
        self.ctl.state.store.compact();
    }

    /// Delay every request by `d` (zero to turn off).
    pub fn set_latency(&self, d: Duration) {
        self.ctl
            .state
            .faults
            .latency_ms
            .store(d.as_millis() as u64, Ordering::SeqCst);
    }

    /// Fail the next `n` requests with 500 InternalError.
    pub fn fail_next(&self, n: u32) {
        self.fail_next_with(n, FailKind::Internal);
    }

    /// Fail the next `n` requests with 429 TooManyRequests and `Retry-After`.
    pub fn throttle_next(&self, n: u32, retry_after_secs: u64) {
        self.fail_next_with(n, FailKind::TooManyRequests { retry_after_secs });
    }

    pub fn fail_next_with(&self, n: u32, kind: FailKind) {
        if let Ok(mut k) = self.ctl.state.faults.fail_kind.lock() {
            *k = kind;
        }
        self.ctl
            .state
            .faults
            .fail_remaining
            .store(n, Ordering::SeqCst);
    }

    /// Make a bearer token invalid: requests using it get 401 Unauthorized.
    pub fn expire_token(&self, token: &str) {
        if let Ok(mut s) = self.ctl.state.faults.expired_tokens.lock() {
            s.insert(token.to_string());
        }
    }

    /// Expire the token printed by the `exec-user` credential plugin.
    pub fn expire_exec_token(&self) {
        let t = self.ctl.state.admin_token.clone();
        self.expire_token(&t);
    }

    /// Expire the `viewer` user's token.
    pub fn expire_viewer_token(&self) {
        let t = self.ctl.state.viewer_token.clone();
        self.expire_token(&t);
    }

    /// Requests received since start (or the last reset), including failed ones.
    pub fn request_count(&self) -> u64 {
        self.ctl.state.faults.requests.load(Ordering::SeqCst)
    }

    pub fn reset_request_count(&self) {
        self.ctl.state.faults.requests.store(0, Ordering::SeqCst);
    }

    /// Clear latency, pending failures and expired tokens.
    pub fn clear(&self) {
        self.set_latency(Duration::ZERO);
        self.ctl
            .state
            .faults
            .fail_remaining
            .store(0, Ordering::SeqCst);
        if let Ok(mut s) = self.ctl.state.faults.expired_tokens.lock() {
            s.clear();
        }
    }
}
