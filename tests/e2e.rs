//! The end-to-end suite: the real app in a real window (see `support`). Run with
//! `cargo test --features custom-protocol --test e2e -- --ignored --test-threads=1`.
//! Every scenario saves screenshots to `target/e2e-screenshots/`.

mod support;

use support::{kubeconfig_with, Launch};

/// The shell renders; a command round trip (app version) and a Channel stream (the context list,
/// pushed again when the kubeconfig file changes on disk) both reach the DOM.
#[tokio::test]
#[ignore = "drives the real window; run with -- --ignored"]
async fn shell_round_trip_and_stream() {
    let launch = Launch::new("shell");
    let kubeconfig = launch.path("kubeconfig");
    std::fs::write(&kubeconfig, kubeconfig_with(&["prod-eu", "staging"])).unwrap();
    let app = launch
        .env("KUBECONFIG", kubeconfig.display().to_string())
        .start()
        .await;

    // command round trip
    app.wait_js(
        "app version",
        "document.querySelector('[data-testid=app-version]')?.textContent.includes('0.1.0')",
    )
    .await;
    // channel stream: the contexts from the file
    app.wait_js(
        "the file's two contexts, then the built-in demo cluster",
        "document.querySelectorAll('[data-testid=context-item]').length === 3",
    )
    .await;
    let names = app.js("return [...document.querySelectorAll('[data-testid=context-item]')].map(e => e.dataset.context)").await;
    assert_eq!(
        names,
        serde_json::json!(["prod-eu", "staging", "ordinal:demo"])
    );
    assert_eq!(app.js("return document.documentElement.lang").await, "en");
    app.screenshot("en-light").await;

    // the file changes on disk: the stream pushes the new list without a reload
    std::fs::write(
        &kubeconfig,
        kubeconfig_with(&["prod-eu", "staging", "dev-local"]),
    )
    .unwrap();
    app.wait_js(
        "third context streamed",
        "document.querySelectorAll('[data-testid=context-item]').length === 4",
    )
    .await;
    app.screenshot("after-file-change").await;
    app.close().await;
}

/// Settings switch the whole shell to Simplified Chinese and to the dark theme, and they persist.
#[tokio::test]
#[ignore = "drives the real window; run with -- --ignored"]
async fn shell_in_chinese_and_dark() {
    let launch = Launch::new("i18n-theme");
    let kubeconfig = launch.path("kubeconfig");
    std::fs::write(&kubeconfig, kubeconfig_with(&["prod-eu", "staging"])).unwrap();
    let app = launch
        .env("KUBECONFIG", kubeconfig.display().to_string())
        .start()
        .await;

    app.find("[data-testid=nav-settings]")
        .await
        .click()
        .await
        .unwrap();
    app.find("[data-testid=settings-theme]")
        .await
        .select_by_value("light")
        .await
        .unwrap();
    app.wait_js(
        "light theme",
        "document.documentElement.dataset.theme === 'light'",
    )
    .await;
    app.screenshot("settings-en-light").await;

    app.find("[data-testid=settings-language]")
        .await
        .select_by_value("zh-CN")
        .await
        .unwrap();
    app.wait_js("chinese", "document.documentElement.lang === 'zh-CN'")
        .await;
    let title = app.text("[data-testid=page-title]").await;
    assert_eq!(title, "设置", "the settings page title is translated");
    app.find("[data-testid=settings-theme]")
        .await
        .select_by_value("dark")
        .await
        .unwrap();
    app.wait_js(
        "dark theme",
        "document.documentElement.dataset.theme === 'dark'",
    )
    .await;
    app.screenshot("settings-zh-dark").await;

    app.find("[data-testid=nav-contexts]")
        .await
        .click()
        .await
        .unwrap();
    app.wait_js(
        "contexts page in chinese",
        "document.querySelector('[data-testid=page-title]')?.textContent === '上下文'",
    )
    .await;
    app.screenshot("contexts-zh-dark").await;

    // persisted in Ordinal's settings file
    let saved = std::fs::read_to_string(app.dir.path().join("data/settings.json")).unwrap();
    assert!(saved.contains("zh-CN") && saved.contains("dark"), "{saved}");
    app.close().await;
}

fn row(key: &str, inner: &str) -> String {
    format!("document.querySelector('[data-testid=sts-row][data-key=\"{key}\"] {inner}')")
}

