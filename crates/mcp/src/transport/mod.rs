//! Transports: how messages travel between the two ends of a session.
//!
//! A transport is two halves: a [`TransportReader`] yielding incoming messages one at a time and
//! a [`TransportWriter`] that queues outgoing ones. The session core
//! ([`crate::jsonrpc::Session`]) knows nothing else about the transport, so stdio, HTTP or an
//! in-memory pipe are interchangeable.

pub mod framing;
#[cfg(any(feature = "http-server", feature = "http-client"))]
pub mod http;
pub mod memory;
pub mod observe;
pub mod stdio;
mod writer;
#[cfg(any(feature = "ws-server", feature = "ws-client"))]
pub mod ws;

use std::future::Future;
use std::io;

use crate::types::RequestId;

pub use framing::{DEFAULT_MAX_MESSAGE_SIZE, Line, LineReader};
pub use writer::LineWriter;

/// A boxed, sendable future (the `futures` crate's), as the dyn-compatible methods of this
/// crate's traits return.
pub use futures::future::BoxFuture;

/// One message handed over by a [`TransportReader`].
#[derive(Debug, PartialEq, Eq)]
pub enum Incoming<'a> {
    /// The JSON text of one message (for line-framed transports, without its line ending).
    Message(&'a [u8]),
    /// A message that broke the size limit and was discarded; only its start is kept.
    TooLarge {
        /// The first bytes of the message, to recover the request id from.
        prefix: &'a [u8],
        /// Its size in bytes (not counting a line ending).
        size: usize,
        /// The limit it broke.
        limit: usize,
    },
}

/// What kind of message an [`Outgoing`] carries; transports that route messages use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutgoingKind {
    /// A request to the peer.
    Request,
    /// A notification.
    Notification,
    /// A response (result or error) to a request of the peer.
    Response,
}

/// One serialized message on its way out.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// The JSON text of the message, without a line ending.
    pub json: Vec<u8>,
    /// What the message is.
    pub kind: OutgoingKind,
    /// The incoming request this message belongs to: the request a response answers, or the
    /// request being handled when a notification or request was sent. Streamable HTTP uses it to
    /// pick the response stream.
    pub related_request: Option<RequestId>,
}

/// The error of writing to a transport that has closed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("transport closed{}", .0.as_deref().map(|r| format!(": {r}")).unwrap_or_default())]
pub struct TransportClosed(pub Option<String>);

/// The incoming half of a transport.
pub trait TransportReader: Send + 'static {
    /// Waits for the next message; `None` once the peer has closed its side.
    fn recv(&mut self) -> impl Future<Output = Option<io::Result<Incoming<'_>>>> + Send;
}

/// The outgoing half of a transport, shared by every task of a session.
pub trait TransportWriter: Send + Sync + 'static {
    /// Queues a message without waiting. Fails only once the transport has closed.
    fn send(&self, message: Outgoing) -> Result<(), TransportClosed>;

    /// The session is about to send a burst (the answers to a batch of requests that arrived
    /// together): hold the messages until [`uncork`](TransportWriter::uncork) so they can leave
    /// together.
    fn cork(&self) {}

    /// Ends a [`cork`](TransportWriter::cork): writes what was held, on the caller's task when
    /// the transport can.
    fn uncork(&self) -> BoxFuture<'_, ()> {
        Box::pin(std::future::ready(()))
    }

    /// Whether so much is queued that the session should stop taking new work until
    /// [`drained`](TransportWriter::drained) resolves.
    fn congested(&self) -> bool {
        false
    }

    /// Resolves once the queue has room again (or the transport closed).
    fn drained(&self) -> BoxFuture<'_, ()> {
        Box::pin(std::future::ready(()))
    }

    /// Writes out everything queued and closes the outgoing side.
    fn close(&self) -> BoxFuture<'_, ()>;
}

/// A transport: something that splits into a reader and a writer.
pub trait Transport: Send + 'static {
    /// The incoming half.
    type Reader: TransportReader;
    /// The outgoing half.
    type Writer: TransportWriter;
    /// Splits the transport into its two halves.
    fn split(self) -> (Self::Reader, Self::Writer);
}

impl<R: TransportReader, W: TransportWriter> Transport for (R, W) {
    type Reader = R;
    type Writer = W;
    fn split(self) -> (R, W) {
        self
    }
}
