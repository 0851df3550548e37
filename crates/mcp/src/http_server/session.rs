//! Handshake-era sessions: one JSON-RPC session of the server per `Mcp-Session-Id`, fed by
//! POSTs, answering on each POST's response and on the GET stream, resumable through an
//! [`EventStore`].

use std::collections::HashMap;
use std::io;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use bytes::Bytes;
use parking_lot::Mutex;
use tokio::sync::{mpsc, oneshot};

use super::event_store::EventStore;
use super::queue::{SendError, frame_channel};
use super::replicas::Replicas;
use super::respond::{Frame, FrameRx, FrameTx};
use super::session_store::SessionRecord;
use super::shared_route::SharedRoute;
use crate::auth::{AccessToken, TokenSlot};
use crate::jsonrpc::incoming::{self, IncomingMessage};
use crate::server::{ConnectOptions, ConnectionState, Server, ServerHandler, ServerSession};
use crate::transport::{
    BoxFuture, Incoming, Outgoing, OutgoingKind, TransportClosed, TransportReader, TransportWriter,
};
use crate::types::RequestId;

/// Milliseconds since the first call: the clock of session activity.
pub(super) fn now_ms() -> u64 {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    EPOCH.get_or_init(Instant::now).elapsed().as_millis() as u64
}

/// How many POSTed messages may wait for a session to take them; the next POST waits.
pub(super) const INBOUND_QUEUE: usize = 32;

/// How a session's streams behave.
#[derive(Clone)]
pub(super) struct StreamSettings {
    /// Makes every stream resumable.
    pub store: Option<Arc<dyn EventStore>>,
    /// Everything but answers goes to the GET stream.
    pub json_mode: bool,
    /// The reconnection delay of priming events.
    pub retry_ms: Option<u64>,
    /// The bytes one stream may queue for a client that does not read it.
    pub buffer: usize,
}

/// A copy of a session the replicas of a server share.
pub(super) struct Sharing {
    pub replicas: Arc<Replicas>,
    /// The session's record, when another replica opened it.
    pub record: Option<SessionRecord>,
}

/// How a session ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ending {
    /// For good: the client deleted it, or it failed to start (its events are forgotten).
    Session,
    /// Here: it was idle, or the server shuts down. A session of its own ends for good; a copy
    /// of a shared one only here, and the other replicas go on serving it.
    Here,
}

/// One handshake-era session (or this replica's copy of a shared one).
pub(super) struct HttpSession {
    pub id: Arc<str>,
    /// Who opened it (from [`HttpAuth`](super::HttpAuth)); other principals cannot use it.
    pub principal: Option<String>,
    /// The access token of its latest request, for its handlers.
    pub token: TokenSlot,
    inbound: Mutex<Option<mpsc::Sender<Bytes>>>,
    pub routes: Arc<Routes>,
    server_session: Mutex<Option<ServerSession>>,
    /// What the connection agreed with its client.
    pub state: ConnectionState,
    last_active: AtomicU64,
    busy: AtomicUsize,
}

impl std::fmt::Debug for HttpSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpSession").field("id", &self.id).finish()
    }
}

impl HttpSession {
    /// Starts a session of `server` named `id` and owned by `principal`, or a copy of a
    /// shared one.
    pub fn start<H: ServerHandler>(
        server: &Server<H>,
        id: Arc<str>,
        token: Option<Arc<AccessToken>>,
        principal: Option<String>,
        settings: StreamSettings,
        sharing: Option<Sharing>,
    ) -> Arc<Self> {
        let (tx, rx) = mpsc::channel(INBOUND_QUEUE);
        let token = TokenSlot::new(token);
        let mut options = ConnectOptions {
            extensions: token.extensions(),
            ..ConnectOptions::default()
        };
        let mut shared = None;
        if let Some(Sharing { replicas, record }) = sharing {
            let prefix = replicas.copy_prefix();
            let holder = record
                .as_ref()
                .map_or_else(|| replicas.me.to_string(), |r| r.holder.clone());
            options.restore = record.map(|r| r.state);
            options.recorder = Some(replicas.recorder(id.clone(), principal.clone()));
            options.request_id_prefix = Some(prefix.clone());
            let route = SharedRoute::new(replicas, id.clone(), &holder, settings.store.clone());
            shared = Some((route, prefix));
        }
        let routes = Routes::new(id.clone(), settings, shared);
        let transport = (
            SessionReader {
                rx,
                current: Bytes::new(),
            },
            SessionWriter(routes.clone()),
        );
        let server_session = server.connect_with_options(transport, options);
        let state = server_session.state().clone();
        state.set_forwards_events(routes.holds_get_stream());
        Arc::new(Self {
            id,
            principal,
            token,
            inbound: Mutex::new(Some(tx)),
            routes,
            server_session: Mutex::new(Some(server_session)),
            state,
            last_active: AtomicU64::new(now_ms()),
            busy: AtomicUsize::new(0),
        })
    }

