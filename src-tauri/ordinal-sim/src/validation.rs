//! Defaulting and validation like the real API server (422 Invalid with field causes).

use serde_json::{json, Value};

use crate::resources::{idx, ResourceDef};

#[derive(Debug, thiserror::Error)]
pub enum ValidationError {
    /// (cause type, message, field path)
    #[error("{} validation error(s)", .0.len())]
    Invalid(Vec<(String, String, String)>),
}

type Causes = Vec<(String, String, String)>;

const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

pub fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

pub fn is_dns_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_dns_label)
}

fn invalid(c: &mut Causes, field: &str, value: &Value, msg: &str) {
    let shown = match value {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    };
    c.push((
        "FieldValueInvalid".into(),
        format!("Invalid value: {shown}: {msg}"),
        field.into(),
    ));
}

fn required(c: &mut Causes, field: &str, msg: &str) {
    let m = if msg.is_empty() {
        "Required value".to_string()
    } else {
        format!("Required value: {msg}")
    };
    c.push(("FieldValueRequired".into(), m, field.into()));
}

fn forbidden(c: &mut Causes, field: &str, msg: &str) {
    c.push((
        "FieldValueForbidden".into(),
        format!("Forbidden: {msg}"),
        field.into(),
    ));
}

fn label_name_kind(res: usize) -> bool {
    matches!(res, idx::NAMESPACES | idx::SERVICES | idx::STATEFULSETS)
}

/// Fill defaults the real API server would fill.
pub fn apply_defaults(res: usize, obj: &mut Value) {
    match res {
        idx::STATEFULSETS => {
            let spec = ensure_obj(obj, "spec");
            spec.entry("replicas").or_insert(json!(1));
            spec.entry("podManagementPolicy")
                .or_insert(json!("OrderedReady"));
            spec.entry("revisionHistoryLimit").or_insert(json!(10));
            let us = spec
                .entry("updateStrategy")
                .or_insert(json!({"type": "RollingUpdate"}));
            if !us.is_object() {
                *us = json!({"type": "RollingUpdate"});
            }
            if us.get("type").is_none() {
                us["type"] = json!("RollingUpdate");
            }
            if us.get("type") == Some(&json!("RollingUpdate")) && us.get("rollingUpdate").is_none()
            {
                us["rollingUpdate"] = json!({"partition": 0});
            }
            if let Some(ru) = us.get_mut("rollingUpdate").and_then(Value::as_object_mut) {
                ru.entry("partition").or_insert(json!(0));
            }
            let p = spec
                .entry("persistentVolumeClaimRetentionPolicy")
                .or_insert(json!({}));
            if let Some(p) = p.as_object_mut() {
                p.entry("whenDeleted").or_insert(json!("Retain"));
                p.entry("whenScaled").or_insert(json!("Retain"));
            }
            if let Some(t) = spec.get_mut("template") {
                default_pod_spec(t.get_mut("spec"));
            }
            if let Some(vcts) = spec
                .get_mut("volumeClaimTemplates")
                .and_then(Value::as_array_mut)
            {
                for v in vcts {
                    if let Some(o) = v.as_object_mut() {
                        o.entry("apiVersion").or_insert(json!("v1"));
                        o.entry("kind").or_insert(json!("PersistentVolumeClaim"));
                        if let Some(s) = o.get_mut("spec").and_then(Value::as_object_mut) {
                            s.entry("volumeMode").or_insert(json!("Filesystem"));
                        }
                        o.entry("status").or_insert(json!({"phase": "Pending"}));
                    }
                }
            }
        }
        idx::PODS => {
            default_pod_spec(obj.get_mut("spec"));
            if let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) {
                spec.entry("enableServiceLinks").or_insert(json!(true));
            }
            let qos = qos_class(obj.get("spec"));
            let st = ensure_obj(obj, "status");
            st.entry("phase").or_insert(json!("Pending"));
            st.entry("qosClass").or_insert(json!(qos));
        }
        idx::SERVICES => {
            let spec = ensure_obj(obj, "spec");
            spec.entry("type").or_insert(json!("ClusterIP"));
            spec.entry("sessionAffinity").or_insert(json!("None"));
            if let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
                for p in ports {
                    if let Some(o) = p.as_object_mut() {
                        o.entry("protocol").or_insert(json!("TCP"));
                        if let Some(port) = o.get("port").cloned() {
                            o.entry("targetPort").or_insert(port);
                        }
                    }
                }
            }
        }
        idx::PVCS => {
            let spec = ensure_obj(obj, "spec");
            spec.entry("volumeMode").or_insert(json!("Filesystem"));
            let st = ensure_obj(obj, "status");
            st.entry("phase").or_insert(json!("Pending"));
        }
        idx::NAMESPACES => {
            let spec = ensure_obj(obj, "spec");
            spec.entry("finalizers").or_insert(json!(["kubernetes"]));
            let st = ensure_obj(obj, "status");
            st.entry("phase").or_insert(json!("Active"));
            let name = obj
                .pointer("/metadata/name")
                .cloned()
                .unwrap_or(Value::Null);
            let labels = ensure_obj(ensure_meta(obj), "labels");
            labels.entry("kubernetes.io/metadata.name").or_insert(name);
        }
        idx::SECRETS => {
            if let Some(o) = obj.as_object_mut() {
                o.entry("type").or_insert(json!("Opaque"));
                // stringData is write-only: merged into data (base64) like the real server.
                if let Some(Value::Object(sd)) = o.remove("stringData") {
                    use base64::Engine;
                    let data = o.entry("data").or_insert(json!({}));
                    for (k, v) in sd {
                        let enc = base64::engine::general_purpose::STANDARD
                            .encode(v.as_str().unwrap_or("").as_bytes());
                        data[k] = json!(enc);
                    }
                }
            }
        }
        _ => {}
    }
}

