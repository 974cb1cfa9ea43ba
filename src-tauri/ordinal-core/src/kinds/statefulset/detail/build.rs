//! Building the StatefulSet detail from cached objects: pure, testable without a cluster.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;

use super::super::doctor::{self, int_or_string};
use super::super::*;
use super::{Inputs, MAX_EVENTS};
use crate::kinds::detail::{ConditionView, EventView, StatusView};
use crate::kinds::Tone;

fn ts(t: &Option<k8s_openapi::apimachinery::pkg::apis::meta::v1::Time>) -> i64 {
    t.as_ref().map(|t| t.0.as_second()).unwrap_or(0)
}

fn sv<const N: usize>(tone: Tone, key: &str, params: [(&str, String); N]) -> StatusView {
    StatusView {
        tone,
        key: key.into(),
        params: params
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    }
}

/// One pod's view: phase, readiness, tone and status key, restarts, revision.
fn pod_view(pod: &Pod, update_revision: &str) -> PodView {
    let status = pod.status.clone().unwrap_or_default();
    let phase = status.phase.clone().unwrap_or_else(|| "Unknown".into());
    // readiness, restarts, crash loop and age as the doctor reads them
    let doctor::PodFacts {
        ready,
        restarts,
        crash,
        created,
        terminating,
    } = doctor::PodFacts::of(pod);
    let name = pod.metadata.name.clone().unwrap_or_default();
    let revision = pod
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get("controller-revision-hash"))
        .cloned()
        .unwrap_or_default();
    let status_view = if terminating {
        sv(Tone::Terminating, "status.terminating", [])
    } else if crash {
        sv(
            Tone::Failed,
            "status.crashLoop",
            [("restarts", restarts.to_string())],
        )
    } else if ready {
        sv(Tone::Ok, "status.ready", [])
    } else if phase == "Running" {
        sv(Tone::Progressing, "status.notReady", [])
    } else if phase == "Pending" {
        sv(Tone::Progressing, "status.pending", [])
    } else if phase == "Failed" {
        sv(Tone::Failed, "status.failed", [])
    } else if phase == "Succeeded" {
        sv(Tone::Neutral, "status.succeeded", [])
    } else {
        sv(Tone::Warning, "status.unknown", [])
    };
    PodView {
        updated: !revision.is_empty() && revision == update_revision,
        name,
        phase,
        ready,
        status: status_view,
        restarts,
        node: pod.spec.as_ref().and_then(|s| s.node_name.clone()),
        ip: status.pod_ip.clone(),
        revision,
        terminating,
        created,
    }
}

