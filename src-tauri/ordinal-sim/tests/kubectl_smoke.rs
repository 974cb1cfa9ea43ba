//! kubectl against the simulator (or ORDINAL_TEST_KUBECONFIG): get/describe/get -w/apply (with
//! validation)/explain/scale/rollout restart/rollout status/logs/delete/auth can-i. Skipped when
//! kubectl is not on PATH. `ORDINAL_TEST_KUBECTL=/path/to/kubectl` runs another kubectl.
mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

fn kubectl_bin() -> String {
    std::env::var("ORDINAL_TEST_KUBECTL").unwrap_or_else(|_| "kubectl".into())
}

fn kubectl_available() -> bool {
    std::process::Command::new(kubectl_bin())
        .arg("version")
        .arg("--client")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

async fn kubectl(kc: &Path, args: &[&str]) -> (bool, String) {
    let out = tokio::time::timeout(
        Duration::from_secs(60),
        tokio::process::Command::new(kubectl_bin())
            .args(args)
            .env("KUBECONFIG", kc)
            // A cache of its own: discovery and OpenAPI documents of this server only.
            .env("KUBECACHEDIR", kc.with_file_name("kube-cache"))
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("kubectl finished in time")
    .expect("kubectl runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

const MANIFEST: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: smoke
spec:
  serviceName: smoke
  replicas: 2
  selector:
    matchLabels: {app: smoke}
  template:
    metadata:
      labels: {app: smoke}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: main
        image: nginx:1.27
";

const LIST: &str = "apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: list-cm}
  FIELD: {a: b}
- apiVersion: v1
  kind: Service
  metadata: {name: list-svc}
  spec:
    ports: [{port: 80, targetPort: http}]
    selector: {app: list}
";

#[tokio::test]
async fn kubectl_smoke() {
    if !kubectl_available() {
        return common::skipped("kubectl_smoke", "kubectl not on PATH");
    }
    let c = common::start_with(ordinal_sim::Seed::Empty, Duration::from_millis(100)).await;
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kubeconfig");
    std::fs::write(&kc, &c.kubeconfig).unwrap();
    let manifest = dir.path().join("sts.yaml");
    std::fs::write(&manifest, MANIFEST).unwrap();
    let ns = common::namespace(&c.client, "kubectl").await;
    let m = manifest.to_str().unwrap();

    let (ok, out) = kubectl(&kc, &["get", "ns"]).await;
    assert!(ok, "{out}");
    assert!(
        out.lines()
            .next()
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
            == ["NAME", "STATUS", "AGE"],
        "{out}"
    );
    assert!(out.contains(&ns), "{out}");

    // apply validates (strict by default) with the server's OpenAPI documents.
    let (ok, out) = kubectl(&kc, &["apply", "-n", &ns, "-f", m]).await;
    assert!(
        ok && out.contains("statefulset.apps/smoke created"),
        "{out}"
    );
    let (ok, out) = kubectl(&kc, &["apply", "-n", &ns, "-f", m]).await;
    assert!(
        ok && out.contains("statefulset.apps/smoke unchanged"),
        "{out}"
    );
    // An unknown field is refused, whether the object exists (patch) or not (create).
    let bad = dir.path().join("bad.yaml");
    for name in ["smoke", "smoke-bad"] {
        let manifest = MANIFEST
            .replace("name: smoke\n", &format!("name: {name}\n"))
            .replace("  replicas: 2", "  replicaz: 2");
        std::fs::write(&bad, manifest).unwrap();
        let b = bad.to_str().unwrap();
        let (ok, out) = kubectl(&kc, &["apply", "--validate=strict", "-n", &ns, "-f", b]).await;
        assert!(
            !ok && out.contains("unknown field") && out.contains("replicaz"),
            "{name}: {out}"
        );
    }
    // A List is validated item by item on the client (with /openapi/v2).
    let list = dir.path().join("list.yaml");
    for (field, ok_expected) in [("data", true), ("dataz", false)] {
        std::fs::write(&list, LIST.replace("FIELD", field)).unwrap();
        let l = list.to_str().unwrap();
        let (ok, out) = kubectl(&kc, &["apply", "-n", &ns, "-f", l]).await;
        if ok_expected {
            assert!(ok && out.contains("configmap/list-cm created"), "{out}");
        } else {
            assert!(!ok && out.contains("unknown field \"dataz\""), "{out}");
        }
    }
    let (ok, out) = kubectl(&kc, &["explain", "statefulset.spec.replicas"]).await;
    assert!(
        ok && out.contains("replicas <integer>")
            && out.contains("replicas is the desired number of replicas"),
        "{out}"
    );
    let (ok, out) = kubectl(&kc, &["explain", "statefulset.spec"]).await;
    assert!(
        ok && out.contains("serviceName") && out.contains("volumeClaimTemplates"),
        "{out}"
    );
    let (ok, out) = kubectl(
        &kc,
        &["rollout", "status", "-n", &ns, "sts/smoke", "--timeout=30s"],
    )
    .await;
    assert!(ok && out.contains("roll out complete"), "{out}");

    let (ok, out) = kubectl(&kc, &["get", "sts", "-n", &ns]).await;
    assert!(ok, "{out}");
    let row: Vec<&str> = out
        .lines()
        .nth(1)
        .unwrap_or("")
        .split_whitespace()
        .collect();
    assert_eq!(&row[..2], ["smoke", "2/2"], "{out}");
    let (ok, out) = kubectl(&kc, &["get", "pods", "-n", &ns, "-o", "wide"]).await;
    assert!(
        ok && out.contains("smoke-0") && out.contains("Running") && out.contains("1/1"),
        "{out}"
    );

    let (ok, out) = kubectl(&kc, &["describe", "sts", "smoke", "-n", &ns]).await;
    assert!(ok, "{out}");
    assert!(
        out.contains("Pods Status:") && out.contains("2 Running"),
        "{out}"
    );
    assert!(
        out.contains("create Pod smoke-0 in StatefulSet smoke successful"),
        "{out}"
    );

    // get -w: the stream prints the current pods, then keeps running until the timeout.
    let child = tokio::process::Command::new(kubectl_bin())
        .args(["get", "pods", "-w", "-n", &ns])
        .env("KUBECONFIG", &kc)
        .env("KUBECACHEDIR", kc.with_file_name("kube-cache"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let (ok, out) = kubectl(&kc, &["scale", "sts/smoke", "-n", &ns, "--replicas=3"]).await;
    assert!(ok && out.contains("statefulset.apps/smoke scaled"), "{out}");
    tokio::time::sleep(Duration::from_secs(3)).await;
    let pid = child.id().unwrap();
    // End only the child we started, by its pid.
    let _ = std::process::Command::new("kill")
        .arg(pid.to_string())
        .status();
    let w = child.wait_with_output().await.unwrap();
    let wout = String::from_utf8_lossy(&w.stdout);
    assert!(
        wout.contains("smoke-0") && wout.contains("smoke-2"),
        "watch output: {wout}"
    );

    let (ok, out) = kubectl(
        &kc,
        &["rollout", "status", "-n", &ns, "sts/smoke", "--timeout=30s"],
    )
    .await;
    assert!(ok, "{out}");
    let (ok, out) = kubectl(&kc, &["rollout", "restart", "-n", &ns, "sts/smoke"]).await;
    assert!(
        ok && out.contains("statefulset.apps/smoke restarted"),
        "{out}"
    );
    let (ok, out) = kubectl(
        &kc,
        &["rollout", "status", "-n", &ns, "sts/smoke", "--timeout=60s"],
    )
    .await;
    assert!(
        ok && out.contains("roll out complete: 3 new pods have been updated"),
        "{out}"
    );

    let (ok, out) = kubectl(&kc, &["logs", "-n", &ns, "smoke-0", "--tail=2"]).await;
    assert!(ok && out.lines().count() == 2, "{out}");

    let (ok, out) = kubectl(&kc, &["auth", "can-i", "patch", "statefulsets", "-n", &ns]).await;
    assert!(ok && out.trim() == "yes", "{out}");
    // The viewer: the simulator kubeconfig's context, or the real cluster's viewer kubeconfig.
    let viewer: Option<(std::path::PathBuf, Vec<&str>)> = if c.sim.is_some() {
        Some((kc.clone(), vec!["--context", "ordinal-sim-viewer"]))
    } else {
        std::env::var_os("ORDINAL_TEST_VIEWER_KUBECONFIG").map(|p| (p.into(), vec![]))
    };
    match viewer {
        Some((vkc, ctx)) => {
            let args = |rest: &[&'static str]| -> Vec<String> {
                ctx.iter()
                    .chain(rest)
                    .map(|a| a.to_string())
                    .chain(["-n".to_string(), ns.clone()])
                    .collect()
            };
            let a = args(&["auth", "can-i", "patch", "statefulsets"]);
            let (_, out) = kubectl(&vkc, &a.iter().map(String::as_str).collect::<Vec<_>>()).await;
            assert_eq!(out.trim(), "no");
            let a = args(&["delete", "sts", "smoke"]);
            let (ok, out) = kubectl(&vkc, &a.iter().map(String::as_str).collect::<Vec<_>>()).await;
            assert!(
                !ok && out.contains(
                    "is forbidden: User \"viewer\" cannot delete resource \"statefulsets\""
                ),
                "{out}"
            );
        }
        None => common::skipped(
            "kubectl_smoke: the viewer's refusals",
            "no viewer user for this cluster (set ORDINAL_TEST_VIEWER_KUBECONFIG)",
        ),
    }

    let (ok, out) = kubectl(&kc, &["delete", "sts", "smoke", "-n", &ns]).await;
    assert!(
        ok && out.contains("statefulset.apps \"smoke\" deleted"),
        "{out}"
    );
    let (ok, out) = kubectl(&kc, &["get", "sts", "-n", &ns]).await;
    assert!(ok && out.contains("No resources found"), "{out}");
}
