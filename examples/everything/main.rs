//! The server the official MCP conformance suite tests: every tool, resource, prompt and
//! behaviour its server scenarios look for, served over Streamable HTTP at `/mcp`.
//!
//! ```sh
//! cargo run --release --example everything -- --port 3001
//! node node_modules/@modelcontextprotocol/conformance/dist/index.js server \
//!     --url http://127.0.0.1:3001/mcp --requirements 2025-11-25
//! ```
//!
//! Built on [`FastMcp`](mcp::fastmcp::FastMcp): plain functions for the content tools
//! ([`tools`]), the multi round-trip tools of the 2026-07-28 era ([`input_required`]), the
//! `test://` resources ([`resources`]), the `test_…` prompts ([`prompts`]), the tools that
//! run as tasks (the tasks extension, [`tasks`]) and skills (the skills extension,
//! [`skills`]). Both protocol
//! eras are served on the one endpoint; streams are resumable (an in-memory event store).
//! `everything --stdio` serves the same server on stdin and stdout instead.
//!
//! Replicas behind a load balancer share their state through the environment:
//!
//! - `MCP_REDIS_URL` (`redis://127.0.0.1:6379/`): streams are kept in Redis instead of memory,
//!   so a client resumes its stream on any replica (needs the `redis` feature);
//! - `MCP_REQUEST_STATE_KEY` (32 bytes in base64, `openssl rand -base64 32`): the key sealing
//!   the request state of multi round-trip requests, so any replica opens what another sealed.

mod input_required;
mod prompts;
mod resources;
mod skills;
mod tasks;
mod tools;

use std::time::Duration;

use mcp::fastmcp::FastMcp;
use mcp::http_server::{HttpServerBuilder, InMemoryEventStore};
use mcp::server::RequestStateKey;

/// The default port, as the conformance suite's examples use.
const DEFAULT_PORT: u16 = 3001;

/// The events kept for streams that a client resumes with `Last-Event-ID`.
const EVENTS_KEPT: usize = 10_000;

fn usage() -> ! {
    eprintln!(
        "usage: everything [--port PORT | --stdio]   (127.0.0.1, default port {DEFAULT_PORT}; 0 picks a free one)"
    );
    std::process::exit(2);
}

/// Where to serve: a port, or `None` for stdio.
fn port_from_args() -> Option<u16> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => Some(DEFAULT_PORT),
        ["--stdio"] => None,
        ["--port", port] => Some(port.parse().unwrap_or_else(|_| {
            eprintln!("everything: --port takes a number from 0 to 65535, not {port:?}");
            usage()
        })),
        _ => usage(),
    }
}

/// The variable naming the Redis that replicas keep their streams in.
const REDIS_URL_ENV: &str = "MCP_REDIS_URL";

/// The server: its tools, resources, prompts and completions.
fn everything(state_key: Option<RequestStateKey>) -> FastMcp {
    let mut builder = FastMcp::builder("mcp-conformance-test-server")
        .version("0.1.0")
        .skills();
    if let Some(key) = state_key {
        builder = builder.request_state_key(key);
    }
    let mcp = builder.build();
    tools::register(&mcp);
    input_required::register(&mcp);
    resources::register(&mcp);
    prompts::register(&mcp);
    tasks::register(&mcp);
    skills::register(&mcp);
    mcp
}

/// Where resumable streams are kept: Redis when `MCP_REDIS_URL` names one, memory otherwise.
async fn with_event_store<H: mcp::server::ServerHandler>(
    http: HttpServerBuilder<H>,
) -> mcp::Result<HttpServerBuilder<H>> {
    let Some(url) = std::env::var_os(REDIS_URL_ENV) else {
        return Ok(http.event_store(InMemoryEventStore::new(EVENTS_KEPT)));
    };
    let url = url.to_string_lossy().into_owned();
    #[cfg(feature = "redis")]
    {
        let store = mcp::http_server::RedisEventStore::connect(url.as_str())
            .await
            .map_err(|e| mcp::Error::other(format!("{REDIS_URL_ENV}: {e}")))?;
        // (Not the URL: the tests read the first address printed as the one served.)
        eprintln!("everything: streams are kept in Redis ({REDIS_URL_ENV})");
        Ok(http.event_store(store))
    }
    #[cfg(not(feature = "redis"))]
    Err(mcp::Error::other(format!(
        "{REDIS_URL_ENV}={url} asks for Redis, but this build lacks the `redis` feature \
         (cargo run --example everything --features redis)"
    )))
}

/// Stops on a configuration the server cannot run with, saying what is wrong.
fn misconfigured(error: impl std::fmt::Display) -> ! {
    eprintln!("everything: {error}");
    std::process::exit(2);
}

#[tokio::main]
async fn main() -> mcp::Result<()> {
    let state_key = RequestStateKey::from_env().unwrap_or_else(|e| misconfigured(e));
    let mcp = everything(state_key);
    let Some(port) = port_from_args() else {
        return mcp.run().await;
    };
    let http = with_event_store(mcp.http())
        .await
        .unwrap_or_else(|e| misconfigured(e))
        .retry_interval(Duration::from_millis(100))
        .build();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    // With port 0 the system picks one: this line says which.
    eprintln!(
        "everything: serving MCP at http://{}/mcp",
        listener.local_addr()?
    );
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    http.serve(listener, http.router(), ctrl_c).await
}
