//! The Streamable HTTP transport, client side: every message a POST, in order; the session id
//! and protocol version of the handshake era, the `Mcp-*` headers of the stateless era.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use reqwest::{Method, StatusCode, Url};
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use super::auth::BearerToken;
use super::responses::{get_stream, post_message, post_request};
use super::state::{InFlight, Inner};
use super::{
    Common, HttpClientAuth, HttpReader, Outbox, default_http_client, is_stateless, parse_url, sniff,
};
use crate::error::Result;
use crate::transport::http::{MCP_PROTOCOL_VERSION, MCP_SESSION_ID};
use crate::transport::{BoxFuture, Outgoing, Transport, TransportClosed, TransportWriter};

/// How long the first request after the handshake waits for the GET stream to open.
const GET_STREAM_OPEN_TIMEOUT: Duration = Duration::from_secs(5);

/// The Streamable HTTP transport, client side.
///
/// ```no_run
/// use mcp::client::Client;
/// use mcp::transport::http::StreamableHttpTransport;
///
/// # async fn run() -> mcp::Result<()> {
/// let transport = StreamableHttpTransport::new("https://mcp.example.com/mcp")?
///     .bearer_token("s3cr3t")
///     .header("x-team", "tools")?;
/// let client = Client::builder().connect(transport).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct StreamableHttpTransport {
    url: Url,
    common: Common,
    get_stream: bool,
    delete_on_close: bool,
}

impl std::fmt::Debug for StreamableHttpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamableHttpTransport")
            .field("url", &self.url.as_str())
            .finish()
    }
}

impl StreamableHttpTransport {
    /// A transport to the MCP endpoint at `url` (`http://` or `https://`).
    pub fn new(url: &str) -> Result<Self> {
        Ok(Self {
            url: parse_url(url)?,
            common: Common::default(),
            get_stream: true,
            delete_on_close: true,
        })
    }

    common_setters!();

    /// Whether to open the GET stream for server-initiated messages after a handshake (default
    /// yes; without it, requests the server sends outside of a request's stream are lost).
    pub fn get_stream(mut self, open: bool) -> Self {
        self.get_stream = open;
        self
    }

    /// Whether closing the transport ends the session with a DELETE (default yes).
    pub fn delete_on_close(mut self, delete: bool) -> Self {
        self.delete_on_close = delete;
        self
    }

    /// The endpoint's URL.
    pub fn url(&self) -> &Url {
        &self.url
    }
}

/// The outgoing half of [`StreamableHttpTransport`].
#[derive(Clone)]
pub struct StreamableHttpWriter {
    pub(super) inner: Arc<Inner>,
}

impl std::fmt::Debug for StreamableHttpWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamableHttpWriter")
            .field("url", &self.inner.url.as_str())
            .finish()
    }
}

impl Transport for StreamableHttpTransport {
    type Reader = HttpReader;
    type Writer = StreamableHttpWriter;

    fn split(self) -> (HttpReader, StreamableHttpWriter) {
        let (incoming, rx) = mpsc::unbounded_channel();
        let (outbox, outgoing) = mpsc::unbounded_channel();
        let http = match self
            .common
            .http
            .clone()
            .map(Ok)
            .unwrap_or_else(default_http_client)
        {
            Ok(http) => http,
            Err(e) => {
                let _ = incoming.send(Err(io::Error::other(e.to_string())));
                reqwest::Client::new()
            }
        };
        let inner = Arc::new(Inner {
            url: self.url,
            http,
            common: self.common,
            get_stream: self.get_stream,
            delete_on_close: self.delete_on_close,
            state: Mutex::default(),
            incoming: Mutex::new(Some(incoming)),
            outbox: Outbox::open(outbox),
            sender: Mutex::new(None),
            closed: CancellationToken::new(),
        });
        *inner.sender.lock() = Some(tokio::spawn(send_loop(inner.clone(), outgoing)));
        (
            HttpReader {
                rx,
                current: Vec::new(),
            },
            StreamableHttpWriter { inner },
        )
    }
}

