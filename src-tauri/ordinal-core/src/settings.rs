//! Ordinal's own settings (never stored in a kubeconfig): language, theme, per-context protection
//! levels and exec-plugin PATH/env overrides, and the safety switches of imports and batches.
//!
//! Stored as JSON in the app's data directory. A missing file means defaults; a corrupt file is
//! reported (and kept aside as `settings.json.corrupt-<ts>`) instead of being silently replaced.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::cluster::Protection;
use crate::error::{Classify, ErrorCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub enum Language {
    /// Follow the OS locale (Chinese locales get Simplified Chinese, everything else English).
    #[default]
    #[serde(rename = "system")]
    System,
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-CN")]
    ZhCn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Theme {
    /// Follow the OS light/dark setting.
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    pub language: Language,
    pub theme: Theme,
    /// Protection level per context name; absent means normal.
    pub protection: BTreeMap<String, Protection>,
    /// Extra PATH entries and environment for a context's exec credential plugin.
    pub exec_overrides: BTreeMap<String, ExecOverride>,
    /// Imports move credentials into the OS keyring unless the user unticks it.
    pub secure_on_import: bool,
    /// Stop records the replica count as an annotation on the object (besides the local journal).
    /// GitOps users turn this off so their controllers see no foreign change.
    pub stop_annotation: bool,
    /// The shell a "Shell" opens; none: `bash` where the image has it, else `sh`.
    pub shell_command: Option<Vec<String>>,
    /// Lines a log view keeps (the oldest are dropped).
    pub log_buffer_lines: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            language: Language::default(),
            theme: Theme::default(),
            protection: BTreeMap::new(),
            exec_overrides: BTreeMap::new(),
            secure_on_import: true,
            stop_annotation: true,
            shell_command: None,
            log_buffer_lines: 100_000,
        }
    }
}

impl Settings {
    /// The protection level of `context` (normal unless set).
    pub fn protection_of(&self, context: &str) -> Protection {
        self.protection.get(context).copied().unwrap_or_default()
    }
}

/// A context's exec plugin environment, on top of the login shell's PATH.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct ExecOverride {
    /// Directories searched first, separated like PATH (`:` on Unix, `;` on Windows).
    pub path: String,
    /// Extra environment variables for the plugin.
    pub env: BTreeMap<String, String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read settings file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot save settings to {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Classify for SettingsError {
    fn code(&self) -> ErrorCode {
        ErrorCode::Internal
    }
}

/// Loads and saves [`Settings`] at one path.
#[derive(Debug, Clone)]
pub struct SettingsStore {
    path: PathBuf,
}

impl SettingsStore {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the settings. A missing file gives defaults; an unparsable one is moved aside (so the
    /// user's file is never lost) and defaults are returned.
    pub fn load(&self) -> Result<Settings, SettingsError> {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
            Err(source) => {
                return Err(SettingsError::Read {
                    path: self.path.clone(),
                    source,
                })
            }
        };
        match serde_json::from_slice(&bytes) {
            Ok(s) => Ok(s),
            Err(err) => {
                let aside = self
                    .path
                    .with_extension(format!("json.corrupt-{}", unix_now()));
                tracing::warn!(path = %self.path.display(), %err, aside = %aside.display(), "settings file unreadable; using defaults");
                let _ = std::fs::rename(&self.path, &aside);
                Ok(Settings::default())
            }
        }
    }

    pub fn save(&self, settings: &Settings) -> Result<(), SettingsError> {
        let json = serde_json::to_vec_pretty(settings).expect("settings serialize");
        crate::fsutil::atomic_write(&self.path, &json, 0o600).map_err(|source| {
            SettingsError::Write {
                path: self.path.clone(),
                source,
            }
        })
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::new(dir.path().join("settings.json"));
        assert_eq!(store.load().unwrap(), Settings::default());
        let mut s = Settings {
            language: Language::ZhCn,
            theme: Theme::Dark,
            ..Settings::default()
        };
        s.protection.insert("prod".into(), Protection::Production);
        s.exec_overrides.insert(
            "eks".into(),
            ExecOverride {
                path: "/opt/aws/bin".into(),
                env: BTreeMap::from([("AWS_PROFILE".into(), "ops".into())]),
            },
        );
        store.save(&s).unwrap();
        assert_eq!(store.load().unwrap(), s);
        let raw = std::fs::read_to_string(store.path()).unwrap();
        assert!(
            raw.contains("\"zh-CN\"") && raw.contains("\"dark\""),
            "{raw}"
        );
        assert_eq!(s.protection_of("prod"), Protection::Production);
        assert_eq!(s.protection_of("dev"), Protection::Normal);
    }

    #[test]
    fn an_old_file_gets_safe_defaults_for_new_fields() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(&path, br#"{"language":"en","theme":"light"}"#).unwrap();
        let s = SettingsStore::new(&path).load().unwrap();
        assert_eq!(s.language, Language::En);
        assert!(s.secure_on_import && s.stop_annotation);
        assert!(s.protection.is_empty());
    }

    #[test]
    fn a_corrupt_file_is_kept_aside_not_lost() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(&path, b"{not json").unwrap();
        let store = SettingsStore::new(&path);
        assert_eq!(store.load().unwrap(), Settings::default());
        let kept: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.starts_with("settings.json.corrupt-"))
            .collect();
        assert_eq!(kept.len(), 1);
        assert_eq!(
            std::fs::read(dir.path().join(&kept[0])).unwrap(),
            b"{not json"
        );
    }
}
