//! The Environment tab against a cluster (simulator, or `ORDINAL_TEST_KUBECONFIG`): env vars
//! and envFrom appear in the live detail as references (never a secret's value), one secret key
//! is revealed on request, missing secrets/keys and RBAC refusals are clear errors, and a literal
//! env var added or changed through plan/apply (what the tab's form does; a value another
//! manager set is a conflict until forced) shows up in the detail.

#[path = "cluster_harness.rs"]
mod harness;

use std::time::Duration;

use futures::StreamExt;
use harness::{sts_json, TestCluster, TestNamespace};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::api::{Api, ApiResource, PostParams};
use ordinal_core::edit::{self, ApplyOutcome, EditTarget};
use ordinal_core::kinds::env::{self, EnvSource};
use ordinal_core::kinds::statefulset::detail as statefulset_detail;
use ordinal_core::kinds::statefulset::StatefulSetDetail;
use ordinal_core::{ErrorCode, IpcError};

const CANARY: &str = "canary-env-secret-7f3a";

async fn until(
    stream: &mut (impl futures::Stream<Item = Result<StatefulSetDetail, IpcError>> + Unpin),
    ok: impl Fn(&StatefulSetDetail) -> bool,
) -> StatefulSetDetail {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        match tokio::time::timeout_at(deadline, stream.next()).await {
            Ok(Some(Ok(d))) if ok(&d) => return d,
            Ok(Some(Ok(_))) => {}
            other => panic!("detail stream: {other:?}"),
        }
    }
}

