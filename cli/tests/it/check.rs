//! `mcp check` end to end: our example server, the Python SDK's server, the TypeScript
//! server-everything, and hand-written servers that break in each way the check looks for.

use crate::common::{
    Home, example, fixture, peer_node, peer_python, python_server, server_everything, stderr,
    stdout,
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

fn step<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no step {name} in {report:#}"))
}

fn statuses(report: &Value) -> Vec<(String, String)> {
    report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_owned(),
                s["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn our_example_server_passes_every_step() {
    let home = Home::new();
    let lowlevel = example("lowlevel");
    let (code, report) = check_json(
        &home,
        &[
            lowlevel.to_str().unwrap(),
            "--call",
            "tool-name={\"arg1\": \"x\"}",
        ],
    );
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["passed"], true);
    assert_eq!(report["protocolVersion"], "2026-07-28");
    assert_eq!(report["server"]["name"], "example-server");
    let names: Vec<String> = statuses(&report).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "initialize",
            "tools/list",
            "resources/list",
            "resources/templates/list",
            "prompts/list",
            "tools/call tool-name",
            "ping",
            "shutdown",
            "schema"
        ]
    );
    assert!(
        statuses(&report).iter().all(|(_, s)| s == "passed"),
        "{report:#}"
    );
    assert!(
        step(&report, "schema")["detail"]
            .as_str()
            .unwrap()
            .contains("valid against the 2026-07-28 schema")
    );
    assert!(report["messages"].as_u64().unwrap() >= 7);
}

#[test]
fn every_handshake_version_is_checked_against_its_own_schema() {
    let home = Home::new();
    let lowlevel = example("lowlevel");
    for version in ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"] {
        let (code, report) = check_json(
            &home,
            &["--protocol-version", version, lowlevel.to_str().unwrap()],
        );
        assert_eq!(code, 0, "{version}: {report:#}");
        assert_eq!(report["protocolVersion"], version);
        assert!(
            step(&report, "schema")["detail"]
                .as_str()
                .unwrap()
                .contains(version)
        );
    }
}

#[test]
fn the_python_sdk_server_passes() {
    let home = Home::new();
    let python = peer_python();
    let server = python_server();
    let (code, report) = check_json(
        &home,
        &[
            "--python",
            python.to_str().unwrap(),
            server.to_str().unwrap(),
            "--call",
            "add={\"a\": 2, \"b\": 3}",
        ],
    );
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["server"]["name"], "python-highlevel");
    assert!(
        step(&report, "tools/call add")["detail"]
            .as_str()
            .unwrap()
            .contains('5')
    );
    assert!(
        step(&report, "prompts/list")["detail"]
            .as_str()
            .unwrap()
            .contains("review_code")
    );
}

#[test]
fn the_typescript_server_everything_passes() {
    let home = Home::new();
    let node = peer_node();
    let everything = server_everything();
    let (code, report) = check_json(
        &home,
        &[
            "--call",
            "echo={\"message\": \"hi\"}",
            "--",
            node.to_str().unwrap(),
            everything.to_str().unwrap(),
            "stdio",
        ],
    );
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["protocolVersion"], "2025-11-25");
    assert!(
        step(&report, "tools/list")["detail"]
            .as_str()
            .unwrap()
            .contains("echo")
    );
    assert!(
        step(&report, "tools/call echo")["detail"]
            .as_str()
            .unwrap()
            .contains("hi")
    );
    assert!(
        step(&report, "resources/templates/list")["detail"]
            .as_str()
            .unwrap()
            .contains("2 templates")
    );
}

#[test]
fn a_schema_violation_fails_the_check_and_names_the_field() {
    let home = Home::new();
    let raw = fixture("raw_server.py");
    let (code, report) = check_json(
        &home,
        &["--", "python3", raw.to_str().unwrap(), "bad-schema"],
    );
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["passed"], false);
    let schema = step(&report, "schema");
    assert_eq!(schema["status"], "failed");
    let error = schema["error"].as_str().unwrap();
    assert!(
        error.contains("result of tools/list is not a valid ListToolsResult"),
        "{error}"
    );
    assert!(error.contains("/tools/0/inputSchema/type"), "{error}");
    // Everything else about the server is fine.
    assert_eq!(step(&report, "tools/list")["status"], "passed");
    assert_eq!(step(&report, "resources/list")["status"], "skipped");
}

#[test]
fn a_server_that_does_not_exit_fails_the_shutdown_step() {
    let home = Home::new();
    let raw = fixture("raw_server.py");
    let (code, report) = check_json(
        &home,
        &[
            "--timeout",
            "1",
            "--",
            "python3",
            raw.to_str().unwrap(),
            "no-exit",
        ],
    );
    assert_eq!(code, 1, "{report:#}");
    let shutdown = step(&report, "shutdown");
    assert_eq!(shutdown["status"], "failed");
    assert!(
        shutdown["error"]
            .as_str()
            .unwrap()
            .contains("stopped with a signal"),
        "{shutdown}"
    );
}

