//! Start-up timing. The window reports when its start-up milestones happened (page navigation,
//! first render, contexts, connect, first rows: `ui/src/lib/marks.ts`); the app writes them to its
//! log relative to its own start, so a slow start can be explained from the log alone, and the
//! window benchmark reads its cold-start figure from that line without a WebDriver session
//! (which delays the page's start by about a second).

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use ts_rs::TS;

use crate::error::{Classify, ErrorCode};

static STARTED_MS: OnceLock<f64> = OnceLock::new();
/// The app's own milestones (setup, session), merged into the window's when it reports.
static NATIVE: std::sync::Mutex<Vec<Milestone>> = std::sync::Mutex::new(Vec::new());

fn epoch_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// Records that the process started; the app calls it first thing in `main`.
pub fn mark_process_start() {
    let _ = STARTED_MS.set(epoch_ms());
}

/// Records one of the app's own start-up milestones (`setup`, `session`), once per name.
pub fn mark(name: &str) {
    let mut native = NATIVE.lock().unwrap_or_else(|e| e.into_inner());
    if native.iter().all(|m| m.name != name) {
        native.push(Milestone {
            name: name.to_string(),
            at_ms: epoch_ms(),
        });
    }
}

/// Writes the window's milestones to the log (`startup: …`, see [`summary`]).
pub fn report(marks: &[Milestone]) -> Result<(), StartupError> {
    let started = *STARTED_MS.get_or_init(epoch_ms);
    let mut all = NATIVE.lock().unwrap_or_else(|e| e.into_inner()).clone();
    all.extend_from_slice(marks);
    tracing::info!("startup: {}", summary(started, &all)?);
    Ok(())
}

/// One milestone: its name and when it happened (Unix epoch, milliseconds).
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Milestone {
    pub name: String,
    pub at_ms: f64,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum StartupError {
    #[error("at most {MAX} milestones, got {0}")]
    TooMany(usize),
    #[error("milestone name {0:?} is not 1-32 characters of a-z and '-'")]
    Name(String),
    #[error("milestone {0} has no finite time")]
    Time(String),
}

impl Classify for StartupError {
    fn code(&self) -> ErrorCode {
        ErrorCode::Invalid
    }
}

const MAX: usize = 24;

/// The log line for `marks`, `started_ms` being when the process entered `main` (epoch ms):
/// `first-rows 812 ms after start: navigation +506, mounted +190, ...; epoch-ms start=… navigation=…`.
/// The milestones are put in time order; the headline names the last one.
pub fn summary(started_ms: f64, marks: &[Milestone]) -> Result<String, StartupError> {
    if marks.len() > MAX {
        return Err(StartupError::TooMany(marks.len()));
    }
    for m in marks {
        let valid = (1..=32).contains(&m.name.len())
            && m.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
        if !valid {
            return Err(StartupError::Name(m.name.clone()));
        }
        if !m.at_ms.is_finite() {
            return Err(StartupError::Time(m.name.clone()));
        }
    }
    let mut sorted: Vec<&Milestone> = marks.iter().collect();
    sorted.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
    let Some(last) = sorted.last() else {
        return Ok("no milestones".to_string());
    };
    let mut prev = started_ms;
    let steps: Vec<String> = sorted
        .iter()
        .map(|m| {
            let step = format!("{} +{:.0}", m.name, m.at_ms - prev);
            prev = m.at_ms;
            step
        })
        .collect();
    let epoch: Vec<String> = sorted
        .iter()
        .map(|m| format!("{}={:.1}", m.name, m.at_ms))
        .collect();
    Ok(format!(
        "{} {:.0} ms after start: {}; epoch-ms start={started_ms:.1} {}",
        last.name,
        last.at_ms - started_ms,
        steps.join(", "),
        epoch.join(" ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(name: &str, at_ms: f64) -> Milestone {
        Milestone {
            name: name.into(),
            at_ms,
        }
    }

    #[test]
    fn steps_are_in_time_order_and_relative_to_the_previous_one() {
        let line = summary(
            1000.0,
            &[
                m("first-rows", 1900.0),
                m("navigation", 1400.0),
                m("mounted", 1650.0),
            ],
        )
        .unwrap();
        assert_eq!(
            line,
            "first-rows 900 ms after start: navigation +400, mounted +250, first-rows +250; \
             epoch-ms start=1000.0 navigation=1400.0 mounted=1650.0 first-rows=1900.0"
        );
    }

    #[test]
    fn names_that_could_forge_a_log_line_are_refused() {
        assert_eq!(
            summary(0.0, &[m("rows\nERROR forged", 1.0)]),
            Err(StartupError::Name("rows\nERROR forged".into()))
        );
        assert_eq!(
            summary(0.0, &[m("x", f64::NAN)]),
            Err(StartupError::Time("x".into()))
        );
        let many: Vec<Milestone> = (0..25).map(|i| m("a", i as f64)).collect();
        assert_eq!(summary(0.0, &many), Err(StartupError::TooMany(25)));
    }
}
