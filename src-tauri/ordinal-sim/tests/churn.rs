//! Pod churn for benchmarks: the rate and count of writes, their resourceVersions and times, every
//! write seen by a watch, and the binary's `--control-stdin` churn command. Simulator-only.
mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams, WatchEvent, WatchParams};
use ordinal_sim::{ChurnReport, ChurnSpec, ChurnWrite, Seed, SimConfig, Simulator};

fn restarts(p: &Pod) -> i32 {
    p.status
        .as_ref()
        .unwrap()
        .container_statuses
        .as_ref()
        .unwrap()[0]
        .restart_count
}

#[tokio::test]
async fn churn_writes_at_the_rate_and_every_write_reaches_a_watch() {
    if common::real_kubeconfig().is_some() {
        return common::skipped(
            "churn::churn_writes_at_the_rate_and_every_write_reaches_a_watch",
            "the churn is a simulator facility",
        );
    }
    let sim = Simulator::start(SimConfig {
        seed: Seed::Scale {
            namespaces: 2,
            statefulsets: 4,
            replicas: 2,
        },
        ready_delay: Duration::ZERO,
        ..Default::default()
    })
    .await
    .unwrap();
    let client = common::client_for(&sim.kubeconfig_yaml(), None).await;
    let pods: Api<Pod> = Api::all(client.clone());
    let sts: Api<StatefulSet> = Api::all(client.clone());
    let list = pods.list(&ListParams::default()).await.unwrap();
    assert_eq!(list.items.len(), 8);
    assert!(list.items.iter().all(|p| restarts(p) == 0));
    let sts_before = sts.list(&ListParams::default()).await.unwrap();
    let rv = list.metadata.resource_version.unwrap();
    let mut watch = pods
        .watch(&WatchParams::default(), &rv)
        .await
        .unwrap()
        .boxed();

    let before = SystemTime::now();
    let report = sim
        .churn(ChurnSpec {
            rate_per_sec: 200,
            duration: Duration::from_millis(500),
            ..Default::default()
        })
        .await
        .unwrap();
    let after = SystemTime::now();
    assert_eq!(report.writes.len(), 100, "rate x duration writes");
    assert_eq!(report.skipped, 0);
    assert!(
        report.elapsed >= Duration::from_millis(490),
        "paced over the duration, not in one burst: {:?}",
        report.elapsed
    );
    assert!(report
        .writes
        .windows(2)
        .all(|w| w[0].resource_version < w[1].resource_version && w[0].at <= w[1].at));
    assert!(report
        .writes
        .iter()
        .all(|w| w.at >= before && w.at <= after));

    // Every write reaches the watch with its resourceVersion, in order.
    let mut seen = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), async {
        while seen.len() < report.writes.len() {
            match watch.try_next().await.unwrap().unwrap() {
                WatchEvent::Modified(p) => seen.push((
                    format!(
                        "{}/{}",
                        p.metadata.namespace.unwrap(),
                        p.metadata.name.unwrap()
                    ),
                    p.metadata.resource_version.unwrap().parse::<u64>().unwrap(),
                )),
                WatchEvent::Bookmark(_) => {}
                other => panic!("unexpected {other:?}"),
            }
        }
    })
    .await
    .expect("every write is watched");
    let written: Vec<(String, u64)> = report
        .writes
        .iter()
        .map(|w| (w.key(), w.resource_version))
        .collect();
    assert_eq!(seen, written);

    // Each pod's restart count is the number of writes it got; its resourceVersion the last one.
    let mut per_pod: BTreeMap<String, (i32, u64)> = BTreeMap::new();
    for w in &report.writes {
        let e = per_pod.entry(w.key()).or_default();
        e.0 += 1;
        e.1 = w.resource_version;
    }
    for p in pods.list(&ListParams::default()).await.unwrap().items {
        let key = format!(
            "{}/{}",
            p.metadata.namespace.as_deref().unwrap(),
            p.metadata.name.as_deref().unwrap()
        );
        let (n, rv) = per_pod.get(&key).copied().unwrap_or_default();
        assert_eq!(restarts(&p), n, "{key}");
        if n > 0 {
            assert_eq!(p.metadata.resource_version.unwrap(), rv.to_string());
        }
    }
    // The controllers did not react: the StatefulSets were not rewritten.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sts_after = sts.list(&ListParams::default()).await.unwrap();
    let rvs = |l: &kube::core::ObjectList<StatefulSet>| {
        l.items
            .iter()
            .map(|s| s.metadata.resource_version.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(rvs(&sts_before), rvs(&sts_after));

    // The log format round-trips.
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("churn.log");
    report.write_log(&log).unwrap();
    let back = ChurnReport::read_log(&log).unwrap();
    assert_eq!(back.len(), report.writes.len());
    for (a, b) in back.iter().zip(&report.writes) {
        assert_eq!(
            (&a.namespace, &a.name, a.resource_version),
            (&b.namespace, &b.name, b.resource_version)
        );
        let d = a.at.duration_since(b.at).unwrap_or_else(|e| e.duration());
        assert!(d < Duration::from_micros(1), "{d:?}");
    }
    sim.shutdown().await;
}

#[test]
fn the_binary_churns_on_command_and_stops_when_stdin_closes() {
    if common::real_kubeconfig().is_some() {
        return common::skipped(
            "churn::the_binary_churns_on_command_and_stops_when_stdin_closes",
            "the churn is a simulator facility",
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kc.yaml");
    let log = dir.path().join("churn.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ordinal-sim"))
        .args([
            "--kubeconfig",
            kc.to_str().unwrap(),
            "--seed",
            "scale:1,2,2",
            "--ready-delay-ms",
            "0",
            "--control-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let next = || rx.recv_timeout(Duration::from_secs(20)).unwrap();
    assert!(next().starts_with("kubeconfig: "));
    assert!(next().starts_with("server: https://127.0.0.1:"));
    writeln!(stdin, "churn 100 0.3 {}", log.display()).unwrap();
    let done = next();
    let words: Vec<&str> = done.split_whitespace().collect();
    assert_eq!(&words[..3], ["churn-done", "30", "0"], "{done}");
    let writes: Vec<ChurnWrite> = ChurnReport::read_log(&log).unwrap();
    assert_eq!(writes.len(), 30);
    assert!(writes.iter().all(|w| w.namespace == "scale-000"));
    // Closing stdin stops the simulator.
    drop(stdin);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        if std::time::Instant::now() > deadline {
            // End only the child we started.
            child.kill().unwrap();
            panic!("the simulator did not stop when stdin closed");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
