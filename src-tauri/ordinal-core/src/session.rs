//! The app's core state in one value: the kubeconfig sources, the connected clusters, the demo
//! cluster, the batch journal and the settings. Every IPC command is one call on a [`Session`];
//! the Tauri layer only adapts types.

use std::path::PathBuf;
use std::sync::Arc;

use futures::stream::BoxStream;
use futures::{Stream, StreamExt};

use crate::actions::{self, ActionError, ActionEvent, ActionRequest, Journal, RunOptions};
use crate::cluster::{kube_config_for, ClusterStatus, Clusters, Protection, DEMO_CONTEXT};
use crate::demo::{self, Demo};
use crate::error::{Classify, ErrorCode, IpcError};
use crate::hub::{RowsEvent, Scope};
use crate::kinds::statefulset::StatefulSetDetail;
use crate::kinds::{self, KindSpec};
use crate::kubeconfig::{self, paths::AppDirs, ContextList, Sources};
use crate::settings::SettingsStore;

pub struct Session {
    pub dirs: AppDirs,
    pub settings: SettingsStore,
    pub clusters: Arc<Clusters>,
    demo: Demo,
    journal: Arc<Journal>,
    /// `$KUBECONFIG` as it was when the app started (tests and users set it per process).
    kubeconfig_env: Option<std::ffi::OsString>,
    home: Option<PathBuf>,
}

fn not_connected(context: &str) -> IpcError {
    IpcError::new(
        ErrorCode::Unreachable,
        format!("not connected to {context}; connect first"),
    )
}

impl Session {
    pub fn new(dirs: AppDirs) -> Self {
        Self {
            settings: SettingsStore::new(dirs.data_dir.join("settings.json")),
            clusters: Clusters::new(),
            demo: Demo::new(dirs.data_dir.join("demo")),
            journal: Arc::new(Journal::new(dirs.data_dir.join("journal"))),
            kubeconfig_env: std::env::var_os("KUBECONFIG"),
            home: kubeconfig::paths::home_dir(),
            dirs,
        }
    }

    /// The kubeconfig files as kubectl would find them, plus Ordinal's imported ones.
    pub fn sources(&self) -> Sources {
        Sources {
            kubeconfig_env: self.kubeconfig_env.clone(),
            home: self.home.clone(),
            managed_dir: Some(self.dirs.managed_dir()),
        }
    }

    /// The merged contexts, with the built-in demo cluster.
    pub async fn context_list(&self) -> ContextList {
        let sources = self.sources();
        let list = tokio::task::spawn_blocking(move || kubeconfig::load(&sources).context_list())
            .await
            .unwrap_or_else(|_| ContextList {
                contexts: vec![],
                current_context: None,
                problems: vec![],
                sources: vec![],
            });
        demo::with_demo(list)
    }

    /// The context list now and after every change on disk.
    pub fn watch_contexts(&self) -> impl Stream<Item = ContextList> + Send + 'static {
        kubeconfig::watch::contexts(self.sources()).map(demo::with_demo)
    }

    /// Connects one context (the demo cluster starts on its first connect). Failures to reach or
    /// authenticate are a status, not an error; an error means the context itself is unusable.
    pub async fn connect(&self, context: &str) -> Result<ClusterStatus, IpcError> {
        let config = if context == DEMO_CONTEXT {
            self.demo.config().await.map_err(|e| e.to_ipc())?
        } else {
            let sources = self.sources();
            let loaded = tokio::task::spawn_blocking(move || kubeconfig::load(&sources))
                .await
                .map_err(|e| IpcError::internal(e.to_string()))?;
            kube_config_for(&loaded, context)
                .await
                .map_err(|e| e.to_ipc())?
        };
        Ok(self
            .clusters
            .connect(context, config, self.protection(context))
            .await)
    }

    pub fn disconnect(&self, context: &str) -> bool {
        self.clusters.disconnect(context)
    }

    /// Protection level of a context (settings; normal until the settings UI sets one).
    pub fn protection(&self, _context: &str) -> Protection {
        Protection::Normal
    }

    /// Live rows of one kind in one cluster.
    pub fn watch_rows(
        &self,
        context: &str,
        kind: &str,
        scope: Scope,
    ) -> Result<BoxStream<'static, RowsEvent>, IpcError> {
        let hub = self
            .clusters
            .hub(context)
            .ok_or_else(|| not_connected(context))?;
        match kind {
            kinds::statefulset::StatefulSets::ID => Ok(hub
                .subscribe::<kinds::statefulset::StatefulSets>(scope)
                .boxed()),
            other => Err(IpcError::new(
                ErrorCode::Invalid,
                format!("unknown resource kind {other}"),
            )),
        }
    }

    /// Runs a batch; the stream reports each item and the summary.
    pub fn run_action(
        &self,
        request: ActionRequest,
    ) -> Result<BoxStream<'static, ActionEvent>, IpcError> {
        let client = self
            .clusters
            .client(&request.context)
            .ok_or_else(|| not_connected(&request.context))?;
        let opts = RunOptions {
            protection: self.protection(&request.context),
            ..Default::default()
        };
        actions::run(client, self.journal.clone(), request, opts)
            .map(StreamExt::boxed)
            .map_err(|e: ActionError| e.to_ipc())
    }

    /// Undoes a Stop/Start/Scale batch.
    pub fn undo_batch(
        &self,
        context: &str,
        batch_id: &str,
    ) -> Result<BoxStream<'static, ActionEvent>, IpcError> {
        let client = self
            .clusters
            .client(context)
            .ok_or_else(|| not_connected(context))?;
        let opts = RunOptions {
            protection: self.protection(context),
            ..Default::default()
        };
        actions::undo(client, self.journal.clone(), context, batch_id, opts)
            .map(StreamExt::boxed)
            .map_err(|e| e.to_ipc())
    }

    /// The live detail of one StatefulSet: the first view (or the error: NotFound when it does not
    /// exist), then every change until it is deleted or the stream is dropped.
    pub async fn watch_detail(
        &self,
        context: &str,
        namespace: &str,
        name: &str,
    ) -> Result<(StatefulSetDetail, BoxStream<'static, StatefulSetDetail>), IpcError> {
        let client = self
            .clusters
            .client(context)
            .ok_or_else(|| not_connected(context))?;
        let mut stream = Box::pin(kinds::statefulset_detail::watch(
            client,
            context.into(),
            namespace.into(),
            name.into(),
        ));
        let first = tokio::time::timeout(std::time::Duration::from_secs(30), stream.next())
            .await
            .map_err(|_| {
                IpcError::new(
                    ErrorCode::Unreachable,
                    format!("{context} did not answer within 30 s"),
                )
            })?
            .ok_or_else(|| IpcError::internal("detail stream ended"))??;
        let rest = stream
            .take_while(|r| futures::future::ready(r.is_ok()))
            .filter_map(|r| futures::future::ready(r.ok()))
            .boxed();
        Ok((first, rest))
    }

    /// Stops the demo cluster (on exit).
    pub async fn shutdown(&self) {
        self.demo.stop().await;
    }
}
