//! `mcp check SPEC`: the CI smoke-run.
//!
//! Starts the server, connects (the newest protocol version it offers, or `--protocol-version`),
//! lists its tools, resources, resource templates and prompts (every page), calls the tools
//! named with `--call`, pings it, closes its input and expects it to exit by itself, and
//! validates every message it sent against the official schema of the negotiated version. Each
//! step has a time limit (`--timeout`). With `--strict` it also checks that hosts can offer the
//! tools to models: every name and input schema against the model vendors' tool formats
//! ([`crate::portability`]). The views of MCP Apps the tools name are read and checked as a host
//! would before rendering them ([`apps`]). The report is text by default, JSON with `--json`, and JUnit XML in
//! `--junit FILE` as well.
//!
//! Exit code 0 when every step passed, 1 when the server failed one, 2 for a usage error, 3 when
//! something around the server is missing (see `mcp --help`).

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mcp::client::CallOptions;
use mcp::types::CallToolRequestParams;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{ServerArg, block_on, print_json};
use crate::connect::{self, ConnectArgs, Direction};
use crate::error::{CliError, Kind, Result};
use crate::portability::{self, Severity, Vendor};
use crate::schema::Validator;
use crate::spec::{self, Purpose, SpecArgs};
use crate::ui::Ui;

mod apps;
mod output;

use output::{junit, print_text};

/// Arguments of `mcp check`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  mcp check server.py
  mcp check ./my-crate --call add='{\"a\": 1, \"b\": 2}' --call ping_tool
  mcp check --json --junit report.xml -- node build/index.js
  mcp check --protocol-version 2025-06-18 ./target/release/my-server
  mcp check --strict server.py                 (tool names and schemas every model vendor takes)
  mcp check --strict --vendor openai-strict,anthropic server.py

Exit codes: 0 all steps passed, 1 the server failed a step, 2 usage error, 3 environment error.")]
pub struct Args {
    #[command(flatten)]
    server: ServerArg,
    /// Also call this tool, with arguments as a JSON object (repeatable).
    #[arg(long = "call", value_name = "TOOL[=JSON]")]
    calls: Vec<String>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Also write the report as JUnit XML to FILE.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Also check that hosts can offer the tools to models: each name and input schema against
    /// the tool formats of the model vendors (--vendor), with a fix for every problem; errors
    /// fail the check.
    #[arg(long)]
    strict: bool,
    /// The vendors' tool formats --strict checks against (comma-separated; default openai,
    /// anthropic, gemini).
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "VENDOR",
        requires = "strict"
    )]
    vendor: Vec<Vendor>,
    #[command(flatten)]
    spec: SpecArgs,
    #[command(flatten)]
    connect: ConnectArgs,
}

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Status {
    Passed,
    Failed,
    Skipped,
}

/// One step of the check.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Step {
    name: String,
    status: Status,
    duration_ms: u64,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// The whole report.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    spec: String,
    command: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    server: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    protocol_version: Option<String>,
    passed: bool,
    duration_ms: u64,
    messages: usize,
    steps: Vec<Step>,
    /// The tools' portability, with `--strict`.
    #[serde(skip_serializing_if = "Option::is_none")]
    portability: Option<portability::Report>,
}

struct Steps {
    steps: Vec<Step>,
}

impl Steps {
    fn push(&mut self, name: &str, started: Instant, outcome: std::result::Result<String, String>) {
        let duration_ms = started.elapsed().as_millis() as u64;
        self.steps.push(match outcome {
            Ok(detail) => Step {
                name: name.to_owned(),
                status: Status::Passed,
                duration_ms,
                detail,
                error: None,
            },
            Err(error) => Step {
                name: name.to_owned(),
                status: Status::Failed,
                duration_ms,
                detail: String::new(),
                error: Some(error),
            },
        });
    }

    fn skip(&mut self, name: &str, why: &str) {
        self.steps.push(Step {
            name: name.to_owned(),
            status: Status::Skipped,
            duration_ms: 0,
            detail: why.to_owned(),
            error: None,
        });
    }
}

