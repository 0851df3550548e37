//! Bearer authorization on the HTTP server: the challenges of a missing, refused, expired or
//! under-scoped token, the protected resource metadata, and a good token reaching the tool that
//! it authorizes, over Streamable HTTP in both eras, legacy SSE and WebSocket.

use std::time::Duration;

use mcp::auth::{AccessToken, InvalidToken, TokenVerifier};
use mcp::client::Client;
use mcp::http_server::{AuthSettings, HttpServer};
use mcp::server::{RequestContext, Server, ServerHandler};
use mcp::transport::http::{SseClientTransport, StreamableHttpTransport};
use mcp::transport::ws::WebSocketClient;
use mcp::types::*;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const PATIENCE: Duration = Duration::from_secs(20);

/// Answers who is calling.
struct WhoAmI;

#[mcp::server_handler]
impl ServerHandler for WhoAmI {
    async fn list_tools(
        &self,
        _: PaginatedRequestParams,
        _: RequestContext,
    ) -> mcp::Result<ListToolsResult> {
        Ok(ListToolsResult::new(vec![
            Tool::without_input("whoami"),
            Tool::without_input("confirm"),
        ]))
    }

    async fn call_tool(
        &self,
        params: CallToolRequestParams,
        cx: RequestContext,
    ) -> mcp::Result<CallToolResult> {
        if params.name == "confirm" {
            // In the stateless era: an input round trip, whose sealed state is bound to the
            // caller.
            let schema = RequestedSchema::new().with_property("ok", StringSchema::new(), true);
            cx.elicit(ElicitRequestFormParams::new("Sure?", schema).into())
                .await?;
            return Ok(CallToolResult::text("confirmed"));
        }
        let token = cx
            .access_token()
            .ok_or_else(|| mcp::Error::other("no access token reached the tool"))?;
        Ok(CallToolResult::text(format!(
            "{} as {} with {}",
            token.client_id,
            token.subject.as_deref().unwrap_or("?"),
            token.scopes.join(",")
        )))
    }
}

/// Knows a handful of tokens, issued for `resource` unless they say otherwise.
struct Tokens {
    resource: String,
}

impl TokenVerifier for Tokens {
    async fn verify_token(&self, token: &str) -> Result<AccessToken, InvalidToken> {
        let resource = self.resource.clone();
        let granted = match token {
            "alice-token" | "alice-refreshed" => {
                AccessToken::new(token, "app", ["mcp:tools", "extra"]).subject("alice")
            }
            "bob-token" => AccessToken::new(token, "app", ["mcp:tools"]).subject("bob"),
            "expired-token" => AccessToken::new(token, "app", ["mcp:tools"]).expires_at(1),
            "narrow-token" => AccessToken::new(token, "app", ["other"]),
            "elsewhere-token" => AccessToken::new(token, "app", ["mcp:tools"])
                .resource("https://another.example.com/mcp"),
            "no-audience-token" => {
                return Ok(AccessToken::new(token, "app", ["mcp:tools"]).subject("carol"));
            }
            // Two users of one OAuth client, the verifier naming neither.
            "anonymous-1" | "anonymous-2" => AccessToken::new(token, "app", ["mcp:tools"]),
            _ => return Err(InvalidToken::new("unknown token")),
        };
        Ok(match granted.resource {
            Some(_) => granted,
            None => granted.resource(resource),
        })
    }
}

