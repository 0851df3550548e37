//! A remote server (Streamable HTTP or SSE) served on this process's stdin and stdout, for hosts
//! that only start stdio servers.
//!
//! Every message is passed on unchanged, both ways: the host and the remote server see each
//! other's requests, notifications and responses with their own ids and progress tokens, in
//! whichever protocol era they agree on. The HTTP client transport takes care of the HTTP side:
//! the session id and protocol version headers, the GET stream of server-initiated messages,
//! resuming broken streams, and the DELETE that ends the session when stdin closes.

use std::process::ExitCode;

use mcp::transport::stdio::stdio;
use mcp::transport::{Incoming, Transport, TransportReader, TransportWriter};

use super::pass_on;
use crate::connect;
use crate::error::{CliError, Result};
use crate::spec::{Remote, RemoteTransport};

/// Why the bridge stopped.
enum End {
    /// stdin closed: the host is done.
    HostClosed,
    /// The remote server's side ended.
    RemoteClosed(Option<String>),
    /// SIGINT or SIGTERM.
    Signalled,
}

/// Serves `remote` on stdin/stdout until stdin closes, the server goes away or a signal comes.
/// Exits 0 when the host closed stdin or a signal stopped it, 1 when the server went away.
pub async fn serve(remote: &Remote) -> Result<ExitCode> {
    match remote.transport {
        RemoteTransport::WebSocket => Err(connect::websocket_unavailable(remote)),
        RemoteTransport::StreamableHttp => pump(remote, connect::streamable_http(remote)?).await,
        RemoteTransport::Sse => {
            let transport = connect::sse(remote).await.map_err(|e| {
                CliError::server(format!("could not connect to {}: {e}", remote.url))
                    .hint("check that the server is running and that the URL is its SSE endpoint")
            })?;
            pump(remote, transport).await
        }
    }
}

async fn pump(remote: &Remote, transport: impl Transport) -> Result<ExitCode> {
    let (mut host_reader, host_writer) = stdio().split();
    let (mut server_reader, server_writer) = transport.split();
    let to_server = async {
        loop {
            match host_reader.recv().await {
                Some(Ok(Incoming::Message(json))) => {
                    if server_writer.send(pass_on(json)).is_err() {
                        return End::RemoteClosed(None);
                    }
                }
                // The host's own message was too large for us: say so on stderr; the host
                // gets no answer for it, as it would from a server with this limit.
                Some(Ok(Incoming::TooLarge { size, limit, .. })) => {
                    eprintln!(
                        "mcp run: dropped a {size}-byte message from the host (the limit is {limit} bytes)"
                    );
                }
                Some(Err(_)) | None => return End::HostClosed,
            }
        }
    };
    let to_host = async {
        loop {
            match server_reader.recv().await {
                Some(Ok(Incoming::Message(json))) => {
                    if host_writer.send(pass_on(json)).is_err() {
                        return End::HostClosed;
                    }
                }
                Some(Ok(Incoming::TooLarge { size, limit, .. })) => {
                    eprintln!(
                        "mcp run: dropped a {size}-byte message from {} (the limit is {limit} bytes)",
                        remote.url
                    );
                }
                Some(Err(e)) => return End::RemoteClosed(Some(e.to_string())),
                None => return End::RemoteClosed(None),
            }
        }
    };
    let end = tokio::select! {
        end = to_server => end,
        end = to_host => end,
        () = signalled() => End::Signalled,
    };
    // Whatever ended it, what is queued is written out and the HTTP session is ended.
    host_writer.close().await;
    server_writer.close().await;
    match end {
        End::HostClosed | End::Signalled => Ok(ExitCode::SUCCESS),
        End::RemoteClosed(why) => {
            eprintln!(
                "mcp run: {} closed the connection{}",
                remote.url,
                why.map(|w| format!(": {w}")).unwrap_or_default()
            );
            Ok(ExitCode::from(1))
        }
    }
}

/// Resolves on SIGINT or (on Unix) SIGTERM.
pub async fn signalled() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
