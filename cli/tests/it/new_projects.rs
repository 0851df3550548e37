//! `mcp new` end to end: the real binary scaffolds each template and preset into a temporary
//! directory, then the project's own build and tests run and `mcp check` passes on it (over
//! stdio, and over HTTP for the HTTP projects, in both protocol eras, with and without the
//! bearer token when auth is on). Snapshots pin the generated trees; the questions are
//! answered through a pseudo-terminal.
//!
//! The Rust projects depend on this workspace's SDK by path (`--sdk-path`) and build into the
//! workspace's target directory with its lock file and its `ci` profile (added to the generated
//! manifest), so most of the SDK's dependencies are found already built by the workspace's
//! build (`mcp check`, `mcp install` and `mcp dev` take `--profile` as cargo does). The Python projects run with the
//! uv of `scripts/setup-peers` and its cache; the TypeScript ones install from the npm
//! registry (through npm's cache) and run on the peers' Node 22.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{peer_node, repo_root, stderr, stdout};

/// The `mcp` binary with the real environment (the builds it starts need the real HOME:
/// cargo's and rustup's homes, npm's cache), colour off.
fn mcp() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mcp"));
    command.env("NO_COLOR", "1").env_remove("MCP_NODE");
    with_tools(&mut command);
    command
}

/// Puts uv (from the peers) on PATH and points it at the shared cache; never lets it download
/// a Python of its own.
fn with_tools(command: &mut Command) -> &mut Command {
    let uv = repo_root().join(".peers/uv/bin");
    assert!(
        uv.join("uv").exists(),
        "uv is not installed at {}: run scripts/setup-peers",
        uv.display()
    );
    let mut path = vec![uv];
    path.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    command
        .env("PATH", std::env::join_paths(path).unwrap())
        .env("UV_CACHE_DIR", repo_root().join(".peers/uv-cache"))
        .env("UV_PYTHON_DOWNLOADS", "never")
        // The workspace's target directory: the SDK and its dependencies built once serve
        // every generated Rust project.
        .env("CARGO_TARGET_DIR", repo_root().join("target"))
}

/// Runs `command`, expecting success; returns its output.
fn run_ok(command: &mut Command, what: &str) -> Output {
    let output = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    assert!(
        output.status.success(),
        "{what} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        stdout(&output),
        stderr(&output)
    );
    output
}

/// `mcp new DIR ARGS --yes --no-git` in a new temporary directory; returns both.
fn scaffold(name: &str, args: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join(name);
    let output = run_ok(
        mcp()
            .arg("new")
            .arg(&dir)
            .args(args)
            .args(["--yes", "--no-git"]),
        "mcp new",
    );
    assert!(
        stdout(&output).contains("mcp install ."),
        "the next steps are printed:\n{}",
        stdout(&output)
    );
    (parent, dir)
}

