//! The built-in process of `pods/exec`: a tiny shell per session, never a host process. It runs
//! the requested argv directly, or interprets `sh -c`/`bash -c` scripts and interactive sessions
//! (`;`, `&&`, `||`, quotes, `$VAR`, `$?`, `> file`) over a per-pod file tree.

use std::time::Duration;

use super::context::PodCtx;
use super::parse::{normalize, split_ops, tokenize, Tok};
use super::tty::{Io, Line, TtyError};

/// How the process ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Exit(i32),
    /// The runtime could not start the process (e.g. `bash` missing): an InternalError Status.
    StartFailed(String),
}

enum Flow {
    Next(i32),
    Exit(i32),
}

struct Shell {
    ctx: PodCtx,
    io: Io,
    cwd: String,
    vars: Vec<(String, String)>,
    last: i32,
    /// `sh` or `bash`: shapes the error messages and the prompt.
    name: String,
    line: u32,
}

/// Run `argv` in the pod's container.
pub async fn run(ctx: PodCtx, argv: Vec<String>, mut io: Io) -> Outcome {
    if argv.is_empty() {
        return Outcome::Exit(0);
    }
    if !ctx.has_command(&argv[0]) {
        return Outcome::StartFailed(format!(
            "exec: \"{}\": executable file not found in $PATH",
            argv[0]
        ));
    }
    if io.tty {
        io.poll_pending();
    }
    let mut vars = ctx.env.clone();
    if io.tty {
        vars.insert(2, ("TERM".into(), "xterm".into()));
    }
    let mut sh = Shell {
        ctx,
        io,
        cwd: "/".into(),
        vars,
        last: 0,
        name: "sh".into(),
        line: 1,
    };
    match sh.exec(&argv).await {
        Ok(Flow::Next(c)) | Ok(Flow::Exit(c)) => Outcome::Exit(c),
        Err(TtyError::Closed) => Outcome::Exit(130),
    }
}

/// `pods/attach`: the container's main process prints nothing; the session ends with stdin.
pub async fn attach(mut io: Io) -> Outcome {
    while io.chunk().await.is_some() {}
    Outcome::Exit(0)
}

impl Shell {
    fn resolve(&self, p: &str) -> String {
        if p.starts_with('/') {
            normalize(p)
        } else {
            normalize(&format!("{}/{p}", self.cwd))
        }
    }

