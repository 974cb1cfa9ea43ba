//! CPU and memory of a StatefulSet's pods from `metrics.k8s.io`, sampled only while someone
//! watches (the Metrics tab): the metrics API has no watch, so the stream reads it every
//! [`INTERVAL`] and stops when dropped. A cluster without metrics-server yields one sample with
//! `available: false` and a reason, then ends.

use std::time::Duration;

use futures::Stream;
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, ListParams};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// How often the metrics API is read while the tab is open (metrics-server's own resolution is
/// 15 s; faster reads return the same numbers).
pub const INTERVAL: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PodUsage {
    pub pod: String,
    pub ordinal: i32,
    /// Sum over containers, in millicores.
    pub cpu_millis: f64,
    /// Sum over containers, in bytes.
    pub memory_bytes: f64,
    /// The pod's requests and limits from the StatefulSet's template, summed over its
    /// containers; `None` when none is set (a limit: when any container has none).
    pub cpu_request_millis: Option<f64>,
    pub cpu_limit_millis: Option<f64>,
    pub memory_request_bytes: Option<f64>,
    pub memory_limit_bytes: Option<f64>,
}

/// A pod's requests and limits, as the template gives them to every ordinal.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Bounds {
    pub cpu_request_millis: Option<f64>,
    pub cpu_limit_millis: Option<f64>,
    pub memory_request_bytes: Option<f64>,
    pub memory_limit_bytes: Option<f64>,
}

