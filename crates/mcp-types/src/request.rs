//! The traits that tie each method to its params and result, the params shared by several
//! requests, and the (de)serialization of messages keyed on `method`.
//!
//! Every request kind is a struct named as in the specification (`CallToolRequest`,
//! `InitializeRequest`, ...) holding its params; it implements [`Request`], which names its method
//! and result type. Notification kinds implement [`Notification`]. On the wire a kind is the
//! message minus `jsonrpc`/`id`: `{"method": "tools/call", "params": {...}}`.
//!
//! ```
//! use mcp_types::{CallToolRequest, CallToolRequestParams, Request};
//!
//! let request = CallToolRequest::from_params(CallToolRequestParams::new("add"));
//! assert_eq!(CallToolRequest::METHOD, "tools/call");
//! let json = serde_json::to_value(&request).unwrap();
//! assert_eq!(json, serde_json::json!({"method": "tools/call", "params": {"name": "add"}}));
//! let back: CallToolRequest = serde_json::from_value(json).unwrap();
//! assert_eq!(back, request);
//! ```

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::jsonrpc::{ErrorData, JsonRpcNotification, JsonRpcRequest, JsonRpcVersion, RequestId};
use crate::meta::{Meta, RequestMeta};
use crate::mrtr::InputResponses;
use crate::progress::ProgressToken;
use crate::result::ResultFields;

/// The params of a request: every one may carry a [`RequestMeta`] under `_meta`.
pub trait RequestParams {
    /// The request's `_meta`, if any.
    fn meta(&self) -> Option<&RequestMeta>;

    /// The request's `_meta`, for editing.
    fn meta_mut(&mut self) -> &mut Option<RequestMeta>;

    /// The progress token the sender asked progress notifications to carry.
    fn progress_token(&self) -> Option<&ProgressToken> {
        self.meta().and_then(|meta| meta.progress_token.as_ref())
    }

    /// The request's `_meta`, created empty if absent.
    fn meta_or_insert(&mut self) -> &mut RequestMeta {
        self.meta_mut().get_or_insert_with(RequestMeta::default)
    }

    /// Where a retry carries its answers to an `input_required` result (2026-07-28), for the
    /// params of the requests a server may answer so (`tools/call`, `prompts/get`,
    /// `resources/read`); `None` for the others.
    ///
    /// ```
    /// use mcp_types::{CallToolRequestParams, PaginatedRequestParams, RequestParams};
    ///
    /// let mut call = CallToolRequestParams::new("book_table");
    /// let input = call.input_mut().expect("tools/call can be answered input_required");
    /// *input.request_state = Some("sealed-by-the-server".into());
    /// assert_eq!(call.request_state.as_deref(), Some("sealed-by-the-server"));
    /// assert!(PaginatedRequestParams::default().input_mut().is_none());
    /// ```
    fn input_mut(&mut self) -> Option<InputFields<'_>> {
        None
    }
}

/// The members of a request's params that carry the answers to an `input_required` result on
/// the retry (see [`RequestParams::input_mut`]).
#[derive(Debug)]
pub struct InputFields<'a> {
    /// `inputResponses`: the client's answers, by the key of the input request each answers.
    pub responses: &'a mut Option<InputResponses>,
    /// `requestState`: the state the server sent with `input_required`, returned unchanged.
    pub request_state: &'a mut Option<String>,
}

/// A request method: its name, its params and the result it answers with.
///
/// Implemented by one type per request kind of the specification.
pub trait Request: Serialize + DeserializeOwned + Send + 'static {
    /// The JSON-RPC method, such as `"tools/call"`.
    const METHOD: &'static str;
    /// The params type.
    type Params: RequestParams + Serialize + DeserializeOwned + Send + 'static;
    /// The type of a successful result.
    type Result: ResultFields + Serialize + DeserializeOwned + Send + 'static;

    /// The request with the given params.
    fn from_params(params: Self::Params) -> Self;
    /// The request's params.
    fn params(&self) -> &Self::Params;
    /// The request's params, for editing.
    fn params_mut(&mut self) -> &mut Self::Params;
    /// The request's params, by value.
    fn into_params(self) -> Self::Params;

    /// The full JSON-RPC request with the given id.
    fn into_jsonrpc(self, id: RequestId) -> JsonRpcRequest<Self::Params>
    where
        Self: Sized,
    {
        JsonRpcRequest {
            jsonrpc: JsonRpcVersion,
            id,
            method: Cow::Borrowed(Self::METHOD),
            params: Some(self.into_params()),
        }
    }
}

