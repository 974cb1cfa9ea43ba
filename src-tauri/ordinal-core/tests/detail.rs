//! The live StatefulSet detail against a cluster (simulator, or `ORDINAL_TEST_KUBECONFIG`):
//! ordinals with their DNS names and claims, the headless Service check, doctor findings, and
//! NotFound once the StatefulSet is deleted.

#[path = "cluster_harness.rs"]
mod harness;

use std::time::Duration;

use futures::StreamExt;
use harness::{sts_json, TestCluster, TestNamespace};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Service;
use kube::api::{Api, DeleteParams, PostParams};
use ordinal_core::kinds::statefulset::detail as statefulset_detail;
use ordinal_core::kinds::statefulset::StatefulSetDetail;
use ordinal_core::{ErrorCode, IpcError};

type Item = Result<StatefulSetDetail, IpcError>;

async fn until(
    stream: &mut (impl futures::Stream<Item = Item> + Unpin),
    what: &str,
    ok: impl Fn(&StatefulSetDetail) -> bool,
) -> StatefulSetDetail {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let mut last = None;
    loop {
        match tokio::time::timeout_at(deadline, stream.next()).await {
            Ok(Some(Ok(d))) if ok(&d) => return d,
            Ok(Some(Ok(d))) => last = Some(d),
            Ok(other) => panic!("{what}: stream gave {other:?}"),
            Err(_) => panic!("{what}: timed out; last detail: {last:#?}"),
        }
    }
}

#[tokio::test]
async fn detail_shows_ordinals_dns_claims_and_findings_live() {
    let c = TestCluster::start(ordinal_sim::Seed::Empty, Duration::from_millis(100)).await;
    let client = c.client().await;
    let ns = TestNamespace::new(&client, "detail").await;
    let svc: Service = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "web"},
        "spec": {"clusterIP": "None", "selector": {"app": "web"}, "ports": [{"port": 80}]}
    }))
    .unwrap();
    Api::<Service>::namespaced(client.clone(), &ns.name)
        .create(&PostParams::default(), &svc)
        .await
        .unwrap();
    let mut sts = sts_json("web", 2);
    sts["spec"]["volumeClaimTemplates"] = serde_json::json!([{
        "metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
    }]);
    let api: Api<StatefulSet> = Api::namespaced(client.clone(), &ns.name);
    api.create(
        &PostParams::default(),
        &serde_json::from_value(sts).unwrap(),
    )
    .await
    .unwrap();

    let features = c.features().await;
    let mut stream = Box::pin(statefulset_detail::watch(
        client.clone(),
        features.clone(),
        c.context.clone(),
        ns.name.clone(),
        "web".into(),
    ));
    let d = until(&mut stream, "two ready pods with their claims", |d| {
        d.ordinals.len() == 2
            && d.ordinals
                .iter()
                .all(|o| o.pod.as_ref().is_some_and(|p| p.ready) && o.claims.len() == 1)
    })
    .await;
    assert_eq!(
        d.ordinals[0].dns_name,
        format!("web-0.web.{}.svc.cluster.local", ns.name)
    );
    assert_eq!(d.ordinals[1].pod.as_ref().unwrap().name, "web-1");
    assert!(
        d.service.exists && d.service.headless && d.service.selects_pods,
        "{:?}",
        d.service
    );
    assert_eq!(d.claim_templates[0].size.as_deref(), Some("1Gi"));
    assert_eq!(d.ordinals[1].claims[0].name, "data-web-1");
    // Fields the server has are shown (defaulted as it defaults them); fields it does not have
    // (Kubernetes 1.20: no retention policy, no minReadySeconds, no available count) are absent.
    assert_eq!(
        d.retention_when_deleted.as_deref(),
        features.sts_retention_policy.then_some("Retain"),
        "{features:?}"
    );
    assert_eq!(
        d.min_ready_seconds.is_some(),
        features.sts_min_ready_seconds
    );
    assert_eq!(
        d.rollout.available.is_some(),
        features.sts_min_ready_seconds
    );
    assert!(
        d.findings.iter().all(|f| f.key != "doctor.serviceMissing"),
        "{:?}",
        d.findings
    );

    // the Service disappears: the doctor says so
    Api::<Service>::namespaced(client.clone(), &ns.name)
        .delete("web", &DeleteParams::default())
        .await
        .unwrap();
    let d = until(&mut stream, "service missing finding", |d| {
        !d.service.exists
    })
    .await;
    assert!(
        d.findings.iter().any(|f| f.key == "doctor.serviceMissing"),
        "{:?}",
        d.findings
    );

    // deleted: the stream ends with NotFound
    api.delete("web", &DeleteParams::default()).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        match tokio::time::timeout_at(deadline, stream.next())
            .await
            .expect("NotFound after delete")
        {
            Some(Err(e)) => {
                assert_eq!(e.code, ErrorCode::NotFound, "{e:?}");
                break;
            }
            Some(Ok(_)) => continue,
            None => panic!("stream ended without NotFound"),
        }
    }
    ns.delete().await;
}

#[tokio::test]
async fn a_missing_statefulset_is_not_found() {
    let c = TestCluster::empty().await;
    let client = c.client().await;
    let ns = TestNamespace::new(&client, "detail-missing").await;
    let mut stream = Box::pin(statefulset_detail::watch(
        client,
        c.features().await,
        c.context.clone(),
        ns.name.clone(),
        "nope".into(),
    ));
    let first = tokio::time::timeout(Duration::from_secs(20), stream.next())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.unwrap_err().code, ErrorCode::NotFound);
    ns.delete().await;
}
