//! The Environment tab: each container's env vars and envFrom sources, as references.
//!
//! Secret values are never part of the view model: [`reveal_secret_value`] returns one key's
//! decoded value on an explicit click, held in [`Sensitive`] until it is handed to IPC.
//! ConfigMap values are fetched the same way on click ([`config_map_value`]): the detail does not
//! watch every ConfigMap of the namespace just for this tab, and a value read on click is current.

use k8s_openapi::api::core::v1::{ConfigMap, Container, PodSpec, Secret};
use kube::Api;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::cluster::ClusterError;
use crate::error::{Classify, ErrorCode, IpcError};
use crate::sensitive::Sensitive;

/// Where an env var's value comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum EnvSource {
    /// `value:` written in the spec (may be empty).
    Literal {
        value: String,
    },
    ConfigMapKey {
        name: String,
        key: String,
        optional: bool,
    },
    /// A reference only: the value is fetched on click by `reveal_secret_value`.
    SecretKey {
        name: String,
        key: String,
        optional: bool,
    },
    Field {
        field_path: String,
    },
    ResourceField {
        resource: String,
        container_name: Option<String>,
        divisor: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EnvVarView {
    pub name: String,
    pub source: EnvSource,
}

/// One `envFrom` entry: every key of a ConfigMap or Secret, with an optional prefix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EnvFromView {
    /// `configMap` or `secret`.
    pub kind: String,
    pub name: String,
    pub prefix: Option<String>,
    pub optional: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ContainerEnvView {
    pub name: String,
    /// An init container (`spec.template.spec.initContainers`).
    pub init: bool,
    /// Index in `containers` or `initContainers` (the edit form addresses the container by it).
    pub index: u32,
    pub env: Vec<EnvVarView>,
    pub env_from: Vec<EnvFromView>,
}

fn env_var(v: &k8s_openapi::api::core::v1::EnvVar) -> EnvVarView {
    let from = v.value_from.as_ref();
    let source = if let Some(r) = from.and_then(|f| f.config_map_key_ref.as_ref()) {
        EnvSource::ConfigMapKey {
            name: r.name.clone(),
            key: r.key.clone(),
            optional: r.optional.unwrap_or(false),
        }
    } else if let Some(r) = from.and_then(|f| f.secret_key_ref.as_ref()) {
        EnvSource::SecretKey {
            name: r.name.clone(),
            key: r.key.clone(),
            optional: r.optional.unwrap_or(false),
        }
    } else if let Some(r) = from.and_then(|f| f.field_ref.as_ref()) {
        EnvSource::Field {
            field_path: r.field_path.clone(),
        }
    } else if let Some(r) = from.and_then(|f| f.resource_field_ref.as_ref()) {
        EnvSource::ResourceField {
            resource: r.resource.clone(),
            container_name: r.container_name.clone(),
            divisor: r.divisor.as_ref().map(|q| q.0.clone()),
        }
    } else {
        EnvSource::Literal {
            value: v.value.clone().unwrap_or_default(),
        }
    };
    EnvVarView {
        name: v.name.clone(),
        source,
    }
}

fn container(c: &Container, init: bool, index: usize) -> ContainerEnvView {
    ContainerEnvView {
        name: c.name.clone(),
        init,
        index: index as u32,
        env: c.env.iter().flatten().map(env_var).collect(),
        env_from: c
            .env_from
            .iter()
            .flatten()
            .filter_map(|f| {
                let (kind, name, optional) = if let Some(r) = &f.config_map_ref {
                    ("configMap", r.name.clone(), r.optional)
                } else if let Some(r) = &f.secret_ref {
                    ("secret", r.name.clone(), r.optional)
                } else {
                    return None;
                };
                Some(EnvFromView {
                    kind: kind.into(),
                    name,
                    prefix: f.prefix.clone().filter(|p| !p.is_empty()),
                    optional: optional.unwrap_or(false),
                })
            })
            .collect(),
    }
}

/// Init containers first (they run first), then the app containers.
pub fn containers(spec: Option<&PodSpec>) -> Vec<ContainerEnvView> {
    let Some(spec) = spec else {
        return Vec::new();
    };
    spec.init_containers
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, c)| container(c, true, i))
        .chain(
            spec.containers
                .iter()
                .enumerate()
                .map(|(i, c)| container(c, false, i)),
        )
        .collect()
}

fn read_error(e: &kube::Error, kind: &str, namespace: &str, name: &str) -> IpcError {
    match e {
        kube::Error::Api(s) if s.code == 403 => IpcError::new(
            ErrorCode::Forbidden,
            format!("forbidden: get {kind}s in namespace {namespace}"),
        )
        .with_detail(s.message.clone()),
        kube::Error::Api(s) if s.code == 404 => IpcError::new(
            ErrorCode::NotFound,
            format!("{kind} {namespace}/{name} does not exist"),
        ),
        e => ClusterError::from_kube(e).to_ipc(),
    }
}

