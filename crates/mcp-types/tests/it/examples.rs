//! Reads every official 2026-07-28 example (`tests/spec/2026-07-28/examples/<TypeName>/*.json`)
//! into the Rust type named `<TypeName>`, writes it back, and requires the exact same JSON.
//!
//! Every example directory must have an entry in [`TABLE`]; a directory without one fails the
//! test, so a new example type cannot be skipped silently.

use std::path::{Path, PathBuf};

use mcp_types::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

type Check = fn(&Value) -> Result<Value, String>;

/// A message as the examples show it: a kind, with `jsonrpc` and `id` when the example has them.
#[derive(Serialize, Deserialize)]
struct Envelope<T> {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    jsonrpc: Option<JsonRpcVersion>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<RequestId>,
    #[serde(flatten)]
    message: T,
}

fn reserialize<T: Serialize + DeserializeOwned>(json: &Value) -> Result<Value, String> {
    let parsed: T = serde_json::from_value(json.clone()).map_err(|e| format!("parse: {e}"))?;
    serde_json::to_value(&parsed).map_err(|e| format!("serialize: {e}"))
}

/// A plain type.
fn plain<T: Serialize + DeserializeOwned>(json: &Value) -> Result<Value, String> {
    reserialize::<T>(json)
}

/// A message kind, which must also read the same through the union `U` it belongs to.
fn message<T: Serialize + DeserializeOwned, U: Serialize + DeserializeOwned>(
    json: &Value,
) -> Result<Value, String> {
    let through_union =
        reserialize::<Envelope<U>>(json).map_err(|e| format!("as {}: {e}", short::<U>()))?;
    let direct = reserialize::<Envelope<T>>(json)?;
    if through_union != direct {
        return Err(format!(
            "reads differently through {}: {through_union}",
            short::<U>()
        ));
    }
    Ok(direct)
}

/// A JSON-RPC success response whose result is `R`.
fn response<R: Serialize + DeserializeOwned>(json: &Value) -> Result<Value, String> {
    reserialize::<JsonRpcResultResponse<R>>(json)
}

/// A bare error object with the given code.
fn error_object(json: &Value, code: ErrorCode) -> Result<Value, String> {
    let error: ErrorData =
        serde_json::from_value(json.clone()).map_err(|e| format!("parse: {e}"))?;
    if error.code != code {
        return Err(format!("code {} instead of {code}", error.code));
    }
    serde_json::to_value(&error).map_err(|e| e.to_string())
}

/// A JSON-RPC error response with the given code, whose `data` reads as `D`.
fn error_response<D: DeserializeOwned>(json: &Value, code: ErrorCode) -> Result<Value, String> {
    let response: JsonRpcErrorResponse =
        serde_json::from_value(json.clone()).map_err(|e| format!("parse: {e}"))?;
    if response.error.code != code {
        return Err(format!("code {} instead of {code}", response.error.code));
    }
    if let Some(data) = response.error.typed_data::<D>() {
        data.map_err(|e| format!("data does not read as {}: {e}", short::<D>()))?;
    }
    serde_json::to_value(&response).map_err(|e| e.to_string())
}

fn short<T>() -> &'static str {
    let name = std::any::type_name::<T>();
    name.rsplit("::").next().unwrap_or(name)
}

