//! The stdio echo benchmark: `cargo bench -p mcp-bench --bench stdio`.
//!
//! Runs every server of [`servers`] at every window size, prints a table and
//! writes a JSON report. Settings (arguments after `--` override the
//! environment):
//!
//! | argument              | environment           | default                         |
//! |-----------------------|-----------------------|---------------------------------|
//! | `--quick`             | `MCP_BENCH_QUICK=1`   | off: 2 s warm-up, 8 s measured  |
//! | `--warmup SECS`       | `MCP_BENCH_WARMUP`    | 2 (quick: 0.3)                  |
//! | `--measure SECS`      | `MCP_BENCH_MEASURE`   | 8 (quick: 1)                    |
//! | `--windows 1,32`      | `MCP_BENCH_WINDOWS`   | `1,32`                          |
//! | `--servers a,b`, or names as free arguments | `MCP_BENCH_SERVERS` | all  |
//! | `--json PATH`         | `MCP_BENCH_JSON`      | `target/mcp-bench/stdio.json`   |
//! | `--no-json`           |                       |                                 |
//! | `--wrap "taskset -c 1"` | `MCP_BENCH_WRAP`    | none (servers unpinned)         |
//! | `--pump one-thread\|two-threads\|auto` | `MCP_BENCH_PUMP` | `auto`           |
//! | `--extra 'NAME=CMD ARGS'` (repeatable) |      | adds an ad-hoc server           |
//! | `--quiet-wait SECS`   | `MCP_BENCH_QUIET_WAIT`| 10 (quick: 2): before each run, wait that long at most for the machine to be idle |
//! | `--max-other PCT`     | `MCP_BENCH_MAX_OTHER` | 15: a run is noisy if other processes plus steal took more CPU (% of a core) |
//! | `--retries N`         | `MCP_BENCH_RETRIES`   | 2 (quick: 0): noisy runs are redone, the quietest kept |
//! | `--list`              |                       | print the servers and exit      |
//!
//! Without `--bench` (which `cargo bench` passes), e.g. under
//! `cargo test --all-targets`, it runs as a smoke test: a fraction of a second
//! per run, no JSON unless asked.

use std::process::ExitCode;

use mcp_bench::harness::{self, Common, Header, env_var};
use mcp_bench::process::locate_binary;
use mcp_bench::report::{self, Machine, Report};
use mcp_bench::stdio_driver::{DriverConfig, Pump, ServerSpec, run_server};

/// The servers measured, in order. Add new ones here.
fn servers() -> Vec<ServerSpec> {
    let rmcp_echo = locate_binary("rmcp-echo", option_env!("CARGO_BIN_EXE_rmcp-echo"));
    let raw_echo = locate_binary("raw-echo", option_env!("CARGO_BIN_EXE_raw-echo"));
    vec![
        // --- Servers built on our own `mcp` crate go here, first. ---
        ServerSpec::new(
            "mcp-lowlevel",
            locate_binary("mcp-echo", option_env!("CARGO_BIN_EXE_mcp-echo")),
            &[],
        )
        .describe(
            "the mcp crate's low-level ServerHandler, #[tokio::main], \
             transport::stdio::stdio() (non-blocking pipes on fds 0/1)",
        ),
        ServerSpec::new(
            "mcp-fastmcp",
            locate_binary("fastmcp-echo", option_env!("CARGO_BIN_EXE_fastmcp-echo")),
            &[],
        )
        .describe(
            "the mcp crate's high-level FastMcp with #[mcp::tool] fn echo(message: String) -> String, \
             #[tokio::main], FastMcp::run() (stdio)",
        ),
        // --- Peers. ---
        ServerSpec::new("rmcp-stdio", &rmcp_echo, &["stdio"]).describe(
            "rmcp 3.11.0, #[tool_router(server_handler)], #[tokio::main], \
             transport::stdio() (tokio stdin/stdout on the blocking thread pool)",
        ),
        ServerSpec::new("rmcp-pipes", &rmcp_echo, &["pipes"]).describe(
            "rmcp 3.11.0, same server, transport::stdio_pipes() \
             (non-blocking tokio pipes on fds 0/1, driven by the IO reactor)",
        ),
        ServerSpec::new("tokio-floor", &raw_echo, &["--tokio"]).describe(
            "the raw-echo loop on tokio: #[tokio::main]-style multi-thread runtime, \
             non-blocking pipes on fds 0/1; the floor of an async server",
        ),
        ServerSpec::new("raw-echo", &raw_echo, &[]).describe(
            "no MCP library: single thread, blocking std I/O, serde_json on borrowed \
             structs, one write per read; the floor",
        ),
    ]
}

