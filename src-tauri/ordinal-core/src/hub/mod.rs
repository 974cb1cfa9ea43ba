//! The watch hub: one shared watch per (cluster, kind, namespace scope), reference-counted,
//! kept as compact rows, and fanned out to subscribers as coalesced batches.

pub mod types;

pub use types::*;
