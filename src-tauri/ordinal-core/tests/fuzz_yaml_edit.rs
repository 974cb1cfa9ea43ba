//! Bad input (issue #7): the YAML editor's parse/validate path (`edit::validate`, `edit::diff`)
//! fuzzed with a bounded proptest run. Inputs are a StatefulSet as the editor shows it, mutated
//! (byte flips, truncations, spliced YAML syntax, retargeted or wrong-typed fields) and random
//! documents. Asserted for every input:
//!
//! - no panic;
//! - text that is not valid YAML is refused with one problem at the parser's line and column
//!   (the editor marks that line);
//! - valid YAML is accepted exactly when it is one mapping that still addresses the edited object
//!   (apiVersion, kind, name, namespace); otherwise each changed field is named;
//! - the diff against the original counts the lines it marks as added and removed.
//!
//! `ORDINAL_FUZZ_CASES` changes the number of random cases (default 5000).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use k8s_openapi::api::apps::v1::StatefulSet;
use kube::api::ApiResource;
use ordinal_core::edit::{self, EditTarget};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;

const BASE: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: pg
  namespace: db
  labels:
    app: pg
    pipeline: nightly
  annotations:
    note: \"multiline\\nbaseline\"
  resourceVersion: \"123\"
spec:
  replicas: 3
  serviceName: pg
  selector:
    matchLabels:
      app: pg
  template:
    metadata:
      labels:
        app: pg
    spec:
      containers:
      - name: main
        image: postgres:16
        args: [\"-c\", \"max_connections=100\"]
        env:
        - name: PGDATA
          value: /var/lib/postgresql/data
";

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
    "!!binary ",
    "? ",
    "---\n",
    "\t",
    "'",
    "\"",
    "|\n",
    ">-\n",
    "# line 1 column 1",
    "@",
    "`",
    "\u{feff}",
    "\0",
    "~",
    "  ",
    "\r\n",
    "line",
    "column",
    "😀",
];

static INVALID: AtomicUsize = AtomicUsize::new(0);
static ACCEPTED: AtomicUsize = AtomicUsize::new(0);
static REFUSED: AtomicUsize = AtomicUsize::new(0);

fn target() -> EditTarget {
    EditTarget {
        context: "ctx".into(),
        kind: "statefulsets".into(),
        namespace: "db".into(),
        name: "pg".into(),
    }
}

