//! A `redis-server` of the test's own: on a free loopback port, without persistence, in a
//! temporary directory, stopped when dropped.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// What `redis-server` prints once it accepts connections.
const READY: &str = "Ready to accept connections";

/// The `redis-server` binary: `$REDIS_SERVER`, or Debian's `/usr/bin/redis-server`.
pub fn redis_server_binary() -> PathBuf {
    let path = std::env::var_os("REDIS_SERVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/redis-server"));
    assert!(
        path.exists(),
        "redis-server is not installed (expected at {}): run scripts/setup-redis",
        path.display()
    );
    path
}

/// A running `redis-server` that keeps nothing on disk; killed when dropped.
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
    dir: tempfile::TempDir,
}

impl RedisServer {
    /// Starts one on a free loopback port and waits until it accepts connections.
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory for redis-server");
        // A port picked free can be taken before redis-server binds it: try a few.
        let mut last_error = String::new();
        for _ in 0..5 {
            let port = free_port();
            match spawn(port, &dir) {
                Ok(child) => {
                    return Self {
                        child: Some(child),
                        port,
                        dir,
                    };
                }
                Err(error) => last_error = error,
            }
        }
        panic!("redis-server did not start: {last_error}");
    }

    /// The port it listens on (the same across [`restart`](Self::restart)).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `redis://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Kills it (SIGKILL, as a crash would): clients see their connections break.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops it if it runs and starts it again on the same port, empty.
    pub fn restart(&mut self) {
        self.stop();
        let child = spawn(self.port, &self.dir)
            .unwrap_or_else(|e| panic!("redis-server did not restart on its port: {e}"));
        self.child = Some(child);
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
}

/// Starts redis-server on `port` and waits for it to say it is ready; its log, on failure.
fn spawn(port: u16, dir: &tempfile::TempDir) -> Result<Child, String> {
    let mut child = Command::new(redis_server_binary())
        .args(["--port", &port.to_string()])
        .args(["--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .arg("--dir")
        .arg(dir.path())
        .args(["--daemonize", "no", "--logfile", ""])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("could not run {}: {e}", redis_server_binary().display()))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut log = Vec::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains(READY) {
                let _ = tx.send(Ok(()));
                // Keep reading so that redis-server never blocks on a full pipe.
                continue;
            }
            log.push(line);
        }
        let _ = tx.send(Err(log.join("\n")));
    });
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(Ok(())) => Ok(child),
        Ok(Err(log)) => {
            let _ = child.wait();
            Err(format!("redis-server exited on port {port}:\n{log}"))
        }
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            Err(format!(
                "redis-server on port {port} was not ready within 30 s"
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpStream;

    use super::*;

    fn ping(port: u16) -> std::io::Result<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        stream.write_all(b"PING\r\n")?;
        let mut reply = [0u8; 7];
        stream.read_exact(&mut reply)?;
        Ok(String::from_utf8_lossy(&reply).into_owned())
    }

    #[test]
    fn answers_on_its_port_stops_and_restarts_there() {
        let mut redis = RedisServer::start();
        assert_eq!(ping(redis.port()).unwrap(), "+PONG\r\n");
        assert_eq!(redis.url(), format!("redis://127.0.0.1:{}/", redis.port()));
        redis.stop();
        assert!(ping(redis.port()).is_err(), "nothing listens once stopped");
        redis.restart();
        assert_eq!(ping(redis.port()).unwrap(), "+PONG\r\n");
        let port = redis.port();
        drop(redis);
        assert!(ping(port).is_err(), "nothing listens once dropped");
    }
}
