//! Loading and merging, checked against kubectl (`kubectl config view --merge -o json`) when
//! kubectl is on PATH (required when `$CI` is set).

mod common;

use common::{assert_same_as_kubectl, Fixture};
use ordinal_core::kubeconfig::{AuthKind, EntryKind, SecretLocation};

const A: &str = r#"
apiVersion: v1
kind: Config
current-context: ctx-a
preferences: {}
clusters:
- name: c1
  cluster:
    server: https://a.example:6443
    certificate-authority: certs/ca.crt
    extensions:
    - name: ext1
      extension:
        foo: bar
        nested: {list: [1, 2, "three"]}
    unknown-cluster-field: 1
- name: shared
  cluster:
    server: https://shared-from-a
    certificate-authority-data: Zm9vCg==
users:
- name: u1
  user:
    token: secret-token-a
    client-certificate: certs/client.crt
    client-key: ../outside/client.key
- name: shared
  user:
    username: admin
    password: pw-a
contexts:
- name: ctx-a
  context:
    cluster: c1
    user: u1
    namespace: ns-a
    extensions:
    - name: e
      extension: {a: 1}
- name: shared
  context:
    cluster: shared
    user: shared
extensions:
- name: top
  extension:
    x: "yes"
    count: 3
"#;

const B: &str = r#"
apiVersion: v1
kind: Config
current-context: ctx-b
preferences:
  colors: true
clusters:
- name: shared
  cluster:
    server: https://shared-from-b
    insecure-skip-tls-verify: true
- name: c2
  cluster:
    server: https://b.example
    proxy-url: http://proxy:3128
    tls-server-name: api.b
    disable-compression: true
users:
- name: shared
  user:
    token: b-token
- name: u2
  user:
    client-certificate-data: Y2VydAo=
    client-key-data: a2V5Cg==
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/helper
      args: [a, b]
      env:
      - name: X
        value: "1"
      interactiveMode: IfAvailable
      installHint: install the helper
- name: u3
  user:
    auth-provider:
      name: oidc
      config:
        client-id: abc
        refresh-token: rt
        id-token: idt
    tokenFile: tok.txt
    as: bob
    as-groups: [g1, g2]
    as-uid: "42"
    as-user-extra: {k: [v1]}
contexts:
- name: ctx-b
  context:
    cluster: c2
    user: u2
- name: shared
  context:
    cluster: c2
    user: u3
- name: dangling
  context:
    cluster: nope
    user: nobody
extensions:
- name: top
  extension: {from: b}
- name: only-b
  extension: {z: 0}
"#;

#[test]
fn first_file_wins_whole_entries_and_current_context() {
    let fx = Fixture::new();
    fx.write("a/config", A);
    fx.write("b/config", B);
    let l = fx.load(&["a/config", "b/config"]);
    assert_eq!(l.current_context(), Some("ctx-a"));
    // `shared` cluster comes whole from a: b's insecure-skip-tls-verify is not mixed in.
    let shared = l.entry(EntryKind::Cluster, "shared").unwrap();
    assert_eq!(shared["server"], "https://shared-from-a");
    assert!(shared.get("insecure-skip-tls-verify").is_none());
    // `shared` context comes from a, so it uses a's shared user (basic auth).
    let list = l.context_list();
    let names: Vec<_> = list.contexts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["ctx-a", "ctx-b", "dangling", "shared"]);
    let shared_ctx = list.contexts.iter().find(|c| c.name == "shared").unwrap();
    assert_eq!(shared_ctx.auth_kind, AuthKind::Basic);
    assert!(shared_ctx.source_file.ends_with("a/config"));
    let ctx_a = &list.contexts[0];
    assert!(ctx_a.current);
    assert_eq!(ctx_a.server.as_deref(), Some("https://a.example:6443"));
    assert_eq!(ctx_a.namespace.as_deref(), Some("ns-a"));
    assert_eq!(ctx_a.secret_location, SecretLocation::File);
    let ctx_b = &list.contexts[1];
    assert_eq!(ctx_b.auth_kind, AuthKind::Exec);
    assert!(!ctx_b.current);
    // Reversed order: b wins.
    let l2 = fx.load(&["b/config", "a/config"]);
    assert_eq!(l2.current_context(), Some("ctx-b"));
    assert_eq!(
        l2.entry(EntryKind::Cluster, "shared").unwrap()["server"],
        "https://shared-from-b"
    );
    assert_eq!(
        l2.context_list()
            .contexts
            .iter()
            .find(|c| c.name == "shared")
            .unwrap()
            .auth_kind,
        AuthKind::AuthProvider
    );
}

