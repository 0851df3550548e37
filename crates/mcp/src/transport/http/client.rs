//! The HTTP transports, client side: Streamable HTTP (both protocol eras) and the legacy
//! HTTP+SSE transport, over reqwest with rustls (no system OpenSSL).
//!
//! [`StreamableHttpTransport`] POSTs every message. In the stateless era each request carries
//! `MCP-Protocol-Version`, `Mcp-Method` and `Mcp-Name`, and cancelling a request closes its
//! response stream. In the handshake era it keeps the `Mcp-Session-Id` the server assigns, opens
//! the GET stream after the handshake (when the server offers one), resumes a broken event
//! stream with `Last-Event-ID`, and ends the session with a DELETE when it closes. JSON and SSE
//! answers are both understood. An HTTP error becomes a JSON-RPC error of the request it
//! answered, saying what happened (its `data` holds `httpStatus`); a modern server's JSON-RPC
//! error body is passed on as it is, which is what the client's version negotiation needs.
//!
//! [`SseClientTransport`] speaks the 2024-11-05 transport to old servers.
//! [`ClientBuilder::connect_http`](crate::client::ClientBuilder::connect_http) tries Streamable
//! HTTP first and falls back to it, as the specification describes.

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use tokio::sync::{mpsc, oneshot};
use tokio::task::AbortHandle;
use tokio_util::sync::CancellationToken;

use super::param_headers;
use super::sse::Parser;
use super::{
    LAST_EVENT_ID, MCP_METHOD, MCP_NAME, MCP_PROTOCOL_VERSION, MCP_SESSION_ID, ParamsSniff,
    as_string, encode_header_value, name_member,
};
use crate::error::{BoxError, Error, Result};
use crate::jsonrpc::incoming::{self, IncomingMessage};
use crate::jsonrpc::outgoing;
use crate::transport::{
    BoxFuture, DEFAULT_MAX_MESSAGE_SIZE, Incoming, Outgoing, Transport, TransportClosed,
    TransportReader, TransportWriter,
};
use crate::types::{ErrorCode, ErrorData, ProtocolVersion, RequestId};

/// Supplies credentials for the requests of an HTTP transport: where OAuth plugs in
/// ([`OAuthClient`](crate::client::auth::OAuthClient) implements it).
///
/// [`bearer_token`](StreamableHttpTransport::bearer_token) covers a fixed token.
pub trait HttpClientAuth: Send + Sync + 'static {
    /// The `Authorization` header value for the next request (`Bearer …`), if any.
    fn authorization(&self) -> BoxFuture<'_, Result<Option<String>, BoxError>>;

    /// The credential headers of a `method` request to `url`: by default `Authorization` from
    /// [`authorization`](Self::authorization). A sender-constrained token adds its proof of
    /// possession for this very request (RFC 9449's `DPoP` header).
    fn headers<'a>(
        &'a self,
        method: &'a Method,
        url: &'a Url,
    ) -> BoxFuture<'a, Result<HeaderMap, BoxError>> {
        let _ = (method, url);
        Box::pin(async move {
            let mut headers = HeaderMap::new();
            if let Some(value) = self.authorization().await? {
                headers.insert(header::AUTHORIZATION, HeaderValue::from_str(&value)?);
            }
            Ok(headers)
        })
    }

    /// The server refused a request: 401, or 403 with `error="insufficient_scope"`. Obtain new
    /// credentials and say whether the request should be sent once more. The default gives up.
    fn challenged<'a>(
        &'a self,
        challenge: &'a AuthChallenge<'a>,
    ) -> BoxFuture<'a, Result<bool, BoxError>> {
        let _ = challenge;
        Box::pin(std::future::ready(Ok(false)))
    }

    /// Sees the headers of every answer to a request to `url` (a server may hand out a new
    /// DPoP nonce with any of them). The default ignores them.
    fn responded(&self, url: &Url, headers: &HeaderMap) {
        let _ = (url, headers);
    }
}

/// A refusal of the server that new credentials may overcome.
#[derive(Debug, Clone, Copy)]
pub struct AuthChallenge<'a> {
    /// 401 (no or bad credentials) or 403 (insufficient scope).
    pub status: StatusCode,
    /// The URL of the refused request.
    pub url: &'a Url,
    /// The `WWW-Authenticate` header of the answer, if any.
    pub www_authenticate: Option<&'a str>,
    /// The `DPoP-Nonce` header of the answer, if any (RFC 9449 §9).
    pub dpop_nonce: Option<&'a str>,
    /// The `Authorization` header the refused request carried, if any.
    pub authorization: Option<&'a str>,
}

