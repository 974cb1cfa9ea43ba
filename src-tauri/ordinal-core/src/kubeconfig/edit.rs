//! Offline edits. Every write:
//! - goes only to the file that holds the entry it changes;
//! - first checks the file still has the content hash it had when it was loaded (else
//!   [`KubeconfigError::Changed`], code `Conflict`);
//! - is atomic (temp file in the same directory, fsync, rename, fsync the directory), keeping
//!   the file's permissions (0600 for new files);
//! - keeps a timestamped backup in [`EditEnv::backups_dir`] (at most [`EditEnv::max_backups`]);
//! - is recorded in an undo log there, so [`undo_last`] restores it if the file still holds
//!   exactly what we wrote.
//!
//! Documents are edited as generic JSON, so unknown fields and `extensions` survive.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use super::load::{
    entries, entry_name, parse_file_text, resolve_paths, str_field, Loaded, SourceKind,
};
use super::{fsio, EntryKind, KubeconfigError, KubeconfigProblem, Result};

/// Where backups and the undo log live, and how many to keep.
#[derive(Debug, Clone)]
pub struct EditEnv {
    pub backups_dir: PathBuf,
    pub max_backups: usize,
}

impl EditEnv {
    pub fn new(backups_dir: impl Into<PathBuf>) -> Self {
        EditEnv {
            backups_dir: backups_dir.into(),
            max_backups: 50,
        }
    }

    fn undo_log_path(&self) -> PathBuf {
        self.backups_dir.join("undo-log.json")
    }
}

