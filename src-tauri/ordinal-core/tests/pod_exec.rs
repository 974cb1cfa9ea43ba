//! Shells, commands on every ordinal and port-forwards that follow the ordinal (issue #16),
//! against the simulator. The real control plane of the test pass (Kubernetes 1.20 with a
//! stand-in kubelet) serves no exec and no port-forward: there these tests are skipped, saying so.

#[path = "cluster_harness.rs"]
mod harness;

use std::time::Duration;

use futures::StreamExt;
use harness::{sts_json, TestCluster, TestNamespace};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, DeleteParams, PostParams};
use ordinal_core::pods::exec::{self, RunEvent, RunRequest, ShellEvent};
use ordinal_core::pods::forward::{ForwardRequest, ForwardState, Forwards};
use ordinal_core::ErrorCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn real_skip(test: &str) -> bool {
    if std::env::var_os("ORDINAL_TEST_KUBECONFIG").is_some() {
        harness::skipped(
            test,
            "the real control plane's stand-in kubelet serves no exec, attach or port-forward",
        );
        return true;
    }
    false
}

async fn running_set(client: &kube::Client, ns: &str, name: &str, image: &str, replicas: i32) {
    let mut s = sts_json(name, replicas);
    s["spec"]["template"]["spec"]["containers"][0]["image"] = serde_json::json!(image);
    s["spec"]["template"]["spec"]["containers"][0]["ports"] = serde_json::json!([{"name": "http", "containerPort": 80}, {"name": "echo", "containerPort": 7000}]);
    let sts: Api<StatefulSet> = Api::namespaced(client.clone(), ns);
    sts.create(&PostParams::default(), &serde_json::from_value(s).unwrap())
        .await
        .unwrap();
    for i in 0..replicas {
        wait_running(client, ns, &format!("{name}-{i}"), None).await;
    }
}

/// Wait until the pod runs (and, when given, is not the pod with `old_uid`).
async fn wait_running(client: &kube::Client, ns: &str, pod: &str, old_uid: Option<&str>) -> String {
    let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            if let Ok(p) = pods.get(pod).await {
                let uid = p.metadata.uid.clone().unwrap_or_default();
                let running = p.status.and_then(|s| s.phase).as_deref() == Some("Running");
                if running
                    && p.metadata.deletion_timestamp.is_none()
                    && Some(uid.as_str()) != old_uid
                {
                    return uid;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{pod} runs"))
}

/// Read shell events until the output contains `want` (or the shell exits).
async fn until_output(
    s: &mut (impl futures::Stream<Item = ShellEvent> + Unpin),
    want: &str,
) -> (String, Option<ShellEvent>) {
    let mut out = String::new();
    let r = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(e) = s.next().await {
            match e {
                ShellEvent::Output { data } => {
                    out.push_str(&data);
                    if out.contains(want) {
                        return None;
                    }
                }
                e @ (ShellEvent::Exit { .. } | ShellEvent::Error { .. }) => return Some(e),
                ShellEvent::Started { .. } => {}
            }
        }
        None
    })
    .await;
    (out, r.ok().flatten())
}

#[tokio::test]
async fn a_shell_runs_resizes_and_reports_its_exit_code() {
    if real_skip("pod_exec::a_shell_runs_resizes_and_reports_its_exit_code") {
        return;
    }
    let tc = TestCluster::empty().await;
    let client = tc.client().await;
    let ns = TestNamespace::new(&client, "pexec").await;
    running_set(&client, &ns.name, "sh", "nginx:1.27", 2).await;
    let (h, s) = exec::open(
        client.clone(),
        &ns.name,
        "sh-1",
        None,
        exec::default_shells(),
        80,
        24,
    )
    .await
    .unwrap();
    let mut s = Box::pin(s);
    h.input(b"hostname\r");
    let (out, end) = until_output(&mut s, "sh-1\r\n").await;
    assert!(
        end.is_none() && out.contains("sh-1"),
        "hostname names the ordinal's pod: {out:?} {end:?}"
    );
    h.resize(100, 30);
    tokio::time::sleep(Duration::from_millis(100)).await;
    h.input(b"stty size\r");
    let (out, _) = until_output(&mut s, "30 100").await;
    assert!(
        out.contains("30 100"),
        "the resize reached the pod: {out:?}"
    );
    h.input(b"exit 3\r");
    let (_, end) = until_output(&mut s, "\u{0}never").await;
    assert!(
        matches!(end, Some(ShellEvent::Exit { code: Some(3), .. })),
        "{end:?}"
    );
    ns.delete().await;
}

