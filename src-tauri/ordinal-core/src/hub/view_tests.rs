use std::cmp::Ordering;
use std::sync::Arc;

use super::*;
use crate::kinds::detail::{Finding, Severity};

/// A StatefulSet-like row: `ready` sorts the status column, `labels` are chips.
fn row(ns: &str, name: &str, ready: f64, labels: &[&str]) -> Arc<Row> {
    Arc::new(Row {
        key: format!("{ns}/{name}"),
        namespace: Some(ns.into()),
        name: name.into(),
        uid: String::new(),
        resource_version: String::new(),
        cells: [
            (
                "labels",
                Cell::Chips {
                    v: labels.iter().map(|l| l.to_string()).collect(),
                },
            ),
            ("service", Cell::mono(format!("{name}-hl"))),
        ]
        .into_iter()
        .collect(),
        sort: [("status", SortKey::Num(ready))].into_iter().collect(),
        facts: Default::default(),
    })
}

fn doctor(key: &str, severities: &[Severity]) -> Arc<Row> {
    let (ns, name) = key.split_once('/').unwrap();
    let findings = severities
        .iter()
        .map(|s| Finding {
            severity: *s,
            key: "doctor.test".into(),
            params: Default::default(),
        })
        .collect();
    Arc::new(Row {
        key: key.into(),
        namespace: Some(ns.into()),
        name: name.into(),
        uid: String::new(),
        resource_version: String::new(),
        cells: [("doctor", Cell::Findings { v: findings })]
            .into_iter()
            .collect(),
        sort: Default::default(),
        facts: Default::default(),
    })
}

fn order(column: Option<(&str, SortDir)>, query: &str, selector: Vec<Requirement>) -> ListOrder {
    ListOrder {
        sort: column.map(|(c, dir)| SortBy {
            column: c.into(),
            dir,
        }),
        query: query.into(),
        selector,
    }
}

fn names(view: &ListView) -> Vec<String> {
    view.window(0, usize::MAX)
        .iter()
        .map(|r| r.name.clone())
        .collect()
}

fn reset(rows: Vec<Arc<Row>>) -> RowsEvent {
    RowsEvent::Reset { rows }
}

fn delta(upserts: Vec<Arc<Row>>, deletes: &[&str]) -> RowsEvent {
    RowsEvent::Delta {
        upserts,
        deletes: deletes.iter().map(|d| d.to_string()).collect(),
    }
}

#[test]
fn natural_order_counts_ordinals_and_ignores_case() {
    let mut names = vec![
        "web-10",
        "web-2",
        "web-1",
        "web-0",
        "Web",
        "web",
        "app-00020",
        "app-3",
    ];
    names.sort_by(|a, b| natural_cmp(a, b));
    assert_eq!(
        names,
        [
            "app-3",
            "app-00020",
            "Web",
            "web",
            "web-0",
            "web-1",
            "web-2",
            "web-10"
        ]
    );
    assert_eq!(natural_cmp("Web", "web"), Ordering::Equal);
    assert_eq!(natural_cmp("kafka", "Kafka-a"), Ordering::Less);
    assert_eq!(natural_cmp("pg-01", "pg-1a"), Ordering::Less);
}

#[test]
fn sorts_by_a_column_then_by_key_and_reverses_only_the_column() {
    let rows = vec![
        row("db", "pg-10", 1.0, &[]),
        row("db", "pg-2", 0.5, &[]),
        row("cache", "redis", 1.0, &[]),
        row("db", "pg-1", 0.5, &[]),
    ];
    let mut view = ListView::new(ListOrder::default(), None);
    view.apply(&reset(rows));
    // no sort: by key, in natural order
    assert_eq!(names(&view), ["redis", "pg-1", "pg-2", "pg-10"]);
    view.set_order(order(Some(("name", SortDir::Asc)), "", vec![]));
    assert_eq!(names(&view), ["pg-1", "pg-2", "pg-10", "redis"]);
    view.set_order(order(Some(("status", SortDir::Desc)), "", vec![]));
    // ties stay in key order in both directions (as the UI's sortRows)
    assert_eq!(names(&view), ["redis", "pg-10", "pg-1", "pg-2"]);
    // a column without sort values sorts by its cells' text
    view.set_order(order(Some(("service", SortDir::Asc)), "", vec![]));
    assert_eq!(names(&view), ["pg-1", "pg-2", "pg-10", "redis"]);
}

