//! Bad input over HTTP: every malformed or refused request gets the status code the
//! specification names (and a JSON-RPC error saying what to fix), and the server keeps serving
//! afterwards. Raw HTTP, so that nothing on the client side smooths the input over.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use mcp::http_server::{HttpServer, InMemoryEventStore};
use mcp::server::{RequestContext, Server, ServerHandler};
use mcp::types::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const PATIENCE: Duration = Duration::from_secs(20);

/// A JSON body (the content type is set by the fixture's requests).
trait JsonBody {
    fn json(self, body: &Value) -> Self;
}

impl JsonBody for reqwest::RequestBuilder {
    fn json(self, body: &Value) -> Self {
        self.body(body.to_string())
    }
}

struct Tools {
    cancelled: Arc<AtomicUsize>,
}

struct Guard(Arc<AtomicUsize>, bool);

impl Drop for Guard {
    fn drop(&mut self) {
        if !self.1 {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

#[mcp::server_handler]
impl ServerHandler for Tools {
    async fn list_tools(
        &self,
        _: PaginatedRequestParams,
        _: RequestContext,
    ) -> mcp::Result<ListToolsResult> {
        let routed = json!({"type": "object", "properties": {
            "region": {"type": "string", "x-mcp-header": "Region"},
            "priority": {"type": "integer", "x-mcp-header": "Priority"},
        }});
        Ok(ListToolsResult::new(vec![
            Tool::without_input("echo"),
            Tool::without_input("slow"),
            Tool::new("routed", routed.as_object().unwrap().clone()),
        ]))
    }

    async fn call_tool(
        &self,
        params: CallToolRequestParams,
        cx: RequestContext,
    ) -> mcp::Result<CallToolResult> {
        match params.name.as_str() {
            "echo" | "routed" => Ok(CallToolResult::text(params.name)),
            "slow" => {
                let mut guard = Guard(self.cancelled.clone(), false);
                for i in 0..600 {
                    cx.report_progress(f64::from(i), None, Some("working"))?;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                guard.1 = true;
                Ok(CallToolResult::text("done"))
            }
            other => Err(ErrorData::invalid_params(format!("Unknown tool: {other}")).into()),
        }
    }
}

struct Fixture {
    url: String,
    addr: std::net::SocketAddr,
    http: reqwest::Client,
    cancelled: Arc<AtomicUsize>,
    server: HttpServer<Tools>,
}

async fn fixture() -> Fixture {
    let cancelled = Arc::new(AtomicUsize::new(0));
    let server = Server::builder(
        "bad-input",
        Tools {
            cancelled: cancelled.clone(),
        },
    )
    .build();
    let http_server = HttpServer::builder(server)
        .max_body_size(64 * 1024)
        .event_store(InMemoryEventStore::default())
        .build();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let serving = http_server.clone();
    tokio::spawn(async move {
        serving
            .serve(listener, serving.router(), std::future::pending())
            .await
            .unwrap();
    });
    Fixture {
        url: format!("http://{addr}/mcp"),
        addr,
        // A connection per request: the server closes those it refuses a body on, and a pooled
        // client may send the next request on one before it notices.
        http: reqwest::Client::builder()
            .timeout(PATIENCE)
            .pool_max_idle_per_host(0)
            .build()
            .unwrap(),
        cancelled,
        server: http_server,
    }
}

const MODERN: &str = "2026-07-28";

fn meta() -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientCapabilities": {},
    })
}

fn stateless_call(id: u64, tool: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
           "params": {"name": tool, "arguments": {}, "_meta": meta()}})
}

impl Fixture {
    fn post(&self) -> reqwest::RequestBuilder {
        self.http
            .post(&self.url)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
    }

    fn stateless(&self, body: &Value) -> reqwest::RequestBuilder {
        self.stateless_with(body, &[])
    }

    /// A stateless-era POST with its headers, some of them replaced (`Some`) or left out
    /// (`None`).
    fn stateless_with(
        &self,
        body: &Value,
        changes: &[(&str, Option<&str>)],
    ) -> reqwest::RequestBuilder {
        let method = body["method"].as_str().unwrap_or_default();
        let mut headers = vec![
            ("content-type", "application/json"),
            ("accept", "application/json, text/event-stream"),
            ("mcp-protocol-version", MODERN),
            ("mcp-method", method),
        ];
        if let Some(name) = body["params"]["name"].as_str() {
            headers.push(("mcp-name", name));
        }
        for (name, value) in changes {
            headers.retain(|(n, _)| n != name);
            if let Some(value) = value {
                headers.push((name, value));
            }
        }
        let mut request = self.http.post(&self.url);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.json(body)
    }

