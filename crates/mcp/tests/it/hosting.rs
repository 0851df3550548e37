//! A server hosted over HTTP by a host of its own, on plain axum without the SDK's
//! `HttpServer`: the server's public hosting API is all a third-party host needs.
//!
//! The host below is a minimal Streamable HTTP endpoint: a stateless-era POST is one exchange
//! ([`Server::serve_one`]); `initialize` opens a handshake-era session, a connection
//! ([`Server::connect`]) fed by the session's POSTs, whose answers go back to the POST that
//! carried each request. Real clients of the SDK talk to it in both eras.

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use mcp::client::Client;
use mcp::jsonrpc::Extensions;
use mcp::server::{RequestContext, Server, ServerHandler, ServerSession};
use mcp::transport::http::{MCP_PROTOCOL_VERSION, MCP_SESSION_ID, StreamableHttpTransport};
use mcp::transport::{
    BoxFuture, Incoming, Outgoing, OutgoingKind, TransportClosed, TransportReader, TransportWriter,
};
use mcp::types::*;
use tokio::sync::{mpsc, oneshot};

/// Every wait of these tests is at most this long.
const PATIENCE: Duration = Duration::from_secs(20);

struct Greeter;

#[mcp::server_handler]
impl ServerHandler for Greeter {
    async fn list_tools(
        &self,
        _: PaginatedRequestParams,
        _: RequestContext,
    ) -> mcp::Result<ListToolsResult> {
        Ok(ListToolsResult::new(vec![
            Tool::without_input("hello"),
            Tool::without_input("ask_name"),
        ]))
    }

    async fn call_tool(
        &self,
        params: CallToolRequestParams,
        cx: RequestContext,
    ) -> mcp::Result<CallToolResult> {
        let greeting = match params.name.as_str() {
            "hello" => format!("Hello, {}!", cx.protocol_version()),
            "ask_name" => {
                let schema =
                    RequestedSchema::new().with_property("name", StringSchema::new(), true);
                let answer = cx
                    .elicit(ElicitRequestFormParams::new("Your name?", schema).into())
                    .await?;
                match answer.content.as_ref().and_then(|c| c.get("name")) {
                    Some(ElicitValue::String(name)) => format!("Hello, {name}!"),
                    _ => "Hello, stranger!".to_owned(),
                }
            }
            other => return Err(ErrorData::invalid_params(format!("no tool {other}")).into()),
        };
        Ok(CallToolResult::text(greeting))
    }
}

/// The host: one server, and the handshake-era sessions it has open.
struct Host {
    server: Server<Greeter>,
    sessions: Mutex<HashMap<String, Arc<HostSession>>>,
}

/// A handshake-era session: its connection, what feeds it, and the POSTs waiting for answers.
struct HostSession {
    inbound: mpsc::Sender<Bytes>,
    waiting: Arc<Mutex<HashMap<RequestId, oneshot::Sender<Vec<u8>>>>>,
    _connection: ServerSession,
}

/// The session's incoming half: the bodies of its POSTs.
struct PostedMessages {
    rx: mpsc::Receiver<Bytes>,
    current: Bytes,
}

impl TransportReader for PostedMessages {
    async fn recv(&mut self) -> Option<io::Result<Incoming<'_>>> {
        self.current = self.rx.recv().await?;
        Some(Ok(Incoming::Message(&self.current)))
    }
}

/// The session's outgoing half: each answer to the POST that carried its request (this host
/// has no event streams, so whatever else the server sends is dropped).
struct AnswerRouter(Arc<Mutex<HashMap<RequestId, oneshot::Sender<Vec<u8>>>>>);

impl TransportWriter for AnswerRouter {
    fn send(&self, message: Outgoing) -> Result<(), TransportClosed> {
        if let (OutgoingKind::Response, Some(id)) = (message.kind, &message.related_request)
            && let Some(waiting) = self.0.lock().unwrap().remove(id)
        {
            let _ = waiting.send(message.json);
        }
        Ok(())
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(async {})
    }
}

/// One exchange's answer: the response, whatever came before it.
struct Answer(mpsc::UnboundedSender<Vec<u8>>);

impl TransportWriter for Answer {
    fn send(&self, message: Outgoing) -> Result<(), TransportClosed> {
        if message.kind == OutgoingKind::Response {
            let _ = self.0.send(message.json);
        }
        Ok(())
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(async {})
    }
}

fn json(status: StatusCode, body: Vec<u8>, session: Option<&str>) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    if let Some(session) = session.and_then(|s| HeaderValue::from_str(s).ok()) {
        headers.insert(MCP_SESSION_ID, session);
    }
    response
}

