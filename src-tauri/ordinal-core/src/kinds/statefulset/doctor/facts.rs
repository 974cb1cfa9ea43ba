//! The facts the Doctor keeps per object: a few fields, not the object.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod, Service};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;

/// A label map as the doctor keeps it: sorted pairs in one allocation. A `BTreeMap` allocates a
/// whole node (about 550 bytes) even for the one label most selectors have; with 10,000 sets and
/// their Services watched, that was most of the Doctor's memory.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Labels(Box<[(Box<str>, Box<str>)]>);

impl Labels {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .binary_search_by(|(k, _)| (**k).cmp(key))
            .ok()
            .map(|i| &*self.0[i].1)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (&**k, &**v))
    }
}

impl From<BTreeMap<String, String>> for Labels {
    fn from(m: BTreeMap<String, String>) -> Self {
        // A BTreeMap iterates in key order: the pairs come out sorted.
        Self(m.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }
}

impl<const N: usize> From<[(String, String); N]> for Labels {
    fn from(pairs: [(String, String); N]) -> Self {
        BTreeMap::from(pairs).into()
    }
}

/// What the doctor needs to know about the StatefulSet itself.
#[derive(Debug, Clone, PartialEq)]
pub struct SetFacts {
    pub name: String,
    pub replicas: i32,
    pub service_name: String,
    pub template_labels: Labels,
    /// `RollingUpdate` (the default), as opposed to `OnDelete`.
    pub rolling_update: bool,
    pub partition: i32,
    /// The names of the volumeClaimTemplates.
    pub claim_templates: Vec<String>,
}

impl SetFacts {
    pub fn of(sts: &StatefulSet) -> Self {
        let spec = sts.spec.as_ref();
        let strategy = spec.and_then(|s| s.update_strategy.as_ref());
        Self {
            name: sts.metadata.name.clone().unwrap_or_default(),
            replicas: spec.and_then(|s| s.replicas).unwrap_or(1),
            service_name: spec
                .and_then(|s| s.service_name.clone())
                .unwrap_or_default(),
            template_labels: spec
                .and_then(|s| s.template.metadata.as_ref())
                .and_then(|m| m.labels.clone())
                .map(Labels::from)
                .unwrap_or_default(),
            rolling_update: strategy
                .and_then(|u| u.type_.as_deref())
                .unwrap_or("RollingUpdate")
                == "RollingUpdate",
            partition: strategy
                .and_then(|u| u.rolling_update.as_ref())
                .and_then(|r| r.partition)
                .unwrap_or(0),
            claim_templates: spec
                .and_then(|s| s.volume_claim_templates.as_ref())
                .into_iter()
                .flatten()
                .map(|t| t.metadata.name.clone().unwrap_or_default())
                .collect(),
        }
    }
}

/// One pod, as far as the doctor cares (its name is the key it is stored under).
#[derive(Debug, Clone, PartialEq)]
pub struct PodFacts {
    pub ready: bool,
    pub restarts: i32,
    /// A container waits in `CrashLoopBackOff`.
    pub crash: bool,
    /// Creation time, Unix seconds (0 when unknown).
    pub created: i64,
    pub terminating: bool,
}

impl PodFacts {
    pub fn of(pod: &Pod) -> Self {
        let status = pod.status.as_ref();
        let containers = status
            .and_then(|s| s.container_statuses.as_deref())
            .unwrap_or_default();
        Self {
            ready: status
                .and_then(|s| s.conditions.as_ref())
                .into_iter()
                .flatten()
                .any(|c| c.type_ == "Ready" && c.status == "True"),
            restarts: containers.iter().map(|c| c.restart_count).sum(),
            crash: containers.iter().any(|c| {
                c.state
                    .as_ref()
                    .and_then(|s| s.waiting.as_ref())
                    .and_then(|w| w.reason.as_deref())
                    == Some("CrashLoopBackOff")
            }),
            created: pod
                .metadata
                .creation_timestamp
                .as_ref()
                .map_or(0, |t| t.0.as_second()),
            terminating: pod.metadata.deletion_timestamp.is_some(),
        }
    }
}

/// One PersistentVolumeClaim.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimFacts {
    /// Phase `Pending` (or no phase yet).
    pub pending: bool,
    pub storage_class: String,
}

