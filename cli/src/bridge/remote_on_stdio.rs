//! A remote server (Streamable HTTP, SSE or WebSocket) served on this process's stdin and
//! stdout, for hosts that only start stdio servers.
//!
//! Every message is passed on unchanged, both ways: the host and the remote server see each
//! other's requests, notifications and responses with their own ids and progress tokens, in
//! whichever protocol era they agree on. The HTTP client transport takes care of the HTTP side:
//! the session id and protocol version headers, the GET stream of server-initiated messages,
//! resuming broken streams, and the DELETE that ends the session when stdin closes. A URL whose
//! POST is refused the way a legacy HTTP+SSE server refuses it is retried as an SSE endpoint.

use std::process::ExitCode;
use std::time::Duration;

use mcp::http_server::shutdown_signal;
use mcp::jsonrpc::incoming::{self, IncomingMessage};
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
    let (mut host_reader, host_writer) = stdio().split();
    match remote.transport {
        RemoteTransport::WebSocket => {
            let transport = connect::websocket(remote).await.map_err(|e| {
                CliError::server(format!("could not connect to {}: {e}", remote.url)).hint(
                    "check that the server is running and that the URL is its WebSocket endpoint",
                )
            })?;
            relay_over(remote, &mut host_reader, &host_writer, transport).await
        }
        RemoteTransport::Sse => {
            let transport = legacy_sse(remote).await?;
            relay_over(remote, &mut host_reader, &host_writer, transport).await
        }
        RemoteTransport::StreamableHttp => {
            streamable_or_legacy(remote, &mut host_reader, &host_writer).await
        }
    }
}

/// [`relay`] over the two halves of `transport`.
async fn relay_over(
    remote: &Remote,
    host_reader: &mut impl TransportReader,
    host_writer: &impl TransportWriter,
    transport: impl Transport,
) -> Result<ExitCode> {
    let (server_reader, server_writer) = transport.split();
    relay(
        remote,
        host_reader,
        host_writer,
        server_reader,
        &server_writer,
    )
    .await
}

/// Passes messages between the host and the server until one side ends or a signal comes,
/// then closes both.
async fn relay(
    remote: &Remote,
    host_reader: &mut impl TransportReader,
    host_writer: &impl TransportWriter,
    server_reader: impl TransportReader,
    server_writer: &impl TransportWriter,
) -> Result<ExitCode> {
    let end = pump(
        remote,
        host_reader,
        host_writer,
        server_reader,
        server_writer,
    );
    finish(remote, end.await, host_writer, server_writer).await
}

async fn legacy_sse(remote: &Remote) -> Result<mcp::transport::http::SseClientTransport> {
    connect::sse(remote, None).await.map_err(|e| {
        CliError::server(format!("could not connect to {}: {e}", remote.url))
            .hint("check that the server is running and that the URL is its SSE endpoint")
    })
}

/// Streamable HTTP, unless the server answers the host's first request the way a server of the
/// legacy HTTP+SSE transport does (HTTP 400, 404 or 405): then the same URL is tried as an SSE
/// endpoint, and when it is one, the first request goes there and the bridge carries on over SSE.
async fn streamable_or_legacy(
    remote: &Remote,
    host_reader: &mut impl TransportReader,
    host_writer: &impl TransportWriter,
) -> Result<ExitCode> {
    let transport = connect::streamable_http(remote)?;
    let (mut server_reader, server_writer) = transport.split();
    // The host's first message, and, when it is a request, the server's first answer.
    let first = tokio::select! {
        first = first_message(host_reader) => first,
        () = shutdown_signal() => return Ok(ExitCode::SUCCESS),
    };
    let Some(first) = first else {
        server_writer.close().await;
        return Ok(ExitCode::SUCCESS);
    };
    let is_request = matches!(incoming::parse(&first), IncomingMessage::Request { .. });
    if server_writer.send(pass_on(&first)).is_err() {
        return finish(remote, End::RemoteClosed(None), host_writer, &server_writer).await;
    }
    if is_request {
        let answer = tokio::select! {
            answer = first_message(&mut server_reader) => answer,
            () = shutdown_signal() => return finish(remote, End::Signalled, host_writer, &server_writer).await,
        };
        let Some(answer) = answer else {
            return finish(remote, End::RemoteClosed(None), host_writer, &server_writer).await;
        };
        if suggests_legacy_sse(&answer)
            && let Ok(Ok(legacy)) =
                tokio::time::timeout(LEGACY_PROBE, connect::sse(remote, None)).await
        {
            server_writer.close().await;
            let (legacy_reader, legacy_writer) = legacy.split();
            if legacy_writer.send(pass_on(&first)).is_err() {
                return finish(remote, End::RemoteClosed(None), host_writer, &legacy_writer).await;
            }
            return relay(
                remote,
                host_reader,
                host_writer,
                legacy_reader,
                &legacy_writer,
            )
            .await;
        }
        if host_writer.send(pass_on(&answer)).is_err() {
            return finish(remote, End::HostClosed, host_writer, &server_writer).await;
        }
    }
    relay(
        remote,
        host_reader,
        host_writer,
        server_reader,
        &server_writer,
    )
    .await
}

/// How long the legacy SSE endpoint may take to send its `endpoint` event when the Streamable
/// HTTP POST was refused.
const LEGACY_PROBE: Duration = Duration::from_secs(10);

/// The next whole message from `reader` (messages over the size limit are dropped, as in
/// [`pump`]), or `None` once it ends.
async fn first_message(reader: &mut impl TransportReader) -> Option<Vec<u8>> {
    loop {
        match reader.recv().await {
            Some(Ok(Incoming::Message(json))) => return Some(json.to_vec()),
            Some(Ok(Incoming::TooLarge { size, limit, .. })) => {
                eprintln!("mcp run: dropped a {size}-byte message (the limit is {limit} bytes)");
            }
            Some(Err(_)) | None => return None,
        }
    }
}

/// Whether `answer` is the HTTP client transport's error for a POST refused with 400, 404 or
/// 405, which the specification says a client should take as a sign of the legacy transport.
fn suggests_legacy_sse(answer: &[u8]) -> bool {
    match incoming::parse(answer) {
        IncomingMessage::Error { error, .. } => {
            connect::suggests_legacy_sse(&mcp::Error::Protocol(error))
        }
        _ => false,
    }
}

/// Passes messages both ways until one side ends or a signal comes.
async fn pump(
    remote: &Remote,
    host_reader: &mut impl TransportReader,
    host_writer: &impl TransportWriter,
    mut server_reader: impl TransportReader,
    server_writer: &impl TransportWriter,
) -> End {
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
    tokio::select! {
        end = to_server => end,
        end = to_host => end,
        () = shutdown_signal() => End::Signalled,
    }
}

/// Whatever ended it, what is queued is written out and the remote session is ended; the exit
/// code says who ended it.
async fn finish(
    remote: &Remote,
    end: End,
    host_writer: &impl TransportWriter,
    server_writer: &impl TransportWriter,
) -> Result<ExitCode> {
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
