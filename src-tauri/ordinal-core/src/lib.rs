//! Ordinal's core. Everything the app does that is not drawing pixels lives here, so it builds
//! and tests with cargo alone: this crate never depends on Tauri or a webview.
//!
//! Module map (see ARCHITECTURE.md):
//! - [`error`]: the closed set of error codes that cross IPC, and the `{code, message, detail}` shape.
//! - [`sensitive`]: `Sensitive<T>`, a secret that never prints.
//! - [`kubeconfig`]: kubeconfig loading, kubectl-exact merging, offline edits with backups.
//! - [`secrets`]: the OS keyring behind a small store trait.
//! - [`contexts`]: the Contexts page's operations: checked edits, import, export, secure, test.
//! - [`execenv`]: exec plugins from a GUI: login-shell PATH, per-context override, preflight.
//! - [`session`]: the app's core state in one value; every IPC command is one call on it.
//! - [`settings`]: Ordinal's own settings (language, theme, protection, exec overrides), JSON in the data dir.
//! - [`cluster`]: connections to clusters (one kube-rs client each), status, the demo cluster.
//! - [`demo`]: the built-in demo cluster (the simulator, in-process).
//! - [`hub`]: the watch hub: shared watches per (cluster, kind, scope) kept as compact rows.
//! - [`kinds`]: the resource-kind registry (columns, rows, capabilities); StatefulSet first, with
//!   everything about StatefulSets in [`kinds::statefulset`] (detail, Doctor, metrics, create, PDB).
//! - [`edit`]: YAML edits with server-side apply: dry-run diff, field conflicts, stale versions.
//! - [`actions`]: batch actions on a selection, with progress, journal and undo.
//! - [`startup`]: start-up milestones from the window, written to the log relative to the process start.
//! - [`fsutil`]: atomic file writes shared by every module that writes user data.

pub mod actions;
pub mod cluster;
pub mod contexts;
pub mod demo;
pub mod edit;
pub mod error;
pub mod execenv;
pub mod fsutil;
pub mod hub;
pub mod kinds;
pub mod kubeconfig;
pub mod memory;
pub mod pods;
pub mod secrets;
pub mod sensitive;
pub mod session;
pub mod settings;
pub mod startup;
mod task_stream;

pub use error::{ErrorCode, IpcError};
pub use sensitive::Sensitive;
