//! The stdio echo benchmark driver: one server process, one window size, one
//! measurement.
//!
//! [`run_server`] spawns the server with piped stdin/stdout/stderr, performs
//! the MCP handshake as a client would (`initialize` with protocol version
//! [`PROTOCOL_VERSION`], wait for its result, `notifications/initialized`),
//! then keeps exactly [`DriverConfig::window`] (K) `tools/call` requests of
//! the `echo` tool in flight: a warm-up, a timed measurement, a drain. Then it
//! reads the server's peak RSS (`VmHWM`), closes its stdin and waits for it
//! to exit.
//!
//! # How it stays light
//!
//! It measures the server, not itself: no MCP library, no async runtime, no
//! JSON serialiser on the hot path.
//!
//! - Requests are a fixed prefix, the decimal id and a fixed suffix, formatted
//!   into one buffer per batch and sent with one `write`. The clock is read
//!   once per batch (send time) and once per `read` (receive time).
//! - Responses are read up to 1 MiB at a time, split with `memchr`, and
//!   checked by a [`ResponseMatcher`]: the first response of each shape is
//!   checked in full with `serde_json`, later ones by comparing them with that
//!   validated template around the id.
//! - Ids encode their window slot (`id = 1 + generation * K + slot`), so the
//!   send time and the expected id of each request in flight live in two
//!   arrays indexed by slot, and responses may come back in any order.
//!
//! Two ways of keeping the window full ([`Pump`]):
//!
//! - **one thread** (the default whenever K requests fit well inside a pipe
//!   buffer): the thread that reads responses writes the refills itself, right
//!   after each `read`. One thread sleeps and wakes per round trip instead of
//!   two, which measured ~2x higher throughput at K = 1 on this 2-core
//!   machine than two threads. It cannot deadlock because the window's
//!   requests never fill the server's stdin pipe, so a refill `write` never
//!   waits for the server;
//! - **two threads**: a writer thread waits on a condition variable for free
//!   slots and writes them, the reader hands freed slots over under one lock
//!   per `read` (waking the writer only if it waits). Used for large windows
//!   (or large messages), where a one-thread driver could block writing while
//!   the server blocks writing to it.
//!
//! Around them, a **stderr thread** keeps the tail of the server's stderr for
//! error reports, and the calling thread **monitors**: it times the phases
//! (polling every few milliseconds), snapshots the response counter and the
//! CPU counters at the edges of the measurement, and fails the run, killing
//! the server, if the server exits, answers wrongly or makes no progress for
//! [`DriverConfig::stall_timeout`].

mod matcher;

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::{ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde::Serialize;

use self::matcher::{Handshake, check_initialize};
pub use self::matcher::{Line, ResponseMatcher};
use crate::process::{
    ChildGuard, MachineCpu, cpu_time, describe_status, keep_stderr_tail, peak_rss_kib, tail_text,
};

/// The protocol version the driver asks for in `initialize`.
pub const PROTOCOL_VERSION: &str = "2025-11-25";

/// Size of the reader's buffer (it grows for longer lines).
const READ_BUFFER: usize = 1 << 20;

/// How often the monitor looks at the run.
const MONITOR_TICK: Duration = Duration::from_millis(5);

/// Length of the slices whose throughputs show how steady a run was.
const SLICE: Duration = Duration::from_millis(500);

/// [`Pump::Auto`] uses one thread while the window's requests take at most
/// this many bytes: half of Linux's default 64 KiB pipe buffer.
const ONE_THREAD_MAX_BYTES: usize = 32 * 1024;

/// A server to benchmark: a name for the report and the command that starts it.
///
/// The command must serve MCP over stdio, offer a tool `echo` taking
/// `{"message": string}` and answer it with
/// `{"content":[{"type":"text","text":<message>}]}`, and exit when its stdin
/// closes.
#[derive(Clone, Debug, Serialize)]
pub struct ServerSpec {
    /// Short name used in tables, ratios and the JSON report (`rmcp-pipes`).
    pub name: String,
    /// One sentence saying what this server is.
    pub description: String,
    /// The executable.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<String>,
}

impl ServerSpec {
    /// A server named `name`, started as `program args...`.
    pub fn new(name: &str, program: impl Into<PathBuf>, args: &[&str]) -> Self {
        Self {
            name: name.to_owned(),
            description: String::new(),
            program: program.into(),
            args: args.iter().map(|a| (*a).to_owned()).collect(),
        }
    }

    /// Sets the description.
    pub fn describe(mut self, description: &str) -> Self {
        self.description = description.to_owned();
        self
    }

    /// The command line, for humans.
    pub fn command_line(&self) -> String {
        let mut line = self.program.display().to_string();
        for arg in &self.args {
            line.push(' ');
            line.push_str(arg);
        }
        line
    }
}

/// How the driver keeps the window full (see the [module docs](self)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pump {
    /// One thread when the window's requests fit in half a pipe buffer, two
    /// threads otherwise.
    #[default]
    Auto,
    /// The reading thread writes the refills.
    OneThread,
    /// A writer thread and a reader thread.
    TwoThreads,
}

