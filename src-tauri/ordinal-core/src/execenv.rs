//! Exec credential plugins that work from a GUI.
//!
//! A desktop app started from a menu inherits a minimal PATH, so `aws`, `gke-gcloud-auth-plugin`
//! or `kubelogin` are "not found" although they work in a terminal. Ordinal runs plugins with
//! the PATH of the user's login shell (read once, in the background, with a timeout), plus a
//! per-context override from the settings, and resolves the command to an absolute path that
//! the Contexts page shows.
//!
//! - [`ExecEnv`]: the effective PATH and extra env of one context's plugin.
//! - [`ExecEnv::apply`]: rewrites a user entry's `exec` (absolute command, PATH and env added).
//! - [`preflight`]: "Test connection": runs the plugin once and reports its exit code, stderr,
//!   timing and whether it printed a usable ExecCredential. Its stdout (the credential) is
//!   parsed and dropped, never returned.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use crate::settings::ExecOverride;

#[cfg(windows)]
const SEP: char = ';';
#[cfg(not(windows))]
const SEP: char = ':';

/// How long the login shell may take to print its PATH, and a plugin to answer.
const SHELL_TIMEOUT: Duration = Duration::from_secs(3);
pub const PLUGIN_TIMEOUT: Duration = Duration::from_secs(30);
/// At most this much of a plugin's stderr is reported.
const STDERR_LIMIT: usize = 4096;

static LOGIN_PATH: OnceLock<Option<String>> = OnceLock::new();

/// PATH as the user's login shell sets it (`$SHELL -l -c 'echo $PATH'`), read once. `None` when
/// there is no `$SHELL`, it fails, or it takes longer than 3 s. Disabled by
/// `ORDINAL_NO_LOGIN_SHELL=1` (tests that need a fixed PATH).
pub fn login_shell_path() -> Option<String> {
    LOGIN_PATH
        .get_or_init(|| {
            if std::env::var_os("ORDINAL_NO_LOGIN_SHELL").is_some() || cfg!(windows) {
                return None;
            }
            let shell = std::env::var_os("SHELL").filter(|s| !s.is_empty())?;
            read_login_path(Path::new(&shell))
        })
        .clone()
}

const MARK: &str = "__ORDINAL_PATH__";

fn read_login_path(shell: &Path) -> Option<String> {
    let mut cmd = Command::new(shell);
    cmd.args([
        "-l",
        "-c",
        &format!("printf '\\n{MARK}%s{MARK}\\n' \"$PATH\""),
    ])
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    let out = run_with_timeout(cmd, SHELL_TIMEOUT).ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let start = text.find(MARK)? + MARK.len();
    let end = start + text[start..].find(MARK)?;
    let path = text[start..end].trim().to_string();
    (!path.is_empty()).then_some(path)
}

struct Output {
    status: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    timed_out: bool,
}

