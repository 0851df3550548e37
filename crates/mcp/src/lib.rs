//! The Model Context Protocol SDK.

pub use mcp_types as types;
