//! The Doctor's rules: the findings of one StatefulSet from its facts and those around it.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use super::facts::{labels_match, ClaimFacts, Labels, PdbFacts, PodFacts, ServiceFacts, SetFacts};
use crate::kinds::detail::{Finding, Severity};

/// Restarts above which a pod that is not Ready counts as crash-looping.
pub const CRASH_LOOP_RESTARTS: i32 = 3;
/// A pod not Ready for longer than this makes the rollout "stuck".
pub const STUCK_AFTER_SECS: i64 = 300;
/// The objects around one StatefulSet, all from its namespace and keyed by name.
pub struct Around<'a> {
    pub pods: &'a BTreeMap<String, PodFacts>,
    pub claims: &'a BTreeMap<String, ClaimFacts>,
    /// The governing Service (`spec.serviceName`), when it exists.
    pub service: Option<&'a ServiceFacts>,
    pub pdbs: &'a BTreeMap<String, PdbFacts>,
    /// Unix seconds.
    pub now: i64,
}

/// The entries of `map` named `<prefix><ordinal>`, with their ordinals.
pub fn with_ordinal<'a, T>(
    map: &'a BTreeMap<String, T>,
    prefix: &'a str,
) -> impl Iterator<Item = (i32, &'a String, &'a T)> + 'a {
    map.range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
        .take_while(move |(k, _)| k.starts_with(prefix))
        .filter_map(move |(k, v)| k[prefix.len()..].parse::<i32>().ok().map(|o| (o, k, v)))
}

/// The PDB that covers the set's pods: the first, by name, whose selector matches the template.
pub fn covering_pdb<'a>(
    pdbs: &'a BTreeMap<String, PdbFacts>,
    template_labels: &Labels,
) -> Option<(&'a String, &'a PdbFacts)> {
    pdbs.iter().find(|(_, p)| {
        p.match_labels
            .as_ref()
            .is_some_and(|ml| labels_match(ml, template_labels))
    })
}

fn finding<const N: usize>(severity: Severity, key: &str, params: [(&str, String); N]) -> Finding {
    Finding {
        severity,
        key: key.into(),
        params: params
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    }
}

/// What is wrong with one pod of the set, if anything.
pub fn pod_finding(name: &str, pod: &PodFacts, now: i64) -> Option<Finding> {
    if pod.crash || pod.restarts > CRASH_LOOP_RESTARTS && !pod.ready {
        Some(finding(
            Severity::Error,
            "doctor.crashLoop",
            [
                ("pod", name.to_string()),
                ("restarts", pod.restarts.to_string()),
            ],
        ))
    } else if !pod.ready
        && !pod.terminating
        && pod.created > 0
        && now - pod.created > STUCK_AFTER_SECS
    {
        Some(finding(
            Severity::Warning,
            "doctor.rolloutStuck",
            [
                ("pod", name.to_string()),
                ("minutes", ((now - pod.created) / 60).to_string()),
            ],
        ))
    } else {
        None
    }
}

