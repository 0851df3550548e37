//! One request at a time: `mcp call`, `mcp tools`, `mcp resources`, `mcp read`, `mcp prompts`,
//! `mcp get-prompt`, against our example server, the Python SDK's server and
//! server-everything; human output by default and `--json`.

use crate::common::{
    Home, example, ok, peer_node, peer_python, python_server, server_everything, stderr, stdout,
};
use serde_json::Value;

/// `mcp SUBCOMMAND --python VENV ARGS... highlevel_server.py` style invocations.
fn python_args(args: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = vec!["--python".into(), peer_python().display().to_string()];
    out.extend(args.iter().map(|s| s.to_string()));
    out
}

fn run(home: &Home, subcommand: &str, args: &[String]) -> std::process::Output {
    home.mcp().arg(subcommand).args(args).output().unwrap()
}

#[test]
fn call_types_arguments_by_the_tools_schema() {
    let home = Home::new();
    let server = python_server().display().to_string();
    let text = ok(run(
        &home,
        "call",
        &python_args(&[&server, "add", "a=2", "b=40"]),
    ));
    assert_eq!(text.trim(), "42");
    // A string parameter keeps digits as a string.
    let text = ok(run(
        &home,
        "call",
        &python_args(&[&server, "echo", "message=007"]),
    ));
    assert_eq!(text.trim(), "007");
    let json: Value = serde_json::from_str(&ok(run(
        &home,
        "call",
        &python_args(&["--json", &server, "add", "--args", "{\"a\": 1, \"b\": 1}"]),
    )))
    .unwrap();
    assert_eq!(json["content"][0]["text"], "2");
    assert_eq!(json["structuredContent"]["result"], 2);
}

#[test]
fn call_shows_progress_and_logs_on_stderr_and_keeps_stdout_clean() {
    let home = Home::new();
    let server = python_server().display().to_string();
    let output = run(
        &home,
        "call",
        &python_args(&["--log-level", "debug", &server, "long_task", "steps=3"]),
    );
    let out = ok(&output);
    let err = stderr(&output);
    assert!(err.contains("progress 1/3"), "{err}");
    assert!(err.contains("progress 3/3"), "{err}");
    assert!(err.contains("log [info]"), "{err}");
    assert!(!out.contains("progress"), "{out}");
    assert!(out.trim_end().lines().count() >= 1, "{out}");
    // --quiet hides all of it.
    let output = run(
        &home,
        "call",
        &python_args(&["-q", &server, "long_task", "steps=2"]),
    );
    ok(&output);
    assert!(!stderr(&output).contains("progress"), "{}", stderr(&output));
}

