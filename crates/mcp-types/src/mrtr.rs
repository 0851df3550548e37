//! Multi Round-Trip Requests (2026-07-28): instead of sending requests of its own, a server that
//! needs input answers `resultType: "input_required"` with the requests to fulfil; the client
//! retries the original request with the answers (`inputResponses`) and the opaque
//! `requestState`.
//!
//! ```
//! use mcp_types::*;
//!
//! // The server needs a confirmation before it can call the tool.
//! let ask = ElicitRequest::from_params(
//!     ElicitRequestFormParams::new(
//!         "Delete 3 files?",
//!         RequestedSchema::new().with_property("ok", BooleanSchema::new(), true),
//!     )
//!     .into(),
//! );
//! let interim = InputRequiredResult::new()
//!     .with_input_request("confirm", ask)
//!     .with_request_state("opaque-state");
//!
//! // The client answers and retries.
//! let mut retry = CallToolRequestParams::new("delete");
//! retry.input_responses = Some(
//!     [("confirm".to_owned(), InputResponse::Elicit(ElicitResult::accept([("ok", true.into())])))]
//!         .into(),
//! );
//! retry.request_state = interim.request_state.clone();
//! let json = serde_json::to_value(&retry).unwrap();
//! assert_eq!(json["inputResponses"]["confirm"]["action"], "accept");
//! ```

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::elicitation::{ElicitRequest, ElicitResult};
use crate::meta::Meta;
use crate::request::Request;
use crate::result::{ResultFields, ResultType};
use crate::roots::{ListRootsRequest, ListRootsResult};
use crate::sampling::{CreateMessageRequest, CreateMessageResult};

message_union! {
    /// A request the server needs the client to fulfil before it can finish (an entry of
    /// `inputRequests`), keyed on `method` like a server-sent request but without `jsonrpc`/`id`.
    pub enum InputRequest: Request {
        CreateMessage(CreateMessageRequest),
        ListRoots(ListRootsRequest),
        Elicit(ElicitRequest),
    }
}

impl InputRequest {
    /// Reads the client's answer to this request as the result type of its method.
    ///
    /// Use this, rather than the guess [`InputResponse`]'s `Deserialize` makes, when the answer
    /// must be of the kind that was asked for.
    pub fn parse_response(&self, value: Value) -> Result<InputResponse, serde_json::Error> {
        InputResponse::for_method(self.method(), value)
    }
}

/// The server's input requests, keyed by identifiers it chooses.
pub type InputRequests = BTreeMap<String, InputRequest>;

/// The client's answer to one input request (an entry of `inputResponses`).
///
/// The wire form does not say which request an answer is for, so `Deserialize` tells the kinds
/// apart by their required members: `action` (elicitation), `roots` (roots), `model` or
/// `role`+`content` (sampling). An answer it cannot read is kept as [`InputResponse::Other`];
/// [`InputRequest::parse_response`] reads an answer as the kind that was asked for.
///
/// ```
/// use mcp_types::{InputResponse, InputResponses};
/// let answers: InputResponses = serde_json::from_str(r#"{
///     "login": {"action": "accept", "content": {"name": "octocat"}},
///     "roots": {"roots": [{"uri": "file:///src"}]},
///     "odd": {"something": "else"}
/// }"#).unwrap();
/// assert!(matches!(answers["login"], InputResponse::Elicit(_)));
/// assert!(matches!(answers["roots"], InputResponse::ListRoots(_)));
/// assert!(matches!(answers["odd"], InputResponse::Other(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum InputResponse {
    /// The answer to a `sampling/createMessage` request.
    CreateMessage(CreateMessageResult),
    /// The answer to a `roots/list` request.
    ListRoots(ListRootsResult),
    /// The answer to an `elicitation/create` request.
    Elicit(ElicitResult),
    /// An answer of no known shape, kept as sent.
    Other(Value),
}

