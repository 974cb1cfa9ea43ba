//! A StatefulSet's storage in the real window, on the demo cluster (issue #17): the Storage tab
//! of postgres lists its claims with capacity and usage; growing `data` from 10Gi to 20Gi shows
//! progress per ordinal, re-creates the set and keeps the same pods (names, uids, start times);
//! a class without expansion is refused at the preflight, naming it; the claim a scale-down leaves
//! is listed as orphaned and deleted with the typed word. English and Chinese screenshots.
//! Run with `cargo test --features custom-protocol --test e2e_storage -- --ignored`.

mod support;

use std::path::Path;

use support::{click, kubectl, row, type_into, App, Launch};

/// Each postgres pod's name, uid and start time.
fn postgres_pods(kubeconfig: &Path) -> String {
    kubectl(
        kubeconfig,
        &[
            "get", "pods", "-n", "db", "-l", "app=postgres", "--sort-by=.metadata.name", "-o",
            "jsonpath={range .items[*]}{.metadata.name} {.metadata.uid} {.status.startTime}{\"\\n\"}{end}",
        ],
    )
}

async fn open_detail(app: &App, key: &str) {
    app.js(&format!(
        "{}.click(); return true",
        row(key, "[data-testid=row-name]")
    ))
    .await;
    click(app, "detail-tab-storage").await;
    app.find("[data-testid=storage-tab]").await;
}

