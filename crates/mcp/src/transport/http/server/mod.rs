//! Streamable HTTP, server side: one endpoint (`/mcp` by default) serving both protocol eras,
//! plus, when asked, the legacy HTTP+SSE transport of 2024-11-05 beside it.
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
//! use mcp::transport::http::HttpServer;
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
mod event_store;
mod legacy;
mod listen;
mod queue;
mod respond;
mod security;
mod session;
#[cfg(feature = "ws-server")]
mod websocket;

pub use bearer::{AuthSettings, BearerAuth, PROTECTED_RESOURCE_METADATA_PATH};
pub use event_store::{
    DEFAULT_EVENT_STORE_BYTES, DEFAULT_EVENT_STORE_EVENTS, EventStore, InMemoryEventStore, Replay,
    StoredEvent,
};
pub use queue::DEFAULT_STREAM_BUFFER;

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use axum::routing::{any, get, post};
use bytes::Bytes;
use tokio::net::{TcpListener, ToSocketAddrs};
use tokio_util::sync::CancellationToken;

use self::listen::ConnectionLimits;
use self::queue::frame_channel;
use self::respond::{
    ExchangeWriter, FrameRx, ReplyOptions, empty_response, error_response, method_not_allowed,
    reply, sse_response,
};
use self::security::{Guard, Hosts};
use self::session::{Busy, HttpSession, OpenError, ResumeError, StreamSettings};
use super::{
    LAST_EVENT_ID, MCP_METHOD, MCP_NAME, MCP_PROTOCOL_VERSION, MCP_SESSION_ID, ParamsSniff,
    as_string, decode_header_value, name_member, param_headers,
};
use crate::auth::{AccessToken, TokenSlot};
use crate::error::{Error, Result};
use crate::jsonrpc::incoming::{self, IncomingMessage};
use crate::jsonrpc::{Session, outgoing};
use crate::server::{Connection, Server, ServerEvent, ServerHandler};
use crate::transport::BoxFuture;
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

/// Builds an [`HttpServer`].
pub struct HttpServerBuilder<H> {
    server: Server<H>,
    config: Config,
}

impl<H> std::fmt::Debug for HttpServerBuilder<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpServerBuilder")
            .field("path", &self.config.path)
            .finish()
    }
}

#[derive(Clone)]
struct Config {
    path: String,
    legacy: Option<(String, String)>,
    stateless: bool,
    mode: ResponseMode,
    event_store: Option<Arc<dyn EventStore>>,
    retry: Option<Duration>,
    max_body: usize,
    body_read_timeout: Option<Duration>,
    stream_buffer: usize,
    connections: ConnectionLimits,
    idle_timeout: Option<Duration>,
    max_sessions: Option<usize>,
    keep_alive: Option<Duration>,
    guard: Guard,
    auth: Option<Arc<dyn HttpAuth>>,
    /// The protected resource metadata to serve, with bearer authorization.
    resource_metadata: Option<Arc<AuthSettings>>,
    /// Whether the Streamable HTTP endpoint is served (it is unless only WebSocket is wanted).
    streamable: bool,
    /// The path of the WebSocket endpoint, when there is one.
    #[cfg(feature = "ws-server")]
    websocket: Option<String>,
}

/// The largest request body accepted by default: 4 MiB.
pub const DEFAULT_MAX_BODY_SIZE: usize = 4 * 1024 * 1024;

/// How long a client may take to send a request's head, or leave a kept-alive connection
/// unused, by default: 30 seconds.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a client may take to send a request's body by default: 30 seconds.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a write may wait for a client that reads nothing by default: 30 seconds.
pub const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// How many connections [`HttpServer::serve`] keeps open at once by default.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;

/// How long an unused session lives by default: 30 minutes.
pub const DEFAULT_SESSION_IDLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// How many sessions may be open at once by default.
pub const DEFAULT_MAX_SESSIONS: usize = 10_000;

/// How often an idle event stream gets a keep-alive comment by default.
pub const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(15);

