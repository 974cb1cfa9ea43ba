//! Cluster connections: one kube-rs client per connected context, its status, and its hub.
//!
//! - [`kube_config_for`]: a kube-rs [`kube::Config`] for one context of the merged kubeconfig.
//! - [`Clusters`]: the registry of connections (shared as `Arc<Clusters>`), their statuses as a
//!   stream, and one [`crate::hub::Hub`] per connected cluster.

mod config;
mod error;
mod features;
mod registry;
pub mod types;

pub use config::{kube_config_for, kube_config_with, CONNECT_TIMEOUT};
pub(crate) use error::classify_kube;
pub use error::ClusterError;
pub use features::{ServerFeatures, OLDEST_TESTED_MINOR, PDB_V1, PDB_V1BETA1};
pub use registry::Clusters;
pub use types::*;
