//! Handshake-era sessions kept where every replica of a server finds them: a request naming a
//! session that another replica opened is served by whichever replica it reaches.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

use crate::error::BoxError;
use crate::server::SessionSnapshot;
use crate::transport::BoxFuture;
use crate::types::LoggingLevel;

/// A handshake-era session as a [`SessionStore`] keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionRecord {
    /// What the session agreed with its client.
    pub state: SessionSnapshot,
    /// Who opened it, when the server checks authorization: no one else may use it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    /// The replica holding the session's GET stream: the one that opened the session, until a
    /// GET stream opens on another.
    pub holder: String,
}

/// A change to a stored session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SessionUpdate {
    /// `logging/setLevel`.
    LogLevel(LoggingLevel),
    /// A subscription to a resource.
    Subscribed(String),
    /// A subscription ended.
    Unsubscribed(String),
    /// The GET stream opened on this replica.
    Holder(String),
}

impl SessionUpdate {
    /// Applies the update to a record.
    pub fn apply_to(&self, record: &mut SessionRecord) {
        match self {
            SessionUpdate::LogLevel(level) => record.state.log_level = Some(*level),
            SessionUpdate::Subscribed(uri) => {
                record.state.subscriptions.insert(uri.clone());
            }
            SessionUpdate::Unsubscribed(uri) => {
                record.state.subscriptions.remove(uri);
            }
            SessionUpdate::Holder(replica) => record.holder = replica.clone(),
        }
    }
}

/// Where the handshake-era sessions of a server's replicas are kept, by session id.
///
/// A session unused for the store's idle bound expires: every [`load`](Self::load) renews it.
/// [`InMemorySessionStore`] keeps them in one process (replicas of a server in one process,
/// tests); `RedisSessionStore` (feature `redis`) in Redis, for replicas anywhere.
pub trait SessionStore: Send + Sync + 'static {
    /// Stores a new session (once its `initialize` succeeded).
    fn create<'a>(
        &'a self,
        id: &'a str,
        record: &'a SessionRecord,
    ) -> BoxFuture<'a, Result<(), BoxError>>;

    /// The session, its idle time starting again; `None` when it is unknown, ended or expired.
    fn load<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<SessionRecord>, BoxError>>;

    /// Changes a session; `false` when it is unknown, ended or expired (nothing is stored then).
    fn update<'a>(
        &'a self,
        id: &'a str,
        update: &'a SessionUpdate,
    ) -> BoxFuture<'a, Result<bool, BoxError>>;

    /// Forgets a session (DELETE).
    fn remove<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<(), BoxError>>;
}

/// A [`SessionStore`] in memory, for replicas of a server in one process; sessions unused for
/// the idle bound expire.
#[derive(Debug)]
pub struct InMemorySessionStore {
    sessions: Mutex<HashMap<String, (SessionRecord, Instant)>>,
    idle_timeout: Duration,
}

impl Default for InMemorySessionStore {
    fn default() -> Self {
        Self::new(super::DEFAULT_SESSION_IDLE_TIMEOUT)
    }
}

impl InMemorySessionStore {
    /// A store whose sessions expire once unused for `idle_timeout`.
    pub fn new(idle_timeout: Duration) -> Self {
        Self {
            sessions: Mutex::default(),
            idle_timeout,
        }
    }

    /// How many sessions it keeps (expired ones included until they are next looked at).
    pub fn len(&self) -> usize {
        self.sessions.lock().len()
    }

    /// Whether it keeps no session.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The live record of `id`, renewed.
    fn live<'s>(
        &self,
        sessions: &'s mut HashMap<String, (SessionRecord, Instant)>,
        id: &str,
    ) -> Option<&'s mut SessionRecord> {
        let now = Instant::now();
        if sessions
            .get(id)
            .is_some_and(|(_, used)| now.duration_since(*used) > self.idle_timeout)
        {
            sessions.remove(id);
        }
        let (record, used) = sessions.get_mut(id)?;
        *used = now;
        Some(record)
    }
}

impl SessionStore for InMemorySessionStore {
    fn create<'a>(
        &'a self,
        id: &'a str,
        record: &'a SessionRecord,
    ) -> BoxFuture<'a, Result<(), BoxError>> {
        self.sessions
            .lock()
            .insert(id.to_owned(), (record.clone(), Instant::now()));
        Box::pin(std::future::ready(Ok(())))
    }

    fn load<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<SessionRecord>, BoxError>> {
        let record = self.live(&mut self.sessions.lock(), id).cloned();
        Box::pin(std::future::ready(Ok(record)))
    }

    fn update<'a>(
        &'a self,
        id: &'a str,
        update: &'a SessionUpdate,
    ) -> BoxFuture<'a, Result<bool, BoxError>> {
        let mut sessions = self.sessions.lock();
        let found = match self.live(&mut sessions, id) {
            Some(record) => {
                update.apply_to(record);
                true
            }
            None => false,
        };
        Box::pin(std::future::ready(Ok(found)))
    }

    fn remove<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<(), BoxError>> {
        self.sessions.lock().remove(id);
        Box::pin(std::future::ready(Ok(())))
    }
}

/// A store shared by several servers of one process (replicas in one process, tests).
impl<T: SessionStore> SessionStore for std::sync::Arc<T> {
    fn create<'a>(
        &'a self,
        id: &'a str,
        record: &'a SessionRecord,
    ) -> BoxFuture<'a, Result<(), BoxError>> {
        (**self).create(id, record)
    }

    fn load<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<SessionRecord>, BoxError>> {
        (**self).load(id)
    }

    fn update<'a>(
        &'a self,
        id: &'a str,
        update: &'a SessionUpdate,
    ) -> BoxFuture<'a, Result<bool, BoxError>> {
        (**self).update(id, update)
    }

    fn remove<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<(), BoxError>> {
        (**self).remove(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::SessionSnapshot;
    use crate::types::{ClientCapabilities, ProtocolVersion};

    fn record() -> SessionRecord {
        SessionRecord {
            state: SessionSnapshot {
                protocol_version: ProtocolVersion::V2025_11_25,
                client_capabilities: ClientCapabilities::default(),
                client_info: None,
                log_level: None,
                subscriptions: Default::default(),
            },
            principal: None,
            holder: "a".into(),
        }
    }

    #[tokio::test]
    async fn updates_apply_to_live_sessions_only() {
        let store = InMemorySessionStore::default();
        let update = SessionUpdate::Subscribed("test://x".into());
        assert!(!store.update("s", &update).await.unwrap());
        store.create("s", &record()).await.unwrap();
        assert!(store.update("s", &update).await.unwrap());
        let holder = SessionUpdate::Holder("b".into());
        assert!(store.update("s", &holder).await.unwrap());
        let loaded = store.load("s").await.unwrap().unwrap();
        assert_eq!(loaded.holder, "b");
        assert!(loaded.state.subscriptions.contains("test://x"));
        store.remove("s").await.unwrap();
        assert_eq!(store.load("s").await.unwrap(), None);
    }

    #[tokio::test]
    async fn unused_sessions_expire() {
        let store = InMemorySessionStore::new(Duration::from_millis(1));
        store.create("s", &record()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert_eq!(store.load("s").await.unwrap(), None);
        assert!(store.is_empty());
        let kept = InMemorySessionStore::default();
        kept.create("s", &record()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert!(kept.load("s").await.unwrap().is_some());
    }
}
