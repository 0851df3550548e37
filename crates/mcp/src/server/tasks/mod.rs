//! The tasks extension (`io.modelcontextprotocol/tasks`), server side: a `tools/call` handler
//! may go on as a task ([`RequestContext::run_as_task`](super::RequestContext::run_as_task)),
//! the client is answered with the task's handle at once, and the work keeps running, its
//! state in a [`TaskStore`] that `tasks/get`, `tasks/update` and `tasks/cancel` read and
//! change.
//!
//! Turn it on with [`ServerBuilder::tasks`](super::ServerBuilder::tasks): the server then
//! declares the extension, and a handler serving a client that declared it too (for the whole
//! session or in one request's `_meta`) may run as a task. Inside a task, asking the client for
//! input ([`elicit`](super::RequestContext::elicit) and the others) parks the task in
//! `input_required` until the client answers with `tasks/update`, in both protocol eras;
//! [`report_progress`](super::RequestContext::report_progress) sets the task's status message.

mod link;
mod memory;
mod routes;
mod run;
mod store;

use std::sync::Arc;
use std::time::Duration;

pub use self::memory::InMemoryTaskStore;
pub use self::store::{TaskChange, TaskRecord, TaskStore, TaskStoreError};

pub(crate) use self::link::{SwitchReply, TaskLink};
pub(crate) use self::routes::{TaskMethod, followable, listen_to_tasks};
pub(crate) use self::run::{Driven, drive};

/// How a server runs tasks: where it keeps them, how long, and how often clients should poll.
///
/// ```
/// use std::time::Duration;
/// use mcp::server::tasks::{InMemoryTaskStore, TaskSettings};
///
/// let settings = TaskSettings::new(InMemoryTaskStore::new())
///     .ttl(Some(Duration::from_secs(600)))
///     .poll_interval(Duration::from_millis(250));
/// assert_eq!(settings.poll_interval_of(), Duration::from_millis(250));
/// ```
#[derive(Clone)]
pub struct TaskSettings {
    store: Arc<dyn TaskStore>,
    ttl: Option<Duration>,
    poll_interval: Duration,
}

impl std::fmt::Debug for TaskSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaskSettings")
            .field("ttl", &self.ttl)
            .field("poll_interval", &self.poll_interval)
            .finish()
    }
}

/// How long a task is kept after its creation unless set: an hour.
const DEFAULT_TTL: Duration = Duration::from_secs(60 * 60);
/// How often clients are asked to poll unless set.
const DEFAULT_POLL_INTERVAL: Duration = Duration::from_millis(500);

impl TaskSettings {
    /// Tasks kept in `store`, for an hour each, polled every half second.
    pub fn new(store: impl TaskStore) -> Self {
        Self {
            store: Arc::new(store),
            ttl: Some(DEFAULT_TTL),
            poll_interval: DEFAULT_POLL_INTERVAL,
        }
    }

    /// Tasks kept in this process's memory ([`InMemoryTaskStore`]).
    pub fn in_memory() -> Self {
        Self::new(InMemoryTaskStore::new())
    }

    /// How long a task is kept after its creation (`None`: as long as the store keeps it). A
    /// task still running when its time is up is stopped and marked failed.
    pub fn ttl(mut self, ttl: Option<Duration>) -> Self {
        self.ttl = ttl;
        self
    }

    /// How often clients should poll a task (at least a millisecond).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval.max(Duration::from_millis(1));
        self
    }

    /// The polling interval clients are given.
    pub fn poll_interval_of(&self) -> Duration {
        self.poll_interval
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn TaskStore> {
        &self.store
    }
}

impl Default for TaskSettings {
    fn default() -> Self {
        Self::in_memory()
    }
}

/// A fresh task id: 128 random bits, URL-safe, so that ids cannot be guessed.
fn new_task_id() -> String {
    use base64::Engine as _;
    use chacha20poly1305::aead::OsRng;
    use chacha20poly1305::aead::rand_core::RngCore;
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
