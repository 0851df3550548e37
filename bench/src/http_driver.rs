//! The Streamable HTTP echo benchmark driver: one server process, one
//! scenario, one measurement.
//!
//! [`run_http_server`] spawns the server, reads the address it listens on
//! from the first line of its stdout (`listening on 127.0.0.1:<port>`),
//! opens keep-alive HTTP/1.1 connections to `/mcp` and keeps one
//! `tools/call` of the `echo` tool in flight on each: a warm-up, a timed
//! measurement, a drain. Then it reads the server's peak RSS, closes its
//! stdin and waits for it to exit.
//!
//! Two scenarios ([`Scenario`]):
//!
//! - **stateless**: K connections sending 2026-07-28 requests, each with the
//!   `_meta` envelope and the `MCP-Protocol-Version`, `Mcp-Method` and
//!   `Mcp-Name` headers: no session;
//! - **sessions**: S handshake-era (2025-11-25) sessions, each opened on its
//!   own connection by `initialize` and `notifications/initialized`, then
//!   sending its requests with its `Mcp-Session-Id`.
//!
//! # How it stays light
//!
//! One thread runs every connection on a current-thread tokio runtime, with
//! no HTTP library: requests are formatted into one reused buffer per
//! connection and written with one `write`; responses are parsed by hand
//! (status line, `Content-Length` or chunked framing, JSON or an SSE stream).
//! The first answer on each connection is checked in full with `serde_json`
//! (id, `result.content[0].text`, no `error`); later ones by looking for the
//! id, the echoed text and the absence of `"error"`.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::rc::Rc;
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::process::{
    ChildGuard, MachineCpu, cpu_time, describe_status, keep_stderr_tail, peak_rss_kib, tail_text,
};
use crate::stdio_driver::{LatencySummary, RunFailure, RunReport, ServerSpec, push_decimal};

/// Length of the slices whose throughputs show how steady a run was.
const SLICE: Duration = Duration::from_millis(500);

/// The stateless-era version the driver speaks.
pub const STATELESS_VERSION: &str = "2026-07-28";

/// The handshake-era version the driver asks for in `initialize`.
pub const HANDSHAKE_VERSION: &str = "2025-11-25";

/// What the driver keeps in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Scenario {
    /// Stateless-era requests on this many connections, one in flight on each.
    Stateless {
        /// Connections (= requests in flight).
        connections: usize,
    },
    /// This many handshake-era sessions, one connection and one request in
    /// flight each.
    Sessions {
        /// Sessions (= requests in flight).
        sessions: usize,
    },
}

impl Scenario {
    /// Requests in flight.
    pub fn in_flight(self) -> usize {
        match self {
            Scenario::Stateless { connections } => connections,
            Scenario::Sessions { sessions } => sessions,
        }
    }

    /// `stateless K=32`, `32 sessions`.
    pub fn name(self) -> String {
        match self {
            Scenario::Stateless { connections } => format!("stateless K={connections}"),
            Scenario::Sessions { sessions: 1 } => "1 session".to_owned(),
            Scenario::Sessions { sessions } => format!("{sessions} sessions"),
        }
    }

    /// Parses [`Scenario::name`]'s short forms: `stateless:32`, `sessions:32`.
    pub fn parse(text: &str) -> Option<Self> {
        let (kind, count) = text.split_once(':')?;
        let count: usize = count.parse().ok().filter(|&n| n > 0)?;
        match kind {
            "stateless" => Some(Scenario::Stateless { connections: count }),
            "sessions" => Some(Scenario::Sessions { sessions: count }),
            _ => None,
        }
    }
}

/// How one run is driven.
#[derive(Clone, Debug, Serialize)]
pub struct HttpDriverConfig {
    /// How long to drive the server before measuring.
    #[serde(serialize_with = "serialize_secs")]
    pub warmup: Duration,
    /// How long to measure.
    #[serde(serialize_with = "serialize_secs")]
    pub measure: Duration,
    /// The `message` argument of every `echo` call.
    pub message: String,
    /// Longest wait from spawning the server to its address, and to each
    /// session's `initialize` result.
    #[serde(serialize_with = "serialize_secs")]
    pub startup_timeout: Duration,
    /// Longest wait for one answer.
    #[serde(serialize_with = "serialize_secs")]
    pub stall_timeout: Duration,
}

