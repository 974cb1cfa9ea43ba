//! The Scale seed at benchmark size: fast, memory-light, and servable (paginated list of 50,000
//! pods through kube-rs). Simulator-only.
mod common;

use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};
use ordinal_sim::{Seed, SimConfig, Simulator};

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scale_seed_50k_pods() {
    if common::real_kubeconfig().is_some() {
        return common::skipped("scale::scale_seed_50k_pods", "seeds are simulator-only");
    }
    let t = Instant::now();
    let sim = Simulator::start(SimConfig {
        seed: Seed::benchmark(),
        ready_delay: Duration::ZERO,
        ..Default::default()
    })
    .await
    .unwrap();
    let startup = t.elapsed();
    assert_eq!(sim.count("pods"), 50_000);
    assert_eq!(sim.count("statefulsets"), 10_000);
    let rss = rss_mb();
    eprintln!(
        "scale seed startup {:.2}s, rss {:.0} MB",
        startup.as_secs_f64(),
        rss
    );
    assert!(
        startup < Duration::from_secs(10),
        "startup took {startup:?}"
    );
    assert!(rss < 500.0, "rss {rss} MB");
    let client = common::client_for(&sim.kubeconfig_yaml(), None).await;
    // The controllers have nothing to do: everything is already Running/Ready.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let sts: Api<StatefulSet> = Api::namespaced(client.clone(), "scale-007");
    let one = sts.get("app-00007").await.unwrap();
    assert_eq!(one.status.unwrap().ready_replicas, Some(5));
    let pods: Api<Pod> = Api::all(client.clone());
    let t = Instant::now();
    let mut lp = ListParams::default().limit(5000);
    let mut n = 0;
    loop {
        let page = pods.list(&lp).await.unwrap();
        n += page.items.len();
        match page.metadata.continue_ {
            Some(c) if !c.is_empty() => lp = lp.continue_token(&c),
            _ => break,
        }
    }
    eprintln!("listed {n} pods in {:.2}s", t.elapsed().as_secs_f64());
    assert_eq!(n, 50_000);
    let sel: Api<Pod> = Api::namespaced(client, "scale-042");
    assert_eq!(
        sel.list(&ListParams::default().labels("app=app-00042"))
            .await
            .unwrap()
            .items
            .len(),
        5
    );
}
