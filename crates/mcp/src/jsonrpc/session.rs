//! The session core: one symmetric JSON-RPC engine for both ends of a connection.

use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use futures::FutureExt;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::AbortHandle;
use tokio_util::task::TaskTracker;

use super::extensions::Extensions;
use super::incoming::{self, IncomingMessage};
use super::outgoing;
use crate::error::{Error, Result};
use crate::transport::{
    DEFAULT_MAX_MESSAGE_SIZE, Incoming, Outgoing, OutgoingKind, Transport, TransportReader,
    TransportWriter,
};
use crate::types::{ErrorCode, ErrorData, RequestId};

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The future a [`Service`] returns for one request.
pub type HandlerFuture<T> = BoxFuture<'static, Result<T, ErrorData>>;

/// A request from the peer, as handed to a [`Service`].
#[derive(Debug)]
pub struct IncomingRequest<'a> {
    /// Its method.
    pub method: &'a str,
    /// Its parameters, not yet parsed.
    pub params: Option<&'a RawValue>,
    /// Its id.
    pub id: &'a RequestId,
}

impl IncomingRequest<'_> {
    /// Parses the parameters; absent parameters parse as an empty object.
    pub fn parse_params<P: DeserializeOwned>(&self) -> Result<P, ErrorData> {
        parse_params(self.method, self.params)
    }
}

/// Whether a request's `_meta` names a protocol version of the stateless era (2026-07-28 on).
/// That era has no `ping`, so the engine leaves such a ping to its service to refuse.
pub(crate) fn names_stateless_version(params: Option<&RawValue>) -> bool {
    #[derive(serde::Deserialize)]
    struct Params {
        #[serde(rename = "_meta", default)]
        meta: Option<MetaVersion>,
    }
    #[derive(serde::Deserialize)]
    struct MetaVersion {
        #[serde(rename = "io.modelcontextprotocol/protocolVersion", default)]
        version: Option<String>,
    }
    params
        .and_then(|p| serde_json::from_str::<Params>(p.get()).ok())
        .and_then(|p| p.meta?.version)
        .and_then(|v| crate::types::ProtocolVersion::from_wire(&v))
        .is_some_and(|v| v.is_stateless())
}

/// Parses request or notification parameters, naming the method in the error.
pub fn parse_params<P: DeserializeOwned>(
    method: &str,
    params: Option<&RawValue>,
) -> Result<P, ErrorData> {
    let text = params.map_or("{}", RawValue::get);
    serde_json::from_str(text)
        .map_err(|e| ErrorData::invalid_params(format!("invalid params for {method}: {e}")))
}

/// A notification from the peer, as handed to a [`Service`].
#[derive(Debug)]
pub struct IncomingNotification<'a> {
    /// Its method.
    pub method: &'a str,
    /// Its parameters, not yet parsed.
    pub params: Option<&'a RawValue>,
}

/// What answers the peer's requests and notifications: the server or client layer.
pub trait Service: Send + Sync + 'static {
    /// What a request handler produces; serialized as the response's `result`.
    type Result: Serialize + Send + 'static;

    /// Starts handling a request. Parse the parameters here (synchronously) and return a future
    /// that owns everything it needs. The future may be polled once on the reading task and then
    /// moved to a task of its own.
    fn handle_request(
        &self,
        request: IncomingRequest<'_>,
        cx: RequestContext,
    ) -> HandlerFuture<Self::Result>;

    /// Handles a notification. A returned future runs after those of earlier notifications, so
    /// notifications are seen in the order they arrived.
    fn handle_notification(
        &self,
        notification: IncomingNotification<'_>,
        peer: &Peer,
    ) -> Option<BoxFuture<'static, ()>>;

    /// Called once the session has ended.
    fn on_close(&self, _peer: &Peer) {}
}

/// The session-level facts about one incoming request.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// The request's id.
    pub id: RequestId,
    /// The other end of the session.
    pub peer: Peer,
}

/// Options of a session.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    /// Time limit for our requests to the peer, unless a request sets its own. `None` waits
    /// forever.
    pub request_timeout: Option<Duration>,
    /// Incoming messages longer than this are refused with an error.
    pub max_message_size: usize,
    /// After the peer closes, how long in-flight handlers may still run before they are stopped.
    pub drain_timeout: Duration,
}

