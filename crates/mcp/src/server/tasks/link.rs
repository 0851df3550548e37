//! What a request that may become a task carries in its context: the way to ask for the
//! switch, and once switched, the task it runs as.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use parking_lot::Mutex;
use serde_json::Value;
use tokio::sync::{oneshot, watch};

use super::TaskSettings;
use super::store::{TaskChange, TaskStoreError};
use crate::error::{Error, Result};
use crate::types::{ErrorData, InputRequest};

/// The driver's answer to a switch: the task exists (or could not be created).
pub(crate) type SwitchReply = oneshot::Sender<std::result::Result<(), ErrorData>>;

/// The link between a running handler and the task it may become.
#[derive(Debug)]
pub(crate) struct TaskLink {
    pub settings: TaskSettings,
    /// The principal the task will belong to.
    pub owner: Option<String>,
    /// Taken by the first switch; the driver waits on the other end.
    switch: Mutex<Option<oneshot::Sender<SwitchReply>>>,
    task_id: OnceLock<String>,
    next_key: AtomicUsize,
    /// The latest progress message, applied to the task by the runner.
    pub progress: watch::Sender<Option<String>>,
}

impl TaskLink {
    /// A link for a handler about to run; the receiver is the driver's end of the switch.
    pub fn new(
        settings: TaskSettings,
        owner: Option<String>,
    ) -> (Self, oneshot::Receiver<SwitchReply>) {
        let (switch, switched) = oneshot::channel();
        let link = Self {
            settings,
            owner,
            switch: Mutex::new(Some(switch)),
            task_id: OnceLock::new(),
            next_key: AtomicUsize::new(0),
            progress: watch::Sender::new(None),
        };
        (link, switched)
    }

    /// The task the handler runs as, once it switched.
    pub fn task_id(&self) -> Option<&str> {
        self.task_id.get().map(String::as_str)
    }

    pub(super) fn set_task_id(&self, task_id: String) {
        let _ = self.task_id.set(task_id);
    }

    /// Switches the handler to a task; `false` when it can no longer switch (its request was
    /// answered another way).
    pub async fn run_as_task(&self) -> Result<bool> {
        if self.task_id.get().is_some() {
            return Ok(true);
        }
        let Some(switch) = self.switch.lock().take() else {
            return Ok(self.task_id.get().is_some());
        };
        let (reply, created) = oneshot::channel();
        if switch.send(reply).is_err() {
            return Ok(false);
        }
        match created.await {
            Ok(Ok(())) => Ok(true),
            Ok(Err(error)) => Err(Error::Protocol(error)),
            Err(_) => Ok(false),
        }
    }

    /// Shows `message` as the task's status message.
    pub fn report(&self, message: String) {
        self.progress.send_replace(Some(message));
    }

    /// Asks the client for input through the task: the task waits in `input_required` with the
    /// request under `key` (or one made of `kind` and a counter, unique over the task's life)
    /// until `tasks/update` answers it.
    pub async fn ask(&self, kind: &str, key: Option<&str>, request: InputRequest) -> Result<Value> {
        let task_id = self
            .task_id()
            .ok_or_else(|| Error::Protocol(ErrorData::internal_error("not running as a task")))?;
        let key = match key {
            Some(key) => key.to_owned(),
            None => format!("{kind}-{}", self.next_key.fetch_add(1, Ordering::Relaxed)),
        };
        let store = self.settings.store();
        let change = TaskChange::AskInput {
            key: key.clone(),
            request: Box::new(request),
        };
        let mut record = store
            .update(task_id, change)
            .await
            .map_err(store_failure)?
            .ok_or_else(task_gone)?;
        loop {
            if let Some(answer) = record.input_responses.get(&key) {
                return Ok(answer.clone());
            }
            if record.status.is_terminal() {
                return Err(task_gone());
            }
            record = store
                .changed(task_id, record.version)
                .await
                .map_err(store_failure)?
                .ok_or_else(task_gone)?;
        }
    }
}

pub(super) fn store_failure(error: TaskStoreError) -> Error {
    Error::Protocol(ErrorData::internal_error(error.to_string()))
}

fn task_gone() -> Error {
    Error::Protocol(ErrorData::internal_error(
        "the task ended (cancelled or expired) before its input request was answered",
    ))
}
