//! The HTTP transports end to end: our client against our server over real sockets, in both
//! protocol eras, stateless mode, mounted beside other routes, legacy SSE, resumability across a
//! connection that breaks, and cancellation by closing a stream.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mcp::client::{CallOptions, Client};
use mcp::http_server::{HttpServer, HttpServerBuilder, InMemoryEventStore};
use mcp::server::{RequestContext, Server, ServerHandler};
use mcp::transport::http::{SseClientTransport, StreamableHttpTransport};
use mcp::types::*;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Every read of these tests waits at most this long.
const PATIENCE: Duration = Duration::from_secs(20);

#[derive(Default)]
struct Counters {
    cancelled: AtomicUsize,
}

struct Tools {
    counters: Arc<Counters>,
}

/// Counts the handlers dropped before they finished.
struct CancelGuard(Arc<Counters>, bool);

impl Drop for CancelGuard {
    fn drop(&mut self) {
        if !self.1 {
            self.0.cancelled.fetch_add(1, Ordering::SeqCst);
        }
    }
}

fn arg(params: &CallToolRequestParams, name: &str) -> Option<serde_json::Value> {
    params.arguments.as_ref()?.get(name).cloned()
}

#[mcp::server_handler(list_changed(tools))]
impl ServerHandler for Tools {
    async fn list_tools(
        &self,
        _: PaginatedRequestParams,
        _: RequestContext,
    ) -> mcp::Result<ListToolsResult> {
        Ok(ListToolsResult::new(
            ["echo", "log", "steps", "ask", "slow", "notify"]
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
            "echo" => Ok(CallToolResult::text(
                arg(&params, "message")
                    .and_then(|m| m.as_str().map(str::to_owned))
                    .unwrap_or_default(),
            )),
            "log" => {
                cx.info("about to answer")?;
                cx.report_progress(1.0, Some(1.0), Some("done"))?;
                Ok(CallToolResult::text("logged"))
            }
            "steps" => {
                let n = arg(&params, "n").and_then(|n| n.as_u64()).unwrap_or(3);
                let ms = arg(&params, "ms").and_then(|n| n.as_u64()).unwrap_or(10);
                for i in 1..=n {
                    cx.report_progress(i as f64, Some(n as f64), Some(&format!("step {i}")))?;
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                }
                Ok(CallToolResult::text(format!("{n} steps")))
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
            "slow" => {
                let mut guard = CancelGuard(self.counters.clone(), false);
                tokio::time::sleep(Duration::from_secs(60)).await;
                guard.1 = true;
                Ok(CallToolResult::text("too late"))
            }
            "notify" => {
                cx.notifier().tools_list_changed();
                Ok(CallToolResult::text("notified"))
            }
            other => Err(ErrorData::invalid_params(format!("Unknown tool: {other}")).into()),
        }
    }
}

fn tools() -> (Server<Tools>, Arc<Counters>) {
    let counters = Arc::new(Counters::default());
    let server = Server::builder(
        "http-test",
        Tools {
            counters: counters.clone(),
        },
    )
    .version("1.0.0")
    .build();
    (server, counters)
}

/// Serves `http`'s router on a free port; the base URL (`http://127.0.0.1:port`).
async fn serve_router(http: &HttpServer<Tools>, app: axum::Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let http = http.clone();
    tokio::spawn(async move {
        http.serve(listener, app, std::future::pending())
            .await
            .unwrap();
    });
    format!("http://{addr}")
}

async fn serve(
    configure: impl FnOnce(HttpServerBuilder<Tools>) -> HttpServerBuilder<Tools>,
) -> (HttpServer<Tools>, String, Arc<Counters>) {
    let (server, counters) = tools();
    let http = configure(HttpServer::builder(server)).build();
    let base = serve_router(&http, http.router()).await;
    (http, base, counters)
}

fn client_builder() -> mcp::client::ClientBuilder {
    Client::builder()
        .on_sampling(|_| async { Ok(CreateMessageResult::text("model", "4")) })
        .request_timeout(Some(PATIENCE))
}

fn text(result: &CallToolResult) -> &str {
    result.content[0].as_text().expect("a text result")
}

async fn within<T>(what: &str, future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(PATIENCE, future)
        .await
        .unwrap_or_else(|_| panic!("{what} took longer than {PATIENCE:?}"))
}

async fn exercise(client: &Client) {
    let echo = client
        .call_tool("echo", json!({"message": "hi"}))
        .await
        .unwrap();
    assert_eq!(text(&echo), "hi");
    let progress = Arc::new(Mutex::new(Vec::new()));
    let sink = progress.clone();
    let options = CallOptions::with_progress(move |p| sink.lock().unwrap().push(p.progress));
    let logged = client
        .call_tool_with(CallToolRequestParams::new("log"), &options)
        .await
        .unwrap();
    assert_eq!(text(&logged), "logged");
    assert_eq!(*progress.lock().unwrap(), [1.0]);
    // Sampling: a request on the POST's stream in the handshake era, input_required in the
    // stateless one.
    let asked = client.call_tool("ask", json!({})).await.unwrap();
    assert_eq!(text(&asked), "sampled: 4");
    assert_eq!(client.list_all_tools().await.unwrap().len(), 6);
    client.ping().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_client_speaks_both_eras_to_our_server() {
    let (http, base, _) = serve(|b| b).await;
    let url = format!("{base}/mcp");
    let logs = Arc::new(Mutex::new(Vec::new()));
    let sink = logs.clone();
    let modern = within(
        "connecting",
        client_builder()
            .on_logging(move |m| sink.lock().unwrap().push(m.data.to_string()))
            .connect_http(&url),
    )
    .await
    .unwrap();
    assert_eq!(modern.protocol_version(), ProtocolVersion::V2026_07_28);
    assert_eq!(modern.server_info().unwrap().name, "http-test");
    within("the stateless era", exercise(&modern)).await;
    assert!(
        logs.lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("about to answer")),
        "{logs:?}"
    );
    assert_eq!(http.session_count(), 0, "the stateless era has no sessions");
    modern.close().await;

    let legacy = within(
        "connecting",
        client_builder()
            .protocol_version(ProtocolVersion::V2025_11_25)
            .connect_http(&url),
    )
    .await
    .unwrap();
    assert_eq!(legacy.protocol_version(), ProtocolVersion::V2025_11_25);
    within("the handshake era", exercise(&legacy)).await;
    assert_eq!(http.session_count(), 1);
    legacy.close().await;
    // Closing sent a DELETE.
    assert_eq!(http.session_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_mode_serves_both_eras() {
    for mode in [
        mcp::http_server::ResponseMode::Json,
        mcp::http_server::ResponseMode::Sse,
    ] {
        let (_http, base, _) = serve(|b| b.response_mode(mode)).await;
        for version in [ProtocolVersion::V2026_07_28, ProtocolVersion::V2025_11_25] {
            let client = within(
                "connecting",
                client_builder()
                    .protocol_version(version)
                    .connect_http(&format!("{base}/mcp")),
            )
            .await
            .unwrap();
            let echo = within("echo", client.call_tool("echo", json!({"message": "m"})))
                .await
                .unwrap();
            assert_eq!(text(&echo), "m", "{mode:?} {version}");
            let progress = Arc::new(Mutex::new(Vec::new()));
            let sink = progress.clone();
            let options =
                CallOptions::with_progress(move |p| sink.lock().unwrap().push(p.progress));
            let mut params = CallToolRequestParams::new("steps");
            params.arguments = Some(json!({"n": 3, "ms": 1}).as_object().unwrap().clone());
            within("steps", client.call_tool_with(params, &options))
                .await
                .unwrap();
            let seen = progress.lock().unwrap().clone();
            if mode == mcp::http_server::ResponseMode::Sse {
                assert_eq!(seen, [1.0, 2.0, 3.0], "{mode:?} {version}");
            }
            if version == ProtocolVersion::V2025_11_25 {
                // JSON mode sends the request to the GET stream, SSE mode on the POST's.
                let asked = within("ask", client.call_tool("ask", json!({})))
                    .await
                    .unwrap();
                assert_eq!(text(&asked), "sampled: 4");
            }
            client.close().await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_notifications_reach_both_eras() {
    let (_http, base, _) = serve(|b| b).await;
    let url = format!("{base}/mcp");

    // Stateless: a subscriptions/listen stream.
    let modern = within("connecting", client_builder().connect_http(&url))
        .await
        .unwrap();
    let filter = SubscriptionFilter {
        tools_list_changed: Some(true),
        ..Default::default()
    };
    let mut subscription = within("listen", modern.listen(filter)).await.unwrap();
    assert_eq!(subscription.acknowledged().tools_list_changed, Some(true));
    modern.call_tool("notify", json!({})).await.unwrap();
    let note = within("a change notification", subscription.next())
        .await
        .expect("the subscription is open");
    assert_eq!(note.method(), "notifications/tools/list_changed");
    drop(subscription);
    modern.close().await;

    // Handshake era: the GET stream.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let legacy = within(
        "connecting",
        client_builder()
            .protocol_version(ProtocolVersion::V2025_11_25)
            .on_notification(move |note| {
                let _ = tx.send(note.method().to_owned());
            })
            .connect_http(&url),
    )
    .await
    .unwrap();
    // The GET stream opens in the background; notify until a notification comes through.
    let seen = within("a notification on the GET stream", async {
        loop {
            legacy.call_tool("notify", json!({})).await.unwrap();
            if let Ok(Some(method)) =
                tokio::time::timeout(Duration::from_millis(200), rx.recv()).await
            {
                break method;
            }
        }
    })
    .await;
    assert_eq!(seen, "notifications/tools/list_changed");
    legacy.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stateless_mode_keeps_no_sessions() {
    let (http, base, _) = serve(|b| b.stateless(true)).await;
    let url = format!("{base}/mcp");
    for version in [ProtocolVersion::V2025_11_25, ProtocolVersion::V2025_03_26] {
        let client = within(
            "connecting",
            client_builder()
                .protocol_version(version)
                .connect_http(&url),
        )
        .await
        .unwrap();
        let echo = client
            .call_tool("echo", json!({"message": "stateless"}))
            .await
            .unwrap();
        assert_eq!(text(&echo), "stateless");
        assert_eq!(http.session_count(), 0);
        client.close().await;
    }
    let get = reqwest::Client::new()
        .get(&url)
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 405);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mounts_into_an_existing_app() {
    let (server, _) = tools();
    let http = HttpServer::builder(server)
        .legacy_sse("/sse", "/messages/")
        .build();
    let app = axum::Router::new()
        .route("/health", axum::routing::get(|| async { "ok" }))
        .nest("/github", http.router());
    let base = serve_router(&http, app).await;
    let health = reqwest::get(format!("{base}/health")).await.unwrap();
    assert_eq!(health.text().await.unwrap(), "ok");
    let client = within(
        "connecting",
        client_builder().connect_http(&format!("{base}/github/mcp")),
    )
    .await
    .unwrap();
    assert_eq!(
        text(
            &client
                .call_tool("echo", json!({"message": "mounted"}))
                .await
                .unwrap()
        ),
        "mounted"
    );
    client.close().await;
    // The legacy endpoint names its message URL under the mount point.
    let sse = within(
        "the endpoint event",
        SseClientTransport::new(&format!("{base}/github/sse"))
            .unwrap()
            .connect(),
    )
    .await
    .unwrap();
    assert!(
        sse.endpoint()
            .unwrap()
            .path()
            .starts_with("/github/messages/"),
        "{sse:?}"
    );
    let client = within("connecting", client_builder().connect(sse))
        .await
        .unwrap();
    assert_eq!(
        text(
            &client
                .call_tool("echo", json!({"message": "old"}))
                .await
                .unwrap()
        ),
        "old"
    );
    client.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_http_falls_back_to_legacy_sse() {
    let (http, base, _) = serve(|b| b.path("/streamable").legacy_sse("/sse", "/messages/")).await;
    // POST /sse answers 405: not a Streamable HTTP endpoint, so the client tries the legacy
    // transport there.
    let client = within(
        "connecting",
        client_builder()
            .protocol_version(ProtocolVersion::V2024_11_05)
            .connect_http(&format!("{base}/sse")),
    )
    .await
    .unwrap();
    assert_eq!(client.protocol_version(), ProtocolVersion::V2024_11_05);
    within("the legacy era", exercise(&client)).await;
    assert_eq!(http.session_count(), 1);
    client.close().await;
    within("the session to end", async {
        while http.session_count() > 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
}

/// A TCP proxy that cuts the connection of the first response carrying `marker`, right after
/// passing that chunk on; it counts the cuts.
async fn cutting_proxy(target: String, marker: &'static str) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let cuts = Arc::new(AtomicUsize::new(0));
    let counted = cuts.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut inbound, _)) = listener.accept().await else {
                return;
            };
            let target = target.clone();
            let cuts = counted.clone();
            tokio::spawn(async move {
                let Ok(mut outbound) = TcpStream::connect(&target).await else {
                    return;
                };
                let (mut in_read, mut in_write) = inbound.split();
                let (mut out_read, mut out_write) = outbound.split();
                let upstream = tokio::io::copy(&mut in_read, &mut out_write);
                let downstream = async {
                    let mut buf = vec![0u8; 16 * 1024];
                    loop {
                        let n = out_read.read(&mut buf).await?;
                        if n == 0 {
                            return Ok::<_, std::io::Error>(());
                        }
                        in_write.write_all(&buf[..n]).await?;
                        let chunk = String::from_utf8_lossy(&buf[..n]);
                        if chunk.contains(marker) && cuts.fetch_add(1, Ordering::SeqCst) == 0 {
                            return Ok(());
                        }
                    }
                };
                tokio::select! {
                    _ = upstream => {}
                    _ = downstream => {}
                }
            });
        }
    });
    (format!("http://{addr}"), cuts)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_stream_resumes_without_losing_an_event() {
    let (_http, base, _) = serve(|b| {
        b.event_store(InMemoryEventStore::default())
            .retry_interval(Duration::from_millis(50))
    })
    .await;
    let (proxy, cuts) =
        cutting_proxy(base.trim_start_matches("http://").to_owned(), "step 2").await;
    let client = within(
        "connecting",
        client_builder()
            .protocol_version(ProtocolVersion::V2025_11_25)
            .connect(
                StreamableHttpTransport::new(&format!("{proxy}/mcp"))
                    .unwrap()
                    .get_stream(false),
            ),
    )
    .await
    .unwrap();
    let progress = Arc::new(Mutex::new(Vec::new()));
    let sink = progress.clone();
    let options = CallOptions::with_progress(move |p| {
        sink.lock()
            .unwrap()
            .push((p.progress, p.message.unwrap_or_default()))
    });
    let mut params = CallToolRequestParams::new("steps");
    params.arguments = Some(json!({"n": 5, "ms": 100}).as_object().unwrap().clone());
    let result = within("the resumed call", client.call_tool_with(params, &options))
        .await
        .unwrap();
    assert_eq!(text(&result), "5 steps");
    assert_eq!(
        cuts.load(Ordering::SeqCst),
        1,
        "the proxy cut the stream once"
    );
    let seen = progress.lock().unwrap().clone();
    assert_eq!(
        seen.iter().map(|(p, _)| *p).collect::<Vec<_>>(),
        [1.0, 2.0, 3.0, 4.0, 5.0],
        "every event exactly once: {seen:?}"
    );
    client.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_a_stateless_stream_cancels_the_request() {
    let (_http, base, counters) = serve(|b| b).await;
    let client = within(
        "connecting",
        client_builder().connect_http(&format!("{base}/mcp")),
    )
    .await
    .unwrap();
    let options = CallOptions {
        timeout: Some(Duration::from_millis(300)),
        ..CallOptions::default()
    };
    let error = client
        .call_tool_with(CallToolRequestParams::new("slow"), &options)
        .await
        .unwrap_err();
    assert!(matches!(error, mcp::Error::Timeout { .. }), "{error}");
    within("the handler to be cancelled", async {
        while counters.cancelled.load(Ordering::SeqCst) == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    client.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_errors_become_clear_client_errors() {
    // Nothing listens there: the connection fails.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead = format!("http://{}/mcp", listener.local_addr().unwrap());
    drop(listener);
    let error = within("failing", client_builder().connect_http(&dead))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("could not reach"), "{error}");

    // A web server without an MCP endpoint.
    let app = axum::Router::new().route("/", axum::routing::get(|| async { "hello" }));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let error = within(
        "failing",
        client_builder().connect_http(&format!("http://{addr}/mcp")),
    )
    .await
    .unwrap_err();
    assert!(
        error.to_string().contains("404") && error.to_string().contains("no MCP endpoint"),
        "{error}"
    );
}

/// Tools whose schemas annotate parameters with `x-mcp-header`.
struct Annotated;

fn schema(value: serde_json::Value) -> JsonObject {
    value.as_object().expect("an object").clone()
}

#[mcp::server_handler]
impl ServerHandler for Annotated {
    async fn list_tools(
        &self,
        _: PaginatedRequestParams,
        _: RequestContext,
    ) -> mcp::Result<ListToolsResult> {
        Ok(ListToolsResult::new(vec![
            Tool::new(
                "routed",
                schema(json!({"type": "object", "properties": {
                    "region": {"type": "string", "x-mcp-header": "Region"},
                    "priority": {"type": "integer", "x-mcp-header": "Priority"},
                    "query": {"type": "string"}
                }})),
            ),
            Tool::new(
                "broken",
                schema(json!({"type": "object", "properties": {
                    "ratio": {"type": "number", "x-mcp-header": "Ratio"}
                }})),
            ),
        ]))
    }

    async fn call_tool(
        &self,
        params: CallToolRequestParams,
        _: RequestContext,
    ) -> mcp::Result<CallToolResult> {
        Ok(CallToolResult::text(params.name))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_mirrors_annotated_parameters_into_headers() {
    let http = HttpServer::builder(Server::builder("annotated", Annotated).build()).build();
    let seen: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let record = seen.clone();
    let app = http.router().layer(axum::middleware::from_fn(
        move |request: axum::extract::Request, next: axum::middleware::Next| {
            let record = record.clone();
            async move {
                for (name, value) in request.headers() {
                    if name.as_str().starts_with("mcp-param-") {
                        record.lock().unwrap().push((
                            name.as_str().to_owned(),
                            value.to_str().unwrap_or_default().to_owned(),
                        ));
                    }
                }
                next.run(request).await
            }
        },
    ));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/mcp", listener.local_addr().unwrap());
    tokio::spawn(async move { http.serve(listener, app, std::future::pending()).await });
    let client = within("connecting", client_builder().connect_http(&url))
        .await
        .unwrap();
    assert_eq!(client.protocol_version(), ProtocolVersion::V2026_07_28);
    // The tool with an invalid annotation is left out of the list.
    let tools: Vec<String> = client
        .list_all_tools()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(tools, ["routed"]);
    client
        .call_tool(
            "routed",
            json!({"region": "Zürich", "priority": 3, "query": "q"}),
        )
        .await
        .unwrap();
    let mut headers = seen.lock().unwrap().clone();
    headers.sort();
    assert_eq!(
        headers,
        [
            ("mcp-param-priority".to_owned(), "3".to_owned()),
            (
                "mcp-param-region".to_owned(),
                "=?base64?WsO8cmljaA==?=".to_owned()
            ),
        ]
    );
    client.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_observer_sees_every_http_exchange() {
    use mcp::transport::http::HttpExchange;
    let (_http, base, _) = serve(|b| b).await;
    let url = format!("{base}/mcp");
    for version in [ProtocolVersion::V2025_11_25, ProtocolVersion::V2026_07_28] {
        let seen: Arc<Mutex<Vec<HttpExchange>>> = Arc::default();
        let sink = seen.clone();
        let transport = StreamableHttpTransport::new(&url)
            .unwrap()
            .header("x-team", "tools")
            .unwrap()
            .observer(move |exchange: &HttpExchange| sink.lock().unwrap().push(exchange.clone()));
        let client = within(
            "connecting",
            client_builder()
                .protocol_version(version)
                .connect(transport),
        )
        .await
        .unwrap();
        let echo = client
            .call_tool("echo", json!({"message": "hi"}))
            .await
            .unwrap();
        assert_eq!(text(&echo), "hi");
        client.close().await;

        let seen = seen.lock().unwrap();
        let posts: Vec<&HttpExchange> = seen.iter().filter(|e| e.method == "POST").collect();
        assert!(posts.len() >= 2, "{version}: {seen:?}");
        for post in &posts {
            assert_eq!(post.url.as_str(), url);
            assert_eq!(post.request_headers["x-team"], "tools");
            assert!(post.status.is_some_and(|s| s.is_success()), "{post:?}");
            assert!(post.error.is_none());
        }
        let call = posts
            .iter()
            .find(|e| {
                e.request_headers
                    .get("mcp-method")
                    .is_some_and(|m| m == "tools/call")
            })
            .map(|e| e.response_headers.contains_key("content-type"));
        if version.is_stateless() {
            assert_eq!(call, Some(true), "the stateless era names the method");
        } else {
            // The handshake era: a session id came back, and closing sent a DELETE.
            assert!(
                posts
                    .iter()
                    .any(|e| e.response_headers.contains_key("mcp-session-id"))
            );
            assert!(seen.iter().any(|e| e.method == "DELETE"), "{seen:?}");
        }
    }

    // A request that gets no response is reported with its error.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead = format!("http://{}/mcp", listener.local_addr().unwrap());
    drop(listener);
    let seen: Arc<Mutex<Vec<HttpExchange>>> = Arc::default();
    let sink = seen.clone();
    let transport = StreamableHttpTransport::new(&dead)
        .unwrap()
        .observer(move |exchange: &HttpExchange| sink.lock().unwrap().push(exchange.clone()));
    assert!(client_builder().connect(transport).await.is_err());
    let seen = seen.lock().unwrap();
    assert!(!seen.is_empty());
    assert!(seen.iter().all(|e| e.status.is_none() && e.error.is_some()));
}