/// Why new credentials could not be obtained, kept on the refused response for the error.
#[derive(Debug, Clone)]
struct AuthFailure(String);

/// How often one request is sent again after new credentials (a 401 and then a 403 step-up,
/// or a 401 and then a DPoP nonce).
const MAX_AUTH_RETRIES: usize = 2;

/// The header of a server-provided DPoP nonce (RFC 9449 §8, §9).
const DPOP_NONCE: &str = "dpop-nonce";

/// A fixed bearer token.
struct BearerToken(String);

impl HttpClientAuth for BearerToken {
    fn authorization(&self) -> BoxFuture<'_, Result<Option<String>, BoxError>> {
        Box::pin(std::future::ready(Ok(Some(format!("Bearer {}", self.0)))))
    }
}

/// A JSON-RPC error code of this transport: the connection failed, or a stream ended before
/// the answer (the same code as the Python SDK's `CONNECTION_CLOSED`).
pub const CONNECTION_CLOSED: ErrorCode = ErrorCode(-32000);

/// The HTTP client shared by every transport that is not given one: rustls with the platform's
/// certificate verifier (no system OpenSSL), TCP_NODELAY.
fn default_http_client() -> Result<reqwest::Client> {
    static CLIENT: std::sync::OnceLock<std::result::Result<reqwest::Client, String>> =
        std::sync::OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                .tcp_nodelay(true)
                .connect_timeout(Duration::from_secs(30))
                .build()
                .map_err(|e| error_chain(&e))
        })
        .clone()
        .map_err(|e| Error::other(format!("could not set up the HTTP client: {e}")))
}

/// What both transports are configured with.
#[derive(Clone)]
struct Common {
    http: Option<reqwest::Client>,
    headers: HeaderMap,
    auth: Option<Arc<dyn HttpClientAuth>>,
    max_message_size: usize,
}

impl Default for Common {
    fn default() -> Self {
        Self {
            http: None,
            headers: HeaderMap::new(),
            auth: None,
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
        }
    }
}

impl Common {
    fn header(&mut self, name: &str, value: &str) -> Result<()> {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|e| Error::other(format!("invalid header name {name:?}: {e}")))?;
        let value = HeaderValue::from_str(value)
            .map_err(|e| Error::other(format!("invalid value for header {name}: {e}")))?;
        self.headers.append(name, value);
        Ok(())
    }

    /// Adds the custom headers and the credentials to a request; gives the `Authorization`
    /// it carries.
    async fn decorate(&self, request: &mut reqwest::Request) -> Option<String> {
        for name in self.headers.keys() {
            request.headers_mut().remove(name);
        }
        for (name, value) in &self.headers {
            request.headers_mut().append(name, value.clone());
        }
        let auth = self.auth.as_ref()?;
        match auth.headers(request.method(), request.url()).await {
            Ok(credentials) => {
                for (name, value) in &credentials {
                    request.headers_mut().insert(name, value.clone());
                }
            }
            Err(e) => tracing::warn!(error = %e, "no credentials for the request"),
        }
        request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// Sends a request; when the server refuses it (401, or 403 for want of scope), asks the
    /// auth provider for new credentials and sends it again, a bounded number of times.
    async fn send(
        &self,
        build: impl Fn() -> reqwest::RequestBuilder,
    ) -> reqwest::Result<reqwest::Response> {
        let mut retries = 0;
        loop {
            let (client, request) = build().build_split();
            let mut request = request?;
            let credentials = self.decorate(&mut request).await;
            let url = request.url().clone();
            let mut response = client.execute(request).await?;
            let Some(auth) = &self.auth else {
                return Ok(response);
            };
            auth.responded(&url, response.headers());
            let header_text = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            let www_authenticate = header_text(header::WWW_AUTHENTICATE.as_str());
            let dpop_nonce = header_text(DPOP_NONCE);
            let refused = match response.status() {
                StatusCode::UNAUTHORIZED => true,
                StatusCode::FORBIDDEN => www_authenticate
                    .as_deref()
                    .is_some_and(|c| c.contains("insufficient_scope")),
                _ => false,
            };
            if !refused || retries >= MAX_AUTH_RETRIES {
                return Ok(response);
            }
            retries += 1;
            let challenge = AuthChallenge {
                status: response.status(),
                url: &url,
                www_authenticate: www_authenticate.as_deref(),
                dpop_nonce: dpop_nonce.as_deref(),
                authorization: credentials.as_deref(),
            };
            match auth.challenged(&challenge).await {
                Ok(true) => {}
                Ok(false) => return Ok(response),
                Err(e) => {
                    let why = error_chain(e.as_ref());
                    tracing::warn!(error = %why, "could not obtain credentials");
                    response.extensions_mut().insert(AuthFailure(why));
                    return Ok(response);
                }
            }
        }
    }
}