impl Default for HttpDriverConfig {
    fn default() -> Self {
        Self {
            warmup: Duration::from_secs(2),
            measure: Duration::from_secs(8),
            message: "hello world".to_owned(),
            startup_timeout: Duration::from_secs(10),
            stall_timeout: Duration::from_secs(5),
        }
    }
}

fn serialize_secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// Runs `spec` under `scenario` and measures it.
pub fn run_http_server(
    spec: &ServerSpec,
    scenario: Scenario,
    config: &HttpDriverConfig,
) -> Result<RunReport, RunFailure> {
    let tail = Arc::new(Mutex::new(VecDeque::new()));
    let fail = |message: String, child: Option<&mut ChildGuard>| {
        let exit = child.and_then(|c| {
            let status = c.try_wait().map(describe_status);
            c.kill();
            status
        });
        RunFailure {
            message,
            exit,
            stderr_tail: tail_text(&tail),
        }
    };
    let mut process = Command::new(&spec.program)
        .args(&spec.args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            fail(
                format!("could not start {}: {e}", spec.command_line()),
                None,
            )
        })?;
    let stdin = process.stdin.take();
    let stdout = process.stdout.take().expect("stdout is piped");
    let stderr = process.stderr.take().expect("stderr is piped");
    let mut child = ChildGuard::new(process);
    let tail_writer = tail.clone();
    thread::spawn(move || keep_stderr_tail(stderr, tail_writer));
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(config.startup_timeout).map_err(|_| {
        fail(
            format!(
                "the server did not print its address within {:?}",
                config.startup_timeout
            ),
            Some(&mut child),
        )
    })?;
    let addr: SocketAddr = line
        .trim()
        .strip_prefix("listening on ")
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| {
            fail(
                format!("expected `listening on 127.0.0.1:<port>` first on stdout, got {line:?}"),
                Some(&mut child),
            )
        })?;
    let pid = child.id();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            fail(
                format!("could not start the driver's runtime: {e}"),
                Some(&mut child),
            )
        })?;
    let local = tokio::task::LocalSet::new();
    let measured = local.block_on(&runtime, drive(addr, scenario, config, pid));
    let mut report = match measured {
        Ok(report) => report,
        Err(message) => return Err(fail(message, Some(&mut child))),
    };
    report.peak_rss_kib = peak_rss_kib(pid);
    drop(stdin);
    report.exit = child.wait_or_kill(Duration::from_secs(5));
    Ok(report)
}

/// What the connections share (one thread: plain cells).
struct Shared {
    measuring: Cell<bool>,
    stop: Cell<bool>,
    completed: Cell<u64>,
    latencies: RefCell<Vec<u32>>,
    failure: RefCell<Option<String>>,
    fully_checked: Cell<u64>,
    server_info: RefCell<Option<(String, String)>>,
    failed: tokio::sync::Notify,
}

impl Shared {
    fn fail(&self, message: String) {
        self.failure.borrow_mut().get_or_insert(message);
        self.stop.set(true);
        self.failed.notify_one();
    }
}

/// Sleeps `period`, or less if a connection fails.
async fn phase(shared: &Shared, period: Duration) -> Result<(), String> {
    tokio::select! {
        () = tokio::time::sleep(period) => {}
        () = shared.failed.notified() => {}
    }
    match shared.failure.borrow().clone() {
        Some(failure) => Err(failure),
        None => Ok(()),
    }
}

