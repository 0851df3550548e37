//! The `EventStore` contract, run against the in-memory store and the Redis one (on a
//! `redis-server` of the test's own), then what only the Redis store does: the age bound, two
//! replicas sharing one Redis, and a Redis that goes away and comes back.

use std::time::{Duration, Instant};

use mcp::http_server::{
    EVENT_OVERHEAD, EventStore, InMemoryEventStore, RedisEventStore, RedisEventStoreError,
};
use mcp_test_support::RedisServer;

/// A store bounded to `max_bytes`, and what keeps it alive (the Redis server, if any).
type Made = (Box<dyn EventStore>, Option<RedisServer>);

fn in_memory(max_bytes: usize) -> Made {
    let store = InMemoryEventStore::new(1_000_000).max_bytes(max_bytes);
    (Box::new(store), None)
}

async fn in_redis(max_bytes: usize) -> Made {
    let redis = RedisServer::start();
    let store = RedisEventStore::builder(redis.url())
        .max_bytes(max_bytes)
        .connect()
        .await
        .expect("the store connects to redis-server");
    (Box::new(store), Some(redis))
}

async fn replays_what_followed_on_the_same_stream(store: &dyn EventStore) {
    let prime = store.store_event("s/1", None).await.unwrap();
    let a = store.store_event("s/1", Some(b"a")).await.unwrap();
    store.store_event("s/2", Some(b"other")).await.unwrap();
    let b = store.store_event("s/1", Some(b"b")).await.unwrap();
    assert!(prime != a && a != b, "ids are distinct: {prime} {a} {b}");
    let replay = store.events_after(&prime).await.unwrap().unwrap();
    assert_eq!(replay.stream_id, "s/1");
    let messages: Vec<_> = replay.events.iter().map(|e| e.message.clone()).collect();
    assert_eq!(messages, [Some(b"a".to_vec()), Some(b"b".to_vec())]);
    let ids: Vec<_> = replay.events.iter().map(|e| e.id.clone()).collect();
    assert_eq!(ids, [a.clone(), b.clone()]);
    let after_a = store.events_after(&a).await.unwrap().unwrap();
    assert_eq!(after_a.events.len(), 1);
    let after_b = store.events_after(&b).await.unwrap().unwrap();
    assert!(
        after_b.events.is_empty(),
        "nothing follows the latest event"
    );
    // A priming event in the middle replays as an event without a message.
    let primed = store.store_event("s/1", None).await.unwrap();
    let replay = store.events_after(&b).await.unwrap().unwrap();
    assert_eq!(replay.events.len(), 1);
    assert_eq!(replay.events[0].id, primed);
    assert_eq!(replay.events[0].message, None);
    for unknown in ["nope", "s/1:999", "s/1:", ":", "s/9:1-0", "s/1:1-0-0", ""] {
        assert!(
            store.events_after(unknown).await.unwrap().is_none(),
            "{unknown:?} is no event id of this store"
        );
    }
}

async fn forgets_the_streams_under_a_prefix_only(store: &dyn EventStore) {
    let a1 = store.store_event("a/1", Some(b"1")).await.unwrap();
    let a2 = store.store_event("a/get", Some(b"2")).await.unwrap();
    let ab = store.store_event("ab/1", Some(b"3")).await.unwrap();
    let tail = store.store_event("ab/1", Some(b"4")).await.unwrap();
    store.forget("a/").await;
    assert!(store.events_after(&a1).await.unwrap().is_none());
    assert!(store.events_after(&a2).await.unwrap().is_none());
    let kept = store.events_after(&ab).await.unwrap().unwrap();
    assert_eq!(kept.events.len(), 1);
    assert_eq!(kept.events[0].id, tail);
    store.forget("nothing/").await;
    assert!(store.events_after(&ab).await.unwrap().is_some());
}

