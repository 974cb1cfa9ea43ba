//! Loading and merging, with kubectl's rules (client-go `tools/clientcmd/loader.go`):
//!
//! - The chain is `$KUBECONFIG` split with the OS path separator (empty entries ignored, exact
//!   duplicates dropped) when the variable is non-empty, else `~/.kube/config`. Ordinal's
//!   managed files (imports) come after the chain, sorted by name.
//! - A missing file is skipped (kubectl skips it silently; we also report it as a problem
//!   when `$KUBECONFIG` named it). A file that cannot be read or parsed is reported and
//!   skipped; the other files still load.
//! - For every cluster, user and context name the first file that defines it wins, whole:
//!   fields of a later definition are never mixed in. `current-context` comes from the first
//!   file that sets a non-empty one.
//! - Relative paths (`certificate-authority`, `client-certificate`, `client-key`, `tokenFile`,
//!   and `exec.command` when it contains a path separator) resolve against the directory of the
//!   file that holds the entry. The stored documents keep them as written.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use base64::Engine;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::fsio;
use super::{
    AuthKind, ContextList, ContextSummary, EntryKind, ExecSummary, KubeconfigProblem,
    SecretLocation,
};

/// Where kubeconfig files come from. Tests build this by hand so they never touch the real home.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// The value of `$KUBECONFIG` (a path list), if set.
    pub kubeconfig_env: Option<OsString>,
    /// The home directory; `~/.kube/config` is used when `$KUBECONFIG` is unset or empty.
    pub home: Option<PathBuf>,
    /// Ordinal's directory of imported kubeconfigs (see [`super::paths::AppDirs::managed_dir`]).
    pub managed_dir: Option<PathBuf>,
}

impl Sources {
    /// `$KUBECONFIG` and the home directory from the process environment.
    pub fn from_env(managed_dir: Option<PathBuf>) -> Self {
        Sources {
            kubeconfig_env: std::env::var_os("KUBECONFIG"),
            home: super::paths::home_dir(),
            managed_dir,
        }
    }

    /// The files to load, in precedence order.
    pub fn files(&self) -> Vec<(PathBuf, SourceKind)> {
        let mut out: Vec<(PathBuf, SourceKind)> = Vec::new();
        let mut seen: HashSet<PathBuf> = HashSet::new();
        match &self.kubeconfig_env {
            Some(v) if !v.is_empty() => {
                for p in std::env::split_paths(v) {
                    if p.as_os_str().is_empty() {
                        continue;
                    }
                    if seen.insert(p.clone()) {
                        out.push((p, SourceKind::KubeconfigEnv));
                    }
                }
            }
            _ => {
                if let Some(home) = &self.home {
                    let p = home.join(".kube").join("config");
                    seen.insert(p.clone());
                    out.push((p, SourceKind::Home));
                }
            }
        }
        if let Some(dir) = &self.managed_dir {
            if let Ok(rd) = fs::read_dir(dir) {
                let mut managed: Vec<PathBuf> = rd
                    .filter_map(|e| e.ok())
                    .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
                    .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                    .map(|e| e.path())
                    .collect();
                managed.sort();
                for p in managed {
                    if seen.insert(p.clone()) {
                        out.push((p, SourceKind::Managed));
                    }
                }
            }
        }
        out
    }
}

/// Why a file is in the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// Named by `$KUBECONFIG`.
    KubeconfigEnv,
    /// `~/.kube/config`.
    Home,
    /// An imported file in Ordinal's managed directory.
    Managed,
}

/// One parsed file, kept as a generic document so unknown fields survive edits.
#[derive(Debug, Clone)]
pub struct LoadedFile {
    pub path: PathBuf,
    pub kind: SourceKind,
    pub(crate) doc: Map<String, Value>,
    /// SHA-256 of the bytes read; writes check the file still has it.
    pub(crate) hash: String,
    /// (kind, index in the file's list) -> (line, column) of the entry.
    pub(crate) spans: HashMap<(EntryKind, usize), (u32, u32)>,
}

