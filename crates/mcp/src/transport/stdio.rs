//! The stdio transport: a server on its own stdin/stdout, and a client that spawns its server.

use std::collections::{HashMap, VecDeque};
use std::ffi::OsString;
use std::fmt;
use std::io;
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use process_wrap::tokio::{ChildWrapper, CommandWrap, KillOnDrop};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite};
use tokio::process::{ChildStderr, ChildStdout, Command};
use tokio::sync::{mpsc, watch};

use super::{
    BoxFuture, DEFAULT_MAX_MESSAGE_SIZE, Incoming, LineReader, LineWriter, Outgoing, Transport,
    TransportClosed, TransportReader, TransportWriter,
};

type BoxRead = Box<dyn AsyncRead + Unpin + Send>;
type BoxWrite = Box<dyn AsyncWrite + Unpin + Send>;

/// The server side: this process's stdin and stdout.
///
/// When stdin and stdout are pipes (as when a host spawns the server) they are driven by the
/// runtime's event loop directly; otherwise (a terminal, a file) through tokio's blocking
/// stdin/stdout.
#[derive(Debug)]
pub struct StdioTransport {
    max_message_size: usize,
}

/// Serves on this process's stdin/stdout with the default message size limit.
pub fn stdio() -> StdioTransport {
    StdioTransport {
        max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
    }
}

impl StdioTransport {
    /// Refuses incoming messages longer than `bytes`.
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.max_message_size = bytes;
        self
    }
}

/// Reads newline-delimited messages from any byte stream.
pub struct StreamReader(LineReader<BoxRead>);

impl fmt::Debug for StreamReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StreamReader")
    }
}

impl StreamReader {
    /// Frames `reader`, refusing messages longer than `max_message_size` bytes.
    pub fn new(reader: impl AsyncRead + Unpin + Send + 'static, max_message_size: usize) -> Self {
        Self(LineReader::with_max_size(
            Box::new(reader),
            max_message_size,
        ))
    }
}

impl TransportReader for StreamReader {
    async fn recv(&mut self) -> Option<io::Result<Incoming<'_>>> {
        self.0.next_line().await
    }
}

impl Transport for StdioTransport {
    type Reader = StreamReader;
    type Writer = LineWriter;
    fn split(self) -> (StreamReader, LineWriter) {
        let (input, output) = process_stdio();
        (
            StreamReader::new(input, self.max_message_size),
            LineWriter::spawn(output),
        )
    }
}

/// Any async reader and writer, framed as stdio frames them.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let (a, b) = tokio::io::duplex(1024);
/// let (read, write) = tokio::io::split(a);
/// let transport = mcp::transport::stdio::ByteStreams::new(read, write);
/// # drop((transport, b)); }
/// ```
pub struct ByteStreams {
    reader: BoxRead,
    writer: BoxWrite,
    max_message_size: usize,
}

impl fmt::Debug for ByteStreams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ByteStreams")
    }
}

impl ByteStreams {
    /// Frames `reader` and `writer` as newline-delimited JSON.
    pub fn new(
        reader: impl AsyncRead + Unpin + Send + 'static,
        writer: impl AsyncWrite + Unpin + Send + 'static,
    ) -> Self {
        Self {
            reader: Box::new(reader),
            writer: Box::new(writer),
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
        }
    }

    /// Refuses incoming messages longer than `bytes`.
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.max_message_size = bytes;
        self
    }
}

impl Transport for ByteStreams {
    type Reader = StreamReader;
    type Writer = LineWriter;
    fn split(self) -> (StreamReader, LineWriter) {
        (
            StreamReader::new(self.reader, self.max_message_size),
            LineWriter::spawn(self.writer),
        )
    }
}

#[cfg(unix)]
fn process_stdio() -> (BoxRead, BoxWrite) {
    use std::os::fd::AsFd;
    use tokio::net::unix::pipe;

    let input: BoxRead = std::io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .ok()
        .and_then(|fd| pipe::Receiver::from_file(std::fs::File::from(fd)).ok())
        .map_or_else(|| Box::new(tokio::io::stdin()) as BoxRead, |r| Box::new(r));
    let output: BoxWrite = std::io::stdout()
        .as_fd()
        .try_clone_to_owned()
        .ok()
        .and_then(|fd| pipe::Sender::from_file(std::fs::File::from(fd)).ok())
        .map_or_else(
            || Box::new(tokio::io::stdout()) as BoxWrite,
            |w| Box::new(w),
        );
    (input, output)
}