#[tokio::test]
async fn without_bash_the_shell_is_sh_and_bad_input_is_refused() {
    if real_skip("pod_exec::without_bash_the_shell_is_sh_and_bad_input_is_refused") {
        return;
    }
    let tc = TestCluster::empty().await;
    let client = tc.client().await;
    let ns = TestNamespace::new(&client, "pexsh").await;
    running_set(&client, &ns.name, "al", "nginx:1.27-alpine", 1).await;
    let (h, s) = exec::open(
        client.clone(),
        &ns.name,
        "al-0",
        None,
        exec::default_shells(),
        80,
        24,
    )
    .await
    .unwrap();
    let mut s = Box::pin(s);
    let first = tokio::time::timeout(Duration::from_secs(5), s.next())
        .await
        .unwrap();
    assert!(
        matches!(&first, Some(ShellEvent::Started { command }) if command == &["sh"]),
        "{first:?}"
    );
    h.input(b"hostname\r");
    let (out, _) = until_output(&mut s, "al-0\r\n").await;
    assert!(out.contains("al-0\r\n"), "sh runs commands: {out:?}");
    drop(s);
    // An unknown container, a missing pod, an empty command.
    let e = exec::open(
        client.clone(),
        &ns.name,
        "al-0",
        Some("nope"),
        exec::default_shells(),
        80,
        24,
    )
    .await
    .err()
    .expect("unknown container refused");
    assert_eq!(
        ordinal_core::error::Classify::code(&e),
        ErrorCode::Invalid,
        "{e}"
    );
    let e = exec::open(
        client.clone(),
        &ns.name,
        "al-9",
        None,
        exec::default_shells(),
        80,
        24,
    )
    .await
    .err()
    .expect("missing pod refused");
    assert_eq!(
        ordinal_core::error::Classify::code(&e),
        ErrorCode::NotFound,
        "{e}"
    );
    assert!(exec::split_command("   ").is_err());
    // A user without `create pods/exec`.
    if let Some(viewer) = &tc.viewer {
        let vc = kube::Client::try_from(tc.config(viewer).await).unwrap();
        let e = exec::open(vc, &ns.name, "al-0", None, exec::default_shells(), 80, 24)
            .await
            .err()
            .expect("forbidden");
        assert_eq!(
            ordinal_core::error::Classify::code(&e),
            ErrorCode::Forbidden,
            "{e}"
        );
    }
    ns.delete().await;
}

#[tokio::test]
async fn one_command_on_every_ordinal() {
    if real_skip("pod_exec::one_command_on_every_ordinal") {
        return;
    }
    let tc = TestCluster::empty().await;
    let client = tc.client().await;
    let ns = TestNamespace::new(&client, "prun").await;
    running_set(&client, &ns.name, "rn", "nginx:1.27", 3).await;
    let run = |command: Vec<&str>| {
        exec::run_on(
            client.clone(),
            RunRequest {
                context: "t".into(),
                namespace: ns.name.clone(),
                statefulset: "rn".into(),
                ordinals: vec![0, 1, 2],
                container: None,
                command: command.into_iter().map(String::from).collect(),
            },
        )
        .collect::<Vec<_>>()
    };
    let ev = tokio::time::timeout(Duration::from_secs(20), run(vec!["hostname"]))
        .await
        .unwrap();
    assert!(matches!(ev.last(), Some(RunEvent::Done)));
    for o in 0..3u32 {
        let r = ev.iter().find_map(|e| match e {
            RunEvent::Result {
                ordinal,
                stdout,
                exit_code,
                ..
            } if *ordinal == o => Some((stdout.clone(), *exit_code)),
            _ => None,
        });
        assert_eq!(r, Some((format!("rn-{o}\n"), Some(0))), "{ev:?}");
    }
    let ev = tokio::time::timeout(Duration::from_secs(20), run(vec!["sh", "-c", "exit 4"]))
        .await
        .unwrap();
    let codes: Vec<Option<i32>> = ev
        .iter()
        .filter_map(|e| match e {
            RunEvent::Result { exit_code, .. } => Some(*exit_code),
            _ => None,
        })
        .collect();
    assert_eq!(codes, vec![Some(4); 3], "{ev:?}");
    ns.delete().await;
}

async fn http_get(addr: &str) -> std::io::Result<String> {
    let mut c = tokio::net::TcpStream::connect(addr).await?;
    c.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await?;
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), c.read_to_end(&mut out))
        .await
        .map_err(|_| std::io::Error::other("timeout"))??;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[tokio::test]