#[test]
fn relative_paths_resolve_against_the_holding_file() {
    let fx = Fixture::new();
    fx.write("a/config", A);
    fx.write("b/config", B);
    let l = fx.load(&["a/config", "b/config"]);
    let c1 = l.resolved(EntryKind::Cluster, "c1").unwrap();
    assert_eq!(
        c1["certificate-authority"],
        fx.path("a/certs/ca.crt").display().to_string()
    );
    let u1 = l.resolved(EntryKind::User, "u1").unwrap();
    assert_eq!(
        u1["client-certificate"],
        fx.path("a/certs/client.crt").display().to_string()
    );
    // `..` is cleaned like Go's filepath.Join.
    assert_eq!(
        u1["client-key"],
        fx.path("outside/client.key").display().to_string()
    );
    let u2 = l.resolved(EntryKind::User, "u2").unwrap();
    assert_eq!(
        u2["exec"]["command"],
        fx.path("b/bin/helper").display().to_string()
    );
    let u3 = l.resolved(EntryKind::User, "u3").unwrap();
    assert_eq!(u3["tokenFile"], fx.path("b/tok.txt").display().to_string());
    // The stored documents keep paths as written.
    assert_eq!(
        l.entry(EntryKind::Cluster, "c1").unwrap()["certificate-authority"],
        "certs/ca.crt"
    );
}

#[test]
fn exec_command_without_separator_stays_on_path() {
    let fx = Fixture::new();
    fx.write("k", "users:\n- name: u\n  user:\n    exec:\n      command: aws\n      apiVersion: client.authentication.k8s.io/v1beta1\n");
    let l = fx.load(&["k"]);
    assert_eq!(
        l.resolved(EntryKind::User, "u").unwrap()["exec"]["command"],
        "aws"
    );
}

#[test]
fn problems_are_reported_per_file_and_context_and_the_rest_loads() {
    let fx = Fixture::new();
    fx.write("a/config", A);
    fx.write(
        "bad.yaml",
        "clusters:\n- name: x\n  cluster: {server: [unclosed\n",
    );
    fx.write("b/config", B);
    let l = fx.load(&["missing.yaml", "", "a/config", "bad.yaml", "b/config"]);
    let list = l.context_list();
    // a and b still load.
    assert_eq!(list.contexts.len(), 4);
    assert_eq!(
        list.sources.len(),
        4,
        "empty entries are ignored: {:?}",
        list.sources
    );
    let missing = list
        .problems
        .iter()
        .find(|p| p.file.ends_with("missing.yaml"))
        .expect("missing file reported");
    assert!(missing.message.contains("not found"));
    let bad = list
        .problems
        .iter()
        .find(|p| p.file.ends_with("bad.yaml"))
        .expect("bad YAML reported");
    assert!(bad.line.is_some() && bad.column.is_some(), "{bad:?}");
    assert!(bad.line.unwrap() >= 3, "{bad:?}");
    let dangling: Vec<_> = list
        .problems
        .iter()
        .filter(|p| p.context.as_deref() == Some("dangling"))
        .collect();
    assert!(
        dangling
            .iter()
            .any(|p| p.message.contains("cluster \"nope\"")),
        "{dangling:?}"
    );
    assert!(
        dangling
            .iter()
            .any(|p| p.message.contains("user \"nobody\"")),
        "{dangling:?}"
    );
    // The dangling context's entry position points into b/config (line of `- name: dangling`).
    let d = dangling[0];
    assert!(d.file.ends_with("b/config"));
    let line = d.line.expect("line known") as usize;
    assert!(
        B.lines().nth(line - 1).unwrap().contains("dangling"),
        "line {line}"
    );
    // ctx-a references certs that do not exist: reported against ctx-a.
    let a_probs: Vec<_> = list
        .problems
        .iter()
        .filter(|p| p.context.as_deref() == Some("ctx-a"))
        .collect();
    assert!(
        a_probs
            .iter()
            .any(|p| p.message.contains("certificate authority file")),
        "{a_probs:?}"
    );
    assert!(
        a_probs
            .iter()
            .any(|p| p.message.contains("client key file")),
        "{a_probs:?}"
    );
    // Messages never carry secrets.
    for p in &list.problems {
        assert!(!p.message.contains("secret-token-a") && !p.message.contains("pw-a"));
    }
}

