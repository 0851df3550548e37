//! The WebSocket client: connects to `ws://` or `wss://` (rustls, the system's root
//! certificates), offering the `mcp` subprotocol.

use std::time::Duration;

use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::{HeaderName, HeaderValue, Request};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use super::SUBPROTOCOL;
use super::socket::{SocketOptions, WsConnection};
use crate::error::{Error, Result};
use crate::transport::DEFAULT_MAX_MESSAGE_SIZE;

/// How often the client pings the server by default: every 30 s.
pub const DEFAULT_CLIENT_PING_INTERVAL: Duration = Duration::from_secs(30);

/// Connects to an MCP server over WebSocket.
///
/// ```no_run
/// # async fn run() -> mcp::Result<()> {
/// use mcp::transport::ws::WebSocketClient;
///
/// let transport = WebSocketClient::new("ws://127.0.0.1:8000/ws")
///     .bearer_token("s3cr3t")
///     .connect()
///     .await?;
/// let client = mcp::client::Client::connect(transport).await?;
/// # drop(client); Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct WebSocketClient {
    url: String,
    headers: Vec<(String, String)>,
    max_message_size: usize,
    ping_interval: Option<Duration>,
}

impl WebSocketClient {
    /// A client for `url` (`ws://…` or `wss://…`).
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            headers: Vec::new(),
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            ping_interval: Some(DEFAULT_CLIENT_PING_INTERVAL),
        }
    }

    /// A header to send with the opening handshake.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sends `Authorization: Bearer <token>` with the opening handshake.
    pub fn bearer_token(self, token: impl AsRef<str>) -> Self {
        let value = format!("Bearer {}", token.as_ref());
        self.header("authorization", value)
    }

    /// Refuses messages from the server longer than `bytes` (closing with 1009).
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.max_message_size = bytes;
        self
    }

    /// How often to ping the server (default 30 s; `None` never). A server silent for two
    /// periods is given up and the session ends.
    pub fn ping_interval(mut self, interval: Option<Duration>) -> Self {
        self.ping_interval = interval.filter(|p| !p.is_zero());
        self
    }

    /// Opens the connection. Fails when the server refuses the handshake or does not select
    /// the `mcp` subprotocol.
    pub async fn connect(self) -> Result<WsConnection> {
        let request = self.request()?;
        let config = WebSocketConfig::default()
            .max_message_size(Some(self.max_message_size))
            .max_frame_size(Some(self.max_message_size));
        let (socket, response) =
            tokio_tungstenite::connect_async_with_config(request, Some(config), true)
                .await
                .map_err(|e| handshake_error(&self.url, e))?;
        let selected = response
            .headers()
            .get("sec-websocket-protocol")
            .and_then(|v| v.to_str().ok());
        if selected != Some(SUBPROTOCOL) {
            return Err(Error::Transport(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "{} accepted the WebSocket without selecting the `{SUBPROTOCOL}` subprotocol",
                    self.url
                ),
            )));
        }
        Ok(WsConnection::spawn(
            socket,
            SocketOptions {
                ping_interval: self.ping_interval,
            },
            Default::default(),
        ))
    }

    fn request(&self) -> Result<Request<()>> {
        let invalid = |message: String| {
            Error::Transport(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                message,
            ))
        };
        let mut request = self
            .url
            .as_str()
            .into_client_request()
            .map_err(|e| invalid(format!("not a WebSocket URL: {}: {e}", self.url)))?;
        let headers = request.headers_mut();
        headers.insert(
            "sec-websocket-protocol",
            HeaderValue::from_static(SUBPROTOCOL),
        );
        for (name, value) in &self.headers {
            let name = HeaderName::try_from(name.as_str())
                .map_err(|e| invalid(format!("bad header name {name:?}: {e}")))?;
            let value = HeaderValue::try_from(value.as_str())
                .map_err(|e| invalid(format!("bad value for header {name}: {e}")))?;
            headers.append(name, value);
        }
        Ok(request)
    }
}

fn handshake_error(url: &str, error: tokio_tungstenite::tungstenite::Error) -> Error {
    use tokio_tungstenite::tungstenite::Error as WsError;
    let message = match &error {
        WsError::Http(response) => {
            let body = response
                .body()
                .as_deref()
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            format!(
                "{url} refused the WebSocket handshake with HTTP {}{}{}",
                response.status(),
                if body.is_empty() { "" } else { ": " },
                body.trim()
            )
        }
        other => format!("could not open a WebSocket to {url}: {other}"),
    };
    let kind = match &error {
        WsError::Io(e) => e.kind(),
        _ => std::io::ErrorKind::ConnectionRefused,
    };
    Error::Transport(std::io::Error::new(kind, message))
}
