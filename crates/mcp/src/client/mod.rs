//! The client side: a [`Client`] session with a typed method for every request, speaking the
//! newest protocol version the server offers (or the one it is pinned to).
//!
//! ```no_run
//! use mcp::client::Client;
//! use mcp::transport::stdio::StdioServerParameters;
//!
//! # async fn run() -> mcp::Result<()> {
//! let client = Client::builder()
//!     .on_sampling(|params| async move {
//!         Ok(mcp::types::CreateMessageResult::text("gpt-3.5-turbo", "Hello, world! from model"))
//!     })
//!     .connect_stdio(StdioServerParameters::new("python").args(["example_server.py"]))
//!     .await?;
//! let tools = client.list_all_tools().await?;
//! let result = client.call_tool("tool-name", serde_json::json!({"arg1": "value"})).await?;
//! client.close().await;
//! # Ok(()) }
//! ```

mod apps;
#[cfg(feature = "http-client")]
pub mod auth;
mod builder;
mod handler;
mod negotiate;
mod skills;
mod subscription;
mod tasks;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;

pub use self::apps::{AppViewContents, AppViewError};
pub use self::builder::{ClientBuilder, VersionChoice};
pub use self::handler::{
    Callbacks, ElicitationCallback, LoggingCallback, NotificationCallback, RootsCallback,
    SamplingCallback,
};
pub use self::skills::{SkillError, SkillFile, Skills};
pub use self::subscription::Subscription;
pub use self::tasks::{Tasks, ToolCall};

use self::handler::ClientService;
use crate::error::{Error, Result};
use crate::jsonrpc::{Peer, Progress, ProgressCallback, RequestOptions, Session};
use crate::transport::Transport;
use crate::transport::stdio::ChildProcess;
use crate::types::{
    CallToolRequest, CallToolRequestParams, CallToolResult, CancelTaskRequest, CancelTaskResult,
    ClientCapabilities, CompleteRequest, CompleteRequestParams, CompleteResult, CreateTaskResult,
    EmptyRequestParams, EmptyResult, ErrorData, GetPromptRequest, GetPromptRequestParams,
    GetPromptResult, GetTaskPayloadRequest, GetTaskPayloadResult, GetTaskRequest, GetTaskResult,
    Implementation, InputRequiredResult, InputResponses, ListPromptsRequest, ListPromptsResult,
    ListResourceTemplatesRequest, ListResourceTemplatesResult, ListResourcesRequest,
    ListResourcesResult, ListTasksRequest, ListTasksResult, ListToolsRequest, ListToolsResult,
    LoggingLevel, PaginatedRequestParams, ProgressToken, Prompt, ProtocolVersion,
    ReadResourceRequest, ReadResourceRequestParams, ReadResourceResult, Request, RequestId,
    RequestParams, Resource, ResourceTemplate, ResultType, ServerCapabilities,
    SetLevelRequestParams, SubscribeRequestParams, TaskMetadata, TaskRequestParams, TaskStatus,
    Tool, UnsubscribeRequestParams,
};

/// What the handshake or discovery established.
#[derive(Debug, Clone)]
pub(crate) struct Negotiated {
    pub version: ProtocolVersion,
    pub server_info: Option<Implementation>,
    pub capabilities: ServerCapabilities,
    pub instructions: Option<String>,
    pub supported_versions: Vec<String>,
}

impl Default for Negotiated {
    fn default() -> Self {
        Self {
            version: ProtocolVersion::LATEST_HANDSHAKE,
            server_info: None,
            capabilities: ServerCapabilities::default(),
            instructions: None,
            supported_versions: Vec::new(),
        }
    }
}

struct ClientInner {
    peer: Peer,
    service: Arc<ClientService>,
    info: Implementation,
    capabilities: ClientCapabilities,
    /// Set once the handshake or discovery is done, before the client is handed out.
    negotiated: std::sync::OnceLock<Negotiated>,
    log_level: parking_lot::Mutex<Option<LoggingLevel>>,
    max_input_rounds: usize,
}

/// Per-call options: progress, time limit.
#[derive(Clone, Default)]
pub struct CallOptions {
    /// Called with every progress update of the call (asks the server for progress).
    pub on_progress: Option<ProgressCallback>,
    /// Time limit of the call (and of each `input_required` round).
    pub timeout: Option<Duration>,
    /// Restart the time limit whenever progress arrives.
    pub reset_timeout_on_progress: bool,
}

impl std::fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallOptions")
            .field("on_progress", &self.on_progress.is_some())
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl CallOptions {
    /// Options that report progress to `f`.
    pub fn with_progress(f: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        Self {
            on_progress: Some(Arc::new(f)),
            ..Self::default()
        }
    }
}