fn missing_key(kind: &str, namespace: &str, name: &str, key: &str) -> IpcError {
    IpcError::new(
        ErrorCode::NotFound,
        format!("{kind} {namespace}/{name} has no key {key:?}"),
    )
}

/// One key of a Secret, decoded (`data` is base64 on the wire; kube decodes it). Non-UTF-8
/// bytes are replaced. The value stays in [`Sensitive`] until the caller exposes it for IPC.
pub async fn reveal_secret_value(
    client: kube::Client,
    namespace: &str,
    secret: &str,
    key: &str,
) -> Result<Sensitive<String>, IpcError> {
    let api: Api<Secret> = Api::namespaced(client, namespace);
    let s = api
        .get(secret)
        .await
        .map_err(|e| read_error(&e, "secret", namespace, secret))?;
    if let Some(b) = s.data.as_ref().and_then(|d| d.get(key)) {
        return Ok(Sensitive::new(String::from_utf8_lossy(&b.0).into_owned()));
    }
    if let Some(v) = s.string_data.as_ref().and_then(|d| d.get(key)) {
        return Ok(Sensitive::new(v.clone()));
    }
    Err(missing_key("secret", namespace, secret, key))
}

/// One key of a ConfigMap (`data`, or `binaryData` shown as UTF-8 with replacements).
pub async fn config_map_value(
    client: kube::Client,
    namespace: &str,
    config_map: &str,
    key: &str,
) -> Result<String, IpcError> {
    let api: Api<ConfigMap> = Api::namespaced(client, namespace);
    let cm = api
        .get(config_map)
        .await
        .map_err(|e| read_error(&e, "configmap", namespace, config_map))?;
    if let Some(v) = cm.data.as_ref().and_then(|d| d.get(key)) {
        return Ok(v.clone());
    }
    if let Some(b) = cm.binary_data.as_ref().and_then(|d| d.get(key)) {
        return Ok(String::from_utf8_lossy(&b.0).into_owned());
    }
    Err(missing_key("configmap", namespace, config_map, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_kind_is_a_reference_and_init_containers_come_first() {
        let spec: PodSpec = serde_json::from_value(serde_json::json!({
            "initContainers": [{"name": "init", "image": "busybox", "env": [{"name": "A", "value": "1"}]}],
            "containers": [{
                "name": "main", "image": "nginx",
                "env": [
                    {"name": "LIT", "value": "x"},
                    {"name": "EMPTY"},
                    {"name": "CM", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "k"}}},
                    {"name": "SEC", "valueFrom": {"secretKeyRef": {"name": "s", "key": "password", "optional": true}}},
                    {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                    {"name": "MEM", "valueFrom": {"resourceFieldRef": {"resource": "limits.memory", "divisor": "1Mi"}}}
                ],
                "envFrom": [{"configMapRef": {"name": "cfg"}, "prefix": "CFG_"}, {"secretRef": {"name": "s"}}]
            }]
        }))
        .unwrap();
        let c = containers(Some(&spec));
        assert_eq!(c.len(), 2);
        assert!(c[0].init && c[0].name == "init" && c[0].index == 0);
        let m = &c[1];
        assert!(!m.init && m.index == 0);
        let sources: Vec<_> = m.env.iter().map(|e| e.source.clone()).collect();
        assert_eq!(
            sources,
            vec![
                EnvSource::Literal { value: "x".into() },
                EnvSource::Literal { value: "".into() },
                EnvSource::ConfigMapKey {
                    name: "cfg".into(),
                    key: "k".into(),
                    optional: false
                },
                EnvSource::SecretKey {
                    name: "s".into(),
                    key: "password".into(),
                    optional: true
                },
                EnvSource::Field {
                    field_path: "metadata.name".into()
                },
                EnvSource::ResourceField {
                    resource: "limits.memory".into(),
                    container_name: None,
                    divisor: Some("1Mi".into())
                },
            ]
        );
        assert_eq!(m.env_from.len(), 2);
        assert_eq!(m.env_from[0].prefix.as_deref(), Some("CFG_"));
        assert_eq!(m.env_from[1].kind, "secret");
        let json = serde_json::to_value(&m.env[3]).unwrap();
        assert_eq!(json["source"]["type"], "secretKey");
        assert_eq!(json["source"]["key"], "password");
        assert_eq!(json["name"], "SEC");
        assert!(json["source"].get("value").is_none());
    }
}
