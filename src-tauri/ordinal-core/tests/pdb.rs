//! A StatefulSet's PodDisruptionBudget against a cluster (simulator, or
//! `ORDINAL_TEST_KUBECONFIG`): a dry run shows the new budget and writes nothing; apply creates
//! `<sts>-pdb` with the set's selector; switching minAvailable → maxUnavailable clears the other
//! field; bad values are refused before anything is sent; delete removes it.

#[path = "cluster_harness.rs"]
mod harness;

use harness::{sts_json, TestCluster, TestNamespace};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::api::{Api, PostParams};
use ordinal_core::edit::ApplyOutcome;
use ordinal_core::kinds::statefulset::pdb::{self, PdbRequest};

#[tokio::test]
async fn create_change_and_delete_a_budget_with_dry_runs() {
    let c = TestCluster::empty().await;
    let client = c.client().await;
    let ns = TestNamespace::new(&client, "pdb").await;
    Api::<StatefulSet>::namespaced(client.clone(), &ns.name)
        .create(
            &PostParams::default(),
            &serde_json::from_value(sts_json("web", 2)).unwrap(),
        )
        .await
        .unwrap();
    // policy/v1, or policy/v1beta1 on a server before 1.21: as the app discovers it
    let features = c.features().await;
    let pdbs = pdb::budgets_api(client.clone(), Some(&ns.name), &features).unwrap();
    let mut req = PdbRequest {
        context: c.context.clone(),
        namespace: ns.name.clone(),
        statefulset: "web".into(),
        existing: None,
        field: "minAvailable".into(),
        value: "1".into(),
    };

    // Dry run of a new budget: the diff, nothing written.
    match pdb::plan(client.clone(), &features, &req).await.unwrap() {
        ApplyOutcome::Changes { diff, .. } => {
            assert!(
                diff.iter()
                    .any(|l| l.kind == "add" && l.text.trim() == "minAvailable: 1"),
                "{diff:?}"
            );
            assert!(diff.iter().any(|l| l.text.contains("web-pdb")), "{diff:?}");
            // reviewed at the version the server writes it (policy/v1beta1 on 1.20)
            let version = format!("apiVersion: {}", features.pdb_api.as_deref().unwrap());
            assert!(diff.iter().any(|l| l.text.trim() == version), "{diff:?}");
        }
        other => panic!("expected a diff, got {other:?}"),
    }
    assert!(pdbs.get_opt("web-pdb").await.unwrap().is_none());

    // Bad values never reach the server.
    req.value = "150%".into();
    match pdb::plan(client.clone(), &features, &req).await.unwrap() {
        ApplyOutcome::Invalid { problems } => {
            assert_eq!(problems[0].field.as_deref(), Some("value"))
        }
        other => panic!("expected invalid, got {other:?}"),
    }

    // Apply: the budget selects the set's pods.
    req.value = "1".into();
    let applied = pdb::apply(client.clone(), &features, &req).await.unwrap();
    assert!(
        matches!(
            applied,
            ApplyOutcome::Changes {
                resource_version: Some(_),
                ..
            }
        ),
        "{applied:?}"
    );
    let p = pdb::as_v1(pdbs.get("web-pdb").await.unwrap()).spec.unwrap();
    assert_eq!(p.min_available, Some(IntOrString::Int(1)));
    assert_eq!(
        p.selector
            .unwrap()
            .match_labels
            .unwrap()
            .get("app")
            .map(String::as_str),
        Some("web")
    );

    // Change the existing one to maxUnavailable 50%: minAvailable is cleared.
    req.existing = Some("web-pdb".into());
    req.field = "maxUnavailable".into();
    req.value = "50%".into();
    match pdb::plan(client.clone(), &features, &req).await.unwrap() {
        ApplyOutcome::Changes { diff, .. } => {
            assert!(
                diff.iter()
                    .any(|l| l.kind == "remove" && l.text.trim() == "minAvailable: 1"),
                "{diff:?}"
            );
            assert!(
                diff.iter()
                    .any(|l| l.kind == "add" && l.text.contains("maxUnavailable: 50%")),
                "{diff:?}"
            );
        }
        other => panic!("expected a diff, got {other:?}"),
    }
    pdb::apply(client.clone(), &features, &req).await.unwrap();
    let p = pdb::as_v1(pdbs.get("web-pdb").await.unwrap()).spec.unwrap();
    assert_eq!(p.min_available, None);
    assert_eq!(p.max_unavailable, Some(IntOrString::String("50%".into())));
    assert!(matches!(
        pdb::plan(client.clone(), &features, &req).await.unwrap(),
        ApplyOutcome::NoChange
    ));

    // Delete.
    pdb::delete(client.clone(), &features, &ns.name, "web-pdb")
        .await
        .unwrap();
    let gone = pdbs.get_opt("web-pdb").await.unwrap();
    assert!(gone.is_none() || gone.unwrap().metadata.deletion_timestamp.is_some());
    ns.delete().await;
}
