//! A [`TaskStore`] in Redis: the tasks of the extension (SEP-2663) shared by a server's
//! replicas, so that a task started on one is polled, answered, cancelled and read on any.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use redis::aio::ConnectionManager;
use redis::{PushInfo, PushKind, Script, Value};
use tokio::sync::{broadcast, mpsc};

use super::{DEFAULT_KEY_PREFIX, DEFAULT_TIMEOUT, RedisStoreError, connect, reconnect};
use crate::server::tasks::{TaskChange, TaskRecord, TaskStore, TaskStoreError};
use crate::transport::BoxFuture;

/// How long a task without a time to live of its own is kept by default: a day.
pub const DEFAULT_REDIS_TASK_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// How often a waiter reads its task again by default, in case a notice of a change was lost
/// (or, while Redis is unreachable, to see whether it is back).
const DEFAULT_RECHECK: Duration = Duration::from_secs(1);

/// Builds a [`RedisTaskStore`] (see [`RedisTaskStore::builder`]).
#[derive(Debug, Clone)]
pub struct RedisTaskStoreBuilder {
    url: String,
    prefix: String,
    max_age: Duration,
    recheck: Duration,
    timeout: Duration,
}

impl RedisTaskStoreBuilder {
    /// The prefix of every key and channel of the store (default `mcp:`): servers sharing one
    /// Redis each take their own.
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How long a task without a time to live of its own is kept (default a day).
    pub fn max_age(mut self, age: Duration) -> Self {
        self.max_age = age.max(Duration::from_millis(1));
        self
    }

    /// How often the replica running a task reads it again while it waits for a change
    /// (default 1 s): changes are announced on a Redis channel at once, and this bounds how
    /// late one whose notice was lost (a reconnection) is seen.
    pub fn recheck_interval(mut self, interval: Duration) -> Self {
        self.recheck = interval.max(Duration::from_millis(10));
        self
    }

    /// How long connecting, and each command, may take before it fails (default 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connects and subscribes to the store's channel of changes: fails when Redis cannot be
    /// reached now. Once connected, a lost connection is made again in the background; the
    /// calls made meanwhile fail with [`RedisStoreError::Unreachable`] (inside a
    /// [`TaskStoreError`]).
    pub async fn connect(self) -> Result<RedisTaskStore, RedisStoreError> {
        let (push_tx, push_rx) = mpsc::unbounded_channel();
        let (connection, url) = connect(&self.url, self.timeout, Some(push_tx)).await?;
        let channel = format!("{}tasks", self.prefix);
        connection
            .clone()
            .subscribe(&channel)
            .await
            .map_err(|e| RedisStoreError::of(&url, e))?;
        let (changes, _) = broadcast::channel(1024);
        tokio::spawn(pump(push_rx, changes.clone(), connection.clone()));
        Ok(RedisTaskStore {
            connection,
            url,
            prefix: format!("{}task:", self.prefix),
            channel,
            max_age_ms: whole_ms(self.max_age),
            recheck: self.recheck,
            changes,
            update: Arc::new(Script::new(include_str!("task_update.lua"))),
        })
    }
}

/// A [`TaskStore`] in Redis, for the replicas of a server: each task is one JSON record
/// (`{prefix}task:{id}`) expiring with its time to live; every change is read, applied by
/// [`TaskRecord::apply`] (the rules every store shares) and written back only if no other
/// replica changed the task meanwhile (one script compares the versions), then announced on
/// the channel `{prefix}tasks`, which wakes the replica running the task at once.
///
/// While Redis is unreachable, `create`, `get` and `update` fail at once with
/// [`RedisStoreError::Unreachable`] (inside a [`TaskStoreError`]), which clients see as a
/// JSON-RPC error naming it; `changed` keeps waiting, and reads the task again once the
/// connection is back, so a running task is not abandoned for a blip.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use mcp::fastmcp::FastMcp;
/// use mcp::http_server::RedisTaskStore;
/// use mcp::server::tasks::TaskSettings;
///
/// let store = RedisTaskStore::connect("redis://127.0.0.1:6379/").await?;
/// let mcp = FastMcp::builder("replicated").tasks(TaskSettings::new(store)).build();
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisTaskStore {
    connection: ConnectionManager,
    url: String,
    prefix: String,
    channel: String,
    max_age_ms: u64,
    recheck: Duration,
    /// The changes announced on the channel: a task id and its new version, or `None` when
    /// some may have been missed.
    changes: broadcast::Sender<Option<(Arc<str>, u64)>>,
    update: Arc<Script>,
}

impl std::fmt::Debug for RedisTaskStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisTaskStore")
            .field("url", &self.url)
            .field("prefix", &self.prefix)
            .finish()
    }
}

