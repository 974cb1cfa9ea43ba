//! The Tauri application: a thin adapter from `ordinal-core` to IPC. No logic lives here.

pub fn main() -> std::process::ExitCode {
    std::process::ExitCode::SUCCESS
}
