//! A [`ReplicaBus`] on Redis pub/sub: one channel every replica listens to, and one per
//! replica. Each message carries its sender's id, so a replica skips its own broadcasts.

use std::time::Duration;

use bytes::Bytes;
use futures::stream::BoxStream;
use parking_lot::Mutex;
use redis::aio::ConnectionManager;
use redis::{PushInfo, PushKind, Value};
use tokio::sync::mpsc;

use super::{DEFAULT_KEY_PREFIX, DEFAULT_TIMEOUT, RedisStoreError, connect, reconnect};
use crate::error::BoxError;
use crate::http_server::replica_bus::{BusDelivery, ReplicaBus};
use crate::http_server::session_id::random_hex;
use crate::transport::BoxFuture;

/// Builds a [`RedisReplicaBus`] (see [`RedisReplicaBus::builder`]).
#[derive(Debug, Clone)]
pub struct RedisReplicaBusBuilder {
    url: String,
    prefix: String,
    timeout: Duration,
}

impl RedisReplicaBusBuilder {
    /// The prefix of the bus's channels (default `mcp:`): servers sharing one Redis each take
    /// their own.
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How long connecting, and each command, may take before it fails (default 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connects and subscribes: fails when Redis cannot be reached now. Once connected, a lost
    /// connection is made again in the background (the subscriptions with it), and the
    /// replica is told of the gap.
    pub async fn connect(self) -> Result<RedisReplicaBus, RedisStoreError> {
        let id = random_hex(8);
        let (push_tx, push_rx) = mpsc::unbounded_channel();
        let (connection, url) = connect(&self.url, self.timeout, Some(push_tx)).await?;
        let all = format!("{}bus:all", self.prefix);
        let mine = format!("{}bus:replica:{id}", self.prefix);
        let mut subscriber = connection.clone();
        for channel in [&all, &mine] {
            subscriber
                .subscribe(channel)
                .await
                .map_err(|e| RedisStoreError::of(&url, e))?;
        }
        let (deliveries, rx) = mpsc::unbounded_channel();
        tokio::spawn(pump(push_rx, deliveries, connection.clone(), id.clone()));
        Ok(RedisReplicaBus {
            connection,
            url,
            id,
            all,
            replica_prefix: format!("{}bus:replica:", self.prefix),
            deliveries: Mutex::new(Some(rx)),
        })
    }
}

/// A [`ReplicaBus`] on Redis pub/sub (RESP3, on the redis crate's connection manager, which
/// reconnects and subscribes again by itself). A lost connection is reported as
/// [`BusDelivery::Gap`] once it is back.
///
/// It works with a standalone Redis or a primary (not Redis Cluster's sharded channels).
pub struct RedisReplicaBus {
    connection: ConnectionManager,
    url: String,
    id: String,
    all: String,
    replica_prefix: String,
    deliveries: Mutex<Option<mpsc::UnboundedReceiver<BusDelivery>>>,
}

impl std::fmt::Debug for RedisReplicaBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisReplicaBus")
            .field("url", &self.url)
            .field("id", &self.id)
            .field("channel", &self.all)
            .finish()
    }
}

impl RedisReplicaBus {
    /// Starts configuring a bus on the Redis at `url` (`redis://host:port/db`).
    pub fn builder(url: impl Into<String>) -> RedisReplicaBusBuilder {
        RedisReplicaBusBuilder {
            url: url.into(),
            prefix: DEFAULT_KEY_PREFIX.to_owned(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// A bus on the Redis at `url`, with the default settings.
    pub async fn connect(url: impl Into<String>) -> Result<Self, RedisStoreError> {
        Self::builder(url).connect().await
    }

    /// What a message on a channel holds: the sender's id, a line feed, the message.
    fn framed(&self, message: &[u8]) -> Vec<u8> {
        let mut framed = Vec::with_capacity(self.id.len() + 1 + message.len());
        framed.extend_from_slice(self.id.as_bytes());
        framed.push(b'\n');
        framed.extend_from_slice(message);
        framed
    }

    async fn publish(&self, channel: &str, message: &[u8]) -> Result<i64, BoxError> {
        let receivers: i64 = redis::cmd("PUBLISH")
            .arg(channel)
            .arg(self.framed(message))
            .query_async(&mut self.connection.clone())
            .await
            .map_err(|e| RedisStoreError::of(&self.url, e))?;
        Ok(receivers)
    }
}

impl ReplicaBus for RedisReplicaBus {
    fn replica_id(&self) -> &str {
        &self.id
    }

    fn broadcast<'a>(&'a self, message: &'a [u8]) -> BoxFuture<'a, Result<(), BoxError>> {
        Box::pin(async move {
            self.publish(&self.all, message).await?;
            Ok(())
        })
    }

    fn send_to<'a>(
        &'a self,
        replica: &'a str,
        message: &'a [u8],
    ) -> BoxFuture<'a, Result<bool, BoxError>> {
        Box::pin(async move {
            let channel = format!("{}{replica}", self.replica_prefix);
            Ok(self.publish(&channel, message).await? > 0)
        })
    }

    fn listen(&self) -> BoxStream<'static, BusDelivery> {
        let Some(rx) = self.deliveries.lock().take() else {
            return Box::pin(futures::stream::empty());
        };
        Box::pin(futures::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|delivery| (delivery, rx))
        }))
    }
}

/// Turns what Redis pushes into deliveries: messages of other replicas, and a gap after the
/// connection was lost, once it is back (pinging until it is, which also makes the connection
/// manager reconnect and subscribe again).
async fn pump(
    mut pushes: mpsc::UnboundedReceiver<PushInfo>,
    deliveries: mpsc::UnboundedSender<BusDelivery>,
    connection: ConnectionManager,
    me: String,
) {
    while let Some(push) = pushes.recv().await {
        match push.kind {
            PushKind::Message => {
                let Some(Value::BulkString(payload)) = push.data.get(1) else {
                    continue;
                };
                let Some(split) = payload.iter().position(|&b| b == b'\n') else {
                    continue;
                };
                if payload[..split] == *me.as_bytes() {
                    continue;
                }
                let message = Bytes::copy_from_slice(&payload[split + 1..]);
                if deliveries.send(BusDelivery::Message(message)).is_err() {
                    return;
                }
            }
            PushKind::Disconnection => {
                tracing::warn!("the replica bus lost its connection to Redis; reconnecting");
                reconnect(&connection).await;
                tracing::info!("the replica bus is connected to Redis again");
                if deliveries.send(BusDelivery::Gap).is_err() {
                    return;
                }
            }
            _ => {}
        }
    }
}
