//! The Python SDK README's quickstart, in Rust: a calculator tool and a dynamic greeting.
//!
//! ```sh
//! cargo run --example quickstart
//! mcp install examples/quickstart.rs     # or run it from any MCP host
//! ```

use mcp::fastmcp::FastMcp;

/// Add two numbers
#[mcp::tool]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

/// Get a personalized greeting
#[mcp::resource("greeting://{name}")]
fn get_greeting(name: String) -> String {
    format!("Hello, {name}!")
}

#[tokio::main]
async fn main() -> mcp::Result<()> {
    // Create an MCP server
    let mcp = FastMcp::new("Demo");
    mcp.add_tool(add::tool());
    mcp.add_resource(get_greeting::resource());
    mcp.run().await
}
