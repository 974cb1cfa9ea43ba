//! API semantics through kube-rs: concurrency, patches, apply, dry run, RBAC, validation,
//! selectors, pagination, watches.
mod common;

use std::time::Duration;

use common::{client_for, eventually, namespace, start, sts_json};
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::authorization::v1::SelfSubjectAccessReview;
use k8s_openapi::api::core::v1::{ConfigMap, Pod};
use kube::api::{
    Api, DeleteParams, ListParams, Patch, PatchParams, PostParams, WatchEvent, WatchParams,
};
use serde_json::json;

fn cm(name: &str, labels: serde_json::Value) -> ConfigMap {
    serde_json::from_value(
        json!({"metadata": {"name": name, "labels": labels}, "data": {"k": "v"}}),
    )
    .unwrap()
}

struct ApiErr {
    code: u16,
    reason: String,
    message: String,
}

fn api_err(e: kube::Error) -> ApiErr {
    match e {
        kube::Error::Api(s) => ApiErr {
            message: s.message.clone(),
            reason: s.reason.clone(),
            code: s.code,
        },
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn stale_update_is_a_409_conflict_and_replace_works() {
    let c = start().await;
    let ns = namespace(&c.client, "conflict").await;
    let api: Api<ConfigMap> = Api::namespaced(c.client.clone(), &ns);
    let orig = api
        .create(&PostParams::default(), &cm("a", json!({})))
        .await
        .unwrap();
    let mut fresh = orig.clone();
    fresh.data.as_mut().unwrap().insert("k".into(), "v2".into());
    let updated = api
        .replace("a", &PostParams::default(), &fresh)
        .await
        .unwrap();
    assert_ne!(
        updated.metadata.resource_version,
        orig.metadata.resource_version
    );
    let mut stale = orig.clone();
    stale.data.as_mut().unwrap().insert("k".into(), "v3".into());
    let e = api_err(
        api.replace("a", &PostParams::default(), &stale)
            .await
            .unwrap_err(),
    );
    assert_eq!(e.code, 409);
    assert_eq!(e.reason, "Conflict");
    assert_eq!(e.message, "Operation cannot be fulfilled on configmaps \"a\": the object has been modified; please apply your changes to the latest version and try again");
    assert_eq!(api.get("a").await.unwrap().data.unwrap()["k"], "v2");
    // Creating it again: AlreadyExists.
    let e = api_err(
        api.create(&PostParams::default(), &cm("a", json!({})))
            .await
            .unwrap_err(),
    );
    assert_eq!((e.code, e.reason.as_str()), (409, "AlreadyExists"));
    let e = api_err(api.get("nope").await.unwrap_err());
    assert_eq!(
        (e.code, e.message.as_str()),
        (404, "configmaps \"nope\" not found")
    );
}

#[tokio::test]
async fn every_patch_type_works() {
    let c = start().await;
    let ns = namespace(&c.client, "patch").await;
    let api: Api<StatefulSet> = Api::namespaced(c.client.clone(), &ns);
    api.create(
        &PostParams::default(),
        &serde_json::from_value(sts_json("p", 1, "Parallel")).unwrap(),
    )
    .await
    .unwrap();
    let pp = PatchParams::default();
    let s = api
        .patch(
            "p",
            &pp,
            &Patch::Merge(json!({"metadata": {"labels": {"tier": "db"}}})),
        )
        .await
        .unwrap();
    assert_eq!(s.metadata.labels.unwrap()["tier"], "db");
    assert_eq!(
        s.metadata.generation,
        Some(1),
        "metadata changes do not bump generation"
    );
    let jp: json_patch::Patch =
        serde_json::from_value(json!([{"op": "replace", "path": "/spec/replicas", "value": 2}]))
            .unwrap();
    let s = api.patch("p", &pp, &Patch::<()>::Json(jp)).await.unwrap();
    assert_eq!(s.spec.unwrap().replicas, Some(2));
    assert_eq!(s.metadata.generation, Some(2));
    let s = api
        .patch("p", &pp, &Patch::Strategic(json!({"spec": {"template": {"spec": {"containers": [{"name": "main", "env": [{"name": "B", "value": "2"}]}]}}}})))
        .await
        .unwrap();
    let env = s.spec.unwrap().template.spec.unwrap().containers[0]
        .env
        .clone()
        .unwrap();
    // Merged by name; without `$setElementOrder` the new item goes before the server's (what
    // apimachinery's strategic merge patch does, in every version).
    assert_eq!(
        env.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        ["B", "A"],
        "env merged by name"
    );
    // replicas is owned by the manager of the earlier JSON patch: a plain apply conflicts.
    let ap = PatchParams::apply("ordinal-test");
    let body = json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "p"}, "spec": {"replicas": 3}});
    assert_eq!(
        api_err(api.patch("p", &ap, &Patch::Apply(body)).await.unwrap_err()).code,
        409
    );
    let ap = PatchParams::apply("ordinal-test").force();
    let s = api.patch("p", &ap, &Patch::Apply(json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "p"}, "spec": {"replicas": 3}}))).await.unwrap();
    assert_eq!(s.spec.unwrap().replicas, Some(3));
    assert!(s
        .metadata
        .managed_fields
        .unwrap()
        .iter()
        .any(|m| m.manager.as_deref() == Some("ordinal-test")
            && m.operation.as_deref() == Some("Apply")));
    // A JSON patch test op that fails is a 422 and changes nothing.
    let bad: json_patch::Patch =
        serde_json::from_value(json!([{"op": "test", "path": "/spec/replicas", "value": 9}]))
            .unwrap();
    assert_eq!(
        api_err(
            api.patch("p", &pp, &Patch::<()>::Json(bad))
                .await
                .unwrap_err()
        )
        .code,
        422
    );
    // Scale subresource.
    let sc = api.get_scale("p").await.unwrap();
    assert_eq!(sc.spec.unwrap().replicas, Some(3));
    api.patch_scale("p", &pp, &Patch::Merge(json!({"spec": {"replicas": 1}})))
        .await
        .unwrap();
    assert_eq!(api.get("p").await.unwrap().spec.unwrap().replicas, Some(1));
    // Status subresource ignores spec.
    let st = api
        .patch_status(
            "p",
            &pp,
            &Patch::Merge(json!({"spec": {"replicas": 7}, "status": {"collisionCount": 0}})),
        )
        .await
        .unwrap();
    assert_eq!(st.spec.unwrap().replicas, Some(1));
}