macro_rules! common_setters {
    () => {
        /// Adds a header to every HTTP request.
        pub fn header(mut self, name: &str, value: &str) -> Result<Self> {
            self.common.header(name, value)?;
            Ok(self)
        }

        /// Sends `Authorization: Bearer {token}` with every HTTP request.
        pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
            self.common.auth = Some(Arc::new(BearerToken(token.into())));
            self
        }

        /// Takes credentials from `auth` (and lets it refresh them on a 401).
        pub fn auth(mut self, auth: impl HttpClientAuth) -> Self {
            self.common.auth = Some(Arc::new(auth));
            self
        }

        /// Uses this reqwest client (proxies, certificates, timeouts of your own).
        pub fn http_client(mut self, client: reqwest::Client) -> Self {
            self.common.http = Some(client);
            self
        }

        /// Refuses messages from the server larger than `bytes` (default 16 MiB).
        pub fn max_message_size(mut self, bytes: usize) -> Self {
            self.common.max_message_size = bytes;
            self
        }
    };
}

fn parse_url(url: &str) -> Result<Url> {
    let parsed = Url::parse(url)
        .map_err(|e| Error::other(format!("invalid MCP server URL {url:?}: {e}")))?;
    match parsed.scheme() {
        "http" | "https" => Ok(parsed),
        other => Err(Error::other(format!(
            "invalid MCP server URL {url:?}: the scheme must be http or https, not {other}"
        ))),
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// How a broken stream is resumed.
const RECONNECT_ATTEMPTS: u32 = 3;
const DEFAULT_RECONNECT_DELAY: Duration = Duration::from_secs(1);
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

/// The incoming half of the HTTP client transports: what arrived on any response.
#[derive(Debug)]
pub struct HttpReader {
    rx: mpsc::UnboundedReceiver<io::Result<Vec<u8>>>,
    current: Vec<u8>,
}

impl TransportReader for HttpReader {
    async fn recv(&mut self) -> Option<io::Result<Incoming<'_>>> {
        match self.rx.recv().await? {
            Ok(message) => {
                self.current = message;
                Some(Ok(Incoming::Message(&self.current)))
            }
            Err(e) => Some(Err(e)),
        }
    }
}

/// The outgoing half of [`StreamableHttpTransport`].
#[derive(Clone)]
pub struct StreamableHttpWriter {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for StreamableHttpWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamableHttpWriter")
            .field("url", &self.inner.url.as_str())
            .finish()
    }
}

struct Inner {
    url: Url,
    http: reqwest::Client,
    common: Common,
    get_stream: bool,
    delete_on_close: bool,
    state: Mutex<State>,
    incoming: Mutex<Option<mpsc::UnboundedSender<io::Result<Vec<u8>>>>>,
    outbox: Mutex<Option<mpsc::UnboundedSender<Outgoing>>>,
    sender: Mutex<Option<tokio::task::JoinHandle<()>>>,
    closed: CancellationToken,
}

#[derive(Default)]
struct State {
    session_id: Option<HeaderValue>,
    /// The version agreed at the handshake, sent with every later message.
    protocol_version: Option<String>,
    /// The last request was of the stateless era.
    stateless: bool,
    in_flight: HashMap<RequestId, InFlight>,
    get_stream: Option<AbortHandle>,
    /// The `x-mcp-header` annotations of the tools the server listed (stateless era).
    tool_headers: HashMap<String, Vec<param_headers::Annotation>>,
}

