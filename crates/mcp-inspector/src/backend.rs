//! The backend's state: the one connection to the target (started, restarted and stopped on
//! the page's request or when the sources change), the server's requests waiting for the
//! page's answer, the page's calls in flight, the roots and resource subscriptions.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use mcp::client::auth::OAuthClient;
use mcp::client::{Client, ClientBuilder};
use mcp::transport::stdio::ChildProcess;
use mcp::types::extensions::apps::{UI_EXTENSION, UiClientCapability};
use mcp::types::{
    ClientCapabilities, ElicitationCapability, ErrorData, Implementation, ListRootsResult,
    LoggingLevel, ProtocolVersion, Root, RootsCapability, SamplingCapability, SubscriptionFilter,
    UnknownProtocolVersion,
};
use parking_lot::{Mutex, MutexGuard};
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::{AbortHandle, JoinHandle};

use crate::connect::{self, ConnectError, Connected};
use crate::events::{ConnectionState, Event, EventHub, ServerSnapshot, Status};
use crate::observe::{Recorder, Traffic};
use crate::target::Target;

/// How the page wants to connect: the only knobs the API offers (no command, URL or
/// environment: the target is fixed on the command line).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConnectOptions {
    /// `auto` (the newest the server offers) or a version to pin.
    #[serde(default = "auto")]
    pub protocol_version: String,
    /// How long starting the server and agreeing on a version may take.
    #[serde(default = "default_connect_timeout")]
    pub connect_timeout_ms: u64,
    /// The default time limit of requests.
    #[serde(default = "default_request_timeout")]
    pub request_timeout_ms: u64,
}

fn auto() -> String {
    "auto".to_owned()
}
fn default_connect_timeout() -> u64 {
    30_000
}
fn default_request_timeout() -> u64 {
    60_000
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self {
            protocol_version: auto(),
            connect_timeout_ms: default_connect_timeout(),
            request_timeout_ms: default_request_timeout(),
        }
    }
}

impl ConnectOptions {
    /// The pinned version, if any; an error names the versions there are.
    pub fn version(&self) -> Result<Option<ProtocolVersion>, UnknownVersion> {
        match self.protocol_version.as_str() {
            "auto" => Ok(None),
            pinned => Ok(Some(pinned.parse()?)),
        }
    }
}

/// A pinned protocol version this library does not know; the message lists those it knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}, or auto")]
pub struct UnknownVersion(#[from] pub UnknownProtocolVersion);

/// The page's answer to a request of the server.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Answer {
    /// The request's id (from its `request` event).
    pub id: u64,
    /// The result to send.
    #[serde(default)]
    pub result: Option<Value>,
    /// Or an error to send.
    #[serde(default)]
    pub error: Option<AnswerError>,
}

/// An error answer.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerError {
    /// The JSON-RPC error code.
    pub code: i32,
    /// The message.
    pub message: String,
}

struct Live {
    client: Arc<Client>,
    process: Option<ChildProcess>,
    server_task: Option<JoinHandle<()>>,
    listener: Option<JoinHandle<()>>,
}

/// The backend: everything the API acts on.
pub struct Backend {
    /// The server inspected.
    pub target: Target,
    /// The page's events.
    pub hub: Arc<EventHub>,
    recorder: Option<Recorder>,
    oauth: std::sync::OnceLock<OAuthClient>,
    sandbox_origin: std::sync::OnceLock<String>,
    /// Serializes connecting and disconnecting.
    switching: tokio::sync::Mutex<()>,
    live: Mutex<Option<Live>>,
    status: Mutex<Status>,
    options: Mutex<ConnectOptions>,
    epoch: AtomicU64,
    /// The epoch of the live connection, 0 while none is up or it is being stopped.
    live_epoch: AtomicU64,
    pending: Mutex<HashMap<u64, oneshot::Sender<Result<Value, ErrorData>>>>,
    next_pending: AtomicU64,
    calls: Mutex<HashMap<String, AbortHandle>>,
    roots: Mutex<Vec<Root>>,
    subscriptions: Mutex<BTreeSet<String>>,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

/// Why a request of the page failed.
#[derive(Debug)]
pub enum CallError {
    /// There is no connection.
    NotConnected,
    /// The page's call was cancelled.
    Cancelled,
    /// The server (or the client) said no.
    Failed(mcp::Error),
}

impl Backend {
    /// A backend for `target`, not connected yet.
    pub fn new(target: Target, recorder: Option<Recorder>) -> Self {
        Self {
            target,
            hub: Arc::new(EventHub::default()),
            recorder,
            oauth: std::sync::OnceLock::new(),
            sandbox_origin: std::sync::OnceLock::new(),
            switching: tokio::sync::Mutex::new(()),
            live: Mutex::new(None),
            status: Mutex::new(Status {
                state: ConnectionState::Disconnected,
                epoch: 0,
                detail: None,
                server: None,
                pid: None,
            }),
            options: Mutex::new(ConnectOptions::default()),
            epoch: AtomicU64::new(0),
            live_epoch: AtomicU64::new(0),
            pending: Mutex::new(HashMap::new()),
            next_pending: AtomicU64::new(1),
            calls: Mutex::new(HashMap::new()),
            roots: Mutex::new(Vec::new()),
            subscriptions: Mutex::new(BTreeSet::new()),
        }
    }