/// The doctor's findings for one StatefulSet, worst first.
pub fn findings(set: &SetFacts, around: &Around<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let replicas = set.replicas;

    // the governing Service
    let service = set.service_name.clone();
    match around.service {
        None => out.push(finding(
            Severity::Error,
            "doctor.serviceMissing",
            [("service", service)],
        )),
        Some(s) if !s.headless => out.push(finding(
            Severity::Warning,
            "doctor.serviceNotHeadless",
            [("service", service)],
        )),
        Some(s) if !s.selects(&set.template_labels) => out.push(finding(
            Severity::Warning,
            "doctor.serviceSelectorMismatch",
            [("service", service)],
        )),
        Some(_) => {}
    }

    // a partition no ordinal can pass
    if set.rolling_update && set.partition > 0 && set.partition >= replicas && replicas > 0 {
        out.push(finding(
            Severity::Warning,
            "doctor.partitionBlocks",
            [
                ("partition", set.partition.to_string()),
                ("replicas", replicas.to_string()),
            ],
        ));
    }

    // pods and claims by ordinal (by name, not selector: a pod whose labels were edited counts)
    let pod_prefix = format!("{}-", set.name);
    let pods: BTreeMap<i32, (&String, &PodFacts)> = with_ordinal(around.pods, &pod_prefix)
        .map(|(o, n, p)| (o, (n, p)))
        .collect();
    let mut claim_ordinals = BTreeSet::new();
    for tpl in &set.claim_templates {
        let prefix = format!("{tpl}-{}-", set.name);
        for (o, claim, c) in with_ordinal(around.claims, &prefix) {
            claim_ordinals.insert(o);
            if c.pending {
                out.push(finding(
                    Severity::Error,
                    "doctor.pvcPending",
                    [
                        ("claim", claim.clone()),
                        ("storageClass", c.storage_class.clone()),
                    ],
                ));
            }
        }
    }
    let orphaned = claim_ordinals
        .iter()
        .filter(|o| **o >= replicas && !pods.contains_key(o))
        .count();
    if orphaned > 0 && replicas > 0 {
        out.push(finding(
            Severity::Info,
            "doctor.orphanedClaims",
            [("count", orphaned.to_string())],
        ));
    }
    out.extend(
        pods.values()
            .filter_map(|(name, p)| pod_finding(name, p, around.now)),
    );

    // a disruption budget that allows nothing
    if let Some((name, pdb)) = covering_pdb(around.pdbs, &set.template_labels) {
        if pdb.blocks_all(replicas) {
            out.push(finding(
                Severity::Warning,
                "doctor.pdbBlocks",
                [("pdb", name.clone())],
            ));
        }
    }

    out.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.key.cmp(&b.key)));
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(json: serde_json::Value) -> SetFacts {
        SetFacts::of(&serde_json::from_value(json).unwrap())
    }

    fn web() -> SetFacts {
        set(serde_json::json!({
            "metadata": {"name": "web", "namespace": "ns"},
            "spec": {"replicas": 2, "serviceName": "web", "selector": {},
                     "template": {"metadata": {"labels": {"app": "web"}}},
                     "volumeClaimTemplates": [{"metadata": {"name": "data"}}]}
        }))
    }

    fn pod(ready: bool, restarts: i32, created: i64) -> PodFacts {
        PodFacts {
            ready,
            restarts,
            crash: false,
            created,
            terminating: false,
        }
    }

    fn keys(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|f| f.key.as_str()).collect()
    }

    #[test]
    fn a_healthy_set_has_no_findings_and_problems_are_named_worst_first() {
        let svc = ServiceFacts {
            headless: true,
            selector: Some([("app".to_string(), "web".to_string())].into()),
        };
        let mut pods: BTreeMap<String, PodFacts> = [
            ("web-0".to_string(), pod(true, 0, 1_000)),
            ("web-1".to_string(), pod(true, 0, 1_000)),
            // another set's pod with a similar name is not ours
            ("web-extra-0".to_string(), pod(false, 9, 1_000)),
        ]
        .into();
        let claims: BTreeMap<String, ClaimFacts> = [
            (
                "data-web-0".to_string(),
                ClaimFacts {
                    pending: false,
                    storage_class: "ssd".into(),
                },
            ),
            (
                "data-web-1".to_string(),
                ClaimFacts {
                    pending: false,
                    storage_class: "ssd".into(),
                },
            ),
        ]
        .into();
        let pdbs = BTreeMap::new();
        let around = |pods, claims, service| Around {
            pods,
            claims,
            service,
            pdbs: &pdbs,
            now: 2_000,
        };
        assert_eq!(
            findings(&web(), &around(&pods, &claims, Some(&svc))),
            vec![]
        );

        // web-1 crash-loops, web-0 has waited 16 min, a claim of a scaled-away ordinal stays
        pods.insert("web-1".into(), pod(false, 5, 1_000));
        pods.insert("web-0".into(), pod(false, 0, 1_000));
        let mut claims = claims;
        claims.insert(
            "data-web-4".into(),
            ClaimFacts {
                pending: true,
                storage_class: "slow".into(),
            },
        );
        let f = findings(
            &web(),
            &Around {
                pods: &pods,
                claims: &claims,
                service: None,
                pdbs: &pdbs,
                now: 2_000,
            },
        );
        assert_eq!(
            keys(&f),
            [
                "doctor.crashLoop",
                "doctor.pvcPending",
                "doctor.serviceMissing",
                "doctor.rolloutStuck",
                "doctor.orphanedClaims"
            ]
        );
        assert_eq!(f[0].params["pod"], "web-1");
        assert_eq!(f[1].params["storageClass"], "slow");
        assert_eq!(f[3].params["minutes"], "16");
    }

    #[test]
    fn partition_and_budget_that_block_everything() {
        let mut s = web();
        s.partition = 2;
        let svc = ServiceFacts {
            headless: false,
            selector: None,
        };
        let pdbs: BTreeMap<String, PdbFacts> = [(
            "web".to_string(),
            PdbFacts {
                match_labels: Some([("app".to_string(), "web".to_string())].into()),
                min_available: Some("2".into()),
                max_unavailable: None,
            },
        )]
        .into();
        let empty_pods = BTreeMap::new();
        let empty_claims = BTreeMap::new();
        let f = findings(
            &s,
            &Around {
                pods: &empty_pods,
                claims: &empty_claims,
                service: Some(&svc),
                pdbs: &pdbs,
                now: 0,
            },
        );
        assert_eq!(
            keys(&f),
            [
                "doctor.partitionBlocks",
                "doctor.pdbBlocks",
                "doctor.serviceNotHeadless"
            ]
        );
        s.rolling_update = false;
        assert!(!keys(&findings(
            &s,
            &Around {
                pods: &empty_pods,
                claims: &empty_claims,
                service: Some(&svc),
                pdbs: &pdbs,
                now: 0
            },
        ))
        .contains(&"doctor.partitionBlocks"));
    }
}