    /// Whether this is a copy of a session the replicas share.
    pub fn is_shared(&self) -> bool {
        self.routes.shared.is_some()
    }

    /// Takes what the store says of the session: its state, and who holds its GET stream.
    pub fn refresh(&self, record: &SessionRecord) {
        self.state.restore(&record.state);
        self.set_holder(&record.holder);
    }

    /// Another replica (or this one) holds the session's GET stream now: the change
    /// notifications go there, and a GET stream open here ends.
    pub fn set_holder(&self, holder: &str) {
        let holds = self.routes.set_holder(holder);
        self.state.set_forwards_events(holds);
    }

    /// Hands a message to the session, waiting while it has a backlog; `false` once it has
    /// ended.
    pub async fn push(&self, message: Bytes) -> bool {
        let Some(inbound) = self.inbound.lock().clone() else {
            return false;
        };
        inbound.send(message).await.is_ok()
    }

    /// Ends the session (or this copy of it): no more input, the requests in flight are
    /// stopped, every stream ends.
    pub fn terminate(&self, ending: Ending) {
        self.inbound.lock().take();
        self.routes
            .close(ending == Ending::Session || !self.is_shared());
        if let Some(session) = self.server_session.lock().take() {
            tokio::spawn(session.close());
        }
    }

    /// Whether an HTTP request of the session is in progress, and since when it was idle.
    pub fn idle_since(&self) -> Option<u64> {
        (self.busy.load(Ordering::Acquire) == 0).then(|| self.last_active.load(Ordering::Relaxed))
    }
}

/// Marks a session busy while an HTTP request or stream of it is open.
pub(super) struct Busy(Arc<HttpSession>);

impl Busy {
    pub fn new(session: Arc<HttpSession>) -> Self {
        session.busy.fetch_add(1, Ordering::AcqRel);
        session.last_active.store(now_ms(), Ordering::Relaxed);
        Self(session)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.last_active.store(now_ms(), Ordering::Relaxed);
        self.0.busy.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The incoming half of a session's transport: the bodies of its POSTs.
struct SessionReader {
    rx: mpsc::Receiver<Bytes>,
    current: Bytes,
}

impl TransportReader for SessionReader {
    async fn recv(&mut self) -> Option<io::Result<Incoming<'_>>> {
        self.current = self.rx.recv().await?;
        Some(Ok(Incoming::Message(&self.current)))
    }
}

/// The outgoing half: routes every message to the stream it belongs on.
struct SessionWriter(Arc<Routes>);

impl TransportWriter for SessionWriter {
    fn send(&self, message: Outgoing) -> Result<(), TransportClosed> {
        self.0.send(message)
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        // The connection ended here: a copy of a shared session goes on elsewhere.
        self.0.close(self.0.shared.is_none());
        Box::pin(std::future::ready(()))
    }
}

/// Where a message goes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// The response stream of a POSTed request.
    Request(RequestId),
    /// The GET stream.
    Standalone,
}

/// Why a request could not be registered.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum OpenError {
    Closed,
    Duplicate,
}

/// A stream resumed: what follows the last event seen, and whether it is the GET stream.
pub(super) struct Resumed {
    pub rx: FrameRx,
    pub standalone: bool,
}

/// Why a stream could not be resumed.
#[derive(Debug)]
pub(super) enum ResumeError {
    /// The event id is unknown, or belongs to another session.
    Unknown,
    /// The event store failed.
    Store(String),
}

enum Job {
    /// A message to store and send; `forwarded` when another replica's copy passed it on for
    /// the GET stream, which this one holds.
    Message {
        message: Outgoing,
        forwarded: bool,
    },
    Prime(Target),
    Resume {
        last_event_id: String,
        reply: oneshot::Sender<Result<Resumed, ResumeError>>,
    },
}

struct Slot {
    tx: Option<FrameTx>,
    /// The stream's id in the event store (only with one).
    stream_id: Option<Arc<str>>,
}

