//! Starting or reaching the target and connecting the SDK's client to it, with every message
//! and HTTP exchange reported.

use std::process::ExitStatus;
use std::sync::Arc;
use std::time::Duration;

use axum::http::HeaderMap;
use mcp::client::auth::OAuthClient;
use mcp::client::{Client, ClientBuilder};
use mcp::transport::http::{HttpExchange, SseClientTransport, StreamableHttpTransport};
use mcp::transport::stdio::{ChildProcess, ChildProcessTransport, Stderr};
use mcp::transport::ws::WebSocketClient;
use tokio::task::JoinHandle;

use crate::events::{Event, EventHub, HttpEvent};
use crate::observe::Traffic;
use crate::target::{InProcessTarget, RemoteTarget, RemoteTransport, StdioTarget, Target};

/// Why a connection to the target failed; its text is what the page shows.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The options pin a protocol version this library does not know.
    #[error(transparent)]
    UnknownVersion(#[from] crate::backend::UnknownVersion),
    /// The server process could not be started.
    #[error("cannot start `{command}`: {source}")]
    Spawn {
        /// The command line.
        command: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// No answer within the connection timeout.
    #[error("{what} did not answer within {:.1} s (the connection timeout)", .limit.as_secs_f64())]
    Timeout {
        /// What was waited for: the server, or its URL.
        what: String,
        /// The connection timeout.
        limit: Duration,
    },
    /// The server process exited before it answered.
    #[error("`{command}` exited with {status} before it answered{}", with_stderr(.stderr))]
    Exited {
        /// The command line.
        command: String,
        /// How it exited.
        status: ExitStatus,
        /// Its last stderr lines.
        stderr: Vec<String>,
    },
    /// The transport or the handshake failed.
    #[error(transparent)]
    Mcp(#[from] mcp::Error),
}

/// `; its last stderr lines:` and the lines, or nothing without any.
fn with_stderr(lines: &[String]) -> String {
    if lines.is_empty() {
        String::new()
    } else {
        format!("; its last stderr lines:\n{}", lines.join("\n"))
    }
}

/// A live connection: the client, and what to stop when it ends.
pub struct Connected {
    /// The client session.
    pub client: Client,
    /// The server process of a stdio target.
    pub process: Option<ChildProcess>,
    /// The server task of an in-process target.
    pub server_task: Option<JoinHandle<()>>,
}

/// Connects `builder` to `target` within `limit`; the error says what went wrong, for the page.
pub async fn connect(
    target: &Target,
    builder: ClientBuilder,
    traffic: &Traffic,
    hub: &Arc<EventHub>,
    oauth: Option<&OAuthClient>,
    limit: Duration,
) -> Result<Connected, ConnectError> {
    match target {
        Target::Stdio(stdio) => connect_stdio(stdio, builder, traffic, hub, limit).await,
        Target::Remote(remote) => connect_remote(remote, builder, traffic, oauth, limit).await,
        Target::InProcess(in_process) => {
            connect_in_process(in_process, builder, traffic, limit).await
        }
    }
}

/// Runs `future` within `limit`: its error, or the timeout.
async fn within<T>(
    limit: Duration,
    what: &str,
    future: impl Future<Output = mcp::Result<T>>,
) -> Result<T, ConnectError> {
    match tokio::time::timeout(limit, future).await {
        Ok(result) => Ok(result?),
        Err(_) => Err(ConnectError::Timeout {
            what: what.to_owned(),
            limit,
        }),
    }
}

async fn connect_stdio(
    stdio: &StdioTarget,
    builder: ClientBuilder,
    traffic: &Traffic,
    hub: &Arc<EventHub>,
    limit: Duration,
) -> Result<Connected, ConnectError> {
    let stderr_hub = hub.clone();
    let mut params = stdio
        .server
        .clone()
        .stderr(Stderr::Lines(Arc::new(move |line: &str| {
            stderr_hub.publish(Event::Stderr {
                line: line.to_owned(),
            })
        })));
    params.shutdown_grace = Duration::from_millis(500);
    let transport =
        ChildProcessTransport::spawn(&params).map_err(|source| ConnectError::Spawn {
            command: stdio.display(),
            source,
        })?;
    let process = transport.process().clone();
    match within(
        limit,
        "the server",
        builder.connect(traffic.wrap(transport)),
    )
    .await
    {
        Ok(client) => Ok(Connected {
            client,
            process: Some(process),
            server_task: None,
        }),
        Err(why) => {
            let _ = tokio::time::timeout(Duration::from_millis(300), process.wait()).await;
            let why = match process.exit_status() {
                Some(status) => ConnectError::Exited {
                    command: stdio.display(),
                    status,
                    stderr: process.stderr_tail(),
                },
                None => why,
            };
            process.shut_down().await;
            Err(why)
        }
    }
}

async fn connect_in_process(
    in_process: &InProcessTarget,
    builder: ClientBuilder,
    traffic: &Traffic,
    limit: Duration,
) -> Result<Connected, ConnectError> {
    let (client_end, server_end) = mcp::transport::memory::pair();
    let server = in_process.make();
    let server_task = tokio::spawn(async move {
        if let Err(e) = server.serve(server_end).await {
            tracing::debug!(error = %e, "the in-process server stopped");
        }
    });
    match within(
        limit,
        "the server",
        builder.connect(traffic.wrap(client_end)),
    )
    .await
    {
        Ok(client) => Ok(Connected {
            client,
            process: None,
            server_task: Some(server_task),
        }),
        Err(why) => {
            server_task.abort();
            Err(why)
        }
    }
}

/// The HTTP event of an exchange, with credentials shortened.
fn http_event(exchange: &HttpExchange) -> HttpEvent {
    HttpEvent {
        method: exchange.method.to_string(),
        url: exchange.url.to_string(),
        request_headers: header_pairs(&exchange.request_headers),
        status: exchange.status.map(|s| s.as_u16()),
        response_headers: header_pairs(&exchange.response_headers),
        duration_ms: exchange.elapsed.as_secs_f64() * 1000.0,
        error: exchange.error.clone(),
    }
}

/// The headers as pairs; credentials keep only their first characters.
fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
            let secret = matches!(
                name.as_str(),
                "authorization" | "proxy-authorization" | "cookie" | "set-cookie"
            );
            (
                name.as_str().to_owned(),
                if secret { shorten(&text) } else { text },
            )
        })
        .collect()
}