#[test]
fn call_errors_say_what_to_do() {
    let home = Home::new();
    let server = python_server().display().to_string();
    let output = run(&home, "call", &python_args(&[&server, "nope"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("the server has no tool `nope`; it has: add, echo"),
        "{}",
        stderr(&output)
    );
    let output = run(
        &home,
        "call",
        &python_args(&[&server, "add", "a=two", "b=1"]),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("the tool wants integer for `a`"),
        "{}",
        stderr(&output)
    );
    let output = run(&home, "call", &python_args(&[&server, "add", "oops"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("`oops` is not KEY=VALUE"));
}

#[test]
fn call_a_tool_that_reports_an_error_exits_1() {
    let home = Home::new();
    let node = peer_node().display().to_string();
    let everything = server_everything().display().to_string();
    let output = home
        .mcp()
        .args([
            "call",
            "trigger-long-running-operation",
            "--args",
            "{\"duration\": \"x\"}",
            "--",
            &node,
            &everything,
            "stdio",
        ])
        .output()
        .unwrap();
    // A malformed argument is the server's to reject; it answers with isError or a JSON-RPC error.
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
}

#[test]
fn call_works_with_a_command_after_double_dash() {
    let home = Home::new();
    let node = peer_node().display().to_string();
    let everything = server_everything().display().to_string();
    let output = home
        .mcp()
        .args([
            "call",
            "echo",
            "message=hello there",
            "--",
            &node,
            &everything,
            "stdio",
        ])
        .output()
        .unwrap();
    assert_eq!(ok(&output).trim(), "Echo: hello there");
}

#[test]
fn tools_lists_names_parameters_and_descriptions() {
    let home = Home::new();
    let lowlevel = example("lowlevel").display().to_string();
    let text = ok(run(&home, "tools", std::slice::from_ref(&lowlevel)));
    insta::assert_snapshot!(text);
    let json: Value =
        serde_json::from_str(&ok(run(&home, "tools", &["--json".into(), lowlevel]))).unwrap();
    assert_eq!(json["tools"].as_array().unwrap().len(), 3);
}

#[test]
fn resources_and_templates_are_listed() {
    let home = Home::new();
    let server = python_server().display().to_string();
    let text = ok(run(&home, "resources", &python_args(&[&server])));
    assert!(text.contains("config://app"), "{text}");
    assert!(text.contains("templates:\ngreeting://{name}"), "{text}");
    let json: Value = serde_json::from_str(&ok(run(
        &home,
        "resources",
        &python_args(&["--json", &server]),
    )))
    .unwrap();
    assert_eq!(json["resources"][0]["uri"], "config://app");
    assert_eq!(
        json["resourceTemplates"][0]["uriTemplate"],
        "greeting://{name}"
    );
}

#[test]
fn read_prints_text_contents() {
    let home = Home::new();
    let server = python_server().display().to_string();
    let text = ok(run(
        &home,
        "read",
        &python_args(&[&server, "greeting://Ada"]),
    ));
    assert_eq!(text, "Hello, Ada!\n");
    let json: Value = serde_json::from_str(&ok(run(
        &home,
        "read",
        &python_args(&["--json", &server, "config://app"]),
    )))
    .unwrap();
    assert_eq!(json["contents"][0]["mimeType"], "application/json");
}

#[test]
fn read_writes_binary_contents_to_a_redirected_stdout() {
    let home = Home::new();
    let node = peer_node().display().to_string();
    let everything = server_everything().display().to_string();
    let output = home
        .mcp()
        .args([
            "read",
            "demo://resource/dynamic/blob/1",
            "--",
            &node,
            &everything,
            "stdio",
        ])
        .output()
        .unwrap();
    let bytes = output.stdout.clone();
    ok(&output);
    assert!(!bytes.is_empty());
}

#[test]
fn prompts_and_get_prompt() {
    let home = Home::new();
    let server = python_server().display().to_string();
    let text = ok(run(&home, "prompts", &python_args(&[&server])));
    assert!(text.contains("review_code(code)"), "{text}");
    assert!(text.contains("debug_error(error)"), "{text}");
    let text = ok(run(
        &home,
        "get-prompt",
        &python_args(&[&server, "debug_error", "error=boom"]),
    ));
    assert!(
        text.contains("user:\nI'm seeing this error:\n\nboom\nassistant:\n"),
        "{text}"
    );
    let json: Value = serde_json::from_str(&ok(run(
        &home,
        "get-prompt",
        &python_args(&["--json", &server, "review_code", "code=x=1"]),
    )))
    .unwrap();
    assert!(
        json["messages"][0]["content"]["text"]
            .as_str()
            .unwrap()
            .ends_with("x=1")
    );
}

#[test]
fn our_example_server_answers_each_request() {
    let home = Home::new();
    let lowlevel = example("lowlevel").display().to_string();
    let text = ok(run(
        &home,
        "call",
        &[lowlevel.clone(), "tool-name".into(), "arg1=x".into()],
    ));
    assert!(!text.trim().is_empty());
    let text = ok(run(&home, "prompts", std::slice::from_ref(&lowlevel)));
    assert!(text.contains("example-prompt"), "{text}");
    let text = ok(run(&home, "resources", &[lowlevel]));
    assert!(text.contains("file://some/path"), "{text}");
}

#[test]
fn text_a_server_sends_cannot_drive_the_terminal() {
    // server-everything echoes what it is given: a title change, a colour, a carriage return
    // and a C1 control sequence introducer reach the output only as harmless text.
    let home = Home::new();
    let node = peer_node().display().to_string();
    let everything = server_everything().display().to_string();
    let hostile = "\u{1b}]0;pwned\u{7}\u{1b}[31mred\u{1b}[0m\rover\u{9b}2Jend";
    let call = |json: bool| {
        let mut command = home.mcp();
        command.args(["call", "echo", &format!("message={hostile}")]);
        if json {
            command.arg("--json");
        }
        command
            .args(["--", &node, &everything, "stdio"])
            .output()
            .unwrap()
    };
    let out = ok(call(false));
    assert_eq!(out.trim(), "Echo: redover2Jend", "{out:?}");
    // JSON keeps the exact text, every control escaped.
    let out = ok(call(true));
    assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
    let value: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        value["content"][0]["text"],
        format!("Echo: {hostile}"),
        "{out}"
    );
}