#[derive(Default)]
struct RouteState {
    requests: HashMap<RequestId, Slot>,
    /// Stream id → the request it answers, for resuming (with an event store).
    streams: HashMap<Arc<str>, RequestId>,
    standalone: Option<FrameTx>,
    next_stream: u64,
    closed: bool,
}

/// The streams of one session and what is routed to them.
pub(super) struct Routes {
    session_id: Arc<str>,
    /// For a copy of a shared session: the replica holding the GET stream, and what its
    /// stream ids start with after the session id (unique among the copies).
    shared: Option<(SharedRoute, Arc<str>)>,
    state: Mutex<RouteState>,
    store: Option<Arc<dyn EventStore>>,
    /// With an event store, every message goes through one task that stores it, then sends it.
    jobs: Mutex<Option<mpsc::UnboundedSender<Job>>>,
    json_mode: bool,
    retry_ms: Option<u64>,
    buffer: usize,
}

impl Routes {
    fn new(
        session_id: Arc<str>,
        settings: StreamSettings,
        shared: Option<(SharedRoute, Arc<str>)>,
    ) -> Arc<Self> {
        let StreamSettings {
            store,
            json_mode,
            retry_ms,
            buffer,
        } = settings;
        let (jobs, rx) = match store {
            Some(_) => {
                let (tx, rx) = mpsc::unbounded_channel();
                (Some(tx), Some(rx))
            }
            None => (None, None),
        };
        let routes = Arc::new(Self {
            session_id,
            shared,
            state: Mutex::default(),
            store,
            jobs: Mutex::new(jobs),
            json_mode,
            retry_ms,
            buffer,
        });
        if let Some(rx) = rx {
            tokio::spawn(store_loop(routes.clone(), rx));
        }
        routes
    }

    /// A fresh stream queue with this session's bound.
    pub fn channel(&self) -> (FrameTx, FrameRx) {
        frame_channel(self.buffer)
    }

    fn standalone_stream(&self) -> String {
        format!("{}/get", self.session_id)
    }

    /// Registers the response stream of a POSTed request.
    pub fn open_request(&self, id: RequestId, tx: FrameTx) -> Result<(), OpenError> {
        let mut state = self.state.lock();
        if state.closed {
            return Err(OpenError::Closed);
        }
        if state.requests.contains_key(&id) {
            return Err(OpenError::Duplicate);
        }
        let stream_id = self.store.as_ref().map(|_| {
            let copy = self.shared.as_ref().map_or("", |(_, prefix)| prefix);
            let stream_id: Arc<str> =
                format!("{}/{copy}{}", self.session_id, state.next_stream).into();
            state.next_stream += 1;
            stream_id
        });
        if let Some(stream_id) = &stream_id {
            state.streams.insert(stream_id.clone(), id.clone());
        }
        state.requests.insert(
            id,
            Slot {
                tx: Some(tx),
                stream_id,
            },
        );
        Ok(())
    }

    /// Registers the GET stream; `false` when one is already open.
    pub fn open_standalone(&self, tx: FrameTx) -> Result<(), OpenError> {
        let mut state = self.state.lock();
        if state.closed {
            return Err(OpenError::Closed);
        }
        if state.standalone.as_ref().is_some_and(|tx| !tx.is_closed()) {
            return Err(OpenError::Duplicate);
        }
        state.standalone = Some(tx);
        Ok(())
    }

    /// Whether streams of this session are resumable.
    pub fn resumable(&self) -> bool {
        self.store.is_some()
    }

    /// Whether the session's GET stream is served here (always, but for a copy of a shared
    /// session whose GET stream another replica holds).
    pub fn holds_get_stream(&self) -> bool {
        self.shared.as_ref().is_none_or(|(route, _)| route.holds())
    }

    /// Another replica (or this one) holds the GET stream now: a GET stream open here ends.
    /// Whether this one holds it.
    fn set_holder(&self, holder: &str) -> bool {
        let Some((route, _)) = &self.shared else {
            return true;
        };
        let holds = route.set_holder(holder);
        if !holds {
            self.state.lock().standalone = None;
        }
        holds
    }

    /// A message for the GET stream that another replica's copy passed on: this one holds it.
    pub fn deliver_forwarded(&self, json: Vec<u8>) {
        let message = Outgoing {
            json,
            kind: OutgoingKind::Notification,
            related_request: None,
        };
        if self.store.is_some() {
            self.job(Job::Message {
                message,
                forwarded: true,
            });
        } else {
            let mut state = self.state.lock();
            if !state.closed {
                self.send_standalone(&mut state, Frame::of(message, None, false));
            }
        }
    }

