//! The handshake era over HTTP: `initialize` opens a session named by `Mcp-Session-Id`, a
//! connection of the server fed by the session's POSTs and answering on their responses and on
//! the GET stream; DELETE, the idle timeout or shutdown end it. In stateless mode every POST is
//! served on its own instead, as if the handshake had been made.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use bytes::Bytes;

use super::posted::{Kind, Posted, header, is_stateless_version};
use super::queue::frame_channel;
use super::respond::{
    self, ExchangeWriter, FrameRx, empty_response, error_response, method_not_allowed, reply,
    sse_response,
};
use super::session::{
    self, Busy, Ending, HttpSession, OpenError, ResumeError, Sharing, StreamSettings,
};
use super::session_id;
use super::{ResponseMode, Shared, security};
use crate::auth::{AccessToken, TokenSlot};
use crate::server::ServerHandler;
use crate::transport::http::{LAST_EVENT_ID, MCP_PROTOCOL_VERSION, MCP_SESSION_ID};
use crate::types::{ErrorCode, ProtocolVersion, RequestId};

impl<H: ServerHandler> Shared<H> {
    /// A handshake-era POST to a server in stateless mode: served on its own, as if the client
    /// had made the handshake.
    pub(super) async fn post_sessionless(
        &self,
        body: Bytes,
        posted: Posted,
        version: Option<&str>,
        token: Option<Arc<AccessToken>>,
    ) -> Response {
        if !matches!(posted.kind, Kind::Request(_)) {
            return empty_response(StatusCode::ACCEPTED, &HeaderMap::new());
        }
        // Without the header, the specification says to assume 2025-03-26.
        let version = version
            .and_then(ProtocolVersion::from_wire)
            .unwrap_or(ProtocolVersion::V2025_03_26);
        let (tx, rx) = frame_channel(self.config.stream_buffer);
        let exchange = self.server.serve_one_as_handshake(
            version,
            &body,
            ExchangeWriter(tx),
            TokenSlot::new(token).extensions(),
        );
        reply(
            rx,
            exchange,
            self.reply_options(self.config.mode, false, HeaderMap::new()),
        )
        .await
    }

    pub(super) fn open_session(
        self: &Arc<Self>,
        token: Option<Arc<AccessToken>>,
    ) -> Result<Arc<HttpSession>, Response> {
        let id = session_id::issue(self.config.session_secret.as_ref());
        let principal = token.as_ref().map(|t| t.principal());
        let sharing = self.config.replicas.as_ref().map(|replicas| Sharing {
            replicas: replicas.clone(),
            record: None,
        });
        self.start_session(id, token, principal, sharing)
    }

    /// Starts a session (or a copy of a shared one) and makes it known by its id.
    pub(super) fn start_session(
        self: &Arc<Self>,
        id: Arc<str>,
        token: Option<Arc<AccessToken>>,
        principal: Option<String>,
        sharing: Option<Sharing>,
    ) -> Result<Arc<HttpSession>, Response> {
        let mut sessions = self.sessions.write();
        if let Some(session) = sessions.get(&id) {
            // Another request of the session restored it meanwhile.
            return Ok(session.clone());
        }
        self.room_for_a_session(sessions.len() + self.legacy.lock().len())?;
        let session = HttpSession::start(
            &self.server,
            id,
            token,
            principal,
            StreamSettings {
                store: self.config.event_store.clone(),
                json_mode: self.config.mode == ResponseMode::Json,
                retry_ms: self.config.retry.map(|r| r.as_millis() as u64),
                buffer: self.config.stream_buffer,
            },
            sharing,
        );
        sessions.insert(session.id.clone(), session.clone());
        drop(sessions);
        self.start_sweeping();
        Ok(session)
    }

