//! The transfer types exported to TypeScript. `tests/bindings.rs` regenerates them and fails when
//! `ui/src/api/gen/` is stale (run it with `ORDINAL_UPDATE_BINDINGS=1` to rewrite them).

use std::path::Path;

use ts_rs::{Config, ExportError, TS};

macro_rules! export {
    ($cfg:expr; $($ty:ty),* $(,)?) => {{
        $( <$ty as TS>::export_all($cfg)?; )*
    }};
}

/// Writes every transfer type (and the types they reference) into `dir`.
pub fn export_all(dir: &Path) -> Result<(), ExportError> {
    // i64 values that cross IPC are timestamps and counts well inside JS's safe integers.
    let cfg = &Config::new().with_out_dir(dir).with_large_int("number");
    use ordinal_core::kinds::statefulset::{create, pdb};
    use ordinal_core::{
        actions, cluster, contexts, edit, execenv, hub, kinds, kubeconfig, session, settings,
    };
    export!(cfg;
        ordinal_core::ErrorCode,
        ordinal_core::IpcError,
        settings::Settings,
        ordinal_core::startup::Milestone,
        crate::commands::AppInfo,
        kubeconfig::ContextList,
        kinds::KindInfo,
        kinds::Row,
        kinds::detail::Finding,
        kinds::statefulset::StatefulSetDetail,
        kinds::env::ContainerEnvView,
        kinds::statefulset::metrics::MetricsSample,
        hub::RowsEvent,
        hub::list::ListEvent,
        hub::list::ListWindow,
        hub::list::ListKeys,
        hub::list::ListRequest,
        hub::view::ListOrder,
        hub::Scope,
        cluster::ClusterStatus,
        actions::ActionRequest,
        actions::ActionEvent,
        actions::ActionChecks,
        actions::journal::BatchRecord,
        contexts::ContextEdit,
        contexts::ImportSource,
        contexts::ImportRequest,
        contexts::ImportResult,
        kubeconfig::ImportPreview,
        kubeconfig::EditOutcome,
        execenv::PluginReport,
        session::ConnectionTest,
        edit::EditTarget,
        edit::ObjectText,
        edit::schema::ObjectSchema,
        kinds::statefulset::storage::StorageView,
        kinds::statefulset::grow::GrowRequest,
        kinds::statefulset::grow::GrowPlan,
        kinds::statefulset::grow::GrowEvent,
        kinds::statefulset::grow::GrowRecord,
        session::ClaimDeletion,
        edit::ApplyOutcome,
        create::CreateSpec,
        create::CreatePlan,
        create::CreateResult,
        pdb::PdbRequest,
        ordinal_core::pods::PodTargets,
        ordinal_core::pods::logs::LogRequest,
        ordinal_core::pods::logs::LogEvent,
        ordinal_core::pods::exec::ShellRequest,
        ordinal_core::pods::exec::ShellEvent,
        ordinal_core::pods::exec::RunRequest,
        ordinal_core::pods::exec::RunEvent,
        ordinal_core::pods::forward::ForwardRequest,
        ordinal_core::pods::forward::ForwardView,
    );
    Ok(())
}
