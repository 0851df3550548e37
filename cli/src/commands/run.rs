//! `mcp run SPEC`: run a server the way a host would.
//!
//! Over stdio (the default) the server gets this process's stdin, stdout and stderr unchanged:
//! on Unix `mcp` replaces itself with the server (`exec`), so there is no process in between,
//! signals reach the server directly and its exit code is the exit code. Elsewhere the server is
//! a child whose exit code is passed on.
//!
//! `--transport http|sse` serves a stdio server over Streamable HTTP or SSE on `--host:--port`,
//! and a URL given as SPEC is bridged to stdio; both need the SDK's HTTP transports, which this
//! build does not have yet, and say so.

use std::process::{Command, ExitCode};

use super::{ServerArg, resolve};
use crate::connect::remote_unavailable;
use crate::error::{CliError, Result};
use crate::spec::{Launch, SpecArgs, Target};

/// The transport `mcp run` serves on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Serve {
    /// This process's stdin and stdout.
    Stdio,
    /// Streamable HTTP on --host:--port.
    #[value(alias = "streamable-http")]
    Http,
    /// The legacy HTTP+SSE transport on --host:--port.
    Sse,
}

/// Arguments of `mcp run`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  mcp run server.py                      what a host runs (stdin/stdout are the protocol)
  mcp run server.py:app --with pandas    a Python server object, with an extra package (uv)
  mcp run ./my-crate                     build a Cargo project and run its binary
  mcp run --transport http --port 8000 server.py")]
pub struct Args {
    #[command(flatten)]
    server: ServerArg,
    /// The transport to serve the server on.
    #[arg(short, long, value_enum, default_value = "stdio")]
    transport: Serve,
    /// The address to listen on, for --transport http|sse.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// The port to listen on, for --transport http|sse.
    #[arg(long, default_value_t = 8000)]
    port: u16,
    #[command(flatten)]
    spec: SpecArgs,
}

/// Runs `mcp run`; the exit code is the server's.
pub fn run(args: Args) -> ExitCode {
    match serve(&args) {
        Ok(code) => code,
        Err(error) => error.report(),
    }
}

fn serve(args: &Args) -> Result<ExitCode> {
    let spec = args.server.spec()?;
    let resolved = resolve(&spec, &args.spec)?;
    match (&resolved.target, args.transport) {
        (Target::Stdio(launch), Serve::Stdio) => run_stdio(launch),
        (Target::Remote(remote), Serve::Stdio) => Err(remote_unavailable(remote)),
        (Target::Stdio(_), transport) => Err(CliError::environment(format!(
            "serving over {} on {}:{} needs the SDK's HTTP server transport, which this build \
             of mcp does not have yet",
            if transport == Serve::Sse {
                "SSE"
            } else {
                "Streamable HTTP"
            },
            args.host,
            args.port
        ))
        .hint("run it over stdio (the default) for now")),
        (Target::Remote(remote), _) => Err(CliError::usage(format!(
            "{} is already a remote server; `mcp run` bridges it to stdio only",
            remote.url
        ))),
    }
}

fn command(launch: &Launch) -> Command {
    let mut command = Command::new(&launch.program);
    command.args(&launch.args).envs(&launch.env);
    if let Some(cwd) = &launch.cwd {
        command.current_dir(cwd);
    }
    command
}

#[cfg(unix)]
fn run_stdio(launch: &Launch) -> Result<ExitCode> {
    use std::os::unix::process::CommandExt;
    // Only returns when the program could not be started.
    let error = command(launch).exec();
    Err(
        CliError::environment(format!("cannot start `{}`: {error}", launch.display()))
            .hint("check that the program exists and is executable"),
    )
}

#[cfg(not(unix))]
fn run_stdio(launch: &Launch) -> Result<ExitCode> {
    let status = command(launch)
        .status()
        .map_err(|e| CliError::environment(format!("cannot start `{}`: {e}", launch.display())))?;
    Ok(ExitCode::from(
        status.code().map_or(1, |c| u8::try_from(c).unwrap_or(1)),
    ))
}
