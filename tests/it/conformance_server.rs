//! The official MCP conformance suite (`@modelcontextprotocol/conformance`) against the
//! `everything` example, once per protocol revision: what the revision requires
//! (`--requirements`), with the failures we know of in
//! `tests/conformance/server-expected-failures.yaml` (each with its reason).
//!
//! The suite decides: it exits non-zero when a scenario fails that the file does not list, or
//! when one the file lists now passes (a stale entry). Its own summary is printed.

use std::path::PathBuf;
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

/// Runs the suite's server scenarios that `revision` requires against a fresh `everything`.
fn run_suite(revision: &str) {
    let cli = conformance_cli();
    let node = peer_node();
    let server = Listening::start(
        Command::new(example("everything")).args(["--port", "0"]),
        "everything",
    );
    let results = tempfile::tempdir().expect("a temporary directory");
    let output = Command::new(node)
        .arg(cli)
        .args(["server", "--url", &server.url("/mcp")])
        .args(["--requirements", revision])
        .arg("--expected-failures")
        .arg(expected_failures())
        .arg("--output-dir")
        .arg(results.path())
        .current_dir(results.path())
        .output()
        .expect("node runs the conformance suite");
    drop(server);
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
}

#[test]
fn conformance_2025_11_25() {
    run_suite("2025-11-25");
}

#[test]
fn conformance_2026_07_28() {
    run_suite("2026-07-28");
}
