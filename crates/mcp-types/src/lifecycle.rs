//! The handshake era's lifecycle: `initialize`, `notifications/initialized` and `ping`.

use serde::{Deserialize, Serialize};

use crate::capabilities::{ClientCapabilities, ServerCapabilities};
use crate::implementation::Implementation;
use crate::meta::{Meta, RequestMeta};
use crate::request::{EmptyRequestParams, NotificationParams};
use crate::result::{EmptyResult, ResultType};
use crate::version::ProtocolVersion;

/// The params of `initialize`.
///
/// ```
/// use mcp_types::{ClientCapabilities, Implementation, InitializeRequestParams, ProtocolVersion};
/// let p = InitializeRequestParams::new(
///     ProtocolVersion::V2025_11_25,
///     ClientCapabilities::default(),
///     Implementation::new("my-client", "0.1.0"),
/// );
/// assert_eq!(p.protocol_version, "2025-11-25");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitializeRequestParams {
    /// The newest version the client supports (kept as sent: it may be one this library does
    /// not know).
    pub protocol_version: String,
    /// What the client supports.
    pub capabilities: ClientCapabilities,
    /// Who the client is.
    pub client_info: Implementation,
    /// Request metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<RequestMeta>,
}

impl InitializeRequestParams {
    /// The params of a client speaking `version`.
    pub fn new(
        version: ProtocolVersion,
        capabilities: ClientCapabilities,
        client_info: Implementation,
    ) -> Self {
        Self {
            protocol_version: version.as_str().to_owned(),
            capabilities,
            client_info,
            meta: None,
        }
    }
}

request_kind! {
    /// `initialize`: the first request of a handshake-era session.
    InitializeRequest = "initialize",
    params: InitializeRequestParams,
    result: InitializeResult,
    required,
}

/// The result of `initialize`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitializeResult {
    /// The version the server chose: the client's if it supports it, else its own latest.
    pub protocol_version: String,
    /// What the server supports.
    pub capabilities: ServerCapabilities,
    /// Who the server is.
    pub server_info: Implementation,
    /// How to use the server, for example as a hint in the model's system prompt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    /// Result metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// How to read the result (2026-07-28; this result does not exist there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<ResultType>,
}

impl InitializeResult {
    /// The answer of a server speaking `version`.
    pub fn new(
        version: ProtocolVersion,
        capabilities: ServerCapabilities,
        server_info: Implementation,
    ) -> Self {
        Self {
            protocol_version: version.as_str().to_owned(),
            capabilities,
            server_info,
            instructions: None,
            meta: None,
            result_type: None,
        }
    }

    /// The same result with instructions.
    pub fn with_instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Some(instructions.into());
        self
    }
}

notification_kind! {
    /// `notifications/initialized`: the client is ready, after the `initialize` result.
    InitializedNotification = "notifications/initialized",
    params: NotificationParams,
    optional,
}

request_kind! {
    /// `ping`: checks that the other side is alive; answered with an empty result (handshake era).
    PingRequest = "ping",
    params: EmptyRequestParams,
    result: EmptyResult,
    optional,
}

request_params!(InitializeRequestParams);
result_fields!(InitializeResult);
