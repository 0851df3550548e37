//! The stdio client's handling of the server process: it ends the process when the session
//! closes (signalling one that ignores end of input), and reports a process that dies instead
//! of hanging on it.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mcp::Error;
use mcp::client::Client;
use mcp::transport::stdio::{ChildProcessTransport, Stderr, StdioServerParameters};
use mcp_test_support::example;
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

#[tokio::test(flavor = "multi_thread")]
async fn a_child_writing_invalid_utf8_and_a_megabyte_to_stderr_keeps_running_and_exits_normally() {
    // After the handshake: a byte that is not UTF-8, a megabyte without a newline, more lines;
    // at the end of input one last line. Writing into a closed pipe would kill the shell
    // (SIGPIPE) or fail the printf, and the exit would not be a clean 0.
    let (params, stderr) = capture_stderr(scripted_server(
        r#"printf '\377\376 not utf-8\n' >&2
head -c 1048576 /dev/zero | tr '\0' x >&2
printf '\nafter the flood\n' >&2 || exit 7
while read -r line; do :; done
printf 'bye\n' >&2 || exit 8
exit 0"#,
    ));
    let client = Client::builder()
        .protocol_version(mcp::types::ProtocolVersion::V2025_11_25)
        .connect_stdio(params)
        .await
        .unwrap();
    let process = client.process().cloned().unwrap();
    client.close().await;
    let status = process.wait().await.expect("an exit status");
    assert!(status.success(), "{status}");
    let lines = stderr.lock().unwrap().clone();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("\u{FFFD}\u{FFFD} not utf-8")),
        "{lines:?}"
    );
    let long = lines
        .iter()
        .find(|l| l.starts_with("xxxx"))
        .expect("the long line");
    assert!(
        long.len() < 20_000 && long.ends_with("[cut]"),
        "{}",
        long.len()
    );
    assert!(lines.iter().any(|l| l == "after the flood"), "{lines:?}");
    assert_eq!(lines.last().map(String::as_str), Some("bye"), "{lines:?}");
}

/// Whether the process `pid` still runs (a zombie waiting to be reaped does not).
#[cfg(target_os = "linux")]
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map(|status| {
            !status
                .lines()
                .any(|l| l.starts_with("State:") && l.contains('Z'))
        })
        .unwrap_or(false)
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread")]
async fn stopping_a_server_stops_what_it_started() {
    // Like `npx` starting `node`: the server starts a child of its own, and ignores the end of
    // its input, so stopping it takes signals.
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("grandchild.pid");
    let mut params = scripted_server(&format!(
        "sleep 300 & echo $! > '{}'; while :; do sleep 1; done",
        pid_file.display()
    ));
    params.shutdown_grace = Duration::from_millis(200);
    let client = Client::builder()
        .protocol_version(mcp::types::ProtocolVersion::V2025_11_25)
        .connect_stdio(params)
        .await
        .unwrap();
    let process = client.process().cloned().unwrap();
    // The shell creates the file before it writes the number: wait for a whole line.
    let deadline = Instant::now() + Duration::from_secs(5);
    let grandchild: u32 = loop {
        let written = std::fs::read_to_string(&pid_file).unwrap_or_default();
        if written.ends_with('\n') {
            break written.trim().parse().expect("a process id");
        }
        assert!(
            Instant::now() < deadline,
            "the server never wrote its child's id"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(running(grandchild));
    client.close().await;
    process.shut_down().await.expect("an exit status");
    let deadline = Instant::now() + Duration::from_secs(5);
    while running(grandchild) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(!running(grandchild), "the server's own child outlived it");
}