/// Serves WhoAmI with bearer auth (default settings but the scope) on a free port; the base
/// URL.
async fn serve() -> (HttpServer<WhoAmI>, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    let settings = AuthSettings::new("https://auth.example.com", format!("{base}/mcp"))
        .required_scopes(["mcp:tools"])
        .resource_name("who am I");
    let http = HttpServer::builder(Server::builder("whoami", WhoAmI).build())
        .bearer_auth(
            settings,
            Tokens {
                resource: format!("{base}/mcp"),
            },
        )
        .legacy_sse("/sse", "/messages/")
        .websocket("/ws")
        .build();
    let served = http.clone();
    tokio::spawn(async move {
        served
            .serve(listener, served.router(), std::future::pending())
            .await
            .unwrap();
    });
    (http, base)
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A stateless-era ping POSTed, or a GET, over a fresh connection.
async fn http(method: &str, url: &str, token: Option<&str>, extra: &[(&str, &str)]) -> Answer {
    let body = if method == "POST" {
        json!({"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"_meta": {
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {}
        }}})
        .to_string()
    } else {
        String::new()
    };
    let mut headers = extra.to_vec();
    if method == "POST" {
        headers.extend([
            ("MCP-Protocol-Version", "2026-07-28"),
            ("Mcp-Method", "ping"),
        ]);
    }
    exchange(method, url, token, &headers, &body).await
}

/// POSTs `message` with `headers`.
async fn send(url: &str, token: Option<&str>, headers: &[(&str, &str)], message: &Value) -> Answer {
    exchange("POST", url, token, headers, &message.to_string()).await
}