impl LoadedFile {
    pub fn display(&self) -> String {
        self.path.display().to_string()
    }

    /// The document as loaded (unknown fields included).
    pub fn document(&self) -> &Map<String, Value> {
        &self.doc
    }

    /// Absolute directory of this file, the base for its relative paths.
    pub fn base_dir(&self) -> PathBuf {
        let abs = absolute(&self.path);
        abs.parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("/"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Origin {
    pub file: usize,
    pub index: usize,
}

/// The merged view: every file that loaded, which file each name comes from, and the problems.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub files: Vec<LoadedFile>,
    /// Every file considered, in precedence order, including missing ones.
    pub sources: Vec<String>,
    pub problems: Vec<KubeconfigProblem>,
    pub(crate) clusters: BTreeMap<String, Origin>,
    pub(crate) users: BTreeMap<String, Origin>,
    pub(crate) contexts: BTreeMap<String, Origin>,
    pub(crate) current: Option<(String, usize)>,
    pub(crate) managed_dir: Option<PathBuf>,
}

/// Minimal shape used only to find where entries start (line/column).
#[derive(Deserialize)]
struct Skeleton {
    #[serde(default)]
    clusters: Option<Vec<serde_saphyr::Spanned<serde::de::IgnoredAny>>>,
    #[serde(default)]
    users: Option<Vec<serde_saphyr::Spanned<serde::de::IgnoredAny>>>,
    #[serde(default)]
    contexts: Option<Vec<serde_saphyr::Spanned<serde::de::IgnoredAny>>>,
}

fn spans_of(text: &str) -> HashMap<(EntryKind, usize), (u32, u32)> {
    let mut out = HashMap::new();
    let Ok(sk) = serde_saphyr::from_str::<Skeleton>(text) else {
        return out;
    };
    for (kind, list) in [
        (EntryKind::Cluster, sk.clusters),
        (EntryKind::User, sk.users),
        (EntryKind::Context, sk.contexts),
    ] {
        for (i, s) in list.unwrap_or_default().iter().enumerate() {
            let l = s.referenced.line() as u32;
            if l > 0 {
                out.insert((kind, i), (l, s.referenced.column() as u32));
            }
        }
    }
    out
}

/// Parses one kubeconfig text. Structural problems inside entries are returned alongside.
pub(crate) fn parse_file_text(
    path: &Path,
    kind: SourceKind,
    text: &str,
    hash: String,
) -> Result<(LoadedFile, Vec<KubeconfigProblem>), KubeconfigProblem> {
    let display = path.display().to_string();
    let doc = fsio::parse_yaml(text).map_err(|e| KubeconfigProblem {
        file: display.clone(),
        context: None,
        line: e.line,
        column: e.column,
        message: format!("invalid YAML: {}", e.message),
    })?;
    let spans = spans_of(text);
    let file = LoadedFile {
        path: path.to_path_buf(),
        kind,
        doc,
        hash,
        spans,
    };
    let problems = structural_problems(&file);
    Ok((file, problems))
}

fn structural_problems(file: &LoadedFile) -> Vec<KubeconfigProblem> {
    let mut out = Vec::new();
    let display = file.display();
    for kind in EntryKind::ALL {
        match file.doc.get(kind.list_key()) {
            None | Some(Value::Null) | Some(Value::Array(_)) => {}
            Some(other) => out.push(KubeconfigProblem {
                file: display.clone(),
                context: None,
                line: None,
                column: None,
                message: format!(
                    "`{}` must be a list, found {}",
                    kind.list_key(),
                    fsio::json_type(other)
                ),
            }),
        }
        let mut seen = HashSet::new();
        for (i, item) in entries(&file.doc, kind).iter().enumerate() {
            let (line, column) = file
                .spans
                .get(&(kind, i))
                .map(|(l, c)| (Some(*l), Some(*c)))
                .unwrap_or((None, None));
            let ctx = if kind == EntryKind::Context {
                entry_name(item).map(str::to_string)
            } else {
                None
            };
            match check_entry(item, kind) {
                Err(msg) => out.push(KubeconfigProblem {
                    file: display.clone(),
                    context: ctx,
                    line,
                    column,
                    message: msg,
                }),
                Ok(name) => {
                    if !seen.insert(name.to_string()) {
                        out.push(KubeconfigProblem {
                            file: display.clone(),
                            context: ctx,
                            line,
                            column,
                            message: format!(
                                "duplicate {} name {name:?} in this file (kubectl rejects the whole file); the first one is used",
                                kind.label()
                            ),
                        });
                    }
                }
            }
        }
    }
    if let Some(cc) = file.doc.get("current-context") {
        if !(cc.is_string() || cc.is_null()) {
            out.push(KubeconfigProblem {
                file: display,
                context: None,
                line: None,
                column: None,
                message: "`current-context` must be a string".into(),
            });
        }
    }
    out
}

/// Validates a named entry against kubectl's types; returns its name.
fn check_entry(item: &Value, kind: EntryKind) -> Result<&str, String> {
    let Value::Object(m) = item else {
        return Err(format!(
            "a {} entry must be a mapping, found {}",
            kind.label(),
            fsio::json_type(item)
        ));
    };
    let name = match m.get("name") {
        None | Some(Value::Null) => "",
        Some(Value::String(s)) => s.as_str(),
        Some(other) => {
            return Err(format!(
                "a {} name must be a string, found {}",
                kind.label(),
                fsio::json_type(other)
            ))
        }
    };
    let body = match m.get(kind.body_key()) {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(b) => b.clone(),
    };
    let res = match kind {
        EntryKind::Cluster => serde_json::from_value::<super::view::ClusterV>(body).map(|_| ()),
        EntryKind::User => serde_json::from_value::<super::view::UserV>(body).map(|_| ()),
        EntryKind::Context => serde_json::from_value::<super::view::ContextV>(body).map(|_| ()),
    };
    // serde's "invalid type/value" and "unknown variant" messages quote the value, which may
    // be a secret (a token written where a mapping belongs): keep only its type and what was
    // expected.
    res.map_err(|e| {
        format!(
            "{} {name:?}: {}",
            kind.label(),
            redact_serde(&e.to_string())
        )
    })?;
    Ok(name)
}

/// A serde error message without the offending value.
pub(crate) fn redact_serde(message: &str) -> String {
    let msg = strip_position(message);
    let expected = |rest: &str| {
        rest.rfind(", expected ")
            .map(|i| rest[i + 2..].to_string())
            .unwrap_or_default()
    };
    let out = if let Some(rest) = msg
        .strip_prefix("invalid type: ")
        .or_else(|| msg.strip_prefix("invalid value: "))
    {
        let what = if rest.starts_with("floating point") {
            "a number"
        } else {
            match rest.split_whitespace().next().unwrap_or("") {
                "string" => "a string",
                "integer" => "an integer",
                "boolean" => "a boolean",
                "map" => "a mapping",
                "sequence" => "a list",
                "null" | "unit" => "null",
                _ => "a value",
            }
        };
        let label = if msg.starts_with("invalid type") {
            "invalid type"
        } else {
            "invalid value"
        };
        format!("{label}: found {what}, {}", expected(rest))
    } else if let Some(rest) = msg.strip_prefix("unknown variant ") {
        format!("unknown value, {}", expected(rest))
    } else {
        msg
    };
    out.replace("struct ClusterV", "a cluster mapping")
        .replace("struct UserV", "a user mapping")
        .replace("struct ContextV", "a context mapping")
}

fn strip_position(s: &str) -> String {
    match s.find(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s.to_string(),
    }
}

/// The list of named entries of a kind in a document (empty if absent or malformed).
pub(crate) fn entries(doc: &Map<String, Value>, kind: EntryKind) -> &[Value] {
    match doc.get(kind.list_key()) {
        Some(Value::Array(a)) => a.as_slice(),
        _ => &[],
    }
}

pub(crate) fn entry_name(item: &Value) -> Option<&str> {
    match item.get("name") {
        Some(Value::String(s)) => Some(s),
        None | Some(Value::Null) => Some(""),
        _ => None,
    }
}

/// Loads and merges every source. Never fails: what cannot be read becomes a problem.
pub fn load(sources: &Sources) -> Loaded {
    let mut loaded = Loaded {
        managed_dir: sources.managed_dir.clone(),
        ..Default::default()
    };
    for (path, kind) in sources.files() {
        let display = path.display().to_string();
        loaded.sources.push(display.clone());
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if kind == SourceKind::KubeconfigEnv {
                    loaded.problems.push(problem(
                        &display,
                        None,
                        "file not found (skipped, as kubectl does)",
                    ));
                }
                continue;
            }
            Err(e) => {
                loaded
                    .problems
                    .push(problem(&display, None, &format!("cannot read: {e}")));
                continue;
            }
        };
        if fs::metadata(&path).map(|m| m.is_dir()).unwrap_or(false) {
            loaded
                .problems
                .push(problem(&display, None, "is a directory"));
            continue;
        }
        let Ok(text) = String::from_utf8(bytes.clone()) else {
            loaded
                .problems
                .push(problem(&display, None, "not UTF-8 text"));
            continue;
        };
        match parse_file_text(&path, kind, &text, fsio::hash(&bytes)) {
            Ok((file, mut problems)) => {
                loaded.problems.append(&mut problems);
                loaded.files.push(file);
            }
            Err(p) => loaded.problems.push(p),
        }
    }
    loaded.merge();
    loaded.check_references();
    loaded
}

