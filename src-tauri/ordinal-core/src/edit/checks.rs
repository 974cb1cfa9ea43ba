//! Local checks of an edited StatefulSet, run before anything is sent: the rules the API server
//! would apply (names, labels, replicas, selector vs template, quantities, ports, probes, and the
//! fields of a StatefulSet spec that cannot change), each reported at its field with the
//! server's wording where it has one.

use serde_json::Value;

use super::EditProblem;

fn problem(field: impl Into<String>, message: impl Into<String>) -> EditProblem {
    EditProblem {
        field: Some(field.into()),
        line: None,
        column: None,
        message: message.into(),
    }
}

/// DNS-1123 label: lowercase alphanumerics and '-', starting and ending alphanumeric, ≤ 63.
pub fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// DNS-1123 subdomain: dot-separated labels, ≤ 253.
pub fn is_dns_subdomain(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

/// A label value (or the name part of a key): ≤ 63, alphanumerics and `-_.`, starting and
/// ending alphanumeric; values may be empty.
fn is_label_part(s: &str, allow_empty: bool) -> bool {
    if s.is_empty() {
        return allow_empty;
    }
    s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        && s.as_bytes()[0].is_ascii_alphanumeric()
        && s.as_bytes()[s.len() - 1].is_ascii_alphanumeric()
}

fn check_labels(field: &str, labels: &Value, out: &mut Vec<EditProblem>) {
    let Some(map) = labels.as_object() else {
        if !labels.is_null() {
            out.push(problem(field, "must be a map of strings"));
        }
        return;
    };
    for (k, v) in map {
        let (prefix, name) = match k.rsplit_once('/') {
            Some((p, n)) => (Some(p), n),
            None => (None, k.as_str()),
        };
        if prefix.is_some_and(|p| !is_dns_subdomain(p)) || !is_label_part(name, false) {
            out.push(problem(
                format!("{field}.{k}"),
                format!("Invalid value: {k:?}: a label key must be a name of at most 63 characters (alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric), with an optional DNS subdomain prefix and '/'"),
            ));
        }
        match v.as_str() {
            Some(s) if is_label_part(s, true) => {}
            Some(s) => out.push(problem(
                format!("{field}.{k}"),
                format!("Invalid value: {s:?}: a label value must be empty or at most 63 characters (alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric)"),
            )),
            None => out.push(problem(format!("{field}.{k}"), "a label value must be a string")),
        }
    }
}

/// A Kubernetes quantity (`500m`, `1Gi`, `2`, `1.5`, `1e3`).
pub fn is_quantity(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty() {
        return false;
    }
    const SUFFIXES: [&str; 15] = [
        "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "k", "M", "G", "T", "P", "E",
    ];
    let mut num = s;
    for suf in SUFFIXES {
        if let Some(n) = s.strip_suffix(suf) {
            num = n;
            break;
        }
    }
    if let Some((mantissa, exp)) = num.split_once(['e', 'E']) {
        return mantissa.parse::<f64>().is_ok() && exp.parse::<i32>().is_ok() && num == s;
    }
    let digits = num.strip_prefix(['+', '-']).unwrap_or(num);
    !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.matches('.').count() <= 1
        && digits != "."
}

/// A quantity's value in the resource's natural unit (millicores for cpu, bytes otherwise).
fn quantity_value(resource: &str, s: &str) -> Option<f64> {
    use crate::kinds::statefulset::metrics::{cpu_millis, memory_bytes};
    if resource == "cpu" {
        cpu_millis(s)
    } else {
        memory_bytes(s).or_else(|| cpu_millis(s).map(|m| m / 1e6))
    }
}

fn check_int(field: &str, v: &Value, min: i64, what: &str, out: &mut Vec<EditProblem>) {
    if v.is_null() {
        return;
    }
    match v.as_i64() {
        Some(n) if n >= min => {}
        Some(n) => out.push(problem(
            field,
            format!("Invalid value: {n}: must be greater than or equal to {min}{what}"),
        )),
        None => out.push(problem(field, "Invalid value: must be an integer")),
    }
}

fn check_port(field: &str, v: &Value, allow_named: bool, out: &mut Vec<EditProblem>) {
    match v {
        Value::Null => {}
        Value::Number(n) => match n.as_i64() {
            Some(p) if (1..=65535).contains(&p) => {}
            _ => out.push(problem(
                field,
                format!("Invalid value: {n}: must be between 1 and 65535, inclusive"),
            )),
        },
        Value::String(s) if allow_named && is_dns_label(s) && s.len() <= 15 => {}
        other => out.push(problem(
            field,
            format!(
                "Invalid value: {other}: must be a port number between 1 and 65535{}",
                if allow_named {
                    " or a port name (at most 15 lowercase characters)"
                } else {
                    ""
                }
            ),
        )),
    }
}

fn check_probe(field: &str, probe: &Value, liveness_or_startup: bool, out: &mut Vec<EditProblem>) {
    if probe.is_null() {
        return;
    }
    let handlers = ["exec", "httpGet", "tcpSocket", "grpc"]
        .iter()
        .filter(|h| !probe[**h].is_null())
        .count();
    if handlers != 1 {
        out.push(problem(
            field,
            "Required value: must specify exactly one handler (exec, httpGet, tcpSocket or grpc)",
        ));
    }
    check_int(
        &format!("{field}.initialDelaySeconds"),
        &probe["initialDelaySeconds"],
        0,
        "",
        out,
    );
    for k in [
        "periodSeconds",
        "timeoutSeconds",
        "failureThreshold",
        "successThreshold",
    ] {
        check_int(&format!("{field}.{k}"), &probe[k], 1, "", out);
    }
    if liveness_or_startup && probe["successThreshold"].as_i64().is_some_and(|n| n != 1) {
        out.push(problem(
            format!("{field}.successThreshold"),
            "Invalid value: must be 1 for liveness and startup probes",
        ));
    }
    check_port(
        &format!("{field}.httpGet.port"),
        &probe["httpGet"]["port"],
        true,
        out,
    );
    check_port(
        &format!("{field}.tcpSocket.port"),
        &probe["tcpSocket"]["port"],
        true,
        out,
    );
}

fn check_resources(field: &str, r: &Value, out: &mut Vec<EditProblem>) {
    for part in ["requests", "limits"] {
        if let Some(m) = r[part].as_object() {
            for (k, v) in m {
                let ok = match v {
                    Value::String(s) => is_quantity(s),
                    Value::Number(_) => true,
                    _ => false,
                };
                if !ok {
                    out.push(problem(
                        format!("{field}.{part}.{k}"),
                        format!("Invalid value: {v}: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (for example 500m, 1Gi)"),
                    ));
                }
            }
        }
    }
    if let (Some(req), Some(lim)) = (r["requests"].as_object(), r["limits"].as_object()) {
        for (k, rv) in req {
            let value = |v: &Value| match v {
                Value::String(s) => quantity_value(k, s),
                Value::Number(n) => n.as_f64().map(|f| if k == "cpu" { f * 1000.0 } else { f }),
                _ => None,
            };
            if let (Some(a), Some(b)) = (value(rv), lim.get(k).and_then(value)) {
                if a > b {
                    out.push(problem(
                        format!("{field}.requests.{k}"),
                        format!(
                            "Invalid value: {rv}: must be less than or equal to {k} limit of {}",
                            lim[k]
                        ),
                    ));
                }
            }
        }
    }
}

/// Fields the user's text sets that the server's answer to a dry run does not have: a server
/// that does not know a field (e.g. `spec.minReadySeconds` before Kubernetes 1.23) drops it
/// without a word, so the write would "succeed" and change nothing. Zero values are not counted
/// (servers omit them), nor what the server owns (`status`, metadata it sets).
pub fn not_kept(sent: &Value, kept: &Value) -> Vec<EditProblem> {
    fn zero(v: &Value) -> bool {
        match v {
            Value::Null => true,
            Value::Bool(b) => !b,
            Value::Number(n) => n.as_f64() == Some(0.0),
            Value::String(s) => s.is_empty(),
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o.is_empty(),
        }
    }
    fn walk(path: &str, sent: &Value, kept: &Value, out: &mut Vec<EditProblem>) {
        match (sent, kept) {
            (Value::Object(s), Value::Object(k)) => {
                for (key, v) in s {
                    let p = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    if matches!(
                        p.as_str(),
                        "status"
                            | "metadata.managedFields"
                            | "metadata.resourceVersion"
                            | "metadata.creationTimestamp"
                            | "metadata.generation"
                            | "metadata.uid"
                            | "metadata.selfLink"
                    ) {
                        continue;
                    }
                    match k.get(key) {
                        Some(kv) => walk(&p, v, kv, out),
                        None if !zero(v) => out.push(problem(
                            &p,
                            format!("{p} is not known to this server: it would be dropped without a word (the field may be newer than the cluster's Kubernetes version)"),
                        )),
                        None => {}
                    }
                }
            }
            (Value::Array(s), Value::Array(k)) if s.len() == k.len() => {
                for (i, (sv, kv)) in s.iter().zip(k).enumerate() {
                    walk(&format!("{path}[{i}]"), sv, kv, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk("", sent, kept, &mut out);
    out
}

/// A server-side apply the server refused because the text names fields its schema does not
/// have ("failed to create typed patch object (…): .spec.minReadySeconds: field not declared in
/// schema", HTTP 500 on Kubernetes 1.20): each such field, as a problem at that field.
pub fn undeclared_fields(message: &str) -> Vec<EditProblem> {
    const TAIL: &str = ": field not declared in schema";
    let mut out = Vec::new();
    let mut rest = message;
    while let Some(i) = rest.find(TAIL) {
        let before = &rest[..i];
        let start = before
            .rfind(|c: char| c.is_whitespace() || c == ':')
            .map(|j| j + 1)
            .unwrap_or(0);
        let field = before[start..].trim_start_matches('.');
        if !field.is_empty() {
            out.push(problem(
                field,
                format!("{field} is not known to this server (the field may be newer than the cluster's Kubernetes version)"),
            ));
        }
        rest = &rest[i + TAIL.len()..];
    }
    if out.is_empty() {
        out.push(EditProblem {
            field: None,
            line: None,
            column: None,
            message: message.to_string(),
        });
    }
    out
}

/// The spec fields of a StatefulSet the API server lets an update change; all others are
/// immutable after creation.
const MUTABLE_SPEC: [&str; 7] = [
    "replicas",
    "ordinals",
    "template",
    "updateStrategy",
    "persistentVolumeClaimRetentionPolicy",
    "minReadySeconds",
    "revisionHistoryLimit",
];

/// Checks an edited StatefulSet (`new`) against the rules, and against `base` (the object as
/// read) for immutable fields.
pub fn check_statefulset(new: &Value, base: Option<&Value>) -> Vec<EditProblem> {
    let mut out = Vec::new();
    if let Some(name) = new["metadata"]["name"].as_str() {
        if !is_dns_subdomain(name) {
            out.push(problem("metadata.name", format!("Invalid value: {name:?}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character")));
        }
    }
    check_labels("metadata.labels", &new["metadata"]["labels"], &mut out);
    let spec = &new["spec"];
    check_int("spec.replicas", &spec["replicas"], 0, "", &mut out);
    check_int(
        "spec.minReadySeconds",
        &spec["minReadySeconds"],
        0,
        "",
        &mut out,
    );
    check_labels(
        "spec.selector.matchLabels",
        &spec["selector"]["matchLabels"],
        &mut out,
    );
    check_labels(
        "spec.template.metadata.labels",
        &spec["template"]["metadata"]["labels"],
        &mut out,
    );
    if let (Some(sel), tpl) = (
        spec["selector"]["matchLabels"].as_object(),
        &spec["template"]["metadata"]["labels"],
    ) {
        if sel.iter().any(|(k, v)| tpl.get(k) != Some(v)) {
            out.push(problem(
                "spec.template.metadata.labels",
                "Invalid value: `selector` does not match template `labels`",
            ));
        }
    }
    if let Some(p) = spec["updateStrategy"]["rollingUpdate"]["partition"].as_i64() {
        if p < 0 {
            out.push(problem(
                "spec.updateStrategy.rollingUpdate.partition",
                format!("Invalid value: {p}: must be greater than or equal to 0"),
            ));
        }
    }
    let containers = spec["template"]["spec"]["containers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if containers.is_empty() && !spec["template"].is_null() {
        out.push(problem(
            "spec.template.spec.containers",
            "Required value: at least one container",
        ));
    }
    for (i, c) in containers.iter().enumerate() {
        let f = format!("spec.template.spec.containers[{i}]");
        match c["name"].as_str() {
            Some(n) if is_dns_label(n) => {}
            other => out.push(problem(
                format!("{f}.name"),
                format!(
                    "Invalid value: {}: a container name must be a lowercase RFC 1123 label",
                    other.map_or("nothing".to_string(), |n| format!("{n:?}"))
                ),
            )),
        }
        if c["image"].as_str().is_none_or(|s| s.trim().is_empty()) {
            out.push(problem(format!("{f}.image"), "Required value"));
        }
        for (j, p) in c["ports"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            check_port(
                &format!("{f}.ports[{j}].containerPort"),
                &p["containerPort"],
                false,
                &mut out,
            );
            if !p["hostPort"].is_null() {
                check_port(
                    &format!("{f}.ports[{j}].hostPort"),
                    &p["hostPort"],
                    false,
                    &mut out,
                );
            }
            if let Some(proto) = p["protocol"].as_str() {
                if !["TCP", "UDP", "SCTP"].contains(&proto) {
                    out.push(problem(format!("{f}.ports[{j}].protocol"), format!("Unsupported value: {proto:?}: supported values: \"SCTP\", \"TCP\", \"UDP\"")));
                }
            }
        }
        check_resources(&format!("{f}.resources"), &c["resources"], &mut out);
        check_probe(
            &format!("{f}.livenessProbe"),
            &c["livenessProbe"],
            true,
            &mut out,
        );
        check_probe(
            &format!("{f}.startupProbe"),
            &c["startupProbe"],
            true,
            &mut out,
        );
        check_probe(
            &format!("{f}.readinessProbe"),
            &c["readinessProbe"],
            false,
            &mut out,
        );
    }
    for (i, t) in spec["volumeClaimTemplates"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let storage = &t["spec"]["resources"]["requests"]["storage"];
        if !storage.as_str().is_some_and(is_quantity) && !storage.is_number() {
            out.push(problem(
                format!("spec.volumeClaimTemplates[{i}].spec.resources.requests.storage"),
                format!("Invalid value: {storage}: must be a quantity such as 10Gi"),
            ));
        }
    }
    if let (Some(base_spec), Some(new_spec)) = (
        base.map(|b| &b["spec"]).and_then(Value::as_object),
        spec.as_object(),
    ) {
        let keys: std::collections::BTreeSet<&String> =
            base_spec.keys().chain(new_spec.keys()).collect();
        for k in keys {
            if MUTABLE_SPEC.contains(&k.as_str()) {
                continue;
            }
            if base_spec.get(k) != new_spec.get(k) {
                out.push(problem(
                    format!("spec.{k}"),
                    "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_the_server_dropped_are_named_but_zeros_and_status_are_not() {
        let sent = json!({
            "metadata": {"name": "db", "resourceVersion": "7", "labels": {"a": "b"}},
            "spec": {"replicas": 3, "minReadySeconds": 10, "revisionHistoryLimit": 0,
                     "template": {"spec": {"containers": [{"name": "c", "image": "x", "newField": true}]}}},
            "status": {"replicas": 3}
        });
        let kept = json!({
            "metadata": {"name": "db", "labels": {"a": "b"}},
            "spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "c", "image": "x"}]}}}
        });
        let fields: Vec<String> = not_kept(&sent, &kept)
            .into_iter()
            .map(|p| p.field.unwrap())
            .collect();
        assert_eq!(
            fields,
            [
                "spec.minReadySeconds",
                "spec.template.spec.containers[0].newField"
            ]
        );
        assert!(not_kept(&kept, &kept).is_empty());
    }

    #[test]
    fn fields_a_server_side_apply_refused_are_named() {
        let one = "failed to create typed patch object (db/pg; apps/v1, Kind=StatefulSet): .spec.minReadySeconds: field not declared in schema";
        let p = undeclared_fields(one);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].field.as_deref(), Some("spec.minReadySeconds"));
        let two = "failed to create typed patch object (x): errors:\n  .spec.a: field not declared in schema\n  .metadata.b: field not declared in schema";
        let fields: Vec<_> = undeclared_fields(two)
            .into_iter()
            .map(|p| p.field.unwrap())
            .collect();
        assert_eq!(fields, ["spec.a", "metadata.b"]);
        assert_eq!(undeclared_fields("boom")[0].message, "boom");
    }
}
