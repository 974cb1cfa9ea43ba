//! Kubeconfig loading, merging and offline edits.
//!
//! - [`load`]: reads the kubectl chain (`$KUBECONFIG` or `~/.kube/config`) plus Ordinal's managed
//!   files and merges them with kubectl's rules (first definition of a name wins, first
//!   `current-context` wins, relative paths resolve against the file that holds them).
//! - [`view`]: `kubectl config view --merge [--minify] [--raw]`.
//! - [`edit`]: offline edits that write only the file holding the entry, atomically, with a
//!   conflict check, a backup and an undo log.
//! - [`paths`]: where Ordinal keeps its own data ([`paths::AppDirs`]).
//!
//! Files are kept as generic JSON documents edited in place, so unknown fields and
//! `extensions` survive every read and write.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Classify, ErrorCode};

pub mod edit;
mod fsio;
pub mod load;
pub mod paths;
pub mod view;
pub mod watch;

pub use edit::{
    delete_context, duplicate_context, export_contexts, import_apply, import_preview,
    rename_context, set_current_context, set_namespace, undo_last, EditEnv, EditOutcome,
    ImportItem, ImportPreview, RenameMap,
};
pub use load::{load, Loaded, LoadedFile, SourceKind, Sources};
pub use view::{view, ViewFormat, ViewOptions};

/// One context as the UI lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ContextSummary {
    pub name: String,
    pub cluster: String,
    pub server: Option<String>,
    pub user: String,
    pub namespace: Option<String>,
    pub current: bool,
    /// The file that holds this context's entry.
    pub source_file: String,
    pub auth_kind: AuthKind,
    pub secret_location: SecretLocation,
    /// The exec credential plugin, when the user has one.
    pub exec: Option<ExecSummary>,
}

/// A user's exec credential plugin as the Contexts page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExecSummary {
    /// `exec.command` as written (relative paths already resolved against the file).
    pub command: String,
    /// The binary that will run: found with the login shell's PATH plus the context's override
    /// (filled in by the session; `None` when not found).
    pub resolved: Option<String>,
    /// `exec.interactiveMode` (`Never`, `IfAvailable`, `Always`), when set.
    pub interactive_mode: Option<String>,
    /// Ordinal's own `ordinal credential` plugin (a context secured in the keyring).
    pub ordinal: bool,
}

/// How the context's user authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum AuthKind {
    Cert,
    Token,
    Basic,
    Exec,
    AuthProvider,
    None,
}

/// Where the context's secret lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SecretLocation {
    /// Inline in the kubeconfig or in a file it references.
    File,
    /// In the OS keyring, served by `ordinal credential`.
    Keyring,
    /// No secret Ordinal knows about (an external exec plugin, or no credentials).
    None,
}

/// Something wrong with one file or one context. The rest still loads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KubeconfigProblem {
    pub file: String,
    pub context: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
}

/// Everything the context picker needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ContextList {
    pub contexts: Vec<ContextSummary>,
    pub current_context: Option<String>,
    pub problems: Vec<KubeconfigProblem>,
    /// Every file considered, in precedence order (including missing ones).
    pub sources: Vec<String>,
    /// Changes whenever any source file's content changes: writes carry the revision the user
    /// saw, and are refused (code `Conflict`) when the files changed since.
    pub revision: String,
}

/// Errors of the kubeconfig module. Messages never contain credential bytes.
#[derive(Debug, thiserror::Error)]
pub enum KubeconfigError {
    #[error("{file}: {message}")]
    Parse {
        file: String,
        line: Option<u32>,
        column: Option<u32>,
        message: String,
    },
    #[error("cannot read {file}: {message}")]
    Read { file: String, message: String },
    #[error("cannot write {file}: {message}")]
    Write { file: String, message: String },
    #[error("{kind} {name:?} not found")]
    NotFound { kind: &'static str, name: String },
    #[error("{kind} {name:?} already exists")]
    AlreadyExists { kind: &'static str, name: String },
    #[error("{file} changed on disk since it was read; reload and try again")]
    Changed { file: String },
    #[error("nothing to undo")]
    NothingToUndo,
    #[error("{0}")]
    Invalid(String),
}

impl Classify for KubeconfigError {
    fn code(&self) -> ErrorCode {
        match self {
            KubeconfigError::Parse { .. } | KubeconfigError::Read { .. } => {
                ErrorCode::InvalidKubeconfig
            }
            KubeconfigError::Write { .. } => ErrorCode::Internal,
            KubeconfigError::NotFound { .. } | KubeconfigError::NothingToUndo => {
                ErrorCode::NotFound
            }
            KubeconfigError::AlreadyExists { .. } | KubeconfigError::Changed { .. } => {
                ErrorCode::Conflict
            }
            KubeconfigError::Invalid(_) => ErrorCode::Invalid,
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            KubeconfigError::Parse {
                line: Some(l),
                column,
                ..
            } => Some(format!("line {l}, column {}", column.unwrap_or(0))),
            _ => None,
        }
    }
}

pub type Result<T, E = KubeconfigError> = std::result::Result<T, E>;

/// The kinds of named entries in a kubeconfig.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    Cluster,
    User,
    Context,
}

impl EntryKind {
    /// The top-level list key (`clusters`, `users`, `contexts`).
    pub fn list_key(self) -> &'static str {
        match self {
            EntryKind::Cluster => "clusters",
            EntryKind::User => "users",
            EntryKind::Context => "contexts",
        }
    }
    /// The key of the body inside a named entry (`cluster`, `user`, `context`).
    pub fn body_key(self) -> &'static str {
        match self {
            EntryKind::Cluster => "cluster",
            EntryKind::User => "user",
            EntryKind::Context => "context",
        }
    }
    pub fn label(self) -> &'static str {
        self.body_key()
    }
    pub const ALL: [EntryKind; 3] = [EntryKind::Cluster, EntryKind::User, EntryKind::Context];
}
