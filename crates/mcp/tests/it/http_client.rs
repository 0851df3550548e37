//! The Streamable HTTP client against small hand-written servers that behave in the ways the
//! specification allows but our own server does not: a version rejected once, a GET stream
//! that is slow to open.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mcp::client::Client;
use mcp::types::{ElicitAction, ElicitResult, ProtocolVersion};
use serde_json::{Value, json};
use tokio::net::TcpListener;

const PATIENCE: Duration = Duration::from_secs(20);

/// What a mock server saw, in order: `"POST <method>"` or `"GET"`.
type Log = Arc<Mutex<Vec<String>>>;

/// Serves `app` on a free port; its URL.
async fn serve(app: axum::Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/mcp")
}

fn json_response(body: Value) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// A stateless-era server that rejects the first request with -32022 although it lists the
/// version asked for, then answers normally.
async fn rejects_once(State(log): State<Log>, body: String) -> Response {
    let request: Value = serde_json::from_str(&body).unwrap();
    let method = request["method"].as_str().unwrap_or_default().to_owned();
    let first = {
        let mut log = log.lock().unwrap();
        log.push(format!("POST {method}"));
        log.len() == 1
    };
    let id = request["id"].clone();
    if first {
        let error = json!({
            "jsonrpc": "2.0", "id": id,
            "error": {"code": -32022, "message": "Unsupported protocol version",
                      "data": {"supported": ["2026-07-28"], "requested": "2026-07-28"}}
        });
        return (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "application/json")],
            error.to_string(),
        )
            .into_response();
    }
    let result = match method.as_str() {
        "server/discover" => json!({
            "resultType": "complete", "ttlMs": 0, "cacheScope": "private",
            "supportedVersions": ["2026-07-28"], "capabilities": {"tools": {}},
            "serverInfo": {"name": "rejects-once", "version": "1.0.0"}
        }),
        "tools/list" => {
            json!({"resultType": "complete", "ttlMs": 0, "cacheScope": "private", "tools": []})
        }
        _ => json!({"resultType": "complete"}),
    };
    json_response(json!({"jsonrpc": "2.0", "id": id, "result": result}))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pinned_client_retries_a_rejected_version_the_server_lists() {
    let log = Log::default();
    let url = serve(
        axum::Router::new()
            .route("/mcp", axum::routing::post(rejects_once))
            .with_state(log.clone()),
    )
    .await;
    let client = tokio::time::timeout(
        PATIENCE,
        Client::builder()
            .protocol_version(ProtocolVersion::V2026_07_28)
            .connect_http(&url),
    )
    .await
    .unwrap()
    .expect("the client retries the discovery");
    assert_eq!(client.protocol_version(), ProtocolVersion::V2026_07_28);
    client.list_tools(None).await.unwrap();
    client.close().await;
    assert_eq!(
        *log.lock().unwrap(),
        [
            "POST server/discover",
            "POST server/discover",
            "POST tools/list"
        ]
    );
}

/// A stateless-era server that supports only 2026-07-28 and says so on every request.
async fn rejects_always(body: String) -> Response {
    let request: Value = serde_json::from_str(&body).unwrap();
    let error = json!({
        "jsonrpc": "2.0", "id": request["id"],
        "error": {"code": -32022, "message": "Unsupported protocol version",
                  "data": {"supported": ["2026-07-28"], "requested": "2025-11-25"}}
    });
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, "application/json")],
        error.to_string(),
    )
        .into_response()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_the_server_does_not_list_is_not_retried() {
    let url = serve(axum::Router::new().route("/mcp", axum::routing::post(rejects_always))).await;
    let connected = tokio::time::timeout(
        PATIENCE,
        Client::builder()
            .protocol_version(ProtocolVersion::V2025_11_25)
            .connect_http(&url),
    )
    .await
    .unwrap();
    let Err(error) = connected else {
        panic!("a handshake-era client cannot talk to this server");
    };
    assert!(error.to_string().contains("2026-07-28"), "{error}");
}

/// A handshake-era server whose GET stream takes a while to open and which, while it is not
/// open, would drop the requests it sends the client. It logs what it sees, and sends an
/// elicitation on the GET stream once asked for a tool call.
#[derive(Clone, Default)]
struct SlowGet {
    log: Log,
    /// The GET stream, once open.
    stream: Arc<Mutex<Option<tokio::sync::mpsc::UnboundedSender<String>>>>,
}