#[test]
fn wrong_types_inside_an_entry_are_reported_not_fatal() {
    let fx = Fixture::new();
    fx.write("k", "clusters:\n- name: ok\n  cluster: {server: https://ok}\n- name: broken\n  cluster: {server: [1, 2]}\ncontexts:\n- name: c\n  context: {cluster: ok, user: \"\"}\n");
    let l = fx.load(&["k"]);
    assert!(l.entry(EntryKind::Cluster, "ok").is_some());
    assert!(l.entry(EntryKind::Cluster, "broken").is_none());
    let p = l
        .problems
        .iter()
        .find(|p| p.message.contains("broken"))
        .expect("reported");
    assert_eq!(p.line, Some(4));
}

#[test]
fn kubeconfig_unset_uses_home_config_and_managed_files_come_last() {
    let fx = Fixture::new();
    fx.write("home/.kube/config", "current-context: h\ncontexts:\n- name: h\n  context: {cluster: hc, user: hu}\nclusters:\n- name: hc\n  cluster: {server: https://home}\nusers:\n- name: hu\n  user: {token: t}\n");
    fx.write("managed/001-import.yaml", "current-context: m\ncontexts:\n- name: m\n  context: {cluster: hc, user: hu}\n- name: h\n  context: {cluster: other, user: hu}\n");
    fx.write("managed/.tmp-partial", "garbage: [");
    for env in [None, Some(std::ffi::OsString::new())] {
        let src = ordinal_core::kubeconfig::Sources {
            kubeconfig_env: env,
            home: Some(fx.path("home")),
            managed_dir: Some(fx.path("managed")),
        };
        let l = ordinal_core::kubeconfig::load(&src);
        assert_eq!(l.current_context(), Some("h"));
        assert_eq!(l.names(EntryKind::Context), ["h", "m"]);
        assert_eq!(l.entry(EntryKind::Context, "h").unwrap()["cluster"], "hc");
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        assert_eq!(l.sources.len(), 2);
    }
    // A missing ~/.kube/config is not a problem (fresh machine).
    let src = ordinal_core::kubeconfig::Sources {
        kubeconfig_env: None,
        home: Some(fx.path("nohome")),
        managed_dir: None,
    };
    assert!(ordinal_core::kubeconfig::load(&src).problems.is_empty());
}

#[test]
fn duplicate_kubeconfig_entries_are_loaded_once() {
    let fx = Fixture::new();
    fx.write("a", A);
    let env = fx.env(&["a", "a"]);
    let src = ordinal_core::kubeconfig::Sources {
        kubeconfig_env: Some(env),
        home: None,
        managed_dir: None,
    };
    let l = ordinal_core::kubeconfig::load(&src);
    assert_eq!(l.sources.len(), 1);
}

