//! The binary as a terminal user meets it: help and the version print and exit without a
//! display, and the window refuses in one line (no GTK backtrace) when there is no display.

use std::process::{Command, Output};

fn ordinal(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ordinal"))
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env(
            "ORDINAL_DATA_DIR",
            std::env::temp_dir().join("ordinal-cli-test"),
        )
        .output()
        .expect("run the ordinal binary")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn help_and_version_print_and_exit_without_a_display() {
    for args in [&["--help"][..], &["-h"], &["help"]] {
        let o = ordinal(args);
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {out}{err}");
        assert!(out.contains("Usage: ordinal"), "{args:?}: {out}");
        assert!(out.contains("contexts"), "{args:?}: {out}");
    }
    for args in [&["--version"][..], &["-V"]] {
        let o = ordinal(args);
        let (out, _) = text(&o);
        assert_eq!(o.status.code(), Some(0));
        assert_eq!(out.trim(), format!("ordinal {}", env!("CARGO_PKG_VERSION")));
    }
    // a subcommand's help too
    let o = ordinal(&["context", "--help"]);
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(0));
    assert!(out.contains("set-namespace"), "{out}");
    let o = ordinal(&["help", "kubeconfig"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o).0.contains("view"));
}

#[test]
fn the_window_without_a_display_says_so_in_one_line() {
    let o = ordinal(&[]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("needs a graphical session"), "{err}");
    assert!(err.contains("ordinal contexts"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn completions_load_in_bash_and_the_man_page_renders() {
    let o = ordinal(&["completions", "bash"]);
    assert_eq!(o.status.code(), Some(0));
    let script =
        std::env::temp_dir().join(format!("ordinal-completion-{}.bash", std::process::id()));
    std::fs::write(&script, &o.stdout).unwrap();
    let bash = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source '{}' && complete -p ordinal",
            script.display()
        ))
        .output()
        .expect("bash");
    let _ = std::fs::remove_file(&script);
    let (out, err) = text(&bash);
    assert!(bash.status.success(), "{out}{err}");
    assert!(out.contains("ordinal"), "{out}");
    for shell in ["zsh", "fish"] {
        let o = ordinal(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        assert!(text(&o).0.contains("contexts"), "{shell}");
    }
    let man = ordinal(&["man"]);
    assert_eq!(man.status.code(), Some(0));
    let roff = text(&man).0;
    assert!(
        roff.starts_with(".ie") || roff.contains(".TH ordinal"),
        "{roff}"
    );
    assert!(roff.contains("completions"), "{roff}");
}
