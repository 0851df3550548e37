//! `fastmcp-echo`: the echo tool served by this workspace's high-level API, `FastMcp` with
//! `#[mcp::tool]`, over stdio — to compare with `mcp-echo` (the low-level server) and see what
//! the macro layer costs.

use mcp::fastmcp::FastMcp;

/// Echo the message back
#[mcp::tool]
fn echo(message: String) -> String {
    message
}

#[tokio::main]
async fn main() -> mcp::Result<()> {
    let mcp = FastMcp::new("fastmcp-echo");
    mcp.add_tool(echo::tool());
    mcp.run().await
}