impl Default for SessionOptions {
    fn default() -> Self {
        Self {
            request_timeout: Some(Duration::from_secs(60)),
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            drain_timeout: Duration::from_secs(10),
        }
    }
}

/// A progress update for one of our requests.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// Progress so far.
    pub progress: f64,
    /// The total, when known.
    pub total: Option<f64>,
    /// A human-readable message.
    pub message: Option<String>,
}

/// Called with every progress update of a request.
pub type ProgressCallback = Arc<dyn Fn(Progress) + Send + Sync>;

/// Options of one outgoing request.
#[derive(Clone, Default)]
pub struct RequestOptions {
    /// Time limit; `None` uses the session's.
    pub timeout: Option<Duration>,
    /// Restart the time limit whenever progress is reported, up to `max_total_timeout`.
    pub reset_timeout_on_progress: bool,
    /// The overall limit when `reset_timeout_on_progress` is set.
    pub max_total_timeout: Option<Duration>,
    /// Receives progress notifications. Setting it asks the peer for progress: the request's
    /// `_meta.progressToken` must then be set to [`PendingRequest::progress_token`]; the typed
    /// layers do that.
    pub on_progress: Option<ProgressCallback>,
    /// The incoming request being handled when this one is sent (for transports that route).
    pub related_request: Option<RequestId>,
}

impl std::fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("reset_timeout_on_progress", &self.reset_timeout_on_progress)
            .field("on_progress", &self.on_progress.is_some())
            .field("related_request", &self.related_request)
            .finish()
    }
}

type Reply = std::result::Result<Box<RawValue>, ErrorData>;

struct Pending {
    reply: oneshot::Sender<Reply>,
    progress_token: Option<RequestId>,
}

struct ProgressRoute {
    callback: ProgressCallback,
    seen: Arc<AtomicBool>,
}

/// A handle on the other end of a session: send it requests and notifications.
///
/// Cheap to clone; every clone talks to the same peer.
#[derive(Clone)]
pub struct Peer {
    inner: Arc<PeerInner>,
}

impl std::fmt::Debug for Peer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Peer")
            .field("closed", &self.is_closed())
            .finish()
    }
}

struct PeerInner {
    writer: Arc<dyn TransportWriter>,
    pending: Mutex<HashMap<RequestId, Pending>>,
    progress: Mutex<HashMap<RequestId, ProgressRoute>>,
    in_flight: Mutex<HashMap<RequestId, AbortHandle>>,
    next_id: AtomicI64,
    options: SessionOptions,
    extensions: Extensions,
    /// `Some(reason)` once the session has ended.
    closed: watch::Sender<Option<Option<String>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Peer {
    fn new(
        writer: Arc<dyn TransportWriter>,
        options: SessionOptions,
        extensions: Extensions,
    ) -> Self {
        let (closed, _) = watch::channel(None);
        Self {
            inner: Arc::new(PeerInner {
                writer,
                pending: Mutex::new(HashMap::new()),
                progress: Mutex::new(HashMap::new()),
                in_flight: Mutex::new(HashMap::new()),
                next_id: AtomicI64::new(0),
                options,
                extensions,
                closed,
            }),
        }
    }

    /// Whether `other` is a handle on the same session (a clone of this peer); tells the
    /// sessions of a multi-session transport apart.
    pub fn same_session(&self, other: &Peer) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// The session's options.
    pub fn options(&self) -> &SessionOptions {
        &self.inner.options
    }

    /// What the transport attached to the session (an access token, say).
    pub fn extensions(&self) -> &Extensions {
        &self.inner.extensions
    }

    /// Whether the session has ended.
    pub fn is_closed(&self) -> bool {
        self.inner.closed.borrow().is_some()
    }

    /// Resolves when the session ends.
    pub fn closed(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut rx = self.inner.closed.subscribe();
        async move {
            let _ = rx.wait_for(Option::is_some).await;
        }
    }

    /// Why the session ended, if it did and a reason is known.
    pub fn close_reason(&self) -> Option<String> {
        self.inner.closed.borrow().clone().flatten()
    }

    fn closed_error(&self) -> Error {
        Error::ConnectionClosed(self.close_reason())
    }

    /// Sends a notification.
    pub fn notify<P: Serialize + ?Sized>(&self, method: &str, params: Option<&P>) -> Result<()> {
        self.notify_related(method, params, None)
    }

    /// Sends a notification that belongs to the handling of an incoming request.
    pub fn notify_related<P: Serialize + ?Sized>(
        &self,
        method: &str,
        params: Option<&P>,
        related_request: Option<RequestId>,
    ) -> Result<()> {
        let json = outgoing::notification(method, params)?;
        self.send(Outgoing {
            json,
            kind: OutgoingKind::Notification,
            related_request,
        })
    }

    fn send(&self, message: Outgoing) -> Result<()> {
        self.inner
            .writer
            .send(message)
            .map_err(|e| Error::ConnectionClosed(e.0))
    }

    /// Starts a request: assigns its id and registers it, without sending it yet. Use this when
    /// the parameters need the id (as a progress token); otherwise [`Peer::request`] does it all.
    pub fn start_request(&self, options: RequestOptions) -> PendingRequest {
        let id = RequestId::Number(self.inner.next_id.fetch_add(1, Ordering::Relaxed));
        let (reply, rx) = oneshot::channel();
        let seen = Arc::new(AtomicBool::new(false));
        let progress_token = options.on_progress.as_ref().map(|callback| {
            lock(&self.inner.progress).insert(
                id.clone(),
                ProgressRoute {
                    callback: callback.clone(),
                    seen: seen.clone(),
                },
            );
            id.clone()
        });
        lock(&self.inner.pending).insert(
            id.clone(),
            Pending {
                reply,
                progress_token: progress_token.clone(),
            },
        );
        PendingRequest {
            peer: self.clone(),
            id,
            rx: Some(rx),
            options,
            progress_token,
            progressed: seen,
            finished: false,
        }
    }

    /// Sends a request and waits for its result, parsed as `R`.
    pub async fn request<P, R>(
        &self,
        method: &str,
        params: Option<&P>,
        options: RequestOptions,
    ) -> Result<R>
    where
        P: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        let pending = self.start_request(options);
        let raw = pending.send(method, params)?.await?;
        Ok(serde_json::from_str(raw.get())?)
    }

