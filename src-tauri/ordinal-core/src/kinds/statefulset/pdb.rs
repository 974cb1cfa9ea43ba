//! A StatefulSet's PodDisruptionBudget: add, change or delete it from a small form.
//!
//! - A new budget is named `<sts>-pdb`, selects the StatefulSet's selector, and is created with
//!   server-side apply (manager `ordinal`).
//! - An existing budget (the one the detail found) is changed with a JSON merge patch that sets
//!   the chosen field and clears the other (`minAvailable` and `maxUnavailable` are exclusive; a
//!   server-side apply could not clear a field another manager owns), conditioned on the
//!   resourceVersion that was planned against.
//! - Every change is first a dry run (`dryRun=All`) with the diff of what would change.

use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use kube::api::{Api, DeleteParams, DynamicObject, Patch, PatchParams, Preconditions};
use kube::runtime::watcher;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use crate::cluster::{ClusterError, ServerFeatures, PDB_V1};
use crate::edit::{diff, invalid_problems, ApplyOutcome, EditProblem, FIELD_MANAGER};
use crate::error::{Classify, ErrorCode, IpcError};

/// The form: which set, which budget (none: a new `<sts>-pdb`), and exactly one of the two.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PdbRequest {
    pub context: String,
    pub namespace: String,
    pub statefulset: String,
    /// The existing budget to change; `None` creates `<statefulset>-pdb`.
    pub existing: Option<String>,
    /// `minAvailable` or `maxUnavailable`.
    pub field: String,
    /// An integer (`2`) or a percentage (`50%`).
    pub value: String,
}

fn problem(field: &str, message: impl Into<String>) -> EditProblem {
    EditProblem {
        field: Some(field.into()),
        line: None,
        column: None,
        message: message.into(),
    }
}

/// The value as JSON (a number or a percent string), or the problem with it.
pub fn parse_value(field: &str, value: &str) -> Result<Value, Vec<EditProblem>> {
    if field != "minAvailable" && field != "maxUnavailable" {
        return Err(vec![problem(
            "field",
            "must be minAvailable or maxUnavailable",
        )]);
    }
    let v = value.trim();
    if let Some(p) = v.strip_suffix('%') {
        return match p.parse::<u32>() {
            Ok(n) if n <= 100 && !p.starts_with('+') => Ok(Value::String(format!("{n}%"))),
            _ => Err(vec![problem(
                "value",
                "a percentage must be a whole number from 0% to 100%",
            )]),
        };
    }
    match v.parse::<i32>() {
        Ok(n) if n >= 0 && !v.starts_with('+') => Ok(json!(n)),
        _ => Err(vec![problem(
            "value",
            "must be a whole number of pods (0 or more) or a percentage like 50%",
        )]),
    }
}

pub fn pdb_name(statefulset: &str) -> String {
    format!("{statefulset}-pdb")
}

/// How often a change is read and decided again after a Conflict.
const CONFLICT_ATTEMPTS: u32 = 5;

fn ipc(e: &kube::Error) -> IpcError {
    ClusterError::from_kube(e).to_ipc()
}

// ------------------------------------------------------------------------------------------
// Budgets as the server serves them: `policy/v1`, or `policy/v1beta1` before Kubernetes 1.21.
// The fields Ordinal reads and writes (selector, minAvailable, maxUnavailable, the status
// counts) are the same in both, so a beta budget is read as a v1 one.

fn resource(api_version: &str) -> kube::core::ApiResource {
    let (group, version) = api_version.split_once('/').unwrap_or(("policy", "v1"));
    kube::core::ApiResource {
        group: group.into(),
        version: version.into(),
        api_version: api_version.into(),
        kind: "PodDisruptionBudget".into(),
        plural: "poddisruptionbudgets".into(),
    }
}

