//! StatefulSet: the first complete kind.

pub mod create;
pub mod detail;
pub mod doctor;
pub mod grow;
pub mod metrics;
pub mod pdb;
pub mod storage;

use k8s_openapi::api::apps::v1::StatefulSet;

use super::{base_row, col, Align, Capability, Cell, ColumnDef, KindSpec, Row, SortKey, Tone};

/// The annotation where Stop records the replica count that Start restores.
pub const REPLICAS_BEFORE_STOP: &str = "ordinal.dev/replicas-before-stop";

pub struct StatefulSets;

impl KindSpec for StatefulSets {
    type K = StatefulSet;
    const ID: &'static str = "statefulsets";
    const BADGE: &'static str = "SS";
    const NAMESPACED: bool = true;

    fn columns() -> Vec<ColumnDef> {
        let mut ns = col("namespace", Align::Start, 140);
        ns.multi_scope_only = true;
        vec![
            col("name", Align::Start, 220),
            ns,
            col("status", Align::Start, 176),
            // filled from the doctor's stream (doctor::DoctorWatch), not from the row
            col("doctor", Align::Start, 84),
            col("update", Align::Start, 130),
            col("labels", Align::Start, 220),
            col("selector", Align::Start, 180),
            col("service", Align::Start, 130),
            col("storage", Align::End, 90),
            col("age", Align::End, 70),
        ]
    }

    fn capabilities() -> Vec<Capability> {
        vec![
            Capability::Start,
            Capability::Stop,
            Capability::Restart,
            Capability::Delete,
            Capability::Scale,
            Capability::EditYaml,
            Capability::Rollout,
        ]
    }

    fn row(sts: &StatefulSet) -> Row {
        let mut row = base_row(&sts.metadata);
        let spec = sts.spec.as_ref();
        let status = sts.status.as_ref();
        let desired = spec.and_then(|s| s.replicas).unwrap_or(1);
        let ready = status.and_then(|s| s.ready_replicas).unwrap_or(0);
        let current = status.map(|s| s.replicas).unwrap_or(0);
        let updated = status.and_then(|s| s.updated_replicas).unwrap_or(0);
        let stopped_from = sts
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(REPLICAS_BEFORE_STOP))
            .and_then(|v| v.parse::<i32>().ok())
            .filter(|n| *n > 0);

        let (tone, key) = if sts.metadata.deletion_timestamp.is_some() {
            (Tone::Terminating, "status.terminating")
        } else if desired == 0 && current > 0 {
            (Tone::Progressing, "status.stopping")
        } else if desired == 0 {
            (
                Tone::Stopped,
                if stopped_from.is_some() {
                    "status.stoppedWas"
                } else {
                    "status.stopped"
                },
            )
        } else if ready >= desired && current == desired && is_rolled_out(sts) {
            (Tone::Ok, "status.podsReady")
        } else {
            (Tone::Progressing, "status.podsReady")
        };
        row.cells.insert(
            "status",
            Cell::status(
                tone,
                key,
                [
                    ("ready", ready.to_string()),
                    ("desired", desired.to_string()),
                    ("was", stopped_from.unwrap_or(0).to_string()),
                ],
            ),
        );
        // sort by readiness ratio, stopped last
        let ratio = if desired == 0 {
            -1.0
        } else {
            f64::from(ready) / f64::from(desired)
        };
        row.sort.insert("status", SortKey::Num(ratio));

        let update_revision = status
            .and_then(|s| s.update_revision.clone())
            .unwrap_or_default();
        let partition = spec
            .and_then(|s| s.update_strategy.as_ref())
            .and_then(|u| u.rolling_update.as_ref())
            .and_then(|r| r.partition)
            .unwrap_or(0);
        let on_delete = spec
            .and_then(|s| s.update_strategy.as_ref())
            .and_then(|u| u.type_.as_deref())
            == Some("OnDelete");
        let note = if on_delete {
            Some("update.onDelete".to_string())
        } else if partition > 0 {
            Some("update.partitioned".to_string())
        } else {
            None
        };
        row.cells.insert(
            "update",
            Cell::Progress {
                done: updated,
                total: desired,
                key: note,
            },
        );
        row.sort.insert(
            "update",
            SortKey::Num(f64::from(updated) - f64::from(desired)),
        );

