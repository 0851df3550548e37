//! `mcp call --load`: one tool called many times over one session, a chosen number of calls in
//! flight, for a number of calls or a duration, at full speed or at a chosen rate; then the
//! throughput, the latency percentiles (an HDR histogram) and the errors, grouped.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use mcp::client::{CallOptions, Client};
use mcp::types::CallToolRequestParams;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{CliError, Result};
use crate::ui::{BOLD, DIM, GREEN, RED, printable};

/// The default length of a run given neither a number of calls nor a duration.
const DEFAULT_DURATION: Duration = Duration::from_secs(10);
/// The longest latency the histogram keeps exactly (longer ones count as this).
const LONGEST: Duration = Duration::from_secs(3600);

/// How the load is shaped.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Load options (with --load)")]
pub struct LoadArgs {
    /// Call the tool many times and report throughput, latency percentiles and errors instead
    /// of its result.
    #[arg(long)]
    pub load: bool,
    /// Calls in flight at once.
    #[arg(long, value_name = "N", default_value_t = 1, requires = "load")]
    pub concurrency: u32,
    /// Stop after this many calls.
    #[arg(long, value_name = "N", requires = "load")]
    pub requests: Option<u64>,
    /// Stop after this many seconds (default 10 when --requests is not given either).
    #[arg(long, value_name = "SECONDS", requires = "load")]
    pub duration: Option<f64>,
    /// Start calls at this many per second at most, spread evenly (default: as fast as the
    /// server answers).
    #[arg(long, value_name = "PER_SECOND", requires = "load")]
    pub rate: Option<f64>,
}

impl LoadArgs {
    /// The plan these options describe, or a usage error.
    fn plan(&self) -> Result<Plan> {
        if self.concurrency == 0 {
            return Err(CliError::usage("--concurrency must be at least 1"));
        }
        if self.requests == Some(0) {
            return Err(CliError::usage("--requests must be at least 1"));
        }
        let positive = |value: Option<f64>, what: &str| -> Result<Option<f64>> {
            match value {
                Some(v) if !(v.is_finite() && v > 0.0) => {
                    Err(CliError::usage(format!("{what} must be a positive number")))
                }
                other => Ok(other),
            }
        };
        let duration = positive(self.duration, "--duration")?.map(Duration::from_secs_f64);
        let rate = positive(self.rate, "--rate")?;
        Ok(Plan {
            concurrency: self.concurrency,
            requests: self.requests,
            duration: match (duration, self.requests) {
                (None, None) => Some(DEFAULT_DURATION),
                (duration, _) => duration,
            },
            rate,
        })
    }
}

/// When a run stops and how fast it goes.
#[derive(Debug, Clone, Copy)]
struct Plan {
    concurrency: u32,
    requests: Option<u64>,
    duration: Option<Duration>,
    rate: Option<f64>,
}

/// The outcome of a run, as `--json` prints it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadReport {
    /// The tool called.
    pub tool: String,
    /// Calls in flight at once.
    pub concurrency: u32,
    /// The rate asked for, in calls per second, if any.
    pub rate: Option<f64>,
    /// Calls made.
    pub requests: u64,
    /// Calls answered with a result that is not an error.
    pub succeeded: u64,
    /// Calls that failed: a protocol or transport error, or a tool result with `isError`.
    pub failed: u64,
    /// How long the run took, in milliseconds.
    pub duration_ms: f64,
    /// Calls completed per second.
    pub throughput: f64,
    /// Latency of the completed calls, in milliseconds.
    pub latency_ms: Latency,
    /// The failures, by message, most frequent first.
    pub errors: Vec<ErrorCount>,
}

/// Latency percentiles, in milliseconds.
#[derive(Debug, Serialize)]
pub struct Latency {
    /// The fastest call.
    pub min: f64,
    /// The mean.
    pub mean: f64,
    /// The median.
    pub p50: f64,
    /// The 90th percentile.
    pub p90: f64,
    /// The 99th percentile.
    pub p99: f64,
    /// The slowest call.
    pub max: f64,
}