/// No kubeconfig at all: the built-in demo cluster opens by itself. Batch Stop two StatefulSets
/// and Start them back to their own replica counts; a wrong confirmation word deletes nothing;
/// the detail shows every ordinal with its DNS name; everything again in Chinese.
#[tokio::test]
#[ignore = "drives the real window; run with -- --ignored"]
async fn demo_cluster_batch_actions_delete_and_detail() {
    let launch = Launch::new("demo");
    let home = launch.path("home");
    std::fs::create_dir_all(&home).unwrap();
    let app = launch.env("HOME", home.display().to_string()).start().await;

    // the demo cluster connects and streams its StatefulSets
    app.wait_js(
        "demo rows",
        "document.querySelectorAll('[data-testid=sts-row]').length >= 8",
    )
    .await;
    let pg = row("db/postgres", "[data-testid=row-status]");
    let redis = row("cache/redis", "[data-testid=row-status]");
    app.wait_js(
        "postgres ready",
        &format!("{pg}?.textContent.includes('3 of 3')"),
    )
    .await;
    app.wait_js(
        "redis ready",
        &format!("{redis}?.textContent.includes('6 of 6')"),
    )
    .await;
    app.screenshot("list-en").await;

    // batch Stop two StatefulSets
    for key in ["db/postgres", "cache/redis"] {
        app.js(&format!(
            "{}.click(); return true",
            row(key, "input[type=checkbox]")
        ))
        .await;
    }
    app.find("[data-testid=batch-stop]")
        .await
        .click()
        .await
        .unwrap();
    app.wait_js(
        "stop summary",
        "document.querySelector('[data-testid=batch-summary]')?.textContent.includes('2')",
    )
    .await;
    app.wait_js(
        "postgres stopped",
        &format!("{pg}?.textContent.includes('was 3')"),
    )
    .await;
    app.wait_js(
        "redis stopped",
        &format!("{redis}?.textContent.includes('was 6')"),
    )
    .await;
    app.screenshot("stopped").await;

    // Start brings each back to its own count
    app.find("[data-testid=batch-start]")
        .await
        .click()
        .await
        .unwrap();
    app.wait_js(
        "postgres back to 3",
        &format!("{pg}?.textContent.includes('3 of 3')"),
    )
    .await;
    app.wait_js(
        "redis back to 6",
        &format!("{redis}?.textContent.includes('6 of 6')"),
    )
    .await;
    app.screenshot("started").await;

    // Delete: nothing happens until the exact word is typed
    for key in ["db/postgres", "cache/redis"] {
        app.js(&format!(
            "{}.click(); return true",
            row(key, "input[type=checkbox]")
        ))
        .await;
    }
    app.wait_js(
        "nothing selected",
        "document.querySelectorAll('[data-testid=sts-row][data-selected=true]').length === 0",
    )
    .await;
    app.js(&format!(
        "{}.click(); return true",
        row("cache/memcached", "input[type=checkbox]")
    ))
    .await;
    app.find("[data-testid=batch-delete]")
        .await
        .click()
        .await
        .unwrap();
    let input = app.find("[data-testid=delete-confirm-input]").await;
    input.send_keys("confirm").await.unwrap();
    app.wait_js(
        "delete disabled on a wrong word",
        "document.querySelector('[data-testid=delete-confirm-button]').disabled",
    )
    .await;
    app.screenshot("delete-dialog-wrong-word").await;
    input.send_keys("ed").await.unwrap();
    app.wait_js(
        "delete enabled",
        "!document.querySelector('[data-testid=delete-confirm-button]').disabled",
    )
    .await;
    app.screenshot("delete-dialog-confirmed").await;
    app.find("[data-testid=delete-confirm-button]")
        .await
        .click()
        .await
        .unwrap();
    app.wait_js(
        "memcached gone",
        &format!("!{}", row("cache/memcached", "")),
    )
    .await;
    assert_eq!(
        app.js(&format!("return !!{}", row("db/postgres", "")))
            .await,
        true,
        "only the confirmed object is deleted"
    );

    // detail of postgres: every tab
    app.js(&format!(
        "{}.click(); return true",
        row("db/postgres", "[data-testid=row-name]")
    ))
    .await;
    app.find("[data-testid=sts-detail]").await;
    app.wait_js(
        "pod ring",
        "document.querySelector('[data-testid=pod-ring]')?.dataset.ready === '3'",
    )
    .await;
    app.screenshot("detail-details").await;
    app.find("[data-testid=detail-tab-pods]")
        .await
        .click()
        .await
        .unwrap();
    app.wait_js(
        "three ordinals",
        "document.querySelectorAll('[data-testid=ordinal-row]').length === 3",
    )
    .await;
    let dns = app.js("return [...document.querySelectorAll('[data-testid=dns-name]')].map(e => e.textContent)").await;
    assert_eq!(dns[0], "postgres-0.postgres.db.svc.cluster.local", "{dns}");
    app.screenshot("detail-pods").await;
    app.find("[data-testid=detail-tab-events]")
        .await
        .click()
        .await
        .unwrap();
    app.wait_js(
        "events",
        "document.querySelectorAll('[data-testid=event-row]').length > 0",
    )
    .await;
    app.screenshot("detail-events").await;

    // the same in Chinese
    app.find("[data-testid=nav-settings]")
        .await
        .click()
        .await
        .unwrap();
    app.find("[data-testid=settings-language]")
        .await
        .select_by_value("zh-CN")
        .await
        .unwrap();
    app.find("[data-testid=nav-statefulsets]")
        .await
        .click()
        .await
        .unwrap();
    app.wait_js(
        "chinese list",
        "document.querySelectorAll('[data-testid=sts-row]').length >= 7",
    )
    .await;
    app.screenshot("list-zh").await;
    app.close().await;
}