#[test]
fn a_silent_server_fails_within_the_time_limit() {
    let home = Home::new();
    let raw = fixture("raw_server.py");
    let started = std::time::Instant::now();
    let (code, report) = check_json(
        &home,
        &[
            "--timeout",
            "1.5",
            "--",
            "python3",
            raw.to_str().unwrap(),
            "silent",
        ],
    );
    assert_eq!(code, 1);
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    let initialize = step(&report, "initialize");
    assert!(
        initialize["error"]
            .as_str()
            .unwrap()
            .contains("did not answer the handshake within 1.5 s")
    );
}

#[test]
fn a_crashing_server_shows_its_stderr() {
    let home = Home::new();
    let raw = fixture("raw_server.py");
    let output = home
        .mcp()
        .args(["check", "--", "python3", raw.to_str().unwrap(), "crash"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("✗ initialize"), "{text}");
    assert!(text.contains("exited with exit status: 3"), "{text}");
    assert!(text.contains("cannot open the database"), "{text}");
    assert!(text.contains("failed: 1 step of 1"), "{text}");
}

#[test]
fn a_failing_tool_call_fails_the_check() {
    let home = Home::new();
    let lowlevel = example("lowlevel");
    let (code, report) = check_json(
        &home,
        &[lowlevel.to_str().unwrap(), "--call", "no-such-tool"],
    );
    assert_eq!(code, 1);
    assert_eq!(step(&report, "tools/call no-such-tool")["status"], "failed");
}

#[test]
fn junit_reports_every_step() {
    let home = Home::new();
    let raw = fixture("raw_server.py");
    let junit = home.join("report.xml");
    let output = home
        .mcp()
        .args([
            "check",
            "--junit",
            junit.to_str().unwrap(),
            "--",
            "python3",
            raw.to_str().unwrap(),
            "bad-schema",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"),
        "{xml}"
    );
    assert!(
        xml.contains("tests=\"8\" failures=\"1\" skipped=\"3\""),
        "{xml}"
    );
    assert!(
        xml.contains("<testcase classname=\"mcp.check\" name=\"schema\""),
        "{xml}"
    );
    assert!(
        xml.contains("<failure message=\"result of tools/list is not a valid ListToolsResult"),
        "{xml}"
    );
    assert!(
        xml.contains("<skipped message=\"the server offers no prompts\"/>"),
        "{xml}"
    );
}

#[test]
fn the_text_report_reads_well() {
    let home = Home::new();
    let raw = fixture("raw_server.py");
    let output = home
        .mcp()
        .args(["check", "--", "python3", raw.to_str().unwrap(), "ok"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // Durations change from run to run.
    let text: String = stdout(&output)
        .lines()
        .map(|line| {
            let line = regex_free_ms(line);
            format!("{}\n", line.trim_end())
        })
        .collect();
    let text = home.redact(&text).replace(raw.to_str().unwrap(), "[RAW]");
    let python = which_python3();
    let text = text.replace(&python, "[PYTHON3]");
    insta::assert_snapshot!(text);
}

/// Replaces "123 ms" and "in 0.12 s" with placeholders, and the padding that depends on their
/// width with one space.
fn regex_free_ms(line: &str) -> String {
    let indent = line.len() - line.trim_start().len();
    let mut words: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
    for i in 1..words.len() {
        if (words[i] == "ms" || words[i] == "s")
            && words[i - 1].chars().all(|c| c.is_ascii_digit() || c == '.')
            && !words[i - 1].is_empty()
        {
            words[i - 1] = "N".to_owned();
        }
    }
    format!("{}{}", " ".repeat(indent), words.join(" "))
}

fn which_python3() -> String {
    let output = std::process::Command::new("sh")
        .args(["-c", "command -v python3"])
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

#[test]
fn usage_errors_exit_with_2_and_missing_tools_with_3() {
    let home = Home::new();
    let output = home
        .mcp()
        .args(["check", "no-such-server-anywhere"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(
        text.contains("cannot resolve the server spec `no-such-server-anywhere`; tried:"),
        "{text}"
    );
    assert!(
        text.contains("no command `no-such-server-anywhere` on PATH"),
        "{text}"
    );
    assert!(text.contains("hint:"), "{text}");

    let output = home
        .mcp()
        .args(["check", "--", "definitely-not-a-program-xyz"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(stderr(&output).contains("command `definitely-not-a-program-xyz` not found"));

    let output = home.mcp().args(["check", "--timeout"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}
