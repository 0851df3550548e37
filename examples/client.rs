//! The Python SDK README's client, in Rust: spawns the server given on the command line, answers
//! its sampling requests, and walks through prompts, resources and tools.
//!
//! ```sh
//! cargo run --example client -- cargo run --example lowlevel
//! cargo run --example client -- --protocol-version 2025-06-18 ./target/debug/examples/lowlevel
//! ```

use mcp::client::Client;
use mcp::transport::stdio::StdioServerParameters;
use mcp::types::{
    CreateMessageRequestParams, CreateMessageResult, ErrorData, ProtocolVersion, StopReason,
};
use serde_json::json;

/// Answers the server's sampling requests (a real client would ask its model).
async fn handle_sampling_message(
    params: CreateMessageRequestParams,
) -> Result<CreateMessageResult, ErrorData> {
    eprintln!("sampling request with {} message(s)", params.messages.len());
    Ok(
        CreateMessageResult::text("gpt-3.5-turbo", "Hello, world! from model")
            .with_stop_reason(StopReason::EndTurn),
    )
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut builder = Client::builder().on_sampling(handle_sampling_message);
    if args.first().map(String::as_str) == Some("--protocol-version") {
        let version: ProtocolVersion = args
            .get(1)
            .ok_or("--protocol-version needs a value")?
            .parse()?;
        builder = builder.protocol_version(version);
        args.drain(..2);
    }
    let Some((command, rest)) = args.split_first() else {
        eprintln!("usage: client [--protocol-version VERSION] COMMAND [ARGS...]");
        std::process::exit(2);
    };
    let server = StdioServerParameters::new(command).args(rest);
    let client = builder.connect_stdio(server).await?;
    let name = client.server_info().map_or("?", |i| i.name.as_str());
    println!("connected to {name} over {}", client.protocol_version());

    let prompts = client.list_prompts(None).await?;
    println!(
        "prompts: {:?}",
        prompts.prompts.iter().map(|p| &p.name).collect::<Vec<_>>()
    );

    let prompt = client
        .get_prompt("example-prompt", [("arg1", "value")])
        .await?;
    println!("prompt: {}", serde_json::to_string(&prompt.messages)?);

    let resources = client.list_resources(None).await?;
    println!(
        "resources: {:?}",
        resources
            .resources
            .iter()
            .map(|r| &r.uri)
            .collect::<Vec<_>>()
    );

    let tools = client.list_tools(None).await?;
    println!(
        "tools: {:?}",
        tools.tools.iter().map(|t| &t.name).collect::<Vec<_>>()
    );

    let resource = client.read_resource("file://some/path").await?;
    println!("resource: {}", serde_json::to_string(&resource.contents)?);

    let result = client
        .call_tool("tool-name", json!({ "arg1": "value" }))
        .await?;
    println!("tool-name: {}", serde_json::to_string(&result.content)?);

    if tools.tools.iter().any(|t| t.name == "summarize") {
        let result = client
            .call_tool(
                "summarize",
                json!({ "text": "MCP connects models to tools." }),
            )
            .await?;
        println!("summarize: {}", serde_json::to_string(&result.content)?);
    }

    client.close().await;
    Ok(())
}