#[cfg(not(unix))]
fn process_stdio() -> (BoxRead, BoxWrite) {
    (Box::new(tokio::io::stdin()), Box::new(tokio::io::stdout()))
}

/// What to do with the server process's stderr.
#[derive(Clone, Default)]
pub enum Stderr {
    /// Pass it through to this process's stderr (the default).
    #[default]
    Inherit,
    /// Throw it away.
    Null,
    /// Hand every line to a callback.
    Lines(Arc<dyn Fn(&str) + Send + Sync>),
}

impl fmt::Debug for Stderr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stderr::Inherit => f.write_str("Inherit"),
            Stderr::Null => f.write_str("Null"),
            Stderr::Lines(_) => f.write_str("Lines(..)"),
        }
    }
}

/// How to start a server process: the Rust form of the Python SDK's `StdioServerParameters`.
///
/// The child inherits this process's environment, with `env` laid over it; set `clear_env` to
/// give it only `env` (plus `PATH`, so the command can still be found).
///
/// ```
/// use mcp::transport::stdio::StdioServerParameters;
/// let params = StdioServerParameters::new("python")
///     .args(["example_server.py"])
///     .env("LOG_LEVEL", "debug");
/// assert_eq!(params.command, "python");
/// ```
#[derive(Debug, Clone)]
pub struct StdioServerParameters {
    /// The program to run.
    pub command: OsString,
    /// Its arguments.
    pub args: Vec<OsString>,
    /// Environment variables to set for it.
    pub env: HashMap<OsString, OsString>,
    /// Start from an empty environment instead of this process's.
    pub clear_env: bool,
    /// Its working directory.
    pub cwd: Option<PathBuf>,
    /// Where its stderr goes.
    pub stderr: Stderr,
    /// How long to wait, after closing its stdin, before signalling it to stop.
    pub shutdown_grace: Duration,
    /// Refuse messages from it longer than this many bytes.
    pub max_message_size: usize,
}

impl StdioServerParameters {
    /// Parameters for running `command` with no arguments.
    pub fn new(command: impl Into<OsString>) -> Self {
        Self {
            command: command.into(),
            args: Vec::new(),
            env: HashMap::new(),
            clear_env: false,
            cwd: None,
            stderr: Stderr::Inherit,
            shutdown_grace: Duration::from_secs(2),
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
        }
    }

