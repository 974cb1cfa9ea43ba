//! Offline edits: only the holding file changes, conflicts are detected, writes are backed up
//! and undoable, unknown fields survive, and kubectl reads what we write.

mod common;

use common::{assert_same_as_kubectl, Fixture};
use ordinal_core::error::{Classify, ErrorCode};
use ordinal_core::kubeconfig::{self as kc, EditEnv, EntryKind, RenameMap};

const MAIN: &str = r#"apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod-cluster
  cluster:
    server: https://prod.example:6443
    certificate-authority: ca.crt
    x-vendor-field: keep-me
    extensions:
    - name: vendor.example.com/meta
      extension: {region: eu-west-1, tags: [a, b]}
- name: shared-cluster
  cluster:
    server: https://shared
contexts:
- name: prod
  context:
    cluster: prod-cluster
    user: prod-user
    namespace: default
    x-context-field: 7
- name: other
  context:
    cluster: shared-cluster
    user: shared-user
users:
- name: prod-user
  user:
    client-certificate: client.crt
    client-key: client.key
- name: shared-user
  user:
    token: shared-token
x-top-level: {kept: true}
"#;

const SECOND: &str = r#"apiVersion: v1
kind: Config
contexts:
- name: staging
  context:
    cluster: shared-cluster
    user: shared-user
    namespace: web
- name: dev
  context:
    cluster: dev-cluster
    user: dev-user
clusters:
- name: dev-cluster
  cluster: {server: "https://dev"}
users:
- name: dev-user
  user: {token: dev-token}
"#;

fn setup() -> (Fixture, EditEnv) {
    let fx = Fixture::new();
    fx.write("main/config", MAIN);
    fx.write(
        "main/ca.crt",
        "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n",
    );
    fx.write(
        "main/client.crt",
        "-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n",
    );
    fx.write(
        "main/client.key",
        "-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n",
    );
    fx.write("second/config", SECOND);
    let env = EditEnv::new(fx.path("backups"));
    (fx, env)
}

const FILES: [&str; 2] = ["main/config", "second/config"];

fn read(fx: &Fixture, rel: &str) -> String {
    std::fs::read_to_string(fx.path(rel)).unwrap()
}

#[test]
fn rename_touches_only_the_holding_file_and_keeps_unknown_fields() {
    let (fx, env) = setup();
    let second_before = read(&fx, "second/config");
    let l = fx.load(&FILES);
    let out = kc::rename_context(&l, &env, "prod", "production").unwrap();
    assert_eq!(
        out.files,
        vec![fx.path("main/config").display().to_string()]
    );
    assert_eq!(
        read(&fx, "second/config"),
        second_before,
        "the other file is untouched"
    );
    let l2 = fx.load(&FILES);
    assert_eq!(
        l2.current_context(),
        Some("production"),
        "current-context follows the rename"
    );
    assert!(l2.entry(EntryKind::Context, "prod").is_none());
    let ctx = l2.entry(EntryKind::Context, "production").unwrap();
    assert_eq!(ctx["x-context-field"], 7);
    let cl = l2.entry(EntryKind::Cluster, "prod-cluster").unwrap();
    assert_eq!(cl["x-vendor-field"], "keep-me");
    assert_eq!(cl["extensions"][0]["extension"]["tags"][1], "b");
    assert_eq!(l2.files[0].document()["x-top-level"]["kept"], true);
    // Clashing or missing names.
    let e = kc::rename_context(&l2, &env, "production", "staging").unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    let e = kc::rename_context(&l2, &env, "nope", "x").unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound);
    // kubectl reads what we wrote the same way we do.
    assert_same_as_kubectl(&fx, &FILES);
}

#[test]
fn undo_restores_the_exact_previous_bytes() {
    let (fx, env) = setup();
    let before = read(&fx, "main/config");
    let l = fx.load(&FILES);
    kc::set_namespace(&l, &env, "prod", Some("payments")).unwrap();
    assert_ne!(read(&fx, "main/config"), before);
    assert_eq!(
        fx.load(&FILES).entry(EntryKind::Context, "prod").unwrap()["namespace"],
        "payments"
    );
    let out = kc::undo_last(&env).unwrap();
    assert_eq!(out.files.len(), 1);
    assert_eq!(read(&fx, "main/config"), before);
    assert_eq!(
        kc::undo_last(&env).unwrap_err().code(),
        ErrorCode::NotFound,
        "nothing left to undo"
    );
}

#[test]
fn undo_refuses_when_the_file_changed_after_our_write() {
    let (fx, env) = setup();
    let l = fx.load(&FILES);
    kc::set_namespace(&l, &env, "prod", None).unwrap();
    let ours = read(&fx, "main/config");
    assert!(!ours.contains("namespace: default"));
    std::fs::write(fx.path("main/config"), format!("{ours}# edited by hand\n")).unwrap();
    let e = kc::undo_last(&env).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert!(
        read(&fx, "main/config").ends_with("# edited by hand\n"),
        "the hand edit is kept"
    );
}

