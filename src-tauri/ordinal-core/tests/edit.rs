//! YAML edits through server-side apply, against the simulator (or `ORDINAL_TEST_KUBECONFIG`):
//! a dry run shows the diff and writes nothing; a stale text is refused with the latest version;
//! fields owned by another manager are a conflict until forced; server validation is reported
//! per field; an edit that would address another object is refused before anything is sent.

#[path = "cluster_harness.rs"]
mod harness;

use harness::{sts_json, TestCluster, TestNamespace};
use k8s_openapi::api::apps::v1::StatefulSet;
use kube::api::{Api, ApiResource, Patch, PatchParams, PostParams};
use ordinal_core::edit::{self, ApplyOutcome, EditTarget, FIELD_MANAGER};

fn set_replicas(yaml: &str, n: i32) -> String {
    let mut v: serde_json::Value = serde_saphyr::from_str(yaml).unwrap();
    v["spec"]["replicas"] = n.into();
    serde_saphyr::to_string(&v).unwrap()
}

async fn replicas(api: &Api<StatefulSet>, name: &str) -> i32 {
    api.get(name).await.unwrap().spec.unwrap().replicas.unwrap()
}

/// A cluster with StatefulSet `pg` (from `obj`) created by field manager "creator", and the
/// edit target for it.
struct Setup {
    _c: TestCluster,
    client: kube::Client,
    ns: TestNamespace,
    api: Api<StatefulSet>,
    ar: ApiResource,
    target: EditTarget,
}

async fn setup(prefix: &str, obj: serde_json::Value) -> Setup {
    let c = TestCluster::empty().await;
    let client = c.client().await;
    let ns = TestNamespace::new(&client, prefix).await;
    let api: Api<StatefulSet> = Api::namespaced(client.clone(), &ns.name);
    let created_by = PostParams {
        field_manager: Some("creator".into()),
        ..Default::default()
    };
    api.create(&created_by, &serde_json::from_value(obj).unwrap())
        .await
        .unwrap();
    let target = EditTarget {
        context: c.context.clone(),
        kind: "statefulsets".into(),
        namespace: ns.name.clone(),
        name: "pg".into(),
    };
    Setup {
        _c: c,
        client,
        ns,
        api,
        ar: ApiResource::erase::<StatefulSet>(&()),
        target,
    }
}

