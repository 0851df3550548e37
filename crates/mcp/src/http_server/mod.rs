//! The HTTP host of a [`Server`]: Streamable HTTP on one endpoint (`/mcp` by default) serving
//! both protocol eras, plus, when asked, the legacy HTTP+SSE transport of 2024-11-05 and MCP
//! over WebSocket beside it (features `http-server`, `ws-server`).
//!
//! It sits above the server and uses nothing but the server's public hosting API
//! ([`Server::serve_one`] for a message that arrives on its own, [`Server::connect_with`] for a
//! session, [`Server::start`]/[`Server::stop`] for the lifespan): a host of your own on another
//! HTTP stack does the same.
//!
//! - **Stateless era** (2026-07-28): a POST whose `MCP-Protocol-Version` header (or, without the
//!   header, whose `_meta`) names a stateless-era version is served on its own, with no session:
//!   the `Mcp-Method`/`Mcp-Name` headers and the protocol version are checked against the body
//!   (400 with `-32020` on a mismatch), its answer is JSON (with the HTTP status the specification
//!   names for an error: 400, or 404 for an unknown method) or an SSE stream when the handler
//!   sends notifications first; `subscriptions/listen` is a long-lived SSE response; closing the
//!   response stream cancels the request. No GET stream, no `Mcp-Session-Id`, no resumability.
//! - **Handshake era** (2025-11-25 and older): `initialize` opens a session named by a random
//!   `Mcp-Session-Id`; its requests are answered with JSON or SSE, notifications and responses
//!   with 202; a GET opens the stream of server-initiated messages; DELETE ends the session;
//!   with an [`EventStore`] every stream is resumable with `Last-Event-ID`. In
//!   [stateless mode](HttpServerBuilder::stateless) (for servers behind a load balancer) there
//!   are no sessions: every request is served on its own, as if the handshake had been made.
//!
//! Every request is checked for its `Host` and `Origin` (403, against DNS rebinding), its
//! content type (415), what it accepts (406), its size (413) and how long its body takes
//! (408). [`HttpServer::serve`] and [`HttpServer::run`] also bound how long a request's head
//! may take, how long a write may wait for a client that does not read, and how many
//! connections are open; every event stream bounds what it queues for its client, and unused
//! sessions expire. The limits are [builder](HttpServerBuilder) options with safe defaults.
//!
//! One [`Server`] serves every session; its lifespan starts with the first request (or when
//! [`HttpServer::run`] starts) and stops at [`HttpServer::shutdown`].
//!
//! # Mounting into an existing app
//!
//! ```no_run
//! # use mcp::server::{RequestContext, Server, ServerHandler};
//! # use mcp::types::*;
//! # struct Hello;
//! # #[mcp::server_handler]
//! # impl ServerHandler for Hello {
//! #     async fn list_tools(&self, _: PaginatedRequestParams, _: RequestContext) -> mcp::Result<ListToolsResult> {
//! #         Ok(ListToolsResult::new(vec![]))
//! #     }
//! # }
//! use axum::routing::get;
//! use mcp::http_server::HttpServer;
//!
//! # async fn run() -> mcp::Result<()> {
//! let github = HttpServer::builder(Server::builder("github", Hello).build()).build();
//! let app = axum::Router::new()
//!     .route("/health", get(|| async { "ok" }))
//!     .nest("/github", github.router()); // the endpoint is /github/mcp
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
//! // `serve` sets TCP_NODELAY on every connection and ends the event streams on shutdown;
//! // `axum::serve` works too (then set TCP_NODELAY with `ListenerExt::tap_io`).
//! github.serve(listener, app, async { let _ = tokio::signal::ctrl_c().await; }).await
//! # }
//! ```

// A refused request is answered with a whole HTTP response, built on the cold path: returning
// it by value is simpler than boxing it.
#![allow(clippy::result_large_err)]

mod bearer;
mod builder;
mod event_store;
mod handshake;
mod legacy;
mod listen;
mod posted;
mod queue;
#[cfg(feature = "redis")]
mod redis;
mod replica_bus;
mod replica_inbox;
mod replicas;
mod respond;
mod security;
mod session;
mod session_id;
mod session_store;
mod shared_route;
mod shared_sessions;
mod stateless;
#[cfg(feature = "ws-server")]
mod websocket;

