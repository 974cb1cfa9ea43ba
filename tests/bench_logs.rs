//! The Logs tab's half of the pod-operations benchmark (issue #16), run by `scripts/bench`:
//! `cargo test --release --features custom-protocol --test bench_logs -- --ignored --nocapture`.

mod benchkit;
mod support;

use std::time::Duration;

use benchkit::*;
use support::{click, row};

/// Issue #16: log follow at 2,000 lines/s for 60 s (`ORDINAL_BENCH_QUICK`: 15 s) in the real
/// window: from the simulator writing a line (its timestamp) to the frame that shows it painted
/// (the Logs tab's probe, `window.__ordinalLogPaints`), p50/p99. Writes `target/bench/logs.json`.
#[tokio::test]
#[ignore = "benchmark; run by scripts/bench"]
async fn log_follow_painted() {
    let secs = if std::env::var_os("ORDINAL_BENCH_QUICK").is_some() {
        15
    } else {
        60
    };
    let sim = ordinal_sim::Simulator::start(ordinal_sim::SimConfig {
        seed: ordinal_sim::Seed::Demo,
        ready_delay: Duration::from_millis(0),
        ..Default::default()
    })
    .await
    .unwrap();
    // Every container run first read from now on writes 2,000 lines a second.
    sim.set_log_rate(2000.0);
    let app = app_on(&sim, "bench-logs").await;
    app.find("[data-testid=connect-button]").await;
    app.js("document.querySelector('[data-testid=connect-button]').click(); return true")
        .await;
    let name = row("db/postgres", "[data-testid=row-name]");
    app.wait_js("postgres", &format!("!!{name}")).await;
    app.js(&format!("{name}.click(); return true")).await;
    click(&app, "detail-tab-pods").await;
    app.wait_js(
        "the logs button enabled",
        "document.querySelector('[data-testid=pod-logs-1]')?.disabled === false",
    )
    .await;
    app.js("window.__ordinalLogPaints = []; document.querySelector('[data-testid=pod-logs-1]').click(); return true")
        .await;
    app.wait_js(
        "lines",
        "document.querySelectorAll('[data-testid=log-line]').length > 10",
    )
    .await;
    // Drop the first seconds (the tab's start, the backlog), then measure.
    tokio::time::sleep(Duration::from_secs(3)).await;
    app.js("window.__ordinalLogPaints = []; return true").await;
    tokio::time::sleep(Duration::from_secs(secs)).await;
    let samples = app
        .js("const p = window.__ordinalLogPaints; window.__ordinalLogPaints = undefined; return p")
        .await;
    let mut lat: Vec<f64> = samples
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| {
            let ts = s[0]
                .as_str()?
                .parse::<k8s_openapi::jiff::Timestamp>()
                .ok()?;
            let painted = s[1].as_f64()?;
            Some(painted - ts.as_millisecond() as f64)
        })
        .collect();
    assert!(lat.len() > 10, "the view painted new lines: {samples}");
    lat.sort_by(f64::total_cmp);
    let pct = |p: f64| lat[((lat.len() - 1) as f64 * p).round() as usize];
    let (p50, p99) = (pct(0.5), pct(0.99));
    eprintln!(
        "log follow 2,000 lines/s for {secs} s: written → painted p50 {p50:.0} ms p99 {p99:.0} ms over {} frames",
        lat.len()
    );
    let figures = vec![figure(
        "log_follow_painted",
        "Log follow 2,000 lines/s: written in the simulator → painted in the window (p99)",
        p99,
        "ms",
        Some(100.0),
        &format!(
            "p50 {p50:.0} ms over {} painted frames in {secs} s (the newest line of each frame)",
            lat.len()
        ),
    )];
    app.close().await;
    write_figures("logs.json", &figures);
}