    /// Cancels one of our requests: tells the peer, and fails the local wait with
    /// [`Error::Cancelled`].
    pub fn cancel(&self, id: &RequestId, reason: Option<&str>) {
        if let Some(pending) = lock(&self.inner.pending).remove(id) {
            if let Some(token) = &pending.progress_token {
                lock(&self.inner.progress).remove(token);
            }
            drop(pending.reply);
            let params = serde_json::json!({ "requestId": id, "reason": reason });
            let _ = self.notify("notifications/cancelled", Some(&params));
        }
    }

    fn forget(&self, id: &RequestId) -> Option<Pending> {
        let pending = lock(&self.inner.pending).remove(id);
        if let Some(Pending {
            progress_token: Some(token),
            ..
        }) = &pending
        {
            lock(&self.inner.progress).remove(token);
        }
        pending
    }
}

/// A request of ours that has an id but may not be sent or answered yet.
///
/// Dropping it before the answer arrives cancels the request.
pub struct PendingRequest {
    peer: Peer,
    id: RequestId,
    rx: Option<oneshot::Receiver<Reply>>,
    options: RequestOptions,
    progress_token: Option<RequestId>,
    progressed: Arc<AtomicBool>,
    finished: bool,
}

impl std::fmt::Debug for PendingRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingRequest")
            .field("id", &self.id)
            .finish()
    }
}

impl PendingRequest {
    /// The request's id.
    pub fn id(&self) -> &RequestId {
        &self.id
    }

    /// The progress token to put in the request's `_meta`, when progress was asked for.
    pub fn progress_token(&self) -> Option<&RequestId> {
        self.progress_token.as_ref()
    }

