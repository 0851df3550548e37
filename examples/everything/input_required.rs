//! The multi round-trip tools of the 2026-07-28 era (SEP-2322): each asks the client for input
//! under the key the conformance scenario names; the library answers `input_required` with a
//! sealed `requestState`, and runs the function again when the client retries with the answers.
//! (Over a handshake-era session the same calls are requests to the client.)

use mcp::fastmcp::{Context, FastMcp};
use mcp::types::{
    CreateMessageRequestParams, ElicitRequestFormParams, ElicitResult, RequestedSchema,
    SamplingMessage,
};
use serde_json::json;

/// A form of one required field of JSON type `kind`.
fn one_field(name: &str, kind: &str) -> RequestedSchema {
    serde_json::from_value(json!({
        "type": "object",
        "properties": {name: {"type": kind}},
        "required": [name]
    }))
    .expect("a valid form")
}

/// Asks for a form under `key`.
async fn ask(
    ctx: &Context,
    key: &str,
    message: &str,
    form: RequestedSchema,
) -> mcp::Result<ElicitResult> {
    ctx.request()
        .elicit_keyed(
            Some(key),
            ElicitRequestFormParams::new(message, form).into(),
        )
        .await
}

/// The text field `field` of an accepted form, `"?"` otherwise.
fn field(answer: &ElicitResult, field: &str) -> String {
    answer
        .content
        .as_ref()
        .and_then(|c| c.get(field))
        .and_then(|v| serde_json::to_value(v).ok())
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

/// Asks the client's model `prompt` under `key`, with at most `max_tokens`.
async fn sample(ctx: &Context, key: &str, prompt: &str, max_tokens: u64) -> mcp::Result<String> {
    let params =
        CreateMessageRequestParams::new(vec![SamplingMessage::user_text(prompt)], max_tokens);
    let answer = ctx
        .request()
        .create_message_keyed(Some(key), params)
        .await?;
    Ok(answer.content.as_text().unwrap_or("?").to_owned())
}

/// Tests InputRequiredResult with a single elicitation request
#[mcp::tool]
async fn test_input_required_result_elicitation(ctx: Context) -> mcp::Result<String> {
    let answer = ask(
        &ctx,
        "user_name",
        "What is your name?",
        one_field("name", "string"),
    )
    .await?;
    Ok(format!("Hello, {}!", field(&answer, "name")))
}

/// Tests InputRequiredResult with a single sampling request
#[mcp::tool]
async fn test_input_required_result_sampling(ctx: Context) -> mcp::Result<String> {
    let text = sample(
        &ctx,
        "capital_question",
        "What is the capital of France?",
        100,
    )
    .await?;
    Ok(format!("Model said: {text}"))
}

/// Tests InputRequiredResult with a single roots/list request
#[mcp::tool]
async fn test_input_required_result_list_roots(ctx: Context) -> mcp::Result<String> {
    let roots = ctx.request().list_roots_keyed(Some("client_roots")).await?;
    Ok(format!("Client exposed {} root(s).", roots.roots.len()))
}

/// Tests requestState round-tripping in the InputRequiredResult flow
#[mcp::tool]
async fn test_input_required_result_request_state(ctx: Context) -> mcp::Result<&'static str> {
    ask(
        &ctx,
        "confirm",
        "Please confirm",
        one_field("ok", "boolean"),
    )
    .await?;
    Ok("state-ok: confirmation received")
}

/// Tests InputRequiredResult carrying elicitation, sampling and roots requests together
#[mcp::tool]
async fn test_input_required_result_multiple_inputs(ctx: Context) -> mcp::Result<&'static str> {
    // Asked together: every request without an answer goes into one input_required result.
    let (name, greeting, roots) = tokio::join!(
        ask(
            &ctx,
            "user_name",
            "What is your name?",
            one_field("name", "string")
        ),
        sample(&ctx, "greeting", "Generate a greeting", 50),
        ctx.request().list_roots_keyed(Some("client_roots")),
    );
    name?;
    greeting?;
    roots?;
    Ok("All inputs received.")
}

/// Tests a three-round InputRequiredResult flow with evolving requestState
#[mcp::tool]
async fn test_input_required_result_multi_round(ctx: Context) -> mcp::Result<String> {
    let step1 = ask(
        &ctx,
        "step1",
        "Step 1: What is your name?",
        one_field("name", "string"),
    )
    .await?;
    let step2 = ask(
        &ctx,
        "step2",
        "Step 2: What is your favorite color?",
        one_field("color", "string"),
    )
    .await?;
    Ok(format!(
        "{} likes {}.",
        field(&step1, "name"),
        field(&step2, "color")
    ))
}

/// Tests that the server rejects a tampered requestState echo (the library checks the seal)
#[mcp::tool]
async fn test_input_required_result_tampered_state(ctx: Context) -> mcp::Result<&'static str> {
    ask(
        &ctx,
        "confirm",
        "Please confirm",
        one_field("ok", "boolean"),
    )
    .await?;
    Ok("state-ok: confirmed")
}

/// Tests that inputRequests only include methods the client declared support for
#[mcp::tool]
async fn test_input_required_result_capabilities(ctx: Context) -> mcp::Result<String> {
    let capabilities = ctx.client_capabilities().clone();
    let sampled = async {
        match capabilities.sampling {
            Some(_) => sample(&ctx, "sample", "Say hello", 50).await.map(Some),
            None => Ok(None),
        }
    };
    let asked = async {
        match capabilities.elicitation {
            Some(_) => ask(
                &ctx,
                "ask",
                "What is your name?",
                one_field("name", "string"),
            )
            .await
            .map(|a| Some(field(&a, "name"))),
            None => Ok(None),
        }
    };
    let (sampled, asked) = tokio::join!(sampled, asked);
    Ok(format!(
        "sampling: {}, elicitation: {}",
        sampled?.unwrap_or_else(|| "not declared".to_owned()),
        asked?.unwrap_or_else(|| "not declared".to_owned())
    ))
}

/// Adds the tools to `mcp`.
pub fn register(mcp: &FastMcp) {
    for tool in [
        test_input_required_result_elicitation::tool(),
        test_input_required_result_sampling::tool(),
        test_input_required_result_list_roots::tool(),
        test_input_required_result_request_state::tool(),
        test_input_required_result_multiple_inputs::tool(),
        test_input_required_result_multi_round::tool(),
        test_input_required_result_tampered_state::tool(),
        test_input_required_result_capabilities::tool(),
    ] {
        mcp.add_tool(tool);
    }
}
