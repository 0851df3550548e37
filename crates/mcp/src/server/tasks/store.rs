//! Where tasks live: the [`TaskStore`] trait, the [`TaskRecord`] it keeps and the
//! [`TaskChange`]s it applies, with the one set of transition rules every store shares
//! ([`TaskRecord::apply`]).

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::BoxError;
use crate::transport::BoxFuture;
use crate::types::extensions::tasks::{DetailedTask, Task, TaskStatus};
use crate::types::{ErrorData, InputRequest, JsonObject};

/// A task as a store keeps it: everything `tasks/get` shows, plus who owns it, the answers it
/// was given and a version that grows with every change.
///
/// Plain serde data, so that a store shared by several server instances can keep it as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskRecord {
    /// The task's id.
    pub task_id: String,
    /// The method of the request the task runs (`tools/call`).
    pub method: String,
    /// The principal of the access token that created it, if the server checks tokens: only
    /// requests by the same principal see the task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Where it stands.
    pub status: TaskStatus,
    /// A human-readable account of the status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    /// When it was created.
    pub created_at: SystemTime,
    /// When it last changed.
    pub last_updated_at: SystemTime,
    /// How long after creation it is kept; `None` for as long as the store lives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<Duration>,
    /// How often clients should poll.
    pub poll_interval: Duration,
    /// The input requests not answered yet, by key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub input_requests: BTreeMap<String, InputRequest>,
    /// The answers the client gave, by the key of the request they answer.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub input_responses: BTreeMap<String, Value>,
    /// The result, once `completed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<JsonObject>,
    /// The error, once `failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorData>,
    /// Grows by one with every change: what [`TaskStore::changed`] waits past.
    pub version: u64,
}

/// A change to a task, applied by [`TaskRecord::apply`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "change")]
pub enum TaskChange {
    /// The work reports how it is going (the status message of a working task).
    Progress {
        /// What to show.
        message: String,
    },
    /// The work needs input from the client: the task waits in `input_required` until every
    /// outstanding request is answered.
    AskInput {
        /// The request's key, unique over the task's life.
        key: String,
        /// The request.
        request: Box<InputRequest>,
    },
    /// The client answers input requests (`tasks/update`). Answers to keys that are not
    /// outstanding are ignored.
    Answer {
        /// The answers, by key.
        responses: BTreeMap<String, Value>,
    },
    /// The work ended with a result (`isError` results included).
    Complete {
        /// The result of the original request.
        result: JsonObject,
    },
    /// The work ended with a JSON-RPC error.
    Fail {
        /// The error.
        error: ErrorData,
    },
    /// The client cancelled the task (`tasks/cancel`).
    Cancel,
}

impl TaskRecord {
    /// A new working task.
    pub fn new(
        task_id: impl Into<String>,
        method: impl Into<String>,
        owner: Option<String>,
        ttl: Option<Duration>,
        poll_interval: Duration,
    ) -> Self {
        let now = SystemTime::now();
        Self {
            task_id: task_id.into(),
            method: method.into(),
            owner,
            status: TaskStatus::Working,
            status_message: None,
            created_at: now,
            last_updated_at: now,
            ttl,
            poll_interval,
            input_requests: BTreeMap::new(),
            input_responses: BTreeMap::new(),
            result: None,
            error: None,
            version: 0,
        }
    }

    /// Whether the task has outlived its time to live at `now`.
    pub fn is_expired(&self, now: SystemTime) -> bool {
        self.ttl
            .is_some_and(|ttl| now.duration_since(self.created_at).unwrap_or_default() > ttl)
    }

