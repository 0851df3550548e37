//! The tasks extension (`io.modelcontextprotocol/tasks`, SEP-2663): a server may answer a
//! `tools/call` with a task handle instead of the result, and the client follows the task with
//! `tasks/get`, answers its input requests with `tasks/update` and stops it with `tasks/cancel`.
//!
//! This is the extension's wire form, which replaced the 2025-11-25 core tasks
//! ([`crate::tasks`]): the server alone decides to create a task, [`CreateTaskResult`] is flat
//! (`resultType: "task"`), `tasks/get` inlines the result, error or input requests
//! ([`DetailedTask`]), durations are `ttlMs` and `pollIntervalMs`, and `tasks/result` and
//! `tasks/list` are gone.
//!
//! ```
//! use mcp_types::extensions::tasks::{DetailedTask, GetTaskResult, TaskState};
//! use mcp_types::TaskStatus;
//!
//! let json = serde_json::json!({
//!     "resultType": "complete",
//!     "taskId": "786512e2",
//!     "status": "completed",
//!     "createdAt": "2025-11-25T10:30:00Z",
//!     "lastUpdatedAt": "2025-11-25T10:50:00Z",
//!     "ttlMs": 60000,
//!     "result": {"content": [{"type": "text", "text": "done"}], "isError": false}
//! });
//! let got: GetTaskResult = serde_json::from_value(json.clone()).unwrap();
//! assert_eq!(got.task.task.status, TaskStatus::Completed);
//! assert!(matches!(got.task.state(), TaskState::Completed(_)));
//! assert_eq!(serde_json::to_value(&got).unwrap(), json);
//! ```

use serde::{Deserialize, Serialize};

use crate::capabilities::ClientCapabilities;
use crate::jsonrpc::ErrorData;
use crate::meta::{JsonObject, Meta, RequestMeta};
use crate::mrtr::{InputRequests, InputResponses};
use crate::result::ResultType;
pub use crate::tasks::TaskStatus;

/// The extension's identifier, the key under `capabilities.extensions` on both sides.
pub const TASKS_EXTENSION: &str = "io.modelcontextprotocol/tasks";

/// Whether `capabilities` declare the tasks extension.
pub fn declares_tasks(capabilities: &ClientCapabilities) -> bool {
    capabilities
        .extensions
        .as_ref()
        .is_some_and(|extensions| extensions.contains_key(TASKS_EXTENSION))
}

/// `capabilities` with the tasks extension declared.
pub fn with_tasks(mut capabilities: ClientCapabilities) -> ClientCapabilities {
    capabilities
        .extensions
        .get_or_insert_with(Default::default)
        .insert(TASKS_EXTENSION.to_owned(), JsonObject::new());
    capabilities
}

/// The state every task shows: its id, status and timing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    /// The task's id: unguessable, minted by the server.
    pub task_id: String,
    /// Where it stands.
    pub status: TaskStatus,
    /// A human-readable account of the status (progress, what it waits for, why it failed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    /// When it was created (ISO 8601).
    pub created_at: String,
    /// When it last changed (ISO 8601).
    pub last_updated_at: String,
    /// How long after creation the server keeps it, in milliseconds; `null` for unlimited.
    pub ttl_ms: Option<u64>,
    /// How often to poll, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll_interval_ms: Option<u64>,
}

/// A task with what its status carries: the input requests of `input_required`, the result of
/// `completed`, the error of `failed`. `tasks/get` and `notifications/tasks` show this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DetailedTask {
    /// The task.
    #[serde(flatten)]
    pub task: Task,
    /// What the task waits for (`input_required`), keyed by the server; answer with
    /// `tasks/update`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_requests: Option<InputRequests>,
    /// The result of the original request (`completed`): a `CallToolResult` for a tool call,
    /// `isError` included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<JsonObject>,
    /// The JSON-RPC error the request ended with (`failed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorData>,
}

/// A [`DetailedTask`] read by its status.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TaskState<'a> {
    /// Running.
    Working,
    /// Waiting for the client to answer these requests.
    InputRequired(&'a InputRequests),
    /// Done: the original request's result.
    Completed(&'a JsonObject),
    /// Ended by a JSON-RPC error.
    Failed(&'a ErrorData),
    /// Cancelled.
    Cancelled,
}

impl DetailedTask {
    /// The task as its status reads.
    pub fn state(&self) -> TaskState<'_> {
        static EMPTY_REQUESTS: InputRequests = InputRequests::new();
        static EMPTY_RESULT: std::sync::LazyLock<JsonObject> =
            std::sync::LazyLock::new(JsonObject::new);
        match self.task.status {
            TaskStatus::Working => TaskState::Working,
            TaskStatus::InputRequired => {
                TaskState::InputRequired(self.input_requests.as_ref().unwrap_or(&EMPTY_REQUESTS))
            }
            TaskStatus::Completed => {
                TaskState::Completed(self.result.as_ref().unwrap_or(&EMPTY_RESULT))
            }
            TaskStatus::Failed => match &self.error {
                Some(error) => TaskState::Failed(error),
                None => TaskState::Cancelled,
            },
            TaskStatus::Cancelled => TaskState::Cancelled,
        }
    }
}

/// The answer to a request the server chose to run as a task (`resultType: "task"`): the
/// task's first state, flat, with nothing inlined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateTaskResult {
    /// The task.
    #[serde(flatten)]
    pub task: Task,
    /// Result metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// `"task"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<ResultType>,
}

