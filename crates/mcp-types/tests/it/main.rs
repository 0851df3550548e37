//! The protocol types against the official schemas and their examples, in one test binary.

mod examples;
mod schema;