    /// Passes a message for the GET stream on to the replica holding it, when that is
    /// another one; gives it back otherwise.
    fn forward_unheld(&self, target: &Target, message: Outgoing) -> Option<Outgoing> {
        match (&self.shared, target) {
            (Some((route, _)), Target::Standalone) if !route.holds() => {
                route.forward(message.json);
                None
            }
            _ => Some(message),
        }
    }

    fn job(&self, job: Job) {
        if let Some(jobs) = self.jobs.lock().as_ref() {
            let _ = jobs.send(job);
        }
    }

    /// Sends a priming event (an id, no message) on a request's stream.
    pub fn prime_request(&self, id: RequestId) {
        self.job(Job::Prime(Target::Request(id)));
    }

    /// Sends a priming event on the GET stream.
    pub fn prime_standalone(&self) {
        self.job(Job::Prime(Target::Standalone));
    }

    /// Replays what followed `last_event_id` and continues that stream on the returned channel.
    pub async fn resume(&self, last_event_id: String) -> Result<Resumed, ResumeError> {
        let (reply, answer) = oneshot::channel();
        self.job(Job::Resume {
            last_event_id,
            reply,
        });
        answer
            .await
            .unwrap_or(Err(ResumeError::Store("the session ended".into())))
    }

    /// The client cancelled a request: its stream ends without an answer.
    pub fn cancelled(&self, id: &RequestId) {
        let mut state = self.state.lock();
        if let Some(slot) = state.requests.remove(id)
            && let Some(stream_id) = &slot.stream_id
        {
            state.streams.remove(stream_id);
        }
    }

    /// Ends every stream; nothing more is routed. With `forget`, the event store forgets the
    /// session's streams.
    pub fn close(&self, forget: bool) {
        let mut state = self.state.lock();
        state.closed = true;
        state.requests.clear();
        state.streams.clear();
        state.standalone = None;
        drop(state);
        self.jobs.lock().take();
        if let (Some(store), true) = (&self.store, forget) {
            let store = store.clone();
            let prefix = format!("{}/", self.session_id);
            tokio::spawn(async move { store.forget(&prefix).await });
        }
    }

    fn send(&self, message: Outgoing) -> Result<(), TransportClosed> {
        if self.store.is_some() {
            match self.jobs.lock().as_ref() {
                Some(jobs) => jobs
                    .send(Job::Message {
                        message,
                        forwarded: false,
                    })
                    .map_err(|_| TransportClosed(None)),
                None => Err(TransportClosed(Some("the session ended".into()))),
            }
        } else {
            let mut state = self.state.lock();
            if state.closed {
                return Err(TransportClosed(Some("the session ended".into())));
            }
            let target = self.target(&state, &message);
            if let Some(message) = self.forward_unheld(&target, message) {
                self.deliver(&mut state, &target, message, None);
            }
            Ok(())
        }
    }

    fn target(&self, state: &RouteState, message: &Outgoing) -> Target {
        match (&message.kind, &message.related_request) {
            (OutgoingKind::Response, Some(id)) => Target::Request(id.clone()),
            (_, Some(id)) if !self.json_mode && state.requests.contains_key(id) => {
                Target::Request(id.clone())
            }
            _ => Target::Standalone,
        }
    }

    fn stream_of(&self, state: &RouteState, target: &Target) -> Option<String> {
        match target {
            Target::Request(id) => state
                .requests
                .get(id)
                .and_then(|s| s.stream_id.as_deref().map(str::to_owned)),
            Target::Standalone => Some(self.standalone_stream()),
        }
    }
}

impl Routes {
    /// Sends a message to its stream; the answer of a request ends (and unregisters) its
    /// stream.
    fn deliver(
        &self,
        state: &mut RouteState,
        target: &Target,
        message: Outgoing,
        event_id: Option<String>,
    ) {
        match target {
            Target::Request(id) => {
                if message.kind == OutgoingKind::Response {
                    if let Some(slot) = state.requests.remove(id) {
                        if let Some(stream_id) = &slot.stream_id {
                            state.streams.remove(stream_id);
                        }
                        if let Some(tx) = slot.tx {
                            let _ = tx.send(Frame::of(message, event_id, true));
                        }
                    }
                } else if let Some(slot) = state.requests.get_mut(id)
                    && let Some(tx) = &slot.tx
                    && let Err(e) = tx.send(Frame::of(message, event_id, false))
                {
                    self.dropped(e, "the response stream of a request");
                    slot.tx = None;
                }
            }
            Target::Standalone => self.send_standalone(state, Frame::of(message, event_id, false)),
        }
    }

