//! `mcp get-prompt SPEC NAME key=value...`: get one prompt with its arguments.

use std::process::ExitCode;

use super::{Reach, key_values, print_json, split_positionals};
use crate::error::{CliError, Result, from_sdk};
use crate::ui::{BOLD, DIM, printable};

/// Arguments of `mcp get-prompt`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  mcp get-prompt server.py review_code code='print(1)'
  mcp get-prompt --json debug_error error=boom -- python server.py")]
pub struct Args {
    /// The server (left out when its command follows `--`), the prompt, and its arguments.
    #[arg(value_name = "SPEC NAME [KEY=VALUE]", required = true, num_args = 1..)]
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

/// Runs `mcp get-prompt`.
pub fn run(args: Args) -> Result<ExitCode> {
    let (spec, rest) = split_positionals(&args.words, &args.command)?;
    let (name, pairs) = rest.split_first().ok_or_else(|| {
        CliError::usage("no prompt named").hint("mcp get-prompt SPEC NAME [KEY=VALUE]...")
    })?;
    let pairs = key_values(pairs, "prompt arguments")?;
    let result = args.reach.exchange(&spec, async |client, _| {
        client
            .get_prompt(name, pairs)
            .await
            .map_err(|e| from_sdk(&format!("prompts/get {name}"), e))
    })?;
    let value = serde_json::to_value(&result).unwrap_or_default();
    if args.json {
        print_json(&value);
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(description) = value["description"].as_str() {
        anstream::println!("{DIM}{}{DIM:#}", printable(description));
    }
    for message in value["messages"].as_array().into_iter().flatten() {
        anstream::println!(
            "{BOLD}{}:{BOLD:#}",
            printable(message["role"].as_str().unwrap_or("?"))
        );
        let content = &message["content"];
        let wrapped = serde_json::json!({ "content": [content] });
        super::call::print_content(&wrapped);
    }
    Ok(ExitCode::SUCCESS)
}
