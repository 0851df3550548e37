//! The official MCP conformance suite (`@modelcontextprotocol/conformance`) against the
//! `everything` example, once per protocol revision: what the revision requires
//! (`--requirements`), with the failures we know of in
//! `tests/conformance/server-expected-failures.yaml` (each with its reason).
//!
//! The suite decides: it exits non-zero when a scenario fails that the file does not list, or
//! when one the file lists now passes (a stale entry). Its own summary is printed.
//!
//! The extension scenarios count too, though the suite does not score them: the tasks
//! extension's ten (run by the 2026-07-28 requirements) and the skills extension's three (run
//! one by one, in both eras) must each run and pass.

use std::path::{Path, PathBuf};
use std::process::Command;

use mcp_test_support::{Listening, example, peer_node, repo_root};

/// The suite's command-line entry point.
fn conformance_cli() -> PathBuf {
    let path = repo_root()
        .join("tests/peers/node_modules/@modelcontextprotocol/conformance/dist/index.js");
    assert!(
        path.exists(),
        "the conformance suite is not installed (expected at {}): run scripts/setup-peers",
        path.display()
    );
    path
}

/// The tasks extension's scenarios (SEP-2663), which the 2026-07-28 requirements run without
/// scoring them: each must run and pass.
const TASK_SCENARIOS: [&str; 10] = [
    "tasks-lifecycle",
    "tasks-capability-negotiation",
    "tasks-wire-fields",
    "tasks-request-state-removal",
    "tasks-mrtr-input",
    "tasks-request-headers",
    "tasks-dispatch-and-envelope",
    "tasks-status-notifications",
    "tasks-required-task-error",
    "tasks-mrtr-composition",
];

/// The skills extension's scenarios (SEP-2640), which no requirement set runs: each is run on
/// its own.
const SKILLS_SCENARIOS: [&str; 3] = [
    "sep-2640-skills-enumeration",
    "sep-2640-skills-manifest",
    "sep-2640-skills-directory",
];

/// Whether the suite's summary has `scenario` run with no failed check
/// (`✓ name: N passed, 0 failed`).
fn passed(stdout: &str, scenario: &str) -> bool {
    stdout.lines().map(plain).any(|line| {
        line.trim_start()
            .strip_prefix('✓')
            .and_then(|rest| rest.trim_start().strip_prefix(scenario))
            .is_some_and(|rest| rest.starts_with(':') && rest.ends_with(" 0 failed"))
    })
}

/// The scenarios known to fail, and why.
fn expected_failures() -> PathBuf {
    repo_root().join("tests/conformance/server-expected-failures.yaml")
}

/// `line` without its terminal colour codes (`ESC [ … m`).
fn plain(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            chars.by_ref().find(|&c| c == 'm');
        } else {
            out.push(c);
        }
    }
    out
}

/// The suite's summary lines (`Total: …`, the baseline verdict, what was not scored).
fn summary(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(plain)
        .filter(|line| {
            let line = line.trim_start();
            [
                "Total",
                "Not scored",
                "Baseline",
                "Expected",
                "Unexpected",
                "Stale",
            ]
            .iter()
            .any(|word| line.starts_with(word))
        })
        .collect()
}

/// Runs the suite's server scenarios that `revision` requires against a fresh `everything`;
/// gives the suite's output.
fn run_suite(revision: &str) -> String {
    let server = Listening::start(
        Command::new(example("everything")).args(["--port", "0"]),
        "everything",
    );
    run_suite_against(&server.url("/mcp"), revision, &expected_failures())
}

/// Runs the suite's server scenarios that `revision` requires against the server at `url`,
/// with the failures listed in `expected_failures` expected; gives the suite's output.
pub(crate) fn run_suite_against(url: &str, revision: &str, expected_failures: &Path) -> String {
    let cli = conformance_cli();
    let node = peer_node();
    let results = tempfile::tempdir().expect("a temporary directory");
    let output = Command::new(node)
        .arg(cli)
        .args(["server", "--url", url])
        .args(["--requirements", revision])
        .arg("--expected-failures")
        .arg(expected_failures)
        .arg("--output-dir")
        .arg(results.path())
        .current_dir(results.path())
        .output()
        .expect("node runs the conformance suite");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("--- conformance server --requirements {revision}\n{stdout}");
    eprintln!("{stderr}");
    println!("--- summary ({revision})");
    for line in summary(&stdout) {
        println!("{line}");
    }
    assert!(
        output.status.success(),
        "the conformance suite reports unexpected failures or stale expected failures for \
         {revision} (exit {}); see its output above",
        output.status
    );
    stdout.into_owned()
}

#[test]
fn conformance_2025_11_25() {
    run_suite("2025-11-25");
}

#[test]
fn conformance_2026_07_28() {
    let stdout = run_suite("2026-07-28");
    let missing: Vec<&str> = TASK_SCENARIOS
        .into_iter()
        .filter(|scenario| !passed(&stdout, scenario))
        .collect();
    assert!(
        missing.is_empty(),
        "tasks extension scenarios that did not run and pass: {missing:?}; see the output above"
    );
}

/// Runs one scenario against `server` at `spec_version` (the suite's default when `None`;
/// forced, since extension scenarios are on no revision's timeline); gives its verdict line
/// (`Passed: N/M, F failed, W warnings`) and whether it ran clean.
fn run_scenario(server: &Listening, scenario: &str, spec_version: Option<&str>) -> (String, bool) {
    let results = tempfile::tempdir().expect("a temporary directory");
    let mut command = Command::new(peer_node());
    command
        .arg(conformance_cli())
        .args([
            "server",
            "--url",
            &server.url("/mcp"),
            "--scenario",
            scenario,
        ])
        .arg("--output-dir")
        .arg(results.path())
        .current_dir(results.path());
    if let Some(version) = spec_version {
        command.args(["--spec-version", version, "--force"]);
    }
    let output = command.output().expect("node runs the conformance suite");
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!(
        "--- {scenario} ({})\n{stdout}",
        spec_version.unwrap_or("default")
    );
    let verdict = stdout
        .lines()
        .map(plain)
        .find(|line| line.trim_start().starts_with("Passed:"))
        .unwrap_or_default();
    let clean = output.status.success()
        && verdict.contains(" 0 failed")
        && verdict.contains(" 0 warnings")
        && verdict
            .split_whitespace()
            .nth(1)
            .and_then(|ratio| ratio.trim_end_matches(',').split_once('/'))
            .is_some_and(|(passed, all)| passed == all && passed != "0");
    (verdict, clean)
}

#[test]
fn skills_scenarios_in_both_eras() {
    let server = Listening::start(
        Command::new(example("everything")).args(["--port", "0"]),
        "everything",
    );
    let mut failed = Vec::new();
    for version in [None, Some("2025-11-25")] {
        for scenario in SKILLS_SCENARIOS {
            let (verdict, clean) = run_scenario(&server, scenario, version);
            if !clean {
                failed.push(format!("{scenario} ({version:?}): {verdict}"));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "skills scenarios that did not pass every check: {failed:?}; see the output above"
    );
}
