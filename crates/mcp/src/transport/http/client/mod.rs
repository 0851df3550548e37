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

use std::io;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::{StatusCode, Url};
use tokio::sync::mpsc;

use self::auth::{AuthFailure, DPOP_NONCE, MAX_AUTH_RETRIES};
use crate::error::{Error, Result};
use crate::jsonrpc::incoming::{self, IncomingMessage};
use crate::transport::http::ParamsSniff;
use crate::transport::{
    DEFAULT_MAX_MESSAGE_SIZE, Incoming, Outgoing, TransportClosed, TransportReader,
};
use crate::types::{Era, ErrorCode, ProtocolVersion, RequestId};

/// A JSON-RPC error code of this transport: the connection failed, or a stream ended before
/// the answer (the same code as the Python SDK's `CONNECTION_CLOSED`).
pub const CONNECTION_CLOSED: ErrorCode = ErrorCode(-32000);

/// The HTTP client shared by every transport that is not given one: rustls with the platform's
/// certificate verifier (no system OpenSSL), TCP_NODELAY.
fn default_http_client() -> Result<reqwest::Client> {
    static CLIENT: std::sync::OnceLock<std::result::Result<reqwest::Client, Arc<reqwest::Error>>> =
        std::sync::OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                .tcp_nodelay(true)
                .connect_timeout(Duration::from_secs(30))
                .build()
                .map_err(Arc::new)
        })
        .clone()
        .map_err(|e| {
            let why = error_chain(&*e);
            Error::other(format!("could not set up the HTTP client: {why}"))
        })
}

/// What both transports are configured with.
#[derive(Clone)]
struct Common {
    http: Option<reqwest::Client>,
    headers: HeaderMap,
    auth: Option<Arc<dyn HttpClientAuth>>,
    observer: Option<Arc<dyn HttpObserver>>,
    max_message_size: usize,
}

impl Default for Common {
    fn default() -> Self {
        Self {
            http: None,
            headers: HeaderMap::new(),
            auth: None,
            observer: None,
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
            let mut response = match &self.observer {
                None => client.execute(request).await?,
                Some(observer) => observe::observed(&client, request, observer.as_ref()).await?,
            };
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

        /// Tells `observer` about every HTTP request sent and the head of its response.
        pub fn observer(mut self, observer: impl crate::transport::http::HttpObserver) -> Self {
            self.common.observer = Some(Arc::new(observer));
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

// Declared after `common_setters!`, which both transports use.
/// Where a transport's writer queues messages for its sending task; once closed, sending fails
/// and the task ends after what was already queued.
#[derive(Default)]
struct Outbox(Mutex<Option<mpsc::UnboundedSender<Outgoing>>>);

impl Outbox {
    fn open(sender: mpsc::UnboundedSender<Outgoing>) -> Self {
        Self(Mutex::new(Some(sender)))
    }

    fn send(&self, message: Outgoing) -> std::result::Result<(), TransportClosed> {
        let closed = || TransportClosed(Some("the transport is closed".into()));
        match self.0.lock().as_ref() {
            Some(outbox) => outbox.send(message).map_err(|_| closed()),
            None => Err(closed()),
        }
    }

    fn close(&self) {
        self.0.lock().take();
    }
}

mod auth;
mod legacy_sse;
mod observe;
mod responses;
mod state;
mod streamable;

pub use self::auth::{AuthChallenge, HttpClientAuth};
pub use self::legacy_sse::{SseClientTransport, SseClientWriter};
pub use self::observe::{HttpExchange, HttpObserver};
pub use self::streamable::{StreamableHttpTransport, StreamableHttpWriter};

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
    let name = method
        .as_deref()
        .and_then(|m| sniff.mirrored_name(m))
        .flatten();
    Sniffed {
        version: sniff.meta_version(),
        cancelled: sniff.cancelled_request(method.as_deref()),
        request,
        name,
        method: method.map(|m| m.into_owned()),
    }
}

/// Whether the version a message names is of the stateless era ([`ProtocolVersion::era_of`]).
fn is_stateless(version: &str) -> bool {
    ProtocolVersion::era_of(version) == Era::Stateless
}
