//! Every type of every Model Context Protocol version, as plain serde data with no I/O.
//!
//! One set of Rust types covers all published revisions (2024-11-05 through 2026-07-28): a field
//! that only some revisions know is an `Option` that is left out of the wire form when absent.
//! Field names follow the specification in `camelCase` on the wire; `_meta` is carried everywhere
//! the schema allows it.

pub mod jsonrpc;
pub mod meta;
pub mod version;

pub use jsonrpc::{
    ErrorCode, ErrorData, JSONRPC_VERSION, JsonRpcErrorResponse, JsonRpcMessage,
    JsonRpcNotification, JsonRpcRequest, JsonRpcResultResponse, JsonRpcVersion, RequestId,
};
pub use meta::Meta;
pub use version::{Era, ProtocolVersion, UnknownProtocolVersion, negotiate_handshake};