impl Pump {
    /// `one-thread` or `two-threads`, `auto` for [`Pump::Auto`].
    pub fn name(self) -> &'static str {
        match self {
            Pump::Auto => "auto",
            Pump::OneThread => "one-thread",
            Pump::TwoThreads => "two-threads",
        }
    }

    /// Parses [`Pump::name`].
    pub fn parse(name: &str) -> Option<Self> {
        [Pump::Auto, Pump::OneThread, Pump::TwoThreads]
            .into_iter()
            .find(|p| p.name() == name)
    }
}

/// How one run is driven.
#[derive(Clone, Debug, Serialize)]
pub struct DriverConfig {
    /// Requests kept in flight (K).
    pub window: usize,
    /// How long to drive the server before measuring.
    #[serde(serialize_with = "serialize_secs")]
    pub warmup: Duration,
    /// How long to measure.
    #[serde(serialize_with = "serialize_secs")]
    pub measure: Duration,
    /// The `message` argument of every `echo` call.
    pub message: String,
    /// How the window is kept full.
    pub pump: Pump,
    /// Longest wait from spawning the server to the `initialize` result.
    #[serde(serialize_with = "serialize_secs")]
    pub startup_timeout: Duration,
    /// Longest time without any response while requests are in flight.
    #[serde(serialize_with = "serialize_secs")]
    pub stall_timeout: Duration,
    /// A command prefix the server is started under, e.g. `taskset -c 1`.
    /// It must `exec` the server (as `taskset`, `nice` and `chrt` do) so that
    /// the child's pid, whose peak RSS and CPU time are read, is the server's.
    pub wrapper: Vec<String>,
}

impl Default for DriverConfig {
    fn default() -> Self {
        Self {
            window: 1,
            warmup: Duration::from_secs(2),
            measure: Duration::from_secs(8),
            message: "hello world".to_owned(),
            pump: Pump::Auto,
            startup_timeout: Duration::from_secs(10),
            stall_timeout: Duration::from_secs(5),
            wrapper: Vec::new(),
        }
    }
}

fn serialize_secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// Latency percentiles of the measured requests, in microseconds.
#[derive(Clone, Debug, Serialize)]
pub struct LatencySummary {
    /// Median.
    pub p50_us: f64,
    /// 90th percentile.
    pub p90_us: f64,
    /// 99th percentile.
    pub p99_us: f64,
    /// 99.9th percentile.
    pub p999_us: f64,
    /// Mean.
    pub mean_us: f64,
    /// Largest.
    pub max_us: f64,
}

impl LatencySummary {
    /// Summarises latencies given in nanoseconds (sorting them in place).
    /// Percentiles are nearest-rank. `None` if there are none.
    pub fn from_nanos(latencies: &mut [u32]) -> Option<Self> {
        if latencies.is_empty() {
            return None;
        }
        latencies.sort_unstable();
        let n = latencies.len();
        let rank = |p: f64| {
            let index = ((p * n as f64).ceil() as usize).clamp(1, n) - 1;
            f64::from(latencies[index]) / 1000.0
        };
        let sum: u64 = latencies.iter().map(|&l| u64::from(l)).sum();
        Some(Self {
            p50_us: rank(0.50),
            p90_us: rank(0.90),
            p99_us: rank(0.99),
            p999_us: rank(0.999),
            mean_us: sum as f64 / n as f64 / 1000.0,
            max_us: f64::from(latencies[n - 1]) / 1000.0,
        })
    }
}

