//! The server core: what every connection of a server shares.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::broadcast;

use super::lifespan::{AnyState, ErasedLifespan};
use super::notifier::{ServerEvent, ServerNotifier, pass_events};
use super::request_state::RequestStateKey;
use super::session_state::SessionState;
use crate::error::{Error, Result};
use crate::jsonrpc::{Peer, SessionOptions};
use crate::types::{
    CacheScope, ClientCapabilities, Implementation, ProtocolVersion, ServerCapabilities,
};

/// How long, and by whom, a cacheable stateless-era result may be cached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheHint {
    /// Freshness in milliseconds; 0 means stale at once.
    pub ttl_ms: u64,
    /// Who may cache it.
    pub scope: CacheScope,
}

impl Default for CacheHint {
    /// Stale at once, private: safe for any server.
    fn default() -> Self {
        Self {
            ttl_ms: 0,
            scope: CacheScope::Private,
        }
    }
}

/// What the server knows about the client a request came from.
#[derive(Debug, Clone, Default)]
pub struct ClientFacts {
    /// The capabilities the client declared (at `initialize`, or in this request's `_meta`).
    pub capabilities: ClientCapabilities,
    /// The client's name and version, when it said.
    pub info: Option<Implementation>,
}

/// What the builder sets: the server's identity and policies.
pub(crate) struct ServerConfig {
    pub info: Implementation,
    pub instructions: Option<String>,
    /// Set from the handler when the server is built.
    pub capabilities: ServerCapabilities,
    /// Supported versions, newest first once built.
    pub versions: Vec<ProtocolVersion>,
    pub state_key: RequestStateKey,
    pub state_ttl: Duration,
    pub cache_hints: HashMap<String, CacheHint>,
    pub session_options: SessionOptions,
    pub lifespan: Option<Box<dyn ErasedLifespan>>,
    /// Where and how tasks run, when the server runs them (the tasks extension).
    pub tasks: Option<super::tasks::TaskSettings>,
}

/// What every connection of one server shares.
pub(crate) struct ServerCore {
    pub config: ServerConfig,
    /// `config.info` as JSON, for the `serverInfo` stamp of stateless-era results.
    pub info_json: Value,
    pub notifier: ServerNotifier,
    lifespan_state: OnceLock<AnyState>,
    lifecycle: tokio::sync::Mutex<Lifecycle>,
}

#[derive(Debug, Default, PartialEq)]
enum Lifecycle {
    #[default]
    Idle,
    Running(usize),
}

impl std::fmt::Debug for ServerCore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerCore")
            .field("info", &self.config.info)
            .finish()
    }
}

impl ServerCore {
    pub fn new(mut config: ServerConfig) -> Self {
        config.versions.sort_by(|a, b| b.cmp(a));
        config.versions.dedup();
        Self {
            info_json: serde_json::to_value(&config.info).expect("Implementation serializes"),
            config,
            notifier: ServerNotifier::new(),
            lifespan_state: OnceLock::new(),
            lifecycle: tokio::sync::Mutex::default(),
        }
    }

    pub fn lifespan_state(&self) -> Option<&AnyState> {
        self.lifespan_state.get()
    }

    pub fn supports(&self, version: ProtocolVersion) -> bool {
        self.config.versions.contains(&version)
    }

    pub fn version_strings(&self) -> Vec<&'static str> {
        self.config.versions.iter().map(|v| v.as_str()).collect()
    }

    pub fn cache_hint(&self, method: &str) -> CacheHint {
        self.config
            .cache_hints
            .get(method)
            .copied()
            .unwrap_or_default()
    }

    /// Starts the lifespan when the first user starts serving.
    pub async fn acquire(&self) -> Result<()> {
        let mut lifecycle = self.lifecycle.lock().await;
        match &mut *lifecycle {
            Lifecycle::Running(users) => *users += 1,
            Lifecycle::Idle => {
                if self.lifespan_state.get().is_none()
                    && let Some(lifespan) = &self.config.lifespan
                {
                    let state = lifespan.start().await.map_err(Error::Other)?;
                    let _ = self.lifespan_state.set(state);
                }
                *lifecycle = Lifecycle::Running(1);
            }
        }
        Ok(())
    }

    /// Stops the lifespan when the last user stops serving.
    pub async fn release(&self) {
        let mut lifecycle = self.lifecycle.lock().await;
        if let Lifecycle::Running(users) = &mut *lifecycle {
            *users -= 1;
            if *users == 0 {
                *lifecycle = Lifecycle::Idle;
                if let (Some(lifespan), Some(state)) =
                    (&self.config.lifespan, self.lifespan_state.get())
                {
                    lifespan.stop(state.clone()).await;
                }
            }
        }
    }
}

/// The handshake of a handshake-era connection.
#[derive(Debug)]
pub(crate) struct Handshake {
    pub version: ProtocolVersion,
    pub client: Arc<ClientFacts>,
}

/// Passes the events on to a handshake-era connection until it closes: to an initialized
/// client, resource updates only where it subscribed.
pub(super) fn forward_to_session(
    events: broadcast::Receiver<ServerEvent>,
    peer: Peer,
    session: Arc<SessionState>,
) {
    tokio::spawn(async move {
        pass_events(events, &peer, |event| {
            let subscribed = match event {
                ServerEvent::ResourceUpdated(uri) => session.is_subscribed(uri),
                _ => true,
            };
            if session.handshake.get().is_some() && subscribed && session.forwards_events() {
                let (method, params) = event.notification();
                let _ = peer.notify(method, params.as_ref());
            }
        })
        .await;
    });
}
