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

/// One line of a running batch's append-only log (`<id>.log`).
#[derive(Serialize, Deserialize)]
struct LogLine {
    target: ObjectRef,
    item: Option<JournalItem>,
}

/// One JSON file per batch in a directory (small, atomic to write, easy to inspect), plus an
/// append-only log of the items handled while the batch runs.
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
    ///
    /// Appends one JSON line to the batch's log and syncs it: a constant cost per item, where
    /// rewriting the whole record made a batch of n items cost O(n²) bytes and two fsyncs each.
    /// A torn last line (a crash mid-append) is ignored when the log is read back.
    pub fn record(
        &self,
        id: &str,
        target: &ObjectRef,
        item: Option<JournalItem>,
    ) -> std::io::Result<()> {
        use std::io::Write;
        let _g = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        if !self.path(id).exists() {
            return Err(std::io::Error::other(format!("no batch {id}")));
        }
        let mut line = serde_json::to_vec(&LogLine {
            target: target.clone(),
            item,
        })
        .map_err(std::io::Error::other)?;
        line.push(b'\n');
        let mut opts = std::fs::OpenOptions::new();
        opts.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(self.log_path(id))?;
        f.write_all(&line)?;
        f.sync_data()
    }

    /// Batches of `context` left `running` by another process (the app crashed or was killed
    /// mid-batch; a second window of the app would show its own as running, not here).
    pub fn interrupted(&self, context: &str) -> Vec<BatchRecord> {
        let mut out: Vec<BatchRecord> = std::fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.strip_suffix(".json").map(str::to_owned)
            })
            .filter_map(|id| self.get(&id).ok().flatten())
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
        self.write(&record)?;
        self.remove_log(id);
        Ok(())
    }

    fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    fn log_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.log"))
    }

    /// Once the record holds what the log said (finished, resumed, dismissed), the log goes; a
    /// crash before this leaves a log that `get` ignores for a record that is no longer running.
    fn remove_log(&self, id: &str) {
        let _ = std::fs::remove_file(self.log_path(id));
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
        self.write(&record)?;
        self.remove_log(id);
        Ok(())
    }

    pub fn get(&self, id: &str) -> std::io::Result<Option<BatchRecord>> {
        if id.contains(['/', '\\']) || id.contains("..") {
            return Ok(None);
        }
        let mut record: BatchRecord = match std::fs::read(self.path(id)) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(std::io::Error::other)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        if record.status == "running" {
            match std::fs::read(self.log_path(id)) {
                Ok(log) => {
                    // Complete lines only: a crash mid-append leaves a torn last line.
                    for line in log.split(|b| *b == b'\n') {
                        if let Ok(l) = serde_json::from_slice::<LogLine>(line) {
                            record.done.push(l.target);
                            record.items.extend(l.item);
                        }
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(Some(record))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::Action;

    fn obj(name: &str) -> ObjectRef {
        ObjectRef {
            namespace: Some("db".into()),
            name: name.into(),
        }
    }

    fn request() -> ActionRequest {
        ActionRequest {
            context: "demo".into(),
            kind: "statefulsets".into(),
            action: Action::Stop,
            targets: vec![obj("a"), obj("b"), obj("c")],
        }
    }

    #[test]
    fn items_are_appended_and_a_torn_last_line_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let crashed = Journal::new(dir.path());
        let id = crashed.begin(&request()).unwrap();
        let changed = |n: &str| JournalItem {
            target: obj(n),
            from: Some(3),
            to: Some(0),
        };
        crashed.record(&id, &obj("a"), Some(changed("a"))).unwrap();
        crashed.record(&id, &obj("b"), None).unwrap();
        // A crash in the middle of the third append.
        let mut log = std::fs::OpenOptions::new()
            .append(true)
            .open(dir.path().join(format!("{id}.log")))
            .unwrap();
        std::io::Write::write_all(&mut log, br#"{"target":{"namespace":"db","na"#).unwrap();

        // The next process finds the batch interrupted, with exactly the two complete items.
        let next = Journal::new(dir.path());
        let found = next.interrupted("demo");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].done, vec![obj("a"), obj("b")]);
        assert_eq!(found[0].items, vec![changed("a")]);

        // Closing it folds the log into the record and removes the log.
        next.close(&id, "dismissed").unwrap();
        assert!(next.interrupted("demo").is_empty());
        assert!(!dir.path().join(format!("{id}.log")).exists());
        let closed = next.get(&id).unwrap().unwrap();
        assert_eq!(closed.status, "dismissed");
        assert_eq!(closed.done, vec![obj("a"), obj("b")]);
    }

    #[test]
    fn a_finished_record_ignores_a_log_left_by_a_crash_before_its_removal() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::new(dir.path());
        let id = j.begin(&request()).unwrap();
        j.record(&id, &obj("a"), None).unwrap();
        let log = std::fs::read(dir.path().join(format!("{id}.log"))).unwrap();
        j.finish(&id, vec![]).unwrap();
        // As if the process died after writing the record but before removing the log.
        std::fs::write(dir.path().join(format!("{id}.log")), log).unwrap();
        let r = j.get(&id).unwrap().unwrap();
        assert_eq!(r.status, "finished");
        assert_eq!(r.done, vec![obj("a")], "each item counted once");
        assert!(j.record("no-such-batch", &obj("a"), None).is_err());
    }
}
