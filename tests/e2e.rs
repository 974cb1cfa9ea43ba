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
        "two contexts",
        "document.querySelectorAll('[data-testid=context-item]').length === 2",
    )
    .await;
    let names = app.js("return [...document.querySelectorAll('[data-testid=context-item]')].map(e => e.dataset.context)").await;
    assert_eq!(names, serde_json::json!(["prod-eu", "staging"]));
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
        "document.querySelectorAll('[data-testid=context-item]').length === 3",
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