/// What a write did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EditOutcome {
    /// Files written (or, for an undo, restored or removed).
    pub files: Vec<String>,
    /// A human description ("rename context a to b").
    pub description: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UndoLog {
    groups: Vec<UndoGroup>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UndoGroup {
    description: String,
    files: Vec<UndoFile>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UndoFile {
    path: PathBuf,
    /// `None` when the write created the file (undo removes it).
    backup: Option<PathBuf>,
    written_hash: String,
}

fn write_err(path: &Path, e: io::Error) -> KubeconfigError {
    KubeconfigError::Write {
        file: path.display().to_string(),
        message: e.to_string(),
    }
}

/// A set of document changes committed together.
pub(crate) struct Txn<'a> {
    loaded: &'a Loaded,
    docs: BTreeMap<usize, Map<String, Value>>,
    new_files: Vec<(PathBuf, Map<String, Value>)>,
    /// Keep a backup and an undo entry (off for writes that move secrets: a backup would keep
    /// the secret on disk, and undoing would leave a keyring item behind or missing).
    undoable: bool,
}

impl<'a> Txn<'a> {
    pub(crate) fn new(loaded: &'a Loaded) -> Self {
        Txn {
            loaded,
            docs: BTreeMap::new(),
            new_files: Vec::new(),
            undoable: true,
        }
    }

    pub(crate) fn doc_mut(&mut self, file: usize) -> &mut Map<String, Value> {
        let loaded = self.loaded;
        self.docs
            .entry(file)
            .or_insert_with(|| loaded.files[file].doc.clone())
    }

    /// The named entry (whole `{name, <body>}` item) of the winning definition, for editing.
    pub(crate) fn item_mut(
        &mut self,
        kind: EntryKind,
        name: &str,
    ) -> Result<&mut Map<String, Value>> {
        let o = self
            .loaded
            .origin_index(kind, name)
            .ok_or_else(|| KubeconfigError::NotFound {
                kind: kind.label(),
                name: name.to_string(),
            })?;
        let doc = self.doc_mut(o.file);
        match doc
            .get_mut(kind.list_key())
            .and_then(Value::as_array_mut)
            .and_then(|a| a.get_mut(o.index))
        {
            Some(Value::Object(m)) => Ok(m),
            _ => Err(KubeconfigError::NotFound {
                kind: kind.label(),
                name: name.to_string(),
            }),
        }
    }

    /// The body mapping of an entry, created if missing.
    pub(crate) fn body_mut(
        &mut self,
        kind: EntryKind,
        name: &str,
    ) -> Result<&mut Map<String, Value>> {
        let item = self.item_mut(kind, name)?;
        let body = item
            .entry(kind.body_key())
            .or_insert_with(|| Value::Object(Map::new()));
        if !body.is_object() {
            *body = Value::Object(Map::new());
        }
        Ok(body.as_object_mut().expect("just made an object"))
    }

    fn remove_item(&mut self, kind: EntryKind, name: &str) -> Result<()> {
        let o = self
            .loaded
            .origin_index(kind, name)
            .ok_or_else(|| KubeconfigError::NotFound {
                kind: kind.label(),
                name: name.to_string(),
            })?;
        let doc = self.doc_mut(o.file);
        if let Some(list) = doc.get_mut(kind.list_key()).and_then(Value::as_array_mut) {
            // Indices stay valid because each name is removed at most once per transaction and we
            // replace the item with a tombstone that is dropped at commit.
            if o.index < list.len() {
                list[o.index] = Value::String(TOMBSTONE.into());
            }
        }
        Ok(())
    }

    pub(crate) fn commit(self, env: &EditEnv, description: &str) -> Result<EditOutcome> {
        // 1. Conflict checks before touching anything.
        for &fi in self.docs.keys() {
            let f = &self.loaded.files[fi];
            let current = fs::read(&f.path).map_err(|e| KubeconfigError::Read {
                file: f.display(),
                message: e.to_string(),
            })?;
            if fsio::hash(&current) != f.hash {
                return Err(KubeconfigError::Changed { file: f.display() });
            }
        }
        for (p, _) in &self.new_files {
            if p.exists() {
                return Err(KubeconfigError::AlreadyExists {
                    kind: "file",
                    name: p.display().to_string(),
                });
            }
        }
        fsio::create_private_dir(&env.backups_dir).map_err(|e| write_err(&env.backups_dir, e))?;
        let mut group = UndoGroup {
            description: description.to_string(),
            files: Vec::new(),
        };
        let mut written = Vec::new();
        // 2. Backups and writes.
        for (fi, mut doc) in self.docs {
            let f = &self.loaded.files[fi];
            drop_tombstones(&mut doc);
            let bytes = fsio::to_yaml(&Value::Object(doc)).into_bytes();
            let old = fs::read(&f.path).map_err(|e| KubeconfigError::Read {
                file: f.display(),
                message: e.to_string(),
            })?;
            let backup = if self.undoable {
                let backup = backup_path(env, &f.path);
                write_private(&backup, &old).map_err(|e| write_err(&backup, e))?;
                Some(backup)
            } else {
                None
            };
            fsio::atomic_write(&f.path, &bytes).map_err(|e| write_err(&f.path, e))?;
            group.files.push(UndoFile {
                path: f.path.clone(),
                backup,
                written_hash: fsio::hash(&bytes),
            });
            written.push(f.display());
        }
        for (path, doc) in self.new_files {
            if let Some(dir) = path.parent() {
                fsio::create_private_dir(dir).map_err(|e| write_err(dir, e))?;
            }
            let bytes = fsio::to_yaml(&Value::Object(doc)).into_bytes();
            fsio::atomic_write(&path, &bytes).map_err(|e| write_err(&path, e))?;
            group.files.push(UndoFile {
                path: path.clone(),
                backup: None,
                written_hash: fsio::hash(&bytes),
            });
            written.push(path.display().to_string());
        }
        // 3. Undo log and pruning. A write without undo also ends the undo history of its files:
        // their earlier entries could only restore a state from before it.
        let mut log = read_log(env);
        if self.undoable {
            log.groups.push(group);
        } else {
            let touched: Vec<&PathBuf> = group.files.iter().map(|f| &f.path).collect();
            log.groups
                .retain(|g| !g.files.iter().any(|f| touched.contains(&&f.path)));
        }
        prune(env, &mut log);
        write_log(env, &log)?;
        Ok(EditOutcome {
            files: written,
            description: description.to_string(),
        })
    }
}

const TOMBSTONE: &str = "\u{0}ordinal-removed";

fn drop_tombstones(doc: &mut Map<String, Value>) {
    for kind in EntryKind::ALL {
        if let Some(list) = doc.get_mut(kind.list_key()).and_then(Value::as_array_mut) {
            list.retain(|v| v.as_str() != Some(TOMBSTONE));
        }
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    fsio::atomic_write(path, bytes)
}

fn backup_path(env: &EditEnv, file: &Path) -> PathBuf {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "kubeconfig".into());
    let base = format!("{:020}", fsio::now_millis());
    let mut n = 0;
    loop {
        let p = env.backups_dir.join(format!("{base}-{n:03}-{name}.bak"));
        if !p.exists() {
            return p;
        }
        n += 1;
    }
}

fn read_log(env: &EditEnv) -> UndoLog {
    fs::read(env.undo_log_path())
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

fn write_log(env: &EditEnv, log: &UndoLog) -> Result<()> {
    let bytes = serde_json::to_vec_pretty(log).expect("plain data");
    let p = env.undo_log_path();
    fsio::atomic_write(&p, &bytes).map_err(|e| write_err(&p, e))
}

/// Keeps at most `max_backups` backup files and drops undo groups whose backups are gone.
fn prune(env: &EditEnv, log: &mut UndoLog) {
    while log.groups.len() > env.max_backups.max(1) {
        log.groups.remove(0);
    }
    let mut backups: Vec<PathBuf> = fs::read_dir(&env.backups_dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "bak"))
                .collect()
        })
        .unwrap_or_default();
    backups.sort();
    let excess = backups.len().saturating_sub(env.max_backups.max(1));
    for p in &backups[..excess] {
        let _ = fs::remove_file(p);
    }
    log.groups.retain(|g| {
        g.files
            .iter()
            .all(|f| f.backup.as_ref().is_none_or(|b| b.exists()))
    });
}