fn problem(file: &str, context: Option<&str>, message: &str) -> KubeconfigProblem {
    KubeconfigProblem {
        file: file.to_string(),
        context: context.map(str::to_string),
        line: None,
        column: None,
        message: message.to_string(),
    }
}

impl Loaded {
    fn merge(&mut self) {
        for (fi, file) in self.files.iter().enumerate() {
            for kind in EntryKind::ALL {
                let map = match kind {
                    EntryKind::Cluster => &mut self.clusters,
                    EntryKind::User => &mut self.users,
                    EntryKind::Context => &mut self.contexts,
                };
                for (i, item) in entries(&file.doc, kind).iter().enumerate() {
                    if check_entry(item, kind).is_err() {
                        continue;
                    }
                    let name = entry_name(item).unwrap_or("").to_string();
                    map.entry(name).or_insert(Origin { file: fi, index: i });
                }
            }
            if self.current.is_none() {
                if let Some(Value::String(cc)) = file.doc.get("current-context") {
                    if !cc.is_empty() {
                        self.current = Some((cc.clone(), fi));
                    }
                }
            }
        }
    }

    fn check_references(&mut self) {
        let mut problems = Vec::new();
        for (name, origin) in &self.contexts {
            let file = &self.files[origin.file];
            let at = file.spans.get(&(EntryKind::Context, origin.index)).copied();
            let mut push = |message: String| {
                problems.push(KubeconfigProblem {
                    file: file.display(),
                    context: Some(name.clone()),
                    line: at.map(|a| a.0),
                    column: at.map(|a| a.1),
                    message,
                })
            };
            let body = self
                .entry(EntryKind::Context, name)
                .cloned()
                .unwrap_or(Value::Null);
            let cluster = str_field(&body, "cluster").unwrap_or("");
            let user = str_field(&body, "user").unwrap_or("");
            if cluster.is_empty() {
                push("context has no cluster".into());
            } else if !self.clusters.contains_key(cluster) {
                push(format!(
                    "cluster {cluster:?} is not defined in any kubeconfig file"
                ));
            } else {
                let c = self
                    .resolved(EntryKind::Cluster, cluster)
                    .unwrap_or(Value::Null);
                check_file_ref(
                    &c,
                    "certificate-authority-data",
                    "certificate-authority",
                    "certificate authority",
                    &mut push,
                );
            }
            if !user.is_empty() {
                if !self.users.contains_key(user) {
                    push(format!(
                        "user {user:?} is not defined in any kubeconfig file"
                    ));
                } else {
                    let u = self.resolved(EntryKind::User, user).unwrap_or(Value::Null);
                    check_file_ref(
                        &u,
                        "client-certificate-data",
                        "client-certificate",
                        "client certificate",
                        &mut push,
                    );
                    check_file_ref(&u, "client-key-data", "client-key", "client key", &mut push);
                    if str_field(&u, "token").unwrap_or("").is_empty() {
                        check_file_ref(&u, "", "tokenFile", "token", &mut push);
                    }
                }
            }
        }
        if let Some((cc, fi)) = &self.current {
            if !self.contexts.contains_key(cc) {
                problems.push(KubeconfigProblem {
                    file: self.files[*fi].display(),
                    context: Some(cc.clone()),
                    line: None,
                    column: None,
                    message: format!(
                        "current-context {cc:?} is not defined in any kubeconfig file"
                    ),
                });
            }
        }
        self.problems.extend(problems);
    }

