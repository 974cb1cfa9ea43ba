//! `cargo bench -p ordinal-core --bench pods`: one ordinal's logs, shell and port-forward on the
//! simulator (issue #16), through the same core code the window uses:
//! - log follow at 2,000 lines/s for 60 s (`ORDINAL_BENCH_QUICK=1`: 10 s): from the time the
//!   simulator writes a line (its timestamp) to the core handing it to the window, p50/p99
//!   (budget p99 ≤ 100 ms); with the stream cut mid-line halfway, no line lost or repeated (the
//!   lines are one every 0.5 ms after the container's start-up lines, so a gap or a repeat shows);
//! - shell keystroke → echo at the core, p50/p99 over 300 keystrokes (budget p99 ≤ 30 ms);
//! - port-forward throughput through Ordinal's forward vs `kubectl port-forward` to the same pod
//!   and port in the same run, 64 MiB each way through the echo port (budget ≥ 80 %).
//!
//! Writes `target/bench/pods.json` under the workspace root.

use std::time::{Duration, Instant};

use futures::StreamExt;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, PostParams};
use ordinal_core::pods::exec::{self, ShellEvent};
use ordinal_core::pods::forward::{ForwardRequest, Forwards};
use ordinal_core::pods::logs::{self, LogEvent, LogRequest};
use ordinal_sim::{SimConfig, Simulator};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const RATE: f64 = 2000.0;

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn ts_nanos(ts: &str) -> i128 {
    ts.parse::<k8s_openapi::jiff::Timestamp>()
        .unwrap()
        .as_nanosecond()
}

fn now_nanos() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as i128
}

