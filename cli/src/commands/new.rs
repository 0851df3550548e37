//! `mcp new PATH`: scaffold a server project from a template (Rust, Python, TypeScript) that
//! builds, passes its own tests and `mcp check` as it is.
//!
//! Every answer can be given as a flag; the ones missing are asked on a terminal, or take
//! their defaults with `--yes` (or when stdin or stderr is not a terminal).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::error::{CliError, Result};
use crate::new::questions::Questions;
use crate::new::{
    Capability, Preset, Project, Template, Transport, check_description, check_name, render, setup,
};
use crate::spec::{absolute, shell_quote};
use crate::ui::{BOLD, DIM, GREEN};

/// The description when none is given.
const DEFAULT_DESCRIPTION: &str = "An MCP server";

/// Arguments of `mcp new`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  mcp new weather                                    asks the rest
  mcp new weather --template python --yes            a Python server over stdio
  mcp new notes -t typescript -p database --yes      SQLite notes in TypeScript
  mcp new gateway -p api --transport http --auth -y  an HTTP API wrapper behind a bearer token
  mcp new tools --capabilities tools --no-git -y     only a tool, no git repository")]
pub struct Args {
    /// The project's directory (created; must be empty unless --force). Its last component
    /// is the project's name unless --name.
    #[arg(value_name = "PATH")]
    path: PathBuf,
    /// The project's name (its package, crate or module name), if not the directory's.
    #[arg(long)]
    name: Option<String>,
    /// The language and SDK.
    #[arg(short, long, value_enum)]
    template: Option<Template>,
    /// What the sample server does.
    #[arg(short, long, value_enum)]
    preset: Option<Preset>,
    /// How hosts reach the server.
    #[arg(long, value_enum)]
    transport: Option<Transport>,
    /// Require a bearer token (MCP_AUTH_TOKEN) on the HTTP endpoint (implies --transport http).
    #[arg(long, overrides_with = "no_auth")]
    auth: bool,
    /// No bearer token on the HTTP endpoint.
    #[arg(long)]
    no_auth: bool,
    /// One line saying what the server is for.
    #[arg(short, long)]
    description: Option<String>,
    /// The samples to include (comma-separated; default: all).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "LIST")]
    capabilities: Vec<Capability>,
    /// Make the project a git repository (the default, unless it is inside one already).
    #[arg(long, overrides_with = "no_git")]
    git: bool,
    /// Do not run `git init`.
    #[arg(long)]
    no_git: bool,
    /// Install the dependencies once written (cargo fetch, uv sync, npm install).
    #[arg(long)]
    install: bool,
    /// Write into a directory that is not empty (the template's files replace same-named ones).
    #[arg(long)]
    force: bool,
    /// Ask nothing: what is not given takes its default.
    #[arg(short, long)]
    yes: bool,
    /// Rust: depend on the SDK crate at this directory (crates/mcp of a checkout) instead of
    /// by version.
    #[arg(long, value_name = "DIR")]
    sdk_path: Option<PathBuf>,
}

/// `true`/`false` from a `--x`/`--no-x` pair, `None` when neither was given.
fn flag(yes: bool, no: bool) -> Option<bool> {
    match (yes, no) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    }
}