    /// The file that defines the entry that won the merge.
    pub fn origin(&self, kind: EntryKind, name: &str) -> Option<&LoadedFile> {
        self.origin_index(kind, name).map(|o| &self.files[o.file])
    }

    pub(crate) fn origin_index(&self, kind: EntryKind, name: &str) -> Option<Origin> {
        self.map(kind).get(name).copied()
    }

    pub(crate) fn map(&self, kind: EntryKind) -> &BTreeMap<String, Origin> {
        match kind {
            EntryKind::Cluster => &self.clusters,
            EntryKind::User => &self.users,
            EntryKind::Context => &self.contexts,
        }
    }

    /// Names of every merged entry of a kind, sorted.
    pub fn names(&self, kind: EntryKind) -> Vec<String> {
        self.map(kind).keys().cloned().collect()
    }

    /// The body (`cluster`, `user` or `context` mapping) of the winning entry, as written.
    pub fn entry(&self, kind: EntryKind, name: &str) -> Option<&Value> {
        let o = self.origin_index(kind, name)?;
        let item = entries(&self.files[o.file].doc, kind).get(o.index)?;
        Some(item.get(kind.body_key()).unwrap_or(&Value::Null))
    }

    /// The body with relative paths resolved against its file's directory.
    pub fn resolved(&self, kind: EntryKind, name: &str) -> Option<Value> {
        let mut body = self.entry(kind, name)?.clone();
        let base = self.origin(kind, name)?.base_dir();
        resolve_paths(kind, &mut body, &base);
        Some(body)
    }