    /// Authorizes requests to a remote target with `client` (set once, before connecting).
    pub fn set_oauth(&self, client: OAuthClient) {
        let _ = self.oauth.set(client);
    }

    /// Sets the origin of the MCP Apps sandbox, which the page frames views from.
    pub fn set_sandbox_origin(&self, origin: String) {
        let _ = self.sandbox_origin.set(origin);
    }

    /// The origin of the MCP Apps sandbox.
    pub fn sandbox_origin(&self) -> Option<&str> {
        self.sandbox_origin.get().map(String::as_str)
    }

    /// The options the next connection uses, to change.
    pub fn options_mut(&self) -> MutexGuard<'_, ConnectOptions> {
        self.options.lock()
    }

    /// The connection's state now.
    pub fn status(&self) -> Status {
        self.status.lock().clone()
    }

    /// The options of the last connection.
    pub fn options(&self) -> ConnectOptions {
        self.options.lock().clone()
    }

    fn set_status(&self, status: Status) {
        *self.status.lock() = status.clone();
        self.hub.publish(Event::Status(status));
    }

    /// The current client, if connected.
    pub fn client(&self) -> Option<Arc<Client>> {
        self.live.lock().as_ref().map(|live| live.client.clone())
    }

    /// Connects with the last options (a restart, when connected).
    pub async fn restart(self: &Arc<Self>, reason: &str) -> Result<(), ConnectError> {
        let options = self.options();
        self.connect(options, reason).await
    }

    /// (Re)connects to the target with `options`.
    pub async fn connect(
        self: &Arc<Self>,
        options: ConnectOptions,
        reason: &str,
    ) -> Result<(), ConnectError> {
        let version = options.version()?;
        let _switching = self.switching.lock().await;
        self.stop_live().await;
        *self.options.lock() = options.clone();
        let epoch = self.epoch.fetch_add(1, Ordering::SeqCst) + 1;
        self.set_status(Status {
            state: ConnectionState::Connecting,
            epoch,
            detail: Some(reason.to_owned()),
            server: None,
            pid: None,
        });
        let traffic = Traffic::new(self.hub.clone(), self.recorder.clone(), epoch);
        let builder = self.client_builder(&options, version);
        let limit = Duration::from_millis(options.connect_timeout_ms.max(1));
        let connected = connect::connect(
            &self.target,
            builder,
            &traffic,
            &self.hub,
            self.oauth.get(),
            limit,
        )
        .await;
        match connected {
            Ok(Connected {
                client,
                process,
                server_task,
            }) => {
                let client = Arc::new(client);
                let pid = process.as_ref().and_then(ChildProcess::pid);
                let snapshot = snapshot(&client);
                *self.live.lock() = Some(Live {
                    client: client.clone(),
                    process: process.clone(),
                    server_task,
                    listener: None,
                });
                self.live_epoch.store(epoch, Ordering::SeqCst);
                self.set_status(Status {
                    state: ConnectionState::Connected,
                    epoch,
                    detail: Some(reason.to_owned()),
                    server: Some(snapshot),
                    pid,
                });
                self.listen_for_changes();
                if let Some(process) = process {
                    self.watch_exit(process, epoch);
                }
                Ok(())
            }
            Err(why) => {
                self.set_status(Status {
                    state: ConnectionState::Failed,
                    epoch,
                    detail: Some(why.to_string()),
                    server: None,
                    pid: None,
                });
                Err(why)
            }
        }
    }

