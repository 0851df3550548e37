//! What a handshake-era connection has agreed with its client: the protocol version, the
//! client's capabilities and identity, its log level and its resource subscriptions. A host
//! whose sessions outlive one process (replicas of a server behind a load balancer, each
//! serving the session's requests in turn) records every change somewhere the others read it
//! ([`SessionRecorder`]), and opens the session again from that record elsewhere
//! ([`ConnectOptions::restore`]).

use std::collections::{BTreeSet, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

use super::core::{ClientFacts, Handshake};
use crate::error::BoxError;
use crate::jsonrpc::Extensions;
use crate::transport::BoxFuture;
use crate::types::{ClientCapabilities, Implementation, LoggingLevel, ProtocolVersion};

/// Everything a handshake-era connection knows about its client once `initialize` succeeded:
/// enough for another process to serve the client's next request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionSnapshot {
    /// The version negotiated by `initialize`.
    pub protocol_version: ProtocolVersion,
    /// The capabilities the client declared.
    pub client_capabilities: ClientCapabilities,
    /// The client's name and version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_info: Option<Implementation>,
    /// The level `logging/setLevel` set, if it was called.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_level: Option<LoggingLevel>,
    /// The resources the client subscribed to.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub subscriptions: BTreeSet<String>,
}

/// A change the client made to its connection's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SessionChange {
    /// `initialize` succeeded: the state starts as this.
    Initialized(Box<SessionSnapshot>),
    /// `logging/setLevel`.
    LogLevel(LoggingLevel),
    /// `resources/subscribe` to this URI succeeded.
    Subscribed(String),
    /// `resources/unsubscribe` from this URI.
    Unsubscribed(String),
}

/// Keeps a connection's state where other processes find it.
///
/// The connection awaits [`record`](Self::record) before the client hears that the change was
/// made: once `initialize` is answered, any process reading the record serves the session. A
/// change that cannot be recorded is not made, and the client's request fails with an internal
/// error that says why.
pub trait SessionRecorder: Send + Sync + 'static {
    /// Records one change.
    fn record<'a>(&'a self, change: &'a SessionChange) -> BoxFuture<'a, Result<(), BoxError>>;
}

/// How [`Server::connect_with_options`](super::Server::connect_with_options) opens a
/// connection.
#[derive(Clone, Default)]
pub struct ConnectOptions {
    /// What the handlers find in [`Peer::extensions`](crate::jsonrpc::Peer::extensions).
    pub extensions: Extensions,
    /// A session another connection began (in this process or another): the connection
    /// starts initialized, with this state, and `initialize` is refused on it.
    pub restore: Option<SessionSnapshot>,
    /// Told of every change the client makes, before the client hears of it.
    pub recorder: Option<Arc<dyn SessionRecorder>>,
    /// Put before the number of every request the server sends the client (`"r1-7"` rather
    /// than `7`): connections of one session in several processes then never send two
    /// requests under one id, and the prefix says which process waits for an answer.
    pub request_id_prefix: Option<Arc<str>>,
}

impl std::fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectOptions")
            .field("restore", &self.restore)
            .field("recorder", &self.recorder.is_some())
            .field("request_id_prefix", &self.request_id_prefix)
            .finish()
    }
}

/// The state of one connection: its handshake (if the client made one), its log level, its
/// subscriptions, and whether the server's change notifications reach it.
#[derive(Debug)]
pub(crate) struct SessionState {
    pub handshake: OnceLock<Handshake>,
    log_level: Mutex<Option<LoggingLevel>>,
    subscriptions: Mutex<HashSet<String>>,
    forwards_events: AtomicBool,
}

impl Default for SessionState {
    fn default() -> Self {
        Self {
            handshake: OnceLock::new(),
            log_level: Mutex::new(None),
            subscriptions: Mutex::default(),
            forwards_events: AtomicBool::new(true),
        }
    }
}

impl SessionState {
    pub fn log_level(&self) -> Option<LoggingLevel> {
        *self.log_level.lock()
    }

    pub fn set_log_level(&self, level: LoggingLevel) {
        *self.log_level.lock() = Some(level);
    }

    pub fn subscribe(&self, uri: String) {
        self.subscriptions.lock().insert(uri);
    }

    pub fn unsubscribe(&self, uri: &str) {
        self.subscriptions.lock().remove(uri);
    }

    pub fn is_subscribed(&self, uri: &str) -> bool {
        self.subscriptions.lock().contains(uri)
    }

    pub fn forwards_events(&self) -> bool {
        self.forwards_events.load(Ordering::Acquire)
    }

    /// The snapshot `initialize` yields, before any level or subscription.
    pub fn initial_snapshot(handshake: &Handshake) -> SessionSnapshot {
        SessionSnapshot {
            protocol_version: handshake.version,
            client_capabilities: handshake.client.capabilities.clone(),
            client_info: handshake.client.info.clone(),
            log_level: None,
            subscriptions: BTreeSet::new(),
        }
    }
}

/// A host's handle on the state of one connection it serves
/// ([`ServerSession::state`](super::ServerSession::state)): to read it, to bring it up to date
/// with changes made through another connection of the same session, and to choose whether the
/// server's change notifications go to this connection.
#[derive(Debug, Clone)]
pub struct ConnectionState {
    pub(super) inner: Arc<SessionState>,
}

impl ConnectionState {
    /// The state, once the client made the handshake (or it was restored).
    pub fn snapshot(&self) -> Option<SessionSnapshot> {
        let handshake = self.inner.handshake.get()?;
        let mut snapshot = SessionState::initial_snapshot(handshake);
        snapshot.log_level = self.inner.log_level();
        snapshot.subscriptions = self.inner.subscriptions.lock().iter().cloned().collect();
        Some(snapshot)
    }

    /// Takes the log level and subscriptions of `snapshot`, and its handshake when the
    /// connection has none yet (a connection keeps the version it was initialized with).
    pub fn restore(&self, snapshot: &SessionSnapshot) {
        let _ = self.inner.handshake.set(handshake_of(snapshot));
        *self.inner.log_level.lock() = snapshot.log_level;
        *self.inner.subscriptions.lock() = snapshot.subscriptions.iter().cloned().collect();
    }

    /// Applies a change made through another connection of the session; it is not recorded
    /// again.
    pub fn apply(&self, change: &SessionChange) {
        match change {
            SessionChange::Initialized(snapshot) => {
                let _ = self.inner.handshake.set(handshake_of(snapshot));
            }
            SessionChange::LogLevel(level) => self.inner.set_log_level(*level),
            SessionChange::Subscribed(uri) => self.inner.subscribe(uri.clone()),
            SessionChange::Unsubscribed(uri) => self.inner.unsubscribe(uri),
        }
    }

    /// Whether the server's change notifications (list changes, resource updates) are sent on
    /// this connection (they are by default): a host serving one session through several
    /// connections sends them on one.
    pub fn set_forwards_events(&self, on: bool) {
        self.inner.forwards_events.store(on, Ordering::Release);
    }

    /// Whether the server's change notifications are sent on this connection.
    pub fn forwards_events(&self) -> bool {
        self.inner.forwards_events()
    }
}

pub(super) fn handshake_of(snapshot: &SessionSnapshot) -> Handshake {
    Handshake {
        version: snapshot.protocol_version,
        client: Arc::new(ClientFacts {
            capabilities: snapshot.client_capabilities.clone(),
            info: snapshot.client_info.clone(),
        }),
    }
}
