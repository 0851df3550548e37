//! The stdio client's handling of the server process: it ends the process when the session
//! closes (signalling one that ignores end of input), and reports a process that dies instead
//! of hanging on it.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mcp::Error;
use mcp::client::Client;
use mcp::transport::stdio::{ChildProcessTransport, Stderr, StdioServerParameters};
use mcp_tests::example;
use serde_json::json;

/// A stdio "server" in a few lines of shell: answers `initialize`, then behaves as `then` says.
fn scripted_server(then: &str) -> StdioServerParameters {
    let script = format!(
        r#"read -r line
id=$(printf '%s' "$line" | sed -n 's/.*"id":\([0-9]*\).*/\1/p')
printf '{{"jsonrpc":"2.0","id":%s,"result":{{"protocolVersion":"2025-11-25","capabilities":{{"tools":{{}}}},"serverInfo":{{"name":"scripted","version":"1"}}}}}}\n' "$id"
{then}"#
    );
    StdioServerParameters::new("sh").args(["-c", &script])
}

fn capture_stderr(
    params: StdioServerParameters,
) -> (StdioServerParameters, Arc<Mutex<Vec<String>>>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    let params = params.stderr(Stderr::Lines(Arc::new(move |line: &str| {
        sink.lock().unwrap().push(line.to_owned())
    })));
    (params, lines)
}

#[tokio::test(flavor = "multi_thread")]
async fn closing_the_client_ends_the_server_process() {
    let client = Client::builder()
        .connect_stdio(StdioServerParameters::new(example("lowlevel")))
        .await
        .unwrap();
    let process = client.process().cloned().expect("a spawned process");
    assert!(
        process.exit_status().is_none(),
        "the server runs while the session is open"
    );
    client.close().await;
    let status = process
        .exit_status()
        .expect("the server exited when the session closed");
    assert!(
        status.success(),
        "it exited on its own after end of input: {status}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_ignores_end_of_input_is_signalled_then_killed() {
    // Ignores SIGTERM too (an ignored signal stays ignored across exec), so only SIGKILL ends it.
    let mut params = StdioServerParameters::new("sh").args(["-c", "trap '' TERM; exec sleep 100"]);
    params.shutdown_grace = Duration::from_millis(200);
    let transport = ChildProcessTransport::spawn(&params).unwrap();
    let process = transport.process().clone();
    drop(transport); // closes its stdin
    let started = Instant::now();
    let status = process.shut_down().await.expect("an exit status");
    assert!(!status.success());
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(9), "killed: {status}");
    }
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_dies_before_answering_is_reported() {
    let (params, _) = capture_stderr(
        StdioServerParameters::new("sh").args(["-c", "echo 'fatal: no config' >&2; exit 3"]),
    );
    let started = Instant::now();
    let error = Client::builder()
        .probe_timeout(Duration::from_secs(10))
        .connect_stdio(params)
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(matches!(error, Error::ConnectionClosed(_)), "{error:?}");
    assert!(text.contains("exit status: 3"), "{text}");
    assert!(
        text.contains("fatal: no config"),
        "the stderr tail is in the report: {text}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "reported, not hung on"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_crashes_mid_session_fails_the_request_in_flight() {
    // Answers initialize, then dies on the next request.
    let (params, _) = capture_stderr(scripted_server(
        "read -r line; read -r line; echo 'panic: tool exploded' >&2; exit 101",
    ));
    let client = Client::builder()
        .protocol_version(mcp::types::ProtocolVersion::V2025_11_25)
        .connect_stdio(params)
        .await
        .unwrap();
    let started = Instant::now();
    let error = client.call_tool("anything", json!({})).await.unwrap_err();
    let text = error.to_string();
    assert!(matches!(error, Error::ConnectionClosed(_)), "{error:?}");
    assert!(
        text.contains("exit status: 101") && text.contains("tool exploded"),
        "{text}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_child_gets_its_arguments_environment_and_directory() {
    let dir = std::env::temp_dir();
    let (params, stderr) = capture_stderr(
        scripted_server(
            r#"echo "args=$0 env=$MCP_TEST_VALUE cwd=$(pwd)" >&2; read -r line; read -r line"#,
        )
        .env("MCP_TEST_VALUE", "hello")
        .cwd(&dir),
    );
    let client = Client::builder()
        .protocol_version(mcp::types::ProtocolVersion::V2025_11_25)
        .connect_stdio(params)
        .await
        .unwrap();
    assert_eq!(client.server_info().unwrap().name, "scripted");
    client.close().await;
    let lines = stderr.lock().unwrap().clone();
    let canonical = dir.canonicalize().unwrap();
    assert!(
        lines.iter().any(|l| l.contains("env=hello") && l.contains(&format!("cwd={}", canonical.display()))),
        "{lines:?}"
    );
}