/// Builds the detail view from cached objects (`None` without the StatefulSet).
pub fn build(context: &str, inp: &Inputs) -> Option<StatefulSetDetail> {
    let sts = inp.sts.as_ref()?;
    let meta = &sts.metadata;
    let ns = meta.namespace.clone().unwrap_or_default();
    let name = meta.name.clone().unwrap_or_default();
    let spec = sts.spec.clone().unwrap_or_default();
    let st = sts.status.clone().unwrap_or_default();
    let replicas = spec.replicas.unwrap_or(1);
    let row = <StatefulSets as crate::kinds::KindSpec>::row(sts);
    let status = match row.cells.get("status") {
        Some(crate::kinds::Cell::Status { tone, key, params }) => StatusView {
            tone: *tone,
            key: key.to_string(),
            params: params
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        },
        _ => sv(Tone::Neutral, "status.unknown", []),
    };
    let update_revision = st.update_revision.clone().unwrap_or_default();
    let template_labels = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone())
        .map(doctor::Labels::from)
        .unwrap_or_default();
    // The doctor judges from the same objects, reduced to its facts.
    let svc_name = spec.service_name.clone().unwrap_or_default();
    let service_facts = inp.service.as_ref().map(doctor::ServiceFacts::of);
    let pdb_facts: BTreeMap<String, doctor::PdbFacts> = inp
        .pdbs
        .iter()
        .map(|p| {
            (
                p.metadata.name.clone().unwrap_or_default(),
                doctor::PdbFacts::of(p),
            )
        })
        .collect();
    let findings = doctor::findings(
        &doctor::SetFacts::of(sts),
        &doctor::Around {
            pods: &inp
                .pods
                .iter()
                .map(|p| {
                    (
                        p.metadata.name.clone().unwrap_or_default(),
                        doctor::PodFacts::of(p),
                    )
                })
                .collect(),
            claims: &inp
                .claims
                .iter()
                .map(|c| {
                    (
                        c.metadata.name.clone().unwrap_or_default(),
                        doctor::ClaimFacts::of(c),
                    )
                })
                .collect(),
            service: service_facts.as_ref(),
            pdbs: &pdb_facts,
            now: inp.now,
        },
    );

    // governing Service
    let service = ServiceCheck {
        name: svc_name.clone(),
        exists: service_facts.is_some(),
        headless: service_facts.as_ref().is_some_and(|s| s.headless),
        selects_pods: service_facts
            .as_ref()
            .is_some_and(|s| s.selects(&template_labels)),
    };

    // rollout
    let strategy = spec.update_strategy.clone().unwrap_or_default();
    let strategy_type = strategy
        .type_
        .clone()
        .unwrap_or_else(|| "RollingUpdate".into());
    let partition = strategy
        .rolling_update
        .as_ref()
        .and_then(|r| r.partition)
        .unwrap_or(0);
    let max_unavailable = strategy
        .rolling_update
        .as_ref()
        .and_then(|r| int_or_string(r.max_unavailable.as_ref()));

    // ordinals, pods, claims
    let templates: Vec<ClaimTemplateView> = spec
        .volume_claim_templates
        .iter()
        .flatten()
        .map(|t| {
            let s = t.spec.clone().unwrap_or_default();
            ClaimTemplateView {
                name: t.metadata.name.clone().unwrap_or_default(),
                storage_class: s.storage_class_name.clone(),
                size: s
                    .resources
                    .as_ref()
                    .and_then(|r| r.requests.as_ref())
                    .and_then(|r| r.get("storage"))
                    .map(|q| q.0.clone()),
                access_modes: s.access_modes.clone().unwrap_or_default(),
            }
        })
        .collect();
    let ordinal_of =
        |n: &str, prefix: &str| n.strip_prefix(prefix).and_then(|r| r.parse::<i32>().ok());
    let pod_prefix = format!("{name}-");
    let pods: BTreeMap<i32, &Pod> = inp
        .pods
        .iter()
        .filter_map(|p| {
            p.metadata
                .name
                .as_deref()
                .and_then(|n| ordinal_of(n, &pod_prefix))
                .map(|o| (o, p))
        })
        .collect();
    let mut claims_by_ordinal: BTreeMap<i32, Vec<ClaimView>> = BTreeMap::new();
    for tpl in &templates {
        let prefix = format!("{}-{name}-", tpl.name);
        for c in &inp.claims {
            let Some(o) = c
                .metadata
                .name
                .as_deref()
                .and_then(|n| ordinal_of(n, &prefix))
            else {
                continue;
            };
            let cs = c.status.clone().unwrap_or_default();
            let cspec = c.spec.clone().unwrap_or_default();
            let phase = cs.phase.clone().unwrap_or_else(|| "Pending".into());
            claims_by_ordinal.entry(o).or_default().push(ClaimView {
                name: c.metadata.name.clone().unwrap_or_default(),
                template: tpl.name.clone(),
                phase,
                capacity: cs
                    .capacity
                    .as_ref()
                    .and_then(|c| c.get("storage"))
                    .map(|q| q.0.clone()),
                storage_class: cspec.storage_class_name.clone(),
                volume: cspec.volume_name.clone(),
            });
        }
    }
    let top = pods
        .keys()
        .chain(claims_by_ordinal.keys())
        .copied()
        .max()
        .map_or(replicas, |m| (m + 1).max(replicas));
    let mut ordinals = Vec::new();
    for o in 0..top {
        let pod_name = format!("{name}-{o}");
        let pod = pods.get(&o).map(|p| pod_view(p, &update_revision));
        ordinals.push(OrdinalView {
            ordinal: o,
            pod,
            dns_name: format!("{pod_name}.{svc_name}.{ns}.svc.cluster.local"),
            claims: claims_by_ordinal.remove(&o).unwrap_or_default(),
            desired: o < replicas,
        });
    }

    // rollout status: what it waits on
    let updated = st.updated_replicas.unwrap_or(0);
    let ready = st.ready_replicas.unwrap_or(0);
    let pending_ordinals: Vec<i32> = if strategy_type == "OnDelete" {
        ordinals
            .iter()
            .filter(|o| o.desired && o.pod.as_ref().is_some_and(|p| !p.updated))
            .map(|o| o.ordinal)
            .collect()
    } else {
        ordinals
            .iter()
            .rev()
            .filter(|o| {
                o.desired && o.ordinal >= partition && o.pod.as_ref().is_none_or(|p| !p.updated)
            })
            .map(|o| o.ordinal)
            .collect()
    };
    // Below the partition: kept on the current revision until the partition is lowered.
    let held_ordinals: Vec<i32> = if strategy_type == "OnDelete" {
        Vec::new()
    } else {
        ordinals
            .iter()
            .rev()
            .filter(|o| {
                o.desired && o.ordinal < partition && o.pod.as_ref().is_some_and(|p| !p.updated)
            })
            .map(|o| o.ordinal)
            .collect()
    };
    let waiting = ordinals
        .iter()
        .find(|o| o.desired && o.pod.as_ref().is_some_and(|p| !p.ready));
    let rollout_status = if is_rolled_out(sts) && ready >= replicas {
        sv(Tone::Ok, "rollout.complete", [])
    } else if let Some(w) = waiting {
        sv(
            Tone::Progressing,
            "rollout.waitingReady",
            [(
                "pod",
                w.pod.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
            )],
        )
    } else {
        sv(
            Tone::Progressing,
            "status.podsReady",
            [
                ("ready", ready.to_string()),
                ("desired", replicas.to_string()),
            ],
        )
    };

    // the PDB covering the pods (the one the doctor judged)
    let pdb = doctor::covering_pdb(&pdb_facts, &template_labels).and_then(|(pdb_name, facts)| {
        let p = inp
            .pdbs
            .iter()
            .find(|p| p.metadata.name.as_deref() == Some(pdb_name.as_str()))?;
        let stt = p.status.clone().unwrap_or_default();
        Some(PdbSummary {
            name: pdb_name.clone(),
            min_available: facts.min_available.clone(),
            max_unavailable: facts.max_unavailable.clone(),
            disruptions_allowed: stt.disruptions_allowed,
            current_healthy: stt.current_healthy,
            desired_healthy: stt.desired_healthy,
            expected_pods: stt.expected_pods,
        })
    });

    // events about the set and its pods, newest first
    let mut events: Vec<EventView> = inp
        .events
        .iter()
        .filter(|e| {
            let n = e.involved_object.name.as_deref().unwrap_or("");
            n == name
                || n.strip_prefix(&pod_prefix)
                    .is_some_and(|r| r.parse::<i32>().is_ok())
        })
        .map(|e| EventView {
            uid: e.metadata.uid.clone().unwrap_or_default(),
            type_: e.type_.clone().unwrap_or_else(|| "Normal".into()),
            reason: e.reason.clone().unwrap_or_default(),
            message: e.message.clone().unwrap_or_default(),
            object: format!(
                "{}/{}",
                e.involved_object.kind.as_deref().unwrap_or(""),
                e.involved_object.name.as_deref().unwrap_or("")
            ),
            count: e.count.unwrap_or(1),
            last_seen: e
                .last_timestamp
                .as_ref()
                .map(|t| t.0.as_second())
                .or_else(|| e.event_time.as_ref().map(|t| t.0.as_second()))
                .unwrap_or_else(|| ts(&e.metadata.creation_timestamp)),
        })
        .collect();
    events.sort_by(|a, b| {
        b.last_seen
            .cmp(&a.last_seen)
            .then_with(|| a.uid.cmp(&b.uid))
    });
    events.truncate(MAX_EVENTS);

    // Absent, never defaulted, when the server does not have the field. A server that has it
    // defaults the policy and omits zeros (minReadySeconds, availableReplicas).
    let f = &inp.features;
    let retention = spec
        .persistent_volume_claim_retention_policy
        .clone()
        .or_else(|| f.sts_retention_policy.then(Default::default));
    Some(StatefulSetDetail {
        context: context.to_string(),
        namespace: ns,
        name: name.clone(),
        uid: meta.uid.clone().unwrap_or_default(),
        resource_version: meta.resource_version.clone().unwrap_or_default(),
        created: ts(&meta.creation_timestamp),
        status,
        labels: meta.labels.clone().unwrap_or_default(),
        annotations: meta.annotations.clone().unwrap_or_default(),
        selector: selector_string(&spec.selector),
        node_selector: spec
            .template
            .spec
            .as_ref()
            .and_then(|s| s.node_selector.clone())
            .unwrap_or_default(),
        service,
        rollout: RolloutView {
            pod_management_policy: spec
                .pod_management_policy
                .clone()
                .unwrap_or_else(|| "OrderedReady".into()),
            strategy: strategy_type,
            partition,
            max_unavailable,
            current_revision: st.current_revision.clone(),
            update_revision: st.update_revision.clone(),
            replicas,
            ready,
            updated,
            current: st.current_replicas.unwrap_or(0),
            available: st
                .available_replicas
                .or(f.sts_min_ready_seconds.then_some(0)),
            generation: meta.generation.unwrap_or(0) as i32,
            observed_generation: st.observed_generation.unwrap_or(0) as i32,
            status: rollout_status,
            pending_ordinals,
            held_ordinals,
        },
        retention_when_deleted: retention
            .as_ref()
            .map(|r| r.when_deleted.clone().unwrap_or_else(|| "Retain".into())),
        retention_when_scaled: retention
            .as_ref()
            .map(|r| r.when_scaled.clone().unwrap_or_else(|| "Retain".into())),
        min_ready_seconds: spec
            .min_ready_seconds
            .or(f.sts_min_ready_seconds.then_some(0)),
        conditions: st
            .conditions
            .iter()
            .flatten()
            .map(|c| ConditionView {
                type_: c.type_.clone(),
                status: c.status.clone(),
                reason: c.reason.clone(),
                message: c.message.clone(),
                last_transition: c.last_transition_time.as_ref().map(|t| t.0.as_second()),
            })
            .collect(),
        owner: meta
            .owner_references
            .as_ref()
            .and_then(|o| o.first())
            .map(|o| format!("{}/{}", o.kind, o.name)),
        pdb,
        hpa: None,
        claim_templates: templates,
        containers: crate::kinds::env::containers(spec.template.spec.as_ref()),
        ordinals,
        events,
        findings,
        stopped_from: row
            .facts
            .get("stoppedFrom")
            .copied()
            .filter(|n| *n > 0)
            .map(|n| n as i32),
    })
}