/// A client session with one server.
///
/// Dropping it without [`close`](Self::close) still ends the session and the server process,
/// in the background.
pub struct Client {
    inner: Arc<ClientInner>,
    session: Option<Session>,
    process: Option<ChildProcess>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("version", &self.negotiated().version)
            .field("server", &self.negotiated().server_info)
            .finish()
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Connects over `transport` with the default options.
    pub async fn connect<T: Transport>(transport: T) -> Result<Self> {
        ClientBuilder::default().connect(transport).await
    }

    fn negotiated(&self) -> &Negotiated {
        static CONNECTING: std::sync::OnceLock<Negotiated> = std::sync::OnceLock::new();
        self.inner
            .negotiated
            .get()
            .unwrap_or_else(|| CONNECTING.get_or_init(Negotiated::default))
    }

    /// The protocol version in use.
    pub fn protocol_version(&self) -> ProtocolVersion {
        self.negotiated().version
    }

    /// The server's name and version, when it said.
    pub fn server_info(&self) -> Option<&Implementation> {
        self.negotiated().server_info.as_ref()
    }

    /// What the server supports.
    pub fn server_capabilities(&self) -> &ServerCapabilities {
        &self.negotiated().capabilities
    }

    /// The server's instructions for the model, if any.
    pub fn instructions(&self) -> Option<&str> {
        self.negotiated().instructions.as_deref()
    }

    /// The protocol versions the server said it supports (stateless era).
    pub fn server_versions(&self) -> &[String] {
        &self.negotiated().supported_versions
    }

    /// The capabilities this client declares.
    pub fn capabilities(&self) -> &ClientCapabilities {
        &self.inner.capabilities
    }

    /// The session's peer handle, for raw requests and notifications.
    pub fn peer(&self) -> &Peer {
        &self.inner.peer
    }

    /// The server process, for a client that spawned it.
    pub fn process(&self) -> Option<&ChildProcess> {
        self.process.as_ref()
    }

    /// Ends the session: closes the connection and, for a spawned server, waits for the process
    /// to exit (signalling it if it does not).
    pub async fn close(mut self) {
        self.shut_down().await;
    }

    async fn shut_down(&mut self) {
        if let Some(session) = self.session.take() {
            session.close().await;
        }
        if let Some(process) = &self.process {
            process.shut_down().await;
        }
    }

    fn stamp<P: RequestParams>(&self, params: &mut P) {
        let log_level = *self.inner.log_level.lock();
        if self.protocol_version().is_stateless() {
            let meta = params.meta_or_insert();
            meta.protocol_version = Some(self.protocol_version().as_str().to_owned());
            meta.client_capabilities = Some(Box::new(self.inner.capabilities.clone()));
            meta.client_info = Some(Box::new(self.inner.info.clone()));
            if meta.log_level.is_none() {
                meta.log_level = log_level;
            }
        }
    }

    /// Sends a request and parses its result, stamping the stateless-era `_meta` on it.
    pub async fn request<R: Request>(&self, params: R::Params) -> Result<R::Result> {
        self.request_with::<R>(params, &CallOptions::default())
            .await
    }

    /// Sends a request with per-call options. A request the server may answer with
    /// `input_required` (`tools/call`, `prompts/get`, `resources/read`) has its input requests
    /// answered through the callbacks and is retried until the result is final.
    pub async fn request_with<R: Request>(
        &self,
        mut params: R::Params,
        options: &CallOptions,
    ) -> Result<R::Result> {
        self.stamp(&mut params);
        let raw = self.rounds(R::METHOD, &mut params, options).await?;
        parse_complete::<R::Result>(R::METHOD, &raw)
    }

    /// Sends a stamped request, answering `input_required` rounds through the callbacks, and
    /// gives the first result that is not `input_required`, unparsed.
    async fn rounds<P: RequestParams + serde::Serialize>(
        &self,
        method: &str,
        params: &mut P,
        options: &CallOptions,
    ) -> Result<Box<serde_json::value::RawValue>> {
        let mut rounds = 0;
        loop {
            let raw = self.send_raw(method, params, options).await?;
            if result_type(&raw)? != Some(ResultType::InputRequired) {
                return Ok(raw);
            }
            let Some(input) = params.input_mut() else {
                return Err(Error::ProtocolViolation(format!(
                    "the server answered {method} with input_required, which only tools/call, \
                     prompts/get and resources/read may be answered with"
                )));
            };
            rounds += 1;
            if rounds > self.inner.max_input_rounds {
                return Err(Error::ProtocolViolation(format!(
                    "{method} still needed input after {} rounds; giving up",
                    self.inner.max_input_rounds
                )));
            }
            let interim: InputRequiredResult = serde_json::from_str(raw.get())?;
            let mut answers = InputResponses::new();
            for (key, request) in interim.input_requests.unwrap_or_default() {
                let answer = self.inner.service.callbacks.fulfil(request).await?;
                answers.insert(key, answer);
            }
            *input.responses = Some(answers);
            *input.request_state = interim.request_state;
        }
    }

