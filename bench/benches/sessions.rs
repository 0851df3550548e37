//! Memory per idle session: how much resident memory one more connected, initialized, idle
//! session costs a server process.
//!
//! For each implementation, a child process (this binary, re-run with `--child NAME N`) serves
//! N sessions over in-memory duplex pipes, drives each one through the `initialize` handshake
//! and one `tools/list` with hand-written JSON lines (no client library in the measurement),
//! leaves them all open and idle, and reports its resident memory before and after. The
//! difference divided by N is the cost of an idle session.
//!
//! ```sh
//! cargo bench -p mcp-bench --bench sessions              # N = 2000
//! cargo bench -p mcp-bench --bench sessions -- --sessions 500
//! ```

use std::process::Command;
use std::time::Instant;

use mcp_bench::echo::{Echo, RmcpEcho};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream};

/// Resident memory of this process, in KiB.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/self/status")
}

/// Drives one session through the handshake and a `tools/list`, then leaves it idle.
async fn handshake(end: DuplexStream) -> DuplexStream {
    let (read, mut write) = tokio::io::split(end);
    let mut lines = BufReader::new(read).lines();
    write
        .write_all(
            b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\
              \"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}\n\
              {\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n\
              {\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}\n",
        )
        .await
        .expect("write");
    for expected in ["\"id\":1", "\"id\":2"] {
        let line = lines.next_line().await.expect("read").expect("an answer");
        assert!(line.contains(expected), "unexpected answer: {line}");
    }
    lines.into_inner().into_inner().unsplit(write)
}

/// Serves `sessions` idle sessions with implementation `name`; prints `before after` in KiB.
fn child(name: &str, sessions: usize) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        // Warm up: one session, so one-time costs (runtime, statics) are in the baseline.
        let mut keep = Vec::new();
        let server = mcp::server::Server::builder("mcp-echo", Echo::default()).build();
        let mut open = |name: &str| {
            let (client, server_end) = tokio::io::duplex(64 * 1024);
            match name {
                "mcp" => {
                    let (read, write) = tokio::io::split(server_end);
                    let transport = mcp::transport::stdio::ByteStreams::new(read, write);
                    keep.push(Box::new(server.connect(transport)) as Box<dyn std::any::Any + Send>);
                }
                "rmcp" => {
                    use rmcp::ServiceExt;
                    let running = tokio::spawn(async move { RmcpEcho.serve(server_end).await });
                    keep.push(Box::new(running));
                }
                other => panic!("unknown implementation {other}"),
            }
            client
        };
        let warm = open(name);
        let warm = handshake(warm).await;
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let before = rss_kib();
        let started = Instant::now();
        let mut clients = Vec::with_capacity(sessions);
        for _ in 0..sessions {
            let end = open(name);
            clients.push(handshake(end).await);
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let after = rss_kib();
        println!("{before} {after} {:.3}", started.elapsed().as_secs_f64());
        drop((warm, clients, keep));
    });
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        child(&args[i + 1], args[i + 2].parse().expect("a session count"));
        return;
    }
    let sessions: usize = args
        .iter()
        .position(|a| a == "--sessions")
        .map(|i| args[i + 1].parse().expect("a number after --sessions"))
        .unwrap_or(2000);
    let exe = std::env::current_exe().expect("this binary");
    println!(
        "idle sessions over in-memory pipes, {sessions} per implementation (handshake + tools/list, then idle)"
    );
    println!(
        "{:<8} {:>12} {:>12} {:>16} {:>10}",
        "impl", "base MiB", "after MiB", "KiB per session", "open s"
    );
    let mut per = Vec::new();
    for name in ["mcp", "rmcp"] {
        let out = Command::new(&exe)
            .args(["--child", name, &sessions.to_string()])
            .output()
            .expect("the child runs");
        assert!(
            out.status.success(),
            "{name} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let fields: Vec<f64> = text
            .split_whitespace()
            .map(|f| f.parse().expect("numbers"))
            .collect();
        let (before, after, secs) = (fields[0], fields[1], fields[2]);
        let kib = (after - before) / sessions as f64;
        per.push((name, kib));
        println!(
            "{name:<8} {:>12.1} {:>12.1} {kib:>16.1} {secs:>10.2}",
            before / 1024.0,
            after / 1024.0
        );
    }
    println!("ratio mcp / rmcp: {:.2}", per[0].1 / per[1].1);
}