async fn drive(
    addr: SocketAddr,
    scenario: Scenario,
    config: &HttpDriverConfig,
    pid: u32,
) -> Result<RunReport, String> {
    let shared = Rc::new(Shared {
        measuring: Cell::new(false),
        stop: Cell::new(false),
        completed: Cell::new(0),
        latencies: RefCell::new(Vec::with_capacity(1 << 20)),
        failure: RefCell::new(None),
        fully_checked: Cell::new(0),
        server_info: RefCell::new(None),
        failed: tokio::sync::Notify::new(),
    });
    let mut connections = Vec::new();
    let (count, stateless) = match scenario {
        Scenario::Stateless { connections } => (connections, true),
        Scenario::Sessions { sessions } => (sessions, false),
    };
    for _ in 0..count {
        let mut connection = Connection::open(addr, config).await?;
        if !stateless {
            tokio::time::timeout(config.startup_timeout, connection.initialize(&shared))
                .await
                .map_err(|_| {
                    format!("no initialize result within {:?}", config.startup_timeout)
                })??;
        }
        connections.push(connection);
    }
    let tasks: Vec<_> = connections
        .into_iter()
        .map(|mut connection| {
            let shared = shared.clone();
            let message = config.message.clone();
            let stall = config.stall_timeout;
            tokio::task::spawn_local(async move {
                if let Err(e) = connection.run(&shared, &message, stall).await {
                    shared.fail(e);
                }
            })
        })
        .collect();

    phase(&shared, config.warmup).await?;
    let warmup_requests = shared.completed.get();
    let server_cpu_before = cpu_time(&pid.to_string());
    let driver_cpu_before = cpu_time("self");
    let machine_before = MachineCpu::read();
    let started = Instant::now();
    shared.measuring.set(true);
    let mut slices = Vec::new();
    let mut slice_start = shared.completed.get();
    let slice_count = (config.measure.as_secs_f64() / SLICE.as_secs_f64()).floor() as usize;
    for _ in 0..slice_count.max(1) {
        let period = if slice_count == 0 {
            config.measure
        } else {
            SLICE
        };
        phase(&shared, period).await?;
        let done = shared.completed.get();
        slices.push((done - slice_start) as f64 / period.as_secs_f64());
        slice_start = done;
    }
    let rest = config.measure.saturating_sub(started.elapsed());
    if !rest.is_zero() {
        phase(&shared, rest).await?;
    }
    shared.measuring.set(false);
    let seconds = started.elapsed().as_secs_f64();
    let requests = shared.completed.get() - warmup_requests;
    let server_cpu = cpu_time(&pid.to_string())
        .zip(server_cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    let driver_cpu = cpu_time("self")
        .zip(driver_cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    let machine = machine_before
        .zip(MachineCpu::read())
        .map(|(before, after)| before.busy_and_steal_since(&after, started.elapsed()));
    shared.stop.set(true);
    for task in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(10), task).await;
    }
    if let Some(failure) = shared.failure.borrow().clone() {
        return Err(failure);
    }
    let mut latencies = shared.latencies.take();
    let latency = LatencySummary::from_nanos(&mut latencies)
        .ok_or_else(|| "no request was answered during the measurement".to_owned())?;
    let percent = |cpu: Duration| cpu.as_secs_f64() / seconds * 100.0;
    let server_cpu_percent = server_cpu.map(percent);
    let driver_cpu_percent = driver_cpu.map(percent);
    let (protocol_version, server_info) = {
        let info = shared.server_info.borrow();
        let (version, name) = info.clone().unwrap_or_default();
        (version, name)
    };
    Ok(RunReport {
        window: scenario.in_flight(),
        pump: "http",
        requests,
        seconds,
        requests_per_sec: requests as f64 / seconds,
        slices_per_sec: slices,
        latency,
        peak_rss_kib: None,
        server_cpu_percent,
        server_cpu_us_per_request: server_cpu
            .map(|cpu| cpu.as_secs_f64() * 1e6 / requests.max(1) as f64),
        driver_cpu_percent,
        other_cpu_percent: machine.map(|(busy, _)| {
            (busy - server_cpu_percent.unwrap_or(0.0) - driver_cpu_percent.unwrap_or(0.0)).max(0.0)
        }),
        steal_percent: machine.map(|(_, steal)| steal),
        warmup_requests,
        fully_parsed_responses: shared.fully_checked.get(),
        other_messages: 0,
        protocol_version,
        server_info,
        exit: String::new(),
    })
}

/// One keep-alive connection and what it knows about its session.
struct Connection {
    stream: TcpStream,
    host: String,
    session_id: Option<String>,
    out: Vec<u8>,
    body: Vec<u8>,
    buf: Vec<u8>,
    next_id: u64,
    checked: bool,
}

/// One parsed HTTP response.
struct Response {
    status: u16,
    session_id: Option<String>,
    /// The JSON-RPC message (the body, or the SSE event carrying the answer).
    json: Vec<u8>,
}

