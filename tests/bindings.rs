//! The TypeScript bindings in `ui/src/api/gen/` must equal what the Rust transfer types generate.
//! Fails when they are stale; `ORDINAL_UPDATE_BINDINGS=1 cargo test --test bindings` rewrites them.

use std::collections::BTreeMap;
use std::path::Path;

fn read_dir(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().into_string().unwrap();
            if name.ends_with(".ts") {
                files.insert(name, std::fs::read_to_string(e.path()).unwrap());
            }
        }
    }
    files
}

#[test]
fn typescript_bindings_are_fresh() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/api/gen");
    let fresh = tempfile::tempdir().unwrap();
    ordinal_app::bindings::export_all(fresh.path()).expect("export bindings");
    let generated = read_dir(fresh.path());
    assert!(
        generated.len() >= 5,
        "expected the transfer types to be exported, got {:?}",
        generated.keys()
    );

    if std::env::var_os("ORDINAL_UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(&committed).unwrap();
        for old in read_dir(&committed).keys() {
            std::fs::remove_file(committed.join(old)).unwrap();
        }
        for (name, text) in &generated {
            std::fs::write(committed.join(name), text).unwrap();
        }
        return;
    }
    let current = read_dir(&committed);
    let stale: Vec<_> = generated
        .iter()
        .filter(|(n, t)| current.get(*n) != Some(t))
        .map(|(n, _)| n.clone())
        .collect();
    let extra: Vec<_> = current
        .keys()
        .filter(|n| !generated.contains_key(*n))
        .cloned()
        .collect();
    assert!(
        stale.is_empty() && extra.is_empty(),
        "ui/src/api/gen is stale (changed or missing: {stale:?}; no longer generated: {extra:?}). \
         Regenerate with: ORDINAL_UPDATE_BINDINGS=1 cargo test --test bindings"
    );
}
