//! The YAML editor (CodeMirror 6) in the real window, on the demo cluster, with the server's own
//! OpenAPI schema: problems are marked before anything is sent, completion offers the fields of
//! `spec`, search finds text; in English on the light theme and in Chinese on the dark one.
//! Run with `cargo test --features custom-protocol --test e2e_editor -- --ignored`.

mod support;

use support::{click, row, App, Launch};

const CTRL: &str = "\u{E009}";
const SHIFT: &str = "\u{E008}";
const RELEASE: &str = "\u{E000}";
const ENTER: &str = "\u{E007}";
const ESCAPE: &str = "\u{E00C}";
const END: &str = "\u{E010}";

/// Opens postgres's YAML tab and waits for the text and the server's schema.
async fn open_postgres_yaml(app: &App) {
    app.wait_js(
        "demo rows",
        "document.querySelectorAll('[data-testid=sts-row]').length >= 8",
    )
    .await;
    app.js(&format!(
        "{}.click(); return true",
        row("db/postgres", "[data-testid=row-name]")
    ))
    .await;
    click(app, "detail-tab-yaml").await;
    app.wait_js(
        "the text and the schema",
        "(() => { const e = document.querySelector('[data-testid=yaml-editor]'); \
           return e?.value?.includes('name: postgres') && e.dataset.schema === 'loaded'; })()",
    )
    .await;
}

/// A wrong type and an unknown field, set as an edit; both are marked in the text and the gutter
/// and counted above the editor, before any review.
async fn break_spec(app: &App) {
    let ok = app
        .js("const el = document.querySelector('[data-testid=yaml-editor]'); \
             el.value = el.value.replace('  replicas: 3', '  replicas: \"three\"\\n  replicaCount: 3'); \
             return el.value.includes('replicaCount')")
        .await;
    assert_eq!(ok, true);
    app.wait_js(
        "two problems marked",
        "document.querySelectorAll('[data-testid=yaml-editor] .cm-lintRange-error').length >= 2 \
         && document.querySelectorAll('[data-testid=yaml-editor] .cm-lint-marker-error').length >= 2 \
         && /2/.test(document.querySelector('[data-testid=yaml-schema-problems]')?.textContent ?? '')",
    )
    .await;
}

/// Opens the diagnostics panel from the keyboard (Ctrl+Shift+M) and returns its text.
async fn lint_panel(app: &App) -> String {
    let content = app.find("[data-testid=yaml-editor] .cm-content").await;
    content.click().await.unwrap();
    content
        .send_keys(&format!("{CTRL}{SHIFT}m{RELEASE}"))
        .await
        .unwrap();
    app.find("[data-testid=yaml-editor] .cm-panel-lint").await;
    app.text("[data-testid=yaml-editor] .cm-panel-lint").await
}

#[tokio::test]
#[ignore = "drives the real window; run with -- --ignored"]
async fn yaml_editor_checks_completes_and_searches_against_the_servers_schema() {
    let launch = Launch::new("editor");
    let home = launch.path("home");
    std::fs::create_dir_all(&home).unwrap();
    let app = launch.env("HOME", home.display().to_string()).start().await;
    open_postgres_yaml(&app).await;
    assert_eq!(
        app.js("return document.documentElement.dataset.theme")
            .await,
        "light"
    );

    // Search: Ctrl+F, the match highlighted; Enter selects it, Escape returns to the text.
    let content = app.find("[data-testid=yaml-editor] .cm-content").await;
    content.click().await.unwrap();
    content
        .send_keys(&format!("{CTRL}f{RELEASE}"))
        .await
        .unwrap();
    let field = app
        .find("[data-testid=yaml-editor] .cm-search input[name=search]")
        .await;
    field.send_keys("serviceName").await.unwrap();
    app.wait_js(
        "the match highlighted",
        "document.querySelectorAll('[data-testid=yaml-editor] .cm-searchMatch').length === 1",
    )
    .await;
    field.send_keys(ENTER).await.unwrap();
    app.screenshot("search-en-light").await;
    field.send_keys(ESCAPE).await.unwrap();
    app.wait_js(
        "the search panel closed",
        "!document.querySelector('[data-testid=yaml-editor] .cm-search')",
    )
    .await;

    // Completion: a new line inside spec (after serviceName), Ctrl+Space: spec's fields that the
    // object does not set yet, each with its type.
    let content = app.find("[data-testid=yaml-editor] .cm-content").await;
    content
        .send_keys(&format!("{END}{ENTER}{CTRL} {RELEASE}"))
        .await
        .unwrap();
    app.wait_js(
        "spec's fields offered",
        "(() => { const o = [...document.querySelectorAll('.cm-tooltip-autocomplete li')].map(l => l.textContent); \
           return o.some(t => t.startsWith('minReadySeconds')) && !o.some(t => t.startsWith('replicas')) \
             && !o.some(t => t.startsWith('serviceName')); })()",
    )
    .await;
    app.screenshot("completion-en-light").await;
    // Typing narrows the list; Enter takes the field.
    content.send_keys("minRe").await.unwrap();
    app.wait_js(
        "one field left",
        "document.querySelectorAll('.cm-tooltip-autocomplete li').length === 1",
    )
    .await;
    content.send_keys(ENTER).await.unwrap();
    app.wait_js(
        "the field inserted",
        "document.querySelector('[data-testid=yaml-editor]').value.includes('\\n  minReadySeconds')",
    )
    .await;

    // Problems: a string where spec.replicas needs an integer, and a field spec does not have.
    break_spec(&app).await;
    let panel = lint_panel(&app).await;
    assert!(
        panel.contains("Unknown field spec.replicaCount"),
        "diagnostics: {panel}"
    );
    assert!(
        panel.contains("spec.replicas: expected integer, got string"),
        "diagnostics: {panel}"
    );
    // Review stays possible (the server has the last word), nothing was sent yet.
    assert!(app.find_all("[data-testid=yaml-outcome]").await.is_empty());
    app.screenshot("problems-en-light").await;

    // Chinese, dark theme: the same checks in the user's language.
    click(&app, "nav-settings").await;
    app.find("[data-testid=settings-theme]")
        .await
        .select_by_value("dark")
        .await
        .unwrap();
    app.find("[data-testid=settings-language]")
        .await
        .select_by_value("zh-CN")
        .await
        .unwrap();
    app.wait_js(
        "chinese, dark",
        "document.documentElement.lang === 'zh-CN' && document.documentElement.dataset.theme === 'dark'",
    )
    .await;
    click(&app, "nav-statefulsets").await;
    open_postgres_yaml(&app).await;
    break_spec(&app).await;
    let panel = lint_panel(&app).await;
    assert!(
        panel.contains("spec.replicaCount") && !panel.contains("Unknown field"),
        "diagnostics in Chinese: {panel}"
    );
    app.screenshot("problems-zh-dark").await;
    // CodeMirror's own panels speak the user's language too.
    let content = app.find("[data-testid=yaml-editor] .cm-content").await;
    content.click().await.unwrap();
    content
        .send_keys(&format!("{CTRL}f{RELEASE}"))
        .await
        .unwrap();
    app.find("[data-testid=yaml-editor] .cm-search input[name=search]")
        .await
        .send_keys("postgres")
        .await
        .unwrap();
    app.wait_js(
        "the search panel in Chinese",
        "(() => { const p = document.querySelector('[data-testid=yaml-editor] .cm-search'); \
           return p?.textContent.includes('下一个') && p.textContent.includes('全部替换'); })()",
    )
    .await;
    app.screenshot("search-zh-dark").await;
    app.close().await;
}
