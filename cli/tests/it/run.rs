//! `mcp run`: the server gets this process's stdin/stdout, its exit code is ours, and signals
//! reach it.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::{Home, example, peer_python, python_server};

fn spawn(home: &Home, args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_mcp"))
        .arg("run")
        .args(args)
        .env("HOME", home.path())
        .current_dir(home.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn handshake(child: &mut std::process::Child) -> serde_json::Value {
    let mut stdin = child.stdin.take().unwrap();
    writeln!(
        stdin,
        r#"{{"jsonrpc":"2.0","id":1,"method":"initialize","params":{{"protocolVersion":"2025-11-25","capabilities":{{}},"clientInfo":{{"name":"t","version":"1"}}}}}}"#
    )
    .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    drop(stdin);
    serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
}

#[test]
fn the_server_speaks_on_our_stdin_and_stdout() {
    let home = Home::new();
    let mut child = spawn(&home, &[example("lowlevel").to_str().unwrap()]);
    let answer = handshake(&mut child);
    assert_eq!(answer["id"], 1);
    assert_eq!(answer["result"]["serverInfo"]["name"], "example-server");
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_python_file_runs_through_the_launcher() {
    let home = Home::new();
    let python = peer_python();
    let mut child = spawn(
        &home,
        &[
            "--python",
            python.to_str().unwrap(),
            python_server().to_str().unwrap(),
        ],
    );
    let answer = handshake(&mut child);
    assert_eq!(answer["result"]["serverInfo"]["name"], "python-highlevel");
    assert!(child.wait().unwrap().success());
}

#[test]
fn the_exit_code_is_the_servers() {
    let home = Home::new();
    let status = Command::new(env!("CARGO_BIN_EXE_mcp"))
        .args(["run", "--", "sh", "-c", "exit 7"])
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(7));
    drop(home);
}

#[test]
fn signals_reach_the_server() {
    use std::os::unix::process::ExitStatusExt;
    let home = Home::new();
    // The server turns SIGTERM into exit code 42: that is what we must see.
    let mut child = spawn(
        &home,
        &[
            "--",
            "sh",
            "-c",
            "trap 'exit 42' TERM; echo ready; while :; do sleep 0.05; done",
        ],
    );
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line, "ready\n");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(42), "{status:?}");
    // One that does not handle it dies of it, and so do we.
    let mut child = spawn(&home, &["--", "sleep", "30"]);
    std::thread::sleep(Duration::from_millis(200));
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    assert_eq!(child.wait().unwrap().signal(), Some(15));
}

#[test]
fn an_unresolvable_spec_is_a_usage_error() {
    let home = Home::new();
    let output = home
        .mcp()
        .args(["run", "nothing-here.py"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}