    /// Sends the request; the returned future resolves to the raw result.
    pub fn send<P: Serialize + ?Sized>(
        mut self,
        method: &str,
        params: Option<&P>,
    ) -> Result<impl Future<Output = Result<Box<RawValue>>> + Send + 'static> {
        if self.peer.is_closed() {
            self.finished = true;
            self.peer.forget(&self.id);
            return Err(self.peer.closed_error());
        }
        let json = match outgoing::request(&self.id, method, params) {
            Ok(json) => json,
            Err(e) => {
                self.finished = true;
                self.peer.forget(&self.id);
                return Err(e.into());
            }
        };
        if let Err(e) = self.peer.send(Outgoing {
            json,
            kind: OutgoingKind::Request,
            related_request: self.options.related_request.clone(),
        }) {
            self.finished = true;
            self.peer.forget(&self.id);
            return Err(e);
        }
        let method = method.to_owned();
        Ok(async move { self.wait(method).await })
    }

    async fn wait(mut self, method: String) -> Result<Box<RawValue>> {
        let mut rx = self.rx.take().expect("a pending request is awaited once");
        let timeout = self
            .options
            .timeout
            .or(self.peer.inner.options.request_timeout);
        let outcome = match timeout {
            None => rx.await.ok(),
            Some(limit) => {
                let started = tokio::time::Instant::now();
                let overall = self
                    .options
                    .max_total_timeout
                    .map(|max| started + max.max(limit));
                let mut deadline = started + limit;
                loop {
                    tokio::select! {
                        reply = &mut rx => break reply.ok(),
                        _ = tokio::time::sleep_until(deadline) => {
                            if self.options.reset_timeout_on_progress
                                && self.progressed.swap(false, Ordering::Relaxed)
                            {
                                let next = tokio::time::Instant::now() + limit;
                                deadline = overall.map_or(next, |o| next.min(o));
                                if overall.is_none_or(|o| tokio::time::Instant::now() < o) {
                                    continue;
                                }
                            }
                            self.finished = true;
                            self.peer.cancel(&self.id, Some("timed out"));
                            return Err(Error::Timeout { method: method.into(), timeout: limit });
                        }
                    }
                }
            }
        };
        self.finished = true;
        match outcome {
            Some(Ok(result)) => Ok(result),
            Some(Err(error)) => Err(Error::Protocol(error)),
            None if self.peer.is_closed() => Err(self.peer.closed_error()),
            None => Err(Error::Cancelled),
        }
    }
}

impl Drop for PendingRequest {
    fn drop(&mut self) {
        if !self.finished {
            // Abandoned before an answer: tell the peer to stop working on it.
            self.peer.cancel(&self.id, Some("abandoned by the sender"));
        }
    }
}

/// A running session: its peer handle and the task that reads from the transport.
#[derive(Debug)]
pub struct Session {
    peer: Peer,
    done: tokio::task::JoinHandle<()>,
}

impl Session {
    /// Starts serving `transport` with `service` on the current tokio runtime.
    pub fn start<T: Transport, S: Service>(
        transport: T,
        service: Arc<S>,
        options: SessionOptions,
    ) -> Self {
        Self::start_with(transport, service, options, Extensions::default())
    }

    /// [`start`](Self::start), with values for the handlers to find in
    /// [`Peer::extensions`].
    pub fn start_with<T: Transport, S: Service>(
        transport: T,
        service: Arc<S>,
        options: SessionOptions,
        extensions: Extensions,
    ) -> Self {
        let (reader, writer) = transport.split();
        let peer = Peer::new(Arc::new(writer), options, extensions);
        let done = tokio::spawn(run(reader, service, peer.clone()));
        Self { peer, done }
    }

    /// Serves one message that arrived on its own, outside any connection, with a peer of its
    /// own whose messages go to `writer`: what a transport needs when every request brings its
    /// own reply channel (a Streamable HTTP POST of the stateless era), so that requests of
    /// different clients, whose ids may collide, never share a session.
    ///
    /// The message is parsed and dispatched on the caller's task: a handler that finishes without
    /// waiting has written its answer to `writer` before this returns; one that waits continues
    /// on a task of its own. Dropping the returned [`Exchange`] cancels such a handler.
    pub fn serve_one<S: Service, W: TransportWriter>(
        message: &[u8],
        service: Arc<S>,
        writer: W,
        options: SessionOptions,
    ) -> Exchange {
        Self::serve_one_with(message, service, writer, options, Extensions::default())
    }

    /// [`serve_one`](Self::serve_one), with values for the handler to find in
    /// [`Peer::extensions`].
    pub fn serve_one_with<S: Service, W: TransportWriter>(
        message: &[u8],
        service: Arc<S>,
        writer: W,
        options: SessionOptions,
        extensions: Extensions,
    ) -> Exchange {
        let peer = Peer::new(Arc::new(writer), options, extensions);
        let mut engine = Engine {
            service,
            peer: peer.clone(),
            tracker: None,
            notes: None,
        };
        if message.len() > peer.inner.options.max_message_size {
            engine.too_large(message, message.len());
        } else {
            engine.dispatch(message);
        }
        Exchange { peer }
    }

