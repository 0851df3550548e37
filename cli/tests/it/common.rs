//! What the CLI's tests share: the built `mcp` run in a temporary HOME, fixtures, and (from
//! `mcp-test-support`) where the examples and the installed peers are.

use std::borrow::Borrow;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub use mcp_test_support::*;

/// A fixture file under `cli/tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
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
            .env_remove("MCP_UV")
            .env_remove("XDG_CACHE_HOME")
            .env_remove("XDG_DATA_HOME")
            .env_remove("MCP_NODE")
            .env_remove("MCP_BEARER_TOKEN")
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

/// The stdout of a command that must have succeeded; on a failure, its status and both outputs.
pub fn ok(output: impl Borrow<Output>) -> String {
    let output = output.borrow();
    assert!(
        output.status.success(),
        "failed with {:?}\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        stdout(output),
        stderr(output)
    );
    stdout(output)
}