/// Runs `mcp new`.
pub fn run(args: Args) -> Result<ExitCode> {
    let questions =
        (!args.yes && std::io::stdin().is_terminal() && std::io::stderr().is_terminal())
            .then(Questions::new);
    let dir = absolute(&args.path);
    let empty = render::is_empty_dir(&dir).map_err(|e| {
        CliError::environment(format!("cannot read the directory {}: {e}", dir.display()))
    })?;
    if dir.exists() && !dir.is_dir() {
        return Err(CliError::usage(format!(
            "{} exists and is not a directory",
            dir.display()
        )));
    }
    if !empty && !args.force {
        return Err(
            CliError::usage(format!("{} is not empty", dir.display())).hint(
                "pick a new directory, or pass --force to write into this one (files of the \
             template replace same-named ones; nothing else is touched)",
            ),
        );
    }
    let sdk_path = args.sdk_path.as_deref().map(sdk_path).transpose()?;
    let project = answers(&args, &dir, sdk_path, questions.as_ref())?;
    let git = match flag(args.git, args.no_git) {
        Some(git) => git,
        None => {
            let default = !setup::inside_git_work_tree(&dir);
            match &questions {
                Some(q) => q.git(default)?,
                None => default,
            }
        }
    };

    let files = render::render(&project).map_err(|e| CliError::server(e.to_string()))?;
    render::write(&dir, &files).map_err(|e| {
        CliError::environment(format!(
            "cannot write the project into {}: {e}",
            dir.display()
        ))
    })?;
    if project.template == Template::Rust {
        let paths: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
        if !setup::format_rust(&dir, &paths)? {
            eprintln!("note: rustfmt is not installed, so the Rust files are left as rendered");
        }
    }
    if git {
        setup::git_init(&dir)?;
    }
    if args.install {
        setup::install(project.template, &dir)?;
    }
    print_next_steps(&project, &args.path, args.install, files.len(), git);
    Ok(ExitCode::SUCCESS)
}

/// `--sdk-path DIR`, checked: the SDK crate's directory, absolute.
fn sdk_path(dir: &Path) -> Result<PathBuf> {
    let dir = absolute(dir);
    let manifest = dir.join("Cargo.toml");
    let is_sdk = std::fs::read_to_string(&manifest)
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|doc| {
            doc.get("package")?
                .get("name")?
                .as_str()
                .map(|n| n == "mcp")
        })
        .unwrap_or(false);
    if !is_sdk {
        return Err(CliError::usage(format!(
            "{} is not the directory of the `mcp` crate",
            dir.display()
        ))
        .hint("point --sdk-path at crates/mcp of a checkout of this toolchain"));
    }
    Ok(dir)
}

/// Every answer: from the flags, else from the questions, else the defaults.
fn answers(
    args: &Args,
    dir: &Path,
    sdk_path: Option<PathBuf>,
    questions: Option<&Questions>,
) -> Result<Project> {
    let template = match (args.template, questions) {
        (Some(template), _) => template,
        (None, Some(q)) => q.template()?,
        (None, None) => Template::Rust,
    };
    if sdk_path.is_some() && template != Template::Rust {
        return Err(CliError::usage(
            "--sdk-path applies to the Rust template (it names the SDK crate to depend on)",
        ));
    }
    let wanted = match &args.name {
        Some(name) => name.clone(),
        None => dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| {
                CliError::usage(format!("{} has no name to give the project", dir.display()))
                    .hint("pass --name NAME")
            })?,
    };
    let names = match (check_name(template, &wanted), questions) {
        (Ok(names), _) => names,
        (Err(why), None) => {
            return Err(CliError::usage(format!(
                "`{wanted}` cannot name a {template} project: {why}"
            ))
            .hint("pass a valid name with --name NAME (the directory keeps its name)"));
        }
        (Err(why), Some(q)) => {
            eprintln!("`{wanted}` cannot name a {template} project: {why}");
            let check: fn(&str) -> Result<(), String> = match template {
                Template::Rust => |n: &str| crate::new::names::rust(n).map(drop),
                Template::Python => |n: &str| crate::new::names::python(n).map(drop),
                Template::Typescript => |n: &str| crate::new::names::npm(n).map(drop),
            };
            let name = q.name(&suggested_name(&wanted), check)?;
            check_name(template, &name).map_err(CliError::usage)?
        }
    };
    let description = match (&args.description, questions) {
        (Some(text), _) => {
            check_description(text)
                .map_err(|why| CliError::usage(why).hint("give --description one line of text"))?;
            text.clone()
        }
        (None, Some(q)) => q.description(DEFAULT_DESCRIPTION)?,
        (None, None) => DEFAULT_DESCRIPTION.to_owned(),
    };
    let preset = match (args.preset, questions) {
        (Some(preset), _) => preset,
        (None, Some(q)) => q.preset()?,
        (None, None) => Preset::Minimal,
    };
    let auth_flag = flag(args.auth, args.no_auth);
    let transport = match (args.transport, auth_flag, questions) {
        (Some(Transport::Stdio), Some(true), _) => {
            return Err(CliError::usage(
                "--auth protects the HTTP endpoint, and --transport stdio has none",
            )
            .hint("drop --auth, or use --transport http"));
        }
        (Some(transport), _, _) => transport,
        (None, Some(true), _) => Transport::Http,
        (None, _, Some(q)) => q.transport()?,
        (None, _, None) => Transport::Stdio,
    };
    let auth = match (transport, auth_flag, questions) {
        (Transport::Stdio, _, _) => false,
        (Transport::Http, Some(auth), _) => auth,
        (Transport::Http, None, Some(q)) => q.auth()?,
        (Transport::Http, None, None) => false,
    };
    let capabilities = match (args.capabilities.is_empty(), questions) {
        (false, _) => {
            let mut chosen = args.capabilities.clone();
            chosen.sort();
            chosen.dedup();
            chosen
        }
        (true, Some(q)) => q.capabilities()?,
        (true, None) => Capability::ALL.to_vec(),
    };
    Ok(Project {
        dir: dir.to_path_buf(),
        names,
        template,
        preset,
        transport,
        auth,
        description,
        capabilities,
        sdk_path,
    })
}