#[test]
fn write_refuses_when_the_file_changed_since_it_was_read() {
    let (fx, env) = setup();
    let l = fx.load(&FILES);
    let changed = MAIN.replace("server: https://shared", "server: https://changed");
    std::fs::write(fx.path("main/config"), &changed).unwrap();
    let e = kc::set_namespace(&l, &env, "prod", Some("x")).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert_eq!(read(&fx, "main/config"), changed, "nothing written");
    // After a reload it works.
    kc::set_namespace(&fx.load(&FILES), &env, "prod", Some("x")).unwrap();
}

#[test]
fn delete_removes_unused_cluster_and_user_but_keeps_shared_ones() {
    let (fx, env) = setup();
    let l = fx.load(&FILES);
    // `other` uses shared-cluster/shared-user, which `staging` (in the second file) also uses.
    kc::delete_context(&l, &env, "other").unwrap();
    let l = fx.load(&FILES);
    assert!(l.entry(EntryKind::Context, "other").is_none());
    assert!(l.entry(EntryKind::Cluster, "shared-cluster").is_some());
    assert!(l.entry(EntryKind::User, "shared-user").is_some());
    // `dev` is the only user of dev-cluster/dev-user.
    kc::delete_context(&l, &env, "dev").unwrap();
    let l = fx.load(&FILES);
    assert!(l.entry(EntryKind::Context, "dev").is_none());
    assert!(l.entry(EntryKind::Cluster, "dev-cluster").is_none());
    assert!(l.entry(EntryKind::User, "dev-user").is_none());
    assert!(!read(&fx, "second/config").contains("dev-token"));
    // Deleting the current context clears current-context in its file.
    kc::delete_context(&l, &env, "prod").unwrap();
    let l = fx.load(&FILES);
    assert_eq!(l.current_context(), None);
    assert!(l.entry(EntryKind::Cluster, "prod-cluster").is_none());
    assert_same_as_kubectl(&fx, &FILES);
    // Undo twice brings dev back.
    kc::undo_last(&env).unwrap();
    kc::undo_last(&env).unwrap();
    let l = fx.load(&FILES);
    assert!(l.entry(EntryKind::User, "dev-user").is_some());
    assert_eq!(l.current_context(), Some("prod"));
}

#[test]
fn use_context_writes_where_current_context_is_set() {
    let (fx, env) = setup();
    let l = fx.load(&["second/config", "main/config"]);
    // second/config sets no current-context; main/config does: kubectl writes it there.
    let out = kc::set_current_context(&l, &env, "staging").unwrap();
    assert_eq!(
        out.files,
        vec![fx.path("main/config").display().to_string()]
    );
    assert_eq!(
        fx.load(&["second/config", "main/config"]).current_context(),
        Some("staging")
    );
    assert!(kc::set_current_context(&l, &env, "missing").is_err());
}

#[test]
fn duplicate_copies_into_the_same_file() {
    let (fx, env) = setup();
    let l = fx.load(&FILES);
    kc::duplicate_context(&l, &env, "staging", "staging-copy").unwrap();
    let l = fx.load(&FILES);
    let c = l.context_list();
    let copy = c
        .contexts
        .iter()
        .find(|c| c.name == "staging-copy")
        .unwrap();
    assert!(copy.source_file.ends_with("second/config"));
    assert_eq!(copy.namespace.as_deref(), Some("web"));
    assert_eq!(copy.cluster, "shared-cluster");
    assert_eq!(
        kc::duplicate_context(&l, &env, "staging", "dev")
            .unwrap_err()
            .code(),
        ErrorCode::Conflict
    );
}

