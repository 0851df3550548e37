//! What one client cannot do to an HTTP server: reach it under a rebound host name, hold
//! connections open by sending slowly, open more connections than the cap, make it pile up
//! messages it does not read, or keep an unused session forever. Raw TCP, so that nothing on
//! the client side smooths the misbehaviour over; short limits, so that the tests are fast.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use mcp::http_server::{HttpServer, HttpServerBuilder, ResponseMode};
use mcp::server::{RequestContext, Server, ServerHandler};
use mcp::types::*;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const PATIENCE: Duration = Duration::from_secs(20);

struct Tools;

#[mcp::server_handler]
impl ServerHandler for Tools {
    async fn list_tools(
        &self,
        _: PaginatedRequestParams,
        _: RequestContext,
    ) -> mcp::Result<ListToolsResult> {
        Ok(ListToolsResult::new(vec![
            Tool::without_input("echo"),
            Tool::without_input("flood"),
        ]))
    }

    async fn call_tool(
        &self,
        params: CallToolRequestParams,
        cx: RequestContext,
    ) -> mcp::Result<CallToolResult> {
        match params.name.as_str() {
            "echo" => Ok(CallToolResult::text("echo")),
            // Progress notifications of 4 KiB each, as fast as they can be sent.
            "flood" => {
                let count = params
                    .arguments
                    .as_ref()
                    .and_then(|a| a.get("count"))
                    .and_then(Value::as_u64)
                    .unwrap_or(1);
                let message = "x".repeat(4096);
                for i in 0..count {
                    // A stream the client dropped is no error for the handler.
                    let _ = cx.report_progress(i as f64, None, Some(&message));
                }
                Ok(CallToolResult::text("flooded"))
            }
            other => Err(ErrorData::invalid_params(format!("Unknown tool: {other}")).into()),
        }
    }
}

fn builder() -> HttpServerBuilder<Tools> {
    HttpServer::builder(Server::builder("limits", Tools).build())
}

/// Serves on `bind` (port 0); the address to connect to (on loopback) and the server.
async fn serve(bind: &str, builder: HttpServerBuilder<Tools>) -> (SocketAddr, HttpServer<Tools>) {
    let listener = TcpListener::bind(bind).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let http = builder.build();
    let serving = http.clone();
    tokio::spawn(async move {
        serving
            .serve(listener, serving.router(), std::future::pending())
            .await
            .unwrap();
    });
    (SocketAddr::from(([127, 0, 0, 1], port)), http)
}

