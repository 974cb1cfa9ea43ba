//! Tauri's build step, with an app manifest that lists our commands: each gets an
//! `allow-<command>` permission, and `capabilities/default.json` grants only the ones the UI uses.

const COMMANDS: &[&str] = &[
    "app_info",
    "get_settings",
    "set_settings",
    "list_contexts",
    "watch_contexts",
    "list_kinds",
    "connect",
    "disconnect",
    "watch_clusters",
    "watch_rows",
    "run_action",
    "undo_batch",
    "watch_detail",
    "watch_doctor",
    "unwatch",
    "edit_context",
    "undo_kubeconfig",
    "import_preview",
    "import_contexts",
    "export_contexts",
    "test_connection",
    "read_object",
    "plan_edit",
    "apply_edit",
    "action_checks",
    "can_create",
    "object_schema",
    "watch_storage",
    "plan_grow",
    "grow_storage",
    "interrupted_grows",
    "resume_grow",
    "dismiss_grow",
    "delete_claims",
    "set_retention",
    "interrupted_batches",
    "resume_batch",
    "dismiss_batch",
    "watch_metrics",
    "reveal_secret_value",
    "config_map_value",
    "plan_create",
    "create_statefulset",
    "plan_pdb",
    "apply_pdb",
    "delete_pdb",
    "report_startup",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step");
}
