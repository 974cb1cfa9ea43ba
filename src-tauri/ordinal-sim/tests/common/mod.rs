//! Shared test harness: a cluster reached through a kubeconfig over HTTPS with kube-rs, exactly as
//! the app connects. With `ORDINAL_TEST_KUBECONFIG` set, tests use that real cluster instead of
//! starting the simulator (simulator-only controls are then skipped).
#![allow(dead_code)]

use std::time::Duration;

use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use kube::api::{Api, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use ordinal_sim::{Seed, SimConfig, Simulator};

pub struct Cluster {
    pub client: Client,
    pub kubeconfig: String,
    /// None when running against a real cluster.
    pub sim: Option<Simulator>,
}

/// Built with the whole workspace, several rustls providers are linked (the app brings
/// aws-lc-rs) and rustls cannot choose: pick ring, as `Simulator::start` does for the simulator
/// pass, before any client is made for a real cluster.
fn ring() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

pub fn real_kubeconfig() -> Option<String> {
    ring();
    std::env::var("ORDINAL_TEST_KUBECONFIG")
        .ok()
        .and_then(|p| std::fs::read_to_string(p).ok())
}

pub async fn client_for(kubeconfig: &str, context: Option<&str>) -> Client {
    ring();
    let kc = Kubeconfig::from_yaml(kubeconfig).expect("kubeconfig parses");
    let opts = KubeConfigOptions {
        context: context.map(String::from),
        ..Default::default()
    };
    let cfg = Config::from_custom_kubeconfig(kc, &opts)
        .await
        .expect("kubeconfig is usable");
    Client::try_from(cfg).expect("client")
}

/// A client without kube-rs's default 429/503 retry layer (which backs off for minutes when
/// e.g. an eviction is refused by a PodDisruptionBudget).
pub async fn client_without_retry(kubeconfig: &str) -> Client {
    ring();
    let kc = Kubeconfig::from_yaml(kubeconfig).expect("kubeconfig parses");
    let mut cfg = Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .expect("kubeconfig is usable");
    cfg.default_retry = false;
    Client::try_from(cfg).expect("client")
}

pub async fn start_with(seed: Seed, ready_delay: Duration) -> Cluster {
    if let Some(kc) = real_kubeconfig() {
        let client = client_for(&kc, None).await;
        return Cluster {
            client,
            kubeconfig: kc,
            sim: None,
        };
    }
    let sim = Simulator::start(SimConfig {
        seed,
        ready_delay,
        bookmark_interval: Duration::from_millis(500),
        ..Default::default()
    })
    .await
    .expect("simulator starts");
    let kc = sim.kubeconfig_yaml();
    let client = client_for(&kc, None).await;
    Cluster {
        client,
        kubeconfig: kc,
        sim: Some(sim),
    }
}

pub async fn start() -> Cluster {
    start_with(Seed::Empty, Duration::ZERO).await
}

/// The ConfigMap kube-controller-manager (and the simulator) publishes into every namespace.
pub const ROOT_CA: &str = "kube-root-ca.crt";

/// Create a unique namespace for one test. Returns once the namespace has its `kube-root-ca.crt`
/// ConfigMap (published asynchronously, as a real controller-manager does), so lists and watches
/// that follow see a settled namespace.
pub async fn namespace(c: &Client, prefix: &str) -> String {
    let name = format!("{prefix}-{}", &uuid_like()[..8]);
    let api: Api<Namespace> = Api::all(c.clone());
    let ns: Namespace =
        serde_json::from_value(serde_json::json!({"metadata": {"name": name}})).unwrap();
    api.create(&PostParams::default(), &ns)
        .await
        .expect("namespace created");
    let cms: Api<ConfigMap> = Api::namespaced(c.clone(), &name);
    eventually(Duration::from_secs(10), || async {
        cms.get_opt(ROOT_CA).await.ok().flatten()
    })
    .await
    .expect("kube-root-ca.crt published into the new namespace");
    name
}

/// The server's minor version (`34` for the simulator, `20` for the real 1.20 control plane).
pub async fn server_minor(c: &Client) -> u32 {
    let info = c.apiserver_version().await.expect("server version");
    info.minor
        .trim_end_matches(|ch: char| !ch.is_ascii_digit())
        .parse()
        .expect("numeric minor version")
}

/// A client for the read-only `viewer` user (get/list/watch in `default`, Forbidden elsewhere):
/// the simulator's `ordinal-sim-viewer` context, or on a real cluster the kubeconfig named by
/// `ORDINAL_TEST_VIEWER_KUBECONFIG`. None when the real cluster has no viewer.
pub async fn viewer_client(c: &Cluster) -> Option<Client> {
    if c.sim.is_some() {
        return Some(client_for(&c.kubeconfig, Some("ordinal-sim-viewer")).await);
    }
    let kc = std::env::var("ORDINAL_TEST_VIEWER_KUBECONFIG")
        .ok()
        .and_then(|p| std::fs::read_to_string(p).ok())?;
    Some(client_for(&kc, None).await)
}

pub fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let n = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let mut h: u64 = 0xcbf29ce484222325 ^ (n as u64) ^ ((std::process::id() as u64) << 32);
    let mut out = String::new();
    for _ in 0..4 {
        h ^= h << 13;
        h ^= h >> 7;
        h ^= h << 17;
        out.push_str(&format!("{:04x}", h & 0xffff));
    }
    out
}

/// Poll `f` until it returns Some or the timeout passes.
pub async fn eventually<T, F, Fut>(timeout: Duration, mut f: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(v) = f().await {
            return Some(v);
        }
        if tokio::time::Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub fn sts_json(name: &str, replicas: i32, policy: &str) -> serde_json::Value {
    serde_json::json!({
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": name},
        "spec": {
            "serviceName": name,
            "replicas": replicas,
            "podManagementPolicy": policy,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"terminationGracePeriodSeconds": 1, "containers": [{"name": "main", "image": "nginx:1.27", "env": [{"name": "A", "value": "1"}]}]}
            }
        }
    })
}

mod skip;
#[allow(unused_imports)]
pub use skip::skipped;
