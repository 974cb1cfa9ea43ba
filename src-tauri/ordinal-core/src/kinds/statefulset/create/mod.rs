//! Creating a StatefulSet from a form: the StatefulSet and, unless an existing one is picked, its
//! headless governing Service (`clusterIP: None`, selector `app: <name>`, the same ports).
//!
//! - [`validate`]: local checks per form field (DNS-1123 names, ports 1–65535, quantities,
//!   request ≤ limit, probe ports), plus the edit checks of the built object; nothing is sent
//!   when any fails.
//! - [`plan`]: the objects as YAML and a server dry run (`dryRun=All`) of both creates.
//! - [`create`]: the Service first, then the StatefulSet; when the StatefulSet is refused, the
//!   Service created here is deleted again so nothing is left half-made.
//!
//! The form's checks are in `validate.rs`, the objects it builds in `build.rs`; this file has the
//! form's types and the calls to the server.

mod build;
mod validate;

pub use build::build;
pub use validate::validate;

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Service;
use kube::api::{Api, DeleteParams, PostParams};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::cluster::ClusterError;
use crate::edit::{invalid_problems, EditProblem, FIELD_MANAGER};
use crate::error::{Classify, ErrorCode, IpcError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PortSpec {
    /// Optional for one port; required (and unique) when there are several.
    pub name: String,
    pub port: i32,
    /// `TCP`, `UDP` or `SCTP`.
    pub protocol: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EnvLiteral {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StorageSpec {
    pub claim_name: String,
    /// Empty: the cluster's default class.
    pub storage_class: String,
    pub access_mode: String,
    pub size: String,
    pub mount_path: String,
}

/// CPU and memory quantities; empty means not set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ResourceSpec {
    pub cpu: String,
    pub memory: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ProbeSpec {
    HttpGet { path: String, port: i32 },
    Tcp { port: i32 },
}

/// The Create StatefulSet form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CreateSpec {
    pub context: String,
    pub namespace: String,
    pub name: String,
    pub image: String,
    pub replicas: i32,
    pub ports: Vec<PortSpec>,
    pub env: Vec<EnvLiteral>,
    pub storage: Option<StorageSpec>,
    pub requests: ResourceSpec,
    pub limits: ResourceSpec,
    pub readiness: Option<ProbeSpec>,
    /// Use this existing headless Service instead of creating one.
    pub existing_service: Option<String>,
}

/// What creating would make (YAML of each object) and what stands in the way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CreatePlan {
    /// The Service to create; `None` when an existing one is used.
    pub service_yaml: Option<String>,
    pub statefulset_yaml: String,
    /// Per form field (`name`, `ports[0].port`, `storage.size`, ...) or server field. Empty: the
    /// server's dry run accepted both objects.
    pub problems: Vec<EditProblem>,
}

/// What was created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CreateResult {
    pub namespace: String,
    pub name: String,
    pub service: String,
    /// The Service was created by this call (not an existing one).
    pub service_created: bool,
}

fn problem(field: impl Into<String>, message: impl Into<String>) -> EditProblem {
    EditProblem {
        field: Some(field.into()),
        line: None,
        column: None,
        message: message.into(),
    }
}

fn service_name(spec: &CreateSpec) -> String {
    spec.existing_service
        .clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| spec.name.clone())
}
fn to_yaml(v: &Value) -> String {
    serde_saphyr::to_string(v).expect("a JSON value always serialises to YAML")
}

fn ipc(e: &kube::Error) -> IpcError {
    ClusterError::from_kube(e).to_ipc()
}

/// A refused create as problems (422/400/409), or `Err` for anything else.
fn refused(e: kube::Error, what: &str) -> Result<Vec<EditProblem>, IpcError> {
    match e {
        kube::Error::Api(s) if s.code == 409 => Ok(vec![problem(
            if what == "Service" {
                "existingService"
            } else {
                "name"
            },
            format!("{what}: {}", s.message),
        )]),
        kube::Error::Api(s) if s.code == 422 || s.code == 400 => {
            // Without causes the server's message stands alone: say which object it is about.
            let has_causes = s.details.as_ref().is_some_and(|d| !d.causes.is_empty());
            Ok(invalid_problems(&s)
                .into_iter()
                .map(|p| EditProblem {
                    field: p.field.as_ref().map(|f| format!("{what}.{f}")),
                    message: if has_causes {
                        p.message
                    } else {
                        format!("{what}: {}", p.message)
                    },
                    ..p
                })
                .collect())
        }
        e => Err(ipc(&e)),
    }
}

