//! Differential test: one table of requests sent to the simulator AND to a real Kubernetes API
//! server, each in its own fresh namespace; the answers (status code, reason, details, the shape
//! and meaningful values of objects, watch events) are normalised and compared.
//!
//! It needs a real cluster, so it is ignored by default and run on purpose:
//!
//! ```text
//! ORDINAL_TEST_KUBECONFIG=/var/cache/realk8s/kubeconfig \
//!   cargo test -p ordinal-sim --test differential -- --ignored --nocapture
//! ```
//!
//! `ORDINAL_TEST_VIEWER_KUBECONFIG` is the real cluster's read-only kubeconfig (user `viewer`,
//! read-only in `default`); it defaults to `kubeconfig-viewer` beside the admin one.
//! Differences the simulator keeps on purpose are listed, with reasons, in
//! `differential_accepted.md`; the test fails on any other difference and on any accepted entry
//! that no longer occurs.
mod diffkit;

use std::time::Duration;

use diffkit::{delete, get, patch, post, put, Answer, Side, Step, Who};
use ordinal_sim::{Seed, SimConfig, Simulator};
use serde_json::{json, Value};

const CM: &str = "/api/v1/namespaces/{ns}/configmaps";
const STS: &str = "/apis/apps/v1/namespaces/{ns}/statefulsets";
const PODS: &str = "/api/v1/namespaces/{ns}/pods";
const PVCS: &str = "/api/v1/namespaces/{ns}/persistentvolumeclaims";
const MERGE: &str = "application/merge-patch+json";
const STRATEGIC: &str = "application/strategic-merge-patch+json";
const JSON_PATCH: &str = "application/json-patch+json";
const APPLY: &str = "application/apply-patch+yaml";

fn p(base: &str, rest: &str) -> String {
    format!("{base}{rest}")
}

fn cm(name: &str, labels: Value, data: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "labels": labels}, "data": data})
}

fn owned_cm(name: &str, owner: &str, block: bool) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "ownerReferences": [
        {"apiVersion": "v1", "kind": "ConfigMap", "name": owner, "uid": format!("{{@{owner}/metadata/uid}}"), "blockOwnerDeletion": block}
    ]}, "data": {"d": "1"}})
}

fn sts(name: &str, replicas: i64) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {
            "serviceName": name,
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"terminationGracePeriodSeconds": 1, "containers": [{"name": "main", "image": "nginx:1.27", "env": [{"name": "A", "value": "1"}]}]}
            },
            "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "standard", "resources": {"requests": {"storage": "100Mi"}}}}]
        }
    })
}

fn code_is(v: &Value, code: i64) -> bool {
    v.get("code").and_then(Value::as_i64) == Some(code) && v.get("kind") == Some(&json!("Status"))
}

fn i(v: &Value, ptr: &str) -> i64 {
    v.pointer(ptr).and_then(Value::as_i64).unwrap_or(-1)
}