/// The figures of one successful run.
#[derive(Clone, Debug, Serialize)]
pub struct RunReport {
    /// Requests in flight (K).
    pub window: usize,
    /// `one-thread` or `two-threads` (see [`Pump`]).
    pub pump: &'static str,
    /// Responses received during the measured phase.
    pub requests: u64,
    /// Length of the measured phase, in seconds.
    pub seconds: f64,
    /// `requests / seconds`.
    pub requests_per_sec: f64,
    /// Requests per second in each consecutive half-second of the measured
    /// phase: how steady the run was.
    pub slices_per_sec: Vec<f64>,
    /// Latency of the requests answered during the measured phase.
    pub latency: LatencySummary,
    /// The server's peak resident set (`VmHWM`), in KiB, read after the drain.
    pub peak_rss_kib: Option<u64>,
    /// CPU the server used during the measured phase, in percent of one core.
    pub server_cpu_percent: Option<f64>,
    /// Server CPU time per measured request, in microseconds.
    pub server_cpu_us_per_request: Option<f64>,
    /// CPU this process (the driver) used during the measured phase, in
    /// percent of one core.
    pub driver_cpu_percent: Option<f64>,
    /// CPU everything else on the machine used during the measured phase, in
    /// percent of one core: noise from other work when it is not near 0.
    pub other_cpu_percent: Option<f64>,
    /// CPU time the hypervisor took from this machine during the measured
    /// phase, in percent of one core.
    pub steal_percent: Option<f64>,
    /// Responses received during the warm-up.
    pub warmup_requests: u64,
    /// Lines that needed the full JSON check (the rest matched a validated
    /// template).
    pub fully_parsed_responses: u64,
    /// Lines from the server that were not responses (notifications).
    pub other_messages: u64,
    /// The `protocolVersion` of the `initialize` result.
    pub protocol_version: String,
    /// `serverInfo.name` and `serverInfo.version` of the `initialize` result.
    pub server_info: String,
    /// How the server ended after its stdin was closed.
    pub exit: String,
}

/// Why a run failed, with what the server said on stderr.
#[derive(Clone, Debug, Serialize)]
pub struct RunFailure {
    /// What went wrong.
    pub message: String,
    /// The server's exit status, if it had exited by itself.
    pub exit: Option<String>,
    /// The last bytes the server wrote to stderr.
    pub stderr_tail: String,
}

