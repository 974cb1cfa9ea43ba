//! The local journal of batches: what each batch changed (object, replicas before and after), so
//! that Undo works from this workstation even when the annotation is turned off, and so that a
//! batch interrupted by a crash can be found again (`status: running`).

use std::path::PathBuf;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{ActionRequest, ObjectRef};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct JournalItem {
    pub target: ObjectRef,
    pub from: Option<i32>,
    pub to: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BatchRecord {
    pub id: String,
    pub context: String,
    pub request: ActionRequest,
    /// `running` until the batch finishes, then `finished`; an interrupted batch the user
    /// resumed or dismissed becomes `resumed` / `dismissed`.
    pub status: String,
    /// Every item that was applied (or found already done), written as it completes, so a
    /// batch interrupted by a crash never applies an item twice when resumed.
    #[ts(skip)]
    pub items: Vec<JournalItem>,
    /// The targets already handled (applied or unchanged), for the UI.
    #[serde(default)]
    pub done: Vec<ObjectRef>,
    /// Which app process ran it (a running batch of another process was interrupted).
    #[serde(default)]
    #[ts(skip)]
    pub instance: String,
}

/// One JSON file per batch in a directory (small, atomic to write, easy to inspect).
#[derive(Debug)]
pub struct Journal {
    dir: PathBuf,
    /// Serialises read-modify-write of one record by concurrent items.
    lock: Mutex<()>,
    /// This process's journal instance.
    instance: String,
}

impl Journal {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Self {
            dir: dir.into(),
            lock: Mutex::new(()),
            instance: format!(
                "{}-{}-{:04x}",
                std::process::id(),
                now.as_nanos(),
                fastrand_u16()
            ),
        }
    }

    /// Records one handled item of a running batch (`item` when it changed something).
    pub fn record(
        &self,
        id: &str,
        target: &ObjectRef,
        item: Option<JournalItem>,
    ) -> std::io::Result<()> {
        let _g = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut record = self
            .get(id)?
            .ok_or_else(|| std::io::Error::other(format!("no batch {id}")))?;
        record.done.push(target.clone());
        record.items.extend(item);
        self.write(&record)
    }

    /// Batches of `context` left `running` by another process (the app crashed or was killed
    /// mid-batch; a second window of the app would show its own as running, not here).
    pub fn interrupted(&self, context: &str) -> Vec<BatchRecord> {
        let mut out: Vec<BatchRecord> = std::fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| std::fs::read(e.path()).ok())
            .filter_map(|b| serde_json::from_slice::<BatchRecord>(&b).ok())
            .filter(|r| {
                r.status == "running" && r.context == context && r.instance != self.instance
            })
            .collect();
        out.sort_by(|a, b| b.id.cmp(&a.id));
        out
    }

    /// Marks a batch `resumed` or `dismissed`.
    pub fn close(&self, id: &str, status: &str) -> std::io::Result<()> {
        let _g = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut record = self
            .get(id)?
            .ok_or_else(|| std::io::Error::other(format!("no batch {id}")))?;
        record.status = status.into();
        self.write(&record)
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
            done: Vec::new(),
            instance: self.instance.clone(),
        };
        self.write(&record)?;
        Ok(id)
    }

    pub fn finish(&self, id: &str, items: Vec<JournalItem>) -> std::io::Result<()> {
        let _g = self.lock.lock().unwrap_or_else(|e| e.into_inner());
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
