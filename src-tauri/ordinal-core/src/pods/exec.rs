//! A shell in an ordinal's container (exec with a TTY: input, resize, output, exit code), and one
//! command run on several ordinals side by side. Keystrokes and output are never logged.

use std::time::{Duration, Instant};

use futures::{Stream, StreamExt};
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status as MetaStatus;
use kube::api::{AttachParams, AttachedProcess, TerminalSize};
use kube::Api;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;
use ts_rs::TS;

use super::{pod_name, PodError, Utf8Stream};
use crate::error::{Classify, IpcError};

/// Opening a shell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ShellRequest {
    pub context: String,
    pub namespace: String,
    pub pod: String,
    pub container: Option<String>,
    /// None: the user's setting (by default `bash`, then `sh`); else this argv.
    pub command: Option<Vec<String>>,
    pub cols: u16,
    pub rows: u16,
}

/// What a shell view receives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ShellEvent {
    Started {
        command: Vec<String>,
    },
    /// Terminal output, UTF-8 (a sequence split between reads is kept whole).
    Output {
        data: String,
    },
    /// The process ended: its exit code when the server said it.
    Exit {
        code: Option<i32>,
        message: Option<String>,
    },
    /// The connection failed.
    Error {
        error: IpcError,
    },
}

/// Input to a running shell.
#[derive(Debug)]
pub enum ShellInput {
    Data(Vec<u8>),
    Resize { cols: u16, rows: u16 },
}

/// The sending side of a shell: input and resizes. Dropping every handle and the event stream
/// ends the session.
#[derive(Clone, Debug)]
pub struct ShellHandle(mpsc::UnboundedSender<ShellInput>);

impl ShellHandle {
    pub fn input(&self, data: &[u8]) -> bool {
        self.0.send(ShellInput::Data(data.to_vec())).is_ok()
    }
    pub fn resize(&self, cols: u16, rows: u16) -> bool {
        self.0.send(ShellInput::Resize { cols, rows }).is_ok()
    }
}

/// The shells tried when the user set none: `bash` where the image has it, else `sh`.
pub fn default_shells() -> Vec<Vec<String>> {
    vec![vec!["bash".into()], vec!["sh".into()]]
}

/// The runtime's answer when a command does not exist in the image.
fn not_found(status: &MetaStatus) -> bool {
    let m = status
        .message
        .clone()
        .unwrap_or_default()
        .to_ascii_lowercase();
    m.contains("executable file not found")
        || m.contains("no such file or directory")
        || m.contains("not found")
}

/// The exit code of a finished exec, from its status (`NonZeroExitCode` carries an `ExitCode`
/// cause).
pub fn exit_code(status: Option<&MetaStatus>) -> (Option<i32>, Option<String>) {
    let Some(s) = status else {
        return (None, Some("the server sent no exit status".into()));
    };
    if s.status.as_deref() == Some("Success") {
        return (Some(0), None);
    }
    let code = s
        .details
        .as_ref()
        .and_then(|d| d.causes.as_ref())
        .and_then(|c| c.iter().find(|c| c.reason.as_deref() == Some("ExitCode")))
        .and_then(|c| c.message.as_deref())
        .and_then(|m| m.parse().ok());
    (code, s.message.clone().filter(|m| !m.is_empty()))
}

type Status = std::pin::Pin<Box<dyn std::future::Future<Output = Option<MetaStatus>> + Send>>;

struct Started {
    proc: AttachedProcess,
    size: Option<futures::channel::mpsc::Sender<TerminalSize>>,
    stdout: Box<dyn AsyncRead + Send + Unpin>,
    status: Status,
    command: Vec<String>,
    initial: Vec<u8>,
}