impl ClaimFacts {
    pub fn of(pvc: &PersistentVolumeClaim) -> Self {
        Self {
            pending: pvc
                .status
                .as_ref()
                .and_then(|s| s.phase.as_deref())
                .unwrap_or("Pending")
                == "Pending",
            storage_class: pvc
                .spec
                .as_ref()
                .and_then(|s| s.storage_class_name.clone())
                .unwrap_or_default(),
        }
    }
}

/// One Service (a candidate governing Service).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceFacts {
    /// `clusterIP: None`.
    pub headless: bool,
    pub selector: Option<Labels>,
}

impl ServiceFacts {
    pub fn of(svc: &Service) -> Self {
        let spec = svc.spec.as_ref();
        Self {
            headless: spec.and_then(|s| s.cluster_ip.as_deref()) == Some("None"),
            selector: spec.and_then(|s| s.selector.clone()).map(Labels::from),
        }
    }

    /// The Service selects pods with the template's labels.
    pub fn selects(&self, template_labels: &Labels) -> bool {
        self.selector
            .as_ref()
            .is_some_and(|sel| labels_match(sel, template_labels))
    }
}

/// One PodDisruptionBudget (its name is the key it is stored under).
#[derive(Debug, Clone, PartialEq)]
pub struct PdbFacts {
    pub match_labels: Option<Labels>,
    pub min_available: Option<String>,
    pub max_unavailable: Option<String>,
}

impl PdbFacts {
    pub fn of(pdb: &PodDisruptionBudget) -> Self {
        let spec = pdb.spec.as_ref();
        Self {
            match_labels: spec
                .and_then(|s| s.selector.as_ref())
                .and_then(|s| s.match_labels.clone())
                .map(Labels::from),
            min_available: int_or_string(spec.and_then(|s| s.min_available.as_ref())),
            max_unavailable: int_or_string(spec.and_then(|s| s.max_unavailable.as_ref())),
        }
    }

    /// With `replicas` pods, no voluntary disruption is ever allowed.
    pub fn blocks_all(&self, replicas: i32) -> bool {
        matches!(self.max_unavailable.as_deref(), Some("0" | "0%"))
            || self
                .min_available
                .as_deref()
                .and_then(|m| m.parse::<i32>().ok())
                .is_some_and(|m| m >= replicas && replicas > 0)
            || self.min_available.as_deref() == Some("100%")
    }
}

pub(crate) fn int_or_string(
    v: Option<&k8s_openapi::apimachinery::pkg::util::intstr::IntOrString>,
) -> Option<String> {
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    v.map(|v| match v {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => s.clone(),
    })
}

/// Every selector label is on the pod (an empty selector matches nothing here).
pub(crate) fn labels_match(selector: &Labels, labels: &Labels) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_look_up_by_key_and_match_as_a_selector() {
        let pod = Labels::from([
            ("app".to_string(), "web".to_string()),
            ("tier".to_string(), "db".to_string()),
            ("zone".to_string(), "a".to_string()),
        ]);
        assert_eq!(pod.get("tier"), Some("db"));
        assert_eq!(pod.get("app"), Some("web"));
        assert_eq!(pod.get("zone"), Some("a"));
        assert_eq!(pod.get("nope"), None);
        let sel = Labels::from([("zone".to_string(), "a".to_string())]);
        assert!(labels_match(&sel, &pod));
        let other = Labels::from([("zone".to_string(), "b".to_string())]);
        assert!(!labels_match(&other, &pod));
        assert!(
            !labels_match(&Labels::default(), &pod),
            "an empty selector matches nothing"
        );
    }
}
