//! The WebSocket transport end to end: our client against our server over real sockets in
//! both protocol eras, and what a WebSocket server must refuse or survive: a client without
//! the `mcp` subprotocol, a foreign `Origin`, an over-size message, a binary frame, a client
//! that vanishes mid-request, a peer that stops answering pings, and server shutdown.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use mcp::client::Client;
use mcp::http_server::{HttpServer, HttpServerBuilder};
use mcp::server::{RequestContext, Server, ServerHandler};
use mcp::transport::ws::WebSocketClient;
use mcp::types::*;
use serde_json::json;
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

/// Every wait of these tests lasts at most this long.
const PATIENCE: Duration = Duration::from_secs(20);

#[derive(Default)]
struct Probe {
    /// Handlers dropped before they finished.
    cancelled: AtomicUsize,
    /// Handlers that started.
    started: AtomicUsize,
}

struct Everything {
    probe: Arc<Probe>,
}

struct CancelGuard(Arc<Probe>, bool);

impl Drop for CancelGuard {
    fn drop(&mut self) {
        if !self.1 {
            self.0.cancelled.fetch_add(1, Ordering::SeqCst);
        }
    }
}

#[mcp::server_handler(list_changed(tools))]
impl ServerHandler for Everything {
    async fn list_tools(
        &self,
        _: PaginatedRequestParams,
        _: RequestContext,
    ) -> mcp::Result<ListToolsResult> {
        Ok(ListToolsResult::new(
            ["echo", "ask", "notify", "slow"]
                .into_iter()
                .map(Tool::without_input)
                .collect(),
        ))
    }

    async fn call_tool(
        &self,
        params: CallToolRequestParams,
        cx: RequestContext,
    ) -> mcp::Result<CallToolResult> {
        match params.name.as_str() {
            "echo" => {
                cx.info("echoing")?;
                let message = params
                    .arguments
                    .as_ref()
                    .and_then(|a| a.get("message"))
                    .and_then(|m| m.as_str())
                    .unwrap_or_default();
                Ok(CallToolResult::text(message))
            }
            "ask" => {
                let answer = cx
                    .create_message(CreateMessageRequestParams::new(
                        vec![SamplingMessage::user_text("2+2?")],
                        10,
                    ))
                    .await?;
                Ok(CallToolResult::text(format!(
                    "sampled: {}",
                    answer.content.as_text().unwrap_or_default()
                )))
            }
            "notify" => {
                cx.notifier().tools_list_changed();
                Ok(CallToolResult::text("notified"))
            }
            "slow" => {
                self.probe.started.fetch_add(1, Ordering::SeqCst);
                let mut guard = CancelGuard(self.probe.clone(), false);
                tokio::time::sleep(Duration::from_secs(60)).await;
                guard.1 = true;
                Ok(CallToolResult::text("too late"))
            }
            other => Err(ErrorData::invalid_params(format!("Unknown tool: {other}")).into()),
        }
    }

    async fn list_resources(
        &self,
        _: PaginatedRequestParams,
        _: RequestContext,
    ) -> mcp::Result<ListResourcesResult> {
        Ok(ListResourcesResult::new(vec![Resource::new(
            "test://greeting",
            "greeting",
        )]))
    }

    async fn read_resource(
        &self,
        params: ReadResourceRequestParams,
        _: RequestContext,
    ) -> mcp::Result<ReadResourceResult> {
        Ok(ReadResourceResult::new(vec![
            TextResourceContents::new(params.uri, "hello from a resource").into(),
        ]))
    }

    async fn list_prompts(
        &self,
        _: PaginatedRequestParams,
        _: RequestContext,
    ) -> mcp::Result<ListPromptsResult> {
        Ok(ListPromptsResult::new(vec![Prompt::new("greet")]))
    }

    async fn get_prompt(
        &self,
        params: GetPromptRequestParams,
        _: RequestContext,
    ) -> mcp::Result<GetPromptResult> {
        Ok(GetPromptResult::new(vec![PromptMessage::user_text(
            format!("prompt {}", params.name),
        )]))
    }
}

async fn serve(
    configure: impl FnOnce(HttpServerBuilder<Everything>) -> HttpServerBuilder<Everything>,
) -> (HttpServer<Everything>, String, Arc<Probe>) {
    let probe = Arc::new(Probe::default());
    let server = Server::builder(
        "ws-test",
        Everything {
            probe: probe.clone(),
        },
    )
    .build();
    let http = configure(HttpServer::builder(server).websocket("/ws")).build();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let served = http.clone();
    tokio::spawn(async move {
        served
            .serve(listener, served.router(), std::future::pending())
            .await
            .unwrap();
    });
    (http, format!("ws://{addr}/ws"), probe)
}

