//! Real OS keyring tests. Ignored by default; CI runs them with `--ignored` inside
//! `dbus-run-session` after unlocking gnome-keyring:
//!
//! ```sh
//! dbus-run-session -- bash -c 'export HOME=$(mktemp -d) XDG_RUNTIME_DIR=$(mktemp -d); chmod 700 $XDG_RUNTIME_DIR;
//!   echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null;
//!   cargo test -p ordinal-core --test keyring -- --ignored'
//! ```

mod common;

use std::path::PathBuf;

use common::Fixture;
use ordinal_core::error::{Classify, ErrorCode};
use ordinal_core::kubeconfig::{EditEnv, EntryKind};
use ordinal_core::secrets::{
    credential, secure_context, unsecure_context, KeyringStore, SecretStore,
};
use ordinal_core::Sensitive;

const TOKEN: &str = "keyring-canary-token-5d1e";

#[test]
#[ignore = "needs a Secret Service (run with --ignored inside dbus-run-session)"]
fn keyring_store_roundtrip() {
    KeyringStore::status().expect("a keyring is running");
    let s = KeyringStore::new();
    let svc = "dev.ordinal.desktop/test";
    let acct = format!("roundtrip-{}", std::process::id());
    assert!(s.get(svc, &acct).unwrap().is_none());
    s.set(svc, &acct, &Sensitive::new("v1".into())).unwrap();
    assert_eq!(s.get(svc, &acct).unwrap().unwrap().expose(), "v1");
    s.set(svc, &acct, &Sensitive::new("v2".into())).unwrap();
    assert_eq!(s.get(svc, &acct).unwrap().unwrap().expose(), "v2");
    assert!(s.delete(svc, &acct).unwrap());
    assert!(!s.delete(svc, &acct).unwrap());
    assert!(s.get(svc, &acct).unwrap().is_none());
}

#[test]
#[ignore = "needs a Secret Service (run with --ignored inside dbus-run-session)"]
fn secure_with_the_real_keyring_removes_the_secret_from_the_file() {
    let fx = Fixture::new();
    let ctx = format!("kr-{}", std::process::id());
    fx.write(
        "config",
        &format!(
            "clusters:\n- name: c\n  cluster: {{server: https://c}}\nusers:\n- name: u\n  user: {{token: {TOKEN}}}\ncontexts:\n- name: {ctx}\n  context: {{cluster: c, user: u}}\ncurrent-context: {ctx}\n"
        ),
    );
    let env = EditEnv::new(fx.path("backups"));
    let store = KeyringStore::new();
    let bin = PathBuf::from("/usr/bin/ordinal");
    secure_context(&fx.load(&["config"]), &env, &store, &ctx, &bin).unwrap();
    let text = std::fs::read_to_string(fx.path("config")).unwrap();
    assert_eq!(
        text.matches(TOKEN).count(),
        0,
        "the token is no longer in the kubeconfig"
    );
    let out: serde_json::Value =
        serde_json::from_str(credential(&ctx, &store, None).unwrap().expose()).unwrap();
    assert_eq!(out["status"]["token"], TOKEN);
    unsecure_context(&fx.load(&["config"]), &env, &store, &ctx).unwrap();
    assert_eq!(
        fx.load(&["config"]).entry(EntryKind::User, "u").unwrap()["token"],
        TOKEN
    );
    assert_eq!(
        credential(&ctx, &store, None).unwrap_err().code(),
        ErrorCode::NotFound
    );
}

/// Without any Secret Service on the bus, every call reports KeyringUnavailable (no file fallback).
/// Run outside dbus-run-session with DBUS_SESSION_BUS_ADDRESS pointing nowhere.
#[test]
#[ignore = "run with --ignored and DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent"]
fn no_secret_service_is_keyring_unavailable() {
    if std::env::var("DBUS_SESSION_BUS_ADDRESS")
        .map(|a| !a.contains("nonexistent"))
        .unwrap_or(false)
    {
        eprintln!("note: a session bus is configured; skipping");
        return;
    }
    let e = KeyringStore::new()
        .get("dev.ordinal.desktop/test", "x")
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::KeyringUnavailable, "{e}");
}