#[test]
fn filters_by_name_and_label_selector() {
    let rows = vec![
        row("db", "pgsql", 1.0, &["app=pg", "tier=db"]),
        row("db", "pgbouncer", 1.0, &["app=pgb"]),
        row(
            "cache",
            "redis",
            1.0,
            &["app=redis", "tier=cache", "canary"],
        ),
    ];
    let mut view = ListView::new(order(Some(("name", SortDir::Asc)), "  PG ", vec![]), None);
    view.apply(&reset(rows));
    assert_eq!(names(&view), ["pgbouncer", "pgsql"]);
    assert_eq!((view.total(), view.count()), (2, 3));

    let sel = |s: Vec<Requirement>| order(Some(("name", SortDir::Asc)), "", s);
    let key = |k: &str| k.to_string();
    view.set_order(sel(vec![Requirement::Eq {
        key: key("tier"),
        value: key("db"),
    }]));
    assert_eq!(names(&view), ["pgsql"]);
    view.set_order(sel(vec![Requirement::Neq {
        key: key("tier"),
        value: key("db"),
    }]));
    assert_eq!(names(&view), ["pgbouncer", "redis"]);
    view.set_order(sel(vec![Requirement::In {
        key: key("app"),
        values: vec![key("pg"), key("redis")],
    }]));
    assert_eq!(names(&view), ["pgsql", "redis"]);
    view.set_order(sel(vec![Requirement::Notin {
        key: key("tier"),
        values: vec![key("db")],
    }]));
    assert_eq!(names(&view), ["pgbouncer", "redis"]);
    view.set_order(sel(vec![Requirement::Exists { key: key("canary") }]));
    assert_eq!(names(&view), ["redis"]);
    view.set_order(sel(vec![
        Requirement::Notexists { key: key("tier") },
        Requirement::Exists { key: key("app") },
    ]));
    assert_eq!(names(&view), ["pgbouncer"]);
}

#[test]
fn a_delta_moves_adds_and_removes_only_the_rows_it_names() {
    let mut view = ListView::new(order(Some(("status", SortDir::Asc)), "", vec![]), None);
    view.apply(&reset(vec![
        row("db", "a", 0.2, &[]),
        row("db", "b", 0.5, &[]),
        row("db", "c", 0.8, &[]),
    ]));
    assert_eq!(names(&view), ["a", "b", "c"]);
    // a becomes ready: it moves to the end; d arrives in the middle; b is deleted
    view.apply(&delta(
        vec![row("db", "a", 1.0, &[]), row("db", "d", 0.6, &[])],
        &["db/b"],
    ));
    assert_eq!(names(&view), ["d", "c", "a"]);
    assert_eq!(view.index_of("db/a"), Some(2));
    assert_eq!(view.index_of("db/b"), None);
    assert_eq!(view.count(), 3);
    // the window is a slice of the order, shorter at its end
    let w: Vec<_> = view.window(1, 10).iter().map(|r| r.name.as_str()).collect();
    assert_eq!(w, ["c", "a"]);
    assert!(view.window(5, 10).is_empty());
    // a row the filter hides is kept (it shows when the filter goes) but not shown
    view.set_order(order(Some(("status", SortDir::Asc)), "a", vec![]));
    view.apply(&delta(vec![row("db", "e", 0.1, &[])], &[]));
    assert_eq!(names(&view), ["a"]);
    view.set_order(order(Some(("status", SortDir::Asc)), "", vec![]));
    assert_eq!(names(&view), ["e", "d", "c", "a"]);
    assert_eq!(
        view.keys().collect::<Vec<_>>(),
        ["db/e", "db/d", "db/c", "db/a"]
    );
}

