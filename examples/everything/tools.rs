//! The tools of the handshake-era and shared scenarios: content of every kind, logging,
//! progress, errors, sampling, elicitation (plain, SEP-1034 defaults, SEP-1330 enums), a JSON
//! Schema 2020-12 input schema, a required client capability, list-changed triggers and an
//! `x-mcp-header` parameter.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use mcp::fastmcp::{Audio, Context, Elicitation, FastMcp, Image, PromptDef, ToolDef};
use mcp::types::{
    ClientCapabilities, ContentBlock, ElicitAction, ElicitRequestFormParams, EmbeddedResource,
    ErrorData, JsonObject, RequestedSchema, SamplingCapability, TextResourceContents, Tool,
};
use serde_json::{Value, json};

/// A 1×1 PNG.
pub const TEST_IMAGE_BASE64: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
/// A WAV file with two bytes of samples.
const TEST_AUDIO_BASE64: &str = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

/// The bytes of [`TEST_IMAGE_BASE64`].
pub fn test_image() -> Vec<u8> {
    STANDARD
        .decode(TEST_IMAGE_BASE64)
        .expect("the test image is valid base64")
}

/// Tests simple text content response
#[mcp::tool]
fn test_simple_text() -> &'static str {
    "This is a simple text response for testing."
}

/// Tests image content response
#[mcp::tool]
fn test_image_content() -> Image {
    Image::new(test_image(), "png")
}

/// Tests audio content response
#[mcp::tool]
fn test_audio_content() -> Audio {
    Audio::new(
        STANDARD
            .decode(TEST_AUDIO_BASE64)
            .expect("the test audio is valid base64"),
        "wav",
    )
}

/// Tests embedded resource content response
#[mcp::tool]
fn test_embedded_resource() -> EmbeddedResource {
    EmbeddedResource::new(
        TextResourceContents::new(
            "test://embedded-resource",
            "This is an embedded resource content.",
        )
        .with_mime_type("text/plain"),
    )
}

/// Tests response with multiple content types (text, image, resource)
#[mcp::tool]
fn test_multiple_content_types() -> Vec<ContentBlock> {
    vec![
        ContentBlock::text("Multiple content types test:"),
        ContentBlock::image(TEST_IMAGE_BASE64, "image/png"),
        ContentBlock::resource(
            TextResourceContents::new(
                "test://mixed-content-resource",
                r#"{"test": "data", "value": 123}"#,
            )
            .with_mime_type("application/json"),
        ),
    ]
}

/// Tests tool that emits log messages during execution
#[mcp::tool]
async fn test_tool_with_logging(ctx: Context) -> mcp::Result<&'static str> {
    ctx.info("Tool execution started")?;
    tokio::time::sleep(Duration::from_millis(50)).await;
    ctx.info("Tool processing data")?;
    tokio::time::sleep(Duration::from_millis(50)).await;
    ctx.info("Tool execution completed")?;
    Ok("Tool with logging executed successfully")
}

/// Logs one message: a client that set no log level must not receive it
#[mcp::tool]
async fn test_logging_tool(ctx: Context) -> mcp::Result<&'static str> {
    ctx.info("test_logging_tool ran")?;
    Ok("logged")
}