    /// Applies `change` at `now`, by the rules of the extension: a terminal task (completed,
    /// failed, cancelled) never changes again, the task is `input_required` exactly while
    /// requests are outstanding, and only outstanding requests take answers. Says whether
    /// anything changed (the version then grows).
    pub fn apply(&mut self, change: TaskChange, now: SystemTime) -> bool {
        if self.status.is_terminal() {
            return false;
        }
        match change {
            TaskChange::Progress { message } => {
                if self.status_message.as_deref() == Some(message.as_str()) {
                    return false;
                }
                self.status_message = Some(message);
            }
            TaskChange::AskInput { key, request } => {
                if self.input_responses.contains_key(&key) {
                    return false;
                }
                self.input_requests.insert(key, *request);
            }
            TaskChange::Answer { responses } => {
                let mut answered = false;
                for (key, response) in responses {
                    if self.input_requests.remove(&key).is_some() {
                        self.input_responses.insert(key, response);
                        answered = true;
                    }
                }
                if !answered {
                    return false;
                }
            }
            TaskChange::Complete { result } => {
                self.status = TaskStatus::Completed;
                self.result = Some(result);
                self.input_requests.clear();
            }
            TaskChange::Fail { error } => {
                self.status = TaskStatus::Failed;
                self.status_message = Some(error.message.to_string());
                self.error = Some(error);
                self.input_requests.clear();
            }
            TaskChange::Cancel => {
                self.status = TaskStatus::Cancelled;
                self.status_message = Some("cancelled by the client".into());
                self.input_requests.clear();
            }
        }
        if !self.status.is_terminal() {
            self.status = if self.input_requests.is_empty() {
                TaskStatus::Working
            } else {
                TaskStatus::InputRequired
            };
        }
        self.last_updated_at = now;
        self.version += 1;
        true
    }

    /// The task as `tasks/get` and `notifications/tasks` show it.
    pub fn detailed(&self) -> DetailedTask {
        DetailedTask {
            task: self.task(),
            input_requests: (self.status == TaskStatus::InputRequired)
                .then(|| self.input_requests.clone()),
            result: (self.status == TaskStatus::Completed)
                .then(|| self.result.clone())
                .flatten(),
            error: (self.status == TaskStatus::Failed)
                .then(|| self.error.clone())
                .flatten(),
        }
    }

    /// The task's common fields, as its handle shows them.
    pub fn task(&self) -> Task {
        Task {
            task_id: self.task_id.clone(),
            status: self.status,
            status_message: self.status_message.clone(),
            created_at: iso8601(self.created_at),
            last_updated_at: iso8601(self.last_updated_at),
            ttl_ms: self.ttl.map(|ttl| whole_ms(ttl).max(1)),
            poll_interval_ms: Some(whole_ms(self.poll_interval).max(1)),
        }
    }
}

