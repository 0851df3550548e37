//! The in-memory [`TaskStore`]: the default, for a server that runs as one process.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;

use parking_lot::Mutex;
use tokio::sync::watch;

use super::store::{TaskChange, TaskRecord, TaskStore, TaskStoreError};
use crate::transport::BoxFuture;

/// Keeps tasks in this process's memory: each with a watch channel its waiters follow.
/// Expired tasks are dropped as new ones arrive.
///
/// Cheap to clone; clones share the tasks.
#[derive(Debug, Clone, Default)]
pub struct InMemoryTaskStore {
    tasks: Arc<Mutex<HashMap<String, watch::Sender<TaskRecord>>>>,
}

impl InMemoryTaskStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many tasks it holds, expired ones not yet dropped included.
    pub fn len(&self) -> usize {
        self.tasks.lock().len()
    }

    /// Whether it holds no task.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The watch channel of a live task.
    fn channel(&self, task_id: &str) -> Option<watch::Receiver<TaskRecord>> {
        let mut tasks = self.tasks.lock();
        let sender = tasks.get(task_id)?;
        if sender.borrow().is_expired(SystemTime::now()) {
            tasks.remove(task_id);
            return None;
        }
        Some(sender.subscribe())
    }
}

impl TaskStore for InMemoryTaskStore {
    fn create(&self, record: TaskRecord) -> BoxFuture<'_, Result<(), TaskStoreError>> {
        let now = SystemTime::now();
        let mut tasks = self.tasks.lock();
        tasks.retain(|_, task| !task.borrow().is_expired(now));
        tasks.insert(record.task_id.clone(), watch::Sender::new(record));
        Box::pin(std::future::ready(Ok(())))
    }

    fn get<'a>(
        &'a self,
        task_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<TaskRecord>, TaskStoreError>> {
        let record = self.channel(task_id).map(|rx| rx.borrow().clone());
        Box::pin(std::future::ready(Ok(record)))
    }

    fn update<'a>(
        &'a self,
        task_id: &'a str,
        change: TaskChange,
    ) -> BoxFuture<'a, Result<Option<TaskRecord>, TaskStoreError>> {
        let record = self.channel(task_id).and_then(|_| {
            let tasks = self.tasks.lock();
            let sender = tasks.get(task_id)?;
            sender.send_if_modified(|record| record.apply(change, SystemTime::now()));
            Some(sender.borrow().clone())
        });
        Box::pin(std::future::ready(Ok(record)))
    }

    fn changed<'a>(
        &'a self,
        task_id: &'a str,
        version: u64,
    ) -> BoxFuture<'a, Result<Option<TaskRecord>, TaskStoreError>> {
        let channel = self.channel(task_id);
        Box::pin(async move {
            let Some(mut rx) = channel else {
                return Ok(None);
            };
            // The sender lives in the map until the task expires; a dropped one means it is gone.
            Ok(rx
                .wait_for(|record| record.version > version)
                .await
                .ok()
                .map(|record| record.clone()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn record(id: &str, ttl: Option<Duration>) -> TaskRecord {
        TaskRecord::new(id, "tools/call", None, ttl, Duration::from_millis(100))
    }

    /// (What every store does is checked by `crate::store_contracts::task_store`, which the
    /// workspace's tests run against this store; here, what only this one does.)
    #[tokio::test]
    async fn expired_tasks_are_dropped_as_new_ones_arrive() {
        let store = InMemoryTaskStore::new();
        store
            .create(record("old", Some(Duration::from_millis(1))))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert_eq!(store.len(), 1, "kept until something looks");
        store.create(record("new", None)).await.unwrap();
        assert_eq!(store.len(), 1, "dropped when the next task arrives");
        assert!(store.get("old").await.unwrap().is_none());
    }
}
