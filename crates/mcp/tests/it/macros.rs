//! Misused macros fail to compile with a message that says what to do.

#[test]
fn misused_macros_fail_to_compile_with_a_message_that_says_what_to_do() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
