//! The stdio driver against real servers: the ones of this crate must pass,
//! broken ones must be reported (with their stderr) rather than hang.

use std::time::{Duration, Instant};

use mcp_bench::stdio_driver::{DriverConfig, Pump, RunFailure, ServerSpec, run_server};

const INIT_RESULT: &str = r#"{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-11-25","capabilities":{"tools":{}},"serverInfo":{"name":"sh","version":"0"}}}"#;

fn quick(window: usize) -> DriverConfig {
    DriverConfig {
        window,
        warmup: Duration::from_millis(20),
        measure: Duration::from_millis(150),
        startup_timeout: Duration::from_secs(2),
        stall_timeout: Duration::from_secs(1),
        ..DriverConfig::default()
    }
}

fn sh(name: &str, script: &str) -> ServerSpec {
    ServerSpec::new(name, "sh", &["-c", script])
}

/// Runs a server that must fail, within `limit`.
fn failure(spec: &ServerSpec, limit: Duration) -> RunFailure {
    let start = Instant::now();
    let failure = run_server(spec, &quick(4)).expect_err("the run should fail");
    assert!(
        start.elapsed() < limit,
        "took {:?} to fail: {failure}",
        start.elapsed()
    );
    failure
}

#[test]
fn our_servers_pass_with_both_pumps() {
    let raw = env!("CARGO_BIN_EXE_raw-echo");
    let rmcp = env!("CARGO_BIN_EXE_rmcp-echo");
    let servers = [
        ServerSpec::new("raw-echo", raw, &[]),
        ServerSpec::new("rmcp-stdio", rmcp, &["stdio"]),
        ServerSpec::new("rmcp-pipes", rmcp, &["pipes"]),
    ];
    for server in &servers {
        for pump in [Pump::OneThread, Pump::TwoThreads] {
            for window in [1, 8] {
                // Lenient timeouts: CI may be busy, and only failures need them.
                let config = DriverConfig {
                    pump,
                    startup_timeout: Duration::from_secs(30),
                    stall_timeout: Duration::from_secs(10),
                    ..quick(window)
                };
                let report = run_server(server, &config)
                    .unwrap_or_else(|f| panic!("{} {pump:?} K={window}: {f}", server.name));
                assert!(report.requests > 0, "{}: no requests", server.name);
                assert_eq!(report.protocol_version, "2025-11-25");
                assert_eq!(report.exit, "exited cleanly", "{}", server.name);
                assert!(report.peak_rss_kib.is_some_and(|k| k > 0));
                // Every response after the first of its shape took the fast path.
                assert!(report.fully_parsed_responses <= 2, "{report:?}");
            }
        }
    }
}

#[test]
fn a_crash_is_reported_with_stderr_and_status() {
    let failure = failure(
        &sh("crash", "read line; echo boom >&2; exit 3"),
        Duration::from_secs(3),
    );
    assert!(failure.stderr_tail.contains("boom"), "{failure}");
    assert_eq!(failure.exit.as_deref(), Some("exit status: 3"), "{failure}");
}

#[test]
fn a_server_that_never_answers_times_out() {
    let failure = failure(&sh("mute", "cat > /dev/null"), Duration::from_secs(5));
    assert!(
        failure.message.contains("no initialize result"),
        "{failure}"
    );
}

#[test]
fn a_server_that_stops_answering_stalls_out() {
    let script = format!("read line; echo '{INIT_RESULT}'; cat > /dev/null");
    let failure = failure(&sh("stall", &script), Duration::from_secs(5));
    assert!(failure.message.contains("no response for"), "{failure}");
}

#[test]
fn a_wrong_echo_is_an_error() {
    let script = format!(
        "read line; echo '{INIT_RESULT}'; while read line; do \
         echo '{{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{{\"content\":[{{\"type\":\"text\",\"text\":\"nope\"}}]}}}}'; \
         done"
    );
    let failure = failure(&sh("wrong", &script), Duration::from_secs(3));
    assert!(failure.message.contains("did not echo"), "{failure}");
}

#[test]
fn a_missing_program_is_an_error() {
    let failure = failure(
        &ServerSpec::new("missing", "/nonexistent/server", &[]),
        Duration::from_secs(1),
    );
    assert!(failure.message.contains("cannot start"), "{failure}");
}
