//! The HTTP+SSE transport of 2024-11-05, for old clients: a GET opens the event stream, whose
//! first event (`endpoint`) names where the client POSTs its messages; every message of the
//! server travels on the event stream. The session lives as long as the stream.

use std::io;
use std::sync::{Arc, Weak};

use axum::extract::{OriginalUri, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use tokio::sync::mpsc;

use super::queue::frame_channel;
use super::respond::{Frame, FrameTx, empty_response, error_response, json_response, sse_response};
use super::session::INBOUND_QUEUE;
use super::session_id;
use super::{ResponseMode, Shared, security};
use crate::auth::TokenSlot;
use crate::jsonrpc::incoming::{self, IncomingMessage};
use crate::jsonrpc::outgoing;
use crate::server::{ServerHandler, ServerSession};
use crate::transport::{
    BoxFuture, Incoming, Outgoing, TransportClosed, TransportReader, TransportWriter,
};
use crate::types::ErrorCode;

/// One legacy session, as the POST endpoint sees it.
pub(super) struct LegacySession {
    inbound: mpsc::Sender<Bytes>,
    principal: Option<String>,
}

struct Reader {
    rx: mpsc::Receiver<Bytes>,
    current: Bytes,
}

impl TransportReader for Reader {
    async fn recv(&mut self) -> Option<io::Result<Incoming<'_>>> {
        self.current = self.rx.recv().await?;
        Some(Ok(Incoming::Message(&self.current)))
    }
}

/// Every message of the server goes on the one event stream.
struct Writer(FrameTx);

impl TransportWriter for Writer {
    fn send(&self, message: Outgoing) -> Result<(), TransportClosed> {
        self.0.send(Frame::of(message, None, false)).map_err(|_| {
            TransportClosed(Some(
                "the client closed the event stream, or stopped reading it".into(),
            ))
        })
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(std::future::ready(()))
    }
}

/// Ends the session when the event stream goes away.
struct StreamGuard<H: ServerHandler> {
    shared: Weak<Shared<H>>,
    id: Arc<str>,
    session: Option<ServerSession>,
}

impl<H: ServerHandler> Drop for StreamGuard<H> {
    fn drop(&mut self) {
        if let Some(shared) = self.shared.upgrade() {
            shared.legacy.lock().remove(&self.id);
        }
        if let Some(session) = self.session.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            runtime.spawn(session.close());
        }
    }
}

/// The path the app was mounted at, for the `endpoint` event: what the original URI has before
/// the path this router saw.
fn mount_prefix(original: Option<&OriginalUri>, seen: &str) -> String {
    original
        .and_then(|uri| uri.path().strip_suffix(seen).map(str::to_owned))
        .unwrap_or_default()
}

/// `GET {sse_path}`: opens a session and its event stream.
pub(super) async fn open<H: ServerHandler>(
    State(shared): State<Arc<Shared<H>>>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let token = match shared.admit(&parts).await {
        Ok(token) => token,
        Err(response) => return response,
    };
    let principal = token.as_ref().map(|t| t.principal());
    let Some((_, messages_path)) = &shared.config.legacy else {
        return empty_response(StatusCode::NOT_FOUND, &HeaderMap::new());
    };
    let streamable = shared.sessions.read();
    let mut sessions = shared.legacy.lock();
    if let Err(response) = shared.room_for_a_session(streamable.len() + sessions.len()) {
        return response;
    }
    drop(streamable);
    let id = session_id::issue(None);
    let (inbound, rx) = mpsc::channel(INBOUND_QUEUE);
    let (tx, frames) = frame_channel(shared.config.stream_buffer);
    let prefix = mount_prefix(parts.extensions.get::<OriginalUri>(), parts.uri.path());
    let endpoint = format!("{prefix}{messages_path}?session_id={id}");
    let _ = tx.send(Frame::Raw(
        format!("event: endpoint\ndata: {endpoint}\n\n").into_bytes(),
    ));
    let session = shared.server.connect_with(
        (
            Reader {
                rx,
                current: Bytes::new(),
            },
            Writer(tx),
        ),
        TokenSlot::new(token).extensions(),
    );
    sessions.insert(id.clone(), LegacySession { inbound, principal });
    drop(sessions);
    let guard = StreamGuard {
        shared: Arc::downgrade(&shared),
        id,
        session: Some(session),
    };
    sse_response(
        None,
        frames,
        guard,
        &shared.reply_options(ResponseMode::Sse, false, HeaderMap::new()),
    )
}

fn session_id_of(query: Option<&str>) -> Option<&str> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("session_id="))
}

/// `POST {messages_path}?session_id=…`: one message of a session.
pub(super) async fn message<H: ServerHandler>(
    State(shared): State<Arc<Shared<H>>>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let principal = match shared.admit(&parts).await {
        Ok(token) => token.map(|t| t.principal()),
        Err(response) => return response,
    };
    let Some(id) = session_id_of(parts.uri.query()) else {
        return error_response(
            StatusCode::BAD_REQUEST,
            ErrorCode::INVALID_REQUEST,
            "Bad Request: session_id is required (POST to the URL of the endpoint event)",
            None,
        );
    };
    let inbound = match shared.legacy.lock().get(id) {
        Some(session) if session.principal == principal => session.inbound.clone(),
        _ => {
            return error_response(
                StatusCode::NOT_FOUND,
                ErrorCode::INVALID_REQUEST,
                "Not Found: unknown session; open a new one with a GET on the SSE endpoint",
                None,
            );
        }
    };
    if !security::is_json(&parts.headers) {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::INVALID_REQUEST,
            "Unsupported Media Type: the body must be JSON (Content-Type: application/json)",
            None,
        );
    }
    let body = match shared.read_body(&parts.headers, body).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    if let IncomingMessage::Invalid { id, error } = incoming::parse(&body) {
        let body = outgoing::error_response(id.as_ref(), &error);
        return json_response(StatusCode::BAD_REQUEST, body, &HeaderMap::new());
    }
    if inbound.send(body).await.is_err() {
        return error_response(
            StatusCode::NOT_FOUND,
            ErrorCode::INVALID_REQUEST,
            "Not Found: the session has ended",
            None,
        );
    }
    empty_response(StatusCode::ACCEPTED, &HeaderMap::new())
}
