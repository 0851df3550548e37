//! The page's API under `/api/` (every route needs the token; see `docs/inspector-api.md`).
//! Bodies are JSON objects with no unknown fields: a body naming a command, URL or environment
//! is refused like any other malformed body, and no route starts anything but the target.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::Stream;
use mcp::client::CallOptions;
use mcp::types::Root;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;

use crate::backend::{Answer, Backend, CallError, ConnectOptions};
use crate::events::Event;
use crate::rpc;

/// A JSON error response.
pub fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({"error": {"message": message.into()}}))).into_response()
}

fn call_error(error: CallError) -> Response {
    match error {
        CallError::NotConnected => error_not_connected(),
        CallError::Cancelled => (
            StatusCode::OK,
            Json(json!({"error": {"code": -32800, "message": "cancelled by the inspector"}})),
        )
            .into_response(),
        CallError::Failed(e) => {
            let body = match e {
                mcp::Error::Protocol(data) => json!({"error": data}),
                other => json!({"error": {"code": -32603, "message": other.to_string()}}),
            };
            (StatusCode::OK, Json(body)).into_response()
        }
    }
}

fn error_not_connected() -> Response {
    error(
        StatusCode::CONFLICT,
        "not connected to the server: connect first",
    )
}

/// `GET /api/events`: the event stream (server-sent events, one JSON event per `data:`),
/// starting with the events kept so far.
pub async fn events(
    State(backend): State<Arc<Backend>>,
) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    let (history, rx) = backend.hub.subscribe();
    let last = history.last().map_or(0, |p| p.seq);
    let replay = futures::stream::iter(
        history
            .into_iter()
            .map(|p| Ok(SseEvent::default().id(p.seq.to_string()).data(&p.json))),
    );
    let live = futures::stream::unfold((rx, last), |(mut rx, last)| async move {
        loop {
            match rx.recv().await {
                Ok(p) if p.seq <= last => continue,
                Ok(p) => {
                    let event = SseEvent::default().id(p.seq.to_string()).data(&p.json);
                    return Some((Ok(event), (rx, p.seq)));
                }
                Err(RecvError::Lagged(missed)) => {
                    let event = SseEvent::default()
                        .data(json!({"type": "lagged", "missed": missed}).to_string());
                    return Some((Ok(event), (rx, last)));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(futures::StreamExt::chain(replay, live))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// `GET /api/state`: the target, the connection and the options, at once.
pub async fn state(State(backend): State<Arc<Backend>>) -> Response {
    Json(json!({
        "target": {
            "description": backend.target.describe(),
            "transport": backend.target.transport_name(),
        },
        "status": backend.status(),
        "sandboxOrigin": backend.sandbox_origin(),
        "options": {
            "protocolVersion": backend.options().protocol_version,
            "connectTimeoutMs": backend.options().connect_timeout_ms,
            "requestTimeoutMs": backend.options().request_timeout_ms,
        },
        "versions": mcp::types::ProtocolVersion::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
        "methods": rpc::METHODS,
        "roots": backend.roots(),
    }))
    .into_response()
}

/// `POST /api/connect`: (re)starts the target and connects.
pub async fn connect(
    State(backend): State<Arc<Backend>>,
    Json(options): Json<ConnectOptions>,
) -> Response {
    if let Err(why) = options.version() {
        return error(StatusCode::BAD_REQUEST, why.to_string());
    }
    match backend.connect(options, "connect requested").await {
        Ok(()) => Json(json!({"status": backend.status()})).into_response(),
        Err(why) => error(StatusCode::BAD_GATEWAY, why.to_string()),
    }
}

/// An empty body: `{}`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

/// `POST /api/restart`: restarts with the last options.
pub async fn restart(State(backend): State<Arc<Backend>>, Json(Empty {}): Json<Empty>) -> Response {
    match backend.restart("restart requested").await {
        Ok(()) => Json(json!({"status": backend.status()})).into_response(),
        Err(why) => error(StatusCode::BAD_GATEWAY, why.to_string()),
    }
}

/// `POST /api/disconnect`: disconnects, stopping a local server.
pub async fn disconnect(
    State(backend): State<Arc<Backend>>,
    Json(Empty {}): Json<Empty>,
) -> Response {
    backend.disconnect("disconnect requested").await;
    Json(json!({"status": backend.status()})).into_response()
}

/// The body of `POST /api/request`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RpcBody {
    /// One of [`rpc::METHODS`].
    pub method: String,
    /// Its params.
    #[serde(default)]
    pub params: Value,
    /// An id the page picks, to cancel the call and to receive its progress.
    #[serde(default)]
    pub call_id: Option<String>,
    /// This call's time limit.
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// Restart the time limit whenever progress arrives.
    #[serde(default)]
    pub reset_timeout_on_progress: bool,
}

/// `POST /api/request`: sends a request to the server; `{"result": ...}` or `{"error": ...}`.
pub async fn request(State(backend): State<Arc<Backend>>, Json(body): Json<RpcBody>) -> Response {
    if !rpc::METHODS.contains(&body.method.as_str()) {
        return error(
            StatusCode::BAD_REQUEST,
            format!(
                "{} is not a request the inspector sends; it sends: {}",
                body.method,
                rpc::METHODS.join(", ")
            ),
        );
    }
    let mut options = CallOptions {
        timeout: body.timeout_ms.map(Duration::from_millis),
        reset_timeout_on_progress: body.reset_timeout_on_progress,
        ..CallOptions::default()
    };
    if let Some(call_id) = body.call_id.clone() {
        let hub = backend.hub.clone();
        options.on_progress = Some(Arc::new(move |p: mcp::jsonrpc::Progress| {
            hub.publish(Event::Progress {
                call_id: call_id.clone(),
                progress: p.progress,
                total: p.total,
                message: p.message,
            })
        }));
    }
    let RpcBody {
        method,
        params,
        call_id,
        ..
    } = body;
    match backend
        .call(call_id, move |client| {
            rpc::dispatch(client, method, params, options)
        })
        .await
    {
        Ok(result) => Json(json!({"result": result})).into_response(),
        Err(e) => call_error(e),
    }
}

/// The body of `POST /api/cancel`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CancelBody {
    /// The call's id.
    pub call_id: String,
}

/// `POST /api/cancel`: cancels a call of the page.
pub async fn cancel(State(backend): State<Arc<Backend>>, Json(body): Json<CancelBody>) -> Response {
    if backend.cancel(&body.call_id) {
        Json(json!({"cancelled": true})).into_response()
    } else {
        error(StatusCode::NOT_FOUND, "no call runs under that id")
    }
}

/// The body of `POST /api/subscribe`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SubscribeBody {
    /// The resource.
    pub uri: String,
    /// Subscribe (`true`) or unsubscribe.
    pub subscribe: bool,
}

/// `POST /api/subscribe`: (un)subscribes to a resource's updates, in either era.
pub async fn subscribe(
    State(backend): State<Arc<Backend>>,
    Json(body): Json<SubscribeBody>,
) -> Response {
    match backend.subscribe(&body.uri, body.subscribe).await {
        Ok(()) => Json(json!({"result": {}})).into_response(),
        Err(e) => call_error(e),
    }
}

/// `POST /api/answer`: answers a request of the server.
pub async fn answer(State(backend): State<Arc<Backend>>, Json(answer): Json<Answer>) -> Response {
    if backend.answer(answer) {
        Json(json!({"answered": true})).into_response()
    } else {
        error(
            StatusCode::NOT_FOUND,
            "no request of the server waits under that id (answered, withdrawn, or the server restarted)",
        )
    }
}

/// The body of `POST /api/roots`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RootsBody {
    /// The roots the inspector answers `roots/list` with.
    pub roots: Vec<Root>,
    /// Also send `notifications/roots/list_changed` (handshake era).
    #[serde(default)]
    pub notify: bool,
}

/// `POST /api/roots`: sets the roots, and tells the server when asked.
pub async fn roots(State(backend): State<Arc<Backend>>, Json(body): Json<RootsBody>) -> Response {
    backend.set_roots(body.roots);
    if !body.notify {
        return Json(json!({"notified": false})).into_response();
    }
    let Some(client) = backend.client() else {
        return error_not_connected();
    };
    if client.protocol_version().is_stateless() {
        // No notifications in the stateless era: the server asks for the roots when it needs them.
        return Json(json!({"notified": false, "reason": "the stateless era has no roots notification; the server asks when it needs them"})).into_response();
    }
    match client.notify_roots_list_changed() {
        Ok(()) => Json(json!({"notified": true})).into_response(),
        Err(e) => call_error(CallError::Failed(e)),
    }
}

/// The body of `POST /api/replay`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReplayBody {
    /// The message as the protocol pane shows it.
    pub message: Value,
}

/// `POST /api/replay`: sends a request or notification of the protocol pane again.
pub async fn replay(State(backend): State<Arc<Backend>>, Json(body): Json<ReplayBody>) -> Response {
    let timeout = Duration::from_millis(backend.options().request_timeout_ms.max(1));
    let message = body.message;
    match backend
        .call(None, move |client| rpc::replay(client, message, timeout))
        .await
    {
        Ok(result) => Json(json!({"result": result})).into_response(),
        Err(e) => call_error(e),
    }
}
