//! The Streamable HTTP transport, client side: every message a POST, in order; the session id
//! and protocol version of the handshake era, the `Mcp-*` headers of the stateless era.

use std::collections::HashMap;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use reqwest::header::{self, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use tokio::sync::{mpsc, oneshot};
use tokio::task::AbortHandle;
use tokio_util::sync::CancellationToken;

use super::auth::BearerToken;
use super::responses::{get_stream, learn_version, post_message, post_request};
use super::{Common, HttpClientAuth, HttpReader, default_http_client, parse_url};
use crate::error::Result;
use crate::jsonrpc::incoming::{self, IncomingMessage};
use crate::jsonrpc::outgoing;
use crate::transport::http::{
    MCP_METHOD, MCP_NAME, MCP_PROTOCOL_VERSION, MCP_SESSION_ID, ParamsSniff, as_string,
    encode_header_value, name_member, param_headers,
};
use crate::transport::{BoxFuture, Outgoing, Transport, TransportClosed, TransportWriter};
use crate::types::{Era, ErrorCode, ErrorData, ProtocolVersion, RequestId};

/// How a broken stream is resumed.
pub(super) const RECONNECT_ATTEMPTS: u32 = 3;
pub(super) const DEFAULT_RECONNECT_DELAY: Duration = Duration::from_secs(1);
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

pub(super) struct Inner {
    pub(super) url: Url,
    pub(super) http: reqwest::Client,
    pub(super) common: Common,
    pub(super) get_stream: bool,
    pub(super) delete_on_close: bool,
    pub(super) state: Mutex<State>,
    pub(super) incoming: Mutex<Option<mpsc::UnboundedSender<io::Result<Vec<u8>>>>>,
    pub(super) outbox: Mutex<Option<mpsc::UnboundedSender<Outgoing>>>,
    pub(super) sender: Mutex<Option<tokio::task::JoinHandle<()>>>,
    pub(super) closed: CancellationToken,
}

#[derive(Default)]
pub(super) struct State {
    pub(super) session_id: Option<HeaderValue>,
    /// The version agreed at the handshake, sent with every later message.
    pub(super) protocol_version: Option<String>,
    /// The last request was of the stateless era.
    pub(super) stateless: bool,
    pub(super) in_flight: HashMap<RequestId, InFlight>,
    pub(super) get_stream: Option<AbortHandle>,
    /// The `x-mcp-header` annotations of the tools the server listed (stateless era).
    pub(super) tool_headers: HashMap<String, Vec<param_headers::Annotation>>,
}

pub(super) struct InFlight {
    pub(super) abort: AbortHandle,
    pub(super) stateless: bool,
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
            outbox: Mutex::new(Some(outbox)),
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
        match self.inner.outbox.lock().as_ref() {
            Some(outbox) => outbox
                .send(message)
                .map_err(|_| TransportClosed(Some("the transport is closed".into()))),
            None => Err(TransportClosed(Some("the transport is closed".into()))),
        }
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let inner = &self.inner;
            if inner.closed.is_cancelled() {
                return;
            }
            // Let what was queued go out first (a last notification), briefly.
            inner.outbox.lock().take();
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

/// What the transport needs to know about an outgoing message.
pub(super) struct Sniffed {
    pub(super) request: Option<RequestId>,
    pub(super) method: Option<String>,
    pub(super) name: Option<String>,
    pub(super) version: Option<String>,
    pub(super) cancelled: Option<RequestId>,
}

pub(super) fn sniff(json: &[u8]) -> Sniffed {
    let (request, method, params) = match incoming::parse(json) {
        IncomingMessage::Request { id, method, params } => (Some(id), Some(method), params),
        IncomingMessage::Notification { method, params } => (None, Some(method), params),
        _ => (None, None, None),
    };
    let sniff = ParamsSniff::of(params);
    let name = method.as_deref().and_then(name_member).and_then(|member| {
        let raw = if member == "uri" {
            sniff.uri
        } else {
            sniff.name
        };
        raw.and_then(as_string)
    });
    Sniffed {
        version: sniff
            .meta()
            .and_then(|m| m.protocol_version)
            .and_then(as_string),
        cancelled: (method.as_deref() == Some("notifications/cancelled"))
            .then(|| {
                sniff
                    .request_id
                    .and_then(|raw| serde_json::from_str(raw.get()).ok())
            })
            .flatten(),
        request,
        name,
        method: method.map(|m| m.into_owned()),
    }
}

/// Whether the version a message names is of the stateless era ([`ProtocolVersion::era_of`]).
pub(super) fn is_stateless(version: &str) -> bool {
    ProtocolVersion::era_of(version) == Era::Stateless
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

impl Inner {
    /// Hands a message to the session.
    pub(super) fn deliver(&self, message: Vec<u8>) {
        if let Some(incoming) = self.incoming.lock().as_ref() {
            let _ = incoming.send(Ok(message));
        }
    }

    /// Answers one of our requests with an error, since the server's answer cannot arrive.
    pub(super) fn fail(&self, id: &RequestId, error: ErrorData) {
        self.deliver(outgoing::error_response(Some(id), &error));
    }

    /// The headers of every request after the handshake.
    pub(super) fn session_headers(
        &self,
        request: reqwest::RequestBuilder,
    ) -> reqwest::RequestBuilder {
        let state = self.state.lock();
        let mut request = request;
        if let Some(session_id) = &state.session_id {
            request = request.header(MCP_SESSION_ID, session_id.clone());
        }
        if let Some(version) = &state.protocol_version {
            request = request.header(MCP_PROTOCOL_VERSION, version.as_str());
        }
        request
    }

    pub(super) fn post(
        &self,
        body: &[u8],
        sniffed: Option<&Sniffed>,
        stateless: bool,
    ) -> reqwest::RequestBuilder {
        let request = self
            .http
            .request(Method::POST, self.url.clone())
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json, text/event-stream")
            .body(body.to_vec());
        match sniffed {
            Some(sniffed) if stateless => {
                let mut request = request.header(
                    MCP_PROTOCOL_VERSION,
                    sniffed.version.as_deref().unwrap_or(""),
                );
                if let Some(method) = &sniffed.method {
                    request = request.header(MCP_METHOD, method.as_str());
                }
                if let Some(name) = &sniffed.name {
                    request = request.header(MCP_NAME, encode_header_value(name).as_ref());
                }
                for (header, value) in self.param_headers(body, sniffed) {
                    request = request.header(header, value);
                }
                request
            }
            _ => self.session_headers(request),
        }
    }

    /// The `Mcp-Param-*` headers of a stateless-era `tools/call` of a tool whose schema
    /// annotates parameters with `x-mcp-header`.
    pub(super) fn param_headers(&self, body: &[u8], sniffed: &Sniffed) -> Vec<(String, String)> {
        if sniffed.method.as_deref() != Some("tools/call") {
            return Vec::new();
        }
        let Some(name) = &sniffed.name else {
            return Vec::new();
        };
        let annotations = match self.state.lock().tool_headers.get(name) {
            Some(annotations) => annotations.clone(),
            None => return Vec::new(),
        };
        let message: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        param_headers::headers(&annotations, message["params"]["arguments"].as_object())
    }

    /// Looks at the answer to one of our requests before handing it over: the version agreed
    /// by `initialize`; the `x-mcp-header` annotations of the tools a stateless-era
    /// `tools/list` names, leaving out the tools whose annotations are invalid, as the
    /// specification requires.
    pub(super) fn observe_answer(
        &self,
        method: Option<&str>,
        stateless: bool,
        json: Vec<u8>,
    ) -> Vec<u8> {
        match method {
            Some("initialize") => {
                learn_version(self, &json);
                json
            }
            Some("tools/list") if stateless => self.learn_tools(json),
            _ => json,
        }
    }

    pub(super) fn learn_tools(&self, json: Vec<u8>) -> Vec<u8> {
        let Ok(mut answer) = serde_json::from_slice::<serde_json::Value>(&json) else {
            return json;
        };
        let Some(tools) = answer
            .get_mut("result")
            .and_then(|r| r.get_mut("tools"))
            .and_then(serde_json::Value::as_array_mut)
        else {
            return json;
        };
        let before = tools.len();
        let mut state = self.state.lock();
        tools.retain(|tool| {
            let name = tool["name"].as_str().unwrap_or_default();
            match param_headers::annotations(&tool["inputSchema"]) {
                Ok(annotations) if annotations.is_empty() => {
                    state.tool_headers.remove(name);
                    true
                }
                Ok(annotations) => {
                    state.tool_headers.insert(name.to_owned(), annotations);
                    true
                }
                Err(why) => {
                    tracing::warn!(
                        tool = name,
                        "leaving out a tool whose schema is invalid: {why}"
                    );
                    state.tool_headers.remove(name);
                    false
                }
            }
        });
        if tools.len() == before {
            return json;
        }
        serde_json::to_vec(&answer).unwrap_or(json)
    }

    /// The error for an HTTP failure of the request `id`.
    pub(super) fn http_error(
        &self,
        status: StatusCode,
        body: &[u8],
        challenge: Option<&str>,
    ) -> ErrorData {
        let snippet: String = String::from_utf8_lossy(body).chars().take(300).collect();
        let url = &self.url;
        let in_session = self.state.lock().session_id.is_some();
        let (code, message) = match status {
            StatusCode::NOT_FOUND if in_session => (
                ErrorCode::INVALID_REQUEST,
                format!(
                    "HTTP 404 Not Found from {url}: the server ended the session; connect again to \
                     open a new one"
                ),
            ),
            StatusCode::NOT_FOUND => (
                ErrorCode::METHOD_NOT_FOUND,
                format!("HTTP 404 Not Found: there is no MCP endpoint at {url}"),
            ),
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => (
                ErrorCode::INVALID_REQUEST,
                format!(
                    "HTTP {status} from {url}: the server wants credentials{}; give the transport \
                     a bearer token or an HttpClientAuth",
                    challenge
                        .map(|c| format!(" (WWW-Authenticate: {c})"))
                        .unwrap_or_default()
                ),
            ),
            _ => (
                ErrorCode::INTERNAL_ERROR,
                format!(
                    "HTTP {status} from {url}{}",
                    if snippet.trim().is_empty() {
                        String::new()
                    } else {
                        format!(": {}", snippet.trim())
                    }
                ),
            ),
        };
        ErrorData::new(code, message)
            .with_data(serde_json::json!({ "httpStatus": status.as_u16() }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::http::client::responses::answers;

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
