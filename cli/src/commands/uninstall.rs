//! `mcp uninstall NAME`: remove a server from a host's config.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::configfile::{self, Change};
use crate::error::{CliError, Result};
use crate::hosts::{self, Host, Scope};
use crate::ui::{CYAN, DIM};

/// Arguments of `mcp uninstall`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  mcp uninstall weather
  mcp uninstall weather --host cursor --host vscode
  mcp uninstall weather --host claude-code --scope project")]
pub struct Args {
    /// The server's name.
    name: String,
    /// The host to remove it from (repeatable).
    #[arg(long = "host", value_enum, default_value = "claude-desktop")]
    hosts: Vec<Host>,
    /// The host's user config, or the project's (Claude Code also has `local`).
    #[arg(long, value_enum, default_value = "user")]
    scope: Scope,
    /// The project directory, for --scope project|local (default: the current directory).
    #[arg(long, value_name = "DIR")]
    project: Option<PathBuf>,
    /// Edit this config file instead of the host's usual one.
    #[arg(long, value_name = "FILE")]
    host_config: Option<PathBuf>,
}

/// Runs `mcp uninstall`.
pub fn run(args: Args) -> Result<ExitCode> {
    let project = super::install::project_dir(args.project.as_deref())?;
    let mut missing = Vec::new();
    for &host in &args.hosts {
        let location = hosts::locate(host, args.scope, &project, args.host_config.as_deref())?;
        if !location.path.exists() {
            missing.push(format!("{} (no file)", location.path.display()));
            continue;
        }
        let removed = configfile::edit(&location.path, location.format(), |document| {
            let removed = document
                .remove(&location.key_path, &args.name)
                .map_err(|why| {
                    CliError::environment(format!(
                        "{}: {why}; nothing was changed",
                        location.path.display()
                    ))
                })?;
            Ok(if removed {
                Change::Write(true)
            } else {
                Change::Keep(false)
            })
        })?;
        if removed {
            anstream::println!(
                "removed {CYAN}{}{CYAN:#} from {} {DIM}({}){DIM:#}",
                args.name,
                location.label(),
                location.path.display()
            );
        } else {
            missing.push(location.path.display().to_string());
        }
    }
    if missing.len() == args.hosts.len() {
        return Err(CliError::usage(format!(
            "no server named `{}` in {}",
            args.name,
            missing.join(", ")
        ))
        .hint("`mcp list` shows the servers every host has"));
    }
    Ok(ExitCode::SUCCESS)
}
