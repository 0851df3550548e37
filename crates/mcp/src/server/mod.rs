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
pub mod tasks;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

pub use self::connection::ServerReply;
pub use self::context::RequestContext;
pub use self::core::{CacheHint, ClientFacts};
pub use self::handler::{
    Capability, Eras, HandlerRequest, ServerHandler, check_list_changed, derive_capabilities,
};
pub use self::lifespan::Lifespan;
pub use self::notifier::{ServerEvent, ServerNotifier};
pub use self::request_state::{REQUEST_STATE_KEY_ENV, RequestStateKey, RequestStateKeyError};

use self::connection::{Connection, HandshakePolicy};
use self::core::{ServerConfig, ServerCore};
use crate::error::Result;
use crate::jsonrpc::{Exchange, Extensions, Peer, Session, SessionOptions};
use crate::transport::{Transport, TransportWriter};
use crate::types::{CacheScope, Implementation, ProtocolVersion};

/// A server: a handler plus everything about it that is not per request.
///
/// Cheap to clone; clones share the lifespan state and the notifier.
///
/// It serves a transport ([`serve`](Self::serve), stdio's way), and offers hosts that accept
/// many clients (HTTP, WebSocket, a host of your own on hyper or actix) the hosting API:
/// [`connect`](Self::connect) opens a connection for one client's session,
/// [`serve_one`](Self::serve_one) serves one message that arrived on its own, and
/// [`start`](Self::start) and [`stop`](Self::stop) bracket the lifespan.
pub struct Server<H> {
    handler: Arc<H>,
    core: Arc<ServerCore>,
    /// The connection every single exchange shares: stateless-era requests carry everything
    /// about their client, so one connection serves them all.
    exchanges: Arc<Connection<H>>,
}

impl<H> Clone for Server<H> {
    fn clone(&self) -> Self {
        Self {
            handler: self.handler.clone(),
            core: self.core.clone(),
            exchanges: self.exchanges.clone(),
        }
    }
}