/// One kind of failure and how often it happened.
#[derive(Debug, Serialize)]
pub struct ErrorCount {
    /// What the failure said.
    pub message: String,
    /// How many calls failed so.
    pub count: u64,
}

/// What the workers gather.
struct Tally {
    latencies: Histogram<u64>,
    succeeded: u64,
    errors: BTreeMap<String, u64>,
}

impl Tally {
    fn new() -> Self {
        Self {
            latencies: Histogram::new_with_bounds(1, LONGEST.as_micros() as u64, 3)
                .expect("valid histogram bounds"),
            succeeded: 0,
            errors: BTreeMap::new(),
        }
    }

    fn record(&mut self, elapsed: Duration, outcome: std::result::Result<(), String>) {
        let micros = (elapsed.as_micros() as u64).clamp(1, LONGEST.as_micros() as u64);
        self.latencies.saturating_record(micros);
        match outcome {
            Ok(()) => self.succeeded += 1,
            Err(message) => *self.errors.entry(message).or_default() += 1,
        }
    }
}

/// Calls `tool` with `arguments` on `client` as `args` say.
pub async fn run(
    client: &Client,
    tool: &str,
    arguments: Map<String, Value>,
    args: &LoadArgs,
    timeout: Duration,
) -> Result<LoadReport> {
    let plan = args.plan()?;
    let options = CallOptions {
        on_progress: None,
        timeout: Some(timeout),
        reset_timeout_on_progress: true,
    };
    let started = Instant::now();
    let deadline = plan.duration.map(|d| started + d);
    let tickets = AtomicU64::new(0);
    let tally = std::cell::RefCell::new(Tally::new());
    let worker = || async {
        loop {
            let ticket = tickets.fetch_add(1, Ordering::Relaxed);
            if plan.requests.is_some_and(|n| ticket >= n) {
                break;
            }
            if let Some(rate) = plan.rate {
                let due = started + Duration::from_secs_f64(ticket as f64 / rate);
                if deadline.is_some_and(|d| due >= d) {
                    break;
                }
                tokio::time::sleep_until(due.into()).await;
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                break;
            }
            let mut params = CallToolRequestParams::new(tool);
            params.arguments = Some(arguments.clone());
            let sent = Instant::now();
            let outcome = match client.call_tool_with(params, &options).await {
                Ok(result) if result.is_error == Some(true) => {
                    let text: Vec<&str> =
                        result.content.iter().filter_map(|c| c.as_text()).collect();
                    Err(format!("the tool reported an error: {}", text.join(" ")))
                }
                Ok(_) => Ok(()),
                Err(e) => Err(e.to_string()),
            };
            tally.borrow_mut().record(sent.elapsed(), outcome);
        }
    };
    futures::future::join_all((0..plan.concurrency).map(|_| worker())).await;
    let elapsed = started.elapsed();
    let tally = tally.into_inner();
    Ok(report(tool, &plan, elapsed, tally))
}

/// The report of a finished run.
fn report(tool: &str, plan: &Plan, elapsed: Duration, tally: Tally) -> LoadReport {
    let h = &tally.latencies;
    let requests = h.len();
    let ms = |micros: u64| micros as f64 / 1000.0;
    let latency_ms = if requests == 0 {
        Latency {
            min: 0.0,
            mean: 0.0,
            p50: 0.0,
            p90: 0.0,
            p99: 0.0,
            max: 0.0,
        }
    } else {
        Latency {
            min: ms(h.min()),
            mean: h.mean() / 1000.0,
            p50: ms(h.value_at_quantile(0.5)),
            p90: ms(h.value_at_quantile(0.9)),
            p99: ms(h.value_at_quantile(0.99)),
            max: ms(h.max()),
        }
    };
    let mut errors: Vec<ErrorCount> = tally
        .errors
        .into_iter()
        .map(|(message, count)| ErrorCount { message, count })
        .collect();
    errors.sort_by_key(|e| std::cmp::Reverse(e.count));
    let seconds = elapsed.as_secs_f64();
    LoadReport {
        tool: tool.to_owned(),
        concurrency: plan.concurrency,
        rate: plan.rate,
        requests,
        succeeded: tally.succeeded,
        failed: requests - tally.succeeded,
        duration_ms: seconds * 1000.0,
        throughput: if seconds > 0.0 {
            requests as f64 / seconds
        } else {
            0.0
        },
        latency_ms,
        errors,
    }
}

