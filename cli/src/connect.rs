//! Connecting a client to a resolved server: spawning a local one with its stderr shown on ours
//! (or kept for the report), or reaching a remote one over Streamable HTTP (falling back to the
//! legacy HTTP+SSE transport when the server only speaks that), SSE or WebSocket; the server's
//! log messages and progress shown through the [`Ui`], and, when asked, a record of every
//! message exchanged (for schema validation).

use std::io;
use std::sync::Arc;
use std::time::Duration;

use mcp::client::auth::OAuthClient;
use mcp::client::{Client, ClientBuilder};
use mcp::transport::http::{SseClientTransport, StreamableHttpTransport};
use mcp::transport::observe::{Observer, observe};
use mcp::transport::stdio::{ChildProcess, ChildProcessTransport, Stderr, StdioServerParameters};
use mcp::transport::ws::{WebSocketClient, WsConnection};
use mcp::transport::{Incoming, Outgoing, OutgoingKind, Transport};
use mcp::types::{Implementation, LoggingLevel, ProtocolVersion};
use parking_lot::Mutex;

use crate::error::{CliError, Result};
use crate::hostenv::HostEnvironment;
use crate::oauth::OAuthArgs;
use crate::spec::{Launch, Remote, RemoteTransport, Resolved, Target};
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
    /// Declare that this client renders MCP App views (io.modelcontextprotocol/ui), as a host
    /// showing them does: a tool with a view may answer differently.
    #[arg(long, global = true)]
    pub apps: bool,
    #[command(flatten)]
    pub oauth: OAuthArgs,
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
    fn clear(&self) {
        self.inner.lock().clear();
    }

    fn push(&self, direction: Direction, bytes: &[u8]) {
        self.inner.lock().push((direction, bytes.to_vec()));
    }

    /// The messages recorded so far.
    pub fn messages(&self) -> Vec<Recorded> {
        self.inner.lock().clone()
    }
}

impl Observer for Recording {
    fn incoming(&self, incoming: &Incoming<'_>) {
        if let Incoming::Message(bytes) = incoming {
            self.push(Direction::Incoming, bytes);
        }
    }