    /// Refuses one more session with 503 when `max_sessions` are open, of every transport
    /// together: `open` Streamable HTTP sessions and legacy SSE streams (counted by the caller
    /// under the locks of both maps, `sessions` first, held until the new one is inserted) and
    /// the WebSocket connections.
    pub(super) fn room_for_a_session(&self, open: usize) -> Result<(), Response> {
        let Some(max) = self.config.max_sessions else {
            return Ok(());
        };
        let open = open + self.websockets.load(Ordering::Relaxed);
        if open < max {
            return Ok(());
        }
        tracing::warn!(open, max, "refusing a new session: too many are open");
        Err(error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::INTERNAL_ERROR,
            format!(
                "Service Unavailable: {open} sessions are open, the most this server takes \
                 ({max}); try again later"
            ),
            None,
        ))
    }

    /// Refuses a new WebSocket connection past `max_sessions`.
    #[cfg(feature = "ws-server")]
    pub(super) fn refuse_new_connection_past_session_limit(&self) -> Result<(), Response> {
        let streamable = self.sessions.read();
        let legacy = self.legacy.lock();
        self.room_for_a_session(streamable.len() + legacy.len())
    }

    /// The session a request names: this replica's, or, when the replicas share their
    /// sessions, one from the session store (brought up to date first).
    pub(super) async fn session(
        self: &Arc<Self>,
        id: Option<&str>,
        principal: Option<&str>,
    ) -> Result<Arc<HttpSession>, Response> {
        let Some(id) = id else {
            return Err(error_response(
                StatusCode::BAD_REQUEST,
                ErrorCode::INVALID_REQUEST,
                "Bad Request: missing Mcp-Session-Id header; open a session with initialize \
                 first, or send a stateless request (MCP-Protocol-Version: 2026-07-28)",
                None,
            ));
        };
        if self.config.replicas.is_some() {
            return self.shared_session(id, principal).await;
        }
        match self.sessions.read().get(id) {
            Some(session) if session.principal.as_deref() == principal => Ok(session.clone()),
            _ => Err(self.unknown_session()),
        }
    }

    pub(super) fn unknown_session(&self) -> Response {
        error_response(
            StatusCode::NOT_FOUND,
            ErrorCode::INVALID_REQUEST,
            "Not Found: unknown or expired session; start a new one with initialize",
            None,
        )
    }

    /// Ends a session for good (or this copy of it, with [`Ending::Here`]).
    pub(super) fn forget_session(&self, session: &HttpSession, ending: Ending) {
        let mut sessions = self.sessions.write();
        if sessions
            .get(&session.id)
            .is_some_and(|s| std::ptr::eq(Arc::as_ptr(s), session))
        {
            sessions.remove(&session.id);
        }
        drop(sessions);
        session.terminate(ending);
    }

    pub(super) async fn post_to_session(
        &self,
        session: Arc<HttpSession>,
        body: Bytes,
        posted: Posted,
        version: Option<&str>,
        opening: bool,
    ) -> Response {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(&session.id) {
            headers.insert(MCP_SESSION_ID, value);
        }
        let id = match posted.kind {
            Kind::Request(id) => id,
            Kind::Notification | Kind::Response(_) => {
                if let Kind::Response(Some(id)) = &posted.kind
                    && let Some(response) = self.pass_answer_on(&session, id, &body).await
                {
                    return response;
                }
                let busy = Busy::new(session.clone());
                if let Some(cancelled) = &posted.cancelled {
                    self.cancel_everywhere(&session, cancelled, &body).await;
                }
                if !session.push(body).await {
                    return self.gone();
                }
                drop(busy);
                return empty_response(StatusCode::ACCEPTED, &headers);
            }
        };
        let busy = Busy::new(session.clone());
        let (tx, rx) = session.routes.channel();
        if let Err(error) = session.routes.open_request(id.clone(), tx) {
            let conflict = format!("Conflict: request {id} is already in flight in this session");
            return self.not_opened(error, conflict, Some(&id));
        }
        let resumable = session.routes.resumable()
            && self.config.mode != ResponseMode::Json
            && !opening
            && version
                .and_then(ProtocolVersion::from_wire)
                .is_some_and(|v| v >= ProtocolVersion::V2025_11_25);
        if resumable {
            session.routes.prime_request(id.clone());
        }
        if !session.push(body).await {
            session.routes.cancelled(&id);
            return self.gone();
        }
        if opening {
            return self.answer_initialize(session, rx, busy, headers).await;
        }
        let mode = if resumable {
            ResponseMode::Sse
        } else {
            self.config.mode
        };
        reply(rx, busy, self.reply_options(mode, false, headers)).await
    }

    /// The answer to the `initialize` that opened a session; a failed one closes it again.
    async fn answer_initialize(
        &self,
        session: Arc<HttpSession>,
        mut rx: FrameRx,
        busy: Busy,
        headers: HeaderMap,
    ) -> Response {
        let answer = loop {
            let frame = tokio::select! {
                frame = rx.recv() => frame,
                () = self.shutdown.cancelled() => None,
            };
            match frame {
                Some(respond::Frame::Message {
                    json, last: true, ..
                }) => break Some(json),
                Some(_) => continue,
                None => break None,
            }
        };
        drop(busy);
        let Some(json) = answer else {
            self.forget_session(&session, Ending::Session);
            return self.gone();
        };
        if respond::error_code(&json).is_some() {
            self.forget_session(&session, Ending::Session);
            return respond::json_response(StatusCode::OK, json, &HeaderMap::new());
        }
        match self.config.mode {
            ResponseMode::Sse => {
                let (tx, rx) = frame_channel(self.config.stream_buffer);
                let _ = tx.send(respond::Frame::Message {
                    json,
                    event_id: None,
                    last: true,
                });
                sse_response(
                    None,
                    rx,
                    (),
                    &self.reply_options(ResponseMode::Sse, false, headers),
                )
            }
            ResponseMode::Auto | ResponseMode::Json => {
                respond::json_response(StatusCode::OK, json, &headers)
            }
        }
    }

    pub(super) fn gone(&self) -> Response {
        error_response(
            StatusCode::NOT_FOUND,
            ErrorCode::INVALID_REQUEST,
            "Not Found: the session has ended; start a new one with initialize",
            None,
        )
    }

    /// The answer when a stream could not be opened in a session: the session is gone, or
    /// `conflict` says what is already open (for the request `id`, when it is one).
    fn not_opened(&self, error: OpenError, conflict: String, id: Option<&RequestId>) -> Response {
        match error {
            OpenError::Closed => self.gone(),
            OpenError::Duplicate => error_response(
                StatusCode::CONFLICT,
                ErrorCode::INVALID_REQUEST,
                conflict,
                id,
            ),
        }
    }

    pub(super) async fn get(self: &Arc<Self>, parts: Parts, principal: Option<String>) -> Response {
        let headers = &parts.headers;
        if let Ok(Some(version)) = header(headers, MCP_PROTOCOL_VERSION)
            && is_stateless_version(version)
        {
            return method_not_allowed(
                "POST",
                "Method Not Allowed: the stateless era has no GET stream; open a \
                     subscriptions/listen request for change notifications",
            );
        }
        if self.config.stateless {
            return method_not_allowed(
                "POST",
                "Method Not Allowed: this server runs statelessly and offers no GET stream",
            );
        }
        if !security::accepts(headers).1 {
            return error_response(
                StatusCode::NOT_ACCEPTABLE,
                ErrorCode::INVALID_REQUEST,
                "Not Acceptable: the GET stream is an event stream; accept text/event-stream",
                None,
            );
        }
        let session_id = header(headers, MCP_SESSION_ID).ok().flatten();
        let last_event_id = header(headers, LAST_EVENT_ID).ok().flatten();
        let session = match self.session(session_id, principal.as_deref()).await {
            Ok(session) => session,
            Err(response) => {
                return match (session_id, last_event_id) {
                    (Some(session_id), Some(last_event_id)) => self
                        .replay_ended_session(session_id, last_event_id)
                        .await
                        .unwrap_or(response),
                    _ => response,
                };
            }
        };
        let busy = Busy::new(session.clone());
        let mut response_headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(&session.id) {
            response_headers.insert(MCP_SESSION_ID, value);
        }
        let options = self.reply_options(ResponseMode::Sse, false, response_headers);
        if let (Some(last_event_id), true) = (last_event_id, session.routes.resumable()) {
            return match session.routes.resume(last_event_id.to_owned()).await {
                Ok(resumed) => {
                    if resumed.standalone
                        && let Err(response) = self.hold_get_stream(&session).await
                    {
                        return response;
                    }
                    sse_response(None, resumed.rx, busy, &options)
                }
                Err(ResumeError::Unknown) => error_response(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::INVALID_REQUEST,
                    format!(
                        "Bad Request: unknown Last-Event-ID {last_event_id:?}: the events after \
                         it are no longer kept, or it belongs to another session"
                    ),
                    None,
                ),
                Err(ResumeError::Store(e)) => error_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorCode::INTERNAL_ERROR,
                    format!("the event store failed to replay the stream: {e}"),
                    None,
                ),
            };
        }
        let (tx, rx) = session.routes.channel();
        if let Err(error) = session.routes.open_standalone(tx) {
            let conflict = "Conflict: this session's GET stream is already open";
            return self.not_opened(error, conflict.into(), None);
        }
        if let Err(response) = self.hold_get_stream(&session).await {
            return response;
        }
        let version = header(headers, MCP_PROTOCOL_VERSION)
            .ok()
            .flatten()
            .and_then(ProtocolVersion::from_wire);
        if session.routes.resumable() && version.is_some_and(|v| v >= ProtocolVersion::V2025_11_25)
        {
            session.routes.prime_standalone();
        }
        sse_response(None, rx, busy, &options)
    }

    /// Resumes the stream of a session this instance does not hold, from the event store: the
    /// session was served by another instance sharing the store (one that died, say). What the
    /// store kept after `last_event_id` is replayed and the stream ends, since nothing will be
    /// added to it; once nothing is left, `None` (the session is gone, and the client opens a
    /// new one). Not with authorization: who owned the session is not known here.
    async fn replay_ended_session(
        &self,
        session_id: &str,
        last_event_id: &str,
    ) -> Option<Response> {
        let store = self.config.event_store.as_ref()?;
        if self.config.auth.is_some() || self.sessions.read().contains_key(session_id) {
            return None;
        }
        match store.events_after(last_event_id).await {
            Ok(Some(replay))
                if replay.stream_id.starts_with(&format!("{session_id}/"))
                    && replay.events.iter().any(|e| e.message.is_some()) =>
            {
                let replayed: usize = replay
                    .events
                    .iter()
                    .map(|e| e.message.as_ref().map_or(0, Vec::len) + e.id.len())
                    .sum();
                let (tx, rx) = frame_channel(replayed.saturating_add(1));
                for event in replay.events {
                    if let Some(json) = event.message {
                        let _ = tx.send(respond::Frame::Message {
                            json,
                            event_id: Some(event.id),
                            last: false,
                        });
                    }
                }
                drop(tx);
                let options = self.reply_options(ResponseMode::Sse, false, HeaderMap::new());
                Some(sse_response(None, rx, (), &options))
            }
            Ok(_) => None,
            Err(e) => Some(error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::INTERNAL_ERROR,
                format!("the event store failed to replay the stream: {e}"),
                None,
            )),
        }
    }

    pub(super) async fn delete(
        self: &Arc<Self>,
        parts: &Parts,
        principal: Option<String>,
    ) -> Response {
        let headers = &parts.headers;
        let stateless_header = header(headers, MCP_PROTOCOL_VERSION)
            .ok()
            .flatten()
            .is_some_and(is_stateless_version);
        if self.config.stateless || stateless_header {
            return method_not_allowed("POST", "Method Not Allowed: there is no session to end");
        }
        let session_id = header(headers, MCP_SESSION_ID).ok().flatten();
        if self.config.replicas.is_some() {
            return self.delete_shared(session_id, principal.as_deref()).await;
        }
        match self.session(session_id, principal.as_deref()).await {
            Ok(session) => {
                self.forget_session(&session, Ending::Session);
                empty_response(StatusCode::OK, &HeaderMap::new())
            }
            Err(response) => response,
        }
    }

    /// Closes sessions idle for longer than the idle timeout, every so often.
    fn start_sweeping(self: &Arc<Self>) {
        let Some(timeout) = self.config.idle_timeout else {
            return;
        };
        self.sweeping.call_once(|| {
            tokio::spawn(sweep(Arc::downgrade(self), timeout));
        });
    }
}

/// Closes sessions idle for longer than `timeout`, until the server is gone or shut down.
async fn sweep<H: ServerHandler>(shared: Weak<Shared<H>>, timeout: Duration) {
    let period = (timeout / 4).clamp(Duration::from_millis(100), Duration::from_secs(30));
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        if shared.shutdown.is_cancelled() {
            return;
        }
        let now = session::now_ms();
        let limit = timeout.as_millis() as u64;
        let expired: Vec<Arc<HttpSession>> = shared
            .sessions
            .read()
            .values()
            .filter(|s| {
                s.idle_since()
                    .is_some_and(|since| now.saturating_sub(since) > limit)
            })
            .cloned()
            .collect();
        for session in expired {
            tracing::info!(session = %session.id, "closing a session idle for longer than {timeout:?}");
            shared.forget_session(&session, Ending::Here);
        }
    }
}
