//! The `mcp` command: run, inspect, install and smoke-test Model Context Protocol servers.

mod bridge;
mod commands;
mod configfile;
mod connect;
mod error;
mod hostcheck;
mod hostenv;
mod hosts;
mod new;
mod oauth;
mod portability;
mod schema;
mod spec;
mod ui;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// The CLI's version and the protocol versions it speaks, for `--version`.
const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\nprotocol versions: 2026-07-28 (stateless), 2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05 (handshake)"
);

const AFTER_HELP: &str = "\
Server specs (SPEC), wherever a subcommand takes one:
  server.py[:object]     a Python file (run with uv, or python, and the MCP Python SDK)
  index.js, server.ts    a JavaScript (node) or TypeScript (tsx) file
  ./my-server            an executable; a Cargo project directory is built first
  https://host/mcp       a Streamable HTTP or SSE (…/sse) URL; -H 'NAME: VALUE', --bearer-token
  wss://host/ws          a WebSocket URL (subprotocol mcp); the same options
  NAME                   a server in --config FILE, .mcp.json or a host's config
  -- CMD ARGS...         any command line (instead of SPEC)

Exit codes: 0 success, 1 the server is broken (did not start, broke the protocol, failed a
check, returned an error), 2 usage error, 3 environment error (missing tool, unreadable
config file). `mcp run` exits with its server's exit code (as a bridge: 0 once stopped by its
input closing or a signal, 1 when the remote server went away).

Examples:
  mcp dev server.py                       inspect it in the browser, restarting it as you edit
  mcp check server.py                     smoke-test a server (CI: --json, --junit FILE)
  mcp tools -- npx -y @modelcontextprotocol/server-everything
  mcp call server.py add a=1 b=2          call one tool
  mcp call https://host/mcp add a=1 --bearer-token $TOKEN    the same on a remote server
  mcp run --transport http server.py      serve a stdio server at http://127.0.0.1:8000/mcp
  mcp install server.py -v API_KEY=abc    add it to Claude Desktop
  mcp install . --host cursor --scope project
  mcp list --check                        every configured server, and whether it starts
  mcp new weather --template python       a new server project (asks the rest on a terminal)";

/// The Model Context Protocol toolchain: run, inspect, install and smoke-test MCP servers.
#[derive(Debug, Parser)]
#[command(
    name = "mcp",
    version,
    long_version = LONG_VERSION,
    about,
    after_help = AFTER_HELP,
    propagate_version = true,
    max_term_width = 100
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a server on this terminal's stdin/stdout (what a host does), or bridge it:
    /// a stdio server onto HTTP, a URL onto stdio.
    Run(commands::run::Args),
    /// Inspect a server in the browser: a built-in inspector, restarting it as you edit.
    Dev(commands::dev::Args),
    /// Smoke-test a server: start, initialize, list everything, validate, ping, shut down.
    Check(commands::check::Args),
    /// Call one tool and print its result.
    Call(commands::call::Args),
    /// List a server's tools.
    Tools(commands::list_items::ToolsArgs),
    /// List a server's resources and resource templates.
    Resources(commands::list_items::ResourcesArgs),
    /// Read one resource.
    Read(commands::read::Args),
    /// List a server's prompts.
    Prompts(commands::list_items::PromptsArgs),
    /// Get one prompt, with its arguments.
    GetPrompt(commands::get_prompt::Args),
    /// List a server's skills, or fetch one with its files verified (the skills extension).
    Skills(commands::skills::Args),
    /// Add a server to a host's config (Claude Desktop by default).
    Install(commands::install::Args),
    /// Remove a server from a host's config.
    Uninstall(commands::uninstall::Args),
    /// List the servers in every host's config.
    List(commands::list::Args),
    /// Create a server project (Rust, Python or TypeScript) that builds, tests and passes
    /// `mcp check` as it is.
    New(commands::new::Args),
    /// Print a shell completion script.
    Completions(commands::completions::Args),
    /// Print the CLI's version and the protocol versions it speaks.
    Version(commands::version::Args),
    /// Run the demo server of `mcp dev` on stdin/stdout.
    #[command(hide = true)]
    DemoServer,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Version(args) => return commands::version::run(&args),
        Command::Completions(args) => {
            return commands::completions::run(&args, &mut Cli::command());
        }
        Command::Run(args) => return commands::run::run(args),
        Command::DemoServer => return commands::dev::demo_server(),
        Command::Dev(args) => commands::dev::run(args),
        Command::Check(args) => commands::check::run(args),
        Command::Call(args) => commands::call::run(args),
        Command::Tools(args) => commands::list_items::tools(args),
        Command::Resources(args) => commands::list_items::resources(args),
        Command::Read(args) => commands::read::run(args),
        Command::Prompts(args) => commands::list_items::prompts(args),
        Command::GetPrompt(args) => commands::get_prompt::run(args),
        Command::Skills(args) => commands::skills::run(args),
        Command::Install(args) => commands::install::run(args),
        Command::Uninstall(args) => commands::uninstall::run(args),
        Command::List(args) => commands::list::run(args),
        Command::New(args) => commands::new::run(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => error.report(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_long_version_lists_every_protocol_version() {
        for version in mcp::types::ProtocolVersion::ALL {
            assert!(LONG_VERSION.contains(version.as_str()), "{version} missing");
        }
    }

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
