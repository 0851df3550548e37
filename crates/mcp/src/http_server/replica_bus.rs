//! How the replicas of a server tell each other things: a change notification one of them sent,
//! a change to a session, a client's answer to the replica that waits for it.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use futures::stream::BoxStream;
use parking_lot::Mutex;
use tokio::sync::mpsc;

use super::session_id::random_hex;
use crate::error::BoxError;
use crate::transport::BoxFuture;

/// What a replica receives from a [`ReplicaBus`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BusDelivery {
    /// A message another replica broadcast, or sent to this one.
    Message(Bytes),
    /// Messages may have been lost since the last delivery (the bus lost its connection and
    /// made it again): the replica catches up from the session store.
    Gap,
}

/// A message bus between the replicas of one server, each known by a unique id.
///
/// Delivery is at most once (a replica that is down misses what is sent meanwhile), in the
/// order each sender sent, and a lost connection is reported as [`BusDelivery::Gap`].
/// [`InMemoryReplicaBus`] connects replicas in one process; `RedisReplicaBus` (feature `redis`)
/// replicas anywhere, through Redis pub/sub.
pub trait ReplicaBus: Send + Sync + 'static {
    /// This replica's id, unique among the replicas on the bus.
    fn replica_id(&self) -> &str;

    /// Sends `message` to every other replica.
    fn broadcast<'a>(&'a self, message: &'a [u8]) -> BoxFuture<'a, Result<(), BoxError>>;

    /// Sends `message` to the replica `replica`: `false` when no replica of that id listens (it
    /// stopped, or never was).
    fn send_to<'a>(
        &'a self,
        replica: &'a str,
        message: &'a [u8],
    ) -> BoxFuture<'a, Result<bool, BoxError>>;

    /// What the others send this replica, from when the bus was made (messages wait until
    /// the host listens). The host calls it once; a later call gets a stream that ends at once.
    fn listen(&self) -> BoxStream<'static, BusDelivery>;
}

type Inboxes = Arc<Mutex<HashMap<String, mpsc::UnboundedSender<BusDelivery>>>>;

/// A [`ReplicaBus`] between replicas in one process (tests, or several servers of one program):
/// [`join`](Self::join) adds a replica to the bus of another.
///
/// ```
/// use mcp::http_server::{InMemoryReplicaBus, ReplicaBus};
///
/// let one = InMemoryReplicaBus::new();
/// let two = one.join();
/// assert_ne!(one.replica_id(), two.replica_id());
/// ```
#[derive(Debug)]
pub struct InMemoryReplicaBus {
    id: String,
    inboxes: Inboxes,
    inbox: Mutex<Option<mpsc::UnboundedReceiver<BusDelivery>>>,
}

impl Default for InMemoryReplicaBus {
    fn default() -> Self {
        Self::new()
    }
}

impl InMemoryReplicaBus {
    /// The first replica of a new bus.
    pub fn new() -> Self {
        Self::on(Inboxes::default())
    }

    /// Another replica on the same bus.
    pub fn join(&self) -> Self {
        Self::on(self.inboxes.clone())
    }

    fn on(inboxes: Inboxes) -> Self {
        let id = random_hex(8);
        let (tx, rx) = mpsc::unbounded_channel();
        inboxes.lock().insert(id.clone(), tx);
        Self {
            id,
            inboxes,
            inbox: Mutex::new(Some(rx)),
        }
    }
}

impl ReplicaBus for InMemoryReplicaBus {
    fn replica_id(&self) -> &str {
        &self.id
    }

    fn broadcast<'a>(&'a self, message: &'a [u8]) -> BoxFuture<'a, Result<(), BoxError>> {
        let message = Bytes::copy_from_slice(message);
        self.inboxes.lock().retain(|id, inbox| {
            *id == self.id || inbox.send(BusDelivery::Message(message.clone())).is_ok()
        });
        Box::pin(std::future::ready(Ok(())))
    }

    fn send_to<'a>(
        &'a self,
        replica: &'a str,
        message: &'a [u8],
    ) -> BoxFuture<'a, Result<bool, BoxError>> {
        let mut inboxes = self.inboxes.lock();
        let delivered = match inboxes.get(replica) {
            Some(inbox) => {
                let sent = inbox.send(BusDelivery::Message(Bytes::copy_from_slice(message)));
                if sent.is_err() {
                    inboxes.remove(replica);
                }
                sent.is_ok()
            }
            None => false,
        };
        Box::pin(std::future::ready(Ok(delivered)))
    }

    fn listen(&self) -> BoxStream<'static, BusDelivery> {
        let Some(rx) = self.inbox.lock().take() else {
            return Box::pin(futures::stream::empty());
        };
        Box::pin(futures::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|delivery| (delivery, rx))
        }))
    }
}

impl Drop for InMemoryReplicaBus {
    fn drop(&mut self) {
        // A replica that is gone no longer receives: sending to it says so.
        self.inboxes.lock().remove(&self.id);
    }
}