    async fn send_raw<P: RequestParams + serde::Serialize>(
        &self,
        method: &str,
        params: &mut P,
        options: &CallOptions,
    ) -> Result<Box<serde_json::value::RawValue>> {
        let pending = self.inner.peer.start_request(RequestOptions {
            timeout: options.timeout,
            reset_timeout_on_progress: options.reset_timeout_on_progress,
            on_progress: options.on_progress.clone(),
            ..Default::default()
        });
        if let Some(token) = pending.progress_token() {
            params.meta_or_insert().progress_token = Some(progress_token(token));
        }
        pending.send(method, Some(&*params))?.await
    }

    /// `ping`: checks that the server answers. In the stateless era, which has no `ping`, a
    /// `server/discover` does the same job.
    pub async fn ping(&self) -> Result<()> {
        if self.protocol_version().is_stateless() {
            self.discover().await.map(drop)
        } else {
            let _: EmptyResult = self
                .inner
                .peer
                .request::<Value, _>("ping", None, RequestOptions::default())
                .await?;
            Ok(())
        }
    }

    /// `server/discover` (stateless era): the server's versions, capabilities and identity.
    pub async fn discover(&self) -> Result<crate::types::DiscoverResult> {
        self.request::<crate::types::DiscoverRequest>(EmptyRequestParams::default())
            .await
    }

    /// `tools/list`: one page of tools.
    pub async fn list_tools(&self, cursor: Option<String>) -> Result<ListToolsResult> {
        self.request::<ListToolsRequest>(paginated(cursor)).await
    }

    /// Every tool, following the pagination cursors.
    pub async fn list_all_tools(&self) -> Result<Vec<Tool>> {
        self.all_pages(|c| self.list_tools(c), |r| (r.tools, r.next_cursor))
            .await
    }

    /// `tools/call` with arguments given as a JSON object.
    pub async fn call_tool(&self, name: &str, arguments: Value) -> Result<CallToolResult> {
        let mut params = CallToolRequestParams::new(name);
        params.arguments = match arguments {
            Value::Object(map) => Some(map),
            Value::Null => None,
            other => {
                return Err(ErrorData::invalid_params(format!(
                    "tool arguments must be a JSON object, not {other}"
                ))
                .into());
            }
        };
        self.call_tool_with(params, &CallOptions::default()).await
    }

    /// `tools/call` with full params and per-call options (progress, time limit).
    pub async fn call_tool_with(
        &self,
        params: CallToolRequestParams,
        options: &CallOptions,
    ) -> Result<CallToolResult> {
        self.request_with::<CallToolRequest>(params, options).await
    }

    /// `tools/call` run as a task (2025-11-25 tasks): the server answers at once with the task,
    /// whose progress [`get_task`](Self::get_task) polls and whose result
    /// [`task_result`](Self::task_result) fetches; [`call_tool_as_task`](Self::call_tool_as_task)
    /// does all of it.
    pub async fn start_tool_task(
        &self,
        mut params: CallToolRequestParams,
        ttl_ms: Option<u64>,
    ) -> Result<CreateTaskResult> {
        params.task = Some(TaskMetadata { ttl: ttl_ms });
        self.stamp(&mut params);
        let raw = self
            .send_raw("tools/call", &mut params, &CallOptions::default())
            .await?;
        parse_complete::<CreateTaskResult>("tools/call", &raw)
    }

    /// Runs a tool as a task to the end: starts it, polls its status at the interval the server
    /// suggests, and returns its result (or the task's failure).
    pub async fn call_tool_as_task(&self, params: CallToolRequestParams) -> Result<CallToolResult> {
        let created = self.start_tool_task(params, None).await?;
        let task_id = created.task.task_id.clone();
        let mut task = created.task;
        loop {
            match task.status {
                TaskStatus::Completed | TaskStatus::Failed | TaskStatus::InputRequired => break,
                TaskStatus::Cancelled => {
                    return Err(Error::ProtocolViolation(format!(
                        "task {task_id} was cancelled"
                    )));
                }
                TaskStatus::Working => {
                    let wait =
                        Duration::from_millis(task.poll_interval.unwrap_or(500).clamp(10, 5_000));
                    tokio::time::sleep(wait).await;
                    task = self.get_task(&task_id).await?.task;
                }
            }
        }
        let payload = self.task_result(&task_id).await?;
        Ok(serde_json::from_value(Value::Object(payload.payload))?)
    }