#[tokio::test]
async fn server_side_apply_conflicts_unless_forced() {
    let c = start().await;
    let ns = namespace(&c.client, "ssa").await;
    let api: Api<ConfigMap> = Api::namespaced(c.client.clone(), &ns);
    let obj = |v: &str| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "shared"}, "data": {"owner": v}});
    api.patch(
        "shared",
        &PatchParams::apply("alice"),
        &Patch::Apply(obj("alice")),
    )
    .await
    .unwrap();
    let e = api_err(
        api.patch(
            "shared",
            &PatchParams::apply("bob"),
            &Patch::Apply(obj("bob")),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(e.code, 409);
    assert_eq!(
        e.message,
        "Apply failed with 1 conflict: conflict with \"alice\": .data.owner"
    );
    assert_eq!(
        api.get("shared").await.unwrap().data.unwrap()["owner"],
        "alice"
    );
    let forced = api
        .patch(
            "shared",
            &PatchParams::apply("bob").force(),
            &Patch::Apply(obj("bob")),
        )
        .await
        .unwrap();
    assert_eq!(forced.data.unwrap()["owner"], "bob");
    // Now alice conflicts with bob.
    let e = api_err(
        api.patch(
            "shared",
            &PatchParams::apply("alice"),
            &Patch::Apply(obj("alice")),
        )
        .await
        .unwrap_err(),
    );
    assert!(e.message.contains("conflict with \"bob\""), "{}", e.message);
    // A manager that updated (not applied) the field is named with its API version.
    api.patch(
        "shared",
        &PatchParams {
            field_manager: Some("carol".into()),
            ..Default::default()
        },
        &Patch::Merge(json!({"data": {"owner": "carol"}})),
    )
    .await
    .unwrap();
    let e = api_err(
        api.patch(
            "shared",
            &PatchParams::apply("bob"),
            &Patch::Apply(obj("bob")),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(
        e.message,
        "Apply failed with 1 conflict: conflict with \"carol\" using v1: .data.owner"
    );
}

#[tokio::test]
async fn dry_run_validates_but_stores_nothing() {
    let c = start().await;
    let ns = namespace(&c.client, "dryrun").await;
    let api: Api<ConfigMap> = Api::namespaced(c.client.clone(), &ns);
    let out = api
        .create(
            &PostParams {
                dry_run: true,
                ..Default::default()
            },
            &cm("ghost", json!({})),
        )
        .await
        .unwrap();
    assert_eq!(out.metadata.name.as_deref(), Some("ghost"));
    assert!(api.get_opt("ghost").await.unwrap().is_none());
    let e = api_err(
        api.create(
            &PostParams {
                dry_run: true,
                ..Default::default()
            },
            &cm("Bad_Name", json!({})),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(e.code, 422);
    api.create(&PostParams::default(), &cm("real", json!({})))
        .await
        .unwrap();
    let pp = PatchParams {
        dry_run: true,
        ..Default::default()
    };
    let p = api
        .patch(
            "real",
            &pp,
            &Patch::Merge(json!({"data": {"k": "changed"}})),
        )
        .await
        .unwrap();
    assert_eq!(p.data.unwrap()["k"], "changed");
    assert_eq!(api.get("real").await.unwrap().data.unwrap()["k"], "v");
    api.delete(
        "real",
        &DeleteParams {
            dry_run: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(api.get_opt("real").await.unwrap().is_some());
}

#[tokio::test]
async fn immutable_statefulset_fields_are_422() {
    let c = start().await;
    let ns = namespace(&c.client, "immutable").await;
    let api: Api<StatefulSet> = Api::namespaced(c.client.clone(), &ns);
    api.create(
        &PostParams::default(),
        &serde_json::from_value(sts_json("im", 0, "OrderedReady")).unwrap(),
    )
    .await
    .unwrap();
    let e = api_err(
        api.patch(
            "im",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"serviceName": "other"}})),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!((e.code, e.reason.as_str()), (422, "Invalid"));
    // The list of updatable fields grows with the version (1.20: replicas, template and
    // updateStrategy); the frame is stable.
    assert!(
        e.message.starts_with(
            "StatefulSet.apps \"im\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', "
        ) && e.message.ends_with(" are forbidden"),
        "{}",
        e.message
    );
    if common::server_minor(&c.client).await >= 34 {
        assert_eq!(
            e.message,
            "StatefulSet.apps \"im\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
        );
    }
    // Selector must match template labels.
    let mut bad = sts_json("mismatch", 1, "OrderedReady");
    bad["spec"]["selector"] = json!({"matchLabels": {"app": "x"}});
    let e = api_err(
        api.create(
            &PostParams::default(),
            &serde_json::from_value(bad).unwrap(),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(e.code, 422);
    assert!(
        e.message
            .contains("spec.template.metadata.labels: Invalid value")
            && e.message
                .contains("`selector` does not match template `labels`"),
        "{}",
        e.message
    );
    // Namespace must exist.
    let other: Api<StatefulSet> = Api::namespaced(c.client.clone(), "no-such-ns");
    let e = api_err(
        other
            .create(
                &PostParams::default(),
                &serde_json::from_value(sts_json("x", 1, "Parallel")).unwrap(),
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (e.code, e.message.as_str()),
        (404, "namespaces \"no-such-ns\" not found")
    );
}

#[tokio::test]
async fn viewer_is_read_only_in_default() {
    let c = start().await;
    let ns = namespace(&c.client, "rbac").await;
    let admin: Api<StatefulSet> = Api::namespaced(c.client.clone(), &ns);
    admin
        .create(
            &PostParams::default(),
            &serde_json::from_value(sts_json("x", 0, "Parallel")).unwrap(),
        )
        .await
        .unwrap();
    let Some(viewer) = common::viewer_client(&c).await else {
        return common::skipped(
            "api_verbs: the viewer's refusals",
            "no viewer user for this cluster (set ORDINAL_TEST_VIEWER_KUBECONFIG)",
        );
    };
    let v: Api<StatefulSet> = Api::namespaced(viewer.clone(), &ns);
    let e = api_err(
        v.patch(
            "x",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 1}})),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(e.code, 403);
    assert_eq!(e.message, format!("statefulsets.apps \"x\" is forbidden: User \"viewer\" cannot patch resource \"statefulsets\" in API group \"apps\" in the namespace \"{ns}\""));
    let e = api_err(v.list(&ListParams::default()).await.unwrap_err());
    assert_eq!(e.code, 403);
    let d: Api<Pod> = Api::namespaced(viewer.clone(), "default");
    d.list(&ListParams::default())
        .await
        .expect("viewer may list pods in default");
    let e = api_err(
        d.delete("anything", &DeleteParams::default())
            .await
            .unwrap_err(),
    );
    assert_eq!(e.code, 403);
    // SelfSubjectAccessReview answers with the same rules.
    let ssar = |verb: &str, ns: &str| -> SelfSubjectAccessReview {
        serde_json::from_value(json!({"spec": {"resourceAttributes": {"verb": verb, "group": "apps", "resource": "statefulsets", "namespace": ns}}})).unwrap()
    };
    let reviews: Api<SelfSubjectAccessReview> = Api::all(viewer.clone());
    assert!(
        !reviews
            .create(&PostParams::default(), &ssar("patch", &ns))
            .await
            .unwrap()
            .status
            .unwrap()
            .allowed
    );
    assert!(
        reviews
            .create(&PostParams::default(), &ssar("list", "default"))
            .await
            .unwrap()
            .status
            .unwrap()
            .allowed
    );
    let admin_reviews: Api<SelfSubjectAccessReview> = Api::all(c.client.clone());
    assert!(
        admin_reviews
            .create(&PostParams::default(), &ssar("patch", &ns))
            .await
            .unwrap()
            .status
            .unwrap()
            .allowed
    );
    // exec credential plugin user is admin.
    if c.sim.is_none() {
        return common::skipped(
            "api_verbs: the exec credential user",
            "the exec credential plugin user exists only in the simulator's kubeconfig",
        );
    }
    let exec = client_for(&c.kubeconfig, Some("ordinal-sim-exec")).await;
    let e: Api<StatefulSet> = Api::namespaced(exec, &ns);
    e.patch(
        "x",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"labels": {"via": "exec"}}})),
    )
    .await
    .expect("exec user is admin");
}

#[tokio::test]
async fn label_selectors_field_selectors_and_pagination() {
    let c = start().await;
    let ns = namespace(&c.client, "select").await;
    let api: Api<ConfigMap> = Api::namespaced(c.client.clone(), &ns);
    for i in 0..7 {
        let tier = if i % 2 == 0 { "db" } else { "web" };
        let mut l = json!({"tier": tier, "idx": i.to_string()});
        if i == 0 {
            l["special"] = json!("yes");
        }
        api.create(&PostParams::default(), &cm(&format!("c{i}"), l))
            .await
            .unwrap();
    }
    let names = |items: Vec<ConfigMap>| -> Vec<String> {
        items.into_iter().filter_map(|c| c.metadata.name).collect()
    };
    let q = |s: &str| ListParams::default().labels(s);
    assert_eq!(
        names(api.list(&q("tier=db")).await.unwrap().items),
        ["c0", "c2", "c4", "c6"]
    );
    assert_eq!(
        names(api.list(&q("tier==web,idx!=1")).await.unwrap().items),
        ["c3", "c5"]
    );
    assert_eq!(
        names(api.list(&q("idx in (1,2)")).await.unwrap().items),
        ["c1", "c2"]
    );
    assert_eq!(
        names(api.list(&q("tier=db,idx notin (0,2)")).await.unwrap().items),
        ["c4", "c6"]
    );
    assert_eq!(names(api.list(&q("special")).await.unwrap().items), ["c0"]);
    // Six of the seven, and the namespace's kube-root-ca.crt (which has no labels).
    assert_eq!(api.list(&q("!special")).await.unwrap().items.len(), 7);
    assert_eq!(
        names(
            api.list(&ListParams::default().fields("metadata.name=c3"))
                .await
                .unwrap()
                .items
        ),
        ["c3"]
    );
    assert_eq!(
        api_err(api.list(&q("idx in 1")).await.unwrap_err()).code,
        400
    );
    // Pagination with limit + continue.
    let mut all = Vec::new();
    let mut lp = ListParams::default().limit(3);
    let mut pages = 0;
    loop {
        let page = api.list(&lp).await.unwrap();
        pages += 1;
        let cont = page.metadata.continue_.clone();
        if cont.is_some() {
            assert_eq!(page.items.len(), 3);
            assert!(page.metadata.remaining_item_count.is_some());
        }
        all.extend(names(page.items));
        match cont {
            Some(c) if !c.is_empty() => lp = lp.continue_token(&c),
            _ => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(
        all,
        ["c0", "c1", "c2", "c3", "c4", "c5", "c6", common::ROOT_CA]
    );
}

#[tokio::test]
async fn watch_resume_and_410_gone() {
    let c = start().await;
    let ns = namespace(&c.client, "watch").await;
    let api: Api<ConfigMap> = Api::namespaced(c.client.clone(), &ns);
    let list = api.list(&ListParams::default()).await.unwrap();
    let rv0 = list.metadata.resource_version.unwrap();
    api.create(&PostParams::default(), &cm("w1", json!({"a": "b"})))
        .await
        .unwrap();
    api.patch(
        "w1",
        &PatchParams::default(),
        &Patch::Merge(json!({"data": {"k": "2"}})),
    )
    .await
    .unwrap();
    api.delete("w1", &DeleteParams::default()).await.unwrap();
    // Resume from rv0: the three events are replayed in order.
    let stream = api
        .watch(&WatchParams::default().timeout(2), &rv0)
        .await
        .unwrap();
    let evs: Vec<WatchEvent<ConfigMap>> = stream.take(3).try_collect().await.unwrap();
    let kinds: Vec<&str> = evs
        .iter()
        .map(|e| match e {
            WatchEvent::Added(_) => "ADDED",
            WatchEvent::Modified(_) => "MODIFIED",
            WatchEvent::Deleted(_) => "DELETED",
            WatchEvent::Bookmark(_) => "BOOKMARK",
            WatchEvent::Error(_) => "ERROR",
        })
        .collect();
    assert_eq!(kinds, ["ADDED", "MODIFIED", "DELETED"]);
    // Label-filtered watch sees only matching objects.
    let Some(sim) = &c.sim else {
        return common::skipped(
            "api_verbs::watch_resume_and_410_gone: 410 Gone after compaction",
            "needs the simulator's compaction control (a real server compacts on its own schedule)",
        );
    };
    sim.faults().compact();
    let mut stream = api
        .watch(&WatchParams::default().timeout(2), &rv0)
        .await
        .unwrap()
        .boxed();
    match stream.try_next().await.unwrap() {
        Some(WatchEvent::Error(e)) => {
            assert_eq!(e.code, 410);
            assert_eq!(e.reason, "Expired");
            assert!(
                e.message.starts_with("too old resource version"),
                "{}",
                e.message
            );
        }
        other => panic!("expected 410 ERROR event, got {other:?}"),
    }
    // kube-rs's watcher recovers from 410 by relisting.
    let w = kube::runtime::watcher(api.clone(), Default::default());
    let mut w = w.boxed();
    let api2 = api.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        api2.create(&PostParams::default(), &cm("after", json!({})))
            .await
            .unwrap();
    });
    let got = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(ev) = w.try_next().await.unwrap() {
            if let kube::runtime::watcher::Event::Apply(o)
            | kube::runtime::watcher::Event::InitApply(o) = ev
            {
                if o.metadata.name.as_deref() == Some("after") {
                    return true;
                }
            }
        }
        false
    })
    .await
    .unwrap_or(false);
    assert!(got);
}

