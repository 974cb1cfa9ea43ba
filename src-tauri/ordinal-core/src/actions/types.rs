//! The action contract between the UI and the core.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::IpcError;

/// The word the user must type before anything is deleted.
pub const DELETE_CONFIRMATION: &str = "confirmed";

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    pub namespace: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub enum Propagation {
    /// Dependents (pods) are deleted in the background after the owner.
    #[default]
    Background,
    /// The owner waits until its dependents are gone.
    Foreground,
    /// Dependents are left running without an owner.
    Orphan,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Action {
    /// Scale to the count recorded by Stop, or 1 when none is recorded.
    Start,
    /// Record the current replicas, then scale to 0.
    Stop,
    /// Like `kubectl rollout restart`.
    Restart,
    /// Scale to an explicit count.
    Scale { replicas: i32 },
    /// Set the RollingUpdate partition: ordinals at or above it get the update revision, the
    /// others wait (staged rollouts; 0 lets the rollout finish).
    Partition { partition: i32 },
    /// Delete; `confirm` must equal [`DELETE_CONFIRMATION`].
    Delete {
        propagation: Propagation,
        confirm: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActionRequest {
    pub context: String,
    /// The kind's registry id, e.g. `statefulsets`.
    pub kind: String,
    pub action: Action,
    pub targets: Vec<ObjectRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    tag = "state",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ItemState {
    Queued,
    Running,
    /// Applied. `from`/`to` are replica counts where the action scaled.
    Done {
        from: Option<i32>,
        to: Option<i32>,
    },
    /// Nothing to do (e.g. Start on a running set).
    Unchanged {
        reason_key: String,
    },
    Failed {
        error: IpcError,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ActionEvent {
    /// One item changed state.
    Item {
        index: u32,
        target: ObjectRef,
        state: ItemState,
    },
    /// Every item has finished. `undo` is true when the batch can be undone (Stop/Start/Scale).
    Finished {
        batch_id: String,
        succeeded: u32,
        unchanged: u32,
        failed: u32,
        undo: bool,
    },
}
