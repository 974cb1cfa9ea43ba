//! What the window benchmarks read from `/proc`: process trees, CPU time, memory (RSS, PSS and the
//! anonymous part per process), and the memory floor of issue #20 (the `floor` example: the
//! app's Tauri and WebKitGTK showing an empty page), measured the way Ordinal is.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::{App, Launch};

pub fn clk_tck() -> f64 {
    // sysconf(_SC_CLK_TCK) is 100 on every Linux we target.
    100.0
}

/// Unix seconds now, and seconds since boot now (`/proc/uptime`, 10 ms resolution; `btime` in
/// `/proc/stat` has whole seconds only, which put up to a second of error into start times).
pub fn clocks() -> (f64, f64) {
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    (now, uptime)
}

pub fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &s[s.rfind(')')? + 2..];
    Some(after.split_whitespace().map(String::from).collect())
}

/// Unix seconds at which `pid` started.
pub fn started_at(pid: u32) -> f64 {
    let f = stat_fields(pid).unwrap();
    // field 22 (starttime, ticks since boot) is index 19 after the comm field
    let (now, uptime) = clocks();
    now - uptime + f[19].parse::<f64>().unwrap() / clk_tck()
}

/// utime + stime of `pid`, in seconds.
pub fn cpu_seconds(pid: u32) -> f64 {
    stat_fields(pid)
        .map(|f| (f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap()) / clk_tck())
        .unwrap_or(0.0)
}

/// utime + stime of all the processes, in seconds.
pub fn cpu_sum(pids: &[u32]) -> f64 {
    pids.iter().map(|p| cpu_seconds(*p)).sum()
}

/// The threads that used CPU since `before` (a [`thread_cpu`] reading), busiest first.
pub fn busiest_since(
    pids: &[u32],
    before: &std::collections::BTreeMap<String, f64>,
) -> Vec<(String, f64)> {
    let mut busiest: Vec<(String, f64)> = thread_cpu(pids)
        .into_iter()
        .map(|(k, v)| {
            let d = v - before.get(&k).copied().unwrap_or(0.0);
            (k, d)
        })
        .filter(|(_, d)| *d > 0.0)
        .collect();
    busiest.sort_by(|a, b| b.1.total_cmp(&a.1));
    busiest
}

/// CPU seconds per thread (`process/thread` name) of the processes, for the idle diagnosis.
pub fn thread_cpu(pids: &[u32]) -> std::collections::BTreeMap<String, f64> {
    let mut out = std::collections::BTreeMap::new();
    for pid in pids {
        for t in std::fs::read_dir(format!("/proc/{pid}/task"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let tid = t.file_name().to_string_lossy().into_owned();
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/stat")) else {
                continue;
            };
            let Some(close) = stat.rfind(')') else {
                continue;
            };
            let name = stat[stat.find('(').unwrap_or(0) + 1..close].to_string();
            let f: Vec<&str> = stat[close + 2..].split_whitespace().collect();
            let cpu = (f[11].parse::<f64>().unwrap_or(0.0) + f[12].parse::<f64>().unwrap_or(0.0))
                / clk_tck();
            *out.entry(format!("{}/{name}", comm(*pid))).or_insert(0.0) += cpu;
        }
    }
    out
}

pub fn children(pid: u32) -> Vec<u32> {
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

pub fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// The app process (named `name`: `ordinal`, or `floor`) and every process under it (WebKit's
/// web and network processes), found under the WebDriver process tree.
pub fn app_processes(name: &str) -> Vec<u32> {
    let mut app = None;
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(p) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if comm(p) == name
            && stat_fields(p).is_some_and(|f| comm(f[1].parse().unwrap()) == "WebKitWebDriver")
        {
            app = Some(p);
        }
    }
    with_children(app.expect("the app process under WebKitWebDriver"))
}

/// `pid` and all its descendants (the app and its WebKit processes).
pub fn with_children(pid: u32) -> Vec<u32> {
    let mut all = vec![pid];
    let mut i = 0;
    while i < all.len() {
        all.extend(children(all[i]));
        i += 1;
    }
    all
}

