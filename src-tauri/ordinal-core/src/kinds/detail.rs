//! View models shared by every kind's detail page.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Tone;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// A doctor finding: what is wrong, in the UI's words (i18n key + params).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub severity: Severity,
    /// e.g. `doctor.serviceMissing`.
    pub key: String,
    pub params: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConditionView {
    pub type_: String,
    pub status: String,
    pub reason: Option<String>,
    pub message: Option<String>,
    #[ts(type = "number | null")]
    pub last_transition: Option<i64>,
}

/// One Kubernetes Event about the object or its pods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EventView {
    pub uid: String,
    /// `Normal` or `Warning`.
    pub type_: String,
    pub reason: String,
    pub message: String,
    /// e.g. `Pod/postgres-1`.
    pub object: String,
    pub count: i32,
    /// Last seen, Unix seconds.
    #[ts(type = "number")]
    pub last_seen: i64,
}

/// A status with its tone and an i18n key, used inside detail views.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StatusView {
    pub tone: Tone,
    pub key: String,
    pub params: BTreeMap<String, String>,
}
