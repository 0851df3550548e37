//! Remote servers: `mcp check`, `mcp call` and the listing subcommands against servers reached
//! over Streamable HTTP (both protocol eras) and the legacy HTTP+SSE transport: our `lowlevel`
//! example, the Python SDK's server and the TypeScript server-everything. Headers from the
//! command line and from config files reach the server.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use crate::common::{
    Home, lowlevel_over_http, lowlevel_over_websocket, ok, python_over_http,
    server_everything_over, stderr, stdout,
};
use serde_json::Value;

fn check_json(home: &Home, args: &[&str]) -> (i32, Value) {
    let output = home
        .mcp()
        .arg("check")
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", stdout(&output), stderr(&output)));
    (output.status.code().unwrap(), report)
}

fn assert_passed(code: i32, report: &Value) {
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["passed"], true, "{report:#}");
    let failed: Vec<&Value> = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "failed")
        .collect();
    assert!(failed.is_empty(), "failed steps: {failed:#?}");
}

#[test]
fn check_and_call_our_example_over_streamable_http_in_both_eras() {
    let server = lowlevel_over_http();
    let home = Home::new();
    let url = server.url("/mcp");
    let (code, report) = check_json(&home, &[&url, "--call", "tool-name={\"arg1\": \"x\"}"]);
    assert_passed(code, &report);
    assert_eq!(report["protocolVersion"], "2026-07-28");
    assert_eq!(report["server"]["name"], "example-server");
    let (code, report) = check_json(&home, &[&url, "--protocol-version", "2025-11-25"]);
    assert_passed(code, &report);
    assert_eq!(report["protocolVersion"], "2025-11-25");

    let text = ok(home
        .mcp()
        .args(["call", &url, "tool-name", "arg1=over-http"])
        .output()
        .unwrap());
    assert_eq!(text.trim(), "tool-name received arg1=over-http");
    let text = ok(home.mcp().args(["prompts", &url]).output().unwrap());
    assert!(text.contains("example-prompt"), "{text}");
    let text = ok(home.mcp().args(["resources", &url]).output().unwrap());
    assert!(text.contains("file://some/path"), "{text}");
}

#[test]
fn check_and_call_our_example_over_legacy_sse() {
    let server = lowlevel_over_http();
    let home = Home::new();
    let url = server.url("/sse");
    let (code, report) = check_json(&home, &[&url]);
    assert_passed(code, &report);
    let text = ok(home
        .mcp()
        .args(["call", &url, "tool-name", "arg1=over-sse"])
        .output()
        .unwrap());
    assert_eq!(text.trim(), "tool-name received arg1=over-sse");
}

#[test]
fn check_and_call_the_python_sdk_server_over_streamable_http() {
    let server = python_over_http();
    let home = Home::new();
    let url = server.url("/mcp");
    let (code, report) = check_json(&home, &[&url, "--call", "add={\"a\": 2, \"b\": 3}"]);
    assert_passed(code, &report);
    assert_eq!(report["server"]["name"], "python-highlevel");
    let text = ok(home
        .mcp()
        .args(["call", &url, "add", "a=2", "b=40"])
        .output()
        .unwrap());
    assert_eq!(text.trim(), "42");
    let text = ok(home
        .mcp()
        .args(["read", &url, "greeting://http"])
        .output()
        .unwrap());
    assert_eq!(text.trim(), "Hello, http!");
    let text = ok(home
        .mcp()
        .args(["get-prompt", &url, "review_code", "code=x = 1"])
        .output()
        .unwrap());
    assert!(text.contains("x = 1"), "{text}");
}

#[test]
fn check_and_call_server_everything_over_streamable_http() {
    let server = server_everything_over("streamableHttp");
    let home = Home::new();
    let url = server.url("/mcp");
    let (code, report) = check_json(&home, &[&url, "--call", "echo={\"message\": \"hi\"}"]);
    assert_passed(code, &report);
    assert_eq!(report["protocolVersion"], "2025-11-25");
    let text = ok(home
        .mcp()
        .args(["call", &url, "echo", "message=over http"])
        .output()
        .unwrap());
    assert!(text.contains("over http"), "{text}");
    let text = ok(home.mcp().args(["tools", &url]).output().unwrap());
    assert!(text.contains("get-sum"), "{text}");
}

#[test]
fn a_streamable_http_url_that_is_an_sse_server_falls_back_to_sse() {
    // Named as Streamable HTTP (`"type": "http"`), server-everything's SSE endpoint answers the
    // POST with 404/405: the client falls back to the legacy transport at the same URL.
    let server = server_everything_over("sse");
    let home = Home::new();
    home.write(
        "servers.json",
        &format!(
            r#"{{"mcpServers": {{"old": {{"type": "http", "url": "{}"}}}}}}"#,
            server.url("/sse")
        ),
    );
    let text = ok(home
        .mcp()
        .args([
            "call",
            "old",
            "echo",
            "message=legacy",
            "--config",
            "servers.json",
        ])
        .output()
        .unwrap());
    assert!(text.contains("legacy"), "{text}");
}

