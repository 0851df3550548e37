//! The Model Context Protocol SDK: a JSON-RPC engine, client and server sessions, and
//! transports, speaking every published protocol version.
//!
//! # Quickstart
//!
//! [`fastmcp::FastMcp`] is the high-level server: plain functions become tools, resources and
//! prompts, their JSON Schemas derived from the parameter types and their descriptions from the
//! doc comments. The same server answers a 2025 client's `initialize` handshake and a
//! 2026-07-28 client's stateless requests.
//!
//! ```no_run
//! use mcp::fastmcp::FastMcp;
//!
//! /// Add two numbers
//! #[mcp::tool]
//! fn add(a: i64, b: i64) -> i64 {
//!     a + b
//! }
//!
//! /// Get a personalized greeting
//! #[mcp::resource("greeting://{name}")]
//! fn get_greeting(name: String) -> String {
//!     format!("Hello, {name}!")
//! }
//!
//! #[tokio::main]
//! async fn main() -> mcp::Result<()> {
//!     let mcp = FastMcp::new("Demo");
//!     mcp.add_tool(add::tool());
//!     mcp.add_resource(get_greeting::resource());
//!     mcp.run().await // stdio; `mcp.run_http("127.0.0.1:8000")` for Streamable HTTP
//! }
//! ```
//!
//! # A low-level server
//!
//! Implement [`server::ServerHandler`] for full control of every request; capabilities follow
//! from the methods implemented.
//!
//! ```no_run
//! use mcp::server::{RequestContext, Server, ServerHandler};
//! use mcp::types::*;
//!
//! struct Hello;
//!
//! #[mcp::server_handler]
//! impl ServerHandler for Hello {
//!     async fn list_tools(&self, _: PaginatedRequestParams, _: RequestContext) -> mcp::Result<ListToolsResult> {
//!         Ok(ListToolsResult::new(vec![Tool::without_input("hello")]))
//!     }
//!
//!     async fn call_tool(&self, _: CallToolRequestParams, cx: RequestContext) -> mcp::Result<CallToolResult> {
//!         cx.info("saying hello")?;
//!         Ok(CallToolResult::text("Hello!"))
//!     }
//! }
//!
//! #[tokio::main]
//! async fn main() -> mcp::Result<()> {
//!     Server::builder("hello", Hello).build().serve(mcp::transport::stdio::stdio()).await
//! }
//! ```
//!
//! # A client
//!
//! [`client::Client`] spawns or connects to a server, agrees on the newest version both speak
//! (or the one it is pinned to), and has a typed method for every request:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> mcp::Result<()> {
//! # use mcp::server::{RequestContext, Server, ServerHandler};
//! # use mcp::types::*;
//! # struct Hello;
//! # #[mcp::server_handler]
//! # impl ServerHandler for Hello {
//! #     async fn list_tools(&self, _: PaginatedRequestParams, _: RequestContext) -> mcp::Result<ListToolsResult> {
//! #         Ok(ListToolsResult::new(vec![Tool::without_input("hello")]))
//! #     }
//! #     async fn call_tool(&self, _: CallToolRequestParams, _: RequestContext) -> mcp::Result<CallToolResult> {
//! #         Ok(CallToolResult::text("Hello!"))
//! #     }
//! # }
//! use mcp::client::Client;
//!
//! // An in-memory connection to the server above; `connect_stdio` spawns a process instead.
//! let (client_end, server_end) = mcp::transport::memory::pair();
//! let _session = Server::builder("hello", Hello).build().connect(server_end);
//!
//! let client = Client::connect(client_end).await?;
//! assert_eq!(client.protocol_version(), ProtocolVersion::LATEST);
//! let result = client.call_tool("hello", serde_json::json!({})).await?;
//! assert_eq!(result.content[0].as_text(), Some("Hello!"));
//! client.close().await;
//! # Ok(()) }
//! ```
//!
//! # Features
//!
//! | feature | what it adds | on by default |
//! |---|---|---|
//! | `fastmcp` | [`fastmcp`] and its macros (`#[mcp::tool]`, ...), with the JSON Schema crates | yes |
//! | `http-server` | `http_server`: Streamable HTTP and legacy HTTP+SSE hosting (axum, hyper) | yes |
//! | `http-client` | the HTTP client transports and OAuth (reqwest) | yes |
//! | `ws-server` | WebSocket hosting beside HTTP | yes |
//! | `ws-client` | the WebSocket client transport | yes |
//! | `redis` | state in Redis shared by the replicas of a server (`http_server::Redis*`; turns on `http-server`) | no |
//! | `store-contracts` | `store_contracts`: the storage traits' contracts as checks, for a store's tests | no |
//!
//! Without any, the crate is the engine, the client, the low-level server and the stdio and
//! in-memory transports: `default-features = false` for a client or a `ServerHandler` that
//! needs no more.
//!
//! # Layers
//!
//! [`types`] (every protocol type, no I/O) → [`transport`] (how messages travel: stdio,
//! in-memory, the HTTP and WebSocket clients) → [`jsonrpc`] (the session engine) →
//! [`server`] / [`client`]; `fastmcp` sits on [`server`], and `http_server` hosts a server
//! over Streamable HTTP, legacy HTTP+SSE and WebSocket through the server's public hosting API.

extern crate self as mcp;

pub mod auth;
pub mod client;
pub mod error;
#[cfg(feature = "fastmcp")]
pub mod fastmcp;
#[cfg(feature = "http-server")]
pub mod http_server;
pub mod jsonrpc;
#[cfg(any(feature = "http-client", feature = "http-server"))]
mod jwt;
pub mod secret;
pub mod server;
pub mod skills;
#[cfg(any(test, feature = "store-contracts"))]
pub mod store_contracts;
pub mod transport;

pub use error::{BoxError, Error, Result};
pub use mcp_macros::server_handler;
#[cfg(feature = "fastmcp")]
pub use mcp_macros::{prompt, resource, tool, tools};
pub use mcp_types as types;