impl Connection {
    async fn open(addr: SocketAddr, config: &HttpDriverConfig) -> Result<Self, String> {
        let stream = tokio::time::timeout(config.startup_timeout, TcpStream::connect(addr))
            .await
            .map_err(|_| format!("connecting to {addr} timed out"))?
            .map_err(|e| format!("could not connect to {addr}: {e}"))?;
        stream
            .set_nodelay(true)
            .map_err(|e| format!("could not set TCP_NODELAY: {e}"))?;
        Ok(Self {
            stream,
            host: addr.to_string(),
            session_id: None,
            out: Vec::with_capacity(1024),
            body: Vec::with_capacity(512),
            buf: Vec::with_capacity(16 * 1024),
            next_id: 1,
            checked: false,
        })
    }

    /// Writes one POST of `self.body`.
    async fn post(&mut self, stateless: Option<(&str, &str)>) -> io::Result<()> {
        self.out.clear();
        self.out.extend_from_slice(b"POST /mcp HTTP/1.1\r\nhost: ");
        self.out.extend_from_slice(self.host.as_bytes());
        self.out.extend_from_slice(
            b"\r\ncontent-type: application/json\r\naccept: application/json, text/event-stream\r\n",
        );
        match stateless {
            Some((method, name)) => {
                self.out.extend_from_slice(b"mcp-protocol-version: ");
                self.out.extend_from_slice(STATELESS_VERSION.as_bytes());
                self.out.extend_from_slice(b"\r\nmcp-method: ");
                self.out.extend_from_slice(method.as_bytes());
                self.out.extend_from_slice(b"\r\nmcp-name: ");
                self.out.extend_from_slice(name.as_bytes());
                self.out.extend_from_slice(b"\r\n");
            }
            None => {
                if let Some(session) = &self.session_id {
                    self.out.extend_from_slice(b"mcp-session-id: ");
                    self.out.extend_from_slice(session.as_bytes());
                    self.out.extend_from_slice(b"\r\nmcp-protocol-version: ");
                    self.out.extend_from_slice(HANDSHAKE_VERSION.as_bytes());
                    self.out.extend_from_slice(b"\r\n");
                }
            }
        }
        self.out.extend_from_slice(b"content-length: ");
        push_decimal(&mut self.out, self.body.len() as u64);
        self.out.extend_from_slice(b"\r\n\r\n");
        self.out.extend_from_slice(&self.body);
        self.stream.write_all(&self.out).await
    }

