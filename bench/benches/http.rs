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

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use mcp_bench::http_driver::{HttpDriverConfig, Scenario, run_http_server};
use mcp_bench::process::{locate_binary, wait_for_quiet};
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

/// The machine is quiet when less than this much of one core is busy.
const QUIET_BUSY_PERCENT: f64 = 10.0;

struct Settings {
    noise: NoisePolicy,
    config: HttpDriverConfig,
    scenarios: Vec<Scenario>,
    filters: Vec<String>,
    json: Option<PathBuf>,
    list: bool,
    mode: &'static str,
}

fn parse_secs(value: &str, what: &str) -> Result<Duration, String> {
    value
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("{what}: expected seconds, got {value:?}"))
}

fn split_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn settings() -> Result<Settings, String> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bench_mode = args.iter().any(|a| a == "--bench");
    let mut quick = env("MCP_BENCH_QUICK").is_some_and(|v| v != "0");
    let mut warmup = env("MCP_BENCH_WARMUP");
    let mut measure = env("MCP_BENCH_MEASURE");
    let mut scenarios = env("MCP_BENCH_SCENARIOS")
        .unwrap_or_else(|| "stateless:1,stateless:32,sessions:32".to_owned());
    let mut filters = env("MCP_BENCH_SERVERS").map_or_else(Vec::new, |s| split_list(&s));
    let mut json = env("MCP_BENCH_JSON").map(PathBuf::from);
    let mut no_json = false;
    let mut quiet_wait = env("MCP_BENCH_QUIET_WAIT");
    let mut retries = env("MCP_BENCH_RETRIES");
    let mut max_other = env("MCP_BENCH_MAX_OTHER");
    let mut list = false;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--bench" => {}
            "--quick" => quick = true,
            "--warmup" => warmup = Some(value("--warmup")?),
            "--measure" => measure = Some(value("--measure")?),
            "--scenarios" => scenarios = value("--scenarios")?,
            "--servers" => filters.extend(split_list(&value("--servers")?)),
            "--json" => json = Some(value("--json")?.into()),
            "--no-json" => no_json = true,
            "--quiet-wait" => quiet_wait = Some(value("--quiet-wait")?),
            "--retries" => retries = Some(value("--retries")?),
            "--max-other" => max_other = Some(value("--max-other")?),
            "--list" => list = true,
            other if other.starts_with('-') => return Err(format!("unknown option {other}")),
            name => filters.push(name.to_owned()),
        }
    }
    let (mode, default_warmup, default_measure, default_quiet_wait, default_retries) =
        if !bench_mode {
            ("smoke test (no --bench)", 0.05, 0.2, 0.0, 0)
        } else if quick {
            ("quick", 0.3, 1.0, 2.0, 0)
        } else {
            ("full", 2.0, 8.0, 10.0, 2)
        };
    let scenarios = split_list(&scenarios)
        .iter()
        .map(|s| {
            Scenario::parse(s)
                .ok_or_else(|| format!("scenarios: expected stateless:K or sessions:S, got {s:?}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Settings {
        noise: NoisePolicy {
            quiet_wait_secs: match quiet_wait {
                Some(w) => parse_secs(&w, "quiet-wait")?.as_secs_f64(),
                None => default_quiet_wait,
            },
            max_noise_percent: match max_other {
                Some(m) => m
                    .parse::<f64>()
                    .map_err(|_| format!("max-other: expected a percentage, got {m:?}"))?,
                None => 15.0,
            },
            retries: match retries {
                Some(r) => r
                    .parse()
                    .map_err(|_| format!("retries: expected a count, got {r:?}"))?,
                None => default_retries,
            },
        },
        config: HttpDriverConfig {
            warmup: match warmup {
                Some(w) => parse_secs(&w, "warmup")?,
                None => Duration::from_secs_f64(default_warmup),
            },
            measure: match measure {
                Some(m) => parse_secs(&m, "measure")?,
                None => Duration::from_secs_f64(default_measure),
            },
            ..HttpDriverConfig::default()
        },
        scenarios,
        filters,
        json: match (no_json, json) {
            (true, _) => None,
            (false, Some(path)) => Some(path),
            (false, None) => bench_mode.then(|| {
                option_env!("CARGO_TARGET_TMPDIR")
                    .and_then(|tmp| PathBuf::from(tmp).parent().map(|t| t.join("mcp-bench")))
                    .unwrap_or_else(|| PathBuf::from("."))
                    .join("http.json")
            }),
        },
        list,
        mode,
    })
}

/// Runs one server under one scenario, again while other work on the
/// machine skews the figures; keeps the quietest attempt.
fn measure(
    server: &ServerSpec,
    scenario: Scenario,
    config: &HttpDriverConfig,
    noise: &NoisePolicy,
) -> Outcome {
    let name = &server.name;
    let mut best: Option<(f64, Outcome)> = None;
    for attempt in 1..=noise.retries + 1 {
        if noise.quiet_wait_secs > 0.0
            && let Some(busy) = wait_for_quiet(
                Duration::from_secs_f64(noise.quiet_wait_secs),
                QUIET_BUSY_PERCENT,
            )
            && busy >= QUIET_BUSY_PERCENT
        {
            println!("  (the machine is busy: {busy:.0}% of a core; measuring anyway)");
        }
        let result = run_http_server(server, scenario, config);
        let other = result.as_ref().map_or(0.0, |r| {
            r.other_cpu_percent.unwrap_or(0.0) + r.steal_percent.unwrap_or(0.0)
        });
        let noisy = other > noise.max_noise_percent;
        match &result {
            Ok(r) => println!(
                "  {name:<15} {:<16} {:>9.0} req/s  p50 {:>8.1} µs  p99 {:>8.1} µs{}",
                scenario.name(),
                r.requests_per_sec,
                r.latency.p50_us,
                r.latency.p99_us,
                if noisy {
                    format!("  (noisy: other work and steal took {other:.0}% of a core)")
                } else {
                    String::new()
                }
            ),
            Err(failure) => println!(
                "  {name:<15} {:<16} FAILED: {}",
                scenario.name(),
                failure.message.lines().next().unwrap_or("")
            ),
        }
        let failed = result.is_err();
        let mut outcome = Outcome::new(name, scenario.in_flight(), result);
        outcome.attempts = attempt;
        outcome.noisy = noisy;
        if best.as_ref().is_none_or(|(o, _)| other < *o) {
            best = Some((other, outcome));
        } else if let Some((_, kept)) = best.as_mut() {
            kept.attempts = attempt;
        }
        if failed || !noisy {
            break;
        }
    }
    best.expect("at least one attempt").1
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
    let selected: Vec<HttpServer> = servers()
        .into_iter()
        .filter(|s| {
            settings.filters.is_empty()
                || settings
                    .filters
                    .iter()
                    .any(|f| s.spec.name.contains(f.as_str()))
        })
        .collect();
    if settings.list || selected.is_empty() {
        for server in servers() {
            println!(
                "{:<15} {}\n{:<15} {}",
                server.spec.name,
                server.spec.command_line(),
                "",
                server.spec.description
            );
        }
        return if settings.list {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(2)
        };
    }
    let date = report::utc_now();
    let machine = Machine::detect();
    println!(
        "Streamable HTTP echo benchmark, {date}, {}: warm-up {:?}, measured {:?} per run",
        settings.mode, settings.config.warmup, settings.config.measure,
    );
    println!(
        "machine: {} CPUs ({} for this process), {}, Linux {}, load average {}",
        machine.cpus,
        machine.cpus_available,
        machine.cpu_model,
        machine.kernel,
        machine.load_average
    );
    let mut results = Vec::new();
    let mut failed = false;
    for &scenario in &settings.scenarios {
        let mut outcomes = Vec::new();
        for server in &selected {
            if matches!(scenario, Scenario::Sessions { .. }) && !server.sessions {
                continue;
            }
            outcomes.push(measure(
                &server.spec,
                scenario,
                &settings.config,
                &settings.noise,
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
    if let Some(path) = &settings.json {
        let report = Report {
            benchmark: "http-echo",
            format: 1,
            date,
            machine,
            mode: settings.mode.to_owned(),
            config: settings.config.clone(),
            noise: settings.noise,
            servers: selected.into_iter().map(|s| s.spec).collect(),
            scenarios: results,
        };
        let written = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| {
                let json = serde_json::to_string_pretty(&report).expect("the report serialises");
                std::fs::write(path, json + "\n")
            });
        match written {
            Ok(()) => println!("\nJSON report: {}", path.display()),
            Err(error) => {
                eprintln!("http bench: cannot write {}: {error}", path.display());
                return ExitCode::FAILURE;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
