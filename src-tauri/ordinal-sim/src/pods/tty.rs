//! The simulated process's stdio: stdin arrives as `Input` messages (data, resize, EOF), output
//! leaves as (channel, bytes). With a tty it behaves like a terminal's line discipline: typed
//! characters are echoed, backspace erases, Enter echoes CRLF, Ctrl-C interrupts, Ctrl-D on an
//! empty line is EOF, `\n` written by the program becomes `\r\n`, and stderr joins stdout.

use std::collections::VecDeque;
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::mpsc;

pub const STDOUT: u8 = 1;
pub const STDERR: u8 = 2;

#[derive(Debug, thiserror::Error)]
pub enum TtyError {
    /// The client went away: nothing more can be written.
    #[error("the client closed the session")]
    Closed,
}

#[derive(Debug)]
pub enum Input {
    Data(Bytes),
    Resize { rows: u16, cols: u16 },
    Eof,
}

pub enum Line {
    Text(String),
    Interrupt,
    Eof,
}

pub struct Io {
    rx: mpsc::Receiver<Input>,
    tx: mpsc::Sender<(u8, Bytes)>,
    pub tty: bool,
    /// (rows, cols): the last resize, 24x80 before any.
    pub size: (u16, u16),
    buf: VecDeque<u8>,
    eof: bool,
    /// While set, stdout is collected here (`> file` redirection).
    pub capture: Option<String>,
    /// `>&2`: stdout goes to stderr.
    pub to_stderr: bool,
}

impl Io {
    pub fn new(rx: mpsc::Receiver<Input>, tx: mpsc::Sender<(u8, Bytes)>, tty: bool) -> Io {
        Io {
            rx,
            tx,
            tty,
            size: (24, 80),
            buf: VecDeque::new(),
            eof: false,
            capture: None,
            to_stderr: false,
        }
    }

    async fn raw(&mut self, ch: u8, s: &[u8]) -> Result<(), TtyError> {
        if s.is_empty() {
            return Ok(());
        }
        let ch = if self.tty { STDOUT } else { ch };
        let data = if self.tty {
            let mut v = Vec::with_capacity(s.len() + 8);
            for (i, &b) in s.iter().enumerate() {
                if b == b'\n' && (i == 0 || s[i - 1] != b'\r') {
                    v.push(b'\r');
                }
                v.push(b);
            }
            v
        } else {
            s.to_vec()
        };
        self.tx
            .send((ch, Bytes::from(data)))
            .await
            .map_err(|_| TtyError::Closed)
    }

    pub async fn out(&mut self, s: &str) -> Result<(), TtyError> {
        if let Some(c) = self.capture.as_mut() {
            c.push_str(s);
            return Ok(());
        }
        let ch = if self.to_stderr { STDERR } else { STDOUT };
        self.raw(ch, s.as_bytes()).await
    }

    pub async fn err(&mut self, s: &str) -> Result<(), TtyError> {
        self.raw(STDERR, s.as_bytes()).await
    }

    /// Echo typed input (tty only), never captured.
    async fn echo(&mut self, s: &[u8]) -> Result<(), TtyError> {
        self.tx
            .send((STDOUT, Bytes::copy_from_slice(s)))
            .await
            .map_err(|_| TtyError::Closed)
    }

    fn apply(&mut self, i: Input) {
        match i {
            Input::Data(b) => self.buf.extend(b.iter()),
            Input::Resize { rows, cols } => self.size = (rows, cols),
            Input::Eof => self.eof = true,
        }
    }

    /// Take whatever already arrived (resizes apply at once; data is buffered).
    pub fn poll_pending(&mut self) {
        while let Ok(i) = self.rx.try_recv() {
            self.apply(i);
        }
    }

    /// Wait for more input; false once stdin is at EOF (or the client left).
    async fn fill(&mut self) -> bool {
        if self.eof {
            return false;
        }
        match self.rx.recv().await {
            Some(i) => {
                self.apply(i);
                true
            }
            None => {
                self.eof = true;
                false
            }
        }
    }

    /// The next chunk of raw stdin (non-tty `cat`); None at EOF.
    pub async fn chunk(&mut self) -> Option<Vec<u8>> {
        loop {
            if !self.buf.is_empty() {
                return Some(self.buf.drain(..).collect());
            }
            if !self.fill().await {
                return None;
            }
        }
    }

    /// Read one line. With a tty: echo and edit as a terminal does.
    pub async fn read_line(&mut self) -> Result<Line, TtyError> {
        let mut line: Vec<u8> = Vec::new();
        loop {
            let Some(b) = self.buf.pop_front() else {
                if self.fill().await {
                    continue;
                }
                if line.is_empty() {
                    return Ok(Line::Eof);
                }
                return Ok(Line::Text(String::from_utf8_lossy(&line).into_owned()));
            };
            if !self.tty {
                if b == b'\n' {
                    return Ok(Line::Text(String::from_utf8_lossy(&line).into_owned()));
                }
                line.push(b);
                continue;
            }
            match b {
                b'\r' | b'\n' => {
                    self.echo(b"\r\n").await?;
                    return Ok(Line::Text(String::from_utf8_lossy(&line).into_owned()));
                }
                0x03 => {
                    self.echo(b"^C\r\n").await?;
                    return Ok(Line::Interrupt);
                }
                0x04 if line.is_empty() => return Ok(Line::Eof),
                0x7f | 0x08 if !line.is_empty() => {
                    // Drop one UTF-8 character.
                    while let Some(c) = line.pop() {
                        if c & 0xC0 != 0x80 {
                            break;
                        }
                    }
                    self.echo(b"\x08 \x08").await?;
                }
                0x7f | 0x08 => {}
                0x15 => {
                    for _ in 0..String::from_utf8_lossy(&line).chars().count() {
                        self.echo(b"\x08 \x08").await?;
                    }
                    line.clear();
                }
                0x1b => {
                    // An escape sequence (arrow keys...): ignored.
                    while self.buf.is_empty() && self.fill().await {}
                    if self.buf.front() == Some(&b'[') {
                        self.buf.pop_front();
                        while let Some(c) = self.buf.pop_front() {
                            if c.is_ascii_alphabetic() || c == b'~' {
                                break;
                            }
                        }
                    }
                }
                b if b >= 0x20 || b == b'\t' => {
                    line.push(b);
                    self.echo(&[b]).await?;
                }
                _ => {}
            }
        }
    }

    /// Sleep, interruptible by Ctrl-C on a tty. Returns true when interrupted.
    pub async fn sleep(&mut self, d: Duration) -> Result<bool, TtyError> {
        let until = tokio::time::Instant::now() + d;
        loop {
            if self.tty {
                if let Some(pos) = self.buf.iter().position(|&b| b == 0x03) {
                    self.buf.drain(..=pos);
                    self.echo(b"^C\r\n").await?;
                    return Ok(true);
                }
            }
            if self.eof {
                tokio::time::sleep_until(until).await;
                return Ok(false);
            }
            tokio::select! {
                _ = tokio::time::sleep_until(until) => return Ok(false),
                i = self.rx.recv() => match i {
                    Some(i) => self.apply(i),
                    None => self.eof = true,
                },
            }
        }
    }

    /// True when the client has gone (the output side is closed).
    pub fn closed(&self) -> bool {
        self.tx.is_closed()
    }
}
