//! The `ordinal-sim` binary: serves, prints the kubeconfig path and URL, writes a 0600 kubeconfig
//! that kube-rs can use. Simulator-only.
mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use k8s_openapi::api::apps::v1::StatefulSet;
use kube::api::{Api, ListParams};

#[tokio::test]
async fn binary_serves_and_writes_kubeconfig() {
    // the server runs in another process: this process's client needs its own rustls provider
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kc.yaml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ordinal-sim"))
        .args([
            "--kubeconfig",
            kc.to_str().unwrap(),
            "--seed",
            "scale:2,4,2",
            "--ready-delay-ms",
            "0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let lines = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout)
            .lines()
            .take(2)
            .map(|l| l.unwrap())
            .collect::<Vec<_>>()
    });
    let lines = tokio::time::timeout(Duration::from_secs(20), lines)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(lines[0], format!("kubeconfig: {}", kc.display()));
    assert!(
        lines[1].starts_with("server: https://127.0.0.1:"),
        "{lines:?}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&kc).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let client = common::client_for(&std::fs::read_to_string(&kc).unwrap(), None).await;
    let sts: Api<StatefulSet> = Api::all(client);
    assert_eq!(
        sts.list(&ListParams::default()).await.unwrap().items.len(),
        4
    );
    // End only the child we started.
    child.kill().unwrap();
    child.wait().unwrap();
}
