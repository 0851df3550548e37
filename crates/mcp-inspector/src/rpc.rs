//! The requests the page may send the server, each through the client's typed method (so the
//! stateless era's `_meta`, its `input_required` rounds and the timeouts apply as for any
//! client), and the replay of a message from the protocol pane.

use std::sync::Arc;
use std::time::Duration;

use mcp::client::{CallOptions, Client};
use mcp::jsonrpc::RequestOptions;
use mcp::types::{
    CompleteRequest, ErrorData, ListPromptsRequest, ListResourceTemplatesRequest,
    ListResourcesRequest, ListToolsRequest, LoggingLevel, Request,
};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// The methods the page may ask for.
pub const METHODS: &[&str] = &[
    "ping",
    "tools/list",
    "tools/call",
    "resources/list",
    "resources/templates/list",
    "resources/read",
    "prompts/list",
    "prompts/get",
    "completion/complete",
    "logging/setLevel",
];

fn params<P: DeserializeOwned>(method: &str, value: Value) -> mcp::Result<P> {
    let value = if value.is_null() { json!({}) } else { value };
    serde_json::from_value(value).map_err(|e| {
        ErrorData::invalid_params(format!("the params of {method} do not fit its schema: {e}"))
            .into()
    })
}

async fn typed<R: Request>(
    client: &Client,
    value: Value,
    options: &CallOptions,
) -> mcp::Result<Value> {
    let result = client
        .request_with::<R>(params(R::METHOD, value)?, options)
        .await?;
    Ok(serde_json::to_value(result)?)
}

/// Sends `method` with `params` to the server through the client.
pub async fn dispatch(
    client: Arc<Client>,
    method: String,
    value: Value,
    options: CallOptions,
) -> mcp::Result<Value> {
    match method.as_str() {
        "ping" => client.ping().await.map(|()| json!({})),
        "tools/list" => typed::<ListToolsRequest>(&client, value, &options).await,
        "tools/call" => {
            let result = client
                .call_tool_with(params(&method, value)?, &options)
                .await?;
            Ok(serde_json::to_value(result)?)
        }
        "resources/list" => typed::<ListResourcesRequest>(&client, value, &options).await,
        "resources/templates/list" => {
            typed::<ListResourceTemplatesRequest>(&client, value, &options).await
        }
        "resources/read" => {
            let result = client
                .read_resource_with(params(&method, value)?, &options)
                .await?;
            Ok(serde_json::to_value(result)?)
        }
        "prompts/list" => typed::<ListPromptsRequest>(&client, value, &options).await,
        "prompts/get" => {
            let result = client
                .get_prompt_with(params(&method, value)?, &options)
                .await?;
            Ok(serde_json::to_value(result)?)
        }
        "completion/complete" => typed::<CompleteRequest>(&client, value, &options).await,
        "logging/setLevel" => {
            #[derive(serde::Deserialize)]
            struct Level {
                level: LoggingLevel,
            }
            let Level { level } = params(&method, value)?;
            client.set_logging_level(level).await?;
            Ok(json!({}))
        }
        other => Err(ErrorData::method_not_found(other)
            .with_data(json!({"methods": METHODS}))
            .into()),
    }
}

/// Sends a message again as it was recorded (a request gets a new id); the server's raw
/// result, or `null` for a notification.
pub async fn replay(client: Arc<Client>, message: Value, timeout: Duration) -> mcp::Result<Value> {
    let method = message
        .get("method")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            ErrorData::invalid_params("only requests and notifications can be replayed")
        })?
        .to_owned();
    let params = message.get("params").cloned();
    if message.get("id").is_none() {
        client.peer().notify(&method, params.as_ref())?;
        return Ok(Value::Null);
    }
    client
        .peer()
        .request::<Value, Value>(
            &method,
            params.as_ref(),
            RequestOptions {
                timeout: Some(timeout),
                ..RequestOptions::default()
            },
        )
        .await
}