async fn slow_get(State(server): State<SlowGet>, method: Method, body: String) -> Response {
    let session = [("mcp-session-id", "s1")];
    if method == Method::GET {
        tokio::time::sleep(Duration::from_millis(400)).await;
        server.log.lock().unwrap().push("GET open".into());
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<String>();
        *server.stream.lock().unwrap() = Some(tx);
        let events = futures::stream::unfold(rx, |mut rx| async move {
            let data = rx.recv().await?;
            Some((
                Ok::<_, std::convert::Infallible>(format!("event: message\ndata: {data}\n\n")),
                rx,
            ))
        });
        return (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/event-stream")],
            Body::from_stream(events),
        )
            .into_response();
    }
    let request: Value = serde_json::from_str(&body).unwrap();
    if request.get("method").is_none() {
        server
            .log
            .lock()
            .unwrap()
            .push(format!("answer {}", request["result"]));
        return (StatusCode::ACCEPTED, session).into_response();
    }
    let method = request["method"].as_str().unwrap_or_default().to_owned();
    server.log.lock().unwrap().push(format!("POST {method}"));
    let id = request["id"].clone();
    let result = match method.as_str() {
        "initialize" => json!({
            "protocolVersion": "2025-11-25", "capabilities": {"tools": {}},
            "serverInfo": {"name": "slow-get", "version": "1.0.0"}
        }),
        "tools/call" => {
            // Asks the client on the GET stream; dropped when there is none yet.
            if let Some(stream) = server.stream.lock().unwrap().as_ref() {
                let ask = json!({"jsonrpc": "2.0", "id": "ask-1", "method": "elicitation/create",
                    "params": {"message": "name?", "requestedSchema": {"type": "object",
                        "properties": {"name": {"type": "string", "default": "Ada"}}}}});
                let _ = stream.send(ask.to_string());
            }
            json!({"content": [{"type": "text", "text": "asked"}]})
        }
        _ if id.is_null() => {
            return (StatusCode::ACCEPTED, session).into_response();
        }
        _ => json!({}),
    };
    let mut headers = HeaderMap::new();
    headers.insert("mcp-session-id", "s1".parse().unwrap());
    (
        headers,
        json_response(json!({"jsonrpc": "2.0", "id": id, "result": result})),
    )
        .into_response()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_get_stream_is_open_before_the_first_request_after_the_handshake() {
    let server = SlowGet::default();
    let url = serve(
        axum::Router::new()
            .route(
                "/mcp",
                axum::routing::post(slow_get)
                    .get(slow_get)
                    .delete(|| async { StatusCode::OK }),
            )
            .with_state(server.clone()),
    )
    .await;
    let (answered, mut elicited) = tokio::sync::mpsc::unbounded_channel();
    let client = Client::builder()
        .protocol_version(ProtocolVersion::V2025_11_25)
        .on_elicitation(move |params| {
            let answered = answered.clone();
            async move {
                let _ = answered.send(params);
                // Accepted without the field: the client fills in the form's default.
                Ok(ElicitResult::new(ElicitAction::Accept))
            }
        })
        .connect_http(&url)
        .await
        .unwrap();
    client.call_tool("ask", json!({})).await.unwrap();
    tokio::time::timeout(PATIENCE, elicited.recv())
        .await
        .expect("the elicitation sent on the GET stream reaches the client")
        .unwrap();
    // The answer carries the form's default for the field the user left out.
    let answer = json!({"action": "accept", "content": {"name": "Ada"}});
    let log = tokio::time::timeout(PATIENCE, async {
        loop {
            let log = server.log.lock().unwrap().clone();
            if log.iter().any(|e| e.starts_with("answer")) {
                return log;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the client answers the elicitation");
    assert!(log.contains(&format!("answer {answer}")), "{log:?}");
    let open = log
        .iter()
        .position(|e| e == "GET open")
        .expect("a GET stream");
    let call = log.iter().position(|e| e == "POST tools/call").unwrap();
    assert!(
        open < call,
        "the tool call went out before the GET stream was open: {log:?}"
    );
    client.close().await;
}

/// A stateless-era server slow to answer its first `server/discover` (past the client's probe
/// timeout), which then refuses the `initialize` handshake the client falls back to.
async fn slow_discover(State(log): State<Log>, body: String) -> Response {
    let request: Value = serde_json::from_str(&body).unwrap();
    let method = request["method"].as_str().unwrap_or_default().to_owned();
    let first_discover = {
        let mut log = log.lock().unwrap();
        log.push(format!("POST {method}"));
        method == "server/discover" && log.iter().filter(|e| e.ends_with("discover")).count() == 1
    };
    let id = request["id"].clone();
    if id.is_null() {
        return StatusCode::ACCEPTED.into_response();
    }
    if first_discover {
        tokio::time::sleep(Duration::from_millis(600)).await;
    }
    let result = match method.as_str() {
        "initialize" => {
            let error = json!({
                "jsonrpc": "2.0", "id": id,
                "error": {"code": -32022, "message": "the handshake is not accepted",
                          "data": {"supported": ["2026-07-28"], "requested": "2025-11-25"}}
            });
            return (
                StatusCode::BAD_REQUEST,
                [(header::CONTENT_TYPE, "application/json")],
                error.to_string(),
            )
                .into_response();
        }
        "server/discover" => json!({
            "resultType": "complete", "ttlMs": 0, "cacheScope": "private",
            "supportedVersions": ["2026-07-28"], "capabilities": {"tools": {}},
            "serverInfo": {"name": "slow-discover", "version": "1.0.0"}
        }),
        _ => json!({"resultType": "complete", "ttlMs": 0, "cacheScope": "private", "tools": []}),
    };
    json_response(json!({"jsonrpc": "2.0", "id": id, "result": result}))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stateless_server_that_answers_the_probe_late_is_still_spoken_to_statelessly() {
    let log = Log::default();
    let url = serve(
        axum::Router::new()
            .route("/mcp", axum::routing::post(slow_discover))
            .with_state(log.clone()),
    )
    .await;
    let client = tokio::time::timeout(
        PATIENCE,
        Client::builder()
            .probe_timeout(Duration::from_millis(200))
            .connect_http(&url),
    )
    .await
    .unwrap()
    .expect("the client discovers the server after the refused handshake");
    assert_eq!(client.protocol_version(), ProtocolVersion::V2026_07_28);
    client.list_tools(None).await.unwrap();
    client.close().await;
    let log = log.lock().unwrap().clone();
    let discover = log
        .iter()
        .rposition(|e| e == "POST server/discover")
        .unwrap();
    let initialize = log.iter().position(|e| e == "POST initialize").unwrap();
    assert!(initialize < discover, "{log:?}");
}