/// Runs a step's future under the time limit.
async fn timed<T>(
    limit: Duration,
    future: impl Future<Output = mcp::Result<T>>,
) -> std::result::Result<T, String> {
    match tokio::time::timeout(limit, future).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no answer within {:.1} s", limit.as_secs_f64())),
    }
}

fn parse_call(text: &str) -> Result<(String, Map<String, Value>)> {
    let (name, arguments) = match text.split_once('=') {
        Some((name, json)) => {
            let arguments = match serde_json::from_str::<Value>(json) {
                Ok(Value::Object(map)) => map,
                _ => {
                    return Err(CliError::usage(format!(
                        "--call {text}: the arguments after `=` must be a JSON object"
                    ))
                    .hint("e.g. --call add='{\"a\": 1, \"b\": 2}'"));
                }
            };
            (name, arguments)
        }
        None => (text, Map::new()),
    };
    Ok((name.to_owned(), arguments))
}

fn names<'a>(items: impl Iterator<Item = &'a str>, count: usize) -> String {
    let listed: Vec<&str> = items.take(6).collect();
    let more = if count > listed.len() { ", ..." } else { "" };
    if listed.is_empty() {
        String::new()
    } else {
        format!(": {}{more}", listed.join(", "))
    }
}

fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// Runs `mcp check`.
pub fn run(args: Args) -> Result<ExitCode> {
    let spec = args.server.spec()?;
    let calls: Vec<(String, Map<String, Value>)> = args
        .calls
        .iter()
        .map(|c| parse_call(c))
        .collect::<Result<_>>()?;
    let ui = Ui::new(args.connect.quiet);
    let started = Instant::now();
    let mut steps = Steps { steps: Vec::new() };
    let resolved = match spec::resolve(&spec, &args.spec, Purpose::Run) {
        Ok(resolved) => resolved,
        Err(e) if e.kind == Kind::Server => {
            steps.push("build", started, Err(e.message));
            let report = finish(
                &args,
                &spec.to_string(),
                String::new(),
                None,
                None,
                0,
                steps,
                started,
            );
            return output(&args, &report);
        }
        Err(e) => return Err(e),
    };
    let limit = args.connect.step_timeout();
    let mut portable = None;
    let (server, version, messages) = block_on(async {
        let at = Instant::now();
        let connection = match connect::connect(&resolved, &args.connect, &ui, true).await {
            Ok(connection) => connection,
            Err(e) if e.kind == Kind::Server => {
                steps.push("initialize", at, Err(e.message));
                return Ok((None, None, 0));
            }
            Err(e) => return Err(e),
        };
        let client = &connection.client;
        let version = client.protocol_version();
        let server = client
            .server_info()
            .map(|i| serde_json::to_value(i).unwrap_or_default());
        let who = client
            .server_info()
            .map(|i| format!("{} {}", i.name, i.version))
            .unwrap_or_else(|| "a server that did not say its name".to_owned());
        steps.push("initialize", at, Ok(format!("{who}, protocol {version}")));
        let capabilities = client.server_capabilities().clone();

        let mut tools = None;
        if capabilities.tools.is_some() {
            let at = Instant::now();
            let result = timed(limit, client.list_all_tools()).await;
            steps.push(
                "tools/list",
                at,
                result
                    .as_ref()
                    .map(|t| {
                        format!(
                            "{}{}",
                            plural(t.len(), "tool"),
                            names(t.iter().map(|t| t.name.as_str()), t.len())
                        )
                    })
                    .map_err(Clone::clone),
            );
            tools = result.ok();
        } else {
            steps.skip("tools/list", "the server offers no tools");
        }
        if args.strict {
            portable = Some(portability_step(&mut steps, tools.as_deref(), &args.vendor));
        }
        if let Some(tools) = &tools {
            apps::step(&mut steps, client, tools, limit).await;
        }
        if capabilities.resources.is_some() {
            let at = Instant::now();
            let result = timed(limit, client.list_all_resources()).await;
            steps.push(
                "resources/list",
                at,
                result.map(|r| {
                    format!(
                        "{}{}",
                        plural(r.len(), "resource"),
                        names(r.iter().map(|r| r.uri.as_str()), r.len())
                    )
                }),
            );
            let at = Instant::now();
            let result = timed(limit, client.list_all_resource_templates()).await;
            steps.push(
                "resources/templates/list",
                at,
                result.map(|t| {
                    let values: Vec<Value> = t
                        .iter()
                        .map(|t| serde_json::to_value(t).unwrap_or_default())
                        .collect();
                    format!(
                        "{}{}",
                        plural(t.len(), "template"),
                        names(
                            values
                                .iter()
                                .map(|v| v["uriTemplate"].as_str().unwrap_or_default()),
                            t.len()
                        )
                    )
                }),
            );
        } else {
            steps.skip("resources/list", "the server offers no resources");
            steps.skip("resources/templates/list", "the server offers no resources");
        }
        if capabilities.prompts.is_some() {
            let at = Instant::now();
            let result = timed(limit, client.list_all_prompts()).await;
            steps.push(
                "prompts/list",
                at,
                result.map(|p| {
                    format!(
                        "{}{}",
                        plural(p.len(), "prompt"),
                        names(p.iter().map(|p| p.name.as_str()), p.len())
                    )
                }),
            );
        } else {
            steps.skip("prompts/list", "the server offers no prompts");
        }
        for (name, arguments) in &calls {
            let step = format!("tools/call {name}");
            let at = Instant::now();
            if let Some(tools) = &tools
                && !tools.iter().any(|t| t.name == *name)
            {
                steps.push(&step, at, Err(format!("the server lists no tool `{name}`")));
                continue;
            }
            let mut params = CallToolRequestParams::new(name.as_str());
            params.arguments = Some(arguments.clone());
            let progress_ui = ui.clone();
            let options = CallOptions {
                on_progress: Some(Arc::new(move |p| progress_ui.progress(&p))),
                timeout: Some(limit),
                reset_timeout_on_progress: true,
            };
            let result = timed(limit, client.call_tool_with(params, &options)).await;
            ui.finish_progress();
            steps.push(
                &step,
                at,
                result.and_then(|r| {
                    let text: Vec<&str> = r.content.iter().filter_map(|c| c.as_text()).collect();
                    let text = text.join(" ");
                    let short: String = text.chars().take(80).collect();
                    if r.is_error == Some(true) {
                        Err(format!("the tool reported an error: {text}"))
                    } else {
                        Ok(format!(
                            "{} content block(s){}",
                            r.content.len(),
                            if short.is_empty() {
                                String::new()
                            } else {
                                format!(": {short}")
                            }
                        ))
                    }
                }),
            );
        }
        let at = Instant::now();
        let result = timed(limit, client.ping()).await;
        steps.push("ping", at, result.map(|()| String::new()));

        let recording = connection.recording.clone();
        let at = Instant::now();
        let shutdown = connection.close(limit).await;
        let status = shutdown
            .status
            .map(|s| s.to_string())
            .unwrap_or_else(|| "gone".into());
        let outcome = match (shutdown.exited_by_itself, shutdown.status) {
            (true, Some(s)) if s.success() => {
                Ok("exited by itself once its input closed".to_owned())
            }
            (true, None) => Ok("closed".to_owned()),
            (true, Some(_)) => Err(format!("exited with {status} once its input closed")),
            (false, _) => Err(format!(
                "did not exit within {:.1} s of its input closing; it was stopped with a signal ({status})",
                limit.as_secs_f64()
            )),
        };
        steps.push("shutdown", at, outcome);

        let at = Instant::now();
        let recorded = recording.map(|r| r.messages()).unwrap_or_default();
        let mut methods: HashMap<String, String> = HashMap::new();
        let mut incoming = Vec::new();
        for (direction, bytes) in &recorded {
            let value: Value = match serde_json::from_slice(bytes) {
                Ok(v) => v,
                Err(e) => {
                    if *direction == Direction::Incoming {
                        incoming.push(Err(e.to_string()));
                    }
                    continue;
                }
            };
            match direction {
                Direction::Outgoing => {
                    if let (Some(id), Some(method)) = (value.get("id"), value["method"].as_str()) {
                        methods.insert(id.to_string(), method.to_owned());
                    }
                }
                Direction::Incoming => incoming.push(Ok(value)),
            }
        }
        let mut validator = Validator::new(version);
        let mut problems = Vec::new();
        for message in &incoming {
            match message {
                Ok(value) => {
                    for violation in validator
                        .validate_incoming(value, |id| methods.get(&id.to_string()).cloned())
                    {
                        problems.push(format!(
                            "{} is not a valid {}: {}",
                            violation.message,
                            violation.definition,
                            violation.errors.join("; ")
                        ));
                    }
                }
                Err(e) => problems.push(format!("a message is not JSON: {e}")),
            }
        }
        let outcome = if problems.is_empty() {
            Ok(format!(
                "{} valid against the {} schema",
                plural(incoming.len(), "message"),
                validator.version()
            ))
        } else {
            Err(problems.join("\n"))
        };
        steps.push("schema", at, outcome);
        Ok((server, Some(version.to_string()), incoming.len()))
    })?;
    let mut report = finish(
        &args,
        &spec.to_string(),
        resolved.describe(),
        server,
        version,
        messages,
        steps,
        started,
    );
    report.portability = portable.flatten();
    output(&args, &report)
}

