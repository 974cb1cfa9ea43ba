//! kubectl through `ordinal credential`, with the real OS keyring. Ignored by default; CI runs
//! it (with the other `keyring` tests) inside `dbus-run-session` with gnome-keyring unlocked:
//! `cargo test --workspace --test keyring -- --ignored` (see `scripts/test`).
//!
//! Against the simulator (or, with `ORDINAL_TEST_KUBECONFIG`, a real cluster's current context
//! flattened into a temp file): kubectl answers identically before securing, after securing
//! (the kubeconfig then holds no secret byte; kubectl runs `ordinal credential`), and after
//! unsecuring.

use std::path::{Path, PathBuf};
use std::process::Command;

const ORDINAL: &str = env!("CARGO_BIN_EXE_ordinal");

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn kubeconfig(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    fn cmd(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env("KUBECONFIG", self.kubeconfig())
            .env("ORDINAL_DATA_DIR", self.dir.path().join("data"))
            .env("ORDINAL_NO_LOGIN_SHELL", "1");
        c
    }

    fn ordinal(&self, args: &[&str]) -> String {
        let out = self.cmd(ORDINAL).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "ordinal {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// What kubectl answers for this context: who may do what, and what it sees.
    fn kubectl_view(&self, context: &str, namespace: &str) -> Vec<String> {
        let runs: [&[&str]; 3] = [
            &["auth", "can-i", "create", "statefulsets", "-n", namespace],
            &["auth", "can-i", "get", "statefulsets", "-n", namespace],
            &["get", "statefulsets", "-n", namespace, "-o", "name"],
        ];
        runs.iter()
            .map(|args| {
                let out = self
                    .cmd("kubectl")
                    .arg("--context")
                    .arg(context)
                    .args(*args)
                    .output()
                    .unwrap();
                format!(
                    "{args:?} -> exit {:?}: {}{}",
                    out.status.code(),
                    String::from_utf8_lossy(&out.stdout).trim(),
                    // can-i prints "no" with exit 1; errors go to stderr and must match too.
                    if out.status.success() {
                        String::new()
                    } else {
                        format!(" / {}", first_line(&out.stderr))
                    }
                )
            })
            .collect()
    }
}

fn first_line(b: &[u8]) -> String {
    String::from_utf8_lossy(b)
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

fn have_kubectl() -> bool {
    Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn kubectl_json(env: &Env) -> serde_json::Value {
    let out = env
        .cmd("kubectl")
        .args(["config", "view", "--raw", "-o", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", first_line(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn user_secrets(doc: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for u in doc["users"].as_array().cloned().unwrap_or_default() {
        let user = &u["user"];
        for k in ["token", "client-key-data", "password"] {
            if let Some(s) = user[k].as_str().filter(|s| s.len() >= 8) {
                out.push(s.to_string());
            }
        }
    }
    out
}

/// Every file under `dir` containing any of `needles`.
fn files_containing(dir: &Path, needles: &[String]) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                let text = String::from_utf8_lossy(&bytes);
                for n in needles {
                    if text.contains(n.as_str()) {
                        hits.push(format!("{}: {}…", p.display(), &n[..6]));
                    }
                }
            }
        }
    }
    hits
}

#[test]
#[ignore = "needs a Secret Service and kubectl (run with --ignored inside dbus-run-session)"]
fn kubectl_authenticates_identically_before_and_after_securing() {
    if !have_kubectl() {
        panic!("kubectl is not installed (scripts/deps --test installs it)");
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let env = Env {
        dir: tempfile::tempdir().unwrap(),
    };
    // (context, namespace) pairs to compare, and the simulator kept alive while testing.
    let (contexts, _sim) = match std::env::var_os("ORDINAL_TEST_KUBECONFIG") {
        Some(real) => {
            let out = Command::new("kubectl")
                .env("KUBECONFIG", &real)
                .args(["config", "view", "--minify", "--flatten"])
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", first_line(&out.stderr));
            std::fs::write(env.kubeconfig(), &out.stdout).unwrap();
            let name = String::from_utf8_lossy(
                &Command::new("kubectl")
                    .env("KUBECONFIG", &real)
                    .args(["config", "current-context"])
                    .output()
                    .unwrap()
                    .stdout,
            )
            .trim()
            .to_string();
            (vec![(name, "default".to_string())], None)
        }
        None => {
            let sim = rt
                .block_on(ordinal_sim::Simulator::start(ordinal_sim::SimConfig {
                    seed: ordinal_sim::Seed::Demo,
                    ..Default::default()
                }))
                .unwrap();
            sim.write_kubeconfig(&env.kubeconfig()).unwrap();
            (
                vec![
                    ("ordinal-sim-admin".to_string(), "db".to_string()),
                    ("ordinal-sim-viewer".to_string(), "default".to_string()),
                ],
                Some(sim),
            )
        }
    };
    // Unique keyring accounts per run: the contexts are renamed with the pid.
    let pid = std::process::id();
    let mut names = Vec::new();
    for (c, ns) in &contexts {
        let n = format!("{c}-{pid}");
        env.ordinal(&["context", "rename", c, &n]);
        names.push((n, ns.clone()));
    }
    let secrets = user_secrets(&kubectl_json(&env));
    assert!(
        !secrets.is_empty(),
        "the test kubeconfig has inline secrets"
    );

    let before: Vec<_> = names
        .iter()
        .map(|(c, ns)| env.kubectl_view(c, ns))
        .collect();
    for v in &before {
        assert!(
            v[1].contains("exit Some(0): yes"),
            "kubectl works before securing: {v:?}"
        );
    }

    for (c, _) in &names {
        env.ordinal(&["context", "secure", c]);
    }
    // No secret byte left in the kubeconfig.
    let text = std::fs::read_to_string(env.kubeconfig()).unwrap();
    for s in &secrets {
        assert!(
            !text.contains(s.as_str()),
            "a secret is still in the kubeconfig"
        );
    }
    assert!(text.contains("credential"), "{text}");
    let after: Vec<_> = names
        .iter()
        .map(|(c, ns)| env.kubectl_view(c, ns))
        .collect();
    assert_eq!(
        before, after,
        "kubectl answers the same through `ordinal credential`"
    );
    let contexts_json = env.ordinal(&["contexts", "--json"]);
    assert_eq!(
        contexts_json.matches("\"keyring\"").count(),
        names.len(),
        "{contexts_json}"
    );

    // Nothing under the test directory holds a secret any more: not the kubeconfig, not
    // Ordinal's backups (securing scrubs those taken before), not its data directory.
    assert_eq!(
        files_containing(env.dir.path(), &secrets),
        Vec::<String>::new()
    );

    for (c, _) in &names {
        env.ordinal(&["context", "unsecure", c]);
    }
    let restored: Vec<_> = names
        .iter()
        .map(|(c, ns)| env.kubectl_view(c, ns))
        .collect();
    assert_eq!(
        before, restored,
        "kubectl answers the same after unsecuring"
    );
}
