//! The query of a `pods/log` request, checked as the API server checks `PodLogOptions`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::error::ApiError;

/// The query of a log request.
pub struct LogQuery {
    pub container: Option<String>,
    pub follow: bool,
    pub previous: bool,
    pub timestamps: bool,
    pub tail_lines: Option<u64>,
    pub since: Option<DateTime<Utc>>,
    pub limit_bytes: Option<u64>,
}

impl LogQuery {
    /// From the query string; bad numbers are a 400 as on a real server.
    pub fn parse(q: &HashMap<String, String>) -> Result<LogQuery, ApiError> {
        let flag = |k: &str| q.get(k).map(|v| v == "true" || v == "1").unwrap_or(false);
        let num = |k: &str| -> Result<Option<i64>, ApiError> {
            q.get(k)
                .map(|v| {
                    v.parse::<i64>()
                        .map_err(|_| ApiError::bad_request(format!("{k}: invalid value {v:?}")))
                })
                .transpose()
        };
        let since_seconds = num("sinceSeconds")?;
        let since_time = q
            .get("sinceTime")
            .map(|t| {
                DateTime::parse_from_rfc3339(t)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| ApiError::bad_request(format!("sinceTime: invalid value {t:?}")))
            })
            .transpose()?;
        if since_seconds.is_some() && since_time.is_some() {
            return Err(ApiError::new(422, "Invalid", "PodLogOptions \"\" is invalid: at most one of `sinceTime` or `sinceSeconds` may be specified"));
        }
        if matches!(since_seconds, Some(n) if n < 1) {
            return Err(ApiError::new(422, "Invalid", "PodLogOptions \"\" is invalid: sinceSeconds: Invalid value: must be greater than 0"));
        }
        let tail = num("tailLines")?;
        let limit = num("limitBytes")?;
        if matches!(limit, Some(n) if n < 1) {
            return Err(ApiError::new(
                422,
                "Invalid",
                "PodLogOptions \"\" is invalid: limitBytes: Invalid value: must be greater than 0",
            ));
        }
        Ok(LogQuery {
            container: q.get("container").cloned(),
            follow: flag("follow"),
            previous: flag("previous"),
            timestamps: flag("timestamps"),
            tail_lines: tail.map(|n| n.max(0) as u64),
            since: since_time.or(since_seconds.map(|n| Utc::now() - chrono::Duration::seconds(n))),
            limit_bytes: limit.map(|n| n as u64),
        })
    }
}
