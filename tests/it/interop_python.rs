//! Interop with the official Python SDK (`mcp` 2.3.0): its client drives our `lowlevel` example
//! in both protocol eras, over stdio, Streamable HTTP and the legacy HTTP+SSE transport; and our
//! client drives its high-level `MCPServer` over stdio and Streamable HTTP. Its client also reads
//! our MCP Apps example, declaring the extension or not.

use std::process::Command;
use std::sync::{Arc, Mutex};

use mcp::client::{CallOptions, Client};
use mcp::transport::stdio::{Stderr, StdioServerParameters};
use mcp::types::*;
use mcp_test_support::{Listening, example, peer_python, peer_script, run_ok};
use serde_json::{Value, json};

/// Runs the Python SDK client (`drive_server.py`) against our `lowlevel` example over stdio.
fn python_drives_lowlevel(version: &str) -> Value {
    let lowlevel = example("lowlevel").into_os_string();
    python_drives(version, &["--".into(), lowlevel])
}

/// Starts our `lowlevel` example serving Streamable HTTP at `/mcp` and legacy SSE at `/sse`.
fn lowlevel_over_http() -> Listening {
    Listening::start(
        Command::new(example("lowlevel")).args(["--http", "127.0.0.1:0"]),
        "lowlevel --http",
    )
}

/// Runs the Python SDK client against our `lowlevel` example at `url`, over `transport`
/// (`streamable-http` or `sse`).
fn python_drives_lowlevel_at(url: &str, transport: &str, version: &str) -> Value {
    python_drives(
        version,
        &[
            "--url".into(),
            url.into(),
            "--transport".into(),
            transport.into(),
        ],
    )
}