#[tokio::test]
async fn dry_run_diff_stale_text_conflicts_force_and_validation() {
    let Setup {
        _c,
        client,
        ns,
        api,
        ar,
        target,
    } = setup("edit", sts_json("pg", 1)).await;

    // Read: the editable part, with the resourceVersion as the precondition.
    let text = edit::read(client.clone(), &ar, &ns.name, "pg")
        .await
        .unwrap();
    assert!(!text.yaml.contains("managedFields"), "{}", text.yaml);
    assert!(!text.yaml.contains("status:"), "{}", text.yaml);
    assert!(text.yaml.contains(&text.resource_version));

    // Dry run of a field nobody else set (a new label): the diff of exactly that, nothing written.
    let mut v: serde_json::Value = serde_saphyr::from_str(&text.yaml).unwrap();
    v["metadata"]["labels"]["team"] = "db".into();
    let labelled = serde_saphyr::to_string(&v).unwrap();
    match edit::plan(client.clone(), &ar, &target, &text.yaml, &labelled)
        .await
        .unwrap()
    {
        ApplyOutcome::Changes {
            diff,
            added,
            removed,
            resource_version,
        } => {
            assert_eq!((added, removed), (2, 0), "labels: + team: db: {diff:?}");
            assert!(diff
                .iter()
                .any(|l| l.kind == "add" && l.text.trim() == "team: db"));
            assert_eq!(resource_version, None);
        }
        other => panic!("expected a diff, got {other:?}"),
    }
    assert!(
        !api.get("pg")
            .await
            .unwrap()
            .metadata
            .labels
            .unwrap_or_default()
            .contains_key("team"),
        "a dry run writes nothing"
    );
    assert_eq!(
        edit::plan(client.clone(), &ar, &target, &text.yaml, &text.yaml)
            .await
            .unwrap(),
        ApplyOutcome::NoChange
    );

    // Replicas were set by the creator: changing them is a conflict that names it, with the
    // diff forcing would make; nothing is written until the user forces.
    let edited = set_replicas(&labelled, 2);
    match edit::plan(client.clone(), &ar, &target, &text.yaml, &edited)
        .await
        .unwrap()
    {
        ApplyOutcome::Conflicts {
            conflicts, forced, ..
        } => {
            assert_eq!(conflicts.len(), 1, "{conflicts:?}");
            assert_eq!(conflicts[0].manager, "creator");
            assert_eq!(conflicts[0].field, "spec.replicas");
            assert!(forced
                .iter()
                .any(|l| l.kind == "add" && l.text.trim() == "replicas: 2"));
            assert!(forced
                .iter()
                .any(|l| l.kind == "add" && l.text.trim() == "team: db"));
        }
        other => panic!("expected Conflicts, got {other:?}"),
    }
    assert!(matches!(
        edit::apply(client.clone(), &ar, &target, &text.yaml, &edited, false)
            .await
            .unwrap(),
        ApplyOutcome::Conflicts { .. }
    ));
    assert_eq!(replicas(&api, "pg").await, 1);
    let out = edit::apply(client.clone(), &ar, &target, &text.yaml, &edited, true)
        .await
        .unwrap();
    assert!(
        matches!(
            out,
            ApplyOutcome::Changes {
                resource_version: Some(_),
                ..
            }
        ),
        "{out:?}"
    );
    assert_eq!(replicas(&api, "pg").await, 2);
    let managers: Vec<String> = api
        .get("pg")
        .await
        .unwrap()
        .metadata
        .managed_fields
        .unwrap_or_default()
        .into_iter()
        .filter_map(|m| m.manager)
        .collect();
    assert!(managers.iter().any(|m| m == FIELD_MANAGER), "{managers:?}");

    // An edit of the first text: the object changed since (replicas 1 -> 2), so nothing is
    // applied, not even forced, and the latest version comes back with what changed.
    let stale = set_replicas(&text.yaml, 7);
    match edit::apply(client.clone(), &ar, &target, &text.yaml, &stale, true)
        .await
        .unwrap()
    {
        ApplyOutcome::Changed { latest, diff } => {
            assert!(latest.yaml.contains("replicas: 2"), "{}", latest.yaml);
            assert!(
                diff.iter()
                    .any(|l| l.kind == "add" && l.text.trim() == "replicas: 2"),
                "{diff:?}"
            );
        }
        other => panic!("expected Changed, got {other:?}"),
    }
    assert_eq!(
        replicas(&api, "pg").await,
        2,
        "a stale edit never overwrites"
    );

    // Status churn (a controller updating counts) is not a change to what the user edits.
    let current = edit::read(client.clone(), &ar, &ns.name, "pg")
        .await
        .unwrap();
    api.patch_status(
        "pg",
        &PatchParams::default(),
        &Patch::Merge(
            serde_json::json!({"status": {"observedGeneration": 99, "currentRevision": "x"}}),
        ),
    )
    .await
    .unwrap();
    let mut v: serde_json::Value = serde_saphyr::from_str(&current.yaml).unwrap();
    v["metadata"]["labels"]["team"] = "web".into();
    let relabel = serde_saphyr::to_string(&v).unwrap();
    let out = edit::apply(client.clone(), &ar, &target, &current.yaml, &relabel, false)
        .await
        .unwrap();
    assert!(matches!(out, ApplyOutcome::Changes { .. }), "{out:?}");

    // An immutable field: the server's validation, per field; nothing written.
    let latest = edit::read(client.clone(), &ar, &ns.name, "pg")
        .await
        .unwrap();
    let mut v: serde_json::Value = serde_saphyr::from_str(&latest.yaml).unwrap();
    v["spec"]["serviceName"] = "other".into();
    let bad = serde_saphyr::to_string(&v).unwrap();
    match edit::plan(client.clone(), &ar, &target, &latest.yaml, &bad)
        .await
        .unwrap()
    {
        ApplyOutcome::Invalid { problems } => {
            assert!(
                problems
                    .iter()
                    .any(|p| p.field.as_deref().is_some_and(|f| f.starts_with("spec"))),
                "{problems:?}"
            );
        }
        other => panic!("expected Invalid, got {other:?}"),
    }

    // Renaming in the text would address another object: refused locally.
    let renamed = latest.yaml.replace("name: pg", "name: pg2");
    match edit::apply(client.clone(), &ar, &target, &latest.yaml, &renamed, false)
        .await
        .unwrap()
    {
        ApplyOutcome::Invalid { problems } => {
            assert_eq!(problems[0].field.as_deref(), Some("metadata.name"))
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert!(api.get_opt("pg2").await.unwrap().is_none());
    ns.delete().await;
}

/// Deleting fields another manager also owns: a label and an env var the creator set. An apply
/// would keep them (and preview "no change"); the edit removes exactly them, reviewed first.
#[tokio::test]
async fn removing_fields_another_manager_owns_is_previewed_and_applied() {
    let mut obj = sts_json("pg", 1);
    obj["metadata"]["labels"] = serde_json::json!({"app": "pg", "team": "db"});
    obj["spec"]["template"]["spec"]["containers"][0]["env"] =
        serde_json::json!([{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]);
    let Setup {
        _c,
        client,
        ns,
        api,
        ar,
        target,
    } = setup("edit-rm", obj).await;
    // Ordinal co-owns everything after a first whole-object edit (here: replicas 1 → 2).
    let text = edit::read(client.clone(), &ar, &ns.name, "pg")
        .await
        .unwrap();
    let out = edit::apply(
        client.clone(),
        &ar,
        &target,
        &text.yaml,
        &set_replicas(&text.yaml, 2),
        true,
    )
    .await
    .unwrap();
    assert!(matches!(out, ApplyOutcome::Changes { .. }), "{out:?}");

    let text = edit::read(client.clone(), &ar, &ns.name, "pg")
        .await
        .unwrap();
    let mut v: serde_json::Value = serde_saphyr::from_str(&text.yaml).unwrap();
    v["metadata"]["labels"]
        .as_object_mut()
        .unwrap()
        .remove("team");
    v["spec"]["template"]["spec"]["containers"][0]["env"] =
        serde_json::json!([{"name": "B", "value": "2"}]);
    let dropped = serde_saphyr::to_string(&v).unwrap();
    match edit::plan(client.clone(), &ar, &target, &text.yaml, &dropped)
        .await
        .unwrap()
    {
        ApplyOutcome::Changes {
            diff,
            added,
            removed,
            ..
        } => {
            assert_eq!(added, 0, "{diff:?}");
            assert!(removed >= 3, "team, and env A's name and value: {diff:?}");
            assert!(diff
                .iter()
                .any(|l| l.kind == "remove" && l.text.trim() == "team: db"));
            assert!(diff
                .iter()
                .any(|l| l.kind == "remove" && l.text.trim() == "- name: A"));
        }
        other => panic!("expected the removals as a diff, got {other:?}"),
    }
    let live = api.get("pg").await.unwrap();
    assert!(
        live.metadata.labels.unwrap().contains_key("team"),
        "a dry run writes nothing"
    );

    let out = edit::apply(client.clone(), &ar, &target, &text.yaml, &dropped, false)
        .await
        .unwrap();
    assert!(matches!(out, ApplyOutcome::Changes { .. }), "{out:?}");
    let live = api.get("pg").await.unwrap();
    assert!(!live.metadata.labels.as_ref().unwrap().contains_key("team"));
    assert_eq!(live.metadata.labels.unwrap()["app"], "pg");
    let env = live.spec.unwrap().template.spec.unwrap().containers[0]
        .env
        .clone()
        .unwrap();
    assert_eq!(
        env.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        ["B"]
    );

    // The same text again, now stale (the object moved on): refused with the latest version.
    match edit::apply(client.clone(), &ar, &target, &text.yaml, &dropped, false)
        .await
        .unwrap()
    {
        ApplyOutcome::Changed { .. } => {}
        other => panic!("expected Changed for a stale text, got {other:?}"),
    }
    ns.delete().await;
}

/// A field the server does not know (minReadySeconds before Kubernetes 1.23) is named in the
/// review instead of "applying" into nothing; a server that has it shows it in the diff.
#[tokio::test]
async fn a_field_the_server_would_drop_is_named_before_anything_is_written() {
    let Setup {
        _c,
        client,
        ns,
        api,
        ar,
        target,
    } = setup("edit-unknown", sts_json("pg", 1)).await;
    let features = _c.features().await;
    let text = edit::read(client.clone(), &ar, &ns.name, "pg")
        .await
        .unwrap();
    let mut v: serde_json::Value = serde_saphyr::from_str(&text.yaml).unwrap();
    v["spec"]["minReadySeconds"] = 5.into();
    let edited = serde_saphyr::to_string(&v).unwrap();
    let out = edit::plan(client.clone(), &ar, &target, &text.yaml, &edited)
        .await
        .unwrap();
    if features.sts_min_ready_seconds {
        match out {
            ApplyOutcome::Changes { diff, .. } => assert!(
                diff.iter().any(|l| l.text.contains("minReadySeconds: 5")),
                "{diff:?}"
            ),
            other => panic!("expected a diff, got {other:?}"),
        }
    } else {
        match out {
            ApplyOutcome::Invalid { problems } => {
                assert_eq!(problems[0].field.as_deref(), Some("spec.minReadySeconds"));
                assert!(problems[0].message.contains("not known to this server"));
            }
            other => panic!("expected the dropped field named, got {other:?}"),
        }
    }
    let sts = api.get("pg").await.unwrap();
    assert_eq!(
        sts.metadata.resource_version.as_deref(),
        Some(text.resource_version.as_str()),
        "nothing written"
    );
    ns.delete().await;
}

/// The editor's schema comes from the server's own OpenAPI document: the StatefulSet's fields
/// with types and descriptions, IntOrString marked, maps with their value schema.
#[tokio::test]
async fn the_editor_schema_is_the_servers_openapi_for_the_kind() {
    let c = TestCluster::empty().await;
    let client = c.client().await;
    let s = edit::schema::fetch(&client, &ApiResource::erase::<StatefulSet>(&()))
        .await
        .unwrap();
    let def = |name: &str| &s.definitions[name];
    let props = |name: &str| def(name).properties.clone().unwrap_or_default();
    let target = |node: &edit::schema::SchemaNode| node.r#ref.clone().unwrap();

    assert_eq!(s.root, "io.k8s.api.apps.v1.StatefulSet");
    let spec = target(&props(&s.root)["spec"]);
    let spec_props = props(&spec);
    assert_eq!(spec_props["replicas"].r#type.as_deref(), Some("integer"));
    assert!(
        spec_props["replicas"]
            .description
            .as_deref()
            .is_some_and(|d| d.to_lowercase().contains("replicas")),
        "{:?}",
        spec_props["replicas"]
    );
    for field in [
        "serviceName",
        "template",
        "volumeClaimTemplates",
        "podManagementPolicy",
    ] {
        assert!(spec_props.contains_key(field), "spec lacks {field}");
    }
    assert_eq!(
        spec_props["volumeClaimTemplates"].r#type.as_deref(),
        Some("array")
    );
    // Labels are a map of strings.
    let meta = target(&props(&s.root)["metadata"]);
    let labels = &props(&meta)["labels"];
    assert_eq!(
        labels
            .additional_properties
            .as_ref()
            .and_then(|v| v.r#type.clone())
            .as_deref(),
        Some("string")
    );
    // A probe's port is an IntOrString.
    assert!(
        s.definitions
            .iter()
            .any(|(n, d)| n.ends_with("IntOrString") && d.int_or_string),
        "no IntOrString among {:?}",
        s.definitions.keys().collect::<Vec<_>>()
    );
    // Only what the kind reaches (no Pod list, no unrelated kinds).
    assert!(!s.definitions.contains_key("io.k8s.api.core.v1.PodList"));
}

/// Servers since 1.25 publish the allowed values of enum fields, which the editor completes; 1.20
/// publishes none (then completion offers field names only).
#[tokio::test]
async fn the_editor_schema_carries_the_enums_the_server_publishes() {
    let c = TestCluster::empty().await;
    if c.features().await.minor.is_some_and(|m| m < 25) {
        return harness::skipped(
            "edit::the_editor_schema_carries_the_enums_the_server_publishes",
            "enum values in OpenAPI v2 need Kubernetes 1.25+",
        );
    }
    let client = c.client().await;
    let s = edit::schema::fetch(&client, &ApiResource::erase::<StatefulSet>(&()))
        .await
        .unwrap();
    let spec = &s.definitions["io.k8s.api.apps.v1.StatefulSetSpec"];
    let policy = &spec.properties.as_ref().unwrap()["podManagementPolicy"];
    assert_eq!(
        policy.r#enum.as_deref(),
        Some(&["OrderedReady".to_string(), "Parallel".to_string()][..])
    );
}
