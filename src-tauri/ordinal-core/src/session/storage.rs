//! The session's storage operations for one StatefulSet: the live Storage view, the grow
//! procedure (preflight, run, resume of interrupted ones) and deleting orphaned claims. The
//! logic is in [`crate::kinds::statefulset::storage`] and [`crate::kinds::statefulset::grow`];
//! this adds the connection, protection and RBAC of the context.

use futures::stream::BoxStream;
use futures::StreamExt;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod};
use kube::api::{Api, DeleteParams, ListParams};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{not_connected, Session};
use crate::actions::DELETE_CONFIRMATION;
use crate::cluster::{ClusterError, Protection};
use crate::error::{Classify, ErrorCode, IpcError};
use crate::kinds::statefulset::grow::{self as grow, GrowEvent, GrowPlan, GrowRecord, GrowRequest};
use crate::kinds::statefulset::storage::{self as storage, StorageView};

/// What deleting one claim did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ClaimDeletion {
    pub name: String,
    pub error: Option<IpcError>,
}

impl Session {
    fn storage_client(&self, context: &str) -> Result<kube::Client, IpcError> {
        self.clusters
            .client(context)
            .ok_or_else(|| not_connected(context))
    }

    /// The live storage view of one StatefulSet: the first view (or NotFound), then changes.
    pub async fn watch_storage(
        &self,
        context: &str,
        namespace: &str,
        name: &str,
    ) -> Result<(StorageView, BoxStream<'static, StorageView>), IpcError> {
        let client = self.storage_client(context)?;
        let stream = Box::pin(storage::watch(client, namespace.into(), name.into()));
        super::first_then_rest(context, "storage", stream).await
    }

    /// The preflight of growing a claim template: nothing changes.
    pub async fn plan_grow(&self, req: GrowRequest) -> Result<GrowPlan, IpcError> {
        self.refuse_read_only(&req.context)?;
        let client = self.storage_client(&req.context)?;
        let clusters = self.clusters.clone();
        let (context, ns) = (req.context.clone(), req.namespace.clone());
        // Which path: in-place claim updates where the server's StatefulSet has them.
        let offered = match self.object_schema(&req.context, "statefulsets").await {
            Ok(schema) => Some(schema.definitions.iter().any(|(name, def)| {
                name.ends_with("apps.v1.StatefulSetSpec")
                    && def
                        .properties
                        .as_ref()
                        .is_some_and(|p| p.contains_key("volumeClaimUpdatePolicy"))
            })),
            Err(e) => {
                tracing::debug!(error = %e.message, "no schema for the grow path");
                None
            }
        };
        let mut plan = grow::plan(&client, &req, move |verb, group, resource| {
            let (clusters, context, ns) = (clusters.clone(), context.clone(), ns.clone());
            async move {
                clusters
                    .can_i(&context, &ns, verb, group, resource)
                    .await
                    .map_err(|e: ClusterError| e.to_ipc())
            }
        })
        .await?;
        plan.update_policy_offered = offered;
        Ok(plan)
    }