    /// The handle for sending to the peer.
    pub fn peer(&self) -> &Peer {
        &self.peer
    }

    /// Waits until the session has ended: the peer closed, every in-flight handler finished
    /// (or was stopped after the drain timeout) and everything queued was written.
    pub async fn wait(self) {
        let _ = self.done.await;
    }

    /// Ends the session from this side: stops reading, cancels in-flight handlers, flushes
    /// and closes the writer.
    pub async fn close(self) {
        self.done.abort();
        let _ = self.done.await;
        shut_down(&self.peer, Some("closed by this side".into())).await;
    }
}

/// One message served by [`Session::serve_one`]: its peer, and the handler still running for
/// it, if any.
///
/// Dropping it ends the exchange: a handler still running is cancelled (its future dropped),
/// and [`Peer::closed`] resolves, which ends a stream such as `subscriptions/listen`.
#[derive(Debug)]
pub struct Exchange {
    peer: Peer,
}

impl Exchange {
    /// The peer the handler talks to.
    pub fn peer(&self) -> &Peer {
        &self.peer
    }
}

impl Drop for Exchange {
    fn drop(&mut self) {
        fail_pending(&self.peer, Some("the exchange ended".into()));
        for (_, handle) in lock(&self.peer.inner.in_flight).drain() {
            handle.abort();
        }
    }
}

async fn run<R: TransportReader, S: Service>(mut reader: R, service: Arc<S>, peer: Peer) {
    let tracker = TaskTracker::new();
    let (notes_tx, notes_rx) = mpsc::unbounded_channel::<BoxFuture<'static, ()>>();
    tracker.spawn(run_notifications(notes_rx));
    let mut engine = Engine {
        service,
        peer: peer.clone(),
        tracker: Some(tracker.clone()),
        notes: Some(notes_tx),
    };
    // While messages arrive back to back the writer stays corked, so their answers leave in one
    // write; it is uncorked (written out) whenever the next message is not there yet.
    let writer = peer.inner.writer.clone();
    let mut corked = false;
    let reason = loop {
        if writer.congested() {
            if corked {
                writer.uncork().await;
                corked = false;
            }
            writer.drained().await;
        }
        if peer.is_closed() {
            break None;
        }
        let incoming = {
            let mut recv = pin!(reader.recv());
            let first = recv.as_mut().poll(&mut Context::from_waker(Waker::noop()));
            match first {
                Poll::Ready(incoming) => incoming,
                Poll::Pending => {
                    if corked {
                        writer.uncork().await;
                        corked = false;
                    }
                    recv.await
                }
            }
        };
        if !corked {
            writer.cork();
            corked = true;
        }
        match incoming {
            None => break None,
            Some(Err(e)) => break Some(e.to_string()),
            Some(Ok(Incoming::Message(data))) => {
                if data.len() > peer.inner.options.max_message_size {
                    engine.too_large(data, data.len());
                } else {
                    engine.dispatch(data);
                }
            }
            Some(Ok(Incoming::TooLarge { prefix, size, .. })) => engine.too_large(prefix, size),
        }
    };
    if corked {
        writer.uncork().await;
    }
    drop(engine.notes.take());
    // No more input: fail our pending requests, let in-flight handlers finish, then flush.
    fail_pending(&peer, reason.clone());
    tracker.close();
    if tokio::time::timeout(peer.inner.options.drain_timeout, tracker.wait())
        .await
        .is_err()
    {
        tracing::warn!("in-flight requests did not finish within the drain timeout; stopping them");
    }
    shut_down(&peer, reason).await;
    engine.service.on_close(&peer);
}

fn fail_pending(peer: &Peer, reason: Option<String>) {
    let _ = peer.inner.closed.send_if_modified(|closed| {
        closed.is_none() && {
            *closed = Some(reason);
            true
        }
    });
    let pending: Vec<Pending> = lock(&peer.inner.pending).drain().map(|(_, p)| p).collect();
    lock(&peer.inner.progress).clear();
    drop(pending);
}