impl<H: ServerHandler> HttpServerBuilder<H> {
    /// The path of the Streamable HTTP endpoint (default `/mcp`).
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.config.path = normalize_path(path.into());
        self
    }

    /// Also serves the legacy HTTP+SSE transport (2024-11-05) for old clients: a GET on
    /// `sse_path` opens the event stream, whose `endpoint` event names `messages_path`, where the
    /// client POSTs its messages (the Python SDK's defaults are `/sse` and `/messages/`).
    pub fn legacy_sse(
        mut self,
        sse_path: impl Into<String>,
        messages_path: impl Into<String>,
    ) -> Self {
        self.config.legacy = Some((
            normalize_path(sse_path.into()),
            normalize_path(messages_path.into()),
        ));
        self
    }

    /// Serves without sessions, for servers behind a load balancer (the Python SDK's
    /// `stateless_http=True`): no `Mcp-Session-Id`, no GET stream, no DELETE; every
    /// handshake-era request is served on its own as if the client had made the handshake, so
    /// handlers cannot send it requests (sampling, elicitation, roots) — in the stateless era
    /// they still can, through `input_required` results. Stateless-era requests are served
    /// the same either way.
    pub fn stateless(mut self, stateless: bool) -> Self {
        self.config.stateless = stateless;
        self
    }

    /// How requests are answered: JSON, SSE, or JSON unless the handler streams (the default).
    pub fn response_mode(mut self, mode: ResponseMode) -> Self {
        self.config.mode = mode;
        self
    }

    /// Makes handshake-era streams resumable: every event is stored before it is sent, and a
    /// client whose stream broke resumes it with `Last-Event-ID` (a GET). Requests of clients of
    /// 2025-11-25 and later are then answered with SSE, starting with a priming event.
    pub fn event_store(mut self, store: impl EventStore) -> Self {
        self.config.event_store = Some(Arc::new(store));
        self
    }

    /// The reconnection delay suggested to clients in priming events (only with an event store).
    pub fn retry_interval(mut self, interval: Duration) -> Self {
        self.config.retry = Some(interval);
        self
    }

    /// The largest request body accepted; larger ones get 413 (default 4 MiB).
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.config.max_body = bytes;
        self
    }

    /// How long a client may take to send a request's body, once its head has arrived;
    /// a slower one gets 408 and loses its connection (default 30 s; `None` for no limit).
    pub fn body_read_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.config.body_read_timeout = timeout;
        self
    }

    /// How long a client may take to send a request's head (up to the blank line that ends
    /// it), and how long a kept-alive connection may stay unused, before the connection is
    /// closed (default 30 s; `None` for no limit). Applies to [`serve`](HttpServer::serve) and
    /// [`run`](HttpServer::run); an app served otherwise sets its own.
    pub fn header_read_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.config.connections.header_read_timeout = timeout;
        self
    }

    /// How long a write may wait for a client that reads nothing: past that the connection is
    /// closed, with the streams it carried (default 30 s; `None` for no limit). Applies to
    /// [`serve`](HttpServer::serve) and [`run`](HttpServer::run).
    pub fn write_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.config.connections.write_timeout = timeout;
        self
    }

    /// How many connections may be open at once (WebSockets included); one more is answered
    /// 503 and closed at once (default 1024; `None` for no limit, as far as the process may
    /// open files). Applies to [`serve`](HttpServer::serve) and [`run`](HttpServer::run).
    pub fn max_connections(mut self, max: Option<usize>) -> Self {
        self.config.connections.max_connections = max;
        self
    }

    /// How many bytes of messages may wait for a client on one event stream (a GET stream, a
    /// request's SSE answer, a legacy SSE stream): a client that does not read them loses the
    /// stream, which ends with an error so that it can resume or reconnect (default 1 MiB; a
    /// single larger message still passes).
    pub fn stream_buffer(mut self, bytes: usize) -> Self {
        self.config.stream_buffer = bytes.max(1);
        self
    }

    /// How long a handshake-era session may stay unused (no request in progress, no open
    /// stream) before it is closed, as if the client had deleted it (default 30 minutes;
    /// `None` keeps sessions until the client deletes them).
    pub fn session_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.config.idle_timeout = timeout;
        self
    }

    /// How many sessions may be open at once, of every transport together (Streamable HTTP
    /// sessions, legacy SSE streams, WebSocket connections); past that, the request that would
    /// open one more gets 503 (default 10 000; `None` for no limit).
    pub fn max_sessions(mut self, max: Option<usize>) -> Self {
        self.config.max_sessions = max;
        self
    }

    /// How often an idle event stream gets a keep-alive comment (default 15 s; `None` for never).
    pub fn keep_alive(mut self, period: Option<Duration>) -> Self {
        self.config.keep_alive = period.filter(|p| !p.is_zero());
        self
    }

    /// The names the server is reached by (`mcp.example.com`, `name:port`, or `name:*` for
    /// any port), answered besides the defaults: `localhost` and loopback addresses, and, when
    /// [`serve`](HttpServer::serve) or [`run`](HttpServer::run) listens on another interface
    /// (`0.0.0.0`, say), any IP address. Any other `Host` gets 403: a name is what a DNS
    /// rebinding attack sends.
    pub fn server_names<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.config.guard.hosts = Hosts::Auto {
            names: names.into_iter().map(Into::into).collect(),
        };
        self
    }

    /// The only `Host` headers to answer (`name`, `name:port`, or `name:*` for any port);
    /// others get 403, loopback and IP addresses included unless listed.
    pub fn allowed_hosts<I, S>(mut self, hosts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.config.guard.hosts = Hosts::Only(hosts.into_iter().map(Into::into).collect());
        self
    }

    /// Answers any `Host` header (the `Origin` check still applies): only behind a proxy that
    /// checks the host itself, since it lets DNS rebinding through.
    pub fn allow_any_host(mut self) -> Self {
        self.config.guard.hosts = Hosts::Any;
        self
    }

    /// Origins allowed besides the server's own (`https://app.example.com`, or
    /// `http://localhost:*` for any port). A request with another `Origin` gets 403.
    pub fn allowed_origins<I, S>(mut self, origins: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.config
            .guard
            .origins
            .extend(origins.into_iter().map(Into::into));
        self
    }

    /// Turns the `Host` and `Origin` checks off (on by default): only for a server that sits
    /// behind something doing them.
    pub fn dns_rebinding_protection(mut self, enabled: bool) -> Self {
        self.config.guard.enabled = enabled;
        self
    }

    /// Also serves MCP over WebSocket at `path` (`/ws`, say): a GET upgrading to a WebSocket
    /// with the `mcp` subprotocol (a client that does not offer it gets 400), one session per
    /// connection serving both protocol eras. The upgrade passes the same host, origin and
    /// authorization checks as every request; messages are limited to
    /// [`max_body_size`](Self::max_body_size) (a larger one closes the connection with 1009);
    /// idle connections are pinged every [`keep_alive`](Self::keep_alive) period (15 s by
    /// default) and dropped when silent for two, or when a write to them waits that long; a
    /// peer that leaves 4 MiB unread stalls its session's new work until it reads.
    #[cfg(feature = "ws-server")]
    pub fn websocket(mut self, path: impl Into<String>) -> Self {
        self.config.websocket = Some(normalize_path(path.into()));
        self
    }

    /// Whether to serve the Streamable HTTP endpoint at [`path`](Self::path) (default true);
    /// turn it off to serve only WebSocket or legacy SSE.
    pub fn streamable_http(mut self, enabled: bool) -> Self {
        self.config.streamable = enabled;
        self
    }

    /// Requires an OAuth bearer token on every request, as the specification's authorization
    /// section describes (the Python SDK's `token_verifier=` and `auth=AuthSettings(...)`):
    /// `verifier` turns the token into an [`AccessToken`](crate::auth::AccessToken); a missing,
    /// refused or expired one gets 401, one lacking the
    /// [required scopes](AuthSettings::required_scopes) 403, both with a `WWW-Authenticate:
    /// Bearer` challenge naming the protected resource metadata, which the router serves at
    /// `/.well-known/oauth-protected-resource` and at that path followed by the resource's
    /// path (RFC 9728). It covers Streamable HTTP, legacy SSE and WebSocket upgrades; handlers
    /// see the token as [`RequestContext::access_token`](crate::server::RequestContext::access_token).
    pub fn bearer_auth(
        mut self,
        settings: AuthSettings,
        verifier: impl crate::auth::TokenVerifier,
    ) -> Self {
        self.config.resource_metadata = Some(Arc::new(settings.clone()));
        self.auth(BearerAuth::new(settings, verifier))
    }

    /// Checks every request first (authorization).
    pub fn auth(mut self, auth: impl HttpAuth) -> Self {
        self.config.auth = Some(Arc::new(auth));
        self
    }

    /// Builds the server.
    pub fn build(self) -> HttpServer<H> {
        let stateless_service = self.server.connection(None);
        let tool_events = self.server.notifier().subscribe();
        HttpServer {
            shared: Arc::new(Shared {
                stateless_service,
                server: self.server,
                public: AtomicBool::new(false),
                config: self.config,
                sessions: RwLock::default(),
                legacy: Mutex::default(),
                started: tokio::sync::OnceCell::new(),
                stopped: tokio::sync::Mutex::new(false),
                shutdown: CancellationToken::new(),
                sweeping: std::sync::Once::new(),
                tool_headers: Mutex::new(None),
                tool_events: Mutex::new(tool_events),
                websockets: AtomicUsize::new(0),
            }),
        }
    }
}