    /// The merged current context, if any file sets one.
    pub fn current_context(&self) -> Option<&str> {
        self.current.as_ref().map(|(c, _)| c.as_str())
    }

    /// Replaces a user's body in this in-memory view only (never written). Used to export
    /// secured users with their original credentials.
    pub(crate) fn set_user_body_in_memory(&mut self, user: &str, body: Value) {
        if let Some(o) = self.origin_index(EntryKind::User, user) {
            if let Some(Value::Object(item)) = self.files[o.file]
                .doc
                .get_mut("users")
                .and_then(Value::as_array_mut)
                .and_then(|a| a.get_mut(o.index))
            {
                item.insert("user".into(), body);
            }
        }
    }

    /// The managed directory these files were loaded with.
    pub fn managed_dir(&self) -> Option<&Path> {
        self.managed_dir.as_deref()
    }

    /// The summary list the UI shows.
    pub fn context_list(&self) -> ContextList {
        let current = self.current_context();
        let contexts = self
            .contexts
            .keys()
            .map(|name| {
                let body = self
                    .entry(EntryKind::Context, name)
                    .cloned()
                    .unwrap_or(Value::Null);
                let cluster = str_field(&body, "cluster").unwrap_or("").to_string();
                let user = str_field(&body, "user").unwrap_or("").to_string();
                let server = self
                    .entry(EntryKind::Cluster, &cluster)
                    .and_then(|c| str_field(c, "server"))
                    .filter(|s| !s.is_empty())
                    .map(str::to_string);
                let namespace = str_field(&body, "namespace")
                    .filter(|s| !s.is_empty())
                    .map(str::to_string);
                let user_body = self
                    .entry(EntryKind::User, &user)
                    .cloned()
                    .unwrap_or(Value::Null);
                let exec =
                    exec_summary(&self.resolved(EntryKind::User, &user).unwrap_or(Value::Null));
                ContextSummary {
                    name: name.clone(),
                    cluster,
                    server,
                    user,
                    namespace,
                    current: current == Some(name.as_str()),
                    source_file: self
                        .origin(EntryKind::Context, name)
                        .map(|f| f.display())
                        .unwrap_or_default(),
                    auth_kind: auth_kind(&user_body),
                    secret_location: secret_location(&user_body),
                    exec,
                }
            })
            .collect();
        ContextList {
            contexts,
            current_context: current.map(str::to_string),
            problems: self.problems.clone(),
            sources: self.sources.clone(),
            revision: self.revision(),
        }
    }

