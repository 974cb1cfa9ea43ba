//! The physical floor of the initial sync (issue #20): the same paginated lists the hub reads
//! (StatefulSets and Pods, all namespaces, 2,000 per page, both kinds at once as the hub's two
//! watches run) fetched through kube's own client — the same TLS, HTTP/1.1 connection and body
//! collection (`Client::request_text`, the path `Api::list` and the watcher's list take) — and
//! decoded into `serde_json::Value`. Transfer + parse and nothing else: no typed objects, no
//! rows, no hub. Each page is dropped before the next is asked for, as the watcher does.

use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use kube::api::ListParams;
use kube::Resource;
use ordinal_core::cluster::kube_config_for;
use ordinal_core::kubeconfig::Loaded;

/// The hub's page size (`hub::watch::PAGE_SIZE`).
const PAGE: u32 = 2_000;

pub struct FloorRun {
    pub elapsed: Duration,
    /// Response bodies, bytes.
    pub bytes: usize,
    /// Objects decoded (StatefulSets + Pods).
    pub items: usize,
}

/// One floor sync: config and client from the kubeconfig (timed, as the hub's run is), then
/// every page of both kinds.
pub async fn floor_once(loaded: &Loaded, context: &str) -> FloorRun {
    let t = Instant::now();
    let cfg = kube_config_for(loaded, context).await.expect("kube config");
    let client = kube::Client::try_from(cfg).expect("client");
    let (a, b) = futures::join!(list_all::<StatefulSet>(&client), list_all::<Pod>(&client));
    FloorRun {
        elapsed: t.elapsed(),
        bytes: a.0 + b.0,
        items: a.1 + b.1,
    }
}

/// Every page of one kind, all namespaces: (bytes, items).
async fn list_all<K: Resource<DynamicType = ()>>(client: &kube::Client) -> (usize, usize) {
    let (mut bytes, mut items) = (0, 0);
    let mut cont: Option<String> = None;
    loop {
        let mut lp = ListParams::default().limit(PAGE);
        if let Some(c) = &cont {
            lp = lp.continue_token(c);
        }
        let req = kube::core::Request::new(K::url_path(&(), None))
            .list(&lp)
            .expect("list request");
        let text = client.request_text(req).await.expect("list page");
        bytes += text.len();
        let page: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        drop(text);
        items += page["items"].as_array().map_or(0, Vec::len);
        cont = page["metadata"]["continue"]
            .as_str()
            .filter(|c| !c.is_empty())
            .map(String::from);
        drop(page);
        if cont.is_none() {
            return (bytes, items);
        }
    }
}
