//! What follows the files: a git repository, and (with `--install`) the dependencies, each
//! step through the ecosystem's own tool with a progress spinner on a terminal.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use parking_lot::Mutex;

use super::Template;
use crate::error::{CliError, Result};

/// Whether `dir` (or, when it does not exist yet, its nearest existing parent) is inside a git
/// work tree: then a new repository would nest in it, which `cargo new` avoids too.
pub fn inside_git_work_tree(dir: &Path) -> bool {
    let Some(existing) = dir.ancestors().find(|d| d.is_dir()) else {
        return false;
    };
    Command::new("git")
        .args(["rev-parse", "--is-inside-work-tree"])
        .current_dir(existing)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `git init` in `dir`.
pub fn git_init(dir: &Path) -> Result<()> {
    run_quietly(
        Command::new(program("git")?).args(["init", "-q"]),
        dir,
        "git init",
    )
}

/// Formats the Rust files of a new Rust project with rustfmt: the templates are formatted for
/// names of usual length, and a long one would otherwise fail the project's `cargo fmt
/// --check`. Returns `false` when rustfmt is not installed (the files stay as rendered).
pub fn format_rust(dir: &Path, files: &[PathBuf]) -> Result<bool> {
    let Ok(rustfmt) = which::which("rustfmt") else {
        return Ok(false);
    };
    let sources: Vec<&PathBuf> = files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "rs"))
        .collect();
    if sources.is_empty() {
        return Ok(true);
    }
    run_quietly(
        Command::new(rustfmt)
            .args(["--edition", "2024"])
            .args(sources),
        dir,
        "rustfmt",
    )?;
    Ok(true)
}

/// The commands that install a template's dependencies, in order.
pub fn install_commands(template: Template) -> Vec<Vec<&'static str>> {
    match template {
        // Downloads every crate; the first build then needs no network.
        Template::Rust => vec![vec!["cargo", "fetch"]],
        Template::Python => vec![vec!["uv", "sync"]],
        // Built too: `mcp dev` and `mcp install` run the compiled entry point.
        Template::Typescript => vec![vec!["npm", "install"], vec!["npm", "run", "build"]],
    }
}

/// Installs the dependencies of the project in `dir`.
pub fn install(template: Template, dir: &Path) -> Result<()> {
    for words in install_commands(template) {
        let (name, args) = words.split_first().expect("a command has a program");
        let mut command = Command::new(program(name)?);
        command.args(args);
        run_with_progress(&mut command, dir, &words.join(" "))?;
    }
    Ok(())
}

/// A program on PATH (cargo: the one running this build, when it is cargo that runs us).
fn program(name: &str) -> Result<PathBuf> {
    if name == "cargo"
        && let Some(cargo) = std::env::var_os("CARGO")
    {
        return Ok(PathBuf::from(cargo));
    }
    which::which(name).map_err(|_| {
        CliError::environment(format!("`{name}` is not on PATH")).hint(match name {
            "cargo" => "install Rust with rustup (https://rustup.rs)",
            "uv" => "install uv (https://docs.astral.sh/uv/)",
            "npm" => "install Node.js (npm comes with it)",
            "git" => "install git, or pass --no-git",
            _ => "install it, or leave out the step that needs it",
        })
    })
}

fn run_quietly(command: &mut Command, dir: &Path, what: &str) -> Result<()> {
    let output = command
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| CliError::environment(format!("cannot run {what}: {e}")))?;
    if output.status.success() {
        return Ok(());
    }
    Err(CliError::environment(format!(
        "{what} failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr).trim_end()
    )))
}

/// How many of the last output lines a failure shows.
const TAIL: usize = 30;

/// Runs `command` in `dir`: a spinner showing its latest line on a terminal, its lines on
/// stderr otherwise; on failure, the error carries its last lines.
fn run_with_progress(command: &mut Command, dir: &Path, what: &str) -> Result<()> {
    let terminal = std::io::stderr().is_terminal();
    let bar = if terminal {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {prefix:.bold} {wide_msg:.dim}")
                .expect("a valid template"),
        );
        bar.set_prefix(what.to_owned());
        bar.enable_steady_tick(Duration::from_millis(120));
        Some(bar)
    } else {
        eprintln!("running {what}");
        None
    };
    let mut child = command
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| CliError::environment(format!("cannot run {what}: {e}")))?;
    let tail = Arc::new(Mutex::new(VecDeque::with_capacity(TAIL)));
    let readers: Vec<_> = [
        Box::new(child.stdout.take().expect("piped")) as Box<dyn Read + Send>,
        Box::new(child.stderr.take().expect("piped")),
    ]
    .into_iter()
    .map(|pipe| {
        let tail = tail.clone();
        let bar = bar.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(|l| l.ok()) {
                match &bar {
                    Some(bar) => bar.set_message(line.trim().to_owned()),
                    None => eprintln!("  {line}"),
                }
                let mut tail = tail.lock();
                if tail.len() == TAIL {
                    tail.pop_front();
                }
                tail.push_back(line);
            }
        })
    })
    .collect();
    let status = child
        .wait()
        .map_err(|e| CliError::environment(format!("{what} did not finish: {e}")))?;
    for reader in readers {
        let _ = reader.join();
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if status.success() {
        if terminal {
            eprintln!("{what}: done");
        }
        return Ok(());
    }
    let tail = tail.lock();
    let lines: Vec<&str> = tail.iter().map(String::as_str).collect();
    Err(CliError::environment(format!(
        "{what} failed ({status}) in {}:\n{}",
        dir.display(),
        lines.join("\n")
    ))
    .hint("the project is written; fix the cause and run the command again in it"))
}
