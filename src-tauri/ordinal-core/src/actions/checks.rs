//! Before a batch: which actions RBAC allows on the selection (a SelfSubjectAccessReview per
//! namespace and verb, cached by [`Clusters::can_i`]), and which selected objects an autoscaler
//! drives (scaling them by hand, or stopping them, fights the HPA).

use std::collections::BTreeSet;

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use kube::api::{Api, ListParams};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ObjectRef;
use crate::cluster::Clusters;
use crate::kinds::Capability;

/// An action RBAC refuses in one namespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Denied {
    pub capability: Capability,
    pub namespace: String,
    /// e.g. `patch`
    pub verb: String,
    /// e.g. `statefulsets.apps`
    pub resource: String,
}

/// A selected object a HorizontalPodAutoscaler scales.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HpaTarget {
    pub namespace: String,
    /// The selected object.
    pub name: String,
    /// The autoscaler's name.
    pub hpa: String,
    pub min_replicas: Option<i32>,
    pub max_replicas: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActionChecks {
    pub denied: Vec<Denied>,
    pub hpas: Vec<HpaTarget>,
}

/// The verb an action needs on the object.
pub fn verb(c: Capability) -> &'static str {
    match c {
        Capability::Delete => "delete",
        Capability::Start
        | Capability::Stop
        | Capability::Restart
        | Capability::Scale
        | Capability::Rollout
        | Capability::EditYaml => "patch",
    }
}

/// What RBAC allows for `capabilities` on `targets` of `group/plural` (kind `kind`), and the
/// autoscalers that drive any of them. Failures to ask are treated as allowed (the action itself
/// will then report the server's answer).
pub async fn check(
    clusters: &Clusters,
    context: &str,
    group: &str,
    plural: &str,
    kind: &str,
    capabilities: &[Capability],
    targets: &[ObjectRef],
) -> ActionChecks {
    let namespaces: BTreeSet<String> = targets
        .iter()
        .map(|t| t.namespace.clone().unwrap_or_default())
        .collect();
    let resource = if group.is_empty() {
        plural.to_string()
    } else {
        format!("{plural}.{group}")
    };
    let mut out = ActionChecks::default();
    let verbs: BTreeSet<&str> = capabilities.iter().map(|c| verb(*c)).collect();
    for ns in &namespaces {
        for v in &verbs {
            let allowed = clusters
                .can_i(context, ns, v, group, plural)
                .await
                .unwrap_or(true);
            if !allowed {
                for c in capabilities.iter().filter(|c| verb(**c) == *v) {
                    out.denied.push(Denied {
                        capability: *c,
                        namespace: ns.clone(),
                        verb: v.to_string(),
                        resource: resource.clone(),
                    });
                }
            }
        }
    }
    let Some(client) = clusters.client(context) else {
        return out;
    };
    for ns in &namespaces {
        let api: Api<HorizontalPodAutoscaler> = Api::namespaced(client.clone(), ns);
        let Ok(list) = api.list(&ListParams::default()).await else {
            continue;
        };
        for h in list.items {
            let Some(spec) = h.spec else { continue };
            let r = &spec.scale_target_ref;
            if r.kind != kind {
                continue;
            }
            if targets
                .iter()
                .any(|t| t.name == r.name && t.namespace.as_deref().unwrap_or("") == ns)
            {
                out.hpas.push(HpaTarget {
                    namespace: ns.clone(),
                    name: r.name.clone(),
                    hpa: h.metadata.name.unwrap_or_default(),
                    min_replicas: spec.min_replicas,
                    max_replicas: spec.max_replicas,
                });
            }
        }
    }
    out
}