pub use bearer::{AuthSettings, BearerAuth, PROTECTED_RESOURCE_METADATA_PATH};
pub use builder::{
    DEFAULT_BODY_READ_TIMEOUT, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_KEEP_ALIVE,
    DEFAULT_MAX_BODY_SIZE, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_SESSIONS,
    DEFAULT_SESSION_IDLE_TIMEOUT, DEFAULT_WRITE_TIMEOUT, HttpServerBuilder,
};
pub use event_store::{
    DEFAULT_EVENT_STORE_BYTES, DEFAULT_EVENT_STORE_EVENTS, EVENT_OVERHEAD, EventStore,
    InMemoryEventStore, Replay, StoredEvent,
};
pub use queue::DEFAULT_STREAM_BUFFER;
#[cfg(feature = "redis")]
pub use redis::{
    DEFAULT_REDIS_EVENT_STORE_AGE, DEFAULT_REDIS_EVENT_STORE_BYTES, DEFAULT_REDIS_KEY_PREFIX,
    DEFAULT_REDIS_TASK_AGE, RedisEventStore, RedisEventStoreBuilder, RedisReplicaBus,
    RedisReplicaBusBuilder, RedisSessionStore, RedisSessionStoreBuilder, RedisStoreError,
    RedisTaskStore, RedisTaskStoreBuilder,
};
pub use replica_bus::{BusDelivery, InMemoryReplicaBus, ReplicaBus};
pub use session_id::{SESSION_SECRET_ENV, SessionSecret, SessionSecretError};
pub use session_store::{InMemorySessionStore, SessionRecord, SessionStore, SessionUpdate};

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::routing::{any, get, post};
use bytes::Bytes;
use parking_lot::{Mutex, RwLock};
use tokio::net::{TcpListener, ToSocketAddrs};
use tokio_util::sync::CancellationToken;

use self::builder::Config;
use self::posted::{Kind, classify, header, is_stateless_version, posted_id};
use self::respond::{ReplyOptions, error_response, method_not_allowed};
use self::session::{Ending, HttpSession};
use self::stateless::ToolHeaders;
use crate::auth::AccessToken;
use crate::error::{Error, Result};
use crate::jsonrpc::outgoing;
use crate::server::{Server, ServerEvent, ServerHandler};
use crate::transport::BoxFuture;
use crate::transport::http::{MCP_PROTOCOL_VERSION, MCP_SESSION_ID};
use crate::types::{ErrorCode, ErrorData, ProtocolVersion, RequestId};

/// How a POST carrying a request is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResponseMode {
    /// One JSON object when the answer comes first, which is the common case; an SSE stream as
    /// soon as the handler sends a notification (or, in the handshake era, a request) before its
    /// answer, or when it has been silent for the keep-alive period, so that keep-alives can
    /// flow. The default.
    #[default]
    Auto,
    /// Always an SSE stream (the Python and TypeScript SDKs' default).
    Sse,
    /// Always one JSON object. What the handler sends before its answer goes to the session's
    /// GET stream (handshake era) or nowhere (stateless era).
    Json,
}

/// Checks every HTTP request before it reaches the MCP endpoints: where authorization plugs in.
/// [`HttpServerBuilder::bearer_auth`] is the OAuth one the specification describes; implement
/// this for anything else.
///
/// An implementation reads the request's headers (`Authorization: Bearer …`) and either accepts
/// it, with the grant it acts under, or rejects it with the response to send (a 401 with
/// `WWW-Authenticate`, say). A handshake-era session stays bound to the principal that opened
/// it: a request of another principal gets 404, as if the session did not exist.
pub trait HttpAuth: Send + Sync + 'static {
    /// Accepts the request (with the grant it carries, if any) or answers it with a rejection.
    /// The grant's [`principal`](AccessToken::principal) owns the sessions the request opens;
    /// handlers see it as [`RequestContext::access_token`](crate::server::RequestContext::access_token).
    fn check<'a>(
        &'a self,
        request: &'a Parts,
    ) -> BoxFuture<'a, Result<Option<AccessToken>, Response>>;
}

/// A server's HTTP endpoints: an axum [`Router`] to serve alone or mount into an app.
///
/// Cheap to clone; clones share the sessions.
pub struct HttpServer<H> {
    shared: Arc<Shared<H>>,
}

impl<H> Clone for HttpServer<H> {
    fn clone(&self) -> Self {
        Self {
            shared: self.shared.clone(),
        }
    }
}