/// Ten events of 1 KiB fill the store exactly (`max_bytes` is `10 * (1024 + EVENT_OVERHEAD)`).
async fn the_byte_bound_evicts_other_streams_never_the_one_written_to(store: &dyn EventStore) {
    let kib = vec![b'x'; 1024];
    let other = store.store_event("s/other", Some(&kib)).await.unwrap();
    let first = store.store_event("s/get", Some(&kib)).await.unwrap();
    for _ in 0..8 {
        store.store_event("s/get", Some(&kib)).await.unwrap();
    }
    assert!(store.events_after(&other).await.unwrap().is_some());
    // The eleventh pushes the other stream out.
    let eleventh = store.store_event("s/get", Some(&kib)).await.unwrap();
    assert!(store.events_after(&other).await.unwrap().is_none());
    let replay = store.events_after(&first).await.unwrap().unwrap();
    assert_eq!(
        replay.events.len(),
        9,
        "the stream written to keeps all it has"
    );
    // Alone over the bound, the stream loses its own oldest events, one at a time.
    let latest = store.store_event("s/get", Some(&kib)).await.unwrap();
    assert!(store.events_after(&first).await.unwrap().is_none());
    let replay = store.events_after(&eleventh).await.unwrap().unwrap();
    assert_eq!(replay.events.last().unwrap().id, latest);
    // A message larger than the whole bound is still kept, alone.
    let huge = vec![b'y'; 20 * 1024];
    let kept = store.store_event("s/big", Some(&huge)).await.unwrap();
    assert!(
        store.events_after(&kept).await.unwrap().is_some(),
        "kept, alone"
    );
    assert!(store.events_after(&eleventh).await.unwrap().is_none());
    let after = store.store_event("s/big", None).await.unwrap();
    assert!(store.events_after(&kept).await.unwrap().is_none());
    assert!(store.events_after(&after).await.unwrap().is_some());
}

/// The least recently written stream goes first, whatever order the streams began in.
async fn evicts_the_least_recently_written_stream_first(store: &dyn EventStore) {
    let event = vec![b'x'; 1024];
    let old = store.store_event("s/old", Some(&event)).await.unwrap();
    let busy = store.store_event("s/busy", Some(&event)).await.unwrap();
    let new = store.store_event("s/new", Some(&event)).await.unwrap();
    // "busy" is written again: "old" and then "new" are now less recently written.
    let busy_again = store.store_event("s/busy", Some(&event)).await.unwrap();
    // Ten events' room: seven more on "s/fill" push out exactly "old".
    for _ in 0..7 {
        store.store_event("s/fill", Some(&event)).await.unwrap();
    }
    assert!(store.events_after(&old).await.unwrap().is_none());
    assert!(store.events_after(&new).await.unwrap().is_some());
    assert!(store.events_after(&busy).await.unwrap().is_some());
    store.store_event("s/fill", Some(&event)).await.unwrap();
    assert!(store.events_after(&new).await.unwrap().is_none());
    let busy_replay = store.events_after(&busy).await.unwrap().unwrap();
    assert_eq!(busy_replay.events[0].id, busy_again);
}

const TEN_KIB_EVENTS: usize = 10 * (1024 + EVENT_OVERHEAD);

#[tokio::test]
async fn in_memory_store_keeps_the_contract() {
    let (store, _) = in_memory(TEN_KIB_EVENTS);
    replays_what_followed_on_the_same_stream(&*store).await;
    let (store, _) = in_memory(TEN_KIB_EVENTS);
    forgets_the_streams_under_a_prefix_only(&*store).await;
    let (store, _) = in_memory(TEN_KIB_EVENTS);
    the_byte_bound_evicts_other_streams_never_the_one_written_to(&*store).await;
    let (store, _) = in_memory(TEN_KIB_EVENTS);
    evicts_the_least_recently_written_stream_first(&*store).await;
}

#[tokio::test]
async fn redis_store_keeps_the_contract() {
    let (store, _redis) = in_redis(TEN_KIB_EVENTS).await;
    replays_what_followed_on_the_same_stream(&*store).await;
    let (store, _redis) = in_redis(TEN_KIB_EVENTS).await;
    forgets_the_streams_under_a_prefix_only(&*store).await;
    let (store, _redis) = in_redis(TEN_KIB_EVENTS).await;
    the_byte_bound_evicts_other_streams_never_the_one_written_to(&*store).await;
    let (store, _redis) = in_redis(TEN_KIB_EVENTS).await;
    evicts_the_least_recently_written_stream_first(&*store).await;
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
    let error = error
        .downcast::<RedisEventStoreError>()
        .expect("a typed error");
    assert!(
        matches!(*error, RedisEventStoreError::Unreachable { .. }),
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
    assert!(matches!(error, RedisEventStoreError::Unreachable { .. }));
    assert!(error.to_string().contains("unreachable"), "{error}");
    let error = RedisEventStore::connect("http://not-redis/")
        .await
        .expect_err("not a Redis URL");
    assert!(
        matches!(error, RedisEventStoreError::InvalidUrl { .. }),
        "{error:?}"
    );
}
