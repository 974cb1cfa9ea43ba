//! `pods/log` through kube-rs, as the app reads it: tail, timestamps, since, byte limits, follow
//! (new lines arrive; the stream ends when the pod is recreated), the previous run of a crashed
//! container, bad input (unknown container, missing pod), and the simulator's controls (bursts,
//! raw bytes, a 10 MB line, a stream cut mid-line). The control-driven parts are skipped on a real
//! cluster, saying why.

mod common;

use std::time::Duration;

use common::{eventually, namespace, start, sts_json, Cluster};
use futures::{AsyncBufReadExt, AsyncReadExt, TryStreamExt};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, DeleteParams, LogParams, PostParams};

async fn running_set(c: &Cluster, prefix: &str, replicas: i32) -> (String, Api<Pod>) {
    let ns = namespace(&c.client, prefix).await;
    let sts: Api<StatefulSet> = Api::namespaced(c.client.clone(), &ns);
    sts.create(
        &PostParams::default(),
        &serde_json::from_value(sts_json("l", replicas, "Parallel")).unwrap(),
    )
    .await
    .unwrap();
    let pods: Api<Pod> = Api::namespaced(c.client.clone(), &ns);
    for i in 0..replicas {
        let name = format!("l-{i}");
        eventually(Duration::from_secs(20), || async {
            let p = pods.get(&name).await.ok()?;
            let running = p
                .status?
                .container_statuses?
                .first()?
                .state
                .as_ref()?
                .running
                .is_some();
            running.then_some(())
        })
        .await
        .unwrap_or_else(|| panic!("{name} runs"));
    }
    (ns, pods)
}

async fn cleanup(c: &Cluster, ns: &str) {
    let nss: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(c.client.clone());
    let _ = nss.delete(ns, &DeleteParams::default()).await;
}

