//! The Contexts page's operations, each a checked offline write (see [`crate::kubeconfig::edit`]
//! for atomicity, backups and undo):
//!
//! - [`ContextAdmin::edit`]: rename, delete, set namespace, set current, duplicate, secure,
//!   unsecure. Each carries the [`ContextList::revision`] the user saw; when any kubeconfig file
//!   changed since, nothing is written and the answer is `Conflict` (the UI reloads and asks).
//! - [`ContextAdmin::import_preview`] / [`ContextAdmin::import`]: a file or pasted YAML becomes a
//!   managed file, clashes renamed by the user, credentials secured in the keyring by default.
//!   With the keyring unavailable the import writes nothing and says so (`KeyringUnavailable`);
//!   the user may then import without securing.
//! - [`ContextAdmin::export`]: contexts to a self-contained file (0600, never overwritten).
//! - [`ContextAdmin::undo`]: the last write, when its files still hold what it wrote.
//!
//! [`ContextList::revision`]: crate::kubeconfig::ContextList::revision

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Classify, ErrorCode, IpcError};
use crate::kubeconfig::{
    self, EditEnv, EditOutcome, ImportPreview, Loaded, RenameMap, SecretLocation, Sources,
};
use crate::secrets::{self, SecretStore};

/// One offline change to a context, as the UI asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "op", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum ContextEdit {
    Rename {
        context: String,
        new_name: String,
    },
    /// Deletes the context, and its cluster and user when nothing else uses them (and the
    /// keyring item of a secured user).
    Delete {
        context: String,
    },
    /// An empty or absent namespace removes the default namespace.
    SetNamespace {
        context: String,
        namespace: Option<String>,
    },
    SetCurrent {
        context: String,
    },
    Duplicate {
        context: String,
        new_name: String,
    },
    /// Moves the credentials into the OS keyring (the user entry becomes `ordinal credential`).
    Secure {
        context: String,
    },
    /// Puts the credentials back inline and deletes the keyring item.
    Unsecure {
        context: String,
    },
}

impl ContextEdit {
    fn context(&self) -> &str {
        match self {
            ContextEdit::Rename { context, .. }
            | ContextEdit::Delete { context }
            | ContextEdit::SetNamespace { context, .. }
            | ContextEdit::SetCurrent { context }
            | ContextEdit::Duplicate { context, .. }
            | ContextEdit::Secure { context }
            | ContextEdit::Unsecure { context } => context,
        }
    }
}

