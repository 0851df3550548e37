//! Sessions shared by the replicas of a server: every replica may serve any request of a
//! handshake-era session. The session's state is in a [`SessionStore`]; each replica that
//! serves the session keeps a copy of its connection, brought up to date from the store on
//! every request and by what the others announce on the [`ReplicaBus`]: their change
//! notifications, changes to a session, a client's answer to the replica that asked, a message
//! for the replica holding a session's GET stream.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use tokio::sync::mpsc;

use super::replica_bus::ReplicaBus;
use super::session_store::{SessionRecord, SessionStore, SessionUpdate};
use crate::error::BoxError;
use crate::server::{ServerEvent, SessionChange, SessionRecorder};
use crate::transport::BoxFuture;
use crate::types::RequestId;

/// What the replicas tell each other. (Externally tagged: a raw message inside an internally
/// tagged enum would not deserialize.)
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) enum BusMessage {
    /// A change notification the sender's server sent (to every replica).
    Event { event: ServerEvent },
    /// A client changed its session's state on the sender (to every replica).
    Changed {
        session: String,
        change: SessionChange,
    },
    /// The session's GET stream is now held by `holder` (to every replica).
    Holder { session: String, holder: String },
    /// The session ended (to every replica).
    Ended { session: String },
    /// The client cancelled one of its requests (to every replica: any may be serving it).
    Cancelled {
        session: String,
        message: Box<RawValue>,
    },
    /// A client's message for the receiver's copy of the session: the answer to a request it
    /// sent.
    FromClient {
        session: String,
        message: Box<RawValue>,
    },
    /// A message for the session's GET stream, which the receiver holds.
    ToGetStream {
        session: String,
        message: Box<RawValue>,
    },
}

impl BusMessage {
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("bus messages serialize")
    }
}

/// What a server's HTTP host shares with its replicas.
pub(super) struct Replicas {
    pub store: Arc<dyn SessionStore>,
    pub bus: Arc<dyn ReplicaBus>,
    /// This replica's id on the bus.
    pub me: Arc<str>,
    /// Copies of sessions opened here so far: each numbers its requests apart.
    copies: AtomicU64,
}

impl std::fmt::Debug for Replicas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Replicas").field("me", &self.me).finish()
    }
}

impl Replicas {
    pub fn new(store: Arc<dyn SessionStore>, bus: Arc<dyn ReplicaBus>) -> Self {
        let me = bus.replica_id().into();
        Self {
            store,
            bus,
            me,
            copies: AtomicU64::new(0),
        }
    }

    /// What the ids of a new copy's requests (and its streams) start with: `{replica}.{copy}-`,
    /// unique across replicas and copies, and naming the replica that waits for an answer.
    pub fn copy_prefix(&self) -> Arc<str> {
        let copy = self.copies.fetch_add(1, Ordering::Relaxed);
        format!("{}.{copy}-", self.me).into()
    }

    /// The replica that sent our request `id`, when it is another one.
    pub fn other_sender<'a>(&self, id: &'a RequestId) -> Option<&'a str> {
        let RequestId::String(id) = id else {
            return None;
        };
        let (replica, _) = id.split_once('.')?;
        (replica != &*self.me).then_some(replica)
    }

    /// Tells every other replica; a failure is logged (they catch up from the store when their
    /// bus reconnects).
    pub async fn broadcast(&self, message: &BusMessage) {
        if let Err(error) = self.bus.broadcast(&message.encode()).await {
            tracing::warn!(%error, ?message, "could not tell the other replicas");
        }
    }

    /// Sends to one replica: whether it listens.
    pub async fn send_to(&self, replica: &str, message: &BusMessage) -> Result<bool, BoxError> {
        self.bus.send_to(replica, &message.encode()).await
    }

    /// The recorder of a session's copy opened here.
    pub fn recorder(
        self: &Arc<Self>,
        session: Arc<str>,
        principal: Option<String>,
    ) -> Arc<dyn SessionRecorder> {
        Arc::new(StoreRecorder {
            replicas: self.clone(),
            session,
            principal,
        })
    }

    /// Makes this replica the holder of the session's GET stream, and tells the others.
    pub async fn take_hold(&self, session: &str) -> Result<bool, BoxError> {
        let update = SessionUpdate::Holder(self.me.to_string());
        if !self.store.update(session, &update).await? {
            return Ok(false);
        }
        self.broadcast(&BusMessage::Holder {
            session: session.to_owned(),
            holder: self.me.to_string(),
        })
        .await;
        Ok(true)
    }
}

/// Records the changes a client makes to its session in the store, and tells the other
/// replicas.
struct StoreRecorder {
    replicas: Arc<Replicas>,
    session: Arc<str>,
    principal: Option<String>,
}

impl SessionRecorder for StoreRecorder {
    fn record<'a>(&'a self, change: &'a SessionChange) -> BoxFuture<'a, Result<(), BoxError>> {
        Box::pin(async move {
            let store = &self.replicas.store;
            let update = match change {
                SessionChange::Initialized(state) => {
                    let record = SessionRecord {
                        state: (**state).clone(),
                        principal: self.principal.clone(),
                        holder: self.replicas.me.to_string(),
                    };
                    return store.create(&self.session, &record).await;
                }
                SessionChange::LogLevel(level) => SessionUpdate::LogLevel(*level),
                SessionChange::Subscribed(uri) => SessionUpdate::Subscribed(uri.clone()),
                SessionChange::Unsubscribed(uri) => SessionUpdate::Unsubscribed(uri.clone()),
            };
            if !store.update(&self.session, &update).await? {
                return Err("the session has ended".into());
            }
            self.replicas
                .broadcast(&BusMessage::Changed {
                    session: self.session.to_string(),
                    change: change.clone(),
                })
                .await;
            Ok(())
        })
    }
}

/// Passes the change notifications this replica's server sends on to the other replicas, in
/// order; while the bus fails, each is tried again (after a pause growing to 2 s) rather than
/// dropped.
pub(super) async fn publish_local_events(
    replicas: Arc<Replicas>,
    mut events: mpsc::UnboundedReceiver<ServerEvent>,
) {
    while let Some(event) = events.recv().await {
        let message = BusMessage::Event { event }.encode();
        let mut pause = Duration::from_millis(100);
        while let Err(error) = replicas.bus.broadcast(&message).await {
            tracing::warn!(%error, "could not pass a change notification on to the other replicas; trying again");
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(2));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_reads_back() {
        let raw = || RawValue::from_string(r#"{"jsonrpc":"2.0","id":"a.0-1","result":{}}"#.into());
        let messages = [
            BusMessage::Event {
                event: ServerEvent::ResourceUpdated("test://x".into()),
            },
            BusMessage::Changed {
                session: "s".into(),
                change: SessionChange::Subscribed("test://x".into()),
            },
            BusMessage::Holder {
                session: "s".into(),
                holder: "r".into(),
            },
            BusMessage::Ended {
                session: "s".into(),
            },
            BusMessage::Cancelled {
                session: "s".into(),
                message: raw().unwrap(),
            },
            BusMessage::FromClient {
                session: "s".into(),
                message: raw().unwrap(),
            },
            BusMessage::ToGetStream {
                session: "s".into(),
                message: raw().unwrap(),
            },
        ];
        for message in messages {
            let bytes = message.encode();
            let read: BusMessage = serde_json::from_slice(&bytes).expect("it reads back");
            assert_eq!(read.encode(), bytes);
        }
    }
}