    /// A digest of every loaded file's path and content hash, and of the missing ones.
    pub fn revision(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for s in &self.sources {
            h.update(s.as_bytes());
            h.update([0]);
        }
        for f in &self.files {
            h.update(f.path.to_string_lossy().as_bytes());
            h.update([0]);
            h.update(f.hash.as_bytes());
            h.update([0]);
        }
        let d = h.finalize();
        d.iter().take(12).map(|b| format!("{b:02x}")).collect()
    }
}

fn exec_summary(user: &Value) -> Option<ExecSummary> {
    let exec = user.get("exec").filter(|e| e.is_object())?;
    Some(ExecSummary {
        command: str_field(exec, "command").unwrap_or("").to_string(),
        resolved: None,
        interactive_mode: str_field(exec, "interactiveMode").map(str::to_string),
        ordinal: is_ordinal_exec(user),
    })
}

pub(crate) fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn nonempty(v: &Value, key: &str) -> bool {
    match v.get(key) {
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Null) | None => false,
        Some(_) => true,
    }
}

fn check_file_ref(
    body: &Value,
    data_key: &str,
    path_key: &str,
    what: &str,
    push: &mut impl FnMut(String),
) {
    if !data_key.is_empty() && nonempty(body, data_key) {
        if let Some(s) = str_field(body, data_key) {
            if decode_b64(s).is_none() {
                push(format!("{data_key} is not valid base64"));
            }
        }
        return;
    }
    if let Some(p) = str_field(body, path_key).filter(|p| !p.is_empty()) {
        if let Err(e) = fs::File::open(p) {
            push(format!("cannot read {what} file {p}: {}", io_reason(&e)));
        }
    }
}

fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Decodes kubeconfig `*-data` (standard base64; whitespace tolerated like Go's decoder of YAML).
pub(crate) fn decode_b64(s: &str) -> Option<Vec<u8>> {
    let clean: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(clean.as_bytes())
        .ok()
}

pub(crate) fn encode_b64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// How a user entry authenticates. Exec and auth-provider win over static credentials.
pub fn auth_kind(user: &Value) -> AuthKind {
    if user.get("exec").is_some_and(|e| e.is_object()) {
        AuthKind::Exec
    } else if user.get("auth-provider").is_some_and(|e| e.is_object()) {
        AuthKind::AuthProvider
    } else if (nonempty(user, "client-certificate-data") || nonempty(user, "client-certificate"))
        && (nonempty(user, "client-key-data") || nonempty(user, "client-key"))
    {
        AuthKind::Cert
    } else if nonempty(user, "token") || nonempty(user, "tokenFile") {
        AuthKind::Token
    } else if nonempty(user, "username") || nonempty(user, "password") {
        AuthKind::Basic
    } else {
        AuthKind::None
    }
}

/// True when the user entry is Ordinal's own exec credential plugin (`<ordinal> credential --context X`).
pub fn is_ordinal_exec(user: &Value) -> bool {
    let Some(exec) = user.get("exec") else {
        return false;
    };
    let args: Vec<&str> = exec
        .get("args")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let command = str_field(exec, "command").unwrap_or("");
    let stem = Path::new(command)
        .file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    args.first() == Some(&"credential")
        && args.contains(&"--context")
        && stem.starts_with("ordinal")
}

/// The context name in Ordinal's exec args, if this is Ordinal's plugin.
pub fn ordinal_exec_context(user: &Value) -> Option<String> {
    if !is_ordinal_exec(user) {
        return None;
    }
    let args: Vec<&str> = user["exec"]["args"]
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let i = args.iter().position(|a| *a == "--context")?;
    args.get(i + 1).map(|s| s.to_string())
}

pub fn secret_location(user: &Value) -> SecretLocation {
    if is_ordinal_exec(user) {
        return SecretLocation::Keyring;
    }
    match auth_kind(user) {
        AuthKind::Exec | AuthKind::None => {
            if nonempty(user, "token")
                || nonempty(user, "client-key-data")
                || nonempty(user, "password")
            {
                SecretLocation::File
            } else {
                SecretLocation::None
            }
        }
        _ => SecretLocation::File,
    }
}

/// Resolves the relative file references of a cluster or user body against `base`.
pub(crate) fn resolve_paths(kind: EntryKind, body: &mut Value, base: &Path) {
    let Value::Object(m) = body else { return };
    let keys: &[&str] = match kind {
        EntryKind::Cluster => &["certificate-authority"],
        EntryKind::User => &["client-certificate", "client-key", "tokenFile"],
        EntryKind::Context => &[],
    };
    for k in keys {
        if let Some(Value::String(p)) = m.get_mut(*k) {
            if !p.is_empty() && !Path::new(p.as_str()).is_absolute() {
                *p = join_clean(base, p).display().to_string();
            }
        }
    }
    if kind == EntryKind::User {
        if let Some(Value::String(cmd)) = m.get_mut("exec").and_then(|e| e.get_mut("command")) {
            if cmd.contains(std::path::MAIN_SEPARATOR) && !Path::new(cmd.as_str()).is_absolute() {
                *cmd = join_clean(base, cmd).display().to_string();
            }
        }
    }
}

/// `filepath.Join(base, rel)`: joins and cleans `.` and `..` lexically.
pub(crate) fn join_clean(base: &Path, rel: &str) -> PathBuf {
    let joined = base.join(rel);
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// An absolute, lexically cleaned path (no symlink resolution, like Go's `filepath.Abs`).
pub(crate) fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        join_clean(p, ".")
    } else {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        join_clean(&cwd, &p.to_string_lossy())
    }
}

#[cfg(test)]
mod redact_tests {
    use super::redact_serde;

    #[test]
    fn serde_messages_lose_the_value_but_keep_the_expectation() {
        let m = redact_serde(
            "invalid type: string \"token: s3cret, expected x\", expected struct UserV at line 1 column 2",
        );
        assert_eq!(m, "invalid type: found a string, expected a user mapping");
        assert!(
            !redact_serde("invalid value: integer `31415926535`, expected a boolean")
                .contains("3141")
        );
        assert!(
            !redact_serde("unknown variant `hunter2`, expected one of `Never`, `Always`")
                .contains("hunter2")
        );
        assert_eq!(
            redact_serde("missing field `server`"),
            "missing field `server`"
        );
    }
}