/// Accepts one HTTP request, answers it 401 and returns its header lines, lowercased.
fn capture_headers() -> (u16, std::thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let line = line.trim_end().to_owned();
            if line.is_empty() {
                break;
            }
            headers.push(line.to_ascii_lowercase());
        }
        let mut stream = stream;
        let _ = stream.write_all(
            b"HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
        );
        headers
    });
    (port, handle)
}

#[test]
fn headers_and_tokens_reach_the_server() {
    let home = Home::new();
    let (port, seen) = capture_headers();
    let output = home
        .mcp()
        .args(["tools", &format!("http://127.0.0.1:{port}/mcp")])
        .args(["-H", "X-Team: tools", "--bearer-token", "s3cr3t"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!("could not connect to http://127.0.0.1:{port}/mcp")),
        "{}",
        stderr(&output)
    );
    let headers = seen.join().unwrap();
    assert!(headers.contains(&"x-team: tools".to_owned()), "{headers:?}");
    assert!(
        headers.contains(&"authorization: bearer s3cr3t".to_owned()),
        "{headers:?}"
    );

    // A token kept out of `ps`: from a file, or from the environment.
    home.write("token.txt", "from-file\n");
    for (flags, env) in [
        (vec!["--bearer-token-file", "token.txt"], None),
        (vec![], Some("from-env")),
    ] {
        let (port, seen) = capture_headers();
        let mut command = home.mcp();
        command
            .args(["tools", &format!("http://127.0.0.1:{port}/mcp")])
            .args(&flags);
        if let Some(token) = env {
            command.env("MCP_BEARER_TOKEN", token);
        }
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        let expected = format!("authorization: bearer {}", env.unwrap_or("from-file"));
        let headers = seen.join().unwrap();
        assert!(headers.contains(&expected), "{headers:?}");
    }

    // The same from an mcpServers entry with `url` and `headers`.
    let (port, seen) = capture_headers();
    home.write(
        "servers.json",
        &format!(
            r#"{{"mcpServers": {{"remote": {{"type": "http", "url": "http://127.0.0.1:{port}/mcp",
                "headers": {{"Authorization": "Bearer from-config"}}}}}}}}"#
        ),
    );
    let output = home
        .mcp()
        .args(["tools", "remote", "--config", "servers.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let headers = seen.join().unwrap();
    assert!(
        headers.contains(&"authorization: bearer from-config".to_owned()),
        "{headers:?}"
    );
}

#[test]
fn headers_are_refused_for_a_local_server() {
    let home = Home::new();
    let output = home
        .mcp()
        .args(["tools", "-H", "X: y", "--", "sh", "-c", "exit 0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("apply to remote servers"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_unreachable_url_says_so() {
    let home = Home::new();
    // A port nobody listens on: bound, then released.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = home
        .mcp()
        .args(["call", &format!("http://127.0.0.1:{port}/mcp"), "x"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.contains("could not connect to"), "{text}");
    assert!(text.contains("check that the server is running"), "{text}");
}

#[test]
fn check_and_call_our_example_over_websocket_in_both_eras() {
    let server = lowlevel_over_websocket();
    let home = Home::new();
    let url = format!("ws://127.0.0.1:{}/ws", server.port);
    let (code, report) = check_json(&home, &[&url, "--call", "tool-name={\"arg1\": \"x\"}"]);
    assert_passed(code, &report);
    assert_eq!(report["protocolVersion"], "2026-07-28");
    let (code, report) = check_json(&home, &[&url, "--protocol-version", "2025-11-25"]);
    assert_passed(code, &report);
    assert_eq!(report["protocolVersion"], "2025-11-25");
    let text = ok(home
        .mcp()
        .args(["call", &url, "tool-name", "arg1=over-ws"])
        .output()
        .unwrap());
    assert_eq!(text.trim(), "tool-name received arg1=over-ws");

    // The same server named in a config file with `"type": "ws"`.
    home.write(
        "servers.json",
        &format!(r#"{{"mcpServers": {{"sock": {{"type": "ws", "url": "{url}"}}}}}}"#),
    );
    let text = ok(home
        .mcp()
        .args(["tools", "sock", "--config", "servers.json"])
        .output()
        .unwrap());
    assert!(text.contains("tool-name"), "{text}");
}

#[test]
fn websocket_headers_and_tokens_reach_the_server() {
    let home = Home::new();
    let (port, seen) = capture_headers();
    let output = home
        .mcp()
        .args(["tools", &format!("ws://127.0.0.1:{port}/ws")])
        .args(["-H", "X-Team: tools", "--bearer-token", "s3cr3t"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!("could not connect to ws://127.0.0.1:{port}/ws")),
        "{}",
        stderr(&output)
    );
    let headers = seen.join().unwrap();
    assert!(headers.contains(&"x-team: tools".to_owned()), "{headers:?}");
    assert!(
        headers.contains(&"authorization: bearer s3cr3t".to_owned()),
        "{headers:?}"
    );
    assert!(
        headers.contains(&"sec-websocket-protocol: mcp".to_owned()),
        "{headers:?}"
    );
}