struct Settings {
    common: Common,
    config: DriverConfig,
    windows: Vec<usize>,
    extra: Vec<ServerSpec>,
}

fn parse_windows(value: &str) -> Result<Vec<usize>, String> {
    value
        .split(',')
        .map(|k| {
            k.trim()
                .parse::<usize>()
                .ok()
                .filter(|k| *k > 0)
                .ok_or_else(|| format!("windows: expected positive integers, got {k:?}"))
        })
        .collect()
}

/// An ad-hoc server, `NAME=COMMAND ARGS`.
fn parse_extra(spec: &str) -> Result<ServerSpec, String> {
    let (name, command) = spec
        .split_once('=')
        .ok_or_else(|| format!("--extra: expected NAME=COMMAND ARGS, got {spec:?}"))?;
    let mut words = command.split_whitespace();
    let program = words
        .next()
        .ok_or_else(|| format!("--extra: no command in {spec:?}"))?;
    let args: Vec<&str> = words.collect();
    Ok(ServerSpec::new(name, program, &args).describe("ad hoc (--extra)"))
}

fn settings() -> Result<Settings, String> {
    let mut windows = env_var("MCP_BENCH_WINDOWS").unwrap_or_else(|| "1,32".to_owned());
    let mut wrap = env_var("MCP_BENCH_WRAP");
    let mut pump = env_var("MCP_BENCH_PUMP");
    let mut extra = Vec::new();
    let common = Common::parse("stdio.json", |option, take| {
        match option {
            "--windows" => windows = take()?,
            "--wrap" => wrap = Some(take()?),
            "--pump" => pump = Some(take()?),
            "--extra" => extra.push(parse_extra(&take()?)?),
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    let config = DriverConfig {
        warmup: common.warmup,
        measure: common.measure,
        pump: match pump {
            Some(p) => Pump::parse(&p).ok_or_else(|| {
                format!("pump: expected one-thread, two-threads or auto, got {p:?}")
            })?,
            None => Pump::Auto,
        },
        wrapper: wrap
            .map(|w| w.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default(),
        ..DriverConfig::default()
    };
    Ok(Settings {
        common,
        config,
        windows: parse_windows(&windows)?,
        extra,
    })
}

fn main() -> ExitCode {
    let settings = match settings() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("stdio bench: {error}");
            return ExitCode::from(2);
        }
    };
    let common = &settings.common;
    // Ad-hoc servers are always run; the filters pick among the built-in ones.
    let selected: Vec<ServerSpec> = servers()
        .into_iter()
        .filter(|s| common.wants(&s.name))
        .chain(settings.extra.iter().cloned())
        .collect();
    if common.list || selected.is_empty() {
        harness::print_servers(&servers());
        return if common.list {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(2)
        };
    }

    let date = report::utc_now();
    let machine = Machine::detect();
    let config = &settings.config;
    harness::print_header(
        &Header {
            title: "stdio echo benchmark",
            date: &date,
            details: &format!(", K in {:?}, pump {}", settings.windows, config.pump.name()),
            machine: &machine,
            machine_note: &if config.wrapper.is_empty() {
                ", servers unpinned".to_owned()
            } else {
                format!(", servers run under `{}`", config.wrapper.join(" "))
            },
        },
        common,
    );

    let mut outcomes = Vec::new();
    for server in &selected {
        for &window in &settings.windows {
            let config = DriverConfig {
                window,
                ..config.clone()
            };
            outcomes.push(harness::quietest(
                &server.name,
                &format!("K={window}"),
                window,
                &common.noise,
                || run_server(server, &config),
            ));
        }
    }

    println!();
    print!("{}", report::render(&outcomes));

    let failed = outcomes.iter().any(|o| o.failure.is_some());
    if let Some(path) = &common.json {
        let report = Report {
            benchmark: "stdio-echo".to_owned(),
            format: 1,
            date,
            machine,
            mode: common.mode.to_owned(),
            config: config.clone(),
            noise: common.noise.clone(),
            servers: selected,
            ratios: report::ratios(&outcomes),
            results: outcomes,
        };
        if let Err(error) = harness::write_report(path, &report) {
            eprintln!("stdio bench: cannot write {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
