//! Shared server state: the store, identities, fault switches and lifecycle signals.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU16, AtomicU32, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::store::Store;

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("state lock poisoned")]
    Poisoned,
}

/// An authenticated user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum User {
    /// system:masters: may do everything.
    Admin(String),
    /// Read-only (get/list/watch) in namespace `default` only.
    Viewer,
}

impl User {
    pub fn name(&self) -> &str {
        match self {
            User::Admin(n) => n,
            User::Viewer => "viewer",
        }
    }
}

/// How injected failures answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailKind {
    /// 500 InternalError.
    Internal,
    /// 429 TooManyRequests with `Retry-After: secs`.
    TooManyRequests { retry_after_secs: u64 },
}

pub struct FaultState {
    pub latency_ms: AtomicU64,
    pub fail_remaining: AtomicU32,
    pub fail_kind: Mutex<FailKind>,
    pub expired_tokens: Mutex<HashSet<String>>,
    pub requests: AtomicU64,
}

pub struct State {
    pub store: Store,
    pub ready_delay: Duration,
    pub admin_token: String,
    pub viewer_token: String,
    pub faults: FaultState,
    /// Bumped to end every open watch.
    pub watch_gen: tokio::sync::watch::Sender<u64>,
    /// Bumped to close the listener and every connection (server restart).
    pub epoch: tokio::sync::watch::Sender<u64>,
    pub started: Instant,
    pub port: AtomicU16,
    pub bookmark_interval: Duration,
    /// The cluster CA (PEM) the root-CA publisher puts in every namespace's `kube-root-ca.crt`.
    pub root_ca: std::sync::OnceLock<String>,
    /// Every container's log (`pods/log`).
    pub logs: crate::pods::logs::LogBook,
}

impl State {
    pub fn new(store: Store, ready_delay: Duration, bookmark_interval: Duration) -> State {
        State {
            store,
            ready_delay,
            admin_token: format!("ordinal-admin-{}", uuid::Uuid::new_v4().simple()),
            viewer_token: format!("ordinal-viewer-{}", uuid::Uuid::new_v4().simple()),
            faults: FaultState {
                latency_ms: AtomicU64::new(0),
                fail_remaining: AtomicU32::new(0),
                fail_kind: Mutex::new(FailKind::Internal),
                expired_tokens: Mutex::new(HashSet::new()),
                requests: AtomicU64::new(0),
            },
            watch_gen: tokio::sync::watch::channel(0).0,
            epoch: tokio::sync::watch::channel(0).0,
            started: Instant::now(),
            port: AtomicU16::new(0),
            bookmark_interval,
            root_ca: std::sync::OnceLock::new(),
            logs: Default::default(),
        }
    }

    pub fn token_user(&self, token: &str) -> Option<User> {
        if self
            .faults
            .expired_tokens
            .lock()
            .map(|s| s.contains(token))
            .unwrap_or(false)
        {
            return None;
        }
        if token == self.admin_token {
            Some(User::Admin("exec-user".into()))
        } else if token == self.viewer_token {
            Some(User::Viewer)
        } else {
            None
        }
    }

    pub fn port(&self) -> u16 {
        self.port.load(Ordering::SeqCst)
    }
}
