//! The Model Context Protocol SDK.

pub mod error;
pub mod jsonrpc;
pub mod transport;

pub use error::{BoxError, Error, Result};
pub use mcp_types as types;
