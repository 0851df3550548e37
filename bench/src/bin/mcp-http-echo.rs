//! `mcp-http-echo`: the echo tool served by this workspace's `mcp` crate over Streamable HTTP.
//!
//! The low-level server of `mcp-echo` ([`mcp_bench::echo::Echo`]), served the way the README serves HTTP:
//! `HttpServer::builder(server).build()` with its defaults (sessions for handshake-era
//! clients, stateless 2026-07-28 requests on the same endpoint, answers as JSON unless the
//! handler streams). It listens on `127.0.0.1:0`, prints `listening on 127.0.0.1:<port>` on
//! stdout, and serves until its stdin closes.

use mcp::http_server::{HttpServer, ResponseMode};
use mcp::server::Server;
use mcp_bench::echo::Echo;
use tokio::io::AsyncReadExt;

#[tokio::main]
async fn main() -> mcp::Result<()> {
    let mode = match std::env::args().nth(1).as_deref() {
        None | Some("auto") => ResponseMode::Auto,
        Some("sse") => ResponseMode::Sse,
        Some("json") => ResponseMode::Json,
        Some(other) => {
            eprintln!("usage: mcp-http-echo [auto|sse|json] (got {other:?})");
            std::process::exit(2);
        }
    };
    let server = Server::builder("mcp-http-echo", Echo::default()).build();
    let http = HttpServer::builder(server).response_mode(mode).build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on {}", listener.local_addr()?);
    let stdin_closed = async {
        let mut stdin = tokio::io::stdin();
        let mut buf = [0u8; 64];
        while matches!(stdin.read(&mut buf).await, Ok(n) if n > 0) {}
    };
    http.serve(listener, http.router(), stdin_closed).await
}