async fn shut_down(peer: &Peer, reason: Option<String>) {
    fail_pending(peer, reason);
    for (_, handle) in lock(&peer.inner.in_flight).drain() {
        handle.abort();
    }
    peer.inner.writer.close().await;
}

async fn run_notifications(mut rx: mpsc::UnboundedReceiver<BoxFuture<'static, ()>>) {
    while let Some(note) = rx.recv().await {
        run_notification(note).await;
    }
}

async fn run_notification(note: BoxFuture<'static, ()>) {
    if AssertUnwindSafe(note).catch_unwind().await.is_err() {
        tracing::error!("a notification handler panicked");
    }
}

struct Engine<S> {
    service: Arc<S>,
    peer: Peer,
    /// Tracks the handlers that moved to tasks of their own, so that the end of a session can
    /// wait for them; `None` for a single exchange, whose handler nobody waits for.
    tracker: Option<TaskTracker>,
    /// Runs notification handlers in arrival order; `None` for a single exchange, whose one
    /// notification needs no ordering.
    notes: Option<mpsc::UnboundedSender<BoxFuture<'static, ()>>>,
}

impl<S: Service> Engine<S> {
    fn dispatch(&mut self, data: &[u8]) {
        match incoming::parse(data) {
            IncomingMessage::Request { id, method, params } => self.request(id, &method, params),
            IncomingMessage::Notification { method, params } => self.notification(&method, params),
            IncomingMessage::Result { id, result } => self.reply(id, Ok(result.to_owned())),
            IncomingMessage::Error {
                id: Some(id),
                error,
            } => self.reply(id, Err(error)),
            IncomingMessage::Error { id: None, error } => {
                tracing::warn!(%error, "the peer reported an error about a message it could not read");
            }
            IncomingMessage::Invalid { id, error } => self.respond_error(id, error),
        }
    }

    fn too_large(&mut self, prefix: &[u8], size: usize) {
        let limit = self.peer.inner.options.max_message_size;
        let id = incoming::sniff_id(prefix);
        let error = ErrorData::invalid_request(format!(
            "message of {size} bytes is larger than the limit of {limit} bytes"
        ))
        .with_data(serde_json::json!({ "size": size, "maxSize": limit }));
        match id
            .as_ref()
            .and_then(|id| self.peer.forget(id).map(|p| (id, p)))
        {
            // It was the answer to one of our requests: fail that request instead.
            Some((_, pending)) => {
                let _ = pending.reply.send(Err(error));
            }
            None => self.respond_error(id, error),
        }
    }

    fn reply(&mut self, id: RequestId, reply: Reply) {
        match self.peer.forget(&id) {
            Some(pending) => {
                let _ = pending.reply.send(reply);
            }
            None => tracing::debug!(%id, "ignoring a response to an unknown or finished request"),
        }
    }

    fn respond_error(&self, id: Option<RequestId>, error: ErrorData) {
        let json = outgoing::error_response(id.as_ref(), &error);
        let _ = self.peer.send(Outgoing {
            json,
            kind: OutgoingKind::Response,
            related_request: id,
        });
    }

    fn notification(&mut self, method: &str, params: Option<&RawValue>) {
        match method {
            "notifications/cancelled" => {
                #[derive(serde::Deserialize)]
                #[serde(rename_all = "camelCase")]
                struct Cancelled {
                    request_id: Option<RequestId>,
                }
                if let Ok(Cancelled {
                    request_id: Some(id),
                }) = parse_params(method, params)
                {
                    if let Some(handle) = lock(&self.peer.inner.in_flight).remove(&id) {
                        handle.abort();
                    }
                }
                return;
            }
            "notifications/progress" => {
                #[derive(serde::Deserialize)]
                #[serde(rename_all = "camelCase")]
                struct ProgressParams {
                    progress_token: RequestId,
                    progress: f64,
                    total: Option<f64>,
                    message: Option<String>,
                }
                if let Ok(p) = parse_params::<ProgressParams>(method, params) {
                    let route = lock(&self.peer.inner.progress)
                        .get(&p.progress_token)
                        .map(|r| (r.callback.clone(), r.seen.clone()));
                    if let Some((callback, seen)) = route {
                        seen.store(true, Ordering::Relaxed);
                        let update = Progress {
                            progress: p.progress,
                            total: p.total,
                            message: p.message,
                        };
                        if std::panic::catch_unwind(AssertUnwindSafe(|| callback(update))).is_err()
                        {
                            tracing::error!("a progress callback panicked");
                        }
                        return;
                    }
                }
            }
            _ => {}
        }
        let note = IncomingNotification { method, params };
        let handled = std::panic::catch_unwind(AssertUnwindSafe(|| {
            self.service.handle_notification(note, &self.peer)
        }));
        match handled {
            Ok(Some(future)) => match &self.notes {
                Some(notes) => {
                    let _ = notes.send(future);
                }
                None => {
                    tokio::spawn(run_notification(future));
                }
            },
            Ok(None) => {}
            Err(_) => tracing::error!(method, "a notification handler panicked"),
        }
    }

