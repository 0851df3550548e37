//! Tables and the JSON report of a benchmark session (several servers, several
//! window sizes, measured in one process so that they can be compared).

use std::fmt::Write as _;

use serde::Serialize;

use crate::stdio_driver::{DriverConfig, RunFailure, RunReport, ServerSpec};

/// One server at one window size: its figures or why it failed.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    /// [`ServerSpec::name`].
    pub server: String,
    /// Requests in flight (K).
    pub window: usize,
    /// The figures, when the run succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<RunReport>,
    /// Why it failed, otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<RunFailure>,
    /// How many times it was run (noisy runs are redone; the quietest is kept).
    pub attempts: u32,
    /// Other work on the machine, or the hypervisor, took more CPU than
    /// allowed during the kept run: its figures are suspect.
    pub noisy: bool,
}

impl Outcome {
    /// Wraps the result of [`crate::stdio_driver::run_server`].
    pub fn new(server: &str, window: usize, result: Result<RunReport, RunFailure>) -> Self {
        let (report, failure) = match result {
            Ok(report) => (Some(report), None),
            Err(failure) => (None, Some(failure)),
        };
        Self {
            server: server.to_owned(),
            window,
            report,
            failure,
            attempts: 1,
            noisy: false,
        }
    }
}

/// `numerator / denominator` for one pair of servers at one window size.
#[derive(Clone, Debug, Serialize)]
pub struct Ratio {
    /// Requests in flight (K).
    pub window: usize,
    /// The server on top of the fraction.
    pub numerator: String,
    /// The server below.
    pub denominator: String,
    /// Ratio of requests per second (above 1: the numerator is faster).
    pub requests_per_sec: f64,
    /// Ratio of median latencies (below 1: the numerator answers sooner).
    pub p50: f64,
    /// Ratio of 99th-percentile latencies.
    pub p99: f64,
    /// Ratio of peak RSS (below 1: the numerator uses less memory).
    pub peak_rss: Option<f64>,
}

/// Every ratio between two successful runs at the same window size.
pub fn ratios(outcomes: &[Outcome]) -> Vec<Ratio> {
    let mut ratios = Vec::new();
    for a in outcomes {
        for b in outcomes {
            let (Some(ra), Some(rb)) = (&a.report, &b.report) else {
                continue;
            };
            if a.window != b.window || a.server == b.server {
                continue;
            }
            ratios.push(Ratio {
                window: a.window,
                numerator: a.server.clone(),
                denominator: b.server.clone(),
                requests_per_sec: ra.requests_per_sec / rb.requests_per_sec,
                p50: ra.latency.p50_us / rb.latency.p50_us,
                p99: ra.latency.p99_us / rb.latency.p99_us,
                peak_rss: ra
                    .peak_rss_kib
                    .zip(rb.peak_rss_kib)
                    .map(|(x, y)| x as f64 / y as f64),
            });
        }
    }
    ratios
}

/// What machine the figures come from.
#[derive(Clone, Debug, Serialize)]
pub struct Machine {
    /// CPUs online.
    pub cpus: usize,
    /// CPUs this process may use (fewer when it runs under `taskset`).
    pub cpus_available: usize,
    /// `model name` from `/proc/cpuinfo`.
    pub cpu_model: String,
    /// Kernel release.
    pub kernel: String,
    /// `/proc/loadavg` when the session started (others' load skews figures).
    pub load_average: String,
}

impl Machine {
    /// Reads the facts of this machine (blank where unknown).
    pub fn detect() -> Self {
        let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
        let cpuinfo = read("/proc/cpuinfo");
        let cpu_model = cpuinfo
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default();
        Self {
            cpus: cpuinfo
                .lines()
                .filter(|l| l.starts_with("processor"))
                .count(),
            cpus_available: std::thread::available_parallelism().map_or(0, |n| n.get()),
            cpu_model,
            kernel: read("/proc/sys/kernel/osrelease").trim().to_owned(),
            load_average: read("/proc/loadavg").trim().to_owned(),
        }
    }
}

/// How a session copes with other work on the machine.
#[derive(Clone, Debug, Serialize)]
pub struct NoisePolicy {
    /// Before each run, the longest wait for the machine to be idle, in seconds.
    pub quiet_wait_secs: f64,
    /// A run is noisy when other processes plus the hypervisor (steal) took
    /// more than this, in percent of one core, while it measured.
    pub max_noise_percent: f64,
    /// Noisy runs are run again up to this many times; the quietest is kept.
    pub retries: u32,
}

