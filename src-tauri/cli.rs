//! Ordinal's command line: `ordinal contexts`, `ordinal kubeconfig view`, `ordinal credential`,
//! `ordinal context ...`. Thin by design: argument parsing and printing only; the logic lives in
//! `ordinal_core::kubeconfig` and `ordinal_core::secrets`.
//!
//! `run` returns `None` when the arguments are not a CLI subcommand, so the GUI starts.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use ordinal_core::kubeconfig::paths::AppDirs;
use ordinal_core::kubeconfig::{
    self as kc, EditEnv, EditOutcome, Loaded, RenameMap, Sources, ViewFormat, ViewOptions,
};
use ordinal_core::secrets::{self, KeyringStore};

/// The first arguments that select the CLI instead of the GUI.
const SUBCOMMANDS: [&str; 6] = [
    "contexts",
    "kubeconfig",
    "credential",
    "context",
    "completions",
    "man",
];

#[derive(Parser)]
#[command(
    name = "ordinal",
    about = "Ordinal: a desktop Kubernetes client",
    long_about = "Ordinal: a desktop Kubernetes client.\n\nWithout arguments it opens the window (a graphical session is needed). The commands below work without one.",
    version
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the contexts of the merged kubeconfig.
    Contexts {
        /// Print the context list as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Kubeconfig commands.
    Kubeconfig {
        #[command(subcommand)]
        command: KubeconfigCommand,
    },
    /// Exec credential plugin: print the ExecCredential of a secured context (reads KUBERNETES_EXEC_INFO).
    Credential {
        #[arg(long)]
        context: String,
    },
    /// Offline edits of one context (written to the file that holds it, with a backup).
    Context {
        #[command(subcommand)]
        command: ContextCommand,
    },
    /// Print a completion script for a shell (e.g. `source <(ordinal completions bash)`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), generated from the same definitions as --help.
    Man,
}

