//! Starting or reaching the target and connecting the SDK's client to it, with every message
//! and HTTP exchange reported.

use std::sync::Arc;
use std::time::Duration;

use axum::http::HeaderMap;
use mcp::client::auth::OAuthClient;
use mcp::client::{Client, ClientBuilder};
use mcp::transport::http::{HttpExchange, SseClientTransport, StreamableHttpTransport};
use mcp::transport::stdio::{ChildProcess, ChildProcessTransport, Stderr, StdioServerParameters};
use mcp::transport::ws::WebSocketClient;
use tokio::task::JoinHandle;

use crate::events::{Event, EventHub, HttpEvent};
use crate::observe::Traffic;
use crate::target::{InProcessTarget, RemoteTarget, RemoteTransport, StdioTarget, Target};

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
) -> Result<Connected, String> {
    match target {
        Target::Stdio(stdio) => connect_stdio(stdio, builder, traffic, hub, limit).await,
        Target::Remote(remote) => connect_remote(remote, builder, traffic, oauth, limit).await,
        Target::InProcess(in_process) => {
            connect_in_process(in_process, builder, traffic, limit).await
        }
    }
}

async fn within<T>(
    limit: Duration,
    what: &str,
    future: impl Future<Output = mcp::Result<T>>,
) -> Result<T, String> {
    attempt(limit, what, future).await.map_err(|e| match e {
        Ok(error) => error.to_string(),
        Err(timeout) => timeout,
    })
}

/// Runs `future` within `limit`: its error, or the timeout's message.
async fn attempt<T>(
    limit: Duration,
    what: &str,
    future: impl Future<Output = mcp::Result<T>>,
) -> Result<T, Result<mcp::Error, String>> {
    match tokio::time::timeout(limit, future).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(Ok(e)),
        Err(_) => Err(Err(format!(
            "{what} did not answer within {:.1} s (the connection timeout)",
            limit.as_secs_f64()
        ))),
    }
}

async fn connect_stdio(
    stdio: &StdioTarget,
    builder: ClientBuilder,
    traffic: &Traffic,
    hub: &Arc<EventHub>,
    limit: Duration,
) -> Result<Connected, String> {
    let stderr_hub = hub.clone();
    let mut params = StdioServerParameters::new(&stdio.program)
        .args(stdio.args.iter().cloned())
        .stderr(Stderr::Lines(Arc::new(move |line: &str| {
            stderr_hub.publish(Event::Stderr {
                line: line.to_owned(),
            })
        })));
    for (key, value) in &stdio.env {
        params = params.env(key, value);
    }
    if let Some(cwd) = &stdio.cwd {
        params = params.cwd(cwd);
    }
    params.shutdown_grace = Duration::from_millis(500);
    let transport = ChildProcessTransport::spawn(&params)
        .map_err(|e| format!("cannot start `{}`: {e}", stdio.display()))?;
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
                Some(status) => {
                    let mut text = format!(
                        "`{}` exited with {status} before it answered",
                        stdio.display()
                    );
                    let tail = process.stderr_tail();
                    if !tail.is_empty() {
                        text.push_str("; its last stderr lines:\n");
                        text.push_str(&tail.join("\n"));
                    }
                    text
                }
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
) -> Result<Connected, String> {
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
) -> Result<StreamableHttpTransport, String> {
    let mut transport = StreamableHttpTransport::new(&remote.url).map_err(|e| e.to_string())?;
    for (name, value) in &remote.headers {
        transport = transport.header(name, value).map_err(|e| e.to_string())?;
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
) -> Result<Connected, String> {
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
            match attempt(
                limit,
                &remote.url,
                builder.clone().connect(traffic.wrap(transport)),
            )
            .await
            {
                Ok(client) => client,
                Err(Ok(error)) if suggests_legacy_sse(&error) => {
                    match within(limit, &remote.url, sse(remote, traffic, oauth)).await {
                        Ok(legacy) => {
                            within(limit, &remote.url, builder.connect(traffic.wrap(legacy)))
                                .await?
                        }
                        // Not an SSE server either: the first error says more.
                        Err(_) => return Err(error.to_string()),
                    }
                }
                Err(Ok(error)) => return Err(error.to_string()),
                Err(Err(timeout)) => return Err(timeout),
            }
        }
    };
    Ok(Connected {
        client,
        process: None,
        server_task: None,
    })
}
