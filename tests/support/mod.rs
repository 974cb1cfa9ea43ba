//! End-to-end harness: the real `ordinal` binary in a real window, driven through WebDriver.
//!
//! Each [`App`] gets its own Xvfb display (1280x800), its own `tauri-driver` (which starts
//! `/usr/bin/WebKitWebDriver`, which starts the app), its own data directory and kubeconfig.
//! Tests using it are `#[ignore]`d and run explicitly with `-- --ignored --test-threads=1`
//! (scripts/test does), so a missing driver fails loudly instead of counting as a pass.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// One window at a time: WebKitWebDriver and Xvfb are heavy on a 2-core machine.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub const WAIT: Duration = Duration::from_secs(20);

pub struct App {
    pub client: Client,
    pub dir: tempfile::TempDir,
    scenario: String,
    display: u32,
    driver: Child,
    xvfb: Child,
    _lock: tokio::sync::MutexGuard<'static, ()>,
}

pub struct Launch {
    pub scenario: String,
    /// Extra environment for the app (KUBECONFIG etc.).
    pub env: Vec<(String, String)>,
    pub dir: tempfile::TempDir,
    /// The binary to start: this build's, or an installed one (the package check).
    pub application: PathBuf,
}

impl Launch {
    pub fn new(scenario: &str) -> Self {
        Self {
            scenario: scenario.to_string(),
            env: Vec::new(),
            dir: tempfile::tempdir().expect("tempdir"),
            application: PathBuf::from(env!("CARGO_BIN_EXE_ordinal")),
        }
    }

    /// Starts `path` instead of this build's binary.
    pub fn application(mut self, path: impl Into<PathBuf>) -> Self {
        self.application = path.into();
        self
    }

    pub fn env(mut self, key: &str, value: impl Into<String>) -> Self {
        self.env.push((key.to_string(), value.into()));
        self
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The environment the app runs in, whoever starts it.
    fn app_env(&self, cmd: &mut Command, display: u32, data_dir: &Path) {
        cmd.env("DISPLAY", format!(":{display}"))
            .env("ORDINAL_DATA_DIR", data_dir)
            .env("ORDINAL_LOG", "info")
            .env("LANG", "C.UTF-8")
            .env("LANGUAGE", "en")
            .env_remove("KUBECONFIG")
            // no GPU on CI machines; keep WebKit on its software path
            .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
            .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
    }

    /// Starts the app binary directly, without WebDriver (whose session setup delays the page's
    /// start by about a second): for timing a start as a user sees it, through the app's log.
    pub async fn start_plain(self) -> PlainApp {
        let lock = ONE_AT_A_TIME.lock().await;
        let (display, xvfb) = start_xvfb();
        let data_dir = self.dir.path().join("data");
        std::fs::create_dir_all(&data_dir).unwrap();
        let out = std::fs::File::create(self.dir.path().join("app.out")).unwrap();
        let mut cmd = Command::new(&self.application);
        cmd.stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out);
        self.app_env(&mut cmd, display, &data_dir);
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let child = cmd.spawn().expect("start the ordinal binary");
        PlainApp {
            dir: self.dir,
            child,
            xvfb,
            _lock: lock,
        }
    }

    /// Starts the app under WebDriver and waits for its shell.
    pub async fn start(self) -> App {
        self.start_until("[data-testid=app-shell]").await
    }

    /// Starts the application under WebDriver and waits for an element matching `ready` (`body`
    /// for the benchmark's empty floor window).
    pub async fn start_until(self, ready: &str) -> App {
        let lock = ONE_AT_A_TIME.lock().await;
        // several rustls providers are compiled in (kube uses ring, other crates aws-lc): pick one
        let _ = rustls::crypto::ring::default_provider().install_default();
        let (display, xvfb) = start_xvfb();

        let port = free_port();
        let native_port = free_port();
        let data_dir = self.dir.path().join("data");
        std::fs::create_dir_all(&data_dir).unwrap();
        let log = std::fs::File::create(self.dir.path().join("driver.log")).unwrap();
        let mut cmd = Command::new(tauri_driver());
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .args(["--native-driver", "/usr/bin/WebKitWebDriver"])
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log);
        self.app_env(&mut cmd, display, &data_dir);
        // its own process group, so that closing kills WebKitWebDriver and the app with it
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let driver = cmd
            .spawn()
            .expect("tauri-driver is required (cargo install tauri-driver --locked)");
        wait_until(
            || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok(),
            "tauri-driver port",
        );

        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert(
            "tauri:options".into(),
            json!({ "application": self.application }),
        );
        // On a loaded machine tauri-driver sometimes drops the first session request while
        // WebKitWebDriver is still starting (hyper's IncompleteMessage): ask again, a few times.
        let mut attempt = 0;
        let client = loop {
            attempt += 1;
            match ClientBuilder::rustls()
                .expect("rustls")
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => break client,
                Err(e) if attempt < 4 => {
                    eprintln!("WebDriver session, attempt {attempt}: {e}; retrying");
                    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                }
                Err(e) => panic!("WebDriver session with the Ordinal window: {e}"),
            }
        };
        let app = App {
            client,
            dir: self.dir,
            scenario: self.scenario,
            display,
            driver,
            xvfb,
            _lock: lock,
        };
        app.find(ready).await;
        app
    }
}

