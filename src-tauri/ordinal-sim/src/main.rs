//! `ordinal-sim --kubeconfig PATH [--port N] [--seed demo|empty|scale:NS,STS,REPLICAS] [--ready-delay-ms N]`
//! Serves until killed; prints the kubeconfig path and server URL when ready.

use std::path::PathBuf;
use std::time::Duration;

use ordinal_sim::{Seed, SimConfig, Simulator};

fn usage() -> ! {
    eprintln!("usage: ordinal-sim --kubeconfig PATH [--port N] [--seed demo|empty|scale:NS,STS,REPLICAS] [--ready-delay-ms N]");
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
    let _ = tokio::signal::ctrl_c().await;
    sim.shutdown().await;
}
