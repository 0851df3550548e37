//! The tasks extension (`io.modelcontextprotocol/tasks`), client side: tool calls the server
//! may answer with a task, and the requests that follow one (`tasks/get`, `tasks/update`,
//! `tasks/cancel`).

use std::collections::HashSet;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{CallOptions, Client, parse_complete, result_type};
use crate::error::{Error, Result};
use crate::types::extensions::tasks::{
    CancelTaskRequest, CreateTaskResult, DetailedTask, GetTaskRequest, GetTaskResult,
    TASKS_EXTENSION, TaskIdParams, TaskState, UpdateTaskRequest, UpdateTaskRequestParams,
    declares_tasks, with_tasks,
};
use crate::types::{
    CallToolRequest, CallToolRequestParams, CallToolResult, InputResponses, Request, RequestParams,
    ResultType,
};

/// How long to wait between polls when the server suggests nothing.
const DEFAULT_POLL: Duration = Duration::from_millis(500);
/// The shortest and longest waits between polls, whatever the server suggests.
const POLL_BOUNDS: (Duration, Duration) = (Duration::from_millis(10), Duration::from_secs(30));

/// The answer to a tool call the server may run as a task.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum ToolCall {
    /// The tool's result.
    Complete(CallToolResult),
    /// The task the server runs the call as: follow it with [`Tasks::wait`].
    Task(CreateTaskResult),
}

/// The tasks extension on a [`Client`]: get it with [`Client::tasks`].
///
/// Each request declares the extension in its own `_meta` when the client did not declare it
/// for the session ([`ClientBuilder::tasks`](super::ClientBuilder::tasks)), so that any client
/// can opt in per call.
///
/// ```no_run
/// # async fn run(client: mcp::client::Client) -> mcp::Result<()> {
/// use mcp::client::ToolCall;
/// use mcp::types::CallToolRequestParams;
///
/// let params = CallToolRequestParams::new("slow_compute").with_argument("seconds", 5);
/// let result = match client.tasks().call_tool(params, &Default::default()).await? {
///     ToolCall::Complete(result) => result,
///     ToolCall::Task(task) => {
///         client
///             .tasks()
///             .wait(&task.task.task_id, |state| {
///                 eprintln!("{:?} {}", state.task.status, state.task.status_message.as_deref().unwrap_or(""))
///             })
///             .await?
///     }
/// };
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Tasks<'a> {
    client: &'a Client,
}

impl Client {
    /// The tasks extension: tool calls the server may run as tasks, and the tasks' requests.
    pub fn tasks(&self) -> Tasks<'_> {
        Tasks { client: self }
    }
}