    /// Grows a claim template (the whole journaled procedure). On production contexts `confirm`
    /// must be `<name> <size>`, as the user typed it.
    pub async fn grow_storage(
        &self,
        req: GrowRequest,
        confirm: Option<String>,
    ) -> Result<BoxStream<'static, GrowEvent>, IpcError> {
        self.refuse_read_only(&req.context)?;
        if self.protection(&req.context) == Protection::Production {
            let want = format!("{} {}", req.name, req.size);
            if confirm.as_deref() != Some(want.as_str()) {
                return Err(IpcError::new(
                    ErrorCode::Forbidden,
                    format!(
                        "{} is a production context: type \"{want}\" to confirm",
                        req.context
                    ),
                ));
            }
        }
        let client = self.storage_client(&req.context)?;
        let (tx, rx) = tokio::sync::mpsc::channel(64);
        grow::start(client, self.grows.clone(), req, tx).await?;
        Ok(tokio_stream_of(rx))
    }

    /// Grow procedures another run of the app left unfinished on `context`.
    pub fn interrupted_grows(&self, context: &str) -> Vec<GrowRecord> {
        self.grows.interrupted(context)
    }

    /// Continues an interrupted grow from its journaled step.
    pub fn resume_grow(
        &self,
        context: &str,
        id: &str,
    ) -> Result<BoxStream<'static, GrowEvent>, IpcError> {
        self.refuse_read_only(context)?;
        let record = self
            .grows
            .get(id)
            .filter(|r| r.request.context == context)
            .ok_or_else(|| {
                IpcError::new(ErrorCode::NotFound, format!("no interrupted grow {id}"))
            })?;
        let client = self.storage_client(context)?;
        let (tx, rx) = tokio::sync::mpsc::channel(64);
        grow::resume(client, self.grows.clone(), record, tx);
        Ok(tokio_stream_of(rx))
    }

    /// Forgets an interrupted grow (the user finishes it by hand).
    pub fn dismiss_grow(&self, context: &str, id: &str) -> Result<(), IpcError> {
        if self
            .grows
            .get(id)
            .is_some_and(|r| r.request.context == context)
        {
            self.grows
                .remove(id)
                .map_err(|e| IpcError::internal(e.to_string()))?;
        }
        Ok(())
    }

    /// Sets the set's `persistentVolumeClaimRetentionPolicy` (`Retain` or `Delete` each), where
    /// the server has the field (Kubernetes 1.27+); `Unsupported` before.
    pub async fn set_retention(
        &self,
        context: &str,
        namespace: &str,
        name: &str,
        when_deleted: &str,
        when_scaled: &str,
    ) -> Result<(), IpcError> {
        self.refuse_read_only(context)?;
        let client = self.storage_client(context)?;
        for v in [when_deleted, when_scaled] {
            if !matches!(v, "Retain" | "Delete") {
                return Err(IpcError::new(
                    ErrorCode::Invalid,
                    format!("{v:?} is not a retention policy: Retain or Delete"),
                ));
            }
        }
        let features = self.clusters.features(context);
        if !features.sts_retention_policy {
            return Err(IpcError::new(
                ErrorCode::Unsupported,
                format!(
                    "this server (Kubernetes 1.{}) has no persistentVolumeClaimRetentionPolicy: claims are always kept (it needs 1.27+)",
                    features.minor.map(|m| m.to_string()).unwrap_or_else(|| "?".into())
                ),
            ));
        }
        let api: Api<k8s_openapi::api::apps::v1::StatefulSet> = Api::namespaced(client, namespace);
        let patch = serde_json::json!({"spec": {"persistentVolumeClaimRetentionPolicy": {
            "whenDeleted": when_deleted, "whenScaled": when_scaled}}});
        api.patch(
            name,
            &kube::api::PatchParams {
                field_manager: Some(crate::edit::FIELD_MANAGER.into()),
                ..Default::default()
            },
            &kube::api::Patch::Merge(&patch),
        )
        .await
        .map_err(|e| ClusterError::from_kube(&e).to_ipc())?;
        Ok(())
    }

    /// Deletes claims (orphans), after the typed word; a claim a pod still mounts is refused.
    pub async fn delete_claims(
        &self,
        context: &str,
        namespace: &str,
        names: Vec<String>,
        confirm: &str,
    ) -> Result<Vec<ClaimDeletion>, IpcError> {
        self.refuse_read_only(context)?;
        if confirm != DELETE_CONFIRMATION {
            return Err(IpcError::new(
                ErrorCode::Invalid,
                format!("type \"{DELETE_CONFIRMATION}\" to delete"),
            ));
        }
        let client = self.storage_client(context)?;
        let pods: Api<Pod> = Api::namespaced(client.clone(), namespace);
        let in_use: Vec<String> = pods
            .list(&ListParams::default())
            .await
            .map_err(|e| ClusterError::from_kube(&e).to_ipc())?
            .items
            .iter()
            .flat_map(|p| {
                p.spec
                    .as_ref()
                    .and_then(|s| s.volumes.clone())
                    .unwrap_or_default()
            })
            .filter_map(|v| v.persistent_volume_claim.map(|c| c.claim_name))
            .collect();
        let api: Api<PersistentVolumeClaim> = Api::namespaced(client, namespace);
        let mut out = Vec::new();
        for name in names {
            let error = if in_use.contains(&name) {
                Some(IpcError::new(
                    ErrorCode::Conflict,
                    format!("{name} is mounted by a pod: not deleted"),
                ))
            } else {
                api.delete(&name, &DeleteParams::default())
                    .await
                    .err()
                    .map(|e| ClusterError::from_kube(&e).to_ipc())
            };
            out.push(ClaimDeletion { name, error });
        }
        Ok(out)
    }
}

fn tokio_stream_of<T: Send + 'static>(
    mut rx: tokio::sync::mpsc::Receiver<T>,
) -> BoxStream<'static, T> {
    futures::stream::poll_fn(move |cx| rx.poll_recv(cx)).boxed()
}
