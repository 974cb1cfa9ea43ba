//! The built-in "Demo cluster": the simulator (`ordinal-sim`), started in-process on first
//! connect, reached over HTTPS through a kubeconfig exactly like any other cluster. It appears in
//! the context list under the reserved name [`DEMO_CONTEXT`] and needs no kubeconfig of the user's.

use std::path::PathBuf;

use ordinal_sim::{Seed, SimConfig, Simulator};
use tokio::sync::Mutex;

use crate::cluster::{kube_config_for, ClusterError, DEMO_CONTEXT};
use crate::error::{Classify, ErrorCode};
use crate::kubeconfig::{load, AuthKind, ContextList, ContextSummary, SecretLocation, Sources};

/// The simulator's admin context inside the demo kubeconfig.
const SIM_ADMIN_CONTEXT: &str = "ordinal-sim-admin";

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the demo cluster could not start: {0}")]
    Start(String),
    #[error("cannot write the demo cluster's kubeconfig {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Config(#[from] ClusterError),
}

impl Classify for DemoError {
    fn code(&self) -> ErrorCode {
        match self {
            DemoError::Config(e) => e.code(),
            _ => ErrorCode::Internal,
        }
    }
}

/// Owns the in-process simulator while the app runs.
pub struct Demo {
    dir: PathBuf,
    sim: Mutex<Option<Simulator>>,
}

impl Demo {
    /// `dir` holds the demo's kubeconfig (rewritten on every start: new CA, new port).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            sim: Mutex::new(None),
        }
    }

    /// Starts the demo cluster if it is not running, and returns the client configuration for it.
    pub async fn config(&self) -> Result<kube::Config, DemoError> {
        let mut guard = self.sim.lock().await;
        if guard.is_none() {
            let sim = Simulator::start(SimConfig {
                seed: Seed::Demo,
                ..Default::default()
            })
            .await
            .map_err(|e| DemoError::Start(e.to_string()))?;
            tracing::info!(url = %sim.url(), "demo cluster started");
            *guard = Some(sim);
        }
        let sim = guard.as_ref().expect("started above");
        let path = self.dir.join("kubeconfig");
        std::fs::create_dir_all(&self.dir)
            .and_then(|_| sim.write_kubeconfig(&path))
            .map_err(|source| DemoError::Write {
                path: path.clone(),
                source,
            })?;
        let loaded = load(&Sources {
            kubeconfig_env: Some(path.into_os_string()),
            home: None,
            managed_dir: None,
        });
        Ok(kube_config_for(&loaded, SIM_ADMIN_CONTEXT).await?)
    }

    pub async fn stop(&self) {
        if let Some(sim) = self.sim.lock().await.take() {
            sim.shutdown().await;
        }
    }
}

/// The demo cluster as a context entry.
pub fn summary(current: bool) -> ContextSummary {
    ContextSummary {
        name: DEMO_CONTEXT.to_string(),
        cluster: "ordinal-sim".to_string(),
        server: None,
        user: "admin".to_string(),
        namespace: None,
        current,
        source_file: String::new(),
        auth_kind: AuthKind::Cert,
        secret_location: SecretLocation::None,
        exec: None,
    }
}

/// Adds the demo cluster to a context list. When the user has no context at all, the demo
/// becomes the current one, so a first start on a machine without a kubeconfig opens it.
pub fn with_demo(mut list: ContextList) -> ContextList {
    let current = list.contexts.is_empty();
    list.contexts.push(summary(current));
    if current {
        list.current_context = Some(DEMO_CONTEXT.to_string());
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_is_current_only_without_other_contexts() {
        let empty = ContextList {
            contexts: vec![],
            current_context: None,
            problems: vec![],
            sources: vec![],
            revision: String::new(),
        };
        let l = with_demo(empty);
        assert_eq!(l.current_context.as_deref(), Some(DEMO_CONTEXT));
        assert!(l.contexts[0].current);

        let mut other = summary(true);
        other.name = "prod".into();
        let l = with_demo(ContextList {
            contexts: vec![other],
            current_context: Some("prod".into()),
            problems: vec![],
            sources: vec![],
            revision: String::new(),
        });
        assert_eq!(l.current_context.as_deref(), Some("prod"));
        assert_eq!(l.contexts.len(), 2);
        assert!(!l.contexts[1].current);
    }

    #[tokio::test]
    async fn connects_like_any_cluster() {
        let dir = tempfile::tempdir().unwrap();
        let demo = Demo::new(dir.path());
        let config = demo.config().await.unwrap();
        let client = kube::Client::try_from(config).unwrap();
        let version = client.apiserver_version().await.unwrap();
        assert!(version.git_version.starts_with('v'));
        let sts: kube::Api<k8s_openapi::api::apps::v1::StatefulSet> =
            kube::Api::namespaced(client, "db");
        let names: Vec<String> = sts
            .list(&Default::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .filter_map(|s| s.metadata.name)
            .collect();
        assert!(names.iter().any(|n| n == "postgres"), "{names:?}");
        demo.stop().await;
    }
}
