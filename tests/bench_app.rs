//! The window's half of the benchmark (issue #6), run by `scripts/bench`:
//! `cargo test --release --features custom-protocol --test bench_app -- --ignored --nocapture`.
//!
//! 1. Cold start → interactive on the demo cluster: from the app process's start (its
//!    `/proc/<pid>/stat` start time) to the first StatefulSet row in the window.
//! 2. First rows painted after Connect on the scale seed (10,000 StatefulSets, 50,000 pods over
//!    HTTPS), and the complete list (the table's total reads 10,000).
//! 3. Memory of the app and its WebKit processes while watching that cluster: the sum of RSS
//!    (shared pages counted per process) and of PSS (shared pages divided), after sync and after
//!    a quiet minute.
//! 4. Idle CPU of those processes over 30 s with 10,000 StatefulSets watched and nothing changing.
//!
//! Writes `target/bench/app.json` (same shape as the core bench's `core.json`).

mod support;

use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use support::{App, Launch};

fn clk_tck() -> f64 {
    // sysconf(_SC_CLK_TCK) is 100 on every Linux we target.
    100.0
}

fn boot_time() -> f64 {
    std::fs::read_to_string("/proc/stat")
        .unwrap()
        .lines()
        .find_map(|l| {
            l.strip_prefix("btime ")
                .map(|v| v.trim().parse::<f64>().unwrap())
        })
        .unwrap()
}

fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &s[s.rfind(')')? + 2..];
    Some(after.split_whitespace().map(String::from).collect())
}

/// Unix seconds at which `pid` started.
fn started_at(pid: u32) -> f64 {
    let f = stat_fields(pid).unwrap();
    // field 22 (starttime) is index 19 after the comm field
    boot_time() + f[19].parse::<f64>().unwrap() / clk_tck()
}

/// utime + stime of `pid`, in seconds.
fn cpu_seconds(pid: u32) -> f64 {
    stat_fields(pid)
        .map(|f| (f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap()) / clk_tck())
        .unwrap_or(0.0)
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

fn children(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(p) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if stat_fields(p).is_some_and(|f| f[1] == pid.to_string()) {
            out.push(p);
        }
    }
    out
}

fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// The app process (named `ordinal`) and every process under it (WebKit's web and network
/// processes), found under the WebDriver process tree.
fn app_processes() -> Vec<u32> {
    let mut app = None;
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(p) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if comm(p) == "ordinal"
            && stat_fields(p).is_some_and(|f| comm(f[1].parse().unwrap()) == "WebKitWebDriver")
        {
            app = Some(p);
        }
    }
    let app = app.expect("the app process under WebKitWebDriver");
    let mut all = vec![app];
    let mut i = 0;
    while i < all.len() {
        all.extend(children(all[i]));
        i += 1;
    }
    all
}

fn kb_field(pid: u32, file: &str, key: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/{file}"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix(key)
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse::<f64>().ok())
        })
        .unwrap_or(0.0)
}

/// (RSS, PSS) of the processes, in MB.
fn memory(pids: &[u32]) -> (f64, f64) {
    let rss: f64 = pids.iter().map(|p| kb_field(*p, "status", "VmRSS:")).sum();
    let pss: f64 = pids
        .iter()
        .map(|p| kb_field(*p, "smaps_rollup", "Pss:"))
        .sum();
    (rss / 1024.0, pss / 1024.0)
}

async fn wait_ms(app: &App, what: &str, probe: &str) -> f64 {
    let started = Instant::now();
    app.wait_js(what, probe).await;
    started.elapsed().as_secs_f64() * 1000.0
}

fn figure(
    id: &str,
    figure: &str,
    value: f64,
    unit: &str,
    budget: Option<f64>,
    notes: &str,
) -> Value {
    json!({
        "id": id, "figure": figure, "value": (value * 10.0).round() / 10.0, "unit": unit,
        "budget": budget, "pass": budget.map(|b| value <= b), "notes": notes,
    })
}