/// Where an import comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "from",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ImportSource {
    /// Pasted YAML (relative paths in it cannot be resolved: they are kept as written).
    Text { text: String },
    /// A file on disk; relative paths in it resolve against its directory.
    File { path: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportRequest {
    pub source: ImportSource,
    #[serde(default)]
    pub renames: RenameMap,
    /// Move the imported credentials into the OS keyring.
    pub secure: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportResult {
    pub outcome: EditOutcome,
    /// Imported context names (after renames).
    pub contexts: Vec<String>,
    /// Contexts whose credentials moved to the keyring.
    pub secured: Vec<String>,
    /// Contexts that kept their credentials in the file, with the reason (for example basic
    /// auth, which an exec plugin cannot serve).
    pub not_secured: Vec<NotSecured>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NotSecured {
    pub context: String,
    pub reason: String,
}

/// The Contexts page's operations over one set of kubeconfig sources.
pub struct ContextAdmin {
    pub sources: Sources,
    pub env: EditEnv,
    pub store: Arc<dyn SecretStore>,
    /// The binary secured contexts call as their exec plugin (`<it> credential --context X`).
    pub ordinal_binary: PathBuf,
}

fn ipc(e: impl Classify) -> IpcError {
    e.to_ipc()
}

fn changed() -> IpcError {
    IpcError::new(
        ErrorCode::Conflict,
        "a kubeconfig file changed on disk since the list was shown; nothing was written. Review the reloaded list and try again",
    )
}

impl ContextAdmin {
    pub fn load(&self) -> Loaded {
        kubeconfig::load(&self.sources)
    }

    /// Loads, and refuses when the files are not the ones the user saw.
    fn load_at(&self, revision: Option<&str>) -> Result<Loaded, IpcError> {
        let loaded = self.load();
        match revision {
            Some(r) if r != loaded.revision() => Err(changed()),
            _ => Ok(loaded),
        }
    }

    pub fn edit(
        &self,
        revision: Option<&str>,
        edit: &ContextEdit,
    ) -> Result<EditOutcome, IpcError> {
        if edit.context() == crate::cluster::DEMO_CONTEXT {
            return Err(IpcError::new(
                ErrorCode::Invalid,
                "the demo cluster is built in and not part of any kubeconfig",
            ));
        }
        let loaded = self.load_at(revision)?;
        let env = &self.env;
        match edit {
            ContextEdit::Rename { context, new_name } => {
                valid_name(new_name)?;
                kubeconfig::rename_context(&loaded, env, context, new_name.trim()).map_err(ipc)
            }
            ContextEdit::Delete { context } => {
                secrets::delete_context(&loaded, env, self.store.as_ref(), context).map_err(ipc)
            }
            ContextEdit::SetNamespace { context, namespace } => {
                let ns = namespace
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty());
                if let Some(ns) = ns {
                    valid_namespace(ns)?;
                }
                kubeconfig::set_namespace(&loaded, env, context, ns).map_err(ipc)
            }
            ContextEdit::SetCurrent { context } => {
                kubeconfig::set_current_context(&loaded, env, context).map_err(ipc)
            }
            ContextEdit::Duplicate { context, new_name } => {
                valid_name(new_name)?;
                kubeconfig::duplicate_context(&loaded, env, context, new_name.trim()).map_err(ipc)
            }
            ContextEdit::Secure { context } => secrets::secure_context(
                &loaded,
                env,
                self.store.as_ref(),
                context,
                &self.ordinal_binary,
            )
            .map_err(ipc),
            ContextEdit::Unsecure { context } => {
                secrets::unsecure_context(&loaded, env, self.store.as_ref(), context).map_err(ipc)
            }
        }
    }

    pub fn undo(&self) -> Result<EditOutcome, IpcError> {
        kubeconfig::undo_last(&self.env).map_err(ipc)
    }

    fn read_source(source: &ImportSource) -> Result<(String, String, Option<PathBuf>), IpcError> {
        match source {
            ImportSource::Text { text } => {
                if text.trim().is_empty() {
                    return Err(IpcError::new(
                        ErrorCode::Invalid,
                        "paste a kubeconfig (YAML) first",
                    ));
                }
                Ok((text.clone(), "pasted kubeconfig".into(), None))
            }
            ImportSource::File { path } => {
                let p = expand_home(path.trim());
                let text = std::fs::read_to_string(&p).map_err(|e| {
                    IpcError::new(
                        ErrorCode::InvalidKubeconfig,
                        format!("cannot read {}: {e}", p.display()),
                    )
                })?;
                let base = std::path::absolute(&p)
                    .ok()
                    .and_then(|a| a.parent().map(Path::to_path_buf));
                Ok((text, p.display().to_string(), base))
            }
        }
    }

    pub fn import_preview(&self, source: &ImportSource) -> Result<ImportPreview, IpcError> {
        let (text, label, _) = Self::read_source(source)?;
        kubeconfig::import_preview(&self.load(), &text, &label).map_err(ipc)
    }

    /// Imports; with `secure`, checks the keyring first (nothing is written when it is
    /// unavailable), then moves each imported context's credentials into it.
    pub fn import(&self, req: &ImportRequest) -> Result<ImportResult, IpcError> {
        let (text, label, base) = Self::read_source(&req.source)?;
        if req.secure {
            self.store.probe().map_err(|e| {
                let mut err = e.to_ipc();
                err.message = format!(
                    "{}. Nothing was imported: import again without securing to keep the credentials in the file",
                    err.message
                );
                err
            })?;
        }
        let before = self.load();
        let preview = kubeconfig::import_preview(&before, &text, &label).map_err(ipc)?;
        let outcome = kubeconfig::import_apply(
            &before,
            &self.env,
            &text,
            &label,
            base.as_deref(),
            &req.renames,
        )
        .map_err(ipc)?;
        let contexts: Vec<String> = preview
            .items
            .iter()
            .filter(|i| i.kind == "context")
            .map(|i| {
                req.renames
                    .contexts
                    .get(&i.name)
                    .cloned()
                    .unwrap_or_else(|| i.name.clone())
            })
            .collect();
        let mut result = ImportResult {
            outcome,
            contexts: contexts.clone(),
            secured: Vec::new(),
            not_secured: Vec::new(),
        };
        if !req.secure {
            return Ok(result);
        }
        for name in contexts {
            let loaded = self.load();
            let location = loaded
                .context_list()
                .contexts
                .into_iter()
                .find(|c| c.name == name)
                .map(|c| c.secret_location);
            if location != Some(SecretLocation::File) {
                continue;
            }
            match secrets::secure_context(
                &loaded,
                &self.env,
                self.store.as_ref(),
                &name,
                &self.ordinal_binary,
            ) {
                Ok(_) => result.secured.push(name),
                Err(e) => result.not_secured.push(NotSecured {
                    context: name,
                    reason: e.to_string(),
                }),
            }
        }
        Ok(result)
    }

    /// Writes the contexts (credentials included, from the keyring for secured ones) to a new
    /// file at `path` with mode 0600. An existing file is never overwritten.
    pub fn export(&self, names: &[String], path: &str) -> Result<String, IpcError> {
        let p = expand_home(path.trim());
        if path.trim().is_empty() {
            return Err(IpcError::new(
                ErrorCode::Invalid,
                "choose a file to export to",
            ));
        }
        if p.exists() {
            return Err(IpcError::new(
                ErrorCode::Conflict,
                format!("{} already exists; choose another file name", p.display()),
            ));
        }
        let text =
            secrets::export_contexts(&self.load(), self.store.as_ref(), names).map_err(ipc)?;
        crate::fsutil::atomic_write(&p, text.as_bytes(), 0o600).map_err(|e| {
            IpcError::new(
                ErrorCode::Internal,
                format!("cannot write {}: {e}", p.display()),
            )
        })?;
        Ok(p.display().to_string())
    }
}

fn expand_home(path: &str) -> PathBuf {
    match path.strip_prefix("~/") {
        Some(rest) => kubeconfig::paths::home_dir()
            .map(|h| h.join(rest))
            .unwrap_or_else(|| PathBuf::from(path)),
        None => PathBuf::from(path),
    }
}

/// kubectl accepts almost any context name; refuse only what breaks files and shells.
fn valid_name(name: &str) -> Result<(), IpcError> {
    let n = name.trim();
    if n.is_empty() {
        return Err(IpcError::new(
            ErrorCode::Invalid,
            "the name cannot be empty",
        ));
    }
    if n.chars().any(char::is_control) || n.len() > 253 {
        return Err(IpcError::new(
            ErrorCode::Invalid,
            "the name must be at most 253 characters without control characters",
        ));
    }
    if n == crate::cluster::DEMO_CONTEXT {
        return Err(IpcError::new(
            ErrorCode::Invalid,
            format!("{n} is reserved for the built-in demo cluster"),
        ));
    }
    Ok(())
}

/// A namespace is a DNS-1123 label (lowercase alphanumerics and '-', at most 63).
fn valid_namespace(ns: &str) -> Result<(), IpcError> {
    let ok = ns.len() <= 63
        && ns
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !ns.starts_with('-')
        && !ns.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(IpcError::new(
            ErrorCode::Invalid,
            format!("{ns:?} is not a valid namespace: use lowercase letters, digits and '-' (at most 63, starting and ending with a letter or digit)"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemoryStore;

    const KC: &str = r#"apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: c1
  cluster: {server: "https://c1.example:6443"}
users:
- name: u1
  user: {token: canary-token-123}
contexts:
- name: dev
  context: {cluster: c1, user: u1}
"#;

    const IMPORT: &str = r#"apiVersion: v1
kind: Config
clusters:
- name: c2
  cluster: {server: "https://c2.example:6443"}
users:
- name: u2
  user: {token: imported-token-456}
- name: basic
  user: {username: admin, password: hunter2}
contexts:
- name: dev
  context: {cluster: c2, user: u2}
- name: legacy
  context: {cluster: c2, user: basic}
"#;

    fn admin(dir: &Path, store: Arc<MemoryStore>) -> ContextAdmin {
        let kc = dir.join("config");
        if !kc.exists() {
            std::fs::write(&kc, KC).unwrap();
        }
        ContextAdmin {
            sources: Sources {
                kubeconfig_env: Some(kc.into_os_string()),
                home: None,
                managed_dir: Some(dir.join("managed")),
            },
            env: EditEnv::new(dir.join("backups")),
            store,
            ordinal_binary: PathBuf::from("/usr/bin/ordinal"),
        }
    }

    #[test]
    fn an_edit_against_a_stale_revision_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let a = admin(dir.path(), Arc::new(MemoryStore::new()));
        let seen = a.load().revision();
        // Someone else edits the file.
        let kc = dir.path().join("config");
        std::fs::write(&kc, KC.replace("c1.example", "c1.changed")).unwrap();
        let before = std::fs::read(&kc).unwrap();
        let e = a
            .edit(
                Some(&seen),
                &ContextEdit::SetNamespace {
                    context: "dev".into(),
                    namespace: Some("db".into()),
                },
            )
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Conflict);
        assert_eq!(std::fs::read(&kc).unwrap(), before);
        // With the fresh revision it goes through, and undo restores the file.
        let fresh = a.load().revision();
        a.edit(
            Some(&fresh),
            &ContextEdit::SetNamespace {
                context: "dev".into(),
                namespace: Some("db".into()),
            },
        )
        .unwrap();
        assert!(std::fs::read_to_string(&kc)
            .unwrap()
            .contains("namespace: db"));
        a.undo().unwrap();
        assert_eq!(std::fs::read(&kc).unwrap(), before);
    }

    #[test]
    fn bad_names_and_namespaces_are_refused_before_writing() {
        let dir = tempfile::tempdir().unwrap();
        let a = admin(dir.path(), Arc::new(MemoryStore::new()));
        for edit in [
            ContextEdit::Rename {
                context: "dev".into(),
                new_name: "  ".into(),
            },
            ContextEdit::Duplicate {
                context: "dev".into(),
                new_name: "ordinal:demo".into(),
            },
            ContextEdit::SetNamespace {
                context: "dev".into(),
                namespace: Some("Bad_NS".into()),
            },
        ] {
            let e = a.edit(None, &edit).unwrap_err();
            assert_eq!(e.code, ErrorCode::Invalid, "{edit:?}");
        }
        assert_eq!(
            std::fs::read_to_string(dir.path().join("config")).unwrap(),
            KC
        );
        let e = a
            .edit(
                None,
                &ContextEdit::Delete {
                    context: "ordinal:demo".into(),
                },
            )
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Invalid);
    }

    #[test]
    fn import_renames_clashes_and_secures_what_it_can() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(MemoryStore::new());
        let a = admin(dir.path(), store.clone());
        let src = ImportSource::Text {
            text: IMPORT.into(),
        };
        let preview = a.import_preview(&src).unwrap();
        let clash: Vec<_> = preview
            .items
            .iter()
            .filter(|i| i.clash)
            .map(|i| i.name.as_str())
            .collect();
        assert_eq!(clash, ["dev"]);
        // Without a rename the clash is refused.
        let e = a
            .import(&ImportRequest {
                source: src.clone(),
                renames: RenameMap::default(),
                secure: true,
            })
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Conflict);
        let mut renames = RenameMap::default();
        renames.contexts.insert("dev".into(), "dev-2".into());
        let r = a
            .import(&ImportRequest {
                source: src,
                renames,
                secure: true,
            })
            .unwrap();
        assert_eq!(r.contexts, ["dev-2", "legacy"]);
        assert_eq!(r.secured, ["dev-2"]);
        assert_eq!(r.not_secured.len(), 1);
        assert!(
            r.not_secured[0].reason.contains("basic")
                || r.not_secured[0].reason.contains("password"),
            "{:?}",
            r.not_secured
        );
        let managed = &r.outcome.files[0];
        let text = std::fs::read_to_string(managed).unwrap();
        assert!(!text.contains("imported-token-456"), "{text}");
        assert!(text.contains("credential"), "{text}");
        assert_eq!(store.len(), 1);
        let list = a.load().context_list();
        let dev2 = list.contexts.iter().find(|c| c.name == "dev-2").unwrap();
        assert_eq!(dev2.secret_location, SecretLocation::Keyring);
        assert!(dev2.exec.as_ref().unwrap().ordinal);
    }

    #[test]
    fn import_with_the_keyring_unavailable_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(MemoryStore::new());
        store.set_unavailable(true);
        let a = admin(dir.path(), store);
        let mut renames = RenameMap::default();
        renames.contexts.insert("dev".into(), "dev-2".into());
        let req = ImportRequest {
            source: ImportSource::Text {
                text: IMPORT.into(),
            },
            renames,
            secure: true,
        };
        let e = a.import(&req).unwrap_err();
        assert_eq!(e.code, ErrorCode::KeyringUnavailable);
        assert!(e.message.contains("without securing"), "{}", e.message);
        assert!(!dir.path().join("managed").exists());
        // The user chooses to continue without securing.
        let r = a
            .import(&ImportRequest {
                secure: false,
                ..req
            })
            .unwrap();
        assert!(r.secured.is_empty());
        assert_eq!(a.load().context_list().contexts.len(), 3);
    }

    #[test]
    fn import_from_a_file_resolves_relative_paths_and_reports_bad_yaml() {
        let dir = tempfile::tempdir().unwrap();
        let a = admin(dir.path(), Arc::new(MemoryStore::new()));
        let sub = dir.path().join("other");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(sub.join("ca.crt"), "pem").unwrap();
        let f = sub.join("kc.yaml");
        std::fs::write(
            &f,
            IMPORT.replace("name: dev\n", "name: other\n").replace(
                "{server: \"https://c2.example:6443\"}",
                "{server: \"https://c2.example:6443\", certificate-authority: ca.crt}",
            ),
        )
        .unwrap();
        let r = a
            .import(&ImportRequest {
                source: ImportSource::File {
                    path: f.display().to_string(),
                },
                renames: RenameMap::default(),
                secure: false,
            })
            .unwrap();
        let text = std::fs::read_to_string(&r.outcome.files[0]).unwrap();
        assert!(
            text.contains(&sub.join("ca.crt").display().to_string()),
            "{text}"
        );

        std::fs::write(&f, "clusters: [\n  - name: x\n   bad").unwrap();
        let e = a
            .import_preview(&ImportSource::File {
                path: f.display().to_string(),
            })
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidKubeconfig);
        assert!(e.detail.as_deref().unwrap_or("").contains("line"), "{e:?}");
    }

    fn files_containing(dir: &Path, needle: &str) -> Vec<PathBuf> {
        let mut hits = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if std::fs::read_to_string(&p)
                    .unwrap_or_default()
                    .contains(needle)
                {
                    hits.push(p);
                }
            }
        }
        hits
    }

    #[test]
    fn securing_leaves_no_copy_of_the_secret_in_backups() {
        let dir = tempfile::tempdir().unwrap();
        let a = admin(dir.path(), Arc::new(MemoryStore::new()));
        // Earlier edits left backups of the file, token included.
        a.edit(
            None,
            &ContextEdit::SetNamespace {
                context: "dev".into(),
                namespace: Some("db".into()),
            },
        )
        .unwrap();
        a.edit(
            None,
            &ContextEdit::Duplicate {
                context: "dev".into(),
                new_name: "dev-2".into(),
            },
        )
        .unwrap();
        assert!(files_containing(dir.path(), "canary-token-123").len() >= 2);
        a.edit(
            None,
            &ContextEdit::Secure {
                context: "dev".into(),
            },
        )
        .unwrap();
        assert_eq!(
            files_containing(dir.path(), "canary-token-123"),
            Vec::<PathBuf>::new()
        );
        // Undo cannot bring the inline secret back from a backup; unsecure does.
        assert!(a.undo().is_err());
        a.edit(
            None,
            &ContextEdit::Unsecure {
                context: "dev".into(),
            },
        )
        .unwrap();
        assert_eq!(
            files_containing(dir.path(), "canary-token-123"),
            vec![dir.path().join("config")]
        );
    }

    #[test]
    fn export_writes_a_private_new_file_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let a = admin(dir.path(), Arc::new(MemoryStore::new()));
        let out = dir.path().join("out.yaml");
        let p = a
            .export(&["dev".into()], &out.display().to_string())
            .unwrap();
        assert_eq!(p, out.display().to_string());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        assert!(std::fs::read_to_string(&out)
            .unwrap()
            .contains("c1.example"));
        let e = a
            .export(&["dev".into()], &out.display().to_string())
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Conflict);
    }
}
