//! The app as a user installs it: `scripts/test` (CI) builds the `.deb` with `scripts/package`,
//! installs it with apt, and runs this against the installed binary:
//! `ORDINAL_INSTALLED_APP=/usr/bin/ordinal cargo test --test installed -- --ignored`.
//! It starts that binary in the real window with no kubeconfig and checks the built-in demo
//! cluster's StatefulSets are listed (a screenshot `installed-app.png`). What the package puts on
//! disk, and what its removal leaves, `scripts/package-check` checks.

mod support;

use support::{row, Launch};

#[tokio::test]
#[ignore = "needs the installed package: run by scripts/package-check with ORDINAL_INSTALLED_APP"]
async fn the_installed_app_starts_on_the_demo_cluster() {
    let installed = std::env::var("ORDINAL_INSTALLED_APP")
        .expect("ORDINAL_INSTALLED_APP must name the installed binary (/usr/bin/ordinal)");
    assert_ne!(
        std::fs::canonicalize(&installed).expect("the installed binary exists"),
        std::fs::canonicalize(env!("CARGO_BIN_EXE_ordinal")).unwrap(),
        "this must start the installed copy, not the build's"
    );
    let launch = Launch::new("installed").application(&installed);
    let home = launch.path("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut launch = launch.env("HOME", home.display().to_string());
    // The package check looks at this directory after the package is removed: the user's data
    // stays.
    if let Ok(dir) = std::env::var("ORDINAL_INSTALLED_DATA_DIR") {
        launch = launch.env("ORDINAL_DATA_DIR", dir);
    }
    let app = launch.start().await;
    app.wait_js(
        "demo rows",
        "document.querySelectorAll('[data-testid=sts-row]').length >= 8",
    )
    .await;
    app.wait_js(
        "postgres ready",
        &format!(
            "{}?.textContent.includes('3 of 3')",
            row("db/postgres", "[data-testid=row-status]")
        ),
    )
    .await;
    app.screenshot("app").await;
    app.close().await;
}
