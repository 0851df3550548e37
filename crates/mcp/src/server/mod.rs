//! The server side: the low-level [`ServerHandler`] trait and the [`Server`] that serves it on
//! any transport, in both protocol eras.
//!
//! ```no_run
//! use mcp::server::{RequestContext, Server, ServerHandler};
//! use mcp::types::*;
//!
//! struct Hello;
//!
//! #[mcp::server_handler]
//! impl ServerHandler for Hello {
//!     async fn list_tools(&self, _: PaginatedRequestParams, _: RequestContext) -> mcp::Result<ListToolsResult> {
//!         Ok(ListToolsResult::new(vec![Tool::without_input("hello")]))
//!     }
//!     async fn call_tool(&self, _: CallToolRequestParams, _: RequestContext) -> mcp::Result<CallToolResult> {
//!         Ok(CallToolResult::text("Hello!"))
//!     }
//! }
//!
//! #[tokio::main]
//! async fn main() -> mcp::Result<()> {
//!     Server::builder("hello", Hello).build().serve(mcp::transport::stdio::stdio()).await
//! }
//! ```

mod connection;
mod context;
mod core;
mod handler;
mod lifespan;
mod notifier;
pub mod request_state;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

pub use self::connection::ServerReply;
pub use self::context::{ClientFacts, RequestContext};
pub use self::core::CacheHint;
pub use self::handler::ServerHandler;
pub use self::lifespan::Lifespan;
pub use self::notifier::{ServerEvent, ServerNotifier};
pub use self::request_state::RequestStateKey;

pub(crate) use self::connection::Connection;
use self::core::{ServerConfig, ServerCore};
use crate::error::Result;
use crate::jsonrpc::{Extensions, Peer, Session, SessionOptions};
use crate::transport::Transport;
use crate::types::{CacheScope, Implementation, ProtocolVersion};

/// A server: a handler plus everything about it that is not per request.
///
/// Cheap to clone; clones share the lifespan state and the notifier.
#[derive(Debug)]
pub struct Server<H> {
    handler: Arc<H>,
    core: Arc<ServerCore>,
}

impl<H> Clone for Server<H> {
    fn clone(&self) -> Self {
        Self {
            handler: self.handler.clone(),
            core: self.core.clone(),
        }
    }
}

/// Builds a [`Server`].
pub struct ServerBuilder<H> {
    handler: H,
    config: ServerConfig,
}

impl<H> std::fmt::Debug for ServerBuilder<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerBuilder")
            .field("info", &self.config.info)
            .finish()
    }
}

impl<H: ServerHandler> Server<H> {
    /// Starts building a server called `name` around `handler`.
    pub fn builder(name: impl Into<String>, handler: H) -> ServerBuilder<H> {
        ServerBuilder {
            handler,
            config: ServerConfig {
                info: Implementation::new(name, env!("CARGO_PKG_VERSION")),
                instructions: None,
                capabilities: Default::default(),
                versions: ProtocolVersion::ALL.to_vec(),
                state_key: RequestStateKey::random(),
                state_ttl: Duration::from_secs(30 * 60),
                cache_hints: HashMap::new(),
                session_options: SessionOptions::default(),
                lifespan: None,
            },
        }
    }

    /// The handler.
    pub fn handler(&self) -> &Arc<H> {
        &self.handler
    }

    /// The server's name, version and other identity.
    pub fn info(&self) -> &Implementation {
        &self.core.config.info
    }

    /// Sends change notifications to every connected client that asked for them.
    pub fn notifier(&self) -> &crate::server::ServerNotifier {
        &self.core.notifier
    }

    /// Serves one connection: starts the lifespan, serves until the client closes the
    /// connection (finishing the requests in flight), then stops the lifespan.
    ///
    /// This is what a stdio server does: `server.serve(mcp::transport::stdio::stdio())`.
    pub async fn serve<T: Transport>(&self, transport: T) -> Result<()> {
        self.core.acquire().await?;
        let session = self.connect(transport);
        session.wait().await;
        self.core.release().await;
        Ok(())
    }

    /// Starts serving one more connection without touching the lifespan; call
    /// [`start`](Self::start) first when the server has one. Transports that accept many
    /// connections (HTTP) use this.
    pub fn connect<T: Transport>(&self, transport: T) -> ServerSession {
        self.connect_with(transport, Extensions::default())
    }

