//! The `test_…` prompts: plain, with arguments, with an embedded resource, with an image, and
//! one that asks the client for input before it answers (SEP-2322, 2026-07-28 era).

use mcp::fastmcp::{Context, FastMcp, Message, PromptDef};
use mcp::types::{
    ContentBlock, ElicitRequestFormParams, PromptArgument, PromptMessage, RequestedSchema,
    TextResourceContents,
};

use crate::tools::TEST_IMAGE_BASE64;

/// A simple prompt without arguments
#[mcp::prompt]
fn test_simple_prompt() -> &'static str {
    "This is a simple prompt for testing."
}

/// A prompt with required arguments
#[mcp::prompt]
fn test_prompt_with_arguments(arg1: String, arg2: String) -> String {
    format!("Prompt with arguments: arg1='{arg1}', arg2='{arg2}'")
}

/// A prompt that includes image content
#[mcp::prompt]
fn test_prompt_with_image() -> Vec<PromptMessage> {
    vec![
        Message::user(ContentBlock::image(TEST_IMAGE_BASE64, "image/png")),
        Message::user("Please analyze the image above."),
    ]
}

/// A prompt that includes an embedded resource (its argument is named `resourceUri`).
fn test_prompt_with_embedded_resource() -> PromptDef {
    PromptDef::new(
        "test_prompt_with_embedded_resource",
        vec![PromptArgument::new("resourceUri").required()],
        |args| async move {
            let contents = TextResourceContents::new(
                args["resourceUri"].clone(),
                "Embedded resource content for testing.",
            )
            .with_mime_type("text/plain");
            vec![
                Message::user(ContentBlock::resource(contents)),
                Message::user("Please process the embedded resource above."),
            ]
        },
    )
    .with_description("A prompt that includes an embedded resource")
}

/// A prompt that asks the user for context first (`prompts/get` answering `input_required`).
fn test_input_required_result_prompt() -> PromptDef {
    PromptDef::with_context(
        "test_input_required_result_prompt",
        Vec::new(),
        |ctx: Context, _args| async move {
            let form: RequestedSchema = serde_json::from_value(serde_json::json!({
                "type": "object",
                "properties": {"context": {"type": "string"}},
                "required": ["context"]
            }))?;
            let params = ElicitRequestFormParams::new("What context should the prompt use?", form);
            let answer = ctx
                .request()
                .elicit_keyed(Some("user_context"), params.into())
                .await?;
            let context = answer
                .content
                .as_ref()
                .and_then(|c| c.get("context"))
                .and_then(|v| serde_json::to_value(v).ok())
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_else(|| "?".to_owned());
            Ok::<_, mcp::Error>(vec![Message::user(format!(
                "Use the following context: {context}"
            ))])
        },
    )
    .with_description("Tests InputRequiredResult from prompts/get (SEP-2322 non-tool request)")
}

/// Adds the prompts to `mcp`.
pub fn register(mcp: &FastMcp) {
    mcp.add_prompt(test_simple_prompt::prompt());
    mcp.add_prompt(test_prompt_with_arguments::prompt());
    mcp.add_prompt(test_prompt_with_embedded_resource());
    mcp.add_prompt(test_prompt_with_image::prompt());
    mcp.add_prompt(test_input_required_result_prompt());
}