/// A notification method: its name and its params.
pub trait Notification: Serialize + DeserializeOwned + Send + 'static {
    /// The JSON-RPC method, such as `"notifications/progress"`.
    const METHOD: &'static str;
    /// The params type.
    type Params: Serialize + DeserializeOwned + Send + 'static;

    /// The notification with the given params.
    fn from_params(params: Self::Params) -> Self;
    /// The notification's params.
    fn params(&self) -> &Self::Params;
    /// The notification's params, for editing.
    fn params_mut(&mut self) -> &mut Self::Params;
    /// The notification's params, by value.
    fn into_params(self) -> Self::Params;

    /// The full JSON-RPC notification.
    fn into_jsonrpc(self) -> JsonRpcNotification<Self::Params>
    where
        Self: Sized,
    {
        JsonRpcNotification {
            jsonrpc: JsonRpcVersion,
            method: Cow::Borrowed(Self::METHOD),
            params: Some(self.into_params()),
        }
    }
}

/// The params of a request that carries nothing but `_meta` (`ping`, `roots/list`,
/// `server/discover`).
///
/// ```
/// use mcp_types::{EmptyRequestParams, PingRequest, Request};
/// let ping = PingRequest::from_params(EmptyRequestParams::default());
/// assert_eq!(serde_json::to_string(&ping).unwrap(), r#"{"method":"ping"}"#);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmptyRequestParams {
    /// Request metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<RequestMeta>,
}

impl EmptyRequestParams {
    /// Params carrying the given `_meta`.
    pub fn with_meta(meta: RequestMeta) -> Self {
        Self { meta: Some(meta) }
    }

    /// Whether there is nothing to send.
    pub fn is_empty(&self) -> bool {
        self.meta.is_none()
    }
}

/// The params of a notification that carries nothing but `_meta` (the `list_changed`
/// notifications, `notifications/initialized`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NotificationParams {
    /// Notification metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

impl NotificationParams {
    /// Whether there is nothing to send.
    pub fn is_empty(&self) -> bool {
        self.meta.is_none()
    }
}

request_params!(EmptyRequestParams);

/// Why a method and its params could not be read as one of the messages of a union
/// ([`crate::ClientRequest::from_parts`] and the like).
#[derive(Debug)]
pub enum ParseMessageError {
    /// No message of the union has this method: answer `-32601`.
    UnknownMethod(String),
    /// The params do not fit the method: answer `-32602`.
    InvalidParams {
        /// The method.
        method: String,
        /// What is wrong with the params.
        error: serde_json::Error,
    },
}

impl ParseMessageError {
    /// The JSON-RPC error to answer a request with.
    pub fn to_error_data(&self) -> ErrorData {
        match self {
            Self::UnknownMethod(method) => ErrorData::method_not_found(method),
            Self::InvalidParams { method, error } => {
                ErrorData::invalid_params(format!("Invalid params for {method}: {error}"))
            }
        }
    }
}

impl fmt::Display for ParseMessageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownMethod(method) => write!(f, "unknown method `{method}`"),
            Self::InvalidParams { method, error } => {
                write!(f, "invalid params for `{method}`: {error}")
            }
        }
    }
}

impl std::error::Error for ParseMessageError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::UnknownMethod(_) => None,
            Self::InvalidParams { error, .. } => Some(error),
        }
    }
}

impl From<ParseMessageError> for ErrorData {
    fn from(e: ParseMessageError) -> Self {
        e.to_error_data()
    }
}

/// Reads the message of union `T` with this method and params.
pub(crate) fn from_parts<T: MethodDispatch>(
    methods: &[&str],
    method: &str,
    params: Option<Value>,
) -> Result<T, ParseMessageError> {
    if !methods.contains(&method) {
        return Err(ParseMessageError::UnknownMethod(method.to_owned()));
    }
    T::dispatch(method, Buffered::<serde_json::Error>::new(params)).map_err(|error| {
        ParseMessageError::InvalidParams {
            method: method.to_owned(),
            error,
        }
    })
}

