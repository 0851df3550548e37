//! A [`SessionStore`] in Redis: each session one hash, expiring when unused.

use std::collections::BTreeSet;
use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::{Script, Value};

use super::{DEFAULT_KEY_PREFIX, DEFAULT_TIMEOUT, RedisStoreError, connect};
use crate::error::BoxError;
use crate::http_server::DEFAULT_SESSION_IDLE_TIMEOUT;
use crate::http_server::session_store::{SessionRecord, SessionStore, SessionUpdate};
use crate::server::SessionSnapshot;
use crate::transport::BoxFuture;
use crate::types::LoggingLevel;

/// The fields of a session's hash: what `initialize` agreed (JSON), who opened it, who holds
/// its GET stream, its log level, and a field per subscription.
const STATE: &str = "state";
const PRINCIPAL: &str = "principal";
const HOLDER: &str = "holder";
const LEVEL: &str = "level";
const SUBSCRIPTION: &str = "sub:";

/// Builds a [`RedisSessionStore`] (see [`RedisSessionStore::builder`]).
#[derive(Debug, Clone)]
pub struct RedisSessionStoreBuilder {
    url: String,
    prefix: String,
    idle_timeout: Duration,
    timeout: Duration,
}

impl RedisSessionStoreBuilder {
    /// The prefix of every key the store writes (default `mcp:`): servers sharing one Redis
    /// each take their own.
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How long a session lives unused (default 30 minutes, as
    /// [`session_idle_timeout`](crate::http_server::HttpServerBuilder::session_idle_timeout)).
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// How long connecting, and each command, may take before it fails (default 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connects: fails when Redis cannot be reached now. Once connected, a lost connection is
    /// made again in the background; the calls made meanwhile fail with
    /// [`RedisStoreError::Unreachable`].
    pub async fn connect(self) -> Result<RedisSessionStore, RedisStoreError> {
        let (connection, url) = connect(&self.url, self.timeout, None).await?;
        Ok(RedisSessionStore {
            connection,
            url,
            prefix: format!("{}session:", self.prefix),
            idle_ms: u64::try_from(self.idle_timeout.as_millis()).unwrap_or(u64::MAX),
            load: Script::new(include_str!("session_load.lua")),
            update: Script::new(include_str!("session_update.lua")),
        })
    }
}

/// A [`SessionStore`] in Redis, for replicas of a server anywhere: each session is a hash
/// (`{prefix}session:{id}`) that expires once unused for the idle bound; every change is one
/// atomic script that never brings back a session that ended.
///
/// ```no_run
/// # async fn demo(mcp: mcp::fastmcp::FastMcp) -> Result<(), Box<dyn std::error::Error>> {
/// use mcp::http_server::{RedisReplicaBus, RedisSessionStore};
///
/// let url = "redis://127.0.0.1:6379/";
/// let sessions = RedisSessionStore::connect(url).await?;
/// let bus = RedisReplicaBus::connect(url).await?;
/// let http = mcp.http().shared_sessions(sessions, bus).build();
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisSessionStore {
    connection: ConnectionManager,
    url: String,
    prefix: String,
    idle_ms: u64,
    load: Script,
    update: Script,
}

impl std::fmt::Debug for RedisSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisSessionStore")
            .field("url", &self.url)
            .field("prefix", &self.prefix)
            .field("idle_ms", &self.idle_ms)
            .finish()
    }
}