impl CreateTaskResult {
    /// The handle of `task`.
    pub fn new(task: Task) -> Self {
        Self {
            task,
            meta: None,
            result_type: Some(ResultType::Task),
        }
    }
}

/// The params of `tasks/get` and `tasks/cancel`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskIdParams {
    /// The task's id.
    pub task_id: String,
    /// Request metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<RequestMeta>,
}

impl TaskIdParams {
    /// Names the task with this id.
    pub fn new(task_id: impl Into<String>) -> Self {
        Self {
            task_id: task_id.into(),
            meta: None,
        }
    }
}

request_kind! {
    /// `tasks/get`: a task's state, with its result, error or input requests inlined.
    GetTaskRequest = "tasks/get",
    params: TaskIdParams,
    result: GetTaskResult,
    required,
}

/// The result of `tasks/get`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetTaskResult {
    /// The task.
    #[serde(flatten)]
    pub task: DetailedTask,
    /// Result metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// How to read the result (`"complete"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<ResultType>,
}

/// The params of `tasks/update`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateTaskRequestParams {
    /// The task's id.
    pub task_id: String,
    /// Answers to the task's outstanding input requests, by their keys.
    pub input_responses: InputResponses,
    /// Request metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<RequestMeta>,
}

request_kind! {
    /// `tasks/update`: answers some of a task's input requests.
    UpdateTaskRequest = "tasks/update",
    params: UpdateTaskRequestParams,
    result: TaskAck,
    required,
}

request_kind! {
    /// `tasks/cancel`: asks the server to stop a task (cooperative, eventually consistent).
    CancelTaskRequest = "tasks/cancel",
    params: TaskIdParams,
    result: TaskAck,
    required,
}

/// The empty acknowledgement of `tasks/update` and `tasks/cancel`: what became of the task is
/// seen with the next `tasks/get`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskAck {
    /// Result metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// How to read the result (`"complete"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<ResultType>,
}

/// The params of `notifications/tasks`: the task as `tasks/get` would show it now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskStatusNotificationParams {
    /// The task.
    #[serde(flatten)]
    pub task: DetailedTask,
    /// Notification metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

notification_kind! {
    /// `notifications/tasks`: a task changed (sent on `subscriptions/listen` streams that name
    /// it).
    TaskStatusNotification = "notifications/tasks",
    params: TaskStatusNotificationParams,
    required,
}

request_params!(TaskIdParams, UpdateTaskRequestParams);
result_fields!(CreateTaskResult, GetTaskResult, TaskAck);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ResultFields;
    use serde_json::json;

    fn task(status: TaskStatus) -> Task {
        Task {
            task_id: "t1".into(),
            status,
            status_message: None,
            created_at: "2026-07-28T10:30:00Z".into(),
            last_updated_at: "2026-07-28T10:30:00Z".into(),
            ttl_ms: None,
            poll_interval_ms: Some(500),
        }
    }

    #[test]
    fn a_task_handle_is_flat_and_keeps_a_null_ttl() {
        let created = CreateTaskResult::new(task(TaskStatus::Working));
        assert_eq!(
            serde_json::to_value(&created).unwrap(),
            json!({
                "resultType": "task",
                "taskId": "t1",
                "status": "working",
                "createdAt": "2026-07-28T10:30:00Z",
                "lastUpdatedAt": "2026-07-28T10:30:00Z",
                "ttlMs": null,
                "pollIntervalMs": 500
            })
        );
        assert_eq!(created.result_type(), Some(&ResultType::Task));
    }

    #[test]
    fn input_requests_and_responses_keep_their_keys() {
        let json = json!({
            "taskId": "t1",
            "status": "input_required",
            "createdAt": "2026-07-28T10:30:00Z",
            "lastUpdatedAt": "2026-07-28T10:31:00Z",
            "ttlMs": 60000,
            "inputRequests": {"name": {"method": "elicitation/create", "params": {
                "mode": "form", "message": "Name?",
                "requestedSchema": {"type": "object", "properties": {"name": {"type": "string"}}}
            }}}
        });
        let detailed: DetailedTask = serde_json::from_value(json.clone()).unwrap();
        let TaskState::InputRequired(requests) = detailed.state() else {
            panic!("{detailed:?}")
        };
        assert!(requests.contains_key("name"));
        assert_eq!(serde_json::to_value(&detailed).unwrap(), json);

        let update: UpdateTaskRequestParams = serde_json::from_value(json!({
            "taskId": "t1",
            "inputResponses": {"name": {"action": "accept", "content": {"name": "Luca"}}}
        }))
        .unwrap();
        assert_eq!(update.input_responses.len(), 1);
    }

    #[test]
    fn the_extension_is_declared_under_extensions() {
        let caps = with_tasks(ClientCapabilities::default());
        assert!(declares_tasks(&caps));
        assert_eq!(
            serde_json::to_value(&caps).unwrap(),
            json!({"extensions": {"io.modelcontextprotocol/tasks": {}}})
        );
        assert!(!declares_tasks(&ClientCapabilities::default()));
    }
}
