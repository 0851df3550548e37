//! `mcp call --task`: the conformance `everything` example runs the call as a task, in both
//! protocol eras; the CLI follows it (its status on stderr), prints the result, and says so
//! when a server has no tasks or answers at once.

use crate::common::{Home, example, stderr, stdout};

/// `mcp call ARGS... -- everything --stdio`.
fn call(home: &Home, args: &[&str]) -> std::process::Output {
    let everything = example("everything");
    home.mcp()
        .arg("call")
        .args(args)
        .arg("--")
        .arg(everything)
        .arg("--stdio")
        .output()
        .unwrap()
}

#[test]
fn a_task_is_followed_to_its_result_in_both_eras() {
    let home = Home::new();
    for version in ["2025-11-25", "2026-07-28"] {
        let output = call(
            &home,
            &[
                "--task",
                "--protocol-version",
                version,
                "slow_compute",
                "seconds=2",
                "label=demo",
            ],
        );
        let (out, err) = (stdout(&output), stderr(&output));
        assert!(output.status.success(), "{version}\n{out}\n{err}");
        assert_eq!(
            out.trim(),
            "demo: computed for 2 seconds",
            "{version}\n{err}"
        );
        assert!(err.contains("task working"), "{version}: {err}");
        assert!(
            err.contains("computed 1 of 2 seconds"),
            "{version}: progress: {err}"
        );
        assert!(err.contains("task completed"), "{version}: {err}");
    }
}

#[test]
fn tool_errors_tasks_refused_and_immediate_answers_are_told_apart() {
    let home = Home::new();
    // The task completes with the tool's error: exit 1, the error printed.
    let output = call(&home, &["--task", "failing_job"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("the job failed"),
        "{}",
        stdout(&output)
    );
    assert!(stderr(&output).contains("reported an error"));

    // A tool that only runs as a task, called without --task: the server's -32021.
    let output = call(&home, &["failing_job"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("capability"),
        "{}",
        stderr(&output)
    );

    // A tool that never runs as a task answers at once.
    let output = call(&home, &["--task", "greet", "name=Ada"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).trim(), "Hello, Ada!");
    assert!(
        stderr(&output).contains("without a task"),
        "{}",
        stderr(&output)
    );

    // A protocol error ends the task as failed.
    let output = call(&home, &["--task", "protocol_error_job"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("worker crashed"),
        "{}",
        stderr(&output)
    );

    // A server without the extension: a usage error that says what to do.
    let lowlevel = example("lowlevel");
    let output = home
        .mcp()
        .args([
            "call",
            "--task",
            lowlevel.to_str().unwrap(),
            "tool-name",
            "arg1=x",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("does not support tasks"),
        "{}",
        stderr(&output)
    );
}
