//! The live StatefulSet detail: reflectors over the set, its pods, claims, Service, PDBs and
//! events; on any change (at most every 100 ms) the whole [`StatefulSetDetail`] is rebuilt from
//! the caches and sent if it differs. Pure building is in [`build`] (`build.rs`), testable
//! without a cluster.

use std::time::Duration;

use futures::{Stream, StreamExt};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Event, PersistentVolumeClaim, Pod, Service};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;

use crate::cluster::ServerFeatures;
use kube::runtime::{reflector, watcher, WatchStreamExt};
use kube::Api;
use tokio::sync::mpsc;

mod build;
pub use build::build;

use super::*;
use crate::error::{ErrorCode, IpcError};

const MAX_EVENTS: usize = 100;

/// How long a deleted set may take to come back (re-created) before its views end.
const REAPPEAR: Duration = Duration::from_secs(5);

/// The set in `store`. One that was `seen` and is gone now is waited for up to [`REAPPEAR`]
/// (Grow storage deletes the set, its pods and claims orphaned, and creates it again at once), with
/// `changes` drained meanwhile. `Err` when the view should stop: its receiver went away or the
/// watches ended. Shared by the detail and the Storage view.
pub(super) async fn current_or_returning<T, S>(
    store: &reflector::Store<StatefulSet>,
    seen: bool,
    changes: &mut S,
    tx: &mpsc::Sender<T>,
) -> Result<Option<StatefulSet>, ()>
where
    S: Stream + Unpin,
{
    let current = || store.state().into_iter().next().map(|s| (*s).clone());
    let mut sts = current();
    if sts.is_none() && seen {
        let deadline = tokio::time::Instant::now() + REAPPEAR;
        while sts.is_none() && tokio::time::Instant::now() < deadline {
            tokio::select! {
                _ = tx.closed() => return Err(()),
                next = changes.next() => if next.is_none() { return Err(()) },
                _ = tokio::time::sleep(Duration::from_millis(100)) => {}
            }
            sts = current();
        }
    }
    Ok(sts)
}

/// Everything the detail is built from.
#[derive(Default)]
pub struct Inputs {
    pub sts: Option<StatefulSet>,
    pub pods: Vec<Pod>,
    pub claims: Vec<PersistentVolumeClaim>,
    pub service: Option<Service>,
    pub pdbs: Vec<PodDisruptionBudget>,
    pub events: Vec<Event>,
    pub now: i64,
    /// What the server offers: fields it does not have are absent from the detail.
    pub features: ServerFeatures,
}

/// Streams the detail of one StatefulSet. Ends with an `Err(NotFound)` when it is deleted.
pub fn watch(
    client: kube::Client,
    features: ServerFeatures,
    context: String,
    namespace: String,
    name: String,
) -> impl Stream<Item = Result<StatefulSetDetail, IpcError>> + Send + 'static {
    let (tx, rx) = mpsc::channel(4);
    crate::task_stream::spawn_on_first_poll(rx, run(client, features, context, namespace, name, tx))
}

async fn run(
    client: kube::Client,
    features: ServerFeatures,
    context: String,
    ns: String,
    name: String,
    tx: mpsc::Sender<Result<StatefulSetDetail, IpcError>>,
) {
    let by_name = watcher::Config::default().fields(&format!("metadata.name={name}"));
    let (sts_r, sts_w) = reflector::store::<StatefulSet>();
    let (pod_r, pod_w) = reflector::store::<Pod>();
    let (pvc_r, pvc_w) = reflector::store::<PersistentVolumeClaim>();
    let (svc_r, svc_w) = reflector::store::<Service>();
    let (pdb_r, pdb_w) = reflector::store::<PodDisruptionBudget>();
    let (ev_r, ev_w) = reflector::store::<Event>();
    let api = |c: &kube::Client| c.clone();
    // Pods and claims of a StatefulSet are found by name (`<sts>-<ordinal>` / `<tpl>-<sts>-<ordinal>`),
    // not by selector, so a pod whose labels were edited still shows; the namespace watch is shared.
    let streams = vec![
        reflector(
            sts_w,
            watcher(Api::<StatefulSet>::namespaced(api(&client), &ns), by_name),
        )
        .default_backoff()
        .map(|_| ())
        .boxed(),
        reflector(
            pod_w,
            watcher(
                Api::<Pod>::namespaced(api(&client), &ns),
                Default::default(),
            ),
        )
        .default_backoff()
        .map(|_| ())
        .boxed(),
        reflector(
            pvc_w,
            watcher(
                Api::<PersistentVolumeClaim>::namespaced(api(&client), &ns),
                Default::default(),
            ),
        )
        .default_backoff()
        .map(|_| ())
        .boxed(),
        reflector(
            svc_w,
            watcher(
                Api::<Service>::namespaced(api(&client), &ns),
                Default::default(),
            ),
        )
        .default_backoff()
        .map(|_| ())
        .boxed(),
        reflector(
            pdb_w,
            super::pdb::watch_budgets(api(&client), Some(&ns), &features, Default::default()),
        )
        .default_backoff()
        .map(|_| ())
        .boxed(),
        reflector(
            ev_w,
            watcher(
                Api::<Event>::namespaced(api(&client), &ns),
                Default::default(),
            ),
        )
        .default_backoff()
        .map(|_| ())
        .boxed(),
    ];
    let mut changes = futures::stream::select_all(streams);
    let mut last: Option<StatefulSetDetail> = None;
    let mut seen = false;
    loop {
        tokio::select! {
            _ = tx.closed() => return,
            next = changes.next() => if next.is_none() { return },
        }
        // fold a burst of events into one rebuild
        let deadline = tokio::time::sleep(Duration::from_millis(100));
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                _ = &mut deadline => break,
                next = changes.next() => if next.is_none() { return },
            }
        }
        // the StatefulSet's own list must be complete before "absent" means "deleted"
        if futures::FutureExt::now_or_never(sts_r.wait_until_ready()).is_none() {
            continue;
        }
        let Ok(sts) = current_or_returning(&sts_r, seen, &mut changes, &tx).await else {
            return;
        };
        if sts.is_none() {
            let what = if seen {
                "no longer exists"
            } else {
                "does not exist"
            };
            let _ = tx
                .send(Err(IpcError::new(
                    ErrorCode::NotFound,
                    format!("statefulset {ns}/{name} {what}"),
                )))
                .await;
            return;
        }
        seen = true;
        let inputs = Inputs {
            sts,
            pods: pod_r.state().iter().map(|p| (**p).clone()).collect(),
            claims: pvc_r.state().iter().map(|p| (**p).clone()).collect(),
            service: None,
            pdbs: pdb_r.state().iter().map(|p| (**p).clone()).collect(),
            events: ev_r.state().iter().map(|p| (**p).clone()).collect(),
            now: k8s_openapi::jiff::Timestamp::now().as_second(),
            features: features.clone(),
        };
        let svc_name = inputs
            .sts
            .as_ref()
            .and_then(|s| s.spec.as_ref())
            .and_then(|s| s.service_name.clone())
            .unwrap_or_default();
        let inputs = Inputs {
            service: svc_r
                .state()
                .iter()
                .find(|s| s.metadata.name.as_deref() == Some(&svc_name))
                .map(|s| (**s).clone()),
            ..inputs
        };
        let Some(detail) = build(&context, &inputs) else {
            continue;
        };
        if last.as_ref() != Some(&detail) {
            last = Some(detail.clone());
            if tx.send(Ok(detail)).await.is_err() {
                return;
            }
        }
    }
}