impl App {
    /// Waits for one element matching `css`.
    pub async fn find(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(e) => e,
            Err(err) => {
                self.screenshot("FAILED-find").await;
                panic!(
                    "[{}] element {css} did not appear: {err}\n{}",
                    self.scenario,
                    self.driver_log_tail()
                )
            }
        }
    }

    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_default()
    }

    /// Waits until `probe` (a JS expression) evaluates to true in the page.
    pub async fn wait_js(&self, what: &str, probe: &str) {
        let deadline = Instant::now() + WAIT;
        let script = format!("return !!({probe});");
        loop {
            if let Ok(v) = self.client.execute(&script, vec![]).await {
                if v.as_bool() == Some(true) {
                    return;
                }
            }
            if Instant::now() > deadline {
                self.screenshot(&format!("FAILED-{}", what.replace(' ', "-")))
                    .await;
                panic!(
                    "[{}] timed out waiting for {what} ({probe})\n{}",
                    self.scenario,
                    self.driver_log_tail()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The last lines the driver and the app printed (for failure messages).
    pub fn driver_log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.path().join("driver.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        format!(
            "--- driver/app log (tail) ---\n{}",
            lines[lines.len().saturating_sub(40)..].join("\n")
        )
    }

    pub async fn js(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, vec![])
            .await
            .expect("execute script")
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap_or_default()
    }

    /// Saves a PNG of the screen (the whole 1280x800 Xvfb display, so it shows what a user sees,
    /// native dialogs included) to `target/e2e-screenshots/<scenario>-<name>.png`.
    /// (WebKitWebDriver's own screenshot command hangs under Xvfb without compositing.)
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{}-{}.png", self.scenario, name));
        // let the last frame paint
        tokio::time::sleep(Duration::from_millis(250)).await;
        let status = Command::new("import")
            .args(["-display", &format!(":{}", self.display), "-window", "root"])
            .arg(&path)
            .stdin(Stdio::null())
            .status();
        match status {
            Ok(s) if s.success() => {}
            other => eprintln!("screenshot {name} failed ({other:?}); is imagemagick installed?"),
        }
        path
    }

    pub async fn close(self) {
        let _ = tokio::time::timeout(Duration::from_secs(5), self.client.clone().close()).await;
        // Drop kills the rest
    }
}

