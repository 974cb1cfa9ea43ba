//! `ordinal-sim --kubeconfig PATH [--port N] [--seed demo|empty|scale:NS,STS,REPLICAS] [--ready-delay-ms N] [--control-stdin]`
//! Serves until killed; prints the kubeconfig path and server URL when ready.
//!
//! With `--control-stdin` (for benchmarks that run the simulator as a separate process) it reads
//! commands from stdin, one per line, and stops when stdin closes:
//! - `churn RATE SECONDS LOG_PATH`: pod churn (see `ordinal_sim::churn`); when it ends, the writes
//!   are in LOG_PATH (`namespace/name resourceVersion unixNanos` per line) and stdout gets
//!   `churn-done WRITES SKIPPED ELAPSED_MS`.

use std::path::PathBuf;
use std::time::Duration;

use ordinal_sim::{ChurnSpec, Seed, SimConfig, Simulator};

fn usage() -> ! {
    eprintln!("usage: ordinal-sim --kubeconfig PATH [--port N] [--seed demo|empty|scale:NS,STS,REPLICAS] [--ready-delay-ms N] [--control-stdin]");
    std::process::exit(2)
}

fn parse_seed(s: &str) -> Option<Seed> {
    match s {
        "demo" => Some(Seed::Demo),
        "empty" => Some(Seed::Empty),
        "scale" => Some(Seed::benchmark()),
        _ => {
            let rest = s.strip_prefix("scale:")?;
            let n: Vec<u32> = rest
                .split(',')
                .map(|x| x.trim().parse().ok())
                .collect::<Option<Vec<_>>>()?;
            match n.as_slice() {
                [a, b, c] => Some(Seed::Scale {
                    namespaces: *a,
                    statefulsets: *b,
                    replicas: *c,
                }),
                _ => None,
            }
        }
    }
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let mut kubeconfig: Option<PathBuf> = None;
    let mut control_stdin = false;
    let mut cfg = SimConfig::default();
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--kubeconfig" => kubeconfig = Some(PathBuf::from(val())),
            "--port" => cfg.port = val().parse().unwrap_or_else(|_| usage()),
            "--seed" => cfg.seed = parse_seed(&val()).unwrap_or_else(|| usage()),
            "--ready-delay-ms" => {
                cfg.ready_delay = Duration::from_millis(val().parse().unwrap_or_else(|_| usage()))
            }
            "--control-stdin" => control_stdin = true,
            "-h" | "--help" => usage(),
            _ => usage(),
        }
    }
    let Some(kubeconfig) = kubeconfig else {
        usage()
    };
    let sim = match Simulator::start(cfg).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ordinal-sim: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = sim.write_kubeconfig(&kubeconfig) {
        eprintln!("ordinal-sim: cannot write {}: {e}", kubeconfig.display());
        std::process::exit(1);
    }
    println!("kubeconfig: {}", kubeconfig.display());
    println!("server: {}", sim.url());
    if control_stdin {
        tokio::select! {
            _ = control(&sim) => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    } else {
        let _ = tokio::signal::ctrl_c().await;
    }
    sim.shutdown().await;
}

/// Serve commands from stdin until it closes.
async fn control(sim: &Simulator) {
    use tokio::io::AsyncBufReadExt;
    let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["churn", rate, secs, log] => {
                let (Ok(rate), Ok(secs)) = (rate.parse::<u32>(), secs.parse::<f64>()) else {
                    println!("error: usage: churn RATE SECONDS LOG_PATH");
                    continue;
                };
                let spec = ChurnSpec {
                    rate_per_sec: rate,
                    duration: Duration::from_secs_f64(secs.max(0.0)),
                    ..Default::default()
                };
                let log = PathBuf::from(log);
                let handle = sim.churn(spec);
                // Reported when it ends; later commands (or stdin closing) are not held up.
                tokio::spawn(async move {
                    match handle.await {
                        Ok(report) => match report.write_log(&log) {
                            Ok(()) => println!(
                                "churn-done {} {} {}",
                                report.writes.len(),
                                report.skipped,
                                report.elapsed.as_millis()
                            ),
                            Err(e) => println!("error: cannot write {}: {e}", log.display()),
                        },
                        Err(e) => println!("error: churn failed: {e}"),
                    }
                });
            }
            [] => {}
            _ => println!("error: unknown command: {line}"),
        }
    }
}
