//! The `TaskStore` contract (`mcp::store_contracts::task_store`), run against the in-memory
//! store and the Redis one on a `redis-server` of the test's own, its two handles two
//! connections as two replicas hold them; then what only the Redis store does: key prefixes
//! keep the servers sharing one Redis apart.

use std::time::Duration;

use mcp::http_server::RedisTaskStore;
use mcp::server::tasks::{InMemoryTaskStore, TaskRecord, TaskStore};
use mcp::store_contracts::task_store as contract;
use mcp_test_support::RedisServer;

async fn redis_store(redis: &RedisServer, prefix: &str) -> RedisTaskStore {
    RedisTaskStore::builder(redis.url())
        .key_prefix(prefix)
        .connect()
        .await
        .expect("the store connects to redis-server")
}

#[tokio::test]
async fn in_memory_store_keeps_the_contract() {
    contract::check(|| async {
        let store = InMemoryTaskStore::new();
        (store.clone(), store)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn redis_store_keeps_the_contract() {
    let redis = RedisServer::start();
    let mut stores = 0;
    contract::check(|| {
        // One Redis, a fresh store for each check: a key prefix of its own.
        stores += 1;
        let prefix = format!("contract-{stores}:");
        let redis = &redis;
        async move {
            let one = redis_store(redis, &prefix).await;
            let two = redis_store(redis, &prefix).await;
            (one, two)
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn servers_sharing_one_redis_keep_their_tasks_apart() {
    let redis = RedisServer::start();
    let mine = redis_store(&redis, "mine:").await;
    let theirs = redis_store(&redis, "theirs:").await;
    let task = TaskRecord::new("t", "tools/call", None, None, Duration::from_millis(100));
    mine.create(task).await.unwrap();
    assert!(mine.get("t").await.unwrap().is_some());
    assert!(theirs.get("t").await.unwrap().is_none());
}