fn normalize_path(path: String) -> String {
    if path.starts_with('/') {
        path
    } else {
        format!("/{path}")
    }
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
    /// Serves every stateless-era request except `subscriptions/listen`, which needs a
    /// connection of its own to receive the server's events.
    stateless_service: Arc<Connection<H>>,
    sessions: RwLock<HashMap<Arc<str>, Arc<HttpSession>>>,
    legacy: Mutex<HashMap<Arc<str>, legacy::LegacySession>>,
    started: tokio::sync::OnceCell<Result<(), String>>,
    stopped: tokio::sync::Mutex<bool>,
    shutdown: CancellationToken,
    sweeping: std::sync::Once,
    /// The `x-mcp-header` annotations of the server's tools, by tool name, learned from its own
    /// `tools/list` and forgotten when the tools change.
    tool_headers: Mutex<Option<Arc<ToolHeaders>>>,
    tool_events: Mutex<tokio::sync::broadcast::Receiver<ServerEvent>>,
    /// How many WebSocket connections are open.
    websockets: AtomicUsize,
}

/// Tool name → its annotated parameters.
type ToolHeaders = HashMap<String, Vec<param_headers::Annotation>>;

impl<H: ServerHandler> HttpServer<H> {
    /// Starts configuring the HTTP endpoints of `server`.
    pub fn builder(server: Server<H>) -> HttpServerBuilder<H> {
        HttpServerBuilder {
            server,
            config: Config {
                path: "/mcp".into(),
                legacy: None,
                stateless: false,
                mode: ResponseMode::Auto,
                event_store: None,
                retry: None,
                max_body: DEFAULT_MAX_BODY_SIZE,
                body_read_timeout: Some(DEFAULT_BODY_READ_TIMEOUT),
                stream_buffer: DEFAULT_STREAM_BUFFER,
                connections: ConnectionLimits {
                    header_read_timeout: Some(DEFAULT_HEADER_READ_TIMEOUT),
                    write_timeout: Some(DEFAULT_WRITE_TIMEOUT),
                    max_connections: Some(DEFAULT_MAX_CONNECTIONS),
                },
                idle_timeout: Some(DEFAULT_SESSION_IDLE_TIMEOUT),
                max_sessions: Some(DEFAULT_MAX_SESSIONS),
                keep_alive: Some(DEFAULT_KEEP_ALIVE),
                guard: Guard::default(),
                auth: None,
                resource_metadata: None,
                streamable: true,
                #[cfg(feature = "ws-server")]
                websocket: None,
            },
        }
    }

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
        read(&self.shared.sessions).len() + lock(&self.shared.legacy).len()
    }

    /// How many WebSocket connections are open.
    pub fn websocket_count(&self) -> usize {
        self.shared
            .websockets
            .load(std::sync::atomic::Ordering::Relaxed)
    }
}

