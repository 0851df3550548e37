//! `mcp-http-echo`: the echo tool served by this workspace's `mcp` crate over Streamable HTTP.
//!
//! The low-level server of `mcp-echo` ([`mcp_bench::echo::Echo`]), served the way the README serves HTTP:
//! `HttpServer::builder(server).build()` with its defaults (sessions for handshake-era
//! clients, stateless 2026-07-28 requests on the same endpoint, answers as JSON unless the
//! handler streams). It listens on `127.0.0.1:0`, prints `listening on 127.0.0.1:<port>` on
//! stdout, and serves until its stdin closes.
//!
//! `mcp-http-echo [auto|sse|json] [STATE [REDIS_URL]]`, where STATE says where the
//! handshake-era sessions keep what outlives a request: `none` (the default: no event store),
//! `memory` (an `InMemoryEventStore`), `redis-events` (a `RedisEventStore`) or `redis-shared`
//! (a `RedisEventStore`, and the sessions shared with other replicas through Redis).

use mcp::http_server::{
    HttpServer, InMemoryEventStore, RedisEventStore, RedisReplicaBus, RedisSessionStore,
    ResponseMode,
};
use mcp::server::Server;
use mcp_bench::echo::Echo;
use tokio::io::AsyncReadExt;

const USAGE: &str =
    "usage: mcp-http-echo [auto|sse|json] [none|memory|redis-events|redis-shared [REDIS_URL]]";

fn usage(got: &str) -> ! {
    eprintln!("{USAGE} (got {got:?})");
    std::process::exit(2);
}

#[tokio::main]
async fn main() -> mcp::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = match args.first().map(String::as_str) {
        None | Some("auto") => ResponseMode::Auto,
        Some("sse") => ResponseMode::Sse,
        Some("json") => ResponseMode::Json,
        Some(other) => usage(other),
    };
    let state = args.get(1).map_or("none", String::as_str);
    let redis_url = || {
        args.get(2)
            .cloned()
            .unwrap_or_else(|| usage(&format!("{state} without a REDIS_URL")))
    };
    let unreachable = |e: mcp::http_server::RedisStoreError| mcp::Error::other(e.to_string());
    let server = Server::builder("mcp-http-echo", Echo::default()).build();
    let mut http = HttpServer::builder(server).response_mode(mode);
    match state {
        "none" => {}
        "memory" => http = http.event_store(InMemoryEventStore::default()),
        "redis-events" => {
            let events = RedisEventStore::connect(redis_url())
                .await
                .map_err(unreachable)?;
            http = http.event_store(events);
        }
        "redis-shared" => {
            let url = redis_url();
            let events = RedisEventStore::connect(url.as_str())
                .await
                .map_err(unreachable)?;
            let sessions = RedisSessionStore::connect(url.as_str())
                .await
                .map_err(unreachable)?;
            let bus = RedisReplicaBus::connect(url.as_str())
                .await
                .map_err(unreachable)?;
            http = http.event_store(events).shared_sessions(sessions, bus);
        }
        other => usage(other),
    }
    let http = http.build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on {}", listener.local_addr()?);
    let stdin_closed = async {
        let mut stdin = tokio::io::stdin();
        let mut buf = [0u8; 64];
        while matches!(stdin.read(&mut buf).await, Ok(n) if n > 0) {}
    };
    http.serve(listener, http.router(), stdin_closed).await
}