/// The existing Service must exist, be headless and select the pods (`app: <name>`).
async fn check_existing(
    client: &kube::Client,
    spec: &CreateSpec,
) -> Result<Vec<EditProblem>, IpcError> {
    let Some(name) = spec.existing_service.as_deref().filter(|s| !s.is_empty()) else {
        return Ok(Vec::new());
    };
    let api: Api<Service> = Api::namespaced(client.clone(), &spec.namespace);
    let svc = match api.get_opt(name).await.map_err(|e| ipc(&e))? {
        Some(s) => s,
        None => {
            return Ok(vec![problem(
                "existingService",
                format!("service {}/{name} does not exist", spec.namespace),
            )])
        }
    };
    let s = svc.spec.unwrap_or_default();
    let mut out = Vec::new();
    if s.cluster_ip.as_deref() != Some("None") {
        out.push(problem(
            "existingService",
            format!("service {name} is not headless (clusterIP is not None): pods would get no stable DNS names"),
        ));
    }
    let selects = s.selector.as_ref().is_some_and(|sel| {
        !sel.is_empty() && sel.iter().all(|(k, v)| k == "app" && *v == spec.name)
    });
    if !selects {
        out.push(problem(
            "existingService",
            format!(
                "service {name}'s selector does not match the pods' labels (app={})",
                spec.name
            ),
        ));
    }
    Ok(out)
}

fn post(dry_run: bool) -> PostParams {
    PostParams {
        dry_run,
        field_manager: Some(FIELD_MANAGER.into()),
    }
}

/// The objects as YAML, local problems, the existing Service's check, then a server dry run of
/// both creates (only when everything local passed).
pub async fn plan(client: kube::Client, spec: &CreateSpec) -> Result<CreatePlan, IpcError> {
    let (svc, sts) = build(spec);
    let mut out = CreatePlan {
        service_yaml: svc.as_ref().map(to_yaml),
        statefulset_yaml: to_yaml(&sts),
        problems: validate(spec),
    };
    if !out.problems.is_empty() {
        return Ok(out);
    }
    out.problems = check_existing(&client, spec).await?;
    if let Some(svc) = &svc {
        let api: Api<Service> = Api::namespaced(client.clone(), &spec.namespace);
        let svc: Service =
            serde_json::from_value(svc.clone()).map_err(|e| IpcError::internal(e.to_string()))?;
        if let Err(e) = api.create(&post(true), &svc).await {
            out.problems.extend(refused(e, "Service")?);
        }
    }
    let api: Api<StatefulSet> = Api::namespaced(client, &spec.namespace);
    let sts: StatefulSet =
        serde_json::from_value(sts).map_err(|e| IpcError::internal(e.to_string()))?;
    if let Err(e) = api.create(&post(true), &sts).await {
        out.problems.extend(refused(e, "StatefulSet")?);
    }
    Ok(out)
}

fn invalid(problems: &[EditProblem]) -> IpcError {
    let text: Vec<String> = problems
        .iter()
        .map(|p| match &p.field {
            Some(f) => format!("{f}: {}", p.message),
            None => p.message.clone(),
        })
        .collect();
    IpcError::new(ErrorCode::Invalid, text.join("; "))
}

/// Creates the Service (unless an existing one is used), then the StatefulSet. When the
/// StatefulSet is refused, a Service created here is deleted again.
pub async fn create(client: kube::Client, spec: &CreateSpec) -> Result<CreateResult, IpcError> {
    let problems = validate(spec);
    if !problems.is_empty() {
        return Err(invalid(&problems));
    }
    let problems = check_existing(&client, spec).await?;
    if !problems.is_empty() {
        return Err(invalid(&problems));
    }
    let (svc, sts) = build(spec);
    let svc_api: Api<Service> = Api::namespaced(client.clone(), &spec.namespace);
    let mut created_service = false;
    if let Some(svc) = svc {
        let svc: Service =
            serde_json::from_value(svc).map_err(|e| IpcError::internal(e.to_string()))?;
        svc_api
            .create(&post(false), &svc)
            .await
            .map_err(|e| with_what(&e, "service"))?;
        created_service = true;
    }
    let api: Api<StatefulSet> = Api::namespaced(client, &spec.namespace);
    let sts: StatefulSet =
        serde_json::from_value(sts).map_err(|e| IpcError::internal(e.to_string()))?;
    if let Err(e) = api.create(&post(false), &sts).await {
        let err = with_what(&e, "statefulset");
        if created_service {
            let name = service_name(spec);
            if let Err(d) = svc_api.delete(&name, &DeleteParams::default()).await {
                return Err(err.with_detail(format!(
                    "the service {name} created for it could not be deleted: {}",
                    ipc(&d).message
                )));
            }
        }
        return Err(err);
    }
    Ok(CreateResult {
        namespace: spec.namespace.clone(),
        name: spec.name.clone(),
        service: service_name(spec),
        service_created: created_service,
    })
}