async fn shutdown_signal() {
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

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn read<T>(m: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(|p| p.into_inner())
}

fn write<T>(m: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    m.write().unwrap_or_else(|p| p.into_inner())
}

/// What a POST body turned out to be.
enum Kind {
    Request(RequestId),
    Notification,
    /// A response or error to one of the server's requests.
    Response,
}

/// The facts of a POSTed message the HTTP layer needs.
struct Posted {
    kind: Kind,
    method: Option<String>,
    /// `name` or `uri` of the params, as a string (for `Mcp-Name`).
    name: Option<Option<String>>,
    /// The `_meta` protocol version, when it is a string.
    meta_version: Option<String>,
    /// Whether `_meta` carries the client capabilities.
    meta_capabilities: bool,
    /// Whether `_meta` is an object.
    meta_object: bool,
    /// `params.requestId` of a `notifications/cancelled`.
    cancelled: Option<RequestId>,
    /// `params.protocolVersion` of an `initialize`.
    initialize_version: Option<String>,
}

fn classify(body: &[u8]) -> Result<Posted, Response> {
    let (kind, method, params) = match incoming::parse(body) {
        IncomingMessage::Request { id, method, params } => {
            (Kind::Request(id), Some(method), params)
        }
        IncomingMessage::Notification { method, params } => {
            (Kind::Notification, Some(method), params)
        }
        IncomingMessage::Result { .. } | IncomingMessage::Error { .. } => {
            (Kind::Response, None, None)
        }
        IncomingMessage::Invalid { id, error } => {
            let body = outgoing::error_response(id.as_ref(), &error);
            return Err(respond::json_response(
                StatusCode::BAD_REQUEST,
                body,
                &HeaderMap::new(),
            ));
        }
    };
    let sniff = ParamsSniff::of(params);
    let meta = sniff.meta();
    let name = method.as_deref().and_then(name_member).map(|member| {
        let raw = if member == "uri" {
            sniff.uri
        } else {
            sniff.name
        };
        raw.and_then(as_string)
    });
    Ok(Posted {
        kind,
        name,
        meta_version: meta
            .as_ref()
            .and_then(|m| m.protocol_version)
            .and_then(as_string),
        meta_capabilities: meta
            .as_ref()
            .is_some_and(|m| m.client_capabilities.is_some()),
        meta_object: meta.is_some(),
        cancelled: (method.as_deref() == Some("notifications/cancelled"))
            .then(|| {
                sniff
                    .request_id
                    .and_then(|raw| serde_json::from_str(raw.get()).ok())
            })
            .flatten(),
        initialize_version: (method.as_deref() == Some("initialize"))
            .then(|| sniff.protocol_version.and_then(as_string))
            .flatten(),
        method: method.map(|m| m.into_owned()),
    })
}

/// A header as a string: `Err` when it is there but not visible ASCII.
fn header<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, ()> {
    match headers.get(name) {
        None => Ok(None),
        Some(value) => value.to_str().map(Some).map_err(|_| ()),
    }
}

fn is_stateless_version(version: &str) -> bool {
    // An unknown version is taken for a newer stateless one, so that the client hears which
    // versions the server speaks.
    ProtocolVersion::from_wire(version).is_none_or(|v| v.is_stateless())
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
        Method::DELETE => shared.delete(&parts, principal),
        _ => method_not_allowed(
            "GET, POST, DELETE",
            "Method Not Allowed: the MCP endpoint takes POST, GET and DELETE",
        ),
    }
}

impl<H: ServerHandler> Shared<H> {
    /// The checks every request passes first: host and origin, authorization, the server up.
    async fn admit(&self, parts: &Parts) -> Result<Option<Arc<AccessToken>>, Response> {
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
        Ok(token)
    }

    async fn ensure_started(&self) -> Result<(), String> {
        self.started
            .get_or_init(|| async { self.server.start().await.map_err(|e| e.to_string()) })
            .await
            .clone()
    }