/// A stateless-era `tools/call` of `echo`, as a whole HTTP/1.1 request.
fn echo_request(host: &str, origin: Option<&str>) -> String {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {
        "name": "echo", "arguments": {}, "_meta": {
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {}}}})
    .to_string();
    let origin = origin
        .map(|o| format!("origin: {o}\r\n"))
        .unwrap_or_default();
    format!(
        "POST /mcp HTTP/1.1\r\nhost: {host}\r\n{origin}content-type: application/json\r\n\
         accept: application/json, text/event-stream\r\nmcp-protocol-version: 2026-07-28\r\n\
         mcp-method: tools/call\r\nmcp-name: echo\r\nconnection: close\r\n\
         content-length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// Sends `request` on a fresh connection and reads the whole answer.
async fn exchange(addr: SocketAddr, request: &str) -> String {
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(PATIENCE, tcp.read_to_end(&mut answer))
        .await
        .expect("an answer in time")
        .unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

fn status(answer: &str) -> u16 {
    answer
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebound_host_is_refused_on_a_public_interface() {
    let (addr, _http) = serve("0.0.0.0:0", builder().server_names(["mcp.example.test"])).await;
    let port = addr.port();
    // What a page of rebind.example sends once its name resolves to this machine.
    let rebound = format!("rebind.example:{port}");
    let answer = exchange(
        addr,
        &echo_request(&rebound, Some(&format!("http://{rebound}"))),
    )
    .await;
    assert_eq!(status(&answer), 403, "{answer}");
    assert!(answer.contains("rebind.example"), "{answer}");
    assert_eq!(
        status(&exchange(addr, &echo_request(&rebound, None)).await),
        403
    );
    // IP addresses cannot be rebound; the name given explicitly is the operator's.
    for host in [
        format!("127.0.0.1:{port}"),
        format!("192.0.2.10:{port}"),
        format!("[2001:db8::1]:{port}"),
        format!("mcp.example.test:{port}"),
        format!("localhost:{port}"),
    ] {
        let answer = exchange(addr, &echo_request(&host, Some(&format!("http://{host}")))).await;
        assert_eq!(status(&answer), 200, "{host}: {answer}");
    }

    // On loopback, a loopback address is decided from the address, not its spelling.
    let (addr, _http) = serve("127.0.0.1:0", builder()).await;
    let port = addr.port();
    for (host, expected) in [
        (format!("127.0.0.2:{port}"), 200),
        (format!("[::1]:{port}"), 200),
        (format!("192.0.2.10:{port}"), 403),
        (format!("rebind.example:{port}"), 403),
    ] {
        let answer = exchange(addr, &echo_request(&host, None)).await;
        assert_eq!(status(&answer), expected, "{host}: {answer}");
    }
}

/// Waits until the server closes `tcp`, feeding it `drip` every `every` meanwhile; how long
/// that took.
async fn cut_off_while_dripping(tcp: &mut TcpStream, drip: &[u8], every: Duration) -> Duration {
    let started = Instant::now();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    tokio::time::timeout(PATIENCE, async {
        loop {
            tokio::select! {
                read = tcp.read(&mut buf) => match read {
                    Ok(0) | Err(_) => return,
                    Ok(n) => answer.extend_from_slice(&buf[..n]),
                },
                () = tokio::time::sleep(every) => {
                    if tcp.write_all(drip).await.is_err() {
                        return;
                    }
                }
            }
        }
    })
    .await
    .expect("the server cuts the slow client off");
    started.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_client_is_cut_off() {
    let deadline = Duration::from_millis(400);
    let (addr, _http) = serve(
        "127.0.0.1:0",
        builder()
            .header_read_timeout(Some(deadline))
            .body_read_timeout(Some(deadline)),
    )
    .await;

    // Headers without the final blank line, one more header byte at a time.
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(format!("POST /mcp HTTP/1.1\r\nhost: {addr}\r\nx-slow: a").as_bytes())
        .await
        .unwrap();
    let took = cut_off_while_dripping(&mut tcp, b"a", Duration::from_millis(50)).await;
    assert!(took >= deadline / 2 && took < deadline * 5, "{took:?}");

    // A connection that sends nothing at all.
    let mut idle = TcpStream::connect(addr).await.unwrap();
    let took = cut_off_while_dripping(&mut idle, b"", Duration::from_secs(60)).await;
    assert!(took < deadline * 5, "{took:?}");

    // A whole head, then a body trickling in a byte at a time: 408, and the end.
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(
        format!(
            "POST /mcp HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\n\
             accept: application/json, text/event-stream\r\nmcp-protocol-version: 2026-07-28\r\n\
             content-length: 1000\r\n\r\n{{"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    tokio::time::timeout(PATIENCE, async {
        loop {
            tokio::select! {
                read = tcp.read(&mut buf) => match read {
                    Ok(0) | Err(_) => return,
                    Ok(n) => answer.extend_from_slice(&buf[..n]),
                },
                () = tokio::time::sleep(Duration::from_millis(50)) => {
                    let _ = tcp.write_all(b" ").await;
                }
            }
        }
    })
    .await
    .expect("the server cuts the trickling body off");
    let took = started.elapsed();
    let answer = String::from_utf8_lossy(&answer);
    assert_eq!(status(&answer), 408, "{answer}");
    assert!(answer.contains("Request Timeout"), "{answer}");
    assert!(took >= deadline / 2 && took < deadline * 5, "{took:?}");

    // Prompt clients are served as ever.
    let answer = exchange(addr, &echo_request(&addr.to_string(), None)).await;
    assert_eq!(status(&answer), 200, "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_past_the_cap_get_503() {
    let (addr, _http) = serve("127.0.0.1:0", builder().max_connections(Some(2))).await;
    let first = TcpStream::connect(addr).await.unwrap();
    let second = TcpStream::connect(addr).await.unwrap();
    // Give the server the time to accept both.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let refused = exchange(addr, &echo_request(&addr.to_string(), None)).await;
    assert_eq!(status(&refused), 503, "{refused}");
    assert!(refused.contains("too many open connections"), "{refused}");
    drop((first, second));
    // A freed place is taken again.
    let served = tokio::time::timeout(PATIENCE, async {
        loop {
            let answer = exchange(addr, &echo_request(&addr.to_string(), None)).await;
            if status(&answer) == 200 {
                return answer;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("served once the others left");
    assert!(served.contains("echo"), "{served}");
}

/// Posts a handshake-era message of `session` (or `initialize` without one) and reads the
/// whole answer.
async fn post(addr: SocketAddr, session: Option<&str>, message: &Value) -> String {
    let body = message.to_string();
    let session = session
        .map(|s| format!("mcp-session-id: {s}\r\n"))
        .unwrap_or_default();
    exchange(
        addr,
        &format!(
            "POST /mcp HTTP/1.1\r\nhost: {addr}\r\n{session}content-type: application/json\r\n\
             accept: application/json, text/event-stream\r\nmcp-protocol-version: 2025-11-25\r\n\
             connection: close\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
    .await
}

async fn initialize(addr: SocketAddr) -> String {
    let answer = post(
        addr,
        None,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {},
            "clientInfo": {"name": "raw", "version": "1"}}}),
    )
    .await;
    assert_eq!(status(&answer), 200, "{answer}");
    let session = answer
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("mcp-session-id: ")
                .map(str::to_owned)
        })
        .expect("a session id");
    let noted = post(
        addr,
        Some(&session),
        &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
    )
    .await;
    assert_eq!(status(&noted), 202, "{noted}");
    session
}

/// Opens the session's GET stream and returns once its head has arrived; nothing more is read.
async fn open_get_stream(addr: SocketAddr, session: &str) -> (TcpStream, String) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    // A small window, so that little hides in the kernel's buffers.
    socket.set_recv_buffer_size(4096).unwrap();
    let mut tcp = socket.connect(addr).await.unwrap();
    tcp.write_all(
        format!(
            "GET /mcp HTTP/1.1\r\nhost: {addr}\r\naccept: text/event-stream\r\n\
             mcp-session-id: {session}\r\nmcp-protocol-version: 2025-11-25\r\n\r\n"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        tokio::time::timeout(PATIENCE, tcp.read_exact(&mut byte))
            .await
            .expect("the stream's head")
            .unwrap();
        head.push(byte[0]);
    }
    (tcp, String::from_utf8_lossy(&head).into_owned())
}

/// Resident memory of this process, in KiB.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unread_stream_is_dropped_and_memory_stays_bounded() {
    // JSON answers: what the handler sends before its answer goes to the GET stream.
    let (addr, http) = serve(
        "127.0.0.1:0",
        builder()
            .response_mode(ResponseMode::Json)
            .stream_buffer(256 * 1024)
            .write_timeout(Some(Duration::from_millis(500))),
    )
    .await;
    let session = initialize(addr).await;
    let (mut unread, head) = open_get_stream(addr, &session).await;
    assert_eq!(status(&head), 200, "{head}");

    let before = rss_kib();
    // 100 MiB of notifications for a stream nobody reads.
    let flood = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {
        "name": "flood", "arguments": {"count": 25_600}, "_meta": {"progressToken": "p"}}});
    let answer = post(addr, Some(&session), &flood).await;
    assert_eq!(status(&answer), 200, "{answer}");
    assert!(answer.contains("flooded"), "{answer}");
    let grown = rss_kib().saturating_sub(before);
    assert!(
        grown < 40 * 1024,
        "the server held {grown} KiB for an unread stream"
    );

    // The stream was dropped: the session takes a new one, and is still served.
    let (_reopened, head) = open_get_stream(addr, &session).await;
    assert_eq!(status(&head), 200, "{head}");
    let echo = post(
        addr,
        Some(&session),
        &json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call",
                "params": {"name": "echo", "arguments": {}}}),
    )
    .await;
    assert!(echo.contains("\"echo\""), "{echo}");
    assert_eq!(http.session_count(), 1);

    // What reached the client is a fraction of the flood, and the connection ends in error
    // (no final chunk), not as a finished stream.
    let mut received = Vec::new();
    tokio::time::timeout(PATIENCE, async {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match unread.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await
    .expect("the dropped stream's connection is closed");
    assert!(
        received.len() < 40 * 1024 * 1024,
        "{} bytes reached the client",
        received.len()
    );
    assert!(!received.ends_with(b"0\r\n\r\n"), "a clean end");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unused_session_expires() {
    let idle = Duration::from_millis(300);
    let (addr, http) = serve("127.0.0.1:0", builder().session_idle_timeout(Some(idle))).await;
    let session = initialize(addr).await;
    assert_eq!(http.session_count(), 1);
    // An open stream keeps its session.
    let (stream, head) = open_get_stream(addr, &session).await;
    assert_eq!(status(&head), 200, "{head}");
    tokio::time::sleep(idle * 3).await;
    assert_eq!(http.session_count(), 1, "a session with an open stream");
    drop(stream);
    tokio::time::timeout(PATIENCE, async {
        while http.session_count() > 0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("the unused session expires");
    let gone = post(
        addr,
        Some(&session),
        &json!({"jsonrpc": "2.0", "id": 2, "method": "ping"}),
    )
    .await;
    assert_eq!(status(&gone), 404, "{gone}");
}
