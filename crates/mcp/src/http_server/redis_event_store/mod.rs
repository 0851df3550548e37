//! An [`EventStore`] in Redis, shared by every replica of a server: a client whose replica died
//! resumes its stream on another with `Last-Event-ID` (feature `redis`).
//!
//! Each stream is a Redis stream (`XADD`): its entry ids begin with the time they were added,
//! so the age bound is a trim by id (`XTRIM MINID`) and a key expiry, with no timestamp of our
//! own, and a replay is one `XRANGE` from the last event seen. The byte bound is kept across all
//! streams, as [`InMemoryEventStore`](super::InMemoryEventStore) keeps it: each write runs one
//! Lua script (atomic, whichever replica runs it) that stores the event and evicts whole
//! streams, the least recently written first and never the one written to.
//!
//! It needs a standalone Redis (or a primary with its read replicas), not Redis Cluster: the
//! script evicts streams it is not handed as keys.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::streams::StreamRangeReply;
use redis::{Client, Script, Value};

use super::event_store::{EVENT_OVERHEAD, EventStore, Replay, StoredEvent};
use crate::error::BoxError;
use crate::transport::BoxFuture;

/// The default byte bound of a [`RedisEventStore`]: 64 MiB, across all streams.
pub const DEFAULT_REDIS_EVENT_STORE_BYTES: usize = 64 * 1024 * 1024;

/// How long a [`RedisEventStore`] keeps an event by default: 1 hour.
pub const DEFAULT_REDIS_EVENT_STORE_AGE: Duration = Duration::from_secs(60 * 60);

/// The default prefix of a [`RedisEventStore`]'s keys.
pub const DEFAULT_REDIS_KEY_PREFIX: &str = "mcp:events:";

/// How long connecting to Redis, and each command, may take by default.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// What went wrong with a [`RedisEventStore`].
#[derive(Debug, thiserror::Error)]
pub enum RedisEventStoreError {
    /// The URL is not a Redis URL.
    #[error("invalid Redis URL {url:?}: {source} (expected redis://host:port/db)")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// Why it was refused.
        #[source]
        source: redis::RedisError,
    },
    /// Redis could not be reached, or stopped answering; the store reconnects by itself.
    #[error("Redis at {url} is unreachable: {source}")]
    Unreachable {
        /// Where Redis was expected (without credentials).
        url: String,
        /// The connection's error.
        #[source]
        source: redis::RedisError,
    },
    /// Redis answered with an error.
    #[error("Redis refused the event store's command: {0}")]
    Command(#[source] redis::RedisError),
}

/// Builds a [`RedisEventStore`] (see [`RedisEventStore::builder`]).
#[derive(Debug, Clone)]
pub struct RedisEventStoreBuilder {
    url: String,
    max_bytes: usize,
    max_age: Duration,
    prefix: String,
    timeout: Duration,
}

impl RedisEventStoreBuilder {
    /// Keeps at most `bytes` of events, across all streams (default 64 MiB).
    pub fn max_bytes(mut self, bytes: usize) -> Self {
        self.max_bytes = bytes;
        self
    }

    /// Forgets events older than `age` (default 1 hour; at least a millisecond).
    pub fn max_age(mut self, age: Duration) -> Self {
        self.max_age = age.max(Duration::from_millis(1));
        self
    }

    /// The prefix of every key the store writes (default `mcp:events:`): servers sharing one
    /// Redis each take their own.
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How long connecting, and each command, may take before it fails (default 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connects: fails when Redis cannot be reached now. Once connected, a lost connection is
    /// made again in the background; the calls made meanwhile fail with
    /// [`RedisEventStoreError::Unreachable`].
    pub async fn connect(self) -> Result<RedisEventStore, RedisEventStoreError> {
        let client =
            Client::open(self.url.as_str()).map_err(|source| RedisEventStoreError::InvalidUrl {
                url: self.url.clone(),
                source,
            })?;
        let shown = display_url(client.get_connection_info());
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            .set_max_delay(Duration::from_secs(2));
        let connection = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(|source| RedisEventStoreError::Unreachable {
                url: shown.clone(),
                source,
            })?;
        let keys = Keys::new(&self.prefix);
        Ok(RedisEventStore {
            connection,
            url: shown,
            keys,
            max_bytes: self.max_bytes,
            max_age: self.max_age,
            store: Script::new(include_str!("store.lua")),
            forget: Script::new(include_str!("forget.lua")),
        })
    }
}

/// `host:port/db` of a connection, without its credentials.
fn display_url(info: &redis::ConnectionInfo) -> String {
    format!("{}/{}", info.addr(), info.redis_settings().db())
}

/// The names of the store's keys.
#[derive(Debug, Clone)]
struct Keys {
    /// Before a stream id: the key of that stream.
    stream: String,
    sizes: String,
    recency: String,
    names: String,
    total: String,
    clock: String,
}

impl Keys {
    fn new(prefix: &str) -> Self {
        Self {
            stream: format!("{prefix}stream:"),
            sizes: format!("{prefix}sizes"),
            recency: format!("{prefix}recency"),
            names: format!("{prefix}names"),
            total: format!("{prefix}bytes"),
            clock: format!("{prefix}clock"),
        }
    }
}

/// An [`EventStore`] in Redis, bounded in bytes (across all streams) and in age.
///
/// Past the byte bound it forgets whole streams, the least recently written first, and never
/// the stream just written to: when that one alone is over the bound, its own oldest events go.
/// Events older than the age bound go too. Event ids are `{stream id}:{Redis entry id}`.
///
/// ```no_run
/// # async fn demo(mcp: mcp::fastmcp::FastMcp) -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use mcp::http_server::RedisEventStore;
///
/// let store = RedisEventStore::builder("redis://127.0.0.1:6379/")
///     .max_age(Duration::from_secs(600))
///     .connect()
///     .await?;
/// let http = mcp.http().event_store(store).build();
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisEventStore {
    connection: ConnectionManager,
    url: String,
    keys: Keys,
    max_bytes: usize,
    max_age: Duration,
    store: Script,
    forget: Script,
}

impl std::fmt::Debug for RedisEventStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisEventStore")
            .field("url", &self.url)
            .field("prefix", &self.keys.stream)
            .field("max_bytes", &self.max_bytes)
            .field("max_age", &self.max_age)
            .finish()
    }
}