/// The whole JSON report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Which benchmark (`stdio-echo`).
    pub benchmark: String,
    /// Format version of this report.
    pub format: u32,
    /// When the session started, UTC, RFC 3339.
    pub date: String,
    /// The machine.
    pub machine: Machine,
    /// `full`, `quick` or `smoke test`.
    pub mode: String,
    /// The driver settings shared by all runs (`window` varies per run).
    pub config: DriverConfig,
    /// How runs disturbed by other work were handled.
    pub noise: NoisePolicy,
    /// The servers, in the order measured.
    pub servers: Vec<ServerSpec>,
    /// One per server and window size.
    pub results: Vec<Outcome>,
    /// Every pairwise ratio (see [`ratios`]).
    pub ratios: Vec<Ratio>,
}

/// Formats a figure with thousands separators (`447 123`).
fn grouped(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

fn or_dash(value: Option<String>) -> String {
    value.unwrap_or_else(|| "-".to_owned())
}

/// The results table, then for each window size the matrix of throughput
/// ratios, then the failures with their stderr.
pub fn render(outcomes: &[Outcome]) -> String {
    let name_width = outcomes
        .iter()
        .map(|o| o.server.len())
        .max()
        .unwrap_or(6)
        .max(6);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<name_width$} {:>3} {:>11} {:>9} {:>9} {:>8} {:>8} {:>10} {:>8} {:>8} {:>6}",
        "server",
        "K",
        "req/s",
        "p50 µs",
        "p99 µs",
        "RSS MiB",
        "srv CPU%",
        "srv µs/req",
        "drv CPU%",
        "oth CPU%",
        "steal%"
    );
    for outcome in outcomes {
        match (&outcome.report, &outcome.failure) {
            (Some(r), _) => {
                let _ = writeln!(
                    out,
                    "{:<name_width$} {:>3} {:>11} {:>9.1} {:>9.1} {:>8} {:>8} {:>10} {:>8} {:>8} {:>6}{}",
                    outcome.server,
                    outcome.window,
                    grouped(r.requests_per_sec),
                    r.latency.p50_us,
                    r.latency.p99_us,
                    or_dash(r.peak_rss_kib.map(|k| format!("{:.1}", k as f64 / 1024.0))),
                    or_dash(r.server_cpu_percent.map(|c| format!("{c:.0}"))),
                    or_dash(r.server_cpu_us_per_request.map(|c| format!("{c:.2}"))),
                    or_dash(r.driver_cpu_percent.map(|c| format!("{c:.0}"))),
                    or_dash(r.other_cpu_percent.map(|c| format!("{c:.0}"))),
                    or_dash(r.steal_percent.map(|c| format!("{c:.0}"))),
                    if outcome.noisy { "  noisy" } else { "" },
                );
            }
            (None, failure) => {
                let message = failure.as_ref().map_or("no result", |f| f.message.as_str());
                let _ = writeln!(
                    out,
                    "{:<name_width$} {:>3}  FAILED: {}",
                    outcome.server,
                    outcome.window,
                    message.lines().next().unwrap_or("")
                );
            }
        }
    }

    let _ = writeln!(
        out,
        "(CPU columns: used during the measured phase by the server, by this driver, by \
         everything else, and taken by the hypervisor (steal), in % of one core; \
         srv µs/req: server CPU time per request; noisy: other work plus steal took more \
         than allowed)"
    );

    let all = ratios(outcomes);
    let mut windows: Vec<usize> = outcomes.iter().map(|o| o.window).collect();
    windows.sort_unstable();
    windows.dedup();
    for window in windows {
        let servers: Vec<&str> = outcomes
            .iter()
            .filter(|o| o.window == window && o.report.is_some())
            .map(|o| o.server.as_str())
            .collect();
        if servers.len() < 2 {
            continue;
        }
        let _ = writeln!(out, "\nthroughput ratio (row / column), K={window}:");
        let _ = write!(out, "{:<name_width$}", "");
        for column in &servers {
            let _ = write!(out, " {column:>w$}", w = column.len().max(6));
        }
        out.push('\n');
        for row in &servers {
            let _ = write!(out, "{row:<name_width$}");
            for column in &servers {
                let ratio = all
                    .iter()
                    .find(|r| r.window == window && r.numerator == *row && r.denominator == *column)
                    .map_or_else(
                        || "1.00".to_owned(),
                        |r| format!("{:.2}", r.requests_per_sec),
                    );
                let _ = write!(out, " {ratio:>w$}", w = column.len().max(6));
            }
            out.push('\n');
        }
    }

    for outcome in outcomes {
        if let Some(failure) = &outcome.failure {
            let _ = writeln!(
                out,
                "\n{} at K={} failed: {failure}",
                outcome.server, outcome.window
            );
        }
    }
    out
}

/// The current time, UTC, as RFC 3339 (`2026-11-28T18:03:26Z`).
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let rest = secs % 86_400;
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(grouped(447_123.4), "447 123");
        assert_eq!(grouped(999.0), "999");
        assert_eq!(grouped(1_000.0), "1 000");
    }

    #[test]
    fn formats_dates() {
        let now = utc_now();
        assert_eq!(now.len(), 20);
        assert!(now.starts_with("20"));
        assert!(now.ends_with('Z'));
    }
}
