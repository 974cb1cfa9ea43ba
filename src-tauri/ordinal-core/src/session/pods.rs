//! The session's pod operations (logs, shells, commands on every ordinal, port-forwards): the
//! connection, protection and RBAC of the context around [`crate::pods`].

use futures::stream::BoxStream;
use futures::StreamExt;

use super::Session;
use crate::cluster::Protection;
use crate::error::{ErrorCode, IpcError};
use crate::pods::exec::{self, RunEvent, RunRequest, ShellEvent, ShellHandle, ShellRequest};
use crate::pods::forward::{ForwardRequest, ForwardView};
use crate::pods::logs::{self, LogEvent, LogRequest};
use crate::pods::{self, Access, PodAccess, PodTargets};

impl Session {
    fn pod_client(&self, context: &str) -> Result<kube::Client, IpcError> {
        self.clusters
            .client(context)
            .ok_or_else(|| super::not_connected(context))
    }

    /// Whether the user may (RBAC, and the context's protection for exec and forwards).
    async fn pod_access(
        &self,
        context: &str,
        namespace: &str,
        verb: &str,
        resource: &str,
        writes: bool,
    ) -> Access {
        if writes && self.protection(context) == Protection::ReadOnly {
            return Access::no(format!("{context} is read-only in Ordinal's settings"));
        }
        match self
            .clusters
            .can_i(context, namespace, verb, "", resource)
            .await
        {
            Ok(true) => Access::yes(),
            Ok(false) => Access::no(format!(
                "RBAC does not allow {verb} {resource} in namespace {namespace}"
            )),
            Err(e) => Access::no(format!("could not check RBAC: {e}")),
        }
    }

    /// The containers and ports of a StatefulSet's pods, and what the user may do with them.
    pub async fn pod_targets(
        &self,
        context: &str,
        namespace: &str,
        name: &str,
    ) -> Result<PodTargets, IpcError> {
        let client = self.pod_client(context)?;
        let containers = pods::targets(&client, namespace, name).await?;
        let (logs, exec, forward) = futures::join!(
            self.pod_access(context, namespace, "get", "pods/log", false),
            self.pod_access(context, namespace, "create", "pods/exec", true),
            self.pod_access(context, namespace, "create", "pods/portforward", true),
        );
        Ok(PodTargets {
            containers,
            access: PodAccess {
                logs,
                exec,
                forward,
            },
        })
    }

    /// A log view (one ordinal, or all merged), following the ordinal across restarts.
    pub fn watch_logs(&self, req: LogRequest) -> Result<BoxStream<'static, LogEvent>, IpcError> {
        let client = self.pod_client(&req.context)?;
        Ok(logs::stream(client, req).boxed())
    }

    fn refuse_exec(&self, context: &str) -> Result<(), IpcError> {
        if self.protection(context) == Protection::ReadOnly {
            return Err(IpcError::new(
                ErrorCode::Forbidden,
                format!("{context} is read-only in Ordinal's settings: no shells or commands in its pods"),
            ));
        }
        Ok(())
    }

    /// A shell in a pod: the input handle and the events. Refused on read-only contexts.
    pub async fn open_shell(
        &self,
        req: ShellRequest,
    ) -> Result<(ShellHandle, BoxStream<'static, ShellEvent>), IpcError> {
        self.refuse_exec(&req.context)?;
        let client = self.pod_client(&req.context)?;
        let candidates = match req
            .command
            .clone()
            .or_else(|| self.settings_or_default().shell_command)
        {
            Some(c) if !c.is_empty() => vec![c],
            _ => exec::default_shells(),
        };
        let (handle, events) = exec::open(
            client,
            &req.namespace,
            &req.pod,
            req.container.as_deref(),
            candidates,
            req.cols.max(1),
            req.rows.max(1),
        )
        .await?;
        Ok((handle, events.boxed()))
    }

    /// One command on several ordinals. Refused on read-only contexts.
    pub fn run_on_ordinals(
        &self,
        req: RunRequest,
    ) -> Result<BoxStream<'static, RunEvent>, IpcError> {
        self.refuse_exec(&req.context)?;
        if req.command.is_empty() {
            return Err(IpcError::new(ErrorCode::Invalid, "the command is empty"));
        }
        let client = self.pod_client(&req.context)?;
        Ok(exec::run_on(client, req).boxed())
    }

    /// Start a forward to an ordinal; it lives until stopped or the app exits.
    pub async fn start_forward(&self, req: ForwardRequest) -> Result<ForwardView, IpcError> {
        if self.protection(&req.context) == Protection::ReadOnly {
            return Err(IpcError::new(
                ErrorCode::Forbidden,
                format!(
                    "{} is read-only in Ordinal's settings: no port-forwards",
                    req.context
                ),
            ));
        }
        let client = self.pod_client(&req.context)?;
        let targets = pods::targets(&client, &req.namespace, &req.statefulset).await?;
        let declared = targets
            .iter()
            .flat_map(|c| c.ports.iter())
            .find(|p| p.port == req.port);
        let (name, hint) = match declared {
            Some(p) => (p.name.clone(), p.hint.clone()),
            None => (None, pods::hint_for(req.port, None, "")),
        };
        Ok(self.forwards.start(client, req, name, hint).await?)
    }

    pub fn stop_forward(&self, id: &str) -> bool {
        self.forwards.stop(id)
    }

    pub fn watch_forwards(&self) -> BoxStream<'static, Vec<ForwardView>> {
        self.forwards.watch().boxed()
    }
}