async fn a_forward_follows_its_ordinal_to_the_new_pod() {
    if real_skip("pod_exec::a_forward_follows_its_ordinal_to_the_new_pod") {
        return;
    }
    let tc = TestCluster::empty().await;
    let client = tc.client().await;
    let ns = TestNamespace::new(&client, "pfwd").await;
    running_set(&client, &ns.name, "fw", "nginx:1.27", 2).await;
    let fwds = Forwards::default();
    let req = |port| ForwardRequest {
        context: "t".into(),
        namespace: ns.name.clone(),
        statefulset: "fw".into(),
        ordinal: 1,
        port,
        local_port: None,
    };
    let v = fwds
        .start(client.clone(), req(80), Some("http".into()), None)
        .await
        .unwrap();
    assert!(v.local_address.starts_with("127.0.0.1:"), "{v:?}");
    let body = http_get(&v.local_address).await.unwrap();
    assert!(
        body.contains("fw-1"),
        "the page names the ordinal's pod: {body}"
    );
    // An echo port echoes.
    let e = fwds
        .start(client.clone(), req(7000), Some("echo".into()), None)
        .await
        .unwrap();
    let mut c = tokio::net::TcpStream::connect(&e.local_address)
        .await
        .unwrap();
    c.write_all(b"ping-123").await.unwrap();
    let mut buf = [0u8; 8];
    tokio::time::timeout(Duration::from_secs(5), c.read_exact(&mut buf))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&buf, b"ping-123");
    drop(c);
    // Much data both ways at once, then the local side's end: everything comes back (one loop
    // for both directions once deadlocked here).
    let c = tokio::net::TcpStream::connect(&e.local_address)
        .await
        .unwrap();
    let (mut rd, mut wr) = c.into_split();
    let size = 8 << 20;
    let writer = tokio::spawn(async move {
        wr.write_all(&vec![5u8; size]).await.unwrap();
        wr.shutdown().await.unwrap();
    });
    let mut back = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), rd.read_to_end(&mut back))
        .await
        .expect("the echo ends after the local side's end")
        .unwrap();
    writer.await.unwrap();
    assert_eq!(back.len(), size, "every byte echoed");
    // The pod is recreated: the same local address reaches the new pod.
    let pods: Api<Pod> = Api::namespaced(client.clone(), &ns.name);
    let old = pods.get("fw-1").await.unwrap().metadata.uid.unwrap();
    pods.delete("fw-1", &DeleteParams::default()).await.unwrap();
    wait_running(&client, &ns.name, "fw-1", Some(&old)).await;
    let body = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            if let Ok(b) = http_get(&v.local_address).await {
                if b.contains("fw-1") {
                    return b;
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
    .await
    .expect("the forward answers from the new pod");
    assert!(body.contains("fw-1"));
    let list = fwds.list();
    let f = list.iter().find(|f| f.id == v.id).unwrap();
    assert_eq!(f.state, ForwardState::Active, "{f:?}");
    assert!(f.reattached >= 1, "it says it followed the ordinal: {f:?}");
    assert!(
        f.total_connections >= 2 && f.bytes_in > 0 && f.bytes_out > 0,
        "{f:?}"
    );
    // Stop: the port is free again.
    assert!(fwds.stop(&v.id));
    assert!(
        tokio::net::TcpStream::connect(&v.local_address)
            .await
            .is_err(),
        "stopped forwards listen no more"
    );
    ns.delete().await;
}

#[tokio::test]
async fn a_forward_says_when_its_cluster_is_gone_and_resumes() {
    if real_skip("pod_exec::a_forward_says_when_its_cluster_is_gone_and_resumes") {
        return;
    }
    let tc = TestCluster::empty().await;
    let sim = tc.sim.as_ref().unwrap();
    let client = tc.client().await;
    let ns = TestNamespace::new(&client, "pfwdc").await;
    running_set(&client, &ns.name, "fc", "nginx:1.27", 1).await;
    let fwds = Forwards::default();
    let v = fwds
        .start(
            client.clone(),
            ForwardRequest {
                context: "t".into(),
                namespace: ns.name.clone(),
                statefulset: "fc".into(),
                ordinal: 0,
                port: 80,
                local_port: None,
            },
            None,
            None,
        )
        .await
        .unwrap();
    let state = |fwds: &Forwards| fwds.list().into_iter().find(|f| f.id == v.id).unwrap();
    let wait = |want: ForwardState| {
        let fwds = fwds.clone();
        async move {
            for _ in 0..300 {
                let f = state(&fwds);
                if f.state == want {
                    return f;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            panic!("state {want:?}: {:?}", state(&fwds));
        }
    };
    wait(ForwardState::Active).await;
    // The API server goes away for a while: the forward says so, with why.
    let faults = sim.faults();
    let restart = faults.restart(Duration::from_secs(6));
    let (_, down) = tokio::join!(restart, wait(ForwardState::ClusterDisconnected));
    assert!(down.reason.is_some(), "{down:?}");
    // It comes back by itself.
    wait(ForwardState::Active).await;
    let body = http_get(&v.local_address).await.unwrap();
    assert!(body.contains("fc-0"), "{body}");
    fwds.stop(&v.id);
    ns.delete().await;
}