pub fn kb_field(pid: u32, file: &str, key: &str) -> f64 {
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

/// One process's memory, in MB: resident (shared pages counted whole), proportional (shared
/// pages divided among their users) and the anonymous part of the resident set (its heaps:
/// what the process itself allocated, not mapped files).
pub struct ProcMem {
    pub name: String,
    pub rss: f64,
    pub pss: f64,
    pub anon: f64,
}

/// The memory of a process tree: sums and each process.
pub struct Mem {
    pub rss: f64,
    pub pss: f64,
    pub anon: f64,
    pub each: Vec<ProcMem>,
}

impl Mem {
    pub fn of(pids: &[u32]) -> Mem {
        let each: Vec<ProcMem> = pids
            .iter()
            .map(|p| ProcMem {
                name: comm(*p),
                rss: kb_field(*p, "status", "VmRSS:") / 1024.0,
                pss: kb_field(*p, "smaps_rollup", "Pss:") / 1024.0,
                anon: kb_field(*p, "status", "RssAnon:") / 1024.0,
            })
            .collect();
        Mem {
            rss: each.iter().map(|m| m.rss).sum(),
            pss: each.iter().map(|m| m.pss).sum(),
            anon: each.iter().map(|m| m.anon).sum(),
            each,
        }
    }

    /// "RSS/PSS/anon" per process, for a figure's notes.
    pub fn describe(&self) -> String {
        self.each
            .iter()
            .map(|m| format!("{} {:.0}/{:.0}/{:.0}", m.name, m.rss, m.pss, m.anon))
            .collect::<Vec<_>>()
            .join(", ")
            + " MB (RSS/PSS/anon)"
    }
}

/// The floor window (`src-tauri/floor.rs`), built by `scripts/bench` beside this build's app:
/// `cargo build --release --features custom-protocol --example floor`. `ORDINAL_FLOOR_BIN`
/// names another.
pub fn floor_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("ORDINAL_FLOOR_BIN") {
        return p.into();
    }
    let p = PathBuf::from(env!("CARGO_BIN_EXE_ordinal"))
        .with_file_name("examples")
        .join("floor");
    assert!(
        p.exists(),
        "{} is missing: build the floor window with `cargo build --release --features custom-protocol --example floor` (scripts/bench does)",
        p.display()
    );
    p
}

/// The floor's memory 2 s and 10 s after its page loaded (WebKit keeps allocating for a few
/// seconds after a load; the later sample is the floor).
pub struct Floor {
    pub early: Mem,
    pub settled: Mem,
}

impl Floor {
    pub fn notes(&self, how: &str) -> String {
        format!(
            "{how}; 10 s after load: {}; 2 s after load: RSS {:.0} MB, PSS {:.0} MB",
            self.settled.describe(),
            self.early.rss,
            self.early.pss
        )
    }
}

async fn sample_floor(pids: &[u32]) -> Floor {
    tokio::time::sleep(Duration::from_secs(2)).await;
    let early = Mem::of(pids);
    tokio::time::sleep(Duration::from_secs(8)).await;
    Floor {
        early,
        settled: Mem::of(pids),
    }
}

/// A launch with a home directory of its own (WebKit's caches and the app's settings start empty).
pub fn launch_with_home(scenario: &str) -> Launch {
    let launch = Launch::new(scenario);
    let home = launch.path("home");
    std::fs::create_dir_all(&home).unwrap();
    launch.env("HOME", home.display().to_string())
}

/// The app under WebDriver, connected to nothing yet, with the simulator as its kubeconfig.
pub async fn app_on(sim: &ordinal_sim::Simulator, scenario: &str) -> App {
    let launch = launch_with_home(scenario);
    let kc = launch.path("kubeconfig");
    sim.write_kubeconfig(&kc).unwrap();
    launch
        .env("KUBECONFIG", kc.display().to_string())
        .start()
        .await
}

/// The floor started under WebDriver, as the scale figures start Ordinal.
pub async fn floor_webdriver() -> Floor {
    let app = launch_with_home("bench-floor")
        .application(floor_binary())
        .start_until("body")
        .await;
    app.wait_js("the empty page", "document.readyState === 'complete'")
        .await;
    let floor = sample_floor(&app_processes("floor")).await;
    app.close().await;
    floor
}

/// The floor started plainly, as the demo figure starts Ordinal.
pub async fn floor_plain() -> Floor {
    let app = launch_with_home("bench-floor-plain")
        .application(floor_binary())
        .start_plain()
        .await;
    app.wait_output("floor: page-loaded").await;
    sample_floor(&with_children(app.pid())).await
}

pub async fn wait_ms(app: &App, what: &str, probe: &str) -> f64 {
    let started = Instant::now();
    app.wait_js(what, probe).await;
    started.elapsed().as_secs_f64() * 1000.0
}

pub fn figure(
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

pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

pub fn write_figures(file: &str, figures: &[Value]) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(file),
        serde_json::to_string_pretty(figures).unwrap(),
    )
    .unwrap();
    eprintln!("{}", serde_json::to_string_pretty(figures).unwrap());
}