/// Tests tool that reports progress notifications
#[mcp::tool]
async fn test_tool_with_progress(ctx: Context) -> mcp::Result<String> {
    for (step, pause) in [(0.0, true), (50.0, true), (100.0, false)] {
        ctx.report_progress(
            step,
            Some(100.0),
            Some(&format!("Completed step {step} of 100")),
        )?;
        if pause {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    Ok(ctx
        .progress_token()
        .map_or_else(|| "0".to_owned(), ToString::to_string))
}

/// Tests error response handling
#[mcp::tool]
fn test_error_handling() -> Result<String, String> {
    Err("This tool intentionally returns an error for testing".to_owned())
}

/// Tests server-initiated sampling (LLM completion request)
#[mcp::tool]
async fn test_sampling(prompt: String, ctx: Context) -> mcp::Result<String> {
    let answer = ctx.sample(prompt, 100).await?;
    let text = answer.content.as_text().unwrap_or("No response");
    Ok(format!("LLM response: {text}"))
}

/// The answer `test_elicitation` asks for.
#[derive(serde::Deserialize, serde::Serialize, schemars::JsonSchema)]
struct UserResponse {
    /// User's response
    response: String,
}

/// Tests server-initiated elicitation (user input request)
#[mcp::tool]
async fn test_elicitation(message: String, ctx: Context) -> mcp::Result<String> {
    Ok(match ctx.elicit::<UserResponse>(message).await? {
        Elicitation::Accept(answer) => format!(
            "User response: action=accept, content={}",
            serde_json::to_string(&answer)?
        ),
        Elicitation::Decline => "User response: action=decline, content={}".to_owned(),
        Elicitation::Cancel => "User response: action=cancel, content={}".to_owned(),
    })
}

/// Asks for a form given as JSON and says what came back, prefixed with `label`.
async fn elicit_form(
    ctx: &Context,
    label: &str,
    message: &str,
    schema: Value,
) -> mcp::Result<String> {
    let schema: RequestedSchema = serde_json::from_value(schema)?;
    let answer = ctx
        .request()
        .elicit(ElicitRequestFormParams::new(message, schema).into())
        .await?;
    let action = match answer.action {
        ElicitAction::Accept => "accept",
        ElicitAction::Decline => "decline",
        _ => "cancel",
    };
    let content = serde_json::to_string(&answer.content.unwrap_or_default())?;
    Ok(format!("{label}: action={action}, content={content}"))
}

/// Tests elicitation with default values for all primitive types (SEP-1034)
#[mcp::tool]
async fn test_elicitation_sep1034_defaults(ctx: Context) -> mcp::Result<String> {
    let schema = json!({
        "type": "object",
        "properties": {
            "name": {"type": "string", "description": "User name", "default": "John Doe"},
            "age": {"type": "integer", "description": "User age", "default": 30},
            "score": {"type": "number", "description": "User score", "default": 95.5},
            "status": {
                "type": "string",
                "description": "User status",
                "enum": ["active", "inactive", "pending"],
                "default": "active"
            },
            "verified": {"type": "boolean", "description": "Verification status", "default": true}
        }
    });
    elicit_form(
        &ctx,
        "Elicitation completed",
        "Please provide user information",
        schema,
    )
    .await
}

/// Tests elicitation with enum schema variations per SEP-1330
#[mcp::tool]
async fn test_elicitation_sep1330_enums(ctx: Context) -> mcp::Result<String> {
    let schema = json!({
        "type": "object",
        "properties": {
            "untitledSingle": {
                "type": "string",
                "description": "Simple enum without titles",
                "enum": ["option1", "option2", "option3"]
            },
            "titledSingle": {
                "type": "string",
                "description": "Enum with titled options (oneOf)",
                "oneOf": [
                    {"const": "value1", "title": "First Option"},
                    {"const": "value2", "title": "Second Option"},
                    {"const": "value3", "title": "Third Option"}
                ]
            },
            "legacyEnum": {
                "type": "string",
                "description": "Legacy enum with enumNames",
                "enum": ["opt1", "opt2", "opt3"],
                "enumNames": ["Option One", "Option Two", "Option Three"]
            },
            "untitledMulti": {
                "type": "array",
                "description": "Multi-select without titles",
                "items": {"type": "string", "enum": ["option1", "option2", "option3"]}
            },
            "titledMulti": {
                "type": "array",
                "description": "Multi-select with titled options",
                "items": {
                    "anyOf": [
                        {"const": "value1", "title": "First Choice"},
                        {"const": "value2", "title": "Second Choice"},
                        {"const": "value3", "title": "Third Choice"}
                    ]
                }
            }
        }
    });
    elicit_form(
        &ctx,
        "Elicitation completed",
        "Please select values using different enum schema types",
        schema,
    )
    .await
}

/// Asks the user a question mid-call: in the 2026-07-28 era the answer to the call is an
/// `input_required` result, never a request of the server's own on the response stream
#[mcp::tool]
async fn test_streaming_elicitation(ctx: Context) -> mcp::Result<String> {
    let schema = json!({
        "type": "object",
        "properties": {"name": {"type": "string"}},
        "required": ["name"]
    });
    elicit_form(&ctx, "Elicitation completed", "What is your name?", schema).await
}

/// Tests that a missing client capability is a JSON-RPC error (needs `sampling`)
#[mcp::tool]
fn test_missing_capability(ctx: Context) -> mcp::Result<&'static str> {
    if ctx.client_capabilities().sampling.is_none() {
        let required = ClientCapabilities {
            sampling: Some(SamplingCapability::default()),
            ..Default::default()
        };
        return Err(ErrorData::missing_required_client_capability(required).into());
    }
    Ok("Client declared sampling capability; proceeding.")
}

/// The arguments of a tool that takes none.
#[derive(serde::Deserialize, schemars::JsonSchema)]
struct NoArguments {}

/// Mutates the tool list and announces it to the clients listening for changes
#[mcp::tool]
fn test_trigger_tool_change(ctx: Context) -> &'static str {
    let mcp = ctx.server();
    mcp.add_tool(
        ToolDef::new("test_dynamic_tool", |_: NoArguments| async { "dynamic" })
            .with_description("A tool added and removed by test_trigger_tool_change"),
    );
    mcp.remove_tool("test_dynamic_tool");
    "tool list changed"
}

