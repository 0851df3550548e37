//! Seeing a transport's traffic: [`observe`] wraps a transport so that an [`Observer`] is shown
//! every message as it arrives (before the session reads it) and as it leaves (before the
//! transport sends it), changing nothing. What a traffic log, a recorder or an inspector
//! builds on.
//!
//! ```
//! use std::sync::Arc;
//! use std::sync::atomic::{AtomicUsize, Ordering};
//!
//! use mcp::transport::observe::{Observer, observe};
//! use mcp::transport::{Incoming, Outgoing, memory};
//!
//! /// Counts the messages sent.
//! #[derive(Default)]
//! struct Sent(AtomicUsize);
//!
//! impl Observer for Sent {
//!     fn outgoing(&self, _message: &Outgoing) {
//!         self.0.fetch_add(1, Ordering::Relaxed);
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use mcp::transport::{OutgoingKind, Transport, TransportWriter};
//!
//! let sent = Arc::new(Sent::default());
//! let (client_end, _server_end) = memory::pair();
//! // A transport like any other: `ClientBuilder::connect` or `Server::serve` takes it.
//! let (_reader, writer) = observe(client_end, sent.clone()).split();
//! writer
//!     .send(Outgoing {
//!         json: br#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#.to_vec(),
//!         kind: OutgoingKind::Request,
//!         related_request: None,
//!     })
//!     .unwrap();
//! assert_eq!(sent.0.load(Ordering::Relaxed), 1);
//! # }
//! ```

use std::io;
use std::sync::Arc;

use super::{
    BoxFuture, Incoming, Outgoing, Transport, TransportClosed, TransportReader, TransportWriter,
};

/// What [`observe`] shows the traffic to. Both methods run on the transport's path, so they
/// should be quick (copy, count, hand off to a channel).
pub trait Observer: Send + Sync + 'static {
    /// A message arrived (or a notice of one over the size limit), before the session reads it.
    fn incoming(&self, _message: &Incoming<'_>) {}

    /// A message is about to be sent.
    fn outgoing(&self, _message: &Outgoing) {}
}

impl<O: Observer + ?Sized> Observer for Arc<O> {
    fn incoming(&self, message: &Incoming<'_>) {
        (**self).incoming(message);
    }

    fn outgoing(&self, message: &Outgoing) {
        (**self).outgoing(message);
    }
}

/// `transport` with every message shown to `observer` on its way; a transport itself.
pub fn observe<T: Transport, O: Observer>(
    transport: T,
    observer: O,
) -> (ObservedReader<T::Reader, O>, ObservedWriter<T::Writer, O>) {
    let (reader, writer) = transport.split();
    let observer = Arc::new(observer);
    (
        ObservedReader {
            inner: reader,
            observer: observer.clone(),
        },
        ObservedWriter {
            inner: writer,
            observer,
        },
    )
}

/// The incoming half of an [`observe`]d transport.
pub struct ObservedReader<R, O> {
    inner: R,
    observer: Arc<O>,
}

impl<R: TransportReader, O: Observer> TransportReader for ObservedReader<R, O> {
    async fn recv(&mut self) -> Option<io::Result<Incoming<'_>>> {
        let next = self.inner.recv().await;
        if let Some(Ok(incoming)) = &next {
            self.observer.incoming(incoming);
        }
        next
    }
}

/// The outgoing half of an [`observe`]d transport.
pub struct ObservedWriter<W, O> {
    inner: W,
    observer: Arc<O>,
}

impl<W: TransportWriter, O: Observer> TransportWriter for ObservedWriter<W, O> {
    fn send(&self, message: Outgoing) -> Result<(), TransportClosed> {
        self.observer.outgoing(&message);
        self.inner.send(message)
    }

    fn cork(&self) {
        self.inner.cork();
    }

    fn uncork(&self) -> BoxFuture<'_, ()> {
        self.inner.uncork()
    }

    fn congested(&self) -> bool {
        self.inner.congested()
    }

    fn drained(&self) -> BoxFuture<'_, ()> {
        self.inner.drained()
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        self.inner.close()
    }
}

#[cfg(test)]
mod tests {
    use parking_lot::Mutex;

    use super::*;
    use crate::transport::{OutgoingKind, memory};

    #[derive(Default)]
    struct Log(Mutex<Vec<String>>);

    impl Observer for Log {
        fn incoming(&self, message: &Incoming<'_>) {
            if let Incoming::Message(bytes) = message {
                self.0
                    .lock()
                    .push(format!("in {}", String::from_utf8_lossy(bytes)));
            }
        }

        fn outgoing(&self, message: &Outgoing) {
            self.0
                .lock()
                .push(format!("out {}", String::from_utf8_lossy(&message.json)));
        }
    }

    fn outgoing(json: &str) -> Outgoing {
        Outgoing {
            json: json.as_bytes().to_vec(),
            kind: OutgoingKind::Notification,
            related_request: None,
        }
    }

    #[tokio::test]
    async fn the_observer_sees_both_ways_and_the_messages_pass_unchanged() {
        let log = Arc::new(Log::default());
        let (a, b) = memory::pair();
        let (mut a_reader, a_writer) = observe(a, log.clone());
        let (mut b_reader, b_writer) = b.split();

        a_writer.send(outgoing("1")).unwrap();
        match b_reader.recv().await {
            Some(Ok(Incoming::Message(bytes))) => assert_eq!(bytes, b"1"),
            other => panic!("{other:?}"),
        }
        b_writer.send(outgoing("2")).unwrap();
        match a_reader.recv().await {
            Some(Ok(Incoming::Message(bytes))) => assert_eq!(bytes, b"2"),
            other => panic!("{other:?}"),
        }
        assert_eq!(*log.0.lock(), ["out 1", "in 2"]);
    }
}
