//! Ordinal's own settings (never stored in a kubeconfig): language and theme for now.
//!
//! Stored as JSON in the app's data directory. A missing file means defaults; a corrupt file is
//! reported (and kept aside as `settings.json.corrupt-<ts>`) instead of being silently replaced.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

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

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    pub language: Language,
    pub theme: Theme,
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
        let s = Settings {
            language: Language::ZhCn,
            theme: Theme::Dark,
        };
        store.save(&s).unwrap();
        assert_eq!(store.load().unwrap(), s);
        let raw = std::fs::read_to_string(store.path()).unwrap();
        assert!(
            raw.contains("\"zh-CN\"") && raw.contains("\"dark\""),
            "{raw}"
        );
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
