//! `rmcp-echo`: the echo tool served by the official Rust SDK, `rmcp`.
//!
//! Written the way rmcp's README writes a tools-only server (`#[tool]` in a
//! `#[tool_router(server_handler)]` impl, `Parameters<T>` with a
//! `schemars::JsonSchema` type, the default multi-thread runtime from
//! `#[tokio::main]`), with the transport chosen by the first argument:
//!
//! - `stdio`: `rmcp::transport::stdio()`, i.e. `tokio::io::stdin()` and
//!   `tokio::io::stdout()`, whose every read and write is handed to tokio's
//!   blocking thread pool;
//! - `pipes`: `rmcp::transport::stdio_pipes()`, which (on Linux, when fds 0 and
//!   1 are FIFOs, as they are under an MCP client) reopens them through
//!   `/proc/self/fd` as non-blocking `tokio::net::unix::pipe::{Receiver,
//!   Sender}` driven by the IO reactor. If it ever falls back to the blocking
//!   handles this binary exits with an error rather than be measured under
//!   the wrong name.

use mcp_bench::echo::RmcpEcho as Echo;
use rmcp::ServiceExt;

const USAGE: &str = "usage: rmcp-echo stdio|pipes";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mode = std::env::args().nth(1);
    let running = match mode.as_deref() {
        Some("stdio") => Echo.serve(rmcp::transport::stdio()).await?,
        Some("pipes") => {
            let (reader, writer) = rmcp::transport::stdio_pipes();
            // rmcp does not say which implementation it picked; its Debug
            // output names the variant.
            if format!("{reader:?}{writer:?}").contains("Blocking") {
                return Err(format!(
                    "stdio_pipes() fell back to the blocking stdio handles \
                     (are stdin and stdout pipes?): {reader:?} {writer:?}"
                )
                .into());
            }
            Echo.serve((reader, writer)).await?
        }
        _ => return Err(USAGE.into()),
    };
    running.waiting().await?;
    Ok(())
}
