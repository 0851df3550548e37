//! What a POSTed body is: its kind and the members the HTTP layer routes and checks by, read
//! without parsing the rest.

use axum::http::header::ToStrError;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::respond;
use crate::jsonrpc::incoming::{self, IncomingMessage};
use crate::jsonrpc::outgoing;
use crate::transport::http::{ParamsSniff, as_string};
use crate::types::{Era, ProtocolVersion, RequestId};

/// What a POST body turned out to be.
pub(super) enum Kind {
    Request(RequestId),
    Notification,
    /// A response or error to one of the server's requests.
    Response,
}

/// The facts of a POSTed message the HTTP layer needs.
pub(super) struct Posted {
    pub(super) kind: Kind,
    pub(super) method: Option<String>,
    /// `name` or `uri` of the params, as a string (for `Mcp-Name`).
    pub(super) name: Option<Option<String>>,
    /// The `_meta` protocol version, when it is a string.
    pub(super) meta_version: Option<String>,
    /// Whether `_meta` carries the client capabilities.
    pub(super) meta_capabilities: bool,
    /// Whether `_meta` is an object.
    pub(super) meta_object: bool,
    /// `params.requestId` of a `notifications/cancelled`.
    pub(super) cancelled: Option<RequestId>,
    /// `params.protocolVersion` of an `initialize`.
    pub(super) initialize_version: Option<String>,
}

pub(super) fn classify(body: &[u8]) -> Result<Posted, Response> {
    let (kind, method, params) = match incoming::parse(body) {
        IncomingMessage::Request { id, method, params } => {
            (Kind::Request(id), Some(method), params)
        }
        IncomingMessage::Notification { method, params } => {
            (Kind::Notification, Some(method), params)
        }
        IncomingMessage::Result { .. } | IncomingMessage::Error { .. } => {
            (Kind::Response, None, None)
        }
        IncomingMessage::Invalid { id, error } => {
            let body = outgoing::error_response(id.as_ref(), &error);
            return Err(respond::json_response(
                StatusCode::BAD_REQUEST,
                body,
                &HeaderMap::new(),
            ));
        }
    };
    let sniff = ParamsSniff::of(params);
    let meta = sniff.meta();
    let name = method.as_deref().and_then(|m| sniff.mirrored_name(m));
    Ok(Posted {
        kind,
        name,
        meta_version: sniff.meta_version(),
        meta_capabilities: meta
            .as_ref()
            .is_some_and(|m| m.client_capabilities.is_some()),
        meta_object: meta.is_some(),
        cancelled: sniff.cancelled_request(method.as_deref()),
        initialize_version: (method.as_deref() == Some("initialize"))
            .then(|| sniff.protocol_version.and_then(as_string))
            .flatten(),
        method: method.map(|m| m.into_owned()),
    })
}

/// A header as a string: `Err` when it is there but not visible ASCII.
pub(super) fn header<'a>(
    headers: &'a HeaderMap,
    name: &str,
) -> Result<Option<&'a str>, ToStrError> {
    headers.get(name).map(|value| value.to_str()).transpose()
}

/// Whether a version belongs to the stateless era, an unknown one included
/// ([`ProtocolVersion::era_of`]).
pub(super) fn is_stateless_version(version: &str) -> bool {
    ProtocolVersion::era_of(version) == Era::Stateless
}

pub(super) fn posted_id(posted: &Posted) -> Option<&RequestId> {
    match &posted.kind {
        Kind::Request(id) => Some(id),
        _ => None,
    }
}