/// The `portability` step of `--strict`: the tools against the vendors' formats. Gives the
/// report, when there were tools to check.
fn portability_step(
    steps: &mut Steps,
    tools: Option<&[mcp::types::Tool]>,
    vendors: &[Vendor],
) -> Option<portability::Report> {
    let Some(tools) = tools else {
        steps.skip("portability", "no tools to check");
        return None;
    };
    let at = Instant::now();
    let vendors = if vendors.is_empty() {
        Vendor::DEFAULT.to_vec()
    } else {
        vendors.to_vec()
    };
    let listed: Vec<Value> = tools
        .iter()
        .map(|t| serde_json::to_value(t).unwrap_or_default())
        .collect();
    let report = portability::check(&listed, &vendors);
    let names: Vec<&str> = report.vendors.iter().map(|v| v.name()).collect();
    let outcome = if report.errors == 0 {
        Ok(format!(
            "{} fit {}{}",
            plural(report.tools, "tool"),
            names.join(", "),
            match report.warnings {
                0 => String::new(),
                n => format!(" ({})", plural(n, "warning")),
            }
        ))
    } else {
        let errors: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(finding_line)
            .collect();
        Err(format!(
            "{} for {}:\n{}",
            plural(report.errors, "error"),
            names.join(", "),
            errors.join("\n")
        ))
    };
    steps.push("portability", at, outcome);
    Some(report)
}