/// A name likelier to pass the rules than `wanted`: lowercase, runs of other characters as
/// one `-`, starting with a letter.
fn suggested_name(wanted: &str) -> String {
    let mut name = String::new();
    for c in wanted.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name
        .trim_matches('-')
        .trim_start_matches(|c: char| c.is_ascii_digit());
    if name.is_empty() {
        "mcp-server".to_owned()
    } else {
        name.to_owned()
    }
}

/// What was made, and the next three commands.
fn print_next_steps(project: &Project, path: &Path, installed: bool, files: usize, git: bool) {
    let transport = match project.transport {
        Transport::Stdio => "stdio".to_owned(),
        Transport::Http if project.auth => "Streamable HTTP with a bearer token".to_owned(),
        Transport::Http => "Streamable HTTP".to_owned(),
    };
    anstream::println!(
        "{GREEN}Created{GREEN:#} {BOLD}{}{BOLD:#} in {}: the {} template, {} preset, {transport} \
         ({files} files{})",
        project.names.display,
        path.display(),
        project.template,
        project.preset,
        if git { ", a git repository" } else { "" }
    );
    let stdio_arg = match project.transport {
        Transport::Http => " --arg --stdio",
        Transport::Stdio => "",
    };
    anstream::println!("\nNext:");
    anstream::println!("  cd {}", shell_quote(&path.display().to_string()));
    if project.template == Template::Typescript && !installed {
        anstream::println!("  npm install                 {DIM}# the dependencies{DIM:#}");
    }
    anstream::println!(
        "  mcp dev .                   {DIM}# the inspector, restarting on changes{DIM:#}"
    );
    anstream::println!(
        "  mcp install .{stdio_arg}{}   {DIM}# into Claude Desktop (--host for others){DIM:#}",
        " ".repeat(14usize.saturating_sub(stdio_arg.len()))
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggested_names_pass_the_rules() {
        for wanted in ["My Server!", "2fast", "--", "Weather.Server"] {
            let suggestion = suggested_name(wanted);
            for template in Template::ALL {
                assert!(
                    check_name(template, &suggestion).is_ok(),
                    "{suggestion:?} (from {wanted:?}) fails for {template}"
                );
            }
        }
        assert_eq!(suggested_name("My Server!"), "my-server");
    }
}
