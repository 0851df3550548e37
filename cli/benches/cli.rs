//! The `mcp` command against the Python SDK's `mcp` command, the way hyperfine times them:
//! whole processes, started and waited for, over repeated runs after warm-up runs.
//!
//! ```sh
//! cargo bench -p mcp-cli --bench cli                 # 30 runs of each (after 3 warm-up runs)
//! cargo bench -p mcp-cli --bench cli -- --runs 100
//! ```
//!
//! - `version`: `mcp --version` against the Python SDK's `mcp version` (mcp[cli] 2.3.0 in
//!   `.peers/venv`, installed by `scripts/setup-peers`).
//! - `check`: `mcp check` of a trivial stdio server (this repository's `lowlevel` example)
//!   against the same steps done with the Python SDK's client (`python_check.py`: connect, list
//!   tools/resources/templates/prompts, ping, close, validate every result against the
//!   official schema). The Python SDK's `mcp` command has no `check` of its own.
//!
//! Prints a table and the ratios, and writes them as JSON to `target/tmp/cli-bench.json`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

struct Stats {
    mean: f64,
    stddev: f64,
    min: f64,
    median: f64,
    max: f64,
}

fn stats(mut samples: Vec<f64>) -> Stats {
    samples.sort_by(f64::total_cmp);
    let n = samples.len() as f64;
    let mean = samples.iter().sum::<f64>() / n;
    let variance = samples.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    Stats {
        mean,
        stddev: variance.sqrt(),
        min: samples[0],
        median: samples[samples.len() / 2],
        max: samples[samples.len() - 1],
    }
}

/// Runs `argv` `warmup + runs` times; returns the wall times of the measured runs, in ms.
fn time(argv: &[String], warmup: usize, runs: usize) -> Stats {
    let mut samples = Vec::with_capacity(runs);
    for i in 0..warmup + runs {
        let started = Instant::now();
        let output = Command::new(&argv[0])
            .args(&argv[1..])
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {argv:?}: {e}"));
        let elapsed = started.elapsed();
        assert!(
            output.status.success(),
            "{argv:?} failed: {}\n{}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        if i >= warmup {
            samples.push(elapsed.as_secs_f64() * 1e3);
        }
    }
    stats(samples)
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Builds the `lowlevel` example in release mode and returns its path.
fn lowlevel() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(repo_root())
        .args([
            "build",
            "--release",
            "-p",
            "mcp",
            "--example",
            "lowlevel",
            "--message-format=json",
        ])
        .stderr(Stdio::inherit())
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "building the lowlevel example failed"
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "lowlevel")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .expect("cargo reports the example's executable")
}

fn peer(relative: &str) -> String {
    let path = repo_root().join(relative);
    assert!(
        path.exists(),
        "{} is missing: run scripts/setup-peers",
        path.display()
    );
    path.display().to_string()
}

fn main() {
    let mut runs = 30;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--runs" {
            runs = args.next().and_then(|n| n.parse().ok()).expect("--runs N");
        }
    }
    let warmup = 3;
    let mcp = env!("CARGO_BIN_EXE_mcp").to_owned();
    let python_mcp = peer(".peers/venv/bin/mcp");
    let python = peer(".peers/venv/bin/python");
    let server = lowlevel().display().to_string();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/python_check.py");
    let schemas = repo_root().join("crates/mcp-types/tests/spec");

    let cases: Vec<(&str, Vec<String>, Vec<String>)> = vec![
        (
            "version",
            vec![mcp.clone(), "--version".into()],
            vec![python_mcp, "version".into()],
        ),
        (
            "check",
            vec![
                mcp.clone(),
                "check".into(),
                "--quiet".into(),
                server.clone(),
            ],
            vec![
                python,
                script.display().to_string(),
                schemas.display().to_string(),
                "--".into(),
                server.clone(),
            ],
        ),
    ];
    let mut report = Vec::new();
    println!("{runs} runs each after {warmup} warm-up runs; wall time per process, ms\n");
    println!(
        "{:<8} {:<12} {:>9} {:>8} {:>9} {:>9} {:>9}",
        "case", "cli", "mean", "±σ", "min", "median", "max"
    );
    for (name, ours, theirs) in cases {
        let a = time(&ours, warmup, runs);
        let b = time(&theirs, warmup, runs);
        for (who, s) in [("mcp (Rust)", &a), ("Python SDK", &b)] {
            println!(
                "{name:<8} {who:<12} {:>9.2} {:>8.2} {:>9.2} {:>9.2} {:>9.2}",
                s.mean, s.stddev, s.min, s.median, s.max
            );
        }
        let ratio = b.mean / a.mean;
        println!(
            "{name:<8} Python / Rust: {ratio:.1}x (means), {:.1}x (medians)\n",
            b.median / a.median
        );
        report.push(serde_json::json!({
            "case": name,
            "runs": runs,
            "rust": {"meanMs": a.mean, "stddevMs": a.stddev, "minMs": a.min, "medianMs": a.median, "maxMs": a.max, "command": ours},
            "python": {"meanMs": b.mean, "stddevMs": b.stddev, "minMs": b.min, "medianMs": b.median, "maxMs": b.max, "command": theirs},
            "ratioOfMeans": ratio,
        }));
    }
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-bench.json");
    std::fs::write(&out, serde_json::to_string_pretty(&report).unwrap()).unwrap();
    println!("written to {}", out.display());
}