/// Deletes every backup whose bytes contain one of `needles` (secrets just moved to the
/// keyring), with the undo entries that needed them. Returns how many backups were removed.
pub fn scrub_backups(env: &EditEnv, needles: &[&str]) -> usize {
    let needles: Vec<&[u8]> = needles
        .iter()
        .filter(|n| n.len() >= 4)
        .map(|n| n.as_bytes())
        .collect();
    if needles.is_empty() {
        return 0;
    }
    let mut removed = 0;
    for entry in fs::read_dir(&env.backups_dir)
        .into_iter()
        .flatten()
        .flatten()
    {
        let p = entry.path();
        if p.extension().is_none_or(|x| x != "bak") {
            continue;
        }
        let Ok(bytes) = fs::read(&p) else { continue };
        if needles
            .iter()
            .any(|n| bytes.windows(n.len()).any(|w| w == *n))
            && fs::remove_file(&p).is_ok()
        {
            removed += 1;
        }
    }
    if removed > 0 {
        let mut log = read_log(env);
        prune(env, &mut log);
        let _ = write_log(env, &log);
    }
    removed
}

/// Restores the last recorded write. Fails with `Conflict` if any file it wrote has changed since.
pub fn undo_last(env: &EditEnv) -> Result<EditOutcome> {
    let mut log = read_log(env);
    let group = log
        .groups
        .last()
        .cloned()
        .ok_or(KubeconfigError::NothingToUndo)?;
    for f in &group.files {
        let current = match fs::read(&f.path) {
            Ok(b) => b,
            Err(_) => {
                return Err(KubeconfigError::Changed {
                    file: f.path.display().to_string(),
                })
            }
        };
        if fsio::hash(&current) != f.written_hash {
            return Err(KubeconfigError::Changed {
                file: f.path.display().to_string(),
            });
        }
    }
    let mut files = Vec::new();
    for f in &group.files {
        match &f.backup {
            Some(b) => {
                let bytes = fs::read(b).map_err(|e| KubeconfigError::Read {
                    file: b.display().to_string(),
                    message: e.to_string(),
                })?;
                fsio::atomic_write(&f.path, &bytes).map_err(|e| write_err(&f.path, e))?;
            }
            None => fs::remove_file(&f.path).map_err(|e| write_err(&f.path, e))?,
        }
        files.push(f.path.display().to_string());
    }
    log.groups.pop();
    write_log(env, &log)?;
    Ok(EditOutcome {
        files,
        description: format!("undo {}", group.description),
    })
}

