//! The local journal of batches: what each batch changed (object, replicas before and after), so
//! that Undo works from this workstation even when the annotation is turned off, and so that a
//! batch interrupted by a crash can be found again (`status: running`).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{ActionRequest, ObjectRef};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalItem {
    pub target: ObjectRef,
    pub from: Option<i32>,
    pub to: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchRecord {
    pub id: String,
    pub context: String,
    pub request: ActionRequest,
    /// `running` until the batch finishes, then `finished`.
    pub status: String,
    pub items: Vec<JournalItem>,
}

/// One JSON file per batch in a directory (small, atomic to write, easy to inspect).
#[derive(Debug)]
pub struct Journal {
    dir: PathBuf,
}

impl Journal {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    /// Records a batch as running and returns its id.
    pub fn begin(&self, request: &ActionRequest) -> std::io::Result<String> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let id = format!("{}-{:04x}", now.as_millis(), fastrand_u16());
        let record = BatchRecord {
            id: id.clone(),
            context: request.context.clone(),
            request: request.clone(),
            status: "running".into(),
            items: Vec::new(),
        };
        self.write(&record)?;
        Ok(id)
    }

    pub fn finish(&self, id: &str, items: Vec<JournalItem>) -> std::io::Result<()> {
        let mut record = self
            .get(id)?
            .ok_or_else(|| std::io::Error::other(format!("no batch {id}")))?;
        record.status = "finished".into();
        record.items = items;
        self.write(&record)
    }

    pub fn get(&self, id: &str) -> std::io::Result<Option<BatchRecord>> {
        if id.contains(['/', '\\']) || id.contains("..") {
            return Ok(None);
        }
        match std::fs::read(self.path(id)) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(std::io::Error::other),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn write(&self, record: &BatchRecord) -> std::io::Result<()> {
        let bytes = serde_json::to_vec_pretty(record).map_err(std::io::Error::other)?;
        crate::fsutil::atomic_write(&self.path(&record.id), &bytes, 0o600)
    }
}

fn fastrand_u16() -> u16 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u8(0);
    h.finish() as u16
}