impl Bounds {
    /// From a pod template's `spec`: requests add up over the containers that set them (a
    /// container with only a limit is requested at its limit, as Kubernetes defaults it); a
    /// limit is known only when every container sets one.
    pub fn of(pod_spec: &Value) -> Self {
        let containers = pod_spec["containers"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let sum = |what: &str, res: &str, parse: fn(&str) -> Option<f64>, all: bool| {
            let mut total = None::<f64>;
            for c in &containers {
                let r = &c["resources"];
                let v = r[what][res]
                    .as_str()
                    .or_else(|| {
                        (what == "requests")
                            .then(|| r["limits"][res].as_str())
                            .flatten()
                    })
                    .and_then(parse);
                match v {
                    Some(v) => total = Some(total.unwrap_or(0.0) + v),
                    None if all => return None,
                    None => {}
                }
            }
            total
        };
        Bounds {
            cpu_request_millis: sum("requests", "cpu", cpu_millis, false),
            cpu_limit_millis: sum("limits", "cpu", cpu_millis, true),
            memory_request_bytes: sum("requests", "memory", memory_bytes, false),
            memory_limit_bytes: sum("limits", "memory", memory_bytes, true),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MetricsSample {
    /// Unix milliseconds.
    #[ts(type = "number")]
    pub at: i64,
    pub available: bool,
    /// Why not, when not available.
    pub message: Option<String>,
    pub pods: Vec<PodUsage>,
}

/// `250m` / `1` / `1500u` / `250000000n` → millicores.
pub fn cpu_millis(q: &str) -> Option<f64> {
    let q = q.trim();
    let (num, scale) = match q.chars().last()? {
        'n' => (&q[..q.len() - 1], 1e-6),
        'u' => (&q[..q.len() - 1], 1e-3),
        'm' => (&q[..q.len() - 1], 1.0),
        _ => (q, 1000.0),
    };
    num.parse::<f64>().ok().map(|v| v * scale)
}

/// `128Mi` / `1Gi` / `500M` / `1024` → bytes.
pub fn memory_bytes(q: &str) -> Option<f64> {
    let q = q.trim();
    const UNITS: [(&str, f64); 12] = [
        ("Ki", 1024.0),
        ("Mi", 1_048_576.0),
        ("Gi", 1_073_741_824.0),
        ("Ti", 1_099_511_627_776.0),
        ("Pi", 1_125_899_906_842_624.0),
        ("Ei", 1_152_921_504_606_846_976.0),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
        ("E", 1e18),
    ];
    for (suffix, scale) in UNITS {
        if let Some(num) = q.strip_suffix(suffix) {
            return num.parse::<f64>().ok().map(|v| v * scale);
        }
    }
    q.parse::<f64>().ok()
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The ordinal of `pod` when it is `<sts>-<n>`.
fn ordinal_of(sts: &str, pod: &str) -> Option<i32> {
    pod.strip_prefix(sts)?.strip_prefix('-')?.parse().ok()
}

/// One reading of the StatefulSet's pods.
pub async fn sample(client: kube::Client, namespace: &str, name: &str) -> MetricsSample {
    let gvk = GroupVersionKind::gvk("metrics.k8s.io", "v1beta1", "PodMetrics");
    let ar = ApiResource::from_gvk_with_plural(&gvk, "pods");
    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), namespace, &ar);
    // requests and limits from the set's template (one read; every ordinal gets the same)
    let bounds = Api::<k8s_openapi::api::apps::v1::StatefulSet>::namespaced(client, namespace)
        .get_opt(name)
        .await
        .ok()
        .flatten()
        .and_then(|s| s.spec)
        .and_then(|s| s.template.spec)
        .and_then(|p| serde_json::to_value(p).ok())
        .map(|v| Bounds::of(&v))
        .unwrap_or_default();
    match api.list(&ListParams::default()).await {
        Ok(list) => {
            let mut pods: Vec<PodUsage> = list
                .items
                .iter()
                .filter_map(|m| {
                    let pod = m.metadata.name.clone()?;
                    let ordinal = ordinal_of(name, &pod)?;
                    let containers = m.data.get("containers").and_then(Value::as_array)?;
                    let (mut cpu, mut mem) = (0.0, 0.0);
                    for c in containers {
                        cpu += c["usage"]["cpu"]
                            .as_str()
                            .and_then(cpu_millis)
                            .unwrap_or(0.0);
                        mem += c["usage"]["memory"]
                            .as_str()
                            .and_then(memory_bytes)
                            .unwrap_or(0.0);
                    }
                    Some(PodUsage {
                        pod,
                        ordinal,
                        cpu_millis: cpu,
                        memory_bytes: mem,
                        cpu_request_millis: bounds.cpu_request_millis,
                        cpu_limit_millis: bounds.cpu_limit_millis,
                        memory_request_bytes: bounds.memory_request_bytes,
                        memory_limit_bytes: bounds.memory_limit_bytes,
                    })
                })
                .collect();
            pods.sort_by_key(|p| p.ordinal);
            MetricsSample {
                at: now_ms(),
                available: true,
                message: None,
                pods,
            }
        }
        Err(e) => {
            let message = match &e {
                kube::Error::Api(s) if s.code == 404 || s.code == 503 => {
                    "metrics are not available on this cluster (metrics.k8s.io is not served; is metrics-server installed?)".to_string()
                }
                other => crate::cluster::ClusterError::from_kube(other).to_string(),
            };
            MetricsSample {
                at: now_ms(),
                available: false,
                message: Some(message),
                pods: Vec::new(),
            }
        }
    }
}

/// Samples now and every `interval` until dropped; ends after an unavailable sample.
pub fn watch(
    client: kube::Client,
    namespace: String,
    name: String,
    interval: Duration,
) -> impl Stream<Item = MetricsSample> + Send + 'static {
    futures::stream::unfold(Some(true), move |state| {
        let client = client.clone();
        let namespace = namespace.clone();
        let name = name.clone();
        async move {
            let first = state?;
            if !first {
                tokio::time::sleep(interval).await;
            }
            let s = sample(client, &namespace, &name).await;
            let next = s.available.then_some(false);
            Some((s, next))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(cpu_millis("250m"), Some(250.0));
        assert_eq!(cpu_millis("2"), Some(2000.0));
        assert_eq!(cpu_millis("250000000n"), Some(250.0));
        assert_eq!(cpu_millis("1500u"), Some(1.5));
        assert_eq!(cpu_millis("x"), None);
        assert_eq!(memory_bytes("128Mi"), Some(134_217_728.0));
        assert_eq!(memory_bytes("1Gi"), Some(1_073_741_824.0));
        assert_eq!(memory_bytes("500M"), Some(5e8));
        assert_eq!(memory_bytes("1024"), Some(1024.0));
        assert_eq!(memory_bytes("12Zi"), None);
    }

    #[test]
    fn requests_and_limits_sum_over_containers() {
        let spec = serde_json::json!({"containers": [
            {"name": "a", "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"cpu": "1", "memory": "512Mi"}}},
            {"name": "b", "resources": {"limits": {"cpu": "500m"}}},
        ]});
        let b = Bounds::of(&spec);
        // b is requested at its limit; b has no memory limit, so the pod has none
        assert_eq!(b.cpu_request_millis, Some(750.0));
        assert_eq!(b.cpu_limit_millis, Some(1500.0));
        assert_eq!(b.memory_request_bytes, Some(268_435_456.0));
        assert_eq!(b.memory_limit_bytes, None);
        assert_eq!(
            Bounds::of(&serde_json::json!({"containers": [{"name": "c"}]})),
            Bounds::default()
        );
    }

    #[test]
    fn ordinals_only_of_this_set() {
        assert_eq!(ordinal_of("web", "web-3"), Some(3));
        assert_eq!(ordinal_of("web", "web-archive-0"), None);
        assert_eq!(ordinal_of("web", "webx-1"), None);
    }
}
