//! Shared pieces of the `mcp dev` tests: the command started on a free port (stopped with
//! Ctrl-C when dropped, so it stops its server too), raw HTTP requests with any headers, and
//! headless Chromium driven through chromedriver.

#![allow(dead_code)]

pub mod browser;
pub mod oauth;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `mcp dev --no-open`.
pub struct Dev {
    child: Child,
    /// The URL it printed, with the token.
    pub url: String,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// `127.0.0.1:PORT`.
    pub host: String,
    /// The token.
    pub token: String,
    /// Everything it printed on stdout and stderr so far.
    pub output: Arc<Mutex<String>>,
}

impl Dev {
    /// Starts `mcp dev --no-open ARGS` in `dir` and waits for its URL.
    pub fn start(dir: &Path, args: &[&str]) -> Self {
        Self::start_with(dir, args, |_| {})
    }

    /// Like [`start`](Self::start), letting `configure` change the command first.
    pub fn start_with(dir: &Path, args: &[&str], configure: impl FnOnce(&mut Command)) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_mcp"));
        command
            .arg("dev")
            .arg("--no-open")
            .args(args)
            .current_dir(dir)
            .env("HOME", dir)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        configure(&mut command);
        let mut child = command.spawn().expect("mcp dev starts");
        let output = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let sink = output.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&format!("{line}\n"));
                if let Some(at) = line.find("http://").filter(|_| line.contains("#token=")) {
                    let _ = tx.send(line[at..].trim().to_owned());
                }
            }
        });
        let sink = output.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&format!("{line}\n"));
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| {
                panic!(
                    "mcp dev printed no URL within a minute; it printed:\n{}",
                    output.lock().unwrap()
                )
            });
        let (base, token) = url.split_once("/#token=").expect("the URL holds the token");
        let host = base.trim_start_matches("http://").to_owned();
        Self {
            child,
            base: base.to_owned(),
            host,
            token: token.to_owned(),
            url,
            output,
        }
    }

    /// What it printed so far.
    pub fn printed(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// An HTTP request with the token.
    pub fn api(&self, method: &str, path: &str, body: Option<&str>) -> Response {
        let auth = format!("Bearer {}", self.token);
        let mut headers = vec![("Authorization", auth.as_str())];
        if body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        http(&self.host, method, path, &headers, body)
    }

    /// Posts JSON to the API and parses the JSON answer.
    pub fn post(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        let response = self.api("POST", path, Some(&body.to_string()));
        serde_json::from_str(&response.body).unwrap_or_else(|e| {
            panic!(
                "POST {path}: not JSON ({e}): {} {}",
                response.status, response.body
            )
        })
    }

    /// Waits until `GET /api/state` says connected, and returns the state.
    pub fn wait_connected(&self) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let state: serde_json::Value =
                serde_json::from_str(&self.api("GET", "/api/state", None).body).unwrap();
            if state["status"]["state"] == "connected" {
                return state;
            }
            assert!(
                Instant::now() < deadline,
                "not connected after a minute: {state}\n{}",
                self.printed()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Follows the event stream (its replayed history first) until `wanted` accepts an
    /// event, and returns that event.
    pub fn wait_event(
        &self,
        what: &str,
        wanted: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let mut stream = TcpStream::connect(&self.host).expect("the inspector listens");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        // HTTP/1.0: the stream comes unchunked, one `data:` line per event.
        write!(
            stream,
            "GET /api/events HTTP/1.0\r\nHost: {}\r\nAuthorization: Bearer {}\r\n\r\n",
            self.host, self.token
        )
        .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut seen = Vec::new();
        for line in BufReader::new(stream).lines() {
            let line = line.unwrap_or_else(|e| panic!("no {what} in the events ({e}): {seen:#?}"));
            let Some(data) = line.strip_prefix("data:") else {
                continue;
            };
            let event: serde_json::Value = serde_json::from_str(data.trim()).unwrap();
            if wanted(&event) {
                return event;
            }
            seen.push(event);
            assert!(
                Instant::now() < deadline,
                "no {what} in the events: {seen:#?}"
            );
        }
        panic!("the event stream ended without {what}: {seen:#?}")
    }

    /// Stops it with Ctrl-C (SIGINT) and waits for it to exit; its exit status.
    pub fn stop(&mut self) -> std::process::ExitStatus {
        #[cfg(unix)]
        {
            use nix::sys::signal::{Signal, kill};
            use nix::unistd::Pid;
            let _ = kill(Pid::from_raw(self.child.id() as i32), Signal::SIGINT);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                return self.child.wait().unwrap();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Dev {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            self.stop();
        }
    }
}

/// An HTTP response: status, headers (lower-case names), body.
#[derive(Debug)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The headers.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

impl Response {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one HTTP/1.1 request to `host` (`127.0.0.1:PORT`) with exactly these headers
/// (`Host` defaults to `host`), and reads the whole answer.
pub fn http(
    host: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Response {
    let mut stream = TcpStream::connect(host).expect("the inspector listens");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        request.push_str(&format!("Host: {host}\r\n"));
    }
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    let body = body.unwrap_or("");
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {text}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_owned()
    };
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut text: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = text.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        text = rest[size..].trim_start_matches("\r\n");
    }
    out
}
