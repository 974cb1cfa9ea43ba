//! One ordinal's logs, shell and port-forward in the real window, on the demo cluster (issue
//! #16): postgres-1's logs show lines and follow new ones; the all-ordinals view shows lines of
//! every ordinal; a port-forward to postgres-1 answers naming the pod; the shell runs `hostname`
//! and a resize changes `stty size`; "run on every ordinal" shows each ordinal's hostname and exit
//! code; deleting postgres-1 keeps the log view and the forward alive (the boundary appears; the
//! forward answers from the new pod). On a read-only context the shell and forward are disabled
//! with the reason. English and Chinese screenshots.
//! Run with `cargo test --features custom-protocol --test e2e_pods -- --ignored`.

mod support;

use std::time::Duration;

use support::{click, kubectl, row, type_into, App, Launch};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ENTER: &str = "\u{E007}";

/// An HTTP request through a forward: the answer's text.
async fn http_get(addr: &str) -> std::io::Result<String> {
    let mut c = tokio::net::TcpStream::connect(addr).await?;
    c.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await?;
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), c.read_to_end(&mut out))
        .await
        .map_err(|_| std::io::Error::other("timeout"))??;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

async fn open_pods_tab(app: &App, key: &str) {
    app.wait_js(
        "demo rows",
        "document.querySelectorAll('[data-testid=sts-row]').length >= 8",
    )
    .await;
    // Ready in either language ("3 of 3", "3/3").
    app.wait_js(
        "ready",
        &format!(
            "/3\\D+3|3\\/3/.test({}?.textContent ?? '')",
            row(key, "[data-testid=row-status]")
        ),
    )
    .await;
    app.js(&format!(
        "{}.click(); return true",
        row(key, "[data-testid=row-name]")
    ))
    .await;
    click(app, "detail-tab-pods").await;
    app.find("[data-testid=pod-logs-1]").await;
}

/// The number of rendered log lines of `ordinal` in the visible log panel.
fn lines_of(ordinal: u32) -> String {
    format!("document.querySelectorAll('[data-testid=dock-panel]:not([hidden]) [data-testid=log-line][data-ordinal=\"{ordinal}\"]').length")
}

/// Bring the first dock tab of `kind` to the front (a click on the active tab would minimise).
async fn show_tab(app: &App, kind: &str) {
    app.js(&format!(
        "const t = [...document.querySelectorAll('[data-testid^=dock-tab-]')].find(t => t.dataset.kind === '{kind}'); \
         if (!t.classList.contains('is-active')) t.querySelector('.dock__tab-main').click(); return true"
    ))
    .await;
    app.wait_js(
        &format!("the {kind} tab in front"),
        &format!("[...document.querySelectorAll('[data-testid^=dock-tab-]')].find(t => t.dataset.kind === '{kind}').classList.contains('is-active')"),
    )
    .await;
}

/// Type a command line into the visible terminal.
async fn type_in_shell(app: &App, text: &str) {
    let ta = app
        .find("[data-testid=dock-panel]:not([hidden]) .xterm-helper-textarea")
        .await;
    ta.send_keys(&format!("{text}{ENTER}")).await.unwrap();
}