/// Writes `{"method": method, "params": params}`, leaving `params` out when `None`.
pub(crate) fn serialize_message<S: Serializer, P: Serialize>(
    serializer: S,
    method: &str,
    params: Option<&P>,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(1 + usize::from(params.is_some())))?;
    map.serialize_entry("method", method)?;
    if let Some(params) = params {
        map.serialize_entry("params", params)?;
    }
    map.end()
}

/// Where the params of a message come from while it is being read.
pub(crate) trait ParamsDecoder {
    /// The deserializer's error type.
    type Error: de::Error;
    /// Params that must be present.
    fn required<P: DeserializeOwned>(self) -> Result<P, Self::Error>;
    /// Params that may be absent or `null`, read as their default then.
    fn optional<P: DeserializeOwned + Default>(self) -> Result<P, Self::Error>;
}

/// Params read straight from the map, when `method` came first (the usual order).
struct FromMap<'a, 'de, A> {
    map: &'a mut A,
    de: PhantomData<&'de ()>,
}

impl<'de, A: MapAccess<'de>> ParamsDecoder for FromMap<'_, 'de, A> {
    type Error = A::Error;
    fn required<P: DeserializeOwned>(self) -> Result<P, A::Error> {
        self.map.next_value()
    }
    fn optional<P: DeserializeOwned + Default>(self) -> Result<P, A::Error> {
        Ok(self.map.next_value::<Option<P>>()?.unwrap_or_default())
    }
}

/// Params that were buffered because they came before `method`, or that are absent.
pub(crate) struct Buffered<E> {
    value: Option<Value>,
    error: PhantomData<E>,
}

impl<E> Buffered<E> {
    pub(crate) fn new(value: Option<Value>) -> Self {
        Self {
            value,
            error: PhantomData,
        }
    }
}

impl<E: de::Error> ParamsDecoder for Buffered<E> {
    type Error = E;
    fn required<P: DeserializeOwned>(self) -> Result<P, E> {
        match self.value {
            Some(value) => P::deserialize(value).map_err(E::custom),
            None => Err(E::missing_field("params")),
        }
    }
    fn optional<P: DeserializeOwned + Default>(self) -> Result<P, E> {
        match self.value {
            None | Some(Value::Null) => Ok(P::default()),
            Some(value) => P::deserialize(value).map_err(E::custom),
        }
    }
}

/// A message type that picks how to read its params from its method.
pub(crate) trait MethodDispatch: Sized {
    /// What the deserializer expected, for error messages.
    const EXPECTING: &'static str;
    /// Reads the params of a message with the given method.
    fn dispatch<D: ParamsDecoder>(method: &str, params: D) -> Result<Self, D::Error>;
}

/// Reads a `{"method": ..., "params": ...}` object, ignoring other members (`jsonrpc`, `id`).
pub(crate) fn deserialize_by_method<'de, T: MethodDispatch, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(MethodVisitor(PhantomData))
}

struct MethodVisitor<T>(PhantomData<T>);

impl<'de, T: MethodDispatch> Visitor<'de> for MethodVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut method: Option<String> = None;
        let mut buffered: Option<Value> = None;
        let mut decoded: Option<T> = None;
        let mut seen_params = false;
        while let Some(key) = map.next_key::<MessageKey>()? {
            match key {
                MessageKey::Method => {
                    if method.is_some() {
                        return Err(de::Error::duplicate_field("method"));
                    }
                    method = Some(map.next_value()?);
                }
                MessageKey::Params => {
                    if seen_params {
                        return Err(de::Error::duplicate_field("params"));
                    }
                    seen_params = true;
                    match &method {
                        Some(method) => {
                            let params = FromMap {
                                map: &mut map,
                                de: PhantomData,
                            };
                            decoded = Some(T::dispatch(method, params)?);
                        }
                        None => buffered = Some(map.next_value()?),
                    }
                }
                MessageKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let method = method.ok_or_else(|| de::Error::missing_field("method"))?;
        match decoded {
            Some(message) => Ok(message),
            None => T::dispatch(&method, Buffered::new(buffered)),
        }
    }
}