    fn request(&mut self, id: RequestId, method: &str, params: Option<&RawValue>) {
        if method == "ping" && !names_stateless_version(params) {
            self.respond(&id, Ok(&EmptyObject {}));
            return;
        }
        // A second request under the id of one still running would take over its cancel handle
        // (and its answer would be indistinguishable): refuse it.
        if lock(&self.peer.inner.in_flight).contains_key(&id) {
            let error = ErrorData::new(
                ErrorCode::INVALID_REQUEST,
                format!("request id {id} is already in use by a request in flight"),
            );
            self.respond::<()>(&id, Err(&error));
            return;
        }
        let cx = RequestContext {
            id: id.clone(),
            peer: self.peer.clone(),
        };
        let request = IncomingRequest {
            method,
            params,
            id: &id,
        };
        let started = std::panic::catch_unwind(AssertUnwindSafe(|| {
            self.service.handle_request(request, cx)
        }));
        let mut future = match started {
            Ok(future) => future,
            Err(panic) => {
                self.respond::<()>(&id, Err(&panicked(method, &*panic)));
                return;
            }
        };
        // Fast path: most handlers finish without waiting; answer them right here.
        let mut cx = Context::from_waker(Waker::noop());
        match std::panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(&mut cx))) {
            Ok(Poll::Ready(result)) => {
                self.respond(&id, result.as_ref());
                return;
            }
            Ok(Poll::Pending) => {}
            Err(panic) => {
                self.respond::<()>(&id, Err(&panicked(method, &*panic)));
                return;
            }
        }
        let peer = self.peer.clone();
        let method = method.to_owned();
        let task_id = id.clone();
        let task = async move {
            let result = AssertUnwindSafe(future).catch_unwind().await;
            lock(&peer.inner.in_flight).remove(&task_id);
            let json = match result {
                Ok(result) => response_json(&task_id, result.as_ref()),
                Err(panic) => response_json::<()>(&task_id, Err(&panicked(&method, &*panic))),
            };
            let _ = peer.send(Outgoing {
                json,
                kind: OutgoingKind::Response,
                related_request: Some(task_id),
            });
        };
        // Hold the lock across spawning so the task cannot remove its entry before it exists.
        let mut in_flight = lock(&self.peer.inner.in_flight);
        let handle = match &self.tracker {
            Some(tracker) => tracker.spawn(task),
            None => tokio::spawn(task),
        };
        in_flight.insert(id, handle.abort_handle());
    }

    fn respond<T: Serialize>(&self, id: &RequestId, result: Result<&T, &ErrorData>) {
        let json = response_json(id, result);
        let _ = self.peer.send(Outgoing {
            json,
            kind: OutgoingKind::Response,
            related_request: Some(id.clone()),
        });
    }
}

#[derive(Serialize)]
struct EmptyObject {}

fn response_json<T: Serialize>(id: &RequestId, result: Result<&T, &ErrorData>) -> Vec<u8> {
    match result {
        Ok(value) => outgoing::result_response(id, value).unwrap_or_else(|e| {
            tracing::error!(%id, error = %e, "a handler's result could not be serialized");
            outgoing::error_response(
                Some(id),
                &ErrorData::internal_error(format!("the result could not be serialized: {e}")),
            )
        }),
        Err(error) => outgoing::error_response(Some(id), error),
    }
}

fn panicked(method: &str, panic: &(dyn std::any::Any + Send)) -> ErrorData {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    tracing::error!(method, panic = %what, "a request handler panicked");
    ErrorData::internal_error(format!("the handler of {method} panicked: {what}"))
}
