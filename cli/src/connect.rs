//! Connecting a client to a resolved server: spawning it with its stderr shown on ours (or kept
//! for the report), the server's log messages and progress shown through the [`Ui`], and, when
//! asked, a record of every message exchanged (for schema validation).

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mcp::client::Client;
use mcp::transport::stdio::{ChildProcess, ChildProcessTransport, Stderr, StdioServerParameters};
use mcp::transport::{
    BoxFuture, Incoming, Outgoing, OutgoingKind, Transport, TransportClosed, TransportReader,
    TransportWriter,
};
use mcp::types::{Implementation, LoggingLevel, ProtocolVersion};

use crate::error::{CliError, Result};
use crate::spec::{Remote, Resolved, Target};
use crate::ui::Ui;

/// Options shared by every subcommand that talks to a server.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Connection options")]
pub struct ConnectArgs {
    /// Time limit of each step (start, each request), in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0, global = true)]
    pub timeout: f64,
    /// Speak exactly this protocol version (default: the newest the server offers).
    #[arg(long, value_name = "VERSION", global = true)]
    pub protocol_version: Option<ProtocolVersion>,
    /// The lowest level of the server's log messages to show.
    #[arg(long, value_name = "LEVEL", default_value = "info", global = true)]
    pub log_level: LoggingLevel,
    /// Hide the server's stderr, log messages and progress.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

impl ConnectArgs {
    /// The per-step time limit.
    pub fn step_timeout(&self) -> Duration {
        Duration::from_secs_f64(self.timeout.max(0.001))
    }
}

/// One recorded message: which way it went, and its JSON text.
pub type Recorded = (Direction, Vec<u8>);

/// Every message exchanged, in order, as raw JSON text.
#[derive(Debug, Clone, Default)]
pub struct Recording {
    inner: Arc<Mutex<Vec<Recorded>>>,
}

/// Which way a recorded message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From the server.
    Incoming,
    /// To the server.
    Outgoing,
}

impl Recording {
    fn push(&self, direction: Direction, bytes: &[u8]) {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((direction, bytes.to_vec()));
    }

    /// The messages recorded so far.
    pub fn messages(&self) -> Vec<Recorded> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

struct RecordingReader<R> {
    inner: R,
    recording: Recording,
}

impl<R: TransportReader> TransportReader for RecordingReader<R> {
    async fn recv(&mut self) -> Option<io::Result<Incoming<'_>>> {
        let next = self.inner.recv().await;
        if let Some(Ok(Incoming::Message(bytes))) = &next {
            self.recording.push(Direction::Incoming, bytes);
        }
        next
    }
}

struct RecordingWriter<W> {
    inner: W,
    recording: Recording,
}

impl<W: TransportWriter> TransportWriter for RecordingWriter<W> {
    fn send(&self, message: Outgoing) -> Result<(), TransportClosed> {
        if message.kind == OutgoingKind::Request {
            self.recording.push(Direction::Outgoing, &message.json);
        }
        self.inner.send(message)
    }
    fn cork(&self) {
        self.inner.cork();
    }
    fn uncork(&self) -> BoxFuture<'_, ()> {
        self.inner.uncork()
    }
    fn congested(&self) -> bool {
        self.inner.congested()
    }
    fn drained(&self) -> BoxFuture<'_, ()> {
        self.inner.drained()
    }
    fn close(&self) -> BoxFuture<'_, ()> {
        self.inner.close()
    }
}

/// A connected server.
pub struct Connection {
    /// The client session.
    pub client: Client,
    /// The server process, for a local server.
    pub process: Option<ChildProcess>,
    /// The messages exchanged, when recording was asked for.
    pub recording: Option<Recording>,
}

/// How a connection ended.
#[derive(Debug, Clone)]
pub struct Shutdown {
    /// Whether the server exited by itself once its input closed (rather than being signalled).
    pub exited_by_itself: bool,
    /// Its exit status, as text.
    pub status: Option<std::process::ExitStatus>,
}

impl Connection {
    /// Closes the session and waits up to `wait` for the server to exit by itself, then stops it.
    pub async fn close(self, wait: Duration) -> Shutdown {
        self.client.close().await;
        let Some(process) = self.process else {
            return Shutdown {
                exited_by_itself: true,
                status: None,
            };
        };
        match tokio::time::timeout(wait, process.wait()).await {
            Ok(status) => Shutdown {
                exited_by_itself: true,
                status,
            },
            Err(_) => Shutdown {
                exited_by_itself: false,
                status: process.shut_down().await,
            },
        }
    }
}

