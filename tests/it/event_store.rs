//! The `EventStore` contract (`mcp::store_contracts::event_store`), run against the in-memory
//! store and the Redis one (on a `redis-server` of the test's own), then what only the Redis
//! store does: the age bound, two replicas sharing one Redis, and a Redis that goes away and
//! comes back.

use std::time::{Duration, Instant};

use mcp::http_server::{
    EVENT_OVERHEAD, EventStore, InMemoryEventStore, RedisEventStore, RedisStoreError,
};
use mcp::store_contracts::event_store as contract;
use mcp_test_support::RedisServer;

#[tokio::test]
async fn in_memory_store_keeps_the_contract() {
    contract::check(
        |max_bytes| async move { InMemoryEventStore::new(1_000_000).max_bytes(max_bytes) },
    )
    .await;
}

#[tokio::test]
async fn redis_store_keeps_the_contract() {
    let redis = RedisServer::start();
    let mut stores = 0;
    contract::check(|max_bytes| {
        // One Redis, a fresh store for each check: a key prefix of its own.
        stores += 1;
        let builder = RedisEventStore::builder(redis.url())
            .key_prefix(format!("contract-{stores}:"))
            .max_bytes(max_bytes);
        async move {
            builder
                .connect()
                .await
                .expect("the store connects to redis-server")
        }
    })
    .await;
}

#[tokio::test]
async fn redis_store_forgets_events_past_the_age_bound() {
    let redis = RedisServer::start();
    let age = Duration::from_millis(400);
    let store = RedisEventStore::builder(redis.url())
        .max_bytes(3 * (1 + EVENT_OVERHEAD))
        .max_age(age)
        .connect()
        .await
        .unwrap();
    let idle = store.store_event("s/idle", Some(b"1")).await.unwrap();
    let first = store.store_event("s/busy", Some(b"1")).await.unwrap();
    tokio::time::sleep(age + Duration::from_millis(100)).await;
    // The idle stream expired as a whole; the busy one lost only what is too old.
    let second = store.store_event("s/busy", Some(b"2")).await.unwrap();
    assert!(store.events_after(&idle).await.unwrap().is_none());
    assert!(store.events_after(&first).await.unwrap().is_none());
    let third = store.store_event("s/busy", Some(b"3")).await.unwrap();
    let replay = store.events_after(&second).await.unwrap().unwrap();
    assert_eq!(replay.events.len(), 1);
    assert_eq!(replay.events[0].id, third);
    // What expired no longer counts against the byte bound: three one-byte events fit.
    let fourth = store.store_event("s/other", Some(b"4")).await.unwrap();
    assert!(
        store.events_after(&second).await.unwrap().is_some(),
        "the busy stream holds two events, the other one: three fit"
    );
    assert!(store.events_after(&fourth).await.unwrap().is_some());
}

#[tokio::test]
async fn two_stores_on_one_redis_share_their_streams() {
    let redis = RedisServer::start();
    let one = RedisEventStore::connect(redis.url()).await.unwrap();
    let other = RedisEventStore::connect(redis.url()).await.unwrap();
    let prime = one.store_event("session/1", None).await.unwrap();
    let sent = one.store_event("session/1", Some(b"{}")).await.unwrap();
    let replay = other.events_after(&prime).await.unwrap().unwrap();
    assert_eq!(replay.stream_id, "session/1");
    assert_eq!(replay.events[0].id, sent);
    assert_eq!(replay.events[0].message.as_deref(), Some(&b"{}"[..]));
    // Key prefixes keep servers sharing a Redis apart.
    let elsewhere = RedisEventStore::builder(redis.url())
        .key_prefix("another-server:")
        .connect()
        .await
        .unwrap();
    assert!(elsewhere.events_after(&prime).await.unwrap().is_none());
}

#[tokio::test]
async fn redis_unreachable_is_a_clear_error_and_the_store_reconnects() {
    let mut redis = RedisServer::start();
    let store = RedisEventStore::builder(redis.url())
        .timeout(Duration::from_secs(1))
        .connect()
        .await
        .unwrap();
    store.store_event("s/1", Some(b"before")).await.unwrap();

    redis.stop();
    let error = store
        .store_event("s/1", Some(b"while down"))
        .await
        .expect_err("nothing to store into");
    let error = error.downcast::<RedisStoreError>().expect("a typed error");
    assert!(
        matches!(*error, RedisStoreError::Unreachable { .. }),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(
        text.contains(&format!("127.0.0.1:{}", redis.port())) && text.contains("unreachable"),
        "the error names the Redis it could not reach: {text}"
    );

    // Back (empty: no persistence): the store finds it again by itself.
    redis.restart();
    let deadline = Instant::now() + Duration::from_secs(20);
    let id = loop {
        match store.store_event("s/1", Some(b"after")).await {
            Ok(id) => break id,
            Err(e) if Instant::now() < deadline => {
                eprintln!("not reconnected yet: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("the store did not reconnect within 20 s: {e}"),
        }
    };
    let next = store.store_event("s/1", Some(b"next")).await.unwrap();
    let replay = store.events_after(&id).await.unwrap().unwrap();
    assert_eq!(replay.events[0].id, next);
}

#[tokio::test]
async fn connecting_to_no_redis_names_it() {
    let redis = RedisServer::start();
    let url = redis.url();
    drop(redis);
    let error = RedisEventStore::builder(&url)
        .timeout(Duration::from_secs(1))
        .connect()
        .await
        .expect_err("nothing listens there");
    assert!(matches!(error, RedisStoreError::Unreachable { .. }));
    assert!(error.to_string().contains("unreachable"), "{error}");
    let error = RedisEventStore::connect("http://not-redis/")
        .await
        .expect_err("not a Redis URL");
    assert!(
        matches!(error, RedisStoreError::InvalidUrl { .. }),
        "{error:?}"
    );
}
