//! Running a handler that may become a task: until it switches, it is an ordinary request; at
//! the switch the task is created (durably, before the client hears of it), the client gets the
//! task's handle, and the handler goes on in a task of its own whose outcome lands in the store.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures::FutureExt as _;
use serde::Serialize;
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::time::Instant;

use super::link::{SwitchReply, TaskLink};
use super::new_task_id;
use super::store::{TaskChange, TaskRecord, TaskStore};
use crate::error::Error;
use crate::jsonrpc::Peer;
use crate::types::ErrorData;
use crate::types::extensions::tasks::{CreateTaskResult, TaskStatusNotificationParams};

/// Turns a handler's error into the JSON-RPC error its task fails with.
pub(crate) type ToErrorData = Box<dyn Fn(Error) -> ErrorData + Send>;

/// How a driven handler ended, for its request.
pub(crate) enum Driven<T> {
    /// It finished before switching: its own answer.
    Done(crate::Result<T>),
    /// It switched: the handle of the task it goes on as.
    Task(CreateTaskResult),
}

/// Runs `handler` for its request: its answer if it finishes first, the handle of the task it
/// became if it switches first (see [`TaskLink::run_as_task`]). `notify` is a handshake-era
/// session that hears `notifications/tasks` for the task; `to_error` words the handler's error
/// for the task.
pub(crate) async fn drive<T, F>(
    handler: F,
    link: Arc<TaskLink>,
    switched: oneshot::Receiver<SwitchReply>,
    method: &'static str,
    notify: Option<Peer>,
    to_error: ToErrorData,
) -> Driven<T>
where
    T: Serialize + Send + 'static,
    F: Future<Output = crate::Result<T>> + Send + 'static,
{
    let mut handler = Box::pin(caught(handler));
    let reply = tokio::select! {
        biased;
        done = &mut handler => return Driven::Done(done),
        reply = switched => reply,
    };
    // No switch can come any more (the link let its end go): just finish.
    let Ok(reply) = reply else {
        return Driven::Done(handler.await);
    };
    let settings = &link.settings;
    let record = TaskRecord::new(
        new_task_id(),
        method,
        link.owner.clone(),
        settings.ttl,
        settings.poll_interval,
    );
    if let Err(e) = settings.store().create(record.clone()).await {
        let error = ErrorData::internal_error(format!("could not create the task: {e}"));
        let _ = reply.send(Err(error.clone()));
        return Driven::Done(Err(Error::Protocol(error)));
    }
    link.set_task_id(record.task_id.clone());
    let _ = reply.send(Ok(()));
    let handle = CreateTaskResult::new(record.task());
    let handler = async move { handler.await.map_err(to_error) };
    tokio::spawn(execute(handler, link, record, notify));
    Driven::Task(handle)
}

/// `handler`, with a panic turned into an internal error.
async fn caught<T>(handler: impl Future<Output = crate::Result<T>>) -> crate::Result<T> {
    match AssertUnwindSafe(handler).catch_unwind().await {
        Ok(outcome) => outcome,
        Err(panic) => {
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".into());
            Err(Error::Protocol(ErrorData::internal_error(format!(
                "the handler panicked: {why}"
            ))))
        }
    }
}

/// The rest of a switched handler's life: it runs until it finishes, the task is cancelled (it
/// is dropped then), or the task's time runs out (it is failed); its progress becomes the
/// task's status message.
async fn execute<T: Serialize>(
    handler: impl Future<Output = Result<T, ErrorData>>,
    link: Arc<TaskLink>,
    record: TaskRecord,
    notify: Option<Peer>,
) {
    let store = link.settings.store().clone();
    let task_id = record.task_id.as_str();
    if let Some(peer) = notify {
        tokio::spawn(notify_session(store.clone(), record.clone(), peer));
    }
    let deadline = record.ttl.map(|ttl| Instant::now() + ttl);
    let expired = async {
        match deadline {
            Some(deadline) => tokio::time::sleep_until(deadline).await,
            None => std::future::pending().await,
        }
    };
    let outcome = tokio::select! {
        outcome = handler => Some(outcome),
        () = ended(&*store, task_id, record.version) => None,
        () = report_progress(&link, &*store, task_id) => None,
        () = expired => Some(Err(ErrorData::internal_error(
            "the task ran past its time to live and was stopped",
        ))),
    };
    let Some(outcome) = outcome else { return };
    let change = match outcome.and_then(|result| match serde_json::to_value(result) {
        Ok(Value::Object(result)) => Ok(result),
        Ok(other) => Err(ErrorData::internal_error(format!(
            "the handler's result is not an object: {other}"
        ))),
        Err(e) => Err(ErrorData::internal_error(e.to_string())),
    }) {
        Ok(result) => TaskChange::Complete { result },
        Err(error) => TaskChange::Fail { error },
    };
    record_outcome(&*store, task_id, change, deadline).await;
}

/// Records the task's outcome, trying again (after a pause growing to 2 s) while the store
/// fails, as a shared store does while its connection is being made again: the outcome is
/// given up only once the task's time to live is over.
async fn record_outcome(
    store: &dyn TaskStore,
    task_id: &str,
    change: TaskChange,
    deadline: Option<Instant>,
) {
    let mut pause = std::time::Duration::from_millis(100);
    loop {
        let Err(e) = store.update(task_id, change.clone()).await else {
            return;
        };
        if deadline.is_some_and(|deadline| Instant::now() + pause >= deadline) {
            tracing::error!(task = task_id, error = %e, "could not record the task's outcome before its time to live ran out");
            return;
        }
        tracing::warn!(task = task_id, error = %e, "could not record the task's outcome; trying again");
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(std::time::Duration::from_secs(2));
    }
}

/// Resolves once the task is terminal (cancelled by the client) or gone.
async fn ended(store: &dyn TaskStore, task_id: &str, mut version: u64) {
    loop {
        match store.changed(task_id, version).await {
            Ok(Some(record)) if !record.status.is_terminal() => version = record.version,
            Ok(_) => return,
            Err(e) => {
                tracing::warn!(task = task_id, error = %e, "lost track of the task");
                return;
            }
        }
    }
}

/// Applies the handler's progress messages to the task, the latest one winning; never ends.
async fn report_progress(link: &TaskLink, store: &dyn TaskStore, task_id: &str) {
    let mut progress = link.progress.subscribe();
    while progress.changed().await.is_ok() {
        let message = progress.borrow_and_update().clone();
        if let Some(message) = message
            && let Err(e) = store
                .update(task_id, TaskChange::Progress { message })
                .await
        {
            tracing::warn!(task = task_id, error = %e, "could not record progress");
        }
    }
    std::future::pending().await
}

/// Sends `notifications/tasks` to a handshake-era session for every change of the task, until
/// it ends or the session closes.
async fn notify_session(store: Arc<dyn TaskStore>, record: TaskRecord, peer: Peer) {
    let closed = peer.closed();
    tokio::pin!(closed);
    let mut version = record.version;
    loop {
        let changed = tokio::select! {
            _ = &mut closed => return,
            changed = store.changed(&record.task_id, version) => changed,
        };
        let Ok(Some(record)) = changed else { return };
        version = record.version;
        let params = TaskStatusNotificationParams {
            task: record.detailed(),
            meta: None,
        };
        let _ = peer.notify("notifications/tasks", Some(&params));
        if record.status.is_terminal() {
            return;
        }
    }
}
