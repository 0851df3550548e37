//! `mcp call SPEC TOOL key=value...`: call one tool and print its result.
//!
//! `key=value` arguments are typed by the tool's input schema: a string property takes the
//! value as it is, any other property parses it as JSON (`n=3`, `flag=true`, `tags=["a"]`).
//! `--args '{...}'` gives the whole argument object instead. `--load` calls it many times and
//! reports throughput, latency and errors instead ([`load`]). `--task` lets the server run the
//! call as a task and follows it ([`task`]).

mod load;
mod task;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use base64::Engine;
use mcp::client::CallOptions;
use mcp::types::CallToolRequestParams;
use mcp::types::extensions::apps::UiToolMeta;
use serde_json::{Map, Value};

use super::{Reach, key_values, print_json, split_positionals};
use crate::error::{CliError, Result, from_sdk};
use crate::ui::{CYAN, DIM, Ui, printable};

/// Arguments of `mcp call`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  mcp call server.py add a=1 b=2
  mcp call server.py greet --args '{\"name\": \"Ada\", \"tags\": [\"x\"]}'
  mcp call --json echo message=hi -- python server.py
  mcp call ./target/release/srv long_task steps=10     (progress is shown on stderr)
  mcp call https://host/mcp whoami --client-id bot --client-secret-file secret.txt --dpop
  mcp call --load --concurrency 8 --requests 10000 server.py echo message=hi
  mcp call --load --rate 200 --duration 30 --json https://host/mcp search q=rust
  mcp call --task server.py slow_compute seconds=30   (the task's status on stderr; Ctrl-C cancels)")]
pub struct Args {
    /// The server (left out when its command follows `--`), the tool, and its arguments.
    #[arg(value_name = "SPEC TOOL [KEY=VALUE]", required = true, num_args = 1..)]
    words: Vec<String>,
    /// The server's command line, instead of SPEC.
    #[arg(last = true, value_name = "COMMAND")]
    command: Vec<String>,
    /// The tool's arguments as one JSON object, instead of KEY=VALUE words.
    #[arg(long = "args", value_name = "JSON")]
    arguments: Option<String>,
    /// Print the whole result as JSON.
    #[arg(long)]
    json: bool,
    /// Let the server run the call as a task (the tasks extension): its status is shown on
    /// stderr until it ends, then its result is printed; Ctrl-C cancels it.
    #[arg(long, conflicts_with = "load")]
    task: bool,
    #[command(flatten)]
    load: load::LoadArgs,
    #[command(flatten)]
    reach: Reach,
}

/// What the exchange with the server gave.
enum Outcome {
    /// The tool's result.
    Called(mcp::types::CallToolResult),
    /// The figures of `--load`.
    Loaded(load::LoadReport),
}

/// Runs `mcp call`.
pub fn run(args: Args) -> Result<ExitCode> {
    let (spec, rest) = split_positionals(&args.words, &args.command)?;
    let (tool, pairs) = rest.split_first().ok_or_else(|| {
        CliError::usage("no tool named").hint("mcp call SPEC TOOL [KEY=VALUE]...")
    })?;
    let pairs = key_values(pairs, "tool arguments")?;
    let given = match &args.arguments {
        Some(text) => {
            if !pairs.is_empty() {
                return Err(CliError::usage(
                    "give the arguments as KEY=VALUE or --args, not both",
                ));
            }
            match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(map)) => Some(map),
                Ok(_) => return Err(CliError::usage("--args must be a JSON object")),
                Err(e) => {
                    return Err(CliError::usage(format!("--args is not valid JSON: {e}")));
                }
            }
        }
        None => None,
    };
    let timeout = args.reach.connect().step_timeout();
    // Under load, a line per call from the server would drown the figures.
    let reach = if args.load.load {
        args.reach.quietly()
    } else {
        args.reach.clone()
    };
    let outcome = reach.exchange(&spec, async |client, ui| {
        let tools = client
            .list_all_tools()
            .await
            .map_err(|e| from_sdk("tools/list", e))?;
        let Some(found) = tools.iter().find(|t| t.name == *tool) else {
            let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
            return Err(CliError::usage(format!(
                "the server has no tool `{tool}`; it has: {}",
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                }
            )));
        };
        let view = UiToolMeta::of(found);
        let schema = serde_json::to_value(found).unwrap_or_default()["inputSchema"].clone();
        let arguments = match given {
            Some(map) => map,
            None => typed_arguments(&pairs, &schema)?,
        };
        if args.load.load {
            let report = load::run(client, tool, arguments, &args.load, timeout).await?;
            return Ok(Outcome::Loaded(report));
        }
        let mut params = CallToolRequestParams::new(tool.as_str());
        params.arguments = Some(arguments);
        let progress_ui = ui.clone();
        let options = CallOptions {
            on_progress: Some(Arc::new(move |p| progress_ui.progress(&p))),
            timeout: Some(timeout),
            reset_timeout_on_progress: true,
        };
        if args.task {
            return task::call(client, ui, params, &options)
                .await
                .map(Outcome::Called);
        }
        let result = client.call_tool_with(params, &options).await;
        ui.finish_progress();
        if let Some(view) = &view {
            ui.note(&format!(
                "`{tool}` has an MCP App view, {}: `mcp read` prints it, `mcp dev` renders it",
                printable(&view.resource_uri)
            ));
        }
        result
            .map(Outcome::Called)
            .map_err(|e| from_sdk(&format!("tools/call {tool}"), e))
    })?;
    let result = match outcome {
        Outcome::Called(result) => result,
        Outcome::Loaded(report) => {
            if args.json {
                print_json(&report);
            } else {
                load::print(&report);
            }
            if report.failed > 0 {
                return Ok(ExitCode::from(crate::error::Kind::Server.code()));
            }
            return Ok(ExitCode::SUCCESS);
        }
    };
    let value = serde_json::to_value(&result).unwrap_or_default();
    let failed = result.is_error == Some(true);
    if args.json {
        print_json(&value);
    } else {
        print_content(&value);
    }
    if failed {
        Ui::new(false).note(&format!("the tool `{tool}` reported an error"));
        return Ok(ExitCode::from(crate::error::Kind::Server.code()));
    }
    Ok(ExitCode::SUCCESS)
}

