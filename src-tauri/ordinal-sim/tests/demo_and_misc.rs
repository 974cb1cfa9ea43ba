//! The Demo seed scenarios, evictions/PDBs, streaming-list watches, logs, namespace deletion.
mod common;

use std::time::Duration;

use common::{eventually, namespace, start, sts_json};
use futures::TryStreamExt;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, PersistentVolumeClaim, Pod, Service};
use k8s_openapi::api::events::v1::Event as EventV1;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use kube::api::{Api, ApiResource, DeleteParams, DynamicObject, ListParams, LogParams, PostParams};
use serde_json::json;

#[tokio::test]
async fn demo_seed_has_the_promised_scenarios() {
    if common::real_kubeconfig().is_some() {
        return common::skipped(
            "demo_and_misc::demo_seed_has_the_promised_scenarios",
            "seeds are simulator-only",
        );
    }
    let c = common::start_with(ordinal_sim::Seed::Demo, Duration::from_millis(100)).await;
    let sts = |ns: &str| -> Api<StatefulSet> { Api::namespaced(c.client.clone(), ns) };
    let pg = eventually(Duration::from_secs(20), || async {
        let s = sts("db").get("postgres").await.ok()?;
        (s.status.as_ref()?.ready_replicas == Some(3)).then_some(s)
    })
    .await
    .expect("postgres ready");
    assert_eq!(
        pg.spec.unwrap().pod_management_policy.as_deref(),
        Some("OrderedReady")
    );
    let pvcs: Api<PersistentVolumeClaim> = Api::namespaced(c.client.clone(), "db");
    assert_eq!(
        pvcs.get("data-postgres-0")
            .await
            .unwrap()
            .status
            .unwrap()
            .phase
            .as_deref(),
        Some("Bound")
    );
    // Pending PVC (unknown storage class).
    let mongo = eventually(Duration::from_secs(10), || async {
        pvcs.get("data-mongo-0").await.ok()
    })
    .await
    .unwrap();
    assert_eq!(mongo.status.unwrap().phase.as_deref(), Some("Pending"));
    // Missing headless service.
    let svcs: Api<Service> = Api::namespaced(c.client.clone(), "cache");
    assert!(svcs.get_opt("memcached").await.unwrap().is_none());
    assert!(svcs.get_opt("redis").await.unwrap().is_some());
    // Stopped.
    let wa = sts("staging").get("web-archive").await.unwrap();
    assert_eq!(wa.spec.as_ref().unwrap().replicas, Some(0));
    assert_eq!(
        wa.metadata.annotations.unwrap()["ordinal.dev/replicas-before-stop"],
        "3"
    );
    // Stuck rollout: rabbitmq's new revision crash-loops and the rollout does not finish.
    let stuck = eventually(Duration::from_secs(30), || async {
        let pods: Api<Pod> = Api::namespaced(c.client.clone(), "messaging");
        let p = pods.get("rabbitmq-2").await.ok()?;
        let w = p
            .status?
            .container_statuses?
            .first()?
            .state
            .clone()?
            .waiting?;
        (w.reason.as_deref() == Some("CrashLoopBackOff")).then_some(())
    })
    .await;
    assert!(
        stuck.is_some(),
        "rabbitmq-2 crash-loops on the new revision"
    );
    let r = sts("messaging")
        .get("rabbitmq")
        .await
        .unwrap()
        .status
        .unwrap();
    assert_ne!(r.current_revision, r.update_revision);
    // Partitioned rollout: 2 of 4 updated.
    let es = eventually(Duration::from_secs(30), || async {
        let s = sts("staging").get("elasticsearch").await.ok()?.status?;
        (s.updated_replicas == Some(2) && s.ready_replicas == Some(4)).then_some(s)
    })
    .await;
    assert!(es.is_some(), "elasticsearch partitioned rollout");
    let pdbs: Api<PodDisruptionBudget> = Api::namespaced(c.client.clone(), "db");
    let pdb = pdbs.get("postgres").await.unwrap();
    assert_eq!(pdb.status.unwrap().disruptions_allowed, 1);
    // events.k8s.io/v1 mirrors the controller's events.
    let ev1: Api<EventV1> = Api::namespaced(c.client.clone(), "db");
    assert!(ev1
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .iter()
        .any(|e| e.note.as_deref()
            == Some("create Pod postgres-0 in StatefulSet postgres successful")));
}

