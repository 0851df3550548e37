//! `mcp version`: the CLI's version and the protocol versions it speaks.

use std::process::ExitCode;

use mcp::types::{Era, ProtocolVersion};

/// Arguments of `mcp version`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Prints the versions.
pub fn run(args: &Args) -> ExitCode {
    let mut versions = ProtocolVersion::ALL.to_vec();
    versions.reverse();
    if args.json {
        let protocol: Vec<_> = versions
            .iter()
            .map(|v| {
                serde_json::json!({
                    "version": v.as_str(),
                    "era": match v.era() { Era::Handshake => "handshake", Era::Stateless => "stateless" },
                })
            })
            .collect();
        let doc = serde_json::json!({
            "cli": env!("CARGO_PKG_VERSION"),
            "protocolVersions": protocol,
            "latest": ProtocolVersion::LATEST.as_str(),
        });
        println!("{doc:#}");
    } else {
        println!("mcp {}", env!("CARGO_PKG_VERSION"));
        println!("protocol versions (newest first):");
        for v in versions {
            let era = match v.era() {
                Era::Handshake => "handshake era: initialize, sessions",
                Era::Stateless => "stateless era: per-request _meta, server/discover",
            };
            println!("  {v}  {era}");
        }
    }
    ExitCode::SUCCESS
}