    /// Disconnects, stopping a local server.
    pub async fn disconnect(self: &Arc<Self>, reason: &str) {
        let _switching = self.switching.lock().await;
        self.stop_live().await;
        let epoch = self.epoch.load(Ordering::SeqCst);
        self.set_status(Status {
            state: ConnectionState::Disconnected,
            epoch,
            detail: Some(reason.to_owned()),
            server: None,
            pid: None,
        });
    }

    /// Says a build is running or failed, keeping the connection as it is.
    pub fn building(&self, running: bool, detail: &str) {
        let mut status = self.status();
        if running {
            status.state = ConnectionState::Building;
        } else if self.client().is_some() {
            status.state = ConnectionState::Connected;
        } else {
            status.state = ConnectionState::Failed;
        }
        status.detail = Some(detail.to_owned());
        self.set_status(status);
    }

    async fn stop_live(&self) {
        // A local server stopped on purpose is no failure.
        self.live_epoch.store(0, Ordering::SeqCst);
        let live = self.live.lock().take();
        for (_, call) in self.calls.lock().drain() {
            call.abort();
        }
        for (_, waiting) in self.pending.lock().drain() {
            drop(waiting);
        }
        let Some(live) = live else { return };
        if let Some(listener) = &live.listener {
            listener.abort();
        }
        match Arc::try_unwrap(live.client) {
            Ok(client) => {
                let _ = tokio::time::timeout(Duration::from_secs(3), client.close()).await;
            }
            // A call still holds it: dropping the last handle closes the session.
            Err(shared) => drop(shared),
        }
        if let Some(process) = live.process {
            process.shut_down().await;
        }
        if let Some(task) = live.server_task {
            task.abort();
        }
    }

    /// Publishes a failure when a local server exits while connected.
    fn watch_exit(self: &Arc<Self>, process: ChildProcess, epoch: u64) {
        let backend = Arc::downgrade(self);
        tokio::spawn(async move {
            process.wait().await;
            let Some(backend) = backend.upgrade() else {
                return;
            };
            if backend.live_epoch.load(Ordering::SeqCst) != epoch {
                return;
            }
            let mut exit = match process.exit_status() {
                Some(status) => format!("the server exited with {status}"),
                None => "the server exited".to_owned(),
            };
            let tail = process.stderr_tail();
            if !tail.is_empty() {
                exit.push_str("; its last stderr lines:\n");
                exit.push_str(&tail.join("\n"));
            }
            let mut status = backend.status();
            if status.epoch == epoch && status.state == ConnectionState::Connected {
                status.state = ConnectionState::Failed;
                status.detail = Some(exit);
                status.pid = None;
                backend.set_status(status);
            }
        });
    }

    fn client_builder(
        self: &Arc<Self>,
        options: &ConnectOptions,
        version: Option<ProtocolVersion>,
    ) -> ClientBuilder {
        let request_timeout = Duration::from_millis(options.request_timeout_ms.max(1));
        let mut builder = Client::builder()
            .info(
                Implementation::new("mcp-inspector", env!("CARGO_PKG_VERSION"))
                    .with_title("mcp dev inspector"),
            )
            .request_timeout(Some(request_timeout))
            .probe_timeout(Duration::from_millis(options.connect_timeout_ms.max(1)))
            .capabilities(client_capabilities())
            .log_level(LoggingLevel::Debug);
        if let Some(version) = version {
            builder = builder.protocol_version(version);
        }
        let hub = self.hub.clone();
        builder = builder.on_logging(move |params| {
            hub.publish(Event::Log {
                params: serde_json::to_value(&params).unwrap_or_default(),
            })
        });
        let hub = self.hub.clone();
        builder = builder.on_notification(move |notification| {
            let value = serde_json::to_value(&notification).unwrap_or_default();
            hub.publish(Event::Notification {
                method: value["method"].as_str().unwrap_or_default().to_owned(),
                params: value.get("params").cloned().unwrap_or(Value::Null),
            })
        });
        let me = Arc::downgrade(self);
        builder = builder.on_sampling(move |params| {
            let me = me.clone();
            async move {
                let value = ask(&me, "sampling", serde_json::to_value(&params)).await?;
                serde_json::from_value(value).map_err(|e| {
                    ErrorData::invalid_params(format!("the answer is not a sampling result: {e}"))
                })
            }
        });
        let me = Arc::downgrade(self);
        builder = builder.on_elicitation(move |params| {
            let me = me.clone();
            async move {
                let value = ask(&me, "elicitation", serde_json::to_value(&params)).await?;
                serde_json::from_value(value).map_err(|e| {
                    ErrorData::invalid_params(format!(
                        "the answer is not an elicitation result: {e}"
                    ))
                })
            }
        });
        let me = Arc::downgrade(self);
        builder.on_roots(move || {
            let me = me.clone();
            async move {
                let me = me
                    .upgrade()
                    .ok_or_else(|| ErrorData::internal_error("the inspector is stopping"))?;
                let roots = me.roots.lock().clone();
                me.hub.publish(Event::RootsListed {
                    roots: serde_json::to_value(&roots).unwrap_or_default(),
                });
                Ok(ListRootsResult::new(roots))
            }
        })
    }

