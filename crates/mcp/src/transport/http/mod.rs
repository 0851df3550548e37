//! The HTTP transports, client side: Streamable HTTP (both protocol eras) and the legacy
//! HTTP+SSE transport of 2024-11-05 (feature `http-client`, over reqwest), and what both ends of
//! MCP over HTTP share: the header names, their value encoding, the event-stream parser.
//!
//! The server side is a host above the server layer: [`HttpServer`](crate::http_server::HttpServer)
//! (feature `http-server`).
//!
//! ```no_run
//! # async fn run() -> mcp::Result<()> {
//! let client = mcp::client::Client::builder()
//!     .connect_http("http://127.0.0.1:8000/mcp")
//!     .await?;
//! # Ok(()) }
//! ```

#[cfg(feature = "http-client")]
pub mod client;
pub(crate) mod param_headers;
pub(crate) mod sse;

#[cfg(feature = "http-client")]
pub use client::{
    AuthChallenge, HttpClientAuth, HttpExchange, HttpObserver, SseClientTransport,
    StreamableHttpTransport,
};

use std::borrow::Cow;

use base64::Engine as _;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::types::RequestId;

/// `Mcp-Session-Id`: the session of a handshake-era client (absent in the stateless era).
pub const MCP_SESSION_ID: &str = "mcp-session-id";
/// `MCP-Protocol-Version`: the protocol version of every request after the handshake, and of
/// every stateless-era request.
pub const MCP_PROTOCOL_VERSION: &str = "mcp-protocol-version";
/// `Mcp-Method`: the JSON-RPC method of a stateless-era request.
pub const MCP_METHOD: &str = "mcp-method";
/// `Mcp-Name`: the tool or prompt name, or the resource URI, of a stateless-era `tools/call`,
/// `prompts/get` or `resources/read`; the task id of `tasks/get`, `tasks/update` or
/// `tasks/cancel`.
pub const MCP_NAME: &str = "mcp-name";
/// `Last-Event-ID`: where a client resumes a broken event stream.
pub const LAST_EVENT_ID: &str = "last-event-id";

/// The requests whose `Mcp-Name` header mirrors a member of their params, and that member
/// (the tasks extension's requests mirror `taskId`).
pub(crate) fn name_member(method: &str) -> Option<&'static str> {
    match method {
        "tools/call" | "prompts/get" => Some("name"),
        "resources/read" => Some("uri"),
        "tasks/get" | "tasks/update" | "tasks/cancel" => Some("taskId"),
        _ => None,
    }
}

const SENTINEL_START: &str = "=?base64?";
const SENTINEL_END: &str = "?=";

/// Encodes a value for an `Mcp-Name` or `Mcp-Param-*` header: as it is when it is plain
/// printable ASCII without edge whitespace, otherwise as `=?base64?…?=` (also used for a plain
/// value that looks like that form).
pub fn encode_header_value(value: &str) -> Cow<'_, str> {
    let plain = value.bytes().all(|b| (0x20..=0x7e).contains(&b))
        && value.trim() == value
        && !(value.starts_with(SENTINEL_START) && value.ends_with(SENTINEL_END));
    if plain {
        Cow::Borrowed(value)
    } else {
        let encoded = base64::engine::general_purpose::STANDARD.encode(value);
        Cow::Owned(format!("{SENTINEL_START}{encoded}{SENTINEL_END}"))
    }
}

/// Decodes a header value written by [`encode_header_value`]; `None` for a malformed
/// `=?base64?…?=` form (bad base64, not canonical, not UTF-8).
pub fn decode_header_value(value: &str) -> Option<Cow<'_, str>> {
    let Some(payload) = value
        .strip_prefix(SENTINEL_START)
        .and_then(|rest| rest.strip_suffix(SENTINEL_END))
    else {
        return Some(Cow::Borrowed(value));
    };
    let engine = base64::engine::general_purpose::STANDARD;
    let bytes = engine.decode(payload).ok()?;
    if engine.encode(&bytes) != payload {
        return None;
    }
    String::from_utf8(bytes).ok().map(Cow::Owned)
}