/// Mutates the prompt list and announces it to the clients listening for changes
#[mcp::tool]
fn test_trigger_prompt_change(ctx: Context) -> &'static str {
    let mcp = ctx.server();
    mcp.add_prompt(
        PromptDef::new("test_dynamic_prompt", Vec::new(), |_| async { "dynamic" })
            .with_description("A prompt added and removed by test_trigger_prompt_change"),
    );
    mcp.remove_prompt("test_dynamic_prompt");
    "prompt list changed"
}

/// Announces a change of `test://watched-resource` to the clients subscribed to it
#[mcp::tool]
fn test_trigger_resource_update(ctx: Context) -> &'static str {
    ctx.server()
        .notify_resource_updated("test://watched-resource");
    "resource updated"
}

/// The input schema of `json_schema_2020_12_tool`: the JSON Schema 2020-12 keywords a client
/// must pass on untouched (`$schema`, `$defs`, `$anchor`, `$ref`, `allOf`/`anyOf`,
/// `if`/`then`/`else`, `additionalProperties`).
fn json_schema_2020_12_input() -> JsonObject {
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "$defs": {
            "address": {
                "$anchor": "addressDef",
                "type": "object",
                "properties": {"street": {"type": "string"}, "city": {"type": "string"}}
            }
        },
        "properties": {
            "name": {"type": "string"},
            "address": {"$ref": "#/$defs/address"},
            "contactMethod": {"type": "string", "enum": ["phone", "email"]},
            "phone": {"type": "string"},
            "email": {"type": "string"}
        },
        "allOf": [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
        "if": {"properties": {"contactMethod": {"const": "phone"}}, "required": ["contactMethod"]},
        "then": {"required": ["phone"]},
        "else": {"required": ["email"]},
        "additionalProperties": false
    });
    let Value::Object(schema) = schema else {
        unreachable!("an object literal")
    };
    schema
}

/// A tool with a hand-written input schema: JSON Schema 2020-12 keywords.
fn json_schema_2020_12_tool() -> ToolDef {
    let tool = Tool::new("json_schema_2020_12_tool", json_schema_2020_12_input())
        .with_description("Tests JSON Schema 2020-12 keyword preservation in tools/list");
    ToolDef::from_parts(
        tool,
        std::sync::Arc::new(|_cx, _args| {
            Box::pin(async { Ok(mcp::types::CallToolResult::text("json_schema_2020_12_tool")) })
        }),
    )
}

/// A tool whose `region` argument is mirrored into the `Mcp-Param-Region` header (SEP-2243).
fn test_x_mcp_header() -> ToolDef {
    let schema = json!({
        "type": "object",
        "properties": {
            "region": {
                "type": "string",
                "description": "Mirrored into the Mcp-Param-Region header",
                "x-mcp-header": "Region"
            }
        }
    });
    let Value::Object(schema) = schema else {
        unreachable!("an object literal")
    };
    let tool = Tool::new("test_x_mcp_header", schema)
        .with_description("Tests SEP-2243 Mcp-Param-* server-side validation");
    ToolDef::from_parts(
        tool,
        std::sync::Arc::new(|_cx, args| {
            let region = args
                .get("region")
                .and_then(Value::as_str)
                .unwrap_or("<none>")
                .to_owned();
            Box::pin(
                async move { Ok(mcp::types::CallToolResult::text(format!("region={region}"))) },
            )
        }),
    )
}

/// Adds the tools to `mcp`.
pub fn register(mcp: &FastMcp) {
    for tool in [
        test_simple_text::tool(),
        test_image_content::tool(),
        test_audio_content::tool(),
        test_embedded_resource::tool(),
        test_multiple_content_types::tool(),
        test_tool_with_logging::tool(),
        test_logging_tool::tool(),
        test_tool_with_progress::tool(),
        test_error_handling::tool(),
        test_sampling::tool(),
        test_elicitation::tool(),
        test_elicitation_sep1034_defaults::tool(),
        test_elicitation_sep1330_enums::tool(),
        test_streaming_elicitation::tool(),
        test_missing_capability::tool(),
        test_trigger_tool_change::tool(),
        test_trigger_prompt_change::tool(),
        test_trigger_resource_update::tool(),
        json_schema_2020_12_tool(),
        test_x_mcp_header(),
    ] {
        mcp.add_tool(tool);
    }
}
