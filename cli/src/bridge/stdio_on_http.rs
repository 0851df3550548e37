//! A stdio server served over Streamable HTTP (both protocol eras) or the legacy HTTP+SSE
//! transport, by the SDK's [`HttpServer`].
//!
//! The design: **each handshake-era HTTP session gets a child of its own**, started at the
//! session's first request after `initialize`, introduced to the child with the HTTP client's
//! name and capabilities, and ended (stdin closed, then a signal if it lingers) when the session
//! ends (DELETE, idle timeout, shutdown). A child therefore has one client, exactly as over
//! stdio: its server-to-client requests (sampling, elicitation, roots), log messages, list
//! changes and resource updates go to that session and no other, which one child shared by
//! many sessions could not guarantee (a stdio message does not say which request it serves).
//! Stateless-era (2026-07-28) requests carry everything about their client in `_meta` and
//! belong to no session: they go to one shared child, started with the bridge (it is also what
//! tells the bridge the server's name, capabilities and instructions before the first client
//! arrives). The shared child's log messages go to the request that asked for them (stdio does
//! not say which request a log message belongs to: with several such requests in flight at once,
//! the message is written to the bridge's stderr instead of being guessed), and its change
//! notifications to every `subscriptions/listen` stream that wants them: the bridge listens to
//! the child itself (a stateless-era child) for every list change and every resource an HTTP
//! client subscribed to.
//!
//! At most `--max-sessions` sessions (so as many processes, and the shared one) are open at
//! once, whatever their transport: the request that would open one more gets 503, and no more
//! than four processes start at the same time.
//!
//! Each message is forwarded by the SDK on both sides: the HTTP side is a [`Server`] whose
//! handler passes every request to the child's [`Client`], which gives it an id of its own (so
//! requests of many HTTP clients never collide), forwards progress back under the HTTP
//! client's progress token, and cancels the child's request when the HTTP client cancels or
//! goes away. A session's child speaks the session's protocol version; the shared child the
//! newest it offers (the stateless era when it has it), and its requests for input become
//! `input_required` round trips of the stateless-era request being forwarded.

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use mcp::client::{CallOptions, Client, ClientBuilder};
use mcp::http_server::HttpServer;
use mcp::jsonrpc::{Peer, RequestOptions};
use mcp::server::{HandlerRequest, RequestContext, Server, ServerHandler, ServerNotifier};
use mcp::transport::stdio::{Stderr, StdioServerParameters};
use mcp::types::*;
use parking_lot::Mutex;
use serde_json::Value;
use tokio::sync::OnceCell;

use super::token_auth::{self, Origin};
use crate::error::{CliError, Result};
use crate::spec::Launch;

/// Where and how to serve.
#[derive(Debug, Clone)]
pub struct Listen {
    /// The address to bind.
    pub host: String,
    /// The port (0: any free one; the one chosen is printed).
    pub port: u16,
    /// Serve the legacy HTTP+SSE transport at `/sse` (messages at `/messages/`) too.
    pub legacy_sse: bool,
    /// How many client sessions (each with a server process of its own) may be open at once,
    /// of every transport together; the request that would open one more gets 503.
    pub max_sessions: usize,
    /// Names the listener is reached by besides IP addresses and `localhost` (`mcp.example.com`,
    /// `name:port`): any other `Host` is refused, as a DNS rebinding attack would send it.
    pub server_names: Vec<String>,
    /// The bearer token every request must carry, when one is required, and where it came from.
    pub auth: Option<(super::token_auth::TokenAuth, super::token_auth::Origin)>,
}