fn require_context(loaded: &Loaded, name: &str) -> Result<()> {
    if loaded.entry(EntryKind::Context, name).is_none() {
        return Err(KubeconfigError::NotFound {
            kind: "context",
            name: name.to_string(),
        });
    }
    Ok(())
}

fn require_free(loaded: &Loaded, kind: EntryKind, name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(KubeconfigError::Invalid(format!(
            "a {} name cannot be empty",
            kind.label()
        )));
    }
    if loaded.entry(kind, name).is_some() {
        return Err(KubeconfigError::AlreadyExists {
            kind: kind.label(),
            name: name.to_string(),
        });
    }
    Ok(())
}

/// Files (by index) whose own `current-context` equals `name`.
fn files_with_current(loaded: &Loaded, name: &str) -> Vec<usize> {
    (0..loaded.files.len())
        .filter(|&i| {
            loaded.files[i]
                .doc
                .get("current-context")
                .and_then(Value::as_str)
                == Some(name)
        })
        .collect()
}

/// `kubectl config rename-context OLD NEW`, plus every file whose `current-context` was OLD.
pub fn rename_context(loaded: &Loaded, env: &EditEnv, old: &str, new: &str) -> Result<EditOutcome> {
    require_context(loaded, old)?;
    require_free(loaded, EntryKind::Context, new)?;
    let mut txn = Txn::new(loaded);
    txn.item_mut(EntryKind::Context, old)?
        .insert("name".into(), Value::String(new.into()));
    for fi in files_with_current(loaded, old) {
        txn.doc_mut(fi)
            .insert("current-context".into(), Value::String(new.into()));
    }
    txn.commit(env, &format!("rename context {old} to {new}"))
}

/// Deletes a context, and its cluster and user when no other context uses them.
pub fn delete_context(loaded: &Loaded, env: &EditEnv, name: &str) -> Result<EditOutcome> {
    require_context(loaded, name)?;
    let body = loaded
        .entry(EntryKind::Context, name)
        .cloned()
        .unwrap_or(Value::Null);
    let cluster = str_field(&body, "cluster").unwrap_or("").to_string();
    let user = str_field(&body, "user").unwrap_or("").to_string();
    let used_elsewhere = |key: &str, value: &str| {
        loaded.names(EntryKind::Context).iter().any(|c| {
            c != name
                && loaded
                    .entry(EntryKind::Context, c)
                    .and_then(|b| str_field(b, key))
                    == Some(value)
        })
    };
    let mut txn = Txn::new(loaded);
    txn.remove_item(EntryKind::Context, name)?;
    if !cluster.is_empty()
        && loaded.entry(EntryKind::Cluster, &cluster).is_some()
        && !used_elsewhere("cluster", &cluster)
    {
        txn.remove_item(EntryKind::Cluster, &cluster)?;
    }
    if !user.is_empty()
        && loaded.entry(EntryKind::User, &user).is_some()
        && !used_elsewhere("user", &user)
    {
        txn.remove_item(EntryKind::User, &user)?;
    }
    for fi in files_with_current(loaded, name) {
        txn.doc_mut(fi).remove("current-context");
    }
    txn.commit(env, &format!("delete context {name}"))
}