    fn outgoing(&self, message: &Outgoing) {
        if message.kind == OutgoingKind::Request {
            self.push(Direction::Outgoing, &message.json);
        }
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

/// Spawns or reaches the server and connects a client to it; a local server starts in this
/// process's environment.
pub async fn connect(
    resolved: &Resolved,
    args: &ConnectArgs,
    ui: &Ui,
    record: bool,
) -> Result<Connection> {
    connect_in(resolved, args, ui, record, None).await
}

/// [`connect`], with a local server started the way a host starts it when `host` is given:
/// only the host's variables and `PATH`, the entry's own variables, the host's working
/// directory, and a bare program name looked up on the host's `PATH`.
pub async fn connect_in(
    resolved: &Resolved,
    args: &ConnectArgs,
    ui: &Ui,
    record: bool,
    host: Option<&HostEnvironment>,
) -> Result<Connection> {
    let recording = record.then(Recording::default);
    let builder = client_builder(args, ui);
    match &resolved.target {
        Target::Stdio(launch) => {
            if args.oauth.given() {
                return Err(CliError::usage(
                    "the authorization options (--client-id, --dpop, ...) apply to remote \
                     servers (a URL), not to a local one",
                ));
            }
            connect_stdio(launch, host, builder, args, ui, recording).await
        }
        Target::Remote(remote) => connect_remote(remote, builder, args, recording).await,
    }
}

/// The client every subcommand uses: our name, the time limits, the server's log messages on
/// the [`Ui`].
fn client_builder(args: &ConnectArgs, ui: &Ui) -> ClientBuilder {
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
    if args.apps {
        builder = builder.apps();
    }
    builder
}

/// Connects `builder` over `transport` within the step time limit (`None`: it ran out),
/// recording the messages when asked.
async fn handshake<T: Transport>(
    builder: ClientBuilder,
    transport: T,
    recording: Option<&Recording>,
    limit: Duration,
) -> Option<mcp::Result<Client>> {
    let connecting = match recording {
        Some(recording) => {
            recording.clear();
            let observed = observe(transport, recording.clone());
            tokio::time::timeout(limit, builder.connect(observed)).await
        }
        None => tokio::time::timeout(limit, builder.connect(transport)).await,
    };
    connecting.ok()
}

/// How `launch` starts: in this process's environment, or in `host`'s.
fn parameters(launch: &Launch, host: Option<&HostEnvironment>) -> Result<StdioServerParameters> {
    let Some(host) = host else {
        return Ok(launch.parameters());
    };
    let program = if launch.program.components().count() == 1 {
        let name = launch.program.to_string_lossy();
        host.find(&name).ok_or_else(|| {
            CliError::environment(format!(
                "`{name}` is not on the host's PATH ({})",
                host.path().to_string_lossy()
            ))
            .hint("give the program's absolute path in the entry (`mcp install` does)")
        })?
    } else {
        launch.program.clone()
    };
    let mut params = StdioServerParameters::new(program).args(launch.args.iter().cloned());
    params.clear_env = true;
    params.env = host.variables(launch).into_iter().collect();
    params.cwd = Some(
        launch
            .cwd
            .clone()
            .unwrap_or_else(|| host.cwd().to_path_buf()),
    );
    Ok(params)
}

async fn connect_stdio(
    launch: &Launch,
    host: Option<&HostEnvironment>,
    builder: ClientBuilder,
    args: &ConnectArgs,
    ui: &Ui,
    recording: Option<Recording>,
) -> Result<Connection> {
    let stderr_ui = ui.clone();
    let mut params =
        parameters(launch, host)?.stderr(Stderr::Lines(Arc::new(move |line: &str| {
            stderr_ui.server_stderr(line)
        })));
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
    let failure = match handshake(builder, transport, recording.as_ref(), args.step_timeout()).await
    {
        Some(Ok(client)) => {
            return Ok(Connection {
                client,
                process: Some(process),
                recording,
            });
        }
        Some(Err(e)) => e.to_string(),
        None => {
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

/// A Streamable HTTP transport to `remote`, with its headers.
pub fn streamable_http(remote: &Remote) -> Result<StreamableHttpTransport> {
    let mut transport = StreamableHttpTransport::new(&remote.url).map_err(bad_url)?;
    for (name, value) in &remote.headers {
        transport = transport.header(name, value).map_err(bad_header)?;
    }
    Ok(transport)
}

/// An SSE transport to `remote`, with its headers and its OAuth client if it has one,
/// connected (its `endpoint` event received).
pub async fn sse(remote: &Remote, oauth: Option<OAuthClient>) -> mcp::Result<SseClientTransport> {
    let mut transport = SseClientTransport::new(&remote.url)?;
    for (name, value) in &remote.headers {
        transport = transport.header(name, value)?;
    }
    if let Some(oauth) = oauth {
        transport = transport.auth(oauth);
    }
    transport.connect().await
}

fn bad_url(error: mcp::Error) -> CliError {
    CliError::usage(error.to_string())
}

fn bad_header(error: mcp::Error) -> CliError {
    CliError::usage(error.to_string()).hint("give headers as `NAME: VALUE`")
}

/// A WebSocket connection to `remote` (subprotocol `mcp`), with its headers sent on the opening
/// handshake.
pub async fn websocket(remote: &Remote) -> mcp::Result<WsConnection> {
    let mut client = WebSocketClient::new(&remote.url);
    for (name, value) in &remote.headers {
        client = client.header(name, value);
    }
    client.connect().await
}

/// The HTTP status of a refused HTTP request, when `error` is one.
pub fn http_status(error: &mcp::Error) -> Option<u16> {
    match error {
        mcp::Error::Protocol(e) => e
            .data
            .as_ref()
            .and_then(|d| d.get("httpStatus"))
            .and_then(serde_json::Value::as_u64)
            .and_then(|status| u16::try_from(status).ok()),
        _ => None,
    }
}

/// Whether a failed Streamable HTTP handshake says the server may speak only the legacy
/// HTTP+SSE transport: its POST was answered 400, 404 or 405 (what the specification says a
/// client should take as that sign).
pub fn suggests_legacy_sse(error: &mcp::Error) -> bool {
    http_status(error).is_some_and(|status| matches!(status, 400 | 404 | 405))
}

async fn connect_remote(
    remote: &Remote,
    builder: ClientBuilder,
    args: &ConnectArgs,
    recording: Option<Recording>,
) -> Result<Connection> {
    let limit = args.step_timeout();
    let oauth = args.oauth.client(&remote.url)?;
    if oauth.is_some() {
        if remote
            .headers
            .keys()
            .any(|name| name.eq_ignore_ascii_case("authorization"))
        {
            return Err(CliError::usage(
                "give either a bearer token (--bearer-token, an Authorization header) or the \
                 authorization options (--client-id, ...), not both",
            ));
        }
        if remote.transport == RemoteTransport::WebSocket {
            return Err(CliError::usage(
                "the authorization options apply to HTTP servers (Streamable HTTP or SSE), \
                 not to a WebSocket URL",
            )
            .hint("give a WebSocket server a token with --bearer-token"));
        }
    }
    let outcome = match remote.transport {
        RemoteTransport::WebSocket => match tokio::time::timeout(limit, websocket(remote)).await {
            Ok(Ok(transport)) => handshake(builder, transport, recording.as_ref(), limit).await,
            Ok(Err(e)) => Some(Err(e)),
            Err(_) => None,
        },
        RemoteTransport::Sse => match tokio::time::timeout(limit, sse(remote, oauth.clone())).await
        {
            Ok(Ok(transport)) => handshake(builder, transport, recording.as_ref(), limit).await,
            Ok(Err(e)) => Some(Err(e)),
            Err(_) => None,
        },
        RemoteTransport::StreamableHttp => {
            let mut transport = streamable_http(remote)?;
            if let Some(oauth) = oauth.clone() {
                transport = transport.auth(oauth);
            }
            match handshake(builder.clone(), transport, recording.as_ref(), limit).await {
                Some(Err(error)) if suggests_legacy_sse(&error) => {
                    match tokio::time::timeout(limit, sse(remote, oauth)).await {
                        Ok(Ok(legacy)) => {
                            handshake(builder, legacy, recording.as_ref(), limit).await
                        }
                        // Not an SSE server either: the first error says more.
                        _ => Some(Err(error)),
                    }
                }
                other => other,
            }
        }
    };
    match outcome {
        Some(Ok(client)) => Ok(Connection {
            client,
            process: None,
            recording,
        }),
        Some(Err(error)) => Err(CliError::server(format!(
            "could not connect to {} ({}): {error}",
            remote.url,
            remote.transport.name()
        ))
        .http_status(http_status(&error))
        .hint(
            "check that the server is running and the URL is its MCP endpoint (often …/mcp for \
             Streamable HTTP, …/sse for SSE, ws://…/ws for WebSocket); headers and tokens go in -H 'NAME: VALUE' or \
             --bearer-token, OAuth client credentials in --client-id and its secret or key",
        )),
        None => Err(CliError::server(format!(
            "{} did not answer the handshake within {:.1} s",
            remote.url, args.timeout
        ))
        .hint("raise the limit with --timeout SECONDS")),
    }
}