/// Runs `cmd` to completion, killing it after `timeout`.
fn run_with_timeout(mut cmd: Command, timeout: Duration) -> std::io::Result<Output> {
    let mut child = cmd.spawn()?;
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out_t = std::thread::spawn(move || {
        let mut b = Vec::new();
        if let Some(s) = stdout.as_mut() {
            let _ = s.read_to_end(&mut b);
        }
        b
    });
    let err_t = std::thread::spawn(move || {
        let mut b = Vec::new();
        if let Some(s) = stderr.as_mut() {
            let _ = s.read_to_end(&mut b);
        }
        b
    });
    let deadline = Instant::now() + timeout;
    let mut timed_out = false;
    let status = loop {
        if let Some(st) = child.try_wait()? {
            break st.code();
        }
        if Instant::now() >= deadline {
            timed_out = true;
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Ok(Output {
        status,
        stdout: out_t.join().unwrap_or_default(),
        stderr: err_t.join().unwrap_or_default(),
        timed_out,
    })
}

/// The environment one context's exec plugin runs with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecEnv {
    /// The effective PATH: the override's entries, then the login shell's, then the app's own.
    pub path: String,
    /// Extra variables from the override.
    pub env: BTreeMap<String, String>,
}

impl ExecEnv {
    /// The environment for a context with `override_` (from the settings), using the login
    /// shell's PATH when it could be read.
    pub fn for_context(override_: Option<&ExecOverride>) -> Self {
        Self::with_base(
            override_,
            login_shell_path(),
            std::env::var("PATH").unwrap_or_default(),
        )
    }

    /// Like [`ExecEnv::for_context`] with explicit inputs (for tests).
    pub fn with_base(
        override_: Option<&ExecOverride>,
        login_path: Option<String>,
        process_path: String,
    ) -> Self {
        let mut dirs: Vec<String> = Vec::new();
        let parts = override_
            .map(|o| o.path.clone())
            .into_iter()
            .chain(login_path)
            .chain(std::iter::once(process_path));
        for part in parts {
            for d in part.split(SEP).map(str::trim).filter(|d| !d.is_empty()) {
                if !dirs.iter().any(|x| x == d) {
                    dirs.push(d.to_string());
                }
            }
        }
        Self {
            path: dirs.join(&SEP.to_string()),
            env: override_.map(|o| o.env.clone()).unwrap_or_default(),
        }
    }

    /// The absolute path `command` runs as: itself when it names a path (relative paths were
    /// already resolved against the kubeconfig file), else the first executable in [`Self::path`].
    pub fn resolve(&self, command: &str) -> Option<PathBuf> {
        if command.is_empty() {
            return None;
        }
        let p = Path::new(command);
        if p.components().count() > 1 || p.is_absolute() {
            return is_executable(p).then(|| p.to_path_buf());
        }
        self.path
            .split(SEP)
            .map(|d| Path::new(d).join(command))
            .find(|c| is_executable(c))
    }

    /// Rewrites `user.exec` (a kubeconfig user body) to run the resolved binary with this
    /// environment: `command` made absolute when found, `PATH` and the override's variables
    /// added to `exec.env` (entries the kubeconfig sets itself win).
    pub fn apply(&self, user: &mut Value) {
        let Some(exec) = user.get_mut("exec").and_then(Value::as_object_mut) else {
            return;
        };
        let command = exec
            .get("command")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if let Some(found) = self.resolve(&command) {
            exec.insert(
                "command".into(),
                Value::String(found.to_string_lossy().into()),
            );
        }
        let mut env: Vec<Value> = exec
            .get("env")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let has = |env: &[Value], name: &str| {
            env.iter()
                .any(|e| e.get("name").and_then(Value::as_str) == Some(name))
        };
        for (k, v) in &self.env {
            if !has(&env, k) {
                env.push(json!({"name": k, "value": v}));
            }
        }
        if !has(&env, "PATH") {
            env.push(json!({"name": "PATH", "value": self.path}));
        }
        exec.insert("env".into(), Value::Array(env));
    }
}

fn is_executable(p: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(p) else {
        return false;
    };
    if !meta.is_file() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        true
    }
}

/// What "Test connection" found out about a context's exec plugin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PluginReport {
    /// The command as written in the kubeconfig.
    pub command: String,
    /// The binary that ran (or would run); `None` when not found on the effective PATH.
    pub resolved: Option<String>,
    /// The PATH it ran with.
    pub path: String,
    /// Its exit code (`None` when it did not run, was killed, or timed out).
    pub exit_code: Option<i32>,
    /// The start of its stderr (plugins print their own errors there).
    pub stderr: String,
    #[ts(type = "number")]
    pub duration_ms: u64,
    /// It printed an ExecCredential with a token or a client certificate.
    pub ok: bool,
    /// A one-line verdict for the user (why it failed, or what it returned).
    pub message: String,
}