async fn start_one(
    api: &Api<Pod>,
    pod: &str,
    container: Option<&str>,
    command: &[String],
    cols: u16,
    rows: u16,
) -> Result<Started, PodError> {
    let mut ap = AttachParams::interactive_tty();
    if let Some(c) = container {
        ap = ap.container(c);
    }
    let mut proc = api
        .exec(pod, command.to_vec(), &ap)
        .await
        .map_err(|e| PodError::kube(&e))?;
    // The sender can be taken once: the session keeps it for resizes.
    let mut size = proc.terminal_size();
    if let Some(size) = size.as_mut() {
        use futures::SinkExt;
        let _ = size
            .send(TerminalSize {
                width: cols,
                height: rows,
            })
            .await;
    }
    let stdout = proc
        .stdout()
        .ok_or_else(|| PodError::Invalid("the exec has no output stream".into()))?;
    let status: Status = match proc.take_status() {
        Some(s) => Box::pin(s),
        None => Box::pin(async { None }),
    };
    Ok(Started {
        proc,
        size,
        stdout: Box::new(stdout),
        status,
        command: command.to_vec(),
        initial: Vec::new(),
    })
}

/// Open a shell: the handle for input and the events. With several candidate commands the next
/// is tried when the image does not have one (its exec ends at once with "not found").
pub async fn open(
    client: kube::Client,
    namespace: &str,
    pod: &str,
    container: Option<&str>,
    candidates: Vec<Vec<String>>,
    cols: u16,
    rows: u16,
) -> Result<(ShellHandle, impl Stream<Item = ShellEvent> + Send + 'static), PodError> {
    let api: Api<Pod> = Api::namespaced(client, namespace);
    let mut chosen = None;
    let n = candidates.len();
    for (i, cmd) in candidates.iter().enumerate() {
        if cmd.is_empty() {
            return Err(PodError::Invalid("the command is empty".into()));
        }
        let mut s = start_one(&api, pod, container, cmd, cols, rows).await?;
        if i + 1 == n {
            chosen = Some(s);
            break;
        }
        // Does it run? Output first, or a few hundred ms of silence, says yes.
        let mut buf = vec![0u8; 4096];
        let probe = tokio::time::timeout(Duration::from_millis(1500), async {
            tokio::select! {
                r = s.stdout.read(&mut buf) => Ok(r.unwrap_or(0)),
                st = &mut s.status => Err(st),
            }
        })
        .await;
        match probe {
            Ok(Err(Some(st))) if not_found(&st) => continue,
            Ok(Err(st)) => {
                // It ended at once for another reason: show that.
                s.status = Box::pin(async move { st });
                chosen = Some(s);
                break;
            }
            // The output ended at once: the status says whether the command was missing.
            Ok(Ok(0)) => {
                let st = tokio::time::timeout(Duration::from_secs(2), &mut s.status)
                    .await
                    .ok()
                    .flatten();
                if st.as_ref().is_some_and(not_found) {
                    continue;
                }
                s.status = Box::pin(async move { st });
                chosen = Some(s);
                break;
            }
            Ok(Ok(k)) => {
                s.initial = buf[..k].to_vec();
                chosen = Some(s);
                break;
            }
            Err(_) => {
                chosen = Some(s);
                break;
            }
        }
    }
    let s = chosen.ok_or_else(|| PodError::Invalid("no shell to run".into()))?;
    let (in_tx, in_rx) = mpsc::unbounded_channel();
    let (tx, rx) = mpsc::channel(256);
    Ok((
        ShellHandle(in_tx),
        crate::task_stream::spawn_on_first_poll(rx, session(s, in_rx, tx)),
    ))
}

