//! `_meta`: the metadata map every message may carry, and the keys the specification reserves.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::capabilities::ClientCapabilities;
use crate::implementation::Implementation;
use crate::jsonrpc::RequestId;
use crate::logging::LoggingLevel;
use crate::progress::ProgressToken;
use crate::tasks::RelatedTaskMetadata;
use crate::version::ProtocolVersion;

/// A `_meta` object: free-form metadata keyed by (optionally prefixed) names.
pub type Meta = serde_json::Map<String, serde_json::Value>;

/// Request `_meta` key that opts a request into progress notifications.
pub const PROGRESS_TOKEN: &str = "progressToken";
/// Request `_meta` key: the protocol version of a stateless-era request.
pub const PROTOCOL_VERSION: &str = "io.modelcontextprotocol/protocolVersion";
/// Request `_meta` key: the client's name and version.
pub const CLIENT_INFO: &str = "io.modelcontextprotocol/clientInfo";
/// Request `_meta` key: the client capabilities relevant to a stateless-era request.
pub const CLIENT_CAPABILITIES: &str = "io.modelcontextprotocol/clientCapabilities";
/// Request `_meta` key: the lowest log level the server may emit for this request.
pub const LOG_LEVEL: &str = "io.modelcontextprotocol/logLevel";
/// Notification and result `_meta` key: the `subscriptions/listen` request a message belongs to.
pub const SUBSCRIPTION_ID: &str = "io.modelcontextprotocol/subscriptionId";
/// Result `_meta` key: the server's name and version.
pub const SERVER_INFO: &str = "io.modelcontextprotocol/serverInfo";
/// Request `_meta` key naming the task a message relates to (2025-11-25 tasks).
pub const RELATED_TASK: &str = "io.modelcontextprotocol/related-task";
/// OpenTelemetry trace context keys, reserved without a prefix.
pub const TRACE_CONTEXT_KEYS: [&str; 3] = ["traceparent", "tracestate", "baggage"];

/// A JSON object, for the schema's free-form objects (`JSONObject`, `object`).
pub type JsonObject = serde_json::Map<String, serde_json::Value>;

/// The `_meta` of a request's params, with the keys the specification reserves typed.
///
/// In the handshake era only `progressToken` is defined. In the stateless era (2026-07-28) every
/// request carries its protocol version and client capabilities here, and should carry the
/// client's identity; the log level opts the request into log notifications. Every other key
/// (trace context, `io.modelcontextprotocol/related-task`, vendor keys) lives in `extra`.
///
/// ```
/// use mcp_types::{ClientCapabilities, Implementation, ProtocolVersion, RequestMeta};
///
/// let meta = RequestMeta::stateless(
///     ProtocolVersion::V2026_07_28,
///     ClientCapabilities::default(),
///     Some(Implementation::new("my-client", "1.0.0")),
/// )
/// .with_progress_token("t-1");
/// let json = serde_json::to_value(&meta).unwrap();
/// assert_eq!(json["io.modelcontextprotocol/protocolVersion"], "2026-07-28");
/// assert_eq!(json["progressToken"], "t-1");
/// assert_eq!(meta.version(), Some(ProtocolVersion::V2026_07_28));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RequestMeta {
    /// Asks for `notifications/progress` about this request, carrying this token.
    #[serde(
        rename = "progressToken",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub progress_token: Option<ProgressToken>,
    /// The protocol version of this request (required in the stateless era).
    #[serde(
        rename = "io.modelcontextprotocol/protocolVersion",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub protocol_version: Option<String>,
    /// The client's name and version (stateless era). Boxed, like the capabilities, to keep
    /// request params small to move.
    #[serde(
        rename = "io.modelcontextprotocol/clientInfo",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub client_info: Option<Box<Implementation>>,
    /// The client capabilities that apply to this request (required in the stateless era).
    #[serde(
        rename = "io.modelcontextprotocol/clientCapabilities",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub client_capabilities: Option<Box<ClientCapabilities>>,
    /// The lowest log level the server may send `notifications/message` at for this request
    /// (stateless era); without it the server sends none.
    #[serde(
        rename = "io.modelcontextprotocol/logLevel",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub log_level: Option<LoggingLevel>,
    /// Every other key. Do not repeat the typed keys here: they would be written twice.
    #[serde(flatten)]
    pub extra: Meta,
}

impl RequestMeta {
    /// The `_meta` every stateless-era request carries: its protocol version, the client's
    /// capabilities and, when given, the client's identity.
    pub fn stateless(
        version: ProtocolVersion,
        capabilities: ClientCapabilities,
        client_info: Option<Implementation>,
    ) -> Self {
        Self {
            protocol_version: Some(version.as_str().to_owned()),
            client_capabilities: Some(Box::new(capabilities)),
            client_info: client_info.map(Box::new),
            ..Self::default()
        }
    }