#[cfg(unix)]
#[test]
fn permissions_are_kept_and_new_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let (fx, env) = setup();
    std::fs::set_permissions(
        fx.path("main/config"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    kc::set_namespace(&fx.load(&FILES), &env, "prod", Some("a")).unwrap();
    assert_eq!(
        std::fs::metadata(fx.path("main/config"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o640
    );
    let out = kc::import_apply(
        &fx.load(&FILES),
        &env,
        "contexts:\n- name: fresh\n  context: {cluster: dev-cluster, user: dev-user}\n",
        "new.yaml",
        None,
        &RenameMap::default(),
    )
    .unwrap();
    let p = &out.files[0];
    assert_eq!(
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // Backups are private too (they hold secrets).
    for e in std::fs::read_dir(fx.path("backups")).unwrap() {
        let mode = e.unwrap().metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o077, 0, "backup mode {mode:o}");
    }
}

#[test]
fn backups_are_bounded() {
    let (fx, mut env) = setup();
    env.max_backups = 3;
    for i in 0..7 {
        kc::set_namespace(&fx.load(&FILES), &env, "prod", Some(&format!("ns{i}"))).unwrap();
    }
    let baks = std::fs::read_dir(fx.path("backups"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "bak")
        })
        .count();
    assert_eq!(baks, 3);
    // The three newest writes are undoable, newest first.
    kc::undo_last(&env).unwrap();
    assert_eq!(
        fx.load(&FILES).entry(EntryKind::Context, "prod").unwrap()["namespace"],
        "ns5"
    );
    kc::undo_last(&env).unwrap();
    kc::undo_last(&env).unwrap();
    assert_eq!(
        fx.load(&FILES).entry(EntryKind::Context, "prod").unwrap()["namespace"],
        "ns3"
    );
    assert!(kc::undo_last(&env).is_err());
}

const IMPORTED: &str = r#"apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod-cluster
  cluster:
    server: https://other-prod
    certificate-authority: pki/ca.pem
users:
- name: vendor-user
  user: {token: vendor-token}
contexts:
- name: prod
  context: {cluster: prod-cluster, user: vendor-user}
- name: vendor
  context: {cluster: prod-cluster, user: vendor-user, namespace: v}
"#;

#[test]
fn import_previews_clashes_and_applies_a_rename_map() {
    let (fx, env) = setup();
    let l = fx.load(&FILES);
    let prev = kc::import_preview(&l, IMPORTED, "vendor.yaml").unwrap();
    let clashes: Vec<_> = prev
        .items
        .iter()
        .filter(|i| i.clash)
        .map(|i| format!("{}/{}", i.kind, i.name))
        .collect();
    assert_eq!(clashes, ["context/prod", "cluster/prod-cluster"]);
    assert_eq!(prev.items.len(), 4);
    // Applying without renames is refused.
    let e = kc::import_apply(
        &l,
        &env,
        IMPORTED,
        "vendor.yaml",
        None,
        &RenameMap::default(),
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert!(
        std::fs::read_dir(fx.path("managed"))
            .map(|d| d.count())
            .unwrap_or(0)
            == 0
    );
    let mut renames = RenameMap::default();
    renames.contexts.insert("prod".into(), "vendor-prod".into());
    renames
        .clusters
        .insert("prod-cluster".into(), "vendor-cluster".into());
    let base = fx.path("downloads");
    kc::import_apply(&l, &env, IMPORTED, "vendor.yaml", Some(&base), &renames).unwrap();
    let l2 = fx.load(&FILES);
    assert_eq!(
        l2.current_context(),
        Some("prod"),
        "importing never switches context"
    );
    let c = l2.entry(EntryKind::Context, "vendor-prod").unwrap();
    assert_eq!(c["cluster"], "vendor-cluster");
    assert_eq!(
        l2.entry(EntryKind::Context, "vendor").unwrap()["cluster"],
        "vendor-cluster"
    );
    assert_eq!(
        l2.entry(EntryKind::Cluster, "vendor-cluster").unwrap()["certificate-authority"],
        fx.path("downloads/pki/ca.pem").display().to_string()
    );
    // Our own entries are unchanged.
    assert_eq!(
        l2.entry(EntryKind::Cluster, "prod-cluster").unwrap()["server"],
        "https://prod.example:6443"
    );
    assert_eq!(
        l2.origin(EntryKind::Context, "vendor").unwrap().kind,
        kc::SourceKind::Managed
    );
    // Undo removes the imported file.
    kc::undo_last(&env).unwrap();
    assert!(fx
        .load(&FILES)
        .entry(EntryKind::Context, "vendor")
        .is_none());
}

#[test]
fn import_reports_bad_yaml_with_position() {
    let (fx, _env) = setup();
    let e =
        kc::import_preview(&fx.load(&FILES), "contexts:\n  - name: [x\n", "pasted").unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidKubeconfig);
    match e {
        kc::KubeconfigError::Parse { line, .. } => assert!(line.is_some()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn export_is_self_contained() {
    let (fx, _env) = setup();
    fx.write("main/token.txt", "file-token\n");
    let l = fx.load(&FILES);
    let text = kc::export_contexts(&l, &["prod".into(), "staging".into()]).unwrap();
    // Load the export alone, from somewhere else: no file references, no problems.
    let other = Fixture::new();
    other.write("exported", &text);
    let e = other.load(&["exported"]);
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    assert_eq!(e.current_context(), Some("prod"));
    assert_eq!(e.names(EntryKind::Context), ["prod", "staging"]);
    assert_eq!(e.names(EntryKind::User), ["prod-user", "shared-user"]);
    let u = e.entry(EntryKind::User, "prod-user").unwrap();
    assert!(u.get("client-key").is_none() && u.get("client-certificate").is_none());
    let key = u["client-key-data"].as_str().unwrap();
    use base64::Engine;
    let pem = base64::engine::general_purpose::STANDARD
        .decode(key)
        .unwrap();
    assert!(String::from_utf8(pem).unwrap().contains("KEY"));
    let c = e.entry(EntryKind::Cluster, "prod-cluster").unwrap();
    assert!(c.get("certificate-authority-data").is_some());
    assert_eq!(c["x-vendor-field"], "keep-me");
    assert!(
        !text.contains("dev-token"),
        "only the chosen contexts are exported"
    );
    assert_same_as_kubectl(&other, &["exported"]);
}
