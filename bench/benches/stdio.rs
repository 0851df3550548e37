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

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use mcp_bench::process::{locate_binary, wait_for_quiet};
use mcp_bench::report::{self, Machine, NoisePolicy, Outcome, Report};
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

/// The machine is quiet when less than this much of one core is busy.
const QUIET_BUSY_PERCENT: f64 = 10.0;

/// Settings of this session.
struct Settings {
    noise: NoisePolicy,
    config: DriverConfig,
    windows: Vec<usize>,
    filters: Vec<String>,
    json: Option<PathBuf>,
    extra: Vec<ServerSpec>,
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

fn split_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn default_json_path() -> PathBuf {
    // CARGO_TARGET_TMPDIR is <target>/tmp.
    option_env!("CARGO_TARGET_TMPDIR")
        .and_then(|tmp| PathBuf::from(tmp).parent().map(|t| t.join("mcp-bench")))
        .unwrap_or_else(|| PathBuf::from("."))
        .join("stdio.json")
}

fn settings() -> Result<Settings, String> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bench_mode = args.iter().any(|a| a == "--bench");
    let mut quick = env("MCP_BENCH_QUICK").is_some_and(|v| v != "0");
    let mut warmup = env("MCP_BENCH_WARMUP");
    let mut measure = env("MCP_BENCH_MEASURE");
    let mut windows = env("MCP_BENCH_WINDOWS").unwrap_or_else(|| "1,32".to_owned());
    let mut filters = env("MCP_BENCH_SERVERS").map_or_else(Vec::new, |s| split_list(&s));
    let mut json = env("MCP_BENCH_JSON").map(PathBuf::from);
    let mut no_json = false;
    let mut wrap = env("MCP_BENCH_WRAP");
    let mut pump = env("MCP_BENCH_PUMP");
    let mut quiet_wait = env("MCP_BENCH_QUIET_WAIT");
    let mut retries = env("MCP_BENCH_RETRIES");
    let mut max_other = env("MCP_BENCH_MAX_OTHER");
    let mut list = false;
    let mut extra = Vec::new();

    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--bench" => {}
            "--quick" => quick = true,
            "--warmup" => warmup = Some(value("--warmup")?),
            "--measure" => measure = Some(value("--measure")?),
            "--windows" => windows = value("--windows")?,
            "--servers" => filters.extend(split_list(&value("--servers")?)),
            "--json" => json = Some(value("--json")?.into()),
            "--no-json" => no_json = true,
            "--wrap" => wrap = Some(value("--wrap")?),
            "--pump" => pump = Some(value("--pump")?),
            "--quiet-wait" => quiet_wait = Some(value("--quiet-wait")?),
            "--retries" => retries = Some(value("--retries")?),
            "--max-other" => max_other = Some(value("--max-other")?),
            "--list" => list = true,
            "--extra" => {
                let spec = value("--extra")?;
                let (name, command) = spec
                    .split_once('=')
                    .ok_or_else(|| format!("--extra: expected NAME=COMMAND ARGS, got {spec:?}"))?;
                let mut words = command.split_whitespace();
                let program = words
                    .next()
                    .ok_or_else(|| format!("--extra: no command in {spec:?}"))?;
                let args: Vec<&str> = words.collect();
                extra.push(ServerSpec::new(name, program, &args).describe("ad hoc (--extra)"));
            }
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
    let noise = NoisePolicy {
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
    };
    let config = DriverConfig {
        warmup: match warmup {
            Some(w) => parse_secs(&w, "warmup")?,
            None => Duration::from_secs_f64(default_warmup),
        },
        measure: match measure {
            Some(m) => parse_secs(&m, "measure")?,
            None => Duration::from_secs_f64(default_measure),
        },
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
    let json = match (no_json, json) {
        (true, _) => None,
        (false, Some(path)) => Some(path),
        (false, None) => bench_mode.then(default_json_path),
    };
    Ok(Settings {
        noise,
        config,
        windows: parse_windows(&windows)?,
        filters,
        json,
        extra,
        list,
        mode,
    })
}

/// Runs one server at one K, again while other work on the machine skews
/// the figures (up to `noise.retries` more times); keeps the quietest attempt.
fn measure(server: &ServerSpec, config: &DriverConfig, noise: &NoisePolicy) -> Outcome {
    let name = &server.name;
    let window = config.window;
    let mut best: Option<(f64, Outcome)> = None;
    for attempt in 1..=noise.retries + 1 {
        if noise.quiet_wait_secs > 0.0
            && let Some(busy) = wait_for_quiet(
                Duration::from_secs_f64(noise.quiet_wait_secs),
                QUIET_BUSY_PERCENT,
            )
            && busy >= QUIET_BUSY_PERCENT
        {
            println!(
                "  (the machine is busy: {busy:.0}% of a core before {name} K={window}; \
                 measuring anyway)"
            );
        }
        let result = run_server(server, config);
        // CPU that other processes, or the hypervisor (steal), took from us.
        let other = result.as_ref().map_or(0.0, |r| {
            r.other_cpu_percent.unwrap_or(0.0) + r.steal_percent.unwrap_or(0.0)
        });
        let noisy = other > noise.max_noise_percent;
        match &result {
            Ok(r) => println!(
                "  {name:<12} K={window:<3} {:>9.0} req/s  p50 {:>8.1} µs  p99 {:>8.1} µs{}",
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
                "  {name:<12} K={window:<3} FAILED: {}",
                failure.message.lines().next().unwrap_or("")
            ),
        }
        let failed = result.is_err();
        let mut outcome = Outcome::new(name, window, result);
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

fn main() -> ExitCode {
    let settings = match settings() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("stdio bench: {error}");
            return ExitCode::from(2);
        }
    };
    // Ad-hoc servers are always run; the filters pick among the built-in ones.
    let selected: Vec<ServerSpec> = servers()
        .into_iter()
        .filter(|s| {
            settings.filters.is_empty()
                || settings.filters.iter().any(|f| s.name.contains(f.as_str()))
        })
        .chain(settings.extra.iter().cloned())
        .collect();
    if settings.list || selected.is_empty() {
        for server in servers() {
            println!(
                "{:<12} {}\n{:<12} {}",
                server.name,
                server.command_line(),
                "",
                server.description
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
        "stdio echo benchmark, {date}, {mode}: warm-up {:?}, measured {:?} per run, K in {:?}, \
         pump {}",
        settings.config.warmup,
        settings.config.measure,
        settings.windows,
        settings.config.pump.name(),
        mode = settings.mode,
    );
    println!(
        "machine: {} CPUs ({} for this process), {}, Linux {}, load average {}{}",
        machine.cpus,
        machine.cpus_available,
        machine.cpu_model,
        machine.kernel,
        machine.load_average,
        if settings.config.wrapper.is_empty() {
            ", servers unpinned".to_owned()
        } else {
            format!(
                ", servers run under `{}`",
                settings.config.wrapper.join(" ")
            )
        }
    );
    println!(
        "noise: wait up to {}s for an idle machine before each run; a run is noisy when other \
         work plus steal take over {}% of a core; up to {} retries, the quietest kept",
        settings.noise.quiet_wait_secs, settings.noise.max_noise_percent, settings.noise.retries
    );

    let mut outcomes = Vec::new();
    for server in &selected {
        for &window in &settings.windows {
            let config = DriverConfig {
                window,
                ..settings.config.clone()
            };
            outcomes.push(measure(server, &config, &settings.noise));
        }
    }

    println!();
    print!("{}", report::render(&outcomes));

    let failed = outcomes.iter().any(|o| o.failure.is_some());
    if let Some(path) = &settings.json {
        let report = Report {
            benchmark: "stdio-echo".to_owned(),
            format: 1,
            date,
            machine,
            mode: settings.mode.to_owned(),
            config: settings.config.clone(),
            noise: settings.noise,
            servers: selected,
            ratios: report::ratios(&outcomes),
            results: outcomes,
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
                eprintln!("stdio bench: cannot write {}: {error}", path.display());
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