/// Every example directory and how to read it.
const TABLE: &[(&str, Check)] = &[
    ("AudioContent", plain::<AudioContent>),
    ("BlobResourceContents", plain::<BlobResourceContents>),
    ("BooleanSchema", plain::<BooleanSchema>),
    ("CallToolRequest", message::<CallToolRequest, ClientRequest>),
    ("CallToolRequestParams", plain::<CallToolRequestParams>),
    ("CallToolResult", plain::<CallToolResult>),
    (
        "CallToolResultResponse",
        response::<MrtrResult<CallToolResult>>,
    ),
    (
        "CancelledNotification",
        message::<CancelledNotification, ClientNotification>,
    ),
    (
        "CancelledNotificationParams",
        plain::<CancelledNotificationParams>,
    ),
    ("ClientCapabilities", plain::<ClientCapabilities>),
    ("CompleteRequest", message::<CompleteRequest, ClientRequest>),
    ("CompleteRequestParams", plain::<CompleteRequestParams>),
    ("CompleteResult", plain::<CompleteResult>),
    ("CompleteResultResponse", response::<CompleteResult>),
    (
        "CreateMessageRequest",
        message::<CreateMessageRequest, InputRequest>,
    ),
    (
        "CreateMessageRequestParams",
        plain::<CreateMessageRequestParams>,
    ),
    ("CreateMessageResult", plain::<CreateMessageResult>),
    ("DiscoverRequest", message::<DiscoverRequest, ClientRequest>),
    ("DiscoverResult", plain::<DiscoverResult>),
    ("DiscoverResultResponse", response::<DiscoverResult>),
    ("ElicitRequest", message::<ElicitRequest, InputRequest>),
    ("ElicitRequestFormParams", plain::<ElicitRequestFormParams>),
    ("ElicitRequestURLParams", plain::<ElicitRequestUrlParams>),
    ("ElicitResult", plain::<ElicitResult>),
    ("EmbeddedResource", plain::<EmbeddedResource>),
    (
        "GetPromptRequest",
        message::<GetPromptRequest, ClientRequest>,
    ),
    ("GetPromptRequestParams", plain::<GetPromptRequestParams>),
    ("GetPromptResult", plain::<GetPromptResult>),
    (
        "GetPromptResultResponse",
        response::<MrtrResult<GetPromptResult>>,
    ),
    ("HeaderMismatchError", |v| {
        error_response::<Value>(v, ErrorCode::HEADER_MISMATCH)
    }),
    ("ImageContent", plain::<ImageContent>),
    ("InputRequests", plain::<InputRequests>),
    ("InputRequiredResult", plain::<InputRequiredResult>),
    ("InputResponses", input_responses),
    ("InternalError", |v| {
        error_object(v, ErrorCode::INTERNAL_ERROR)
    }),
    ("InvalidParamsError", |v| {
        error_object(v, ErrorCode::INVALID_PARAMS)
    }),
    (
        "ListPromptsRequest",
        message::<ListPromptsRequest, ClientRequest>,
    ),
    ("ListPromptsResult", plain::<ListPromptsResult>),
    ("ListPromptsResultResponse", response::<ListPromptsResult>),
    (
        "ListResourceTemplatesRequest",
        message::<ListResourceTemplatesRequest, ClientRequest>,
    ),
    (
        "ListResourceTemplatesResult",
        plain::<ListResourceTemplatesResult>,
    ),
    (
        "ListResourceTemplatesResultResponse",
        response::<ListResourceTemplatesResult>,
    ),
    (
        "ListResourcesRequest",
        message::<ListResourcesRequest, ClientRequest>,
    ),
    ("ListResourcesResult", plain::<ListResourcesResult>),
    (
        "ListResourcesResultResponse",
        response::<ListResourcesResult>,
    ),
    (
        "ListRootsRequest",
        message::<ListRootsRequest, InputRequest>,
    ),
    ("ListRootsResult", plain::<ListRootsResult>),
    (
        "ListToolsRequest",
        message::<ListToolsRequest, ClientRequest>,
    ),
    ("ListToolsResult", plain::<ListToolsResult>),
    ("ListToolsResultResponse", response::<ListToolsResult>),
    (
        "LoggingMessageNotification",
        message::<LoggingMessageNotification, ServerNotification>,
    ),
    (
        "LoggingMessageNotificationParams",
        plain::<LoggingMessageNotificationParams>,
    ),
    ("MethodNotFoundError", |v| {
        error_object(v, ErrorCode::METHOD_NOT_FOUND)
    }),
    ("MissingRequiredClientCapabilityError", |v| {
        error_response::<MissingRequiredClientCapabilityData>(
            v,
            ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY,
        )
    }),
    ("ModelPreferences", plain::<ModelPreferences>),
    ("NumberSchema", plain::<NumberSchema>),
    ("PaginatedRequestParams", plain::<PaginatedRequestParams>),
    ("ParseError", |v| error_object(v, ErrorCode::PARSE_ERROR)),
    (
        "ProgressNotification",
        message::<ProgressNotification, ServerNotification>,
    ),
    (
        "ProgressNotificationParams",
        plain::<ProgressNotificationParams>,
    ),
    (
        "PromptListChangedNotification",
        message::<PromptListChangedNotification, ServerNotification>,
    ),
    (
        "ReadResourceRequest",
        message::<ReadResourceRequest, ClientRequest>,
    ),
    ("ReadResourceResult", plain::<ReadResourceResult>),
    (
        "ReadResourceResultResponse",
        response::<MrtrResult<ReadResourceResult>>,
    ),
    ("Resource", plain::<Resource>),
    ("ResourceLink", plain::<ResourceLink>),
    (
        "ResourceListChangedNotification",
        message::<ResourceListChangedNotification, ServerNotification>,
    ),
    (
        "ResourceUpdatedNotification",
        message::<ResourceUpdatedNotification, ServerNotification>,
    ),
    (
        "ResourceUpdatedNotificationParams",
        plain::<ResourceUpdatedNotificationParams>,
    ),
    ("Root", plain::<Root>),
    ("SamplingMessage", plain::<SamplingMessage>),
    ("ServerCapabilities", plain::<ServerCapabilities>),
    ("StringSchema", plain::<StringSchema>),
    (
        "SubscriptionsAcknowledgedNotification",
        message::<SubscriptionsAcknowledgedNotification, ServerNotification>,
    ),
    (
        "SubscriptionsListenRequest",
        message::<SubscriptionsListenRequest, ClientRequest>,
    ),
    (
        "SubscriptionsListenResult",
        plain::<SubscriptionsListenResult>,
    ),
    (
        "SubscriptionsListenResultResponse",
        response::<SubscriptionsListenResult>,
    ),
    ("TextContent", plain::<TextContent>),
    ("TextResourceContents", plain::<TextResourceContents>),
    (
        "TitledMultiSelectEnumSchema",
        plain::<TitledMultiSelectEnumSchema>,
    ),
    (
        "TitledSingleSelectEnumSchema",
        plain::<TitledSingleSelectEnumSchema>,
    ),
    ("Tool", plain::<Tool>),
    (
        "ToolListChangedNotification",
        message::<ToolListChangedNotification, ServerNotification>,
    ),
    ("ToolResultContent", plain::<ToolResultContent>),
    ("ToolUseContent", plain::<ToolUseContent>),
    ("UnsupportedProtocolVersionError", |v| {
        error_response::<UnsupportedProtocolVersionData>(v, ErrorCode::UNSUPPORTED_PROTOCOL_VERSION)
    }),
    (
        "UntitledMultiSelectEnumSchema",
        plain::<UntitledMultiSelectEnumSchema>,
    ),
    (
        "UntitledSingleSelectEnumSchema",
        plain::<UntitledSingleSelectEnumSchema>,
    ),
];