/// What the default admission plugins add to a new Pod (ServiceAccount, Priority,
/// DefaultTolerationSeconds): after defaulting, so not in managedFields.
pub fn admit_pod(obj: &mut Value) {
    let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    let sa = spec
        .get("serviceAccountName")
        .or_else(|| spec.get("serviceAccount"))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or("default")
        .to_string();
    spec.insert("serviceAccountName".into(), json!(sa));
    spec.insert("serviceAccount".into(), json!(sa));
    spec.entry("priority").or_insert(json!(0));
    spec.entry("preemptionPolicy")
        .or_insert(json!("PreemptLowerPriority"));
    let tols = spec.entry("tolerations").or_insert(json!([]));
    if let Some(a) = tols.as_array_mut() {
        for key in [
            "node.kubernetes.io/not-ready",
            "node.kubernetes.io/unreachable",
        ] {
            let has = a.iter().any(|t| {
                t.get("key").and_then(Value::as_str) == Some(key)
                    && matches!(
                        t.get("effect").and_then(Value::as_str),
                        None | Some("NoExecute")
                    )
            });
            if !has {
                a.push(json!({"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}));
            }
        }
    }
}

fn ensure_meta(obj: &mut Value) -> &mut Value {
    if !obj.get("metadata").map(Value::is_object).unwrap_or(false) {
        obj["metadata"] = json!({});
    }
    &mut obj["metadata"]
}

fn ensure_obj<'a>(obj: &'a mut Value, key: &str) -> &'a mut serde_json::Map<String, Value> {
    if !obj.get(key).map(Value::is_object).unwrap_or(false) {
        obj[key] = json!({});
    }
    match obj.get_mut(key) {
        Some(Value::Object(m)) => m,
        // unreachable: just ensured above; return a detached map rather than panic.
        _ => Box::leak(Box::new(serde_json::Map::new())),
    }
}

/// Guaranteed when every container's cpu and memory limits equal its requests, BestEffort when
/// no container asks for anything, Burstable otherwise.
fn qos_class(spec: Option<&Value>) -> &'static str {
    let cs = spec
        .and_then(|s| s.get("containers"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut any = false;
    let mut guaranteed = !cs.is_empty();
    for c in &cs {
        let req = c.pointer("/resources/requests").and_then(Value::as_object);
        let lim = c.pointer("/resources/limits").and_then(Value::as_object);
        if req.map(|m| !m.is_empty()).unwrap_or(false)
            || lim.map(|m| !m.is_empty()).unwrap_or(false)
        {
            any = true;
        }
        for r in ["cpu", "memory"] {
            let l = lim.and_then(|m| m.get(r));
            let q = req.and_then(|m| m.get(r)).or(l);
            if l.is_none() || q != l {
                guaranteed = false;
            }
        }
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

fn default_pod_spec(spec: Option<&mut Value>) {
    let Some(spec) = spec.and_then(Value::as_object_mut) else {
        return;
    };
    spec.entry("restartPolicy").or_insert(json!("Always"));
    spec.entry("terminationGracePeriodSeconds")
        .or_insert(json!(30));
    spec.entry("dnsPolicy").or_insert(json!("ClusterFirst"));
    spec.entry("schedulerName")
        .or_insert(json!("default-scheduler"));
    spec.entry("securityContext").or_insert(json!({}));
    if let Some(cs) = spec.get_mut("containers").and_then(Value::as_array_mut) {
        for c in cs {
            if let Some(o) = c.as_object_mut() {
                let latest = o
                    .get("image")
                    .and_then(Value::as_str)
                    .map(|i| !i.contains(':') || i.ends_with(":latest"))
                    .unwrap_or(false);
                o.entry("imagePullPolicy").or_insert(json!(if latest {
                    "Always"
                } else {
                    "IfNotPresent"
                }));
                o.entry("terminationMessagePath")
                    .or_insert(json!("/dev/termination-log"));
                o.entry("terminationMessagePolicy").or_insert(json!("File"));
                o.entry("resources").or_insert(json!({}));
                if let Some(ports) = o.get_mut("ports").and_then(Value::as_array_mut) {
                    for p in ports {
                        if let Some(p) = p.as_object_mut() {
                            p.entry("protocol").or_insert(json!("TCP"));
                        }
                    }
                }
            }
        }
    }
}

/// Validate an object for create (old = None) or update.
pub fn validate(
    res: usize,
    def: &ResourceDef,
    obj: &Value,
    old: Option<&Value>,
) -> Result<(), ValidationError> {
    let mut c: Causes = Vec::new();
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    if name.is_empty() {
        required(&mut c, "metadata.name", "name or generateName is required");
    } else if !def.is_virtual() {
        let ok = if label_name_kind(res) {
            is_dns_label(name)
        } else if res == idx::EVENTS || res == idx::EVENTS_V1 {
            true
        } else {
            is_dns_subdomain(name)
        };
        if !ok {
            invalid(
                &mut c,
                "metadata.name",
                &json!(name),
                if label_name_kind(res) {
                    LABEL_MSG
                } else {
                    SUBDOMAIN_MSG
                },
            );
        }
    }
    if let Some(labels) = obj.pointer("/metadata/labels").and_then(Value::as_object) {
        for (k, v) in labels {
            let vs = v.as_str().unwrap_or("");
            if vs.len() > 63
                || !vs
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || "-_.".contains(ch))
            {
                invalid(&mut c, "metadata.labels", &json!(vs), "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
            }
            if k.is_empty() {
                invalid(
                    &mut c,
                    "metadata.labels",
                    &json!(k),
                    "name part must be non-empty",
                );
            }
        }
    }
    match res {
        idx::STATEFULSETS => validate_sts(obj, old, &mut c),
        idx::PODS => {
            let cs = obj.pointer("/spec/containers").and_then(Value::as_array);
            if cs.map(|a| a.is_empty()).unwrap_or(true) {
                required(&mut c, "spec.containers", "");
            }
            if let (Some(old), Some(new_cs)) = (old, cs) {
                let strip = |v: &Value| -> Value {
                    let mut s = v.get("spec").cloned().unwrap_or(Value::Null);
                    if let Some(o) = s.as_object_mut() {
                        o.remove("activeDeadlineSeconds");
                        o.remove("tolerations");
                        o.remove("nodeName");
                        if let Some(cs) = o.get_mut("containers").and_then(Value::as_array_mut) {
                            for c in cs {
                                if let Some(c) = c.as_object_mut() {
                                    c.remove("image");
                                }
                            }
                        }
                    }
                    s
                };
                let _ = new_cs;
                if strip(obj) != strip(old) {
                    forbidden(&mut c, "spec", "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)");
                }
            }
        }
        idx::PVCS => {
            if let Some(old) = old {
                for (field, _, msg) in crate::storage::validate_update(old, obj) {
                    forbidden(&mut c, field, &msg);
                }
            }
            if obj.pointer("/spec/resources/requests/storage").is_none() && old.is_none() {
                required(&mut c, "spec.resources[storage]", "");
            }
            if obj
                .pointer("/spec/accessModes")
                .and_then(Value::as_array)
                .map(|a| a.is_empty())
                .unwrap_or(true)
                && old.is_none()
            {
                required(
                    &mut c,
                    "spec.accessModes",
                    "at least 1 access mode is required",
                );
            }
        }
        idx::SERVICES => {
            if let Some(ports) = obj.pointer("/spec/ports").and_then(Value::as_array) {
                for (i, p) in ports.iter().enumerate() {
                    let port = p.get("port").and_then(Value::as_i64).unwrap_or(0);
                    if !(1..=65535).contains(&port) {
                        invalid(
                            &mut c,
                            &format!("spec.ports[{i}].port"),
                            &json!(port),
                            "must be between 1 and 65535, inclusive",
                        );
                    }
                    // targetPort defaults to port, so an invalid port makes it invalid too.
                    if let Some(tp) = p.get("targetPort").and_then(Value::as_i64) {
                        if !(1..=65535).contains(&tp) {
                            invalid(
                                &mut c,
                                &format!("spec.ports[{i}].targetPort"),
                                &json!(tp),
                                "must be between 1 and 65535, inclusive",
                            );
                        }
                    }
                }
            }
        }
        _ => {}
    }
    if c.is_empty() {
        Ok(())
    } else {
        Err(ValidationError::Invalid(c))
    }
}

fn validate_sts(obj: &Value, old: Option<&Value>, c: &mut Causes) {
    let spec = obj.get("spec").cloned().unwrap_or(Value::Null);
    if let Some(r) = spec.get("replicas").and_then(Value::as_i64) {
        if r < 0 {
            invalid(
                c,
                "spec.replicas",
                &json!(r),
                "must be greater than or equal to 0",
            );
        }
    }
    match spec.get("podManagementPolicy").and_then(Value::as_str) {
        Some("OrderedReady") | Some("Parallel") | None => {}
        Some(other) => c.push((
            "FieldValueInvalid".into(),
            format!("Invalid value: \"{other}\": must be 'OrderedReady' or 'Parallel'"),
            "spec.podManagementPolicy".into(),
        )),
    }
    match spec.pointer("/updateStrategy/type").and_then(Value::as_str) {
        Some("RollingUpdate") | Some("OnDelete") | None => {}
        Some(other) => c.push((
            "FieldValueNotSupported".into(),
            format!(
                "Unsupported value: \"{other}\": supported values: \"OnDelete\", \"RollingUpdate\""
            ),
            "spec.updateStrategy.type".into(),
        )),
    }
    if let Some(p) = spec
        .pointer("/updateStrategy/rollingUpdate/partition")
        .and_then(Value::as_i64)
    {
        if p < 0 {
            invalid(
                c,
                "spec.updateStrategy.rollingUpdate.partition",
                &json!(p),
                "must be greater than or equal to 0",
            );
        }
    }
    let sel = spec.get("selector");
    let template_labels_shown = || {
        let labels = spec
            .pointer("/template/metadata/labels")
            .cloned()
            .unwrap_or(json!({}));
        let tl = crate::selector::labels_of(&json!({"metadata": {"labels": labels}}));
        format!(
            "map[string]string{{{}}}",
            tl.iter()
                .map(|(k, v)| format!("\"{k}\":\"{v}\""))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    match sel {
        None | Some(Value::Null) => {
            required(c, "spec.selector", "");
            // A missing selector matches nothing, so the template labels do not match it either.
            c.push((
                "FieldValueInvalid".into(),
                format!(
                    "Invalid value: {}: `selector` does not match template `labels`",
                    template_labels_shown()
                ),
                "spec.template.metadata.labels".into(),
            ));
        }
        Some(s) => {
            let ls = crate::selector::LabelSelector::from_json(s);
            if ls.is_empty() {
                invalid(
                    c,
                    "spec.selector",
                    s,
                    "empty selector is invalid for statefulset",
                );
            } else {
                let labels = spec
                    .pointer("/template/metadata/labels")
                    .cloned()
                    .unwrap_or(json!({}));
                let tl =
                    crate::selector::labels_of(&json!({"metadata": {"labels": labels.clone()}}));
                if !ls.matches_map(&tl) {
                    let shown = format!(
                        "map[string]string{{{}}}",
                        tl.iter()
                            .map(|(k, v)| format!("\"{k}\":\"{v}\""))
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                    c.push((
                        "FieldValueInvalid".into(),
                        format!(
                            "Invalid value: {shown}: `selector` does not match template `labels`"
                        ),
                        "spec.template.metadata.labels".into(),
                    ));
                }
            }
        }
    }
    if spec
        .pointer("/template/spec/containers")
        .and_then(Value::as_array)
        .map(|a| a.is_empty())
        .unwrap_or(true)
    {
        required(c, "spec.template.spec.containers", "");
    }
    if let Some(rp) = spec
        .pointer("/template/spec/restartPolicy")
        .and_then(Value::as_str)
    {
        if rp != "Always" {
            c.push((
                "FieldValueNotSupported".into(),
                format!("Unsupported value: \"{rp}\": supported values: \"Always\""),
                "spec.template.spec.restartPolicy".into(),
            ));
        }
    }
    if let Some(old) = old {
        let strip = |v: &Value| -> Value {
            let mut s = v.get("spec").cloned().unwrap_or(Value::Null);
            if let Some(o) = s.as_object_mut() {
                for k in [
                    "replicas",
                    "ordinals",
                    "template",
                    "updateStrategy",
                    "persistentVolumeClaimRetentionPolicy",
                    "minReadySeconds",
                ] {
                    o.remove(k);
                }
            }
            s
        };
        if strip(obj) != strip(old) {
            forbidden(c, "spec", "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_dns_label("web-0"));
        assert!(!is_dns_label("Web"));
        assert!(!is_dns_label("-a"));
        assert!(is_dns_subdomain("a.b-c"));
        assert!(!is_dns_subdomain("a..b"));
    }
}
