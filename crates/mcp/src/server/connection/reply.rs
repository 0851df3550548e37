//! A handler's outcome as the client of a protocol version expects it: the reply's type, the
//! era's stamps (`resultType`, the server's identity, cache hints) and the era's error codes.

use serde::Serialize;
use serde_json::Value;

use super::super::core::ServerCore;
use super::super::handler::HandlerRequest;
use crate::error::Error;
use crate::types::extensions::tasks::CreateTaskResult;
use crate::types::meta::SERVER_INFO;
use crate::types::{
    ErrorCode, ErrorData, Meta, ProtocolVersion, ResultFields, ResultType, ServerResult,
};

/// What a server answers a request with.
#[derive(Debug, Serialize)]
#[serde(untagged)]
#[allow(clippy::large_enum_variant)] // boxing would cost an allocation per response
pub enum ServerReply {
    /// A result of a method the specification defines.
    Result(ServerResult),
    /// The result of a custom method.
    Custom(Value),
}

/// Fills in the cache hints of a stateless-era cacheable result the handler left without them.
pub(super) fn fill_cache<T: ResultFields>(result: &mut T, core: &ServerCore, method: &str) {
    if let Some(result) = result.as_cacheable_mut()
        && result.ttl_ms().is_none()
    {
        let hint = core.cache_hint(method);
        result.set_cache(hint.ttl_ms, hint.scope);
    }
}

/// A handler's error as a JSON-RPC error.
pub(super) fn into_error_data(error: Error) -> ErrorData {
    match error {
        Error::InputRequired => ErrorData::internal_error(
            "the handler reported that it needs input from the client, but this request cannot ask for any",
        ),
        other => other.into(),
    }
}

/// A handler's error as the client of `version` expects it: in the stateless era a missing
/// resource is `-32602`, no longer `-32002`.
pub(super) fn era_error(error: Error, version: ProtocolVersion) -> ErrorData {
    let mut data = into_error_data(error);
    if version.is_stateless() && data.code == ErrorCode::RESOURCE_NOT_FOUND {
        data.code = ErrorCode::INVALID_PARAMS;
    }
    data
}

/// Stamps a result for its era: `resultType` and the server's identity in the stateless era,
/// neither in the handshake era.
pub(super) fn finish<T: ResultFields>(result: &mut T, version: ProtocolVersion, core: &ServerCore) {
    if version.is_stateless() {
        result.result_type_mut().get_or_insert(ResultType::Complete);
        result
            .meta_mut()
            .get_or_insert_with(Meta::new)
            .entry(SERVER_INFO)
            .or_insert_with(|| core.info_json.clone());
    } else {
        *result.result_type_mut() = None;
    }
}

/// Stamps a result the server core does not type (a custom method's, the tasks extension's)
/// for the stateless era: `resultType` (unless it has one) and the server's identity.
pub(super) fn stamp_custom(mut value: Value, version: ProtocolVersion, core: &ServerCore) -> Value {
    if version.is_stateless()
        && let Value::Object(map) = &mut value
    {
        map.entry("resultType")
            .or_insert_with(|| Value::String("complete".into()));
        let meta = map
            .entry("_meta")
            .or_insert_with(|| Value::Object(Meta::new()));
        if let Value::Object(meta) = meta {
            meta.entry(SERVER_INFO)
                .or_insert_with(|| core.info_json.clone());
        }
    }
    value
}

/// The answer to a request that became a task: its handle, `resultType: "task"` in both eras.
pub(super) fn task_handle(
    handle: CreateTaskResult,
    version: ProtocolVersion,
    core: &ServerCore,
) -> ServerReply {
    let value = serde_json::to_value(&handle).unwrap_or(Value::Null);
    ServerReply::Custom(stamp_custom(value, version, core))
}

/// A handler's outcome as the reply of request `R`, for the client of `version`.
pub(super) fn complete<R: HandlerRequest>(
    outcome: crate::Result<R::Result>,
    version: ProtocolVersion,
    core: &ServerCore,
) -> Result<ServerReply, ErrorData> {
    let mut result = outcome.map_err(|e| era_error(e, version))?;
    if version.is_stateless() {
        fill_cache(&mut result, core, R::METHOD);
    }
    finish(&mut result, version, core);
    Ok(ServerReply::Result(result.into()))
}

impl From<ServerResult> for ServerReply {
    fn from(result: ServerResult) -> Self {
        ServerReply::Result(result)
    }
}
