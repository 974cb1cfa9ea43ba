//! Create StatefulSet against a cluster (simulator, or `ORDINAL_TEST_KUBECONFIG`): the plan is a
//! dry run that writes nothing; create makes a headless Service with the same selector and the
//! StatefulSet, whose pods appear in ordinal order; an existing Service is checked; a refused
//! StatefulSet leaves no Service behind.

#[path = "cluster_harness.rs"]
mod harness;

use std::time::Duration;

use harness::{slow, TestCluster, TestNamespace};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Pod, Service};
use kube::api::{Api, ListParams, PostParams};
use ordinal_core::kinds::statefulset::create::{
    self, CreateSpec, EnvLiteral, PortSpec, ProbeSpec, ResourceSpec,
};
use ordinal_core::ErrorCode;

fn spec(context: &str, namespace: &str) -> CreateSpec {
    CreateSpec {
        context: context.into(),
        namespace: namespace.into(),
        name: "web".into(),
        image: "nginx:1.27".into(),
        replicas: 3,
        ports: vec![PortSpec {
            name: "http".into(),
            port: 80,
            protocol: "TCP".into(),
        }],
        env: vec![EnvLiteral {
            name: "MODE".into(),
            value: "fast".into(),
        }],
        storage: None,
        requests: ResourceSpec {
            cpu: "10m".into(),
            memory: "16Mi".into(),
        },
        limits: ResourceSpec::default(),
        readiness: Some(ProbeSpec::Tcp { port: 80 }),
        existing_service: None,
    }
}

#[tokio::test]
async fn plan_then_create_makes_a_headless_service_and_ordered_pods() {
    let c = TestCluster::start(ordinal_sim::Seed::Empty, Duration::from_millis(100)).await;
    let client = c.client().await;
    let ns = TestNamespace::new(&client, "create").await;
    let s = spec(&c.context, &ns.name);
    let svcs: Api<Service> = Api::namespaced(client.clone(), &ns.name);
    let stss: Api<StatefulSet> = Api::namespaced(client.clone(), &ns.name);

    // Plan: both objects as YAML, no problems, nothing written.
    let plan = create::plan(client.clone(), &s).await.unwrap();
    assert_eq!(plan.problems, vec![], "{plan:?}");
    assert!(plan
        .service_yaml
        .as_deref()
        .unwrap()
        .contains("clusterIP: None"));
    assert!(plan.statefulset_yaml.contains("serviceName: web"));
    assert!(svcs.get_opt("web").await.unwrap().is_none());
    assert!(stss.get_opt("web").await.unwrap().is_none());

    // Local problems are reported per field without a request.
    let mut bad = s.clone();
    bad.ports[0].port = 0;
    let p = create::plan(client.clone(), &bad).await.unwrap();
    assert_eq!(p.problems[0].field.as_deref(), Some("ports[0].port"));

    // Create: headless Service with the same selector, then the StatefulSet.
    let r = create::create(client.clone(), &s).await.unwrap();
    assert!(r.service_created);
    let svc = svcs.get("web").await.unwrap().spec.unwrap();
    assert_eq!(svc.cluster_ip.as_deref(), Some("None"));
    let sts = stss.get("web").await.unwrap().spec.unwrap();
    assert_eq!(svc.selector, sts.selector.match_labels);
    assert_eq!(sts.service_name.as_deref(), Some("web"));

    // Pods web-0..2 appear, in ordinal order (OrderedReady: each after the previous is Ready).
    let pods: Api<Pod> = Api::namespaced(client.clone(), &ns.name);
    let deadline = tokio::time::Instant::now() + slow(Duration::from_secs(30));
    let mut order: Vec<String> = Vec::new();
    loop {
        let mut list: Vec<(i64, String)> = pods
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|p| {
                (
                    p.metadata
                        .creation_timestamp
                        .map(|t| t.0.as_millisecond())
                        .unwrap_or(0),
                    p.metadata.name.unwrap_or_default(),
                )
            })
            .collect();
        list.sort();
        for (_, n) in list {
            if !order.contains(&n) {
                order.push(n);
            }
        }
        if order.len() >= 3 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "pods so far: {order:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(order, vec!["web-0", "web-1", "web-2"]);

    // Creating it again: the dry run names the clash.
    let p = create::plan(client.clone(), &s).await.unwrap();
    assert!(!p.problems.is_empty());

    // An existing Service that is not headless is refused with a clear message.
    let plain: Service = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "plain"},
        "spec": {"selector": {"app": "api"}, "ports": [{"port": 80}]}
    }))
    .unwrap();
    svcs.create(&PostParams::default(), &plain).await.unwrap();
    let mut other = spec(&c.context, &ns.name);
    other.name = "api".into();
    other.existing_service = Some("plain".into());
    let p = create::plan(client.clone(), &other).await.unwrap();
    assert!(p.service_yaml.is_none());
    assert!(
        p.problems
            .iter()
            .any(|p| p.message.contains("not headless")),
        "{p:?}"
    );
    let e = create::create(client.clone(), &other).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Invalid);
    assert!(stss.get_opt("api").await.unwrap().is_none());
    other.existing_service = Some("absent".into());
    let p = create::plan(client.clone(), &other).await.unwrap();
    assert!(p.problems[0].message.contains("does not exist"), "{p:?}");

    // A StatefulSet the server refuses (one already named so) leaves no new Service behind.
    let mut clash = spec(&c.context, &ns.name);
    clash.existing_service = None;
    clash.name = "web".into();
    // a different service name is impossible for a created one (it is the set's name), so make
    // the Service name free and the StatefulSet name taken:
    svcs.delete("web", &Default::default()).await.unwrap();
    let deadline = tokio::time::Instant::now() + slow(Duration::from_secs(10));
    while svcs.get_opt("web").await.unwrap().is_some() {
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let e = create::create(client.clone(), &clash).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict, "{e:?}");
    assert!(e.message.contains("creating the statefulset"), "{e:?}");
    assert!(
        svcs.get_opt("web").await.unwrap().is_none(),
        "the service was left behind"
    );
    ns.delete().await;
}
