//! `mcp run` bridges: a remote server served on this process's stdio ([`remote_on_stdio`]),
//! and a stdio server served over Streamable HTTP or SSE ([`stdio_on_http`]).

pub mod remote_on_stdio;
pub mod stdio_on_http;
pub mod token_auth;

use mcp::jsonrpc::incoming::{self, IncomingMessage};
use mcp::transport::{Outgoing, OutgoingKind};

/// A message passed on unchanged, labelled with its kind for the transport carrying it.
fn pass_on(json: &[u8]) -> Outgoing {
    let kind = match incoming::parse(json) {
        IncomingMessage::Notification { .. } => OutgoingKind::Notification,
        IncomingMessage::Result { .. } | IncomingMessage::Error { .. } => OutgoingKind::Response,
        // Requests, and whatever the far end will judge for itself.
        IncomingMessage::Request { .. } | IncomingMessage::Invalid { .. } => OutgoingKind::Request,
    };
    Outgoing {
        json: json.to_vec(),
        kind,
        related_request: None,
    }
}
