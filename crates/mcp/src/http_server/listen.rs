//! The accept loop of [`HttpServer::serve`](super::HttpServer::serve): hyper's HTTP/1
//! connections with the limits one client must not be able to get past: a deadline for a
//! request's head (and for an unused kept-alive connection), a deadline for every write to a
//! client that stopped reading, and a cap on open connections.

use std::future::Future;
use std::io;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_io_timeout::TimeoutWriter;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// The limits every connection is served with.
#[derive(Debug, Clone, Copy)]
pub(super) struct ConnectionLimits {
    /// How long a request's head may take, counted from when the connection waits for one.
    pub header_read_timeout: Option<Duration>,
    /// How long one write may wait for the client to read.
    pub write_timeout: Option<Duration>,
    /// How many connections may be open at once.
    pub max_connections: Option<usize>,
}

/// How long a refused connection is given to take its 503.
const REFUSAL_PATIENCE: Duration = Duration::from_secs(1);

/// Serves `app` on `listener` until `signal` resolves, then stops accepting, lets every
/// connection finish its requests and waits for them.
pub(super) async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    signal: impl Future<Output = ()>,
) -> io::Result<()> {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let slots = limits
        .max_connections
        .map(|max| Arc::new(Semaphore::new(max)));
    let connections = TaskTracker::new();
    let stopping = CancellationToken::new();
    let mut signal = pin!(signal);
    loop {
        let tcp = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => tcp,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            () = &mut signal => break,
        };
        let permit = match &slots {
            None => None,
            Some(slots) => match slots.clone().try_acquire_owned() {
                Ok(permit) => Some(permit),
                Err(_) => {
                    connections.spawn(refuse(tcp));
                    continue;
                }
            },
        };
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY");
        }
        let mut io = TimeoutWriter::new(tcp);
        io.set_timeout(limits.write_timeout);
        let io = TokioIo::new(Counted {
            io: Box::pin(io),
            _permit: permit,
        });
        let connection = http
            .serve_connection(io, TowerToHyperService::new(app.clone()))
            .with_upgrades();
        let stopping = stopping.clone();
        connections.spawn(async move {
            let mut connection = pin!(connection);
            let served = tokio::select! {
                served = connection.as_mut() => served,
                () = stopping.cancelled() => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(e) = served {
                tracing::debug!(error = %e, "an HTTP connection ended with an error");
            }
        });
    }
    drop(listener);
    stopping.cancel();
    connections.close();
    connections.wait().await;
    Ok(())
}

/// Waits a moment after a failed `accept`: out of file descriptors, say, accepting again at
/// once would spin.
async fn accept_failed(error: io::Error) {
    let transient = matches!(
        error.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
    );
    if !transient {
        tracing::error!(error = %error, "could not accept a connection");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Answers a connection past the cap with 503 and closes it.
async fn refuse(mut tcp: TcpStream) {
    tracing::warn!("refusing a connection: too many are open");
    let body = br#"{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"Service Unavailable: too many open connections; try again later"}}"#;
    let head = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nretry-after: 1\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = tokio::time::timeout(REFUSAL_PATIENCE, async {
        tcp.write_all(head.as_bytes()).await?;
        tcp.write_all(body).await?;
        tcp.shutdown().await?;
        // Read what the client sent meanwhile, so that closing does not reset the connection
        // before it has read the answer.
        let mut sink = [0u8; 4096];
        while tcp.read(&mut sink).await? > 0 {}
        io::Result::Ok(())
    })
    .await;
}

/// A connection's stream, holding its place under the cap for as long as it lives (through a
/// WebSocket upgrade too).
struct Counted {
    io: Pin<Box<TimeoutWriter<TcpStream>>>,
    _permit: Option<OwnedSemaphorePermit>,
}

impl AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.io.as_mut().poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.io.as_mut().poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.io.as_mut().poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.as_mut().poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.as_mut().poll_shutdown(cx)
    }
}