fn with_what(e: &kube::Error, what: &str) -> IpcError {
    let mut err = ipc(e);
    err.message = format!("creating the {what}: {}", err.message);
    err
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    pub fn spec() -> CreateSpec {
        CreateSpec {
            context: "c".into(),
            namespace: "db".into(),
            name: "web".into(),
            image: "nginx:1.27".into(),
            replicas: 3,
            ports: vec![PortSpec {
                name: "http".into(),
                port: 80,
                protocol: "TCP".into(),
            }],
            env: vec![EnvLiteral {
                name: "MODE".into(),
                value: "fast".into(),
            }],
            storage: Some(StorageSpec {
                claim_name: "data".into(),
                storage_class: "".into(),
                access_mode: "ReadWriteOnce".into(),
                size: "1Gi".into(),
                mount_path: "/data".into(),
            }),
            requests: ResourceSpec {
                cpu: "100m".into(),
                memory: "128Mi".into(),
            },
            limits: ResourceSpec {
                cpu: "500m".into(),
                memory: "256Mi".into(),
            },
            readiness: Some(ProbeSpec::HttpGet {
                path: "/".into(),
                port: 80,
            }),
            existing_service: None,
        }
    }

    #[test]
    fn builds_a_headless_service_with_the_same_selector_and_ports() {
        let s = spec();
        assert_eq!(validate(&s), vec![]);
        let (svc, sts) = build(&s);
        let svc = svc.unwrap();
        assert_eq!(svc["spec"]["clusterIP"], "None");
        assert_eq!(svc["spec"]["publishNotReadyAddresses"], false);
        assert_eq!(svc["spec"]["selector"], json!({"app": "web"}));
        assert_eq!(
            sts["spec"]["selector"]["matchLabels"],
            json!({"app": "web"})
        );
        assert_eq!(sts["spec"]["serviceName"], "web");
        assert_eq!(svc["spec"]["ports"][0]["port"], 80);
        let c = &sts["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(c["ports"][0]["containerPort"], 80);
        assert_eq!(c["env"][0], json!({"name": "MODE", "value": "fast"}));
        assert_eq!(c["volumeMounts"][0]["mountPath"], "/data");
        assert_eq!(c["readinessProbe"]["httpGet"]["port"], 80);
        assert_eq!(
            sts["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"],
            "1Gi"
        );
        let existing = CreateSpec {
            existing_service: Some("shared".into()),
            ..spec()
        };
        let (svc, sts) = build(&existing);
        assert!(svc.is_none());
        assert_eq!(sts["spec"]["serviceName"], "shared");
    }

    #[test]
    fn reports_each_bad_field() {
        let mut s = spec();
        s.name = "Web_1".into();
        s.ports.push(PortSpec {
            name: "".into(),
            port: 70000,
            protocol: "HTTP".into(),
        });
        s.storage.as_mut().unwrap().size = "lots".into();
        s.requests.cpu = "2".into();
        s.readiness = Some(ProbeSpec::Tcp { port: 0 });
        let fields: Vec<String> = validate(&s).into_iter().filter_map(|p| p.field).collect();
        for f in [
            "name",
            "ports[1].port",
            "ports[1].protocol",
            "ports[1].name",
            "storage.size",
            "readiness.port",
        ] {
            assert!(fields.contains(&f.to_string()), "{f} missing in {fields:?}");
        }
        // request > limit is found once everything else is fine
        let mut s = spec();
        s.requests.cpu = "2".into();
        let p = validate(&s);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].field.as_deref(), Some("requests.cpu"));
    }
}
