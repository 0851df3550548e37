//! `server/discover` (2026-07-28): what the server speaks and offers, without a handshake.

use serde::{Deserialize, Serialize};

use crate::capabilities::ServerCapabilities;
use crate::meta::Meta;
use crate::request::EmptyRequestParams;
use crate::result::{CacheScope, ResultType};
use crate::version::ProtocolVersion;

request_kind! {
    /// `server/discover`: the protocol versions, capabilities and instructions of the server.
    DiscoverRequest = "server/discover",
    params: EmptyRequestParams,
    result: DiscoverResult,
    required,
}

/// The result of `server/discover`.
///
/// ```
/// use mcp_types::{DiscoverResult, ProtocolVersion, ServerCapabilities};
/// let r = DiscoverResult::new(&ProtocolVersion::ALL, ServerCapabilities::default().with_tools(false));
/// assert_eq!(r.supported_versions.len(), 5);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DiscoverResult {
    /// The protocol versions the server speaks.
    pub supported_versions: Vec<String>,
    /// What the server supports.
    pub capabilities: ServerCapabilities,
    /// How to use the server, for example as a hint in the model's system prompt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    /// How long the result may be cached, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_ms: Option<u64>,
    /// Who may cache the result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_scope: Option<CacheScope>,
    /// Result metadata (the server's identity goes under `io.modelcontextprotocol/serverInfo`).
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// How to read the result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<ResultType>,
}

impl DiscoverResult {
    /// The result of a server speaking `versions` with `capabilities`.
    pub fn new(versions: &[ProtocolVersion], capabilities: ServerCapabilities) -> Self {
        Self {
            supported_versions: versions.iter().map(|v| v.as_str().to_owned()).collect(),
            capabilities,
            ..Self::default()
        }
    }

    /// The supported versions this library knows.
    pub fn known_versions(&self) -> Vec<ProtocolVersion> {
        self.supported_versions
            .iter()
            .filter_map(|v| ProtocolVersion::from_wire(v))
            .collect()
    }
}

result_fields!(cacheable: DiscoverResult);
