//! `mcp run` as a bridge, both ways: the official Python SDK client talks Streamable HTTP, in
//! both protocol eras, to stdio servers through `mcp run --transport http`; our stdio client
//! reaches HTTP and SSE servers through `mcp run URL`.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{
    Home, Listening, example, lowlevel_over_http, peer_python, python_over_http, python_server,
    repo_root, stderr, stdout,
};
use serde_json::Value;

const MCP: &str = env!("CARGO_BIN_EXE_mcp");

/// `mcp run --transport TRANSPORT --port 0 ARGS...`, once it listens.
fn bridge(transport: &str, args: &[&str]) -> Listening {
    Listening::start(
        Command::new(MCP)
            .args(["run", "--transport", transport, "--port", "0"])
            .args(args),
        &format!("mcp run --transport {transport}"),
    )
}

/// The Python SDK's high-level server behind `mcp run --transport http`.
fn python_behind_bridge() -> Listening {
    let python = peer_python();
    let server = python_server();
    bridge(
        "http",
        &[
            "--python",
            python.to_str().unwrap(),
            server.to_str().unwrap(),
        ],
    )
}

/// Runs tests/peers/python/drive_server.py (the official Python SDK client) against `url`.
fn drive(url: &str, version: &str, extra: &[&str]) -> Value {
    let output = Command::new(peer_python())
        .arg(repo_root().join("tests/peers/python/drive_server.py"))
        .args(["--protocol-version", version, "--url", url])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the Python client failed ({:?}):\n{}",
        output.status,
        stderr(&output)
    );
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(&output)))
}

fn tool_result<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["tool_results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no result for {name} in {report:#}"))
}

fn text_of(result: &Value) -> String {
    result["result"]["content"][0]["text"]
        .as_str()
        .unwrap_or_else(|| panic!("no text in {result:#}"))
        .to_owned()
}

#[test]
fn the_python_client_reaches_a_stdio_server_over_http_in_the_handshake_era() {
    let bridge = python_behind_bridge();
    let report = drive(
        &bridge.url("/mcp"),
        "2025-11-25",
        &[
            "--call-tool",
            r#"add={"a": 2, "b": 3}"#,
            "--call-tool",
            r#"long_task={"steps": 3}"#,
            "--call-tool",
            r#"sample={"prompt": "hello"}"#,
            "--call-tool",
            "ask_name={}",
            "--call-tool",
            "list_client_roots={}",
            "--get-prompt",
            r#"review_code={"code": "x = 1"}"#,
            "--read-resource",
            "greeting://bridge",
            "--list-templates",
        ],
    );
    assert_eq!(report["protocol_version"], "2025-11-25", "{report:#}");
    assert_eq!(report["server_info"]["name"], "python-highlevel");
    assert_eq!(text_of(tool_result(&report, "add")), "5");

    // Progress and log messages of the child reach the HTTP client, under its own token.
    let long = tool_result(&report, "long_task");
    assert_eq!(long["progress"].as_array().unwrap().len(), 3, "{long:#}");
    assert_eq!(long["progress"][2]["message"], "step 3 of 3");
    assert!(
        !long["log_messages"].as_array().unwrap().is_empty(),
        "{long:#}"
    );

    // The child's requests to its client go to the HTTP client and back.
    let sample = tool_result(&report, "sample");
    assert_eq!(
        sample["server_requests"],
        serde_json::json!(["sampling/createMessage"])
    );
    assert!(
        text_of(sample).contains("canned sampling answer"),
        "{sample:#}"
    );
    let ask = tool_result(&report, "ask_name");
    assert_eq!(
        ask["server_requests"],
        serde_json::json!(["elicitation/create"])
    );
    assert!(text_of(ask).starts_with("Hello, "), "{ask:#}");
    let roots = tool_result(&report, "list_client_roots");
    assert_eq!(roots["server_requests"], serde_json::json!(["roots/list"]));
    assert!(
        text_of(roots).contains("file:///tmp/mcp-test-root"),
        "{roots:#}"
    );

    assert!(
        report["prompt_results"][0]["result"]["messages"][0]["content"]["text"]
            .as_str()
            .unwrap()
            .contains("x = 1")
    );
    assert_eq!(
        report["resource_reads"][0]["result"]["contents"][0]["text"],
        "Hello, bridge!"
    );
    let templates = report["resource_templates"].as_array().unwrap();
    assert!(
        templates
            .iter()
            .any(|t| t["uriTemplate"] == "greeting://{name}")
    );
}