#[tokio::test]
async fn eviction_respects_pod_disruption_budgets() {
    let c = start().await;
    let ns = namespace(&c.client, "evict").await;
    let sts: Api<StatefulSet> = Api::namespaced(c.client.clone(), &ns);
    sts.create(
        &PostParams::default(),
        &serde_json::from_value(sts_json("q", 2, "Parallel")).unwrap(),
    )
    .await
    .unwrap();
    // policy/v1 where the server has it (1.21+), else policy/v1beta1 for both the budget and
    // the eviction.
    let groups = c.client.list_api_groups().await.unwrap();
    let policy_v1 = groups
        .groups
        .iter()
        .any(|g| g.name == "policy" && g.versions.iter().any(|v| v.version == "v1"));
    let policy = if policy_v1 {
        "policy/v1"
    } else {
        "policy/v1beta1"
    };
    let pdb_res = ApiResource {
        group: "policy".into(),
        version: policy.trim_start_matches("policy/").into(),
        api_version: policy.into(),
        kind: "PodDisruptionBudget".into(),
        plural: "poddisruptionbudgets".into(),
    };
    let pdbs: Api<DynamicObject> = Api::namespaced_with(c.client.clone(), &ns, &pdb_res);
    pdbs.create(&PostParams::default(), &serde_json::from_value(json!({"apiVersion": policy, "kind": "PodDisruptionBudget", "metadata": {"name": "q"}, "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "q"}}}})).unwrap()).await.unwrap();
    eventually(Duration::from_secs(20), || async {
        let p = pdbs.get("q").await.ok()?;
        (p.data.pointer("/status/currentHealthy") == Some(&json!(2))).then_some(())
    })
    .await
    .expect("pdb status");
    let no_retry = common::client_without_retry(&c.kubeconfig).await;
    let evict = |pod: &'static str| {
        let body = json!({"apiVersion": policy, "kind": "Eviction", "metadata": {"name": pod, "namespace": ns}});
        let req = http::Request::post(format!("/api/v1/namespaces/{ns}/pods/{pod}/eviction"))
            .header("content-type", "application/json")
            .body(serde_json::to_vec(&body).unwrap())
            .unwrap();
        let client = no_retry.clone();
        async move { client.request::<serde_json::Value>(req).await }
    };
    let t = std::time::Instant::now();
    let err = evict("q-0").await.unwrap_err();
    match err {
        kube::Error::Api(s) => {
            assert_eq!(s.code, 429);
            assert_eq!(
                s.message,
                "Cannot evict pod as it would violate the pod's disruption budget."
            );
            assert!(t.elapsed() < Duration::from_secs(5));
        }
        other => panic!("{other:?}"),
    }
    pdbs.delete("q", &DeleteParams::default()).await.unwrap();
    evict("q-0").await.expect("eviction allowed without a PDB");
}

#[tokio::test]
async fn streaming_list_watcher_and_logs() {
    let c = start().await;
    let ns = namespace(&c.client, "stream").await;
    let cms: Api<ConfigMap> = Api::namespaced(c.client.clone(), &ns);
    for i in 0..3 {
        cms.create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": format!("s{i}")}})).unwrap(),
        )
        .await
        .unwrap();
    }
    if common::server_minor(&c.client).await >= 27 {
        let cfg = kube::runtime::watcher::Config::default().streaming_lists();
        let mut w = Box::pin(kube::runtime::watcher(cms.clone(), cfg));
        let mut init = Vec::new();
        let done = tokio::time::timeout(Duration::from_secs(10), async {
            while let Some(ev) = w.try_next().await.unwrap() {
                match ev {
                    kube::runtime::watcher::Event::InitApply(o) => {
                        init.push(o.metadata.name.unwrap())
                    }
                    kube::runtime::watcher::Event::InitDone => return true,
                    _ => {}
                }
            }
            false
        })
        .await
        .unwrap_or(false);
        assert!(done, "initial-events-end bookmark ends the initial list");
        init.sort();
        assert_eq!(init, [common::ROOT_CA, "s0", "s1", "s2"]);
    } else {
        common::skipped(
            "demo_and_misc::streaming_list_watcher_and_logs: the streaming list",
            "streaming lists (sendInitialEvents, resourceVersionMatch on watch) need Kubernetes 1.27+; this server forbids resourceVersionMatch on watch",
        );
    }
    // Logs.
    let sts: Api<StatefulSet> = Api::namespaced(c.client.clone(), &ns);
    sts.create(
        &PostParams::default(),
        &serde_json::from_value(sts_json("l", 1, "Parallel")).unwrap(),
    )
    .await
    .unwrap();
    let pods: Api<Pod> = Api::namespaced(c.client.clone(), &ns);
    eventually(Duration::from_secs(10), || async {
        (pods.get("l-0").await.ok()?.status?.phase.as_deref() == Some("Running")).then_some(())
    })
    .await
    .unwrap();
    // a pod just started may have written fewer than five lines yet
    let text = eventually(Duration::from_secs(10), || async {
        let text = pods
            .logs(
                "l-0",
                &LogParams {
                    tail_lines: Some(5),
                    ..Default::default()
                },
            )
            .await
            .ok()?;
        (text.lines().count() >= 5).then_some(text)
    })
    .await
    .unwrap();
    assert_eq!(text.lines().count(), 5, "{text}");
    if c.sim.is_none() {
        return common::skipped(
            "demo_and_misc::streaming_list_watcher_and_logs: previous logs are 400",
            "the real control plane's stand-in kubelet has no container restarts and serves logs for previous=true too",
        );
    }
    let e = pods
        .logs(
            "l-0",
            &LogParams {
                previous: true,
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(e, kube::Error::Api(s) if s.code == 400));
}

#[tokio::test]
async fn deleting_a_namespace_removes_its_contents() {
    let c = start().await;
    let ns = namespace(&c.client, "nsdel").await;
    let sts: Api<StatefulSet> = Api::namespaced(c.client.clone(), &ns);
    sts.create(
        &PostParams::default(),
        &serde_json::from_value(sts_json("z", 2, "Parallel")).unwrap(),
    )
    .await
    .unwrap();
    let nss: Api<Namespace> = Api::all(c.client.clone());
    eventually(Duration::from_secs(20), || async {
        (sts.get("z").await.ok()?.status?.ready_replicas == Some(2)).then_some(())
    })
    .await
    .unwrap();
    nss.delete(&ns, &DeleteParams::default()).await.unwrap();
    let n = nss.get(&ns).await.unwrap();
    assert_eq!(n.status.unwrap().phase.as_deref(), Some("Terminating"));
    // Creating in a terminating namespace is forbidden.
    let cms: Api<ConfigMap> = Api::namespaced(c.client.clone(), &ns);
    let e = cms
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": "late"}})).unwrap(),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, kube::Error::Api(s) if s.code == 403));
    eventually(Duration::from_secs(20), || async {
        nss.get_opt(&ns).await.ok()?.is_none().then_some(())
    })
    .await
    .expect("namespace gone");
}

#[tokio::test]
async fn headless_service_endpoints_list_pods_with_hostnames() {
    use k8s_openapi::api::core::v1::Endpoints;
    let c = start().await;
    let ns = namespace(&c.client, "endpoints").await;
    let svcs: Api<Service> = Api::namespaced(c.client.clone(), &ns);
    svcs.create(&PostParams::default(), &serde_json::from_value(json!({"metadata": {"name": "e"}, "spec": {"clusterIP": "None", "selector": {"app": "e"}, "ports": [{"name": "web", "port": 80}]}})).unwrap()).await.unwrap();
    let sts: Api<StatefulSet> = Api::namespaced(c.client.clone(), &ns);
    sts.create(
        &PostParams::default(),
        &serde_json::from_value(sts_json("e", 2, "Parallel")).unwrap(),
    )
    .await
    .unwrap();
    let eps: Api<Endpoints> = Api::namespaced(c.client.clone(), &ns);
    let ep = eventually(Duration::from_secs(20), || async {
        let e = eps.get("e").await.ok()?;
        let addrs = e.subsets.clone()?.first()?.addresses.clone()?;
        (addrs.len() == 2).then_some(addrs)
    })
    .await
    .expect("two ready addresses");
    let mut hosts: Vec<String> = ep.iter().filter_map(|a| a.hostname.clone()).collect();
    hosts.sort();
    assert_eq!(hosts, ["e-0", "e-1"]);
}