#[derive(Subcommand)]
enum KubeconfigCommand {
    /// Like `kubectl config view --merge`.
    View {
        /// Accepted for kubectl compatibility; the view is always merged.
        #[arg(long, alias = "merge")]
        merged: bool,
        /// Only the current context and what it uses.
        #[arg(long)]
        minify: bool,
        /// Show secrets and certificate data.
        #[arg(long)]
        raw: bool,
        #[arg(short = 'o', long = "output", value_enum, default_value = "yaml")]
        output: OutputFormat,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Json,
    Yaml,
}

#[derive(Subcommand)]
enum ContextCommand {
    /// Rename a context.
    Rename { old: String, new: String },
    /// Delete a context, and its cluster and user when nothing else uses them.
    Delete { name: String },
    /// Set the default namespace of a context (omit NAMESPACE to clear it).
    SetNamespace {
        name: String,
        namespace: Option<String>,
    },
    /// Make a context the current context.
    Use { name: String },
    /// Copy a context under a new name.
    Duplicate { source: String, new: String },
    /// Write contexts to a self-contained kubeconfig (certificate and key files inlined).
    Export {
        #[arg(required = true)]
        names: Vec<String>,
        /// Output file (mode 0600); standard output when absent.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// Import a kubeconfig file (or `-` for standard input) into Ordinal's managed files.
    Import {
        file: PathBuf,
        /// Rename an entry on import: `context:OLD=NEW`, `cluster:OLD=NEW` or `user:OLD=NEW`.
        #[arg(long = "rename", value_name = "KIND:OLD=NEW")]
        renames: Vec<String>,
        /// Only show what would be added and which names clash.
        #[arg(long)]
        dry_run: bool,
    },
    /// Move the context's secret to the OS keyring; kubectl then calls `ordinal credential`.
    Secure { name: String },
    /// Put the context's secret back into the kubeconfig and delete the keyring item.
    Unsecure { name: String },
    /// Undo the last kubeconfig change made by Ordinal.
    Undo,
}

/// Arguments that print and exit, never opening a window: help and the version.
const PRINT_AND_EXIT: [&str; 5] = ["--help", "-h", "help", "--version", "-V"];

/// Runs the CLI if `args` (including the program name) name a CLI subcommand (or ask for help or
/// the version); `None` otherwise.
pub fn run(args: &[OsString]) -> Option<ExitCode> {
    let first = args.get(1)?.to_str()?;
    if !SUBCOMMANDS.contains(&first) && !PRINT_AND_EXIT.contains(&first) {
        return None;
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = e.exit_code();
            let _ = e.print();
            return Some(ExitCode::from(code.clamp(0, 255) as u8));
        }
    };
    Some(match execute(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    })
}

fn dirs() -> Result<AppDirs, String> {
    AppDirs::from_env()
        .ok_or_else(|| "cannot find a data directory: set HOME or ORDINAL_DATA_DIR".to_string())
}

fn load_all(dirs: &AppDirs) -> Loaded {
    kc::load(&Sources::from_env(Some(dirs.managed_dir())))
}

fn print_outcome(o: &EditOutcome) {
    println!("{}", o.description);
    for f in &o.files {
        println!("  wrote {f}");
    }
}

fn print_problems(problems: &[kc::KubeconfigProblem]) {
    for p in problems {
        let at = match (p.line, p.column) {
            (Some(l), Some(c)) => format!(":{l}:{c}"),
            (Some(l), None) => format!(":{l}"),
            _ => String::new(),
        };
        let ctx = p
            .context
            .as_deref()
            .map(|c| format!(" (context {c})"))
            .unwrap_or_default();
        eprintln!("warning: {}{at}{ctx}: {}", p.file, p.message);
    }
}

fn execute(command: Command) -> Result<(), String> {
    match command {
        Command::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "ordinal",
                &mut std::io::stdout(),
            );
            Ok(())
        }
        Command::Man => {
            use clap::CommandFactory;
            clap_mangen::Man::new(Cli::command())
                .render(&mut std::io::stdout())
                .map_err(|e| e.to_string())
        }
        Command::Credential { context } => {
            let info = std::env::var("KUBERNETES_EXEC_INFO").ok();
            let out = secrets::credential(&context, &KeyringStore::new(), info.as_deref())
                .map_err(|e| e.to_string())?;
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(out.expose().as_bytes())
                .map_err(|e| e.to_string())?;
            stdout.write_all(b"\n").map_err(|e| e.to_string())?;
            Ok(())
        }
        Command::Contexts { json } => {
            let dirs = dirs()?;
            let list = load_all(&dirs).context_list();
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&list).map_err(|e| e.to_string())?
                );
                return Ok(());
            }
            let header = [
                "CURRENT",
                "NAME",
                "CLUSTER",
                "SERVER",
                "NAMESPACE",
                "AUTH",
                "SECRET",
            ];
            println!(
                "{:<8} {:<30} {:<24} {:<40} {:<16} {:<10} {}",
                header[0], header[1], header[2], header[3], header[4], header[5], header[6]
            );
            for c in &list.contexts {
                println!(
                    "{:<8} {:<30} {:<24} {:<40} {:<16} {:<10} {}",
                    if c.current { "*" } else { "" },
                    c.name,
                    c.cluster,
                    c.server.as_deref().unwrap_or("-"),
                    c.namespace.as_deref().unwrap_or("-"),
                    format!("{:?}", c.auth_kind).to_lowercase(),
                    format!("{:?}", c.secret_location).to_lowercase(),
                );
            }
            print_problems(&list.problems);
            Ok(())
        }
        Command::Kubeconfig {
            command:
                KubeconfigCommand::View {
                    merged: _,
                    minify,
                    raw,
                    output,
                },
        } => {
            let dirs = dirs()?;
            let format = match output {
                OutputFormat::Json => ViewFormat::Json,
                OutputFormat::Yaml => ViewFormat::Yaml,
            };
            let loaded = load_all(&dirs);
            print_problems(&loaded.problems);
            let text = kc::view(
                &loaded,
                ViewOptions {
                    minify,
                    raw,
                    format,
                },
            )
            .map_err(|e| e.to_string())?;
            print!("{text}");
            Ok(())
        }
        Command::Context { command } => context_command(command),
    }
}