/// The budgets of `namespace` (all namespaces when `None`) at the server's version, or the
/// reason there are none to ask for.
pub fn budgets_api(
    client: kube::Client,
    namespace: Option<&str>,
    features: &ServerFeatures,
) -> Result<Api<DynamicObject>, IpcError> {
    let Some(api_version) = features.pdb_api.as_deref() else {
        return Err(IpcError::new(
            ErrorCode::Unsupported,
            "this cluster serves no PodDisruptionBudget API (neither policy/v1 nor policy/v1beta1)",
        ));
    };
    let ar = resource(api_version);
    Ok(match namespace {
        Some(ns) => Api::namespaced_with(client, ns, &ar),
        None => Api::all_with(client, &ar),
    })
}

/// A budget of either version as the v1 type.
pub fn as_v1(obj: DynamicObject) -> PodDisruptionBudget {
    let meta = obj.metadata.clone();
    let mut v = serde_json::to_value(obj).unwrap_or(Value::Null);
    v["apiVersion"] = json!(PDB_V1);
    serde_json::from_value(v).unwrap_or(PodDisruptionBudget {
        metadata: meta,
        ..Default::default()
    })
}

/// Watcher events of the budgets of `namespace` as v1 objects. A server without budgets has an
/// empty, complete list (so views that wait for every list are not held up).
pub fn watch_budgets(
    client: kube::Client,
    namespace: Option<&str>,
    features: &ServerFeatures,
    cfg: watcher::Config,
) -> BoxStream<'static, Result<watcher::Event<PodDisruptionBudget>, watcher::Error>> {
    use watcher::Event;
    match budgets_api(client, namespace, features) {
        Ok(api) => crate::hub::watch_support::relisting_watcher(api, cfg)
            .map_ok(|ev| match ev {
                Event::Apply(o) => Event::Apply(as_v1(o)),
                Event::Delete(o) => Event::Delete(as_v1(o)),
                Event::Init => Event::Init,
                Event::InitApply(o) => Event::InitApply(as_v1(o)),
                Event::InitDone => Event::InitDone,
            })
            .boxed(),
        Err(_) => futures::stream::iter([Ok(Event::Init), Ok(Event::InitDone)])
            .chain(futures::stream::pending())
            .boxed(),
    }
}

/// The budget as the user reviews it: at the version the server serves (and writes) it.
fn text_of(p: &DynamicObject) -> String {
    let mut v = serde_json::to_value(p).expect("plain data");
    if let Some(o) = v.as_object_mut() {
        o.remove("status");
        if let Some(m) = o.get_mut("metadata").and_then(Value::as_object_mut) {
            for k in [
                "managedFields",
                "resourceVersion",
                "generation",
                "uid",
                "creationTimestamp",
            ] {
                m.remove(k);
            }
        }
    }
    serde_saphyr::to_string(&v).expect("a JSON value always serialises to YAML")
}

fn outcome(before: &str, after: &DynamicObject, dry_run: bool) -> ApplyOutcome {
    let (d, added, removed) = diff(before, &text_of(after));
    if added == 0 && removed == 0 {
        return ApplyOutcome::NoChange;
    }
    ApplyOutcome::Changes {
        diff: d,
        added,
        removed,
        resource_version: (!dry_run)
            .then(|| after.metadata.resource_version.clone().unwrap_or_default()),
    }
}

fn refused(e: kube::Error) -> Result<ApplyOutcome, IpcError> {
    match e {
        kube::Error::Api(s) if s.code == 422 || s.code == 400 => Ok(ApplyOutcome::Invalid {
            problems: invalid_problems(&s),
        }),
        e => Err(ipc(&e)),
    }
}

