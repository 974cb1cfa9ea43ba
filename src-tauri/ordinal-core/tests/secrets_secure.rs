//! Securing a context with an in-memory store: the kubeconfig no longer holds the secret,
//! `credential` serves it, `unsecure` restores the inline form, kubectl accepts the exec entry.

mod common;

use std::path::PathBuf;

use common::Fixture;
use ordinal_core::error::{Classify, ErrorCode};
use ordinal_core::kubeconfig::{self as kc, AuthKind, EditEnv, EntryKind, SecretLocation};
use ordinal_core::secrets::{
    credential, secure_context, unsecure_context, MemoryStore, SecretStore, SERVICE,
};
use serde_json::Value;

const TOKEN: &str = "canary-token-7f3a9c";
const KEY_PEM: &str = "-----BEGIN PRIVATE KEY-----\ncanary-key-91be\n-----END PRIVATE KEY-----\n";
const CERT_PEM: &str = "-----BEGIN CERTIFICATE-----\npublic-cert\n-----END CERTIFICATE-----\n";

fn b64(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn config() -> String {
    format!(
        r#"apiVersion: v1
kind: Config
current-context: tok
clusters:
- name: c
  cluster: {{server: "https://c.example"}}
contexts:
- name: tok
  context: {{cluster: c, user: tok-user, namespace: ns}}
- name: cert
  context: {{cluster: c, user: cert-user}}
- name: certfile
  context: {{cluster: c, user: certfile-user}}
- name: basic
  context: {{cluster: c, user: basic-user}}
users:
- name: tok-user
  user:
    token: {TOKEN}
    as: impersonated
    x-extra: keep
- name: cert-user
  user:
    client-certificate-data: {cert}
    client-key-data: {key}
- name: certfile-user
  user:
    client-certificate: client.crt
    client-key: client.key
- name: basic-user
  user: {{username: u, password: canary-pass}}
"#,
        cert = b64(CERT_PEM),
        key = b64(KEY_PEM)
    )
}

fn setup() -> (Fixture, EditEnv, MemoryStore, PathBuf) {
    let fx = Fixture::new();
    fx.write("kube/config", &config());
    fx.write("kube/client.crt", CERT_PEM);
    fx.write("kube/client.key", KEY_PEM);
    let env = EditEnv::new(fx.path("backups"));
    (
        fx,
        env,
        MemoryStore::new(),
        PathBuf::from("/opt/ordinal/bin/ordinal"),
    )
}

fn occurrences(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

#[test]
fn secure_token_moves_it_to_the_store_and_credential_serves_it() {
    let (fx, env, store, bin) = setup();
    let l = fx.load(&["kube/config"]);
    secure_context(&l, &env, &store, "tok", &bin).unwrap();
    let text = std::fs::read_to_string(fx.path("kube/config")).unwrap();
    assert_eq!(
        occurrences(&text, TOKEN),
        0,
        "the token left the kubeconfig"
    );
    let l = fx.load(&["kube/config"]);
    let u = l.entry(EntryKind::User, "tok-user").unwrap();
    assert_eq!(u["exec"]["command"], "/opt/ordinal/bin/ordinal");
    assert_eq!(
        u["exec"]["args"],
        serde_json::json!(["credential", "--context", "tok"])
    );
    assert_eq!(u["exec"]["interactiveMode"], "Never");
    assert_eq!(u["exec"]["provideClusterInfo"], false);
    assert_eq!(u["exec"]["apiVersion"], "client.authentication.k8s.io/v1");
    assert_eq!(u["as"], "impersonated");
    assert_eq!(u["x-extra"], "keep");
    let summary = l
        .context_list()
        .contexts
        .into_iter()
        .find(|c| c.name == "tok")
        .unwrap();
    assert_eq!(summary.secret_location, SecretLocation::Keyring);
    assert_eq!(summary.auth_kind, AuthKind::Exec);
    // credential, default v1 and echoing v1beta1.
    let out: Value =
        serde_json::from_str(credential("tok", &store, None).unwrap().expose()).unwrap();
    assert_eq!(out["apiVersion"], "client.authentication.k8s.io/v1");
    assert_eq!(out["kind"], "ExecCredential");
    assert_eq!(out["status"]["token"], TOKEN);
    let info = r#"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{"interactive":false}}"#;
    let out: Value =
        serde_json::from_str(credential("tok", &store, Some(info)).unwrap().expose()).unwrap();
    assert_eq!(out["apiVersion"], "client.authentication.k8s.io/v1beta1");
    let e = credential(
        "tok",
        &store,
        Some(r#"{"apiVersion":"client.authentication.k8s.io/v9"}"#),
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Invalid);
    // Backups hold the old kubeconfig; they are private files in the backups dir (checked in edit tests).
    // Securing twice is refused.
    assert_eq!(
        secure_context(&l, &env, &store, "tok", &bin)
            .unwrap_err()
            .code(),
        ErrorCode::Invalid
    );
    // kubectl accepts the rewritten file.
    common::assert_same_as_kubectl(&fx, &["kube/config"]);
}

#[test]
fn secure_cert_moves_key_and_certificate_to_the_plugin() {
    let (fx, env, store, bin) = setup();
    for ctx in ["cert", "certfile"] {
        let l = fx.load(&["kube/config"]);
        secure_context(&l, &env, &store, ctx, &bin).unwrap();
        let text = std::fs::read_to_string(fx.path("kube/config")).unwrap();
        if ctx == "cert" {
            assert_eq!(occurrences(&text, &b64(KEY_PEM)), 0);
            // kubectl refuses a certificate without its key, even with an exec plugin set.
            assert_eq!(occurrences(&text, &b64(CERT_PEM)), 0);
        } else {
            assert!(
                !text.contains("client.key") && !text.contains("client.crt"),
                "the key and certificate paths are gone from the entry"
            );
        }
        let out: Value =
            serde_json::from_str(credential(ctx, &store, None).unwrap().expose()).unwrap();
        assert_eq!(out["status"]["clientKeyData"], KEY_PEM);
        assert_eq!(out["status"]["clientCertificateData"], CERT_PEM);
        assert!(out["status"].get("token").is_none());
    }
    // kubectl accepts the rewritten file.
    common::assert_same_as_kubectl(&fx, &["kube/config"]);
}

#[test]
fn unsecure_restores_the_inline_form_and_deletes_the_item() {
    let (fx, env, store, bin) = setup();
    let original = fx
        .load(&["kube/config"])
        .entry(EntryKind::User, "tok-user")
        .cloned()
        .unwrap();
    secure_context(&fx.load(&["kube/config"]), &env, &store, "tok", &bin).unwrap();
    assert_eq!(store.len(), 1);
    unsecure_context(&fx.load(&["kube/config"]), &env, &store, "tok").unwrap();
    assert_eq!(
        fx.load(&["kube/config"])
            .entry(EntryKind::User, "tok-user")
            .unwrap(),
        &original
    );
    assert!(store.is_empty());
    assert_eq!(
        credential("tok", &store, None).unwrap_err().code(),
        ErrorCode::NotFound
    );
}

#[test]
fn secured_context_survives_a_rename() {
    let (fx, env, store, bin) = setup();
    secure_context(&fx.load(&["kube/config"]), &env, &store, "tok", &bin).unwrap();
    kc::rename_context(&fx.load(&["kube/config"]), &env, "tok", "token-ctx").unwrap();
    // The exec args still name the keyring account; the credential still resolves.
    let l = fx.load(&["kube/config"]);
    let args = l.entry(EntryKind::User, "tok-user").unwrap()["exec"]["args"].clone();
    let account = args[2].as_str().unwrap();
    assert!(credential(account, &store, None).is_ok());
    unsecure_context(&l, &env, &store, "token-ctx").unwrap();
    assert!(store.is_empty());
}

#[test]
fn refusals_and_unavailable_store() {
    let (fx, env, store, bin) = setup();
    let l = fx.load(&["kube/config"]);
    let before = std::fs::read_to_string(fx.path("kube/config")).unwrap();
    let e = secure_context(&l, &env, &store, "basic", &bin).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Invalid);
    assert!(!e.to_string().contains("canary-pass"));
    assert_eq!(
        secure_context(&l, &env, &store, "missing", &bin)
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    store.set_unavailable(true);
    let e = secure_context(&l, &env, &store, "tok", &bin).unwrap_err();
    assert_eq!(e.code(), ErrorCode::KeyringUnavailable);
    assert_eq!(
        std::fs::read_to_string(fx.path("kube/config")).unwrap(),
        before,
        "no fallback, nothing written"
    );
    store.set_unavailable(false);
    // A conflicting file change aborts the write and removes the stored item again.
    std::fs::write(fx.path("kube/config"), format!("{before}\n# hand edit\n")).unwrap();
    let e = secure_context(&l, &env, &store, "tok", &bin).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert!(store.get(SERVICE, "tok").unwrap().is_none());
}

#[test]
fn deleting_a_secured_context_deletes_its_keyring_item() {
    let (fx, env, store, bin) = setup();
    secure_context(&fx.load(&["kube/config"]), &env, &store, "tok", &bin).unwrap();
    assert_eq!(store.len(), 1);
    ordinal_core::secrets::delete_context(&fx.load(&["kube/config"]), &env, &store, "tok").unwrap();
    assert!(store.is_empty());
    assert!(fx
        .load(&["kube/config"])
        .entry(EntryKind::User, "tok-user")
        .is_none());
}

#[test]
fn export_of_a_secured_context_inlines_the_original_credentials() {
    let (fx, env, store, bin) = setup();
    secure_context(&fx.load(&["kube/config"]), &env, &store, "tok", &bin).unwrap();
    secure_context(&fx.load(&["kube/config"]), &env, &store, "certfile", &bin).unwrap();
    let l = fx.load(&["kube/config"]);
    let text =
        ordinal_core::secrets::export_contexts(&l, &store, &["tok".into(), "certfile".into()])
            .unwrap();
    assert!(
        !text.contains("/opt/ordinal"),
        "no reference to the local binary"
    );
    let other = Fixture::new();
    other.write("x", &text);
    let e = other.load(&["x"]);
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    assert_eq!(
        e.entry(EntryKind::User, "tok-user").unwrap()["token"],
        TOKEN
    );
    assert_eq!(
        e.entry(EntryKind::User, "certfile-user").unwrap()["client-key-data"],
        b64(KEY_PEM)
    );
    // The plain export keeps the exec entry (and no secret).
    let plain = kc::export_contexts(&l, &["tok".into()]).unwrap();
    assert!(!plain.contains(TOKEN));
    // The kubeconfig on disk still has no secret.
    assert!(!std::fs::read_to_string(fx.path("kube/config"))
        .unwrap()
        .contains(TOKEN));
}
