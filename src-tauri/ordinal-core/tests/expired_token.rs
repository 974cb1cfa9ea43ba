//! A token that expires mid-session: the watch reports Unauthorized (so the UI asks the user to
//! sign in again) instead of retrying as if the server were down; reconnecting with fresh
//! credentials brings the rows back. Simulator only (it can expire a token).

#[path = "cluster_harness.rs"]
mod harness;

use std::time::Duration;

use futures::StreamExt;
use harness::{TestCluster, SIM_VIEWER};
use ordinal_core::cluster::{ConnState, Protection};
use ordinal_core::hub::{RowsEvent, Scope, WatchState};
use ordinal_core::kinds::statefulset::StatefulSets;
use ordinal_core::ErrorCode;
use ordinal_sim::Seed;

#[tokio::test]
async fn an_expired_token_is_reported_as_unauthorized_within_two_seconds() {
    let c = TestCluster::start(Seed::Demo, Duration::from_millis(50)).await;
    let Some(sim) = c.sim.as_ref() else {
        harness::skipped("expired_token", "needs the simulator to expire a token");
        return;
    };
    let clusters = c.clusters().await;
    let st = clusters
        .connect(SIM_VIEWER, c.config(SIM_VIEWER).await, Protection::Normal)
        .await;
    assert_eq!(st.state, ConnState::Connected, "{st:?}");
    let hub = clusters.hub(SIM_VIEWER).unwrap();
    let mut rows = Box::pin(hub.subscribe::<StatefulSets>(Scope::namespace("default")));
    loop {
        if let RowsEvent::Reset { rows } = rows.next().await.unwrap() {
            assert!(!rows.is_empty());
            break;
        }
    }
    let faults = sim.faults();
    faults.expire_viewer_token();
    faults.drop_watches();
    let started = std::time::Instant::now();
    let code = tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            if let RowsEvent::State {
                state: WatchState::Reconnecting { error, .. },
            } = rows.next().await.unwrap()
            {
                return error.code;
            }
        }
    })
    .await
    .expect("a state change within 2 s");
    eprintln!("expired token -> {code:?} in {:?}", started.elapsed());
    assert_eq!(code, ErrorCode::Unauthorized);
}