/// Types `KEY=VALUE` pairs by the input schema's properties.
pub fn typed_arguments(pairs: &[(String, String)], schema: &Value) -> Result<Map<String, Value>> {
    let mut out = Map::new();
    for (key, text) in pairs {
        let property = &schema["properties"][key];
        let types: Vec<&str> = match &property["type"] {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let value = if types.contains(&"string") {
            Value::String(text.clone())
        } else {
            match serde_json::from_str::<Value>(text) {
                Ok(value) => value,
                Err(_) if types.is_empty() => Value::String(text.clone()),
                Err(_) => {
                    return Err(CliError::usage(format!(
                        "`{key}={text}`: the tool wants {} for `{key}`, and `{text}` is not one",
                        types.join(" or ")
                    ))
                    .hint("write JSON for non-string arguments: n=3, flag=true, list='[1,2]'"));
                }
            }
        };
        out.insert(key.clone(), value);
    }
    Ok(out)
}

/// Prints content blocks for a person: text as it is, other blocks as one line each;
/// structured content as JSON when there is no text.
pub fn print_content(result: &Value) {
    let blocks = result["content"].as_array().cloned().unwrap_or_default();
    let mut printed_text = false;
    for block in &blocks {
        match block["type"].as_str().unwrap_or_default() {
            "text" => {
                println!("{}", printable(block["text"].as_str().unwrap_or_default()));
                printed_text = true;
            }
            "image" | "audio" => {
                let bytes = block["data"]
                    .as_str()
                    .and_then(|d| base64::engine::general_purpose::STANDARD.decode(d).ok())
                    .map_or(0, |b| b.len());
                anstream::println!(
                    "{DIM}[{} {}, {bytes} bytes]{DIM:#}",
                    printable(block["type"].as_str().unwrap_or_default()),
                    printable(block["mimeType"].as_str().unwrap_or("?"))
                );
            }
            "resource_link" => anstream::println!(
                "{DIM}[link]{DIM:#} {CYAN}{}{CYAN:#} {}",
                printable(block["uri"].as_str().unwrap_or_default()),
                printable(block["name"].as_str().unwrap_or_default())
            ),
            "resource" => {
                let resource = &block["resource"];
                match resource["text"].as_str() {
                    Some(text) => {
                        anstream::println!(
                            "{DIM}[resource {}]{DIM:#}",
                            printable(resource["uri"].as_str().unwrap_or_default())
                        );
                        println!("{}", printable(text));
                        printed_text = true;
                    }
                    None => anstream::println!(
                        "{DIM}[resource {}, binary]{DIM:#}",
                        printable(resource["uri"].as_str().unwrap_or_default())
                    ),
                }
            }
            other => println!("[{}] {}", printable(other), printable(&block.to_string())),
        }
    }
    if !printed_text && let Some(structured) = result.get("structuredContent") {
        println!(
            "{}",
            printable(&serde_json::to_string_pretty(structured).unwrap_or_default())
        );
    }
    let _ = std::io::stdout().flush();
}

/// Writes binary data to stdout unless it is a terminal.
pub fn write_binary(bytes: &[u8], what: &str) -> Result<()> {
    let mut stdout = std::io::stdout();
    if stdout.is_terminal() {
        anstream::println!(
            "{DIM}[{what}, {} bytes: redirect stdout to a file to save it, or use --json]{DIM:#}",
            bytes.len()
        );
        return Ok(());
    }
    stdout
        .write_all(bytes)
        .map_err(|e| CliError::environment(format!("cannot write to stdout: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn arguments_follow_the_schema() {
        let schema = json!({"properties": {
            "n": {"type": "integer"}, "s": {"type": "string"}, "o": {"type": ["string", "null"]}
        }});
        let pairs = |p: &[(&str, &str)]| -> Vec<(String, String)> {
            p.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let args = typed_arguments(
            &pairs(&[("n", "3"), ("s", "3"), ("o", "x"), ("free", "[1]")]),
            &schema,
        )
        .unwrap();
        assert_eq!(
            Value::Object(args),
            json!({"n": 3, "s": "3", "o": "x", "free": [1]})
        );
        assert!(typed_arguments(&pairs(&[("n", "three")]), &schema).is_err());
        let args = typed_arguments(&pairs(&[("free", "plain words")]), &schema).unwrap();
        assert_eq!(args["free"], "plain words");
    }
}
