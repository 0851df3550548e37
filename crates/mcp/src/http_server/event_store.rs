//! Resumability: the events of a handshake-era session's streams, kept so that a client whose
//! stream broke can reconnect with `Last-Event-ID` and receive what it missed.

use std::collections::{BTreeMap, HashMap, VecDeque};

use parking_lot::Mutex;

use crate::error::BoxError;
use crate::transport::BoxFuture;

/// One stored event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    /// Its id, as the client saw it.
    pub id: String,
    /// The JSON-RPC message, or `None` for a priming event (an id with no message).
    pub message: Option<Vec<u8>>,
}

/// What to send a client that resumes: the stream it was on and the events after the last one
/// it saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replay {
    /// The stream the last event belongs to.
    pub stream_id: String,
    /// The events stored on that stream after it, oldest first.
    pub events: Vec<StoredEvent>,
}

/// Where the events of resumable streams are kept (the Python SDK's `EventStore`).
///
/// The server stores every message it sends on a session's streams (each POST's response
/// stream, the GET stream) before sending it, and asks for the events after a `Last-Event-ID`
/// when a client reconnects. Stream ids start with the session id and a `/`; event ids must
/// identify their stream (the replay is refused when the stream belongs to another session).
/// [`InMemoryEventStore`] keeps them in memory; a store shared between server instances (Redis,
/// a database) lets a client resume on another instance.
pub trait EventStore: Send + Sync + 'static {
    /// Stores an event of `stream_id` (`message` is `None` for a priming event) and returns its
    /// id.
    fn store_event<'a>(
        &'a self,
        stream_id: &'a str,
        message: Option<&'a [u8]>,
    ) -> BoxFuture<'a, Result<String, BoxError>>;

    /// The stream of `last_event_id` and the events stored on it after that one; `None` when
    /// the id is unknown (never issued, or already forgotten).
    fn events_after<'a>(
        &'a self,
        last_event_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<Replay>, BoxError>>;

    /// Forgets every stream whose id starts with `prefix` (called with `"{session id}/"` when a
    /// session ends).
    fn forget<'a>(&'a self, prefix: &'a str) -> BoxFuture<'a, ()> {
        let _ = prefix;
        Box::pin(std::future::ready(()))
    }
}

/// An [`EventStore`] in memory, bounded in events and in bytes.
///
/// Past either bound it forgets whole streams, the least recently written first, and never the
/// stream just written to: when that one alone is over the bound, its own oldest events go.
/// Event ids are `{stream id}:{sequence number}`.
#[derive(Debug)]
pub struct InMemoryEventStore {
    inner: Mutex<Inner>,
    max_events: usize,
    max_bytes: usize,
}

/// The default bound of an [`InMemoryEventStore`] in events.
pub const DEFAULT_EVENT_STORE_EVENTS: usize = 10_000;

/// The default bound of an [`InMemoryEventStore`] in bytes: 32 MiB.
pub const DEFAULT_EVENT_STORE_BYTES: usize = 32 * 1024 * 1024;

/// What an event costs besides its message (its id, the bookkeeping), for the byte bounds of
/// the stores.
pub const EVENT_OVERHEAD: usize = 64;

/// The events of one stream.
#[derive(Debug, Default)]
struct Stream {
    /// Sequence number and message, oldest first.
    events: VecDeque<(u64, Option<Vec<u8>>)>,
    bytes: usize,
    /// The sequence number of its latest event: its place in [`Inner::recency`].
    last: u64,
}

#[derive(Debug, Default)]
struct Inner {
    streams: HashMap<String, Stream>,
    /// Stream ids by the sequence number of their latest event: the least recently written
    /// first, for eviction.
    recency: BTreeMap<u64, String>,
    events: usize,
    bytes: usize,
    next: u64,
}

impl Default for InMemoryEventStore {
    fn default() -> Self {
        Self::new(DEFAULT_EVENT_STORE_EVENTS)
    }
}

fn cost(message: Option<&[u8]>) -> usize {
    EVENT_OVERHEAD + message.map_or(0, <[u8]>::len)
}

impl InMemoryEventStore {
    /// A store keeping at most `max_events` events, and [`DEFAULT_EVENT_STORE_BYTES`].
    pub fn new(max_events: usize) -> Self {
        Self {
            inner: Mutex::default(),
            max_events: max_events.max(1),
            max_bytes: DEFAULT_EVENT_STORE_BYTES,
        }
    }

    /// Keeps at most `bytes` of events (messages and bookkeeping).
    pub fn max_bytes(mut self, bytes: usize) -> Self {
        self.max_bytes = bytes;
        self
    }
}

impl Inner {
    fn over(&self, max_events: usize, max_bytes: usize) -> bool {
        self.events > max_events || self.bytes > max_bytes
    }

    /// Forgets a whole stream.
    fn evict(&mut self, stream_id: &str) {
        if let Some(stream) = self.streams.remove(stream_id) {
            self.recency.remove(&stream.last);
            self.events -= stream.events.len();
            self.bytes -= stream.bytes;
        }
    }

    /// Forgets the oldest event of a stream, keeping at least its latest.
    fn trim(&mut self, stream_id: &str) -> bool {
        let Some(stream) = self.streams.get_mut(stream_id) else {
            return false;
        };
        if stream.events.len() <= 1 {
            return false;
        }
        if let Some((_, message)) = stream.events.pop_front() {
            let size = cost(message.as_deref());
            stream.bytes -= size;
            self.bytes -= size;
            self.events -= 1;
        }
        true
    }
}

