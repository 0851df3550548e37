//! The WebSocket transport: the `mcp` subprotocol, one JSON-RPC message per text frame.
//!
//! WebSocket is not one of the transports the specification defines; this follows what the
//! Python SDK's (1.x) WebSocket transport does, so the two interoperate. The server side is a
//! route of [`HttpServer`](crate::http_server::HttpServer) (feature `ws-server`, see
//! [`HttpServerBuilder::websocket`](crate::http_server::HttpServerBuilder::websocket)),
//! with the same `Host`/`Origin` checks and authorization as the HTTP endpoints; the client
//! side is [`WebSocketClient`] (feature `ws-client`). Both are on by default.
//!
//! A connection is one session of the server, serving both protocol eras as stdio does: the
//! `initialize` handshake, and stateless requests carrying their version in `_meta`. A message
//! over the size limit closes the connection with 1009; a binary frame with 1003. Each side
//! pings the other and gives up a peer silent for two ping periods.

#[cfg(feature = "ws-client")]
mod client;
mod socket;

#[cfg(feature = "ws-client")]
pub use client::{DEFAULT_CLIENT_PING_INTERVAL, WebSocketClient};
pub use socket::{WsConnection, WsReader, WsWriter};

#[cfg(feature = "ws-server")]
pub(crate) use socket::{Frame, SocketOptions, WsError, WsFrame};

/// The WebSocket subprotocol of MCP (`Sec-WebSocket-Protocol: mcp`).
pub const SUBPROTOCOL: &str = "mcp";