        let labels: Vec<String> = sts
            .metadata
            .labels
            .iter()
            .flatten()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        row.sort.insert("labels", SortKey::Text(labels.join(",")));
        row.cells.insert("labels", Cell::Chips { v: labels });

        let selector = spec
            .map(|s| selector_string(&s.selector))
            .unwrap_or_default();
        row.cells.insert("selector", Cell::mono(selector));

        let service = spec
            .and_then(|s| s.service_name.clone())
            .unwrap_or_default();
        row.cells.insert(
            "service",
            if service.is_empty() {
                Cell::Empty
            } else {
                Cell::mono(service)
            },
        );

        let templates = spec
            .and_then(|s| s.volume_claim_templates.as_ref())
            .map(|t| t.len() as i32)
            .unwrap_or(0);
        let claims = templates * desired.max(stopped_from.unwrap_or(0));
        row.cells.insert(
            "storage",
            if templates == 0 {
                Cell::Empty
            } else {
                Cell::Count { v: claims }
            },
        );
        row.sort.insert("storage", SortKey::Num(f64::from(claims)));

        row.facts.insert("replicas", i64::from(desired));
        row.facts.insert("readyReplicas", i64::from(ready));
        row.facts
            .insert("stoppedFrom", i64::from(stopped_from.unwrap_or(0)));
        row.facts.insert("claimTemplates", i64::from(templates));
        row.facts.insert("partition", i64::from(partition));
        // What deleting does to the PVCs: the claims that exist per template and ordinal, and
        // whether the retention policy deletes them with the set (whenDeleted: Delete).
        row.facts.insert("claims", i64::from(claims));
        let deletes_claims = spec
            .and_then(|s| s.persistent_volume_claim_retention_policy.as_ref())
            .and_then(|p| p.when_deleted.as_deref())
            == Some("Delete");
        row.facts
            .insert("claimsDeletedWithSet", i64::from(deletes_claims));
        row.cells.insert("revision", Cell::mono(update_revision));
        row
    }
}

/// True when the controller has observed the latest spec and every pod runs the update revision.
pub fn is_rolled_out(sts: &StatefulSet) -> bool {
    let Some(status) = sts.status.as_ref() else {
        return false;
    };
    let generation = sts.metadata.generation.unwrap_or(0);
    let observed = status.observed_generation.unwrap_or(0);
    let desired = sts.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    observed >= generation
        && status.updated_replicas.unwrap_or(0) >= desired
        && (status.current_revision.is_none() || status.current_revision == status.update_revision)
}