#[tokio::test]
async fn watch_label_filter_and_bookmarks() {
    let c = start().await;
    let ns = namespace(&c.client, "wfilter").await;
    let api: Api<ConfigMap> = Api::namespaced(c.client.clone(), &ns);
    let rv = api
        .list(&ListParams::default())
        .await
        .unwrap()
        .metadata
        .resource_version
        .unwrap();
    let stream = api
        .watch(&WatchParams::default().labels("pick=me").timeout(3), &rv)
        .await
        .unwrap();
    api.create(&PostParams::default(), &cm("skip", json!({"pick": "no"})))
        .await
        .unwrap();
    api.create(&PostParams::default(), &cm("take", json!({"pick": "me"})))
        .await
        .unwrap();
    // Relabel "take" so it leaves the selection → DELETED for this watcher.
    api.patch(
        "take",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"labels": {"pick": "no"}}})),
    )
    .await
    .unwrap();
    let evs: Vec<WatchEvent<ConfigMap>> = stream.try_collect().await.unwrap();
    let non_bm: Vec<String> = evs
        .iter()
        .filter_map(|e| match e {
            WatchEvent::Added(o) => Some(format!("+{}", o.metadata.name.clone().unwrap())),
            WatchEvent::Modified(o) => Some(format!("~{}", o.metadata.name.clone().unwrap())),
            WatchEvent::Deleted(o) => Some(format!("-{}", o.metadata.name.clone().unwrap())),
            _ => None,
        })
        .collect();
    assert_eq!(non_bm, ["+take", "-take"]);
    if c.sim.is_some() {
        assert!(
            evs.iter().any(|e| matches!(e, WatchEvent::Bookmark(_))),
            "bookmarks requested"
        );
    }
}

