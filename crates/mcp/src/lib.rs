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
//! # Layers
//!
//! [`types`] (every protocol type, no I/O) → [`jsonrpc`] (the session engine) →
//! [`server`] / [`client`] → [`transport`] (stdio, in-memory, Streamable HTTP, legacy
//! HTTP+SSE); [`fastmcp`] sits on [`server`].

extern crate self as mcp;

pub mod auth;
pub mod client;
pub mod error;
pub mod fastmcp;
pub mod jsonrpc;
#[cfg(any(feature = "http-client", feature = "http-server"))]
mod jwt;
pub mod server;
pub mod transport;

pub use error::{BoxError, Error, Result};
pub use mcp_macros::{prompt, resource, server_handler, tool, tools};
pub use mcp_types as types;
