//! The create form's local checks, per field.

use super::{build, problem, CreateSpec, ProbeSpec};
use crate::edit::checks::{check_statefulset, is_dns_label, is_dns_subdomain, is_quantity};
use crate::edit::EditProblem;

/// IANA service name: ≤ 15, lowercase alphanumerics and '-', a letter, no '--' or edge '-'.
fn is_port_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 15
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && s.bytes().any(|b| b.is_ascii_lowercase())
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

fn port_ok(p: i32) -> bool {
    (1..=65535).contains(&p)
}
const DNS_LABEL_MSG: &str = "must be a lowercase RFC 1123 label: at most 63 lowercase letters, digits or '-', starting and ending with a letter or digit";

/// Local checks, per form field. Empty: fine to send.
pub fn validate(spec: &CreateSpec) -> Vec<EditProblem> {
    let mut out = Vec::new();
    if !is_dns_label(&spec.namespace) {
        out.push(problem("namespace", DNS_LABEL_MSG));
    }
    // Pod names are `<name>-<ordinal>` and carry a label with it: keep room for the ordinal.
    if !is_dns_label(&spec.name) {
        out.push(problem("name", DNS_LABEL_MSG));
    } else if spec.name.len() > 52 {
        out.push(problem(
            "name",
            "at most 52 characters (pod names add -<ordinal> and must stay a valid label)",
        ));
    }
    if spec.image.trim().is_empty() || spec.image.chars().any(char::is_whitespace) {
        out.push(problem(
            "image",
            "an image reference without spaces is required",
        ));
    }
    if spec.replicas < 0 {
        out.push(problem("replicas", "must be 0 or more"));
    }
    if let Some(s) = &spec.existing_service {
        if !s.is_empty() && !is_dns_label(s) {
            out.push(problem("existingService", DNS_LABEL_MSG));
        }
    }
    let mut names = std::collections::BTreeSet::new();
    let mut numbers = std::collections::BTreeSet::new();
    for (i, p) in spec.ports.iter().enumerate() {
        if !port_ok(p.port) {
            out.push(problem(
                format!("ports[{i}].port"),
                "must be between 1 and 65535",
            ));
        } else if !numbers.insert((p.port, p.protocol.clone())) {
            out.push(problem(
                format!("ports[{i}].port"),
                "this port and protocol are already listed",
            ));
        }
        if !["TCP", "UDP", "SCTP"].contains(&p.protocol.as_str()) {
            out.push(problem(
                format!("ports[{i}].protocol"),
                "must be TCP, UDP or SCTP",
            ));
        }
        if p.name.is_empty() {
            if spec.ports.len() > 1 {
                out.push(problem(
                    format!("ports[{i}].name"),
                    "a name is required when there are several ports",
                ));
            }
        } else if !is_port_name(&p.name) {
            out.push(problem(
                format!("ports[{i}].name"),
                "at most 15 lowercase letters, digits or '-', with at least one letter",
            ));
        } else if !names.insert(p.name.clone()) {
            out.push(problem(
                format!("ports[{i}].name"),
                "port names must be unique",
            ));
        }
    }
    let mut env_names = std::collections::BTreeSet::new();
    for (i, e) in spec.env.iter().enumerate() {
        if e.name.is_empty()
            || e.name.contains('=')
            || !e.name.bytes().all(|b| (0x21..=0x7e).contains(&b))
        {
            out.push(problem(
                format!("env[{i}].name"),
                "printable characters without spaces or '='",
            ));
        } else if !env_names.insert(e.name.clone()) {
            out.push(problem(
                format!("env[{i}].name"),
                "this name is already used",
            ));
        }
    }
    if let Some(s) = &spec.storage {
        if !is_dns_label(&s.claim_name) {
            out.push(problem("storage.claimName", DNS_LABEL_MSG));
        }
        if !s.storage_class.is_empty() && !is_dns_subdomain(&s.storage_class) {
            out.push(problem(
                "storage.storageClass",
                "must be a lowercase RFC 1123 subdomain",
            ));
        }
        if ![
            "ReadWriteOnce",
            "ReadOnlyMany",
            "ReadWriteMany",
            "ReadWriteOncePod",
        ]
        .contains(&s.access_mode.as_str())
        {
            out.push(problem(
                "storage.accessMode",
                "must be ReadWriteOnce, ReadOnlyMany, ReadWriteMany or ReadWriteOncePod",
            ));
        }
        let positive = crate::kinds::statefulset::metrics::memory_bytes(s.size.trim())
            .is_some_and(|b| b > 0.0);
        if !is_quantity(&s.size) || !positive {
            out.push(problem(
                "storage.size",
                "a positive quantity, for example 10Gi",
            ));
        }
        if !s.mount_path.starts_with('/') {
            out.push(problem(
                "storage.mountPath",
                "an absolute path, for example /data",
            ));
        }
    }
    for (part, r) in [("requests", &spec.requests), ("limits", &spec.limits)] {
        for (res, q) in [("cpu", &r.cpu), ("memory", &r.memory)] {
            if !q.is_empty() && !is_quantity(q) {
                out.push(problem(
                    format!("{part}.{res}"),
                    "a quantity, for example 500m or 1Gi",
                ));
            }
        }
    }
    match &spec.readiness {
        Some(ProbeSpec::HttpGet { path, port }) => {
            if !path.starts_with('/') {
                out.push(problem(
                    "readiness.path",
                    "an absolute path, for example /healthz",
                ));
            }
            if !port_ok(*port) {
                out.push(problem("readiness.port", "must be between 1 and 65535"));
            }
        }
        Some(ProbeSpec::Tcp { port }) if !port_ok(*port) => {
            out.push(problem("readiness.port", "must be between 1 and 65535"));
        }
        _ => {}
    }
    if out.is_empty() {
        // the edit checks of the built object (request ≤ limit, labels, ...), mapped to the form
        let (_, sts) = build(spec);
        for mut p in check_statefulset(&sts, None) {
            let f = p.field.clone().unwrap_or_default();
            let prefix = "spec.template.spec.containers[0].resources.";
            p.field = Some(match f.strip_prefix(prefix) {
                Some(rest) => rest.to_string(),
                None => f,
            });
            out.push(p);
        }
    }
    out
}
