//! Running a handler that may become a task: until it switches, it is an ordinary request; at
//! the switch the task is created (durably, before the client hears of it), the client gets the
//! task's handle, and the handler goes on in a task of its own whose outcome lands in the store.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

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

/// The pauses before asking a failing store again, as a shared store fails while its
/// connection is being made again: 100 ms, doubling up to 2 s.
struct Retry {
    pause: Duration,
}

impl Retry {
    fn new() -> Self {
        Self {
            pause: Duration::from_millis(100),
        }
    }

    /// Sleeps for the next pause.
    async fn wait(&mut self) {
        tokio::time::sleep(self.pause).await;
        self.pause = (self.pause * 2).min(Duration::from_secs(2));
    }
}

/// Records the task's outcome, trying again while the store fails: the outcome is given up
/// only once the task's time to live is over.
async fn record_outcome(
    store: &dyn TaskStore,
    task_id: &str,
    change: TaskChange,
    deadline: Option<Instant>,
) {
    let mut retry = Retry::new();
    loop {
        let Err(e) = store.update(task_id, change.clone()).await else {
            return;
        };
        if deadline.is_some_and(|deadline| Instant::now() + retry.pause >= deadline) {
            tracing::error!(task = task_id, error = %e, "could not record the task's outcome before its time to live ran out");
            return;
        }
        tracing::warn!(task = task_id, error = %e, "could not record the task's outcome; trying again");
        retry.wait().await;
    }
}

/// Resolves once the task is terminal (cancelled by the client) or gone.
/// A store that fails is asked again: the handler goes on meanwhile (its time to live still
/// bounds it) rather than being dropped as if the task had been cancelled.
async fn ended(store: &dyn TaskStore, task_id: &str, mut version: u64) {
    let mut retry = Retry::new();
    loop {
        match store.changed(task_id, version).await {
            Ok(Some(record)) if !record.status.is_terminal() => {
                version = record.version;
                retry = Retry::new();
            }
            Ok(_) => return,
            Err(e) => {
                tracing::warn!(task = task_id, error = %e, "cannot follow the task; asking again");
                retry.wait().await;
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::server::tasks::{InMemoryTaskStore, TaskStoreError};
    use crate::transport::BoxFuture;

    /// An in-memory store whose `changed` fails its first calls, as a shared store does while
    /// its connection is down.
    struct Flaky {
        inner: InMemoryTaskStore,
        failures: AtomicUsize,
    }

    impl TaskStore for Flaky {
        fn create(&self, record: TaskRecord) -> BoxFuture<'_, Result<(), TaskStoreError>> {
            self.inner.create(record)
        }

        fn get<'a>(
            &'a self,
            task_id: &'a str,
        ) -> BoxFuture<'a, Result<Option<TaskRecord>, TaskStoreError>> {
            self.inner.get(task_id)
        }

        fn update<'a>(
            &'a self,
            task_id: &'a str,
            change: TaskChange,
        ) -> BoxFuture<'a, Result<Option<TaskRecord>, TaskStoreError>> {
            self.inner.update(task_id, change)
        }

        fn changed<'a>(
            &'a self,
            task_id: &'a str,
            version: u64,
        ) -> BoxFuture<'a, Result<Option<TaskRecord>, TaskStoreError>> {
            let down = self
                .failures
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
            if down {
                Box::pin(async { Err(TaskStoreError("connection refused".into())) })
            } else {
                self.inner.changed(task_id, version)
            }
        }
    }

    #[tokio::test]
    async fn a_store_that_fails_is_asked_again_until_the_task_ends() {
        let store = Flaky {
            inner: InMemoryTaskStore::new(),
            failures: AtomicUsize::new(3),
        };
        let record = TaskRecord::new("t", "tools/call", None, None, Duration::from_secs(600));
        let version = record.version;
        store.create(record).await.unwrap();
        let ended = ended(&store, "t", version);
        tokio::pin!(ended);
        // Three failures, asked again after 100, 200 and 400 ms.
        let still_running = tokio::time::timeout(Duration::from_millis(1500), &mut ended).await;
        assert!(
            still_running.is_err(),
            "three failures did not end the task"
        );
        assert_eq!(
            store.failures.load(Ordering::SeqCst),
            0,
            "asked again each time"
        );
        store.update("t", TaskChange::Cancel).await.unwrap();
        tokio::time::timeout(Duration::from_secs(30), ended)
            .await
            .expect("the cancellation ends it");
    }
}
