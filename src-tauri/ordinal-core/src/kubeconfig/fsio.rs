//! File plumbing: hashing, YAML in and out, atomic writes.

use std::fs;
use std::io;
use std::path::Path;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Hex SHA-256 of some bytes (the "did the file change since we read it" check).
pub(crate) fn hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A YAML parse failure, positioned, without any source snippet (snippets could hold secrets).
#[derive(Debug, Clone)]
pub(crate) struct YamlError {
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
}

/// Parses one kubeconfig document into a JSON object. An empty document is an empty object,
/// like kubectl; a document whose top level is not a mapping is an error.
pub(crate) fn parse_yaml(text: &str) -> Result<Map<String, Value>, YamlError> {
    if text.trim().is_empty() {
        return Ok(Map::new());
    }
    let value: Value = serde_saphyr::from_str(text).map_err(|e| {
        let loc = e.location();
        let inner = e.without_snippet().to_string();
        YamlError {
            line: loc.as_ref().map(|l| l.line() as u32).filter(|l| *l > 0),
            column: loc.as_ref().map(|l| l.column() as u32).filter(|_| true),
            message: first_line(&inner),
        }
    })?;
    match value {
        Value::Object(m) => Ok(m),
        Value::Null => Ok(Map::new()),
        other => Err(YamlError {
            line: Some(1),
            column: Some(1),
            message: format!(
                "the top level must be a mapping, found {}",
                json_type(&other)
            ),
        }),
    }
}

fn first_line(s: &str) -> String {
    // Drop anything after the first line: some renderers append context lines from the input.
    s.lines().next().unwrap_or("").trim().to_string()
}

pub(crate) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// Serialises a document to YAML (YAML 1.1-safe quoting, so kubectl reads it back identically).
pub(crate) fn to_yaml(doc: &Value) -> String {
    serde_saphyr::to_string(doc).expect("a JSON value always serialises to YAML")
}

/// Writes `bytes` to `path` atomically (shared helper: temp file in the same directory, fsync,
/// rename, fsync the directory). Keeps the existing file's permissions; new files get 0600.
pub(crate) fn atomic_write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    crate::fsutil::atomic_write(path, bytes, 0o600)
}

/// Creates a directory (and parents) readable only by the user on Unix.
pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// Milliseconds since the epoch, for backup names.
pub(crate) fn now_millis() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0)
}