#[tokio::test]
#[ignore = "drives the real window; run with -- --ignored"]
async fn storage_tab_grow_refusal_and_orphans() {
    let launch = Launch::new("storage");
    let home = launch.path("home");
    std::fs::create_dir_all(&home).unwrap();
    let app = launch.env("HOME", home.display().to_string()).start().await;
    let kubeconfig = app.dir.path().join("data/demo/kubeconfig");
    app.wait_js(
        "demo rows",
        "document.querySelectorAll('[data-testid=sts-row]').length >= 8",
    )
    .await;
    app.wait_js(
        "postgres ready",
        &format!(
            "{}?.textContent.includes('3 of 3')",
            row("db/postgres", "[data-testid=row-status]")
        ),
    )
    .await;

    // The tab: three claims, 10Gi each, with the used space the kubelets report.
    open_detail(&app, "db/postgres").await;
    app.wait_js(
        "three bound claims with capacity and usage",
        "(() => { const c = [...document.querySelectorAll('[data-testid=storage-claim]')]; \
           const u = [...document.querySelectorAll('[data-testid=storage-usage]')]; \
           return c.length === 3 && c.every(x => x.dataset.phase === 'Bound' && x.dataset.capacity === '10Gi') \
             && u.length === 3 && u.every(x => Number(x.dataset.percent) > 0); })()",
    )
    .await;
    app.screenshot("tab-en").await;
    let before = postgres_pods(&kubeconfig);
    assert_eq!(before.lines().count(), 3, "{before}");

    // Grow data 10Gi → 20Gi: preflight, then progress per ordinal, then the set re-created.
    app.js("document.querySelector('[data-testid=grow-open][data-template=data]').click(); return true")
        .await;
    app.find("[data-testid=grow-dialog]").await;
    type_into(&app, "grow-size", "20Gi").await;
    click(&app, "grow-check-run").await;
    app.wait_js(
        "every check passes",
        "(() => { const c = [...document.querySelectorAll('[data-testid=grow-check]')]; \
           return c.length >= 5 && c.every(x => x.dataset.ok === 'true'); })()",
    )
    .await;
    app.screenshot("grow-preflight-en").await;
    click(&app, "grow-start").await;
    app.wait_js(
        "grown",
        "document.querySelector('[data-testid=grow-finished]')?.dataset.ok === 'true'",
    )
    .await;
    let per_ordinal = app
        .js("return [...document.querySelectorAll('[data-testid=grow-claim]')].map(x => x.dataset.ordinal + ':' + x.dataset.state).sort().join(',')")
        .await;
    assert_eq!(per_ordinal, "0:done,1:done,2:done");
    let steps = app
        .js("return [...document.querySelectorAll('[data-testid=grow-step]')].map(x => x.dataset.state).join(',')")
        .await;
    assert_eq!(steps, "done,done,done,done,done");
    app.screenshot("grow-done-en").await;
    click(&app, "grow-close").await;
    app.wait_js(
        "20Gi everywhere",
        "(() => { const c = [...document.querySelectorAll('[data-testid=storage-claim]')]; \
           return c.length === 3 && c.every(x => x.dataset.capacity === '20Gi'); })()",
    )
    .await;
    assert_eq!(
        postgres_pods(&kubeconfig),
        before,
        "the same pods, never restarted"
    );
    // The detail followed the set through its re-creation: the Pods tab's claims are 20Gi.
    click(&app, "detail-tab-pods").await;
    app.wait_js(
        "the Pods tab's storage column at 20Gi",
        "(() => { const c = [...document.querySelectorAll('[data-testid=pods-storage]')]; \
           return c.length === 3 && c.every(x => x.textContent.includes('20Gi')); })()",
    )
    .await;
    click(&app, "detail-tab-storage").await;
    let template = kubectl(
        &kubeconfig,
        &[
            "get",
            "sts",
            "postgres",
            "-n",
            "db",
            "-o",
            "jsonpath={.spec.volumeClaimTemplates[0].spec.resources.requests.storage}",
        ],
    );
    assert_eq!(template, "20Gi");

    // An orphan: scale 3 → 2 leaves data-postgres-2; deleted with the typed word.
    kubectl(
        &kubeconfig,
        &["scale", "sts", "postgres", "-n", "db", "--replicas=2"],
    );
    app.wait_js(
        "the orphaned claim",
        "!!document.querySelector('[data-testid=storage-orphan][data-name=data-postgres-2]')",
    )
    .await;
    // Its pod must be gone before the claim can go (a mounted claim is refused).
    for _ in 0..100 {
        if postgres_pods(&kubeconfig).lines().count() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    app.screenshot("orphan-en").await;
    app.js("document.querySelector('[data-testid=storage-orphan][data-name=data-postgres-2] [data-testid=orphan-select]').click(); return true")
        .await;
    click(&app, "orphans-delete").await;
    type_into(&app, "orphans-confirm", "confirmed").await;
    click(&app, "orphans-confirm-delete").await;
    app.wait_js(
        "deleted",
        "document.querySelector('[data-testid=orphan-result][data-name=data-postgres-2]')?.dataset.ok === 'true'",
    )
    .await;
    app.screenshot("orphan-deleted-en").await;
    if let Some(close) = app
        .find_all("[data-testid=orphans-close]")
        .await
        .into_iter()
        .next()
    {
        close.click().await.unwrap();
    }
    app.wait_js(
        "no orphan left",
        "!document.querySelector('[data-testid=storage-orphan]')",
    )
    .await;

    // zookeeper's class cannot grow volumes: refused at the preflight, naming the class.
    click(&app, "nav-settings").await;
    app.find("[data-testid=settings-language]")
        .await
        .select_by_value("zh-CN")
        .await
        .unwrap();
    app.wait_js("chinese", "document.documentElement.lang === 'zh-CN'")
        .await;
    click(&app, "nav-statefulsets").await;
    app.wait_js(
        "rows again",
        "document.querySelectorAll('[data-testid=sts-row]').length >= 8",
    )
    .await;
    open_detail(&app, "messaging/zookeeper").await;
    app.wait_js(
        "zookeeper's claims",
        "document.querySelectorAll('[data-testid=storage-claim]').length === 3",
    )
    .await;
    app.screenshot("tab-zh").await;
    app.js("document.querySelector('[data-testid=grow-open]').click(); return true")
        .await;
    type_into(&app, "grow-size", "10Gi").await;
    click(&app, "grow-check-run").await;
    app.wait_js(
        "the class check fails and names local-hdd",
        "(() => { const c = document.querySelector('[data-testid=grow-check][data-key=\"grow.check.class\"]'); \
           return c?.dataset.ok === 'false' && c.textContent.includes('local-hdd'); })()",
    )
    .await;
    let start_disabled = app
        .js("return document.querySelector('[data-testid=grow-start]')?.disabled ?? true")
        .await;
    assert_eq!(start_disabled, true, "Grow stays disabled");
    app.screenshot("grow-refused-zh").await;
    app.close().await;
}
