//! Misused macros fail to compile with a message that says what to do.
//!
//! Each case under `tests/ui/` is compiled against `mcp` with only its `fastmcp` feature (the
//! macros need no more), so the check builds a small part of the dependency tree.

#[test]
fn misused_macros_fail_to_compile_with_a_message_that_says_what_to_do() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