#[tokio::test]
async fn tail_timestamps_since_and_limits() {
    let c = start().await;
    let (ns, pods) = running_set(&c, "logs", 1).await;
    // Wait for a few lines (the real stand-in kubelet writes its lines over time too).
    let text = eventually(Duration::from_secs(15), || async {
        let t = pods
            .logs(
                "l-0",
                &LogParams {
                    tail_lines: Some(3),
                    timestamps: true,
                    ..Default::default()
                },
            )
            .await
            .ok()?;
        (t.lines().count() == 3).then_some(t)
    })
    .await
    .expect("three lines with timestamps");
    for line in text.lines() {
        let (ts, rest) = line.split_once(' ').expect("timestamp, space, text");
        let t = chrono::DateTime::parse_from_rfc3339(ts).unwrap_or_else(|e| panic!("{ts}: {e}"));
        assert!(!rest.is_empty());
        assert!(t <= chrono::Utc::now() + chrono::Duration::seconds(2));
    }
    // sinceTime: only lines at or after the instant (the newest line's own time keeps it).
    let newest = text
        .lines()
        .last()
        .unwrap()
        .split_once(' ')
        .unwrap()
        .0
        .to_string();
    let since = pods
        .logs(
            "l-0",
            &LogParams {
                since_time: Some(newest.parse::<k8s_openapi::jiff::Timestamp>().unwrap()),
                timestamps: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(since.lines().count() >= 1, "{since}");
    assert!(
        since
            .lines()
            .all(|l| l.split_once(' ').unwrap().0 >= &newest[..19]),
        "{since}"
    );
    // limitBytes cuts the answer.
    let limited = pods
        .logs(
            "l-0",
            &LogParams {
                limit_bytes: Some(10),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    if c.sim.is_some() {
        assert_eq!(limited.len(), 10, "{limited:?}");
    } else {
        common::skipped(
            "pod_logs::tail_timestamps_since_and_limits: limitBytes",
            "the real control plane's stand-in kubelet ignores limitBytes (the API server passes it to the kubelet)",
        );
    }
    // Bad input: an unknown container is a 400 naming it, a missing pod a 404.
    let e = pods
        .logs(
            "l-0",
            &LogParams {
                container: Some("nope".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&e, kube::Error::Api(s) if s.code == 400 && s.message.contains("nope")),
        "{e:?}"
    );
    let e = pods.logs("l-9", &LogParams::default()).await.unwrap_err();
    assert!(matches!(&e, kube::Error::Api(s) if s.code == 404), "{e:?}");
    cleanup(&c, &ns).await;
}

/// Read lines of a follow stream until `pred` holds for one, within `secs`.
async fn until_line(
    lines: &mut (impl futures::Stream<Item = std::io::Result<String>> + Unpin),
    secs: u64,
    pred: impl Fn(&str) -> bool,
) -> Option<String> {
    tokio::time::timeout(Duration::from_secs(secs), async {
        while let Some(l) = lines.try_next().await.ok()? {
            if pred(&l) {
                return Some(l);
            }
        }
        None
    })
    .await
    .ok()
    .flatten()
}

#[tokio::test]
async fn follow_streams_new_lines_and_ends_with_the_pod() {
    let c = start().await;
    let (ns, pods) = running_set(&c, "logf", 1).await;
    let stream = pods
        .log_stream(
            "l-0",
            &LogParams {
                follow: true,
                tail_lines: Some(1),
                timestamps: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut lines = stream.lines();
    let first = until_line(&mut lines, 10, |_| true)
        .await
        .expect("the tail line");
    // A line written after the request arrives while following (the steady rate, or a burst).
    if let Some(sim) = &c.sim {
        sim.write_log(
            &ns,
            "l-0",
            None,
            vec!["burst one".into(), "burst two".into()],
        )
        .unwrap();
        until_line(&mut lines, 5, |l| l.ends_with("burst two"))
            .await
            .expect("the burst arrives");
    } else {
        until_line(&mut lines, 10, |l| l != first)
            .await
            .expect("a new line arrives");
    }
    if c.sim.is_none() {
        cleanup(&c, &ns).await;
        return common::skipped(
            "pod_logs::follow_streams_new_lines_and_ends_with_the_pod: the stream ends with the pod",
            "the real control plane's stand-in kubelet keeps a follow open for FOLLOW_SECONDS after its pod is deleted",
        );
    }
    // Deleting the pod ends the stream: the recreated pod is another container.
    pods.delete("l-0", &DeleteParams::default()).await.unwrap();
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        while let Ok(Some(_)) = lines.try_next().await {}
    })
    .await;
    assert!(ended.is_ok(), "the follow ends when its pod goes");
    cleanup(&c, &ns).await;
}

#[tokio::test]
async fn raw_bytes_long_lines_and_a_cut_stream() {
    let c = start().await;
    let Some(sim) = &c.sim else {
        return common::skipped(
            "pod_logs::raw_bytes_long_lines_and_a_cut_stream",
            "writes chosen bytes into a container's log and cuts streams: simulator controls",
        );
    };
    let (ns, pods) = running_set(&c, "logb", 1).await;
    let stream = pods
        .log_stream(
            "l-0",
            &LogParams {
                follow: true,
                tail_lines: Some(0),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut stream = Box::pin(stream);
    let big = vec![b'x'; 10 << 20];
    sim.write_log(
        &ns,
        "l-0",
        None,
        vec![
            vec![b'a', 0xff, 0xfe, b'z'].into(),
            big.into(),
            "after".into(),
        ],
    )
    .unwrap();
    let mut got = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), async {
        let mut buf = vec![0u8; 1 << 16];
        while !got.ends_with(b"after\n") {
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "stream ended early");
            got.extend_from_slice(&buf[..n]);
        }
    })
    .await
    .expect("all bytes arrive");
    // The container's own lines (it writes at its steady rate) may come before the written ones.
    let at = got
        .windows(5)
        .position(|w| w == [b'a', 0xff, 0xfe, b'z', b'\n'])
        .expect("invalid UTF-8 passes through as bytes");
    assert_eq!(
        got.len() - at,
        5 + (10 << 20) + 1 + 6,
        "the 10 MB line and the next one whole"
    );
    // A cut: half a line, then the connection ends.
    let stream = pods
        .log_stream(
            "l-0",
            &LogParams {
                follow: true,
                tail_lines: Some(0),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut stream = Box::pin(stream);
    tokio::time::sleep(Duration::from_millis(300)).await;
    sim.cut_log_streams();
    let mut rest = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut rest))
        .await
        .expect("the cut stream ends")
        .ok();
    assert!(
        !rest.is_empty() && !rest.ends_with(b"\n"),
        "it ends in the middle of a line: {:?}",
        String::from_utf8_lossy(&rest)
    );
    cleanup(&c, &ns).await;
}

#[tokio::test]
async fn the_previous_run_of_a_crashing_container() {
    let c = start().await;
    if c.sim.is_none() {
        return common::skipped(
            "pod_logs::the_previous_run_of_a_crashing_container",
            "the real control plane's stand-in kubelet runs no containers, so none crashes",
        );
    }
    let ns = namespace(&c.client, "logp").await;
    let mut set = sts_json("l", 1, "Parallel");
    set["spec"]["template"]["metadata"]["annotations"] =
        serde_json::json!({"sim.ordinal.dev/crash-loop": "true"});
    set["spec"]["template"]["spec"]["containers"][0]["image"] = serde_json::json!("postgres:16.4");
    let sts: Api<StatefulSet> = Api::namespaced(c.client.clone(), &ns);
    sts.create(
        &PostParams::default(),
        &serde_json::from_value(set).unwrap(),
    )
    .await
    .unwrap();
    let pods: Api<Pod> = Api::namespaced(c.client.clone(), &ns);
    eventually(Duration::from_secs(30), || async {
        let p = pods.get("l-0").await.ok()?;
        (p.status?.container_statuses?.first()?.restart_count >= 1).then_some(())
    })
    .await
    .expect("the container restarts");
    let prev = pods
        .logs(
            "l-0",
            &LogParams {
                previous: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(prev.contains("database system is ready"), "{prev}");
    assert!(
        prev.trim_end().ends_with("database system is shut down"),
        "the run ends with its crash lines: {prev}"
    );
    cleanup(&c, &ns).await;
}
