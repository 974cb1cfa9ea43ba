//! Kubeconfig loading, merging and offline edits. (In progress.)
