//! The HTTP+SSE transport of 2024-11-05, client side, for servers that do not speak
//! Streamable HTTP.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use reqwest::header;
use reqwest::{Method, Url};
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use super::auth::BearerToken;
use super::{
    CONNECTION_CLOSED, Common, HttpClientAuth, HttpReader, Outbox, default_http_client,
    error_chain, parse_url, sniff,
};
use crate::error::{Error, Result};
use crate::jsonrpc::outgoing;
use crate::transport::http::sse::{Parser, TooLarge};
use crate::transport::{BoxFuture, Outgoing, Transport, TransportClosed, TransportWriter};
use crate::types::ErrorData;

/// The HTTP+SSE transport of 2024-11-05, client side, for servers that do not speak Streamable
/// HTTP: a GET opens the event stream, whose `endpoint` event says where to POST messages.
///
/// ```no_run
/// use mcp::client::Client;
/// use mcp::transport::http::SseClientTransport;
///
/// # async fn run() -> mcp::Result<()> {
/// let transport = SseClientTransport::new("http://127.0.0.1:8000/sse")?.connect().await?;
/// let client = Client::builder().connect(transport).await?;
/// # Ok(()) }
/// ```
pub struct SseClientTransport {
    url: Url,
    common: Common,
    connected: Option<Connected>,
}

struct Connected {
    endpoint: Url,
    http: reqwest::Client,
    response: reqwest::Response,
    parser: Parser,
}

impl std::fmt::Debug for SseClientTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SseClientTransport")
            .field("url", &self.url.as_str())
            .field(
                "endpoint",
                &self.connected.as_ref().map(|c| c.endpoint.as_str()),
            )
            .finish()
    }
}

/// Why the event stream named no message endpoint.
#[derive(Debug, thiserror::Error)]
enum NoEndpoint {
    /// An event was larger than the message size limit.
    #[error(transparent)]
    TooLarge(#[from] TooLarge),
    /// The stream ended first.
    #[error("the stream ended before the endpoint event")]
    Ended,
    /// Reading the stream failed.
    #[error("{}", error_chain(.0))]
    Read(reqwest::Error),
    /// The server took too long.
    #[error("no endpoint event within {ENDPOINT_TIMEOUT:?}")]
    Late,
}

/// How long the server has to name its message endpoint.
const ENDPOINT_TIMEOUT: Duration = Duration::from_secs(10);

impl SseClientTransport {
    /// A transport to the SSE endpoint at `url`; [`connect`](Self::connect) opens it.
    pub fn new(url: &str) -> Result<Self> {
        Ok(Self {
            url: parse_url(url)?,
            common: Common::default(),
            connected: None,
        })
    }

    common_setters!();

    /// Opens the event stream and waits for the `endpoint` event.
    pub async fn connect(mut self) -> Result<Self> {
        let http = match &self.common.http {
            Some(http) => http.clone(),
            None => default_http_client()?,
        };
        let url = self.url.clone();
        let mut response = self
            .common
            .send(|| {
                http.request(Method::GET, url.clone())
                    .header(header::ACCEPT, "text/event-stream")
            })
            .await
            .map_err(|e| {
                Error::ConnectionClosed(Some(format!(
                    "could not reach the SSE endpoint {url}: {}",
                    error_chain(&e)
                )))
            })?;
        if !response.status().is_success() {
            return Err(Error::ConnectionClosed(Some(format!(
                "GET {url} answered HTTP {}: this is not an MCP SSE endpoint",
                response.status()
            ))));
        }
        let mut parser = Parser::new(self.common.max_message_size);
        let endpoint = tokio::time::timeout(ENDPOINT_TIMEOUT, async {
            loop {
                while let Some(event) = parser.next_event()? {
                    if event.event == "endpoint" {
                        return Ok(event.data);
                    }
                }
                match response.chunk().await {
                    Ok(Some(chunk)) => parser.push(&chunk),
                    Ok(None) => return Err(NoEndpoint::Ended),
                    Err(e) => return Err(NoEndpoint::Read(e)),
                }
            }
        })
        .await
        .unwrap_or(Err(NoEndpoint::Late))
        .map_err(|e| Error::ConnectionClosed(Some(format!("SSE endpoint {url}: {e}"))))?;
        let endpoint = url.join(endpoint.trim()).map_err(|e| {
            Error::ProtocolViolation(format!("the endpoint event of {url} holds no URL: {e}"))
        })?;
        if endpoint.origin() != url.origin() {
            return Err(Error::ProtocolViolation(format!(
                "the SSE server at {url} names a message endpoint on another origin ({endpoint}); \
                 refusing to send messages there"
            )));
        }
        self.connected = Some(Connected {
            endpoint,
            http,
            response,
            parser,
        });
        Ok(self)
    }

