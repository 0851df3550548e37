//! End-to-end tests across crates: interoperability with the official SDKs, the conformance
//! suite, bad input, the FastMcp examples; one module each, in one test binary (linked once
//! instead of once per file).

mod bad_input;
mod conformance_client;
mod conformance_server;
mod event_store;
mod examples_fastmcp;
mod interop_python;
mod interop_typescript;
mod scale_out;
mod stdio_client;
