//! Bad input (issue #7): the kubeconfig loader fuzzed with a bounded proptest corpus run.
//!
//! Inputs are mutated valid kubeconfigs (byte flips, truncations, spliced YAML syntax, line
//! edits), random YAML/JSON structures, valid kubeconfigs with a wrong-typed value at a known
//! field, and huge or deeply nested values. Each input is written next to a valid kubeconfig and
//! both are loaded through `$KUBECONFIG` (in either order), then everything the app reads is
//! exercised: the context list, `view`, resolved entries, `import_preview` of the same text and
//! `cluster::kube_config_for` of every context. Asserted for every input:
//!
//! - no panic;
//! - the valid file still loads (its context is listed with its server);
//! - the fuzzed file either loads or a problem names it; invalid YAML is reported with a line and
//!   a column (by the loader and by the import preview); non-UTF-8 bytes are reported as such;
//! - no problem message carries the secret token of the input.
//!
//! `ORDINAL_FUZZ_CASES` changes the number of random cases (default 1500), `ORDINAL_FUZZ_SECS`
//! the wall-clock budget of the random run (default 20 s; later cases are skipped).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ordinal_core::error::Classify;
use ordinal_core::kubeconfig::{
    import_preview, load, view, EntryKind, Loaded, Sources, ViewFormat, ViewOptions,
};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;

const SECRET: &str = "fz-secret-token-3c9e";

const BASE: &str = r#"apiVersion: v1
kind: Config
current-context: fz-admin
preferences: {}
clusters:
- name: fz-cluster
  cluster:
    server: https://fz.example:6443
    certificate-authority-data: Zm9vCg==
    insecure-skip-tls-verify: false
    extensions:
    - name: ext
      extension: {a: 1, b: [x, y]}
- name: fz-other
  cluster: {server: "https://other.example", proxy-url: "http://proxy:3128", tls-server-name: api}
users:
- name: fz-token
  user:
    token: fz-secret-token-3c9e
- name: fz-exec
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/plugin
      args: ["--x", "1"]
      env:
      - name: A
        value: b
      interactiveMode: Never
- name: fz-cert
  user:
    client-certificate: certs/c.crt
    client-key: certs/c.key
- name: fz-basic
  user: {username: u, password: p}
contexts:
- name: fz-admin
  context: {cluster: fz-cluster, user: fz-token, namespace: kube-system}
- name: fz-exec
  context:
    cluster: fz-other
    user: fz-exec
- &entry
  name: fz-dangling
  context: {cluster: nope, user: nobody}
extensions:
- name: top
  extension: {x: "yes", n: 3}
"#;

const GOOD: &str = "apiVersion: v1
kind: Config
clusters:
- name: good-cluster-z9
  cluster: {server: https://good.example:6443}
users:
- name: good-user-z9
  user: {token: good}
contexts:
- name: good-ctx-z9
  context: {cluster: good-cluster-z9, user: good-user-z9}
";

/// Fields of a kubeconfig where a value of the wrong type is planted (JSON pointers into BASE).
const FIELDS: &[&str] = &[
    "",
    "/apiVersion",
    "/kind",
    "/current-context",
    "/preferences",
    "/extensions",
    "/clusters",
    "/clusters/0",
    "/clusters/0/name",
    "/clusters/0/cluster",
    "/clusters/0/cluster/server",
    "/clusters/0/cluster/certificate-authority-data",
    "/clusters/0/cluster/insecure-skip-tls-verify",
    "/clusters/0/cluster/extensions",
    "/clusters/1/cluster/proxy-url",
    "/users",
    "/users/0",
    "/users/0/name",
    "/users/0/user",
    "/users/0/user/token",
    "/users/1/user/exec",
    "/users/1/user/exec/command",
    "/users/1/user/exec/args",
    "/users/1/user/exec/env",
    "/users/1/user/exec/interactiveMode",
    "/users/2/user/client-certificate",
    "/users/3/user/password",
    "/contexts",
    "/contexts/0",
    "/contexts/0/name",
    "/contexts/0/context",
    "/contexts/0/context/cluster",
    "/contexts/0/context/user",
    "/contexts/0/context/namespace",
];

/// YAML syntax spliced into valid text.
const FRAGMENTS: &[&str] = &[
    "\n- ",
    ": ",
    ":",
    "{",
    "}",
    "[",
    "]",
    "&a ",
    "*a",
    "*entry",
    "*undefined",
    "<<: *entry\n",
    "!!binary ",
    "!!int ",
    "!<tag:yaml.org,2002:str> ",
    "!custom ",
    "? ",
    "---\n",
    "...\n",
    "\t",
    "%YAML 1.2\n",
    "%TAG ! tag:x,2000:\n",
    "'",
    "\"",
    "\"\\u",
    "|\n",
    ">-\n",
    "# comment",
    "@",
    "`",
    "\u{feff}",
    "\0",
    "~",
    ".inf",
    "0x1F",
    "1e400",
    "-9223372036854775809",
    "  ",
    "\r\n",
    "\u{85}",
    "\u{2028}",
    "é",
    "😀",
];

#[derive(Default, Debug)]
struct Outcomes {
    loaded: usize,
    invalid_yaml: usize,
    not_utf8: usize,
    with_problems: usize,
}

fn outcomes() -> &'static std::sync::Mutex<Outcomes> {
    static O: std::sync::OnceLock<std::sync::Mutex<Outcomes>> = std::sync::OnceLock::new();
    O.get_or_init(Default::default)
}