impl<H> std::fmt::Debug for HttpServer<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpServer")
            .field("path", &self.shared.config.path)
            .finish()
    }
}

struct Shared<H> {
    server: Server<H>,
    config: Config,
    /// Set once the server listens on an interface other than loopback, which widens the
    /// hosts answered by default to IP addresses.
    public: AtomicBool,
    sessions: RwLock<HashMap<Arc<str>, Arc<HttpSession>>>,
    legacy: Mutex<HashMap<Arc<str>, legacy::LegacySession>>,
    started: tokio::sync::OnceCell<Result<(), Arc<Error>>>,
    stopped: tokio::sync::Mutex<bool>,
    shutdown: CancellationToken,
    sweeping: std::sync::Once,
    /// The `x-mcp-header` annotations of the server's tools, by tool name, learned from its own
    /// `tools/list` and forgotten when the tools change.
    tool_headers: Mutex<Option<Arc<ToolHeaders>>>,
    tool_events: Mutex<tokio::sync::broadcast::Receiver<ServerEvent>>,
    /// How many WebSocket connections are open.
    websockets: AtomicUsize,
    /// With shared sessions: listening to the other replicas and telling them this one's
    /// change notifications, started with the first request.
    sharing: std::sync::Once,
    /// The change notifications of this replica's server, until they are passed on.
    local_events: Mutex<Option<tokio::sync::mpsc::UnboundedReceiver<ServerEvent>>>,
}

impl<H: ServerHandler> HttpServer<H> {
    /// The MCP server behind the endpoints.
    pub fn server(&self) -> &Server<H> {
        &self.shared.server
    }

    /// The endpoints as an axum router: the Streamable HTTP endpoint at its path, and the legacy
    /// SSE endpoints when enabled. Merge or nest it into an app.
    pub fn router(&self) -> Router {
        let config = &self.shared.config;
        let mut router = Router::new();
        if config.streamable {
            router = router.route(&config.path, any(endpoint::<H>));
        }
        #[cfg(feature = "ws-server")]
        if let Some(path) = &config.websocket {
            router = router.route(path, get(websocket::upgrade::<H>));
        }
        if let Some(settings) = &config.resource_metadata {
            let mut paths = vec![PROTECTED_RESOURCE_METADATA_PATH.to_owned()];
            paths.push(settings.metadata_path());
            paths.dedup();
            for path in paths {
                let settings = settings.clone();
                router = router.route(&path, get(move || bearer::metadata(settings.clone())));
            }
        }
        if let Some((sse_path, messages_path)) = &config.legacy {
            router = router
                .route(sse_path, get(legacy::open::<H>))
                .route(messages_path, post(legacy::message::<H>));
        }
        router.with_state(self.shared.clone())
    }

    /// Listens on `addr` and serves the endpoints alone until Ctrl-C (or SIGTERM), then shuts
    /// down: open streams end, sessions close, the lifespan stops.
    ///
    /// Listen on `127.0.0.1` (not `0.0.0.0`) unless the server must be reachable from elsewhere;
    /// on another interface, requests naming the server by an IP address are answered too, and
    /// by a name only when [`server_names`](HttpServerBuilder::server_names) lists it.
    pub async fn run(self, addr: impl ToSocketAddrs) -> Result<()> {
        let listener = TcpListener::bind(addr).await.map_err(|e| {
            Error::Transport(std::io::Error::new(
                e.kind(),
                format!("could not listen for HTTP: {e}"),
            ))
        })?;
        let local = listener.local_addr()?;
        self.shared
            .ensure_started()
            .await
            .map_err(|e| Error::other(format!("the server's lifespan failed to start: {e}")))?;
        if self.shared.config.streamable {
            tracing::info!(
                "serving MCP over Streamable HTTP at http://{local}{}",
                self.shared.config.path
            );
        }
        #[cfg(feature = "ws-server")]
        if let Some(path) = &self.shared.config.websocket {
            tracing::info!("serving MCP over WebSocket at ws://{local}{path}");
        }
        let app = self.router();
        self.serve(listener, app, shutdown_signal()).await
    }

