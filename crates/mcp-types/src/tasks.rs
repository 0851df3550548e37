//! Tasks (2025-11-25): requests that run in the background and are polled for their outcome.
//!
//! A request augmented with `task` ([`TaskMetadata`]) is answered at once with a
//! [`CreateTaskResult`]; the requester then follows the task with `tasks/get`, fetches its outcome
//! with `tasks/result`, and may cancel it with `tasks/cancel`. In 2026-07-28 tasks moved to an
//! extension (`io.modelcontextprotocol/tasks`) outside the core schema.

use serde::{Deserialize, Serialize};

use crate::meta::{JsonObject, Meta, RequestMeta};
use crate::pagination::{Cursor, PaginatedRequestParams};
use crate::result::ResultType;

/// Asks for a request to run as a task.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskMetadata {
    /// How long to keep the task after creation, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<u64>,
}

/// Ties a message to a task; goes in `_meta` under `io.modelcontextprotocol/related-task`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelatedTaskMetadata {
    /// The task's id.
    pub task_id: String,
}

impl RelatedTaskMetadata {
    /// Refers to the task with this id.
    pub fn new(task_id: impl Into<String>) -> Self {
        Self {
            task_id: task_id.into(),
        }
    }
}

/// Where a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Running.
    Working,
    /// Waiting for input (elicitation or sampling).
    InputRequired,
    /// Done; the result is available.
    Completed,
    /// Done without success.
    Failed,
    /// Cancelled before completion.
    Cancelled,
}

impl TaskStatus {
    /// Whether the task can no longer change.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Cancelled)
    }
}

/// The state of a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    /// The task's id.
    pub task_id: String,
    /// Where it stands.
    pub status: TaskStatus,
    /// A human-readable account of the status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    /// When it was created (ISO 8601).
    pub created_at: String,
    /// When it last changed (ISO 8601).
    pub last_updated_at: String,
    /// How long it is kept after creation, in milliseconds; `null` for unlimited.
    pub ttl: Option<u64>,
    /// How often to poll, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll_interval: Option<u64>,
}

/// The answer to a task-augmented request: the task that was created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateTaskResult {
    /// The task.
    pub task: Task,
    /// Result metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// How to read the result (2026-07-28; tasks are not in that schema).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<ResultType>,
}

/// The params of `tasks/get`, `tasks/result` and `tasks/cancel`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskRequestParams {
    /// The task's id.
    pub task_id: String,
    /// Request metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<RequestMeta>,
}

impl TaskRequestParams {
    /// Refers to the task with this id.
    pub fn new(task_id: impl Into<String>) -> Self {
        Self {
            task_id: task_id.into(),
            meta: None,
        }
    }
}

request_kind! {
    /// `tasks/get`: the state of a task.
    GetTaskRequest = "tasks/get",
    params: TaskRequestParams,
    result: GetTaskResult,
    required,
}

/// The result of `tasks/get`: the task's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetTaskResult {
    /// The task.
    #[serde(flatten)]
    pub task: Task,
    /// Result metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// How to read the result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<ResultType>,
}

request_kind! {
    /// `tasks/result`: the outcome of a task, once it is done (blocks until then).
    GetTaskPayloadRequest = "tasks/result",
    params: TaskRequestParams,
    result: GetTaskPayloadResult,
    required,
}

/// The result of `tasks/result`: the result of the original request (a `CallToolResult` for a
/// `tools/call` task, ...), kept as JSON to be read as that type.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetTaskPayloadResult {
    /// Result metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// How to read the result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<ResultType>,
    /// The other members of the original request's result.
    #[serde(flatten)]
    pub payload: JsonObject,
}

impl GetTaskPayloadResult {
    /// Wraps the result of the original request.
    pub fn from_result<R: Serialize>(result: &R) -> Result<Self, serde_json::Error> {
        serde_json::from_value(serde_json::to_value(result)?)
    }

    /// Reads the payload as the original request's result type.
    pub fn into_result<R: serde::de::DeserializeOwned>(self) -> Result<R, serde_json::Error> {
        serde_json::from_value(serde_json::to_value(self)?)
    }
}

request_kind! {
    /// `tasks/cancel`: cancels a task.
    CancelTaskRequest = "tasks/cancel",
    params: TaskRequestParams,
    result: CancelTaskResult,
    required,
}

/// The result of `tasks/cancel`: the task's state after cancelling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancelTaskResult {
    /// The task.
    #[serde(flatten)]
    pub task: Task,
    /// Result metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// How to read the result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<ResultType>,
}

request_kind! {
    /// `tasks/list`: the requester's tasks, a page at a time.
    ListTasksRequest = "tasks/list",
    params: PaginatedRequestParams,
    result: ListTasksResult,
    optional,
}

/// The result of `tasks/list`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListTasksResult {
    /// The tasks of this page.
    pub tasks: Vec<Task>,
    /// The cursor of the next page, if there may be one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<Cursor>,
    /// Result metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// How to read the result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<ResultType>,
}

/// The params of `notifications/tasks/status`: the task's new state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskStatusNotificationParams {
    /// The task.
    #[serde(flatten)]
    pub task: Task,
    /// Notification metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

notification_kind! {
    /// `notifications/tasks/status`: a task's status changed.
    TaskStatusNotification = "notifications/tasks/status",
    params: TaskStatusNotificationParams,
    required,
}

request_params!(TaskRequestParams);
result_fields!(
    CreateTaskResult,
    GetTaskResult,
    GetTaskPayloadResult,
    CancelTaskResult,
    ListTasksResult
);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn task_results_are_flat_and_keep_a_null_ttl() {
        let json = json!({
            "taskId": "t1",
            "status": "input_required",
            "createdAt": "2025-11-25T10:30:00Z",
            "lastUpdatedAt": "2025-11-25T10:31:00Z",
            "ttl": null,
            "_meta": {"k": 1}
        });
        let result: GetTaskResult = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(result.task.status, TaskStatus::InputRequired);
        assert_eq!(result.task.ttl, None);
        assert_eq!(serde_json::to_value(&result).unwrap(), json);
    }

    #[test]
    fn task_payload_keeps_the_original_result() {
        let call = crate::CallToolResult::text("done");
        let payload = GetTaskPayloadResult::from_result(&call).unwrap();
        assert!(payload.payload.contains_key("content"));
        let back: crate::CallToolResult = payload.into_result().unwrap();
        assert_eq!(back, call);
    }
}
