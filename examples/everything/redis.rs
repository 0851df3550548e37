//! What the replicas of the server share, kept in the Redis that `MCP_REDIS_URL` names: the
//! events of resumable streams, the handshake-era sessions (with the bus the replicas talk
//! on) and the tasks.

use mcp::http_server::HttpServerBuilder;
use mcp::server::ServerHandler;
use mcp::server::tasks::TaskSettings;

/// The variable naming the Redis that replicas share.
pub const REDIS_URL_ENV: &str = "MCP_REDIS_URL";

/// The Redis-backed stores of a replica.
#[cfg(feature = "redis")]
pub struct Redis {
    events: mcp::http_server::RedisEventStore,
    sessions: mcp::http_server::RedisSessionStore,
    bus: mcp::http_server::RedisReplicaBus,
    tasks: mcp::http_server::RedisTaskStore,
}

/// Without the `redis` feature there is none.
#[cfg(not(feature = "redis"))]
pub enum Redis {}

impl Redis {
    /// Connects to the Redis `MCP_REDIS_URL` names, if it names one.
    pub async fn from_env() -> mcp::Result<Option<Self>> {
        let Some(url) = std::env::var_os(REDIS_URL_ENV) else {
            return Ok(None);
        };
        let url = url.to_string_lossy().into_owned();
        Self::connect(&url).await.map(Some)
    }

    #[cfg(feature = "redis")]
    async fn connect(url: &str) -> mcp::Result<Self> {
        use mcp::http_server::{
            RedisEventStore, RedisReplicaBus, RedisSessionStore, RedisStoreError, RedisTaskStore,
        };
        let unreachable = |e: RedisStoreError| mcp::Error::other(format!("{REDIS_URL_ENV}: {e}"));
        Ok(Self {
            events: RedisEventStore::connect(url).await.map_err(unreachable)?,
            sessions: RedisSessionStore::connect(url).await.map_err(unreachable)?,
            bus: RedisReplicaBus::connect(url).await.map_err(unreachable)?,
            tasks: RedisTaskStore::connect(url).await.map_err(unreachable)?,
        })
    }

    #[cfg(not(feature = "redis"))]
    async fn connect(url: &str) -> mcp::Result<Self> {
        Err(mcp::Error::other(format!(
            "{REDIS_URL_ENV}={url} asks for Redis, but this build lacks the `redis` feature \
             (cargo run --example everything --features redis)"
        )))
    }

    /// Where the server keeps its tasks.
    pub fn tasks(&self) -> TaskSettings {
        #[cfg(feature = "redis")]
        return TaskSettings::new(self.tasks.clone());
        #[cfg(not(feature = "redis"))]
        match *self {}
    }

    /// The HTTP host keeps its streams and sessions here.
    pub fn host<H: ServerHandler>(self, http: HttpServerBuilder<H>) -> HttpServerBuilder<H> {
        #[cfg(feature = "redis")]
        return http
            .event_store(self.events)
            .shared_sessions(self.sessions, self.bus);
        #[cfg(not(feature = "redis"))]
        {
            let _ = http;
            match self {}
        }
    }
}
