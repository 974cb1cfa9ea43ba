//! Batch actions on a selection: Start, Stop, Restart, Delete, Scale; per-item progress,
//! bounded concurrency, a journal for undo and resume.

pub mod types;

pub use types::*;