enum MessageKey {
    Method,
    Params,
    Other,
}

impl<'de> Deserialize<'de> for MessageKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = MessageKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<MessageKey, E> {
                Ok(match v {
                    "method" => MessageKey::Method,
                    "params" => MessageKey::Params,
                    _ => MessageKey::Other,
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ClientRequest, ListToolsRequest, PingRequest, ServerNotification};
    use serde_json::json;

    #[test]
    fn params_may_come_before_the_method() {
        let request: ClientRequest = serde_json::from_value(json!({
            "params": {"name": "add", "arguments": {"a": 1}},
            "jsonrpc": "2.0",
            "id": 3,
            "method": "tools/call",
        }))
        .unwrap();
        match request {
            ClientRequest::CallTool(call) => assert_eq!(call.params.name, "add"),
            other => panic!("expected tools/call, got {other:?}"),
        }
        let from_text: ClientRequest = serde_json::from_str(
            r#"{"params":{"uri":"file:///a"},"method":"resources/read","id":1,"jsonrpc":"2.0"}"#,
        )
        .unwrap();
        assert_eq!(from_text.method(), "resources/read");
    }

    #[test]
    fn optional_params_may_be_absent_or_null() {
        let ping: PingRequest = serde_json::from_value(json!({"method": "ping"})).unwrap();
        assert!(ping.params.is_empty());
        let list: ListToolsRequest =
            serde_json::from_value(json!({"method": "tools/list", "params": null})).unwrap();
        assert!(list.params.cursor.is_none());
        assert_eq!(
            serde_json::to_value(&list).unwrap(),
            json!({"method": "tools/list"})
        );
    }

    #[test]
    fn required_params_must_be_present() {
        let err = serde_json::from_value::<ClientRequest>(json!({"method": "tools/call"}))
            .unwrap_err()
            .to_string();
        assert!(err.contains("params"), "{err}");
    }

    #[test]
    fn unknown_and_mismatched_methods_are_refused() {
        let err = serde_json::from_value::<ClientRequest>(json!({"method": "tools/frobnicate"}))
            .unwrap_err()
            .to_string();
        assert!(err.contains("tools/frobnicate"), "{err}");
        assert!(serde_json::from_value::<PingRequest>(json!({"method": "tools/list"})).is_err());
        // a server notification is not a client request
        assert!(
            serde_json::from_value::<ClientRequest>(
                json!({"method": "notifications/message", "params": {"level": "info", "data": 1}})
            )
            .is_err()
        );
        let note: ServerNotification = serde_json::from_value(
            json!({"method": "notifications/message", "params": {"level": "info", "data": 1}}),
        )
        .unwrap();
        assert_eq!(note.method(), "notifications/message");
    }

    #[test]
    fn duplicate_members_are_refused() {
        assert!(
            serde_json::from_str::<PingRequest>(r#"{"method":"ping","method":"ping"}"#).is_err()
        );
    }

    #[test]
    fn unions_read_method_and_params_apart() {
        use crate::ErrorCode;
        let call = ClientRequest::from_parts("tools/call", Some(json!({"name": "add"}))).unwrap();
        assert_eq!(call.method(), "tools/call");
        let ping = ClientRequest::from_parts("ping", None).unwrap();
        assert_eq!(ping.method(), "ping");
        let unknown = ClientRequest::from_parts("tools/frobnicate", None).unwrap_err();
        assert_eq!(unknown.to_error_data().code, ErrorCode::METHOD_NOT_FOUND);
        let invalid =
            ClientRequest::from_parts("tools/call", Some(json!({"nom": "add"}))).unwrap_err();
        assert_eq!(invalid.to_error_data().code, ErrorCode::INVALID_PARAMS);
        assert!(invalid.to_string().contains("name"), "{invalid}");
        let missing = ClientRequest::from_parts("tools/call", None).unwrap_err();
        assert!(matches!(missing, ParseMessageError::InvalidParams { .. }));
    }

    #[test]
    fn typed_requests_become_jsonrpc_requests() {
        let request = PingRequest::from_params(EmptyRequestParams::default());
        let message = request.into_jsonrpc(RequestId::Number(1));
        assert_eq!(
            serde_json::to_value(&message).unwrap(),
            json!({"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {}})
        );
    }
}
