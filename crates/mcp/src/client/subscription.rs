//! `subscriptions/listen` on the client side.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::handler::ClientService;
use crate::error::{Error, Result};
use crate::jsonrpc::{Peer, RequestOptions};
use crate::types::{
    RequestId, ServerNotification, SubscriptionFilter, SubscriptionsListenRequestParams,
};

/// An open `subscriptions/listen` stream. Dropping it cancels the subscription.
#[derive(Debug)]
pub struct Subscription {
    id: RequestId,
    acknowledged: SubscriptionFilter,
    events: mpsc::UnboundedReceiver<ServerNotification>,
    request: JoinHandle<()>,
    service: Arc<ClientService>,
}

impl Subscription {
    /// The request id, which every notification of the subscription carries.
    pub fn id(&self) -> &RequestId {
        &self.id
    }

    /// What the server agreed to send (a subset of what was asked).
    pub fn acknowledged(&self) -> &SubscriptionFilter {
        &self.acknowledged
    }

    /// The next notification; `None` once the server has ended the subscription.
    pub async fn next(&mut self) -> Option<ServerNotification> {
        self.events.recv().await
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        // Dropping the pending request sends notifications/cancelled.
        self.request.abort();
        self.service.subscriptions.lock().remove(&self.id);
    }
}

/// Opens a subscription and waits for the server's acknowledgement.
pub(super) async fn open(
    peer: &Peer,
    service: &Arc<ClientService>,
    params: SubscriptionsListenRequestParams,
) -> Result<Subscription> {
    let pending = peer.start_request(RequestOptions {
        timeout: None,
        ..Default::default()
    });
    let id = pending.id().clone();
    let (tx, mut events) = mpsc::unbounded_channel();
    service.subscriptions.lock().insert(id.clone(), tx);
    let answer = pending.send("subscriptions/listen", Some(&params))?;
    let routes = service.clone();
    let done_id = id.clone();
    let (refused_tx, refused) = tokio::sync::oneshot::channel();
    let request = tokio::spawn(async move {
        if let Err(e) = answer.await {
            tracing::debug!(error = %e, "subscription ended");
            // Read only when it ends before the acknowledgement: the server's refusal.
            let _ = refused_tx.send(e);
        }
        // The server ended it: close the stream.
        routes.subscriptions.lock().remove(&done_id);
    });
    let wait = peer
        .options()
        .request_timeout
        .unwrap_or(Duration::from_secs(60));
    let first = tokio::time::timeout(wait, events.recv()).await;
    let acknowledged = match first {
        Ok(Some(ServerNotification::SubscriptionsAcknowledged(ack))) => ack.params.notifications,
        Ok(Some(other)) => {
            return Err(Error::ProtocolViolation(format!(
                "expected notifications/subscriptions/acknowledged first, got {}",
                other.method()
            )));
        }
        Ok(None) => {
            return Err(refused.await.unwrap_or_else(|_| {
                Error::ConnectionClosed(Some(
                    "the subscription ended before it was acknowledged".into(),
                ))
            }));
        }
        Err(_) => {
            request.abort();
            return Err(Error::Timeout {
                method: "subscriptions/listen".into(),
                timeout: wait,
            });
        }
    };
    Ok(Subscription {
        id,
        acknowledged,
        events,
        request,
        service: service.clone(),
    })
}
