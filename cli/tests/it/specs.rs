//! Server specs, resolved the same way by every subcommand: Cargo projects, Python files for
//! mcp 1.x and 2.x (found objects, `file.py:object`, `__main__` blocks, uv), JavaScript and
//! TypeScript files, executables, configured names, and specs that cannot be resolved.

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::common::{
    Home, example, fixture, ok, peer_node, peer_python, python_server, repo_root,
    server_everything, stderr, stdout,
};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn write_script(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_cargo_project_is_built_and_its_binary_picked_from_the_manifest() {
    let home = Home::new();
    let project = home.join("cargo-server");
    copy_dir(&fixture("cargo-server"), &project);
    let target = home.join("target");
    // Two binaries: the manifest does not say which one serves.
    let output = home
        .mcp()
        .args(["check", "cargo-server"])
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("has several binaries: cargo-server, other"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("--bin NAME"));
    let out = ok(home
        .mcp()
        .args(["call", "cargo-server", "built", "--bin", "cargo-server"])
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap());
    assert_eq!(out, "built by cargo\n");
    // The Cargo.toml names the project too, and cargo's output stays off stdout.
    let output = home
        .mcp()
        .args([
            "check",
            "--json",
            "cargo-server/Cargo.toml",
            "--bin",
            "cargo-server",
        ])
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("only JSON on stdout");
    assert_eq!(report["passed"], true, "{report:#}");
    assert!(
        report["command"]
            .as_str()
            .unwrap()
            .ends_with("/debug/cargo-server"),
        "{report:#}"
    );
    // A compile error is the server's failure, reported as a step.
    std::fs::write(project.join("src/main.rs"), "fn main() { nope }").unwrap();
    let output = home
        .mcp()
        .args(["check", "cargo-server", "--bin", "cargo-server"])
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("✗ build"), "{}", stdout(&output));
}

