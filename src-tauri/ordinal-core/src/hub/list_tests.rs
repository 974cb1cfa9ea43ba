use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::mpsc;

use super::*;
use crate::hub::view::{SortBy, SortDir};
use crate::kinds::detail::{Finding, Severity};
use crate::kinds::SortKey;

fn row(ns: &str, name: &str, version: u32) -> Arc<Row> {
    Arc::new(Row {
        key: format!("{ns}/{name}"),
        namespace: Some(ns.into()),
        name: name.into(),
        uid: String::new(),
        resource_version: version.to_string(),
        cells: Default::default(),
        sort: [("version", SortKey::Num(version as f64))]
            .into_iter()
            .collect(),
        facts: Default::default(),
    })
}

fn rows(n: usize) -> Vec<Arc<Row>> {
    (0..n)
        .map(|i| row(&format!("ns-{}", i % 2), &format!("set-{i}"), 1))
        .collect()
}

fn by_name() -> ListOrder {
    ListOrder {
        sort: Some(SortBy {
            column: "name".into(),
            dir: SortDir::Asc,
        }),
        ..Default::default()
    }
}

struct Fixture {
    feed: mpsc::UnboundedSender<RowsEvent>,
    joined: mpsc::UnboundedSender<RowsEvent>,
    opened: Arc<AtomicBool>,
    handle: ListHandle,
    events: BoxStream<'static, ListEvent>,
}

fn open(window: ListWindow) -> Fixture {
    let (feed, rx) = mpsc::unbounded_channel();
    let (joined, jrx) = mpsc::unbounded_channel::<RowsEvent>();
    let opened = Arc::new(AtomicBool::new(false));
    let flag = opened.clone();
    let rows =
        futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|e| (e, rx)) });
    let jrows = futures::stream::unfold(
        jrx,
        |mut rx| async move { rx.recv().await.map(|e| (e, rx)) },
    );
    let opener: JoinedOpener = Box::new(move || {
        flag.store(true, Ordering::SeqCst);
        Ok(jrows.boxed())
    });
    let (handle, events) = list(
        rows.boxed(),
        Some("doctor"),
        Some(opener),
        by_name(),
        window,
    );
    Fixture {
        feed,
        joined,
        opened,
        handle,
        events,
    }
}

async fn next(f: &mut Fixture) -> ListEvent {
    tokio::time::timeout(Duration::from_secs(5), f.events.next())
        .await
        .expect("an event within 5 s")
        .expect("the stream goes on")
}

async fn page(f: &mut Fixture) -> ListPage {
    match next(f).await {
        ListEvent::Page(p) => p,
        other => panic!("expected a page, got {other:?}"),
    }
}

/// Nothing is sent for a while (a change nobody sees).
async fn quiet(f: &mut Fixture) {
    let got = tokio::time::timeout(Duration::from_millis(150), f.events.next()).await;
    assert!(got.is_err(), "expected nothing, got {got:?}");
}

fn names(p: &ListPage) -> Vec<&str> {
    p.rows.iter().map(|r| r.name.as_str()).collect()
}

#[tokio::test]
async fn sends_the_window_only_and_the_joined_column_after_the_complete_list() {
    let mut f = open(ListWindow { offset: 0, len: 3 });
    f.feed.send(RowsEvent::Preview { rows: rows(4) }).unwrap();
    let p = page(&mut f).await;
    assert_eq!(names(&p), ["set-0", "set-1", "set-2"]);
    assert_eq!((p.total, p.count, p.complete), (4, 4, false));
    assert_eq!(
        p.namespaces.as_deref(),
        Some(&["ns-0".to_string(), "ns-1".to_string()][..])
    );
    assert!(
        !f.opened.load(Ordering::SeqCst),
        "the doctor waits for the complete list"
    );

    f.feed.send(RowsEvent::Reset { rows: rows(12) }).unwrap();
    let p = page(&mut f).await;
    assert_eq!((p.total, p.count, p.complete), (12, 12, true));
    assert_eq!(p.rows.len(), 3);
    assert_eq!(p.namespaces, None, "the namespaces did not change");
    assert!(f.opened.load(Ordering::SeqCst));
    assert_eq!(p.joined, vec![None, None, None]);
    assert!(!p.joined_loaded);

    // the joined column answers: the window's cells come with it
    let findings = vec![Finding {
        severity: Severity::Warning,
        key: "doctor.test".into(),
        params: Default::default(),
    }];
    let mut dr = (*row("ns-1", "set-1", 1)).clone();
    dr.cells = [(
        "doctor",
        Cell::Findings {
            v: findings.clone(),
        },
    )]
    .into_iter()
    .collect();
    f.joined
        .send(RowsEvent::Reset {
            rows: vec![Arc::new(dr)],
        })
        .unwrap();
    // its complete answer is a live one
    assert!(matches!(
        next(&mut f).await,
        ListEvent::JoinedState {
            state: WatchState::Live
        }
    ));
    let p = page(&mut f).await;
    assert_eq!(p.joined[1], Some(Cell::Findings { v: findings }));
    assert!(p.joined_loaded);
    assert_eq!(p.joined[0], None);

    // a change outside the window (natural order: set-0, set-1, set-2, ..., set-10, set-11)
    // sends nothing; inside, the page
    f.feed
        .send(RowsEvent::Delta {
            upserts: vec![row("ns-0", "set-8", 2)],
            deletes: vec![],
        })
        .unwrap();
    quiet(&mut f).await;
    // set-2 changes in the window
    f.feed
        .send(RowsEvent::Delta {
            upserts: vec![row("ns-0", "set-2", 3)],
            deletes: vec![],
        })
        .unwrap();
    let p = page(&mut f).await;
    assert_eq!(p.rows[2].resource_version, "3");
}

