//! Building an [`HttpServer`]: its path, transports, limits, checks and authorization, each
//! with a safe default.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::time::Duration;

use parking_lot::{Mutex, RwLock};
use tokio_util::sync::CancellationToken;

use super::bearer::{AuthSettings, BearerAuth};
use super::event_store::EventStore;
use super::listen::ConnectionLimits;
use super::queue::DEFAULT_STREAM_BUFFER;
use super::replica_bus::ReplicaBus;
use super::replicas::Replicas;
use super::security::{Guard, Hosts};
use super::session_id::SessionSecret;
use super::session_store::SessionStore;
use super::{HttpAuth, HttpServer, ResponseMode, Shared};
use crate::server::{Server, ServerHandler};

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

/// What the builder sets.
#[derive(Clone)]
pub(super) struct Config {
    pub(super) path: String,
    pub(super) legacy: Option<(String, String)>,
    pub(super) stateless: bool,
    pub(super) mode: ResponseMode,
    pub(super) event_store: Option<Arc<dyn EventStore>>,
    /// Handshake-era sessions shared with the server's other replicas.
    pub(super) replicas: Option<Arc<Replicas>>,
    /// Signs the session ids.
    pub(super) session_secret: Option<SessionSecret>,
    pub(super) retry: Option<Duration>,
    pub(super) max_body: usize,
    pub(super) body_read_timeout: Option<Duration>,
    pub(super) stream_buffer: usize,
    pub(super) connections: ConnectionLimits,
    pub(super) idle_timeout: Option<Duration>,
    pub(super) max_sessions: Option<usize>,
    pub(super) keep_alive: Option<Duration>,
    pub(super) guard: Guard,
    pub(super) auth: Option<Arc<dyn HttpAuth>>,
    /// The protected resource metadata to serve, with bearer authorization.
    pub(super) resource_metadata: Option<Arc<AuthSettings>>,
    /// Whether the Streamable HTTP endpoint is served (it is unless only WebSocket is wanted).
    pub(super) streamable: bool,
    /// The path of the WebSocket endpoint, when there is one.
    #[cfg(feature = "ws-server")]
    pub(super) websocket: Option<String>,
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

    /// Shares the handshake-era sessions with the server's other replicas (see
    /// docs/scale-out.md): each session's state is kept in `store`, so that any replica serves
    /// any of its requests, and the replicas tell each other over `bus` what concerns them all
    /// (change notifications, changes to a session, a client's answer for the replica that
    /// asked). Give every replica the same [`session_secret`](Self::session_secret), and an
    /// [`event_store`](Self::event_store) they share for resumable streams.
    ///
    /// When the store cannot be reached, requests of handshake-era sessions get 503 saying
    /// so; the stateless era needs neither.
    pub fn shared_sessions(mut self, store: impl SessionStore, bus: impl ReplicaBus) -> Self {
        self.config.replicas = Some(Arc::new(Replicas::new(Arc::new(store), Arc::new(bus))));
        self
    }

    /// Signs the session ids this server issues, so that an id none of the replicas sharing
    /// the secret issued is refused at once, without asking the session store (see
    /// [`SessionSecret::from_env`]). Without it ids are plain random.
    pub fn session_secret(mut self, secret: SessionSecret) -> Self {
        self.config.session_secret = Some(secret);
        self
    }

    /// Checks every request first (authorization).
    pub fn auth(mut self, auth: impl HttpAuth) -> Self {
        self.config.auth = Some(Arc::new(auth));
        self
    }

    /// Builds the server.
    pub fn build(self) -> HttpServer<H> {
        let tool_events = self.server.notifier().subscribe();
        let local_events = self
            .config
            .replicas
            .is_some()
            .then(|| self.server.notifier().local_events());
        HttpServer {
            shared: Arc::new(Shared {
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
                sharing: std::sync::Once::new(),
                local_events: Mutex::new(local_events),
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
                replicas: None,
                session_secret: None,
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
}