fn shorten(secret: &str) -> String {
    let keep: String = secret.chars().take(12).collect();
    if keep.len() < secret.len() {
        format!("{keep}… ({} characters)", secret.chars().count())
    } else {
        secret.to_owned()
    }
}

fn streamable_http(
    remote: &RemoteTarget,
    traffic: &Traffic,
    oauth: Option<&OAuthClient>,
) -> mcp::Result<StreamableHttpTransport> {
    let mut transport = StreamableHttpTransport::new(&remote.url)?;
    for (name, value) in &remote.headers {
        transport = transport.header(name, value)?;
    }
    if let Some(oauth) = oauth {
        transport = transport.auth(oauth.clone());
    }
    let traffic = traffic.clone();
    Ok(transport.observer(move |exchange: &HttpExchange| traffic.http(http_event(exchange))))
}

async fn sse(
    remote: &RemoteTarget,
    traffic: &Traffic,
    oauth: Option<&OAuthClient>,
) -> mcp::Result<SseClientTransport> {
    let mut transport = SseClientTransport::new(&remote.url)?;
    for (name, value) in &remote.headers {
        transport = transport.header(name, value)?;
    }
    if let Some(oauth) = oauth {
        transport = transport.auth(oauth.clone());
    }
    let traffic = traffic.clone();
    transport
        .observer(move |exchange: &HttpExchange| traffic.http(http_event(exchange)))
        .connect()
        .await
}

/// Whether a failed Streamable HTTP handshake says the server may speak only the legacy
/// HTTP+SSE transport: its POST was answered 400, 404 or 405, which the specification tells
/// clients to take as that sign.
fn suggests_legacy_sse(error: &mcp::Error) -> bool {
    match error {
        mcp::Error::Protocol(e) => e
            .data
            .as_ref()
            .and_then(|d| d.get("httpStatus"))
            .and_then(serde_json::Value::as_u64)
            .is_some_and(|status| matches!(status, 400 | 404 | 405)),
        _ => false,
    }
}

async fn connect_remote(
    remote: &RemoteTarget,
    builder: ClientBuilder,
    traffic: &Traffic,
    oauth: Option<&OAuthClient>,
    limit: Duration,
) -> Result<Connected, ConnectError> {
    let oauth = oauth.filter(|_| remote.oauth);
    // Authorizing takes a person in a browser: the connection waits for them.
    let limit = if oauth.is_some() {
        limit.max(crate::oauth::AUTHORIZATION_PATIENCE)
    } else {
        limit
    };
    let client = match remote.transport {
        RemoteTransport::WebSocket => {
            let mut ws = WebSocketClient::new(&remote.url);
            for (name, value) in &remote.headers {
                ws = ws.header(name, value);
            }
            let connection = within(limit, &remote.url, ws.connect()).await?;
            within(
                limit,
                &remote.url,
                builder.connect(traffic.wrap(connection)),
            )
            .await?
        }
        RemoteTransport::Sse => {
            let transport = within(limit, &remote.url, sse(remote, traffic, oauth)).await?;
            within(limit, &remote.url, builder.connect(traffic.wrap(transport))).await?
        }
        RemoteTransport::StreamableHttp => {
            let transport = streamable_http(remote, traffic, oauth)?;
            match within(
                limit,
                &remote.url,
                builder.clone().connect(traffic.wrap(transport)),
            )
            .await
            {
                Ok(client) => client,
                Err(ConnectError::Mcp(error)) if suggests_legacy_sse(&error) => {
                    match within(limit, &remote.url, sse(remote, traffic, oauth)).await {
                        Ok(legacy) => {
                            within(limit, &remote.url, builder.connect(traffic.wrap(legacy)))
                                .await?
                        }
                        // Not an SSE server either: the first error says more.
                        Err(_) => return Err(error.into()),
                    }
                }
                Err(other) => return Err(other),
            }
        }
    };
    Ok(Connected {
        client,
        process: None,
        server_task: None,
    })
}
