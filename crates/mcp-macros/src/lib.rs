//! Procedural macros for the `mcp` crate.