impl RedisSessionStore {
    /// Starts configuring a store on the Redis at `url` (`redis://host:port/db`).
    pub fn builder(url: impl Into<String>) -> RedisSessionStoreBuilder {
        RedisSessionStoreBuilder {
            url: url.into(),
            prefix: DEFAULT_KEY_PREFIX.to_owned(),
            idle_timeout: DEFAULT_SESSION_IDLE_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// A store on the Redis at `url`, with the default settings.
    pub async fn connect(url: impl Into<String>) -> Result<Self, RedisStoreError> {
        Self::builder(url).connect().await
    }

    fn key(&self, id: &str) -> String {
        format!("{}{id}", self.prefix)
    }

    fn error(&self, source: redis::RedisError) -> RedisStoreError {
        RedisStoreError::of(&self.url, source)
    }

    async fn create_record(&self, id: &str, record: &SessionRecord) -> Result<(), BoxError> {
        let mut state = record.state.clone();
        let level = state.log_level.take();
        let subscriptions = std::mem::take(&mut state.subscriptions);
        let mut fields: Vec<(String, String)> = vec![
            (STATE.into(), serde_json::to_string(&state)?),
            (HOLDER.into(), record.holder.clone()),
        ];
        if let Some(principal) = &record.principal {
            fields.push((PRINCIPAL.into(), principal.clone()));
        }
        if let Some(level) = level {
            fields.push((LEVEL.into(), level_name(level)));
        }
        for uri in subscriptions {
            fields.push((format!("{SUBSCRIPTION}{uri}"), String::new()));
        }
        let key = self.key(id);
        redis::pipe()
            .atomic()
            .del(&key)
            .ignore()
            .hset_multiple(&key, &fields)
            .ignore()
            .pexpire(&key, self.idle_ms as i64)
            .ignore()
            .query_async::<()>(&mut self.connection.clone())
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    async fn load_record(&self, id: &str) -> Result<Option<SessionRecord>, BoxError> {
        let fields: Vec<(String, Value)> = self
            .load
            .key(self.key(id))
            .arg(self.idle_ms)
            .invoke_async(&mut self.connection.clone())
            .await
            .map_err(|e| self.error(e))?;
        if fields.is_empty() {
            return Ok(None);
        }
        let mut state: Option<SessionSnapshot> = None;
        let mut principal = None;
        let mut holder = String::new();
        let mut level = None;
        let mut subscriptions = BTreeSet::new();
        for (field, value) in fields {
            let Value::BulkString(bytes) = value else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes);
            match field.as_str() {
                STATE => state = Some(serde_json::from_str(&text)?),
                PRINCIPAL => principal = Some(text.into_owned()),
                HOLDER => holder = text.into_owned(),
                LEVEL => level = text.parse::<LoggingLevel>().ok(),
                other => {
                    if let Some(uri) = other.strip_prefix(SUBSCRIPTION) {
                        subscriptions.insert(uri.to_owned());
                    }
                }
            }
        }
        let Some(mut state) = state else {
            return Err(format!("the stored session {id} lacks its state").into());
        };
        state.log_level = level;
        state.subscriptions = subscriptions;
        Ok(Some(SessionRecord {
            state,
            principal,
            holder,
        }))
    }

    async fn update_record(&self, id: &str, update: &SessionUpdate) -> Result<bool, BoxError> {
        let (op, field, value) = match update {
            SessionUpdate::LogLevel(level) => ("set", LEVEL.to_owned(), level_name(*level)),
            SessionUpdate::Subscribed(uri) => {
                ("set", format!("{SUBSCRIPTION}{uri}"), String::new())
            }
            SessionUpdate::Unsubscribed(uri) => {
                ("del", format!("{SUBSCRIPTION}{uri}"), String::new())
            }
            SessionUpdate::Holder(replica) => ("set", HOLDER.to_owned(), replica.clone()),
        };
        let found: i64 = self
            .update
            .key(self.key(id))
            .arg(self.idle_ms)
            .arg(op)
            .arg(field)
            .arg(value)
            .invoke_async(&mut self.connection.clone())
            .await
            .map_err(|e| self.error(e))?;
        Ok(found == 1)
    }
}

/// A level as `logging/setLevel` writes it.
fn level_name(level: LoggingLevel) -> String {
    serde_json::to_value(level)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl SessionStore for RedisSessionStore {
    fn create<'a>(
        &'a self,
        id: &'a str,
        record: &'a SessionRecord,
    ) -> BoxFuture<'a, Result<(), BoxError>> {
        Box::pin(self.create_record(id, record))
    }

    fn load<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<SessionRecord>, BoxError>> {
        Box::pin(self.load_record(id))
    }

    fn update<'a>(
        &'a self,
        id: &'a str,
        update: &'a SessionUpdate,
    ) -> BoxFuture<'a, Result<bool, BoxError>> {
        Box::pin(self.update_record(id, update))
    }

    fn remove<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<(), BoxError>> {
        Box::pin(async move {
            let _: i64 = redis::cmd("DEL")
                .arg(self.key(id))
                .query_async(&mut self.connection.clone())
                .await
                .map_err(|e| self.error(e))?;
            Ok(())
        })
    }
}
