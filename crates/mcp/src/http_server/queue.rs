//! The queue between a session and one of its response streams, bounded in bytes: a client
//! that stops reading a stream loses that stream, never the server's memory.
//!
//! A send that would take the queue past its limit fails, and the stream is marked overflowed:
//! from then on every send fails (the session drops the stream), and the response body, the
//! next time it is polled, fails the connection instead of ending cleanly, so the client sees a
//! broken stream (and may resume it) rather than a finished one.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll};

use tokio::sync::mpsc;

use crate::transport::Outgoing;
use crate::transport::http::sse;

/// One message on its way to a response stream.
#[derive(Debug)]
pub(super) enum Frame {
    /// A JSON-RPC message; `last` for the answer that ends a request's stream.
    Message {
        json: Vec<u8>,
        event_id: Option<String>,
        last: bool,
    },
    /// An event id with no message, so that the client can resume from the start.
    Prime {
        event_id: String,
        retry_ms: Option<u64>,
    },
    /// An event written out already (the legacy transport's `endpoint` event).
    Raw(Vec<u8>),
}

impl Frame {
    pub(super) fn of(message: Outgoing, event_id: Option<String>, last: bool) -> Self {
        Frame::Message {
            last,
            json: message.json,
            event_id,
        }
    }

    pub(super) fn write_to(&self, out: &mut Vec<u8>) {
        match self {
            Frame::Message { json, event_id, .. } => {
                sse::write_message(out, event_id.as_deref(), json)
            }
            Frame::Prime { event_id, retry_ms } => sse::write_priming(out, event_id, *retry_ms),
            Frame::Raw(bytes) => out.extend_from_slice(bytes),
        }
    }

    pub(super) fn is_last(&self) -> bool {
        matches!(self, Frame::Message { last: true, .. })
    }

    /// About how many bytes the frame holds, for the bound of its stream's queue.
    pub(super) fn size(&self) -> usize {
        match self {
            Frame::Message { json, event_id, .. } => {
                json.len() + event_id.as_ref().map_or(0, String::len)
            }
            Frame::Prime { event_id, .. } => event_id.len(),
            Frame::Raw(bytes) => bytes.len(),
        }
    }
}

/// A stream that ended: its writers are gone, or its client stopped reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the event stream ended")]
pub(super) struct StreamEnded;

/// How much may wait in the queue of one response stream by default: 1 MiB.
pub const DEFAULT_STREAM_BUFFER: usize = 1024 * 1024;

/// What the sending and the receiving half share.
#[derive(Debug)]
struct Budget {
    queued: AtomicUsize,
    limit: usize,
    overflowed: AtomicBool,
}

/// Why a frame was not queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SendError {
    /// The stream has ended (its response went away).
    Closed,
    /// The client does not read the stream: it holds its limit already.
    Overflow,
}

/// The sending half: cheap to clone.
#[derive(Debug, Clone)]
pub(super) struct FrameTx {
    tx: mpsc::UnboundedSender<Frame>,
    budget: Arc<Budget>,
}

/// The receiving half, read by the response body.
#[derive(Debug)]
pub(super) struct FrameRx {
    rx: mpsc::UnboundedReceiver<Frame>,
    budget: Arc<Budget>,
}

/// A queue holding at most `limit` bytes (one frame larger than that still passes alone).
pub(super) fn frame_channel(limit: usize) -> (FrameTx, FrameRx) {
    let (tx, rx) = mpsc::unbounded_channel();
    let budget = Arc::new(Budget {
        queued: AtomicUsize::new(0),
        limit,
        overflowed: AtomicBool::new(false),
    });
    (
        FrameTx {
            tx,
            budget: budget.clone(),
        },
        FrameRx { rx, budget },
    )
}

impl FrameTx {
    /// Queues `frame`, unless the stream ended or its client stopped reading.
    pub fn send(&self, frame: Frame) -> Result<(), SendError> {
        let budget = &self.budget;
        if budget.overflowed.load(Ordering::Relaxed) {
            return Err(SendError::Overflow);
        }
        let size = frame.size();
        let before = budget.queued.fetch_add(size, Ordering::AcqRel);
        if before > 0 && before + size > budget.limit {
            budget.queued.fetch_sub(size, Ordering::AcqRel);
            budget.overflowed.store(true, Ordering::Release);
            return Err(SendError::Overflow);
        }
        self.tx.send(frame).map_err(|_| {
            budget.queued.fetch_sub(size, Ordering::AcqRel);
            SendError::Closed
        })
    }

    /// Whether nothing more can be sent: the stream ended or overflowed.
    pub fn is_closed(&self) -> bool {
        self.tx.is_closed() || self.budget.overflowed.load(Ordering::Relaxed)
    }
}

impl FrameRx {
    /// The next frame; `None` once every sender is gone, or at once after an overflow.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<Frame>> {
        if self.overflowed() {
            return Poll::Ready(None);
        }
        let polled = self.rx.poll_recv(cx);
        if let Poll::Ready(Some(frame)) = &polled {
            self.budget.queued.fetch_sub(frame.size(), Ordering::AcqRel);
        }
        polled
    }

    /// Waits for the next frame (see [`poll_recv`](Self::poll_recv)).
    pub async fn recv(&mut self) -> Option<Frame> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// The next frame if one is there: `Ok(None)` when there is none yet, `Err` once the
    /// stream has ended.
    pub fn try_recv(&mut self) -> Result<Option<Frame>, StreamEnded> {
        if self.overflowed() {
            return Err(StreamEnded);
        }
        match self.rx.try_recv() {
            Ok(frame) => {
                self.budget.queued.fetch_sub(frame.size(), Ordering::AcqRel);
                Ok(Some(frame))
            }
            Err(mpsc::error::TryRecvError::Empty) => Ok(None),
            Err(mpsc::error::TryRecvError::Disconnected) => Err(StreamEnded),
        }
    }

    /// Whether the stream was given up because its client did not read it.
    pub fn overflowed(&self) -> bool {
        self.budget.overflowed.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(bytes: usize) -> Frame {
        Frame::Message {
            json: vec![b' '; bytes],
            event_id: None,
            last: false,
        }
    }

    #[tokio::test]
    async fn an_unread_queue_overflows_at_its_limit_and_stays_shut() {
        let (tx, mut rx) = frame_channel(1000);
        for _ in 0..9 {
            tx.send(message(100)).unwrap();
        }
        assert_eq!(tx.send(message(200)), Err(SendError::Overflow));
        assert!(tx.is_closed());
        // Even a small frame is refused now, and the reader sees the end at once.
        assert_eq!(tx.send(message(1)), Err(SendError::Overflow));
        assert!(rx.overflowed());
        assert!(rx.recv().await.is_none());
    }

    #[tokio::test]
    async fn a_read_queue_takes_any_amount_and_one_big_frame_passes() {
        let (tx, mut rx) = frame_channel(1000);
        tx.send(message(5000)).unwrap();
        assert!(rx.recv().await.is_some());
        for _ in 0..100 {
            tx.send(message(600)).unwrap();
            assert!(rx.try_recv().unwrap().is_some());
        }
        drop(tx);
        assert!(rx.recv().await.is_none());
        assert!(!rx.overflowed());
    }
}
