//! The stateless era over HTTP (2026-07-28): every POST is one exchange of the server, checked
//! first against the headers that mirror its body (`MCP-Protocol-Version`, `Mcp-Method`,
//! `Mcp-Name`, `Mcp-Param-*`).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use bytes::Bytes;

use super::posted::{Kind, Posted, header};
use super::queue::frame_channel;
use super::respond::{self, ExchangeWriter, empty_response, error_response, reply};
use super::{ResponseMode, Shared};
use crate::auth::{AccessToken, TokenSlot};
use crate::jsonrpc::{Extensions, outgoing};
use crate::server::{ServerEvent, ServerHandler};
use crate::transport::http::{
    MCP_METHOD, MCP_NAME, MCP_PROTOCOL_VERSION, decode_header_value, name_member, param_headers,
};
use crate::types::{ErrorCode, ErrorData, ProtocolVersion};

/// Tool name → its annotated parameters.
pub(super) type ToolHeaders = HashMap<String, Vec<param_headers::Annotation>>;

impl<H: ServerHandler> Shared<H> {
    /// A stateless-era POST: checked against its headers, served on its own.
    pub(super) async fn post_stateless(
        &self,
        headers: &HeaderMap,
        body: Bytes,
        posted: Posted,
        accepts_sse: bool,
        token: Option<Arc<AccessToken>>,
    ) -> Response {
        let version = header(headers, MCP_PROTOCOL_VERSION).ok().flatten();
        let id = match &posted.kind {
            Kind::Request(id) => id.clone(),
            Kind::Notification => {
                // The stateless era defines no client notifications over HTTP (closing the
                // response stream is the cancellation): accept and drop them.
                if let Some(version) = version
                    && !self.stateless_version_supported(version)
                {
                    return self.unsupported_version(version, None);
                }
                return empty_response(StatusCode::ACCEPTED, &HeaderMap::new());
            }
            Kind::Response(_) => {
                return error_response(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::INVALID_REQUEST,
                    "Bad Request: in the stateless era the body must be a request or a \
                     notification, never a response",
                    None,
                );
            }
        };
        let mut checked = self.check_stateless(headers, &posted);
        if checked.is_ok() && posted.method.as_deref() == Some("tools/call") {
            checked = self.check_param_headers(headers, &body, &posted).await;
        }
        if let Err(error) = checked {
            let body = outgoing::error_response(Some(&id), &error);
            return respond::json_response(StatusCode::BAD_REQUEST, body, &HeaderMap::new());
        }
        let listen = posted.method.as_deref() == Some("subscriptions/listen");
        if listen && !accepts_sse {
            return error_response(
                StatusCode::NOT_ACCEPTABLE,
                ErrorCode::INVALID_REQUEST,
                "Not Acceptable: subscriptions/listen answers with an event stream; accept \
                 text/event-stream",
                Some(&id),
            );
        }
        let (tx, rx) = frame_channel(self.config.stream_buffer);
        let extensions = TokenSlot::new(token).extensions();
        let exchange = self.server.serve_one(&body, ExchangeWriter(tx), extensions);
        // A subscription is a stream by nature: never a JSON answer.
        let mode = if listen {
            ResponseMode::Sse
        } else {
            self.config.mode
        };
        reply(
            rx,
            exchange,
            self.reply_options(mode, true, HeaderMap::new()),
        )
        .await
    }

    fn stateless_version_supported(&self, version: &str) -> bool {
        ProtocolVersion::from_wire(version)
            .is_some_and(|v| v.is_stateless() && self.server.protocol_versions().contains(&v))
    }

    /// The checks of a stateless-era request against its headers, in the specification's
    /// order: the `_meta` envelope, the headers mirroring the body, the version.
    fn check_stateless(&self, headers: &HeaderMap, posted: &Posted) -> Result<(), ErrorData> {
        for name in [MCP_PROTOCOL_VERSION, MCP_METHOD, MCP_NAME] {
            if headers.get_all(name).iter().count() > 1 {
                return Err(header_mismatch(format!(
                    "the {name} header appears more than once"
                )));
            }
        }
        if !posted.meta_object || posted.meta_version.is_none() || !posted.meta_capabilities {
            return Err(ErrorData::invalid_params(
                "params._meta must be an object carrying io.modelcontextprotocol/protocolVersion \
                 (a string) and io.modelcontextprotocol/clientCapabilities, as every stateless-era \
                 request must",
            ));
        }
        let body_version = posted.meta_version.as_deref().unwrap_or_default();
        let text = |name: &str| {
            header(headers, name)
                .map_err(|_| header_mismatch(format!("the {name} header holds invalid characters")))
        };
        match text(MCP_PROTOCOL_VERSION)? {
            Some(version) if version == body_version => {}
            Some(version) => {
                return Err(header_mismatch(format!(
                    "the MCP-Protocol-Version header ({version}) does not match the protocol \
                     version in params._meta ({body_version})"
                )));
            }
            None => {
                return Err(header_mismatch(
                    "the MCP-Protocol-Version header is missing; every stateless-era request \
                     must carry it",
                ));
            }
        }
        let method = posted.method.as_deref().unwrap_or_default();
        match text(MCP_METHOD)? {
            Some(header) if header == method => {}
            Some(header) => {
                return Err(header_mismatch(format!(
                    "the Mcp-Method header ({header}) does not match the method of the body \
                     ({method})"
                )));
            }
            None => {
                return Err(header_mismatch(
                    "the Mcp-Method header is missing; every stateless-era request must carry it",
                ));
            }
        }
        if let Some(Some(body_name)) = &posted.name {
            let member = name_member(method).unwrap_or("name");
            match text(MCP_NAME)? {
                Some(header) => match decode_header_value(header) {
                    Some(decoded) if decoded == body_name.as_str() => {}
                    Some(decoded) => {
                        return Err(header_mismatch(format!(
                            "the Mcp-Name header ({decoded}) does not match params.{member} \
                             ({body_name})"
                        )));
                    }
                    None => {
                        return Err(header_mismatch(
                            "the Mcp-Name header holds a malformed =?base64?…?= value",
                        ));
                    }
                },
                None => {
                    return Err(header_mismatch(format!(
                        "the Mcp-Name header is missing; {method} must mirror params.{member} in it"
                    )));
                }
            }
        }
        if !self.stateless_version_supported(body_version) {
            return Err(ErrorData::unsupported_protocol_version(
                body_version,
                &self.version_strings(),
            ));
        }
        Ok(())
    }

