//! Skips of the cluster suites, shared by the simulator's and the core's test harnesses
//! (included by path from both).

/// A part of a test the cluster under test cannot do: said on stderr, and appended to
/// `$ORDINAL_SKIP_LOG` (scripts/test lists the real pass's skips with their reasons).
pub fn skipped(test: &str, why: &str) {
    eprintln!("skipped {test}: {why}");
    if let Some(path) = std::env::var_os("ORDINAL_SKIP_LOG") {
        use std::io::Write;
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            // One write per line: tests of a binary run in parallel and append concurrently.
            let _ = f.write_all(format!("{test}: {why}\n").as_bytes());
        }
    }
}
