//! Connection status as the UI sees it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The reserved context name of the built-in demo cluster (the simulator, in-process).
pub const DEMO_CONTEXT: &str = "ordinal:demo";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ConnState {
    Disconnected,
    Connecting,
    Connected,
    /// 401, or the credentials could not be obtained (exec plugin failed, keyring locked).
    Unauthorized,
    /// Authenticated, but not even allowed to read the server version / namespaces.
    Forbidden,
    /// DNS, TCP, TLS or timeout.
    Unreachable,
}

/// How carefully a context is treated. Stored in Ordinal's settings, never in the kubeconfig.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Protection {
    #[default]
    Normal,
    /// A coloured frame and the context name on every confirmation.
    Production,
    /// No write action is offered, and the core refuses writes.
    ReadOnly,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ClusterStatus {
    pub context: String,
    pub state: ConnState,
    /// e.g. `v1.34.1`, once connected.
    pub server_version: Option<String>,
    /// Round trip of the version request, once connected.
    pub latency_ms: Option<u32>,
    /// The reason when not connected (the API's message, the plugin's stderr, the socket error).
    pub message: Option<String>,
    pub protection: Protection,
    /// What the server offers (API versions, fields), once connected.
    pub features: Option<super::ServerFeatures>,
}
