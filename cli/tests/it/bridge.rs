//! `mcp run` as a bridge, both ways: the official Python SDK client talks Streamable HTTP, in
//! both protocol eras, to stdio servers through `mcp run --transport http`; our stdio client
//! reaches HTTP, SSE and WebSocket servers through `mcp run URL`.

use crate::common;

use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::{
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
fn our_stdio_client_reaches_a_websocket_server_through_mcp_run_url() {
    let server = common::lowlevel_over_websocket();
    let home = Home::new();
    let url = format!("ws://127.0.0.1:{}/ws", server.port);
    let report = check_json(&home, &["--", MCP, "run", &url]);
    assert_eq!(report["protocolVersion"], "2026-07-28");
    let output = home
        .mcp()
        .args(["call", "tool-name", "arg1=socket", "--", MCP, "run", &url])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).trim(), "tool-name received arg1=socket");
}

#[test]
fn mcp_run_falls_back_to_sse_when_a_streamable_http_url_is_a_legacy_server() {
    let server = lowlevel_over_http();
    let home = Home::new();
    // `"type": "http"` names the legacy endpoint as Streamable HTTP: its POST is refused, and
    // the bridge carries on over SSE at the same URL.
    home.write(
        "servers.json",
        &format!(
            r#"{{"mcpServers": {{"old": {{"type": "http", "url": "{}"}}}}}}"#,
            server.url("/sse")
        ),
    );
    let config = home.join("servers.json");
    let config = config.to_str().unwrap();
    let output = home
        .mcp()
        .args(["call", "tool-name", "arg1=fallback", "--"])
        .args([MCP, "run", "old", "--config", config])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).trim(), "tool-name received arg1=fallback");
    // Both eras: the handshake-era client reaches it too.
    let report = check_json(
        &home,
        &[
            "--protocol-version",
            "2025-06-18",
            "--",
            MCP,
            "run",
            "old",
            "--config",
            config,
        ],
    );
    assert_eq!(report["protocolVersion"], "2025-06-18");
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

