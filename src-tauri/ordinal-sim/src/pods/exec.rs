//! `pods/exec` and `pods/attach` over WebSocket (`v5.channel.k8s.io`, `v4.channel.k8s.io`):
//! binary messages whose first byte is the channel — 0 stdin, 1 stdout, 2 stderr, 3 status
//! (a metav1.Status once the process ends), 4 resize (`{"Width":W,"Height":H}`); with v5 the
//! message `[255, channel]` closes that channel (stdin EOF).

use bytes::Bytes;
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use super::context::PodCtx;
use super::shell::{self, Outcome};
use super::tty::{Input, Io, STDERR, STDOUT};

pub const STDIN: u8 = 0;
pub const STATUS: u8 = 3;
pub const RESIZE: u8 = 4;
pub const CLOSE: u8 = 255;

#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    #[error("websocket: {0}")]
    Ws(#[from] tokio_tungstenite::tungstenite::Error),
}

#[derive(Debug, Clone)]
pub struct ExecOpts {
    pub command: Vec<String>,
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
    pub tty: bool,
    /// `pods/attach` rather than `pods/exec`.
    pub attach: bool,
}

/// Go's `%v` of a `[]string`: `[sh -c exit 3]`.
fn go_list(argv: &[String]) -> String {
    format!("[{}]", argv.join(" "))
}

/// The Status the kubelet writes on the status channel.
pub fn status_of(outcome: &Outcome, argv: &[String], ctx: &PodCtx) -> Value {
    match outcome {
        Outcome::Exit(0) => json!({"metadata": {}, "status": "Success"}),
        Outcome::Exit(n) => json!({
            "metadata": {}, "status": "Failure",
            "message": format!("command terminated with non-zero exit code: error executing command {}, exit code {n}", go_list(argv)),
            "reason": "NonZeroExitCode",
            "details": {"causes": [{"reason": "ExitCode", "message": n.to_string()}]},
        }),
        Outcome::StartFailed(why) => {
            // containerd's answer when runc cannot start the process.
            let inner = format!(
                "error executing command in container: failed to exec in container: failed to start exec \"{}\": OCI runtime exec failed: exec failed: unable to start container process: {why}: unknown",
                ctx.container_id(&go_list(argv))
            );
            json!({
                "metadata": {}, "status": "Failure",
                "message": format!("Internal error occurred: {inner}"),
                "reason": "InternalError",
                "details": {"causes": [{"message": inner}]},
                "code": 500,
            })
        }
    }
}

fn resize_of(b: &[u8]) -> Option<Input> {
    let v: Value = serde_json::from_slice(b).ok()?;
    let w = u16::try_from(v["Width"].as_u64()?).ok()?;
    let h = u16::try_from(v["Height"].as_u64()?).ok()?;
    Some(Input::Resize { rows: h, cols: w })
}

pub async fn serve<S>(
    ws: WebSocketStream<S>,
    v5: bool,
    ctx: PodCtx,
    opts: ExecOpts,
) -> Result<(), ExecError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sink, mut stream) = ws.split();
    let (in_tx, in_rx) = mpsc::channel::<Input>(64);
    let (out_tx, mut out_rx) = mpsc::channel::<(u8, Bytes)>(64);
    if !opts.stdin {
        let _ = in_tx.try_send(Input::Eof);
    }
    let stdin = opts.stdin;
    let reader = tokio::spawn(async move {
        while let Some(msg) = stream.next().await {
            let b = match msg {
                Ok(Message::Binary(b)) => b,
                Ok(Message::Close(_)) | Err(_) => break,
                Ok(_) => continue,
            };
            let input = match b.first() {
                Some(&STDIN) if stdin && b.len() > 1 => Input::Data(b.slice(1..)),
                Some(&RESIZE) => match resize_of(&b[1..]) {
                    Some(i) => i,
                    None => continue,
                },
                Some(&CLOSE) if v5 && b.get(1) == Some(&STDIN) => Input::Eof,
                _ => continue,
            };
            if in_tx.send(input).await.is_err() {
                break;
            }
        }
        // Dropping `in_tx`: the process sees stdin end.
    });
    let io = Io::new(in_rx, out_tx, opts.tty);
    let argv = opts.command.clone();
    let pctx = ctx.clone();
    let proc = tokio::spawn(async move {
        if opts.attach {
            shell::attach(io).await
        } else {
            shell::run(pctx, argv, io).await
        }
    });
    while let Some((ch, data)) = out_rx.recv().await {
        if ch == STDOUT && !opts.stdout || ch == STDERR && !opts.stderr {
            continue;
        }
        let mut v = Vec::with_capacity(data.len() + 1);
        v.push(ch);
        v.extend_from_slice(&data);
        if sink.send(Message::binary(v)).await.is_err() {
            proc.abort();
            reader.abort();
            return Ok(());
        }
    }
    let outcome = proc.await.unwrap_or(Outcome::Exit(1));
    let mut status = vec![STATUS];
    status
        .extend(serde_json::to_vec(&status_of(&outcome, &opts.command, &ctx)).unwrap_or_default());
    sink.send(Message::binary(status)).await?;
    let _ = sink.send(Message::Close(Some(super::normal_close()))).await;
    // Let the client answer the close; don't wait for ever.
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), reader).await;
    Ok(())
}