    /// `tasks/get`: a task's status.
    pub async fn get_task(&self, task_id: &str) -> Result<GetTaskResult> {
        self.request::<GetTaskRequest>(task_params(task_id)).await
    }

    /// `tasks/result`: a finished task's result (the server may hold the answer until then).
    pub async fn task_result(&self, task_id: &str) -> Result<GetTaskPayloadResult> {
        let options = CallOptions {
            timeout: Some(Duration::from_secs(3600)),
            ..CallOptions::default()
        };
        self.request_with::<GetTaskPayloadRequest>(task_params(task_id), &options)
            .await
    }

    /// `tasks/list`: one page of tasks.
    pub async fn list_tasks(&self, cursor: Option<String>) -> Result<ListTasksResult> {
        self.request::<ListTasksRequest>(paginated(cursor)).await
    }

    /// `tasks/cancel`.
    pub async fn cancel_task(&self, task_id: &str) -> Result<CancelTaskResult> {
        self.request::<CancelTaskRequest>(task_params(task_id))
            .await
    }

    /// `resources/list`: one page of resources.
    pub async fn list_resources(&self, cursor: Option<String>) -> Result<ListResourcesResult> {
        self.request::<ListResourcesRequest>(paginated(cursor))
            .await
    }

    /// Every resource, following the pagination cursors.
    pub async fn list_all_resources(&self) -> Result<Vec<Resource>> {
        self.all_pages(|c| self.list_resources(c), |r| (r.resources, r.next_cursor))
            .await
    }

    /// `resources/templates/list`: one page of resource templates.
    pub async fn list_resource_templates(
        &self,
        cursor: Option<String>,
    ) -> Result<ListResourceTemplatesResult> {
        self.request::<ListResourceTemplatesRequest>(paginated(cursor))
            .await
    }

    /// Every resource template, following the pagination cursors.
    pub async fn list_all_resource_templates(&self) -> Result<Vec<ResourceTemplate>> {
        self.all_pages(
            |c| self.list_resource_templates(c),
            |r| (r.resource_templates, r.next_cursor),
        )
        .await
    }

    /// `resources/read`.
    pub async fn read_resource(&self, uri: &str) -> Result<ReadResourceResult> {
        self.read_resource_with(ReadResourceRequestParams::new(uri), &CallOptions::default())
            .await
    }

    /// `resources/read` with full params and per-call options.
    pub async fn read_resource_with(
        &self,
        params: ReadResourceRequestParams,
        options: &CallOptions,
    ) -> Result<ReadResourceResult> {
        self.request_with::<ReadResourceRequest>(params, options)
            .await
    }

    /// `resources/subscribe` (handshake era; the stateless era uses [`listen`](Self::listen)).
    pub async fn subscribe_resource(&self, uri: &str) -> Result<()> {
        self.handshake_only("resources/subscribe")?;
        let params = SubscribeRequestParams {
            uri: uri.to_owned(),
            meta: None,
        };
        self.request::<crate::types::SubscribeRequest>(params)
            .await
            .map(drop)
    }

    /// `resources/unsubscribe` (handshake era).
    pub async fn unsubscribe_resource(&self, uri: &str) -> Result<()> {
        self.handshake_only("resources/unsubscribe")?;
        let params = UnsubscribeRequestParams {
            uri: uri.to_owned(),
            meta: None,
        };
        self.request::<crate::types::UnsubscribeRequest>(params)
            .await
            .map(drop)
    }

    /// `prompts/list`: one page of prompts.
    pub async fn list_prompts(&self, cursor: Option<String>) -> Result<ListPromptsResult> {
        self.request::<ListPromptsRequest>(paginated(cursor)).await
    }

    /// Every prompt, following the pagination cursors.
    pub async fn list_all_prompts(&self) -> Result<Vec<Prompt>> {
        self.all_pages(|c| self.list_prompts(c), |r| (r.prompts, r.next_cursor))
            .await
    }

