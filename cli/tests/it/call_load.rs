//! `mcp call --load` against our example server and the Python SDK's server: counts, durations
//! and rates kept, percentiles in order, failures counted and grouped, and a throughput of the
//! order the stdio benchmark measures (bench/README.md).

use crate::common::{Home, example, peer_python, python_server, stderr, stdout};
use serde_json::Value;

/// The lowest throughput taken from our example server at 4 calls in flight, in calls per
/// second. The stdio benchmark measures about 45 000 at 1 in flight on a quiet machine, and
/// the load mode about the same; a loaded CI machine is slower, but not by 200 times. A
/// figure below this means the load mode is broken (a sleep per call, a serialised pipe),
/// not that the machine is busy.
const FLOOR: f64 = 200.0;

/// Above any pipe's speed: a figure over this means the calls were not really made.
const CEILING: f64 = 5_000_000.0;

/// `mcp call --load --json ARGS`: the exit code and the report.
fn load(home: &Home, args: &[&str]) -> (i32, Value) {
    let output = home
        .mcp()
        .args(["call", "--load", "--json"])
        .args(args)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", stdout(&output), stderr(&output)));
    (output.status.code().unwrap(), report)
}

fn number(report: &Value, key: &str) -> f64 {
    report[key]
        .as_f64()
        .unwrap_or_else(|| panic!("no {key} in {report:#}"))
}

/// Percentiles rise from the fastest call to the slowest.
fn assert_ordered(report: &Value) {
    let latency = &report["latencyMs"];
    let values: Vec<f64> = ["min", "p50", "p90", "p99", "max"]
        .iter()
        .map(|k| latency[k].as_f64().unwrap())
        .collect();
    assert!(values[0] > 0.0, "{report:#}");
    assert!(values.windows(2).all(|w| w[0] <= w[1]), "{report:#}");
}

#[test]
fn a_number_of_calls_to_our_example_server() {
    let home = Home::new();
    let lowlevel = example("lowlevel");
    let (code, report) = load(
        &home,
        &[
            "--requests",
            "2000",
            "--concurrency",
            "4",
            lowlevel.to_str().unwrap(),
            "tool-name",
            "arg1=x",
        ],
    );
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["tool"], "tool-name");
    assert_eq!(report["concurrency"], 4);
    assert_eq!(report["requests"], 2000);
    assert_eq!(report["succeeded"], 2000);
    assert_eq!(report["failed"], 0);
    assert_eq!(report["errors"], serde_json::json!([]));
    assert_ordered(&report);
    let throughput = number(&report, "throughput");
    assert!(
        (FLOOR..CEILING).contains(&throughput),
        "{throughput} calls/s is not of the stdio benchmark's order: {report:#}"
    );
    let duration = number(&report, "durationMs");
    assert!((2000.0 / duration * 1000.0 - throughput).abs() < 1e-6 * throughput);
}

#[test]
fn a_duration_and_a_rate() {
    let home = Home::new();
    let lowlevel = example("lowlevel");
    let lowlevel = lowlevel.to_str().unwrap();
    let (code, report) = load(
        &home,
        &[
            "--duration",
            "0.5",
            "--concurrency",
            "2",
            lowlevel,
            "tool-name",
            "arg1=x",
        ],
    );
    assert_eq!(code, 0, "{report:#}");
    let duration = number(&report, "durationMs");
    assert!((500.0..10_000.0).contains(&duration), "{report:#}");
    assert!(number(&report, "requests") >= 1.0);

    // 50 calls a second for a second: never more than 50, whatever the machine.
    let (code, report) = load(
        &home,
        &[
            "--rate",
            "50",
            "--duration",
            "1",
            "--concurrency",
            "4",
            lowlevel,
            "tool-name",
            "arg1=x",
        ],
    );
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["rate"], 50.0);
    let requests = number(&report, "requests");
    assert!((1.0..=50.0).contains(&requests), "{report:#}");
}

#[test]
fn failures_are_counted_grouped_and_fail_the_command() {
    let home = Home::new();
    let lowlevel = example("lowlevel");
    // `tool-name` requires `arg1`.
    let (code, report) = load(
        &home,
        &[
            "--requests",
            "20",
            "--concurrency",
            "3",
            lowlevel.to_str().unwrap(),
            "tool-name",
        ],
    );
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["requests"], 20);
    assert_eq!(report["failed"], 20);
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{report:#}");
    assert_eq!(errors[0]["count"], 20);
    assert!(errors[0]["message"].as_str().unwrap().contains("arg1"));

    // The human report says the same.
    let output = home
        .mcp()
        .args(["call", "--load", "--requests", "5"])
        .arg(example("lowlevel"))
        .arg("tool-name")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("errors      5 of 5"), "{text}");
    assert!(text.contains("5×"), "{text}");
}

#[test]
fn the_python_sdk_server() {
    let home = Home::new();
    let python = peer_python().display().to_string();
    let server = python_server().display().to_string();
    let (code, report) = load(
        &home,
        &[
            "--python",
            &python,
            "--requests",
            "200",
            "--concurrency",
            "4",
            &server,
            "add",
            "a=2",
            "b=40",
        ],
    );
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["succeeded"], 200);
    assert_ordered(&report);
    // The human report.
    let output = home
        .mcp()
        .args([
            "call",
            "--python",
            &python,
            "--load",
            "--requests",
            "20",
            &server,
            "add",
            "a=1",
            "b=1",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    for part in [
        "add × 20",
        "throughput",
        "p50",
        "p90",
        "p99",
        "max",
        "errors      none",
    ] {
        assert!(text.contains(part), "{part}: {text}");
    }
}

#[test]
fn load_options_need_load_and_sense() {
    let home = Home::new();
    let lowlevel = example("lowlevel");
    for args in [
        vec!["--concurrency", "2"],
        vec!["--load", "--concurrency", "0"],
        vec!["--load", "--rate", "-3"],
    ] {
        let output = home
            .mcp()
            .arg("call")
            .args(&args)
            .arg(&lowlevel)
            .args(["tool-name", "arg1=x"])
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}
