//! Configuring a [`Client`] and connecting it: identity, callbacks, version choice, timeouts,
//! and the transports to connect over (any, a spawned stdio server, a URL).

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use super::handler::{self, ClientService};
use super::{Callbacks, Client, ClientInner, negotiate};
use crate::error::{Error, Result};
use crate::jsonrpc::{Session, SessionOptions};
use crate::transport::Transport;
use crate::transport::stdio::{ChildProcess, ChildProcessTransport, StdioServerParameters};
use crate::types::extensions::apps::{UI_EXTENSION, UiClientCapability};
use crate::types::extensions::tasks::TASKS_EXTENSION;
use crate::types::{
    ClientCapabilities, CreateMessageRequestParams, CreateMessageResult, ElicitRequestParams,
    ElicitResult, ErrorData, Implementation, JsonObject, ListRootsResult, LoggingLevel,
    LoggingMessageNotificationParams, ProtocolVersion, ServerNotification,
};

/// How many `input_required` rounds one request may take before the client gives up.
const DEFAULT_MAX_INPUT_ROUNDS: usize = 10;

/// How the client picks its protocol version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VersionChoice {
    /// The newest version the server offers: probe with `server/discover`, fall back to the
    /// `initialize` handshake.
    #[default]
    Auto,
    /// Exactly this version; connecting fails if the server does not speak it.
    Pinned(ProtocolVersion),
}

/// Builds a [`Client`]: identity, callbacks, version choice, timeouts.
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    info: Implementation,
    callbacks: Callbacks,
    capabilities: Option<ClientCapabilities>,
    version: VersionChoice,
    probe_timeout: Duration,
    session_options: SessionOptions,
    log_level: Option<LoggingLevel>,
    max_input_rounds: usize,
    /// Extensions declared on top of the capabilities, by identifier.
    extensions: BTreeMap<String, JsonObject>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            info: Implementation::new("mcp-rust-client", env!("CARGO_PKG_VERSION")),
            callbacks: Callbacks::default(),
            capabilities: None,
            version: VersionChoice::Auto,
            probe_timeout: Duration::from_secs(5),
            session_options: SessionOptions::default(),
            log_level: None,
            max_input_rounds: DEFAULT_MAX_INPUT_ROUNDS,
            extensions: BTreeMap::new(),
        }
    }
}

impl ClientBuilder {
    /// The client's name and version, sent to servers.
    pub fn info(mut self, info: Implementation) -> Self {
        self.info = info;
        self
    }

    /// Answers the server's sampling requests (and declares the `sampling` capability).
    pub fn on_sampling<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(CreateMessageRequestParams) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<CreateMessageResult, ErrorData>> + Send + 'static,
    {
        self.callbacks.sampling = Some(handler::sampling(f));
        self
    }

    /// Answers the server's elicitation requests (and declares the `elicitation` capability).
    /// When `f` accepts a form and leaves out fields for which the form gives a `default`, the
    /// client sends those defaults, as if the form had been shown pre-filled (SEP-1034).
    pub fn on_elicitation<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(ElicitRequestParams) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<ElicitResult, ErrorData>> + Send + 'static,
    {
        self.callbacks.elicitation = Some(handler::elicitation(f));
        self
    }

    /// Answers the server's requests for roots (and declares the `roots` capability).
    pub fn on_roots<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<ListRootsResult, ErrorData>> + Send + 'static,
    {
        self.callbacks.roots = Some(handler::roots(f));
        self
    }

    /// Receives the server's log messages. In the stateless era the server only sends them for
    /// requests that ask, so this also sets the level asked for to `debug` unless
    /// [`log_level`](Self::log_level) says otherwise.
    pub fn on_logging(
        mut self,
        f: impl Fn(LoggingMessageNotificationParams) + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.logging = Some(Arc::new(f));
        self.log_level.get_or_insert(LoggingLevel::Debug);
        self
    }

    /// Receives every other notification (list changes, resource updates, progress not tied to
    /// a call of ours).
    pub fn on_notification(
        mut self,
        f: impl Fn(ServerNotification) + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.notification = Some(Arc::new(f));
        self
    }

    /// The lowest log level wanted from the server: sent with every stateless-era request, and
    /// with `logging/setLevel` after a handshake.
    pub fn log_level(mut self, level: LoggingLevel) -> Self {
        self.log_level = Some(level);
        self
    }

    /// Declares these capabilities instead of the ones derived from the callbacks.
    pub fn capabilities(mut self, capabilities: ClientCapabilities) -> Self {
        self.capabilities = Some(capabilities);
        self
    }

    /// Declares the extension `id` with `settings` under `capabilities.extensions` (on top of
    /// the other capabilities, derived or [given](Self::capabilities)).
    pub fn extension(mut self, id: impl Into<String>, settings: JsonObject) -> Self {
        self.extensions.insert(id.into(), settings);
        self
    }

    /// Declares the tasks extension for the whole session, so that the server may run any
    /// tool call as a task (follow them with [`Client::tasks`](super::Client::tasks)). Without
    /// it, [`Tasks`](super::Tasks) still declares the extension call by call.
    pub fn tasks(self) -> Self {
        self.extension(TASKS_EXTENSION, JsonObject::new())
    }