fn python_drives(version: &str, server: &[std::ffi::OsString]) -> Value {
    let out = run_ok(
        Command::new(peer_python())
            .arg(peer_script("drive_server.py"))
            .args(["--protocol-version", version])
            .args(["--get-prompt", r#"example-prompt={"arg1":"value"}"#])
            .args(["--call-tool", r#"tool-name={"arg1":"value"}"#])
            .args(["--call-tool", r#"query_db={"query":"b"}"#])
            .args([
                "--call-tool",
                r#"summarize={"text":"MCP connects models to tools."}"#,
            ])
            .args(["--read-all", "--list-templates"])
            .args(if version == "2026-07-28" {
                &["--discover"][..]
            } else {
                &[]
            })
            .args(server),
    );
    serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("drive_server.py printed no JSON ({e}):\n{out}"))
}

fn tool_text(report: &Value, name: &str) -> String {
    let result = report["tool_results"]
        .as_array()
        .expect("tool results")
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no result for {name}: {report:#}"));
    assert_ne!(
        result["result"]["isError"], true,
        "{name} failed: {result:#}"
    );
    result["result"]["content"][0]["text"]
        .as_str()
        .unwrap_or_else(|| panic!("{name} returned no text: {result:#}"))
        .to_owned()
}

fn check_lowlevel_report(report: &Value) {
    assert_eq!(
        report["server_info"]["name"], "example-server",
        "{report:#}"
    );
    assert_eq!(report["server_info"]["version"], "0.1.0");
    let caps = &report["capabilities"];
    for capability in ["tools", "prompts", "resources", "logging"] {
        assert!(
            caps.get(capability).is_some(),
            "capability {capability} missing: {caps}"
        );
    }

    let prompts: Vec<&str> = report["prompts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(prompts, ["example-prompt"]);
    assert_eq!(report["prompts"][0]["arguments"][0]["required"], true);
    let prompt = &report["prompt_results"][0]["result"];
    assert_eq!(prompt["messages"][0]["role"], "user");
    assert_eq!(
        prompt["messages"][0]["content"]["text"],
        "Example prompt text with arg1=value"
    );

    let tools: Vec<&str> = report["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tools, ["tool-name", "query_db", "summarize"]);
    assert_eq!(
        tool_text(report, "tool-name"),
        "tool-name received arg1=value"
    );
    assert_eq!(tool_text(report, "query_db"), "bob: editor");
    // The server asked the Python client's model for a completion and used its answer.
    assert_eq!(
        tool_text(report, "summarize"),
        "Summary (test-model): canned sampling answer"
    );
    let asked: Vec<&str> = report["server_requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["method"].as_str().unwrap())
        .collect();
    assert_eq!(asked, ["sampling/createMessage"]);

    // The tool's log message reached the client.
    let logs = report["log_messages"].as_array().unwrap();
    assert!(
        logs.iter()
            .any(|l| l["data"] == "tool-name called with value" && l["level"] == "info"),
        "{logs:?}"
    );

    let resources: Vec<&str> = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["uri"].as_str().unwrap())
        .collect();
    assert_eq!(resources, ["file://some/path"]);
    let read = &report["resource_reads"][0]["result"]["contents"][0];
    assert_eq!(read["text"], "Hello from the example resource");
    assert_eq!(read["mimeType"], "text/plain");
    assert_eq!(report["resource_templates"], json!([]));
}

#[test]
fn python_client_drives_lowlevel_over_the_handshake() {
    let report = python_drives_lowlevel("2025-11-25");
    assert_eq!(report["protocol_version"], "2025-11-25");
    assert_eq!(report["initialize_result"]["protocolVersion"], "2025-11-25");
    check_lowlevel_report(&report);
    // Handshake-era results carry no stateless-era fields.
    let result = &report["tool_results"][0]["result"];
    assert!(result.get("resultType").is_none(), "{result}");
}

#[test]
fn python_client_drives_lowlevel_statelessly() {
    let report = python_drives_lowlevel("2026-07-28");
    assert_eq!(report["protocol_version"], "2026-07-28");
    assert!(
        report.get("initialize_result").is_none_or(Value::is_null),
        "no handshake in 2026-07-28"
    );
    let discover = &report["discover"];
    assert_eq!(discover["supportedVersions"][0], "2026-07-28");
    assert_eq!(
        discover["_meta"]["io.modelcontextprotocol/serverInfo"]["name"],
        "example-server"
    );
    check_lowlevel_report(&report);
    let result = &report["tool_results"][0]["result"];
    assert_eq!(result["resultType"], "complete");
    assert_eq!(
        result["_meta"]["io.modelcontextprotocol/serverInfo"]["name"],
        "example-server"
    );
}

#[test]
fn python_client_drives_lowlevel_over_streamable_http_with_the_handshake() {
    let server = lowlevel_over_http();
    let report = python_drives_lowlevel_at(&server.url("/mcp"), "streamable-http", "2025-11-25");
    assert_eq!(report["protocol_version"], "2025-11-25");
    assert_eq!(report["initialize_result"]["protocolVersion"], "2025-11-25");
    // `summarize` asked the Python client for a completion on the POST's response stream.
    check_lowlevel_report(&report);
}

#[test]
fn python_client_drives_lowlevel_over_streamable_http_statelessly() {
    let server = lowlevel_over_http();
    let report = python_drives_lowlevel_at(&server.url("/mcp"), "streamable-http", "2026-07-28");
    assert_eq!(report["protocol_version"], "2026-07-28");
    assert!(report.get("initialize_result").is_none_or(Value::is_null));
    assert_eq!(
        report["discover"]["_meta"]["io.modelcontextprotocol/serverInfo"]["name"],
        "example-server"
    );
    // `summarize` asked for its completion through an input_required round trip.
    check_lowlevel_report(&report);
    assert_eq!(
        report["tool_results"][0]["result"]["resultType"],
        "complete"
    );
}

#[test]
fn python_client_picks_the_stateless_era_over_streamable_http() {
    let server = lowlevel_over_http();
    let report = python_drives_lowlevel_at(&server.url("/mcp"), "streamable-http", "auto");
    assert_eq!(report["protocol_version"], "2026-07-28");
    check_lowlevel_report(&report);
}

#[test]
fn python_client_drives_lowlevel_over_legacy_sse() {
    let server = lowlevel_over_http();
    let report = python_drives_lowlevel_at(&server.url("/sse"), "sse", "2024-11-05");
    assert_eq!(report["protocol_version"], "2024-11-05");
    assert_eq!(report["transport"], "sse");
    check_lowlevel_report(&report);
}

/// Starts the Python SDK's high-level server for our client.
fn python_highlevel() -> StdioServerParameters {
    StdioServerParameters::new(peer_python())
        .args([peer_script("highlevel_server.py")])
        .stderr(Stderr::Lines(Arc::new(|line: &str| {
            eprintln!("[python server] {line}")
        })))
}

#[derive(Default)]
struct Seen {
    sampling: Mutex<Vec<CreateMessageRequestParams>>,
    elicitations: Mutex<Vec<String>>,
    logs: Mutex<Vec<String>>,
}

/// How our client reaches the Python server.
enum Target<'a> {
    Stdio,
    Http(&'a str),
}

async fn connect(version: Option<ProtocolVersion>, seen: Arc<Seen>, target: Target<'_>) -> Client {
    let (s, e, l) = (seen.clone(), seen.clone(), seen);
    let mut builder = Client::builder()
        .on_sampling(move |params: CreateMessageRequestParams| {
            s.sampling.lock().unwrap().push(params);
            async {
                Ok(CreateMessageResult::text(
                    "rust-test-model",
                    "42 is the answer",
                ))
            }
        })
        .on_elicitation(move |params: ElicitRequestParams| {
            let message = match &params {
                ElicitRequestParams::Form(f) => f.message.clone(),
                ElicitRequestParams::Url(u) => u.message.clone(),
            };
            e.elicitations.lock().unwrap().push(message);
            async {
                Ok(ElicitResult::accept([(
                    "name",
                    ElicitValue::from("Ferris"),
                )]))
            }
        })
        .on_roots(|| async {
            Ok(ListRootsResult::new(vec![
                Root::new("file:///work/project").with_name("project"),
            ]))
        })
        .on_logging(move |message| l.logs.lock().unwrap().push(message.data.to_string()));
    if let Some(version) = version {
        builder = builder.protocol_version(version);
    }
    match target {
        Target::Stdio => builder.connect_stdio(python_highlevel()).await,
        Target::Http(url) => builder.connect_http(url).await,
    }
    .expect("connects to the Python server")
}

fn text(result: &CallToolResult) -> String {
    assert_ne!(result.is_error, Some(true), "tool failed: {result:?}");
    result.content[0]
        .as_text()
        .expect("a text result")
        .to_owned()
}

async fn drive_python_highlevel(version: Option<ProtocolVersion>) -> ProtocolVersion {
    drive_python_highlevel_at(version, Target::Stdio).await
}

async fn drive_python_highlevel_at(
    version: Option<ProtocolVersion>,
    target: Target<'_>,
) -> ProtocolVersion {
    let seen = Arc::new(Seen::default());
    let client = connect(version, seen.clone(), target).await;
    let negotiated = client.protocol_version();
    if let Some(version) = version {
        assert_eq!(negotiated, version);
    }
    if negotiated.is_stateless() || version.is_some() {
        assert_eq!(
            client.server_info().map(|i| i.name.as_str()),
            Some("python-highlevel")
        );
    }

    let mut tools: Vec<String> = client
        .list_all_tools()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    tools.sort();
    for expected in [
        "add",
        "echo",
        "sample",
        "sample_resolved",
        "ask_name",
        "list_client_roots",
        "long_task",
    ] {
        assert!(
            tools.iter().any(|t| t == expected),
            "{expected} missing from {tools:?}"
        );
    }

    let sum = client
        .call_tool("add", json!({"a": 20, "b": 22}))
        .await
        .unwrap();
    assert_eq!(text(&sum), "42");
    let echo = client
        .call_tool("echo", json!({"message": "hi there"}))
        .await
        .unwrap();
    assert_eq!(text(&echo), "hi there");

    // Sampling answered through our callback: a server request in the handshake era, an
    // input_required round trip in the stateless one.
    let sampled = client
        .call_tool("sample_resolved", json!({"prompt": "What is 6 x 7?"}))
        .await
        .unwrap();
    assert_eq!(text(&sampled), "42 is the answer");
    if !negotiated.is_stateless() {
        let sampled = client
            .call_tool("sample", json!({"prompt": "again"}))
            .await
            .unwrap();
        assert_eq!(text(&sampled), "42 is the answer");
    }
    let asked = seen.sampling.lock().unwrap().clone();
    assert!(!asked.is_empty());
    assert_eq!(
        asked[0].messages[0].content.as_text(),
        Some("What is 6 x 7?")
    );

    let greeting = client.call_tool("ask_name", json!({})).await.unwrap();
    assert_eq!(text(&greeting), "Hello, Ferris!");
    assert_eq!(seen.elicitations.lock().unwrap().len(), 1);

    let roots = client
        .call_tool("list_client_roots", json!({}))
        .await
        .unwrap();
    assert_eq!(text(&roots), "file:///work/project");

    let progress = Arc::new(Mutex::new(Vec::new()));
    let sink = progress.clone();
    let options = CallOptions::with_progress(move |p| sink.lock().unwrap().push(p.progress));
    let mut params = CallToolRequestParams::new("long_task");
    params.arguments = Some(json!({"steps": 3}).as_object().unwrap().clone());
    let done = client.call_tool_with(params, &options).await.unwrap();
    assert!(text(&done).contains('3'), "{done:?}");
    assert_eq!(*progress.lock().unwrap(), vec![1.0, 2.0, 3.0]);
    assert!(
        !seen.logs.lock().unwrap().is_empty(),
        "the server's log messages reached the client"
    );

    let resources = client.list_all_resources().await.unwrap();
    assert!(
        resources.iter().any(|r| r.uri == "config://app"),
        "{resources:?}"
    );
    let config = client.read_resource("config://app").await.unwrap();
    let ResourceContents::Text(config) = &config.contents[0] else {
        panic!("text expected")
    };
    assert!(
        serde_json::from_str::<Value>(&config.text).is_ok(),
        "{}",
        config.text
    );
    let templates = client.list_all_resource_templates().await.unwrap();
    assert!(
        templates
            .iter()
            .any(|t| t.uri_template == "greeting://{name}"),
        "{templates:?}"
    );
    let greeting = client.read_resource("greeting://World").await.unwrap();
    let ResourceContents::Text(greeting) = &greeting.contents[0] else {
        panic!("text expected")
    };
    assert_eq!(greeting.text, "Hello, World!");

    let prompts: Vec<String> = client
        .list_all_prompts()
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert!(
        prompts.contains(&"review_code".to_owned()) && prompts.contains(&"debug_error".to_owned()),
        "{prompts:?}"
    );
    let review = client
        .get_prompt("review_code", [("code", "x = 1")])
        .await
        .unwrap();
    assert!(
        review.messages[0]
            .content
            .as_text()
            .unwrap()
            .contains("x = 1")
    );
    let debug = client
        .get_prompt("debug_error", [("error", "boom")])
        .await
        .unwrap();
    assert!(debug.messages.len() >= 2, "{debug:?}");
    assert_eq!(debug.messages[1].role, Role::Assistant);

    client.ping().await.unwrap();
    client.close().await;
    negotiated
}

#[tokio::test(flavor = "multi_thread")]
async fn our_client_drives_the_python_server_over_the_handshake() {
    drive_python_highlevel(Some(ProtocolVersion::V2025_11_25)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn our_client_drives_the_python_server_statelessly() {
    drive_python_highlevel(Some(ProtocolVersion::V2026_07_28)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn our_client_picks_the_newest_version_the_python_server_offers() {
    assert_eq!(
        drive_python_highlevel(None).await,
        ProtocolVersion::V2026_07_28
    );
}

/// Starts the Python SDK's high-level server on Streamable HTTP.
fn python_highlevel_over_http(options: &[&str]) -> Listening {
    Listening::start(
        Command::new(peer_python())
            .arg(peer_script("highlevel_server.py"))
            .args(["--http", "0"])
            .args(options),
        "python highlevel --http",
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn our_client_drives_the_python_server_over_streamable_http_with_the_handshake() {
    let server = python_highlevel_over_http(&[]);
    drive_python_highlevel_at(
        Some(ProtocolVersion::V2025_11_25),
        Target::Http(&server.url("/mcp")),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn our_client_drives_the_python_server_over_streamable_http_statelessly() {
    let server = python_highlevel_over_http(&[]);
    drive_python_highlevel_at(
        Some(ProtocolVersion::V2026_07_28),
        Target::Http(&server.url("/mcp")),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn our_client_picks_the_newest_version_of_the_python_server_over_streamable_http() {
    let server = python_highlevel_over_http(&[]);
    assert_eq!(
        drive_python_highlevel_at(None, Target::Http(&server.url("/mcp"))).await,
        ProtocolVersion::V2026_07_28
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn our_client_reads_json_answers_of_a_stateless_python_server() {
    // stateless_http=True, json_response=True: no session, every answer one JSON object.
    let server = python_highlevel_over_http(&["--stateless", "--json-response"]);
    let client = Client::builder()
        .protocol_version(ProtocolVersion::V2025_11_25)
        .connect_http(&server.url("/mcp"))
        .await
        .expect("connects to the stateless Python server");
    let sum = client
        .call_tool("add", json!({"a": 1, "b": 2}))
        .await
        .unwrap();
    assert_eq!(text(&sum), "3");
    let tools = client.list_all_tools().await.unwrap();
    assert!(tools.iter().any(|t| t.name == "echo"), "{tools:?}");
    client.close().await;
}

/// The Python SDK client against our `apps` example (MCP Apps), declaring the extension when
/// `apps`: the report of `drive_server.py`.
fn python_drives_apps(version: &str, apps: bool) -> Value {
    let mut command = Command::new(peer_python());
    command
        .arg(peer_script("drive_server.py"))
        .args(["--protocol-version", version, "--read-all"])
        .args([
            "--call-tool",
            r##"check_contrast={"foreground":"#000000","background":"#ffffff"}"##,
        ]);
    if apps {
        command.args([
            "--advertise",
            r#"io.modelcontextprotocol/ui={"mimeTypes":["text/html;profile=mcp-app"]}"#,
        ]);
    }
    let out = run_ok(command.arg("--").arg(example("apps")));
    serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("drive_server.py printed no JSON ({e}):\n{out}"))
}

#[test]
fn python_client_sees_our_app_tools_and_views_in_both_eras() {
    for version in ["2025-11-25", "2026-07-28"] {
        for apps in [false, true] {
            let report = python_drives_apps(version, apps);
            let tools = report["tools"].as_array().expect("tools");
            let check = tools
                .iter()
                .find(|t| t["name"] == "check_contrast")
                .unwrap();
            assert_eq!(
                check["_meta"]["ui"]["resourceUri"], "ui://contrast/view.html",
                "{version}: {check:#}"
            );
            let adjust = tools
                .iter()
                .find(|t| t["name"] == "adjust_foreground")
                .unwrap();
            assert_eq!(adjust["_meta"]["ui"]["visibility"], json!(["app"]));
            let read = &report["resource_reads"]
                .as_array()
                .expect("resource reads")
                .iter()
                .find(|r| r["uri"] == "ui://contrast/view.html")
                .unwrap_or_else(|| panic!("{version}: the view was not read: {report:#}"))["result"]
                ["contents"][0];
            assert_eq!(read["mimeType"], "text/html;profile=mcp-app", "{read:#}");
            assert_eq!(
                read["_meta"]["ui"]["csp"]["resourceDomains"],
                json!(["https://fonts.gstatic.com"])
            );
            assert!(
                read["text"]
                    .as_str()
                    .unwrap()
                    .starts_with("<!doctype html>")
            );
            let text = tool_text(&report, "check_contrast");
            let expected = if apps {
                "21:1 (passes AAA); shown in the view"
            } else {
                "#000000 on #ffffff: contrast 21:1, passes AAA for normal text (AA needs 4.5:1, \
                 AAA 7:1)"
            };
            assert_eq!(text, expected, "{version}, advertised: {apps}");
        }
    }
}
