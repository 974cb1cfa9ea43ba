//! Cluster connections: one kube-rs client per connected context, its status, and its hub.

pub mod types;

pub use types::*;
