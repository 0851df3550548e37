//! `mcp-echo`: the echo tool served by this workspace's `mcp` crate over stdio.
//!
//! The low-level server API, written the way a user would: a `ServerHandler` with `list_tools`
//! and `call_tool` ([`mcp_bench::echo::Echo`]), `#[tokio::main]` (the default multi-thread
//! runtime), and `mcp::transport::stdio::stdio()`, which drives stdin/stdout as non-blocking
//! pipes when they are pipes.

use mcp::server::Server;
use mcp_bench::echo::Echo;

#[tokio::main]
async fn main() -> mcp::Result<()> {
    Server::builder("mcp-echo", Echo::default())
        .build()
        .serve(mcp::transport::stdio::stdio())
        .await
}
