//! The Streamable HTTP echo benchmark: `cargo bench -p mcp-bench --bench http`.
//!
//! Runs every server of [`servers`] under every scenario, prints one table
//! per scenario (with the throughput ratios between servers) and writes a
//! JSON report. Settings (arguments after `--` override the environment):
//!
//! | argument              | environment           | default                         |
//! |-----------------------|-----------------------|---------------------------------|
//! | `--quick`             | `MCP_BENCH_QUICK=1`   | off: 2 s warm-up, 8 s measured  |
//! | `--warmup SECS`       | `MCP_BENCH_WARMUP`    | 2 (quick: 0.3)                  |
//! | `--measure SECS`      | `MCP_BENCH_MEASURE`   | 8 (quick: 1)                    |
//! | `--scenarios a,b`     | `MCP_BENCH_SCENARIOS` | `stateless:1,stateless:32,sessions:32` |
//! | `--servers a,b`, or names as free arguments | `MCP_BENCH_SERVERS` | all  |
//! | `--json PATH`         | `MCP_BENCH_JSON`      | `target/mcp-bench/http.json`    |
//! | `--no-json`           |                       |                                 |
//! | `--quiet-wait SECS`   | `MCP_BENCH_QUIET_WAIT`| 10 (quick: 2)                   |
//! | `--max-other PCT`     | `MCP_BENCH_MAX_OTHER` | 15                              |
//! | `--retries N`         | `MCP_BENCH_RETRIES`   | 2 (quick: 0)                    |
//! | `--list`              |                       | print the servers and exit      |
//!
//! Without `--bench` (which `cargo bench` passes), e.g. under
//! `cargo test --all-targets`, it runs as a smoke test.

use std::process::ExitCode;

use mcp_bench::harness::{self, Common, Header, env_var, split_list};
use mcp_bench::http_driver::{HttpDriverConfig, Scenario, run_http_server};
use mcp_bench::process::locate_binary;
use mcp_bench::report::{self, Machine, NoisePolicy, Outcome, Ratio};
use mcp_bench::stdio_driver::ServerSpec;
use serde::Serialize;

/// A server and the scenarios it can run.
struct HttpServer {
    spec: ServerSpec,
    /// Whether it keeps handshake-era sessions (the `sessions` scenarios).
    sessions: bool,
}

/// The servers measured, in order. Add new ones here.
fn servers() -> Vec<HttpServer> {
    let mcp = locate_binary("mcp-http-echo", option_env!("CARGO_BIN_EXE_mcp-http-echo"));
    let rmcp = locate_binary(
        "rmcp-http-echo",
        option_env!("CARGO_BIN_EXE_rmcp-http-echo"),
    );
    vec![
        // --- Servers built on our own `mcp` crate go here, first. ---
        HttpServer {
            spec: ServerSpec::new("mcp-http", &mcp, &[]).describe(
                "the mcp crate's low-level ServerHandler behind HttpServer::builder(server).build() \
                 (defaults: sessions, JSON answers unless the handler streams), TCP_NODELAY",
            ),
            sessions: true,
        },
        HttpServer {
            spec: ServerSpec::new("mcp-http-sse", &mcp, &["sse"]).describe(
                "the same with ResponseMode::Sse: every answer an SSE stream, as rmcp's default",
            ),
            sessions: true,
        },
        // --- Peers. ---
        HttpServer {
            spec: ServerSpec::new("rmcp-http", &rmcp, &["sse"]).describe(
                "rmcp 3.11.0 StreamableHttpService with its default config (sessions, SSE answers), \
                 LocalSessionManager, nested in axum at /mcp, axum::serve with TCP_NODELAY",
            ),
            sessions: true,
        },
        HttpServer {
            spec: ServerSpec::new("rmcp-http-json", &rmcp, &["json"]).describe(
                "the same with legacy_session_mode: false, json_response: true (no sessions, \
                 JSON answers unless the handler streams)",
            ),
            sessions: false,
        },
    ]
}

struct Settings {
    common: Common,
    config: HttpDriverConfig,
    scenarios: Vec<Scenario>,
}

fn settings() -> Result<Settings, String> {
    let mut scenarios = env_var("MCP_BENCH_SCENARIOS")
        .unwrap_or_else(|| "stateless:1,stateless:32,sessions:32".to_owned());
    let common = Common::parse("http.json", |option, take| {
        if option != "--scenarios" {
            return Ok(false);
        }
        scenarios = take()?;
        Ok(true)
    })?;
    let scenarios = split_list(&scenarios)
        .iter()
        .map(|s| {
            Scenario::parse(s)
                .ok_or_else(|| format!("scenarios: expected stateless:K or sessions:S, got {s:?}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Settings {
        config: HttpDriverConfig {
            warmup: common.warmup,
            measure: common.measure,
            ..HttpDriverConfig::default()
        },
        common,
        scenarios,
    })
}

/// The results of one scenario.
#[derive(Serialize)]
struct ScenarioResults {
    scenario: Scenario,
    name: String,
    results: Vec<Outcome>,
    ratios: Vec<Ratio>,
}

/// The whole JSON report.
#[derive(Serialize)]
struct Report {
    benchmark: &'static str,
    format: u32,
    date: String,
    machine: Machine,
    mode: String,
    config: HttpDriverConfig,
    noise: NoisePolicy,
    servers: Vec<ServerSpec>,
    scenarios: Vec<ScenarioResults>,
}

fn main() -> ExitCode {
    let settings = match settings() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("http bench: {error}");
            return ExitCode::from(2);
        }
    };
    let common = &settings.common;
    let selected: Vec<HttpServer> = servers()
        .into_iter()
        .filter(|s| common.wants(&s.spec.name))
        .collect();
    if common.list || selected.is_empty() {
        harness::print_servers(servers().iter().map(|s| &s.spec));
        return if common.list {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(2)
        };
    }
    let date = report::utc_now();
    let machine = Machine::detect();
    harness::print_header(
        &Header {
            title: "Streamable HTTP echo benchmark",
            date: &date,
            details: "",
            machine: &machine,
            machine_note: "",
        },
        common,
    );
    let mut results = Vec::new();
    let mut failed = false;
    for &scenario in &settings.scenarios {
        let mut outcomes = Vec::new();
        for server in &selected {
            if matches!(scenario, Scenario::Sessions { .. }) && !server.sessions {
                continue;
            }
            outcomes.push(harness::quietest(
                &server.spec.name,
                &scenario.name(),
                scenario.in_flight(),
                &common.noise,
                || run_http_server(&server.spec, scenario, &settings.config),
            ));
        }
        failed |= outcomes.iter().any(|o| o.failure.is_some());
        results.push(ScenarioResults {
            scenario,
            name: scenario.name(),
            ratios: report::ratios(&outcomes),
            results: outcomes,
        });
    }
    for scenario in &results {
        println!("\n## {}\n", scenario.name);
        print!("{}", report::render(&scenario.results));
    }
    if let Some(path) = &common.json {
        let report = Report {
            benchmark: "http-echo",
            format: 1,
            date,
            machine,
            mode: common.mode.to_owned(),
            config: settings.config.clone(),
            noise: common.noise.clone(),
            servers: selected.into_iter().map(|s| s.spec).collect(),
            scenarios: results,
        };
        if let Err(error) = harness::write_report(path, &report) {
            eprintln!("http bench: cannot write {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
