//! The Python SDK README's echo server: a resource, a tool and a prompt that echo a message.
//!
//! ```sh
//! cargo run --example echo
//! ```

use mcp::fastmcp::FastMcp;

/// Echo a message as a resource
#[mcp::resource("echo://{message}")]
fn echo_resource(message: String) -> String {
    format!("Resource echo: {message}")
}

/// Echo a message as a tool
#[mcp::tool]
fn echo_tool(message: String) -> String {
    format!("Tool echo: {message}")
}

/// Create an echo prompt
#[mcp::prompt]
fn echo_prompt(message: String) -> String {
    format!("Please process this message: {message}")
}

#[tokio::main]
async fn main() -> mcp::Result<()> {
    let mcp = FastMcp::new("Echo");
    mcp.add_resource(echo_resource::resource());
    mcp.add_tool(echo_tool::tool());
    mcp.add_prompt(echo_prompt::prompt());
    mcp.run().await
}
