//! The session core: one symmetric JSON-RPC engine for both ends of a connection.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll, Waker};

use futures::FutureExt;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use tokio::sync::mpsc;
use tokio_util::task::TaskTracker;

use super::extensions::Extensions;
use super::incoming::{self, IncomingMessage};
use super::options::SessionOptions;
use super::outgoing;
use super::peer::{Peer, Pending, Progress, Reply};
use crate::error::Result;
use crate::transport::{
    BoxFuture, Incoming, Outgoing, OutgoingKind, Transport, TransportReader, TransportWriter,
};
use crate::types::{Era, ErrorCode, ErrorData, ProtocolVersion, RequestId};

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

/// The protocol version a request's `_meta` names, if any.
pub(crate) fn meta_version(params: Option<&RawValue>) -> Option<String> {
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
}

/// Whether a request's `_meta` names a protocol version of the stateless era (2026-07-28 on,
/// or one this library does not know: [`ProtocolVersion::era_of`]). That era has no `ping`, so
/// the engine leaves such a ping to its service to refuse.
pub(crate) fn names_stateless_version(params: Option<&RawValue>) -> bool {
    meta_version(params).is_some_and(|v| ProtocolVersion::era_of(&v) == Era::Stateless)
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
        origin: RequestOrigin,
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

/// Where an incoming request came from: its id and the peer that sent it, which the
/// [`Service`]'s future may keep (the server layer wraps them in its own, richer
/// [`RequestContext`](crate::server::RequestContext)).
#[derive(Debug, Clone)]
pub struct RequestOrigin {
    /// The request's id.
    pub id: RequestId,
    /// The other end of the session.
    pub peer: Peer,
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
        for (_, handle) in self.peer.inner.in_flight.lock().drain() {
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
    let pending: Vec<Pending> = peer.inner.pending.lock().drain().map(|(_, p)| p).collect();
    peer.inner.progress.lock().clear();
    drop(pending);
}

async fn shut_down(peer: &Peer, reason: Option<String>) {
    fail_pending(peer, reason);
    for (_, handle) in peer.inner.in_flight.lock().drain() {
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
                    && let Some(handle) = self.peer.inner.in_flight.lock().remove(&id)
                {
                    handle.abort();
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
                    let route = self
                        .peer
                        .inner
                        .progress
                        .lock()
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
        if self.peer.inner.in_flight.lock().contains_key(&id) {
            let error = ErrorData::new(
                ErrorCode::INVALID_REQUEST,
                format!("request id {id} is already in use by a request in flight"),
            );
            self.respond::<()>(&id, Err(&error));
            return;
        }
        let origin = RequestOrigin {
            id: id.clone(),
            peer: self.peer.clone(),
        };
        let request = IncomingRequest {
            method,
            params,
            id: &id,
        };
        let started = std::panic::catch_unwind(AssertUnwindSafe(|| {
            self.service.handle_request(request, origin)
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
            peer.inner.in_flight.lock().remove(&task_id);
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
        let mut in_flight = self.peer.inner.in_flight.lock();
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
