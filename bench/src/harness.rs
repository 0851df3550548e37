//! What the stdio and the Streamable HTTP echo benchmarks share: the settings both take (from
//! the `MCP_BENCH_*` environment and the arguments after `--`), the pick of servers, the
//! session's header, the quietest of several attempts at one measurement, and the JSON report
//! file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::process::wait_for_quiet;
use crate::report::{Machine, NoisePolicy, Outcome};
use crate::stdio_driver::{RunFailure, RunReport, ServerSpec};

/// The machine is quiet when less than this much of one core is busy.
const QUIET_BUSY_PERCENT: f64 = 10.0;

/// An environment variable, when it is set and not empty.
pub fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The comma-separated items of `value`, trimmed, without empty ones.
pub fn split_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A number of seconds (`what` names the setting in the error).
pub fn parse_secs(value: &str, what: &str) -> Result<Duration, String> {
    value
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("{what}: expected seconds, got {value:?}"))
}

/// Takes the value of the option being read, or says that it has none.
pub type TakeValue<'a> = &'a mut dyn FnMut() -> Result<String, String>;

/// The settings every echo benchmark takes.
#[derive(Debug)]
pub struct Common {
    /// How runs disturbed by other work are handled.
    pub noise: NoisePolicy,
    /// How long each run warms up before it measures.
    pub warmup: Duration,
    /// How long each run measures.
    pub measure: Duration,
    /// Server names to run (a server runs when its name contains one); empty: all.
    pub filters: Vec<String>,
    /// Where the JSON report goes, if anywhere.
    pub json: Option<PathBuf>,
    /// Print the servers and exit.
    pub list: bool,
    /// `full`, `quick` or `smoke test (no --bench)`.
    pub mode: &'static str,
}

impl Common {
    /// Reads the settings from the environment and the arguments. `own` reads the options of
    /// one benchmark: it gets each option the common ones do not cover and a way to take its
    /// value, and answers whether it knew it. `report_name` names the default JSON report,
    /// `target/mcp-bench/<report_name>`, written under `cargo bench` only.
    pub fn parse(
        report_name: &str,
        mut own: impl FnMut(&str, TakeValue<'_>) -> Result<bool, String>,
    ) -> Result<Self, String> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let bench_mode = args.iter().any(|a| a == "--bench");
        let mut quick = env_var("MCP_BENCH_QUICK").is_some_and(|v| v != "0");
        let mut warmup = env_var("MCP_BENCH_WARMUP");
        let mut measure = env_var("MCP_BENCH_MEASURE");
        let mut filters = env_var("MCP_BENCH_SERVERS").map_or_else(Vec::new, |s| split_list(&s));
        let mut json = env_var("MCP_BENCH_JSON").map(PathBuf::from);
        let mut no_json = false;
        let mut quiet_wait = env_var("MCP_BENCH_QUIET_WAIT");
        let mut retries = env_var("MCP_BENCH_RETRIES");
        let mut max_other = env_var("MCP_BENCH_MAX_OTHER");
        let mut list = false;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let mut take = || args.next().ok_or_else(|| format!("{arg} needs a value"));
            match arg.as_str() {
                "--bench" => {}
                "--quick" => quick = true,
                "--warmup" => warmup = Some(take()?),
                "--measure" => measure = Some(take()?),
                "--servers" => filters.extend(split_list(&take()?)),
                "--json" => json = Some(take()?.into()),
                "--no-json" => no_json = true,
                "--quiet-wait" => quiet_wait = Some(take()?),
                "--retries" => retries = Some(take()?),
                "--max-other" => max_other = Some(take()?),
                "--list" => list = true,
                other if other.starts_with('-') => {
                    if !own(other, &mut take)? {
                        return Err(format!("unknown option {other}"));
                    }
                }
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
        let secs_or = |value: Option<String>, what: &str, default: f64| match value {
            Some(v) => parse_secs(&v, what),
            None => Ok(Duration::from_secs_f64(default)),
        };
        Ok(Self {
            noise,
            warmup: secs_or(warmup, "warmup", default_warmup)?,
            measure: secs_or(measure, "measure", default_measure)?,
            filters,
            json: match (no_json, json) {
                (true, _) => None,
                (false, Some(path)) => Some(path),
                (false, None) => bench_mode.then(|| default_report_path(report_name)),
            },
            list,
            mode,
        })
    }

    /// Whether the server `name` is to be run.
    pub fn wants(&self, name: &str) -> bool {
        self.filters.is_empty() || self.filters.iter().any(|f| name.contains(f.as_str()))
    }
}

/// `target/mcp-bench/<name>` (`./<name>` outside Cargo).
fn default_report_path(name: &str) -> PathBuf {
    // CARGO_TARGET_TMPDIR is <target>/tmp.
    option_env!("CARGO_TARGET_TMPDIR")
        .and_then(|tmp| PathBuf::from(tmp).parent().map(|t| t.join("mcp-bench")))
        .unwrap_or_else(|| PathBuf::from("."))
        .join(name)
}

/// Prints each server's name, command line and description.
pub fn print_servers<'a>(servers: impl IntoIterator<Item = &'a ServerSpec>) {
    for server in servers {
        println!(
            "{:<15} {}\n{:<15} {}",
            server.name,
            server.command_line(),
            "",
            server.description
        );
    }
}

