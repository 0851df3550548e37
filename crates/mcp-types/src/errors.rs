//! The typed `data` of the MCP-specific errors, and constructors for them.
//!
//! | code | error | versions |
//! |---|---|---|
//! | -32002 | resource not found | 2025-11-25 and earlier (2026-07-28 uses -32602) |
//! | -32042 | URL elicitation required | 2025-11-25 |
//! | -32020 | header mismatch | 2026-07-28 |
//! | -32021 | missing required client capability | 2026-07-28 |
//! | -32022 | unsupported protocol version | 2026-07-28 |
//!
//! ```
//! use mcp_types::{ClientCapabilities, ErrorCode, ErrorData, MissingRequiredClientCapabilityData};
//! let e = ErrorData::missing_required_client_capability(ClientCapabilities {
//!     elicitation: Some(Default::default()),
//!     ..Default::default()
//! });
//! assert_eq!(e.code, ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY);
//! let data: MissingRequiredClientCapabilityData = e.typed_data().unwrap().unwrap();
//! assert!(data.required_capabilities.elicitation.is_some());
//! ```

use std::borrow::Cow;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::capabilities::ClientCapabilities;
use crate::elicitation::ElicitRequestUrlParams;
use crate::jsonrpc::{ErrorCode, ErrorData};
use crate::meta::JsonObject;

/// The `data` of an unsupported protocol version error (-32022).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnsupportedProtocolVersionData {
    /// The versions the server speaks; the client should retry with one of them.
    pub supported: Vec<String>,
    /// The version the client asked for.
    pub requested: String,
}

/// The `data` of a missing required client capability error (-32021).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MissingRequiredClientCapabilityData {
    /// The capabilities the request needs.
    pub required_capabilities: ClientCapabilities,
}

/// The `data` of a URL elicitation required error (-32042, 2025-11-25).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UrlElicitationRequiredData {
    /// The URL elicitations to complete before retrying.
    pub elicitations: Vec<ElicitRequestUrlParams>,
    /// Other members.
    #[serde(flatten)]
    pub extra: JsonObject,
}

impl ErrorData {
    /// `-32020`: an HTTP header does not match the request body, or a required header is
    /// missing or malformed (2026-07-28).
    pub fn header_mismatch(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorCode::HEADER_MISMATCH, message)
    }

    /// `-32021`: the request needs client capabilities the request did not declare
    /// (2026-07-28).
    pub fn missing_required_client_capability(required: ClientCapabilities) -> Self {
        let data = MissingRequiredClientCapabilityData {
            required_capabilities: required,
        };
        Self::new(
            ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY,
            "Missing required client capability",
        )
        .with_data(serde_json::to_value(data).unwrap_or(Value::Null))
    }

    /// `-32042`: the user must complete these URL elicitations first (2025-11-25).
    pub fn url_elicitation_required(elicitations: Vec<ElicitRequestUrlParams>) -> Self {
        let data = UrlElicitationRequiredData {
            elicitations,
            extra: JsonObject::new(),
        };
        Self::new(
            ErrorCode::URL_ELICITATION_REQUIRED,
            "This request requires more information.",
        )
        .with_data(serde_json::to_value(data).unwrap_or(Value::Null))
    }

    /// `-32002` with the URI in `data`: the resource does not exist (2025-11-25 and earlier;
    /// 2026-07-28 answers [`ErrorData::invalid_params`] instead).
    pub fn resource_not_found(uri: &str) -> Self {
        Self::new(ErrorCode::RESOURCE_NOT_FOUND, "Resource not found")
            .with_data(serde_json::json!({ "uri": uri }))
    }

    /// Reads `data` as `T`: `None` when there is no data, an error when it has another shape.
    pub fn typed_data<T: DeserializeOwned>(&self) -> Option<Result<T, serde_json::Error>> {
        self.data.as_ref().map(T::deserialize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsupported_version_data_is_typed() {
        let e = ErrorData::unsupported_protocol_version("1900-01-01", &["2026-07-28"]);
        let data: UnsupportedProtocolVersionData = e.typed_data().unwrap().unwrap();
        assert_eq!(data.requested, "1900-01-01");
        assert_eq!(data.supported, ["2026-07-28"]);
        assert!(
            ErrorData::header_mismatch("x")
                .typed_data::<UnsupportedProtocolVersionData>()
                .is_none()
        );
    }

    #[test]
    fn url_elicitation_data_keeps_other_members() {
        let e = ErrorData::url_elicitation_required(vec![
            ElicitRequestUrlParams::new("Sign in", "https://example.com/auth")
                .with_elicitation_id("e1"),
        ]);
        let data: UrlElicitationRequiredData = e.typed_data().unwrap().unwrap();
        assert_eq!(data.elicitations[0].elicitation_id.as_deref(), Some("e1"));
        assert_eq!(e.data.unwrap()["elicitations"][0]["mode"], "url");
    }
}
