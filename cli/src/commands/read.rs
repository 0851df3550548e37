//! `mcp read SPEC URI`: read one resource.

use std::process::ExitCode;

use base64::Engine;

use super::{Reach, print_json, split_positionals};
use crate::error::{CliError, Result, from_sdk};
use crate::ui::printable;

/// Arguments of `mcp read`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  mcp read server.py config://app
  mcp read server.py 'greeting://Ada'
  mcp read --json file:///tmp/x -- node build/index.js
  mcp read server.py image://logo > logo.png        (binary contents go to stdout when redirected)")]
pub struct Args {
    /// The server (left out when its command follows `--`) and the resource's URI.
    #[arg(value_name = "SPEC URI", required = true, num_args = 1..=2)]
    words: Vec<String>,
    /// The server's command line, instead of SPEC.
    #[arg(last = true, value_name = "COMMAND")]
    command: Vec<String>,
    /// Print the whole result as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    reach: Reach,
}

/// Runs `mcp read`.
pub fn run(args: Args) -> Result<ExitCode> {
    let (spec, rest) = split_positionals(&args.words, &args.command)?;
    let [uri] = rest.as_slice() else {
        return Err(CliError::usage("name exactly one resource URI").hint("mcp read SPEC URI"));
    };
    let result = args.reach.exchange(&spec, async |client, _| {
        client
            .read_resource(uri)
            .await
            .map_err(|e| from_sdk(&format!("resources/read {uri}"), e))
    })?;
    let value = serde_json::to_value(&result).unwrap_or_default();
    if args.json {
        print_json(&value);
        return Ok(ExitCode::SUCCESS);
    }
    for contents in value["contents"].as_array().into_iter().flatten() {
        if let Some(text) = contents["text"].as_str() {
            println!("{}", printable(text));
        } else if let Some(blob) = contents["blob"].as_str() {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(blob)
                .map_err(|e| CliError::server(format!("the resource's blob is not base64: {e}")))?;
            let what = contents["mimeType"].as_str().unwrap_or("binary");
            super::call::write_binary(&bytes, what)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