fn whole_ms(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

fn failed(error: impl Into<crate::error::BoxError>) -> TaskStoreError {
    TaskStoreError(error.into())
}

/// Whether the store failed for want of a connection (one that comes back by itself).
fn is_unreachable(error: &TaskStoreError) -> bool {
    matches!(
        error.0.downcast_ref::<RedisStoreError>(),
        Some(RedisStoreError::Unreachable { .. })
    )
}

impl RedisTaskStore {
    /// Starts configuring a store on the Redis at `url` (`redis://host:port/db`).
    pub fn builder(url: impl Into<String>) -> RedisTaskStoreBuilder {
        RedisTaskStoreBuilder {
            url: url.into(),
            prefix: DEFAULT_KEY_PREFIX.to_owned(),
            max_age: DEFAULT_REDIS_TASK_AGE,
            recheck: DEFAULT_RECHECK,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// A store on the Redis at `url`, with the default settings.
    pub async fn connect(url: impl Into<String>) -> Result<Self, RedisStoreError> {
        Self::builder(url).connect().await
    }

    fn key(&self, task_id: &str) -> String {
        format!("{}{task_id}", self.prefix)
    }

    fn error(&self, source: redis::RedisError) -> TaskStoreError {
        failed(RedisStoreError::of(&self.url, source))
    }

    async fn read(&self, task_id: &str) -> Result<Option<TaskRecord>, TaskStoreError> {
        let json: Option<String> = redis::cmd("GET")
            .arg(self.key(task_id))
            .query_async(&mut self.connection.clone())
            .await
            .map_err(|e| self.error(e))?;
        let Some(json) = json else {
            return Ok(None);
        };
        let record: TaskRecord = serde_json::from_str(&json).map_err(failed)?;
        Ok((!record.is_expired(SystemTime::now())).then_some(record))
    }

    async fn write_new(&self, record: TaskRecord) -> Result<(), TaskStoreError> {
        let json = serde_json::to_string(&record).map_err(failed)?;
        let expiry = record.ttl.map_or(self.max_age_ms, whole_ms).max(1);
        let _: () = redis::cmd("SET")
            .arg(self.key(&record.task_id))
            .arg(json)
            .arg("PX")
            .arg(expiry)
            .query_async(&mut self.connection.clone())
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    async fn apply(
        &self,
        task_id: &str,
        change: TaskChange,
    ) -> Result<Option<TaskRecord>, TaskStoreError> {
        loop {
            let Some(mut record) = self.read(task_id).await? else {
                return Ok(None);
            };
            let read_version = record.version;
            if !record.apply(change.clone(), SystemTime::now()) {
                return Ok(Some(record));
            }
            let json = serde_json::to_string(&record).map_err(failed)?;
            let written: i64 = self
                .update
                .key(self.key(task_id))
                .key(&self.channel)
                .arg(read_version)
                .arg(json)
                .arg(record.version)
                .arg(task_id)
                .invoke_async(&mut self.connection.clone())
                .await
                .map_err(|e| self.error(e))?;
            match written {
                1 => return Ok(Some(record)),
                -1 => return Ok(None),
                // Another replica changed the task between the read and the write: again.
                _ => continue,
            }
        }
    }

    async fn wait_past(
        &self,
        task_id: &str,
        version: u64,
    ) -> Result<Option<TaskRecord>, TaskStoreError> {
        // Listening before reading: a change between the two is not missed.
        let mut changes = self.changes.subscribe();
        let mut unreachable = false;
        loop {
            match self.read(task_id).await {
                Ok(Some(record)) if record.version > version => return Ok(Some(record)),
                Ok(Some(_)) => unreachable = false,
                Ok(None) => return Ok(None),
                // A wait outlasts a lost connection: the task is read again once the
                // connection manager has made a new one, rather than its runner giving up.
                Err(error) if is_unreachable(&error) => {
                    if !unreachable {
                        tracing::warn!(task = task_id, %error, "waiting for the task's store to come back");
                    }
                    unreachable = true;
                }
                Err(error) => return Err(error),
            }
            let deadline = tokio::time::sleep(self.recheck);
            tokio::pin!(deadline);
            loop {
                tokio::select! {
                    () = &mut deadline => break,
                    change = changes.recv() => match change {
                        Ok(Some((id, changed))) if &*id == task_id && changed > version => break,
                        Ok(Some(_)) => continue,
                        // A notice may have been missed: read the task again.
                        Ok(None) | Err(broadcast::error::RecvError::Lagged(_)) => break,
                        Err(broadcast::error::RecvError::Closed) => break,
                    },
                }
            }
        }
    }
}

impl TaskStore for RedisTaskStore {
    fn create(&self, record: TaskRecord) -> BoxFuture<'_, Result<(), TaskStoreError>> {
        Box::pin(self.write_new(record))
    }

    fn get<'a>(
        &'a self,
        task_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<TaskRecord>, TaskStoreError>> {
        Box::pin(self.read(task_id))
    }

    fn update<'a>(
        &'a self,
        task_id: &'a str,
        change: TaskChange,
    ) -> BoxFuture<'a, Result<Option<TaskRecord>, TaskStoreError>> {
        Box::pin(self.apply(task_id, change))
    }

    fn changed<'a>(
        &'a self,
        task_id: &'a str,
        version: u64,
    ) -> BoxFuture<'a, Result<Option<TaskRecord>, TaskStoreError>> {
        Box::pin(self.wait_past(task_id, version))
    }
}

/// Turns the channel's messages (`{task id} {version}`) into wake-ups of the waiters, and a
/// lost connection, once it is back, into a wake-up of all of them.
async fn pump(
    mut pushes: mpsc::UnboundedReceiver<PushInfo>,
    changes: broadcast::Sender<Option<(Arc<str>, u64)>>,
    connection: ConnectionManager,
) {
    while let Some(push) = pushes.recv().await {
        match push.kind {
            PushKind::Message => {
                let Some(Value::BulkString(payload)) = push.data.get(1) else {
                    continue;
                };
                let text = String::from_utf8_lossy(payload);
                let Some((id, version)) = text.rsplit_once(' ') else {
                    continue;
                };
                let Ok(version) = version.parse() else {
                    continue;
                };
                let _ = changes.send(Some((id.into(), version)));
            }
            PushKind::Disconnection => {
                reconnect(&connection).await;
                let _ = changes.send(None);
            }
            _ => {}
        }
    }
}