#[test]
fn redaction_hides_secrets_unless_raw() {
    let fx = Fixture::new();
    fx.write("a/config", A);
    fx.write("b/config", B);
    let l = fx.load(&["a/config", "b/config"]);
    let v = common::our_view(&l, false, false).unwrap();
    let s = v.to_string();
    assert!(!s.contains("secret-token-a") && !s.contains("pw-a") && !s.contains("a2V5Cg=="));
    assert!(s.contains("REDACTED") && s.contains("DATA+OMITTED"));
    let raw = common::our_view(&l, false, true).unwrap().to_string();
    assert!(raw.contains("secret-token-a") && raw.contains("a2V5Cg=="));
    // YAML output has the same content.
    let y = ordinal_core::kubeconfig::view(
        &l,
        ordinal_core::kubeconfig::ViewOptions {
            minify: false,
            raw: false,
            format: ordinal_core::kubeconfig::ViewFormat::Yaml,
        },
    )
    .unwrap();
    let yv: serde_json::Value = serde_saphyr::from_str(&y).unwrap();
    assert_eq!(yv, v);
}

// ---- kubectl comparisons ----

#[test]
fn kubectl_same_view_clashes_and_extensions() {
    let fx = Fixture::new();
    fx.write("a/config", A);
    fx.write("b/config", B);
    assert_same_as_kubectl(&fx, &["a/config", "b/config"]);
    assert_same_as_kubectl(&fx, &["b/config", "a/config"]);
}

#[test]
fn kubectl_same_view_with_missing_and_empty_entries() {
    let fx = Fixture::new();
    fx.write("a/config", A);
    fx.write("b/config", B);
    assert_same_as_kubectl(&fx, &["nothere", "", "b/config", "gone/also", "a/config"]);
}

#[test]
fn kubectl_same_view_for_empty_and_partial_files() {
    let fx = Fixture::new();
    fx.write("empty", "");
    fx.write("only-current", "current-context: ghost\n");
    fx.write("nulls", "clusters: []\nusers:\ncontexts:\n");
    assert_same_as_kubectl(&fx, &["empty"]);
    assert_same_as_kubectl(&fx, &["nulls", "only-current", "empty"]);
    fx.write(
        "c",
        "contexts:\n- name: only\n  context: {cluster: c, user: u}\ncurrent-context: only\n",
    );
    // minify fails in both (cluster missing).
    assert_same_as_kubectl(&fx, &["c"]);
}

#[test]
fn kubectl_same_view_for_field_zoo() {
    let fx = Fixture::new();
    fx.write(
        "zoo",
        r#"
clusters:
- name: x
  cluster:
    server: ""
    disable-compression: true
    insecure-skip-tls-verify: false
users:
- name: e
  user:
    exec:
      command: foo
    as: bob
    as-groups: [g]
    as-uid: "1"
    as-user-extra: {k: [v]}
    username: ""
- name: ap
  user:
    auth-provider:
      name: gcp
- name: empty
  user: {}
- name: nouser
contexts:
- name: ctxn
  context: {}
- name: withns
  context: {cluster: x, user: e, namespace: kube-system}
current-context: withns
preferences:
  colors: true
  extensions:
  - name: p
    extension: {s: 1}
"#,
    );
    assert_same_as_kubectl(&fx, &["zoo"]);
}

#[test]
fn kubectl_same_bytes_for_json_and_yaml() {
    let fx = Fixture::new();
    fx.write("a/config", A);
    fx.write("b/config", B);
    let env = fx.env(&["a/config", "b/config"]);
    let l = fx.load(&["a/config", "b/config"]);
    for (format, flag) in [
        (ordinal_core::kubeconfig::ViewFormat::Json, "json"),
        (ordinal_core::kubeconfig::ViewFormat::Yaml, "yaml"),
    ] {
        let out = match std::process::Command::new("kubectl")
            .args(["config", "view", "--merge", "-o", flag])
            .env("KUBECONFIG", &env)
            .env("HOME", fx.path("home"))
            .output()
        {
            Ok(o) => o,
            Err(e) => {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "kubectl is required in CI: {e}"
                );
                eprintln!("note: kubectl not found; skipping");
                return;
            }
        };
        assert!(out.status.success());
        let ours = ordinal_core::kubeconfig::view(
            &l,
            ordinal_core::kubeconfig::ViewOptions {
                minify: false,
                raw: false,
                format,
            },
        )
        .unwrap();
        assert_eq!(
            ours,
            String::from_utf8(out.stdout).unwrap(),
            "-o {flag} differs from kubectl byte for byte"
        );
    }
}
