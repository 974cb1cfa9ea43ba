//! Log views that follow the ordinal (issue #16), against the simulator or
//! `ORDINAL_TEST_KUBECONFIG`: one ordinal's lines, then new lines while following; every ordinal
//! merged in time order; a deleted pod marks the boundary and the view goes on with the new pod;
//! a stream cut mid-line resumes with nothing lost or duplicated; bad input ends the view saying
//! why.

#[path = "cluster_harness.rs"]
mod harness;

use std::time::Duration;

use futures::StreamExt;
use harness::{sts_json, TestCluster, TestNamespace};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, DeleteParams, PostParams};
use ordinal_core::pods::logs::{self, BoundaryReason, LogEvent, LogLine, LogRequest};
use ordinal_core::pods::StreamHealth;

async fn running_set(client: &kube::Client, ns: &str, replicas: i32) {
    let sts: Api<StatefulSet> = Api::namespaced(client.clone(), ns);
    sts.create(
        &PostParams::default(),
        &serde_json::from_value(sts_json("lg", replicas)).unwrap(),
    )
    .await
    .unwrap();
    let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
    for i in 0..replicas {
        let name = format!("lg-{i}");
        let ok = tokio::time::timeout(harness::slow(Duration::from_secs(20)), async {
            loop {
                if let Ok(p) = pods.get(&name).await {
                    if p.status.and_then(|s| s.phase).as_deref() == Some("Running") {
                        return;
                    }
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
        .await;
        assert!(ok.is_ok(), "{name} runs");
    }
}

fn request(ns: &str, ordinal: Option<u32>, follow: bool) -> LogRequest {
    LogRequest {
        context: "test".into(),
        namespace: ns.into(),
        statefulset: "lg".into(),
        ordinal,
        container: None,
        tail_lines: Some(5),
        since_seconds: None,
        previous: false,
        follow,
    }
}

/// Collect events until `done` says so (or the timeout).
async fn collect(
    stream: &mut (impl futures::Stream<Item = LogEvent> + Unpin),
    secs: u64,
    mut done: impl FnMut(&[LogEvent]) -> bool,
) -> Vec<LogEvent> {
    let mut got = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(secs), async {
        while let Some(e) = stream.next().await {
            got.push(e);
            if done(&got) {
                return;
            }
        }
    })
    .await;
    got
}

fn lines(events: &[LogEvent]) -> Vec<LogLine> {
    events
        .iter()
        .flat_map(|e| match e {
            LogEvent::Lines { lines } => lines.clone(),
            _ => Vec::new(),
        })
        .collect()
}

#[tokio::test]
async fn one_ordinal_then_new_lines_and_every_ordinal_merged() {
    let tc = TestCluster::empty().await;
    let client = tc.client().await;
    let ns = TestNamespace::new(&client, "plogs").await;
    running_set(&client, &ns.name, 2).await;
    // Not following: the tail, then the end.
    let mut s = Box::pin(logs::stream(
        client.clone(),
        request(&ns.name, Some(1), false),
    ));
    let ev = collect(&mut s, 20, |e| {
        e.iter().any(|e| {
            matches!(
                e,
                LogEvent::Health {
                    ordinal: None,
                    health: StreamHealth::Ended { .. }
                }
            )
        })
    })
    .await;
    let ls = lines(&ev);
    assert!(!ls.is_empty() && ls.len() <= 5, "{ev:?}");
    assert!(
        ls.iter()
            .all(|l| l.pod == "lg-1" && l.ordinal == 1 && l.ts.is_some()),
        "{ls:?}"
    );
    // Following: new lines arrive.
    let mut s = Box::pin(logs::stream(
        client.clone(),
        request(&ns.name, Some(0), true),
    ));
    let ev = collect(&mut s, 20, |e| {
        lines(e).len() >= 2
            && e.iter().any(|e| {
                matches!(
                    e,
                    LogEvent::Health {
                        health: StreamHealth::Live,
                        ordinal: Some(0)
                    }
                )
            })
    })
    .await;
    let before = lines(&ev).len();
    if let Some(sim) = &tc.sim {
        sim.write_log(&ns.name, "lg-0", None, vec!["written now".into()])
            .unwrap();
    }
    let more = collect(&mut s, 20, |e| !lines(e).is_empty()).await;
    assert!(
        !lines(&more).is_empty(),
        "a line written after {before} arrives while following"
    );
    drop(s);
    // Every ordinal, merged in time order.
    let mut s = Box::pin(logs::stream(client.clone(), request(&ns.name, None, true)));
    let ev = collect(&mut s, 30, |e| {
        let ls = lines(e);
        ls.iter().any(|l| l.ordinal == 0) && ls.iter().any(|l| l.ordinal == 1)
    })
    .await;
    let ls = lines(&ev);
    assert!(
        ls.iter().any(|l| l.ordinal == 0) && ls.iter().any(|l| l.ordinal == 1),
        "{ls:?}"
    );
    for e in &ev {
        if let LogEvent::Lines { lines } = e {
            let ts: Vec<i128> = lines
                .iter()
                .map(|l| {
                    l.ts.as_deref()
                        .unwrap()
                        .parse::<k8s_openapi::jiff::Timestamp>()
                        .unwrap()
                        .as_nanosecond()
                })
                .collect();
            assert!(
                ts.windows(2).all(|w| w[0] <= w[1]),
                "a batch is in time order: {lines:?}"
            );
        }
    }
    drop(s);
    // Bad input: an unknown container ends the view naming it.
    let mut req = request(&ns.name, Some(0), false);
    req.container = Some("nope".into());
    let mut s = Box::pin(logs::stream(client.clone(), req));
    let ev = collect(&mut s, 20, |e| {
        e.iter().any(|e| {
            matches!(
                e,
                LogEvent::Health {
                    ordinal: Some(0),
                    health: StreamHealth::Ended { .. }
                }
            )
        })
    })
    .await;
    let why = ev.iter().find_map(|e| match e {
        LogEvent::Health {
            ordinal: Some(0),
            health: StreamHealth::Ended { reason },
        } => Some(reason.clone()),
        _ => None,
    });
    assert!(why.as_deref().is_some_and(|w| w.contains("nope")), "{ev:?}");
    ns.delete().await;
}

#[tokio::test]
async fn a_recreated_pod_marks_the_boundary_and_the_view_goes_on() {
    let tc = TestCluster::empty().await;
    let client = tc.client().await;
    let ns = TestNamespace::new(&client, "plogr").await;
    running_set(&client, &ns.name, 1).await;
    let mut s = Box::pin(logs::stream(
        client.clone(),
        request(&ns.name, Some(0), true),
    ));
    collect(&mut s, 20, |e| !lines(e).is_empty()).await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), &ns.name);
    let old_uid = pods.get("lg-0").await.unwrap().metadata.uid.unwrap();
    pods.delete("lg-0", &DeleteParams::default()).await.unwrap();
    let ev = collect(
        &mut s,
        harness::slow(Duration::from_secs(30)).as_secs(),
        |e| {
            let at = e
                .iter()
                .position(|e| matches!(e, LogEvent::Boundary { .. }));
            at.is_some_and(|i| !lines(&e[i..]).is_empty())
        },
    )
    .await;
    let at = ev
        .iter()
        .position(|e| {
            matches!(
                e,
                LogEvent::Boundary {
                    reason: BoundaryReason::NewPod,
                    ordinal: 0,
                    ..
                }
            )
        })
        .unwrap_or_else(|| panic!("a new-pod boundary: {ev:?}"));
    assert!(
        !lines(&ev[at..]).is_empty(),
        "lines of the new pod follow the boundary: {ev:?}"
    );
    let new_uid = pods.get("lg-0").await.unwrap().metadata.uid.unwrap();
    assert_ne!(old_uid, new_uid);
    ns.delete().await;
}

#[tokio::test]
async fn a_cut_stream_resumes_without_loss_or_duplicates() {
    let tc = TestCluster::empty().await;
    let Some(sim) = &tc.sim else {
        return harness::skipped(
            "pod_logs::a_cut_stream_resumes_without_loss_or_duplicates",
            "cutting a log stream mid-line and writing numbered lines are simulator controls",
        );
    };
    let client = tc.client().await;
    let ns = TestNamespace::new(&client, "plogc").await;
    running_set(&client, &ns.name, 1).await;
    let mut req = request(&ns.name, Some(0), true);
    req.tail_lines = Some(0);
    let mut s = Box::pin(logs::stream(client.clone(), req));
    collect(&mut s, 10, |e| {
        e.iter().any(|e| {
            matches!(
                e,
                LogEvent::Health {
                    ordinal: Some(0),
                    health: StreamHealth::Live
                }
            )
        })
    })
    .await;
    let mut got: Vec<String> = Vec::new();
    let mut reconnects = 0;
    let is_live = |e: &LogEvent| {
        matches!(
            e,
            LogEvent::Health {
                ordinal: Some(0),
                health: StreamHealth::Live
            }
        )
    };
    let is_reconnecting = |e: &LogEvent| {
        matches!(
            e,
            LogEvent::Health {
                health: StreamHealth::Reconnecting { .. },
                ..
            }
        )
    };
    for round in 0..3 {
        let batch: Vec<bytes::Bytes> = (0..200)
            .map(|i| format!("n{:04}", round * 200 + i).into())
            .collect();
        sim.write_log(&ns.name, "lg-0", None, batch).unwrap();
        let last = format!("n{:04}", round * 200 + 199);
        let ev = collect(&mut s, 20, |e| lines(e).iter().any(|l| l.text == last)).await;
        got.extend(
            lines(&ev)
                .into_iter()
                .map(|l| l.text)
                .filter(|t| t.starts_with('n') && t.len() == 5),
        );
        // Cut after the lines arrived; the view says it reconnects, then is live again.
        sim.cut_log_streams();
        let ev = collect(&mut s, 20, |e| {
            e.iter()
                .position(is_reconnecting)
                .is_some_and(|i| e[i..].iter().any(is_live))
        })
        .await;
        reconnects += ev.iter().filter(|e| is_reconnecting(e)).count();
        got.extend(
            lines(&ev)
                .into_iter()
                .map(|l| l.text)
                .filter(|t| t.starts_with('n') && t.len() == 5),
        );
    }
    let want: Vec<String> = (0..600).map(|i| format!("n{i:04}")).collect();
    assert_eq!(got, want, "every numbered line once, in order");
    assert!(
        reconnects >= 3,
        "the cuts show as reconnecting ({reconnects})"
    );
    ns.delete().await;
}

#[tokio::test]
async fn invalid_utf8_and_a_10_mb_line_arrive_decoded_and_cut() {
    let tc = TestCluster::empty().await;
    let Some(sim) = &tc.sim else {
        return harness::skipped(
            "pod_logs::invalid_utf8_and_a_10_mb_line_arrive_decoded_and_cut",
            "writing chosen bytes into a container's log is a simulator control",
        );
    };
    let client = tc.client().await;
    let ns = TestNamespace::new(&client, "plogu").await;
    running_set(&client, &ns.name, 1).await;
    let mut req = request(&ns.name, Some(0), true);
    req.tail_lines = Some(0);
    let mut s = Box::pin(logs::stream(client.clone(), req));
    collect(&mut s, 10, |e| {
        e.iter().any(|e| {
            matches!(
                e,
                LogEvent::Health {
                    ordinal: Some(0),
                    health: StreamHealth::Live
                }
            )
        })
    })
    .await;
    let mut big = b"big:".to_vec();
    big.resize(10 << 20, b'x');
    sim.write_log(
        &ns.name,
        "lg-0",
        None,
        vec![
            vec![b'a', 0xff, 0xfe, b'z'].into(),
            big.into(),
            "after".into(),
        ],
    )
    .unwrap();
    let ev = collect(&mut s, 20, |e| lines(e).iter().any(|l| l.text == "after")).await;
    let ls = lines(&ev);
    assert!(
        ls.iter().any(|l| l.text == "a\u{FFFD}\u{FFFD}z"),
        "invalid bytes become U+FFFD"
    );
    let long = ls
        .iter()
        .find(|l| l.text.starts_with("big:"))
        .expect("the long line");
    assert!(
        long.text.len() < logs::MAX_LINE + 100,
        "cut to {} bytes",
        logs::MAX_LINE
    );
    assert!(long.text.ends_with("more bytes not kept]"), "and says so");
    ns.delete().await;
}
