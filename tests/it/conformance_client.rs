//! The official MCP conformance suite (`@modelcontextprotocol/conformance`, installed by
//! scripts/setup-peers) against our client: the `conformance-client` example, once per protocol
//! revision, with the scenarios that revision requires. Scenarios that do not pass yet are listed,
//! with the reason, in tests/conformance/client-expected-failures.yaml; a failure not listed there
//! fails the test, and so does a listed scenario that now passes (the suite calls it stale). The
//! authorization extension scenarios must run, and pass, in every revision; the skills
//! extension's client scenarios are run one by one and must pass.

use std::path::PathBuf;
use std::process::Command;

use mcp_test_support::{example, peer_node, repo_root};

/// The suite's command-line entry point.
fn conformance_suite() -> PathBuf {
    let path = repo_root()
        .join("tests/peers/node_modules/@modelcontextprotocol/conformance/dist/index.js");
    assert!(
        path.exists(),
        "the MCP conformance suite is not installed (expected at {}): run scripts/setup-peers",
        path.display()
    );
    path
}

/// The authorization extensions' scenarios (client credentials with a secret and with a signed
/// JWT, enterprise-managed authorization, DPoP with and without nonces, workload identity
/// federation): each revision's run must include them and pass them.
const AUTH_EXTENSION_SCENARIOS: [&str; 6] = [
    "auth/client-credentials-basic",
    "auth/client-credentials-jwt",
    "auth/enterprise-managed-authorization",
    "auth/dpop",
    "auth/dpop-nonce",
    "auth/wif-jwt-bearer",
];

/// Runs the client scenarios required by `revision` and fails on any unexpected result.
fn run_revision(revision: &str) {
    let client = example("conformance-client");
    let baseline = repo_root().join("tests/conformance/client-expected-failures.yaml");
    let results = tempfile::tempdir().expect("a temporary directory");
    let output = Command::new(peer_node())
        .arg(conformance_suite())
        .arg("client")
        .arg("--command")
        .arg(&client)
        .args(["--requirements", revision])
        .arg("--expected-failures")
        .arg(&baseline)
        .arg("-o")
        .arg(results.path())
        .current_dir(repo_root())
        .output()
        .expect("the conformance suite starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The suite's own per-scenario lines, totals and baseline verdicts.
    println!("conformance client --requirements {revision}:");
    for line in stdout.lines().filter(|l| is_summary_line(l)) {
        println!("  {line}");
    }
    let (passed, failed) = scenario_counts(&stdout);
    println!("  scenarios: {passed} passed, {failed} failed");
    assert!(
        output.status.success(),
        "the conformance suite found unexpected results for {revision} ({}); update the client \
         or tests/conformance/client-expected-failures.yaml\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );
    assert!(
        passed + failed > 0,
        "the conformance suite ran no scenario for {revision}\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    for scenario in AUTH_EXTENSION_SCENARIOS {
        assert!(
            passed_scenario(&stdout, scenario),
            "{scenario} did not run and pass for {revision}\n--- stdout\n{stdout}"
        );
    }
}

/// Whether the suite's summary has `scenario` passing (`✓ name: N passed, 0 failed`).
fn passed_scenario(stdout: &str, scenario: &str) -> bool {
    stdout.lines().any(|line| {
        line.trim_start()
            .strip_prefix('✓')
            .and_then(|rest| rest.trim_start().strip_prefix(scenario))
            .is_some_and(|rest| rest.starts_with(':') && rest.contains(" 0 failed"))
    })
}

/// A line of the suite's summary: the requirement set, one line per scenario
/// (`✓ name: 3 passed, 0 failed`), the check totals, and the baseline verdicts (`~ expected
/// failure`, `✗ unexpected`, `✓ stale`).
fn is_summary_line(line: &str) -> bool {
    let trimmed = line.trim_start();
    ['✓', '✗', '~'].iter().any(|c| trimmed.starts_with(*c))
        || trimmed.starts_with("Running requirements")
        || trimmed.starts_with("Total:")
        || trimmed.contains("aseline")
}

/// How many scenarios passed and failed, from the suite's summary (`✓ name: ...` and
/// `✗ name: ...` between `=== SUITE SUMMARY ===` and the `Total:` line).
fn scenario_counts(stdout: &str) -> (usize, usize) {
    let summary = stdout
        .lines()
        .skip_while(|l| !l.contains("SUITE SUMMARY"))
        .take_while(|l| !l.starts_with("Total:"));
    let (mut passed, mut failed) = (0, 0);
    for line in summary {
        if line.starts_with('✓') {
            passed += 1;
        } else if line.starts_with('✗') {
            failed += 1;
        }
    }
    (passed, failed)
}

#[test]
fn requirements_2025_11_25() {
    run_revision("2025-11-25");
}

#[test]
fn requirements_2026_07_28() {
    run_revision("2026-07-28");
}

/// The skills extension's client scenarios (SEP-2640), which no requirement set runs: listing
/// reads no skill file, and a `SKILL.md` failing its digest, size or frontmatter check is
/// refused before any other file of the skill is read.
const SKILLS_SCENARIOS: [&str; 4] = [
    "sep-2640-client-no-prefetch",
    "sep-2640-client-verify-digest",
    "sep-2640-client-verify-size",
    "sep-2640-client-verify-frontmatter",
];

#[test]
fn skills_scenarios() {
    let client = example("conformance-client");
    let mut failed = Vec::new();
    for scenario in SKILLS_SCENARIOS {
        let results = tempfile::tempdir().expect("a temporary directory");
        let output = Command::new(peer_node())
            .arg(conformance_suite())
            .arg("client")
            .arg("--command")
            .arg(&client)
            .args(["--scenario", scenario])
            .arg("-o")
            .arg(results.path())
            .current_dir(repo_root())
            .output()
            .expect("the conformance suite starts");
        // A single scenario's report goes to stderr.
        let report = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        println!("--- {scenario}\n{report}");
        let verdict = report
            .lines()
            .find(|line| line.trim_start().starts_with("Passed:"))
            .unwrap_or_default();
        let clean = output.status.success()
            && verdict.contains(" 0 failed")
            && verdict
                .split_whitespace()
                .nth(1)
                .and_then(|ratio| ratio.trim_end_matches(',').split_once('/'))
                .is_some_and(|(passed, all)| passed == all && passed != "0");
        if !clean {
            failed.push(format!("{scenario}: {verdict}"));
        }
    }
    assert!(
        failed.is_empty(),
        "skills client scenarios that did not pass every check: {failed:?}; see the output above"
    );
}