#[test]
fn the_python_client_reaches_a_stdio_server_over_http_in_the_stateless_era() {
    let bridge = python_behind_bridge();
    let report = drive(
        &bridge.url("/mcp"),
        "2026-07-28",
        &[
            "--discover",
            "--call-tool",
            r#"add={"a": 20, "b": 22}"#,
            "--call-tool",
            r#"long_task={"steps": 2}"#,
            "--get-prompt",
            r#"review_code={"code": "y = 2"}"#,
            "--read-resource",
            "config://app",
        ],
    );
    assert_eq!(report["protocol_version"], "2026-07-28", "{report:#}");
    assert_eq!(
        report["discover"]["_meta"]["io.modelcontextprotocol/serverInfo"]["name"],
        "python-highlevel"
    );
    assert_eq!(text_of(tool_result(&report, "add")), "42");
    let long = tool_result(&report, "long_task");
    assert_eq!(long["progress"].as_array().unwrap().len(), 2, "{long:#}");
    assert!(
        report["prompt_results"][0]["result"]["messages"][0]["content"]["text"]
            .as_str()
            .unwrap()
            .contains("y = 2")
    );
    assert!(report["resource_reads"][0]["result"]["contents"][0]["text"].is_string());
}

#[test]
fn our_example_behind_the_bridge_serves_legacy_sse_and_stops_on_sigterm() {
    let mut bridge = bridge("sse", &[example("lowlevel").to_str().unwrap()]);
    let report = drive(
        &bridge.url("/sse"),
        "2024-11-05",
        &[
            "--transport",
            "sse",
            "--call-tool",
            r#"tool-name={"arg1": "over sse"}"#,
        ],
    );
    assert_eq!(report["server_info"]["name"], "example-server");
    assert_eq!(
        text_of(tool_result(&report, "tool-name")),
        "tool-name received arg1=over sse"
    );

    let pid = nix::unistd::Pid::from_raw(bridge.child().id() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = bridge.child().try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "mcp run did not stop within 15 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
}

fn check_json(home: &Home, args: &[&str]) -> Value {
    let output = home
        .mcp()
        .args(["check", "--json"])
        .args(args)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", stdout(&output), stderr(&output)));
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    assert_eq!(report["passed"], true, "{report:#}");
    report
}

#[test]
fn our_stdio_client_reaches_an_http_server_through_mcp_run_url() {
    let server = lowlevel_over_http();
    let home = Home::new();
    let url = server.url("/mcp");
    let report = check_json(
        &home,
        &[
            "--call",
            r#"tool-name={"arg1": "x"}"#,
            "--",
            MCP,
            "run",
            &url,
        ],
    );
    assert_eq!(report["protocolVersion"], "2026-07-28");
    assert_eq!(report["server"]["name"], "example-server");
    let report = check_json(
        &home,
        &["--protocol-version", "2025-11-25", "--", MCP, "run", &url],
    );
    assert_eq!(report["protocolVersion"], "2025-11-25");

    let output = home
        .mcp()
        .args(["call", "tool-name", "arg1=bridged", "--", MCP, "run"])
        .arg(server.url("/sse"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).trim(), "tool-name received arg1=bridged");
}

#[test]
fn our_stdio_client_reaches_the_python_sdk_server_through_mcp_run_url() {
    let server = python_over_http();
    let home = Home::new();
    let output = home
        .mcp()
        .args(["call", "add", "a=1", "b=2", "--", MCP, "run"])
        .arg(server.url("/mcp"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).trim(), "3");
}

#[test]
fn a_url_cannot_be_served_over_http() {
    let home = Home::new();
    let output = home
        .mcp()
        .args(["run", "--transport", "http", "http://127.0.0.1:9/mcp"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("already a remote server"),
        "{}",
        stderr(&output)
    );
}