/// Whether this build can reach servers over `transport`.
pub fn remote_available(_remote: &Remote) -> bool {
    false
}

/// The error for a remote server this build cannot reach.
pub fn remote_unavailable(remote: &Remote) -> CliError {
    CliError::environment(format!(
        "{} is a {} server, and this build of mcp has no {} client transport yet",
        remote.url,
        remote.transport.name(),
        remote.transport.name()
    ))
    .hint("the SDK's HTTP transports are on their way; until then, reach the server through a local stdio command")
}

/// Spawns or reaches the server and connects a client to it.
pub async fn connect(
    resolved: &Resolved,
    args: &ConnectArgs,
    ui: &Ui,
    record: bool,
) -> Result<Connection> {
    let launch = match &resolved.target {
        Target::Stdio(launch) => launch,
        Target::Remote(remote) => return Err(remote_unavailable(remote)),
    };
    let stderr_ui = ui.clone();
    let mut params = StdioServerParameters::new(&launch.program)
        .args(launch.args.iter().cloned())
        .stderr(Stderr::Lines(Arc::new(move |line: &str| {
            stderr_ui.server_stderr(line)
        })));
    for (key, value) in &launch.env {
        params = params.env(key, value);
    }
    if let Some(cwd) = &launch.cwd {
        params = params.cwd(cwd);
    }
    // The CLI waits for a voluntary exit itself before asking the SDK to stop the process.
    params.shutdown_grace = Duration::from_millis(500);
    let transport = ChildProcessTransport::spawn(&params).map_err(|e| {
        let error =
            CliError::environment(format!("cannot start `{}`: {}", launch.display(), e.kind()));
        if e.kind() == io::ErrorKind::NotFound {
            error.hint("the program was not found: check the path, or install it")
        } else {
            error
        }
    })?;
    let process = transport.process().clone();
    let recording = record.then(Recording::default);
    let log_ui = ui.clone();
    let mut builder = Client::builder()
        .info(Implementation::new("mcp-cli", env!("CARGO_PKG_VERSION")))
        .request_timeout(Some(args.step_timeout()))
        .probe_timeout(args.step_timeout())
        .on_logging(move |params| log_ui.server_log(&params))
        .log_level(args.log_level);
    if let Some(version) = args.protocol_version {
        builder = builder.protocol_version(version);
    }
    let (reader, writer) = transport.split();
    let connecting = match &recording {
        Some(recording) => {
            let reader = RecordingReader {
                inner: reader,
                recording: recording.clone(),
            };
            let writer = RecordingWriter {
                inner: writer,
                recording: recording.clone(),
            };
            tokio::time::timeout(args.step_timeout(), builder.connect((reader, writer))).await
        }
        None => tokio::time::timeout(args.step_timeout(), builder.connect((reader, writer))).await,
    };
    let failure = match connecting {
        Ok(Ok(client)) => {
            return Ok(Connection {
                client,
                process: Some(process),
                recording,
            });
        }
        Ok(Err(e)) => e.to_string(),
        Err(_) => {
            process.shut_down().await;
            return Err(CliError::server(format!(
                "`{}` did not answer the handshake within {:.1} s",
                launch.display(),
                args.timeout
            ))
            .hint("raise the limit with --timeout SECONDS; a server that starts slowly (a first build, uv fetching packages) may need it"));
        }
    };
    // The process may have died: say how, with its last stderr lines.
    let _ = tokio::time::timeout(Duration::from_millis(300), process.wait()).await;
    match process.exit_status() {
        Some(status) => {
            let mut text = format!(
                "`{}` exited with {status} before it answered",
                launch.display()
            );
            let tail = process.stderr_tail();
            if !tail.is_empty() {
                text.push_str("; its last stderr lines:\n");
                text.push_str(&tail.join("\n"));
            }
            Err(CliError::server(text)
                .hint("its stderr says why; `mcp run` starts it by hand, on this terminal"))
        }
        None => {
            process.shut_down().await;
            Err(CliError::server(format!(
                "could not connect to `{}`: {failure}",
                launch.display()
            ))
            .hint(
                "a stdio server must read JSON-RPC on stdin and write only protocol messages \
                 on stdout; its stderr is shown above",
            ))
        }
    }
}