async fn run(
    client: kube::Client,
    features: &ServerFeatures,
    req: &PdbRequest,
    dry_run: bool,
) -> Result<ApplyOutcome, IpcError> {
    let value = match parse_value(&req.field, &req.value) {
        Ok(v) => v,
        Err(problems) => return Ok(ApplyOutcome::Invalid { problems }),
    };
    let other = if req.field == "minAvailable" {
        "maxUnavailable"
    } else {
        "minAvailable"
    };
    let api = budgets_api(client.clone(), Some(&req.namespace), features)?;
    if let Some(name) = req.existing.as_deref().filter(|n| !n.is_empty()) {
        // The write is conditioned on the budget as read. On a live cluster the disruption
        // controller rewrites its status all the time: after a Conflict, read it again and
        // decide again (a few times) before saying it keeps changing.
        for attempt in 1.. {
            let current = api.get(name).await.map_err(|e| ipc(&e))?;
            let before = text_of(&current);
            let patch = json!({
                "metadata": {"resourceVersion": current.metadata.resource_version},
                "spec": {req.field.as_str(): value, other: null}
            });
            let pp = PatchParams {
                dry_run,
                field_manager: Some(FIELD_MANAGER.into()),
                ..Default::default()
            };
            return match api.patch(name, &pp, &Patch::Merge(&patch)).await {
                Ok(after) => Ok(outcome(&before, &after, dry_run)),
                Err(kube::Error::Api(s)) if s.code == 409 && attempt < CONFLICT_ATTEMPTS => {
                    continue
                }
                Err(kube::Error::Api(s)) if s.code == 409 => Err(IpcError::new(
                    ErrorCode::Conflict,
                    format!(
                        "the budget {name} keeps changing on the server; try again in a moment"
                    ),
                )),
                Err(e) => refused(e),
            };
        }
    }
    // a new budget selecting the StatefulSet's pods
    let sts = Api::<StatefulSet>::namespaced(client, &req.namespace)
        .get(&req.statefulset)
        .await
        .map_err(|e| ipc(&e))?;
    let selector = sts.spec.map(|s| s.selector).unwrap_or_default();
    let name = pdb_name(&req.statefulset);
    if api.get_opt(&name).await.map_err(|e| ipc(&e))?.is_some() {
        return Ok(ApplyOutcome::Invalid {
            problems: vec![problem(
                "name",
                format!("a budget named {name} already exists but does not select this StatefulSet's pods; edit or delete it first"),
            )],
        });
    }
    let obj = json!({
        "apiVersion": features.pdb_api.as_deref().unwrap_or(PDB_V1),
        "kind": "PodDisruptionBudget",
        "metadata": {"name": name, "namespace": req.namespace},
        "spec": {"selector": selector, req.field.as_str(): value}
    });
    let mut pp = PatchParams::apply(FIELD_MANAGER);
    pp.dry_run = dry_run;
    match api.patch(&name, &pp, &Patch::Apply(&obj)).await {
        Ok(after) => Ok(outcome("", &after, dry_run)),
        Err(e) => refused(e),
    }
}

/// The dry run: what saving the budget would change. Nothing is written.
pub async fn plan(
    client: kube::Client,
    features: &ServerFeatures,
    req: &PdbRequest,
) -> Result<ApplyOutcome, IpcError> {
    run(client, features, req, true).await
}

/// Creates or changes the budget.
pub async fn apply(
    client: kube::Client,
    features: &ServerFeatures,
    req: &PdbRequest,
) -> Result<ApplyOutcome, IpcError> {
    run(client, features, req, false).await
}

/// Deletes the budget.
pub async fn delete(
    client: kube::Client,
    features: &ServerFeatures,
    namespace: &str,
    name: &str,
) -> Result<(), IpcError> {
    let api = budgets_api(client, Some(namespace), features)?;
    let current = api.get(name).await.map_err(|e| ipc(&e))?;
    let dp = DeleteParams {
        preconditions: Some(Preconditions {
            uid: current.metadata.uid.clone(),
            resource_version: None,
        }),
        ..Default::default()
    };
    api.delete(name, &dp).await.map_err(|e| ipc(&e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_counts_or_percentages() {
        assert_eq!(parse_value("minAvailable", "2").unwrap(), json!(2));
        assert_eq!(parse_value("maxUnavailable", "50%").unwrap(), json!("50%"));
        assert_eq!(parse_value("maxUnavailable", " 0 ").unwrap(), json!(0));
        for bad in ["-1", "101%", "1.5", "x", "", "%", "+1"] {
            assert!(parse_value("minAvailable", bad).is_err(), "{bad}");
        }
        assert!(parse_value("replicas", "1").is_err());
    }
}