impl TransportWriter for StreamableHttpWriter {
    fn send(&self, message: Outgoing) -> Result<(), TransportClosed> {
        self.inner.outbox.send(message)
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let inner = &self.inner;
            if inner.closed.is_cancelled() {
                return;
            }
            // Let what was queued go out first (a last notification), briefly.
            inner.outbox.close();
            let sender = inner.sender.lock().take();
            if let Some(sender) = sender {
                let abort = sender.abort_handle();
                if tokio::time::timeout(Duration::from_secs(2), sender)
                    .await
                    .is_err()
                {
                    abort.abort();
                }
            }
            inner.closed.cancel();
            let (session_id, version) = {
                let mut state = inner.state.lock();
                for (_, request) in state.in_flight.drain() {
                    request.abort.abort();
                }
                if let Some(get) = state.get_stream.take() {
                    get.abort();
                }
                (state.session_id.clone(), state.protocol_version.clone())
            };
            if let (true, Some(session_id)) = (inner.delete_on_close, session_id) {
                let request = || {
                    let mut request = inner
                        .http
                        .request(Method::DELETE, inner.url.clone())
                        .header(MCP_SESSION_ID, session_id.clone());
                    if let Some(version) = &version {
                        request = request.header(MCP_PROTOCOL_VERSION, version.as_str());
                    }
                    request
                };
                let deleted =
                    tokio::time::timeout(Duration::from_secs(2), inner.common.send(request)).await;
                match deleted {
                    Ok(Ok(response)) if response.status().is_success() => {}
                    Ok(Ok(response)) if response.status() == StatusCode::METHOD_NOT_ALLOWED => {}
                    Ok(Ok(response)) => {
                        tracing::debug!(status = %response.status(), "the server refused to end the session")
                    }
                    Ok(Err(e)) => tracing::debug!(error = %e, "could not end the session"),
                    Err(_) => tracing::debug!("ending the session timed out"),
                }
            }
            inner.incoming.lock().take();
        })
    }
}

/// Sends the messages in order: a request's POST runs on its own task, a notification's or
/// response's POST is waited for, so that the server sees them in the order they were sent.
async fn send_loop(inner: Arc<Inner>, mut outgoing: mpsc::UnboundedReceiver<Outgoing>) {
    while let Some(message) = outgoing.recv().await {
        let sniffed = sniff(&message.json);
        if let Some(id) = sniffed.request.clone() {
            let stateless = sniffed.version.as_deref().is_some_and(is_stateless);
            let mut state = inner.state.lock();
            state.stateless = stateless;
            if sniffed.method.as_deref() == Some("initialize") {
                state.protocol_version = None;
            }
            let task = tokio::spawn(post_request(
                inner.clone(),
                message.json,
                id.clone(),
                sniffed,
                stateless,
            ));
            if let Some(old) = state.in_flight.insert(
                id,
                InFlight {
                    abort: task.abort_handle(),
                    stateless,
                },
            ) {
                old.abort.abort();
            }
            continue;
        }
        if let Some(cancelled) = &sniffed.cancelled {
            let mut state = inner.state.lock();
            match state.in_flight.remove(cancelled) {
                Some(request) => {
                    // Closing the response stream: the cancellation itself in the stateless
                    // era, and an answer nobody waits for any more in the handshake era.
                    request.abort.abort();
                    if request.stateless {
                        continue;
                    }
                }
                None if state.stateless => continue,
                None => {}
            }
        }
        let initialized = sniffed.method.as_deref() == Some("notifications/initialized");
        post_message(&inner, message.json).await;
        if initialized && inner.get_stream {
            // The server sends requests and notifications that belong to no request of ours
            // on the GET stream only, and may drop them while none is open: open it before
            // the next request goes out.
            let opened = {
                let mut state = inner.state.lock();
                (state.session_id.is_some() && state.get_stream.is_none()).then(|| {
                    let (opened, is_open) = oneshot::channel();
                    let task = tokio::spawn(get_stream(inner.clone(), Some(opened)));
                    state.get_stream = Some(task.abort_handle());
                    is_open
                })
            };
            if let Some(is_open) = opened {
                let _ = tokio::time::timeout(GET_STREAM_OPEN_TIMEOUT, is_open).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::http::client::responses::answers;
    use crate::types::RequestId;

    #[test]
    fn sniffs_what_the_headers_need() {
        let json = br#"{"jsonrpc":"2.0","id":4,"method":"resources/read","params":{"uri":"file:///a b","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"#;
        let sniffed = sniff(json);
        assert_eq!(sniffed.request, Some(RequestId::Number(4)));
        assert_eq!(sniffed.method.as_deref(), Some("resources/read"));
        assert_eq!(sniffed.name.as_deref(), Some("file:///a b"));
        assert_eq!(sniffed.version.as_deref(), Some("2026-07-28"));
        let cancel = sniff(
            br#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"x"}}"#,
        );
        assert_eq!(cancel.cancelled, Some(RequestId::from("x")));
        assert!(answers(
            br#"{"jsonrpc":"2.0","id":4,"result":{}}"#,
            &RequestId::Number(4)
        ));
        assert!(!answers(
            br#"{"jsonrpc":"2.0","id":5,"result":{}}"#,
            &RequestId::Number(4)
        ));
    }

    #[test]
    fn urls_must_be_http() {
        assert!(StreamableHttpTransport::new("ftp://x").is_err());
        assert!(StreamableHttpTransport::new("not a url").is_err());
        assert!(StreamableHttpTransport::new("https://example.com/mcp").is_ok());
    }
}