/// A port free right now on 127.0.0.1.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A server process, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `command` and waits (up to a minute) until it accepts connections on `port`.
fn serve(command: &mut Command, port: u16) -> Server {
    let mut server = Server(
        command
            .stdin(Stdio::null())
            .stdout(Stdio::inherit())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts"),
    );
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Some(status) = server.0.try_wait().unwrap() {
            panic!("the server exited before listening on {port}: {status}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the server did not listen on {port} within 60 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

/// `mcp check` on the HTTP endpoint of a running server, in both eras; with a token, also
/// that a request without it or with a wrong one is refused.
fn check_over_http(port: u16, token: Option<&str>) {
    let url = format!("http://127.0.0.1:{port}/mcp");
    for version in [None, Some("2025-11-25")] {
        let mut check = mcp();
        check.args(["check", &url]);
        if let Some(token) = token {
            check.args(["--bearer-token", token]);
        }
        if let Some(version) = version {
            check.args(["--protocol-version", version]);
        }
        let output = run_ok(&mut check, &format!("mcp check {url} ({version:?})"));
        let report = stdout(&output);
        match version {
            Some(version) => assert!(report.contains(version), "{report}"),
            // Unpinned, the newest version both ends speak: the stateless era.
            None => assert!(report.contains("2026-07-28"), "{report}"),
        }
    }
    if token.is_some() {
        for wrong in [None, Some("wrong-token")] {
            let mut check = mcp();
            check.args(["check", &url]);
            if let Some(wrong) = wrong {
                check.args(["--bearer-token", wrong]);
            }
            let output = check.stdin(Stdio::null()).output().unwrap();
            assert_eq!(
                output.status.code(),
                Some(1),
                "a request with {wrong:?} is refused:\n{}{}",
                stdout(&output),
                stderr(&output)
            );
            assert!(
                format!("{}{}", stdout(&output), stderr(&output)).contains("401"),
                "the refusal is a 401:\n{}{}",
                stdout(&output),
                stderr(&output)
            );
        }
    }
}

/// `mcp check DIR`, over stdio (`--stdio` for the HTTP projects), from the project's directory
/// (where a database server keeps its default `notes.db`).
fn check_dir(dir: &Path, extra: &[&str]) {
    let output = run_ok(
        mcp().arg("check").arg(dir).args(extra).current_dir(dir),
        &format!("mcp check {}", dir.display()),
    );
    assert!(stdout(&output).contains("passed"), "{}", stdout(&output));
}

// ------------------------------------------------------------------------------- Rust ----

/// Builds and tests a generated Rust project as its CI does, then checks it.
fn rust_project(name: &str, args: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let sdk = repo_root().join("crates/mcp");
    let mut all = vec!["--template", "rust", "--sdk-path", sdk.to_str().unwrap()];
    all.extend(args);
    let (parent, dir) = scaffold(name, &all);
    // The workspace's lock and profile: the same versions as the SDK was tested with, most of
    // them already compiled in target/ci.
    std::fs::copy(repo_root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let manifest = dir.join("Cargo.toml");
    let generated = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, generated + &ci_profile()).unwrap();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    run_ok(
        with_tools(&mut Command::new(&cargo))
            .args(["fmt", "--check"])
            .current_dir(&dir),
        "cargo fmt --check",
    );
    let output = run_ok(
        with_tools(&mut Command::new(&cargo))
            .args(["test", "--profile", "ci"])
            .current_dir(&dir),
        "cargo test",
    );
    let log = stderr(&output);
    assert!(
        !log.contains("warning"),
        "the project builds without warnings:\n{log}"
    );
    (parent, dir)
}

/// The workspace's `ci` profile (what scripts/test builds), for a generated project's manifest;
/// the SDK's own crates at the level of the workspace's.
fn ci_profile() -> String {
    let workspace = std::fs::read_to_string(repo_root().join("Cargo.toml")).unwrap();
    let workspace: toml::Table = toml::from_str(&workspace).unwrap();
    let ci = &workspace["profile"]["ci"];
    let own = ci["opt-level"].as_integer().unwrap();
    let mut profile = format!(
        "\n[profile.ci]\ninherits = {:?}\nopt-level = {own}\n\n[profile.ci.package.\"*\"]\nopt-level = {}\n",
        ci["inherits"].as_str().unwrap(),
        ci["package"]["*"]["opt-level"].as_integer().unwrap(),
    );
    for sdk in ["mcp", "mcp-types", "mcp-macros"] {
        profile += &format!("\n[profile.ci.package.{sdk}]\nopt-level = {own}\n");
    }
    profile
}

#[test]
fn rust_minimal_over_stdio_builds_tests_and_checks() {
    let (_parent, dir) = rust_project("hello-rust", &["--preset", "minimal"]);
    check_dir(&dir, &["--profile", "ci"]);
    let entry = install_entry(&dir, &["--profile", "ci"]);
    let binary = repo_root().join("target/ci/hello-rust");
    assert_eq!(entry["command"], binary.to_str().unwrap(), "{entry}");
}

#[test]
fn rust_api_over_http_with_auth_builds_tests_and_checks() {
    let (_parent, dir) = rust_project(
        "api-rust",
        &["--preset", "api", "--transport", "http", "--auth"],
    );
    check_dir(&dir, &["--profile", "ci", "--arg", "--stdio"]);
    let port = free_port();
    let _server = serve(
        Command::new(repo_root().join("target/ci/api-rust"))
            .env("PORT", port.to_string())
            .env("MCP_AUTH_TOKEN", "s3cret"),
        port,
    );
    check_over_http(port, Some("s3cret"));
}

#[test]
fn rust_database_over_http_builds_tests_and_checks() {
    let (_parent, dir) = rust_project(
        "notes-rust",
        &["--preset", "database", "--transport", "http", "--no-auth"],
    );
    check_dir(&dir, &["--profile", "ci", "--arg", "--stdio"]);
    let port = free_port();
    let _server = serve(
        Command::new(repo_root().join("target/ci/notes-rust"))
            .env("PORT", port.to_string())
            .env("DATABASE_PATH", dir.join("notes.db")),
        port,
    );
    check_over_http(port, None);
}

// ----------------------------------------------------------------------------- Python ----

/// Tests a generated Python project as its CI does, then checks it.
fn python_project(name: &str, args: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let mut all = vec!["--template", "python"];
    all.extend(args);
    let (parent, dir) = scaffold(name, &all);
    let output = run_ok(
        with_tools(&mut Command::new("uv"))
            .args(["run", "pytest"])
            .current_dir(&dir),
        "uv run pytest",
    );
    assert!(stdout(&output).contains(" passed"), "{}", stdout(&output));
    (parent, dir)
}

/// What `mcp install DIR --host mcp-json` would write for the project (it prints the entry).
fn install_entry(dir: &Path, extra: &[&str]) -> serde_json::Value {
    let output = run_ok(
        mcp()
            .args(["install", "--host", "mcp-json", "--name", "generated"])
            .arg(dir)
            .args(extra),
        "mcp install --host mcp-json",
    );
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    document["mcpServers"]["generated"].clone()
}

#[test]
fn python_minimal_over_stdio_builds_tests_and_checks() {
    let (_parent, dir) = python_project("hello-python", &["--preset", "minimal"]);
    check_dir(&dir, &[]);
    let entry = install_entry(&dir, &[]);
    assert!(
        entry["command"].as_str().unwrap().ends_with("/uv"),
        "{entry}"
    );
    assert_eq!(
        entry["args"],
        serde_json::json!(["run", "--directory", dir.to_str().unwrap(), "hello-python"])
    );
}

#[test]
fn install_flag_installs_the_dependencies() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("synced");
    let output = run_ok(
        mcp()
            .arg("new")
            .arg(&dir)
            .args(["--template", "python", "--install", "--yes", "--no-git"]),
        "mcp new --install",
    );
    assert!(stderr(&output).contains("uv sync"), "{}", stderr(&output));
    assert!(
        dir.join(".venv/bin/synced").exists(),
        "uv sync installed the project and its script"
    );

    let dir = parent.path().join("built");
    let output = run_ok(
        mcp().arg("new").arg(&dir).args([
            "--template",
            "typescript",
            "--install",
            "--yes",
            "--no-git",
        ]),
        "mcp new --install",
    );
    assert!(
        stderr(&output).contains("npm install"),
        "{}",
        stderr(&output)
    );
    assert!(
        dir.join("node_modules/@modelcontextprotocol/server")
            .is_dir()
    );
    assert!(
        dir.join("dist/src/index.js").is_file(),
        "npm run build compiled the entry point"
    );
    assert!(
        stdout(&output).lines().all(|l| l.trim() != "npm install"),
        "installed: the next steps do not ask for npm install"
    );
}

#[test]
fn python_with_only_a_tool_builds_tests_and_checks() {
    let (_parent, dir) = python_project(
        "tool-python",
        &["--preset", "database", "--capabilities", "tools"],
    );
    let server = std::fs::read_to_string(dir.join("src/tool_python/server.py")).unwrap();
    assert!(server.contains("def search_notes") && !server.contains("@server.resource"));
    check_dir(&dir, &[]);
}

#[test]
fn python_api_over_http_with_auth_builds_tests_and_checks() {
    let (_parent, dir) = python_project(
        "api-python",
        &["--preset", "api", "--transport", "http", "--auth"],
    );
    check_dir(&dir, &["--arg", "--stdio"]);
    let port = free_port();
    let _server = serve(
        Command::new(dir.join(".venv/bin/api-python"))
            .env("PORT", port.to_string())
            .env("MCP_AUTH_TOKEN", "s3cret"),
        port,
    );
    check_over_http(port, Some("s3cret"));
}

#[test]
fn python_database_over_http_builds_tests_and_checks() {
    let (_parent, dir) = python_project(
        "notes-python",
        &["--preset", "database", "--transport", "http"],
    );
    check_dir(&dir, &["--arg", "--stdio"]);
    let port = free_port();
    let _server = serve(
        Command::new(dir.join(".venv/bin/notes-python"))
            .env("PORT", port.to_string())
            .env("DATABASE_PATH", dir.join("notes.db")),
        port,
    );
    check_over_http(port, None);
}

// ------------------------------------------------------------------------- TypeScript ----

/// Installs and tests a generated TypeScript project as its CI does (on Node 22), then
/// checks it.
fn typescript_project(name: &str, args: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let mut all = vec!["--template", "typescript"];
    all.extend(args);
    let (parent, dir) = scaffold(name, &all);
    run_ok(
        Command::new("npm")
            .args(["install", "--no-audit", "--no-fund"])
            .current_dir(&dir),
        "npm install",
    );
    let node_dir = peer_node().parent().unwrap().to_path_buf();
    let mut path = vec![node_dir];
    path.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    let output = run_ok(
        Command::new("npm")
            .arg("test")
            .env("PATH", std::env::join_paths(path).unwrap())
            .current_dir(&dir),
        "npm test",
    );
    assert!(stdout(&output).contains("# fail 0"), "{}", stdout(&output));
    (parent, dir)
}

fn node_arg() -> String {
    peer_node().display().to_string()
}

#[test]
fn typescript_minimal_over_stdio_builds_tests_and_checks() {
    let (_parent, dir) = typescript_project("hello-ts", &["--preset", "minimal"]);
    check_dir(&dir, &["--node", &node_arg()]);
    let entry = install_entry(&dir, &["--node", &node_arg()]);
    assert_eq!(entry["command"], node_arg());
    let main = dir.join("dist/src/index.js");
    assert_eq!(entry["args"], serde_json::json!([main.to_str().unwrap()]));
}

#[test]
fn typescript_api_over_http_with_auth_builds_tests_and_checks() {
    let (_parent, dir) = typescript_project(
        "api-ts",
        &["--preset", "api", "--transport", "http", "--auth"],
    );
    check_dir(&dir, &["--node", &node_arg(), "--arg", "--stdio"]);
    let port = free_port();
    let _server = serve(
        Command::new(peer_node())
            .arg(dir.join("dist/src/index.js"))
            .env("PORT", port.to_string())
            .env("MCP_AUTH_TOKEN", "s3cret"),
        port,
    );
    check_over_http(port, Some("s3cret"));
}

#[test]
fn typescript_database_over_http_builds_tests_and_checks() {
    let (_parent, dir) =
        typescript_project("notes-ts", &["--preset", "database", "--transport", "http"]);
    check_dir(&dir, &["--node", &node_arg(), "--arg", "--stdio"]);
    let port = free_port();
    let _server = serve(
        Command::new(peer_node())
            .arg(dir.join("dist/src/index.js"))
            .env("PORT", port.to_string())
            .env("DATABASE_PATH", dir.join("notes.db")),
        port,
    );
    check_over_http(port, None);
}