/// Serves `launch` over HTTP until SIGINT or SIGTERM; then every child is stopped.
pub async fn serve(launch: &Launch, mut listen: Listen) -> Result<ExitCode> {
    let link = StatelessLink::default();
    let shared = spawn(launch, Asker::Stateless(link.clone()))
        .await
        .map_err(|e| {
            CliError::server(format!("`{}` did not start: {e}", launch.display()))
                .hint("`mcp run` without --transport runs it on this terminal, to see why")
        })?;
    let info = shared.server_info().cloned().unwrap_or_else(|| {
        Implementation::new(
            launch.program.display().to_string(),
            env!("CARGO_PKG_VERSION"),
        )
    });
    let instructions = shared.instructions().map(str::to_owned);
    let shared = Arc::new(shared);
    let bridge = Bridge(Arc::new(Inner {
        launch: launch.clone(),
        capabilities: shared.server_capabilities().clone(),
        shared: Mutex::new(Some(shared.clone())),
        stateless: link.clone(),
        upstream: tokio::sync::Mutex::new(Upstream::default()),
        sessions: Mutex::new(Vec::new()),
        starting: tokio::sync::Semaphore::new(CONCURRENT_STARTS),
    }));
    let mut builder = Server::builder(info.name.clone(), bridge).info(info);
    if let Some(instructions) = instructions {
        builder = builder.instructions(instructions);
    }
    let server = builder.build();
    let _ = link.notifier.set(server.notifier().clone());
    let bridge = server.handler().clone();
    if shared.protocol_version().is_stateless() {
        // A stateless-era child announces list changes only on a `subscriptions/listen` stream.
        if let Err(e) = bridge.listen_upstream(None).await {
            eprintln!(
                "mcp run: the server does not take subscriptions/listen ({e}); list changes will not reach HTTP clients"
            );
        }
    }
    // The bridge holds the only handle left, so that stopping it can close the child's stdin.
    drop(shared);

    let listener = tokio::net::TcpListener::bind((listen.host.as_str(), listen.port))
        .await
        .map_err(|e| {
            CliError::environment(format!(
                "cannot listen on {}:{}: {e}",
                listen.host, listen.port
            ))
            .hint("pick another port with --port, or stop what uses this one")
        })?;
    let address = listener
        .local_addr()
        .map_err(|e| CliError::environment(format!("cannot listen: {e}")))?;
    // On a public interface the SDK answers IP addresses and the names given, never any
    // other Host: what a rebound page sends.
    let mut http = HttpServer::builder(server)
        .max_sessions(Some(listen.max_sessions))
        .server_names(std::mem::take(&mut listen.server_names));
    if listen.legacy_sse {
        http = http.legacy_sse("/sse", "/messages/");
    }
    let mut auth_note = None;
    if let Some((auth, origin)) = listen.auth.take() {
        auth_note = Some(match origin {
            Origin::Generated => format!(
                "every request must carry `Authorization: Bearer {}` (a token generated for this \
                 run; choose one with {} or --auth-token-file)",
                auth.token(),
                token_auth::TOKEN_VAR
            ),
            Origin::Given => {
                "every request must carry `Authorization: Bearer` and the token given".to_owned()
            }
        });
        http = http.auth(auth);
    }
    let http = http.build();
    eprintln!(
        "mcp run: serving `{}` at http://{address}/mcp{}",
        launch.display(),
        if listen.legacy_sse {
            format!(" (legacy SSE at http://{address}/sse)")
        } else {
            String::new()
        }
    );
    if let Some(note) = auth_note {
        eprintln!("mcp run: {note}");
    }
    let served = http
        .serve(listener, http.router(), mcp::http_server::shutdown_signal())
        .await;
    bridge.0.stop().await;
    served.map_err(|e| CliError::environment(format!("the HTTP server failed: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

/// How a child's requests to its client (sampling, elicitation, roots) find that client.
#[derive(Clone)]
enum Asker {
    /// A handshake-era session's child: through the session's request in progress, so the
    /// request travels on that request's response stream (the Python SDK does the same), or,
    /// between requests, on the session's GET stream.
    Session(SessionLink),
    /// The shared child: through the stateless-era request being forwarded on the current
    /// task, as an `input_required` round trip (see [`FORWARDING`]).
    Stateless(StatelessLink),
}

/// Where the shared child's notifications go.
#[derive(Clone, Default)]
struct StatelessLink {
    /// Change notifications: to every client listening for them (set once the server is built).
    notifier: Arc<OnceLock<ServerNotifier>>,
    /// Log messages: to the stateless-era request in flight that asked for them.
    in_flight: Arc<Mutex<Vec<RequestContext>>>,
}

impl StatelessLink {
    /// Passes a log message of the shared child to the one request in flight that wants its
    /// level; with several, stdio cannot say whose it is, so it goes to the bridge's stderr.
    fn log(&self, params: &LoggingMessageNotificationParams) {
        let wanting: Vec<RequestContext> = self
            .in_flight
            .lock()
            .iter()
            .filter(|cx| cx.log_enabled(params.level))
            .cloned()
            .collect();
        match wanting.as_slice() {
            [] => {}
            [cx] => {
                let _ = cx.log(params.level, params.logger.as_deref(), &params.data);
            }
            _ => eprintln!(
                "mcp run: server log ({}{}): {}",
                params.level.as_str(),
                params
                    .logger
                    .as_deref()
                    .map(|l| format!(", {l}"))
                    .unwrap_or_default(),
                match &params.data {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                }
            ),
        }
    }
}

/// The bridge's own `subscriptions/listen` stream on a stateless-era shared child.
#[derive(Default)]
struct Upstream {
    /// The resources HTTP clients subscribed to.
    uris: std::collections::BTreeSet<String>,
    /// The task passing the stream's notifications on; aborting it cancels the stream.
    task: Option<tokio::task::JoinHandle<()>>,
}

/// A handshake-era HTTP session: its client, and its requests being forwarded now.
#[derive(Clone)]
struct SessionLink {
    /// The session's client.
    peer: Peer,
    /// The session's first request: its client's facts and the session's log level.
    first: RequestContext,
    /// The session's requests in progress, newest last.
    in_flight: Arc<Mutex<Vec<RequestContext>>>,
}

tokio::task_local! {
    /// The stateless-era request forwarded on this task: the shared child's input requests
    /// (which its client answers on the same task, between the rounds of the request) are put
    /// to the HTTP client through it.
    static FORWARDING: Forwarding;
}

#[derive(Clone)]
struct Forwarding {
    cx: RequestContext,
    /// Set when the HTTP client must answer first: the request is answered `input_required`.
    input_required: Arc<AtomicBool>,
}

impl Asker {
    /// The request context to ask through: a request in progress, if any.
    fn current(&self) -> std::result::Result<Option<RequestContext>, ErrorData> {
        match self {
            Asker::Session(link) => Ok(link.in_flight.lock().last().cloned()),
            Asker::Stateless(_) => FORWARDING.try_with(|f| Some(f.cx.clone())).map_err(|_| {
                ErrorData::internal_error(
                    "the server asked for client input outside of a request; over HTTP in \
                         the stateless era there is no client to ask",
                )
            }),
        }
    }

    /// Asks the client: through `through` (a request in progress), or with a plain request on
    /// the session.
    async fn ask<P, R, F, Fut>(
        &self,
        method: &str,
        params: Option<&P>,
        through: F,
    ) -> std::result::Result<R, ErrorData>
    where
        P: serde::Serialize + Sync,
        R: serde::de::DeserializeOwned,
        F: FnOnce(RequestContext) -> Fut,
        Fut: std::future::Future<Output = mcp::Result<R>>,
    {
        let outcome = match (self.current()?, self) {
            (Some(cx), _) => through(cx).await,
            (None, Asker::Session(link)) => {
                let options = RequestOptions {
                    // A person may be answering.
                    timeout: None,
                    ..RequestOptions::default()
                };
                link.peer.request(method, params, options).await
            }
            (None, Asker::Stateless(_)) => unreachable!("current() fails without a request"),
        };
        outcome.map_err(|e| match e {
            mcp::Error::InputRequired => {
                let _ = FORWARDING.try_with(|f| f.input_required.store(true, Ordering::Relaxed));
                ErrorData::internal_error("waiting for the client's input")
            }
            mcp::Error::Protocol(error) => error,
            other => ErrorData::internal_error(format!("the HTTP client did not answer: {other}")),
        })
    }
}

/// Starts the server and connects a client to it that answers the server's requests through
/// `asker`; a session's child introduces itself as the session's client.
async fn spawn(launch: &Launch, asker: Asker) -> mcp::Result<Client> {
    let mut params = StdioServerParameters::new(&launch.program)
        .args(launch.args.iter().cloned())
        .stderr(Stderr::Inherit);
    for (key, value) in &launch.env {
        params = params.env(key, value);
    }
    if let Some(cwd) = &launch.cwd {
        params = params.cwd(cwd);
    }
    let mut builder = Client::builder()
        .info(Implementation::new("mcp-run", env!("CARGO_PKG_VERSION")))
        // The HTTP client decides how long it waits.
        .request_timeout(None)
        // A server that is slow to start (uv, a first build) must not be taken for one that
        // ignores the `server/discover` probe.
        .probe_timeout(std::time::Duration::from_secs(60));
    let (sampling, elicitation, roots) = (asker.clone(), asker.clone(), asker.clone());
    builder = builder
        .on_sampling(move |params: CreateMessageRequestParams| {
            let asker = sampling.clone();
            async move {
                let through = params.clone();
                asker
                    .ask("sampling/createMessage", Some(&params), |cx| async move {
                        cx.create_message(through).await
                    })
                    .await
            }
        })
        .on_elicitation(move |params: ElicitRequestParams| {
            let asker = elicitation.clone();
            async move {
                let through = params.clone();
                asker
                    .ask("elicitation/create", Some(&params), |cx| async move {
                        cx.elicit(through).await
                    })
                    .await
            }
        })
        .on_roots(move || {
            let asker = roots.clone();
            async move {
                asker
                    .ask("roots/list", None::<&Value>, |cx| async move {
                        cx.list_roots().await
                    })
                    .await
            }
        });
    match asker {
        Asker::Session(link) => builder = on_behalf_of(builder, link),
        Asker::Stateless(link) => {
            let logs = link.clone();
            builder = builder
                .on_logging(move |params| logs.log(&params))
                .on_notification(move |note| {
                    if let Some(notifier) = link.notifier.get() {
                        announce(notifier, &note);
                    }
                });
        }
    }
    builder.connect_stdio(params).await
}

/// A session child's client: it introduces itself as the session's client, with exactly its
/// capabilities, and passes the child's log messages and notifications to the session.
fn on_behalf_of(mut builder: ClientBuilder, link: SessionLink) -> ClientBuilder {
    if let Some(info) = link.first.client_info() {
        builder = builder.info(info.clone());
    }
    // The session's own version: the child speaks to it as it would over stdio (a
    // handshake-era server may only ask its client for input in that era).
    builder = builder.protocol_version(link.first.protocol_version());
    let (logs, notes) = (link.clone(), link.clone());
    builder
        .on_logging(move |params: LoggingMessageNotificationParams| {
            if logs.first.log_enabled(params.level) {
                let _ = logs.peer.notify("notifications/message", Some(&params));
            }
        })
        .on_notification(move |note: ServerNotification| {
            pass_notification(&notes.peer, &note);
        })
        .capabilities(link.first.client_capabilities().clone())
}

/// Announces a change the shared child notified to the clients listening for it.
fn announce(notifier: &ServerNotifier, note: &ServerNotification) {
    match note {
        ServerNotification::ToolListChanged(_) => notifier.tools_list_changed(),
        ServerNotification::PromptListChanged(_) => notifier.prompts_list_changed(),
        ServerNotification::ResourceListChanged(_) => notifier.resources_list_changed(),
        ServerNotification::ResourceUpdated(updated) => {
            notifier.resource_updated(updated.params.uri.clone());
        }
        _ => {}
    }
}

/// Passes a notification of the child's on to the session (progress of our own calls is
/// forwarded by the call; other progress and cancellations of requests the session never
/// sent have nowhere to go).
fn pass_notification(peer: &Peer, note: &ServerNotification) {
    let Ok(Value::Object(mut message)) = serde_json::to_value(note) else {
        return;
    };
    let Some(Value::String(method)) = message.remove("method") else {
        return;
    };
    if matches!(
        method.as_str(),
        "notifications/progress" | "notifications/cancelled"
    ) {
        return;
    }
    let params = message.remove("params");
    let _ = peer.notify(&method, params.as_ref());
}

/// The handler of the HTTP side: every request goes to the child of its session.
#[derive(Clone)]
struct Bridge(Arc<Inner>);

struct Inner {
    launch: Launch,
    capabilities: ServerCapabilities,
    /// The child of stateless-era requests (taken when the bridge stops).
    shared: Mutex<Option<Arc<Client>>>,
    /// Where the shared child's log messages and change notifications go.
    stateless: StatelessLink,
    /// The bridge's `subscriptions/listen` stream on the shared child.
    upstream: tokio::sync::Mutex<Upstream>,
    /// The child of each handshake-era session, started at its first request.
    sessions: Mutex<Vec<SessionChild>>,
    /// Bounds how many children start at once (a burst of new sessions waits its turn).
    starting: tokio::sync::Semaphore,
}

/// How many server processes may be starting at once.
const CONCURRENT_STARTS: usize = 4;

struct SessionChild {
    link: SessionLink,
    child: Arc<OnceCell<Arc<Client>>>,
}

/// Takes a finished (or cancelled) request off a list of requests in progress.
struct InFlight<'a> {
    list: &'a Mutex<Vec<RequestContext>>,
    cx: &'a RequestContext,
}

impl<'a> InFlight<'a> {
    /// Puts `cx` on `list` until dropped.
    fn track(list: &'a Mutex<Vec<RequestContext>>, cx: &'a RequestContext) -> Self {
        list.lock().push(cx.clone());
        Self { list, cx }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        // Requests of different sessions may share an id: the session tells them apart.
        self.list.lock().retain(|other| {
            other.request_id() != self.cx.request_id() || !other.peer().same_session(self.cx.peer())
        });
    }
}

impl Bridge {
    /// Forwards one request: `call` gets the child that serves it (its session's, started now
    /// if needed, or the shared one for a stateless-era request), while the request is where
    /// the child's requests to its client go.
    async fn forward<T, F, Fut>(&self, cx: &RequestContext, call: F) -> mcp::Result<T>
    where
        F: FnOnce(Arc<Client>) -> Fut,
        Fut: std::future::Future<Output = mcp::Result<T>>,
    {
        if cx.protocol_version().is_stateless() {
            let child = self.0.shared.lock().clone().ok_or_else(|| {
                mcp::Error::ConnectionClosed(Some("the bridge is stopping".into()))
            })?;
            let forwarding = Forwarding {
                cx: cx.clone(),
                input_required: Arc::new(AtomicBool::new(false)),
            };
            let input_required = forwarding.input_required.clone();
            let _tracked = InFlight::track(&self.0.stateless.in_flight, cx);
            let result = FORWARDING.scope(forwarding, call(child)).await;
            if input_required.load(Ordering::Relaxed) {
                return Err(mcp::Error::InputRequired);
            }
            return result;
        }
        let (link, child) = self.session_child(cx).await?;
        let _tracked = InFlight::track(&link.in_flight, cx);
        call(child).await
    }

    /// The child of `cx`'s session, started now if needed.
    async fn session_child(&self, cx: &RequestContext) -> mcp::Result<(SessionLink, Arc<Client>)> {
        let this = &self.0;
        let (link, cell) = {
            let mut sessions = this.sessions.lock();
            match sessions
                .iter()
                .find(|s| s.link.peer.same_session(cx.peer()))
            {
                Some(session) => (session.link.clone(), session.child.clone()),
                None => {
                    let link = SessionLink {
                        peer: cx.peer().clone(),
                        first: cx.clone(),
                        in_flight: Arc::default(),
                    };
                    let cell = Arc::new(OnceCell::new());
                    sessions.push(SessionChild {
                        link: link.clone(),
                        child: cell.clone(),
                    });
                    self.end_with_session(cx.peer().clone());
                    (link, cell)
                }
            }
        };
        let child = cell
            .get_or_try_init(|| async {
                let _turn = this.starting.acquire().await;
                spawn(&this.launch, Asker::Session(link.clone()))
                    .await
                    .map(Arc::new)
            })
            .await
            .cloned()
            .map_err(|e| {
                mcp::Error::Protocol(ErrorData::internal_error(format!(
                    "the server `{}` did not start for this session: {e}",
                    this.launch.display()
                )))
            })?;
        Ok((link, child))
    }

    /// Stops a session's child once the session ends.
    fn end_with_session(&self, peer: Peer) {
        let bridge = Arc::downgrade(&self.0);
        tokio::spawn(async move {
            peer.closed().await;
            let Some(bridge) = bridge.upgrade() else {
                return;
            };
            let ended: Vec<SessionChild> = {
                let mut sessions = bridge.sessions.lock();
                let (ended, open) = std::mem::take(&mut *sessions)
                    .into_iter()
                    .partition(|s| s.link.peer.same_session(&peer));
                *sessions = open;
                ended
            };
            for session in ended {
                if let Some(child) = session.child.get().cloned() {
                    drop(session);
                    close(child).await;
                }
            }
        });
    }
}

impl Bridge {
    /// (Re)opens the bridge's `subscriptions/listen` stream on the stateless-era shared child:
    /// every list change, and the resources HTTP clients subscribed to, with `uri` added. The
    /// new stream is acknowledged before the old one is cancelled, so no change falls between.
    async fn listen_upstream(&self, uri: Option<&str>) -> mcp::Result<()> {
        let child =
            self.0.shared.lock().clone().ok_or_else(|| {
                mcp::Error::ConnectionClosed(Some("the bridge is stopping".into()))
            })?;
        let mut upstream = self.0.upstream.lock().await;
        if let Some(uri) = uri
            && !upstream.uris.insert(uri.to_owned())
            && upstream.task.is_some()
        {
            return Ok(());
        }
        let filter = SubscriptionFilter {
            tools_list_changed: Some(true),
            prompts_list_changed: Some(true),
            resources_list_changed: Some(true),
            resource_subscriptions: (!upstream.uris.is_empty())
                .then(|| upstream.uris.iter().cloned().collect()),
            task_ids: None,
        };
        let mut subscription = child.listen(filter).await?;
        let notifier = self.0.stateless.notifier.clone();
        let task = tokio::spawn(async move {
            while let Some(note) = subscription.next().await {
                if let Some(notifier) = notifier.get() {
                    announce(notifier, &note);
                }
            }
        });
        if let Some(old) = upstream.task.replace(task) {
            old.abort();
        }
        Ok(())
    }
}

impl Inner {
    /// Stops every child.
    async fn stop(&self) {
        if let Some(task) = self.upstream.lock().await.task.take() {
            task.abort();
        }
        let mut children: Vec<Arc<Client>> = std::mem::take(&mut *self.sessions.lock())
            .into_iter()
            .filter_map(|s| s.child.get().cloned())
            .collect();
        children.extend(self.shared.lock().take());
        futures_join_all(children.into_iter().map(close)).await;
    }
}

/// Runs the futures concurrently and waits for all of them.
async fn futures_join_all<F: std::future::Future<Output = ()> + Send + 'static>(
    futures: impl Iterator<Item = F>,
) {
    let mut set = tokio::task::JoinSet::new();
    for future in futures {
        set.spawn(future);
    }
    while set.join_next().await.is_some() {}
}

/// Stops a child: its stdin closed and time to exit, then SIGTERM, then SIGKILL. When requests
/// still hold its client, the process is signalled without the stdin step.
async fn close(child: Arc<Client>) {
    match Arc::try_unwrap(child) {
        Ok(client) => client.close().await,
        Err(held) => {
            if let Some(process) = held.process() {
                process.shut_down().await;
            }
        }
    }
}

/// Per-call options that pass the child's progress on to the HTTP client, when it asked.
fn progress(cx: &RequestContext) -> CallOptions {
    if cx.progress_token().is_none() {
        return CallOptions::default();
    }
    let cx = cx.clone();
    CallOptions::with_progress(move |p| {
        let _ = cx.report_progress(p.progress, p.total, p.message.as_deref());
    })
}

impl ServerHandler for Bridge {
    fn capabilities(&self) -> ServerCapabilities {
        self.0.capabilities.clone()
    }

    /// Every request goes to the child as it is, by its type; subscriptions and the list of
    /// templates have rules of their own (their methods below).
    async fn handle<R: HandlerRequest>(
        &self,
        params: R::Params,
        cx: RequestContext,
    ) -> mcp::Result<R::Result> {
        if matches!(
            R::METHOD,
            SubscribeRequest::METHOD | ListResourceTemplatesRequest::METHOD
        ) {
            return R::call(self, params, cx).await;
        }
        let options = progress(&cx);
        self.forward(&cx, |child| async move {
            child.request_with::<R>(params, &options).await
        })
        .await
    }

    async fn list_resource_templates(
        &self,
        params: PaginatedRequestParams,
        cx: RequestContext,
    ) -> mcp::Result<ListResourceTemplatesResult> {
        if self.0.capabilities.resources.is_none() {
            return Ok(ListResourceTemplatesResult::default());
        }
        let options = progress(&cx);
        self.forward(&cx, |child| async move {
            child
                .request_with::<ListResourceTemplatesRequest>(params, &options)
                .await
        })
        .await
    }

    async fn subscribe(
        &self,
        params: SubscribeRequestParams,
        cx: RequestContext,
    ) -> mcp::Result<()> {
        let shared_is_stateless = self
            .0
            .shared
            .lock()
            .as_ref()
            .is_some_and(|child| child.protocol_version().is_stateless());
        if cx.protocol_version().is_stateless() && shared_is_stateless {
            // A `subscriptions/listen` naming the resource: the bridge's own stream on the
            // child watches it from now on.
            return self.listen_upstream(Some(&params.uri)).await;
        }
        self.forward(&cx, |child| async move {
            child.subscribe_resource(&params.uri).await
        })
        .await
    }

    async fn custom_request(
        &self,
        method: &str,
        params: Option<Value>,
        cx: RequestContext,
    ) -> mcp::Result<Value> {
        self.forward(&cx, |child| async move {
            child
                .peer()
                .request(method, params.as_ref(), RequestOptions::default())
                .await
        })
        .await
    }

    async fn on_roots_list_changed(&self) {
        // The notification does not say which session's client it came from: every session's
        // child hears it, and asks its own client for its roots again.
        let children: Vec<Arc<Client>> = self
            .0
            .sessions
            .lock()
            .iter()
            .filter_map(|s| s.child.get().cloned())
            .collect();
        for child in children {
            let _ = child.notify_roots_list_changed();
        }
    }
}
