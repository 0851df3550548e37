//! What a replica's copy of a shared session knows of the others: which replica holds the
//! session's GET stream, and the messages for that stream it passes on to it, in order.

use std::sync::Arc;

use parking_lot::Mutex;
use tokio::sync::mpsc;

use super::event_store::EventStore;
use super::replicas::{BusMessage, Replicas};

/// A copy's link to the replica holding its session's GET stream.
pub(super) struct SharedRoute {
    pub replicas: Arc<Replicas>,
    holder: Arc<Mutex<Arc<str>>>,
    forward: mpsc::UnboundedSender<Box<serde_json::value::RawValue>>,
}

impl SharedRoute {
    /// The route of a copy of `session`, whose GET stream `holder` holds.
    pub fn new(
        replicas: Arc<Replicas>,
        session: Arc<str>,
        holder: &str,
        store: Option<Arc<dyn EventStore>>,
    ) -> Self {
        let holder = Arc::new(Mutex::new(Arc::from(holder)));
        let (forward, rx) = mpsc::unbounded_channel();
        tokio::spawn(forward_to_holder(
            replicas.clone(),
            session,
            holder.clone(),
            store,
            rx,
        ));
        Self {
            replicas,
            holder,
            forward,
        }
    }

    /// Whether this replica holds the GET stream.
    pub fn holds(&self) -> bool {
        **self.holder.lock() == *self.replicas.me
    }

    /// Another replica (or this one) now holds the GET stream: whether this one does.
    pub fn set_holder(&self, holder: &str) -> bool {
        *self.holder.lock() = holder.into();
        self.holds()
    }

    /// Passes a message for the GET stream on to the replica holding it.
    pub fn forward(&self, json: Vec<u8>) {
        match String::from_utf8(json)
            .ok()
            .and_then(|json| serde_json::value::RawValue::from_string(json).ok())
        {
            Some(json) => {
                let _ = self.forward.send(json);
            }
            None => tracing::warn!("not passing on a message for the GET stream that is not JSON"),
        }
    }
}

/// Sends each message to the replica holding the GET stream (through the bus even when that is
/// this one, so that the holder's stream receives them in order). When no replica takes it,
/// the message is stored on the stream for a client that resumes it, with an event store.
async fn forward_to_holder(
    replicas: Arc<Replicas>,
    session: Arc<str>,
    holder: Arc<Mutex<Arc<str>>>,
    store: Option<Arc<dyn EventStore>>,
    mut messages: mpsc::UnboundedReceiver<Box<serde_json::value::RawValue>>,
) {
    while let Some(message) = messages.recv().await {
        let to = holder.lock().clone();
        let json = message.get().as_bytes().to_vec();
        let bus_message = BusMessage::ToGetStream {
            session: session.to_string(),
            message,
        };
        let delivered = match replicas.send_to(&to, &bus_message).await {
            Ok(delivered) => delivered,
            Err(error) => {
                tracing::warn!(%error, session = %session, "could not pass a message on to the replica holding the GET stream");
                false
            }
        };
        if delivered {
            continue;
        }
        match &store {
            Some(store) => {
                let stream = format!("{session}/get");
                if let Err(error) = store.store_event(&stream, Some(&json)).await {
                    tracing::warn!(%error, session = %session, "dropping a message for the GET stream: no replica holds it, and the event store failed");
                }
            }
            None => tracing::debug!(
                session = %session,
                "dropping a message for the GET stream: no replica holds it"
            ),
        }
    }
}
