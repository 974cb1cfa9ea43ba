//! Kill -9 a process in the middle of a loop of large kubeconfig writes: the file must always be
//! a complete old or new version, never a torn one.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use ordinal_core::kubeconfig::{self as kc, EditEnv, Sources};
use serde_json::Value;

const CHILD_ENV: &str = "ORDINAL_TEST_CRASH_CHILD";
const N_CONTEXTS: usize = 1500;

fn big_config() -> String {
    let mut s = String::from("apiVersion: v1\nkind: Config\ncurrent-context: ctx-0\nclusters:\n");
    for i in 0..N_CONTEXTS {
        s += &format!("- name: cluster-{i}\n  cluster:\n    server: https://cluster-{i}.example:6443\n    certificate-authority-data: {}\n", "QUJD".repeat(40));
    }
    s += "users:\n";
    for i in 0..N_CONTEXTS {
        s += &format!(
            "- name: user-{i}\n  user:\n    token: token-{i}-{}\n",
            "x".repeat(40)
        );
    }
    s += "contexts:\n";
    for i in 0..N_CONTEXTS {
        s += &format!("- name: ctx-{i}\n  context:\n    cluster: cluster-{i}\n    user: user-{i}\n    namespace: ns-start\n");
    }
    s
}

fn sources(dir: &Path) -> Sources {
    Sources {
        kubeconfig_env: Some(dir.join("config").into_os_string()),
        home: None,
        managed_dir: None,
    }
}

/// The child: rewrite the file forever, each time with a new namespace on ctx-0.
fn child_loop(dir: &Path) -> ! {
    let mut env = EditEnv::new(dir.join("backups"));
    env.max_backups = 3;
    // a fresh range per child, so every round's writes are distinguishable
    let mut i = fastrand::u64(..1 << 40);
    loop {
        let l = kc::load(&sources(dir));
        kc::set_namespace(&l, &env, "ctx-0", Some(&format!("ns-{i}"))).expect("write");
        i += 1;
    }
}

const RAW_CHILD_ENV: &str = "ORDINAL_TEST_CRASH_RAW_CHILD";

fn version(tag: &str) -> Vec<u8> {
    // ~4 MB, so a kill often lands in the middle of a write.
    let mut s = format!("# version {tag}\n");
    while s.len() < 4_000_000 {
        s += &format!("- name: entry-{tag}-{}\n", s.len());
    }
    s += "# end\n";
    s.into_bytes()
}

/// The primitive every kubeconfig write goes through, in a tight loop of two large versions.
#[test]
fn kill_during_raw_atomic_writes_leaves_old_or_new_file() {
    let (a, b) = (version("a"), version("b"));
    if let Some(dir) = std::env::var_os(RAW_CHILD_ENV) {
        let p = Path::new(&dir).join("config");
        loop {
            ordinal_core::fsutil::atomic_write(&p, &a, 0o600).unwrap();
            ordinal_core::fsutil::atomic_write(&p, &b, 0o600).unwrap();
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("config");
    std::fs::write(&p, &a).unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for round in 0..25 {
        let mut child = Command::new(&exe)
            .args([
                "kill_during_raw_atomic_writes_leaves_old_or_new_file",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(RAW_CHILD_ENV, dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(30 + fastrand::u64(0..200)));
        child.kill().unwrap();
        child.wait().unwrap();
        let got = std::fs::read(&p).unwrap();
        assert!(
            got == a || got == b,
            "round {round}: torn file of {} bytes",
            got.len()
        );
        seen.insert(got == a);
    }
    assert_eq!(seen.len(), 2, "both versions should have been observed");
}

/// The first context's namespace as the file says now (`None` while it is unreadable).
fn current_namespace(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let v: Value = serde_saphyr::from_str(&text).ok()?;
    v["contexts"][0]["context"]["namespace"]
        .as_str()
        .map(str::to_string)
}

#[test]
fn kill_during_writes_leaves_old_or_new_file() {
    if let Some(dir) = std::env::var_os(CHILD_ENV) {
        child_loop(Path::new(&dir));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    std::fs::write(&path, big_config()).unwrap();
    let expected_base: Value = serde_saphyr::from_str(&big_config()).unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut seen_namespaces = std::collections::BTreeSet::new();
    for round in 0..12 {
        let mut child = Command::new(&exe)
            .args([
                "kill_during_writes_leaves_old_or_new_file",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Wait for the child's first complete write (slow machines take a while to start and
        // parse 1,500 contexts), then kill it at a random point of the writes that follow.
        let before = current_namespace(&path);
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while current_namespace(&path) == before {
            assert!(
                std::time::Instant::now() < deadline,
                "round {round}: the child never wrote"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(fastrand::u64(0..400)));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("round {round}: unreadable: {e}"));
        let got: Value = serde_saphyr::from_str(&text)
            .unwrap_or_else(|e| panic!("round {round}: torn file: {e}"));
        let ns = got["contexts"][0]["context"]["namespace"]
            .as_str()
            .expect("namespace")
            .to_string();
        let mut expected = expected_base.clone();
        expected["contexts"][0]["context"]["namespace"] = Value::String(ns.clone());
        assert_eq!(
            got, expected,
            "round {round}: the file is not a complete version"
        );
        seen_namespaces.insert(ns);
        // The loader sees it with no problems.
        let l = kc::load(&sources(dir.path()));
        assert!(
            l.problems.is_empty(),
            "round {round}: {:?}",
            l.problems.first()
        );
        assert_eq!(l.names(kc::EntryKind::Context).len(), N_CONTEXTS);
    }
    assert!(
        seen_namespaces.len() > 1,
        "the child never managed to write: {seen_namespaces:?}"
    );
}
