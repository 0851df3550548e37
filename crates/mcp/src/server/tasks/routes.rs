//! The extension's requests (`tasks/get`, `tasks/update`, `tasks/cancel`) and its
//! notifications on `subscriptions/listen` streams.

use std::pin::Pin;

use futures::stream::{self, Stream, StreamExt as _};
use serde_json::Value;

use super::TaskSettings;
use super::store::{TaskChange, TaskRecord, TaskStore};
use crate::jsonrpc::{IncomingRequest, Peer};
use crate::types::extensions::tasks::{
    CancelTaskRequest, GetTaskRequest, GetTaskResult, TaskAck, TaskIdParams,
    TaskStatusNotificationParams, UpdateTaskRequest, UpdateTaskRequestParams,
};
use crate::types::meta::SUBSCRIPTION_ID;
use crate::types::{ErrorData, Request, RequestId, RequestMeta, RequestParams, ResultType};

/// One of the extension's requests, parsed.
#[derive(Debug)]
pub(crate) enum TaskMethod {
    /// `tasks/get`.
    Get(TaskIdParams),
    /// `tasks/update`.
    Update(UpdateTaskRequestParams),
    /// `tasks/cancel`.
    Cancel(TaskIdParams),
}

impl TaskMethod {
    /// Whether `method` is one of the extension's requests.
    pub fn is_task_method(method: &str) -> bool {
        [
            GetTaskRequest::METHOD,
            UpdateTaskRequest::METHOD,
            CancelTaskRequest::METHOD,
        ]
        .contains(&method)
    }

    /// Parses the request, taking its `_meta` out.
    pub fn parse(request: &IncomingRequest<'_>) -> Result<(Self, Option<RequestMeta>), ErrorData> {
        let mut method = match request.method {
            GetTaskRequest::METHOD => Self::Get(request.parse_params()?),
            UpdateTaskRequest::METHOD => Self::Update(request.parse_params()?),
            _ => Self::Cancel(request.parse_params()?),
        };
        let meta = match &mut method {
            Self::Get(p) | Self::Cancel(p) => p.meta_mut().take(),
            Self::Update(p) => p.meta_mut().take(),
        };
        Ok((method, meta))
    }

    fn task_id(&self) -> &str {
        match self {
            Self::Get(p) | Self::Cancel(p) => &p.task_id,
            Self::Update(p) => &p.task_id,
        }
    }

    /// Serves the request for `owner` (the caller's principal): the task's state, or the
    /// acknowledgement of an update or cancellation. A task of another owner is unknown.
    pub async fn serve(
        self,
        settings: &TaskSettings,
        owner: Option<&str>,
    ) -> Result<Value, ErrorData> {
        let store = settings.store();
        let task_id = self.task_id().to_owned();
        let record = store
            .get(&task_id)
            .await
            .map_err(|e| ErrorData::internal_error(e.to_string()))?
            .filter(|record| record.owner.as_deref() == owner)
            .ok_or_else(|| unknown(&task_id))?;
        let change = match self {
            Self::Get(_) => {
                let result = GetTaskResult {
                    task: record.detailed(),
                    meta: None,
                    result_type: Some(ResultType::Complete),
                };
                return to_value(&result);
            }
            Self::Update(params) => TaskChange::Answer {
                responses: params
                    .input_responses
                    .into_iter()
                    .map(|(key, response)| (key, response.to_value()))
                    .collect(),
            },
            Self::Cancel(_) => TaskChange::Cancel,
        };
        store
            .update(&task_id, change)
            .await
            .map_err(|e| ErrorData::internal_error(e.to_string()))?
            .ok_or_else(|| unknown(&task_id))?;
        to_value(&TaskAck {
            meta: None,
            result_type: Some(ResultType::Complete),
        })
    }
}

fn to_value(result: &impl serde::Serialize) -> Result<Value, ErrorData> {
    serde_json::to_value(result).map_err(|e| ErrorData::internal_error(e.to_string()))
}

fn unknown(task_id: &str) -> ErrorData {
    ErrorData::invalid_params(format!(
        "no task {task_id:?}: it does not exist, has expired, or belongs to someone else"
    ))
}

/// The tasks among `task_ids` that exist and belong to `owner`: those a
/// `subscriptions/listen` stream may follow.
pub(crate) async fn followable(
    settings: &TaskSettings,
    task_ids: &[String],
    owner: Option<&str>,
) -> Vec<String> {
    let mut granted = Vec::new();
    for task_id in task_ids {
        if let Ok(Some(record)) = settings.store().get(task_id).await
            && record.owner.as_deref() == owner
        {
            granted.push(task_id.clone());
        }
    }
    granted
}

/// The changes of one task, from the state it has now to its end.
fn changes(
    store: std::sync::Arc<dyn TaskStore>,
    task_id: String,
) -> Pin<Box<dyn Stream<Item = TaskRecord> + Send>> {
    Box::pin(stream::unfold(Some(0_u64), move |version| {
        let store = store.clone();
        let task_id = task_id.clone();
        async move {
            let version = version?;
            let record = store.changed(&task_id, version).await.ok()??;
            let next = (!record.status.is_terminal()).then_some(record.version);
            Some((record, next))
        }
    }))
}

/// Sends `notifications/tasks` for each change of the tasks `task_ids` on the
/// `subscriptions/listen` stream `listen_id`, until the stream closes.
pub(crate) async fn listen_to_tasks(
    settings: TaskSettings,
    task_ids: Vec<String>,
    peer: Peer,
    listen_id: RequestId,
) {
    let store = settings.store().clone();
    let mut all = stream::select_all(task_ids.into_iter().map(|id| changes(store.clone(), id)));
    let closed = peer.closed();
    tokio::pin!(closed);
    loop {
        let record = tokio::select! {
            _ = &mut closed => return,
            record = all.next() => record,
        };
        let Some(record) = record else {
            return closed.await;
        };
        let mut meta = crate::types::Meta::new();
        meta.insert(
            SUBSCRIPTION_ID.into(),
            serde_json::to_value(&listen_id).unwrap_or(Value::Null),
        );
        let params = TaskStatusNotificationParams {
            task: record.detailed(),
            meta: Some(meta),
        };
        let _ = peer.notify_related(
            "notifications/tasks",
            Some(&params),
            Some(listen_id.clone()),
        );
    }
}