struct InFlight {
    abort: AbortHandle,
    stateless: bool,
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
        *lock(&inner.sender) = Some(tokio::spawn(send_loop(inner.clone(), outgoing)));
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
        match lock(&self.inner.outbox).as_ref() {
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
            lock(&inner.outbox).take();
            let sender = lock(&inner.sender).take();
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
                let mut state = lock(&inner.state);
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
            lock(&inner.incoming).take();
        })
    }
}

/// What the transport needs to know about an outgoing message.
struct Sniffed {
    request: Option<RequestId>,
    method: Option<String>,
    name: Option<String>,
    version: Option<String>,
    cancelled: Option<RequestId>,
}

fn sniff(json: &[u8]) -> Sniffed {
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

fn is_stateless(version: &str) -> bool {
    ProtocolVersion::from_wire(version).is_some_and(|v| v.is_stateless())
}

/// Sends the messages in order: a request's POST runs on its own task, a notification's or
/// response's POST is waited for, so that the server sees them in the order they were sent.
async fn send_loop(inner: Arc<Inner>, mut outgoing: mpsc::UnboundedReceiver<Outgoing>) {
    while let Some(message) = outgoing.recv().await {
        let sniffed = sniff(&message.json);
        if let Some(id) = sniffed.request.clone() {
            let stateless = sniffed.version.as_deref().is_some_and(is_stateless);
            let mut state = lock(&inner.state);
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
            let mut state = lock(&inner.state);
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
                let mut state = lock(&inner.state);
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
    fn deliver(&self, message: Vec<u8>) {
        if let Some(incoming) = lock(&self.incoming).as_ref() {
            let _ = incoming.send(Ok(message));
        }
    }

    /// Answers one of our requests with an error, since the server's answer cannot arrive.
    fn fail(&self, id: &RequestId, error: ErrorData) {
        self.deliver(outgoing::error_response(Some(id), &error));
    }

    /// The headers of every request after the handshake.
    fn session_headers(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let state = lock(&self.state);
        let mut request = request;
        if let Some(session_id) = &state.session_id {
            request = request.header(MCP_SESSION_ID, session_id.clone());
        }
        if let Some(version) = &state.protocol_version {
            request = request.header(MCP_PROTOCOL_VERSION, version.as_str());
        }
        request
    }

    fn post(
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
    fn param_headers(&self, body: &[u8], sniffed: &Sniffed) -> Vec<(String, String)> {
        if sniffed.method.as_deref() != Some("tools/call") {
            return Vec::new();
        }
        let Some(name) = &sniffed.name else {
            return Vec::new();
        };
        let annotations = match lock(&self.state).tool_headers.get(name) {
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
    fn observe_answer(&self, method: Option<&str>, stateless: bool, json: Vec<u8>) -> Vec<u8> {
        match method {
            Some("initialize") => {
                learn_version(self, &json);
                json
            }
            Some("tools/list") if stateless => self.learn_tools(json),
            _ => json,
        }
    }

    fn learn_tools(&self, json: Vec<u8>) -> Vec<u8> {
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
        let mut state = lock(&self.state);
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
    fn http_error(&self, status: StatusCode, body: &[u8], challenge: Option<&str>) -> ErrorData {
        let snippet: String = String::from_utf8_lossy(body).chars().take(300).collect();
        let url = &self.url;
        let in_session = lock(&self.state).session_id.is_some();
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

/// POSTs a notification or a response (answered with 202).
async fn post_message(inner: &Inner, body: Vec<u8>) {
    let sent = inner.common.send(|| inner.post(&body, None, false)).await;
    match sent {
        Ok(response) if response.status().is_success() => {}
        Ok(response) => {
            tracing::warn!(status = %response.status(), url = %inner.url, "the server refused a notification");
        }
        Err(e) => tracing::warn!(error = %e, url = %inner.url, "could not send a notification"),
    }
}

/// Reads a response body, refusing one over `limit` bytes.
async fn read_limited(response: &mut reqwest::Response, limit: usize) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(io::Error::other)? {
        if body.len() + chunk.len() > limit {
            return Err(io::Error::other(format!(
                "the answer is larger than the limit of {limit} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Whether `json` answers the request `id`.
fn answers(json: &[u8], id: &RequestId) -> bool {
    match incoming::parse(json) {
        IncomingMessage::Result { id: answered, .. } => &answered == id,
        IncomingMessage::Error {
            id: Some(answered), ..
        } => &answered == id,
        _ => false,
    }
}

/// Learns the agreed version from the answer to `initialize`.
fn learn_version(inner: &Inner, json: &[u8]) {
    #[derive(serde::Deserialize)]
    struct Answer {
        result: Option<Initialized>,
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Initialized {
        protocol_version: Option<String>,
    }
    if let Ok(Answer {
        result: Some(Initialized {
            protocol_version: Some(version),
        }),
    }) = serde_json::from_slice(json)
    {
        lock(&inner.state).protocol_version = Some(version);
    }
}

/// POSTs a request and delivers what comes back: the answer (JSON or the end of an SSE
/// stream), the notifications and requests before it, or an error saying why there is none.
async fn post_request(
    inner: Arc<Inner>,
    body: Vec<u8>,
    id: RequestId,
    sniffed: Sniffed,
    stateless: bool,
) {
    let outcome = run_request(&inner, &body, &id, &sniffed, stateless).await;
    if let Err(error) = outcome {
        inner.fail(&id, error);
    }
    lock(&inner.state).in_flight.remove(&id);
}

async fn run_request(
    inner: &Arc<Inner>,
    body: &[u8],
    id: &RequestId,
    sniffed: &Sniffed,
    stateless: bool,
) -> std::result::Result<(), ErrorData> {
    let url = &inner.url;
    let initialize = sniffed.method.as_deref() == Some("initialize");
    let answer = Answer {
        id,
        method: sniffed.method.as_deref(),
        stateless,
    };
    let mut response = inner
        .common
        .send(|| inner.post(body, Some(sniffed), stateless))
        .await
        .map_err(|e| {
            ErrorData::new(
                CONNECTION_CLOSED,
                format!(
                    "could not reach the MCP server at {url}: {}",
                    error_chain(&e)
                ),
            )
        })?;
    let status = response.status();
    if initialize && status.is_success() {
        if let Some(session_id) = response.headers().get(MCP_SESSION_ID) {
            lock(&inner.state).session_id = Some(session_id.clone());
        }
    }
    if status == StatusCode::ACCEPTED {
        return Err(ErrorData::invalid_request(format!(
            "the server at {url} answered the request with 202 Accepted, which carries no answer"
        )));
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !status.is_success() {
        let challenge = response
            .headers()
            .get(header::WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let auth_failure = response.extensions().get::<AuthFailure>().cloned();
        let body = read_limited(&mut response, 64 * 1024)
            .await
            .unwrap_or_default();
        if let Some(AuthFailure(why)) = auth_failure {
            return Err(ErrorData::invalid_request(format!(
                "HTTP {status} from {url}: authorization failed: {why}"
            ))
            .with_data(serde_json::json!({ "httpStatus": status.as_u16() })));
        }
        // A JSON-RPC error in the body is the server's own answer: pass it on.
        if let IncomingMessage::Error { error, .. } = incoming::parse(&body) {
            return Err(error);
        }
        return Err(inner.http_error(status, &body, challenge.as_deref()));
    }
    if content_type.starts_with("application/json") {
        let json = read_limited(&mut response, inner.common.max_message_size)
            .await
            .map_err(|e| {
                ErrorData::new(
                    CONNECTION_CLOSED,
                    format!("could not read the answer from {url}: {e}"),
                )
            })?;
        inner.deliver(inner.observe_answer(answer.method, stateless, json));
        return Ok(());
    }
    if !content_type.starts_with("text/event-stream") {
        return Err(ErrorData::internal_error(format!(
            "the server at {url} answered with Content-Type {content_type:?}, neither JSON nor an \
             event stream"
        )));
    }
    let mut parser = Parser::new(inner.common.max_message_size);
    if read_events(inner, &mut response, &mut parser, Some(&answer)).await? {
        return Ok(());
    }
    // The stream broke before the answer. The stateless era has no resuming (a closed stream
    // is a cancelled request); the handshake era resumes from the last event id, if any.
    let Some(mut last_event_id) = parser
        .last_event_id()
        .map(str::to_owned)
        .filter(|_| !stateless)
    else {
        return Err(ErrorData::new(
            CONNECTION_CLOSED,
            format!("the response stream from {url} ended before the answer"),
        ));
    };
    let mut attempts = 0;
    loop {
        attempts += 1;
        let delay = parser
            .retry()
            .map_or(DEFAULT_RECONNECT_DELAY, Duration::from_millis);
        tokio::time::sleep(delay).await;
        match resume(inner, &last_event_id).await {
            Ok(mut resumed) => {
                attempts = 0;
                let mut resumed_parser = Parser::new(inner.common.max_message_size);
                if read_events(inner, &mut resumed, &mut resumed_parser, Some(&answer)).await? {
                    return Ok(());
                }
                if let Some(id) = resumed_parser.last_event_id() {
                    last_event_id = id.to_owned();
                }
                if let Some(retry) = resumed_parser.retry() {
                    parser = Parser::new(inner.common.max_message_size);
                    parser.push(format!("retry: {retry}\n\n").as_bytes());
                    let _ = parser.next_event();
                }
            }
            Err(error) if attempts >= RECONNECT_ATTEMPTS => return Err(error),
            Err(error) => {
                tracing::debug!(%error.message, "resuming the response stream failed; retrying");
            }
        }
    }
}

/// Opens a GET that resumes a stream after `last_event_id`.
async fn resume(
    inner: &Inner,
    last_event_id: &str,
) -> std::result::Result<reqwest::Response, ErrorData> {
    let url = &inner.url;
    let response = inner
        .common
        .send(|| {
            inner
                .session_headers(inner.http.request(Method::GET, url.clone()))
                .header(header::ACCEPT, "text/event-stream")
                .header(LAST_EVENT_ID, last_event_id)
        })
        .await
        .map_err(|e| {
            ErrorData::new(
                CONNECTION_CLOSED,
                format!(
                    "could not resume the stream from {url}: {}",
                    error_chain(&e)
                ),
            )
        })?;
    if !response.status().is_success() {
        let status = response.status();
        return Err(ErrorData::new(
            CONNECTION_CLOSED,
            format!("could not resume the stream from {url}: HTTP {status}"),
        )
        .with_data(serde_json::json!({ "httpStatus": status.as_u16() })));
    }
    Ok(response)
}

/// The request whose answer an event stream carries.
struct Answer<'a> {
    id: &'a RequestId,
    method: Option<&'a str>,
    stateless: bool,
}

/// Delivers the messages of an event stream until it ends; `true` when it carried the answer to
/// `request`.
async fn read_events(
    inner: &Inner,
    response: &mut reqwest::Response,
    parser: &mut Parser,
    request: Option<&Answer<'_>>,
) -> std::result::Result<bool, ErrorData> {
    loop {
        let chunk = tokio::select! {
            chunk = response.chunk() => chunk,
            () = inner.closed.cancelled() => return Ok(false),
        };
        let chunk = match chunk {
            Ok(Some(chunk)) => chunk,
            Ok(None) => return Ok(false),
            Err(e) => {
                tracing::debug!(error = %error_chain(&e), "an event stream broke");
                return Ok(false);
            }
        };
        parser.push(&chunk);
        loop {
            let event = parser.next_event().map_err(|e| {
                ErrorData::new(CONNECTION_CLOSED, format!("{e} from {}", inner.url))
            })?;
            let Some(event) = event else { break };
            if event.event != "message" || event.data.is_empty() {
                continue;
            }
            let mut json = event.data.into_bytes();
            let done = request.filter(|r| answers(&json, r.id));
            if let Some(request) = done {
                json = inner.observe_answer(request.method, request.stateless, json);
            }
            inner.deliver(json);
            let done = done.is_some();
            if done {
                return Ok(true);
            }
        }
    }
}

/// The GET stream of server-initiated messages, reopened (and resumed) when it breaks. `opened`
/// hears when the server first answered the GET (with the stream or a refusal).
async fn get_stream(inner: Arc<Inner>, mut opened: Option<oneshot::Sender<()>>) {
    let mut last_event_id: Option<String> = None;
    let mut retry: Option<u64> = None;
    let mut failures = 0;
    loop {
        let sent = inner
            .common
            .send(|| {
                let mut request = inner
                    .session_headers(inner.http.request(Method::GET, inner.url.clone()))
                    .header(header::ACCEPT, "text/event-stream");
                if let Some(id) = &last_event_id {
                    request = request.header(LAST_EVENT_ID, id.as_str());
                }
                request
            })
            .await;
        if let Some(opened) = opened.take() {
            let _ = opened.send(());
        }
        match sent {
            Ok(mut response) if response.status().is_success() => {
                failures = 0;
                let mut parser = Parser::new(inner.common.max_message_size);
                if let Err(e) = read_events(&inner, &mut response, &mut parser, None).await {
                    tracing::warn!(error = %e.message, "the GET stream failed");
                }
                last_event_id = parser.last_event_id().map(str::to_owned).or(last_event_id);
                retry = parser.retry().or(retry);
            }
            Ok(response)
                if matches!(
                    response.status(),
                    StatusCode::METHOD_NOT_ALLOWED | StatusCode::NOT_FOUND | StatusCode::CONFLICT
                ) =>
            {
                // No GET stream here (or no session any more): nothing to listen to.
                tracing::debug!(status = %response.status(), "the server offers no GET stream");
                return;
            }
            Ok(response) => {
                failures += 1;
                tracing::debug!(status = %response.status(), "opening the GET stream failed");
            }
            Err(e) => {
                failures += 1;
                tracing::debug!(error = %error_chain(&e), "opening the GET stream failed");
            }
        }
        if inner.closed.is_cancelled() || failures >= RECONNECT_ATTEMPTS {
            return;
        }
        let delay = retry.map_or(DEFAULT_RECONNECT_DELAY, Duration::from_millis);
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = inner.closed.cancelled() => return,
        }
    }
}

/// An error and its causes, for messages (reqwest's own display stops at the first).
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let message = cause.to_string();
        if !text.contains(&message) {
            text.push_str(": ");
            text.push_str(&message);
        }
        source = cause.source();
    }
    text
}

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
                while let Some(event) = parser.next_event().map_err(|e| e.to_string())? {
                    if event.event == "endpoint" {
                        return Ok::<String, String>(event.data);
                    }
                }
                match response.chunk().await {
                    Ok(Some(chunk)) => parser.push(&chunk),
                    Ok(None) => return Err("the stream ended before the endpoint event".into()),
                    Err(e) => return Err(error_chain(&e)),
                }
            }
        })
        .await
        .map_err(|_| format!("no endpoint event within {ENDPOINT_TIMEOUT:?}"))
        .and_then(|r| r)
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
    outbox: Mutex<Option<mpsc::UnboundedSender<Outgoing>>>,
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
                outbox: Mutex::new(None),
                tasks: Mutex::default(),
            });
            return (reader, SseClientWriter { inner });
        };
        let inner = Arc::new(SseInner {
            endpoint: connected.endpoint,
            http: connected.http,
            common: self.common,
            incoming: Mutex::new(Some(incoming)),
            outbox: Mutex::new(Some(outbox)),
            tasks: Mutex::default(),
        });
        let events = tokio::spawn(sse_events(
            inner.clone(),
            connected.response,
            connected.parser,
        ));
        let posts = tokio::spawn(sse_posts(inner.clone(), outgoing));
        *lock(&inner.tasks) = vec![events.abort_handle(), posts.abort_handle()];
        (reader, SseClientWriter { inner })
    }
}

impl TransportWriter for SseClientWriter {
    fn send(&self, message: Outgoing) -> Result<(), TransportClosed> {
        match lock(&self.inner.outbox).as_ref() {
            Some(outbox) => outbox
                .send(message)
                .map_err(|_| TransportClosed(Some("the transport is closed".into()))),
            None => Err(TransportClosed(Some("the transport is closed".into()))),
        }
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            lock(&self.inner.outbox).take();
            for task in lock(&self.inner.tasks).drain(..) {
                task.abort();
            }
            lock(&self.inner.incoming).take();
        })
    }
}

/// Delivers the messages of the event stream; its end ends the session.
async fn sse_events(inner: Arc<SseInner>, mut response: reqwest::Response, mut parser: Parser) {
    let ended = loop {
        loop {
            match parser.next_event() {
                Ok(Some(event)) if event.event == "message" => {
                    if let Some(incoming) = lock(&inner.incoming).as_ref() {
                        let _ = incoming.send(Ok(event.data.into_bytes()));
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => {
                    let _ = lock(&inner.incoming)
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
    if let Some(incoming) = lock(&inner.incoming).take() {
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
        if let (Some(error), Some(id)) = (failure, request) {
            if let Some(incoming) = lock(&inner.incoming).as_ref() {
                let _ = incoming.send(Ok(outgoing::error_response(Some(&id), &error)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