    /// Reads one whole response.
    async fn response(&mut self) -> Result<Response, String> {
        let head_end = loop {
            if let Some(end) = memchr::memmem::find(&self.buf, b"\r\n\r\n") {
                break end + 4;
            }
            self.fill().await?;
        };
        let head = std::str::from_utf8(&self.buf[..head_end])
            .map_err(|_| "a response head that is not UTF-8".to_owned())?
            .to_owned();
        let mut lines = head.split("\r\n");
        let status: u16 = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("a malformed status line: {head:?}"))?;
        let (mut length, mut chunked, mut sse, mut session_id) = (None, false, false, None);
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.parse::<usize>().ok(),
                "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
                "content-type" => sse = value.starts_with("text/event-stream"),
                "mcp-session-id" => session_id = Some(value.to_owned()),
                _ => {}
            }
        }
        self.buf.drain(..head_end);
        let body = if chunked {
            self.chunked_body().await?
        } else {
            let length = length.unwrap_or(0);
            while self.buf.len() < length {
                self.fill().await?;
            }
            self.buf.drain(..length).collect()
        };
        let json = if sse { answer_event(&body) } else { body };
        Ok(Response {
            status,
            session_id,
            json,
        })
    }

    async fn chunked_body(&mut self) -> Result<Vec<u8>, String> {
        let mut body = Vec::new();
        loop {
            let line_end = loop {
                if let Some(end) = memchr::memmem::find(&self.buf, b"\r\n") {
                    break end;
                }
                self.fill().await?;
            };
            let size_text = std::str::from_utf8(&self.buf[..line_end]).unwrap_or("");
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| format!("a malformed chunk size {size_text:?}"))?;
            while self.buf.len() < line_end + 2 + size + 2 {
                self.fill().await?;
            }
            body.extend_from_slice(&self.buf[line_end + 2..line_end + 2 + size]);
            self.buf.drain(..line_end + 2 + size + 2);
            if size == 0 {
                return Ok(body);
            }
        }
    }

    async fn fill(&mut self) -> Result<(), String> {
        let mut chunk = [0u8; 16 * 1024];
        let n = self
            .stream
            .read(&mut chunk)
            .await
            .map_err(|e| format!("reading from the server failed: {e}"))?;
        if n == 0 {
            return Err("the server closed the connection".to_owned());
        }
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(())
    }

    /// Opens the session: `initialize`, then `notifications/initialized`.
    async fn initialize(&mut self, shared: &Shared) -> Result<(), String> {
        self.body.clear();
        self.body.extend_from_slice(
            format!(
                r#"{{"jsonrpc":"2.0","id":0,"method":"initialize","params":{{"protocolVersion":"{HANDSHAKE_VERSION}","capabilities":{{}},"clientInfo":{{"name":"mcp-bench","version":"{}"}}}}}}"#,
                env!("CARGO_PKG_VERSION")
            )
            .as_bytes(),
        );
        self.post(None)
            .await
            .map_err(|e| format!("sending initialize failed: {e}"))?;
        let response = self.response().await?;
        if response.status != 200 {
            return Err(format!(
                "initialize got HTTP {}: {}",
                response.status,
                String::from_utf8_lossy(&response.json)
            ));
        }
        let result: serde_json::Value = serde_json::from_slice(&response.json)
            .map_err(|e| format!("the initialize answer is not JSON ({e})"))?;
        let result = &result["result"];
        if result["capabilities"]["tools"].is_null() {
            return Err(format!("initialize: no tools capability in {result}"));
        }
        self.session_id = Some(
            response
                .session_id
                .ok_or("the initialize answer assigned no Mcp-Session-Id")?,
        );
        shared.server_info.borrow_mut().get_or_insert_with(|| {
            (
                result["protocolVersion"].as_str().unwrap_or("").to_owned(),
                format!(
                    "{} {}",
                    result["serverInfo"]["name"].as_str().unwrap_or("?"),
                    result["serverInfo"]["version"].as_str().unwrap_or("?")
                ),
            )
        });
        self.body.clear();
        self.body
            .extend_from_slice(br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#);
        self.post(None)
            .await
            .map_err(|e| format!("sending notifications/initialized failed: {e}"))?;
        let response = self.response().await?;
        if response.status != 202 {
            return Err(format!(
                "notifications/initialized got HTTP {} (202 expected)",
                response.status
            ));
        }
        Ok(())
    }

    /// Calls `echo` until told to stop.
    async fn run(&mut self, shared: &Shared, message: &str, stall: Duration) -> Result<(), String> {
        let stateless = self.session_id.is_none();
        let message_json = serde_json::to_string(message).expect("a string serialises");
        let expected_text = format!(r#""text":{message_json}"#);
        let suffix = if stateless {
            format!(
                r#","method":"tools/call","params":{{"name":"echo","arguments":{{"message":{message_json}}},"_meta":{{"io.modelcontextprotocol/protocolVersion":"{STATELESS_VERSION}","io.modelcontextprotocol/clientCapabilities":{{}},"io.modelcontextprotocol/clientInfo":{{"name":"mcp-bench","version":"{}"}}}}}}}}"#,
                env!("CARGO_PKG_VERSION")
            )
        } else {
            format!(
                r#","method":"tools/call","params":{{"name":"echo","arguments":{{"message":{message_json}}}}}}}"#
            )
        };
        while !shared.stop.get() {
            let id = self.next_id;
            self.next_id += 1;
            self.body.clear();
            self.body.extend_from_slice(br#"{"jsonrpc":"2.0","id":"#);
            push_decimal(&mut self.body, id);
            self.body.extend_from_slice(suffix.as_bytes());
            let sent = Instant::now();
            let exchange = async {
                self.post(stateless.then_some(("tools/call", "echo")))
                    .await
                    .map_err(|e| format!("sending a request failed: {e}"))?;
                self.response().await
            };
            let response = tokio::time::timeout(stall, exchange)
                .await
                .map_err(|_| format!("no answer to request {id} within {stall:?}"))??;
            let latency = sent.elapsed();
            if response.status != 200 {
                return Err(format!(
                    "request {id} got HTTP {}: {}",
                    response.status,
                    String::from_utf8_lossy(&response.json)
                ));
            }
            if !self.checked {
                check_in_full(&response.json, id, message, shared)?;
                self.checked = true;
                shared.fully_checked.set(shared.fully_checked.get() + 1);
            } else {
                check_quickly(&response.json, id, &expected_text)?;
            }
            if shared.measuring.get() {
                shared
                    .latencies
                    .borrow_mut()
                    .push(latency.as_nanos().min(u128::from(u32::MAX)) as u32);
            }
            shared.completed.set(shared.completed.get() + 1);
        }
        Ok(())
    }
}

/// The data of the SSE event that carries an answer (has an `id` and a `result` or `error`).
fn answer_event(body: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(body);
    let mut data = String::new();
    let mut answer = Vec::new();
    for line in text.lines() {
        if let Some(value) = line.strip_prefix("data:") {
            data.push_str(value.strip_prefix(' ').unwrap_or(value));
        } else if line.is_empty() && !data.is_empty() {
            if data.contains(r#""result""#) || data.contains(r#""error""#) {
                answer = std::mem::take(&mut data).into_bytes();
            }
            data.clear();
        }
    }
    if answer.is_empty() && !data.is_empty() {
        answer = data.into_bytes();
    }
    answer
}

fn check_in_full(json: &[u8], id: u64, message: &str, shared: &Shared) -> Result<(), String> {
    let answer: serde_json::Value = serde_json::from_slice(json).map_err(|e| {
        format!(
            "the answer to request {id} is not JSON ({e}): {}",
            String::from_utf8_lossy(json)
        )
    })?;
    if answer["jsonrpc"] != "2.0" || answer["id"] != id || answer.get("error").is_some() {
        return Err(format!("a wrong answer to request {id}: {answer}"));
    }
    let result = &answer["result"];
    if result["isError"] == true
        || result["content"][0]["type"] != "text"
        || result["content"][0]["text"] != message
    {
        return Err(format!("request {id} was not echoed: {answer}"));
    }
    let info = &result["_meta"]["io.modelcontextprotocol/serverInfo"];
    if !info.is_null() {
        shared.server_info.borrow_mut().get_or_insert_with(|| {
            (
                STATELESS_VERSION.to_owned(),
                format!(
                    "{} {}",
                    info["name"].as_str().unwrap_or("?"),
                    info["version"].as_str().unwrap_or("?")
                ),
            )
        });
    }
    Ok(())
}

fn check_quickly(json: &[u8], id: u64, expected_text: &str) -> Result<(), String> {
    let id_member = format!(r#""id":{id}"#);
    let found_id = memchr::memmem::find_iter(json, id_member.as_bytes())
        .any(|at| matches!(json.get(at + id_member.len()), Some(b',' | b'}')));
    if !found_id
        || memchr::memmem::find(json, expected_text.as_bytes()).is_none()
        || memchr::memmem::find(json, br#""error":"#).is_some()
    {
        return Err(format!(
            "a wrong answer to request {id}: {}",
            String::from_utf8_lossy(json)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_answer_in_an_event_stream() {
        let body = b"id: 1\ndata: \n\nevent: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"n\"}\n\nevent: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}\n\n";
        assert_eq!(
            answer_event(body),
            br#"{"jsonrpc":"2.0","id":3,"result":{}}"#.to_vec()
        );
    }

    #[test]
    fn quick_checks_catch_wrong_answers() {
        let good =
            br#"{"jsonrpc":"2.0","id":12,"result":{"content":[{"type":"text","text":"hi"}]}}"#;
        assert!(check_quickly(good, 12, r#""text":"hi""#).is_ok());
        assert!(check_quickly(good, 1, r#""text":"hi""#).is_err());
        assert!(check_quickly(good, 12, r#""text":"ho""#).is_err());
        let error = br#"{"jsonrpc":"2.0","id":12,"error":{"code":1,"message":"text"}}"#;
        assert!(check_quickly(error, 12, r#""text""#).is_err());
    }

    #[test]
    fn scenarios_parse() {
        assert_eq!(
            Scenario::parse("stateless:32"),
            Some(Scenario::Stateless { connections: 32 })
        );
        assert_eq!(
            Scenario::parse("sessions:4").map(Scenario::name).as_deref(),
            Some("4 sessions")
        );
        assert_eq!(Scenario::parse("sessions:0"), None);
    }
}
