//! The window's attack surface stays what the UI needs: the capability grants exactly the
//! commands the UI invokes (and the app registers), and the Content-Security-Policy allows no
//! remote origin.

use std::collections::BTreeSet;

fn read(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// Every `"name"` right after `marker` in `text`.
fn quoted_after(text: &str, marker: &str) -> BTreeSet<String> {
    text.match_indices(marker)
        .filter_map(|(i, _)| {
            let rest = &text[i + marker.len()..];
            let start = rest.find('"')? + 1;
            let end = start + rest[start..].find('"')?;
            Some(rest[start..end].to_string())
        })
        .collect()
}

#[test]
fn capabilities_grant_exactly_the_commands_the_ui_invokes() {
    let caps: serde_json::Value = serde_json::from_str(&read("capabilities/default.json")).unwrap();
    let granted: BTreeSet<String> = caps["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str())
        .filter_map(|p| p.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect();
    let others: Vec<&str> = caps["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str())
        .filter(|p| !p.starts_with("allow-"))
        .collect();
    assert_eq!(
        others,
        ["core:default"],
        "no plugin permissions beyond core's defaults"
    );

    let api = read("ui/src/api/index.ts");
    // `call<T>("name", …)`, `subscribe<T>("name", …)` and `subscribeWithId<T>("name", …)` (the
    // function definitions themselves take a parameter, not a literal, and are skipped).
    let invoked: BTreeSet<String> = ["call<", "subscribe<", "subscribeWithId<"]
        .iter()
        .flat_map(|m| api.match_indices(m).map(|(i, _)| i + m.len()))
        .filter_map(|i| {
            let rest = &api[i..];
            let open = rest.find(">(\"")?;
            if rest[..open].contains(['\n', ' ']) && !rest[..open].contains('|') {
                return None;
            }
            let start = open + 3;
            let end = start + rest[start..].find('"')?;
            Some(rest[start..end].to_string())
        })
        .chain(["unwatch".to_string()])
        .collect();
    assert_eq!(
        granted, invoked,
        "capability grants vs commands ui/src/api invokes"
    );

    let lib = read("src-tauri/lib.rs");
    let registered: BTreeSet<String> = lib
        .match_indices("commands::")
        .filter_map(|(i, _)| {
            let rest = &lib[i + "commands::".len()..];
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
            Some(rest[..end].to_string())
        })
        .filter(|c| !c.is_empty() && c.chars().next().unwrap().is_ascii_lowercase())
        .collect();
    assert_eq!(
        granted, registered,
        "capability grants vs generate_handler!"
    );
    let manifest: BTreeSet<String> = quoted_after(&read("src-tauri/build.rs"), "    ");
    assert!(
        granted.is_subset(&manifest),
        "every command is in build.rs's manifest"
    );
}

#[test]
fn the_csp_allows_no_remote_origin() {
    let conf: serde_json::Value = serde_json::from_str(&read("tauri.conf.json")).unwrap();
    let csp = conf["app"]["security"]["csp"]
        .as_object()
        .expect("a CSP is set");
    for (directive, value) in csp {
        let v = value.as_str().unwrap();
        for source in v.split_whitespace() {
            let remote = source == "*"
                || source.starts_with("https:")
                || (source.starts_with("http:") && source != "http://ipc.localhost")
                || source.starts_with("http://") && source != "http://ipc.localhost"
                || source.starts_with("ws");
            assert!(!remote, "{directive} allows the remote source {source}");
        }
    }
    assert_eq!(csp["default-src"], "'self'");
    assert_eq!(csp["object-src"], "'none'");
}