/// Sets (or with `None`/empty, removes) the context's default namespace.
pub fn set_namespace(
    loaded: &Loaded,
    env: &EditEnv,
    context: &str,
    namespace: Option<&str>,
) -> Result<EditOutcome> {
    require_context(loaded, context)?;
    let mut txn = Txn::new(loaded);
    let body = txn.body_mut(EntryKind::Context, context)?;
    match namespace.filter(|n| !n.is_empty()) {
        Some(ns) => {
            body.insert("namespace".into(), Value::String(ns.into()));
        }
        None => {
            body.remove("namespace");
        }
    }
    txn.commit(env, &format!("set namespace of {context}"))
}

/// `kubectl config use-context`: writes `current-context` to the file that currently sets it,
/// else to the first kubectl file, else to the context's own file.
pub fn set_current_context(loaded: &Loaded, env: &EditEnv, name: &str) -> Result<EditOutcome> {
    require_context(loaded, name)?;
    let target = loaded
        .current
        .as_ref()
        .map(|(_, fi)| *fi)
        .or_else(|| {
            loaded
                .files
                .iter()
                .position(|f| f.kind != SourceKind::Managed)
        })
        .or_else(|| {
            loaded
                .origin_index(EntryKind::Context, name)
                .map(|o| o.file)
        })
        .ok_or_else(|| KubeconfigError::NotFound {
            kind: "context",
            name: name.into(),
        })?;
    let mut txn = Txn::new(loaded);
    txn.doc_mut(target)
        .insert("current-context".into(), Value::String(name.into()));
    txn.commit(env, &format!("use context {name}"))
}

/// Copies a context (same cluster and user) under a new name, in the same file.
pub fn duplicate_context(
    loaded: &Loaded,
    env: &EditEnv,
    source: &str,
    new: &str,
) -> Result<EditOutcome> {
    require_context(loaded, source)?;
    require_free(loaded, EntryKind::Context, new)?;
    let o = loaded
        .origin_index(EntryKind::Context, source)
        .expect("checked");
    let mut item = entries(&loaded.files[o.file].doc, EntryKind::Context)[o.index].clone();
    item["name"] = Value::String(new.into());
    let mut txn = Txn::new(loaded);
    let doc = txn.doc_mut(o.file);
    if let Some(list) = doc.get_mut("contexts").and_then(Value::as_array_mut) {
        list.push(item);
    }
    txn.commit(env, &format!("duplicate context {source} as {new}"))
}

/// Renames to apply to an imported file, old name -> new name, per kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RenameMap {
    #[serde(default)]
    pub clusters: BTreeMap<String, String>,
    #[serde(default)]
    pub users: BTreeMap<String, String>,
    #[serde(default)]
    pub contexts: BTreeMap<String, String>,
}

impl RenameMap {
    fn get(&self, kind: EntryKind) -> &BTreeMap<String, String> {
        match kind {
            EntryKind::Cluster => &self.clusters,
            EntryKind::User => &self.users,
            EntryKind::Context => &self.contexts,
        }
    }
}

/// One entry an import would add.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportItem {
    /// `cluster`, `user` or `context`.
    pub kind: String,
    pub name: String,
    /// A loaded kubeconfig already defines this name: pick a new one in the [`RenameMap`].
    pub clash: bool,
}

/// What an import would add.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportPreview {
    pub items: Vec<ImportItem>,
    pub problems: Vec<KubeconfigProblem>,
}

fn parse_import(text: &str, label: &str) -> Result<Map<String, Value>> {
    let (file, problems) =
        parse_file_text(Path::new(label), SourceKind::Managed, text, String::new()).map_err(
            |p| KubeconfigError::Parse {
                file: p.file,
                line: p.line,
                column: p.column,
                message: p.message,
            },
        )?;
    if let Some(p) = problems.first() {
        return Err(KubeconfigError::Parse {
            file: p.file.clone(),
            line: p.line,
            column: p.column,
            message: p.message.clone(),
        });
    }
    Ok(file.doc)
}