    /// Where messages are POSTed, once connected.
    pub fn endpoint(&self) -> Option<&Url> {
        self.connected.as_ref().map(|c| &c.endpoint)
    }
}

/// The outgoing half of [`SseClientTransport`].
#[derive(Clone)]
pub struct SseClientWriter {
    inner: Arc<SseInner>,
}

impl std::fmt::Debug for SseClientWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SseClientWriter")
            .field("endpoint", &self.inner.endpoint.as_str())
            .finish()
    }
}

struct SseInner {
    endpoint: Url,
    http: reqwest::Client,
    common: Common,
    incoming: Mutex<Option<mpsc::UnboundedSender<io::Result<Vec<u8>>>>>,
    outbox: Outbox,
    tasks: Mutex<Vec<AbortHandle>>,
}

impl Transport for SseClientTransport {
    type Reader = HttpReader;
    type Writer = SseClientWriter;

    fn split(self) -> (HttpReader, SseClientWriter) {
        let (incoming, rx) = mpsc::unbounded_channel();
        let (outbox, outgoing) = mpsc::unbounded_channel();
        let reader = HttpReader {
            rx,
            current: Vec::new(),
        };
        let Some(connected) = self.connected else {
            let _ = incoming.send(Err(io::Error::other(
                "the SSE transport was not connected: call SseClientTransport::connect first",
            )));
            let inner = Arc::new(SseInner {
                endpoint: self.url,
                http: reqwest::Client::new(),
                common: self.common,
                incoming: Mutex::new(None),
                outbox: Outbox::default(),
                tasks: Mutex::default(),
            });
            return (reader, SseClientWriter { inner });
        };
        let inner = Arc::new(SseInner {
            endpoint: connected.endpoint,
            http: connected.http,
            common: self.common,
            incoming: Mutex::new(Some(incoming)),
            outbox: Outbox::open(outbox),
            tasks: Mutex::default(),
        });
        let events = tokio::spawn(sse_events(
            inner.clone(),
            connected.response,
            connected.parser,
        ));
        let posts = tokio::spawn(sse_posts(inner.clone(), outgoing));
        *inner.tasks.lock() = vec![events.abort_handle(), posts.abort_handle()];
        (reader, SseClientWriter { inner })
    }
}

impl TransportWriter for SseClientWriter {
    fn send(&self, message: Outgoing) -> Result<(), TransportClosed> {
        self.inner.outbox.send(message)
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            self.inner.outbox.close();
            for task in self.inner.tasks.lock().drain(..) {
                task.abort();
            }
            self.inner.incoming.lock().take();
        })
    }
}

/// Delivers the messages of the event stream; its end ends the session.
async fn sse_events(inner: Arc<SseInner>, mut response: reqwest::Response, mut parser: Parser) {
    let ended = loop {
        loop {
            match parser.next_event() {
                Ok(Some(event)) if event.event == "message" => {
                    if let Some(incoming) = inner.incoming.lock().as_ref() {
                        let _ = incoming.send(Ok(event.data.into_bytes()));
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => {
                    let _ = inner
                        .incoming
                        .lock()
                        .as_ref()
                        .map(|tx| tx.send(Err(io::Error::other(e.to_string()))));
                }
            }
        }
        match response.chunk().await {
            Ok(Some(chunk)) => parser.push(&chunk),
            Ok(None) => break None,
            Err(e) => break Some(error_chain(&e)),
        }
    };
    let reason = ended.map_or_else(
        || "the server closed the event stream".to_owned(),
        |e| format!("the event stream broke: {e}"),
    );
    if let Some(incoming) = inner.incoming.lock().take() {
        let _ = incoming.send(Err(io::Error::new(io::ErrorKind::UnexpectedEof, reason)));
    }
}

/// POSTs the messages, in order.
async fn sse_posts(inner: Arc<SseInner>, mut outgoing: mpsc::UnboundedReceiver<Outgoing>) {
    while let Some(message) = outgoing.recv().await {
        let request = sniff(&message.json).request;
        let endpoint = &inner.endpoint;
        let sent = inner
            .common
            .send(|| {
                inner
                    .http
                    .request(Method::POST, endpoint.clone())
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(message.json.clone())
            })
            .await;
        let failure = match sent {
            Ok(response) if response.status().is_success() => None,
            Ok(response) => Some(ErrorData::new(
                CONNECTION_CLOSED,
                format!("HTTP {} from {endpoint}", response.status()),
            )),
            Err(e) => Some(ErrorData::new(
                CONNECTION_CLOSED,
                format!("could not reach {endpoint}: {}", error_chain(&e)),
            )),
        };
        if let (Some(error), Some(id)) = (failure, request)
            && let Some(incoming) = inner.incoming.lock().as_ref()
        {
            let _ = incoming.send(Ok(outgoing::error_response(Some(&id), &error)));
        }
    }
}