    /// Serves `app` (which holds [`router`](Self::router), maybe beside other routes) on
    /// `listener` until `signal` resolves; then shuts down as [`run`](Self::run) does.
    ///
    /// Every connection gets TCP_NODELAY and the builder's limits: the
    /// [header read timeout](HttpServerBuilder::header_read_timeout), the
    /// [write timeout](HttpServerBuilder::write_timeout) and the
    /// [connection cap](HttpServerBuilder::max_connections). On a listener bound to an
    /// interface other than loopback, requests naming the server by an IP address are
    /// answered too.
    pub async fn serve(
        &self,
        listener: TcpListener,
        app: Router,
        signal: impl Future<Output = ()> + Send + 'static,
    ) -> Result<()> {
        let local = listener.local_addr()?;
        if !security::is_loopback(local.ip()) {
            self.shared.public.store(true, Ordering::Relaxed);
        }
        let shared = self.shared.clone();
        let graceful = async move {
            signal.await;
            // Event streams never end by themselves: end them, or the graceful shutdown of the
            // connections would wait forever.
            shared.close_everything();
        };
        let served = listen::serve(listener, app, self.shared.config.connections, graceful).await;
        self.shutdown().await;
        served.map_err(Error::Transport)
    }

    /// Ends every stream and session, and stops the server's lifespan if it started. Requests
    /// arriving afterwards get 503.
    pub async fn shutdown(&self) {
        self.shared.close_everything();
        let mut stopped = self.shared.stopped.lock().await;
        if !*stopped && matches!(self.shared.started.get(), Some(Ok(()))) {
            *stopped = true;
            self.shared.server.stop().await;
        }
    }

    /// How many handshake-era sessions are open (Streamable HTTP and legacy SSE).
    pub fn session_count(&self) -> usize {
        self.shared.sessions.read().len() + self.shared.legacy.lock().len()
    }

    /// How many WebSocket connections are open.
    pub fn websocket_count(&self) -> usize {
        self.shared
            .websockets
            .load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Resolves on Ctrl-C (SIGINT) or, on Unix, SIGTERM: the signal [`HttpServer::run`] stops on,
/// for a host that calls [`HttpServer::serve`] itself.
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn endpoint<H: ServerHandler>(
    State(shared): State<Arc<Shared<H>>>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let token = match shared.admit(&parts).await {
        Ok(token) => token,
        Err(response) => return response,
    };
    let principal = token.as_ref().map(|t| t.principal());
    match parts.method {
        Method::POST => shared.post(parts, body, token).await,
        Method::GET => shared.get(parts, principal).await,
        Method::DELETE => shared.delete(&parts, principal).await,
        _ => method_not_allowed(
            "GET, POST, DELETE",
            "Method Not Allowed: the MCP endpoint takes POST, GET and DELETE",
        ),
    }
}

impl<H: ServerHandler> Shared<H> {
    /// The checks every request passes first: host and origin, authorization, the server up.
    async fn admit(self: &Arc<Self>, parts: &Parts) -> Result<Option<Arc<AccessToken>>, Response> {
        self.config
            .guard
            .check(&parts.headers, self.public.load(Ordering::Relaxed))?;
        let token = match &self.config.auth {
            Some(auth) => auth.check(parts).await?.map(Arc::new),
            None => None,
        };
        if self.shutdown.is_cancelled() {
            return Err(error_response(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::INTERNAL_ERROR,
                "Service Unavailable: the server is shutting down",
                None,
            ));
        }
        self.ensure_started().await.map_err(|e| {
            error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::INTERNAL_ERROR,
                format!("the server's lifespan failed to start: {e}"),
                None,
            )
        })?;
        self.start_sharing();
        Ok(token)
    }

    async fn ensure_started(&self) -> Result<(), Arc<Error>> {
        self.started
            .get_or_init(|| async { self.server.start().await.map_err(Arc::new) })
            .await
            .clone()
    }

    fn close_everything(&self) {
        self.shutdown.cancel();
        let sessions: Vec<_> = self.sessions.write().drain().map(|(_, s)| s).collect();
        for session in sessions {
            session.terminate(Ending::Here);
        }
        let legacy: Vec<_> = self.legacy.lock().drain().map(|(_, s)| s).collect();
        drop(legacy);
    }

    fn reply_options(
        &self,
        mode: ResponseMode,
        stateless: bool,
        headers: HeaderMap,
    ) -> ReplyOptions<'_> {
        ReplyOptions {
            mode,
            map_error_status: stateless,
            headers,
            keep_alive: self.config.keep_alive,
            defer: self.config.keep_alive.unwrap_or(DEFAULT_KEEP_ALIVE),
            shutdown: &self.shutdown,
        }
    }