fn context_command(command: ContextCommand) -> Result<(), String> {
    let dirs = dirs()?;
    let env = EditEnv::new(dirs.backups_dir());
    let loaded = load_all(&dirs);
    let err = |e: &dyn std::fmt::Display| e.to_string();
    let outcome = match command {
        ContextCommand::Rename { old, new } => {
            kc::rename_context(&loaded, &env, &old, &new).map_err(|e| err(&e))?
        }
        ContextCommand::Delete { name } => {
            secrets::delete_context(&loaded, &env, &KeyringStore::new(), &name)
                .map_err(|e| err(&e))?
        }
        ContextCommand::SetNamespace { name, namespace } => {
            kc::set_namespace(&loaded, &env, &name, namespace.as_deref()).map_err(|e| err(&e))?
        }
        ContextCommand::Use { name } => {
            kc::set_current_context(&loaded, &env, &name).map_err(|e| err(&e))?
        }
        ContextCommand::Duplicate { source, new } => {
            kc::duplicate_context(&loaded, &env, &source, &new).map_err(|e| err(&e))?
        }
        ContextCommand::Export { names, output } => {
            let text = secrets::export_contexts(&loaded, &KeyringStore::new(), &names)
                .map_err(|e| err(&e))?;
            match output {
                Some(path) => {
                    ordinal_core::fsutil::atomic_write(&path, text.as_bytes(), 0o600)
                        .map_err(|e| err(&e))?;
                    eprintln!("exported {} context(s) to {}", names.len(), path.display());
                }
                None => print!("{text}"),
            }
            return Ok(());
        }
        ContextCommand::Import {
            file,
            renames,
            dry_run,
        } => {
            let (text, label, base) = read_import(&file)?;
            let preview = kc::import_preview(&loaded, &text, &label).map_err(|e| err(&e))?;
            let map = parse_renames(&renames)?;
            let renamed = |kind: &str, name: &str| -> bool {
                let m = match kind {
                    "context" => &map.contexts,
                    "cluster" => &map.clusters,
                    _ => &map.users,
                };
                m.contains_key(name)
            };
            let clashes: Vec<String> = preview
                .items
                .iter()
                .filter(|i| i.clash && !renamed(&i.kind, &i.name))
                .map(|i| format!("{}:{}", i.kind, i.name))
                .collect();
            if dry_run {
                for i in &preview.items {
                    println!(
                        "{:<8} {:<40} {}",
                        i.kind,
                        i.name,
                        if i.clash { "CLASH" } else { "new" }
                    );
                }
                for p in &preview.problems {
                    eprintln!(
                        "warning: {}: {}",
                        p.context.as_deref().unwrap_or(&p.file),
                        p.message
                    );
                }
                return Ok(());
            }
            if !clashes.is_empty() {
                return Err(format!(
                    "these names already exist: {}; pick new ones with --rename KIND:OLD=NEW",
                    clashes.join(", ")
                ));
            }
            kc::import_apply(&loaded, &env, &text, &label, base.as_deref(), &map)
                .map_err(|e| err(&e))?
        }
        ContextCommand::Secure { name } => {
            let exe = std::env::current_exe()
                .map_err(|e| format!("cannot find the ordinal binary: {e}"))?;
            let exe = exe.canonicalize().unwrap_or(exe);
            secrets::secure_context(&loaded, &env, &KeyringStore::new(), &name, &exe)
                .map_err(|e| err(&e))?
        }
        ContextCommand::Unsecure { name } => {
            secrets::unsecure_context(&loaded, &env, &KeyringStore::new(), &name)
                .map_err(|e| err(&e))?
        }
        ContextCommand::Undo => kc::undo_last(&env).map_err(|e| err(&e))?,
    };
    print_outcome(&outcome);
    Ok(())
}

/// The import text, a label for messages, and the directory relative paths resolve against.
fn read_import(file: &Path) -> Result<(String, String, Option<PathBuf>), String> {
    if file.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok((text, "pasted.yaml".into(), None));
    }
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let abs = file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
    Ok((
        text,
        file.display().to_string(),
        abs.parent().map(Path::to_path_buf),
    ))
}

fn parse_renames(specs: &[String]) -> Result<RenameMap, String> {
    let mut map = RenameMap::default();
    for spec in specs {
        let bad = || {
            format!(
                "bad --rename {spec:?}: expected KIND:OLD=NEW with KIND context, cluster or user"
            )
        };
        let (kind, rest) = spec.split_once(':').ok_or_else(bad)?;
        let (old, new) = rest.split_once('=').ok_or_else(bad)?;
        let target = match kind {
            "context" => &mut map.contexts,
            "cluster" => &mut map.clusters,
            "user" => &mut map.users,
            _ => return Err(bad()),
        };
        target.insert(old.to_string(), new.to_string());
    }
    Ok(map)
}
