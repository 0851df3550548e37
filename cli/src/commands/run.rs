//! `mcp run SPEC`: run a server the way a host would.
//!
//! Over stdio (the default) the server gets this process's stdin, stdout and stderr unchanged:
//! on Unix `mcp` replaces itself with the server (`exec`), so there is no process in between,
//! signals reach the server directly and its exit code is the exit code. Elsewhere the server is
//! a child whose exit code is passed on.
//!
//! `--transport http|sse` serves a stdio server over Streamable HTTP (both protocol eras), and
//! with `sse` the legacy HTTP+SSE transport too, on `--host:--port` (see
//! [`crate::bridge::stdio_on_http`]); a URL given as SPEC is served on this process's stdio
//! (see [`crate::bridge::remote_on_stdio`]).

use std::process::{Command, ExitCode};

use super::{ServerArg, block_on, resolve};
use crate::bridge::remote_on_stdio;
use crate::bridge::stdio_on_http::{self, Listen};
use crate::bridge::token_auth::TokenAuth;
use crate::error::{CliError, Result};
use crate::spec::{Launch, SpecArgs, Target};

/// The transport `mcp run` serves on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Serve {
    /// This process's stdin and stdout.
    Stdio,
    /// Streamable HTTP at http://HOST:PORT/mcp.
    #[value(alias = "streamable-http")]
    Http,
    /// The legacy HTTP+SSE transport at http://HOST:PORT/sse, beside Streamable HTTP at /mcp.
    Sse,
}

/// Arguments of `mcp run`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Over HTTP, each client session gets a server process of its own (started at its first request
after initialize, stopped when the session ends); stateless (2026-07-28) requests share one.
At most --max-sessions sessions are open at once (legacy SSE streams included): the next one
gets 503 until one ends.
Ctrl-C or SIGTERM stops the listener and every server process.

By default the server listens on 127.0.0.1, reachable from this machine only. Binding another
address (--host 0.0.0.0) lets anyone who can reach the port use every tool the server has, with
your files and credentials: pass --auth so that each request must carry a bearer token (it is
generated and printed, or read from --auth-token-file or MCP_RUN_AUTH_TOKEN), and keep the port
behind a firewall or a TLS proxy. On such an address requests are answered when their Host is an
IP address, localhost, or a name given with --server-name; any other name is refused (403), as
a DNS rebinding attack from a web page would send it.

Examples:
  mcp run server.py                      what a host runs (stdin/stdout are the protocol)
  mcp run server.py:app --with pandas    a Python server object, with an extra package (uv)
  mcp run ./my-crate                     build a Cargo project and run its binary
  mcp run --transport http --port 8000 server.py     serve it at http://127.0.0.1:8000/mcp
  mcp run --transport sse -- npx -y @modelcontextprotocol/server-everything
  mcp run --transport http --host 0.0.0.0 --auth server.py     reachable from the network
  mcp run -t http --host 0.0.0.0 --auth --server-name mcp.example.com server.py     and by name
  mcp run https://mcp.example.com/mcp --bearer-token $TOKEN   a remote server on stdio")]
pub struct Args {
    #[command(flatten)]
    server: ServerArg,
    /// The transport to serve the server on.
    #[arg(short, long, value_enum, default_value = "stdio")]
    transport: Serve,
    /// The address to listen on, for --transport http|sse.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// The port to listen on, for --transport http|sse (0: any free port; it is printed).
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// A name clients reach the listener by (`mcp.example.com`, or `name:port`), besides IP
    /// addresses and localhost; other Host headers are refused. Repeatable.
    #[arg(long = "server-name", value_name = "NAME")]
    server_names: Vec<String>,
    /// How many client sessions may be open at once over HTTP, each with a server process of
    /// its own; the next one gets 503.
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..))]
    max_sessions: u16,
    /// Require `Authorization: Bearer TOKEN` on every HTTP request (the token is generated and
    /// printed, unless given by --auth-token-file or MCP_RUN_AUTH_TOKEN).
    #[arg(long)]
    auth: bool,
    /// Read the token of --auth from this file (its first line).
    #[arg(long, value_name = "FILE", requires = "auth")]
    auth_token_file: Option<std::path::PathBuf>,
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
    if args.auth && args.transport == Serve::Stdio {
        return Err(CliError::usage("--auth protects an HTTP listener")
            .hint("add --transport http (or sse)"));
    }
    match (&resolved.target, args.transport) {
        (Target::Stdio(launch), Serve::Stdio) => run_stdio(launch),
        (Target::Remote(remote), Serve::Stdio) => block_on(remote_on_stdio::serve(remote)),
        (Target::Stdio(launch), transport) => {
            let auth = if args.auth {
                Some(TokenAuth::load(args.auth_token_file.as_deref())?)
            } else {
                None
            };
            let listen = Listen {
                host: args.host.clone(),
                port: args.port,
                legacy_sse: transport == Serve::Sse,
                max_sessions: usize::from(args.max_sessions),
                server_names: args.server_names.clone(),
                auth,
            };
            block_on(stdio_on_http::serve(launch, listen))
        }
        (Target::Remote(remote), _) => Err(CliError::usage(format!(
            "{} is already a remote server; `mcp run` bridges a URL to stdio only",
            remote.url
        ))
        .hint("drop --transport to serve it on this process's stdin/stdout")),
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