/// One HTTP/1.1 exchange over a fresh connection.
async fn exchange(
    method: &str,
    url: &str,
    token: Option<&str>,
    extra: &[(&str, &str)],
    body: &str,
) -> Answer {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut tcp = TcpStream::connect(host).await.unwrap();
    let mut request = format!("{method} /{path} HTTP/1.1\r\nHost: {host}\r\n");
    if !extra
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("connection"))
    {
        request.push_str("Connection: close\r\n");
    }
    if let Some(token) = token {
        request.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    for (name, value) in extra {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if method == "POST" {
        request.push_str(&format!(
            "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n\
             Content-Length: {}\r\n",
            body.len()
        ));
    }
    request.push_str("\r\n");
    request.push_str(body);
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    // An event stream never ends: read what comes within a moment.
    let _ = tokio::time::timeout(Duration::from_millis(500), tcp.read_to_end(&mut raw)).await;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines.next().unwrap()[9..12].parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_metadata_document_describes_the_resource() {
    let (_http, base) = serve().await;
    for path in [
        "/.well-known/oauth-protected-resource/mcp",
        "/.well-known/oauth-protected-resource",
    ] {
        let answer = http("GET", &format!("{base}{path}"), None, &[]).await;
        assert_eq!(answer.status, 200, "{path} needs no token");
        let document: Value = serde_json::from_str(&answer.body).unwrap();
        assert_eq!(
            document,
            json!({
                "resource": format!("{base}/mcp"),
                "authorization_servers": ["https://auth.example.com"],
                "bearer_methods_supported": ["header"],
                "scopes_supported": ["mcp:tools"],
                "resource_name": "who am I",
            })
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_bad_expired_and_foreign_tokens_get_401() {
    // The audience is checked by default, as the specification requires.
    let (_http, base) = serve().await;
    let url = format!("{base}/mcp");
    let metadata = format!("resource_metadata=\"{base}/.well-known/oauth-protected-resource/mcp\"");

    let missing = http("POST", &url, None, &[]).await;
    assert_eq!(missing.status, 401);
    let challenge = missing.header("www-authenticate").unwrap();
    assert!(challenge.starts_with("Bearer "), "{challenge}");
    assert!(challenge.contains(&metadata), "{challenge}");
    assert!(challenge.contains("scope=\"mcp:tools\""), "{challenge}");
    assert!(
        !challenge.contains("error="),
        "no error code without credentials (RFC 6750 3.1): {challenge}"
    );

    for (token, why) in [
        ("nonsense", "unknown token"),
        ("expired-token", "expired"),
        ("elsewhere-token", "another resource"),
        ("no-audience-token", "names no resource"),
    ] {
        let refused = http("POST", &url, Some(token), &[]).await;
        assert_eq!(refused.status, 401, "{token}");
        let challenge = refused.header("www-authenticate").unwrap();
        assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
        assert!(challenge.contains(why), "{token}: {challenge}");
        assert!(challenge.contains(&metadata), "{challenge}");
        let body: Value = serde_json::from_str(&refused.body).unwrap();
        assert_eq!(body["error"], "invalid_token");
    }

    // Every endpoint is covered: legacy SSE and the WebSocket upgrade too.
    assert_eq!(
        http("GET", &format!("{base}/sse"), None, &[]).await.status,
        401
    );
    let upgrade = [
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Version", "13"),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
        ("Sec-WebSocket-Protocol", "mcp"),
    ];
    assert_eq!(
        http("GET", &format!("{base}/ws"), None, &upgrade)
            .await
            .status,
        401
    );
    assert_eq!(
        http("GET", &format!("{base}/ws"), Some("alice-token"), &upgrade)
            .await
            .status,
        101
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_without_the_required_scope_gets_403() {
    let (_http, base) = serve().await;
    let answer = http("POST", &format!("{base}/mcp"), Some("narrow-token"), &[]).await;
    assert_eq!(answer.status, 403);
    let challenge = answer.header("www-authenticate").unwrap();
    assert!(
        challenge.contains("error=\"insufficient_scope\""),
        "{challenge}"
    );
    assert!(challenge.contains("scope=\"mcp:tools\""), "{challenge}");
    assert!(challenge.contains("resource_metadata="), "{challenge}");
    let body: Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(body["error"], "insufficient_scope");
}

async fn whoami(client: &Client) -> String {
    let result = tokio::time::timeout(PATIENCE, client.call_tool("whoami", json!({})))
        .await
        .expect("in time")
        .unwrap();
    result.content[0].as_text().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_good_token_reaches_the_tool_over_every_transport() {
    let (http_server, base) = serve().await;
    let url = format!("{base}/mcp");
    let expected = "app as alice with mcp:tools,extra";

    // Streamable HTTP, stateless era.
    let transport = StreamableHttpTransport::new(&url)
        .unwrap()
        .bearer_token("alice-token");
    let client = Client::builder().connect(transport).await.unwrap();
    assert_eq!(client.protocol_version(), ProtocolVersion::V2026_07_28);
    assert_eq!(whoami(&client).await, expected);
    client.close().await;

    // Streamable HTTP, handshake era: the session is the principal's.
    let transport = StreamableHttpTransport::new(&url)
        .unwrap()
        .bearer_token("alice-token");
    let client = Client::builder()
        .protocol_version(ProtocolVersion::V2025_11_25)
        .connect(transport)
        .await
        .unwrap();
    assert_eq!(whoami(&client).await, expected);
    assert_eq!(http_server.session_count(), 1);
    client.close().await;

    // Without a token, our client hears the 401.
    let transport = StreamableHttpTransport::new(&url).unwrap();
    let error = Client::builder().connect(transport).await.unwrap_err();
    assert!(error.to_string().contains("401"), "{error}");

    // Legacy SSE.
    let transport = SseClientTransport::new(&format!("{base}/sse"))
        .unwrap()
        .bearer_token("alice-token")
        .connect()
        .await
        .unwrap();
    let client = Client::builder().connect(transport).await.unwrap();
    assert_eq!(whoami(&client).await, expected);
    client.close().await;

    // WebSocket.
    let transport = WebSocketClient::new(format!("{}/ws", base.replace("http", "ws")))
        .bearer_token("bob-token")
        .connect()
        .await
        .unwrap();
    let client = Client::builder().connect(transport).await.unwrap();
    assert_eq!(whoami(&client).await, "app as bob with mcp:tools");
    client.close().await;
    let refused = WebSocketClient::new(format!("{}/ws", base.replace("http", "ws")))
        .connect()
        .await
        .unwrap_err()
        .to_string();
    assert!(refused.contains("401"), "{refused}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_stays_with_its_principal() {
    let (_http, base) = serve().await;
    let url = format!("{base}/mcp");
    let handshake = [("MCP-Protocol-Version", "2025-11-25")];
    let initialize = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "raw", "version": "0"}
    }});
    let opened = send(&url, Some("alice-token"), &handshake, &initialize).await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    let session_id = opened.header("mcp-session-id").unwrap().to_owned();
    let in_session = [
        ("MCP-Protocol-Version", "2025-11-25"),
        ("Mcp-Session-Id", session_id.as_str()),
    ];
    let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    let noted = send(&url, Some("alice-token"), &in_session, &initialized).await;
    assert_eq!(noted.status, 202);
    let ping = json!({"jsonrpc": "2.0", "id": 2, "method": "ping"});
    assert_eq!(
        send(&url, Some("bob-token"), &in_session, &ping)
            .await
            .status,
        404,
        "another principal's token"
    );
    assert_eq!(
        send(&url, Some("alice-refreshed"), &in_session, &ping)
            .await
            .status,
        200,
        "the same principal with a refreshed token"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_subject_each_token_is_its_own_principal() {
    let (_http, base) = serve().await;
    let url = format!("{base}/mcp");
    let initialize = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "raw", "version": "0"}
    }});
    let handshake = [("MCP-Protocol-Version", "2025-11-25")];
    let opened = send(&url, Some("anonymous-1"), &handshake, &initialize).await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    let session_id = opened.header("mcp-session-id").unwrap().to_owned();
    let in_session = [
        ("MCP-Protocol-Version", "2025-11-25"),
        ("Mcp-Session-Id", session_id.as_str()),
    ];
    let ping = json!({"jsonrpc": "2.0", "id": 2, "method": "ping"});
    assert_eq!(
        send(&url, Some("anonymous-2"), &in_session, &ping)
            .await
            .status,
        404,
        "another user of the same client"
    );
    assert_eq!(
        send(&url, Some("anonymous-1"), &in_session, &ping)
            .await
            .status,
        200
    );
}

/// A stateless-era `tools/call` of `confirm`, retried with `state` when given.
fn confirm(state: Option<&str>) -> Value {
    let mut params = json!({"name": "confirm", "arguments": {}, "_meta": {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {"elicitation": {"form": {}}}
    }});
    if let Some(state) = state {
        params["requestState"] = json!(state);
    }
    json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": params})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_state_is_refused_to_another_principal() {
    let (_http, base) = serve().await;
    let url = format!("{base}/mcp");
    let headers = [
        ("MCP-Protocol-Version", "2026-07-28"),
        ("Mcp-Method", "tools/call"),
        ("Mcp-Name", "confirm"),
    ];
    for (owner, other) in [
        ("alice-token", "bob-token"),
        // Two users of one client whose verifier names neither.
        ("anonymous-1", "anonymous-2"),
    ] {
        let first = send(&url, Some(owner), &headers, &confirm(None)).await;
        assert_eq!(first.status, 200, "{}", first.body);
        let interim: Value = serde_json::from_str(&first.body).unwrap();
        assert_eq!(
            interim["result"]["resultType"], "input_required",
            "{interim}"
        );
        let state = interim["result"]["requestState"].as_str().unwrap();

        let stolen = send(&url, Some(other), &headers, &confirm(Some(state))).await;
        assert_eq!(stolen.status, 400, "{owner}'s state used by {other}");
        let refused: Value = serde_json::from_str(&stolen.body).unwrap();
        assert_eq!(refused["error"]["code"], -32602, "{refused}");
        let message = refused["error"]["message"].as_str().unwrap();
        assert!(message.contains("different client"), "{message}");

        let own = send(&url, Some(owner), &headers, &confirm(Some(state))).await;
        assert_eq!(own.status, 200, "{}", own.body);
        let again: Value = serde_json::from_str(&own.body).unwrap();
        assert_eq!(again["result"]["resultType"], "input_required", "{again}");
    }
}