    async fn post(
        self: &Arc<Self>,
        parts: Parts,
        body: Body,
        token: Option<Arc<AccessToken>>,
    ) -> Response {
        let headers = &parts.headers;
        if !security::is_json(headers) {
            return error_response(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::INVALID_REQUEST,
                "Unsupported Media Type: the body must be JSON (Content-Type: application/json)",
                None,
            );
        }
        let (accepts_json, accepts_sse) = security::accepts(headers);
        if !accepts_json || (self.config.mode != ResponseMode::Json && !accepts_sse) {
            return error_response(
                StatusCode::NOT_ACCEPTABLE,
                ErrorCode::INVALID_REQUEST,
                "Not Acceptable: the client must accept both application/json and \
                 text/event-stream (Accept: application/json, text/event-stream)",
                None,
            );
        }
        let Ok(version) = header(headers, MCP_PROTOCOL_VERSION) else {
            return error_response(
                StatusCode::BAD_REQUEST,
                ErrorCode::HEADER_MISMATCH,
                "Bad Request: the MCP-Protocol-Version header holds invalid characters",
                None,
            );
        };
        let body = match self.read_body(headers, body).await {
            Ok(body) => body,
            Err(response) => return response,
        };
        let posted = match classify(&body) {
            Ok(posted) => posted,
            Err(response) => return response,
        };
        // The era: a stateless-era version in the header or the `_meta`, an unknown one
        // included. A request of a session belongs to the session's era, though: an unknown
        // version in its header is a bad header of the handshake era.
        let in_session = headers.contains_key(MCP_SESSION_ID);
        let stateless = posted
            .meta_version
            .as_deref()
            .is_some_and(is_stateless_version)
            || version.is_some_and(|v| {
                is_stateless_version(v) && !(in_session && ProtocolVersion::from_wire(v).is_none())
            });
        if stateless {
            return self
                .post_stateless(headers, body, posted, accepts_sse, token)
                .await;
        }
        if let Some(version) = version
            && !self.handshake_version_supported(version)
        {
            return self.unsupported_version(version, posted_id(&posted));
        }
        if self.config.stateless {
            return self.post_sessionless(body, posted, version, token).await;
        }
        let session_id = header(headers, MCP_SESSION_ID).ok().flatten();
        let opening = session_id.is_none()
            && matches!(posted.kind, Kind::Request(_))
            && posted.method.as_deref() == Some("initialize");
        let session = if opening {
            match self.open_session(token) {
                Ok(session) => session,
                Err(response) => return response,
            }
        } else {
            let principal = token.as_ref().map(|t| t.principal());
            match self.session(session_id, principal.as_deref()).await {
                Ok(session) => {
                    // The same principal, maybe with a refreshed token.
                    session.token.set(token);
                    session
                }
                Err(response) => return response,
            }
        };
        let version = version
            .map(str::to_owned)
            .or_else(|| posted.initialize_version.clone());
        self.post_to_session(session, body, posted, version.as_deref(), opening)
            .await
    }

    /// Reads a request's body within the size limit (413) and the body read timeout (408).
    async fn read_body(&self, headers: &HeaderMap, body: Body) -> Result<Bytes, Response> {
        security::read_body(
            headers,
            body,
            self.config.max_body,
            self.config.body_read_timeout,
        )
        .await
    }

    fn handshake_version_supported(&self, version: &str) -> bool {
        ProtocolVersion::from_wire(version)
            .is_some_and(|v| !v.is_stateless() && self.server.protocol_versions().contains(&v))
    }

    /// The versions the server speaks, newest first, as they are written.
    fn version_strings(&self) -> Vec<&'static str> {
        let versions = self.server.protocol_versions();
        versions.iter().map(|v| v.as_str()).collect()
    }

    fn unsupported_version(&self, version: &str, id: Option<&RequestId>) -> Response {
        let supported = self.version_strings();
        let mut error = ErrorData::unsupported_protocol_version(version, &supported);
        error.message = format!(
            "Bad Request: unsupported protocol version {version:?} in MCP-Protocol-Version; this \
             server speaks {}",
            supported.join(", ")
        )
        .into();
        let body = outgoing::error_response(id, &error);
        respond::json_response(StatusCode::BAD_REQUEST, body, &HeaderMap::new())
    }
}