    fn close_everything(&self) {
        self.shutdown.cancel();
        let sessions: Vec<_> = write(&self.sessions).drain().map(|(_, s)| s).collect();
        for session in sessions {
            session.terminate();
        }
        let legacy: Vec<_> = lock(&self.legacy).drain().map(|(_, s)| s).collect();
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
        // The era: a stateless-era version in the header or the `_meta` (an unknown version
        // counts as a newer stateless one, so the client hears which versions exist), except
        // that an unknown header on a request of a session is a bad handshake-era header.
        let in_session = headers.contains_key(MCP_SESSION_ID);
        let stateless = posted
            .meta_version
            .as_deref()
            .is_some_and(is_stateless_version)
            || version.is_some_and(|v| match ProtocolVersion::from_wire(v) {
                Some(known) => known.is_stateless(),
                None => !in_session,
            });
        if stateless {
            return self
                .post_stateless(headers, body, posted, accepts_sse, token)
                .await;
        }
        if let Some(version) = version {
            if !self.handshake_version_supported(version) {
                return self.unsupported_version(version, posted_id(&posted));
            }
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
            match self.session(session_id, principal.as_deref()) {
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

    fn handshake_version_supported(&self, version: &str) -> bool {
        ProtocolVersion::from_wire(version)
            .is_some_and(|v| !v.is_stateless() && self.server.versions().0.contains(&v))
    }

    fn unsupported_version(&self, version: &str, id: Option<&RequestId>) -> Response {
        let supported = self.server.versions().1;
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

    /// A stateless-era POST: checked against its headers, served on its own.
    async fn post_stateless(
        &self,
        headers: &HeaderMap,
        body: Bytes,
        posted: Posted,
        accepts_sse: bool,
        token: Option<Arc<AccessToken>>,
    ) -> Response {
        let version = header(headers, MCP_PROTOCOL_VERSION).ok().flatten();
        let id = match &posted.kind {
            Kind::Request(id) => id.clone(),
            Kind::Notification => {
                // The stateless era defines no client notifications over HTTP (closing the
                // response stream is the cancellation): accept and drop them.
                if let Some(version) = version {
                    if !self.stateless_version_supported(version) {
                        return self.unsupported_version(version, None);
                    }
                }
                return empty_response(StatusCode::ACCEPTED, &HeaderMap::new());
            }
            Kind::Response => {
                return error_response(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::INVALID_REQUEST,
                    "Bad Request: in the stateless era the body must be a request or a \
                     notification, never a response",
                    None,
                );
            }
        };
        let mut checked = self.check_stateless(headers, &posted);
        if checked.is_ok() && posted.method.as_deref() == Some("tools/call") {
            checked = self.check_param_headers(headers, &body, &posted).await;
        }
        if let Err(error) = checked {
            let body = outgoing::error_response(Some(&id), &error);
            return respond::json_response(StatusCode::BAD_REQUEST, body, &HeaderMap::new());
        }
        let method = posted.method.as_deref().unwrap_or_default();
        if method == "initialize" {
            let supported = self.server.versions().1.join(", ");
            let error = ErrorData::method_not_found("initialize").with_data(serde_json::json!(
                format!("initialize belongs to the handshake era; this server speaks {supported}")
            ));
            let body = outgoing::error_response(Some(&id), &error);
            return respond::json_response(StatusCode::NOT_FOUND, body, &HeaderMap::new());
        }
        let listen = method == "subscriptions/listen";
        if listen && !accepts_sse {
            return error_response(
                StatusCode::NOT_ACCEPTABLE,
                ErrorCode::INVALID_REQUEST,
                "Not Acceptable: subscriptions/listen answers with an event stream; accept \
                 text/event-stream",
                Some(&id),
            );
        }
        let (tx, rx) = frame_channel(self.config.stream_buffer);
        let options = self.server.session_options().clone();
        let extensions = TokenSlot::new(token).extensions();
        let (exchange, mode) = if listen {
            let connection = self.server.connection(None);
            let events = self.server.notifier().subscribe();
            let exchange = Session::serve_one_with(
                &body,
                connection.clone(),
                ExchangeWriter(tx),
                options,
                extensions,
            );
            connection.forward_events_from(events, exchange.peer().clone());
            (exchange, ResponseMode::Sse)
        } else {
            let exchange = Session::serve_one_with(
                &body,
                self.stateless_service.clone(),
                ExchangeWriter(tx),
                options,
                extensions,
            );
            (exchange, self.config.mode)
        };
        reply(
            rx,
            exchange,
            self.reply_options(mode, true, HeaderMap::new()),
        )
        .await
    }

    fn stateless_version_supported(&self, version: &str) -> bool {
        ProtocolVersion::from_wire(version)
            .is_some_and(|v| v.is_stateless() && self.server.versions().0.contains(&v))
    }

    /// The checks of a stateless-era request against its headers, in the specification's
    /// order: the `_meta` envelope, the headers mirroring the body, the version.
    fn check_stateless(&self, headers: &HeaderMap, posted: &Posted) -> Result<(), ErrorData> {
        for name in [MCP_PROTOCOL_VERSION, MCP_METHOD, MCP_NAME] {
            if headers.get_all(name).iter().count() > 1 {
                return Err(header_mismatch(format!(
                    "the {name} header appears more than once"
                )));
            }
        }
        if !posted.meta_object || posted.meta_version.is_none() || !posted.meta_capabilities {
            return Err(ErrorData::invalid_params(
                "params._meta must be an object carrying io.modelcontextprotocol/protocolVersion \
                 (a string) and io.modelcontextprotocol/clientCapabilities, as every stateless-era \
                 request must",
            ));
        }
        let body_version = posted.meta_version.as_deref().unwrap_or_default();
        let text = |name: &str| {
            header(headers, name).map_err(|()| {
                header_mismatch(format!("the {name} header holds invalid characters"))
            })
        };
        match text(MCP_PROTOCOL_VERSION)? {
            Some(version) if version == body_version => {}
            Some(version) => {
                return Err(header_mismatch(format!(
                    "the MCP-Protocol-Version header ({version}) does not match the protocol \
                     version in params._meta ({body_version})"
                )));
            }
            None => {
                return Err(header_mismatch(
                    "the MCP-Protocol-Version header is missing; every stateless-era request \
                     must carry it",
                ));
            }
        }
        let method = posted.method.as_deref().unwrap_or_default();
        match text(MCP_METHOD)? {
            Some(header) if header == method => {}
            Some(header) => {
                return Err(header_mismatch(format!(
                    "the Mcp-Method header ({header}) does not match the method of the body \
                     ({method})"
                )));
            }
            None => {
                return Err(header_mismatch(
                    "the Mcp-Method header is missing; every stateless-era request must carry it",
                ));
            }
        }
        if let Some(Some(body_name)) = &posted.name {
            let member = name_member(method).unwrap_or("name");
            match text(MCP_NAME)? {
                Some(header) => match decode_header_value(header) {
                    Some(decoded) if decoded == body_name.as_str() => {}
                    Some(decoded) => {
                        return Err(header_mismatch(format!(
                            "the Mcp-Name header ({decoded}) does not match params.{member} \
                             ({body_name})"
                        )));
                    }
                    None => {
                        return Err(header_mismatch(
                            "the Mcp-Name header holds a malformed =?base64?…?= value",
                        ));
                    }
                },
                None => {
                    return Err(header_mismatch(format!(
                        "the Mcp-Name header is missing; {method} must mirror params.{member} in it"
                    )));
                }
            }
        }
        if !self.stateless_version_supported(body_version) {
            return Err(ErrorData::unsupported_protocol_version(
                body_version,
                &self.server.versions().1,
            ));
        }
        Ok(())
    }

    /// Checks the `Mcp-Param-*` headers of a stateless-era `tools/call` against its arguments,
    /// when the tool's schema annotates parameters with `x-mcp-header` (headers of other tools
    /// are not recognised, and ignored).
    async fn check_param_headers(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        posted: &Posted,
    ) -> Result<(), ErrorData> {
        let Some(Some(name)) = &posted.name else {
            return Ok(());
        };
        let version = posted.meta_version.as_deref().unwrap_or_default();
        let Some(tools) = self.tool_headers(version).await else {
            return Ok(());
        };
        let Some(annotations) = tools.get(name) else {
            return Ok(());
        };
        let message: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        param_headers::check(
            annotations,
            message["params"]["arguments"].as_object(),
            |header| {
                headers
                    .get_all(header)
                    .iter()
                    .map(|v| v.to_str().unwrap_or("\u{0}"))
                    .collect()
            },
        )
        .map_err(header_mismatch)
    }

    /// The annotated parameters of the server's tools, from its own `tools/list` (every page),
    /// kept until the tools change; `None` when the list cannot be had (the check is skipped).
    async fn tool_headers(&self, version: &str) -> Option<Arc<ToolHeaders>> {
        {
            use tokio::sync::broadcast::error::TryRecvError;
            let mut events = lock(&self.tool_events);
            loop {
                match events.try_recv() {
                    Ok(ServerEvent::ToolsListChanged) | Err(TryRecvError::Lagged(_)) => {
                        *lock(&self.tool_headers) = None;
                    }
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
        }
        if let Some(known) = lock(&self.tool_headers).clone() {
            return Some(known);
        }
        let mut tools = ToolHeaders::new();
        let mut cursor: Option<String> = None;
        for _ in 0..100 {
            let mut params = serde_json::json!({ "_meta": {
                "io.modelcontextprotocol/protocolVersion": version,
                "io.modelcontextprotocol/clientCapabilities": {},
            }});
            if let Some(cursor) = &cursor {
                params["cursor"] = serde_json::Value::String(cursor.clone());
            }
            let request = serde_json::json!({
                "jsonrpc": "2.0", "id": 0, "method": "tools/list", "params": params,
            });
            let (tx, mut rx) = frame_channel(usize::MAX);
            let exchange = Session::serve_one(
                &serde_json::to_vec(&request).ok()?,
                self.stateless_service.clone(),
                ExchangeWriter(tx),
                self.server.session_options().clone(),
            );
            let answer = tokio::time::timeout(Duration::from_secs(30), async {
                loop {
                    match rx.recv().await? {
                        respond::Frame::Message {
                            json, last: true, ..
                        } => return Some(json),
                        _ => continue,
                    }
                }
            })
            .await
            .ok()
            .flatten();
            drop(exchange);
            let answer: serde_json::Value = serde_json::from_slice(&answer?).ok()?;
            let result = answer.get("result")?;
            for tool in result.get("tools")?.as_array()? {
                let Some(name) = tool["name"].as_str() else {
                    continue;
                };
                match param_headers::annotations(&tool["inputSchema"]) {
                    Ok(annotations) if !annotations.is_empty() => {
                        tools.insert(name.to_owned(), annotations);
                    }
                    Ok(_) => {}
                    Err(why) => tracing::warn!(
                        tool = name,
                        "the tool's x-mcp-header annotations are invalid, so clients will leave \
                         it out: {why}"
                    ),
                }
            }
            match result.get("nextCursor").and_then(serde_json::Value::as_str) {
                Some(next) if cursor.as_deref() != Some(next) => cursor = Some(next.to_owned()),
                _ => break,
            }
        }
        let tools = Arc::new(tools);
        *lock(&self.tool_headers) = Some(tools.clone());
        Some(tools)
    }

    /// A handshake-era POST to a server in stateless mode: served on its own, as if the client
    /// had made the handshake.
    async fn post_sessionless(
        &self,
        body: Bytes,
        posted: Posted,
        version: Option<&str>,
        token: Option<Arc<AccessToken>>,
    ) -> Response {
        if !matches!(posted.kind, Kind::Request(_)) {
            return empty_response(StatusCode::ACCEPTED, &HeaderMap::new());
        }
        let connection = if posted.method.as_deref() == Some("initialize") {
            self.server.connection(None)
        } else {
            // Without the header, the specification says to assume 2025-03-26.
            let version = version
                .and_then(ProtocolVersion::from_wire)
                .unwrap_or(ProtocolVersion::V2025_03_26);
            self.server.connection(Some(version))
        };
        let (tx, rx) = frame_channel(self.config.stream_buffer);
        let exchange = Session::serve_one_with(
            &body,
            connection,
            ExchangeWriter(tx),
            self.server.session_options().clone(),
            TokenSlot::new(token).extensions(),
        );
        reply(
            rx,
            exchange,
            self.reply_options(self.config.mode, false, HeaderMap::new()),
        )
        .await
    }

    fn open_session(
        self: &Arc<Self>,
        token: Option<Arc<AccessToken>>,
    ) -> Result<Arc<HttpSession>, Response> {
        let mut sessions = write(&self.sessions);
        self.room_for_a_session(sessions.len() + lock(&self.legacy).len())?;
        let session = HttpSession::start(
            &self.server,
            token,
            StreamSettings {
                store: self.config.event_store.clone(),
                json_mode: self.config.mode == ResponseMode::Json,
                retry_ms: self.config.retry.map(|r| r.as_millis() as u64),
                buffer: self.config.stream_buffer,
            },
        );
        sessions.insert(session.id.clone(), session.clone());
        drop(sessions);
        self.start_sweeping();
        Ok(session)
    }

    /// Refuses one more session with 503 when `max_sessions` are open, of every transport
    /// together: `open` Streamable HTTP sessions and legacy SSE streams (counted by the caller
    /// under the locks of both maps, `sessions` first, held until the new one is inserted) and
    /// the WebSocket connections.
    fn room_for_a_session(&self, open: usize) -> Result<(), Response> {
        let Some(max) = self.config.max_sessions else {
            return Ok(());
        };
        let open = open + self.websockets.load(Ordering::Relaxed);
        if open < max {
            return Ok(());
        }
        tracing::warn!(open, max, "refusing a new session: too many are open");
        Err(error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::INTERNAL_ERROR,
            format!(
                "Service Unavailable: {open} sessions are open, the most this server takes \
                 ({max}); try again later"
            ),
            None,
        ))
    }

    /// Refuses a new WebSocket connection past `max_sessions`.
    fn refuse_new_connection_past_session_limit(&self) -> Result<(), Response> {
        let streamable = read(&self.sessions);
        let legacy = lock(&self.legacy);
        self.room_for_a_session(streamable.len() + legacy.len())
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

    /// The session a request names.
    fn session(
        &self,
        id: Option<&str>,
        principal: Option<&str>,
    ) -> Result<Arc<HttpSession>, Response> {
        let Some(id) = id else {
            return Err(error_response(
                StatusCode::BAD_REQUEST,
                ErrorCode::INVALID_REQUEST,
                "Bad Request: missing Mcp-Session-Id header; open a session with initialize \
                 first, or send a stateless request (MCP-Protocol-Version: 2026-07-28)",
                None,
            ));
        };
        match read(&self.sessions).get(id) {
            Some(session) if session.principal.as_deref() == principal => Ok(session.clone()),
            _ => Err(error_response(
                StatusCode::NOT_FOUND,
                ErrorCode::INVALID_REQUEST,
                "Not Found: unknown or expired session; start a new one with initialize",
                None,
            )),
        }
    }

    fn forget_session(&self, session: &HttpSession) {
        write(&self.sessions).remove(&session.id);
        session.terminate();
    }

    async fn post_to_session(
        &self,
        session: Arc<HttpSession>,
        body: Bytes,
        posted: Posted,
        version: Option<&str>,
        opening: bool,
    ) -> Response {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(&session.id) {
            headers.insert(MCP_SESSION_ID, value);
        }
        let id = match posted.kind {
            Kind::Request(id) => id,
            Kind::Notification | Kind::Response => {
                let busy = Busy::new(session.clone());
                if !session.push(body).await {
                    return self.gone();
                }
                if let Some(cancelled) = &posted.cancelled {
                    session.routes.cancelled(cancelled);
                }
                drop(busy);
                return empty_response(StatusCode::ACCEPTED, &headers);
            }
        };
        let busy = Busy::new(session.clone());
        let (tx, rx) = session.routes.channel();
        match session.routes.open_request(id.clone(), tx) {
            Ok(()) => {}
            Err(OpenError::Closed) => return self.gone(),
            Err(OpenError::Duplicate) => {
                return error_response(
                    StatusCode::CONFLICT,
                    ErrorCode::INVALID_REQUEST,
                    format!("Conflict: request {id} is already in flight in this session"),
                    Some(&id),
                );
            }
        }
        let resumable = session.routes.resumable()
            && self.config.mode != ResponseMode::Json
            && !opening
            && version
                .and_then(ProtocolVersion::from_wire)
                .is_some_and(|v| v >= ProtocolVersion::V2025_11_25);
        if resumable {
            session.routes.prime_request(id.clone());
        }
        if !session.push(body).await {
            session.routes.cancelled(&id);
            return self.gone();
        }
        if opening {
            return self.answer_initialize(session, rx, busy, headers).await;
        }
        let mode = if resumable {
            ResponseMode::Sse
        } else {
            self.config.mode
        };
        reply(rx, busy, self.reply_options(mode, false, headers)).await
    }

    /// The answer to the `initialize` that opened a session; a failed one closes it again.
    async fn answer_initialize(
        &self,
        session: Arc<HttpSession>,
        mut rx: FrameRx,
        busy: Busy,
        headers: HeaderMap,
    ) -> Response {
        let answer = loop {
            let frame = tokio::select! {
                frame = rx.recv() => frame,
                () = self.shutdown.cancelled() => None,
            };
            match frame {
                Some(respond::Frame::Message {
                    json, last: true, ..
                }) => break Some(json),
                Some(_) => continue,
                None => break None,
            }
        };
        drop(busy);
        let Some(json) = answer else {
            self.forget_session(&session);
            return self.gone();
        };
        if respond::error_code(&json).is_some() {
            self.forget_session(&session);
            return respond::json_response(StatusCode::OK, json, &HeaderMap::new());
        }
        match self.config.mode {
            ResponseMode::Sse => {
                let (tx, rx) = frame_channel(self.config.stream_buffer);
                let _ = tx.send(respond::Frame::Message {
                    json,
                    event_id: None,
                    last: true,
                });
                sse_response(
                    None,
                    rx,
                    (),
                    &self.reply_options(ResponseMode::Sse, false, headers),
                )
            }
            ResponseMode::Auto | ResponseMode::Json => {
                respond::json_response(StatusCode::OK, json, &headers)
            }
        }
    }

    fn gone(&self) -> Response {
        error_response(
            StatusCode::NOT_FOUND,
            ErrorCode::INVALID_REQUEST,
            "Not Found: the session has ended; start a new one with initialize",
            None,
        )
    }

    async fn get(&self, parts: Parts, principal: Option<String>) -> Response {
        let headers = &parts.headers;
        if let Ok(Some(version)) = header(headers, MCP_PROTOCOL_VERSION) {
            if is_stateless_version(version) {
                return method_not_allowed(
                    "POST",
                    "Method Not Allowed: the stateless era has no GET stream; open a \
                     subscriptions/listen request for change notifications",
                );
            }
        }
        if self.config.stateless {
            return method_not_allowed(
                "POST",
                "Method Not Allowed: this server runs statelessly and offers no GET stream",
            );
        }
        if !security::accepts(headers).1 {
            return error_response(
                StatusCode::NOT_ACCEPTABLE,
                ErrorCode::INVALID_REQUEST,
                "Not Acceptable: the GET stream is an event stream; accept text/event-stream",
                None,
            );
        }
        let session_id = header(headers, MCP_SESSION_ID).ok().flatten();
        let session = match self.session(session_id, principal.as_deref()) {
            Ok(session) => session,
            Err(response) => return response,
        };
        let busy = Busy::new(session.clone());
        let mut response_headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(&session.id) {
            response_headers.insert(MCP_SESSION_ID, value);
        }
        let options = self.reply_options(ResponseMode::Sse, false, response_headers);
        let last_event_id = header(headers, LAST_EVENT_ID).ok().flatten();
        if let (Some(last_event_id), true) = (last_event_id, session.routes.resumable()) {
            return match session.routes.resume(last_event_id.to_owned()).await {
                Ok(rx) => sse_response(None, rx, busy, &options),
                Err(ResumeError::Unknown) => error_response(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::INVALID_REQUEST,
                    format!(
                        "Bad Request: unknown Last-Event-ID {last_event_id:?}: the events after \
                         it are no longer kept, or it belongs to another session"
                    ),
                    None,
                ),
                Err(ResumeError::Store(e)) => error_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorCode::INTERNAL_ERROR,
                    format!("the event store failed to replay the stream: {e}"),
                    None,
                ),
            };
        }
        let (tx, rx) = session.routes.channel();
        match session.routes.open_standalone(tx) {
            Ok(()) => {}
            Err(OpenError::Closed) => return self.gone(),
            Err(OpenError::Duplicate) => {
                return error_response(
                    StatusCode::CONFLICT,
                    ErrorCode::INVALID_REQUEST,
                    "Conflict: this session's GET stream is already open",
                    None,
                );
            }
        }
        let version = header(headers, MCP_PROTOCOL_VERSION)
            .ok()
            .flatten()
            .and_then(ProtocolVersion::from_wire);
        if session.routes.resumable() && version.is_some_and(|v| v >= ProtocolVersion::V2025_11_25)
        {
            session.routes.prime_standalone();
        }
        sse_response(None, rx, busy, &options)
    }

    fn delete(&self, parts: &Parts, principal: Option<String>) -> Response {
        let headers = &parts.headers;
        let stateless_header = header(headers, MCP_PROTOCOL_VERSION)
            .ok()
            .flatten()
            .is_some_and(is_stateless_version);
        if self.config.stateless || stateless_header {
            return method_not_allowed("POST", "Method Not Allowed: there is no session to end");
        }
        let session_id = header(headers, MCP_SESSION_ID).ok().flatten();
        match self.session(session_id, principal.as_deref()) {
            Ok(session) => {
                self.forget_session(&session);
                empty_response(StatusCode::OK, &HeaderMap::new())
            }
            Err(response) => response,
        }
    }

    /// Closes sessions idle for longer than the idle timeout, every so often.
    fn start_sweeping(self: &Arc<Self>) {
        let Some(timeout) = self.config.idle_timeout else {
            return;
        };
        self.sweeping.call_once(|| {
            tokio::spawn(sweep(Arc::downgrade(self), timeout));
        });
    }
}

fn posted_id(posted: &Posted) -> Option<&RequestId> {
    match &posted.kind {
        Kind::Request(id) => Some(id),
        _ => None,
    }
}

fn header_mismatch(message: impl Into<String>) -> ErrorData {
    ErrorData::new(
        ErrorCode::HEADER_MISMATCH,
        format!("Header mismatch: {}", message.into()),
    )
}

/// Closes sessions idle for longer than `timeout`, until the server is gone or shut down.
async fn sweep<H: ServerHandler>(shared: Weak<Shared<H>>, timeout: Duration) {
    let period = (timeout / 4).clamp(Duration::from_millis(100), Duration::from_secs(30));
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        if shared.shutdown.is_cancelled() {
            return;
        }
        let now = session::now_ms();
        let limit = timeout.as_millis() as u64;
        let expired: Vec<Arc<HttpSession>> = read(&shared.sessions)
            .values()
            .filter(|s| {
                s.idle_since()
                    .is_some_and(|since| now.saturating_sub(since) > limit)
            })
            .cloned()
            .collect();
        for session in expired {
            tracing::info!(session = %session.id, "closing a session idle for longer than {timeout:?}");
            shared.forget_session(&session);
        }
    }
}