    /// Sends `request` and checks the status and, when given, the JSON-RPC error code.
    async fn expect(
        &self,
        what: &str,
        request: reqwest::RequestBuilder,
        status: StatusCode,
        code: Option<i64>,
    ) -> Value {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), status, "{what}");
        let event_stream = response
            .headers()
            .get("content-type")
            .is_some_and(|t| t == "text/event-stream");
        let text = response.text().await.unwrap();
        let body: Value = if event_stream {
            // The answer is the event that carries an id.
            text.lines()
                .filter_map(|line| line.strip_prefix("data: "))
                .filter_map(|data| serde_json::from_str::<Value>(data).ok())
                .find(|message| message.get("id").is_some())
                .unwrap_or(Value::Null)
        } else {
            serde_json::from_str(&text).unwrap_or(Value::Null)
        };
        if let Some(code) = code {
            assert_eq!(body["error"]["code"], code, "{what}: {text}");
            let message = body["error"]["message"].as_str().unwrap_or_default();
            assert!(!message.is_empty(), "{what}: say what is wrong: {text}");
        }
        body
    }

    /// A good request still works.
    async fn still_serving(&self) {
        let answer = self
            .expect(
                "a good request",
                self.stateless(&stateless_call(99, "echo")),
                StatusCode::OK,
                None,
            )
            .await;
        assert_eq!(answer["result"]["content"][0]["text"], "echo");
    }

    async fn initialize(&self) -> String {
        let response = self
            .post()
            .json(
                &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                "protocolVersion": "2025-11-25", "capabilities": {},
                "clientInfo": {"name": "raw", "version": "1"}}}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let id = response.headers()["mcp-session-id"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            id.len() >= 32 && id.bytes().all(|b| (0x21..=0x7e).contains(&b)),
            "{id}"
        );
        id
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_the_server_cannot_take_get_the_status_the_spec_names() {
    let f = fixture().await;
    let good = stateless_call(1, "echo");

    // Wrong content type: 415.
    f.expect(
        "text/plain",
        f.http
            .post(&f.url)
            .header("content-type", "text/plain")
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", MODERN)
            .body(good.to_string()),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Some(-32600),
    )
    .await;
    // Not accepting both answer forms: 406.
    f.expect(
        "Accept: text/html",
        f.stateless_with(&good, &[("accept", Some("text/html"))]),
        StatusCode::NOT_ACCEPTABLE,
        Some(-32600),
    )
    .await;
    // Malformed JSON: 400 with a parse error.
    f.expect(
        "malformed JSON",
        f.post()
            .header("mcp-protocol-version", MODERN)
            .body("{\"jsonrpc\": \"2.0\", "),
        StatusCode::BAD_REQUEST,
        Some(-32700),
    )
    .await;
    // Not a JSON-RPC message, or a batch: 400, invalid request.
    for body in [json!([good.clone()]), json!({"hello": "world"})] {
        f.expect(
            "not one message",
            f.post().header("mcp-protocol-version", MODERN).json(&body),
            StatusCode::BAD_REQUEST,
            Some(-32600),
        )
        .await;
    }
    // Over the size limit: 413, declared or not.
    let huge = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list",
                      "params": {"padding": "x".repeat(100 * 1024), "_meta": meta()}});
    f.expect(
        "a huge body",
        f.stateless(&huge),
        StatusCode::PAYLOAD_TOO_LARGE,
        Some(-32600),
    )
    .await;
    // A chunked body declares no size: it is refused once it grows past the limit.
    let mut stream = TcpStream::connect(f.addr).await.unwrap();
    let head = format!(
        "POST /mcp HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\n\
         accept: application/json, text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n",
        f.addr
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("2000\r\n{}\r\n", " ".repeat(0x2000));
    for _ in 0..20 {
        if stream.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
    let mut answer = vec![0u8; 1024];
    let n = tokio::time::timeout(PATIENCE, stream.read(&mut answer))
        .await
        .expect("an answer")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    // Methods the endpoint does not take: 405.
    let put = f.http.put(&f.url).send().await.unwrap();
    assert_eq!(put.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(put.headers()["allow"].to_str().unwrap().contains("POST"));
    f.still_serving().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dns_rebinding_is_refused() {
    let f = fixture().await;
    let good = stateless_call(1, "echo");
    f.expect(
        "a foreign Origin",
        f.stateless_with(&good, &[("origin", Some("http://evil.example"))]),
        StatusCode::FORBIDDEN,
        Some(-32600),
    )
    .await;
    f.expect(
        "a foreign Host",
        f.stateless_with(&good, &[("host", Some("evil.example"))]),
        StatusCode::FORBIDDEN,
        Some(-32600),
    )
    .await;
    // A local tool on another port is welcome.
    f.expect(
        "a local Origin",
        f.stateless_with(&good, &[("origin", Some("http://localhost:6274"))]),
        StatusCode::OK,
        None,
    )
    .await;
    f.still_serving().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stateless_headers_are_checked_against_the_body() {
    let f = fixture().await;
    let good = stateless_call(7, "echo");
    let cases: Vec<(&str, reqwest::RequestBuilder, StatusCode, i64)> = vec![
        (
            "Mcp-Name differs from params.name",
            f.stateless_with(&good, &[("mcp-name", Some("slow"))]),
            StatusCode::BAD_REQUEST,
            -32020,
        ),
        (
            "Mcp-Method differs from the method",
            f.stateless_with(&good, &[("mcp-method", Some("tools/list"))]),
            StatusCode::BAD_REQUEST,
            -32020,
        ),
        (
            "no Mcp-Method",
            f.stateless_with(&good, &[("mcp-method", None)]),
            StatusCode::BAD_REQUEST,
            -32020,
        ),
        (
            "no Mcp-Name",
            f.stateless_with(&good, &[("mcp-name", None)]),
            StatusCode::BAD_REQUEST,
            -32020,
        ),
        (
            "no MCP-Protocol-Version though _meta names 2026-07-28",
            f.stateless_with(&good, &[("mcp-protocol-version", None)]),
            StatusCode::BAD_REQUEST,
            -32020,
        ),
        (
            "the version header differs from _meta",
            f.stateless_with(&good, &[("mcp-protocol-version", Some("2025-11-25"))]),
            StatusCode::BAD_REQUEST,
            -32020,
        ),
        (
            "an unsupported version",
            f.stateless_with(
                &json!({"jsonrpc": "2.0", "id": 8, "method": "tools/list", "params": {
                    "_meta": {"io.modelcontextprotocol/protocolVersion": "2099-01-01",
                              "io.modelcontextprotocol/clientCapabilities": {}}}}),
                &[("mcp-protocol-version", Some("2099-01-01"))],
            ),
            StatusCode::BAD_REQUEST,
            -32022,
        ),
        (
            "no client capabilities in _meta",
            f.stateless(
                &json!({"jsonrpc": "2.0", "id": 9, "method": "tools/list", "params": {
                "_meta": {"io.modelcontextprotocol/protocolVersion": MODERN}}}),
            ),
            StatusCode::BAD_REQUEST,
            -32602,
        ),
        (
            "an unknown method",
            f.stateless(
                &json!({"jsonrpc": "2.0", "id": 10, "method": "tasks/result",
                                "params": {"taskId": "t", "_meta": meta()}}),
            ),
            StatusCode::NOT_FOUND,
            -32601,
        ),
        (
            "initialize in the stateless era",
            f.stateless(&json!({"jsonrpc": "2.0", "id": 11, "method": "initialize",
                                "params": {"_meta": meta()}})),
            StatusCode::NOT_FOUND,
            -32601,
        ),
        (
            "ping in the stateless era",
            f.stateless(&json!({"jsonrpc": "2.0", "id": 14, "method": "ping",
                                "params": {"_meta": meta()}})),
            StatusCode::NOT_FOUND,
            -32601,
        ),
        (
            "logging/setLevel in the stateless era (no level: refused for its method first)",
            f.stateless(
                &json!({"jsonrpc": "2.0", "id": 15, "method": "logging/setLevel",
                                "params": {"_meta": meta()}}),
            ),
            StatusCode::NOT_FOUND,
            -32601,
        ),
        (
            "resources/subscribe in the stateless era",
            f.stateless(
                &json!({"jsonrpc": "2.0", "id": 16, "method": "resources/subscribe",
                                "params": {"uri": "test://x", "_meta": meta()}}),
            ),
            StatusCode::NOT_FOUND,
            -32601,
        ),
        (
            "resources/unsubscribe in the stateless era",
            f.stateless(
                &json!({"jsonrpc": "2.0", "id": 17, "method": "resources/unsubscribe",
                                "params": {"_meta": meta()}}),
            ),
            StatusCode::NOT_FOUND,
            -32601,
        ),
        (
            "a response posted in the stateless era",
            f.stateless(&json!({"jsonrpc": "2.0", "id": 12, "result": {}})),
            StatusCode::BAD_REQUEST,
            -32600,
        ),
    ];
    for (what, request, status, code) in cases {
        f.expect(what, request, status, Some(code)).await;
    }
    // Base64-encoded names are decoded before the comparison.
    let unicode = stateless_call(13, "écho");
    f.expect(
        "a base64 Mcp-Name",
        f.stateless_with(&unicode, &[("mcp-name", Some("=?base64?w6ljaG8=?="))]),
        StatusCode::BAD_REQUEST,
        Some(-32602),
    )
    .await;
    // The stateless era has no GET stream and no session to delete.
    let get = f
        .http
        .get(&f.url)
        .header("accept", "text/event-stream")
        .header("mcp-protocol-version", MODERN)
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);
    f.still_serving().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_checked() {
    let f = fixture().await;
    let list = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"});
    f.expect(
        "no session id",
        f.post()
            .header("mcp-protocol-version", "2025-11-25")
            .json(&list),
        StatusCode::BAD_REQUEST,
        Some(-32600),
    )
    .await;
    f.expect(
        "an unknown session id",
        f.post()
            .header("mcp-session-id", "0123456789abcdef0123456789abcdef")
            .header("mcp-protocol-version", "2025-11-25")
            .json(&list),
        StatusCode::NOT_FOUND,
        Some(-32600),
    )
    .await;
    let session = f.initialize().await;
    let in_session = || f.post().header("mcp-session-id", &session);
    f.expect(
        "an unsupported version header",
        in_session()
            .header("mcp-protocol-version", "1999-01-01")
            .json(&list),
        StatusCode::BAD_REQUEST,
        Some(-32022),
    )
    .await;
    f.expect(
        "a stateless-era version in a session's request without _meta",
        in_session()
            .header("mcp-protocol-version", "2026-07-28")
            .json(&list),
        StatusCode::BAD_REQUEST,
        Some(-32602),
    )
    .await;
    let answer = f
        .expect(
            "a good request in the session",
            in_session()
                .header("mcp-protocol-version", "2025-11-25")
                .json(&list),
            StatusCode::OK,
            None,
        )
        .await;
    assert_eq!(answer["result"]["tools"].as_array().unwrap().len(), 3);
    let notified = in_session()
        .header("mcp-protocol-version", "2025-11-25")
        .json(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
        .send()
        .await
        .unwrap();
    assert_eq!(notified.status(), StatusCode::ACCEPTED);
    // The GET stream: it must accept an event stream, and only one may be open.
    let get = || {
        f.http
            .get(&f.url)
            .header("mcp-session-id", &session)
            .header("mcp-protocol-version", "2025-11-25")
    };
    let refused = get()
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_ACCEPTABLE);
    let open = get()
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(open.status(), StatusCode::OK);
    assert_eq!(open.headers()["content-type"], "text/event-stream");
    let second = get()
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), StatusCode::CONFLICT);
    let unknown_event = get()
        .header("accept", "text/event-stream")
        .header("last-event-id", "someone-else/0:1")
        .send()
        .await
        .unwrap();
    assert_eq!(unknown_event.status(), StatusCode::BAD_REQUEST);
    drop(open);
    // DELETE ends the session; the id is unknown afterwards.
    let deleted = f
        .http
        .delete(&f.url)
        .header("mcp-session-id", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::OK);
    f.expect(
        "the deleted session",
        in_session()
            .header("mcp-protocol-version", "2025-11-25")
            .json(&list),
        StatusCode::NOT_FOUND,
        Some(-32600),
    )
    .await;
    let again = f
        .http
        .delete(&f.url)
        .header("mcp-session-id", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    assert_eq!(f.server.session_count(), 0);
    f.still_serving().await;
}

/// Sends a raw HTTP request and returns the connection, once the response head has arrived.
async fn raw_request(addr: std::net::SocketAddr, head: &str, body: &str) -> (TcpStream, String) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "{head}\r\nhost: {addr}\r\ncontent-type: application/json\r\n\
         accept: application/json, text/event-stream\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    tokio::time::timeout(PATIENCE, async {
        while !String::from_utf8_lossy(&seen).contains("event: message") {
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "the server closed the connection early");
            seen.extend_from_slice(&buf[..n]);
        }
    })
    .await
    .expect("the stream starts");
    (stream, String::from_utf8_lossy(&seen).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_disconnects_mid_stream() {
    let f = fixture().await;
    // Stateless era: closing the response stream cancels the request.
    let mut call = stateless_call(5, "slow");
    call["params"]["_meta"]["progressToken"] = json!("p");
    let body = call.to_string();
    let (stream, seen) = raw_request(
        f.addr,
        &format!("POST /mcp HTTP/1.1\r\nmcp-protocol-version: {MODERN}\r\nmcp-method: tools/call\r\nmcp-name: slow"),
        &body,
    )
    .await;
    assert!(seen.contains("text/event-stream"), "{seen}");
    drop(stream);
    tokio::time::timeout(PATIENCE, async {
        while f.cancelled.load(Ordering::SeqCst) == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the handler is cancelled when its stream closes");
    f.still_serving().await;

    // The same before anything was sent back: the handler is waited for with no stream yet.
    let body = stateless_call(6, "slow").to_string();
    let mut stream = TcpStream::connect(f.addr).await.unwrap();
    let request = format!(
        "POST /mcp HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\n\
         accept: application/json, text/event-stream\r\nmcp-protocol-version: {MODERN}\r\n\
         mcp-method: tools/call\r\nmcp-name: slow\r\ncontent-length: {}\r\n\r\n{body}",
        f.addr,
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    drop(stream);
    tokio::time::timeout(PATIENCE, async {
        while f.cancelled.load(Ordering::SeqCst) < 2 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the handler is cancelled when the client goes away");
    f.still_serving().await;

    // Handshake era: a disconnection is not a cancellation, and the session lives on.
    let session = f.initialize().await;
    let body = json!({"jsonrpc": "2.0", "id": 6, "method": "tools/call",
                      "params": {"name": "slow", "arguments": {}, "_meta": {"progressToken": 1}}})
    .to_string();
    let (stream, _) = raw_request(
        f.addr,
        &format!(
            "POST /mcp HTTP/1.1\r\nmcp-session-id: {session}\r\nmcp-protocol-version: 2025-11-25"
        ),
        &body,
    )
    .await;
    drop(stream);
    let answer = f
        .expect(
            "the session after a disconnection",
            f.post()
                .header("mcp-session-id", &session)
                .header("mcp-protocol-version", "2025-11-25")
                .json(&json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call",
                              "params": {"name": "echo", "arguments": {}}})),
            StatusCode::OK,
            None,
        )
        .await;
    assert_eq!(answer["result"]["content"][0]["text"], "echo");
    f.still_serving().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn annotated_parameters_must_match_their_headers() {
    let f = fixture().await;
    let call = |arguments: Value| {
        json!({"jsonrpc": "2.0", "id": 20, "method": "tools/call",
               "params": {"name": "routed", "arguments": arguments, "_meta": meta()}})
    };
    let both = call(json!({"region": "us-west1", "priority": 3}));
    for (what, headers, status) in [
        (
            "both headers",
            vec![
                ("mcp-param-region", Some("us-west1")),
                ("mcp-param-priority", Some("3")),
            ],
            StatusCode::OK,
        ),
        (
            "an integer written as 3.0",
            vec![
                ("mcp-param-region", Some("us-west1")),
                ("mcp-param-priority", Some("3.0")),
            ],
            StatusCode::OK,
        ),
        (
            "a base64 value",
            vec![
                ("mcp-param-region", Some("=?base64?dXMtd2VzdDE=?=")),
                ("mcp-param-priority", Some("3")),
            ],
            StatusCode::OK,
        ),
        (
            "a missing header",
            vec![("mcp-param-priority", Some("3"))],
            StatusCode::BAD_REQUEST,
        ),
        (
            "a header that differs",
            vec![
                ("mcp-param-region", Some("eu-west1")),
                ("mcp-param-priority", Some("3")),
            ],
            StatusCode::BAD_REQUEST,
        ),
    ] {
        f.expect(
            what,
            f.stateless_with(&both, &headers),
            status,
            (status != StatusCode::OK).then_some(-32020),
        )
        .await;
    }
    // A header for an argument the body does not have.
    f.expect(
        "a header without its argument",
        f.stateless_with(
            &call(json!({"region": "us-west1"})),
            &[
                ("mcp-param-region", Some("us-west1")),
                ("mcp-param-priority", Some("3")),
            ],
        ),
        StatusCode::BAD_REQUEST,
        Some(-32020),
    )
    .await;
    // Tools without annotations ignore such headers.
    f.expect(
        "a header on an unannotated tool",
        f.stateless_with(
            &stateless_call(21, "echo"),
            &[("mcp-param-region", Some("x"))],
        ),
        StatusCode::OK,
        None,
    )
    .await;
    f.still_serving().await;
}
