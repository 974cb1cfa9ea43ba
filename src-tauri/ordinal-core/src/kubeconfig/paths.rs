//! Where Ordinal keeps its own files.
//!
//! `ORDINAL_DATA_DIR` overrides everything (tests, portable installs). Otherwise the platform
//! data directory: `$XDG_DATA_HOME/ordinal` or `~/.local/share/ordinal` on Linux,
//! `~/Library/Application Support/dev.ordinal.desktop` on macOS, `%APPDATA%\ordinal` on Windows.

use std::path::PathBuf;

/// The environment variable that overrides the data directory.
pub const DATA_DIR_ENV: &str = "ORDINAL_DATA_DIR";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppDirs {
    /// Root of Ordinal's data.
    pub data_dir: PathBuf,
}

impl AppDirs {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        AppDirs {
            data_dir: data_dir.into(),
        }
    }

    /// From `ORDINAL_DATA_DIR`, else the platform data directory. `None` only when no home
    /// directory can be found.
    pub fn from_env() -> Option<Self> {
        if let Some(d) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
            return Some(AppDirs::new(PathBuf::from(d)));
        }
        platform_data_dir().map(AppDirs::new)
    }

    /// Imported kubeconfig files (loaded after the kubectl chain).
    pub fn managed_dir(&self) -> PathBuf {
        self.data_dir.join("kubeconfigs")
    }

    /// Timestamped backups of every kubeconfig Ordinal rewrites, and the undo log.
    pub fn backups_dir(&self) -> PathBuf {
        self.data_dir.join("backups")
    }
}

/// The user's home directory (`$HOME`, or `%USERPROFILE%` on Windows).
pub fn home_dir() -> Option<PathBuf> {
    #[cfg(windows)]
    let v = std::env::var_os("USERPROFILE").or_else(|| std::env::var_os("HOME"));
    #[cfg(not(windows))]
    let v = std::env::var_os("HOME");
    v.filter(|h| !h.is_empty()).map(PathBuf::from)
}

fn platform_data_dir() -> Option<PathBuf> {
    #[cfg(target_os = "macos")]
    {
        home_dir().map(|h| h.join("Library/Application Support/dev.ordinal.desktop"))
    }
    #[cfg(windows)]
    {
        std::env::var_os("APPDATA")
            .filter(|a| !a.is_empty())
            .map(|a| PathBuf::from(a).join("ordinal"))
    }
    #[cfg(not(any(target_os = "macos", windows)))]
    {
        match std::env::var_os("XDG_DATA_HOME").filter(|x| !x.is_empty()) {
            Some(x) if PathBuf::from(&x).is_absolute() => Some(PathBuf::from(x).join("ordinal")),
            _ => home_dir().map(|h| h.join(".local/share/ordinal")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_under_the_data_dir() {
        let d = AppDirs::new("/tmp/ordinal-data");
        assert_eq!(
            d.managed_dir(),
            PathBuf::from("/tmp/ordinal-data/kubeconfigs")
        );
        assert_eq!(d.backups_dir(), PathBuf::from("/tmp/ordinal-data/backups"));
    }
}
