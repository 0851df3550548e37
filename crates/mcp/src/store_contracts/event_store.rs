//! The [`EventStore`] contract: what every store of resumable streams does, whatever keeps
//! the events.

use std::future::Future;

use crate::http_server::{EVENT_OVERHEAD, EventStore};

/// The byte bound of the stores the bound checks are given: ten events of 1 KiB.
pub const TEN_KIB_EVENTS: usize = 10 * (1024 + EVENT_OVERHEAD);

/// Runs every check of the contract, each on a fresh, empty store that `make` returns for the
/// byte bound it is given (stores sharing one backend, such as one Redis, each take a key
/// prefix of their own).
///
/// ```no_run
/// # async fn demo() {
/// use mcp::http_server::InMemoryEventStore;
///
/// mcp::store_contracts::event_store::check(|max_bytes| async move {
///     InMemoryEventStore::new(1_000_000).max_bytes(max_bytes)
/// })
/// .await;
/// # }
/// ```
pub async fn check<S, F, Fut>(mut make: F)
where
    S: EventStore,
    F: FnMut(usize) -> Fut,
    Fut: Future<Output = S>,
{
    replays_what_followed_on_the_same_stream(&make(TEN_KIB_EVENTS).await).await;
    forgets_the_streams_under_a_prefix_only(&make(TEN_KIB_EVENTS).await).await;
    the_byte_bound_evicts_other_streams_never_the_one_written_to(&make(TEN_KIB_EVENTS).await).await;
    evicts_the_least_recently_written_stream_first(&make(TEN_KIB_EVENTS).await).await;
}

/// Replays the events that followed an id on its own stream, in order, priming events as
/// events without a message; an id the store never gave is unknown.
pub async fn replays_what_followed_on_the_same_stream(store: &dyn EventStore) {
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

/// [`forget`](EventStore::forget) drops the streams under a prefix, and no other.
pub async fn forgets_the_streams_under_a_prefix_only(store: &dyn EventStore) {
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

/// Past its byte bound the store drops other streams before the one written to, which loses
/// its own oldest events only when it alone is over the bound; `store` holds
/// [`TEN_KIB_EVENTS`].
pub async fn the_byte_bound_evicts_other_streams_never_the_one_written_to(store: &dyn EventStore) {
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

/// The least recently written stream goes first, whatever order the streams began in;
/// `store` holds [`TEN_KIB_EVENTS`].
pub async fn evicts_the_least_recently_written_stream_first(store: &dyn EventStore) {
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