impl std::fmt::Display for RunFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        if let Some(exit) = &self.exit {
            write!(f, " (server: {exit})")?;
        }
        if !self.stderr_tail.is_empty() {
            write!(
                f,
                "\n--- server stderr (tail) ---\n{}",
                self.stderr_tail.trim_end()
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for RunFailure {}

/// State shared by the driver's threads.
struct Shared {
    window: usize,
    /// The server's stdin, until the monitor closes it.
    stdin: Mutex<Option<ChildStdin>>,
    /// What the writer and the monitor wait for.
    state: Mutex<State>,
    /// Wakes the writer (two-thread pump only; only the writer waits on it).
    wake_writer: Condvar,
    /// Per slot: when its request was sent, in ns since `base`.
    sent_at: Box<[AtomicU64]>,
    /// Per slot: the id of its request in flight, 0 when none.
    expected_id: Box<[AtomicU64]>,
    /// Requests sent and not answered yet.
    in_flight: AtomicUsize,
    /// Echo responses received so far.
    completed: AtomicU64,
    /// Whether the reader records latencies.
    measuring: AtomicBool,
    /// No more requests may be sent.
    stop: AtomicBool,
    base: Instant,
}

#[derive(Default)]
struct State {
    /// Free slots, for the writer thread to fill.
    free: Vec<usize>,
    /// The initialize result, once it arrived.
    handshake: Option<Handshake>,
    writer_waiting: bool,
    /// The reader saw EOF.
    eof: bool,
    /// The first error any thread met.
    failure: Option<String>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records the first failure and stops the writer.
    fn fail(&self, message: String) {
        self.stop.store(true, Ordering::Relaxed);
        let mut state = self.lock();
        state.failure.get_or_insert(message);
        self.wake_writer.notify_one();
    }

    /// Stops sending (and wakes the writer so that it sees it).
    fn stop_sending(&self) {
        self.stop.store(true, Ordering::Relaxed);
        let _state = self.lock();
        self.wake_writer.notify_one();
    }

    fn now_ns(&self) -> u64 {
        self.base.elapsed().as_nanos() as u64
    }

    /// Writes to the server's stdin.
    fn send(&self, bytes: &[u8]) -> io::Result<()> {
        let mut stdin = self.stdin.lock().unwrap_or_else(|e| e.into_inner());
        match stdin.as_mut() {
            Some(stdin) => stdin.write_all(bytes),
            None => Err(io::Error::new(io::ErrorKind::BrokenPipe, "stdin closed")),
        }
    }
}

/// Formats `tools/call` requests for window slots.
struct Requests {
    suffix: Vec<u8>,
    generation: Vec<u64>,
    batch: Vec<u8>,
}

/// Every request starts with this, then its id, then [`Requests::suffix`].
const REQUEST_PREFIX: &[u8] = br#"{"jsonrpc":"2.0","id":"#;

impl Requests {
    fn new(message: &str, window: usize) -> Self {
        let suffix = format!(
            r#","method":"tools/call","params":{{"name":"echo","arguments":{{"message":{}}}}}}}"#,
            serde_json::to_string(message).expect("a string serialises")
        ) + "\n";
        Self {
            suffix: suffix.into_bytes(),
            generation: vec![0; window],
            batch: Vec::new(),
        }
    }

    /// The longest request, in bytes.
    fn max_len(&self) -> usize {
        REQUEST_PREFIX.len() + 20 + self.suffix.len()
    }

    /// Formats one request per slot, records their ids and send time (now),
    /// and sends them in one write.
    fn send(&mut self, slots: &[usize], shared: &Shared) -> io::Result<()> {
        let window = shared.window as u64;
        self.batch.clear();
        for &slot in slots {
            let id = 1 + self.generation[slot] * window + slot as u64;
            self.generation[slot] += 1;
            shared.expected_id[slot].store(id, Ordering::Relaxed);
            self.batch.extend_from_slice(REQUEST_PREFIX);
            push_decimal(&mut self.batch, id);
            self.batch.extend_from_slice(&self.suffix);
        }
        let now = shared.now_ns();
        for &slot in slots {
            shared.sent_at[slot].store(now, Ordering::Relaxed);
        }
        // The write is a syscall, which orders the stores above before the
        // server can see (and so answer) the requests.
        shared.send(&self.batch)
    }
}

/// Appends the decimal digits of `value` (both drivers write their requests by hand).
pub fn push_decimal(out: &mut Vec<u8>, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// The writer thread of the two-thread pump: fills free slots until stopped.
fn writer(shared: Arc<Shared>, mut requests: Requests) {
    let mut taken: Vec<usize> = Vec::with_capacity(shared.window);
    loop {
        {
            let mut state = shared.lock();
            loop {
                if shared.stop.load(Ordering::Relaxed) {
                    return;
                }
                if !state.free.is_empty() {
                    break;
                }
                state.writer_waiting = true;
                state = shared
                    .wake_writer
                    .wait(state)
                    .unwrap_or_else(|e| e.into_inner());
                state.writer_waiting = false;
            }
            std::mem::swap(&mut state.free, &mut taken);
            // Counted under the lock: once the monitor has stopped the pump
            // (under the same lock), `in_flight` covers every request sent.
            shared.in_flight.fetch_add(taken.len(), Ordering::Relaxed);
        }
        if let Err(error) = requests.send(&taken, &shared) {
            shared.fail(format!("writing to the server's stdin failed: {error}"));
            return;
        }
        taken.clear();
    }
}

/// What the reader hands back.
struct ReaderOutput {
    /// Latencies of the measured responses, in ns.
    latencies: Vec<u32>,
    /// Lines that needed the full JSON check.
    fully_parsed: u64,
    /// Lines that were not echo responses (notifications, server requests).
    other_lines: u64,
}

/// The reader thread: handshake, then responses; with the one-thread pump
/// (`refill` set) it also writes the refills.
fn reader(
    shared: Arc<Shared>,
    stdout: ChildStdout,
    message: String,
    refill: Option<Requests>,
) -> ReaderOutput {
    let mut output = ReaderOutput {
        latencies: Vec::with_capacity(1 << 20),
        fully_parsed: 0,
        other_lines: 0,
    };
    match read_responses(&shared, stdout, &message, refill, &mut output) {
        Ok(()) => shared.lock().eof = true,
        Err(error) => shared.fail(error),
    }
    output
}

fn read_responses(
    shared: &Shared,
    mut stdout: ChildStdout,
    message: &str,
    mut refill: Option<Requests>,
    output: &mut ReaderOutput,
) -> Result<(), String> {
    let send_failed = |e: io::Error| format!("writing to the server's stdin failed: {e}");
    let initialize = format!(
        concat!(
            r#"{{"jsonrpc":"2.0","id":0,"method":"initialize","params":{{"protocolVersion":"{}","#,
            r#""capabilities":{{}},"clientInfo":{{"name":"mcp-bench","version":"{}"}}}}}}"#,
            "\n"
        ),
        PROTOCOL_VERSION,
        env!("CARGO_PKG_VERSION")
    );
    shared.send(initialize.as_bytes()).map_err(send_failed)?;

    let mut matcher = ResponseMatcher::new(message);
    let mut buf = vec![0u8; READ_BUFFER];
    let (mut start, mut end) = (0, 0);
    let mut initialized = false;
    let mut freed: Vec<usize> = Vec::with_capacity(shared.window);
    loop {
        if start > 0 {
            buf.copy_within(start..end, 0);
            end -= start;
            start = 0;
        }
        if end == buf.len() {
            buf.resize(buf.len() * 2, 0);
        }
        let read = match stdout.read(&mut buf[end..]) {
            Ok(0) => {
                output.fully_parsed = matcher.slow_lines();
                return Ok(());
            }
            Ok(read) => read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(format!("reading the server's stdout failed: {error}")),
        };
        let now = shared.now_ns();
        let measuring = shared.measuring.load(Ordering::Relaxed);
        let mut scan = end;
        end += read;
        while let Some(offset) = memchr::memchr(b'\n', &buf[scan..end]) {
            let line = &buf[start..scan + offset];
            start = scan + offset + 1;
            scan = start;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            if !initialized {
                if let Some(handshake) = check_initialize(line)? {
                    initialized = true;
                    shared.lock().handshake = Some(handshake);
                    shared
                        .send(b"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n")
                        .map_err(send_failed)?;
                    let all: Vec<usize> = (0..shared.window).collect();
                    if let Some(requests) = refill.as_mut() {
                        shared.in_flight.fetch_add(all.len(), Ordering::Relaxed);
                        requests.send(&all, shared).map_err(send_failed)?;
                    } else {
                        let mut state = shared.lock();
                        state.free = all;
                        shared.wake_writer.notify_one();
                    }
                }
                continue;
            }
            match matcher.check(line)? {
                Line::Echo(id) => {
                    let slot = (id.wrapping_sub(1) % shared.window as u64) as usize;
                    if id == 0 || shared.expected_id[slot].load(Ordering::Relaxed) != id {
                        return Err(format!("response with an id not in flight: {id}"));
                    }
                    // Not in flight any more: a duplicate would fail above.
                    shared.expected_id[slot].store(0, Ordering::Relaxed);
                    if measuring {
                        let sent = shared.sent_at[slot].load(Ordering::Relaxed);
                        let latency = now.saturating_sub(sent);
                        output
                            .latencies
                            .push(latency.min(u64::from(u32::MAX)) as u32);
                    }
                    freed.push(slot);
                }
                Line::Other => output.other_lines += 1,
            }
        }
        if freed.is_empty() {
            continue;
        }
        shared
            .completed
            .fetch_add(freed.len() as u64, Ordering::Relaxed);
        match refill.as_mut() {
            Some(requests) if !shared.stop.load(Ordering::Relaxed) => {
                // One-thread pump: the slots go straight back out.
                requests.send(&freed, shared).map_err(send_failed)?;
                freed.clear();
            }
            Some(_) => {
                shared.in_flight.fetch_sub(freed.len(), Ordering::Relaxed);
                freed.clear();
            }
            None => {
                shared.in_flight.fetch_sub(freed.len(), Ordering::Relaxed);
                let mut state = shared.lock();
                state.free.append(&mut freed);
                if state.writer_waiting {
                    shared.wake_writer.notify_one();
                }
            }
        }
    }
}

/// The driver's threads of one run.
struct Threads {
    reader: Option<JoinHandle<ReaderOutput>>,
    writer: Option<JoinHandle<()>>,
    stderr: Option<JoinHandle<()>>,
}

impl Threads {
    /// Waits up to `timeout` for the reader to see EOF and returns what it
    /// collected.
    fn join_reader(&mut self, timeout: Duration) -> Option<ReaderOutput> {
        let deadline = Instant::now() + timeout;
        while !self.reader.as_ref()?.is_finished() {
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(1));
        }
        self.reader.take()?.join().ok()
    }

    /// Joins the threads that finish within `timeout`; any other is left
    /// running detached (a server's own child could hold a pipe open).
    fn finish(&mut self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while !(self.reader.as_ref().is_none_or(JoinHandle::is_finished)
            && self.writer.as_ref().is_none_or(JoinHandle::is_finished)
            && self.stderr.as_ref().is_none_or(JoinHandle::is_finished))
            && Instant::now() < deadline
        {
            thread::sleep(Duration::from_millis(1));
        }
        if self.reader.as_ref().is_some_and(JoinHandle::is_finished) {
            let _ = self.reader.take().map(JoinHandle::join);
        }
        if self.writer.as_ref().is_some_and(JoinHandle::is_finished) {
            let _ = self.writer.take().map(JoinHandle::join);
        }
        if self.stderr.as_ref().is_some_and(JoinHandle::is_finished) {
            let _ = self.stderr.take().map(JoinHandle::join);
        }
    }
}

/// Runs one server at one window size; see the [module docs](self).
pub fn run_server(spec: &ServerSpec, config: &DriverConfig) -> Result<RunReport, RunFailure> {
    assert!(
        config.window > 0,
        "the window must hold at least one request"
    );
    let requests = Requests::new(&config.message, config.window);
    let one_thread = match config.pump {
        Pump::OneThread => true,
        Pump::TwoThreads => false,
        Pump::Auto => config.window * requests.max_len() <= ONE_THREAD_MAX_BYTES,
    };

    let mut command = match config.wrapper.split_first() {
        Some((program, args)) => {
            let mut command = Command::new(program);
            command.args(args).arg(&spec.program);
            command
        }
        None => Command::new(&spec.program),
    };
    command
        .args(&spec.args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().map_err(|error| RunFailure {
        message: format!("cannot start `{}`: {error}", spec.command_line()),
        exit: None,
        stderr_tail: String::new(),
    })?;
    let stdin = child.stdin.take().expect("piped stdin");
    let stdout = child.stdout.take().expect("piped stdout");
    let stderr = child.stderr.take().expect("piped stderr");
    let mut child = ChildGuard::new(child);

    let tail = Arc::new(Mutex::new(VecDeque::new()));
    let shared = Arc::new(Shared {
        window: config.window,
        stdin: Mutex::new(Some(stdin)),
        state: Mutex::new(State::default()),
        wake_writer: Condvar::new(),
        sent_at: (0..config.window).map(|_| AtomicU64::new(0)).collect(),
        expected_id: (0..config.window).map(|_| AtomicU64::new(0)).collect(),
        in_flight: AtomicUsize::new(0),
        completed: AtomicU64::new(0),
        measuring: AtomicBool::new(false),
        stop: AtomicBool::new(false),
        base: Instant::now(),
    });
    let mut threads = Threads {
        stderr: Some({
            let tail = tail.clone();
            thread::spawn(move || keep_stderr_tail(stderr, tail))
        }),
        writer: None,
        reader: None,
    };
    let refill = if one_thread {
        Some(requests)
    } else {
        let shared = shared.clone();
        threads.writer = Some(thread::spawn(move || writer(shared, requests)));
        None
    };
    threads.reader = Some({
        let shared = shared.clone();
        let message = config.message.clone();
        thread::spawn(move || reader(shared, stdout, message, refill))
    });

    let fail = |message: String, child: &mut ChildGuard, threads: &mut Threads| {
        // A server that closed its stdout may be exiting: give it a moment,
        // so that its own exit status is reported rather than our kill.
        let exit = child
            .wait_for(Duration::from_millis(200))
            .map(describe_status);
        child.kill();
        shared.fail(message.clone());
        threads.finish(Duration::from_secs(2));
        RunFailure {
            message,
            exit,
            stderr_tail: tail_text(&tail),
        }
    };

    let measured = match monitor(&shared, &mut child, config) {
        Ok(measured) => measured,
        Err(message) => return Err(fail(message, &mut child, &mut threads)),
    };
    // Drained and idle, still connected: the peak RSS is final.
    let peak_rss_kib = peak_rss_kib(child.id());
    drop(
        shared
            .stdin
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take(),
    );
    let exit = child.wait_or_kill(Duration::from_secs(5));
    let output = threads.join_reader(Duration::from_secs(2));
    threads.finish(Duration::from_secs(2));
    let failure = shared.lock().failure.clone();
    if let Some(failure) = failure {
        return Err(fail(failure, &mut child, &mut threads));
    }
    let Some(output) = output else {
        return Err(fail(
            "the reader thread did not see the server's stdout close".into(),
            &mut child,
            &mut threads,
        ));
    };

    let mut latencies = output.latencies;
    let Some(latency) = LatencySummary::from_nanos(&mut latencies) else {
        return Err(fail(
            "no response arrived during the measured phase".into(),
            &mut child,
            &mut threads,
        ));
    };
    let seconds = measured.elapsed.as_secs_f64();
    let handshake = shared.lock().handshake.clone().unwrap_or_default();
    let percent = |cpu: Option<Duration>| cpu.map(|c| c.as_secs_f64() / seconds * 100.0);
    let server_cpu_percent = percent(measured.server_cpu);
    let driver_cpu_percent = percent(measured.driver_cpu);
    let other_cpu_percent = match (
        measured.machine_busy,
        server_cpu_percent,
        driver_cpu_percent,
    ) {
        (Some(busy), Some(server), Some(driver)) => Some((busy - server - driver).max(0.0)),
        _ => None,
    };
    Ok(RunReport {
        window: config.window,
        pump: if one_thread {
            Pump::OneThread.name()
        } else {
            Pump::TwoThreads.name()
        },
        requests: measured.requests,
        seconds,
        requests_per_sec: measured.requests as f64 / seconds,
        slices_per_sec: measured.slices,
        latency,
        peak_rss_kib,
        server_cpu_percent,
        server_cpu_us_per_request: measured
            .server_cpu
            .filter(|_| measured.requests > 0)
            .map(|c| c.as_secs_f64() * 1e6 / measured.requests as f64),
        driver_cpu_percent,
        other_cpu_percent,
        steal_percent: measured.steal,
        warmup_requests: measured.warmup_requests,
        fully_parsed_responses: output.fully_parsed,
        other_messages: output.other_lines,
        protocol_version: handshake.protocol_version,
        server_info: handshake.server_info,
        exit,
    })
}

/// What the monitor measured.
struct Measured {
    elapsed: Duration,
    requests: u64,
    slices: Vec<f64>,
    warmup_requests: u64,
    server_cpu: Option<Duration>,
    driver_cpu: Option<Duration>,
    /// Whole machine, percent of one core.
    machine_busy: Option<f64>,
    steal: Option<f64>,
}

/// The monitor: handshake, warm-up, measurement, drain.
fn monitor(
    shared: &Shared,
    child: &mut ChildGuard,
    config: &DriverConfig,
) -> Result<Measured, String> {
    let pid = child.id().to_string();
    let mut watch = Watch::new(shared, config.stall_timeout);

    let deadline = Instant::now() + config.startup_timeout;
    while shared.lock().handshake.is_none() {
        watch.check(child, false)?;
        if Instant::now() >= deadline {
            return Err(format!(
                "no initialize result within {:?}",
                config.startup_timeout
            ));
        }
        thread::sleep(MONITOR_TICK);
    }

    let warmup_end = Instant::now() + config.warmup;
    while Instant::now() < warmup_end {
        watch.check(child, true)?;
        thread::sleep(MONITOR_TICK.min(warmup_end.saturating_duration_since(Instant::now())));
    }

    let server_cpu0 = cpu_time(&pid);
    let driver_cpu0 = cpu_time("self");
    let machine0 = MachineCpu::read();
    shared.measuring.store(true, Ordering::Relaxed);
    let count0 = shared.completed.load(Ordering::Relaxed);
    let start = Instant::now();
    let end = start + config.measure;
    let mut slices = Vec::new();
    let (mut slice_start, mut slice_count) = (start, count0);
    loop {
        let now = Instant::now();
        if now.duration_since(slice_start) >= SLICE || now >= end {
            let count = shared.completed.load(Ordering::Relaxed);
            let secs = now.duration_since(slice_start).as_secs_f64();
            // A last sliver is too short to say anything.
            if secs >= SLICE.as_secs_f64() / 2.0 {
                slices.push((count - slice_count) as f64 / secs);
            }
            (slice_start, slice_count) = (now, count);
        }
        if now >= end {
            break;
        }
        watch.check(child, true)?;
        thread::sleep(MONITOR_TICK.min(end.saturating_duration_since(Instant::now())));
    }
    let count1 = shared.completed.load(Ordering::Relaxed);
    let elapsed = start.elapsed();
    shared.measuring.store(false, Ordering::Relaxed);
    let server_cpu1 = cpu_time(&pid);
    let driver_cpu1 = cpu_time("self");
    let machine1 = MachineCpu::read();

    shared.stop_sending();
    while shared.in_flight.load(Ordering::Relaxed) > 0 {
        watch.check(child, true)?;
        thread::sleep(Duration::from_millis(1));
    }
    let delta = |a: Option<Duration>, b: Option<Duration>| Some(b?.saturating_sub(a?));
    let machine = machine0
        .zip(machine1)
        .map(|(a, b)| a.busy_and_steal_since(&b, elapsed));
    Ok(Measured {
        elapsed,
        requests: count1 - count0,
        slices,
        warmup_requests: count0,
        server_cpu: delta(server_cpu0, server_cpu1),
        driver_cpu: delta(driver_cpu0, driver_cpu1),
        machine_busy: machine.map(|m| m.0),
        steal: machine.map(|m| m.1),
    })
}

/// Failure and stall detection for the monitor.
struct Watch<'a> {
    shared: &'a Shared,
    stall_timeout: Duration,
    last_count: u64,
    last_progress: Instant,
}

impl<'a> Watch<'a> {
    fn new(shared: &'a Shared, stall_timeout: Duration) -> Self {
        Self {
            shared,
            stall_timeout,
            last_count: 0,
            last_progress: Instant::now(),
        }
    }

    /// Fails if a thread failed, the server exited or closed its stdout, or
    /// (with `stalls`) nothing was answered for the stall timeout while
    /// requests were in flight.
    fn check(&mut self, child: &mut ChildGuard, stalls: bool) -> Result<(), String> {
        let (failure, eof) = {
            let state = self.shared.lock();
            (state.failure.clone(), state.eof)
        };
        if let Some(failure) = failure {
            return Err(failure);
        }
        if let Some(status) = child.try_wait() {
            return Err(format!(
                "the server exited early: {}",
                describe_status(status)
            ));
        }
        if eof {
            return Err("the server closed its stdout".into());
        }
        let count = self.shared.completed.load(Ordering::Relaxed);
        let in_flight = self.shared.in_flight.load(Ordering::Relaxed);
        if count != self.last_count || in_flight == 0 {
            self.last_count = count;
            self.last_progress = Instant::now();
        } else if stalls && self.last_progress.elapsed() >= self.stall_timeout {
            return Err(format!(
                "no response for {:?} with {in_flight} request(s) in flight \
                 ({count} answered so far)",
                self.stall_timeout
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarises_latencies() {
        let mut latencies: Vec<u32> = (1..=1000).rev().map(|us| us * 1000).collect();
        let summary = LatencySummary::from_nanos(&mut latencies).unwrap();
        assert_eq!(summary.p50_us, 500.0);
        assert_eq!(summary.p99_us, 990.0);
        assert_eq!(summary.max_us, 1000.0);
        assert!(LatencySummary::from_nanos(&mut []).is_none());
    }

    #[test]
    fn formats_decimals() {
        let mut out = Vec::new();
        for value in [0, 7, 10, 1234567890, u64::MAX] {
            out.clear();
            push_decimal(&mut out, value);
            assert_eq!(out, value.to_string().as_bytes());
        }
    }

    #[test]
    fn names_pumps() {
        for pump in [Pump::Auto, Pump::OneThread, Pump::TwoThreads] {
            assert_eq!(Pump::parse(pump.name()), Some(pump));
        }
    }
}
