//! Benchmarks of the `mcp` crate against peer implementations.
//!
//! # The stdio echo benchmark
//!
//! `cargo bench -p mcp-bench --bench stdio` starts each server of a list as a
//! child process, talks MCP to it over its stdin/stdout like a client would,
//! keeps K `tools/call` requests of an `echo` tool in flight (K = 1 and 32 by
//! default) and reports, per server and K, requests per second, p50/p99
//! latency, the server's peak RSS and CPU per request, plus the ratios between
//! servers measured in the same run. See `bench/README.md` for how to run it,
//! its settings and figures.
//!
//! - [`stdio_driver`]: the driver (one server, one K, one measurement); no MCP
//!   library, hand-written framing, one or two threads.
//! - [`report`]: the table, the ratios and the JSON report.
//! - [`harness`]: what the stdio and HTTP benchmarks share (settings, the quietest of
//!   several attempts, the report file).
//! - [`process`]: child process guard, binary lookup, `/proc` figures.
//! - The servers are binaries of this crate: `mcp-echo` (this SDK's low-level
//!   server, [`echo::Echo`]), `raw-echo` (no MCP library, the floor; `--tokio` runs the same
//!   loop on tokio, the floor of an async server), `rmcp-echo stdio|pipes` (the
//!   official Rust SDK, [`echo::RmcpEcho`]).
//!
//! # The Streamable HTTP echo benchmark
//!
//! `cargo bench -p mcp-bench --bench http` does the same over Streamable HTTP
//! ([`http_driver`]): keep-alive HTTP/1.1 connections to each server's `/mcp`,
//! one `tools/call` in flight on each, in the stateless era (K connections)
//! and in the handshake era (S sessions), for `mcp-http-echo` (this SDK) and
//! `rmcp-http-echo` (rmcp's Streamable HTTP server).
//!
//! # Memory per idle session
//!
//! `cargo bench -p mcp-bench --bench sessions` opens 2000 idle sessions over
//! in-memory pipes, in a fresh process per implementation, and reports the
//! resident memory each one adds.
//!
//! # Idle sessions over HTTP
//!
//! `cargo bench -p mcp-bench --bench idle_http` opens 10 000 handshake-era
//! sessions over HTTP to an `HttpServer` in a child process, leaves them idle
//! until its idle timeout closes them, and reports the server's resident memory
//! before, at the peak and after, for two rounds.
//!
//! # Adding a server
//!
//! Write a binary in `bench/src/bin/` (or use any executable) that serves MCP
//! over stdio with one tool `echo(message: string)` answering
//! `{"content":[{"type":"text","text":<message>}]}` and exits on EOF, then add
//! one [`stdio_driver::ServerSpec`] line to `servers()` in
//! `bench/benches/stdio.rs`, at the place marked for the `mcp` crate's own
//! servers, locating the binary with [`process::locate_binary`] and
//! `option_env!("CARGO_BIN_EXE_<name>")`.

pub mod echo;
pub mod harness;
pub mod http_driver;
pub mod process;
pub mod report;
pub mod stdio_driver;