    /// [`connect`](Self::connect), with values the handlers find in
    /// [`Peer::extensions`](crate::jsonrpc::Peer::extensions) (what the transport knows of the
    /// connection, such as its access token).
    pub fn connect_with<T: Transport>(
        &self,
        transport: T,
        extensions: Extensions,
    ) -> ServerSession {
        let connection = Arc::new(Connection::new(self.handler.clone(), self.core.clone()));
        let session = Session::start_with(
            transport,
            connection.clone(),
            self.core.config.session_options.clone(),
            extensions,
        );
        connection.forward_events(session.peer().clone());
        ServerSession { session }
    }

    /// A connection of this server for messages that arrive one at a time (HTTP): a fresh one,
    /// or one that assumes a handshake at `handshake`.
    #[cfg(feature = "http-server")]
    pub(crate) fn connection(&self, handshake: Option<ProtocolVersion>) -> Arc<Connection<H>> {
        Arc::new(match handshake {
            Some(version) => {
                Connection::assume_handshake(self.handler.clone(), self.core.clone(), version)
            }
            None => Connection::new(self.handler.clone(), self.core.clone()),
        })
    }

    /// The options every JSON-RPC session of this server gets.
    #[cfg(feature = "http-server")]
    pub(crate) fn session_options(&self) -> &SessionOptions {
        &self.core.config.session_options
    }

    /// Whether the server speaks `version`, and the versions it speaks, newest first.
    #[cfg(feature = "http-server")]
    pub(crate) fn versions(&self) -> (&[ProtocolVersion], Vec<&'static str>) {
        (&self.core.config.versions, self.core.version_strings())
    }

    /// Runs the lifespan's set-up (once, however many times it is called before
    /// [`stop`](Self::stop)).
    pub async fn start(&self) -> Result<()> {
        self.core.acquire().await
    }

    /// Runs the lifespan's tear-down once every [`start`](Self::start) has been matched.
    pub async fn stop(&self) {
        self.core.release().await;
    }
}

/// One connection being served.
#[derive(Debug)]
pub struct ServerSession {
    session: Session,
}

impl ServerSession {
    /// The client on the other end.
    pub fn peer(&self) -> &Peer {
        self.session.peer()
    }

    /// Waits for the client to close the connection and the requests in flight to finish.
    pub async fn wait(self) {
        self.session.wait().await;
    }

    /// Ends the connection from the server's side.
    pub async fn close(self) {
        self.session.close().await;
    }
}

impl<H: ServerHandler> ServerBuilder<H> {
    /// The server's version (the default is this SDK's version).
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.config.info.version = version.into();
        self
    }

    /// A human-readable title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.config.info.title = Some(title.into());
        self
    }

    /// The server's full identity (replaces name and version).
    pub fn info(mut self, info: Implementation) -> Self {
        self.config.info = info;
        self
    }

    /// How to use the server, for the model.
    pub fn instructions(mut self, instructions: impl Into<String>) -> Self {
        self.config.instructions = Some(instructions.into());
        self
    }

    /// Set-up and tear-down around the server's life; handlers reach the state through
    /// [`RequestContext::lifespan`].
    pub fn lifespan(mut self, lifespan: impl Lifespan) -> Self {
        self.config.lifespan = Some(Box::new(lifespan));
        self
    }

    /// The protocol versions to speak (the default: all of them).
    pub fn protocol_versions(mut self, versions: &[ProtocolVersion]) -> Self {
        self.config.versions = versions.to_vec();
        self
    }

    /// The key that seals the request state of multi round-trip requests. Instances of one
    /// server behind a load balancer need the same key; the default is a random one.
    pub fn request_state_key(mut self, key: RequestStateKey) -> Self {
        self.config.state_key = key;
        self
    }

    /// How long a client may take to answer an `input_required` result (default 30 minutes).
    pub fn request_state_ttl(mut self, ttl: Duration) -> Self {
        self.config.state_ttl = ttl;
        self
    }

    /// How long clients may cache the results of a cacheable method (`tools/list`,
    /// `resources/read`, `server/discover`, ...) in the stateless era, unless the handler says.
    /// The default is 0 ms, private.
    pub fn cache_hint(mut self, method: impl Into<String>, ttl_ms: u64, scope: CacheScope) -> Self {
        self.config
            .cache_hints
            .insert(method.into(), CacheHint { ttl_ms, scope });
        self
    }

    /// Options of every connection's JSON-RPC session (message size limit, timeouts).
    pub fn session_options(mut self, options: SessionOptions) -> Self {
        self.config.session_options = options;
        self
    }

    /// Builds the server.
    pub fn build(mut self) -> Server<H> {
        self.config.capabilities = self.handler.capabilities();
        Server {
            handler: Arc::new(self.handler),
            core: Arc::new(ServerCore::new(self.config)),
        }
    }
}
