//! The window against a REAL Kubernetes server (scripts/test's real pass: a kube-apiserver and
//! kube-controller-manager v1.20 on loopback, see /work/shared/realk8s). Run with
//! `ORDINAL_TEST_KUBECONFIG=<admin> ORDINAL_TEST_VIEWER_KUBECONFIG=<viewer> cargo test --features
//! custom-protocol --test e2e_real -- --ignored --test-threads=1`. Each test seeds its own
//! namespace `e2e-<hex>` with kube-rs and deletes it at the end, failed or not. Screenshots go to
//! `target/e2e-screenshots/real-*.png`.

mod support;

use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Namespace, Service};
use kube::api::{Api, ApiResource, DeleteParams, DynamicObject, GroupVersionKind, PostParams};
use serde_json::json;
use support::{click, edit_yaml, row, type_into, App, Launch};

/// The two kubeconfigs of the real pass: the admin's (context `real`) and the read-only viewer's
/// (context `real-viewer`, namespace `default`).
#[derive(Clone)]
struct Kubeconfigs {
    admin: PathBuf,
    viewer: PathBuf,
}

impl Kubeconfigs {
    /// Both are required: a real-cluster test never passes silently without its cluster.
    fn from_env() -> Self {
        let get = |var: &str, what: &str| {
            let path = std::env::var_os(var).map(PathBuf::from).unwrap_or_else(|| {
                panic!(
                    "{var} is not set: point it at the {what} kubeconfig of a real cluster \
                     (scripts/test sets it in the real pass; see /work/shared/realk8s). \
                     These tests never pass without a cluster."
                )
            });
            assert!(
                path.is_file(),
                "{var}={} does not exist or is not a file",
                path.display()
            );
            path
        };
        Self {
            admin: get("ORDINAL_TEST_KUBECONFIG", "admin"),
            viewer: get("ORDINAL_TEST_VIEWER_KUBECONFIG", "read-only viewer"),
        }
    }

    /// `KUBECONFIG` for the app, merged as kubectl does: the admin's current context (`real`) wins.
    fn merged(&self) -> String {
        format!("{}:{}", self.admin.display(), self.viewer.display())
    }

    async fn admin_client(&self) -> kube::Client {
        // several rustls providers are compiled in: pick one, as the harness does
        let _ = rustls::crypto::ring::default_provider().install_default();
        let kubeconfig = kube::config::Kubeconfig::read_from(&self.admin)
            .unwrap_or_else(|e| panic!("read {}: {e}", self.admin.display()));
        let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default())
            .await
            .unwrap_or_else(|e| panic!("kube config from {}: {e}", self.admin.display()));
        kube::Client::try_from(config).expect("kube client")
    }
}

/// 8 hex digits, different per run (no rand crate: the std hasher is randomly keyed).
fn random_hex() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos(),
    );
    h.write_u32(std::process::id());
    format!("{:08x}", h.finish() as u32)
}

/// What a test creates on the server, so that it can be removed whatever happened.
#[derive(Clone)]
struct Seed {
    ns: String,
    /// The viewer's StatefulSet in `default`, if this test makes one.
    viewer_sts: Option<String>,
}

fn statefulset(name: &str, replicas: i32, claim: bool) -> StatefulSet {
    let mut spec = json!({
        "replicas": replicas,
        "serviceName": name,
        "selector": { "matchLabels": { "app": name } },
        "template": {
            "metadata": { "labels": { "app": name } },
            "spec": {
                "terminationGracePeriodSeconds": 1,
                "containers": [{
                    "name": name,
                    // no real containers run on this cluster: the image is never pulled
                    "image": format!("registry.invalid/{name}:e2e"),
                    "ports": [{ "name": "tcp", "containerPort": 7000 }]
                }]
            }
        }
    });
    if claim {
        spec["volumeClaimTemplates"] = json!([{
            "metadata": { "name": "data" },
            "spec": {
                "accessModes": ["ReadWriteOnce"],
                "storageClassName": "standard",
                "resources": { "requests": { "storage": "100Mi" } }
            }
        }]);
    }
    serde_json::from_value(json!({
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": { "name": name, "labels": { "app": name, "e2e-edit": "before" } },
        "spec": spec
    }))
    .expect("a StatefulSet")
}