impl Drop for App {
    fn drop(&mut self) {
        kill_group(&mut self.driver);
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}

/// The app started without WebDriver ([`Launch::start_plain`]); killed with its display on drop.
pub struct PlainApp {
    pub dir: tempfile::TempDir,
    child: Child,
    xvfb: Child,
    _lock: tokio::sync::MutexGuard<'static, ()>,
}

impl PlainApp {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for a line of the process's standard output or error containing `needle`.
    pub async fn wait_output(&self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let out = std::fs::read_to_string(self.dir.path().join("app.out")).unwrap_or_default();
            if let Some(line) = out.lines().find(|l| l.contains(needle)) {
                return line.to_string();
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {needle:?} in the output:\n{out}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits for a line of the app's log containing `needle`, and returns it.
    pub async fn wait_log(&self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        let logs = self.dir.path().join("data").join("logs");
        loop {
            let text: String = std::fs::read_dir(&logs)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
                .collect();
            if let Some(line) = text.lines().find(|l| l.contains(needle)) {
                return line.to_string();
            }
            let out = std::fs::read_to_string(self.dir.path().join("app.out")).unwrap_or_default();
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {needle:?} in the app's log:\n{text}\n{out}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for PlainApp {
    fn drop(&mut self) {
        kill_group(&mut self.child);
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}

/// An Xvfb server (1280x800) on a free display.
fn start_xvfb() -> (u32, Child) {
    let display = free_display();
    let xvfb = Command::new("Xvfb")
        .args([
            &format!(":{display}"),
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb is required for the end-to-end suite (apt-get install xvfb)");
    wait_until(
        || Path::new(&format!("/tmp/.X11-unix/X{display}")).exists(),
        "Xvfb socket",
    );
    (display, xvfb)
}

fn kill_group(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .status();
    let _ = child.kill();
    let _ = child.wait();
}

pub fn screenshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("e2e-screenshots")
}

fn tauri_driver() -> PathBuf {
    if let Ok(p) = std::env::var("TAURI_DRIVER") {
        return p.into();
    }
    let home_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|c| c.join("bin").join("tauri-driver"));
    match home_bin {
        Some(p) if p.exists() => p,
        _ => PathBuf::from("tauri-driver"),
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A display number no live X server holds. A lock whose process is gone (an Xvfb killed
/// before it could clean up) is stale: it and its socket are removed and the number reused.
fn free_display() -> u32 {
    (90..200)
        .find(|n| {
            let lock = format!("/tmp/.X{n}-lock");
            let socket = format!("/tmp/.X11-unix/X{n}");
            let holder = std::fs::read_to_string(&lock)
                .ok()
                .and_then(|s| s.trim().parse::<u32>().ok());
            match holder {
                Some(pid) if Path::new(&format!("/proc/{pid}")).exists() => false,
                Some(_) => {
                    let _ = std::fs::remove_file(&lock);
                    let _ = std::fs::remove_file(&socket);
                    true
                }
                None => !Path::new(&lock).exists() && !Path::new(&socket).exists(),
            }
        })
        .expect("a free X display number")
}

fn wait_until(mut ready: impl FnMut() -> bool, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ready() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A small kubeconfig with the given context names (cluster servers are unreachable on purpose:
/// these tests exercise offline behaviour).
pub fn kubeconfig_with(contexts: &[&str]) -> String {
    let mut clusters = String::new();
    let mut users = String::new();
    let mut ctxs = String::new();
    for (i, name) in contexts.iter().enumerate() {
        clusters += &format!(
            "- name: {name}-cluster\n  cluster:\n    server: https://127.0.0.1:{}\n",
            1 + i
        );
        users += &format!("- name: {name}-user\n  user:\n    token: e2e-token-{i}\n");
        ctxs += &format!("- name: {name}\n  context:\n    cluster: {name}-cluster\n    user: {name}-user\n    namespace: ns-{i}\n");
    }
    format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: {}\nclusters:\n{clusters}users:\n{users}contexts:\n{ctxs}",
        contexts.first().copied().unwrap_or("")
    )
}

// ------------------------------------------------------------------------------------------
// Helpers the window suites share (the demo's e2e.rs and the real server's e2e_real.rs).

/// `kubectl` against a cluster of the window suites (the demo's `data/demo/kubeconfig`): its
/// output; a failure fails the test with kubectl's stderr.
pub fn kubectl(kubeconfig: &Path, args: &[&str]) -> String {
    let out = Command::new("kubectl")
        .env("KUBECONFIG", kubeconfig)
        .args(args)
        .output()
        .expect("kubectl");
    assert!(
        out.status.success(),
        "kubectl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A script expression for an element inside the StatefulSet row with `key` (`ns/name`).
pub fn row(key: &str, inner: &str) -> String {
    format!("document.querySelector('[data-testid=sts-row][data-key=\"{key}\"] {inner}')")
}

/// Clicks the element with `data-testid=testid`.
pub async fn click(app: &App, testid: &str) {
    app.find(&format!("[data-testid={testid}]"))
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {testid}: {e}"));
}

/// Replaces the text of an input (found again if React re-rendered it in between).
pub async fn type_into(app: &App, testid: &str, text: &str) {
    // Select all and delete with keys, as a user would: WebDriver's Element Clear sets the value
    // from script, which React's change tracking does not see, so a re-render between the clear
    // and the typing restored the old value ("1" + "3" = "13").
    const SELECT_ALL_DELETE: &str = "\u{E009}a\u{E000}\u{E017}";
    for attempt in 1.. {
        let input = app.find(&format!("[data-testid={testid}]")).await;
        let done = match input.send_keys(SELECT_ALL_DELETE).await {
            Ok(()) => input.send_keys(text).await,
            Err(e) => Err(e),
        };
        let value = input.prop("value").await.ok().flatten();
        match done {
            Ok(()) if value.as_deref() == Some(text) => return,
            Ok(()) if attempt < 3 => eprintln!("type into {testid}: reads {value:?}; again"),
            Ok(()) => panic!("type into {testid}: reads {value:?}, not {text:?}"),
            Err(e) if attempt < 3 => eprintln!("type into {testid}: {e}; again"),
            Err(e) => panic!("type into {testid}: {e}"),
        }
    }
}

/// A script that replaces the YAML editor's text through React's input path, as typing would.
pub fn edit_yaml(from: &str, to: &str) -> String {
    format!(
        "const el = document.querySelector('[data-testid=yaml-editor]'); \
         el.value = el.value.replace({from:?}, {to:?}); return el.value.includes({to:?})"
    )
}