/// A label selector as `kubectl` prints it: `a=b,c in (d,e)`.
pub fn selector_string(
    sel: &k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector,
) -> String {
    let mut parts: Vec<String> = sel
        .match_labels
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    for e in sel.match_expressions.iter().flatten() {
        let values = e.values.clone().unwrap_or_default().join(",");
        parts.push(match e.operator.as_str() {
            "In" => format!("{} in ({values})", e.key),
            "NotIn" => format!("{} notin ({values})", e.key),
            "Exists" => e.key.clone(),
            "DoesNotExist" => format!("!{}", e.key),
            op => format!("{} {op} ({values})", e.key),
        });
    }
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::KindSpec;

    fn sts(json: serde_json::Value) -> StatefulSet {
        serde_json::from_value(json).unwrap()
    }

    fn status_of(row: &Row) -> (Tone, String, String, String) {
        match &row.cells["status"] {
            Cell::Status { tone, key, params } => (
                *tone,
                key.to_string(),
                params["ready"].clone(),
                params["desired"].clone(),
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ready_statefulset_reads_n_of_m_ok() {
        let row = StatefulSets::row(&sts(serde_json::json!({
            "metadata": {"name": "postgres", "namespace": "db", "generation": 2, "labels": {"app": "postgres"}},
            "spec": {"replicas": 3, "serviceName": "postgres", "selector": {"matchLabels": {"app": "postgres"}},
                     "template": {}, "volumeClaimTemplates": [{"metadata": {"name": "data"}}]},
            "status": {"replicas": 3, "readyReplicas": 3, "updatedReplicas": 3, "observedGeneration": 2,
                       "currentRevision": "postgres-abc", "updateRevision": "postgres-abc"}
        })));
        assert_eq!(row.key, "db/postgres");
        assert_eq!(
            status_of(&row),
            (Tone::Ok, "status.podsReady".into(), "3".into(), "3".into())
        );
        assert_eq!(row.cells["selector"], Cell::mono("app=postgres"));
        assert_eq!(row.cells["storage"], Cell::Count { v: 3 });
        assert_eq!(row.facts["replicas"], 3);
    }

    #[test]
    fn rolling_update_in_progress_is_progressing() {
        let row = StatefulSets::row(&sts(serde_json::json!({
            "metadata": {"name": "kafka", "namespace": "mq", "generation": 3},
            "spec": {"replicas": 3, "serviceName": "kafka", "selector": {}, "template": {},
                     "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 1}}},
            "status": {"replicas": 3, "readyReplicas": 3, "updatedReplicas": 1, "observedGeneration": 3,
                       "currentRevision": "kafka-1", "updateRevision": "kafka-2"}
        })));
        assert_eq!(status_of(&row).0, Tone::Progressing);
        assert_eq!(
            row.cells["update"],
            Cell::Progress {
                done: 1,
                total: 3,
                key: Some("update.partitioned".into())
            }
        );
    }

    #[test]
    fn stopped_shows_the_recorded_count() {
        let row = StatefulSets::row(&sts(serde_json::json!({
            "metadata": {"name": "redis", "namespace": "cache", "annotations": {REPLICAS_BEFORE_STOP: "6"}},
            "spec": {"replicas": 0, "serviceName": "redis", "selector": {}, "template": {}},
            "status": {"replicas": 0}
        })));
        let Cell::Status { tone, key, params } = &row.cells["status"] else {
            panic!()
        };
        assert_eq!(
            (*tone, key.as_ref(), params["was"].as_str()),
            (Tone::Stopped, "status.stoppedWas", "6")
        );
        assert_eq!(row.facts["stoppedFrom"], 6);
    }

    #[test]
    fn info_describes_the_kind() {
        let info = StatefulSets::info();
        assert_eq!(
            (
                info.kind.as_str(),
                info.api_version.as_str(),
                info.namespaced
            ),
            ("StatefulSet", "apps/v1", true)
        );
        assert!(info
            .columns
            .iter()
            .any(|c| c.id == "status" && c.title_key == "col.status"));
        assert!(info.capabilities.contains(&Capability::Stop));
    }
}

// ---------------------------------------------------------------------------------------------
// Detail view model
// ---------------------------------------------------------------------------------------------

pub use detail_types::*;

mod detail_types {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Serialize};
    use ts_rs::TS;

    use crate::kinds::detail::{ConditionView, EventView, Finding, StatusView};

    /// Does the governing Service exist, is it headless, does it select the pods?
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
    #[serde(rename_all = "camelCase")]
    pub struct ServiceCheck {
        pub name: String,
        pub exists: bool,
        /// `clusterIP: None`.
        pub headless: bool,
        /// The Service's selector matches the pod template's labels.
        pub selects_pods: bool,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
    #[serde(rename_all = "camelCase")]
    pub struct PdbSummary {
        pub name: String,
        /// As written: a number or a percentage.
        pub min_available: Option<String>,
        pub max_unavailable: Option<String>,
        pub disruptions_allowed: i32,
        pub current_healthy: i32,
        pub desired_healthy: i32,
        pub expected_pods: i32,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
    #[serde(rename_all = "camelCase")]
    pub struct ClaimTemplateView {
        pub name: String,
        pub storage_class: Option<String>,
        pub size: Option<String>,
        pub access_modes: Vec<String>,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
    #[serde(rename_all = "camelCase")]
    pub struct ClaimView {
        /// `<template>-<sts>-<ordinal>`.
        pub name: String,
        pub template: String,
        /// `Bound`, `Pending`, `Lost`, or `Missing` when it does not exist.
        pub phase: String,
        pub capacity: Option<String>,
        pub storage_class: Option<String>,
        pub volume: Option<String>,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
    #[serde(rename_all = "camelCase")]
    pub struct PodView {
        pub name: String,
        /// Pending / Running / Succeeded / Failed / Unknown.
        pub phase: String,
        pub ready: bool,
        pub status: StatusView,
        pub restarts: i32,
        pub node: Option<String>,
        pub ip: Option<String>,
        /// The pod's `controller-revision-hash`.
        pub revision: String,
        /// Runs the update revision.
        pub updated: bool,
        pub terminating: bool,
        #[ts(type = "number")]
        pub created: i64,
    }

    /// One ordinal of the set: the pod (if any), its stable DNS name and its claims.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
    #[serde(rename_all = "camelCase")]
    pub struct OrdinalView {
        pub ordinal: i32,
        pub pod: Option<PodView>,
        /// `<pod>.<service>.<namespace>.svc.cluster.local`.
        pub dns_name: String,
        pub claims: Vec<ClaimView>,
        /// Below `spec.replicas` (a missing pod here is a gap the UI shows).
        pub desired: bool,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
    #[serde(rename_all = "camelCase")]
    pub struct RolloutView {
        /// `OrderedReady` or `Parallel`.
        pub pod_management_policy: String,
        /// `RollingUpdate` or `OnDelete`.
        pub strategy: String,
        pub partition: i32,
        pub max_unavailable: Option<String>,
        pub current_revision: Option<String>,
        pub update_revision: Option<String>,
        pub replicas: i32,
        pub ready: i32,
        pub updated: i32,
        pub current: i32,
        /// `None` when the server does not report it (`status.availableReplicas`, since 1.23).
        pub available: Option<i32>,
        pub generation: i32,
        pub observed_generation: i32,
        /// What the rollout waits on, in the UI's words (e.g. `rollout.waitingReady {pod}`).
        pub status: StatusView,
        /// Ordinals still to be updated, in the order the controller will take them.
        pub pending_ordinals: Vec<i32>,
        /// Ordinals below the partition still on the old revision (held by a staged rollout),
        /// highest first: lowering the partition releases them in this order.
        pub held_ordinals: Vec<i32>,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
    #[serde(rename_all = "camelCase")]
    pub struct StatefulSetDetail {
        pub context: String,
        pub namespace: String,
        pub name: String,
        pub uid: String,
        pub resource_version: String,
        #[ts(type = "number")]
        pub created: i64,
        pub status: StatusView,
        pub labels: BTreeMap<String, String>,
        pub annotations: BTreeMap<String, String>,
        pub selector: String,
        pub node_selector: BTreeMap<String, String>,
        pub service: ServiceCheck,
        pub rollout: RolloutView,
        /// `whenDeleted` / `whenScaled`: `Retain` or `Delete`.
        /// `None` when the server did not send the field (it has none before Kubernetes 1.27).
        pub retention_when_deleted: Option<String>,
        pub retention_when_scaled: Option<String>,
        /// `None` when the server did not send it (before 1.23; a server that has it sends 0).
        pub min_ready_seconds: Option<i32>,
        pub conditions: Vec<ConditionView>,
        /// e.g. `ApplicationSet/x` when something owns the StatefulSet.
        pub owner: Option<String>,
        pub pdb: Option<PdbSummary>,
        /// An HPA targets this StatefulSet (replica edits are then hidden).
        pub hpa: Option<String>,
        pub claim_templates: Vec<ClaimTemplateView>,
        /// Env vars and envFrom of each container (init containers first); secret values never.
        pub containers: Vec<crate::kinds::env::ContainerEnvView>,
        /// One entry per ordinal, in ordinal order, including gaps.
        pub ordinals: Vec<OrdinalView>,
        /// Newest first, bounded.
        pub events: Vec<EventView>,
        pub findings: Vec<Finding>,
        /// The replica count Stop recorded, if any.
        pub stopped_from: Option<i32>,
    }
}
