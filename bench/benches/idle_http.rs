//! Idle sessions over HTTP, opened and then expired: the resident memory of an `HttpServer`
//! before they are opened, at the peak, and after its idle timeout has closed them.
//!
//! The server is a child process (this binary, re-run with `--child IDLE_SECS`): the echo
//! server behind `HttpServer::builder(server).session_idle_timeout(..).build()` with every
//! other setting at its default, on `127.0.0.1:0`. The driver opens N handshake-era sessions
//! (`initialize`, then `notifications/initialized`, raw HTTP/1.1 over a few keep-alive
//! connections, as a client library would), leaves them all idle, reads the server's
//! `VmRSS`, and waits until the server reports none open.
//!
//! ```sh
//! cargo bench -p mcp-bench --bench idle_http                      # N = 10 000, idle timeout 15 s
//! cargo bench -p mcp-bench --bench idle_http -- --sessions 2000 --idle 5
//! ```
//!
//! Without `--bench` (as under `cargo test --all-targets`) it runs as a smoke test: 200
//! sessions, a 1 s idle timeout.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mcp_bench::process::{ChildGuard, peak_rss_kib};

/// How many connections open sessions at once.
const CONNECTIONS: usize = 8;

mod server {
    use mcp::http_server::HttpServer;
    use mcp::server::Server;
    use mcp_bench::echo::Echo;
    use tokio::io::{AsyncBufReadExt, BufReader};

    /// Serves until stdin closes; answers `count` on stdin with the open sessions.
    pub fn run(idle: std::time::Duration) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let http = HttpServer::builder(Server::builder("idle-http", Echo::default()).build())
                .session_idle_timeout(Some(idle))
                .build();
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("a port");
            println!(
                "listening on {}",
                listener.local_addr().expect("an address")
            );
            let counting = http.clone();
            let commands = async move {
                let mut lines = BufReader::new(tokio::io::stdin()).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    if line.trim() == "count" {
                        println!("{}", counting.session_count());
                    }
                }
            };
            http.serve(listener, http.router(), commands)
                .await
                .expect("serving");
        });
    }
}

/// One keep-alive HTTP/1.1 connection speaking raw requests.
struct Connection {
    addr: SocketAddr,
    tcp: BufReader<TcpStream>,
}

impl Connection {
    fn open(addr: SocketAddr) -> Self {
        let tcp = TcpStream::connect(addr).expect("connect");
        tcp.set_nodelay(true).expect("nodelay");
        Self {
            addr,
            tcp: BufReader::new(tcp),
        }
    }

    /// POSTs `body` and returns the status, the session id header and the body.
    fn post(&mut self, session: Option<&str>, body: &str) -> (u16, Option<String>, String) {
        let session = session
            .map(|s| format!("mcp-session-id: {s}\r\n"))
            .unwrap_or_default();
        let request = format!(
            "POST /mcp HTTP/1.1\r\nhost: {}\r\n{session}content-type: application/json\r\n\
             accept: application/json, text/event-stream\r\nmcp-protocol-version: 2025-11-25\r\n\
             content-length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        self.tcp
            .get_mut()
            .write_all(request.as_bytes())
            .expect("write");
        let mut status_line = String::new();
        self.tcp.read_line(&mut status_line).expect("read");
        let status = status_line
            .get(9..12)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP answer: {status_line:?}"));
        let mut length = 0;
        let mut session = None;
        loop {
            let mut line = String::new();
            self.tcp.read_line(&mut line).expect("read");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').expect("a header");
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().expect("a length"),
                "mcp-session-id" => session = Some(value.trim().to_owned()),
                _ => {}
            }
        }
        let mut body = vec![0u8; length];
        self.tcp.read_exact(&mut body).expect("the body");
        (status, session, String::from_utf8_lossy(&body).into_owned())
    }

    /// Opens a session: `initialize`, then `notifications/initialized`.
    fn open_session(&mut self) -> String {
        let (status, session, body) = self.post(
            None,
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}"#,
        );
        assert_eq!(status, 200, "initialize: {body}");
        let session = session.expect("a session id");
        let (status, _, body) = self.post(
            Some(&session),
            r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
        );
        assert_eq!(status, 202, "initialized: {body}");
        session
    }
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .expect("the server's VmRSS")
}