impl EventStore for InMemoryEventStore {
    fn store_event<'a>(
        &'a self,
        stream_id: &'a str,
        message: Option<&'a [u8]>,
    ) -> BoxFuture<'a, Result<String, BoxError>> {
        let mut inner = self.inner.lock();
        let seq = inner.next;
        inner.next += 1;
        let size = cost(message);
        let stream = inner.streams.entry(stream_id.to_owned()).or_default();
        let previous = std::mem::replace(&mut stream.last, seq);
        let fresh = stream.events.is_empty();
        stream.events.push_back((seq, message.map(<[u8]>::to_vec)));
        stream.bytes += size;
        if !fresh {
            inner.recency.remove(&previous);
        }
        inner.recency.insert(seq, stream_id.to_owned());
        inner.events += 1;
        inner.bytes += size;
        while inner.over(self.max_events, self.max_bytes) {
            let oldest = inner
                .recency
                .values()
                .find(|id| id.as_str() != stream_id)
                .cloned();
            match oldest {
                Some(oldest) => inner.evict(&oldest),
                None => {
                    if !inner.trim(stream_id) {
                        break;
                    }
                }
            }
        }
        Box::pin(std::future::ready(Ok(format!("{stream_id}:{seq}"))))
    }

    fn events_after<'a>(
        &'a self,
        last_event_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<Replay>, BoxError>> {
        let replay = (|| {
            let (stream_id, seq) = last_event_id.rsplit_once(':')?;
            let seq: u64 = seq.parse().ok()?;
            let inner = self.inner.lock();
            let events = &inner.streams.get(stream_id)?.events;
            // The event itself must still be there, or what follows may be incomplete.
            events.iter().find(|(s, _)| *s == seq)?;
            Some(Replay {
                stream_id: stream_id.to_owned(),
                events: events
                    .iter()
                    .filter(|(s, _)| *s > seq)
                    .map(|(s, message)| StoredEvent {
                        id: format!("{stream_id}:{s}"),
                        message: message.clone(),
                    })
                    .collect(),
            })
        })();
        Box::pin(std::future::ready(Ok(replay)))
    }

    fn forget<'a>(&'a self, prefix: &'a str) -> BoxFuture<'a, ()> {
        let mut inner = self.inner.lock();
        let doomed: Vec<String> = inner
            .streams
            .keys()
            .filter(|id| id.starts_with(prefix))
            .cloned()
            .collect();
        for id in doomed {
            inner.evict(&id);
        }
        Box::pin(std::future::ready(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn replays_what_followed_on_the_same_stream() {
        let store = InMemoryEventStore::default();
        let prime = store.store_event("s/1", None).await.unwrap();
        let a = store.store_event("s/1", Some(b"a")).await.unwrap();
        store.store_event("s/2", Some(b"other")).await.unwrap();
        store.store_event("s/1", Some(b"b")).await.unwrap();
        let replay = store.events_after(&prime).await.unwrap().unwrap();
        assert_eq!(replay.stream_id, "s/1");
        let messages: Vec<_> = replay.events.iter().map(|e| e.message.clone()).collect();
        assert_eq!(messages, [Some(b"a".to_vec()), Some(b"b".to_vec())]);
        let after_a = store.events_after(&a).await.unwrap().unwrap();
        assert_eq!(after_a.events.len(), 1);
        assert!(store.events_after("nope").await.unwrap().is_none());
        assert!(store.events_after("s/1:999").await.unwrap().is_none());
        store.forget("s/").await;
        assert!(store.events_after(&a).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn forgets_the_least_recently_written_streams_past_the_event_limit() {
        let store = InMemoryEventStore::new(4);
        let old = store.store_event("old", Some(b"1")).await.unwrap();
        let busy = store.store_event("busy", Some(b"2")).await.unwrap();
        store.store_event("new", Some(b"3")).await.unwrap();
        store.store_event("busy", Some(b"4")).await.unwrap();
        store.store_event("new", Some(b"5")).await.unwrap();
        assert!(store.events_after(&old).await.unwrap().is_none());
        store.store_event("new", Some(b"6")).await.unwrap();
        // "busy" was written to after "new" first was, but before it last was.
        assert!(store.events_after(&busy).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn the_byte_bound_evicts_other_streams_never_the_one_written_to() {
        let kib = vec![b'x'; 1024];
        let store = InMemoryEventStore::new(1_000_000).max_bytes(10 * (1024 + EVENT_OVERHEAD));
        let other = store.store_event("s/other", Some(&kib)).await.unwrap();
        let first = store.store_event("s/get", Some(&kib)).await.unwrap();
        for _ in 0..8 {
            store.store_event("s/get", Some(&kib)).await.unwrap();
        }
        // Ten events fill the store exactly; the eleventh pushes the other stream out.
        assert!(store.events_after(&other).await.unwrap().is_some());
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
        let inner = store.inner.lock();
        assert_eq!(
            inner.events,
            inner
                .streams
                .values()
                .map(|s| s.events.len())
                .sum::<usize>()
        );
        assert_eq!(
            inner.bytes,
            inner.streams.values().map(|s| s.bytes).sum::<usize>()
        );
        assert_eq!(inner.recency.len(), inner.streams.len());
    }
}