/// `InputResponses`, where every answer must also be recognized as a known kind.
fn input_responses(json: &Value) -> Result<Value, String> {
    let parsed: InputResponses =
        serde_json::from_value(json.clone()).map_err(|e| format!("parse: {e}"))?;
    if let Some((key, _)) = parsed
        .iter()
        .find(|(_, r)| matches!(r, InputResponse::Other(_)))
    {
        return Err(format!("the answer `{key}` was not recognized"));
    }
    serde_json::to_value(&parsed).map_err(|e| e.to_string())
}

fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/spec/2026-07-28/examples")
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    entries
}

#[test]
fn every_official_example_round_trips_exactly() {
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut directories = Vec::new();
    for dir in sorted_entries(&examples_dir()) {
        if !dir.is_dir() {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        directories.push(name.clone());
        let Some((_, check)) = TABLE.iter().find(|(n, _)| *n == name) else {
            failures.push(format!(
                "{name}: no entry in TABLE (tests/examples.rs) for this example directory"
            ));
            continue;
        };
        for file in sorted_entries(&dir) {
            if file.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let shown = format!("{name}/{}", file.file_name().unwrap().to_string_lossy());
            let text = std::fs::read_to_string(&file).unwrap();
            let original: Value = match serde_json::from_str(&text) {
                Ok(v) => v,
                Err(e) => {
                    failures.push(format!("{shown}: not JSON: {e}"));
                    continue;
                }
            };
            checked += 1;
            match check(&original) {
                Ok(written) if written == original => {}
                Ok(written) => failures.push(format!(
                    "{shown}: changed on a round trip\n--- original\n{}\n--- written\n{}",
                    serde_json::to_string_pretty(&original).unwrap(),
                    serde_json::to_string_pretty(&written).unwrap()
                )),
                Err(e) => failures.push(format!("{shown}: {e}")),
            }
        }
    }
    for (name, _) in TABLE {
        if !directories.iter().any(|d| d == name) {
            failures.push(format!("{name}: in TABLE but no such example directory"));
        }
    }
    println!("{checked} examples in {} directories", directories.len());
    assert!(
        checked > 0,
        "no examples found under {}",
        examples_dir().display()
    );
    assert!(
        failures.is_empty(),
        "{} failure(s):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
