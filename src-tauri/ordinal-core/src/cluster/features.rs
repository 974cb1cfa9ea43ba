//! What a connected server offers, learnt once at connect: the API versions it serves (from
//! discovery, `/apis`) and the fields it knows (from its version: servers before 1.25 drop
//! fields they do not know without a word, so a write would "succeed" and change nothing).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::APIGroupList;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The oldest Kubernetes minor version Ordinal is tested against (`1.20`, the CI's real control
/// plane). Older servers are connected, and the cluster status says they are untested.
pub const OLDEST_TESTED_MINOR: u32 = 20;

/// `policy/v1`: PodDisruptionBudgets since Kubernetes 1.21.
pub const PDB_V1: &str = "policy/v1";
/// `policy/v1beta1`: PodDisruptionBudgets up to Kubernetes 1.24.
pub const PDB_V1BETA1: &str = "policy/v1beta1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServerFeatures {
    /// The server's minor version (`20` for v1.20.2), when it could be read.
    pub minor: Option<u32>,
    /// The API version PodDisruptionBudgets are served at (`policy/v1`, `policy/v1beta1`), or
    /// `None` when the server serves neither.
    pub pdb_api: Option<String>,
    /// StatefulSet `spec.persistentVolumeClaimRetentionPolicy` (on by default since 1.27).
    pub sts_retention_policy: bool,
    /// StatefulSet `spec.minReadySeconds` and `status.availableReplicas` (on by default since 1.23).
    pub sts_min_ready_seconds: bool,
    /// `metrics.k8s.io` is served (a metrics-server is installed).
    pub metrics: bool,
}

impl Default for ServerFeatures {
    /// A current server: what tests and callers without discovery assume.
    fn default() -> Self {
        Self {
            minor: None,
            pdb_api: Some(PDB_V1.into()),
            sts_retention_policy: true,
            sts_min_ready_seconds: true,
            metrics: true,
        }
    }
}

impl ServerFeatures {
    /// From `/version`'s `minor` (e.g. `20`, or `20+` on some providers) and `/apis`.
    pub fn discover(minor: &str, groups: &APIGroupList) -> Self {
        let minor: Option<u32> = minor
            .trim_end_matches(|c: char| !c.is_ascii_digit())
            .parse()
            .ok();
        let serves = |group: &str, version: &str| {
            groups
                .groups
                .iter()
                .any(|g| g.name == group && g.versions.iter().any(|v| v.version == version))
        };
        let pdb_api = if serves("policy", "v1") {
            Some(PDB_V1.to_string())
        } else if serves("policy", "v1beta1") {
            Some(PDB_V1BETA1.to_string())
        } else {
            None
        };
        // An unreadable version is taken as a current server: discovery still decides the APIs.
        let since = |m: u32| minor.is_none_or(|v| v >= m);
        Self {
            minor,
            pdb_api,
            sts_retention_policy: since(27),
            sts_min_ready_seconds: since(23),
            metrics: groups.groups.iter().any(|g| g.name == "metrics.k8s.io"),
        }
    }

    /// Older than the oldest version Ordinal is tested against.
    pub fn untested(&self) -> bool {
        self.minor.is_some_and(|m| m < OLDEST_TESTED_MINOR)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(list: &[(&str, &[&str])]) -> APIGroupList {
        serde_json::from_value(serde_json::json!({
            "groups": list.iter().map(|(name, versions)| serde_json::json!({
                "name": name,
                "versions": versions.iter().map(|v| serde_json::json!({
                    "groupVersion": format!("{name}/{v}"), "version": v
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>()
        }))
        .unwrap()
    }

    #[test]
    fn a_1_20_server_has_beta_budgets_and_neither_newer_field() {
        let f = ServerFeatures::discover(
            "20",
            &groups(&[("apps", &["v1"]), ("policy", &["v1beta1"])]),
        );
        assert_eq!(f.pdb_api.as_deref(), Some(PDB_V1BETA1));
        assert!(!f.sts_retention_policy);
        assert!(!f.sts_min_ready_seconds);
        assert!(!f.metrics);
        assert!(!f.untested());
    }

    #[test]
    fn a_current_server_has_everything() {
        let f = ServerFeatures::discover(
            "34",
            &groups(&[("policy", &["v1"]), ("metrics.k8s.io", &["v1beta1"])]),
        );
        assert_eq!(f.pdb_api.as_deref(), Some(PDB_V1));
        assert!(f.sts_retention_policy && f.sts_min_ready_seconds && f.metrics);
    }

    #[test]
    fn provider_minor_versions_and_missing_groups() {
        let f = ServerFeatures::discover("24+", &groups(&[("policy", &["v1", "v1beta1"])]));
        assert_eq!(f.minor, Some(24));
        assert_eq!(f.pdb_api.as_deref(), Some(PDB_V1), "v1 is preferred");
        assert!(f.sts_min_ready_seconds && !f.sts_retention_policy);
        let none = ServerFeatures::discover("19", &groups(&[]));
        assert_eq!(none.pdb_api, None);
        assert!(none.untested());
        let unknown = ServerFeatures::discover("", &groups(&[]));
        assert_eq!(unknown.minor, None);
        assert!(
            unknown.sts_retention_policy,
            "an unreadable version is a current one"
        );
    }
}
