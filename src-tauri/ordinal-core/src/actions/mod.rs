//! Batch actions on a selection: Start, Stop, Restart, Delete, Scale; per-item progress,
//! bounded concurrency, a journal for undo and resume.

pub mod checks;
pub mod journal;
pub mod run;
pub mod types;

pub use checks::{check, ActionChecks, Denied, HpaTarget};
pub use journal::Journal;
pub use run::{run, undo, validate, ActionError, RunOptions};
pub use types::*;