#[tokio::test]
#[ignore = "benchmark; run by scripts/bench"]
async fn window_figures() {
    let mut figures = Vec::new();

    // 1. Cold start on the demo cluster.
    {
        let launch = Launch::new("bench-cold");
        let home = launch.path("home");
        std::fs::create_dir_all(&home).unwrap();
        let app = launch.env("HOME", home.display().to_string()).start().await;
        app.wait_js(
            "demo rows",
            "document.querySelectorAll('[data-testid=sts-row]').length > 0",
        )
        .await;
        let seen = now();
        let pid = app_processes()[0];
        let cold = (seen - started_at(pid)) * 1000.0;
        eprintln!("cold start -> demo rows: {cold:.0} ms");
        figures.push(figure(
            "cold_start",
            "cold start → interactive (demo cluster, first rows)",
            cold,
            "ms",
            Some(1000.0),
            "process start to rows in the window; includes the in-process demo cluster's start",
        ));
        app.close().await;
    }

    // 2-4. The scale seed over HTTPS.
    let sim = ordinal_sim::Simulator::start(ordinal_sim::SimConfig {
        seed: ordinal_sim::Seed::benchmark(),
        ready_delay: Duration::from_millis(0),
        ..Default::default()
    })
    .await
    .unwrap();
    let launch = Launch::new("bench-scale");
    let home = launch.path("home");
    std::fs::create_dir_all(&home).unwrap();
    let kc = launch.path("kubeconfig");
    sim.write_kubeconfig(&kc).unwrap();
    let app = launch
        .env("HOME", home.display().to_string())
        .env("KUBECONFIG", kc.display().to_string())
        .start()
        .await;
    app.find("[data-testid=connect-button]").await;
    let clicked = Instant::now();
    app.js("document.querySelector('[data-testid=connect-button]').click(); return true")
        .await;
    app.wait_js(
        "first rows",
        "document.querySelectorAll('[data-testid=sts-row]').length > 0",
    )
    .await;
    let first = clicked.elapsed().as_secs_f64() * 1000.0;
    app.wait_js(
        "all 10,000",
        "document.querySelector('[data-testid=sts-table]')?.dataset.total === '10000'",
    )
    .await;
    let full = clicked.elapsed().as_secs_f64() * 1000.0;
    eprintln!("connect -> first rows {first:.0} ms, full list {full:.0} ms");
    figures.push(figure(
        "first_rows",
        "first rows painted after Connect (10,000 StatefulSets)",
        first,
        "ms",
        Some(1000.0),
        "click → first row in the DOM, including connect (version + access review)",
    ));
    figures.push(figure(
        "full_list",
        "complete list in the window (10,000 StatefulSets)",
        full,
        "ms",
        None,
        "click → the table's total reads 10,000",
    ));
    let _ = wait_ms(&app, "settle", "true").await;

    let pids = app_processes();
    let names: Vec<String> = pids.iter().map(|p| comm(*p)).collect();
    let (rss, pss) = memory(&pids);
    eprintln!("memory after sync: RSS {rss:.0} MB, PSS {pss:.0} MB ({names:?})");
    figures.push(figure(
        "rss_after_sync",
        "memory of app + webview after sync (RSS sum)",
        rss,
        "MB",
        Some(300.0),
        &format!("processes: {}; PSS sum {pss:.0} MB", names.join(", ")),
    ));

    let quiet = if std::env::var_os("ORDINAL_BENCH_QUICK").is_some() {
        10
    } else {
        30
    };
    let per0: Vec<String> = pids
        .iter()
        .map(|p| format!("{} {:.2}s", comm(*p), cpu_seconds(*p)))
        .collect();
    eprintln!("cpu seconds before the quiet period: {per0:?}");
    let cpu0: f64 = pids.iter().map(|p| cpu_seconds(*p)).sum();
    let t0 = Instant::now();
    tokio::time::sleep(Duration::from_secs(quiet)).await;
    let cpu1: f64 = pids.iter().map(|p| cpu_seconds(*p)).sum();
    let per: Vec<String> = pids
        .iter()
        .map(|p| format!("{} {:.2}s", comm(*p), cpu_seconds(*p)))
        .collect();
    eprintln!("cpu seconds so far per process: {per:?}");
    let idle = (cpu1 - cpu0) / t0.elapsed().as_secs_f64() * 100.0;
    eprintln!("idle CPU over {quiet} s: {idle:.2} % of one core");
    figures.push(figure(
        "idle_cpu_app",
        "idle CPU of app + webview, 10,000 StatefulSets watched",
        idle,
        "% of a core",
        Some(1.0),
        &format!("over {quiet} s, nothing changing"),
    ));
    let (rss2, pss2) = memory(&pids);
    figures.push(figure(
        "rss_quiet",
        "memory after the quiet period (RSS sum)",
        rss2,
        "MB",
        Some(300.0),
        &format!("PSS sum {pss2:.0} MB; growth {:.0} MB", rss2 - rss),
    ));
    app.screenshot("scale-list").await;
    app.close().await;
    sim.shutdown().await;

    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("app.json"),
        serde_json::to_string_pretty(&figures).unwrap(),
    )
    .unwrap();
    eprintln!("{}", serde_json::to_string_pretty(&figures).unwrap());
}
