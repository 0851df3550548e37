//! `mcp install SPEC`: add a server to a host's config (Claude Desktop by default).
//!
//! The entry is written in the host's own format and shape, to start in the host's environment
//! rather than this shell's (see [`crate::hostenv`]): absolute paths everywhere (a Cargo project
//! is built in release mode and its binary named; a Python file is run through this binary's
//! `mcp run` with the uv or python found now; a command's program is looked up on PATH), and a
//! `PATH` of its own for a script whose `#!/usr/bin/env` interpreter the host's PATH lacks.
//! Before it is written the entry is started the way the host would start it, and must answer
//! (`--no-verify` skips that). Environment variables (`-v`, `-f`) are merged with the ones an
//! existing entry of the same name has, the new values winning, as the Python SDK's
//! `mcp install` does. Replacing a different existing entry asks first, or needs `--force`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::Value;

use super::ServerArg;
use crate::configfile::{self, Change, Node};
use crate::error::{CliError, Result};
use crate::hostcheck::{self, Answer};
use crate::hostenv::HostEnvironment;
use crate::hosts::{self, Host, Location, Scope};
use crate::spec::{self, Kind, Purpose, SpecArgs, Target};
use crate::ui::{BOLD, CYAN, DIM};

/// Arguments of `mcp install`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  mcp install server.py                                  Claude Desktop, named after the server
  mcp install server.py --name \"My Analytics Server\" -v API_KEY=abc123 -f .env
  mcp install server.py --with pandas --with-editable .
  mcp install ./my-crate --host cursor --host vscode
  mcp install . --host claude-code --scope project       writes ./.mcp.json
  mcp install https://example.com/mcp --host gemini
  mcp install --host mcp-json --name fs -- npx -y @modelcontextprotocol/server-filesystem /tmp

Before writing, the entry is started the way the host starts it (PATH=/usr/bin:/bin:/usr/sbin:/sbin,
working directory /, no virtual environment) and must answer; --no-verify skips that. Config
paths can be overridden with --host-config FILE or MCP_<HOST>_CONFIG (for example
MCP_CLAUDE_DESKTOP_CONFIG); the previous file is kept as FILE.bak.")]
pub struct Args {
    #[command(flatten)]
    server: ServerArg,
    /// The server's name in the host (default: the server's own name, or the file's).
    #[arg(short = 'n', long)]
    name: Option<String>,
    /// The host to install into (repeatable).
    #[arg(long = "host", value_enum, default_value = "claude-desktop")]
    hosts: Vec<Host>,
    /// The host's user config, or the project's (Claude Code also has `local`).
    #[arg(long, value_enum, default_value = "user")]
    scope: Scope,
    /// The project directory, for --scope project|local (default: the current directory).
    #[arg(long, value_name = "DIR")]
    project: Option<PathBuf>,
    /// Write this config file instead of the host's usual one.
    #[arg(long, value_name = "FILE")]
    host_config: Option<PathBuf>,
    /// Replace an existing entry of the same name without asking.
    #[arg(long)]
    force: bool,
    /// Print what would be written, and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Write the entry without first starting it the way the host would.
    #[arg(long)]
    no_verify: bool,
    /// Time limit of each step of that start, in seconds (a first `uv run` may download packages).
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    timeout: f64,
    #[command(flatten)]
    spec: SpecArgs,
}