    /// Appends arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets one environment variable.
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.insert(key.into(), value.into());
        self
    }

    /// Sets the working directory.
    pub fn cwd(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cwd = Some(dir.into());
        self
    }

    /// Sets where stderr goes.
    pub fn stderr(mut self, stderr: Stderr) -> Self {
        self.stderr = stderr;
        self
    }

    /// The command line, for messages.
    pub fn display(&self) -> String {
        std::iter::once(&self.command)
            .chain(&self.args)
            .map(|s| s.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// How many stderr lines of a child are kept for the report when it dies.
const STDERR_TAIL: usize = 20;

/// A spawned server process, as a transport.
///
/// The process runs in a process group of its own (a job object on Windows), so that stopping
/// it stops what it started too (`npx` starts `node`, `uv run` starts `python`). Closing the
/// writer closes its stdin; [`ChildProcess::shut_down`] waits for it to exit, then signals the
/// group with SIGTERM after the grace period, and SIGKILL if it still runs.
#[derive(Debug)]
pub struct ChildProcessTransport {
    stdout: ChildStdout,
    stdin: tokio::process::ChildStdin,
    process: ChildProcess,
    max_message_size: usize,
}

/// A handle on a spawned server process: its pid, its exit status, its last stderr lines.
#[derive(Debug, Clone)]
pub struct ChildProcess {
    pid: Option<u32>,
    command: String,
    status: watch::Receiver<Option<ExitStatus>>,
    kill: mpsc::UnboundedSender<Signal>,
    stderr_tail: Arc<Mutex<VecDeque<String>>>,
    grace: Duration,
}

#[derive(Debug, Clone, Copy)]
enum Signal {
    Terminate,
    Kill,
}

impl ChildProcessTransport {
    /// Spawns the server process.
    pub fn spawn(params: &StdioServerParameters) -> io::Result<Self> {
        let mut command = Command::new(&params.command);
        command
            .args(&params.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        if params.clear_env {
            command.env_clear();
            if let Some(path) = std::env::var_os("PATH") {
                command.env("PATH", path);
            }
        }
        command.envs(&params.env);
        if let Some(cwd) = &params.cwd {
            command.current_dir(cwd);
        }
        command.stderr(match params.stderr {
            Stderr::Inherit => Stdio::inherit(),
            Stderr::Null => Stdio::null(),
            Stderr::Lines(_) => Stdio::piped(),
        });
        let display = params.display();
        let mut command = CommandWrap::from(command);
        #[cfg(unix)]
        command.wrap(process_wrap::tokio::ProcessGroup::leader());
        #[cfg(windows)]
        command.wrap(process_wrap::tokio::JobObject);
        command.wrap(KillOnDrop);
        let mut child = command.spawn().map_err(|e| {
            io::Error::new(e.kind(), format!("could not start server `{display}`: {e}"))
        })?;
        let stdin = child.stdin().take().expect("stdin is piped");
        let stdout = child.stdout().take().expect("stdout is piped");
        let stderr_tail = Arc::new(Mutex::new(VecDeque::new()));
        let stderr_lines = match (&params.stderr, child.stderr().take()) {
            (Stderr::Lines(callback), Some(stderr)) => Some(tokio::spawn(forward_stderr(
                stderr,
                callback.clone(),
                stderr_tail.clone(),
            ))),
            _ => None,
        };
        let pid = child.id();
        let (status_tx, status) = watch::channel(None);
        let (kill, kill_rx) = mpsc::unbounded_channel();
        tokio::spawn(supervise(child, stderr_lines, status_tx, kill_rx));
        Ok(Self {
            stdout,
            stdin,
            process: ChildProcess {
                pid,
                command: display,
                status,
                kill,
                stderr_tail,
                grace: params.shutdown_grace,
            },
            max_message_size: params.max_message_size,
        })
    }

    /// The handle on the process.
    pub fn process(&self) -> &ChildProcess {
        &self.process
    }
}

/// The longest stderr line passed on whole; the rest of a longer one is dropped.
const STDERR_LINE_LIMIT: usize = 16 * 1024;

/// Passes the child's stderr on line by line, for as long as the child writes: bytes are read
/// (not text, so an invalid UTF-8 byte cannot stop the reading and leave the child writing into a
/// closed pipe), lines are decoded lossily and cut at [`STDERR_LINE_LIMIT`] bytes, so that a
/// child writing megabytes without a newline costs no more memory than that.
async fn forward_stderr(
    mut stderr: ChildStderr,
    callback: Arc<dyn Fn(&str) + Send + Sync>,
    tail: Arc<Mutex<VecDeque<String>>>,
) {
    let emit = |line: &[u8], cut: bool| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let mut text = String::from_utf8_lossy(line).into_owned();
        if cut {
            text.push_str(" [cut]");
        }
        callback(&text);
        let mut tail = tail.lock();
        if tail.len() == STDERR_TAIL {
            tail.pop_front();
        }
        tail.push_back(text);
    };
    let mut line: Vec<u8> = Vec::new();
    // Inside a line already passed on cut: drop bytes up to its end.
    let mut skipping = false;
    let mut chunk = vec![0u8; 8192];
    loop {
        let read = match stderr.read(&mut chunk).await {
            Ok(0) => break,
            Ok(read) => read,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        let mut rest = &chunk[..read];
        while let Some(end) = memchr::memchr(b'\n', rest) {
            if !skipping {
                line.extend_from_slice(&rest[..end]);
                emit(&line, false);
            }
            line.clear();
            skipping = false;
            rest = &rest[end + 1..];
        }
        if !skipping {
            let room = STDERR_LINE_LIMIT - line.len();
            line.extend_from_slice(&rest[..rest.len().min(room)]);
            if line.len() == STDERR_LINE_LIMIT {
                emit(&line, true);
                line.clear();
                skipping = true;
            }
        }
    }
    if !line.is_empty() {
        emit(&line, false);
    }
}

/// How long the exit of a process waits for the rest of its stderr to be read (a process it
/// started may still hold the pipe open).
const STDERR_DRAIN: Duration = Duration::from_millis(500);

/// Waits for the process to exit, signalling its group when asked; the exit is published once
/// its stderr lines have all been passed on, so that whoever sees the exit sees its last words
/// too. Once the process has exited, whatever it started and left behind in its group is
/// killed: a server's helpers do not outlive it.
async fn supervise(
    mut child: Box<dyn ChildWrapper>,
    stderr_lines: Option<tokio::task::JoinHandle<()>>,
    status: watch::Sender<Option<ExitStatus>>,
    mut signals: mpsc::UnboundedReceiver<Signal>,
) {
    loop {
        tokio::select! {
            exited = child.wait() => {
                let exited = exited.ok();
                #[cfg(unix)]
                let _ = child.signal(nix::sys::signal::Signal::SIGKILL as i32);
                if let Some(lines) = stderr_lines {
                    let _ = tokio::time::timeout(STDERR_DRAIN, lines).await;
                }
                let _ = status.send(exited);
                return;
            }
            Some(signal) = signals.recv() => match signal {
                Signal::Kill => { let _ = child.start_kill(); }
                Signal::Terminate => terminate(child.as_mut()),
            },
        }
    }
}

#[cfg(unix)]
fn terminate(child: &mut dyn ChildWrapper) {
    if child
        .signal(nix::sys::signal::Signal::SIGTERM as i32)
        .is_err()
    {
        let _ = child.start_kill();
    }
}

#[cfg(not(unix))]
fn terminate(child: &mut dyn ChildWrapper) {
    let _ = child.start_kill();
}

impl ChildProcess {
    /// The process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.pid
    }

    /// The exit status, once the process has exited.
    pub fn exit_status(&self) -> Option<ExitStatus> {
        *self.status.borrow()
    }

    /// Waits for the process to exit.
    pub async fn wait(&self) -> Option<ExitStatus> {
        let mut status = self.status.clone();
        status.wait_for(Option::is_some).await.ok().and_then(|s| *s)
    }

    /// The last lines the process wrote to stderr (only kept with [`Stderr::Lines`]).
    pub fn stderr_tail(&self) -> Vec<String> {
        self.stderr_tail.lock().iter().cloned().collect()
    }

    /// Waits for the process to exit after its stdin was closed; past the grace period sends
    /// SIGTERM, and SIGKILL if it still runs after another grace period.
    pub async fn shut_down(&self) -> Option<ExitStatus> {
        if let Ok(status) = tokio::time::timeout(self.grace, self.wait()).await {
            return status;
        }
        let _ = self.kill.send(Signal::Terminate);
        if let Ok(status) = tokio::time::timeout(self.grace, self.wait()).await {
            return status;
        }
        let _ = self.kill.send(Signal::Kill);
        self.wait().await
    }

    /// Describes how the process ended, for errors: the command, its exit status and the last
    /// stderr lines.
    pub fn describe_exit(&self) -> Option<String> {
        let status = self.exit_status()?;
        let mut text = format!("server process `{}` exited with {status}", self.command);
        let tail = self.stderr_tail();
        if !tail.is_empty() {
            text.push_str("; its last stderr lines:\n");
            text.push_str(&tail.join("\n"));
        }
        Some(text)
    }
}

/// Reads the child's stdout; at end of stream, reports a failed exit as an error.
#[derive(Debug)]
pub struct ChildReader {
    lines: LineReader<ChildStdout>,
    process: ChildProcess,
    finished: bool,
}

impl TransportReader for ChildReader {
    async fn recv(&mut self) -> Option<io::Result<Incoming<'_>>> {
        let Self {
            lines,
            process,
            finished,
        } = self;
        if *finished {
            return None;
        }
        if let Some(line) = lines.next_line().await {
            return Some(line);
        }
        *finished = true;
        // The process usually exits right after closing stdout; give it a moment.
        let status = tokio::time::timeout(Duration::from_millis(500), process.wait()).await;
        match status {
            Ok(Some(status)) if !status.success() => Some(Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                process
                    .describe_exit()
                    .unwrap_or_else(|| format!("server process exited with {status}")),
            ))),
            _ => None,
        }
    }
}

/// Writes to the child's stdin; closing it closes the child's stdin.
#[derive(Debug, Clone)]
pub struct ChildWriter {
    lines: LineWriter,
}

impl TransportWriter for ChildWriter {
    fn send(&self, message: Outgoing) -> Result<(), TransportClosed> {
        self.lines.send(message)
    }
    fn congested(&self) -> bool {
        self.lines.congested()
    }
    fn drained(&self) -> BoxFuture<'_, ()> {
        self.lines.drained()
    }
    fn close(&self) -> BoxFuture<'_, ()> {
        self.lines.close()
    }
}

impl Transport for ChildProcessTransport {
    type Reader = ChildReader;
    type Writer = ChildWriter;
    fn split(self) -> (ChildReader, ChildWriter) {
        (
            ChildReader {
                lines: LineReader::with_max_size(self.stdout, self.max_message_size),
                process: self.process,
                finished: false,
            },
            ChildWriter {
                lines: LineWriter::spawn(self.stdin),
            },
        )
    }
}
