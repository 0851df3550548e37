//! `mcp list`: the servers in every host's config, and with `--check` whether each one starts
//! and answers when started the way its host starts it (see [`crate::hostenv`]).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use serde_json::{Value, json};

use super::block_on;
use crate::error::{CliError, Kind, Result};
use crate::hostcheck;
use crate::hostenv::HostEnvironment;
use crate::hosts::{self, Host, Location};
use crate::spec::Target;
use crate::ui::{BOLD, CYAN, DIM, GREEN, RED, printable};

/// Arguments of `mcp list`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  mcp list
  mcp list --check --timeout 20
  mcp list --host cursor --json")]
pub struct Args {
    /// Only this host (repeatable; default: every host).
    #[arg(long = "host", value_enum)]
    hosts: Vec<Host>,
    /// The project whose project-scope files are listed (default: the current directory).
    #[arg(long, value_name = "DIR")]
    project: Option<PathBuf>,
    /// Read this config file instead of the host's usual one (with exactly one --host).
    #[arg(long, value_name = "FILE")]
    host_config: Option<PathBuf>,
    /// Start every server and check that it answers.
    #[arg(long)]
    check: bool,
    /// Time limit of each server's check, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 15.0)]
    timeout: f64,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

struct Listed {
    location: Location,
    servers: std::result::Result<Vec<(String, Value)>, String>,
}

/// Runs `mcp list`.
pub fn run(args: Args) -> Result<ExitCode> {
    let project = super::install::project_dir(args.project.as_deref())?;
    let hosts_wanted = if args.hosts.is_empty() {
        Host::ALL.to_vec()
    } else {
        args.hosts.clone()
    };
    let locations = match &args.host_config {
        Some(path) => {
            let [host] = hosts_wanted.as_slice() else {
                return Err(CliError::usage("--host-config needs exactly one --host"));
            };
            vec![hosts::locate(
                *host,
                hosts::Scope::User,
                &project,
                Some(path),
            )?]
        }
        None => hosts::all_locations(&hosts_wanted, &project),
    };
    let mut listed = Vec::new();
    for location in locations {
        if !location.path.is_file() {
            continue;
        }
        let servers = std::fs::read_to_string(&location.path)
            .map_err(|e| e.to_string())
            .and_then(|text| {
                crate::configfile::Document::parse(&text, location.format(), &location.path)
                    .map_err(|e| e.message)
            })
            .and_then(|document| document.entries(&location.key_path));
        listed.push(Listed { location, servers });
    }
    let checks = if args.check {
        check_all(&listed, args.timeout)
    } else {
        Vec::new()
    };
    let broken_file = listed.iter().any(|l| l.servers.is_err());
    let failed_check = checks.iter().any(|(_, _, outcome)| outcome.is_err());
    if args.json {
        let files: Vec<Value> = listed
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let mut file = json!({
                    "host": l.location.host.id(),
                    "scope": l.location.scope.name(),
                    "path": l.location.path,
                });
                match &l.servers {
                    Ok(servers) => {
                        file["servers"] = servers
                            .iter()
                            .map(|(name, entry)| {
                                let mut server = json!({"name": name, "entry": entry});
                                if let Some((_, _, outcome)) =
                                    checks.iter().find(|(f, n, _)| *f == i && n == name)
                                {
                                    server["check"] = match outcome {
                                        Ok(detail) => json!({"ok": true, "detail": detail}),
                                        Err(error) => json!({"ok": false, "error": error}),
                                    };
                                }
                                server
                            })
                            .collect();
                    }
                    Err(error) => file["error"] = Value::String(error.clone()),
                }
                file
            })
            .collect();
        super::print_json(&json!({ "files": files }));
    } else {
        if listed.is_empty() {
            println!("no host config files found");
        }
        for (i, l) in listed.iter().enumerate() {
            anstream::println!(
                "{BOLD}{}{BOLD:#} {DIM}{}{DIM:#}",
                l.location.label(),
                l.location.path.display()
            );
            match &l.servers {
                Err(error) => anstream::println!("  {RED}cannot read it: {error}{RED:#}"),
                Ok(servers) if servers.is_empty() => anstream::println!("  {DIM}no servers{DIM:#}"),
                Ok(servers) => {
                    for (name, entry) in servers {
                        let what = match hosts::entry_target(entry) {
                            Ok(target) => describe(&target),
                            Err(why) => why,
                        };
                        let check = checks
                            .iter()
                            .find(|(f, n, _)| *f == i && n == name)
                            .map(|(_, _, outcome)| match outcome {
                                Ok(detail) => format!("  {GREEN}✓ {}{GREEN:#}", printable(detail)),
                                Err(error) => format!("  {RED}✗ {}{RED:#}", printable(error)),
                            })
                            .unwrap_or_default();
                        anstream::println!(
                            "  {CYAN}{}{CYAN:#}  {DIM}{}{DIM:#}{}",
                            printable(name),
                            printable(&what),
                            check
                        );
                    }
                }
            }
        }
    }
    Ok(if failed_check {
        ExitCode::from(Kind::Server.code())
    } else if broken_file {
        ExitCode::from(Kind::Environment.code())
    } else {
        ExitCode::SUCCESS
    })
}

fn describe(target: &Target) -> String {
    match target {
        Target::Stdio(launch) => launch.display(),
        Target::Remote(remote) => format!("{} ({})", remote.url, remote.transport.name()),
    }
}

type CheckOutcome = (usize, String, std::result::Result<String, String>);

/// Starts every listed server (four at a time) the way its host would, and lists its tools.
fn check_all(listed: &[Listed], timeout: f64) -> Vec<CheckOutcome> {
    let environment = HostEnvironment::typical();
    let mut jobs = Vec::new();
    for (i, l) in listed.iter().enumerate() {
        for (name, entry) in l.servers.as_ref().into_iter().flatten() {
            jobs.push((i, name.clone(), hosts::entry_target(entry)));
        }
    }
    block_on(async move {
        let limit = Arc::new(tokio::sync::Semaphore::new(4));
        let mut set = tokio::task::JoinSet::new();
        for (index, (i, name, target)) in jobs.into_iter().enumerate() {
            let limit = limit.clone();
            let environment = environment.clone();
            set.spawn(async move {
                let _permit = limit.acquire_owned().await;
                let outcome = match target {
                    Err(why) => Err(why),
                    Ok(target) => hostcheck::start_as_host(&name, &target, &environment, timeout)
                        .await
                        .map(|answer| answer.to_string())
                        .map_err(|e| e.lines().next().unwrap_or_default().to_owned()),
                };
                (index, (i, name, outcome))
            });
        }
        let mut out: Vec<(usize, CheckOutcome)> = Vec::new();
        while let Some(joined) = set.join_next().await {
            if let Ok(result) = joined {
                out.push(result);
            }
        }
        out.sort_by_key(|(index, _)| *index);
        out.into_iter().map(|(_, outcome)| outcome).collect()
    })
}
