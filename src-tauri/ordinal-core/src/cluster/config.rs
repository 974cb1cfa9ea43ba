//! A kube-rs configuration for one context of the merged kubeconfig.

use std::time::Duration;

use kube::config::{KubeConfigOptions, Kubeconfig};
use serde_json::{json, Value};

use super::ClusterError;
use crate::execenv::ExecEnv;
use crate::kubeconfig::{EntryKind, Loaded};

/// TCP connect timeout: a closed port or a dead VPN fails within this.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Build the kube-rs configuration of `context`: its context, cluster and user entries as merged
/// (relative paths resolved against the file holding each) become a one-context kubeconfig
/// document that kube-rs loads.
///
/// The config has a 5 s connect timeout and kube-rs's 429/503 retry layer disabled
/// (`default_retry = false`): a throttled or refused request (e.g. an eviction refused by a
/// PodDisruptionBudget) fails at once instead of backing off for minutes; watches have their
/// own backoff in the hub.
pub async fn kube_config_for(loaded: &Loaded, context: &str) -> Result<kube::Config, ClusterError> {
    kube_config_with(loaded, context, None).await
}

/// [`kube_config_for`], with the context's exec plugin run in `exec` (the login shell's PATH and
/// the context's override; the command made absolute).
pub async fn kube_config_with(
    loaded: &Loaded,
    context: &str,
    exec: Option<&ExecEnv>,
) -> Result<kube::Config, ClusterError> {
    // A process can link several rustls crypto providers (ring for kube, aws-lc-rs via other
    // crates); rustls then refuses to guess. Pick ring once; a no-op when one is already set.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let kc = one_context_kubeconfig(loaded, context, exec)?;
    let opts = KubeConfigOptions {
        context: Some(context.to_string()),
        ..Default::default()
    };
    let mut cfg = kube::Config::from_custom_kubeconfig(kc, &opts)
        .await
        .map_err(|e| ClusterError::BadKubeconfig {
            context: context.to_string(),
            message: e.to_string(),
        })?;
    cfg.connect_timeout = Some(CONNECT_TIMEOUT);
    cfg.default_retry = false;
    Ok(cfg)
}

/// The one-context kubeconfig document for `context` (internal; public for tests).
pub(crate) fn one_context_kubeconfig(
    loaded: &Loaded,
    context: &str,
    exec: Option<&ExecEnv>,
) -> Result<Kubeconfig, ClusterError> {
    let missing = |kind: &'static str, name: &str| ClusterError::NotInKubeconfig {
        kind,
        name: name.to_string(),
    };
    let ctx = loaded
        .resolved(EntryKind::Context, context)
        .ok_or_else(|| missing("context", context))?;
    let field = |k: &str| ctx.get(k).and_then(Value::as_str).map(str::to_string);
    let cluster_name = field("cluster").ok_or_else(|| ClusterError::BadKubeconfig {
        context: context.to_string(),
        message: "the context names no cluster".into(),
    })?;
    let cluster = loaded
        .resolved(EntryKind::Cluster, &cluster_name)
        .ok_or_else(|| missing("cluster", &cluster_name))?;
    let mut doc = json!({
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": context,
        "clusters": [{"name": cluster_name, "cluster": cluster}],
        "contexts": [{"name": context, "context": ctx}],
        "users": [],
    });
    if let Some(user_name) = field("user").filter(|u| !u.is_empty()) {
        let mut user = loaded
            .resolved(EntryKind::User, &user_name)
            .ok_or_else(|| missing("user", &user_name))?;
        if let Some(env) = exec {
            env.apply(&mut user);
        }
        doc["users"] = json!([{"name": user_name, "user": user}]);
    }
    serde_json::from_value(doc).map_err(|e| ClusterError::BadKubeconfig {
        context: context.to_string(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Classify, ErrorCode};
    use crate::kubeconfig::{load, Sources};

    fn loaded(text: &str) -> (tempfile::TempDir, Loaded) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub").join("config");
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        let l = load(&Sources {
            kubeconfig_env: Some(p.into_os_string()),
            home: None,
            managed_dir: None,
        });
        (dir, l)
    }

    const KC: &str = r#"
apiVersion: v1
kind: Config
current-context: a
clusters:
- name: c
  cluster: {server: "https://k.example:6443", certificate-authority: certs/ca.crt}
- name: other
  cluster: {server: "https://other.example"}
users:
- name: u
  user: {token: abc}
contexts:
- name: a
  context: {cluster: c, user: u, namespace: db}
- name: orphan
  context: {cluster: missing, user: u}
"#;

    #[test]
    fn one_context_document_has_resolved_paths_and_only_that_context() {
        let (dir, l) = loaded(KC);
        let kc = one_context_kubeconfig(&l, "a", None).unwrap();
        assert_eq!(kc.current_context.as_deref(), Some("a"));
        assert_eq!(kc.clusters.len(), 1);
        let cluster = kc.clusters[0].cluster.as_ref().unwrap();
        let ca = cluster.certificate_authority.as_deref().unwrap();
        assert_eq!(
            std::path::Path::new(ca),
            dir.path().join("sub").join("certs").join("ca.crt")
        );
        assert_eq!(kc.auth_infos.len(), 1);
        assert_eq!(
            kc.contexts[0]
                .context
                .as_ref()
                .unwrap()
                .namespace
                .as_deref(),
            Some("db")
        );
    }

    #[test]
    fn missing_context_or_cluster_is_not_found() {
        let (_dir, l) = loaded(KC);
        assert_eq!(
            one_context_kubeconfig(&l, "nope", None).unwrap_err().code(),
            ErrorCode::NotFound
        );
        let e = one_context_kubeconfig(&l, "orphan", None).unwrap_err();
        assert_eq!(e.code(), ErrorCode::NotFound);
        assert!(e.to_string().contains("cluster \"missing\""), "{e}");
    }

    #[tokio::test]
    async fn config_has_connect_timeout_and_no_retry_layer() {
        let (_dir, l) = loaded(&KC.replace(
            "certificate-authority: certs/ca.crt",
            "insecure-skip-tls-verify: true",
        ));
        let cfg = kube_config_for(&l, "a").await.unwrap();
        assert_eq!(cfg.connect_timeout, Some(CONNECT_TIMEOUT));
        assert!(!cfg.default_retry);
        assert_eq!(cfg.default_namespace, "db");
        assert_eq!(cfg.cluster_url.host(), Some("k.example"));
    }
}
