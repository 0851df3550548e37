//! The Redis `TaskStore` on a `redis-server` of the test's own, as two replicas use it (two
//! stores on one Redis): a task created through one is found through the other at once, the
//! changes both make concurrently are all applied by the extension's rules, a waiter on one
//! wakes for a change made through the other, and tasks expire with their time to live.

use std::time::Duration;

use mcp::http_server::RedisTaskStore;
use mcp::server::tasks::{TaskChange, TaskRecord, TaskStore};
use mcp::types::extensions::tasks::TaskStatus;
use mcp_test_support::RedisServer;

async fn store(redis: &RedisServer) -> RedisTaskStore {
    RedisTaskStore::connect(redis.url())
        .await
        .expect("the store connects to redis-server")
}

fn task(id: &str, ttl: Option<Duration>) -> TaskRecord {
    TaskRecord::new(id, "tools/call", None, ttl, Duration::from_millis(100))
}

fn progress(message: String) -> TaskChange {
    TaskChange::Progress { message }
}

#[tokio::test(flavor = "multi_thread")]
async fn two_replicas_share_tasks_and_their_changes() {
    let redis = RedisServer::start();
    let (one, two) = (store(&redis).await, store(&redis).await);
    one.create(task("t", None)).await.unwrap();
    assert_eq!(two.get("t").await.unwrap().unwrap().version, 0);

    // A waiter on two wakes for a change made through one.
    let waiter = tokio::spawn({
        let two = two.clone();
        async move { two.changed("t", 0).await }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    one.update("t", progress("half way".into())).await.unwrap();
    let seen = waiter.await.unwrap().unwrap().unwrap();
    assert_eq!(seen.version, 1);
    assert_eq!(seen.status_message.as_deref(), Some("half way"));

    // Changes made at once through both are all applied, one after the other.
    let mut changes = Vec::new();
    for i in 0..20 {
        let store = if i % 2 == 0 { one.clone() } else { two.clone() };
        changes.push(tokio::spawn(async move {
            store.update("t", progress(format!("step {i}"))).await
        }));
    }
    for change in changes {
        change.await.unwrap().unwrap().expect("the task is there");
    }
    assert_eq!(one.get("t").await.unwrap().unwrap().version, 21);

    // Cancelled through two, it never changes again.
    let cancelled = two.update("t", TaskChange::Cancel).await.unwrap().unwrap();
    assert_eq!(cancelled.status, TaskStatus::Cancelled);
    let after = one
        .update("t", progress("late".into()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((after.status, after.version), (TaskStatus::Cancelled, 22));

    assert!(one.get("missing").await.unwrap().is_none());
    assert!(
        one.update("missing", TaskChange::Cancel)
            .await
            .unwrap()
            .is_none()
    );
    assert!(one.changed("missing", 0).await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn tasks_expire_with_their_time_to_live() {
    let redis = RedisServer::start();
    let store = store(&redis).await;
    store
        .create(task("short", Some(Duration::from_millis(50))))
        .await
        .unwrap();
    store.create(task("long", None)).await.unwrap();
    assert!(store.get("short").await.unwrap().is_some());
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert!(store.get("short").await.unwrap().is_none());
    assert!(store.get("long").await.unwrap().is_some());
}