/// `duration` in whole milliseconds.
fn whole_ms(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// `time` as an ISO 8601 (RFC 3339) UTC timestamp (`2026-07-28T10:30:00.123456789Z`).
fn iso8601(time: SystemTime) -> String {
    time::OffsetDateTime::from(time)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

/// A store could not do what was asked (its backend failed: a connection, a serialization).
#[derive(Debug, thiserror::Error)]
#[error("the task store failed: {0}")]
pub struct TaskStoreError(#[source] pub BoxError);

/// Where a server keeps its tasks, so that a task outlives the request that created it and
/// every instance of a server sees the same tasks when they share a store.
///
/// The in-memory default is [`InMemoryTaskStore`](super::InMemoryTaskStore). A shared store
/// (a database, Redis) keeps [`TaskRecord`]s as JSON and applies each change atomically with
/// [`TaskRecord::apply`], so all stores follow the same rules. The instance running a task
/// learns of answers and cancellation through [`changed`](Self::changed), whichever instance
/// received them.
pub trait TaskStore: Send + Sync + 'static {
    /// Stores a new task. When this returns, [`get`](Self::get) finds it on every instance
    /// (the extension's durable creation).
    fn create(&self, record: TaskRecord) -> BoxFuture<'_, Result<(), TaskStoreError>>;

    /// The task with this id; `None` when there is none or it has expired.
    fn get<'a>(
        &'a self,
        task_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<TaskRecord>, TaskStoreError>>;

    /// Applies `change` to the task atomically and gives the task after it; `None` when there
    /// is no such task.
    fn update<'a>(
        &'a self,
        task_id: &'a str,
        change: TaskChange,
    ) -> BoxFuture<'a, Result<Option<TaskRecord>, TaskStoreError>>;

    /// Waits until the task's version passes `version` and gives it then; `None` once the
    /// task is gone (expired or never there).
    fn changed<'a>(
        &'a self,
        task_id: &'a str,
        version: u64,
    ) -> BoxFuture<'a, Result<Option<TaskRecord>, TaskStoreError>>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{ElicitRequest, ElicitRequestFormParams, RequestedSchema};
    use serde_json::json;

    fn elicit() -> InputRequest {
        InputRequest::Elicit(ElicitRequest::from(
            crate::types::ElicitRequestParams::from(ElicitRequestFormParams::new(
                "Name?",
                RequestedSchema::new(),
            )),
        ))
    }

    fn record() -> TaskRecord {
        TaskRecord::new("t", "tools/call", None, None, Duration::from_millis(500))
    }

    #[test]
    fn input_required_lasts_while_requests_are_outstanding() {
        let now = SystemTime::now();
        let mut task = record();
        assert!(task.apply(
            TaskChange::AskInput {
                key: "a".into(),
                request: Box::new(elicit())
            },
            now
        ));
        assert!(task.apply(
            TaskChange::AskInput {
                key: "b".into(),
                request: Box::new(elicit())
            },
            now
        ));
        assert_eq!(task.status, TaskStatus::InputRequired);

        let answer = |key: &str| TaskChange::Answer {
            responses: [(key.to_owned(), json!({"action": "accept"}))].into(),
        };
        assert!(
            !task.apply(answer("never-asked"), now),
            "unknown keys are ignored"
        );
        assert!(task.apply(answer("a"), now));
        assert_eq!(task.status, TaskStatus::InputRequired);
        assert_eq!(task.detailed().input_requests.unwrap().len(), 1);
        assert!(
            !task.apply(answer("a"), now),
            "an answered key takes no second answer"
        );
        assert!(task.apply(answer("b"), now));
        assert_eq!(task.status, TaskStatus::Working);
        assert!(task.detailed().input_requests.is_none());
        assert_eq!(task.version, 4);
    }

    #[test]
    fn a_terminal_task_never_changes() {
        let now = SystemTime::now();
        let mut task = record();
        assert!(task.apply(TaskChange::Cancel, now));
        assert!(!task.apply(
            TaskChange::Complete {
                result: JsonObject::new()
            },
            now
        ));
        assert_eq!(task.status, TaskStatus::Cancelled);
        let detailed = task.detailed();
        assert!(detailed.result.is_none() && detailed.error.is_none());
    }

    #[test]
    fn the_handle_shows_iso_timestamps_and_whole_milliseconds() {
        let mut task = record();
        task.ttl = Some(Duration::from_secs(60));
        let handle = task.task();
        assert_eq!(handle.ttl_ms, Some(60_000));
        assert_eq!(handle.poll_interval_ms, Some(500));
        assert!(handle.created_at.ends_with('Z') && handle.created_at.contains('T'));
        assert!(handle.created_at.starts_with("20"), "{}", handle.created_at);
    }

    #[test]
    fn a_failed_task_inlines_its_error_and_no_result() {
        let now = SystemTime::now();
        let mut task = record();
        task.apply(
            TaskChange::Fail {
                error: ErrorData::internal_error("boom"),
            },
            now,
        );
        let detailed = task.detailed();
        assert_eq!(detailed.error.unwrap().message, "boom");
        assert!(detailed.result.is_none());
        assert_eq!(task.status_message.as_deref(), Some("boom"));
    }

    #[test]
    fn records_round_trip_as_json() {
        let mut task = record();
        task.apply(
            TaskChange::AskInput {
                key: "k".into(),
                request: Box::new(elicit()),
            },
            SystemTime::now(),
        );
        let json = serde_json::to_string(&task).unwrap();
        let back: TaskRecord = serde_json::from_str(&json).unwrap();
        assert_eq!(back, task);
    }
}
