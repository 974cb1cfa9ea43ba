//! The grow's preflight: what would happen and whether it can; nothing is changed.

use super::*;

/// The preflight: what would happen and whether it can; nothing is changed. `allowed` answers
/// RBAC questions (verb, group, resource) for the namespace.
pub async fn plan<F, Fut>(
    client: &kube::Client,
    req: &GrowRequest,
    allowed: F,
) -> Result<GrowPlan, IpcError>
where
    F: Fn(&'static str, &'static str, &'static str) -> Fut,
    Fut: std::future::Future<Output = Result<bool, IpcError>>,
{
    let sts_api: Api<StatefulSet> = Api::namespaced(client.clone(), &req.namespace);
    let pvc_api: Api<PersistentVolumeClaim> = Api::namespaced(client.clone(), &req.namespace);
    let sts = sts_api.get(&req.name).await.map_err(|e| ipc(&e))?;
    let template = sts
        .spec
        .as_ref()
        .and_then(|s| s.volume_claim_templates.as_ref())
        .and_then(|ts| {
            ts.iter()
                .find(|t| t.metadata.name.as_deref() == Some(&req.template))
        })
        .ok_or_else(|| {
            IpcError::new(
                ErrorCode::Invalid,
                format!("{} has no claim template {:?}", req.name, req.template),
            )
        })?;
    let tspec = template.spec.as_ref();
    let from = storage_q(
        tspec
            .and_then(|s| s.resources.as_ref())
            .and_then(|r| r.requests.as_ref()),
    );
    let class = tspec.and_then(|s| s.storage_class_name.clone());
    let mut checks = Vec::new();

    let want = bytes(Some(&req.size));
    checks.push(check(
        "grow.check.size",
        want.is_some(),
        &[("size", req.size.clone())],
    ));

    let mut claims = Vec::new();
    let mut all_bound = true;
    let mut largest: Option<(f64, String)> = None;
    for (name, ordinal) in claim_names(&sts, &req.template) {
        let pvc = pvc_api.get_opt(&name).await.map_err(|e| ipc(&e))?;
        let requested = pvc
            .as_ref()
            .and_then(|p| p.spec.as_ref())
            .and_then(|s| s.resources.as_ref())
            .and_then(|r| storage_q(r.requests.as_ref()));
        let capacity = pvc
            .as_ref()
            .and_then(|p| p.status.as_ref())
            .and_then(|s| storage_q(s.capacity.as_ref()));
        let phase = pvc
            .as_ref()
            .and_then(|p| p.status.as_ref())
            .and_then(|s| s.phase.clone());
        if phase.as_deref() != Some("Bound") {
            all_bound = false;
        }
        for q in [&requested, &capacity].into_iter().flatten() {
            if let Some(b) = bytes(Some(q)) {
                if largest.as_ref().is_none_or(|(l, _)| b > *l) {
                    largest = Some((b, q.clone()));
                }
            }
        }
        claims.push(GrowClaim {
            name,
            ordinal,
            requested,
            capacity,
        });
    }
    if let Some(b) = bytes(from.as_deref()) {
        if largest.as_ref().is_none_or(|(l, _)| b > *l) {
            largest = Some((b, from.clone().unwrap_or_default()));
        }
    }
    if let Some(want) = want {
        let (cur, cur_text) = largest.clone().unwrap_or((0.0, "0".into()));
        checks.push(check(
            "grow.check.larger",
            want > cur,
            &[("size", req.size.clone()), ("current", cur_text)],
        ));
    }
    let classes: Api<StorageClass> = Api::all(client.clone());
    let expandable = match &class {
        Some(c) => match classes.get_opt(c).await {
            Ok(Some(sc)) => Some(sc.allow_volume_expansion.unwrap_or(false)),
            Ok(None) => Some(false),
            Err(_) => None,
        },
        None => Some(false),
    };
    checks.push(check(
        "grow.check.class",
        expandable == Some(true),
        &[("class", class.clone().unwrap_or_else(|| "—".into()))],
    ));
    checks.push(check(
        "grow.check.bound",
        all_bound && !claims.is_empty(),
        &[],
    ));
    let mut rbac_ok = true;
    for (verb, group, resource) in [
        ("patch", "", "persistentvolumeclaims"),
        ("delete", "apps", "statefulsets"),
        ("create", "apps", "statefulsets"),
    ] {
        let ok = allowed(verb, group, resource).await?;
        rbac_ok &= ok;
        checks.push(check(
            "grow.check.rbac",
            ok,
            &[
                ("verb", verb.to_string()),
                ("resource", resource.to_string()),
            ],
        ));
    }
    // Dry runs of the steps that change something (only once the rest holds: a dry run of a
    // refused size would just repeat the refusal).
    let basics = checks.iter().all(|c| c.ok);
    if basics && rbac_ok {
        let dry = PatchParams {
            dry_run: true,
            ..Default::default()
        };
        let mut failure = None;
        for c in &claims {
            if let Err(e) = pvc_api.patch(&c.name, &dry, &size_patch(&req.size)).await {
                failure = Some(ipc(&e).message);
                break;
            }
        }
        if failure.is_none() {
            let dp = DeleteParams {
                dry_run: true,
                ..DeleteParams::orphan()
            };
            if let Err(e) = sts_api.delete(&req.name, &dp).await {
                failure = Some(ipc(&e).message);
            }
        }
        checks.push(check(
            "grow.check.dryRun",
            failure.is_none(),
            &[("message", failure.unwrap_or_default())],
        ));
    }
    let ready = checks.iter().all(|c| c.ok);
    Ok(GrowPlan {
        checks,
        claims,
        ready,
        storage_class: class,
        from,
        update_policy_offered: None,
    })
}
