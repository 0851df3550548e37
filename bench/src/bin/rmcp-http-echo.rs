//! `rmcp-http-echo`: the echo tool of `rmcp-echo` served by the official Rust SDK, `rmcp`
//! 3.11.0, over its Streamable HTTP server, as rmcp's README serves it:
//! `StreamableHttpService::new(|| Ok(Echo), LocalSessionManager::default().into(), config)`
//! nested into an axum router at `/mcp`, served by `axum::serve` (with TCP_NODELAY set on every
//! connection, as the mcp server does, so that Nagle's algorithm does not skew the comparison).
//!
//! - `sse` (the default): rmcp's default config: sessions for handshake-era clients, answers
//!   as SSE streams; 2026-07-28 requests are served statelessly either way;
//! - `json`: `legacy_session_mode: false, json_response: true`: no sessions, JSON answers
//!   unless the handler streams.
//!
//! It listens on `127.0.0.1:0`, prints `listening on 127.0.0.1:<port>` on stdout, and serves
//! until its stdin closes.

use std::sync::Arc;

use axum::serve::ListenerExt;
use mcp_bench::echo::RmcpEcho as Echo;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use tokio::io::AsyncReadExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut config = StreamableHttpServerConfig::default();
    match std::env::args().nth(1).as_deref() {
        None | Some("sse") => {}
        Some("json") => {
            config.legacy_session_mode = false;
            config.json_response = true;
        }
        Some(other) => {
            return Err(format!("usage: rmcp-http-echo [sse|json] (got {other:?})").into());
        }
    }
    let service = StreamableHttpService::new(
        || Ok(Echo),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    let router = axum::Router::new().nest_service("/mcp", service);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on {}", listener.local_addr()?);
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let stdin_closed = async {
        let mut stdin = tokio::io::stdin();
        let mut buf = [0u8; 64];
        while matches!(stdin.read(&mut buf).await, Ok(n) if n > 0) {}
    };
    axum::serve(listener, router)
        .with_graceful_shutdown(stdin_closed)
        .await?;
    Ok(())
}