/// Prints a report for a person.
pub fn print(report: &LoadReport) {
    let rate = report
        .rate
        .map(|r| format!(", at most {r} per second"))
        .unwrap_or_default();
    anstream::println!(
        "{BOLD}{}{BOLD:#} × {} in {:.2} s, {} in flight{rate}",
        printable(&report.tool),
        report.requests,
        report.duration_ms / 1000.0,
        report.concurrency
    );
    anstream::println!("  throughput  {:.1} calls/s", report.throughput);
    let l = &report.latency_ms;
    anstream::println!(
        "  latency     p50 {} · p90 {} · p99 {} · max {}  {DIM}(min {}, mean {}){DIM:#}",
        millis(l.p50),
        millis(l.p90),
        millis(l.p99),
        millis(l.max),
        millis(l.min),
        millis(l.mean)
    );
    if report.failed == 0 {
        anstream::println!("  errors      {GREEN}none{GREEN:#}");
    } else {
        anstream::println!(
            "  errors      {RED}{} of {}{RED:#}",
            report.failed,
            report.requests
        );
        for error in &report.errors {
            anstream::println!(
                "    {RED}{}×{RED:#} {}",
                error.count,
                printable(&error.message)
            );
        }
    }
}

/// A latency in milliseconds, with the precision it deserves.
fn millis(ms: f64) -> String {
    if ms < 1.0 {
        format!("{ms:.3} ms")
    } else if ms < 100.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(edit: impl FnOnce(&mut LoadArgs)) -> LoadArgs {
        let mut args = LoadArgs {
            load: true,
            concurrency: 1,
            requests: None,
            duration: None,
            rate: None,
        };
        edit(&mut args);
        args
    }

    #[test]
    fn plans_default_to_ten_seconds_and_refuse_nonsense() {
        let plan = load(|_| {}).plan().unwrap();
        assert_eq!(plan.duration, Some(DEFAULT_DURATION));
        let plan = load(|a| a.requests = Some(5)).plan().unwrap();
        assert_eq!((plan.requests, plan.duration), (Some(5), None));
        for bad in [
            load(|a| a.concurrency = 0),
            load(|a| a.requests = Some(0)),
            load(|a| a.duration = Some(-1.0)),
            load(|a| a.rate = Some(0.0)),
            load(|a| a.rate = Some(f64::NAN)),
        ] {
            assert!(bad.plan().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn reports_count_percentiles_and_group_errors() {
        let mut tally = Tally::new();
        for ms in 1..=100 {
            tally.record(Duration::from_millis(ms), Ok(()));
        }
        tally.record(Duration::from_millis(5), Err("boom".into()));
        tally.record(Duration::from_millis(5), Err("boom".into()));
        tally.record(Duration::from_millis(5), Err("bang".into()));
        let plan = load(|a| a.requests = Some(103)).plan().unwrap();
        let report = report("echo", &plan, Duration::from_secs(2), tally);
        assert_eq!(
            (report.requests, report.succeeded, report.failed),
            (103, 100, 3)
        );
        assert!((report.throughput - 51.5).abs() < 1e-9);
        let l = &report.latency_ms;
        assert!((l.p50 - 50.0).abs() < 1.0, "{l:?}");
        assert!((l.p99 - 99.0).abs() < 1.0, "{l:?}");
        assert!((l.max - 100.0).abs() < 0.1, "{l:?}");
        assert_eq!(report.errors[0].message, "boom");
        assert_eq!(report.errors[0].count, 2);
        assert_eq!(millis(0.25), "0.250 ms");
        assert_eq!(millis(12.5), "12.50 ms");
        assert_eq!(millis(250.0), "250 ms");
    }
}
