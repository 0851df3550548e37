//! The scale-out benchmark: `cargo bench -p mcp-bench --bench scale_out`.
//!
//! Two comparisons, on one machine, with a `redis-server` of its own (Debian's, as
//! `scripts/setup-redis` installs it; `$REDIS_SERVER` names another):
//!
//! - **event store**: one `mcp-http-echo` replica, 32 handshake-era sessions answered as SSE
//!   streams (so that every answer is an event the store keeps for `Last-Event-ID`), with the
//!   `InMemoryEventStore` against the `RedisEventStore`;
//! - **replicas**: one replica against two behind `mcp-replicas` (a balancer handing each new
//!   connection to the next replica), the sessions and the events shared in Redis
//!   (`redis-shared`), stateless (K = 32) and with 32 sessions.
//!
//! The replicas and redis-server are processes apart from the one the driver measures (the
//! balancer): their CPU counts as "other" in the report, so the noise bound is off by default
//! here (`--max-other 100`). Other settings as the `http` bench: `--quick`, `--warmup SECS`,
//! `--measure SECS`, `--json PATH`, `--retries N`, server names to run. Without `--bench` it
//! runs as a smoke test.

use std::process::ExitCode;

use mcp_bench::harness::{self, Common, Header};
use mcp_bench::http_driver::{HttpDriverConfig, Scenario, run_http_server};
use mcp_bench::process::locate_binary;
use mcp_bench::report::{self, Machine, NoisePolicy, Outcome, Ratio};
use mcp_bench::stdio_driver::ServerSpec;
use mcp_test_support::RedisServer;
use serde::Serialize;

/// One comparison: servers measured under one scenario, the first the baseline of the ratios.
struct Comparison {
    name: &'static str,
    scenario: Scenario,
    servers: Vec<ServerSpec>,
}

fn comparisons(redis_url: &str) -> Vec<Comparison> {
    let echo = locate_binary("mcp-http-echo", option_env!("CARGO_BIN_EXE_mcp-http-echo"));
    let replicas = locate_binary("mcp-replicas", option_env!("CARGO_BIN_EXE_mcp-replicas"));
    let echo = echo.to_string_lossy().into_owned();
    let replicas_of = |count: &str| {
        ServerSpec::new(
            &format!("{count}-replica{}", if count == "1" { "" } else { "s" }),
            &replicas,
            &[count, &echo, "sse", "redis-shared", redis_url],
        )
        .describe(&format!(
            "{count} mcp-http-echo replica(s) (SSE answers, sessions and events shared in \
             Redis) behind mcp-replicas, which hands each connection to the next replica"
        ))
    };
    vec![
        Comparison {
            name: "event store, 1 replica, 32 sessions",
            scenario: Scenario::Sessions { sessions: 32 },
            servers: vec![
                ServerSpec::new("memory-events", &echo, &["sse", "memory"])
                    .describe("mcp-http-echo, SSE answers, InMemoryEventStore"),
                ServerSpec::new("redis-events", &echo, &["sse", "redis-events", redis_url])
                    .describe("mcp-http-echo, SSE answers, RedisEventStore"),
            ],
        },
        Comparison {
            name: "replicas, stateless K=32",
            scenario: Scenario::Stateless { connections: 32 },
            servers: vec![replicas_of("1"), replicas_of("2")],
        },
        Comparison {
            name: "replicas, 32 sessions",
            scenario: Scenario::Sessions { sessions: 32 },
            servers: vec![replicas_of("1"), replicas_of("2")],
        },
    ]
}

/// The results of one comparison.
#[derive(Serialize)]
struct ComparisonResults {
    name: &'static str,
    scenario: Scenario,
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
    comparisons: Vec<ComparisonResults>,
}

fn main() -> ExitCode {
    let mut common = match Common::parse("scale_out.json", |_, _| Ok(false)) {
        Ok(common) => common,
        Err(error) => {
            eprintln!("scale_out bench: {error}");
            return ExitCode::from(2);
        }
    };
    if harness::env_var("MCP_BENCH_MAX_OTHER").is_none()
        && !std::env::args().any(|a| a == "--max-other")
    {
        common.noise.max_noise_percent = 100.0;
    }
    let redis = RedisServer::start();
    let config = HttpDriverConfig {
        warmup: common.warmup,
        measure: common.measure,
        ..HttpDriverConfig::default()
    };
    let all = comparisons(&redis.url());
    if common.list {
        harness::print_servers(all.iter().flat_map(|c| &c.servers));
        return ExitCode::SUCCESS;
    }
    let date = report::utc_now();
    let machine = Machine::detect();
    harness::print_header(
        &Header {
            title: "Scale-out benchmark (Redis event store; one replica against two)",
            date: &date,
            details: "",
            machine: &machine,
            machine_note: ", replicas and redis-server on the same machine",
        },
        &common,
    );
    let mut results = Vec::new();
    let mut failed = false;
    for comparison in all {
        println!("\n# {}", comparison.name);
        let outcomes: Vec<Outcome> = comparison
            .servers
            .iter()
            .filter(|server| common.wants(&server.name))
            .map(|server| {
                harness::quietest(
                    &server.name,
                    &comparison.scenario.name(),
                    comparison.scenario.in_flight(),
                    &common.noise,
                    || run_http_server(server, comparison.scenario, &config),
                )
            })
            .collect();
        failed |= outcomes.iter().any(|o| o.failure.is_some());
        results.push(ComparisonResults {
            name: comparison.name,
            scenario: comparison.scenario,
            ratios: report::ratios(&outcomes),
            results: outcomes,
        });
    }
    for comparison in &results {
        println!("\n## {}\n", comparison.name);
        print!("{}", report::render(&comparison.results));
    }
    if let Some(path) = &common.json {
        let report = Report {
            benchmark: "scale-out",
            format: 1,
            date,
            machine,
            mode: common.mode.to_owned(),
            config,
            noise: common.noise.clone(),
            comparisons: results,
        };
        if let Err(error) = harness::write_report(path, &report) {
            eprintln!("scale_out bench: cannot write {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