#[test]
fn a_virtual_workspace_names_its_members() {
    let home = Home::new();
    home.write(
        "ws/Cargo.toml",
        "[workspace]\nmembers = [\"server\", \"client\"]\nresolver = \"2\"\n",
    );
    for member in ["server", "client"] {
        home.write(
            &format!("ws/{member}/Cargo.toml"),
            &format!("[package]\nname = \"{member}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
        );
        home.write(&format!("ws/{member}/src/main.rs"), "fn main() {}\n");
    }
    let output = home.mcp().args(["tools", "ws"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("a Cargo workspace without a package of its own"),
        "{err}"
    );
    assert!(err.contains("server") && err.contains("client"), "{err}");
}

#[test]
fn mcp_1x_fastmcp_and_2x_mcpserver_files_both_run() {
    let home = Home::new();
    let v1 = repo_root().join(".peers/venv-mcp1/bin/python");
    assert!(
        v1.exists(),
        "the mcp 1.x venv is not installed: run scripts/setup-peers"
    );
    let quickstart = fixture("python/quickstart_v1.py");
    // The README quickstart (mcp 1.x, an object named `mcp`, no __main__ block).
    let out = ok(home
        .mcp()
        .args([
            "call",
            "--python",
            v1.to_str().unwrap(),
            quickstart.to_str().unwrap(),
            "add",
            "a=20",
            "b=22",
        ])
        .output()
        .unwrap());
    assert_eq!(out, "42\n");
    let out = ok(home
        .mcp()
        .args([
            "read",
            "--python",
            v1.to_str().unwrap(),
            quickstart.to_str().unwrap(),
            "greeting://Ada",
        ])
        .output()
        .unwrap());
    assert_eq!(out, "Hello, Ada!\n");
    // The same file with mcp 2.x says which SDK it needs.
    let output = home
        .mcp()
        .args([
            "tools",
            "--python",
            peer_python().to_str().unwrap(),
            quickstart.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("is written for mcp 1.x (it imports mcp.server.fastmcp)"),
        "{}",
        stderr(&output)
    );
    // mcp 2.x, an object named on the command line.
    let object = format!("{}:custom", fixture("python/object_v2.py").display());
    let out = ok(home
        .mcp()
        .args([
            "call",
            "--python",
            peer_python().to_str().unwrap(),
            &object,
            "shout",
            "text=hi",
        ])
        .output()
        .unwrap());
    assert_eq!(out, "HI\n");
    // A file with a __main__ block runs as a script (highlevel_server.py).
    let out = ok(home
        .mcp()
        .args([
            "call",
            "--python",
            peer_python().to_str().unwrap(),
            python_server().to_str().unwrap(),
            "echo",
            "message=main",
        ])
        .output()
        .unwrap());
    assert_eq!(out, "main\n");
    // MCP_PYTHON does what --python does.
    let out = ok(home
        .mcp()
        .args(["call", &object, "shout", "text=env"])
        .env("MCP_PYTHON", peer_python())
        .output()
        .unwrap());
    assert_eq!(out, "ENV\n");
}

#[test]
fn python_files_without_a_server_or_with_a_wrong_object_say_so() {
    let home = Home::new();
    let python = peer_python();
    let output = home
        .mcp()
        .args([
            "tools",
            "--python",
            python.to_str().unwrap(),
            fixture("python/no_server.py").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("no server object found"),
        "{}",
        stderr(&output)
    );
    let object = format!("{}:missing", fixture("python/object_v2.py").display());
    let output = home
        .mcp()
        .args(["tools", "--python", python.to_str().unwrap(), &object])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("has no object named 'missing'"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn with_uv_on_path_each_file_gets_the_sdk_major_version_it_imports() {
    let home = Home::new();
    // A stand-in for uv that records its arguments and runs what follows `python` with the
    // interpreter of the matching venv (what `uv run --with mcp<2` would set up).
    let log = home.join("uv.log");
    let v1 = repo_root().join(".peers/venv-mcp1/bin/python");
    let v2 = peer_python();
    let uv = format!(
        "#!/bin/sh\nprintf '%s|' \"$@\" | tr '\\n' ' ' >> '{log}'\necho >> '{log}'\ncase \"$*\" in *'mcp>=1.2,<2'*) py='{v1}' ;; *) py='{v2}' ;; esac\nwhile [ \"$1\" != python ]; do shift; done\nshift\nexec \"$py\" \"$@\"\n",
        log = log.display(),
        v1 = v1.display(),
        v2 = v2.display()
    );
    write_script(&home.join("bin/uv"), &uv);
    let path = format!(
        "{}:{}",
        home.join("bin").display(),
        std::env::var("PATH").unwrap()
    );
    let quickstart = fixture("python/quickstart_v1.py");
    let out = ok(home
        .mcp()
        .args([
            "call",
            quickstart.to_str().unwrap(),
            "add",
            "a=1",
            "b=2",
            "--with",
            "pandas",
        ])
        .env("PATH", &path)
        .output()
        .unwrap());
    assert_eq!(out, "3\n");
    let object = format!("{}:custom", fixture("python/object_v2.py").display());
    let out = ok(home
        .mcp()
        .args(["call", &object, "shout", "text=uv"])
        .env("PATH", &path)
        .output()
        .unwrap());
    assert_eq!(out, "UV\n");
    let log = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert!(
        lines[0].starts_with("run|--quiet|--with|mcp>=1.2,<2|--with|pandas|python|-c|"),
        "{log}"
    );
    assert!(
        lines[0].ends_with(&format!("|object|{}||", quickstart.display())),
        "{log}"
    );
    assert!(
        lines[1].starts_with("run|--quiet|--with|mcp>=2,<3|python|-c|"),
        "{log}"
    );
    assert!(lines[1].ends_with("/object_v2.py|custom|"), "{log}");
    // --python runs the interpreter itself: --with, which needs uv, cannot be honoured.
    let output = home
        .mcp()
        .args([
            "tools",
            quickstart.to_str().unwrap(),
            "--with",
            "pandas",
            "--python",
            v1.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--with and --with-editable need uv"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn javascript_typescript_and_executables() {
    let home = Home::new();
    let node = peer_node();
    let everything = server_everything();
    let out = ok(home
        .mcp()
        .args([
            "call",
            "--node",
            node.to_str().unwrap(),
            "--arg",
            "stdio",
            everything.to_str().unwrap(),
            "echo",
            "message=js",
        ])
        .output()
        .unwrap());
    assert_eq!(out, "Echo: js\n");
    // A .ts file runs with tsx when it is on PATH (a stand-in here, running the file with node).
    home.write(
        "server.ts",
        &format!("import({:?});\n", everything.display().to_string()),
    );
    write_script(
        &home.join("bin/tsx"),
        &format!("#!/bin/sh\nexec '{}' \"$@\"\n", node.display()),
    );
    let path = format!(
        "{}:{}",
        home.join("bin").display(),
        std::env::var("PATH").unwrap()
    );
    let out = ok(home
        .mcp()
        .args(["call", "server.ts", "--arg", "stdio", "echo", "message=ts"])
        .env("PATH", &path)
        .output()
        .unwrap());
    assert_eq!(out, "Echo: ts\n");
    // An executable file is run as it is.
    let out = ok(home
        .mcp()
        .args([
            "call",
            example("lowlevel").to_str().unwrap(),
            "tool-name",
            "arg1=x",
        ])
        .output()
        .unwrap());
    assert!(!out.is_empty());
    // A file that is neither.
    home.write("notes.txt", "hello");
    let output = home.mcp().args(["tools", "notes.txt"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("chmod +x notes.txt"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn configured_names_are_found_in_config_files() {
    let home = Home::new();
    let lowlevel = example("lowlevel").display().to_string();
    home.write("servers.json", &format!("{{\"mcpServers\": {{\"low\": {{\"command\": {lowlevel:?}, \"env\": {{\"X\": \"1\"}}}}}}}}"));
    let out = ok(home
        .mcp()
        .args(["tools", "low", "--config", "servers.json"])
        .output()
        .unwrap());
    assert!(out.contains("tool-name"), "{out}");
    // VS Code's `servers` with comments, and Goose's YAML `extensions`.
    home.write("vscode.json", &format!("{{\n // mine\n \"servers\": {{\"low\": {{\"type\": \"stdio\", \"command\": {lowlevel:?}}}}}\n}}"));
    ok(home
        .mcp()
        .args(["tools", "low", "--config", "vscode.json"])
        .output()
        .unwrap());
    home.write(
        "goose.yaml",
        &format!("extensions:\n  low:\n    type: stdio\n    cmd: {lowlevel}\n    args: []\n"),
    );
    ok(home
        .mcp()
        .args(["tools", "low", "--config", "goose.yaml"])
        .output()
        .unwrap());
    // Without --config: the project's .mcp.json, once the user agreed to run its command.
    home.write(
        ".mcp.json",
        &format!("{{\"mcpServers\": {{\"proj\": {{\"command\": {lowlevel:?}}}}}}}"),
    );
    ok(home
        .mcp()
        .args(["tools", "proj", "--trust-project"])
        .output()
        .unwrap());
    // An unknown name lists what the file has.
    let output = home
        .mcp()
        .args(["tools", "nope", "--config", "servers.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no server `nope` in servers.json (it has: low)"),
        "{}",
        stderr(&output)
    );
    // A remote entry is reached over Streamable HTTP.
    let server = common::lowlevel_over_http();
    home.write(
        "remote.json",
        &format!(
            "{{\"mcpServers\": {{\"r\": {{\"type\": \"http\", \"url\": {:?}}}}}}}",
            server.url("/mcp")
        ),
    );
    let out = ok(home
        .mcp()
        .args(["tools", "r", "--config", "remote.json"])
        .output()
        .unwrap());
    assert!(out.contains("tool-name"), "{out}");
}

#[test]
fn unresolvable_specs_say_what_was_tried() {
    let home = Home::new();
    let output = home
        .mcp()
        .args(["tools", "./missing/server.py"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no file or directory named `./missing/server.py`"),
        "{}",
        stderr(&output)
    );
    std::fs::create_dir(home.join("empty")).unwrap();
    let output = home.mcp().args(["tools", "empty"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("not a Cargo project"),
        "{}",
        stderr(&output)
    );
    let output = home
        .mcp()
        .args(["tools", "x.py", "--", "python3"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("not both"), "{}", stderr(&output));
    let output = home.mcp().args(["tools"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no server given"),
        "{}",
        stderr(&output)
    );
}