impl Tasks<'_> {
    /// Whether the server declared the extension.
    pub fn supported(self) -> bool {
        self.client
            .server_capabilities()
            .extensions
            .as_ref()
            .is_some_and(|extensions| extensions.contains_key(TASKS_EXTENSION))
    }

    /// `tools/call`, declaring the extension: the tool's result, or the task the server chose
    /// to run it as. Input requests before the task exists (multi round-trip) are answered
    /// through the client's callbacks, as for any call.
    pub async fn call_tool(
        self,
        mut params: CallToolRequestParams,
        options: &CallOptions,
    ) -> Result<ToolCall> {
        self.stamp(&mut params);
        let raw = self
            .client
            .rounds(CallToolRequest::METHOD, &mut params, options)
            .await?;
        if result_type(&raw)? == Some(ResultType::Task) {
            let handle: CreateTaskResult = serde_json::from_str(raw.get()).map_err(|e| {
                Error::ProtocolViolation(format!("the task handle of tools/call is malformed: {e}"))
            })?;
            return Ok(ToolCall::Task(handle));
        }
        parse_complete(CallToolRequest::METHOD, &raw).map(ToolCall::Complete)
    }

    /// `tasks/get`: the task's state, with its result, error or input requests.
    pub async fn get(self, task_id: &str) -> Result<GetTaskResult> {
        self.send::<GetTaskRequest>(TaskIdParams::new(task_id))
            .await
    }

    /// `tasks/update`: answers some of the task's input requests.
    pub async fn update(self, task_id: &str, responses: InputResponses) -> Result<()> {
        let params = UpdateTaskRequestParams {
            task_id: task_id.to_owned(),
            input_responses: responses,
            meta: None,
        };
        self.send::<UpdateTaskRequest>(params).await.map(drop)
    }

    /// `tasks/cancel`: asks the server to stop the task (it may still finish).
    pub async fn cancel(self, task_id: &str) -> Result<()> {
        self.send::<CancelTaskRequest>(TaskIdParams::new(task_id))
            .await
            .map(drop)
    }

    /// Follows a task to its end: polls it at the interval the server suggests, answers each of
    /// its input requests once through the client's callbacks (elicitation, sampling, roots),
    /// shows `on_change` every state that differs from the last, and gives the tool's result.
    /// A failed task is its JSON-RPC error; a cancelled one is [`Error::Cancelled`].
    pub async fn wait(
        self,
        task_id: &str,
        mut on_change: impl FnMut(&DetailedTask),
    ) -> Result<CallToolResult> {
        let mut answered = HashSet::new();
        let mut last: Option<DetailedTask> = None;
        loop {
            let task = self.get(task_id).await?.task;
            if last.as_ref() != Some(&task) {
                on_change(&task);
            }
            match task.state() {
                TaskState::Completed(result) => {
                    return serde_json::from_value(serde_json::Value::Object(result.clone()))
                        .map_err(|e| {
                            Error::ProtocolViolation(format!(
                                "the result of task {task_id} is not a tool result: {e}"
                            ))
                        });
                }
                TaskState::Failed(error) => return Err(Error::Protocol(error.clone())),
                TaskState::Cancelled => return Err(Error::Cancelled),
                TaskState::InputRequired(requests) => {
                    let mut responses = InputResponses::new();
                    for (key, request) in requests {
                        if answered.insert(key.clone()) {
                            let answer = self
                                .client
                                .inner
                                .service
                                .callbacks
                                .fulfil(request.clone())
                                .await?;
                            responses.insert(key.clone(), answer);
                        }
                    }
                    if !responses.is_empty() {
                        self.update(task_id, responses).await?;
                        last = Some(task);
                        continue;
                    }
                }
                TaskState::Working => {}
            }
            let wait = task
                .task
                .poll_interval_ms
                .map_or(DEFAULT_POLL, Duration::from_millis)
                .clamp(POLL_BOUNDS.0, POLL_BOUNDS.1);
            last = Some(task);
            tokio::time::sleep(wait).await;
        }
    }

    /// Calls a tool and, when the server makes a task of it, waits for the task's result.
    pub async fn call_tool_to_end(self, params: CallToolRequestParams) -> Result<CallToolResult> {
        match self.call_tool(params, &CallOptions::default()).await? {
            ToolCall::Complete(result) => Ok(result),
            ToolCall::Task(handle) => self.wait(&handle.task.task_id, |_| {}).await,
        }
    }

    /// Stamps a request as the client does, declaring the extension in its `_meta` unless the
    /// session declared it.
    fn stamp<P: RequestParams>(self, params: &mut P) {
        self.client.stamp(params);
        let session = self.client.capabilities();
        if declares_tasks(session) && !self.client.protocol_version().is_stateless() {
            return;
        }
        let meta = params.meta_or_insert();
        let declared = meta
            .client_capabilities
            .take()
            .map_or_else(|| session.clone(), |capabilities| *capabilities);
        meta.client_capabilities = Some(Box::new(with_tasks(declared)));
    }

    async fn send<R: Request>(self, mut params: R::Params) -> Result<R::Result>
    where
        R::Params: Serialize,
        R::Result: DeserializeOwned,
    {
        self.stamp(&mut params);
        let raw = self
            .client
            .send_raw(R::METHOD, &mut params, &CallOptions::default())
            .await?;
        parse_complete(R::METHOD, &raw)
    }
}