    /// Checks the `Mcp-Param-*` headers of a stateless-era `tools/call` against its arguments,
    /// when the tool's schema annotates parameters with `x-mcp-header` (headers of other tools
    /// are not recognised, and ignored).
    async fn check_param_headers(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        posted: &Posted,
    ) -> Result<(), ErrorData> {
        let Some(Some(name)) = &posted.name else {
            return Ok(());
        };
        let version = posted.meta_version.as_deref().unwrap_or_default();
        let Some(tools) = self.tool_headers(version).await else {
            return Ok(());
        };
        let Some(annotations) = tools.get(name) else {
            return Ok(());
        };
        let message: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        param_headers::check(
            annotations,
            message["params"]["arguments"].as_object(),
            |header| {
                headers
                    .get_all(header)
                    .iter()
                    .map(|v| v.to_str().unwrap_or("\u{0}"))
                    .collect()
            },
        )
        .map_err(|mismatch| header_mismatch(mismatch.to_string()))
    }

    /// The annotated parameters of the server's tools, from its own `tools/list` (every page),
    /// kept until the tools change; `None` when the list cannot be had (the check is skipped).
    async fn tool_headers(&self, version: &str) -> Option<Arc<ToolHeaders>> {
        {
            use tokio::sync::broadcast::error::TryRecvError;
            let mut events = self.tool_events.lock();
            loop {
                match events.try_recv() {
                    Ok(ServerEvent::ToolsListChanged) | Err(TryRecvError::Lagged(_)) => {
                        *self.tool_headers.lock() = None;
                    }
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
        }
        if let Some(known) = self.tool_headers.lock().clone() {
            return Some(known);
        }
        let mut tools = ToolHeaders::new();
        let mut cursor: Option<String> = None;
        for _ in 0..100 {
            let mut params = serde_json::json!({ "_meta": {
                "io.modelcontextprotocol/protocolVersion": version,
                "io.modelcontextprotocol/clientCapabilities": {},
            }});
            if let Some(cursor) = &cursor {
                params["cursor"] = serde_json::Value::String(cursor.clone());
            }
            let request = serde_json::json!({
                "jsonrpc": "2.0", "id": 0, "method": "tools/list", "params": params,
            });
            let (tx, mut rx) = frame_channel(usize::MAX);
            let exchange = self.server.serve_one(
                &serde_json::to_vec(&request).ok()?,
                ExchangeWriter(tx),
                Extensions::default(),
            );
            let answer = tokio::time::timeout(Duration::from_secs(30), async {
                loop {
                    match rx.recv().await? {
                        respond::Frame::Message {
                            json, last: true, ..
                        } => return Some(json),
                        _ => continue,
                    }
                }
            })
            .await
            .ok()
            .flatten();
            drop(exchange);
            let answer: serde_json::Value = serde_json::from_slice(&answer?).ok()?;
            let result = answer.get("result")?;
            for tool in result.get("tools")?.as_array()? {
                let Some(name) = tool["name"].as_str() else {
                    continue;
                };
                match param_headers::annotations(&tool["inputSchema"]) {
                    Ok(annotations) if !annotations.is_empty() => {
                        tools.insert(name.to_owned(), annotations);
                    }
                    Ok(_) => {}
                    Err(why) => tracing::warn!(
                        tool = name,
                        "the tool's x-mcp-header annotations are invalid, so clients will leave \
                         it out: {why}"
                    ),
                }
            }
            match result.get("nextCursor").and_then(serde_json::Value::as_str) {
                Some(next) if cursor.as_deref() != Some(next) => cursor = Some(next.to_owned()),
                _ => break,
            }
        }
        let tools = Arc::new(tools);
        *self.tool_headers.lock() = Some(tools.clone());
        Some(tools)
    }
}

fn header_mismatch(message: impl Into<String>) -> ErrorData {
    ErrorData::new(
        ErrorCode::HEADER_MISMATCH,
        format!("Header mismatch: {}", message.into()),
    )
}
