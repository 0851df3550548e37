//! What a replica does with what the others tell it over the bus: their change
//! notifications reach its clients, changes to a session reach its copy, a client's answer
//! reaches the request waiting for it, a message for a GET stream it holds is sent there.
//! After a gap (the bus lost its connection) every list may have changed, and the copies catch
//! up from the session store.

use std::sync::{Arc, Weak};

use futures::StreamExt;
use futures::stream::BoxStream;

use super::Shared;
use super::replica_bus::BusDelivery;
use super::replicas::{BusMessage, publish_local_events};
use super::session::{Ending, HttpSession};
use crate::server::ServerHandler;

impl<H: ServerHandler> Shared<H> {
    /// Starts listening to the other replicas and telling them this one's change notifications
    /// (once; nothing to do unless the sessions are shared).
    pub(super) fn start_sharing(self: &Arc<Self>) {
        let Some(replicas) = &self.config.replicas else {
            return;
        };
        self.sharing.call_once(|| {
            tokio::spawn(inbox(Arc::downgrade(self), replicas.bus.listen()));
            if let Some(events) = self.local_events.lock().take() {
                tokio::spawn(publish_local_events(replicas.clone(), events));
            }
        });
    }

    fn copy_of(&self, session: &str) -> Option<Arc<HttpSession>> {
        self.sessions.read().get(session).cloned()
    }

    fn on_bus_message(self: &Arc<Self>, bytes: &[u8]) {
        let message: BusMessage = match serde_json::from_slice(bytes) {
            Ok(message) => message,
            Err(error) => {
                tracing::warn!(%error, "ignoring a message on the replica bus that is not ours");
                return;
            }
        };
        match message {
            BusMessage::Event { event } => self.server.notifier().relay(event),
            BusMessage::Changed { session, change } => {
                if let Some(copy) = self.copy_of(&session) {
                    copy.state.apply(&change);
                }
            }
            BusMessage::Holder { session, holder } => {
                if let Some(copy) = self.copy_of(&session) {
                    copy.set_holder(&holder);
                }
            }
            BusMessage::Ended { session } => {
                if let Some(copy) = self.copy_of(&session) {
                    self.forget_session(&copy, Ending::Here);
                }
            }
            BusMessage::Cancelled { session, message } => {
                if let Some(copy) = self.copy_of(&session) {
                    if let Some(id) = cancelled_request(message.get()) {
                        copy.routes.cancelled(&id);
                    }
                    push(copy, &message);
                }
            }
            BusMessage::FromClient { session, message } => match self.copy_of(&session) {
                Some(copy) => push(copy, &message),
                None => tracing::warn!(
                    session,
                    "dropping a client's answer: this replica no longer serves its session"
                ),
            },
            BusMessage::ToGetStream { session, message } => {
                let json = message.get().as_bytes().to_vec();
                match self.copy_of(&session) {
                    Some(copy) => copy.routes.deliver_forwarded(json),
                    None => self.keep_for_get_stream(session, json),
                }
            }
        }
    }

    /// A message for the GET stream of a session this replica no longer serves (its copy was
    /// idle): kept on the stream for a client that resumes it, with an event store.
    fn keep_for_get_stream(&self, session: String, json: Vec<u8>) {
        let Some(store) = self.config.event_store.clone() else {
            tracing::debug!(
                session,
                "dropping a message for a GET stream: no replica serves it, and no event store keeps it"
            );
            return;
        };
        tokio::spawn(async move {
            if let Err(error) = store
                .store_event(&format!("{session}/get"), Some(&json))
                .await
            {
                tracing::warn!(%error, session, "dropping a message for a GET stream: the event store failed");
            }
        });
    }

    /// Messages from the other replicas may have been lost: every list may have changed, and
    /// every copy takes its session's state from the store again.
    fn catch_up(self: &Arc<Self>) {
        tracing::warn!(
            "the replica bus lost its connection: announcing every list as changed, and \
             reading the sessions' state again"
        );
        self.server.notifier().relay_every_list_changed();
        let copies: Vec<Arc<HttpSession>> = self.sessions.read().values().cloned().collect();
        let Some(replicas) = self.config.replicas.clone() else {
            return;
        };
        let shared = self.clone();
        tokio::spawn(async move {
            for copy in copies {
                match replicas.store.load(&copy.id).await {
                    Ok(Some(record)) => copy.refresh(&record),
                    Ok(None) => shared.forget_session(&copy, Ending::Here),
                    Err(error) => {
                        tracing::warn!(%error, session = %copy.id, "could not read a session's state again");
                    }
                }
            }
        });
    }
}

/// Hands a message to a copy's connection (on a task: the copy may have a backlog).
fn push(copy: Arc<HttpSession>, message: &serde_json::value::RawValue) {
    let body = bytes::Bytes::from(message.get().as_bytes().to_vec());
    tokio::spawn(async move {
        copy.push(body).await;
    });
}

/// The request a `notifications/cancelled` names.
fn cancelled_request(json: &str) -> Option<crate::types::RequestId> {
    #[derive(serde::Deserialize)]
    struct Params {
        #[serde(rename = "requestId")]
        request_id: crate::types::RequestId,
    }
    #[derive(serde::Deserialize)]
    struct Notification {
        params: Params,
    }
    serde_json::from_str::<Notification>(json)
        .ok()
        .map(|n| n.params.request_id)
}

/// Serves the bus until the host is gone.
async fn inbox<H: ServerHandler>(
    shared: Weak<Shared<H>>,
    mut deliveries: BoxStream<'static, BusDelivery>,
) {
    while let Some(delivery) = deliveries.next().await {
        let Some(shared) = shared.upgrade() else {
            return;
        };
        match delivery {
            BusDelivery::Message(bytes) => shared.on_bus_message(&bytes),
            BusDelivery::Gap => shared.catch_up(),
        }
    }
}
