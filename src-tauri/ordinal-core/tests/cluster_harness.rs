//! Shared harness for the cluster and hub integration tests (included with `#[path]`): a cluster
//! reached through a kubeconfig loaded by `kubeconfig::load` and `cluster::kube_config_for`,
//! exactly as the app connects. With `ORDINAL_TEST_KUBECONFIG` set, that kubeconfig's current
//! context is used instead of the simulator, and simulator-only parts are skipped.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, DeleteParams, PostParams};
use ordinal_core::cluster::{kube_config_for, Clusters, ConnState, Protection};
use ordinal_core::kubeconfig::{load, EntryKind, Loaded, Sources};
use ordinal_sim::{Seed, SimConfig, Simulator};

pub const SIM_VIEWER: &str = "ordinal-sim-viewer";

pub struct TestCluster {
    pub sim: Option<Simulator>,
    pub dir: tempfile::TempDir,
    pub kubeconfig_path: PathBuf,
    pub loaded: Loaded,
    /// The admin (or real cluster's current) context.
    pub context: String,
    /// A read-only context (may read `default`, nothing elsewhere): the simulator's viewer, or
    /// the current context of `ORDINAL_TEST_VIEWER_KUBECONFIG` beside a real cluster.
    pub viewer: Option<String>,
}

impl TestCluster {
    pub async fn start(seed: Seed, ready_delay: Duration) -> TestCluster {
        let dir = tempfile::tempdir().unwrap();
        let (sim, path) = match std::env::var_os("ORDINAL_TEST_KUBECONFIG") {
            Some(p) => (None, PathBuf::from(p)),
            None => {
                let sim = Simulator::start(SimConfig {
                    seed,
                    ready_delay,
                    bookmark_interval: Duration::from_millis(500),
                    ..Default::default()
                })
                .await
                .expect("simulator starts");
                let path = dir.path().join("kubeconfig");
                sim.write_kubeconfig(&path).unwrap();
                (Some(sim), path)
            }
        };
        // Beside a real cluster, its viewer's kubeconfig is merged after it (as KUBECONFIG=a:b).
        let viewer_file = std::env::var_os("ORDINAL_TEST_VIEWER_KUBECONFIG")
            .filter(|_| sim.is_none())
            .map(PathBuf::from);
        let loaded = match &viewer_file {
            Some(v) => loaded_from(&PathBuf::from(
                std::env::join_paths([path.as_os_str(), v.as_os_str()]).unwrap(),
            )),
            None => loaded_from(&path),
        };
        let context = loaded
            .current_context()
            .expect("kubeconfig has a current context")
            .to_string();
        let viewer = match &viewer_file {
            Some(v) => Some(
                loaded_from(v)
                    .current_context()
                    .expect("the viewer kubeconfig has a current context")
                    .to_string(),
            ),
            None => sim.as_ref().map(|_| SIM_VIEWER.to_string()),
        };
        TestCluster {
            sim,
            dir,
            kubeconfig_path: path,
            loaded,
            context,
            viewer,
        }
    }

    pub async fn empty() -> TestCluster {
        Self::start(Seed::Empty, Duration::from_millis(200)).await
    }

    pub async fn config(&self, context: &str) -> kube::Config {
        kube_config_for(&self.loaded, context)
            .await
            .expect("kube config for context")
    }

    pub async fn client(&self) -> kube::Client {
        kube::Client::try_from(self.config(&self.context).await).unwrap()
    }

    /// A connected registry with the admin context.
    /// A registry connected to the test context whose watches stop with their last subscriber.
    pub async fn clusters(&self) -> Arc<Clusters> {
        self.clusters_with_linger(std::time::Duration::ZERO).await
    }

    /// Like [`Self::clusters`], with unwatched watches kept for `linger` (as the app does).
    pub async fn clusters_with_linger(&self, linger: std::time::Duration) -> Arc<Clusters> {
        let clusters = Clusters::with_watch_linger(linger);
        let st = clusters
            .connect(
                &self.context,
                self.config(&self.context).await,
                Protection::Normal,
            )
            .await;
        assert_eq!(st.state, ConnState::Connected, "{st:?}");
        clusters
    }

    /// What the test cluster's server offers, discovered as the app connects.
    pub async fn features(&self) -> ordinal_core::cluster::ServerFeatures {
        let clusters = self.clusters().await;
        clusters.features(&self.context)
    }

    /// The same kubeconfig with the current context's user replaced by a bogus bearer token.
    pub fn loaded_with_bad_token(&self) -> Loaded {
        self.loaded_with_user(serde_json::json!({"token": "not-a-valid-token"}))
    }

    /// The same kubeconfig with the current context's user body replaced.
    pub fn loaded_with_user(&self, body: serde_json::Value) -> Loaded {
        let text = std::fs::read_to_string(&self.kubeconfig_path).unwrap();
        let mut doc: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        let ctx = self
            .loaded
            .entry(EntryKind::Context, &self.context)
            .unwrap();
        let user = ctx["user"].as_str().unwrap().to_string();
        for u in doc["users"].as_array_mut().unwrap() {
            if u["name"] == user.as_str() {
                u["user"] = body.clone();
            }
        }
        let p = self
            .dir
            .path()
            .join(format!("user-{:08x}", fastrand::u32(..)));
        std::fs::write(&p, serde_json::to_string(&doc).unwrap()).unwrap();
        loaded_from(&p)
    }
}

pub fn loaded_from(path: &std::path::Path) -> Loaded {
    load(&Sources {
        kubeconfig_env: Some(path.as_os_str().to_owned()),
        home: None,
        managed_dir: None,
    })
}

/// A unique namespace, deleted when dropped (in the background).
pub struct TestNamespace {
    pub name: String,
    client: kube::Client,
    deleted: bool,
}

impl TestNamespace {
    pub async fn new(client: &kube::Client, prefix: &str) -> TestNamespace {
        let name = format!("{prefix}-{:08x}", fastrand::u32(..));
        let api: Api<Namespace> = Api::all(client.clone());
        let ns: Namespace =
            serde_json::from_value(serde_json::json!({"metadata": {"name": name}})).unwrap();
        api.create(&PostParams::default(), &ns)
            .await
            .expect("namespace created");
        TestNamespace {
            name,
            client: client.clone(),
            deleted: false,
        }
    }

    pub async fn delete(mut self) {
        let api: Api<Namespace> = Api::all(self.client.clone());
        let _ = api.delete(&self.name, &DeleteParams::default()).await;
        self.deleted = true;
    }
}

impl Drop for TestNamespace {
    /// Best effort when a test fails before `delete` (matters on a real cluster).
    fn drop(&mut self) {
        if self.deleted {
            return;
        }
        let api: Api<Namespace> = Api::all(self.client.clone());
        let name = self.name.clone();
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                let _ = api.delete(&name, &DeleteParams::default()).await;
            });
        }
    }
}

/// A timeout that is generous on a real cluster (image pulls, scheduling).
pub fn slow(sim: Duration) -> Duration {
    if std::env::var_os("ORDINAL_TEST_KUBECONFIG").is_some() {
        sim * 6
    } else {
        sim
    }
}

pub fn sts_json(name: &str, replicas: i32) -> serde_json::Value {
    serde_json::json!({
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": name},
        "spec": {
            "serviceName": name,
            "replicas": replicas,
            "podManagementPolicy": "Parallel",
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"terminationGracePeriodSeconds": 1, "containers": [{"name": "main", "image": "nginx:1.27"}]}
            }
        }
    })
}

#[path = "../../ordinal-sim/tests/common/skip.rs"]
mod skip;
#[allow(unused_imports)]
pub use skip::skipped;