impl InputResponse {
    /// Reads `value` as the result type of `method`.
    pub fn for_method(method: &str, value: Value) -> Result<Self, serde_json::Error> {
        match method {
            CreateMessageRequest::METHOD => serde_json::from_value(value).map(Self::CreateMessage),
            ListRootsRequest::METHOD => serde_json::from_value(value).map(Self::ListRoots),
            ElicitRequest::METHOD => serde_json::from_value(value).map(Self::Elicit),
            other => Err(serde_json::Error::custom(format!(
                "`{other}` is not a method a server may ask input with"
            ))),
        }
    }

    /// The answer as JSON.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The elicitation answer, if this is one.
    pub fn as_elicit(&self) -> Option<&ElicitResult> {
        match self {
            Self::Elicit(r) => Some(r),
            _ => None,
        }
    }

    /// The sampling answer, if this is one.
    pub fn as_create_message(&self) -> Option<&CreateMessageResult> {
        match self {
            Self::CreateMessage(r) => Some(r),
            _ => None,
        }
    }

    /// The roots answer, if this is one.
    pub fn as_list_roots(&self) -> Option<&ListRootsResult> {
        match self {
            Self::ListRoots(r) => Some(r),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for InputResponse {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let Some(object) = value.as_object() else {
            return Err(D::Error::invalid_type(
                serde::de::Unexpected::Other("a non-object"),
                &"an input response object",
            ));
        };
        let method = if object.contains_key("action") {
            ElicitRequest::METHOD
        } else if object.contains_key("roots") {
            ListRootsRequest::METHOD
        } else if object.contains_key("model")
            || (object.contains_key("role") && object.contains_key("content"))
        {
            CreateMessageRequest::METHOD
        } else {
            return Ok(Self::Other(value));
        };
        Ok(Self::for_method(method, value.clone()).unwrap_or(Self::Other(value)))
    }
}

impl From<CreateMessageResult> for InputResponse {
    fn from(r: CreateMessageResult) -> Self {
        Self::CreateMessage(r)
    }
}

impl From<ListRootsResult> for InputResponse {
    fn from(r: ListRootsResult) -> Self {
        Self::ListRoots(r)
    }
}

impl From<ElicitResult> for InputResponse {
    fn from(r: ElicitResult) -> Self {
        Self::Elicit(r)
    }
}

/// The client's answers, keyed like the server's [`InputRequests`].
pub type InputResponses = BTreeMap<String, InputResponse>;

/// An interim result: the server needs the answers to `inputRequests` (or just a retry with
/// `requestState`) before it can finish. At least one of the two is present.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InputRequiredResult {
    /// The requests to fulfil before retrying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_requests: Option<InputRequests>,
    /// Opaque state to send back unchanged with the retry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_state: Option<String>,
    /// `"input_required"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<ResultType>,
    /// Result metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

impl InputRequiredResult {
    /// An interim result with `resultType: "input_required"` and nothing asked yet.
    pub fn new() -> Self {
        Self {
            result_type: Some(ResultType::InputRequired),
            ..Self::default()
        }
    }

    /// The same result asking one more request under `key`.
    pub fn with_input_request(
        mut self,
        key: impl Into<String>,
        request: impl Into<InputRequest>,
    ) -> Self {
        self.input_requests
            .get_or_insert_with(BTreeMap::new)
            .insert(key.into(), request.into());
        self
    }

    /// The same result with request state.
    pub fn with_request_state(mut self, state: impl Into<String>) -> Self {
        self.request_state = Some(state.into());
        self
    }
}

result_fields!(InputRequiredResult);

/// The result of a request that may need more input (2026-07-28): the final result, or an
/// [`InputRequiredResult`]. Told apart by `resultType`; an absent `resultType` means final.
///
/// ```
/// use mcp_types::{CallToolResult, MrtrResult};
/// let r: MrtrResult<CallToolResult> =
///     serde_json::from_str(r#"{"resultType":"input_required","requestState":"s"}"#).unwrap();
/// assert!(matches!(r, MrtrResult::InputRequired(_)));
/// let r: MrtrResult<CallToolResult> = serde_json::from_str(r#"{"content":[]}"#).unwrap();
/// assert!(matches!(r, MrtrResult::Complete(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum MrtrResult<R> {
    /// The final result.
    Complete(R),
    /// The server needs input first.
    InputRequired(InputRequiredResult),
}

impl<R> MrtrResult<R> {
    /// The final result, if this is one.
    pub fn complete(self) -> Option<R> {
        match self {
            Self::Complete(r) => Some(r),
            Self::InputRequired(_) => None,
        }
    }
}

impl<R> From<InputRequiredResult> for MrtrResult<R> {
    fn from(r: InputRequiredResult) -> Self {
        Self::InputRequired(r)
    }
}

impl<'de, R: serde::de::DeserializeOwned> Deserialize<'de> for MrtrResult<R> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let input_required = value
            .get("resultType")
            .and_then(Value::as_str)
            .is_some_and(|t| t == ResultType::InputRequired.as_str());
        if input_required {
            serde_json::from_value(value)
                .map(Self::InputRequired)
                .map_err(D::Error::custom)
        } else {
            serde_json::from_value(value)
                .map(Self::Complete)
                .map_err(D::Error::custom)
        }
    }
}