/// The members of a request's params the HTTP layer looks at, without parsing the rest (the
/// client side reads fewer of them than the server side).
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(not(feature = "http-server"), allow(dead_code))]
pub(crate) struct ParamsSniff<'a> {
    #[serde(borrow, default)]
    pub name: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub uri: Option<&'a RawValue>,
    #[serde(borrow, default, rename = "taskId")]
    pub task_id: Option<&'a RawValue>,
    #[serde(borrow, default, rename = "_meta")]
    pub meta: Option<&'a RawValue>,
    #[serde(borrow, default, rename = "requestId")]
    pub request_id: Option<&'a RawValue>,
    #[serde(borrow, default, rename = "protocolVersion")]
    pub protocol_version: Option<&'a RawValue>,
}

/// The per-request protocol members of a stateless-era `_meta`.
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(not(feature = "http-server"), allow(dead_code))]
pub(crate) struct MetaSniff<'a> {
    #[serde(borrow, default, rename = "io.modelcontextprotocol/protocolVersion")]
    pub protocol_version: Option<&'a RawValue>,
    #[serde(borrow, default, rename = "io.modelcontextprotocol/clientCapabilities")]
    pub client_capabilities: Option<&'a RawValue>,
}

impl<'a> ParamsSniff<'a> {
    /// Reads the members from raw params; params that are not an object have none.
    pub(crate) fn of(params: Option<&'a RawValue>) -> Self {
        params
            .filter(|p| p.get().starts_with('{'))
            .and_then(|p| serde_json::from_str(p.get()).ok())
            .unwrap_or_default()
    }

    /// The member an `Mcp-Name` header mirrors for `method` (`name`, `uri` for
    /// `resources/read`, `taskId` for the tasks extension's requests), as a string: `None` when
    /// the method has none, `Some(None)` when the params lack it or it is not a string.
    pub(crate) fn mirrored_name(&self, method: &str) -> Option<Option<String>> {
        let raw = match name_member(method)? {
            "uri" => self.uri,
            "taskId" => self.task_id,
            _ => self.name,
        };
        Some(raw.and_then(as_string))
    }

    /// The `_meta` members, when `_meta` is an object.
    pub(crate) fn meta(&self) -> Option<MetaSniff<'a>> {
        self.meta
            .filter(|m| m.get().starts_with('{'))
            .and_then(|m| serde_json::from_str(m.get()).ok())
    }

    /// The protocol version `_meta` names, as a string.
    pub(crate) fn meta_version(&self) -> Option<String> {
        self.meta()
            .and_then(|m| m.protocol_version)
            .and_then(as_string)
    }

    /// The request a `notifications/cancelled` cancels; `None` for any other `method`.
    pub(crate) fn cancelled_request(&self, method: Option<&str>) -> Option<RequestId> {
        if method != Some("notifications/cancelled") {
            return None;
        }
        self.request_id
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
    }
}

/// A raw JSON value as a string, when it is one.
pub(crate) fn as_string(raw: &RawValue) -> Option<String> {
    serde_json::from_str::<String>(raw.get()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_round_trip() {
        for (value, encoded) in [
            ("us-west1", "us-west1"),
            ("Hello, 世界", "=?base64?SGVsbG8sIOS4lueVjA==?="),
            (" padded ", "=?base64?IHBhZGRlZCA=?="),
            ("line1\nline2", "=?base64?bGluZTEKbGluZTI=?="),
            ("=?base64?literal?=", "=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?="),
        ] {
            assert_eq!(encode_header_value(value), encoded);
            assert_eq!(decode_header_value(encoded).as_deref(), Some(value));
        }
        assert_eq!(decode_header_value("=?base64?not base64!?="), None);
        assert_eq!(decode_header_value("=?base64?/w==?="), None, "not UTF-8");
    }

    #[test]
    fn sniffs_the_routing_members() {
        let params: &RawValue = serde_json::from_str(
            r#"{"name":"get_weather","arguments":{"x":1},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}"#,
        )
        .unwrap();
        let sniff = ParamsSniff::of(Some(params));
        assert_eq!(
            sniff.name.and_then(as_string).as_deref(),
            Some("get_weather")
        );
        let meta = sniff.meta().unwrap();
        assert_eq!(
            meta.protocol_version.and_then(as_string).as_deref(),
            Some("2026-07-28")
        );
        assert!(sniff.meta().unwrap().client_capabilities.is_some());
        let odd: &RawValue = serde_json::from_str(r#"[1,2]"#).unwrap();
        assert!(ParamsSniff::of(Some(odd)).meta().is_none());
    }
}
