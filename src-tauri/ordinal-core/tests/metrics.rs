//! The Metrics tab's data: per-pod CPU and memory of one StatefulSet from metrics.k8s.io, or a
//! clear "not available". Against the simulator (which serves metrics) or
//! `ORDINAL_TEST_KUBECONFIG` (with or without metrics-server).

#[path = "cluster_harness.rs"]
mod harness;

use std::time::Duration;

use futures::StreamExt;
use harness::TestCluster;
use ordinal_core::kinds::statefulset::metrics::{sample, watch};
use ordinal_sim::Seed;

#[tokio::test]
async fn per_pod_usage_of_one_statefulset_or_a_clear_reason() {
    let c = TestCluster::start(Seed::Demo, Duration::from_millis(50)).await;
    let client = c.client().await;
    if c.sim.is_none() {
        let s = sample(client, "default", "none").await;
        assert!(s.available || s.message.is_some(), "{s:?}");
        return;
    }
    // Wait for postgres's pods to run (metrics cover running pods).
    let mut s = sample(client.clone(), "db", "postgres").await;
    for _ in 0..50 {
        if s.pods.len() == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        s = sample(client.clone(), "db", "postgres").await;
    }
    assert!(s.available);
    assert_eq!(
        s.pods.iter().map(|p| p.ordinal).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    assert!(
        s.pods
            .iter()
            .all(|p| p.cpu_millis > 0.0 && p.memory_bytes > 1e6),
        "{s:?}"
    );
    // Only this set's pods (no postgres-exporter-like neighbours, no other sets).
    assert!(s.pods.iter().all(|p| p.pod.starts_with("postgres-")));
    // Requests and limits from the template, for the chart's lines: the seed requests 250m CPU
    // and 512Mi and limits memory to 1Gi, with no CPU limit.
    for p in &s.pods {
        assert_eq!(p.cpu_request_millis, Some(250.0), "{p:?}");
        assert_eq!(p.memory_request_bytes, Some(512.0 * 1_048_576.0), "{p:?}");
        assert_eq!(p.memory_limit_bytes, Some(1_073_741_824.0), "{p:?}");
        assert_eq!(p.cpu_limit_millis, None, "{p:?}");
    }

    // The stream samples again after the interval and stops when dropped.
    let mut w = Box::pin(watch(
        client,
        "db".into(),
        "postgres".into(),
        Duration::from_millis(200),
    ));
    let a = w.next().await.unwrap();
    let b = w.next().await.unwrap();
    assert!(b.at >= a.at + 150, "{} then {}", a.at, b.at);
}