fn items(v: &Value) -> Vec<Value> {
    v.get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn pod_ready(p: &Value) -> bool {
    p.pointer("/status/conditions")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
        .unwrap_or(false)
}

fn n_ready_pods(n: usize) -> impl Fn(&Value) -> bool + Send + Sync {
    move |v| {
        let it = items(v);
        it.len() == n
            && it
                .iter()
                .all(|p| pod_ready(p) && p.pointer("/metadata/deletionTimestamp").is_none())
    }
}

fn sts_settled(n: i64) -> impl Fn(&Value) -> bool + Send + Sync {
    move |v| {
        i(v, "/status/observedGeneration") == i(v, "/metadata/generation")
            && i(v, "/status/replicas") == n
            && i(v, "/status/readyReplicas") == n
            && i(v, "/status/updatedReplicas") == n
            && v.pointer("/status/currentRevision") == v.pointer("/status/updateRevision")
    }
}

/// The real server forgets history by time and volume: etcd is compacted every 5 minutes and a
/// watch cache keeps ~100 events per resource (more while they are younger than 75 s). On a
/// freshly started cluster resourceVersion 1 is still servable, so it cannot be "too old" yet.
const TOO_OLD_WHY: &str =
    "the real server still serves resourceVersion 1 (cluster too young: etcd not compacted, watch cache not wrapped)";

const SSA_A1: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"1\"\n  b: \"x\"\n";
const SSA_A2: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"2\"\n";
const SSA_A3: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"3\"\n";

/// The request table. Every step runs on both servers; `{ns}` is each server's namespace and
/// `{@step/pointer}` a value from that server's answer to an earlier step.
fn steps() -> Vec<Step> {
    let mut s = vec![
        post(
            "ns-create",
            "/api/v1/namespaces",
            json!({"metadata": {"name": "{ns}"}}),
        ),
        // --- get / create / update / conflicts ---
        post("cm1", CM, cm("cm1", json!({"set": "a"}), json!({"k": "v"}))),
        get("cm1-get", &p(CM, "/cm1")),
        get("cm-get-missing", &p(CM, "/nope")),
        get("sts-get-missing", &p(STS, "/nope")),
        post("cm1-again", CM, cm("cm1", json!({}), json!({}))),
        put(
            "cm1-update",
            &p(CM, "/cm1"),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm1", "labels": {"set": "a"}, "resourceVersion": "{@cm1/metadata/resourceVersion}"}, "data": {"k": "v2"}}),
        ),
        put(
            "cm1-update-stale",
            &p(CM, "/cm1"),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm1", "labels": {"set": "a"}, "resourceVersion": "{@cm1/metadata/resourceVersion}"}, "data": {"k": "stale"}}),
        ),
        put(
            "cm1-update-unconditional",
            &p(CM, "/cm1"),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm1", "labels": {"set": "a"}}, "data": {"k": "v3"}}),
        ),
        put(
            "cm-update-missing",
            &p(CM, "/nope"),
            cm("nope", json!({}), json!({})),
        ),
        put(
            "cm1-update-name-mismatch",
            &p(CM, "/cm1"),
            cm("other", json!({}), json!({})),
        ),
        // --- patches ---
        patch(
            "cm1-merge",
            &p(CM, "/cm1"),
            MERGE,
            r#"{"metadata":{"labels":{"x":"y"}},"data":{"m":"1"}}"#,
        ),
        patch(
            "cm1-merge-null",
            &p(CM, "/cm1"),
            MERGE,
            r#"{"metadata":{"labels":{"x":null}},"data":{"m":null}}"#,
        ),
        patch(
            "cm1-strategic",
            &p(CM, "/cm1"),
            STRATEGIC,
            r#"{"data":{"s":"3"}}"#,
        ),
        patch(
            "cm1-json-patch",
            &p(CM, "/cm1"),
            JSON_PATCH,
            r#"[{"op":"add","path":"/data/j","value":"2"},{"op":"replace","path":"/data/k","value":"v4"}]"#,
        ),
        patch(
            "cm1-json-patch-test-fails",
            &p(CM, "/cm1"),
            JSON_PATCH,
            r#"[{"op":"test","path":"/data/k","value":"nope"}]"#,
        ),
        patch(
            "cm1-json-patch-missing-path",
            &p(CM, "/cm1"),
            JSON_PATCH,
            r#"[{"op":"remove","path":"/data/missing"}]"#,
        ),
        patch(
            "cm1-json-patch-not-array",
            &p(CM, "/cm1"),
            JSON_PATCH,
            r#"{"op":"add"}"#,
        ),
        patch(
            "cm1-patch-stale-rv",
            &p(CM, "/cm1"),
            MERGE,
            r#"{"metadata":{"resourceVersion":"{@cm1/metadata/resourceVersion}"},"data":{"k":"stale"}}"#,
        ),
        patch(
            "cm1-patch-json-content-type",
            &p(CM, "/cm1"),
            "application/json",
            r#"{"data":{"z":"1"}}"#,
        ),
        patch(
            "cm-patch-missing",
            &p(CM, "/nope"),
            MERGE,
            r#"{"data":{"a":"1"}}"#,
        ),
        get("cm1-after-patches", &p(CM, "/cm1")),
        // --- dryRun=All ---
        post("dry-create", CM, cm("dry", json!({}), json!({"a": "1"}))).q("dryRun=All"),
        get("dry-get", &p(CM, "/dry")),
        patch(
            "dry-patch",
            &p(CM, "/cm1"),
            MERGE,
            r#"{"data":{"dry":"1"}}"#,
        )
        .q("dryRun=All"),
        put(
            "dry-update",
            &p(CM, "/cm1"),
            cm("cm1", json!({"set": "a"}), json!({"dry": "2"})),
        )
        .q("dryRun=All"),
        delete("dry-delete", &p(CM, "/cm1")).q("dryRun=All"),
        get("dry-after", &p(CM, "/cm1")),
        // --- server-side apply ---
        patch("ssa-create", &p(CM, "/ssa"), APPLY, SSA_A1).q("fieldManager=alice"),
        patch("ssa-same-manager", &p(CM, "/ssa"), APPLY, SSA_A1).q("fieldManager=alice"),
        patch("ssa-conflict", &p(CM, "/ssa"), APPLY, SSA_A2).q("fieldManager=bob"),
        patch("ssa-force", &p(CM, "/ssa"), APPLY, SSA_A2).q("fieldManager=bob&force=true"),
        patch("ssa-shared-value", &p(CM, "/ssa"), APPLY, SSA_A2).q("fieldManager=carol"),
        patch("ssa-dry-run", &p(CM, "/ssa"), APPLY, SSA_A3).q("fieldManager=bob&dryRun=All"),
        patch("ssa-no-manager", &p(CM, "/ssa"), APPLY, SSA_A3),
        patch(
            "ssa-force-non-apply",
            &p(CM, "/ssa"),
            MERGE,
            r#"{"data":{"q":"1"}}"#,
        )
        .q("force=true"),
        patch(
            "ssa-update-manager",
            &p(CM, "/ssa"),
            MERGE,
            r#"{"data":{"u":"1"}}"#,
        )
        .q("fieldManager=dave"),
        patch(
            "ssa-alice-drops-b",
            &p(CM, "/ssa"),
            APPLY,
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"2\"\n",
        )
        .q("fieldManager=alice"),
        get("ssa-get", &p(CM, "/ssa")),
        // --- invalid objects ---
        post("invalid-name", CM, cm("Bad_Name", json!({}), json!({}))),
        post("invalid-no-name", CM, json!({"metadata": {}, "data": {}})),
        post(
            "invalid-label",
            CM,
            cm("lbl", json!({"a": "not ok!"}), json!({})),
        ),
        post(
            "invalid-pod-no-containers",
            PODS,
            json!({"metadata": {"name": "p"}, "spec": {"containers": []}}),
        ),
        post("invalid-sts-selector", STS, {
            let mut s = sts("bad", 1);
            s["spec"]["selector"] = json!({"matchLabels": {"app": "other"}});
            s
        }),
        post("invalid-sts-replicas", STS, {
            let mut s = sts("bad", 1);
            s["spec"]["replicas"] = json!(-1);
            s
        }),
        post("invalid-sts-no-selector", STS, {
            let mut s = sts("bad", 1);
            s["spec"].as_object_mut().map(|m| m.remove("selector"));
            s
        }),
        post(
            "invalid-svc-port",
            "/api/v1/namespaces/{ns}/services",
            json!({"metadata": {"name": "svc"}, "spec": {"ports": [{"port": 0}]}}),
        ),
        post(
            "wrong-kind",
            CM,
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "w"}}),
        ),
        post(
            "wrong-namespace",
            CM,
            json!({"metadata": {"name": "w", "namespace": "default"}}),
        ),
        step_raw("malformed-json", "POST", CM, "{not json"),
        post(
            "create-in-missing-namespace",
            "/api/v1/namespaces/diff-missing-ns/configmaps",
            cm("x", json!({}), json!({})),
        ),
        // --- label / field selectors, pagination ---
    ];
    for n in 1..=5 {
        let mut labels = json!({"set": "page"});
        if n <= 2 {
            labels["tier"] = json!("x");
        }
        s.push(post(
            &format!("page-{n}"),
            CM,
            cm(&format!("p{n}"), labels, json!({"n": n.to_string()})),
        ));
    }
    s.extend([
        get("list-label", CM).q("labelSelector=set%3Dpage"),
        get("list-label-in", CM).q("labelSelector=set+in+(page,a)"),
        get("list-label-not-exists", CM).q("labelSelector=set%3Dpage,!tier"),
        get("list-label-neq", CM).q("labelSelector=set%3Dpage,tier!%3Dx"),
        get("list-label-bad", CM).q("labelSelector=a%3D%3D%3Db"),
        get("list-field-name", CM).q("fieldSelector=metadata.name%3Dp3"),
        get("list-field-neq", CM).q("fieldSelector=metadata.name!%3Dp3&labelSelector=set%3Dpage"),
        get("list-field-unsupported", CM).q("fieldSelector=data.n%3D1"),
        get("list-page-1", CM).q("labelSelector=set%3Dpage&limit=2"),
        get("list-page-2", CM).q("labelSelector=set%3Dpage&limit=2&continue={@list-page-1/metadata/continue}"),
        get("list-page-3", CM).q("labelSelector=set%3Dpage&limit=2&continue={@list-page-2/metadata/continue}"),
        get("list-unfiltered-page", CM).q("limit=3"),
        get("list-bad-continue", CM).q("limit=2&continue=not-a-token"),
        get("list-exact-too-old", CM)
            .q("resourceVersion=1&resourceVersionMatch=Exact")
            .only_if_real(TOO_OLD_WHY, |a| a["code"] == 410),
        // --- watches ---
        get("watch-list", CM).q("labelSelector=w%3D1"),
        post("watch-w1", CM, cm("w1", json!({"w": "1"}), json!({"a": "1"}))),
        patch("watch-w1-patch", &p(CM, "/w1"), MERGE, r#"{"data":{"a":"2"}}"#),
        delete("watch-w1-delete", &p(CM, "/w1")),
        get("watch-resume", CM)
            .q("watch=1&labelSelector=w%3D1&resourceVersion={@watch-list/metadata/resourceVersion}&timeoutSeconds=5")
            .watch(3, 4000),
        get("watch-too-old", CM)
            .q("watch=1&resourceVersion=1&timeoutSeconds=5")
            .watch(1, 4000)
            .only_if_real(TOO_OLD_WHY, |a| a["events"][0]["type"] == "ERROR"),        get("watch-one-name", CM).q("watch=1&fieldSelector=metadata.name%3Dcm1&timeoutSeconds=3").watch(1, 3000),
        get("watch-from-list-rv", CM)
            .q("watch=1&labelSelector=set%3Dpage&resourceVersion={@list-label/metadata/resourceVersion}&timeoutSeconds=2")
            .watch(1, 1500),
        // --- authorization / authentication ---
        get("viewer-list-default", "/api/v1/namespaces/default/configmaps").q("labelSelector=diff%3Dnone").who(Who::Viewer),
        get("viewer-get-missing-default", "/api/v1/namespaces/default/configmaps/diff-none").who(Who::Viewer),
        post("viewer-create-default", "/api/v1/namespaces/default/configmaps", cm("v", json!({}), json!({}))).who(Who::Viewer),
        get("viewer-get-other-ns", &p(CM, "/cm1")).who(Who::Viewer),
        delete("viewer-delete-other-ns", &p(CM, "/cm1")).who(Who::Viewer),
        get("viewer-list-namespaces", "/api/v1/namespaces").who(Who::Viewer),
        get("viewer-list-all-sts", "/apis/apps/v1/statefulsets").who(Who::Viewer),
        get("bad-token-list", CM).who(Who::BadToken),
        post("bad-token-create", CM, cm("b", json!({}), json!({}))).who(Who::BadToken),
        // --- delete and propagation ---
        delete("delete-missing", &p(CM, "/nope")),
        step_raw("delete-uid-precondition", "DELETE", &p(CM, "/cm1"), r#"{"preconditions":{"uid":"00000000-0000-0000-0000-000000000000"}}"#),
        step_raw("delete-bad-policy", "DELETE", &p(CM, "/cm1"), r#"{"propagationPolicy":"Sideways"}"#),
        post("own-o", CM, cm("own-o", json!({}), json!({}))),
        post("dep-o", CM, owned_cm("dep-o", "own-o", false)),
        step_raw("own-o-delete-orphan", "DELETE", &p(CM, "/own-o"), r#"{"propagationPolicy":"Orphan"}"#),
        get("own-o-gone", &p(CM, "/own-o")).until(20, |v| code_is(v, 404)),
        get("dep-o-orphaned", &p(CM, "/dep-o")).until(20, |v| v.pointer("/metadata/ownerReferences").is_none()),
        post("own-b", CM, cm("own-b", json!({}), json!({}))),
        post("dep-b", CM, owned_cm("dep-b", "own-b", false)),
        delete("own-b-delete-background", &p(CM, "/own-b")).q("propagationPolicy=Background"),
        get("dep-b-collected", &p(CM, "/dep-b")).until(20, |v| code_is(v, 404)),
        post("own-f", CM, cm("own-f", json!({}), json!({}))),
        post("dep-f", CM, owned_cm("dep-f", "own-f", true)),
        step_raw("own-f-delete-foreground", "DELETE", &p(CM, "/own-f"), r#"{"propagationPolicy":"Foreground"}"#),
        get("own-f-gone", &p(CM, "/own-f")).until(20, |v| code_is(v, 404)),
        get("dep-f-gone", &p(CM, "/dep-f")),
        // --- a bare pod ---
        post("pod-create", PODS, json!({"metadata": {"name": "solo", "labels": {"app": "solo"}}, "spec": {"terminationGracePeriodSeconds": 1, "containers": [{"name": "main", "image": "nginx:1.27"}]}})),
        get("pod-running", &p(PODS, "/solo")).until(30, pod_ready),
        patch("pod-immutable", &p(PODS, "/solo"), MERGE, r#"{"spec":{"restartPolicy":"Never"}}"#),
        patch("pod-image", &p(PODS, "/solo"), STRATEGIC, r#"{"spec":{"containers":[{"name":"main","image":"nginx:1.28"}]}}"#),
        delete("pod-delete", &p(PODS, "/solo")),
        get("pod-gone", &p(PODS, "/solo")).until(30, |v| code_is(v, 404)),
        // --- StatefulSet controller ---
        post("sts-create", STS, sts("web", 2)),
        get("sts-ready-2", &p(STS, "/web")).until(60, sts_settled(2)),
        get("sts-pods-2", PODS).q("labelSelector=app%3Dweb").until(30, n_ready_pods(2)),
        get("sts-pvcs-2", PVCS).q("labelSelector=app%3Dweb").until(30, |v| {
            let it = items(v);
            it.len() == 2 && it.iter().all(|c| c["status"]["phase"] == "Bound")
        }),
        patch("sts-scale-up", &p(STS, "/web"), MERGE, r#"{"spec":{"replicas":3}}"#),
        get("sts-ready-3", &p(STS, "/web")).until(60, sts_settled(3)),
        get("sts-pods-3", PODS).q("labelSelector=app%3Dweb").until(30, n_ready_pods(3)),
        get("sts-pvcs-3", PVCS).q("labelSelector=app%3Dweb").until(30, |v| {
            let it = items(v);
            it.len() == 3 && it.iter().all(|c| c["status"]["phase"] == "Bound")
        }),
        get("sts-scale-get", &p(STS, "/web/scale")),
        patch("sts-scale-down", &p(STS, "/web/scale"), MERGE, r#"{"spec":{"replicas":1}}"#),
        get("sts-ready-1", &p(STS, "/web")).until(60, sts_settled(1)),
        get("sts-pods-1", PODS).q("labelSelector=app%3Dweb").until(30, n_ready_pods(1)),
        get("sts-pvcs-after-scale-down", PVCS).q("labelSelector=app%3Dweb"),
        patch(
            "sts-rollout",
            &p(STS, "/web"),
            STRATEGIC,
            r#"{"spec":{"template":{"spec":{"containers":[{"name":"main","env":[{"name":"A","value":"2"}]}]}}}}"#,
        ),
        get("sts-rolled", &p(STS, "/web")).until(60, sts_settled(1)),
        get("sts-pods-rolled", PODS).q("labelSelector=app%3Dweb").until(30, n_ready_pods(1)),
        get("sts-revisions", "/apis/apps/v1/namespaces/{ns}/controllerrevisions").q("labelSelector=app%3Dweb"),
        patch(
            "sts-immutable-selector",
            &p(STS, "/web"),
            MERGE,
            r#"{"spec":{"selector":{"matchLabels":{"app":"web","x":"y"}},"template":{"metadata":{"labels":{"app":"web","x":"y"}}}}}"#,
        ),
        patch(
            "sts-immutable-vct",
            &p(STS, "/web"),
            MERGE,
            r#"{"spec":{"volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"200Mi"}}}}]}}"#,
        ),
        put("sts-update-stale", &p(STS, "/web"), {
            let mut s = sts("web", 1);
            s["metadata"]["resourceVersion"] = json!("{@sts-create/metadata/resourceVersion}");
            s
        }),
        step_raw("sts-delete-orphan", "DELETE", &p(STS, "/web"), r#"{"propagationPolicy":"Orphan"}"#),
        get("sts-gone", &p(STS, "/web")).until(30, |v| code_is(v, 404)),
        get("sts-pods-orphaned", PODS).q("labelSelector=app%3Dweb").until(30, |v| {
            let it = items(v);
            !it.is_empty() && it.iter().all(|p| p.pointer("/metadata/ownerReferences").is_none())
        }),
        // --- clean up ---
        delete("ns-delete", "/api/v1/namespaces/{ns}"),
    ]);
    s
}

fn step_raw(name: &str, method: &'static str, path: &str, body: &str) -> Step {
    let mut s = diffkit::step(name, method, path);
    s.body = body.to_string();
    s
}

async fn sim_side(sim: &Simulator, ns: String) -> Side {
    let kc = sim.kubeconfig_yaml();
    Side {
        label: "sim",
        admin: diffkit::client(&kc, Some("ordinal-sim-admin")).await,
        viewer: diffkit::client(&kc, Some("ordinal-sim-viewer")).await,
        bad: diffkit::bad_token_client(&kc).await,
        ns,
        saved: Default::default(),
    }
}

async fn real_side(admin_path: &str, ns: String) -> Side {
    let read = |p: &str| {
        std::fs::read_to_string(p).unwrap_or_else(|e| panic!("cannot read kubeconfig {p}: {e}"))
    };
    let viewer_path = std::env::var("ORDINAL_TEST_VIEWER_KUBECONFIG").unwrap_or_else(|_| {
        std::path::Path::new(admin_path)
            .with_file_name("kubeconfig-viewer")
            .to_string_lossy()
            .into_owned()
    });
    let admin = read(admin_path);
    let viewer = read(&viewer_path);
    Side {
        label: "real",
        admin: diffkit::client(&admin, None).await,
        viewer: diffkit::client(&viewer, None).await,
        bad: diffkit::bad_token_client(&admin).await,
        ns,
        saved: Default::default(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a real cluster: set ORDINAL_TEST_KUBECONFIG (e.g. /var/cache/realk8s/kubeconfig)"]
async fn simulator_answers_like_a_real_api_server() {
    let Ok(real_path) = std::env::var("ORDINAL_TEST_KUBECONFIG") else {
        panic!("the differential test needs a real cluster: set ORDINAL_TEST_KUBECONFIG to its admin kubeconfig (and optionally ORDINAL_TEST_VIEWER_KUBECONFIG to its read-only one)");
    };
    let accepted_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/differential_accepted.md"
    );
    let mut accepted =
        diffkit::parse_accepted(&std::fs::read_to_string(accepted_path).unwrap_or_default());

    let sim = Simulator::start(SimConfig {
        seed: Seed::Empty,
        ready_delay: Duration::from_millis(200),
        bookmark_interval: Duration::from_secs(1),
        ..Default::default()
    })
    .await
    .expect("simulator starts");
    let suffix = &common_suffix();
    let mut real = real_side(&real_path, format!("diff-{suffix}")).await;
    let mut simside = sim_side(&sim, format!("diff-{suffix}")).await;

    let (mut compared, mut same, mut n_accepted, mut unexpected) = (0usize, 0usize, 0usize, 0usize);
    for st in steps() {
        let (ra, sa): (Answer, Answer) = tokio::join!(
            diffkit::run_step(&real, &st),
            diffkit::run_step(&simside, &st)
        );
        real.saved.insert(st.name.clone(), ra.body.clone());
        simside.saved.insert(st.name.clone(), sa.body.clone());
        let rn = diffkit::normalize(&ra, &real.ns);
        let sn = diffkit::normalize(&sa, &simside.ns);
        let lines = diffkit::diff(&rn, &sn);
        if let Some((why, pred)) = &st.precondition {
            if !pred(&ra.as_value()) {
                println!("[skip] {} (not compared: {why})", st.name);
                continue;
            }
        }
        compared += 1;
        if lines.is_empty() {
            same += 1;
            println!("[same] {} ({} {})", st.name, st.method, ra.code);
            continue;
        }
        println!(
            "[diff] {} ({} real={} sim={})",
            st.name, st.method, ra.code, sa.code
        );
        for l in &lines {
            match accepted.iter_mut().find(|a| a.matches(&st.name, l)) {
                Some(a) => {
                    a.seen = true;
                    n_accepted += 1;
                    println!("    accepted: {l}");
                }
                None => {
                    unexpected += 1;
                    println!("    {l}");
                }
            }
        }
        if std::env::var("DIFF_VERBOSE").is_ok() {
            println!("    real: {}", ra.as_value());
            println!("    sim:  {}", sa.as_value());
        }
    }
    let stale: Vec<String> = accepted
        .iter()
        .filter(|a| !a.seen)
        .map(|a| format!("{}: {}", a.step, a.difference))
        .collect();
    for s in &stale {
        println!(
            "accepted difference no longer occurs (remove it from differential_accepted.md): {s}"
        );
    }
    sim.shutdown().await;
    println!(
        "differential: {compared} requests compared, {same} same, {n_accepted} accepted differences, {unexpected} unexpected differences"
    );
    assert_eq!(
        unexpected, 0,
        "unexpected differences between the simulator and the real server"
    );
    assert!(
        stale.is_empty(),
        "differential_accepted.md lists differences that no longer occur"
    );
}

fn common_suffix() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let n = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{:08x}", (n as u64 ^ (n >> 64) as u64) & 0xffff_ffff)
}

/// The accepted-differences file parses and its patterns match as documented (no cluster needed).
#[test]
fn accepted_differences_file_parses() {
    let md = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/differential_accepted.md"
    ))
    .expect("differential_accepted.md exists");
    for a in diffkit::parse_accepted(&md) {
        assert!(
            !a.reason.is_empty(),
            "every accepted difference has a reason"
        );
    }
    let rows = diffkit::parse_accepted(
        "| `ns-*` | `/body/metadata/labels*: real=- sim=*` | because |\n| `x` | `exact` | why |",
    );
    assert_eq!(rows.len(), 2);
    assert!(rows[0].matches("ns-create", "/body/metadata/labels/a: real=- sim=\"b\""));
    assert!(!rows[0].matches("cm1", "/body/metadata/labels/a: real=- sim=\"b\""));
    assert!(rows[1].matches("x", "exact") && !rows[1].matches("x", "exactly"));
}