impl<H> std::fmt::Debug for Server<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("info", &self.core.config.info)
            .finish()
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
                tasks: None,
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

    /// How to use the server, for the model, if it says.
    pub fn instructions(&self) -> Option<&str> {
        self.core.config.instructions.as_deref()
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

    /// Opens a connection for one client and serves it, without touching the lifespan: what a
    /// host that accepts many clients does for each (a WebSocket, a handshake-era HTTP
    /// session, fed through a transport of its own). Call [`start`](Self::start) first when
    /// the server has a lifespan.
    pub fn connect<T: Transport>(&self, transport: T) -> ServerSession {
        self.connect_with(transport, Extensions::default())
    }

    /// [`connect`](Self::connect), with values the handlers find in
    /// [`Peer::extensions`](crate::jsonrpc::Peer::extensions) (what the host knows of the
    /// connection, such as its access token).
    pub fn connect_with<T: Transport>(
        &self,
        transport: T,
        extensions: Extensions,
    ) -> ServerSession {
        let connection = Arc::new(Connection::new(
            self.handler.clone(),
            self.core.clone(),
            HandshakePolicy::Required,
        ));
        let session = Session::start_with(
            transport,
            connection.clone(),
            self.core.config.session_options.clone(),
            extensions,
        );
        connection.forward_events(session.peer().clone());
        ServerSession { session }
    }

    /// Serves one message that arrived on its own, outside any connection: a stateless-era
    /// request (or notification), such as the body of an HTTP POST, answered through `writer`.
    /// `extensions` are what the handler finds in
    /// [`Peer::extensions`](crate::jsonrpc::Peer::extensions) (an access token, say).
    ///
    /// Every such exchange has a peer of its own, so clients whose request ids collide never
    /// meet. A handler that finishes without waiting has written its answer before this
    /// returns; one that waits continues on a task of its own, and dropping the returned
    /// [`Exchange`] cancels it (a `subscriptions/listen` stream lasts until then). The handshake
    /// era needs a connection ([`connect`](Self::connect)): its requests are refused here, and
    /// `initialize` is answered "method not found".
    ///
    /// ```
    /// # use mcp::server::{RequestContext, Server, ServerHandler};
    /// # use mcp::types::*;
    /// # struct Hello;
    /// # #[mcp::server_handler]
    /// # impl ServerHandler for Hello {
    /// #     async fn list_tools(&self, _: PaginatedRequestParams, _: RequestContext) -> mcp::Result<ListToolsResult> {
    /// #         Ok(ListToolsResult::new(vec![Tool::without_input("hello")]))
    /// #     }
    /// # }
    /// use mcp::jsonrpc::Extensions;
    /// use mcp::transport::{BoxFuture, Outgoing, TransportClosed, TransportWriter};
    ///
    /// /// Where a host puts the answer: here, a channel to its response.
    /// struct Reply(std::sync::mpsc::Sender<Vec<u8>>);
    ///
    /// impl TransportWriter for Reply {
    ///     fn send(&self, message: Outgoing) -> Result<(), TransportClosed> {
    ///         self.0.send(message.json).map_err(|_| TransportClosed(None))
    ///     }
    ///     fn close(&self) -> BoxFuture<'_, ()> {
    ///         Box::pin(async {})
    ///     }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let server = Server::builder("hello", Hello).build();
    /// let (tx, rx) = std::sync::mpsc::channel();
    /// let request = br#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{
    ///     "io.modelcontextprotocol/protocolVersion":"2026-07-28",
    ///     "io.modelcontextprotocol/clientCapabilities":{}}}}"#;
    /// let _exchange = server.serve_one(request, Reply(tx), Extensions::default());
    /// let answer: serde_json::Value = serde_json::from_slice(&rx.recv().unwrap()).unwrap();
    /// assert_eq!(answer["result"]["tools"][0]["name"], "hello");
    /// # }
    /// ```
    pub fn serve_one<W: TransportWriter>(
        &self,
        message: &[u8],
        writer: W,
        extensions: Extensions,
    ) -> Exchange {
        Session::serve_one_with(
            message,
            self.exchanges.clone(),
            writer,
            self.core.config.session_options.clone(),
            extensions,
        )
    }

    /// Serves one handshake-era message that arrived without a session, as if its client had
    /// made the handshake at `version` without declaring capabilities: what a server behind a
    /// load balancer does, where no session remembers the real handshake (an `initialize` is
    /// answered as usual). Handlers cannot send such a client requests (sampling, elicitation,
    /// roots). Otherwise as [`serve_one`](Self::serve_one).
    pub fn serve_one_as_handshake<W: TransportWriter>(
        &self,
        version: ProtocolVersion,
        message: &[u8],
        writer: W,
        extensions: Extensions,
    ) -> Exchange {
        let connection = Connection::new(
            self.handler.clone(),
            self.core.clone(),
            HandshakePolicy::Assumed(version),
        );
        Session::serve_one_with(
            message,
            Arc::new(connection),
            writer,
            self.core.config.session_options.clone(),
            extensions,
        )
    }

    /// The protocol versions the server speaks, newest first.
    pub fn protocol_versions(&self) -> &[ProtocolVersion] {
        &self.core.config.versions
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
    /// server behind a load balancer need the same key (see [`RequestStateKey::from_env`]);
    /// the default is a random one.
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

    /// Runs tasks (the tasks extension, `io.modelcontextprotocol/tasks`): the server declares
    /// the extension, answers `tasks/get`, `tasks/update` and `tasks/cancel`, and a `tools/call`
    /// handler serving a client that declared it too may go on as a task
    /// ([`RequestContext::run_as_task`]). Tasks live in the settings' store.
    pub fn tasks(mut self, settings: tasks::TaskSettings) -> Self {
        self.config.tasks = Some(settings);
        self
    }

    /// Builds the server.
    pub fn build(mut self) -> Server<H> {
        self.config.capabilities = self.handler.capabilities();
        if self.config.tasks.is_some() {
            self.config
                .capabilities
                .extensions
                .get_or_insert_with(Default::default)
                .insert(
                    crate::types::extensions::tasks::TASKS_EXTENSION.to_owned(),
                    Default::default(),
                );
        }
        let handler = Arc::new(self.handler);
        let core = Arc::new(ServerCore::new(self.config));
        let exchanges = Connection::new(handler.clone(), core.clone(), HandshakePolicy::Refused);
        Server {
            exchanges: Arc::new(exchanges),
            handler,
            core,
        }
    }
}