/// One execution: validate and diff, then the assertions.
fn check(ar: &ApiResource, text: &str) -> Result<(), TestCaseError> {
    let res = edit::validate(text, ar, &target());
    let (lines, added, removed) = edit::diff(BASE, text);
    prop_assert_eq!(
        added as usize,
        lines.iter().filter(|l| l.kind == "add").count()
    );
    prop_assert_eq!(
        removed as usize,
        lines.iter().filter(|l| l.kind == "remove").count()
    );
    match serde_saphyr::from_str::<Value>(text) {
        Err(e) => {
            INVALID.fetch_add(1, Ordering::Relaxed);
            let problems = res
                .err()
                .ok_or_else(|| TestCaseError::fail("invalid YAML accepted"))?;
            prop_assert_eq!(problems.len(), 1, "{:?}", problems);
            let p = &problems[0];
            let loc = e.location();
            prop_assert!(
                p.line.is_some() && p.column.is_some(),
                "a syntax error without line/column: {:?} (parser: {:?})",
                p,
                loc.map(|l| (l.line(), l.column()))
            );
            if let Some(l) = loc.filter(|l| l.line() > 0) {
                prop_assert_eq!(
                    (p.line, p.column),
                    (Some(l.line() as u32), Some(l.column() as u32)),
                    "the editor would mark another place than the parser's: {:?}",
                    p
                );
            }
        }
        Ok(v) => {
            let same = v.is_object()
                && v["apiVersion"] == "apps/v1"
                && v["kind"] == "StatefulSet"
                && v["metadata"]["name"] == "pg"
                && v["metadata"]["namespace"] == "db";
            match res {
                Ok(parsed) => {
                    ACCEPTED.fetch_add(1, Ordering::Relaxed);
                    prop_assert!(same, "an edit addressing another object was accepted");
                    prop_assert_eq!(parsed, v);
                }
                Err(problems) => {
                    REFUSED.fetch_add(1, Ordering::Relaxed);
                    prop_assert!(!same, "a valid edit was refused: {:?}", problems);
                    prop_assert!(!problems.is_empty());
                    if v.is_object() {
                        for (field, now) in [
                            ("apiVersion", &v["apiVersion"]),
                            ("kind", &v["kind"]),
                            ("metadata.name", &v["metadata"]["name"]),
                            ("metadata.namespace", &v["metadata"]["namespace"]),
                        ] {
                            let was = match field {
                                "apiVersion" => "apps/v1",
                                "kind" => "StatefulSet",
                                "metadata.name" => "pg",
                                _ => "db",
                            };
                            if now != was {
                                prop_assert!(
                                    problems.iter().any(|p| p.field.as_deref() == Some(field)),
                                    "{} changed but not named: {:?}",
                                    field,
                                    problems
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

fn mutated() -> impl Strategy<Value = String> {
    let flips = prop::collection::vec((any::<Index>(), any::<char>()), 1..6).prop_map(|edits| {
        let mut chars: Vec<char> = BASE.chars().collect();
        for (i, c) in edits {
            let at = i.index(chars.len());
            chars[at] = c;
        }
        chars.into_iter().collect()
    });
    let truncations = any::<Index>().prop_map(|i| {
        let chars: Vec<char> = BASE.chars().collect();
        chars[..i.index(chars.len() + 1)].iter().collect()
    });
    let splices = prop::collection::vec((any::<Index>(), prop::sample::select(FRAGMENTS)), 1..5)
        .prop_map(|edits| {
            let mut s = BASE.to_string();
            for (i, frag) in edits {
                let bounds: Vec<usize> =
                    s.char_indices().map(|(b, _)| b).chain([s.len()]).collect();
                let at = bounds[i.index(bounds.len())];
                s.insert_str(at, frag);
            }
            s
        });
    let fields = (
        prop::sample::select(vec![
            "/apiVersion",
            "/kind",
            "/metadata",
            "/metadata/name",
            "/metadata/namespace",
            "/metadata/labels",
            "/spec",
            "/spec/replicas",
            "/spec/template/spec/containers",
        ]),
        prop_oneof![
            Just(Value::Null),
            any::<i64>().prop_map(Value::from),
            "[a-z0-9-]{0,8}".prop_map(Value::from),
            Just(serde_json::json!([1, {"a": []}])),
            Just(serde_json::json!({"name": "pg"})),
        ],
    )
        .prop_map(|(field, value)| {
            let mut doc: Value = serde_saphyr::from_str(BASE).unwrap();
            if let Some(slot) = doc.pointer_mut(field) {
                *slot = value;
            }
            serde_saphyr::to_string(&doc).unwrap()
        });
    let documents = prop_oneof![
        Just(String::new()),
        "[ -~\n]{0,200}",
        prop::collection::vec("[a-z]{1,6}: [a-z0-9]{0,6}", 0..8).prop_map(|l| l.join("\n")),
    ];
    prop_oneof![
        4 => flips,
        2 => truncations,
        4 => splices,
        3 => fields,
        2 => documents,
    ]
}

#[test]
fn fuzzed_edits_never_panic_and_syntax_errors_point_at_the_parsers_place() {
    let ar = ApiResource::erase::<StatefulSet>(&());
    check(&ar, BASE).unwrap();
    let cases = std::env::var("ORDINAL_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000);
    let executions = AtomicUsize::new(0);
    let started = Instant::now();
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let res = runner.run(&mutated(), |text| {
        executions.fetch_add(1, Ordering::Relaxed);
        check(&ar, &text)
    });
    eprintln!(
        "YAML editor fuzz: {} executions ({cases} cases) in {:?}: {} invalid YAML, {} accepted, \
         {} refused (another object or not a mapping)",
        executions.load(Ordering::Relaxed),
        started.elapsed(),
        INVALID.load(Ordering::Relaxed),
        ACCEPTED.load(Ordering::Relaxed),
        REFUSED.load(Ordering::Relaxed),
    );
    if let Err(e) = res {
        panic!("{e}");
    }
}
