//! Ordinal's core. Everything the app does that is not drawing pixels lives here, so it builds
//! and tests with cargo alone: this crate never depends on Tauri or a webview.
//!
//! Module map (see ARCHITECTURE.md):
//! - [`error`]: the closed set of error codes that cross IPC, and the `{code, message, detail}` shape.
//! - [`sensitive`]: `Sensitive<T>`, a secret that never prints.
//! - [`kubeconfig`]: kubeconfig loading, kubectl-exact merging, offline edits with backups.
//! - [`secrets`]: the OS keyring behind a small store trait.

pub mod error;
pub mod kubeconfig;
pub mod secrets;
pub mod sensitive;

pub use error::{ErrorCode, IpcError};
pub use sensitive::Sensitive;