#[tokio::test]
async fn the_handle_moves_the_window_reorders_and_answers_keys_and_rows() {
    let mut f = open(ListWindow { offset: 0, len: 2 });
    f.feed.send(RowsEvent::Reset { rows: rows(5) }).unwrap();
    assert_eq!(names(&page(&mut f).await), ["set-0", "set-1"]);

    assert!(f.handle.set_window(ListWindow { offset: 2, len: 2 }));
    let p = page(&mut f).await;
    assert_eq!((p.offset, names(&p)), (2, vec!["set-2", "set-3"]));

    // past the end the window slides back to stay full
    f.handle.set_window(ListWindow { offset: 4, len: 2 });
    let p = page(&mut f).await;
    assert_eq!((p.offset, names(&p)), (3, vec!["set-3", "set-4"]));

    // a filter: the total follows it, the count does not
    f.handle.set_order(ListOrder {
        query: "set-1".into(),
        ..by_name()
    });
    let p = page(&mut f).await;
    assert_eq!((p.total, p.count, p.offset), (1, 5, 0));
    assert_eq!(names(&p), ["set-1"]);
    assert_eq!(p.order.query, "set-1");

    f.handle.set_order(ListOrder {
        sort: Some(SortBy {
            column: "name".into(),
            dir: SortDir::Desc,
        }),
        ..Default::default()
    });
    let p = page(&mut f).await;
    assert_eq!(names(&p), ["set-1", "set-0"]);
    assert_eq!(
        f.handle.keys().await.unwrap().keys,
        [
            "ns-0/set-4",
            "ns-1/set-3",
            "ns-0/set-2",
            "ns-1/set-1",
            "ns-0/set-0"
        ]
    );
    let got = f
        .handle
        .rows(vec![
            "ns-0/set-4".into(),
            "ns-9/none".into(),
            "ns-1/set-1".into(),
        ])
        .await
        .unwrap();
    assert_eq!(
        got.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(),
        ["ns-0/set-4", "ns-1/set-1"]
    );

    // a row deleted from a namespace of its own: the namespaces are sent again
    f.feed
        .send(RowsEvent::Delta {
            upserts: vec![row("ns-7", "set-9", 1)],
            deletes: vec![],
        })
        .unwrap();
    let p = page(&mut f).await;
    assert_eq!(p.namespaces.as_ref().map(Vec::len), Some(3));
    // the stream ends when the watch's does
    drop(f.feed);
    let end = tokio::time::timeout(Duration::from_secs(5), f.events.next()).await;
    assert!(matches!(end, Ok(None)), "{end:?}");
}

#[tokio::test]
async fn a_joined_column_that_cannot_open_is_reported_and_the_list_goes_on() {
    let (feed, rx) = mpsc::unbounded_channel();
    let rows_stream =
        futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|e| (e, rx)) });
    let opener: JoinedOpener = Box::new(|| {
        Err(IpcError::new(
            crate::error::ErrorCode::Forbidden,
            "pods is forbidden",
        ))
    });
    let (_handle, mut events) = list(
        rows_stream.boxed(),
        Some("doctor"),
        Some(opener),
        ListOrder::default(),
        ListWindow { offset: 0, len: 10 },
    );
    feed.send(RowsEvent::State {
        state: WatchState::Live,
    })
    .unwrap();
    feed.send(RowsEvent::Reset { rows: rows(2) }).unwrap();
    let mut got = Vec::new();
    for _ in 0..3 {
        got.push(
            tokio::time::timeout(Duration::from_secs(5), events.next())
                .await
                .unwrap()
                .unwrap(),
        );
    }
    assert!(matches!(
        &got[0],
        ListEvent::State {
            state: WatchState::Live
        }
    ));
    assert!(
        matches!(&got[1], ListEvent::JoinedUnavailable { error } if error.message.contains("forbidden"))
    );
    assert!(matches!(&got[2], ListEvent::Page(p) if p.total == 2 && p.joined == vec![None, None]));
}