/// What a session prints first.
pub struct Header<'a> {
    /// What is measured (`stdio echo benchmark`).
    pub title: &'a str,
    /// When the session started.
    pub date: &'a str,
    /// More settings of this benchmark, after the common ones (`, K in [1, 32]`).
    pub details: &'a str,
    /// The machine.
    pub machine: &'a Machine,
    /// More about the machine (`, servers unpinned`).
    pub machine_note: &'a str,
}

/// Prints the session's header: what is measured and how, the machine, and the noise policy.
pub fn print_header(header: &Header<'_>, common: &Common) {
    let Header {
        title,
        date,
        details,
        machine,
        machine_note: note,
    } = header;
    println!(
        "{title}, {date}, {}: warm-up {:?}, measured {:?} per run{details}",
        common.mode, common.warmup, common.measure,
    );
    println!(
        "machine: {} CPUs ({} for this process), {}, Linux {}, load average {}{note}",
        machine.cpus,
        machine.cpus_available,
        machine.cpu_model,
        machine.kernel,
        machine.load_average,
    );
    let noise = &common.noise;
    println!(
        "noise: wait up to {}s for an idle machine before each run; a run is noisy when other \
         work plus steal take over {}% of a core; up to {} retries, the quietest kept",
        noise.quiet_wait_secs, noise.max_noise_percent, noise.retries
    );
}

/// Measures `server` with `run`, again while other work on the machine skews the figures (up
/// to `noise.retries` more times), and keeps the quietest attempt. `label` says what is
/// measured (`K=32`, a scenario) in the progress lines; `in_flight` is the outcome's K.
pub fn quietest(
    server: &str,
    label: &str,
    in_flight: usize,
    noise: &NoisePolicy,
    mut run: impl FnMut() -> Result<RunReport, RunFailure>,
) -> Outcome {
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
                "  (the machine is busy: {busy:.0}% of a core before {server} {label}; \
                 measuring anyway)"
            );
        }
        let result = run();
        // CPU that other processes, or the hypervisor (steal), took from us.
        let other = result.as_ref().map_or(0.0, |r| {
            r.other_cpu_percent.unwrap_or(0.0) + r.steal_percent.unwrap_or(0.0)
        });
        let noisy = other > noise.max_noise_percent;
        match &result {
            Ok(r) => println!(
                "  {server:<15} {label:<16} {:>9.0} req/s  p50 {:>8.1} µs  p99 {:>8.1} µs{}",
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
                "  {server:<15} {label:<16} FAILED: {}",
                failure.message.lines().next().unwrap_or("")
            ),
        }
        let failed = result.is_err();
        let mut outcome = Outcome::new(server, in_flight, result);
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

/// Writes `report` as pretty JSON to `path`, creating its folder, and says where.
pub fn write_report(path: &Path, report: &impl Serialize) -> std::io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let json = serde_json::to_string_pretty(report).map_err(std::io::Error::other)?;
    std::fs::write(path, json + "\n")?;
    println!("\nJSON report: {}", path.display());
    Ok(())
}