async fn session(
    mut s: Started,
    mut input: mpsc::UnboundedReceiver<ShellInput>,
    tx: mpsc::Sender<ShellEvent>,
) {
    use futures::SinkExt;
    if tx
        .send(ShellEvent::Started {
            command: s.command.clone(),
        })
        .await
        .is_err()
    {
        return;
    }
    let mut stdin = s.proc.stdin();
    let mut size = s.size.take();
    let mut dec = Utf8Stream::default();
    if !s.initial.is_empty() {
        let data = dec.push(&s.initial);
        if tx.send(ShellEvent::Output { data }).await.is_err() {
            return;
        }
    }
    let mut buf = vec![0u8; 32 * 1024];
    let mut input_open = true;
    let status = loop {
        tokio::select! {
            r = s.stdout.read(&mut buf) => match r {
                Ok(0) | Err(_) => break None,
                Ok(n) => {
                    let data = dec.push(&buf[..n]);
                    if !data.is_empty() && tx.send(ShellEvent::Output { data }).await.is_err() {
                        return;
                    }
                }
            },
            st = &mut s.status => break Some(st),
            i = input.recv(), if input_open => match i {
                Some(ShellInput::Data(d)) => {
                    if let Some(w) = stdin.as_mut() {
                        if w.write_all(&d).await.is_err() || w.flush().await.is_err() {
                            stdin = None;
                        }
                    }
                }
                Some(ShellInput::Resize { cols, rows }) => {
                    if let Some(sz) = size.as_mut() {
                        let _ = sz.send(TerminalSize { width: cols, height: rows }).await;
                    }
                }
                None => input_open = false,
            },
            _ = tx.closed() => return,
        }
    };
    // Output may still be buffered after the status; read what is there.
    while let Ok(Ok(n)) =
        tokio::time::timeout(Duration::from_millis(100), s.stdout.read(&mut buf)).await
    {
        if n == 0 {
            break;
        }
        let data = dec.push(&buf[..n]);
        let _ = tx.send(ShellEvent::Output { data }).await;
    }
    let status = match status {
        Some(st) => st,
        None => tokio::time::timeout(Duration::from_secs(2), &mut s.status)
            .await
            .ok()
            .flatten(),
    };
    let (code, message) = exit_code(status.as_ref());
    let _ = tx.send(ShellEvent::Exit { code, message }).await;
}

/// Running one command on several ordinals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunRequest {
    pub context: String,
    pub namespace: String,
    pub statefulset: String,
    pub ordinals: Vec<u32>,
    pub container: Option<String>,
    pub command: Vec<String>,
}

/// Progress of a run on several ordinals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum RunEvent {
    Started {
        ordinal: u32,
        pod: String,
    },
    Result {
        ordinal: u32,
        pod: String,
        stdout: String,
        stderr: String,
        exit_code: Option<i32>,
        error: Option<IpcError>,
        duration_ms: u64,
    },
    Done,
}

/// At most this many ordinals run at once.
pub const RUN_CONCURRENCY: usize = 4;
/// Output kept per stream of each ordinal.
const RUN_OUTPUT: usize = 256 * 1024;

async fn read_capped(mut r: impl AsyncRead + Unpin) -> String {
    let mut out = Vec::new();
    let mut buf = vec![0u8; 16 * 1024];
    let mut cut = 0usize;
    while let Ok(n) = r.read(&mut buf).await {
        if n == 0 {
            break;
        }
        let room = RUN_OUTPUT.saturating_sub(out.len());
        out.extend_from_slice(&buf[..n.min(room)]);
        cut += n.saturating_sub(room);
    }
    let mut s = String::from_utf8_lossy(&out).into_owned();
    if cut > 0 {
        s.push_str(&format!("\n… [{cut} more bytes not kept]"));
    }
    s
}

async fn run_one(
    api: Api<Pod>,
    pod: String,
    container: Option<String>,
    command: Vec<String>,
) -> (String, String, Option<i32>, Option<IpcError>) {
    let mut ap = AttachParams::default()
        .stdin(false)
        .stdout(true)
        .stderr(true);
    if let Some(c) = &container {
        ap = ap.container(c);
    }
    let mut proc = match api.exec(&pod, command, &ap).await {
        Ok(p) => p,
        Err(e) => {
            return (
                String::new(),
                String::new(),
                None,
                Some(PodError::kube(&e).to_ipc()),
            )
        }
    };
    let out = proc.stdout().map(read_capped);
    let err = proc.stderr().map(read_capped);
    let status = proc.take_status();
    let (stdout, stderr) = futures::join!(
        async move {
            match out {
                Some(f) => f.await,
                None => String::new(),
            }
        },
        async move {
            match err {
                Some(f) => f.await,
                None => String::new(),
            }
        }
    );
    let st = match status {
        Some(s) => tokio::time::timeout(Duration::from_secs(5), s)
            .await
            .ok()
            .flatten(),
        None => None,
    };
    let (code, message) = exit_code(st.as_ref());
    let error = match (code, message) {
        (None, Some(m)) => Some(PodError::Invalid(m).to_ipc()),
        _ => None,
    };
    (stdout, stderr, code, error)
}

