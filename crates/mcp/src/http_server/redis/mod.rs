//! State in Redis that the replicas of a server share (feature `redis`): the events of
//! resumable streams ([`RedisEventStore`]), the handshake-era sessions
//! ([`RedisSessionStore`]), the tasks of the tasks extension ([`RedisTaskStore`]) and the bus
//! the replicas talk on ([`RedisReplicaBus`]), each on the redis crate's tokio connection
//! manager, which reconnects by itself.

mod bus;
mod event_store;
mod sessions;
mod tasks;

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, IntoConnectionInfo, PushInfo};
use tokio::sync::mpsc;

pub use self::bus::{RedisReplicaBus, RedisReplicaBusBuilder};
pub use self::event_store::{
    DEFAULT_REDIS_EVENT_STORE_AGE, DEFAULT_REDIS_EVENT_STORE_BYTES, RedisEventStore,
    RedisEventStoreBuilder,
};
pub use self::sessions::{RedisSessionStore, RedisSessionStoreBuilder};
pub use self::tasks::{DEFAULT_REDIS_TASK_AGE, RedisTaskStore, RedisTaskStoreBuilder};

/// The default prefix of the keys and channels of the Redis stores and bus.
pub const DEFAULT_REDIS_KEY_PREFIX: &str = "mcp:";

use DEFAULT_REDIS_KEY_PREFIX as DEFAULT_KEY_PREFIX;

/// How long connecting to Redis, and each command, may take by default.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// What went wrong talking to Redis.
#[derive(Debug, thiserror::Error)]
pub enum RedisStoreError {
    /// The URL is not a Redis URL.
    #[error("invalid Redis URL {url:?}: {source} (expected redis://host:port/db)")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// Why it was refused.
        #[source]
        source: redis::RedisError,
    },
    /// Redis could not be reached, or stopped answering; the connection is made again by
    /// itself.
    #[error("Redis at {url} is unreachable: {source}")]
    Unreachable {
        /// Where Redis was expected (without credentials).
        url: String,
        /// The connection's error.
        #[source]
        source: redis::RedisError,
    },
    /// Redis answered with an error.
    #[error("Redis refused a command: {0}")]
    Command(#[source] redis::RedisError),
}

impl RedisStoreError {
    /// The error of a command sent to the Redis at `url`.
    fn of(url: &str, source: redis::RedisError) -> Self {
        if source.is_io_error()
            || source.is_timeout()
            || source.is_connection_dropped()
            || source.is_connection_refusal()
        {
            Self::Unreachable {
                url: url.to_owned(),
                source,
            }
        } else {
            Self::Command(source)
        }
    }
}

/// Connects a connection manager to the Redis at `url` (RESP3, with `pushes` receiving what
/// the server pushes and subscriptions made again after a reconnection), and `host:port/db`
/// to name it by.
async fn connect(
    url: &str,
    timeout: Duration,
    pushes: Option<mpsc::UnboundedSender<PushInfo>>,
) -> Result<(ConnectionManager, String), RedisStoreError> {
    let invalid = |source| RedisStoreError::InvalidUrl {
        url: url.to_owned(),
        source,
    };
    let mut info = url.into_connection_info().map_err(invalid)?;
    let shown = format!("{}/{}", info.addr(), info.redis_settings().db());
    let mut config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(timeout))
        .set_response_timeout(Some(timeout))
        .set_max_delay(Duration::from_secs(2))
        // Commands wait for a connection being made again: one quick retry, not the default
        // six over five seconds, so that while Redis is down each request that needs it fails
        // at once with a clear error (the next command tries to connect again).
        .set_number_of_retries(1);
    if let Some(pushes) = pushes {
        let settings = info
            .redis_settings()
            .clone()
            .set_protocol(redis::ProtocolVersion::RESP3);
        info = info.set_redis_settings(settings);
        config = config
            .set_push_sender(pushes)
            .set_automatic_resubscription();
    }
    let client = Client::open(info).map_err(invalid)?;
    let connection = ConnectionManager::new_with_config(client, config)
        .await
        .map_err(|source| RedisStoreError::Unreachable {
            url: shown.clone(),
            source,
        })?;
    Ok((connection, shown))
}

/// Pings until Redis answers, after a pause growing from 100 ms to 2 s: a connection manager
/// that lost its connection makes it again (and subscribes again) on the next command.
async fn reconnect(connection: &ConnectionManager) {
    let mut pause = Duration::from_millis(100);
    loop {
        tokio::time::sleep(pause).await;
        let pong: Result<String, _> = redis::cmd("PING")
            .query_async(&mut connection.clone())
            .await;
        if pong.is_ok() {
            return;
        }
        pause = (pause * 2).min(Duration::from_secs(2));
    }
}