async fn shell_text(app: &App) -> String {
    app.js("return window.__ordinalShellText ? window.__ordinalShellText() : ''")
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn wait_shell(app: &App, what: &str, needle: &str) -> String {
    for _ in 0..150 {
        let t = shell_text(app).await;
        if t.contains(needle) {
            return t;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "{what}: the terminal never showed {needle:?}:\n{}",
        shell_text(app).await
    );
}

#[tokio::test]
#[ignore = "drives the real window; run with -- --ignored"]
async fn logs_shell_forward_and_run_follow_the_ordinal() {
    let launch = Launch::new("pods");
    let home = launch.path("home");
    std::fs::create_dir_all(&home).unwrap();
    let app = launch.env("HOME", home.display().to_string()).start().await;
    let kubeconfig = app.dir.path().join("data/demo/kubeconfig");
    open_pods_tab(&app, "db/postgres").await;

    // Logs of postgres-1: lines, live, and new lines while following.
    click(&app, "pod-logs-1").await;
    app.find("[data-testid=dock]").await;
    app.wait_js("postgres-1's lines", &format!("{} >= 3", lines_of(1)))
        .await;
    app.wait_js(
        "live",
        "document.querySelector('[data-testid=dock-panel]:not([hidden]) [data-testid=log-health]')?.dataset.state === 'live'",
    )
    .await;
    let n: u64 = app
        .js(&format!("return {}", lines_of(1)))
        .await
        .as_u64()
        .unwrap();
    app.wait_js("a new line followed", &format!("{} > {n}", lines_of(1)))
        .await;
    assert_eq!(
        app.js("return document.querySelectorAll('[data-testid=dock-panel]:not([hidden]) [data-testid=log-line]:not([data-ordinal=\"1\"])').length").await,
        0,
        "only postgres-1's lines"
    );
    app.screenshot("logs-one-en").await;

    // All ordinals merged.
    click(&app, "pod-menu-1").await;
    click(&app, "pod-logs-all").await;
    app.wait_js(
        "lines of every ordinal",
        &format!(
            "{} > 0 && {} > 0 && {} > 0",
            lines_of(0),
            lines_of(1),
            lines_of(2)
        ),
    )
    .await;
    app.screenshot("logs-all-en").await;

    // A forward to postgres-1: it answers naming the pod.
    click(&app, "pod-forward-1").await;
    app.find("[data-testid=forward-dialog]").await;
    click(&app, "forward-port-5432").await;
    click(&app, "forward-start").await;
    app.find("[data-testid=forward-started]").await;
    let addr = app
        .js("return document.querySelector('[data-testid=forward-started]').dataset.localAddress")
        .await
        .as_str()
        .unwrap()
        .to_string();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    let body = http_get(&addr).await.unwrap();
    assert!(
        body.contains("postgres-1"),
        "the forward reaches postgres-1: {body}"
    );
    app.screenshot("forward-started-en").await;
    click(&app, "forward-done").await;

    // A shell in postgres-1: hostname, and a resize changes stty size.
    click(&app, "pod-shell-1").await;
    app.wait_js(
        "the shell runs",
        "document.querySelector('[data-testid=dock-panel]:not([hidden]) [data-testid=shell-status]')?.dataset.state === 'running'",
    )
    .await;
    type_in_shell(&app, "hostname").await;
    wait_shell(&app, "hostname", "\npostgres-1\n").await;
    type_in_shell(&app, "stty size").await;
    let before = wait_shell(&app, "stty size", "stty size").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let size_of = |t: &str| {
        t.lines()
            .rev()
            .find(|l| {
                let p: Vec<&str> = l.split_whitespace().collect();
                p.len() == 2 && p.iter().all(|x| x.parse::<u32>().is_ok())
            })
            .map(String::from)
    };
    let text = shell_text(&app).await;
    let first = size_of(&text).unwrap_or_else(|| panic!("a size: {before}"));
    // Taller dock: more rows.
    app.js("const d = document.querySelector('[data-testid=dock]'); d.style.height = (d.getBoundingClientRect().height + 120) + 'px'; window.dispatchEvent(new Event('resize')); return true").await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    type_in_shell(&app, "clear").await;
    type_in_shell(&app, "stty size").await;
    let mut second = None;
    for _ in 0..50 {
        second = size_of(&shell_text(&app).await).filter(|s| *s != first);
        if second.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let text = shell_text(&app).await;
    let second = second.unwrap_or_else(|| panic!("stty size changed from {first}:\n{text}"));
    assert_ne!(first, second);
    app.screenshot("shell-en").await;

    // Run `hostname` on every ordinal.
    click(&app, "pod-menu-0").await;
    click(&app, "pod-run").await;
    type_into(&app, "run-command", "hostname").await;
    click(&app, "run-start").await;
    for o in 0..3 {
        app.wait_js(
            &format!("ordinal {o}'s result"),
            &format!("(() => {{ const r = document.querySelector('[data-testid=run-result-{o}]'); return r?.dataset.exitCode === '0' && r.textContent.includes('postgres-{o}'); }})()"),
        )
        .await;
    }
    app.screenshot("run-en").await;

    // postgres-1 deleted: the logs mark the new pod and go on; the forward reaches the new pod.
    show_tab(&app, "logs").await;
    let old_uid = kubectl(
        &kubeconfig,
        &[
            "get",
            "pod",
            "postgres-1",
            "-n",
            "db",
            "-o",
            "jsonpath={.metadata.uid}",
        ],
    );
    kubectl(
        &kubeconfig,
        &["delete", "pod", "postgres-1", "-n", "db", "--wait=false"],
    );
    app.wait_js(
        "the boundary",
        "!!document.querySelector('[data-testid=dock-panel]:not([hidden]) [data-testid=log-boundary][data-reason=newPod]')",
    )
    .await;
    let after_boundary = "(() => { const p = document.querySelector('[data-testid=dock-panel]:not([hidden])'); \
        const b = p.querySelector('[data-testid=log-boundary]'); \
        return [...p.querySelectorAll('[data-testid=log-line]')].some(l => b.compareDocumentPosition(l) & Node.DOCUMENT_POSITION_FOLLOWING); })()";
    app.wait_js("lines of the new pod after the boundary", after_boundary)
        .await;
    let new_uid = kubectl(
        &kubeconfig,
        &[
            "get",
            "pod",
            "postgres-1",
            "-n",
            "db",
            "-o",
            "jsonpath={.metadata.uid}",
        ],
    );
    assert_ne!(old_uid, new_uid, "a new pod");
    app.screenshot("logs-boundary-en").await;
    let mut answer = String::new();
    for _ in 0..100 {
        if let Ok(b) = http_get(&addr).await {
            if b.contains("postgres-1") {
                answer = b;
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        answer.contains("postgres-1"),
        "the forward answers from the new pod"
    );
    show_tab(&app, "forwards").await;
    app.wait_js(
        "the forward followed the ordinal",
        "(() => { const r = document.querySelector('[data-testid=forward-row]'); return r?.dataset.state === 'active' && Number(r.dataset.reattached) >= 1; })()",
    )
    .await;
    app.screenshot("forwards-en").await;

    // Chinese.
    click(&app, "nav-settings").await;
    app.find("[data-testid=settings-language]")
        .await
        .select_by_value("zh-CN")
        .await
        .unwrap();
    app.wait_js("chinese", "document.documentElement.lang === 'zh-CN'")
        .await;
    click(&app, "nav-statefulsets").await;
    open_pods_tab(&app, "db/postgres").await;
    show_tab(&app, "logs").await;
    app.wait_js("lines", &format!("{} > 0", lines_of(1))).await;
    app.screenshot("logs-zh").await;
    show_tab(&app, "forwards").await;
    app.screenshot("forwards-zh").await;
    app.close().await;
}

#[tokio::test]
#[ignore = "drives the real window; run with -- --ignored"]
async fn read_only_context_disables_shell_and_forward() {
    let launch = Launch::new("pods-readonly");
    let home = launch.path("home");
    std::fs::create_dir_all(&home).unwrap();
    let data = launch.path("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("settings.json"),
        serde_json::json!({"language": "zh-CN", "protection": {"ordinal:demo": "readOnly"}})
            .to_string(),
    )
    .unwrap();
    let app = launch.env("HOME", home.display().to_string()).start().await;
    open_pods_tab(&app, "db/postgres").await;
    for op in ["shell", "forward"] {
        app.wait_js(
            &format!("{op} disabled with the reason"),
            &format!("(() => {{ const b = document.querySelector('[data-testid=pod-{op}-1]'); return b?.disabled && b.dataset.disabledReason === '该上下文为只读'; }})()"),
        )
        .await;
    }
    // The operations column stays in view (sticky) with the disabled buttons.
    let logs_enabled = app
        .js("return !document.querySelector('[data-testid=pod-logs-1]').disabled")
        .await;
    assert_eq!(logs_enabled, true, "logs stay allowed");
    app.screenshot("readonly-zh").await;
    app.close().await;
}