    fn var(&self, n: &str) -> Option<&str> {
        self.vars
            .iter()
            .rev()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.as_str())
    }

    fn set_var(&mut self, k: &str, v: &str) {
        self.vars.retain(|(kk, _)| kk != k);
        self.vars.push((k.to_string(), v.to_string()));
    }

    async fn err_line(&mut self, msg: &str) -> Result<(), TtyError> {
        let m = if self.name == "bash" {
            format!("bash: {msg}\n")
        } else {
            format!("{}: {}: {msg}\n", self.name, self.line)
        };
        self.io.err(&m).await
    }

    fn prompt(&self) -> String {
        let host = &self.ctx.name;
        if self.name == "bash" {
            let cwd = if self.cwd == "/root" {
                "~".to_string()
            } else {
                self.cwd.clone()
            };
            format!("root@{host}:{cwd}# ")
        } else if self.ctx.alpine {
            format!(
                "{host}:{}# ",
                if self.cwd == "/root" { "~" } else { &self.cwd }
            )
        } else {
            "# ".into()
        }
    }

    /// Read and run lines until EOF or `exit` (with a tty: prompt and line editing).
    async fn interactive(&mut self) -> Result<i32, TtyError> {
        self.line = 0;
        loop {
            if self.io.tty {
                let p = self.prompt();
                self.io.out(&p).await?;
            }
            match self.io.read_line().await? {
                Line::Eof => {
                    if self.io.tty && self.name == "bash" {
                        self.io.out("exit\n").await?;
                    }
                    return Ok(self.last);
                }
                Line::Interrupt => self.last = 130,
                Line::Text(l) => {
                    self.line += 1;
                    if let Flow::Exit(c) = self.script(&l).await? {
                        return Ok(c);
                    }
                }
            }
        }
    }

    /// Run one line: commands joined by `;`, `&&`, `||` (each expanded just before it runs).
    async fn script(&mut self, text: &str) -> Result<Flow, TtyError> {
        let mut skip = false;
        for (seg, op) in split_ops(text) {
            if !skip {
                let mut argv: Vec<String> = Vec::new();
                let mut redirect: Option<(String, bool)> = None;
                let mut to_stderr = false;
                let mut toks = tokenize(&seg, &self.vars, self.last).into_iter();
                while let Some(t) = toks.next() {
                    match t {
                        Tok::Word(w) => argv.push(w),
                        Tok::Op(">&2") => to_stderr = true,
                        Tok::Op(">&1") => to_stderr = false,
                        Tok::Op(op @ (">" | ">>")) => {
                            if let Some(Tok::Word(f)) = toks.next() {
                                redirect = Some((f, op == ">>"));
                            }
                        }
                        Tok::Op(_) => {}
                    }
                }
                if !argv.is_empty() {
                    self.io.to_stderr = to_stderr;
                    let r = self.with_redirect(argv, redirect).await;
                    self.io.to_stderr = false;
                    match r? {
                        Flow::Exit(c) => return Ok(Flow::Exit(c)),
                        Flow::Next(c) => self.last = c,
                    }
                }
            }
            skip = match op {
                "&&" => self.last != 0,
                "||" => self.last == 0,
                _ => false,
            };
        }
        Ok(Flow::Next(self.last))
    }

    async fn with_redirect(
        &mut self,
        argv: Vec<String>,
        redirect: Option<(String, bool)>,
    ) -> Result<Flow, TtyError> {
        let Some((file, append)) = redirect else {
            return self.exec(&argv).await;
        };
        let path = self.resolve(&file);
        let parent = path
            .rsplit_once('/')
            .map(|(p, _)| if p.is_empty() { "/" } else { p })
            .unwrap_or("/")
            .to_string();
        if !self.ctx.is_dir(&parent) || self.ctx.is_dir(&path) {
            let why = if self.ctx.is_dir(&path) {
                "Is a directory"
            } else {
                "Directory nonexistent"
            };
            self.err_line(&format!("cannot create {file}: {why}"))
                .await?;
            return Ok(Flow::Next(2));
        }
        let prev = self.io.capture.replace(String::new());
        let r = self.exec(&argv).await;
        let got = std::mem::replace(&mut self.io.capture, prev).unwrap_or_default();
        let content = if append {
            format!(
                "{}{got}",
                self.ctx.files.get(&path).cloned().unwrap_or_default()
            )
        } else {
            got
        };
        self.ctx.add_file(&path, content);
        r
    }

    async fn exec(&mut self, argv: &[String]) -> Result<Flow, TtyError> {
        let cmd = argv[0].as_str();
        let args: Vec<&str> = argv[1..].iter().map(String::as_str).collect();
        let base = if cmd.starts_with('/') && self.ctx.has_command(cmd) {
            cmd.rsplit('/').next().unwrap_or(cmd)
        } else {
            cmd
        };
        if let Some((k, v)) = base.split_once('=').filter(|(k, _)| {
            !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }) {
            if args.is_empty() {
                self.set_var(k, v);
                return Ok(Flow::Next(0));
            }
        }
        let code = match base {
            "exit" => {
                return Ok(Flow::Exit(
                    args.first()
                        .and_then(|a| a.parse().ok())
                        .unwrap_or(self.last),
                ))
            }
            "sh" | "bash" if self.ctx.has_command(base) => {
                let saved = (
                    std::mem::replace(&mut self.name, base.to_string()),
                    self.line,
                    self.cwd.clone(),
                );
                let code = match args.as_slice() {
                    ["-c", script, ..] | ["-lc", script, ..] | ["-ec", script, ..] => {
                        self.line = 1;
                        match Box::pin(self.script(script)).await? {
                            Flow::Next(c) | Flow::Exit(c) => c,
                        }
                    }
                    _ => Box::pin(self.interactive()).await?,
                };
                (self.name, self.line, self.cwd) = saved;
                code
            }
            "cd" => {
                let target = self.resolve(args.first().copied().unwrap_or("/root"));
                if self.ctx.is_dir(&target) {
                    self.cwd = target;
                    0
                } else {
                    let a = args.first().copied().unwrap_or("");
                    if self.name == "bash" {
                        self.err_line(&format!("cd: {a}: No such file or directory"))
                            .await?;
                        1
                    } else {
                        self.err_line(&format!("cd: can't cd to {a}")).await?;
                        2
                    }
                }
            }
            "export" => {
                for a in &args {
                    if let Some((k, v)) = a.split_once('=') {
                        self.set_var(k, v);
                    }
                }
                0
            }
            "unset" => {
                self.vars.retain(|(k, _)| !args.contains(&k.as_str()));
                0
            }
            c if self.ctx.has_command(c) => self.builtin(c, &args).await?,
            c => {
                if self.name == "bash" {
                    self.err_line(&format!("{c}: command not found")).await?;
                } else {
                    self.err_line(&format!("{c}: not found")).await?;
                }
                127
            }
        };
        Ok(Flow::Next(code))
    }

    async fn builtin(&mut self, cmd: &str, args: &[&str]) -> Result<i32, TtyError> {
        let io = &mut self.io;
        match cmd {
            "hostname" => io.out(&format!("{}\n", self.ctx.name)).await?,
            "env" => {
                let text: String = self
                    .vars
                    .iter()
                    .map(|(k, v)| format!("{k}={v}\n"))
                    .collect();
                io.out(&text).await?;
            }
            "printenv" => {
                if args.is_empty() {
                    return Box::pin(self.builtin("env", &[])).await;
                }
                let mut code = 0;
                for a in args {
                    match self.var(a).map(String::from) {
                        Some(v) => self.io.out(&format!("{v}\n")).await?,
                        None => code = 1,
                    }
                }
                return Ok(code);
            }
            "echo" => {
                let (nl, words) = match args.first() {
                    Some(&"-n") => ("", &args[1..]),
                    _ => ("\n", args),
                };
                io.out(&format!("{}{nl}", words.join(" "))).await?;
            }
            "pwd" => io.out(&format!("{}\n", self.cwd)).await?,
            "true" => {}
            "false" => return Ok(1),
            "whoami" => io.out("root\n").await?,
            "id" => io.out("uid=0(root) gid=0(root) groups=0(root)\n").await?,
            "uname" => {
                let s = if args.contains(&"-a") {
                    format!(
                        "Linux {} 6.8.0-sim #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\n",
                        self.ctx.name
                    )
                } else {
                    "Linux\n".into()
                };
                io.out(&s).await?;
            }
            "redis-cli" => match args.last().map(|a| a.to_ascii_lowercase()) {
                None => io.out("PONG\n").await?,
                Some(a) if a == "ping" => io.out("PONG\n").await?,
                Some(a) => {
                    io.out(&format!("(error) ERR unknown command '{a}'\n"))
                        .await?
                }
            },
            "sleep" => {
                let secs = args
                    .first()
                    .and_then(|a| a.trim_end_matches('s').parse::<f64>().ok())
                    .filter(|s| *s >= 0.0);
                let Some(secs) = secs else {
                    io.err(&format!(
                        "sleep: invalid time interval '{}'\n",
                        args.first().unwrap_or(&"")
                    ))
                    .await?;
                    return Ok(1);
                };
                if io
                    .sleep(Duration::from_secs_f64(secs.min(86_400.0)))
                    .await?
                {
                    return Ok(130);
                }
            }
            "stty" => {
                if !io.tty {
                    io.err("stty: 'standard input': Inappropriate ioctl for device\n")
                        .await?;
                    return Ok(1);
                }
                io.poll_pending();
                if args.first() == Some(&"size") {
                    let (r, c) = io.size;
                    io.out(&format!("{r} {c}\n")).await?;
                }
            }
            "seq" | "lines" => {
                let nums: Vec<i64> = args.iter().filter_map(|a| a.parse().ok()).collect();
                let (from, to) = match nums.as_slice() {
                    [n] => (1, *n),
                    [a, b, ..] => (*a, *b),
                    [] => {
                        io.err(&format!("{cmd}: missing operand\n")).await?;
                        return Ok(1);
                    }
                };
                let mut text = String::new();
                for i in from..=to {
                    if cmd == "seq" {
                        text.push_str(&format!("{i}\n"));
                    } else {
                        text.push_str(&format!("line {i}\n"));
                    }
                    if text.len() > 16 * 1024 {
                        io.out(&std::mem::take(&mut text)).await?;
                    }
                }
                io.out(&text).await?;
            }
            "ls" => return self.ls(args).await,
            "cat" => return self.cat(args).await,
            "sh" | "bash" => unreachable!("handled by exec"),
            _ => {}
        }
        Ok(0)
    }

    async fn ls(&mut self, args: &[&str]) -> Result<i32, TtyError> {
        let paths: Vec<&str> = args
            .iter()
            .copied()
            .filter(|a| !a.starts_with('-'))
            .collect();
        let all = args.iter().any(|a| a.starts_with('-') && a.contains('a'));
        let targets = if paths.is_empty() { vec!["."] } else { paths };
        let mut code = 0;
        let many = targets.len() > 1;
        for (n, t) in targets.iter().enumerate() {
            let p = self.resolve(t);
            if self.ctx.is_dir(&p) {
                let mut names = self.ctx.list(&p);
                if all {
                    names.splice(0..0, [".".to_string(), "..".to_string()]);
                }
                let sep = if self.io.tty { "  " } else { "\n" };
                let mut text = String::new();
                if many {
                    text.push_str(&format!("{}{t}:\n", if n > 0 { "\n" } else { "" }));
                }
                if !names.is_empty() {
                    text.push_str(&names.join(sep));
                    text.push('\n');
                }
                self.io.out(&text).await?;
            } else if self.ctx.files.contains_key(&p) {
                self.io.out(&format!("{t}\n")).await?;
            } else {
                self.io
                    .err(&format!(
                        "ls: cannot access '{t}': No such file or directory\n"
                    ))
                    .await?;
                code = 2;
            }
        }
        Ok(code)
    }

    async fn cat(&mut self, args: &[&str]) -> Result<i32, TtyError> {
        if args.is_empty() || args == ["-"] {
            if self.io.tty {
                loop {
                    match self.io.read_line().await? {
                        Line::Text(l) => self.io.out(&format!("{l}\n")).await?,
                        Line::Interrupt => return Ok(130),
                        Line::Eof => return Ok(0),
                    }
                }
            }
            while let Some(chunk) = self.io.chunk().await {
                self.io.out(&String::from_utf8_lossy(&chunk)).await?;
            }
            return Ok(0);
        }
        let mut code = 0;
        for a in args {
            let p = self.resolve(a);
            if let Some(c) = self.ctx.files.get(&p).cloned() {
                self.io.out(&c).await?;
            } else if self.ctx.is_dir(&p) {
                self.io.err(&format!("cat: {a}: Is a directory\n")).await?;
                code = 1;
            } else {
                self.io
                    .err(&format!("cat: {a}: No such file or directory\n"))
                    .await?;
                code = 1;
            }
        }
        Ok(code)
    }
}