    /// `prompts/get` with string arguments.
    pub async fn get_prompt<I, K, V>(&self, name: &str, arguments: I) -> Result<GetPromptResult>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let mut params = GetPromptRequestParams::new(name);
        let arguments: std::collections::BTreeMap<String, String> = arguments
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        if !arguments.is_empty() {
            params.arguments = Some(arguments.into_iter().collect());
        }
        self.get_prompt_with(params, &CallOptions::default()).await
    }

    /// `prompts/get` with full params and per-call options.
    pub async fn get_prompt_with(
        &self,
        params: GetPromptRequestParams,
        options: &CallOptions,
    ) -> Result<GetPromptResult> {
        self.request_with::<GetPromptRequest>(params, options).await
    }

    /// `completion/complete`.
    pub async fn complete(&self, params: CompleteRequestParams) -> Result<CompleteResult> {
        self.request::<CompleteRequest>(params).await
    }

    /// Sets the lowest log level wanted: `logging/setLevel` in the handshake era, the level
    /// sent with every request in the stateless era.
    pub async fn set_logging_level(&self, level: LoggingLevel) -> Result<()> {
        *self.inner.log_level.lock() = Some(level);
        if self.protocol_version().is_stateless() {
            return Ok(());
        }
        let params = SetLevelRequestParams { level, meta: None };
        self.request::<crate::types::SetLevelRequest>(params)
            .await
            .map(drop)
    }

    /// Tells the server the client's roots changed (handshake era).
    pub fn notify_roots_list_changed(&self) -> Result<()> {
        self.handshake_only("notifications/roots/list_changed")?;
        self.inner
            .peer
            .notify::<Value>("notifications/roots/list_changed", None)
    }

    /// `subscriptions/listen` (stateless era): opens a stream of the change notifications in
    /// `filter`. Dropping the [`Subscription`] cancels it.
    pub async fn listen(&self, filter: crate::types::SubscriptionFilter) -> Result<Subscription> {
        if !self.protocol_version().is_stateless() {
            return Err(ErrorData::method_not_found("subscriptions/listen").into());
        }
        let mut params = crate::types::SubscriptionsListenRequestParams {
            notifications: filter,
            meta: None,
        };
        self.stamp(&mut params);
        subscription::open(&self.inner.peer, &self.inner.service, params).await
    }

    fn handshake_only(&self, method: &str) -> Result<()> {
        if self.protocol_version().is_stateless() {
            return Err(ErrorData::method_not_found(method)
                .with_data(Value::String(format!(
                    "{method} does not exist in {}",
                    self.protocol_version()
                )))
                .into());
        }
        Ok(())
    }

    async fn all_pages<T, R, F, Fut>(
        &self,
        mut page: F,
        split: fn(R) -> (Vec<T>, Option<String>),
    ) -> Result<Vec<T>>
    where
        F: FnMut(Option<String>) -> Fut,
        Fut: Future<Output = Result<R>>,
    {
        let mut items = Vec::new();
        let mut cursor = None;
        let mut seen = std::collections::HashSet::new();
        loop {
            let (mut batch, next) = split(page(cursor).await?);
            items.append(&mut batch);
            match next {
                Some(next) if seen.insert(next.clone()) => cursor = Some(next),
                Some(next) => {
                    return Err(Error::ProtocolViolation(format!(
                        "the server returned the cursor {next:?} twice; stopping to avoid a loop"
                    )));
                }
                None => return Ok(items),
            }
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let session = self.session.take();
        let process = self.process.take();
        if session.is_none() && process.is_none() {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Some(session) = session {
                    session.close().await;
                }
                if let Some(process) = process {
                    process.shut_down().await;
                }
            });
        }
    }
}

fn task_params(task_id: &str) -> TaskRequestParams {
    TaskRequestParams {
        task_id: task_id.to_owned(),
        meta: None,
    }
}

fn paginated(cursor: Option<String>) -> PaginatedRequestParams {
    PaginatedRequestParams { cursor, meta: None }
}

fn progress_token(id: &RequestId) -> ProgressToken {
    match id {
        RequestId::Number(n) => ProgressToken::from(*n),
        RequestId::String(s) => ProgressToken::from(s.as_str()),
    }
}

/// Reads the `resultType` of a raw result.
fn result_type(raw: &serde_json::value::RawValue) -> Result<Option<ResultType>> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Probe {
        result_type: Option<ResultType>,
    }
    Ok(serde_json::from_str::<Probe>(raw.get())?.result_type)
}

/// Parses a final result; an unknown `resultType` is an error, as the spec requires.
fn parse_complete<T: DeserializeOwned>(
    method: &str,
    raw: &serde_json::value::RawValue,
) -> Result<T> {
    match result_type(raw)? {
        None | Some(ResultType::Complete) => serde_json::from_str(raw.get()).map_err(|e| {
            Error::ProtocolViolation(format!(
                "the result of {method} does not match the schema: {e}"
            ))
        }),
        Some(other) => Err(Error::ProtocolViolation(format!(
            "the result of {method} has resultType {other:?}, which this client does not know"
        ))),
    }
}
