//! Benchmarks of the `mcp` crate against peer implementations.
