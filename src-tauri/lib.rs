//! The Tauri application: a thin adapter from `ordinal-core` to IPC. No logic lives here.
//!
//! - [`commands`]: every `#[tauri::command]`; each one calls core and maps errors to `IpcError`.
//! - [`streams`]: long-lived core streams forwarded to a `tauri::ipc::Channel`, registered as a
//!   resource (its id goes to the UI) and stopped by the `unwatch` command.
//! - [`state`]: the one managed value, `AppState`.
//! - [`logging`]: tracing to a daily-rolling file in the app's log directory.
//! - [`bindings`]: the list of transfer types exported to TypeScript (`ui/src/api/gen/`).
//! - `cli`: the command-line entry points of the same binary (`ordinal contexts`, `ordinal credential`, ...).

pub mod bindings;
mod cli;
mod commands;
mod logging;
mod pod_commands;
mod state;
mod streams;

use std::process::ExitCode;

use tauri::Manager;

/// Entry point of the `ordinal` binary: a CLI subcommand when one is given, else the window.
pub fn main() -> ExitCode {
    ordinal_core::startup::mark_process_start();
    ordinal_core::memory::tune_allocator();
    // Both ring and aws-lc-rs end up in the dependency graph (kube uses ring); rustls then cannot
    // choose by itself, so the process picks ring once, before any TLS connection.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(code) = cli::run(&args) {
        return code;
    }
    // Without a display GTK would panic with a backtrace: say what works instead.
    #[cfg(target_os = "linux")]
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        eprintln!("ordinal: the window needs a graphical session (neither DISPLAY nor WAYLAND_DISPLAY is set); these work without one: ordinal contexts, ordinal kubeconfig view, ordinal context …, ordinal credential (see ordinal --help)");
        return ExitCode::from(1);
    }
    run_gui();
    ExitCode::SUCCESS
}

fn run_gui() {
    let mut builder = tauri::Builder::default();
    // The secret-scan test records every IPC payload in the page (see `ui/src/api/index.ts`).
    if std::env::var_os("ORDINAL_RECORD_IPC").is_some_and(|v| v == "1") {
        builder = builder.plugin(
            tauri::plugin::Builder::<tauri::Wry>::new("ordinal-ipc-recorder")
                .js_init_script("window.__ordinalIpcLog = [];".to_string())
                .build(),
        );
    }
    builder
        .setup(|app| {
            ordinal_core::startup::mark("setup");
            let dirs = ordinal_core::kubeconfig::paths::AppDirs::from_env()
                .ok_or("cannot find a home directory for Ordinal's data (set ORDINAL_DATA_DIR)")?;
            let log_dir = dirs.data_dir.join("logs");
            let guard = logging::init(&log_dir);
            tracing::info!(version = env!("CARGO_PKG_VERSION"), data_dir = %dirs.data_dir.display(), "Ordinal starting");
            app.manage(state::AppState::new(ordinal_core::session::Session::new(dirs), log_dir, guard));
            ordinal_core::startup::mark("session");
            // With no kubeconfig at all, the demo cluster connects while the window starts.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                handle.state::<state::AppState>().session.connect_demo_if_current().await;
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::get_settings,
            commands::set_settings,
            commands::list_contexts,
            commands::watch_contexts,
            commands::list_kinds,
            commands::connect,
            commands::disconnect,
            commands::watch_clusters,
            commands::watch_rows,
            commands::watch_list,
            commands::set_list_window,
            commands::set_list_order,
            commands::list_keys,
            commands::list_rows,
            commands::run_action,
            commands::undo_batch,
            commands::watch_detail,
            commands::watch_doctor,
            commands::unwatch,
            commands::edit_context,
            commands::undo_kubeconfig,
            commands::import_preview,
            commands::import_contexts,
            commands::export_contexts,
            commands::test_connection,
            commands::read_object,
            commands::plan_edit,
            commands::apply_edit,
            commands::action_checks,
            commands::can_create,
            commands::object_schema,
            commands::watch_storage,
            commands::plan_grow,
            commands::grow_storage,
            commands::interrupted_grows,
            commands::resume_grow,
            commands::dismiss_grow,
            commands::delete_claims,
            commands::set_retention,
            pod_commands::pod_targets,
            pod_commands::watch_logs,
            pod_commands::open_shell,
            pod_commands::shell_input,
            pod_commands::shell_resize,
            pod_commands::run_on_ordinals,
            pod_commands::start_forward,
            pod_commands::stop_forward,
            pod_commands::watch_forwards,
            commands::interrupted_batches,
            commands::resume_batch,
            commands::dismiss_batch,
            commands::watch_metrics,
            commands::reveal_secret_value,
            commands::config_map_value,
            commands::plan_create,
            commands::create_statefulset,
            commands::plan_pdb,
            commands::apply_pdb,
            commands::delete_pdb,
            commands::report_startup,
        ])
        .run(tauri::generate_context!())
        .expect("error while running the Ordinal window");
}