    /// Answers a request of the server; `false` when none is waiting under that id.
    pub fn answer(&self, answer: Answer) -> bool {
        let Some(waiting) = self.pending.lock().remove(&answer.id) else {
            return false;
        };
        let reply = match (answer.result, answer.error) {
            (_, Some(error)) => Err(ErrorData::new(
                mcp::types::ErrorCode(error.code),
                error.message,
            )),
            (Some(result), None) => Ok(result),
            (None, None) => Err(ErrorData::internal_error("the inspector gave no answer")),
        };
        let _ = waiting.send(reply);
        self.hub.publish(Event::RequestDone {
            id: answer.id,
            outcome: "answered".to_owned(),
        });
        true
    }

    /// Sets the roots the inspector answers `roots/list` with.
    pub fn set_roots(&self, roots: Vec<Root>) {
        *self.roots.lock() = roots;
    }

    /// The roots the inspector answers with.
    pub fn roots(&self) -> Vec<Root> {
        self.roots.lock().clone()
    }

    /// Runs a call of the page, cancellable under `call_id`.
    pub async fn call<F, Fut>(&self, call_id: Option<String>, run: F) -> Result<Value, CallError>
    where
        F: FnOnce(Arc<Client>) -> Fut,
        Fut: Future<Output = mcp::Result<Value>> + Send + 'static,
    {
        let client = self.client().ok_or(CallError::NotConnected)?;
        let task = tokio::spawn(run(client));
        if let Some(id) = &call_id {
            self.calls.lock().insert(id.clone(), task.abort_handle());
        }
        let outcome = task.await;
        if let Some(id) = &call_id {
            self.calls.lock().remove(id);
        }
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(CallError::Failed(e)),
            Err(_) => Err(CallError::Cancelled),
        }
    }

    /// Cancels a call of the page (the client sends `notifications/cancelled`, or in the
    /// stateless era closes the request); `false` when no such call runs.
    pub fn cancel(&self, call_id: &str) -> bool {
        match self.calls.lock().remove(call_id) {
            Some(call) => {
                call.abort();
                true
            }
            None => false,
        }
    }

    /// Subscribes to or unsubscribes from a resource's updates: `resources/(un)subscribe` in
    /// the handshake era, the `subscriptions/listen` filter in the stateless one.
    pub async fn subscribe(self: &Arc<Self>, uri: &str, on: bool) -> Result<(), CallError> {
        let client = self.client().ok_or(CallError::NotConnected)?;
        if client.protocol_version().is_stateless() {
            {
                let mut subscriptions = self.subscriptions.lock();
                if on {
                    subscriptions.insert(uri.to_owned());
                } else {
                    subscriptions.remove(uri);
                }
            }
            self.listen_for_changes();
            return Ok(());
        }
        let done = if on {
            client.subscribe_resource(uri).await
        } else {
            client.unsubscribe_resource(uri).await
        };
        done.map_err(CallError::Failed)?;
        let mut subscriptions = self.subscriptions.lock();
        if on {
            subscriptions.insert(uri.to_owned());
        } else {
            subscriptions.remove(uri);
        }
        Ok(())
    }

    /// In the stateless era change notifications come only on a `subscriptions/listen`
    /// stream: (re)opens one for the list changes the server offers and the resources
    /// subscribed to.
    fn listen_for_changes(self: &Arc<Self>) {
        let mut live = self.live.lock();
        let Some(live) = live.as_mut() else { return };
        if let Some(old) = live.listener.take() {
            old.abort();
        }
        let client = live.client.clone();
        if !client.protocol_version().is_stateless() {
            return;
        }
        let capabilities = client.server_capabilities();
        let list_changed = |flag: Option<bool>| flag.filter(|on| *on);
        let subscriptions: Vec<String> = self.subscriptions.lock().iter().cloned().collect();
        let filter = SubscriptionFilter {
            tools_list_changed: capabilities
                .tools
                .as_ref()
                .and_then(|t| list_changed(t.list_changed)),
            prompts_list_changed: capabilities
                .prompts
                .as_ref()
                .and_then(|p| list_changed(p.list_changed)),
            resources_list_changed: capabilities
                .resources
                .as_ref()
                .and_then(|r| list_changed(r.list_changed)),
            resource_subscriptions: (!subscriptions.is_empty()
                && capabilities
                    .resources
                    .as_ref()
                    .is_some_and(|r| r.subscribe == Some(true)))
            .then_some(subscriptions),
            // The inspector follows tasks through tasks/get; it opens no task stream.
            task_ids: None,
        };
        if filter == SubscriptionFilter::default() {
            return;
        }
        let hub = self.hub.clone();
        live.listener = Some(tokio::spawn(async move {
            let mut subscription = match client.listen(filter).await {
                Ok(subscription) => subscription,
                Err(e) => {
                    tracing::debug!(error = %e, "subscriptions/listen was refused");
                    return;
                }
            };
            while let Some(notification) = subscription.next().await {
                let value = serde_json::to_value(&notification).unwrap_or_default();
                let method = value["method"].as_str().unwrap_or_default().to_owned();
                if method == "notifications/subscriptions/acknowledged" {
                    continue;
                }
                hub.publish(Event::Notification {
                    method,
                    params: value.get("params").cloned().unwrap_or(Value::Null),
                });
            }
        }));
    }

    /// Stops everything: the connection and a local server.
    pub async fn shut_down(self: &Arc<Self>) {
        let _switching = self.switching.lock().await;
        self.stop_live().await;
    }
}

