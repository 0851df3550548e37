//! `_meta`: the metadata map every message may carry, and the keys the specification reserves.

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
