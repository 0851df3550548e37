//! The other end of a session, as this end sees it: sending it requests and notifications,
//! and waiting for the answers to ours (time limits, progress, cancellation).

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use parking_lot::Mutex;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use tokio::sync::{oneshot, watch};
use tokio::task::AbortHandle;

use super::extensions::Extensions;
use super::options::SessionOptions;
use super::outgoing;
use crate::error::{Error, Result};
use crate::transport::{Outgoing, OutgoingKind, TransportWriter};
use crate::types::{ErrorData, RequestId};

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

pub(super) type Reply = std::result::Result<Box<RawValue>, ErrorData>;

pub(super) struct Pending {
    pub(super) reply: oneshot::Sender<Reply>,
    pub(super) progress_token: Option<RequestId>,
}

pub(super) struct ProgressRoute {
    pub(super) callback: ProgressCallback,
    pub(super) seen: Arc<AtomicBool>,
}

/// A handle on the other end of a session: send it requests and notifications.
///
/// Cheap to clone; every clone talks to the same peer.
#[derive(Clone)]
pub struct Peer {
    pub(super) inner: Arc<PeerInner>,
}

impl std::fmt::Debug for Peer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Peer")
            .field("closed", &self.is_closed())
            .finish()
    }
}

pub(super) struct PeerInner {
    pub(super) writer: Arc<dyn TransportWriter>,
    pub(super) pending: Mutex<HashMap<RequestId, Pending>>,
    pub(super) progress: Mutex<HashMap<RequestId, ProgressRoute>>,
    pub(super) in_flight: Mutex<HashMap<RequestId, AbortHandle>>,
    pub(super) next_id: AtomicI64,
    pub(super) options: SessionOptions,
    pub(super) extensions: Extensions,
    /// `Some(reason)` once the session has ended.
    pub(super) closed: watch::Sender<Option<Option<String>>>,
}

impl Peer {
    pub(super) fn new(
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

    pub(super) fn closed_error(&self) -> Error {
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

    pub(super) fn send(&self, message: Outgoing) -> Result<()> {
        self.inner
            .writer
            .send(message)
            .map_err(|e| Error::ConnectionClosed(e.0))
    }

    /// Starts a request: assigns its id and registers it, without sending it yet. Use this when
    /// the parameters need the id (as a progress token); otherwise [`Peer::request`] does it all.
    pub fn start_request(&self, options: RequestOptions) -> PendingRequest {
        let number = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        let id = match &self.inner.options.request_id_prefix {
            Some(prefix) => RequestId::String(format!("{prefix}{number}")),
            None => RequestId::Number(number),
        };
        let (reply, rx) = oneshot::channel();
        let seen = Arc::new(AtomicBool::new(false));
        let progress_token = options.on_progress.as_ref().map(|callback| {
            self.inner.progress.lock().insert(
                id.clone(),
                ProgressRoute {
                    callback: callback.clone(),
                    seen: seen.clone(),
                },
            );
            id.clone()
        });
        self.inner.pending.lock().insert(
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
        if let Some(pending) = self.inner.pending.lock().remove(id) {
            if let Some(token) = &pending.progress_token {
                self.inner.progress.lock().remove(token);
            }
            drop(pending.reply);
            let params = serde_json::json!({ "requestId": id, "reason": reason });
            let _ = self.notify("notifications/cancelled", Some(&params));
        }
    }

    pub(super) fn forget(&self, id: &RequestId) -> Option<Pending> {
        let pending = self.inner.pending.lock().remove(id);
        if let Some(Pending {
            progress_token: Some(token),
            ..
        }) = &pending
        {
            self.inner.progress.lock().remove(token);
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