/// Asks the page to answer a request of the server, and waits for the answer. Dropping the
/// future (the server withdrew its request) withdraws the question.
async fn ask(
    backend: &Weak<Backend>,
    kind: &str,
    params: serde_json::Result<Value>,
) -> Result<Value, ErrorData> {
    let backend = backend
        .upgrade()
        .ok_or_else(|| ErrorData::internal_error("the inspector is stopping"))?;
    let params = params.map_err(|e| ErrorData::internal_error(e.to_string()))?;
    let id = backend.next_pending.fetch_add(1, Ordering::SeqCst);
    let (tx, rx) = oneshot::channel();
    backend.pending.lock().insert(id, tx);
    let stateless = backend
        .client()
        .is_some_and(|c| c.protocol_version().is_stateless());
    backend.hub.publish(Event::Request {
        id,
        kind: kind.to_owned(),
        era: if stateless {
            "input_required"
        } else {
            "server_request"
        }
        .to_owned(),
        params,
    });
    let guard = Withdraw {
        backend: backend.clone(),
        id,
    };
    let answer = rx.await;
    drop(guard);
    answer.unwrap_or_else(|_| {
        Err(ErrorData::internal_error(
            "the inspector disconnected before the request was answered",
        ))
    })
}

/// Withdraws a question from the page when the server's request goes away unanswered.
struct Withdraw {
    backend: Arc<Backend>,
    id: u64,
}

impl Drop for Withdraw {
    fn drop(&mut self) {
        if self.backend.pending.lock().remove(&self.id).is_some() {
            self.backend.hub.publish(Event::RequestDone {
                id: self.id,
                outcome: "cancelled".to_owned(),
            });
        }
    }
}

/// What the inspector declares: sampling, elicitation in both modes, roots with list changes,
/// and the MCP Apps extension.
pub fn client_capabilities() -> ClientCapabilities {
    ClientCapabilities {
        sampling: Some(SamplingCapability::default()),
        elicitation: Some(ElicitationCapability {
            form: Some(Default::default()),
            url: Some(Default::default()),
        }),
        roots: Some(RootsCapability {
            list_changed: Some(true),
        }),
        extensions: Some(
            [(
                UI_EXTENSION.to_owned(),
                UiClientCapability::html().settings(),
            )]
            .into_iter()
            .collect(),
        ),
        ..Default::default()
    }
}

fn snapshot(client: &Client) -> ServerSnapshot {
    ServerSnapshot {
        protocol_version: client.protocol_version().as_str().to_owned(),
        stateless: client.protocol_version().is_stateless(),
        server_info: serde_json::to_value(client.server_info()).unwrap_or_default(),
        capabilities: serde_json::to_value(client.server_capabilities()).unwrap_or_default(),
        instructions: client.instructions().map(str::to_owned),
        server_versions: client.server_versions().to_vec(),
        client_capabilities: serde_json::to_value(client.capabilities()).unwrap_or_default(),
    }
}