async fn within<T>(what: &str, future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(PATIENCE, future)
        .await
        .unwrap_or_else(|_| panic!("{what} took longer than {PATIENCE:?}"))
}

/// Waits until `check` holds.
async fn eventually(what: &str, check: impl Fn() -> bool) {
    within(what, async {
        while !check() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
}

fn text(result: &CallToolResult) -> &str {
    result.content[0].as_text().expect("a text result")
}

async fn connect(url: &str, version: Option<ProtocolVersion>) -> (Client, Notes) {
    let notes = Notes::default();
    let seen = notes.clone();
    let mut builder = Client::builder()
        .on_sampling(|_| async { Ok(CreateMessageResult::text("model", "4")) })
        .on_notification(move |note| seen.0.lock().unwrap().push(note.method().to_owned()))
        .request_timeout(Some(PATIENCE));
    if let Some(version) = version {
        builder = builder.protocol_version(version);
    }
    let transport = within("connecting", WebSocketClient::new(url).connect())
        .await
        .unwrap();
    let client = within("negotiating", builder.connect(transport))
        .await
        .unwrap();
    (client, notes)
}

#[derive(Clone, Default)]
struct Notes(Arc<Mutex<Vec<String>>>);

async fn exercise(client: &Client) {
    let tools = client.list_all_tools().await.unwrap();
    assert_eq!(tools.len(), 4);
    let echo = client
        .call_tool("echo", json!({"message": "over a socket"}))
        .await
        .unwrap();
    assert_eq!(text(&echo), "over a socket");
    // Sampling: a request to the client after the handshake, input_required in the stateless
    // era; the same callback answers both.
    let asked = client.call_tool("ask", json!({})).await.unwrap();
    assert_eq!(text(&asked), "sampled: 4");
    let resources = client.list_resources(None).await.unwrap();
    assert_eq!(resources.resources[0].uri, "test://greeting");
    let read = client.read_resource("test://greeting").await.unwrap();
    assert_eq!(
        serde_json::to_value(&read.contents[0]).unwrap()["text"],
        "hello from a resource"
    );
    let prompts = client.list_prompts(None).await.unwrap();
    assert_eq!(prompts.prompts[0].name, "greet");
    let prompt = client
        .get_prompt("greet", std::iter::empty::<(String, String)>())
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&prompt.messages[0]).unwrap()["content"]["text"],
        "prompt greet"
    );
    client.ping().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_client_speaks_both_eras_over_websocket() {
    let (http, url, _) = serve(|b| b).await;

    let (modern, _) = connect(&url, None).await;
    assert_eq!(modern.protocol_version(), ProtocolVersion::V2026_07_28);
    assert_eq!(modern.server_info().unwrap().name, "ws-test");
    within("the stateless era", exercise(&modern)).await;
    // A subscriptions/listen stream on the socket carries the change notifications.
    let filter = SubscriptionFilter {
        tools_list_changed: Some(true),
        ..Default::default()
    };
    let mut subscription = within("listen", modern.listen(filter)).await.unwrap();
    modern.call_tool("notify", json!({})).await.unwrap();
    let note = within("a change notification", subscription.next())
        .await
        .expect("the subscription is open");
    assert_eq!(note.method(), "notifications/tools/list_changed");
    drop(subscription);
    assert_eq!(http.websocket_count(), 1);
    modern.close().await;
    eventually("the socket to close", || http.websocket_count() == 0).await;

    let (legacy, notes) = connect(&url, Some(ProtocolVersion::V2025_11_25)).await;
    assert_eq!(legacy.protocol_version(), ProtocolVersion::V2025_11_25);
    within("the handshake era", exercise(&legacy)).await;
    legacy.call_tool("notify", json!({})).await.unwrap();
    eventually("the list_changed notification", || {
        notes
            .0
            .lock()
            .unwrap()
            .iter()
            .any(|m| m == "notifications/tools/list_changed")
    })
    .await;
    legacy.close().await;
    eventually("the socket to close", || http.websocket_count() == 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_mounts_beside_streamable_http_or_alone() {
    let (_http, url, _) = serve(|b| b).await;
    let base = url.trim_end_matches("/ws").replace("ws://", "http://");
    let over_http = within(
        "HTTP client",
        Client::builder().connect_http(&format!("{base}/mcp")),
    )
    .await
    .unwrap();
    over_http.ping().await.unwrap();
    over_http.close().await;

    let (_http, url, _) = serve(|b| b.streamable_http(false)).await;
    let base = url.trim_end_matches("/ws").replace("ws://", "http://");
    let status = reqwest_status(&format!("{base}/mcp")).await;
    assert_eq!(status, 404, "no Streamable HTTP endpoint");
    let (client, _) = connect(&url, None).await;
    client.ping().await.unwrap();
    client.close().await;
}

/// The status of a POST to `url`, over a raw socket.
async fn reqwest_status(url: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut tcp = tokio::net::TcpStream::connect(host).await.unwrap();
    let request = format!(
        "POST /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
    );
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    tcp.read_to_string(&mut response).await.unwrap();
    response[9..12].parse().unwrap()
}

/// The opening handshake of a raw client, with `protocols` offered and `origin` sent.
async fn raw_connect(
    url: &str,
    protocols: Option<&str>,
    origin: Option<&str>,
) -> Result<
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    (u16, String),
> {
    let mut request = url.into_client_request().unwrap();
    if let Some(protocols) = protocols {
        request
            .headers_mut()
            .insert("sec-websocket-protocol", protocols.parse().unwrap());
    }
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("origin", origin.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => Err((
            response.status().as_u16(),
            String::from_utf8_lossy(response.body().as_deref().unwrap_or_default()).into_owned(),
        )),
        Err(e) => panic!("unexpected handshake failure: {e}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_without_the_mcp_subprotocol_is_refused() {
    let (http, url, _) = serve(|b| b).await;
    let (status, body) = raw_connect(&url, None, None).await.unwrap_err();
    assert_eq!(status, 400);
    assert!(body.contains("`mcp` subprotocol"), "{body}");
    let (status, _) = raw_connect(&url, Some("graphql-ws"), None)
        .await
        .unwrap_err();
    assert_eq!(status, 400);
    // Offered among others, it is selected.
    let socket = raw_connect(&url, Some("graphql-ws, mcp"), None)
        .await
        .unwrap();
    drop(socket);
    // Our client says clearly why it failed.
    let error = WebSocketClient::new(url.replace("/ws", "/nowhere"))
        .connect()
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("refused the WebSocket handshake"), "{error}");
    assert!(error.contains("404"), "{error}");
    // The accepted socket was dropped above; the server notices in a moment.
    eventually("the dropped socket to close", || {
        http.websocket_count() == 0
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_origin_is_refused() {
    let (_http, url, _) = serve(|b| b.allowed_origins(["https://app.example.com"])).await;
    let (status, _) = raw_connect(&url, Some("mcp"), Some("https://evil.example.com"))
        .await
        .unwrap_err();
    assert_eq!(status, 403);
    let socket = raw_connect(&url, Some("mcp"), Some("https://app.example.com")).await;
    assert!(socket.is_ok(), "an allowed origin is answered");
    let own = url.replace("ws://", "http://").replace("/ws", "");
    assert!(
        raw_connect(&url, Some("mcp"), Some(&own)).await.is_ok(),
        "the server's own origin is answered"
    );
}

/// Reads frames until the close frame; its code.
async fn close_code(
    socket: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
) -> Option<CloseCode> {
    within("the close frame", async {
        while let Some(frame) = socket.next().await {
            match frame {
                Ok(Message::Close(frame)) => return frame.map(|f| f.code),
                Ok(_) => continue,
                Err(_) => return None,
            }
        }
        None
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_over_size_message_closes_with_1009() {
    let (http, url, _) = serve(|b| b.max_body_size(64 * 1024)).await;
    let mut socket = raw_connect(&url, Some("mcp"), None).await.unwrap();
    // Under the limit: answered.
    let ping = json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}).to_string();
    socket.send(Message::text(ping)).await.unwrap();
    let answer = within("the ping answer", socket.next())
        .await
        .unwrap()
        .unwrap();
    assert!(answer.to_text().unwrap().contains("\"id\":1"), "{answer:?}");
    let big = json!({"jsonrpc": "2.0", "id": 2, "method": "ping", "params": {"pad": "x".repeat(100_000)}});
    socket.send(Message::text(big.to_string())).await.unwrap();
    assert_eq!(close_code(&mut socket).await, Some(CloseCode::Size));
    eventually("the session to end", || http.websocket_count() == 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_binary_frame_closes_with_1003() {
    let (http, url, _) = serve(|b| b).await;
    let mut socket = raw_connect(&url, Some("mcp"), None).await.unwrap();
    socket
        .send(Message::binary(b"{\"jsonrpc\":\"2.0\"}".to_vec()))
        .await
        .unwrap();
    assert_eq!(close_code(&mut socket).await, Some(CloseCode::Unsupported));
    eventually("the session to end", || http.websocket_count() == 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vanished_client_ends_its_session_and_its_requests() {
    let options = mcp::jsonrpc::SessionOptions {
        drain_timeout: Duration::from_millis(200),
        ..Default::default()
    };
    let probe = Arc::new(Probe::default());
    let server = Server::builder(
        "ws-test",
        Everything {
            probe: probe.clone(),
        },
    )
    .session_options(options)
    .build();
    let http = HttpServer::builder(server).websocket("/ws").build();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/ws", listener.local_addr().unwrap());
    let served = http.clone();
    tokio::spawn(async move {
        served
            .serve(listener, served.router(), std::future::pending())
            .await
            .unwrap();
    });

    let mut socket = raw_connect(&url, Some("mcp"), None).await.unwrap();
    let call = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {
        "name": "slow",
        "_meta": {
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {}
        }
    }});
    socket.send(Message::text(call.to_string())).await.unwrap();
    eventually("the handler to start", || {
        probe.started.load(Ordering::SeqCst) == 1
    })
    .await;
    assert_eq!(http.websocket_count(), 1);
    // No close frame: the TCP connection just goes away.
    drop(socket);
    eventually("the session to end", || http.websocket_count() == 0).await;
    eventually("the handler to be stopped", || {
        probe.cancelled.load(Ordering::SeqCst) == 1
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_sees_a_vanished_server() {
    // A server that accepts the `mcp` subprotocol, then drops the connection on the first
    // message.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        #[allow(clippy::result_large_err)]
        let select = |request: &tokio_tungstenite::tungstenite::handshake::server::Request,
                      mut response: tokio_tungstenite::tungstenite::handshake::server::Response| {
            assert!(
                request
                    .headers()
                    .get("sec-websocket-protocol")
                    .is_some_and(|p| p == "mcp")
            );
            response
                .headers_mut()
                .insert("sec-websocket-protocol", "mcp".parse().unwrap());
            Ok(response)
        };
        let mut socket = tokio_tungstenite::accept_hdr_async(tcp, select)
            .await
            .unwrap();
        let _ = socket.next().await;
        drop(socket);
    });
    let transport = within("connecting", WebSocketClient::new(&url).connect())
        .await
        .unwrap();
    let error = within("negotiating", Client::connect(transport))
        .await
        .expect_err("the server vanished");
    let message = error.to_string();
    assert!(message.contains("closed"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pings_keep_a_quiet_connection_and_drop_a_dead_one() {
    let (http, url, _) = serve(|b| b.keep_alive(Some(Duration::from_millis(100)))).await;
    // Our client answers pings (the library does, while the session reads): a quiet connection
    // outlives many ping periods.
    let transport = WebSocketClient::new(&url)
        .ping_interval(Some(Duration::from_millis(100)))
        .connect()
        .await
        .unwrap();
    let client = within("connecting", Client::connect(transport))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    client.ping().await.unwrap();
    assert_eq!(http.websocket_count(), 1);
    client.close().await;
    eventually("the socket to close", || http.websocket_count() == 0).await;

    // A client that never reads never answers a ping: it is given up after two periods.
    let socket = raw_connect(&url, Some("mcp"), None).await.unwrap();
    eventually("the socket to open", || http.websocket_count() == 1).await;
    eventually("the dead peer to be dropped", || {
        http.websocket_count() == 0
    })
    .await;
    drop(socket);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_closes_websockets_with_going_away() {
    let (http, url, _) = serve(|b| b).await;
    let mut socket = raw_connect(&url, Some("mcp"), None).await.unwrap();
    eventually("the socket to open", || http.websocket_count() == 1).await;
    http.shutdown().await;
    assert_eq!(close_code(&mut socket).await, Some(CloseCode::Away));
    eventually("the session to end", || http.websocket_count() == 0).await;
}
