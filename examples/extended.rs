//! The usage guide's extended example: tools, a file resource, a function resource and a prompt.
//!
//! ```sh
//! cargo run --example extended
//! ```

use mcp::fastmcp::{Context, FastMcp, Message, PromptDef, ResourceDef};
use mcp::types::{PromptArgument, PromptMessage};

// 1) Tools

/// Adds two numbers.
#[mcp::tool(name = "math.add")]
fn add_nums(a: f64, b: f64) -> String {
    (a + b).to_string()
}

/// Processes a number.
#[mcp::tool]
async fn advanced_tool(x: i64, ctx: Context) -> mcp::Result<String> {
    ctx.info("In advanced_tool")?;
    Ok(format!("Processed {x}"))
}

/// The text file served as `file://demo.txt`.
const DEMO_TXT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/data/demo.txt");

#[tokio::main]
async fn main() -> mcp::Result<()> {
    let server = FastMcp::builder("LLMServerExtended")
        .instructions("Demo server with tools, resources, prompts")
        .build();
    server.add_tool(add_nums::tool());
    server.add_tool(advanced_tool::tool());

    // 2) Resources
    server.add_resource(ResourceDef::file("file://demo.txt", DEMO_TXT).with_name("Demo Text"));
    server.add_resource(ResourceDef::function(
        "resource://random",
        "Random Data",
        |_cx| async {
            // Some dynamic logic
            format!("Randomly generated data: {}", std::process::id())
        },
    ));

    // 3) Prompts
    server.add_prompt(
        PromptDef::new(
            "greet-user",
            vec![PromptArgument::new("name").required()],
            |args| async move {
                vec![Message::user(format!("Hello {}!", args["name"]))] as Vec<PromptMessage>
            },
        )
        .with_description("Greets user by name"),
    );

    // 4) Start the server over stdio
    server.run().await
}