    /// Declares that this client renders MCP App views (`io.modelcontextprotocol/ui` with
    /// `text/html;profile=mcp-app`): servers may then answer tools that have a view with
    /// results meant for it. Read a tool's view with [`Client::read_app_view`](super::Client::read_app_view).
    pub fn apps(self) -> Self {
        self.extension(UI_EXTENSION, UiClientCapability::html().settings())
    }

    /// Speaks exactly `version`.
    pub fn protocol_version(mut self, version: ProtocolVersion) -> Self {
        self.version = VersionChoice::Pinned(version);
        self
    }

    /// How long to wait for the answer to the `server/discover` probe before assuming a
    /// handshake-era server (default 5 s).
    pub fn probe_timeout(mut self, timeout: Duration) -> Self {
        self.probe_timeout = timeout;
        self
    }

    /// The default time limit of requests (default 60 s; `None` waits forever).
    pub fn request_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.session_options.request_timeout = timeout;
        self
    }

    /// Options of the JSON-RPC session.
    pub fn session_options(mut self, options: SessionOptions) -> Self {
        self.session_options = options;
        self
    }

    /// How many `input_required` rounds one request may take (default 10).
    pub fn max_input_rounds(mut self, rounds: usize) -> Self {
        self.max_input_rounds = rounds;
        self
    }

    /// Connects over `transport` and agrees on a protocol version.
    pub async fn connect<T: Transport>(self, transport: T) -> Result<Client> {
        self.connect_with(transport, None).await
    }

    /// Spawns a server process and connects to it over its stdin/stdout.
    pub async fn connect_stdio(self, params: StdioServerParameters) -> Result<Client> {
        let transport = ChildProcessTransport::spawn(&params)?;
        let process = transport.process().clone();
        match self.connect_with(transport, Some(process.clone())).await {
            Ok(client) => Ok(client),
            Err(e) => {
                // The process may have died: say how.
                let _ = tokio::time::timeout(Duration::from_millis(200), process.wait()).await;
                match process.describe_exit() {
                    Some(exit) if !matches!(e, Error::Protocol(_)) => {
                        Err(Error::ConnectionClosed(Some(exit)))
                    }
                    _ => Err(e),
                }
            }
        }
    }

    /// Connects to the MCP server at `url` over Streamable HTTP; when the server turns out to
    /// speak only the legacy HTTP+SSE transport of 2024-11-05 (the POST got 400, 404 or 405
    /// without a JSON-RPC error the client recognises), connects to it that way instead, as the
    /// specification describes. For headers or credentials, build a
    /// [`StreamableHttpTransport`](crate::transport::http::StreamableHttpTransport) and
    /// [`connect`](Self::connect) it.
    ///
    /// ```no_run
    /// # async fn run() -> mcp::Result<()> {
    /// let client = mcp::client::Client::builder()
    ///     .connect_http("http://127.0.0.1:8000/mcp")
    ///     .await?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "http-client")]
    pub async fn connect_http(self, url: &str) -> Result<Client> {
        use crate::transport::http::{SseClientTransport, StreamableHttpTransport};
        let transport = StreamableHttpTransport::new(url)?;
        let error = match self.clone().connect(transport).await {
            Ok(client) => return Ok(client),
            Err(error) => error,
        };
        let legacy_hint = match &error {
            Error::Protocol(e) => e
                .data
                .as_ref()
                .and_then(|d| d.get("httpStatus"))
                .and_then(serde_json::Value::as_u64)
                .is_some_and(|status| matches!(status, 400 | 404 | 405)),
            _ => false,
        };
        if !legacy_hint {
            return Err(error);
        }
        match SseClientTransport::new(url)?.connect().await {
            Ok(sse) => self.connect(sse).await,
            Err(sse_error) => {
                tracing::debug!(error = %sse_error, "the legacy SSE transport did not answer either");
                Err(error)
            }
        }
    }

    async fn connect_with<T: Transport>(
        self,
        transport: T,
        process: Option<ChildProcess>,
    ) -> Result<Client> {
        let mut capabilities = self
            .capabilities
            .clone()
            .unwrap_or_else(|| self.callbacks.capabilities());
        if !self.extensions.is_empty() {
            capabilities
                .extensions
                .get_or_insert_with(Default::default)
                .extend(self.extensions.clone());
        }
        let service = Arc::new(ClientService::new(self.callbacks.clone()));
        let session = Session::start(transport, service.clone(), self.session_options.clone());
        let peer = session.peer().clone();
        let client = Client {
            inner: Arc::new(ClientInner {
                peer,
                service,
                info: self.info.clone(),
                capabilities,
                negotiated: std::sync::OnceLock::new(),
                log_level: parking_lot::Mutex::new(self.log_level),
                max_input_rounds: self.max_input_rounds,
            }),
            session: Some(session),
            process,
        };
        let negotiated = match negotiate::negotiate(&client, self.version, self.probe_timeout).await
        {
            Ok(negotiated) => negotiated,
            Err(e) => {
                client.close().await;
                return Err(e);
            }
        };
        let _ = client.inner.negotiated.set(negotiated);
        if !client.protocol_version().is_stateless()
            && let Some(level) = self.log_level
            && client.server_capabilities().logging.is_some()
        {
            client.set_logging_level(level).await?;
        }
        Ok(client)
    }
}