/// Runs `mcp install`.
pub fn run(args: Args) -> Result<ExitCode> {
    let spec = args.server.spec()?;
    let project = project_dir(args.project.as_deref())?;
    // Check every host's scope before building anything.
    let mut locations = Vec::new();
    for &host in &args.hosts {
        if host == Host::McpJson && args.host_config.is_none() && args.scope == Scope::User {
            continue;
        }
        locations.push(hosts::locate(
            host,
            args.scope,
            &project,
            args.host_config.as_deref(),
        )?);
    }
    let mut resolved = spec::resolve(&spec, &args.spec, Purpose::Install)?;
    if let (Kind::Python { .. }, Target::Stdio(launch)) = (&resolved.kind, &mut resolved.target) {
        // `mcp run` reads options of its own: pass the server's arguments through --arg.
        let extra = launch
            .args
            .split_off(launch.args.len() - args.spec.server_args.len());
        for arg in extra {
            let mut flag = std::ffi::OsString::from("--arg=");
            flag.push(arg);
            launch.args.push(flag);
        }
    }
    let environment = HostEnvironment::typical();
    if let Target::Stdio(launch) = &mut resolved.target {
        for change in environment.adapt(launch) {
            anstream::eprintln!("{DIM}note: {change}{DIM:#}");
        }
    }
    let name = args.name.clone().unwrap_or_else(|| resolved.name.clone());
    if name.trim().is_empty() {
        return Err(CliError::usage("the server's name is empty").hint("pass --name NAME"));
    }
    if args.hosts.contains(&Host::McpJson)
        && args.host_config.is_none()
        && args.scope == Scope::User
    {
        let entry = hosts::render(Host::McpJson, &name, &resolved.target)?;
        let document = Node::Map(vec![(
            "mcpServers".to_owned(),
            Node::Map(vec![(name.clone(), entry)]),
        )]);
        println!("{}", document.to_pretty_json());
    }
    let mut verifier = Verifier {
        environment,
        enabled: !args.no_verify && !args.dry_run,
        timeout: args.timeout,
        verified: Vec::new(),
    };
    for location in &locations {
        install_one(location, &name, &resolved.target, &args, &mut verifier)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Starts new entries the way their host would before they are written, once per distinct
/// entry.
struct Verifier {
    environment: HostEnvironment,
    enabled: bool,
    timeout: f64,
    verified: Vec<(Value, Answer)>,
}

impl Verifier {
    /// What the entry answered when started; `None` when verifying is off.
    fn verify(&mut self, name: &str, entry: &Node, location: &Location) -> Result<Option<Answer>> {
        if !self.enabled {
            return Ok(None);
        }
        let json = entry.to_json();
        if let Some((_, answer)) = self.verified.iter().find(|(e, _)| *e == json) {
            return Ok(Some(answer.clone()));
        }
        let target = hosts::entry_target(&json)
            .map_err(|why| CliError::usage(format!("the new entry cannot be started: {why}")))?;
        let answer = super::block_on(hostcheck::start_as_host(
            name,
            &target,
            &self.environment,
            self.timeout,
        ))
        .map_err(|why| {
            CliError::server(format!(
                "the new entry `{name}` does not start the way {} would start it \
                 (PATH={}, working directory {}), so nothing was written:\n{why}",
                location.host.label(),
                self.environment.path().to_string_lossy(),
                self.environment.cwd().display()
            ))
            .hint("fix what the server says above, or pass --no-verify to write the entry anyway")
        })?;
        self.verified.push((json, answer.clone()));
        Ok(Some(answer))
    }
}

/// The project directory, absolute.
pub fn project_dir(given: Option<&std::path::Path>) -> Result<PathBuf> {
    match given {
        Some(dir) if !dir.is_dir() => Err(CliError::usage(format!(
            "the project directory {} does not exist",
            dir.display()
        ))),
        Some(dir) => Ok(spec::absolute(dir)),
        None => std::env::current_dir()
            .map_err(|e| CliError::environment(format!("cannot read the current directory: {e}"))),
    }
}

/// The env map of an existing entry (`env` or Goose's `envs`).
fn existing_env(entry: &Value) -> Vec<(String, String)> {
    ["env", "envs"]
        .iter()
        .filter_map(|key| entry.get(*key).and_then(Value::as_object))
        .flat_map(|map| {
            map.iter().map(|(k, v)| {
                (
                    k.clone(),
                    v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                )
            })
        })
        .collect()
}

fn install_one(
    location: &Location,
    name: &str,
    target: &Target,
    args: &Args,
    verifier: &mut Verifier,
) -> Result<()> {
    let host = location.host;
    let render = |existing: Option<&Value>| -> Result<Node> {
        let mut target = target.clone();
        if let (Some(existing), Target::Stdio(launch)) = (existing, &mut target) {
            for (key, value) in existing_env(existing) {
                launch.env.entry(key).or_insert(value);
            }
        }
        hosts::render(host, name, &target)
    };
    if args.dry_run {
        let entry = render(None)?;
        anstream::println!(
            "{BOLD}{}{BOLD:#} {DIM}{}{DIM:#}",
            location.label(),
            location.path.display()
        );
        let text = match location.format() {
            configfile::Format::Yaml => Node::Map(vec![(name.to_owned(), entry)])
                .to_yaml_text()
                .map_err(|why| CliError::environment(format!("cannot write YAML: {why}")))?,
            _ => format!("\"{name}\": {}\n", entry.to_pretty_json()),
        };
        print!("{text}");
        return Ok(());
    }
    // The entry the user agreed to replace: when another program rewrites the file while we
    // ask, the edit runs again, and asks again only if that entry changed.
    let mut confirmed: Option<Value> = None;
    let mut answer = None;
    let outcome = configfile::edit(&location.path, location.format(), |document| {
        let entries = document.entries(&location.key_path).map_err(|why| {
            CliError::environment(format!(
                "{}: {why}; nothing was changed",
                location.path.display()
            ))
            .hint("fix the file by hand, then run this again")
        })?;
        let existing = entries
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, e)| e.clone());
        let entry = render(existing.as_ref())?;
        if existing.as_ref() == Some(&entry.to_json()) {
            return Ok(Change::Keep(false));
        }
        if let Some(old) = &existing
            && !args.force
            && confirmed.as_ref() != Some(old)
        {
            confirm_replace(location, name, old, &entry)?;
            confirmed = Some(old.clone());
        }
        answer = verifier.verify(name, &entry, location)?;
        document
            .upsert(&location.key_path, name, &entry)
            .map_err(|why| CliError::environment(format!("{}: {why}", location.path.display())))?;
        Ok(Change::Write(true))
    })?;
    if outcome {
        anstream::println!(
            "installed {CYAN}{name}{CYAN:#} in {} {DIM}({}){DIM:#}",
            location.label(),
            location.path.display()
        );
        if let Some(answer) = &answer {
            anstream::println!(
                "  {DIM}started as {} starts it: {answer}{DIM:#}",
                host.label()
            );
        }
        if let Some(advice) = host.restart_advice() {
            anstream::println!("  {DIM}{advice}{DIM:#}");
        }
    } else {
        anstream::println!(
            "{CYAN}{name}{CYAN:#} is already installed in {} as given {DIM}({}){DIM:#}",
            location.label(),
            location.path.display()
        );
    }
    Ok(())
}

fn confirm_replace(location: &Location, name: &str, old: &Value, new: &Node) -> Result<()> {
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !interactive {
        return Err(CliError::usage(format!(
            "{} already has a server named `{name}`, configured differently",
            location.label()
        ))
        .hint("pass --force to replace it, or --name to install under another name"));
    }
    eprintln!(
        "{} already has `{name}`:\n{}\nIt would become:\n{}",
        location.label(),
        serde_json::to_string_pretty(old).unwrap_or_default(),
        new.to_pretty_json()
    );
    let replace = dialoguer::Confirm::new()
        .with_prompt(format!("Replace `{name}` in {}?", location.path.display()))
        .default(false)
        .interact()
        .map_err(|e| CliError::usage(format!("no answer: {e}")))?;
    if replace {
        Ok(())
    } else {
        Err(CliError::usage("left the existing entry as it was"))
    }
}