async fn running(client: &kube::Client, ns: &str, pod: &str) {
    let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
    for _ in 0..300 {
        if let Ok(p) = pods.get(pod).await {
            if p.status.and_then(|s| s.phase).as_deref() == Some("Running") {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{pod} runs");
}

/// Transfer `bytes` each way through an echo port at `addr`: MiB/s.
async fn echo_throughput(addr: &str, bytes: usize) -> f64 {
    let c = tokio::net::TcpStream::connect(addr).await.unwrap();
    c.set_nodelay(true).unwrap();
    let (mut rd, mut wr) = c.into_split();
    let started = Instant::now();
    let writer = tokio::spawn(async move {
        let chunk = vec![7u8; 64 * 1024];
        let mut sent = 0;
        while sent < bytes {
            let n = chunk.len().min(bytes - sent);
            wr.write_all(&chunk[..n]).await.unwrap();
            sent += n;
        }
        wr
    });
    let mut buf = vec![0u8; 256 * 1024];
    let mut got = 0;
    while got < bytes {
        let n = rd.read(&mut buf).await.unwrap();
        assert!(n > 0, "the echo ended after {got} bytes");
        got += n;
    }
    let _ = writer.await;
    bytes as f64 / (1024.0 * 1024.0) / started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let quick = std::env::var_os("ORDINAL_BENCH_QUICK").is_some();
    let follow_secs = if quick { 10 } else { 60 };
    let sim = Simulator::start(SimConfig::default())
        .await
        .expect("simulator");
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    sim.write_kubeconfig(&kubeconfig).unwrap();
    let config = kube::Config::from_custom_kubeconfig(
        kube::config::Kubeconfig::from_yaml(&sim.kubeconfig_yaml()).unwrap(),
        &Default::default(),
    )
    .await
    .unwrap();
    let client = kube::Client::try_from(config).unwrap();
    let ns = "bench-pods";
    let nsapi: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(client.clone());
    nsapi
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": ns}})).unwrap(),
        )
        .await
        .unwrap();
    let sts: Api<StatefulSet> = Api::namespaced(client.clone(), ns);
    sts.create(
        &PostParams::default(),
        &serde_json::from_value(json!({
            "metadata": {"name": "pg"},
            "spec": {"serviceName": "pg", "replicas": 1, "selector": {"matchLabels": {"app": "pg"}},
              "template": {"metadata": {"labels": {"app": "pg"}}, "spec": {"containers": [{"name": "pg", "image": "postgres:16.4",
                "ports": [{"name": "pg", "containerPort": 5432}]}]}}}
        }))
        .unwrap(),
    )
    .await
    .unwrap();
    running(&client, ns, "pg-0").await;
    let mut figures = Vec::new();

    // 1. Log follow at 2,000 lines/s, with a cut halfway.
    sim.set_log_rate(RATE);
    let req = LogRequest {
        context: "bench".into(),
        namespace: ns.into(),
        statefulset: "pg".into(),
        ordinal: Some(0),
        container: None,
        tail_lines: Some(0),
        since_seconds: None,
        previous: false,
        follow: true,
    };
    let mut s = Box::pin(logs::stream(client.clone(), req));
    let mut latencies = Vec::new();
    let mut times: Vec<i128> = Vec::new();
    let started = Instant::now();
    let mut cut = false;
    let mut reconnects = 0;
    while started.elapsed() < Duration::from_secs(follow_secs) {
        if !cut && started.elapsed() >= Duration::from_secs(follow_secs / 2) {
            sim.cut_log_streams();
            cut = true;
        }
        let Ok(Some(ev)) = tokio::time::timeout(Duration::from_secs(5), s.next()).await else {
            panic!("the log stream stalled");
        };
        let now = now_nanos();
        match ev {
            LogEvent::Lines { lines } => {
                for l in lines {
                    let t = ts_nanos(l.ts.as_deref().unwrap());
                    latencies.push((now - t) as f64 / 1e6);
                    times.push(t);
                }
            }
            LogEvent::Health {
                health: ordinal_core::pods::StreamHealth::Reconnecting { .. },
                ..
            } => reconnects += 1,
            _ => {}
        }
    }
    drop(s);
    sim.set_log_rate(1.0);
    // The first lines are the start-up burst; from then on one every 1/RATE s.
    let step = (1e9 / RATE) as i128;
    let steady: Vec<i128> = times.iter().copied().skip(20).collect();
    let base = steady.first().copied().unwrap_or(0);
    // Lines off the grid were written by the cut itself (in the log, at their own instant).
    let (grid, off): (Vec<i128>, Vec<i128>) = steady.iter().partition(|t| (**t - base) % step == 0);
    let other = off.len();
    let (mut lost, mut repeated) = (0i128, 0usize);
    for w in grid.windows(2) {
        let d = w[1] - w[0];
        if d <= 0 {
            repeated += 1;
        } else {
            lost += d / step - 1;
        }
    }
    latencies.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let (p50, p99) = (pct(&latencies, 0.5), pct(&latencies, 0.99));
    let rate = times.len() as f64 / follow_secs as f64;
    println!(
        "log follow {RATE} lines/s for {follow_secs} s: {} lines ({rate:.0}/s), written → delivered p50 {p50:.1} ms p99 {p99:.1} ms; cut once ({reconnects} reconnect): {lost} lost, {repeated} repeated ({other} off-step)",
        times.len()
    );
    figures.push(json!({"figure": "Log follow 2,000 lines/s: written → delivered to the window (p99)", "value": (p99 * 10.0).round() / 10.0, "unit": "ms", "budget": 100, "pass": p99 <= 100.0,
        "notes": format!("p50 {p50:.1} ms; {} lines in {follow_secs} s; measured at the core's hand-off to the IPC channel", times.len())}));
    figures.push(json!({"figure": "Log follow: lines lost or repeated across a stream cut mid-line", "value": lost as usize + repeated, "unit": "lines", "budget": 0, "pass": lost == 0 && repeated == 0 && reconnects >= 1,
        "notes": format!("{lost} lost, {repeated} repeated, {reconnects} reconnection(s)")}));

    // 2. Shell keystroke → echo.
    let (h, shell) = exec::open(
        client.clone(),
        ns,
        "pg-0",
        None,
        exec::default_shells(),
        120,
        40,
    )
    .await
    .unwrap();
    let mut shell = Box::pin(shell);
    // Up to the prompt.
    let mut out = String::new();
    while !out.contains("# ") {
        if let Some(ShellEvent::Output { data }) =
            tokio::time::timeout(Duration::from_secs(5), shell.next())
                .await
                .unwrap()
        {
            out.push_str(&data);
        }
    }
    let mut echo = Vec::new();
    for i in 0..300 {
        let c = (b'a' + (i % 26) as u8) as char;
        let t = Instant::now();
        h.input(c.to_string().as_bytes());
        loop {
            match tokio::time::timeout(Duration::from_secs(5), shell.next())
                .await
                .unwrap()
            {
                Some(ShellEvent::Output { data }) if data.contains(c) => break,
                Some(_) => {}
                None => panic!("the shell ended"),
            }
        }
        echo.push(t.elapsed().as_secs_f64() * 1000.0);
        if i % 60 == 59 {
            // Clear the line (Ctrl-U is not a built-in: backspaces).
            h.input("\u{7f}".repeat(60).as_bytes());
            tokio::time::sleep(Duration::from_millis(50)).await;
            while let Ok(Some(_)) =
                tokio::time::timeout(Duration::from_millis(50), shell.next()).await
            {}
        }
    }
    drop(shell);
    echo.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let (e50, e99) = (pct(&echo, 0.5), pct(&echo, 0.99));
    println!(
        "shell keystroke → echo (core): p50 {e50:.2} ms p99 {e99:.2} ms over {} keys",
        echo.len()
    );
    figures.push(json!({"figure": "Shell keystroke → echo (p99)", "value": (e99 * 100.0).round() / 100.0, "unit": "ms", "budget": 30, "pass": e99 <= 30.0,
        "notes": format!("p50 {e50:.2} ms over {} keystrokes; measured at the core", echo.len())}));

    // 3. Port-forward throughput: Ordinal vs kubectl, same pod and port, same run.
    let bytes = 64 << 20;
    let fwds = Forwards::default();
    let v = fwds
        .start(
            client.clone(),
            ForwardRequest {
                context: "bench".into(),
                namespace: ns.into(),
                statefulset: "pg".into(),
                ordinal: 0,
                port: 5432,
                local_port: None,
            },
            None,
            None,
        )
        .await
        .unwrap();
    let ours = echo_throughput(&v.local_address, bytes).await;
    let mut kubectl = tokio::process::Command::new("kubectl")
        .env("KUBECONFIG", &kubeconfig)
        .args(["port-forward", "-n", ns, "pod/pg-0", ":5432"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn();
    let theirs = match kubectl.as_mut() {
        Ok(child) => {
            let mut stdout = tokio::io::BufReader::new(child.stdout.take().unwrap());
            let mut line = String::new();
            use tokio::io::AsyncBufReadExt;
            let _ =
                tokio::time::timeout(Duration::from_secs(20), stdout.read_line(&mut line)).await;
            // "Forwarding from 127.0.0.1:41234 -> 5432"
            let addr = line.split_whitespace().nth(2).unwrap_or("").to_string();
            if addr.starts_with("127.0.0.1:") {
                Some(echo_throughput(&addr, bytes).await)
            } else {
                None
            }
        }
        Err(_) => None,
    };
    drop(kubectl);
    match theirs {
        Some(k) => {
            let ratio = ours / k;
            println!("port-forward 64 MiB each way: Ordinal {ours:.0} MiB/s, kubectl {k:.0} MiB/s ({:.0} %)", ratio * 100.0);
            figures.push(json!({"figure": "Port-forward throughput vs kubectl port-forward (same pod, same run)", "value": (ratio * 100.0).round(), "unit": "%", "budget": 80, "at_least": true, "pass": ratio >= 0.8,
                "notes": format!("Ordinal {ours:.0} MiB/s, kubectl {k:.0} MiB/s, 64 MiB each way through the simulator's echo port")}));
        }
        None => {
            println!("port-forward 64 MiB each way: Ordinal {ours:.0} MiB/s; kubectl port-forward could not run here");
            figures.push(json!({"figure": "Port-forward throughput vs kubectl port-forward (same pod, same run)", "value": null, "unit": "%", "budget": 80, "at_least": true, "pass": null,
                "notes": format!("Ordinal {ours:.0} MiB/s; kubectl port-forward could not run on this machine")}));
        }
    }

    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = root.join("target/bench");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(
        out.join("pods.json"),
        serde_json::to_vec_pretty(&figures).unwrap(),
    )
    .unwrap();
}