struct Bench {
    dir: tempfile::TempDir,
    good: PathBuf,
    fuzz: PathBuf,
    rt: tokio::runtime::Runtime,
}

impl Bench {
    fn new() -> Bench {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.yaml");
        std::fs::write(&good, GOOD).unwrap();
        let fuzz = dir.path().join("fuzzed.yaml");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        Bench {
            dir,
            good,
            fuzz,
            rt,
        }
    }

    fn load(&self, fuzz_first: bool) -> Loaded {
        let order: Vec<&Path> = if fuzz_first {
            vec![&self.fuzz, &self.good]
        } else {
            vec![&self.good, &self.fuzz]
        };
        load(&Sources {
            kubeconfig_env: Some(std::env::join_paths(order).unwrap()),
            home: Some(self.dir.path().join("no-home")),
            managed_dir: None,
        })
    }

    /// One execution: load, exercise, assert.
    fn check(&self, bytes: &[u8], fuzz_first: bool) -> Result<(), TestCaseError> {
        std::fs::write(&self.fuzz, bytes).unwrap();
        let loaded = self.load(fuzz_first);

        // Everything the app reads from a load.
        let list = loaded.context_list();
        for format in [ViewFormat::Yaml, ViewFormat::Json] {
            for (minify, raw) in [(false, false), (true, true)] {
                let _ = view(
                    &loaded,
                    ViewOptions {
                        minify,
                        raw,
                        format,
                    },
                );
            }
        }
        for kind in EntryKind::ALL {
            for name in loaded.names(kind) {
                let _ = loaded.resolved(kind, &name);
            }
        }
        let contexts = loaded.names(EntryKind::Context);
        for name in contexts.iter().take(20) {
            let _ = self
                .rt
                .block_on(ordinal_core::cluster::kube_config_for(&loaded, name));
        }

        // The valid file always loads.
        let good = list
            .contexts
            .iter()
            .find(|c| c.name == "good-ctx-z9")
            .ok_or_else(|| TestCaseError::fail("the valid file's context is missing"))?;
        prop_assert_eq!(good.server.as_deref(), Some("https://good.example:6443"));
        prop_assert_eq!(&good.source_file, &self.good.display().to_string());

        // The fuzzed file loads, or a problem names it.
        let fuzz_name = self.fuzz.display().to_string();
        let fuzz_loaded = loaded.files.iter().any(|f| f.path == self.fuzz);
        let problems: Vec<_> = list
            .problems
            .iter()
            .filter(|p| p.file == fuzz_name)
            .collect();
        prop_assert!(
            fuzz_loaded || !problems.is_empty(),
            "the fuzzed file neither loaded nor was reported"
        );
        for p in &list.problems {
            prop_assert!(!p.file.is_empty(), "a problem without a file: {:?}", p);
            prop_assert!(
                !p.message.contains(SECRET),
                "a problem message carries the token: {:?}",
                p
            );
        }

        let mut o = outcomes().lock().unwrap();
        if fuzz_loaded {
            o.loaded += 1;
        }
        if !problems.is_empty() {
            o.with_problems += 1;
        }
        match std::str::from_utf8(bytes) {
            Err(_) => {
                o.not_utf8 += 1;
                prop_assert!(!fuzz_loaded);
                prop_assert!(
                    problems.iter().any(|p| p.message.contains("UTF-8")),
                    "non-UTF-8 bytes reported as such: {:?}",
                    problems
                );
            }
            Ok(text) => {
                let parses = text.trim().is_empty()
                    || serde_saphyr::from_str::<serde_json::Value>(text).is_ok();
                if !parses {
                    o.invalid_yaml += 1;
                    prop_assert!(!fuzz_loaded, "invalid YAML loaded");
                    let p = problems
                        .iter()
                        .find(|p| p.message.starts_with("invalid YAML"))
                        .ok_or_else(|| {
                            TestCaseError::fail(format!(
                                "invalid YAML not reported as such: {problems:?}"
                            ))
                        })?;
                    prop_assert!(
                        p.line.is_some() && p.column.is_some(),
                        "invalid YAML reported without line/column: {:?}",
                        p
                    );
                }
                drop(o);
                // The import preview parses the same text (pasted or dropped by the user).
                match import_preview(&loaded, text, "pasted.yaml") {
                    Ok(preview) => {
                        for p in &preview.problems {
                            prop_assert!(!p.message.contains(SECRET));
                        }
                    }
                    Err(e) => {
                        prop_assert!(!e.to_string().contains(SECRET));
                        if !parses {
                            prop_assert!(
                                e.detail().is_some_and(|d| d.starts_with("line ")),
                                "import of invalid YAML without a position: {} / {:?}",
                                e,
                                e.detail()
                            );
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

// ---- strategies ---------------------------------------------------------------------------

fn byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        any::<u8>(),
        prop::sample::select(b":-[]{}&*!|>#%@`'\"\n\t ,?~\\".to_vec()),
    ]
}

fn flips() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec((any::<Index>(), byte()), 1..8).prop_map(|edits| {
        let mut b = BASE.as_bytes().to_vec();
        for (i, v) in edits {
            let at = i.index(b.len());
            b[at] = v;
        }
        b
    })
}

fn truncations() -> impl Strategy<Value = Vec<u8>> {
    any::<Index>().prop_map(|i| BASE.as_bytes()[..i.index(BASE.len() + 1)].to_vec())
}

fn splices() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec((any::<Index>(), prop::sample::select(FRAGMENTS)), 1..5).prop_map(
        |edits| {
            let mut b = BASE.as_bytes().to_vec();
            for (i, frag) in edits {
                let at = i.index(b.len() + 1);
                b.splice(at..at, frag.bytes());
            }
            b
        },
    )
}

/// Deletes, duplicates, re-indents or swaps whole lines.
fn line_edits() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec((any::<Index>(), any::<Index>(), 0u8..4), 1..5).prop_map(|edits| {
        let mut lines: Vec<String> = BASE.lines().map(str::to_string).collect();
        for (i, j, op) in edits {
            if lines.is_empty() {
                break;
            }
            let a = i.index(lines.len());
            let b = j.index(lines.len());
            match op {
                0 => {
                    lines.remove(a);
                }
                1 => {
                    let l = lines[a].clone();
                    lines.insert(b, l);
                }
                2 => lines[a] = format!("  {}", lines[a]),
                _ => lines.swap(a, b),
            }
        }
        let mut s = lines.join("\n");
        s.push('\n');
        s.into_bytes()
    })
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "name",
            "cluster",
            "user",
            "context",
            "server",
            "token",
            "tokenFile",
            "exec",
            "command",
            "args",
            "env",
            "clusters",
            "users",
            "contexts",
            "current-context",
            "namespace",
            "certificate-authority",
            "certificate-authority-data",
            "client-certificate",
            "client-key-data",
            "auth-provider",
            "extensions",
            "extension",
            "apiVersion",
            "kind",
            "preferences",
            "username",
            "password",
            "insecure-skip-tls-verify",
            "proxy-url",
            "interactiveMode",
        ])
        .prop_map(str::to_string),
        "[a-zA-Z0-9_.: -]{0,10}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[ -~]{0,16}".prop_map(Value::String),
        prop::sample::select(vec![
            "fz-cluster",
            "fz-token",
            "fz-admin",
            "",
            "https://x",
            "./rel/path",
            "~",
            "null",
            "yes",
            "0x10",
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn render(v: &Value, yaml: bool) -> Vec<u8> {
    if yaml {
        serde_saphyr::to_string(v).unwrap_or_default().into_bytes()
    } else {
        serde_json::to_vec(v).unwrap()
    }
}

fn random_documents() -> impl Strategy<Value = Vec<u8>> {
    (json_value(), any::<bool>()).prop_map(|(v, yaml)| render(&v, yaml))
}

fn wrong_types() -> impl Strategy<Value = Vec<u8>> {
    (prop::sample::select(FIELDS), json_value(), any::<bool>()).prop_map(|(field, v, yaml)| {
        let mut doc: Value = serde_saphyr::from_str(BASE).unwrap();
        if field.is_empty() {
            doc = v;
        } else if let Some(slot) = doc.pointer_mut(field) {
            *slot = v;
        }
        render(&doc, yaml)
    })
}

fn nested(depth: usize, kind: u8) -> Vec<u8> {
    match kind {
        // flow sequences
        0 => format!("clusters: {}{}\n", "[".repeat(depth), "]".repeat(depth)),
        // flow mappings
        1 => format!(
            "users:\n- name: u\n  user: {}x: 1{}\n",
            "{a: ".repeat(depth),
            "}".repeat(depth + 1)
        ),
        // block sequences on one line
        2 => format!("contexts:\n{}x\n", "- ".repeat(depth)),
        // block mappings by indentation
        _ => {
            let mut s = String::from("preferences:\n");
            for d in 0..depth.min(400) {
                s.push_str(&"  ".repeat(d + 1));
                s.push_str("k:\n");
            }
            s
        }
    }
    .into_bytes()
}

/// A billion-laughs style document: `levels` anchors, each aliasing the previous ten times.
fn alias_bomb(levels: usize) -> Vec<u8> {
    let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for l in 1..levels {
        let prev = format!("*a{}", l - 1);
        let items = [prev.as_str(); 10].join(", ");
        s.push_str(&format!("a{l}: &a{l} [{items}]\n"));
    }
    s.push_str(&format!(
        "contexts:\n- name: bomb\n  context: {{cluster: *a{}}}\n",
        levels - 1
    ));
    s.into_bytes()
}

fn many_entries(n: usize) -> Vec<u8> {
    let mut s = String::from("clusters:\n- name: c\n  cluster: {server: https://c}\ncontexts:\n");
    for i in 0..n {
        s.push_str(&format!("- name: ctx{i}\n  context: {{cluster: c}}\n"));
    }
    s.into_bytes()
}

fn long_value(len: usize, quoted: bool) -> Vec<u8> {
    let v = "t".repeat(len);
    let token = if quoted { format!("\"{v}\"") } else { v };
    format!("users:\n- name: u\n  user:\n    token: {token}\n").into_bytes()
}

fn huge() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        (1usize..3000, 0u8..4).prop_map(|(d, k)| nested(d, k)),
        (1usize..7).prop_map(alias_bomb),
        (1usize..1000).prop_map(many_entries),
        (1usize..300_000, any::<bool>()).prop_map(|(n, q)| long_value(n, q)),
    ]
}

fn inputs() -> impl Strategy<Value = (Vec<u8>, bool)> {
    (
        prop_oneof![
            4 => flips(),
            2 => truncations(),
            4 => splices(),
            2 => line_edits(),
            3 => random_documents(),
            4 => wrong_types(),
            1 => huge(),
        ],
        any::<bool>(),
    )
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn cases() -> u32 {
    env_or("ORDINAL_FUZZ_CASES", 1500) as u32
}

/// Wall-clock budget of the random run: cases past it are skipped (not counted).
fn budget() -> Duration {
    Duration::from_secs(env_or("ORDINAL_FUZZ_SECS", 20))
}

#[test]
fn fuzzed_kubeconfigs_never_panic_and_are_reported_by_file_and_position() {
    let bench = Bench::new();
    // The unmodified base loads without a YAML problem (the oracle's baseline).
    bench.check(BASE.as_bytes(), true).unwrap();
    let started = Instant::now();
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let executions = AtomicUsize::new(0);
    let deadline = started + budget();
    let res = runner.run(&inputs(), |(bytes, fuzz_first)| {
        if Instant::now() > deadline {
            return Ok(());
        }
        executions.fetch_add(1, Ordering::Relaxed);
        bench.check(&bytes, fuzz_first)
    });
    let took = started.elapsed();
    eprintln!(
        "kubeconfig fuzz: {} executions (of {} cases, budget {:?}) in {took:?}; {:?}",
        executions.load(Ordering::Relaxed),
        cases(),
        budget(),
        outcomes().lock().unwrap()
    );
    if let Err(e) = res {
        panic!("{e}");
    }
}

/// The extremes, every run: deep nesting far past any parser limit, huge scalars, many
/// entries, an alias bomb, and degenerate documents.
#[test]
fn extreme_kubeconfigs_are_reported_not_fatal() {
    let bench = Bench::new();
    let started = Instant::now();
    let mut inputs: Vec<(String, Vec<u8>)> = Vec::new();
    for depth in [64, 65, 1_000, 100_000] {
        for kind in 0..4 {
            inputs.push((
                format!("nested kind {kind} depth {depth}"),
                nested(depth, kind),
            ));
        }
    }
    inputs.push(("alias bomb".into(), alias_bomb(10)));
    inputs.push(("20,000 contexts".into(), many_entries(20_000)));
    inputs.push(("4 MB token".into(), long_value(4 << 20, false)));
    inputs.push(("4 MB quoted token".into(), long_value(4 << 20, true)));
    inputs.push((
        "many documents".into(),
        "---\nkind: Config\n".repeat(5_000).into_bytes(),
    ));
    for (name, text) in [
        ("empty", ""),
        ("BOM", "\u{feff}"),
        ("comment", "# nothing\n"),
        ("null", "~\n"),
        ("list", "[]\n"),
        ("number", "42\n"),
        ("string", "just text\n"),
        ("NULs", "\0\0\0"),
        ("two documents", "---\nkind: Config\n---\nkind: Config\n"),
        ("tab indentation", "clusters:\n\t- name: x\n"),
        ("unknown tag", "clusters: !!python/object:os.system [x]\n"),
        ("bad escape", "current-context: \"\\uZZZZ\"\n"),
        ("duplicate keys", "kind: Config\nkind: Config\n"),
        ("merge of a scalar", "a: &a 1\nclusters:\n- <<: *a\n"),
    ] {
        inputs.push((name.into(), text.as_bytes().to_vec()));
    }
    inputs.push(("invalid UTF-8".into(), b"kind: Config\xff\xfe\n".to_vec()));
    for (name, bytes) in &inputs {
        for first in [true, false] {
            let t = Instant::now();
            if let Err(e) = bench.check(bytes, first) {
                panic!("{name} ({} bytes): {e}", bytes.len());
            }
            let took = t.elapsed();
            if first && took.as_millis() > 200 {
                eprintln!("  {name}: {} bytes in {took:?}", bytes.len());
            }
        }
    }
    eprintln!(
        "extreme kubeconfigs: {} inputs in {:?}",
        inputs.len(),
        started.elapsed()
    );
}

/// Found by the fuzz run: when an entry has the wrong type, the problem message quoted the value
/// (serde's "invalid type: string \"…\"" / "integer `…`"), so a mangled `token:` line or a
/// numeric password ended up in the message shown in the UI and written to the log.
#[test]
fn a_mistyped_entry_never_echoes_its_value_in_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        // `token:` mistyped as `token-`: the user body becomes one string
        "users:\n- name: u\n  user:\n    token- fz-secret-token-3c9e\n",
        // the body quoted as a whole
        "users:\n- name: u\n  user: \"token: fz-secret-token-3c9e\"\n",
        // a numeric password is an integer to YAML
        "users:\n- name: u\n  user: {username: admin, password: 31415926535}\n",
    ];
    let mut leaks = Vec::new();
    for (i, text) in cases.iter().enumerate() {
        let path = dir.path().join(format!("k{i}"));
        std::fs::write(&path, text).unwrap();
        let loaded = load(&Sources {
            kubeconfig_env: Some(path.clone().into_os_string()),
            home: None,
            managed_dir: None,
        });
        let p = loaded
            .problems
            .iter()
            .find(|p| p.message.contains("user \"u\""))
            .unwrap_or_else(|| panic!("case {i}: the bad user is reported: {:?}", loaded.problems));
        assert!(p.line.is_some(), "case {i}: {p:?}");
        if p.message.contains(SECRET) || p.message.contains("31415926535") {
            leaks.push(format!("case {i}: {:?}", p.message));
        }
    }
    assert!(
        leaks.is_empty(),
        "problems quote the secret:\n{}",
        leaks.join("\n")
    );
}
