//! The Model Context Protocol SDK.

extern crate self as mcp;

pub mod client;
pub mod error;
pub mod jsonrpc;
pub mod server;
pub mod transport;

pub use error::{BoxError, Error, Result};
pub use mcp_macros::server_handler;
pub use mcp_types as types;
