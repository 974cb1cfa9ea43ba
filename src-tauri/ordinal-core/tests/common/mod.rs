//! Shared helpers for the kubeconfig / secrets integration tests.
#![allow(dead_code)]

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use ordinal_core::kubeconfig::{load, view, Loaded, Sources, ViewFormat, ViewOptions};

/// A temp directory with files written relative to it.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Self {
        Fixture {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }
    /// `$KUBECONFIG` made of these relative names (joined with the OS separator).
    pub fn env(&self, rels: &[&str]) -> OsString {
        let paths: Vec<PathBuf> = rels
            .iter()
            .map(|r| {
                if r.is_empty() {
                    PathBuf::new()
                } else {
                    self.path(r)
                }
            })
            .collect();
        std::env::join_paths(paths).unwrap()
    }
    pub fn sources(&self, rels: &[&str]) -> Sources {
        Sources {
            kubeconfig_env: Some(self.env(rels)),
            home: Some(self.path("home")),
            managed_dir: Some(self.path("managed")),
        }
    }
    pub fn load(&self, rels: &[&str]) -> Loaded {
        load(&self.sources(rels))
    }
}

/// `kubectl config view --merge -o json [flags]` with this `$KUBECONFIG`, or `None` when kubectl
/// is not installed (a failure instead when `$CI` is set).
pub fn kubectl_view(
    env: &OsString,
    home: &Path,
    flags: &[&str],
) -> Option<Result<serde_json::Value, String>> {
    let mut cmd = Command::new("kubectl");
    cmd.args(["config", "view", "--merge", "-o", "json"])
        .args(flags)
        .env("KUBECONFIG", env)
        .env("HOME", home);
    let out = match cmd.output() {
        Ok(o) => o,
        Err(e) => {
            if std::env::var_os("CI").is_some() {
                panic!("kubectl is required in CI for the comparison tests: {e}");
            }
            eprintln!("note: kubectl not found ({e}); skipping the comparison with kubectl");
            return None;
        }
    };
    if !out.status.success() {
        return Some(Err(String::from_utf8_lossy(&out.stderr).to_string()));
    }
    Some(Ok(
        serde_json::from_slice(&out.stdout).expect("kubectl prints JSON")
    ))
}

/// Our view as JSON.
pub fn our_view(loaded: &Loaded, minify: bool, raw: bool) -> Result<serde_json::Value, String> {
    view(
        loaded,
        ViewOptions {
            minify,
            raw,
            format: ViewFormat::Json,
        },
    )
    .map(|s| serde_json::from_str(&s).unwrap())
    .map_err(|e| e.to_string())
}

/// Asserts our merged view equals kubectl's for every flag combination.
pub fn assert_same_as_kubectl(fx: &Fixture, rels: &[&str]) {
    let env = fx.env(rels);
    let loaded = fx.load(rels);
    for (minify, raw) in [(false, false), (false, true), (true, false), (true, true)] {
        let mut flags = vec![];
        if minify {
            flags.push("--minify");
        }
        if raw {
            flags.push("--raw");
        }
        let Some(theirs) = kubectl_view(&env, &fx.path("home"), &flags) else {
            return;
        };
        let ours = our_view(&loaded, minify, raw);
        match (theirs, ours) {
            (Ok(t), Ok(o)) => assert_eq!(
                o,
                t,
                "view differs from kubectl (flags {flags:?})\nours:\n{}\nkubectl:\n{}",
                serde_json::to_string_pretty(&o).unwrap(),
                serde_json::to_string_pretty(&t).unwrap()
            ),
            (Err(_), Err(_)) => {}
            (t, o) => panic!(
                "kubectl and we disagree on success (flags {flags:?}): kubectl {t:?}, ours {o:?}"
            ),
        }
    }
}