fn headless_service(name: &str) -> Service {
    serde_json::from_value(json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": { "name": name, "labels": { "app": name } },
        "spec": {
            "clusterIP": "None",
            "selector": { "app": name },
            "ports": [{ "name": "tcp", "port": 7000 }]
        }
    }))
    .expect("a Service")
}

/// Polls `check` until it holds, for at most `secs` seconds.
async fn eventually<F, Fut>(what: &str, secs: u64, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !check().await {
        assert!(
            Instant::now() < deadline,
            "timed out after {secs} s waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

async fn ready_replicas(api: &Api<StatefulSet>, name: &str) -> Option<i32> {
    let s = api.get(name).await.ok()?;
    s.status.and_then(|st| st.ready_replicas)
}

impl Seed {
    fn new(with_viewer: bool) -> Self {
        let hex = random_hex();
        Self {
            ns: format!("e2e-{hex}"),
            viewer_sts: with_viewer.then(|| format!("e2e-viewer-{hex}")),
        }
    }

    /// postgres (3, headless Service, a 100Mi claim per pod), redis (2, headless Service) and
    /// memcached (1, its Service missing on purpose) in the test's namespace; the viewer's
    /// StatefulSet in `default`. Returns once every pod is Ready.
    async fn create(&self, client: kube::Client) {
        let pp = PostParams::default();
        let namespaces: Api<Namespace> = Api::all(client.clone());
        namespaces
            .create(
                &pp,
                &serde_json::from_value(json!({ "metadata": { "name": self.ns } })).unwrap(),
            )
            .await
            .unwrap_or_else(|e| panic!("create namespace {}: {e}", self.ns));
        let services: Api<Service> = Api::namespaced(client.clone(), &self.ns);
        for name in ["postgres", "redis"] {
            services
                .create(&pp, &headless_service(name))
                .await
                .unwrap_or_else(|e| panic!("create Service {name}: {e}"));
        }
        let sets: Api<StatefulSet> = Api::namespaced(client.clone(), &self.ns);
        for (name, replicas, claim) in [
            ("postgres", 3, true),
            ("redis", 2, false),
            ("memcached", 1, false),
        ] {
            sets.create(&pp, &statefulset(name, replicas, claim))
                .await
                .unwrap_or_else(|e| panic!("create StatefulSet {name}: {e}"));
        }
        let default_sets: Api<StatefulSet> = Api::namespaced(client.clone(), "default");
        if let Some(viewer) = &self.viewer_sts {
            Api::<Service>::namespaced(client.clone(), "default")
                .create(&pp, &headless_service(viewer))
                .await
                .unwrap_or_else(|e| panic!("create Service default/{viewer}: {e}"));
            default_sets
                .create(&pp, &statefulset(viewer, 1, false))
                .await
                .unwrap_or_else(|e| panic!("create StatefulSet default/{viewer}: {e}"));
        }
        for (name, replicas) in [("postgres", 3), ("redis", 2), ("memcached", 1)] {
            eventually(&format!("{}/{name} ready", self.ns), 150, || async {
                ready_replicas(&sets, name).await == Some(replicas)
            })
            .await;
        }
        if let Some(viewer) = &self.viewer_sts {
            eventually(&format!("default/{viewer} ready"), 60, || async {
                ready_replicas(&default_sets, viewer).await == Some(1)
            })
            .await;
        }
    }

    /// Deletes the namespace (and the viewer's StatefulSet and Service); never fails the test by
    /// itself.
    async fn cleanup(&self, client: kube::Client) {
        let dp = DeleteParams::background();
        let namespaces: Api<Namespace> = Api::all(client.clone());
        if let Err(e) = namespaces.delete(&self.ns, &dp).await {
            eprintln!("cleanup: delete namespace {}: {e}", self.ns);
        }
        if let Some(viewer) = &self.viewer_sts {
            let sets: Api<StatefulSet> = Api::namespaced(client.clone(), "default");
            if let Err(e) = sets.delete(viewer, &dp).await {
                eprintln!("cleanup: delete StatefulSet default/{viewer}: {e}");
            }
            let services: Api<Service> = Api::namespaced(client, "default");
            if let Err(e) = services.delete(viewer, &dp).await {
                eprintln!("cleanup: delete Service default/{viewer}: {e}");
            }
        }
    }
}

/// Seeds, runs `scenario` (in a task, so that a failed assertion still reaches the cleanup),
/// removes the seed, then fails with the scenario's own panic if it had one.
async fn with_seed<F, Fut>(with_viewer: bool, scenario: F)
where
    F: FnOnce(Kubeconfigs, Seed, kube::Client) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let kc = Kubeconfigs::from_env();
    let client = kc.admin_client().await;
    client
        .apiserver_version()
        .await
        .unwrap_or_else(|e| panic!("the cluster of {} does not answer: {e}", kc.admin.display()));
    let seed = Seed::new(with_viewer);
    eprintln!("seeding namespace {}", seed.ns);
    let run = {
        let (seed, client) = (seed.clone(), client.clone());
        let scenario = scenario(kc, seed.clone(), client.clone());
        tokio::spawn(async move {
            seed.create(client).await;
            scenario.await;
        })
    };
    let outcome = run.await;
    seed.cleanup(client).await;
    if let Err(e) = outcome {
        match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("the scenario did not finish: {e}"),
        }
    }
}

async fn start_app(kc: &Kubeconfigs) -> App {
    let launch = Launch::new("real");
    let home = launch.path("home");
    std::fs::create_dir_all(&home).unwrap();
    launch
        .env("HOME", home.display().to_string())
        .env("KUBECONFIG", kc.merged())
        .start()
        .await
}

/// Like `app.wait_js`, for what a real server takes longer to do (pods created one ordinal after
/// the other): polls for `secs`, then gives the harness's own wait (and its failure report) a go.
async fn wait_long(app: &App, what: &str, probe: &str, secs: u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let script = format!("return !!({probe});");
    while Instant::now() < deadline {
        if let Ok(v) = app.client.execute(&script, vec![]).await {
            if v.as_bool() == Some(true) {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    app.wait_js(what, probe).await;
}

async fn click_checkbox(app: &App, key: &str) {
    app.js(&format!(
        "{}.click(); return true",
        row(key, "input[type=checkbox]")
    ))
    .await;
}

/// Connects the current context (`real`) and narrows the list to the test's namespace with the
/// namespace picker; returns once the three seeded rows are Ready.
async fn connect_real_and_pick_namespace(app: &App, ns: &str) {
    app.wait_js(
        "the real context is selected",
        "document.querySelector('[data-testid=cluster-switcher]')?.value === 'real'",
    )
    .await;
    click(app, "connect-button").await;
    // `real` names no namespace: all namespaces are listed, the test's among them
    wait_long(
        app,
        "postgres listed in all namespaces",
        &format!("!!{}", row(&format!("{ns}/postgres"), "")),
        40,
    )
    .await;
    click(app, "namespace-picker").await;
    app.find(&format!("[data-testid=ns-option-{ns}]"))
        .await
        .click()
        .await
        .unwrap();
    app.wait_js(
        "the namespace field shows the pick",
        &format!("document.querySelector('[data-testid=namespace-select]')?.value === '{ns}'"),
    )
    .await;
    app.screenshot("namespace-picker").await;
    // close the picker (a press outside it)
    click(app, "page-title").await;
    wait_long(
        app,
        "only the test namespace's three rows",
        &format!(
            "(() => {{ const r = [...document.querySelectorAll('[data-testid=sts-row]')]; \
             return r.length === 3 && r.every(x => x.dataset.key.startsWith('{ns}/')); }})()"
        ),
        30,
    )
    .await;
    for (name, status) in [
        ("postgres", "3 of 3"),
        ("redis", "2 of 2"),
        ("memcached", "1 of 1"),
    ] {
        wait_long(
            app,
            &format!("{name} {status}"),
            &format!(
                "{}?.textContent.includes('{status}')",
                row(&format!("{ns}/{name}"), "[data-testid=row-status]")
            ),
            30,
        )
        .await;
    }
}

/// The admin on a real 1.20 server: the list of a picked namespace, the Doctor (a missing
/// Service is an error; policy/v1beta1 budgets are watched), the "older server" chip, batch
/// Stop / Start / Restart, every tab of the detail, a new disruption budget (policy/v1beta1)
/// and a YAML edit each reviewed as a server dry run first, and a confirmed delete; every change
/// checked on the server with kube-rs.
#[tokio::test]
#[ignore = "needs ORDINAL_TEST_KUBECONFIG (a real cluster); scripts/test runs it in the real pass"]
async fn real_cluster_list_doctor_batch_detail_budget_yaml_delete() {
    with_seed(false, |kc, seed, client| async move {
        let ns = seed.ns.clone();
        let key = |name: &str| format!("{ns}/{name}");
        let app = start_app(&kc).await;

        // 1. Connect and list the test namespace.
        connect_real_and_pick_namespace(&app, &ns).await;

        // 2. The Doctor on the real server.
        let memcached_badge = row(&key("memcached"), "[data-testid=doctor-badge]");
        wait_long(
            &app,
            "memcached's doctor badge is an error",
            &format!("{memcached_badge}?.dataset.severity === 'error'"),
            30,
        )
        .await;
        let title = app.js(&format!("return {memcached_badge}.title")).await;
        assert!(
            title
                .as_str()
                .unwrap_or_default()
                .contains("governing Service does not exist"),
            "memcached's doctor badge: {title}"
        );
        app.wait_js(
            "postgres has no findings",
            &format!(
                "{}?.dataset.count === '0'",
                row(&key("postgres"), "[data-testid=doctor-badge]")
            ),
        )
        .await;
        app.wait_js(
            "the doctor is live",
            "document.querySelector('.sts-list-host')?.dataset.doctor === 'live'",
        )
        .await;

        // 3. The connection chip says what this older server lacks.
        let limits = app.find("[data-testid=server-limits]").await;
        let text = limits.text().await.unwrap_or_default();
        assert_eq!(text, "older server", "the server-limits chip");
        let limits_title = limits.attr("title").await.unwrap().unwrap_or_default();
        assert!(
            limits_title.contains("policy/v1beta1"),
            "server-limits title: {limits_title}"
        );
        let chip = app
            .js("return document.querySelector('[data-testid=connection-status]').textContent")
            .await;
        let chip = chip.as_str().unwrap_or_default();
        assert!(chip.contains("1.20"), "connection chip: {chip}");
        app.screenshot("list").await;

        // 4. Batch Stop two StatefulSets, Start them back to their own counts, Restart one.
        let sets: Api<StatefulSet> = Api::namespaced(client.clone(), &ns);
        let pg = row(&key("postgres"), "[data-testid=row-status]");
        let redis = row(&key("redis"), "[data-testid=row-status]");
        for name in ["postgres", "redis"] {
            click_checkbox(&app, &key(name)).await;
        }
        click(&app, "batch-stop").await;
        wait_long(
            &app,
            "stop summary",
            "document.querySelector('[data-testid=batch-summary]')?.textContent.includes('2 succeeded')",
            30,
        )
        .await;
        wait_long(&app, "postgres stopped", &format!("{pg}?.textContent.includes('was 3')"), 60).await;
        wait_long(&app, "redis stopped", &format!("{redis}?.textContent.includes('was 2')"), 60).await;
        assert_eq!(
            sets.get("postgres").await.unwrap().spec.unwrap().replicas,
            Some(0),
            "postgres is scaled to 0 on the server"
        );
        app.screenshot("stopped").await;
        click(&app, "batch-start").await;
        wait_long(&app, "postgres back to 3", &format!("{pg}?.textContent.includes('3 of 3')"), 90).await;
        wait_long(&app, "redis back to 2", &format!("{redis}?.textContent.includes('2 of 2')"), 90).await;
        app.screenshot("started").await;

        // Restart redis alone.
        click(&app, "batch-dismiss").await;
        click_checkbox(&app, &key("postgres")).await;
        app.wait_js(
            "only redis selected",
            &format!(
                "(() => {{ const s = [...document.querySelectorAll('[data-testid=sts-row][data-selected=true]')]; \
                 return s.length === 1 && s[0].dataset.key === '{}'; }})()",
                key("redis")
            ),
        )
        .await;
        click(&app, "batch-restart").await;
        wait_long(
            &app,
            "restart summary",
            "document.querySelector('[data-testid=batch-summary]')?.textContent.includes('1 succeeded')",
            60,
        )
        .await;
        eventually("redis's rollout restart to finish on the server", 120, || async {
            let Ok(s) = sets.get("redis").await else { return false };
            let restarted = s
                .spec
                .as_ref()
                .and_then(|sp| sp.template.metadata.as_ref())
                .and_then(|m| m.annotations.as_ref())
                .is_some_and(|a| a.keys().any(|k| k.contains("restartedAt")));
            let st = s.status.unwrap_or_default();
            restarted
                && st.observed_generation == s.metadata.generation
                && st.update_revision.is_some()
                && st.update_revision == st.current_revision
                && st.updated_replicas == Some(2)
                && st.ready_replicas == Some(2)
        })
        .await;
        wait_long(&app, "redis 2 of 2 after the restart", &format!("{redis}?.textContent.includes('2 of 2')"), 30).await;
        app.screenshot("restarted").await;
        click_checkbox(&app, &key("redis")).await;
        click(&app, "batch-dismiss").await;

        // 5. The detail of postgres, tab by tab.
        app.js(&format!(
            "{}.click(); return true",
            row(&key("postgres"), "[data-testid=row-name]")
        ))
        .await;
        app.find("[data-testid=sts-detail]").await;
        wait_long(
            &app,
            "pod ring 3 ready",
            "document.querySelector('[data-testid=pod-ring]')?.dataset.ready === '3'",
            30,
        )
        .await;
        app.find("[data-testid=retention-absent]").await;
        let counts = app
            .js("return [...document.querySelectorAll('[data-testid=sts-detail] dt')].find(d => d.textContent === 'Replicas')?.nextElementSibling?.textContent ?? null")
            .await;
        let counts = counts.as_str().unwrap_or_default().to_string();
        assert!(
            counts.contains("3 ready") && !counts.contains("available"),
            "replica counts on a server without availableReplicas: {counts:?}"
        );
        app.screenshot("detail-details").await;
        click(&app, "detail-tab-pods").await;
        wait_long(
            &app,
            "three ordinals",
            "document.querySelectorAll('[data-testid=ordinal-row]').length === 3",
            20,
        )
        .await;
        let dns = app
            .js("return [...document.querySelectorAll('[data-testid=dns-name]')].map(e => e.textContent)")
            .await;
        assert_eq!(
            dns[0],
            format!("postgres-0.postgres.{ns}.svc.cluster.local"),
            "{dns}"
        );
        app.screenshot("detail-pods").await;
        click(&app, "detail-tab-rollout").await;
        app.find("[data-testid=ordinal-strip]").await;
        app.screenshot("detail-rollout").await;
        click(&app, "detail-tab-events").await;
        wait_long(
            &app,
            "events of the StatefulSet",
            "document.querySelectorAll('[data-testid=event-row]').length > 0",
            20,
        )
        .await;
        app.screenshot("detail-events").await;
        click(&app, "detail-tab-yaml").await;
        app.wait_js(
            "yaml loaded",
            "document.querySelector('[data-testid=yaml-editor]')?.value.includes('name: postgres')",
        )
        .await;
        app.screenshot("detail-yaml").await;

        // 6. A disruption budget, reviewed then applied: policy/v1beta1 on this server.
        click(&app, "detail-tab-details").await;
        app.wait_js(
            "no budget yet",
            "document.querySelector('[data-testid=pdb-edit]')?.textContent.includes('Add budget')",
        )
        .await;
        click(&app, "pdb-edit").await;
        app.find("[data-testid=pdb-field]")
            .await
            .select_by_value("maxUnavailable")
            .await
            .unwrap();
        type_into(&app, "pdb-value", "1").await;
        click(&app, "pdb-review").await;
        app.wait_js(
            "budget diff",
            "document.querySelector('[data-testid=yaml-outcome]')?.dataset.outcome === 'changes' && document.querySelector('[data-testid=yaml-diff]')?.textContent.includes('maxUnavailable')",
        )
        .await;
        let diff = app
            .js("return document.querySelector('[data-testid=yaml-diff]').textContent")
            .await;
        assert!(
            diff.as_str().unwrap_or_default().contains("postgres-pdb"),
            "the budget's diff names it: {diff}"
        );
        app.screenshot("budget-review").await;
        click(&app, "yaml-apply").await;
        app.find("[data-testid=pdb-done]").await;
        wait_long(
            &app,
            "budget summary",
            "document.querySelector('[data-testid=sts-detail]')?.textContent.includes('max 1 unavailable')",
            20,
        )
        .await;
        app.screenshot("budget-applied").await;
        let pdbs: Api<DynamicObject> = Api::namespaced_with(
            client.clone(),
            &ns,
            &ApiResource::from_gvk_with_plural(
                &GroupVersionKind::gvk("policy", "v1beta1", "PodDisruptionBudget"),
                "poddisruptionbudgets",
            ),
        );
        let pdb = pdbs
            .get("postgres-pdb")
            .await
            .unwrap_or_else(|e| panic!("policy/v1beta1 PodDisruptionBudget postgres-pdb: {e}"));
        assert_eq!(pdb.data["spec"]["maxUnavailable"], json!(1), "{:?}", pdb.data);

        // 7. A YAML edit: a label, reviewed as a dry-run diff, then applied.
        click(&app, "detail-tab-yaml").await;
        app.wait_js(
            "yaml with the label",
            "document.querySelector('[data-testid=yaml-editor]')?.value.includes('e2e-edit: before')",
        )
        .await;
        assert_eq!(
            app.js(&edit_yaml("e2e-edit: before", "e2e-edit: after")).await,
            true
        );
        click(&app, "yaml-review").await;
        app.wait_js(
            "review outcome",
            "['changes','conflicts'].includes(document.querySelector('[data-testid=yaml-outcome]')?.dataset.outcome)",
        )
        .await;
        app.wait_js(
            "the diff shows the new label",
            "document.querySelector('[data-testid=yaml-diff]')?.textContent.includes('e2e-edit: after')",
        )
        .await;
        app.screenshot("yaml-review").await;
        assert_eq!(
            sets.get("postgres").await.unwrap().metadata.labels.unwrap()["e2e-edit"],
            "before",
            "a review writes nothing"
        );
        // The seed's field manager (kube-rs) owns the label: applying may mean taking it over.
        let button = if app
            .js("return document.querySelector('[data-testid=yaml-outcome]').dataset.outcome")
            .await
            == "conflicts"
        {
            "yaml-force"
        } else {
            "yaml-apply"
        };
        click(&app, button).await;
        app.find("[data-testid=yaml-applied]").await;
        app.screenshot("yaml-applied").await;
        eventually("the label on the server", 20, || async {
            sets.get("postgres")
                .await
                .ok()
                .and_then(|s| s.metadata.labels)
                .and_then(|l| l.get("e2e-edit").cloned())
                .as_deref()
                == Some("after")
        })
        .await;

        // 8. Delete memcached, confirmed with the typed word.
        click(&app, "breadcrumb-list").await;
        app.wait_js(
            "nothing selected",
            "document.querySelectorAll('[data-testid=sts-row][data-selected=true]').length === 0",
        )
        .await;
        click_checkbox(&app, &key("memcached")).await;
        click(&app, "batch-delete").await;
        let input = app.find("[data-testid=delete-confirm-input]").await;
        input.send_keys("confirm").await.unwrap();
        app.wait_js(
            "delete disabled on a wrong word",
            "document.querySelector('[data-testid=delete-confirm-button]').disabled",
        )
        .await;
        input.send_keys("ed").await.unwrap();
        app.wait_js(
            "delete enabled",
            "!document.querySelector('[data-testid=delete-confirm-button]').disabled",
        )
        .await;
        app.screenshot("delete-dialog").await;
        click(&app, "delete-confirm-button").await;
        wait_long(&app, "memcached gone", &format!("!{}", row(&key("memcached"), "")), 30).await;
        assert_eq!(
            app.js("return document.querySelectorAll('[data-testid=sts-row]').length")
                .await,
            2,
            "only memcached is deleted"
        );
        eventually("memcached deleted on the server", 30, || async {
            matches!(
                sets.get("memcached").await,
                Err(kube::Error::Api(e)) if e.code == 404
            )
        })
        .await;
        assert!(sets.get("postgres").await.is_ok() && sets.get("redis").await.is_ok());
        app.screenshot("after-delete").await;
        app.close().await;
    })
    .await;
}

/// The read-only viewer of a real server (RBAC: get/list/watch in `default` only): its context
/// lists `default`, Create and every batch action are disabled before any click, saying what RBAC
/// refuses. Then the admin's list and detail in Simplified Chinese.
#[tokio::test]
#[ignore = "needs ORDINAL_TEST_KUBECONFIG (a real cluster); scripts/test runs it in the real pass"]
async fn real_cluster_viewer_rbac_and_chinese() {
    with_seed(true, |kc, seed, _client| async move {
        let ns = seed.ns.clone();
        let viewer_sts = seed.viewer_sts.clone().unwrap();
        let app = start_app(&kc).await;
        connect_real_and_pick_namespace(&app, &ns).await;

        // 9. The viewer, through the cluster switcher.
        app.find("[data-testid=cluster-switcher]")
            .await
            .select_by_value("real-viewer")
            .await
            .unwrap();
        click(&app, "connect-button").await;
        let viewer_key = format!("default/{viewer_sts}");
        wait_long(
            &app,
            "the viewer's StatefulSet in default",
            &format!(
                "{}?.textContent.includes('1 of 1')",
                row(&viewer_key, "[data-testid=row-status]")
            ),
            40,
        )
        .await;
        assert_eq!(
            app.js("return document.querySelector('[data-testid=namespace-select]').value")
                .await,
            "default",
            "the viewer's context namespace"
        );
        wait_long(
            &app,
            "create disabled by RBAC",
            "(() => { const b = document.querySelector('[data-testid=create-sts]'); return b?.disabled && (b.title || '').startsWith('Forbidden'); })()",
            20,
        )
        .await;
        let create_title = app
            .js("return document.querySelector('[data-testid=create-sts]').title")
            .await;
        assert_eq!(
            create_title, "Forbidden: you may not create statefulsets.apps in default",
            "create-sts title"
        );
        click_checkbox(&app, &viewer_key).await;
        wait_long(
            &app,
            "batch buttons disabled by RBAC",
            "['start','restart','stop','delete'].every(id => { const b = document.querySelector(`[data-testid=batch-${id}]`); return b?.disabled && (b.parentElement.title || '').startsWith('Forbidden'); }) && !!document.querySelector('[data-testid=rbac-readonly]')",
            20,
        )
        .await;
        let reasons = app
            .js("return ['start','restart','stop','delete'].map(id => document.querySelector(`[data-testid=batch-${id}]`).parentElement.title)")
            .await;
        for reason in reasons.as_array().unwrap() {
            let reason = reason.as_str().unwrap();
            assert!(
                reason.starts_with("Forbidden: you may not ")
                    && reason.contains("statefulsets.apps")
                    && reason.ends_with(" in default"),
                "batch button reason: {reason}"
            );
        }
        app.screenshot("viewer-rbac-disabled").await;

        // 10. Back to the admin (still connected), in Chinese: the list and the detail.
        app.find("[data-testid=cluster-switcher]")
            .await
            .select_by_value("real")
            .await
            .unwrap();
        click(&app, "nav-settings").await;
        app.find("[data-testid=settings-language]")
            .await
            .select_by_value("zh-CN")
            .await
            .unwrap();
        app.wait_js("chinese", "document.documentElement.lang === 'zh-CN'")
            .await;
        click(&app, "nav-statefulsets").await;
        let pg = format!("{ns}/postgres");
        wait_long(
            &app,
            "the admin's rows in chinese",
            &format!(
                "document.querySelectorAll('[data-testid=sts-row]').length === 3 && !!{}",
                row(&pg, "[data-testid=doctor-badge]")
            ),
            30,
        )
        .await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        app.screenshot("zh-list").await;
        app.js(&format!(
            "{}.click(); return true",
            row(&pg, "[data-testid=row-name]")
        ))
        .await;
        app.find("[data-testid=sts-detail]").await;
        wait_long(
            &app,
            "pod ring in chinese",
            "document.querySelector('[data-testid=pod-ring]')?.dataset.ready === '3'",
            20,
        )
        .await;
        app.screenshot("zh-detail").await;
        click(&app, "detail-tab-pods").await;
        app.find("[data-testid=ordinal-row]").await;
        app.screenshot("zh-detail-pods").await;
        app.close().await;
    })
    .await;
}
