//! The compile-fail cases of the `mcp` macros live in `tests/ui/` and run from
//! `tests/compile_fail.rs`; this crate has no code of its own.