/// Runs the exec plugin of `user` (a kubeconfig user body, relative paths resolved) once, like
/// a client would, and reports. The credential it prints is checked and dropped.
pub fn preflight(user: &Value, env: &ExecEnv) -> Option<PluginReport> {
    let exec = user.get("exec").filter(|e| e.is_object())?;
    let command = exec
        .get("command")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let api_version = exec
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("client.authentication.k8s.io/v1")
        .to_string();
    let resolved = env.resolve(&command);
    let mut report = PluginReport {
        command: command.clone(),
        resolved: resolved.as_ref().map(|p| p.to_string_lossy().into()),
        path: env.path.clone(),
        exit_code: None,
        stderr: String::new(),
        duration_ms: 0,
        ok: false,
        message: String::new(),
    };
    if exec.get("interactiveMode").and_then(Value::as_str) == Some("Always") {
        report.message = format!(
            "this plugin asks for input in a terminal (interactiveMode: Always), which a desktop app cannot provide; run `kubectl version` with this context once in a terminal, or configure the plugin to cache its credential ({command})"
        );
        return Some(report);
    }
    let Some(bin) = resolved else {
        report.message = format!(
            "{command:?} was not found on the login shell's PATH or the context's PATH override; add its directory to the override or use an absolute path"
        );
        return Some(report);
    };
    let mut cmd = Command::new(&bin);
    let args: Vec<String> = exec
        .get("args")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    cmd.args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("PATH", &env.path);
    for (k, v) in &env.env {
        cmd.env(k, v);
    }
    if let Some(list) = exec.get("env").and_then(Value::as_array) {
        for e in list {
            if let (Some(k), Some(v)) = (
                e.get("name").and_then(Value::as_str),
                e.get("value").and_then(Value::as_str),
            ) {
                cmd.env(k, v);
            }
        }
    }
    let info = json!({"apiVersion": api_version, "kind": "ExecCredential", "spec": {"interactive": false}});
    cmd.env("KUBERNETES_EXEC_INFO", OsString::from(info.to_string()));
    let started = Instant::now();
    let out = match run_with_timeout(cmd, PLUGIN_TIMEOUT) {
        Ok(o) => o,
        Err(e) => {
            report.message = format!("could not start {}: {e}", bin.display());
            return Some(report);
        }
    };
    report.duration_ms = started.elapsed().as_millis() as u64;
    report.exit_code = out.status;
    let mut stderr = String::from_utf8_lossy(&out.stderr).to_string();
    if stderr.len() > STDERR_LIMIT {
        let mut cut = STDERR_LIMIT;
        while !stderr.is_char_boundary(cut) {
            cut -= 1;
        }
        stderr.truncate(cut);
        stderr.push('…');
    }
    report.stderr = stderr.trim_end().to_string();
    if out.timed_out {
        report.message = format!(
            "the plugin did not finish within {} s (is it waiting for a browser login or input?)",
            PLUGIN_TIMEOUT.as_secs()
        );
        return Some(report);
    }
    if out.status != Some(0) {
        report.message = format!(
            "the plugin exited with code {}",
            out.status.map_or("none (killed)".into(), |c| c.to_string())
        );
        return Some(report);
    }
    match serde_json::from_slice::<Value>(&out.stdout) {
        Ok(cred) if cred.get("kind").and_then(Value::as_str) == Some("ExecCredential") => {
            let status = cred.get("status").cloned().unwrap_or(Value::Null);
            let has = |k: &str| {
                status
                    .get(k)
                    .and_then(Value::as_str)
                    .is_some_and(|s| !s.is_empty())
            };
            if has("token") || (has("clientCertificateData") && has("clientKeyData")) {
                report.ok = true;
                let kind = if has("token") {
                    "a token"
                } else {
                    "a client certificate"
                };
                report.message = match status.get("expirationTimestamp").and_then(Value::as_str) {
                    Some(exp) => format!("the plugin returned {kind}, valid until {exp}"),
                    None => format!("the plugin returned {kind}"),
                };
            } else {
                report.message =
                    "the plugin's ExecCredential holds neither a token nor a client certificate and key".into();
            }
        }
        _ => {
            report.message =
                "the plugin's output is not an ExecCredential (JSON with kind: ExecCredential)"
                    .into();
        }
    }
    Some(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        p
    }

    #[test]
    fn path_order_is_override_then_login_shell_then_process_without_duplicates() {
        let o = ExecOverride {
            path: "/opt/a:/opt/b".into(),
            env: BTreeMap::from([("AWS_PROFILE".into(), "ops".into())]),
        };
        let e = ExecEnv::with_base(
            Some(&o),
            Some("/usr/local/bin:/opt/a".into()),
            "/usr/bin:/usr/local/bin".into(),
        );
        assert_eq!(e.path, "/opt/a:/opt/b:/usr/local/bin:/usr/bin");
        assert_eq!(e.env["AWS_PROFILE"], "ops");
    }

    #[test]
    fn resolves_a_bare_command_only_from_the_effective_path() {
        let dir = tempfile::tempdir().unwrap();
        let bin = script(dir.path(), "my-auth-plugin", "exit 0");
        let without = ExecEnv::with_base(None, None, "/usr/bin".into());
        assert_eq!(without.resolve("my-auth-plugin"), None);
        let with = ExecEnv::with_base(
            Some(&ExecOverride {
                path: dir.path().display().to_string(),
                env: BTreeMap::new(),
            }),
            None,
            "/usr/bin".into(),
        );
        assert_eq!(with.resolve("my-auth-plugin"), Some(bin.clone()));
        let mut user = json!({"exec": {"command": "my-auth-plugin", "env": [{"name": "PATH", "value": "/mine"}]}});
        with.apply(&mut user);
        assert_eq!(user["exec"]["command"], bin.display().to_string());
        // The kubeconfig's own PATH wins over ours.
        assert_eq!(
            user["exec"]["env"],
            json!([{"name": "PATH", "value": "/mine"}])
        );
    }

    #[test]
    fn the_login_shell_path_is_read_from_a_login_shell() {
        let dir = tempfile::tempdir().unwrap();
        // A fake shell that behaves like `sh -l -c CMD` with a profile adding a directory.
        let shell = script(
            dir.path(),
            "fake-shell",
            "PATH=/from/profile:$PATH; export PATH; echo 'motd noise'; shift; eval \"$2\"",
        );
        let p = read_login_path(&shell).unwrap();
        assert!(p.starts_with("/from/profile:"), "{p}");
    }

    #[cfg(unix)]
    #[test]
    fn preflight_reports_success_failure_and_interactive_plugins() {
        let dir = tempfile::tempdir().unwrap();
        let env = ExecEnv::with_base(
            Some(&ExecOverride {
                path: dir.path().display().to_string(),
                env: BTreeMap::from([("GREETING".into(), "hi".into())]),
            }),
            None,
            "/usr/bin:/bin".into(),
        );
        script(
            dir.path(),
            "good",
            r#"test "$GREETING" = hi || exit 3
case "$KUBERNETES_EXEC_INFO" in *v1beta1*) ;; *) exit 4;; esac
echo '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"s3cr3t-canary","expirationTimestamp":"2030-01-01T00:00:00Z"}}'"#,
        );
        let user = json!({"exec": {"command": "good", "apiVersion": "client.authentication.k8s.io/v1beta1"}});
        let r = preflight(&user, &env).unwrap();
        assert!(r.ok, "{r:?}");
        assert_eq!(r.exit_code, Some(0));
        assert!(r.message.contains("2030-01-01"), "{}", r.message);
        assert!(!format!("{r:?}").contains("s3cr3t-canary"));

        script(
            dir.path(),
            "bad",
            "echo 'error: SSO session expired; run aws sso login' >&2; exit 255",
        );
        let r = preflight(&json!({"exec": {"command": "bad"}}), &env).unwrap();
        assert!(!r.ok);
        assert_eq!(r.exit_code, Some(255));
        assert!(r.stderr.contains("SSO session expired"), "{}", r.stderr);
        assert!(r.message.contains("255"));

        let r = preflight(&json!({"exec": {"command": "nowhere-to-be-found"}}), &env).unwrap();
        assert!(!r.ok && r.resolved.is_none());
        assert!(r.message.contains("not found"), "{}", r.message);

        let r = preflight(
            &json!({"exec": {"command": "good", "interactiveMode": "Always"}}),
            &env,
        )
        .unwrap();
        assert!(!r.ok && r.exit_code.is_none());
        assert!(r.message.contains("terminal"), "{}", r.message);

        assert!(preflight(&json!({"token": "x"}), &env).is_none());
    }
}