fn arg<T: std::str::FromStr>(args: &[String], name: &str) -> Option<T> {
    let i = args.iter().position(|a| a == name)?;
    let value = args.get(i + 1)?;
    Some(
        value
            .parse()
            .unwrap_or_else(|_| panic!("{name}: not a number: {value}")),
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(idle) = arg::<f64>(&args, "--child") {
        server::run(Duration::from_secs_f64(idle));
        return;
    }
    let bench = args.iter().any(|a| a == "--bench");
    let sessions: usize = arg(&args, "--sessions").unwrap_or(if bench { 10_000 } else { 200 });
    let idle: f64 = arg(&args, "--idle").unwrap_or(if bench { 15.0 } else { 1.0 });
    let rounds_wanted: usize = arg(&args, "--rounds").unwrap_or(2);

    let exe = std::env::current_exe().expect("this binary");
    let mut child = Command::new(exe)
        .args(["--child", &idle.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the server starts");
    let mut stdin = child.stdin.take().expect("the server's stdin");
    let mut stdout = BufReader::new(child.stdout.take().expect("the server's stdout"));
    let mut child = ChildGuard::new(child);
    let pid = child.id();
    let mut line = String::new();
    stdout.read_line(&mut line).expect("the server's address");
    let addr: SocketAddr = line
        .trim()
        .strip_prefix("listening on ")
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"));
    let mut count = || {
        stdin.write_all(b"count\n").expect("ask");
        let mut line = String::new();
        stdout.read_line(&mut line).expect("the count");
        line.trim().parse::<usize>().expect("a count")
    };

    // Warm up: one session and its DELETE, so that one-time costs are in the baseline.
    let mut warm = Connection::open(addr);
    let session = warm.open_session();
    let delete = format!(
        "DELETE /mcp HTTP/1.1\r\nhost: {addr}\r\nmcp-session-id: {session}\r\n\
         content-length: 0\r\n\r\n"
    );
    warm.tcp
        .get_mut()
        .write_all(delete.as_bytes())
        .expect("delete");
    let mut answer = [0u8; 12];
    warm.tcp
        .read_exact(&mut answer)
        .expect("the DELETE's answer");
    assert_eq!(&answer[9..12], b"200", "DELETE");
    drop(warm);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(count(), 0);
    let before = rss_kib(pid);

    // Two rounds (or --rounds): the second shows whether the memory the first one freed is
    // used again.
    let mut rounds = Vec::new();
    for _ in 0..rounds_wanted {
        let started = Instant::now();
        let workers: Vec<_> = (0..CONNECTIONS)
            .map(|i| {
                let share = sessions / CONNECTIONS + usize::from(i < sessions % CONNECTIONS);
                std::thread::spawn(move || {
                    let mut connection = Connection::open(addr);
                    for _ in 0..share {
                        connection.open_session();
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.join().expect("a worker");
        }
        let opening = started.elapsed();
        let open = count();
        let peak = rss_kib(pid);
        assert_eq!(
            open, sessions,
            "every session is open at the peak (raise --idle if opening takes longer)"
        );
        let idle_since = Instant::now();
        while count() > 0 {
            assert!(
                idle_since.elapsed() < Duration::from_secs_f64(idle * 3.0 + 30.0),
                "the sessions did not expire"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let expired_after = idle_since.elapsed();
        std::thread::sleep(Duration::from_millis(500));
        rounds.push((opening, peak, expired_after, rss_kib(pid)));
    }
    let high_water = peak_rss_kib(pid).unwrap_or(0);
    child.kill();

    println!(
        "{sessions} idle handshake-era sessions over HTTP, idle timeout {idle} s \
         ({CONNECTIONS} keep-alive connections opening them); VmHWM {:.1} MiB",
        high_water as f64 / 1024.0
    );
    println!(
        "{:>6} {:>10} {:>10} {:>10} {:>16} {:>10} {:>12}",
        "round", "before MiB", "peak MiB", "after MiB", "KiB per session", "open s", "expired s"
    );
    let mut base = before;
    for (round, (opening, peak, expired_after, after)) in rounds.into_iter().enumerate() {
        println!(
            "{:>6} {:>10.1} {:>10.1} {:>10.1} {:>16.1} {:>10.2} {:>12.2}",
            round + 1,
            base as f64 / 1024.0,
            peak as f64 / 1024.0,
            after as f64 / 1024.0,
            (peak.saturating_sub(base)) as f64 / sessions as f64,
            opening.as_secs_f64(),
            expired_after.as_secs_f64()
        );
        base = after;
    }
}