#[tokio::test]
async fn env_references_reveal_errors_and_literal_edit() {
    let c = TestCluster::empty().await;
    let client = c.client().await;
    let ns = TestNamespace::new(&client, "env").await;
    let pp = PostParams::default();
    Api::<Secret>::namespaced(client.clone(), &ns.name)
        .create(
            &pp,
            &serde_json::from_value(serde_json::json!({
                "metadata": {"name": "db-creds"},
                "stringData": {"password": CANARY}
            }))
            .unwrap(),
        )
        .await
        .unwrap();
    Api::<ConfigMap>::namespaced(client.clone(), &ns.name)
        .create(
            &pp,
            &serde_json::from_value(serde_json::json!({
                "metadata": {"name": "cfg"},
                "data": {"mode": "fast"}
            }))
            .unwrap(),
        )
        .await
        .unwrap();
    let mut sts = sts_json("web", 1);
    sts["spec"]["template"]["spec"]["initContainers"] = serde_json::json!([{"name": "init", "image": "busybox", "env": [{"name": "STEP", "value": "1"}]}]);
    sts["spec"]["template"]["spec"]["containers"][0]["env"] = serde_json::json!([
        {"name": "LEVEL", "value": "debug"},
        {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db-creds", "key": "password"}}},
        {"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "mode"}}},
        {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}
    ]);
    sts["spec"]["template"]["spec"]["containers"][0]["envFrom"] =
        serde_json::json!([{"configMapRef": {"name": "cfg"}, "prefix": "CFG_"}]);
    let api: Api<StatefulSet> = Api::namespaced(client.clone(), &ns.name);
    api.create(&pp, &serde_json::from_value(sts).unwrap())
        .await
        .unwrap();

    // The detail lists every container's env as references; the secret's value is nowhere in it.
    let mut stream = Box::pin(statefulset_detail::watch(
        client.clone(),
        c.features().await,
        c.context.clone(),
        ns.name.clone(),
        "web".into(),
    ));
    let d = until(&mut stream, |d| d.containers.len() == 2).await;
    assert!(d.containers[0].init && d.containers[0].name == "init");
    let main = &d.containers[1];
    assert_eq!(main.env.len(), 4);
    assert_eq!(
        main.env[1].source,
        EnvSource::SecretKey {
            name: "db-creds".into(),
            key: "password".into(),
            optional: false
        }
    );
    assert_eq!(main.env_from[0].prefix.as_deref(), Some("CFG_"));
    let json = serde_json::to_string(&d).unwrap();
    assert!(
        !json.contains(CANARY),
        "a secret value leaked into the detail"
    );

    // Reveal: one key, decoded; clear errors for a missing key or secret.
    let v = env::reveal_secret_value(client.clone(), &ns.name, "db-creds", "password")
        .await
        .unwrap();
    assert_eq!(v.expose(), CANARY);
    assert_eq!(format!("{v:?}"), "<redacted>");
    let e = env::reveal_secret_value(client.clone(), &ns.name, "db-creds", "nope")
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert!(e.message.contains("has no key \"nope\""), "{e:?}");
    let e = env::reveal_secret_value(client.clone(), &ns.name, "absent", "password")
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert_eq!(
        e.message,
        format!("secret {}/absent does not exist", ns.name)
    );
    assert_eq!(
        env::config_map_value(client.clone(), &ns.name, "cfg", "mode")
            .await
            .unwrap(),
        "fast"
    );

    // RBAC: the simulator's viewer may not read this namespace.
    if let Some(viewer) = c.viewer.clone() {
        let viewer = kube::Client::try_from(c.config(&viewer).await).unwrap();
        let e = env::reveal_secret_value(viewer, &ns.name, "db-creds", "password")
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        assert_eq!(
            e.message,
            format!("forbidden: get secrets in namespace {}", ns.name)
        );
        assert!(!format!("{e:?}").contains(CANARY));
    } else {
        harness::skipped(
            "env: the Forbidden case",
            "no viewer context (set ORDINAL_TEST_VIEWER_KUBECONFIG)",
        );
    }

    // The form's edit: change a literal in the object's YAML, plan (diff), apply.
    let ar = ApiResource::erase::<StatefulSet>(&());
    let target = EditTarget {
        context: c.context.clone(),
        kind: "statefulsets".into(),
        namespace: ns.name.clone(),
        name: "web".into(),
    };
    // Adding a var nobody owns: a plain diff, applied without force.
    let text = edit::read(client.clone(), &ar, &ns.name, "web")
        .await
        .unwrap();
    let mut v: serde_json::Value = serde_saphyr::from_str(&text.yaml).unwrap();
    v["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"name": "TZ", "value": "UTC"}));
    let yaml = serde_saphyr::to_string(&v).unwrap();
    match edit::plan(client.clone(), &ar, &target, &text.yaml, &yaml)
        .await
        .unwrap()
    {
        ApplyOutcome::Changes { diff, .. } => {
            assert!(diff
                .iter()
                .any(|l| l.kind == "add" && l.text.trim() == "value: UTC"));
        }
        other => panic!("expected a diff, got {other:?}"),
    }
    let applied = edit::apply(client.clone(), &ar, &target, &text.yaml, &yaml, false)
        .await
        .unwrap();
    assert!(
        matches!(applied, ApplyOutcome::Changes { .. }),
        "{applied:?}"
    );

    // Changing a value the creator set: a conflict naming that env var, applied only by force.
    let text = edit::read(client.clone(), &ar, &ns.name, "web")
        .await
        .unwrap();
    let mut v: serde_json::Value = serde_saphyr::from_str(&text.yaml).unwrap();
    v["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"] = "info".into();
    let yaml = serde_saphyr::to_string(&v).unwrap();
    match edit::plan(client.clone(), &ar, &target, &text.yaml, &yaml)
        .await
        .unwrap()
    {
        ApplyOutcome::Conflicts {
            conflicts, forced, ..
        } => {
            assert!(
                conflicts[0].field.contains("env[name=\"LEVEL\"].value"),
                "{conflicts:?}"
            );
            assert!(forced
                .iter()
                .any(|l| l.kind == "add" && l.text.trim() == "value: info"));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let applied = edit::apply(client.clone(), &ar, &target, &text.yaml, &yaml, true)
        .await
        .unwrap();
    assert!(
        matches!(applied, ApplyOutcome::Changes { .. }),
        "{applied:?}"
    );
    let d = until(&mut stream, |d| {
        d.containers[1].env[0].source
            == EnvSource::Literal {
                value: "info".into(),
            }
            && d.containers[1].env.len() == 5
    })
    .await;
    assert_eq!(d.containers[1].env[4].name, "TZ");
    drop(stream);
    ns.delete().await;
}