/// Run `command` on each ordinal (bounded concurrency); a result per ordinal, then `Done`.
pub fn run_on(
    client: kube::Client,
    req: RunRequest,
) -> impl Stream<Item = RunEvent> + Send + 'static {
    let (tx, rx) = mpsc::channel(64);
    crate::task_stream::spawn_on_first_poll(rx, async move {
        let api: Api<Pod> = Api::namespaced(client, &req.namespace);
        let jobs = req.ordinals.clone().into_iter().map(|o| {
            let (api, tx, req) = (api.clone(), tx.clone(), req.clone());
            async move {
                let pod = pod_name(&req.statefulset, o);
                let _ = tx
                    .send(RunEvent::Started {
                        ordinal: o,
                        pod: pod.clone(),
                    })
                    .await;
                let t = Instant::now();
                let (stdout, stderr, exit_code, error) =
                    run_one(api, pod.clone(), req.container.clone(), req.command.clone()).await;
                let _ = tx
                    .send(RunEvent::Result {
                        ordinal: o,
                        pod,
                        stdout,
                        stderr,
                        exit_code,
                        error,
                        duration_ms: t.elapsed().as_millis() as u64,
                    })
                    .await;
            }
        });
        futures::stream::iter(jobs)
            .buffer_unordered(RUN_CONCURRENCY)
            .collect::<Vec<()>>()
            .await;
        let _ = tx.send(RunEvent::Done).await;
    })
}

/// Split a command line as a shell would for simple quoting (`psql -U "my user"`).
pub fn split_command(line: &str) -> Result<Vec<String>, PodError> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut has = false;
    let mut quote: Option<char> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                has = true;
            }
            (None, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                    has = true;
                }
            }
            (None, c) if c.is_whitespace() => {
                if has || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                    has = false;
                }
            }
            (None, c) => cur.push(c),
        }
    }
    if quote.is_some() {
        return Err(PodError::Invalid(format!("unterminated quote in {line:?}")));
    }
    if has || !cur.is_empty() {
        out.push(cur);
    }
    if out.is_empty() {
        return Err(PodError::Invalid("the command is empty".into()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_split_like_a_shell() {
        assert_eq!(
            split_command("psql -U postgres").unwrap(),
            ["psql", "-U", "postgres"]
        );
        assert_eq!(
            split_command(r#"sh -c "echo 'a b'""#).unwrap(),
            ["sh", "-c", "echo 'a b'"]
        );
        assert_eq!(split_command("a '' b").unwrap(), ["a", "", "b"]);
        assert!(split_command("  ").is_err());
        assert!(split_command("echo \"x").is_err());
    }

    #[test]
    fn exit_codes_from_statuses() {
        let ok: MetaStatus =
            serde_json::from_value(serde_json::json!({"status": "Success", "metadata": {}}))
                .unwrap();
        assert_eq!(exit_code(Some(&ok)).0, Some(0));
        let bad: MetaStatus = serde_json::from_value(serde_json::json!({
            "status": "Failure", "reason": "NonZeroExitCode",
            "message": "command terminated with non-zero exit code: exit status 3",
            "details": {"causes": [{"reason": "ExitCode", "message": "3"}]}
        }))
        .unwrap();
        assert_eq!(exit_code(Some(&bad)).0, Some(3));
        assert_eq!(exit_code(None).0, None);
    }
}