/// Previews importing a kubeconfig text: what it adds and which names clash.
pub fn import_preview(loaded: &Loaded, text: &str, label: &str) -> Result<ImportPreview> {
    let doc = parse_import(text, label)?;
    let mut items = Vec::new();
    for kind in [EntryKind::Context, EntryKind::Cluster, EntryKind::User] {
        for item in entries(&doc, kind) {
            let name = entry_name(item).unwrap_or("").to_string();
            items.push(ImportItem {
                kind: kind.label().into(),
                clash: loaded.entry(kind, &name).is_some(),
                name,
            });
        }
    }
    let mut problems = Vec::new();
    for item in entries(&doc, EntryKind::Context) {
        let name = entry_name(item).unwrap_or("");
        let body = item.get("context").cloned().unwrap_or(Value::Null);
        for (key, kind) in [("cluster", EntryKind::Cluster), ("user", EntryKind::User)] {
            let r = str_field(&body, key).unwrap_or("");
            let inside = entries(&doc, kind).iter().any(|i| entry_name(i) == Some(r));
            if !r.is_empty() && !inside && loaded.entry(kind, r).is_none() {
                problems.push(KubeconfigProblem {
                    file: label.into(),
                    context: Some(name.into()),
                    line: None,
                    column: None,
                    message: format!(
                        "{key} {r:?} is defined neither in this file nor in a loaded kubeconfig"
                    ),
                });
            }
        }
    }
    Ok(ImportPreview { items, problems })
}