/// One finding on one line: the tool, the rule, where, what, for whom, and the fix.
fn finding_line(finding: &portability::Finding) -> String {
    let vendors: Vec<&str> = finding.vendors.iter().map(|v| v.name()).collect();
    format!(
        "{} {}: {} at {} ({}); fix: {}",
        finding.tool,
        finding.rule,
        finding.message,
        finding.path,
        vendors.join(", "),
        finding.fix
    )
}

#[allow(clippy::too_many_arguments)]
fn finish(
    _args: &Args,
    spec: &str,
    command: String,
    server: Option<Value>,
    protocol_version: Option<String>,
    messages: usize,
    steps: Steps,
    started: Instant,
) -> Report {
    let passed = steps.steps.iter().all(|s| s.status != Status::Failed);
    Report {
        spec: spec.to_owned(),
        command,
        server,
        protocol_version,
        passed,
        duration_ms: started.elapsed().as_millis() as u64,
        messages,
        steps: steps.steps,
        portability: None,
    }
}

fn output(args: &Args, report: &Report) -> Result<ExitCode> {
    if let Some(path) = &args.junit {
        std::fs::write(path, junit(report)).map_err(|e| {
            CliError::environment(format!(
                "cannot write the JUnit report {}: {e}",
                path.display()
            ))
        })?;
    }
    if args.json {
        print_json(report);
    } else {
        print_text(report);
    }
    Ok(if report.passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(Kind::Server.code())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn calls_parse_names_and_json_objects() {
        assert_eq!(parse_call("ping").unwrap(), ("ping".to_owned(), Map::new()));
        let (name, args) = parse_call("add={\"a\": 1}").unwrap();
        assert_eq!(name, "add");
        assert_eq!(Value::Object(args), json!({"a": 1}));
        assert!(parse_call("add=[1]").is_err());
    }
}