#[test]
fn the_joined_column_sorts_worst_first_and_its_changes_move_rows() {
    let mut view = ListView::new(
        order(Some(("doctor", SortDir::Asc)), "", vec![]),
        Some("doctor"),
    );
    view.apply(&reset(vec![
        row("db", "a", 1.0, &[]),
        row("db", "b", 1.0, &[]),
        row("db", "c", 1.0, &[]),
    ]));
    assert!(!view.joined_loaded());
    assert_eq!(view.joined_cell("db/a"), None);
    view.apply_joined(&reset(vec![
        doctor("db/a", &[]),
        doctor("db/b", &[Severity::Warning]),
        doctor("db/c", &[Severity::Info, Severity::Info]),
    ]));
    assert!(view.joined_loaded());
    assert_eq!(names(&view), ["b", "c", "a"]);
    assert!(matches!(view.joined_cell("db/b"), Some(Cell::Findings { v }) if v.len() == 1));
    // a's error puts it first; b is fixed and goes last (ties by key)
    view.apply_joined(&delta(
        vec![doctor("db/a", &[Severity::Error]), doctor("db/b", &[])],
        &[],
    ));
    assert_eq!(names(&view), ["a", "c", "b"]);
    // a row the doctor has not judged ranks as no findings
    view.apply(&delta(vec![row("db", "0", 1.0, &[])], &[]));
    assert_eq!(names(&view), ["a", "c", "0", "b"]);
}

/// A small deterministic generator (no dependency): xorshift.
struct Rng(u64);
impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// The order from scratch: every row filtered and sorted again.
fn from_scratch(view: &ListView) -> Vec<String> {
    let mut fresh = ListView::new(view.order().clone(), Some("doctor"));
    let all: Vec<Arc<Row>> = view.rows.iter().map(|r| r.0.clone()).collect();
    let joined: Vec<Arc<Row>> = view.joined.iter().map(|r| r.0.clone()).collect();
    fresh.apply(&reset(all));
    fresh.apply_joined(&reset(joined));
    fresh.keys().map(str::to_string).collect()
}

#[test]
fn any_sequence_of_deltas_gives_the_order_a_fresh_sort_gives() {
    let orders = [
        order(Some(("status", SortDir::Asc)), "", vec![]),
        order(Some(("doctor", SortDir::Desc)), "1", vec![]),
        order(
            Some(("name", SortDir::Desc)),
            "",
            vec![Requirement::In {
                key: "app".into(),
                values: vec!["x".into(), "y".into()],
            }],
        ),
        order(None, "", vec![]),
    ];
    let severities = [Severity::Info, Severity::Warning, Severity::Error];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for o in orders {
        let mut view = ListView::new(o, Some("doctor"));
        let mk = |rng: &mut Rng, i: u64| {
            let app = ["x", "y", "z"][rng.next(3) as usize];
            row(
                &format!("ns-{}", i % 3),
                &format!("set-{i}"),
                rng.next(5) as f64 / 4.0,
                &[&format!("app={app}")],
            )
        };
        let initial: Vec<Arc<Row>> = (0..60).map(|i| mk(&mut rng, i)).collect();
        view.apply(&reset(initial));
        view.apply_joined(&reset(Vec::new()));
        for _ in 0..300 {
            let i = rng.next(80);
            let key = format!("ns-{}/set-{i}", i % 3);
            match rng.next(4) {
                0 => {
                    view.apply(&delta(vec![], &[&key]));
                }
                1 => {
                    let s: Vec<Severity> = (0..rng.next(3))
                        .map(|_| severities[rng.next(3) as usize])
                        .collect();
                    view.apply_joined(&delta(vec![doctor(&key, &s)], &[]));
                }
                _ => {
                    let r = mk(&mut rng, i);
                    view.apply(&delta(vec![r], &[]));
                }
            }
            let got: Vec<String> = view.keys().map(str::to_string).collect();
            assert_eq!(got, from_scratch(&view), "after an event on {key}");
        }
    }
}