    /// The same metadata asking for progress notifications with this token.
    pub fn with_progress_token(mut self, token: impl Into<ProgressToken>) -> Self {
        self.progress_token = Some(token.into());
        self
    }

    /// The same metadata with the client's identity.
    pub fn with_client_info(mut self, client_info: Implementation) -> Self {
        self.client_info = Some(Box::new(client_info));
        self
    }

    /// The same metadata opting into log messages at `level` and above.
    pub fn with_log_level(mut self, level: LoggingLevel) -> Self {
        self.log_level = Some(level);
        self
    }

    /// The same metadata with one more key in `extra`.
    pub fn with_extra(mut self, key: impl Into<String>, value: Value) -> Self {
        self.extra.insert(key.into(), value);
        self
    }

    /// The same metadata naming the task this request relates to (2025-11-25 tasks).
    pub fn with_related_task(mut self, task: RelatedTaskMetadata) -> Self {
        self.extra.insert(
            RELATED_TASK.to_owned(),
            serde_json::to_value(task).unwrap_or_default(),
        );
        self
    }

    /// The protocol version, when present and known to this library.
    pub fn version(&self) -> Option<ProtocolVersion> {
        self.protocol_version
            .as_deref()
            .and_then(ProtocolVersion::from_wire)
    }

    /// The task this request relates to, when `io.modelcontextprotocol/related-task` is present
    /// and well formed.
    pub fn related_task(&self) -> Option<RelatedTaskMetadata> {
        self.extra.related_task()
    }

    /// Whether no key at all is set.
    pub fn is_empty(&self) -> bool {
        self.progress_token.is_none()
            && self.protocol_version.is_none()
            && self.client_info.is_none()
            && self.client_capabilities.is_none()
            && self.log_level.is_none()
            && self.extra.is_empty()
    }
}

/// Typed reads of the reserved keys of a plain `_meta` map (results and notifications).
///
/// ```
/// use mcp_types::{Meta, MetaExt, RequestId};
/// let meta: Meta = serde_json::from_value(serde_json::json!({
///     "io.modelcontextprotocol/subscriptionId": "listen-1",
///     "io.modelcontextprotocol/serverInfo": {"name": "srv", "version": "1.0"}
/// })).unwrap();
/// assert_eq!(meta.subscription_id(), Some(RequestId::from("listen-1")));
/// assert_eq!(meta.server_info().unwrap().name, "srv");
/// ```
pub trait MetaExt {
    /// `io.modelcontextprotocol/serverInfo`: the server that produced a result (stateless era).
    fn server_info(&self) -> Option<Implementation>;
    /// `io.modelcontextprotocol/subscriptionId`: the `subscriptions/listen` request a
    /// notification or result belongs to.
    fn subscription_id(&self) -> Option<RequestId>;
    /// `io.modelcontextprotocol/related-task`: the task a message relates to (2025-11-25).
    fn related_task(&self) -> Option<RelatedTaskMetadata>;
}

impl MetaExt for Meta {
    fn server_info(&self) -> Option<Implementation> {
        typed_key(self, SERVER_INFO)
    }
    fn subscription_id(&self) -> Option<RequestId> {
        typed_key(self, SUBSCRIPTION_ID)
    }
    fn related_task(&self) -> Option<RelatedTaskMetadata> {
        typed_key(self, RELATED_TASK)
    }
}

fn typed_key<T: serde::de::DeserializeOwned>(meta: &Meta, key: &str) -> Option<T> {
    meta.get(key).and_then(|value| T::deserialize(value).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn request_meta_keeps_unknown_keys_and_types_known_ones() {
        let json = json!({
            "progressToken": 7,
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {"elicitation": {}},
            "io.modelcontextprotocol/logLevel": "warning",
            "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "io.modelcontextprotocol/related-task": {"taskId": "t1"},
            "com.example/flag": true
        });
        let meta: RequestMeta = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(meta.progress_token, Some(ProgressToken::Number(7)));
        assert_eq!(meta.log_level, Some(LoggingLevel::Warning));
        assert!(
            meta.client_capabilities
                .as_ref()
                .unwrap()
                .elicitation
                .is_some()
        );
        assert_eq!(meta.extra.len(), 3);
        assert_eq!(meta.related_task().unwrap().task_id, "t1");
        assert_eq!(serde_json::to_value(&meta).unwrap(), json);
    }

    #[test]
    fn empty_request_meta_is_an_empty_object() {
        assert_eq!(
            serde_json::to_value(RequestMeta::default()).unwrap(),
            json!({})
        );
        assert!(RequestMeta::default().is_empty());
        assert!(!RequestMeta::default().with_progress_token(1).is_empty());
    }
}
