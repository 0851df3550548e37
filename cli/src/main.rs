//! The `mcp` command: run, inspect, install and smoke-test Model Context Protocol servers.

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The CLI's version and the protocol versions it speaks, for `--version`.
const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\nprotocol versions: 2026-07-28 (stateless), 2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05 (handshake)"
);

/// The Model Context Protocol toolchain.
#[derive(Debug, Parser)]
#[command(name = "mcp", version, long_version = LONG_VERSION, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the CLI's version and the protocol versions it speaks.
    Version(commands::version::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Version(args) => commands::version::run(&args),
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
}