/// The id of a request, when the body is one.
fn request_id(body: &[u8]) -> Option<RequestId> {
    let message: serde_json::Value = serde_json::from_slice(body).ok()?;
    message.get("method")?;
    serde_json::from_value(message.get("id")?.clone()).ok()
}

async fn endpoint(State(host): State<Arc<Host>>, headers: HeaderMap, body: Bytes) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let stateless = header(MCP_PROTOCOL_VERSION)
        .and_then(ProtocolVersion::from_wire)
        .is_some_and(ProtocolVersion::is_stateless);
    if stateless {
        let (tx, mut rx) = mpsc::unbounded_channel();
        // Held until the answer is in: dropping the exchange would cancel its handler.
        let _exchange = host
            .server
            .serve_one(&body, Answer(tx), Extensions::default());
        return match rx.recv().await {
            Some(answer) => json(StatusCode::OK, answer, None),
            None => StatusCode::ACCEPTED.into_response(),
        };
    }
    let session = match header(MCP_SESSION_ID) {
        Some(id) => match host.sessions.lock().unwrap().get(id) {
            Some(session) => (id.to_owned(), session.clone()),
            None => return StatusCode::NOT_FOUND.into_response(),
        },
        None => {
            let (inbound, rx) = mpsc::channel(8);
            let waiting = Arc::default();
            let transport = (
                PostedMessages {
                    rx,
                    current: Bytes::new(),
                },
                AnswerRouter(Arc::clone(&waiting)),
            );
            let session = Arc::new(HostSession {
                inbound,
                waiting,
                _connection: host.server.connect(transport),
            });
            let id = format!("session-{}", host.sessions.lock().unwrap().len());
            host.sessions
                .lock()
                .unwrap()
                .insert(id.clone(), session.clone());
            (id, session)
        }
    };
    let (id, session) = session;
    let Some(request) = request_id(&body) else {
        let _ = session.inbound.send(body).await;
        return StatusCode::ACCEPTED.into_response();
    };
    let (tx, rx) = oneshot::channel();
    session.waiting.lock().unwrap().insert(request, tx);
    if session.inbound.send(body).await.is_err() {
        return StatusCode::NOT_FOUND.into_response();
    }
    match rx.await {
        Ok(answer) => json(StatusCode::OK, answer, Some(&id)),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Serves the host on a free port; its endpoint's URL.
async fn host() -> String {
    let host = Arc::new(Host {
        server: Server::builder("greeter", Greeter).build(),
        sessions: Mutex::default(),
    });
    host.server.start().await.unwrap();
    let app = Router::new().route("/mcp", post(endpoint)).with_state(host);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}/mcp")
}

async fn client(url: &str, version: Option<ProtocolVersion>) -> Client {
    let mut builder = Client::builder().on_elicitation(|_| async {
        Ok(ElicitResult::accept([("name", ElicitValue::from("Ada"))]))
    });
    if let Some(version) = version {
        builder = builder.protocol_version(version);
    }
    let transport = StreamableHttpTransport::new(url).unwrap();
    tokio::time::timeout(PATIENCE, builder.connect(transport))
        .await
        .expect("the client connects in time")
        .unwrap()
}

#[tokio::test]
async fn a_host_of_its_own_serves_stateless_requests_as_single_exchanges() {
    let url = host().await;
    let client = client(&url, None).await;
    assert_eq!(client.protocol_version(), ProtocolVersion::V2026_07_28);
    let tools = client.list_all_tools().await.unwrap();
    assert_eq!(tools.len(), 2);
    let hello = client.call_tool("hello", serde_json::json!({})).await;
    assert_eq!(
        hello.unwrap().content[0].as_text(),
        Some("Hello, 2026-07-28!")
    );
    // The elicitation is an `input_required` round trip: two exchanges of one request.
    let asked = client.call_tool("ask_name", serde_json::json!({})).await;
    assert_eq!(asked.unwrap().content[0].as_text(), Some("Hello, Ada!"));
    client.close().await;
}

#[tokio::test]
async fn a_host_of_its_own_serves_handshake_sessions_on_connections() {
    let url = host().await;
    let client = client(&url, Some(ProtocolVersion::V2025_11_25)).await;
    assert_eq!(
        client.server_info().map(|i| i.name.as_str()),
        Some("greeter")
    );
    let hello = client.call_tool("hello", serde_json::json!({})).await;
    assert_eq!(
        hello.unwrap().content[0].as_text(),
        Some("Hello, 2025-11-25!")
    );
    client.ping().await.unwrap();
    client.close().await;
}
