//! The context list as a live stream: emitted once now, and again whenever one of the kubeconfig
//! files (or Ordinal's managed directory) changes on disk — file-system events, never polling.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::Stream;
use notify::{RecursiveMode, Watcher};
use tokio::sync::mpsc;

use super::{load, ContextList, Sources};

/// Changes closer together than this are folded into one reload (editors write in several steps).
const SETTLE: Duration = Duration::from_millis(120);

/// The merged context list now, then after every change to a source file. Dropping the stream
/// stops the file watcher. Nothing starts until the stream is first polled (on a tokio runtime).
pub fn contexts(sources: Sources) -> impl Stream<Item = ContextList> + Send + 'static {
    let (tx, rx) = mpsc::channel::<ContextList>(4);
    crate::task_stream::spawn_on_first_poll(rx, run(sources, tx))
}

async fn run(sources: Sources, tx: mpsc::Sender<ContextList>) {
    let (fs_tx, mut fs_rx) = mpsc::unbounded_channel::<notify::Result<notify::Event>>();
    let mut watcher = match notify::recommended_watcher(move |ev| {
        let _ = fs_tx.send(ev);
    }) {
        Ok(w) => Some(w),
        Err(err) => {
            tracing::warn!(%err, "cannot watch kubeconfig files; the context list will not refresh by itself");
            None
        }
    };
    let mut watched: BTreeSet<PathBuf> = BTreeSet::new();
    let mut last: Option<ContextList> = None;
    loop {
        let s = sources.clone();
        let list = match tokio::task::spawn_blocking(move || load(&s).context_list()).await {
            Ok(list) => list,
            Err(err) => {
                tracing::error!(%err, "kubeconfig reload failed");
                return;
            }
        };
        if let Some(w) = watcher.as_mut() {
            update_watches(w, &mut watched, &interesting_dirs(&sources));
        }
        if last.as_ref() != Some(&list) {
            last = Some(list.clone());
            if tx.send(list).await.is_err() {
                return;
            }
        }
        // wait for a relevant change (or for the subscriber to go away)
        loop {
            tokio::select! {
                _ = tx.closed() => return,
                ev = fs_rx.recv() => match ev {
                    None => return,
                    Some(Ok(ev)) if is_relevant(&ev, &sources) => break,
                    Some(Ok(_)) => continue,
                    Some(Err(err)) => { tracing::debug!(%err, "file watch error"); break }
                },
            }
        }
        // let a burst of writes settle
        tokio::time::sleep(SETTLE).await;
        while fs_rx.try_recv().is_ok() {}
    }
}

/// The directories whose entries can change the merged config: each source file's directory
/// (files are usually replaced by rename, so watch the directory, not the inode) and the managed
/// directory. Missing directories are watched through their nearest existing ancestor so that
/// creating `~/.kube/config` later is noticed.
fn interesting_dirs(sources: &Sources) -> BTreeSet<PathBuf> {
    let mut dirs = BTreeSet::new();
    let mut add = |p: &Path| {
        let mut d = Some(p);
        while let Some(dir) = d {
            if dir.is_dir() {
                dirs.insert(dir.to_path_buf());
                break;
            }
            d = dir.parent();
        }
    };
    for (file, _) in sources.files() {
        if let Some(parent) = file.parent() {
            add(parent);
        }
    }
    if let Some(m) = &sources.managed_dir {
        add(m);
    }
    dirs
}

fn update_watches(
    w: &mut notify::RecommendedWatcher,
    watched: &mut BTreeSet<PathBuf>,
    want: &BTreeSet<PathBuf>,
) {
    for gone in watched.difference(want).cloned().collect::<Vec<_>>() {
        let _ = w.unwatch(&gone);
        watched.remove(&gone);
    }
    for dir in want.difference(&watched.clone()) {
        match w.watch(dir, RecursiveMode::NonRecursive) {
            Ok(()) => {
                watched.insert(dir.clone());
            }
            Err(err) => tracing::debug!(dir = %dir.display(), %err, "cannot watch directory"),
        }
    }
}

fn is_relevant(ev: &notify::Event, sources: &Sources) -> bool {
    if matches!(ev.kind, notify::EventKind::Access(_)) {
        return false;
    }
    let files: Vec<PathBuf> = sources.files().into_iter().map(|(f, _)| f).collect();
    ev.paths.iter().any(|p| {
        files.iter().any(|f| f == p || f.starts_with(p))
            || sources
                .managed_dir
                .as_ref()
                .is_some_and(|m| p.starts_with(m) || m.starts_with(p))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;

    fn config(contexts: &[&str]) -> String {
        let mut s = String::from("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\nusers:\n- name: u\n  user: {}\ncontexts:\n");
        for c in contexts {
            s += &format!("- name: {c}\n  context:\n    cluster: c\n    user: u\n");
        }
        s
    }

    #[tokio::test]
    async fn emits_now_and_after_each_change_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config");
        std::fs::write(&file, config(&["a"])).unwrap();
        let sources = Sources {
            kubeconfig_env: Some(file.clone().into_os_string()),
            home: None,
            managed_dir: None,
        };
        let mut stream = Box::pin(contexts(sources));
        let first = tokio::time::timeout(Duration::from_secs(5), stream.next())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            first
                .contexts
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>(),
            ["a"]
        );

        // an editor-style replace (write temp + rename) is seen
        crate::fsutil::atomic_write(&file, config(&["a", "b"]).as_bytes(), 0o600).unwrap();
        let second = tokio::time::timeout(Duration::from_secs(5), stream.next())
            .await
            .expect("update after change")
            .unwrap();
        assert_eq!(
            second
                .contexts
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>(),
            ["a", "b"]
        );

        // a file that appears later (listed in KUBECONFIG but missing at start) is picked up too
        let late = dir.path().join("late");
        let sources = Sources {
            kubeconfig_env: Some(std::env::join_paths([file.clone(), late.clone()]).unwrap()),
            home: None,
            managed_dir: None,
        };
        let mut stream = Box::pin(contexts(sources));
        let _ = tokio::time::timeout(Duration::from_secs(5), stream.next())
            .await
            .unwrap()
            .unwrap();
        std::fs::write(&late, config(&["z"])).unwrap();
        let after = tokio::time::timeout(Duration::from_secs(5), stream.next())
            .await
            .expect("late file")
            .unwrap();
        assert!(
            after.contexts.iter().any(|c| c.name == "z"),
            "{:?}",
            after.contexts
        );
    }
}