    fn send_standalone(&self, state: &mut RouteState, frame: Frame) {
        if let Some(tx) = &state.standalone
            && let Err(e) = tx.send(frame)
        {
            self.dropped(e, "the GET stream");
            state.standalone = None;
        }
    }

    fn dropped(&self, error: SendError, stream: &str) {
        if error == SendError::Overflow {
            tracing::warn!(
                session = %self.session_id,
                "dropping {stream}: the client left {} bytes unread",
                self.buffer
            );
        }
    }
}

fn is_answer(json: &[u8]) -> bool {
    matches!(
        incoming::parse(json),
        IncomingMessage::Result { .. } | IncomingMessage::Error { id: Some(_), .. }
    )
}

/// Stores every message of a session before sending it, in order, and serves resumptions.
async fn store_loop(routes: Arc<Routes>, mut jobs: mpsc::UnboundedReceiver<Job>) {
    let store = routes.store.clone().expect("only started with a store");
    while let Some(job) = jobs.recv().await {
        match job {
            Job::Message { message, forwarded } => {
                let (target, stream) = {
                    let state = routes.state.lock();
                    let target = routes.target(&state, &message);
                    let stream = routes.stream_of(&state, &target);
                    (target, stream)
                };
                // A message another replica passed on is delivered here, never passed on again.
                let message = match forwarded {
                    true => message,
                    false => match routes.forward_unheld(&target, message) {
                        Some(message) => message,
                        None => continue,
                    },
                };
                let event_id = match stream {
                    Some(stream) => match store.store_event(&stream, Some(&message.json)).await {
                        Ok(id) => Some(id),
                        Err(e) => {
                            tracing::warn!(error = %e, "the event store failed; sending the event without an id");
                            None
                        }
                    },
                    None => None,
                };
                routes.deliver(&mut routes.state.lock(), &target, message, event_id);
            }
            Job::Prime(target) => {
                let stream = routes.stream_of(&routes.state.lock(), &target);
                let Some(stream) = stream else { continue };
                match store.store_event(&stream, None).await {
                    Ok(event_id) => {
                        let frame = Frame::Prime {
                            event_id,
                            retry_ms: routes.retry_ms,
                        };
                        let mut state = routes.state.lock();
                        match &target {
                            Target::Request(id) => {
                                if let Some(tx) = state.requests.get(id).and_then(|s| s.tx.as_ref())
                                {
                                    let _ = tx.send(frame);
                                }
                            }
                            Target::Standalone => routes.send_standalone(&mut state, frame),
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "the event store failed to store a priming event")
                    }
                }
            }
            Job::Resume {
                last_event_id,
                reply,
            } => {
                let prefix = format!("{}/", routes.session_id);
                let outcome = match store.events_after(&last_event_id).await {
                    Ok(Some(replay)) if replay.stream_id.starts_with(&prefix) => {
                        // What is replayed fits, and as much again may follow unread.
                        let replayed: usize = replay
                            .events
                            .iter()
                            .map(|e| e.message.as_ref().map_or(0, Vec::len) + e.id.len())
                            .sum();
                        let (tx, rx) = frame_channel(routes.buffer.saturating_add(replayed));
                        let mut finished = false;
                        for event in replay.events {
                            let Some(json) = event.message else { continue };
                            let last =
                                replay.stream_id != routes.standalone_stream() && is_answer(&json);
                            finished |= last;
                            let _ = tx.send(Frame::Message {
                                json,
                                event_id: Some(event.id),
                                last,
                            });
                        }
                        let standalone = replay.stream_id == routes.standalone_stream();
                        if !finished {
                            let mut state = routes.state.lock();
                            if standalone {
                                state.standalone = Some(tx);
                            } else if let Some(id) =
                                state.streams.get(replay.stream_id.as_str()).cloned()
                                && let Some(slot) = state.requests.get_mut(&id)
                            {
                                slot.tx = Some(tx);
                            }
                        }
                        Ok(Resumed { rx, standalone })
                    }
                    Ok(_) => Err(ResumeError::Unknown),
                    Err(e) => Err(ResumeError::Store(e.to_string())),
                };
                let _ = reply.send(outcome);
            }
        }
    }
}