/// The processes whose parent is `pid` (Linux: from /proc).
fn children_of(pid: u32) -> Vec<u32> {
    let mut children = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(child) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ppid …`: the command may hold spaces and parentheses.
        let after = &stat[stat.rfind(')').map_or(0, |at| at + 1)..];
        let parent = after.split_whitespace().nth(1).and_then(|p| p.parse().ok());
        if parent == Some(pid) {
            children.push(child);
        }
    }
    children
}

/// Waits up to 20 s for `pid` to have `count` children.
async fn wait_for_children(pid: u32, count: usize) -> Vec<u32> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let children = children_of(pid);
        if children.len() == count || Instant::now() > deadline {
            return children;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The next notification of `subscription`, within 10 s.
async fn next_note(subscription: &mut mcp::client::Subscription) -> mcp::types::ServerNotification {
    tokio::time::timeout(Duration::from_secs(10), subscription.next())
        .await
        .expect("a notification within 10 s")
        .expect("the subscription is open")
}

/// What the lowlevel example's `tool-name` answers to `arg`.
async fn tool_name(client: &mcp::client::Client, arg: &str) -> String {
    let result = client
        .call_tool("tool-name", serde_json::json!({ "arg1": arg }))
        .await
        .unwrap();
    serde_json::to_value(&result.content).unwrap()[0]["text"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn each_http_session_gets_a_child_of_its_own_stopped_when_the_session_ends() {
    use mcp::client::Client;
    use mcp::types::ProtocolVersion;

    let mut bridge = bridge("http", &[example("lowlevel").to_str().unwrap()]);
    let pid = bridge.child().id();
    let url = bridge.url("/mcp");
    runtime().block_on(async {
        // The shared child of stateless requests starts with the bridge.
        let shared = wait_for_children(pid, 1).await;
        assert_eq!(shared.len(), 1, "{shared:?}");
        let connect = || {
            Client::builder()
                .protocol_version(ProtocolVersion::V2025_11_25)
                .connect_http(&url)
        };
        let (a, b) = (connect().await.unwrap(), connect().await.unwrap());
        assert_eq!(tool_name(&a, "a").await, "tool-name received arg1=a");
        assert_eq!(tool_name(&b, "b").await, "tool-name received arg1=b");
        let all = wait_for_children(pid, 3).await;
        assert_eq!(all.len(), 3, "two sessions, two more children: {all:?}");

        // Closing a session sends DELETE: its child, and only its, is stopped.
        a.close().await;
        let left = wait_for_children(pid, 2).await;
        assert_eq!(left.len(), 2, "{left:?}");
        assert!(left.contains(&shared[0]), "{left:?}");
        assert_eq!(
            tool_name(&b, "still").await,
            "tool-name received arg1=still"
        );
        b.close().await;
        assert_eq!(wait_for_children(pid, 1).await, shared);
    });
}

#[test]
fn stateless_clients_get_their_logs_and_changes_from_the_shared_child() {
    use std::sync::{Arc, Mutex};

    use mcp::client::Client;
    use mcp::types::{LoggingLevel, ProtocolVersion, ServerNotification, SubscriptionFilter};

    let everything = example("everything");
    let bridge = bridge("http", &["--", everything.to_str().unwrap(), "--stdio"]);
    let url = bridge.url("/mcp");
    runtime().block_on(async {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let seen = logs.clone();
        let client = Client::builder()
            .protocol_version(ProtocolVersion::V2026_07_28)
            .log_level(LoggingLevel::Info)
            .on_logging(move |params| seen.lock().unwrap().push(params.data))
            .connect_http(&url)
            .await
            .unwrap();
        client
            .call_tool("test_tool_with_logging", serde_json::json!({}))
            .await
            .unwrap();
        let logs = logs.lock().unwrap().clone();
        assert_eq!(
            logs,
            [
                "Tool execution started",
                "Tool processing data",
                "Tool execution completed"
            ],
            "the child's log messages reach the request that asked for them"
        );

        let filter = SubscriptionFilter {
            tools_list_changed: Some(true),
            ..SubscriptionFilter::default()
        }
        .with_resource("test://watched-resource");
        let mut subscription = client.listen(filter).await.unwrap();
        client
            .call_tool("test_trigger_tool_change", serde_json::json!({}))
            .await
            .unwrap();
        let note = next_note(&mut subscription).await;
        assert!(
            matches!(note, ServerNotification::ToolListChanged(_)),
            "{note:?}"
        );
        client
            .call_tool("test_trigger_resource_update", serde_json::json!({}))
            .await
            .unwrap();
        // The tool was added and removed: a second list change may come first.
        let updated = loop {
            match next_note(&mut subscription).await {
                ServerNotification::ResourceUpdated(updated) => break updated,
                ServerNotification::ToolListChanged(_) => {}
                other => panic!("expected a resource update, got {other:?}"),
            }
        };
        assert_eq!(updated.params.uri, "test://watched-resource");
        client.close().await;
    });
}

#[test]
fn mcp_run_over_http_with_auth_refuses_requests_without_the_token() {
    let home = Home::new();
    let lowlevel = example("lowlevel").display().to_string();
    // A generated token, printed once.
    let server = bridge("http", &["--auth", &lowlevel]);
    let deadline = Instant::now() + Duration::from_secs(10);
    let token = loop {
        let found = server.stderr_lines().iter().find_map(|line| {
            let rest = line.split("Authorization: Bearer ").nth(1)?;
            Some(rest.split('`').next()?.to_owned())
        });
        match found {
            Some(token) => break token,
            None if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            None => panic!("no token printed: {:?}", server.stderr_lines()),
        }
    };
    assert_eq!(token.len(), 64, "{token}");
    let url = server.url("/mcp");
    let check = |extra: &[&str]| {
        home.mcp()
            .args(["check", &url, "--timeout", "10"])
            .args(extra)
            .output()
            .unwrap()
    };
    let refused = check(&[]);
    assert_eq!(refused.status.code(), Some(1), "{}", stdout(&refused));
    assert!(
        stdout(&refused).contains("Unauthorized"),
        "{}",
        stdout(&refused)
    );
    // The token with its last digit changed (not always to `0`: the token may end in one).
    let last = if token.ends_with('0') { '1' } else { '0' };
    let wrong = check(&["--bearer-token", &format!("{}{last}", &token[..63])]);
    assert_eq!(wrong.status.code(), Some(1), "{}", stdout(&wrong));
    home.write("token", &format!("{token}\n"));
    let passed = check(&["--bearer-token-file", "token"]);
    assert!(passed.status.success(), "{}", stdout(&passed));
    // The legacy SSE endpoint is behind the same token.
    drop(server);
    let server = bridge(
        "sse",
        &[
            "--auth",
            "--auth-token-file",
            home.join("token").to_str().unwrap(),
            &lowlevel,
        ],
    );
    assert!(
        !server.stderr_lines().iter().any(|l| l.contains(&token)),
        "a given token is never printed"
    );
    let sse = server.url("/sse");
    let refused = home
        .mcp()
        .args(["check", &sse, "--timeout", "10"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    let passed = home
        .mcp()
        .args([
            "check",
            &sse,
            "--timeout",
            "10",
            "--bearer-token-file",
            "token",
        ])
        .output()
        .unwrap();
    assert!(passed.status.success(), "{}", stdout(&passed));
}

#[test]
fn sessions_past_the_cap_get_503_and_start_no_process() {
    use mcp::client::Client;
    use mcp::types::ProtocolVersion;

    let mut bridge = bridge(
        "sse",
        &["--max-sessions", "2", example("lowlevel").to_str().unwrap()],
    );
    let pid = bridge.child().id();
    let url = bridge.url("/mcp");
    let sse = bridge.url("/sse");
    runtime().block_on(async {
        assert_eq!(wait_for_children(pid, 1).await.len(), 1, "the shared child");
        let connect = || {
            Client::builder()
                .protocol_version(ProtocolVersion::V2025_11_25)
                .connect_http(&url)
        };
        let (a, b) = (connect().await.unwrap(), connect().await.unwrap());
        assert_eq!(tool_name(&a, "a").await, "tool-name received arg1=a");
        assert_eq!(tool_name(&b, "b").await, "tool-name received arg1=b");
        assert_eq!(wait_for_children(pid, 3).await.len(), 3);
        // A third session, over either transport, is refused and starts nothing.
        let error = connect().await.unwrap_err().to_string();
        assert!(
            error.contains("503") || error.contains("sessions are open"),
            "{error}"
        );
        let response = raw_get(&sse);
        assert!(response.starts_with("HTTP/1.1 503"), "{response}");
        assert_eq!(children_of(pid).len(), 3);
        // Once a session ends, a new one is taken.
        a.close().await;
        assert_eq!(wait_for_children(pid, 2).await.len(), 2);
        let c = connect().await.unwrap();
        assert_eq!(tool_name(&c, "c").await, "tool-name received arg1=c");
    });
}

/// A plain GET of `url` (an SSE endpoint), its status line and headers.
fn raw_get(url: &str) -> String {
    use std::io::{Read, Write};
    let address = url.trim_start_matches("http://");
    let (host, path) = address.split_once('/').unwrap();
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let mut head = vec![0u8; 512];
    let read = stream.read(&mut head).unwrap_or(0);
    String::from_utf8_lossy(&head[..read]).into_owned()
}

/// A raw initialize POST to `port` on 127.0.0.1 with these Host and Origin headers; the status.
fn initialize_with_host(port: u16, host: &str, origin: Option<&str>) -> u16 {
    use std::io::{Read, Write};
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let origin = origin
        .map(|origin| format!("Origin: {origin}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "POST /mcp HTTP/1.1\r\nHost: {host}\r\n{origin}Content-Type: application/json\r\n\
         Accept: application/json, text/event-stream\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).unwrap();
    let status = String::from_utf8_lossy(&head[9..12]).into_owned();
    status.parse().unwrap()
}

#[test]
fn a_bridge_on_a_public_interface_refuses_a_rebound_host() {
    let server = bridge(
        "http",
        &[
            "--host",
            "0.0.0.0",
            "--server-name",
            "mcp.example.test",
            example("lowlevel").to_str().unwrap(),
        ],
    );
    let port = server.port;
    // What a page on rebind.example sends once its name resolves to this machine.
    let rebound = format!("rebind.example:{port}");
    assert_eq!(
        initialize_with_host(port, &rebound, Some(&format!("http://{rebound}"))),
        403
    );
    assert_eq!(initialize_with_host(port, &rebound, None), 403);
    // IP literals (loopback or not), localhost and the names given are answered.
    for host in [
        format!("127.0.0.1:{port}"),
        format!("127.0.0.2:{port}"),
        format!("192.0.2.7:{port}"),
        format!("[::1]:{port}"),
        format!("localhost:{port}"),
        format!("mcp.example.test:{port}"),
    ] {
        assert_eq!(initialize_with_host(port, &host, None), 200, "Host: {host}");
    }
}