impl RedisEventStore {
    /// Starts configuring a store on the Redis at `url` (`redis://host:port/db`,
    /// `redis://:password@host/`, `rediss://` for TLS is not built in).
    pub fn builder(url: impl Into<String>) -> RedisEventStoreBuilder {
        RedisEventStoreBuilder {
            url: url.into(),
            max_bytes: DEFAULT_REDIS_EVENT_STORE_BYTES,
            max_age: DEFAULT_REDIS_EVENT_STORE_AGE,
            prefix: DEFAULT_REDIS_KEY_PREFIX.to_owned(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// A store on the Redis at `url`, with the default bounds.
    pub async fn connect(url: impl Into<String>) -> Result<Self, RedisEventStoreError> {
        Self::builder(url).connect().await
    }

    fn error(&self, source: redis::RedisError) -> RedisEventStoreError {
        if source.is_io_error()
            || source.is_timeout()
            || source.is_connection_dropped()
            || source.is_connection_refusal()
        {
            RedisEventStoreError::Unreachable {
                url: self.url.clone(),
                source,
            }
        } else {
            RedisEventStoreError::Command(source)
        }
    }

    async fn store(
        &self,
        stream_id: &str,
        message: Option<&[u8]>,
    ) -> Result<String, RedisEventStoreError> {
        let keys = &self.keys;
        let entry: String = self
            .store
            .key(format!("{}{stream_id}", keys.stream))
            .key(&keys.sizes)
            .key(&keys.recency)
            .key(&keys.names)
            .key(&keys.total)
            .key(&keys.clock)
            .arg(&keys.stream)
            .arg(stream_id)
            .arg(if message.is_some() { "1" } else { "0" })
            .arg(message.unwrap_or_default())
            .arg(self.max_bytes)
            .arg(u64::try_from(self.max_age.as_millis()).unwrap_or(u64::MAX))
            .arg(EVENT_OVERHEAD)
            .invoke_async(&mut self.connection.clone())
            .await
            .map_err(|e| self.error(e))?;
        Ok(format!("{stream_id}:{entry}"))
    }

    async fn replay(&self, last_event_id: &str) -> Result<Option<Replay>, RedisEventStoreError> {
        let Some((stream_id, entry)) = last_event_id.rsplit_once(':') else {
            return Ok(None);
        };
        if !is_entry_id(entry) {
            return Ok(None);
        }
        let reply: StreamRangeReply = redis::cmd("XRANGE")
            .arg(format!("{}{stream_id}", self.keys.stream))
            .arg(entry)
            .arg("+")
            .query_async(&mut self.connection.clone())
            .await
            .map_err(|e| self.error(e))?;
        let mut entries = reply.ids.into_iter();
        // The event itself must still be there, or what follows may be incomplete.
        match entries.next() {
            Some(first) if first.id == entry => {}
            _ => return Ok(None),
        }
        let events = entries
            .map(|entry| StoredEvent {
                id: format!("{stream_id}:{}", entry.id),
                message: match entry.map.get("m") {
                    Some(Value::BulkString(bytes)) => Some(bytes.clone()),
                    _ => None,
                },
            })
            .collect();
        Ok(Some(Replay {
            stream_id: stream_id.to_owned(),
            events,
        }))
    }

    async fn remove(&self, prefix: &str) -> Result<(), RedisEventStoreError> {
        let keys = &self.keys;
        let _forgotten: u64 = self
            .forget
            .key(&keys.sizes)
            .key(&keys.recency)
            .key(&keys.names)
            .key(&keys.total)
            .arg(&keys.stream)
            .arg(prefix)
            .invoke_async(&mut self.connection.clone())
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }
}

/// Whether `id` is a Redis stream entry id (`milliseconds-sequence`).
fn is_entry_id(id: &str) -> bool {
    id.split_once('-').is_some_and(|(ms, seq)| {
        [ms, seq]
            .iter()
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
    })
}

impl EventStore for RedisEventStore {
    fn store_event<'a>(
        &'a self,
        stream_id: &'a str,
        message: Option<&'a [u8]>,
    ) -> BoxFuture<'a, Result<String, BoxError>> {
        Box::pin(async move { Ok(self.store(stream_id, message).await?) })
    }

    fn events_after<'a>(
        &'a self,
        last_event_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<Replay>, BoxError>> {
        Box::pin(async move { Ok(self.replay(last_event_id).await?) })
    }

    fn forget<'a>(&'a self, prefix: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            if let Err(error) = self.remove(prefix).await {
                // The streams then leave by the age bound.
                tracing::warn!(%error, prefix, "the Redis event store could not forget streams");
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::is_entry_id;

    #[test]
    fn entry_ids_are_two_numbers() {
        assert!(is_entry_id("1700000000000-0"));
        assert!(!is_entry_id("1700000000000"));
        assert!(!is_entry_id("-0"));
        assert!(!is_entry_id("1-x"));
        assert!(!is_entry_id("+"));
    }
}