impl<R: ResultFields> ResultFields for MrtrResult<R> {
    fn meta(&self) -> Option<&Meta> {
        match self {
            Self::Complete(r) => r.meta(),
            Self::InputRequired(r) => r.meta.as_ref(),
        }
    }
    fn meta_mut(&mut self) -> &mut Option<Meta> {
        match self {
            Self::Complete(r) => r.meta_mut(),
            Self::InputRequired(r) => &mut r.meta,
        }
    }
    fn result_type(&self) -> Option<&ResultType> {
        match self {
            Self::Complete(r) => r.result_type(),
            Self::InputRequired(r) => r.result_type.as_ref(),
        }
    }
    fn result_type_mut(&mut self) -> &mut Option<ResultType> {
        match self {
            Self::Complete(r) => r.result_type_mut(),
            Self::InputRequired(r) => &mut r.result_type,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn input_responses_are_told_apart_by_their_members() {
        let sampling: InputResponse = serde_json::from_value(json!({
            "role": "assistant",
            "content": {"type": "text", "text": "Paris"},
            "model": "m"
        }))
        .unwrap();
        assert_eq!(
            sampling.as_create_message().unwrap().content.as_text(),
            Some("Paris")
        );
        // a recognised shape that does not parse is kept, not refused
        let broken: InputResponse = serde_json::from_value(json!({"action": "maybe"})).unwrap();
        assert_eq!(broken, InputResponse::Other(json!({"action": "maybe"})));
        assert_eq!(broken.to_value(), json!({"action": "maybe"}));
    }

    #[test]
    fn input_requests_read_answers_as_their_own_kind() {
        let request = InputRequest::ListRoots(ListRootsRequest::from_params(Default::default()));
        let answer = request
            .parse_response(json!({"roots": [{"uri": "file:///a"}]}))
            .unwrap();
        assert_eq!(answer.as_list_roots().unwrap().roots[0].uri, "file:///a");
        assert!(request.parse_response(json!({"action": "accept"})).is_err());
    }

    #[test]
    fn input_requests_are_keyed_on_method() {
        let requests: InputRequests = serde_json::from_value(json!({
            "a": {"method": "roots/list"},
            "b": {"method": "elicitation/create", "params": {"mode": "url", "message": "m", "url": "https://x.example"}}
        }))
        .unwrap();
        assert!(matches!(requests["a"], InputRequest::ListRoots(_)));
        assert!(matches!(requests["b"], InputRequest::Elicit(_)));
        assert_eq!(
            serde_json::to_value(&requests["a"]).unwrap(),
            json!({"method": "roots/list"})
        );
    }
}
