//! Resumability: the events of a handshake-era session's streams, kept so that a client whose
//! stream broke can reconnect with `Last-Event-ID` and receive what it missed.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

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

/// An [`EventStore`] in memory: the last events of the most recent streams, up to a total.
///
/// Event ids are `{stream id}:{sequence number}`.
#[derive(Debug)]
pub struct InMemoryEventStore {
    inner: Mutex<Inner>,
    max_events: usize,
}

/// The events of one stream: sequence number and message.
type Events = VecDeque<(u64, Option<Vec<u8>>)>;

#[derive(Debug, Default)]
struct Inner {
    streams: HashMap<String, Events>,
    /// Streams in the order they were first written to, for eviction.
    order: VecDeque<String>,
    total: usize,
    next: u64,
}

impl Default for InMemoryEventStore {
    fn default() -> Self {
        Self::new(10_000)
    }
}

impl InMemoryEventStore {
    /// A store keeping at most `max_events` events; past that, the oldest streams are forgotten.
    pub fn new(max_events: usize) -> Self {
        Self {
            inner: Mutex::default(),
            max_events: max_events.max(1),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl EventStore for InMemoryEventStore {
    fn store_event<'a>(
        &'a self,
        stream_id: &'a str,
        message: Option<&'a [u8]>,
    ) -> BoxFuture<'a, Result<String, BoxError>> {
        let mut inner = self.lock();
        let seq = inner.next;
        inner.next += 1;
        if !inner.streams.contains_key(stream_id) {
            inner.order.push_back(stream_id.to_owned());
        }
        inner
            .streams
            .entry(stream_id.to_owned())
            .or_default()
            .push_back((seq, message.map(<[u8]>::to_vec)));
        inner.total += 1;
        while inner.total > self.max_events {
            let Some(oldest) = inner.order.pop_front() else {
                break;
            };
            if let Some(events) = inner.streams.remove(&oldest) {
                inner.total -= events.len();
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
            let inner = self.lock();
            let events = inner.streams.get(stream_id)?;
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
        let mut inner = self.lock();
        let Inner {
            streams,
            order,
            total,
            ..
        } = &mut *inner;
        streams.retain(|id, events| {
            let keep = !id.starts_with(prefix);
            if !keep {
                *total -= events.len();
            }
            keep
        });
        order.retain(|id| !id.starts_with(prefix));
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
    async fn forgets_the_oldest_streams_past_the_limit() {
        let store = InMemoryEventStore::new(3);
        let old = store.store_event("old", Some(b"1")).await.unwrap();
        store.store_event("new", Some(b"2")).await.unwrap();
        store.store_event("new", Some(b"3")).await.unwrap();
        store.store_event("new", Some(b"4")).await.unwrap();
        assert!(store.events_after(&old).await.unwrap().is_none());
    }
}