#[tokio::test]
async fn delete_with_propagation_policies() {
    let c = start().await;
    let ns = namespace(&c.client, "gc").await;
    let sts: Api<StatefulSet> = Api::namespaced(c.client.clone(), &ns);
    let pods: Api<Pod> = Api::namespaced(c.client.clone(), &ns);
    for n in ["fg", "orphan"] {
        sts.create(
            &PostParams::default(),
            &serde_json::from_value(sts_json(n, 2, "Parallel")).unwrap(),
        )
        .await
        .unwrap();
    }
    for n in ["fg", "orphan"] {
        eventually(Duration::from_secs(20), || async {
            (sts.get(n).await.ok()?.status?.ready_replicas == Some(2)).then_some(())
        })
        .await
        .expect("ready");
    }
    sts.delete("orphan", &DeleteParams::orphan()).await.unwrap();
    eventually(Duration::from_secs(10), || async {
        sts.get_opt("orphan").await.ok()?.is_none().then_some(())
    })
    .await
    .expect("orphan sts deleted");
    let left = pods
        .list(&ListParams::default().labels("app=orphan"))
        .await
        .unwrap()
        .items;
    assert_eq!(left.len(), 2, "orphaned pods survive");
    assert!(left.iter().all(|p| p
        .metadata
        .owner_references
        .as_ref()
        .map(|r| r.is_empty())
        .unwrap_or(true)));
    let r = sts.delete("fg", &DeleteParams::foreground()).await.unwrap();
    if let either::Either::Left(s) = r {
        assert!(s.metadata.deletion_timestamp.is_some());
        assert!(s
            .metadata
            .finalizers
            .unwrap_or_default()
            .contains(&"foregroundDeletion".to_string()));
    }
    eventually(Duration::from_secs(10), || async {
        sts.get_opt("fg").await.ok()?.is_none().then_some(())
    })
    .await
    .expect("foreground sts deleted");
    assert!(
        pods.list(&ListParams::default().labels("app=fg"))
            .await
            .unwrap()
            .items
            .is_empty(),
        "dependents gone before owner"
    );
}

#[tokio::test]
async fn delete_collection_by_label() {
    let c = start().await;
    let ns = namespace(&c.client, "delcol").await;
    let api: Api<ConfigMap> = Api::namespaced(c.client.clone(), &ns);
    for (n, t) in [("a", "x"), ("b", "x"), ("c", "y")] {
        api.create(&PostParams::default(), &cm(n, json!({"t": t})))
            .await
            .unwrap();
    }
    api.delete_collection(
        &DeleteParams::default(),
        &ListParams::default().labels("t=x"),
    )
    .await
    .unwrap();
    let left: Vec<String> = api
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter_map(|c| c.metadata.name)
        .collect();
    assert_eq!(left, ["c", common::ROOT_CA]);
}