/// Imports a kubeconfig text as a new managed file, after applying `renames`. Fails with
/// `AlreadyExists` (code `Conflict`) if a name still clashes. Relative paths are made absolute
/// against `base_dir` (the imported file's directory) when given. The imported
/// `current-context` is dropped (importing never switches context).
pub fn import_apply(
    loaded: &Loaded,
    env: &EditEnv,
    text: &str,
    label: &str,
    base_dir: Option<&Path>,
    renames: &RenameMap,
) -> Result<EditOutcome> {
    let managed = loaded
        .managed_dir()
        .ok_or_else(|| {
            KubeconfigError::Invalid("no managed directory configured for imports".into())
        })?
        .to_path_buf();
    let mut doc = parse_import(text, label)?;
    for kind in EntryKind::ALL {
        let map = renames.get(kind);
        if let Some(list) = doc.get_mut(kind.list_key()).and_then(Value::as_array_mut) {
            let mut seen = BTreeSet::new();
            for item in list.iter_mut() {
                let old = entry_name(item).unwrap_or("").to_string();
                let new = map.get(&old).cloned().unwrap_or(old);
                require_free(loaded, kind, &new)?;
                if !seen.insert(new.clone()) {
                    return Err(KubeconfigError::AlreadyExists {
                        kind: kind.label(),
                        name: new,
                    });
                }
                item["name"] = Value::String(new);
                if let (Some(base), Some(body)) = (base_dir, item.get_mut(kind.body_key())) {
                    resolve_paths(kind, body, base);
                }
                if kind == EntryKind::Context {
                    if let Some(Value::Object(body)) = item.get_mut("context") {
                        for (key, k) in [("cluster", &renames.clusters), ("user", &renames.users)] {
                            if let Some(Value::String(r)) = body.get_mut(key) {
                                if let Some(n) = k.get(r.as_str()) {
                                    *r = n.clone();
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    doc.remove("current-context");
    let stem: String = Path::new(label)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "pasted".into())
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let path = managed.join(format!(
        "{}-{}.yaml",
        fsio::now_millis(),
        if stem.is_empty() { "import" } else { &stem }
    ));
    let mut txn = Txn::new(loaded);
    txn.new_files.push((path, doc));
    txn.commit(env, &format!("import {label}"))
}

fn read_b64(path: &str) -> Result<String> {
    let bytes = fs::read(path).map_err(|e| KubeconfigError::Read {
        file: path.into(),
        message: e.to_string(),
    })?;
    Ok(super::load::encode_b64(&bytes))
}

/// Exports contexts, with their clusters and users, as a self-contained kubeconfig (YAML):
/// certificate and key files are inlined as `*-data`, `tokenFile` as `token`, relative
/// `exec.command` paths made absolute. The first context becomes `current-context`.
/// The output contains secrets: the caller writes it where the user asked, with 0600.
pub fn export_contexts(loaded: &Loaded, names: &[String]) -> Result<String> {
    if names.is_empty() {
        return Err(KubeconfigError::Invalid("no context to export".into()));
    }
    let mut contexts = Vec::new();
    let mut clusters: BTreeMap<String, Value> = BTreeMap::new();
    let mut users: BTreeMap<String, Value> = BTreeMap::new();
    for name in names {
        require_context(loaded, name)?;
        let o = loaded
            .origin_index(EntryKind::Context, name)
            .expect("checked");
        let item = entries(&loaded.files[o.file].doc, EntryKind::Context)[o.index].clone();
        let body = item.get("context").cloned().unwrap_or(Value::Null);
        if let Some(c) = str_field(&body, "cluster").filter(|c| !c.is_empty()) {
            let mut cb = loaded.resolved(EntryKind::Cluster, c).ok_or_else(|| {
                KubeconfigError::NotFound {
                    kind: "cluster",
                    name: c.into(),
                }
            })?;
            inline(
                &mut cb,
                "certificate-authority",
                "certificate-authority-data",
            )?;
            clusters.insert(c.into(), named("cluster", c, cb));
        }
        if let Some(u) = str_field(&body, "user").filter(|u| !u.is_empty()) {
            let mut ub =
                loaded
                    .resolved(EntryKind::User, u)
                    .ok_or_else(|| KubeconfigError::NotFound {
                        kind: "user",
                        name: u.into(),
                    })?;
            inline(&mut ub, "client-certificate", "client-certificate-data")?;
            inline(&mut ub, "client-key", "client-key-data")?;
            if let Value::Object(m) = &mut ub {
                if let Some(Value::String(tf)) = m.remove("tokenFile") {
                    if m.get("token")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .is_empty()
                        && !tf.is_empty()
                    {
                        let t = fs::read_to_string(&tf).map_err(|e| KubeconfigError::Read {
                            file: tf.clone(),
                            message: e.to_string(),
                        })?;
                        m.insert("token".into(), Value::String(t.trim().to_string()));
                    }
                }
            }
            users.insert(u.into(), named("user", u, ub));
        }
        contexts.push(item);
    }
    let mut doc = Map::new();
    doc.insert("apiVersion".into(), "v1".into());
    doc.insert("kind".into(), "Config".into());
    doc.insert("preferences".into(), Value::Object(Map::new()));
    doc.insert(
        "clusters".into(),
        Value::Array(clusters.into_values().collect()),
    );
    doc.insert("users".into(), Value::Array(users.into_values().collect()));
    doc.insert("contexts".into(), Value::Array(contexts));
    doc.insert("current-context".into(), Value::String(names[0].clone()));
    Ok(fsio::to_yaml(&Value::Object(doc)))
}

fn named(key: &str, name: &str, body: Value) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), Value::String(name.into()));
    m.insert(key.into(), body);
    Value::Object(m)
}

fn inline(body: &mut Value, path_key: &str, data_key: &str) -> Result<()> {
    let Value::Object(m) = body else {
        return Ok(());
    };
    if let Some(Value::String(p)) = m.remove(path_key) {
        let has_data = m
            .get(data_key)
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty());
        if !has_data && !p.is_empty() {
            m.insert(data_key.into(), Value::String(read_b64(&p)?));
        }
    }
    Ok(())
}

/// Replaces a user entry's body in its file (used by `secrets` to secure/unsecure a context).
/// Without backup or undo entry: the reverse is unsecure/secure, never a file restore.
pub fn replace_user_body(
    loaded: &Loaded,
    env: &EditEnv,
    user: &str,
    body: Value,
    description: &str,
) -> Result<EditOutcome> {
    let mut txn = Txn::new(loaded);
    txn.undoable = false;
    let item = txn.item_mut(EntryKind::User, user)?;
    item.insert("user".into(), body);
    txn.commit(env, description)
}
