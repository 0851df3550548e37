//! Serving the requests of sessions the replicas of a server share: a session opened on any
//! replica is found in the session store and served here by a copy of its connection; a
//! client's answer goes to the replica that asked; a cancellation, the GET stream's holder and
//! the end of a session are told to all.

use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use serde_json::value::RawValue;

use super::Shared;
use super::replicas::BusMessage;
use super::respond::{empty_response, error_response};
use super::session::{Ending, HttpSession, Sharing};
use super::session_id;
use crate::error::BoxError;
use crate::server::ServerHandler;
use crate::types::{ErrorCode, RequestId};

/// The answer when the session store or the bus failed.
fn unavailable(what: &str, error: BoxError) -> Response {
    tracing::warn!(%error, "{what} failed");
    error_response(
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::INTERNAL_ERROR,
        format!("Service Unavailable: {what} failed ({error}); try again shortly"),
        None,
    )
}

/// A message as JSON the bus carries whole.
fn raw(body: &Bytes) -> Option<Box<RawValue>> {
    let text = std::str::from_utf8(body).ok()?;
    RawValue::from_string(text.to_owned()).ok()
}

impl<H: ServerHandler> Shared<H> {
    /// The shared session `id`, from the store: the copy here brought up to date, or a new
    /// copy. 404 when it is unknown, ended, expired or another principal's; 503 when the store
    /// cannot be reached.
    pub(super) async fn shared_session(
        self: &Arc<Self>,
        id: &str,
        principal: Option<&str>,
    ) -> Result<Arc<HttpSession>, Response> {
        let replicas = self.config.replicas.as_ref().expect("sessions are shared");
        if !session_id::plausible(self.config.session_secret.as_ref(), id) {
            return Err(self.unknown_session());
        }
        let local = self.sessions.read().get(id).cloned();
        let record = match replicas.store.load(id).await {
            Ok(Some(record)) => record,
            Ok(None) => {
                if let Some(session) = local {
                    self.forget_session(&session, Ending::Here);
                }
                return Err(self.unknown_session());
            }
            Err(error) => return Err(unavailable("the session store", error)),
        };
        if record.principal.as_deref() != principal {
            return Err(self.unknown_session());
        }
        if let Some(session) = local {
            session.refresh(&record);
            return Ok(session);
        }
        let principal = record.principal.clone();
        let sharing = Sharing {
            replicas: replicas.clone(),
            record: Some(record),
        };
        self.start_session(id.into(), None, principal, Some(sharing))
    }

    /// Makes this replica the holder of a shared session's GET stream (nothing to do for a
    /// session of its own).
    pub(super) async fn hold_get_stream(&self, session: &HttpSession) -> Result<(), Response> {
        let Some(replicas) = &self.config.replicas else {
            return Ok(());
        };
        match replicas.take_hold(&session.id).await {
            Ok(true) => {
                session.set_holder(&replicas.me);
                Ok(())
            }
            Ok(false) => Err(self.gone()),
            Err(error) => Err(unavailable("the session store", error)),
        }
    }

    /// Passes a client's answer to the replica that sent the request, when another one did:
    /// the response to the POST then, `None` when the answer is for this replica.
    pub(super) async fn pass_answer_on(
        &self,
        session: &HttpSession,
        id: &RequestId,
        body: &Bytes,
    ) -> Option<Response> {
        let replicas = self.config.replicas.as_ref()?;
        let replica = replicas.other_sender(id)?;
        let message = BusMessage::FromClient {
            session: session.id.to_string(),
            message: raw(body)?,
        };
        Some(match replicas.send_to(replica, &message).await {
            Ok(true) => empty_response(StatusCode::ACCEPTED, &HeaderMap::new()),
            Ok(false) => error_response(
                StatusCode::NOT_FOUND,
                ErrorCode::INVALID_REQUEST,
                format!(
                    "Not Found: no request {id} waits for this answer: the replica that sent it \
                     is gone"
                ),
                None,
            ),
            Err(error) => unavailable("the replica bus", error),
        })
    }

    /// A client cancelled request `id`: whichever replica serves it stops.
    pub(super) async fn cancel_everywhere(
        &self,
        session: &HttpSession,
        id: &RequestId,
        body: &Bytes,
    ) {
        session.routes.cancelled(id);
        let (Some(replicas), Some(message)) = (&self.config.replicas, raw(body)) else {
            return;
        };
        replicas
            .broadcast(&BusMessage::Cancelled {
                session: session.id.to_string(),
                message,
            })
            .await;
    }

    /// DELETE of a shared session: gone from the store, and from every replica.
    pub(super) async fn delete_shared(
        self: &Arc<Self>,
        id: Option<&str>,
        principal: Option<&str>,
    ) -> Response {
        let replicas = self.config.replicas.as_ref().expect("sessions are shared");
        let session = match self.session(id, principal).await {
            Ok(session) => session,
            Err(response) => return response,
        };
        if let Err(error) = replicas.store.remove(&session.id).await {
            return unavailable("the session store", error);
        }
        replicas
            .broadcast(&BusMessage::Ended {
                session: session.id.to_string(),
            })
            .await;
        self.forget_session(&session, Ending::Session);
        empty_response(StatusCode::OK, &HeaderMap::new())
    }
}
