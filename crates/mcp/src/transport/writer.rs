//! The outgoing half of every byte-stream transport: newline-delimited messages written by one
//! background task, with whatever queued up while it was writing sent in a single write.

use std::pin::{Pin, pin};
use std::sync::Arc;

use parking_lot::{Mutex, MutexGuard};
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::Notify;

use super::{BoxFuture, Outgoing, TransportClosed, TransportWriter};

/// Queued bytes above which the session stops taking new work: 8 MiB.
const HIGH_WATER: usize = 8 * 1024 * 1024;

/// The stream and the buffer being written to it, owned by whoever writes.
struct Output {
    stream: Pin<Box<dyn AsyncWrite + Send>>,
    /// Swapped with the queue, so both keep their capacity across writes.
    spare: Vec<u8>,
}

/// Writes newline-delimited messages to an [`AsyncWrite`].
///
/// [`send`](TransportWriter::send) appends to a buffer and returns at once; a task spawned on the
/// current tokio runtime writes the buffer out, so messages queued while a write is under way
/// leave together in the next one. While the session has the writer
/// [corked](TransportWriter::cork) (it is answering a burst of requests) nothing wakes that
/// task: [`uncork`](TransportWriter::uncork) writes the burst itself, in one write and without a
/// hand-over between tasks.
///
/// When the last clone is dropped the writer closes: what is queued is still written, then the
/// underlying stream is shut down.
#[derive(Debug, Clone)]
pub struct LineWriter {
    shared: Arc<Shared>,
    _close_on_drop: Arc<CloseOnDrop>,
}

/// Starts closing the writer when the last [`LineWriter`] handle goes away.
#[derive(Debug)]
struct CloseOnDrop(Arc<Shared>);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        self.0.state.lock().closing = true;
        self.0.work.notify_one();
    }
}

struct Shared {
    state: Mutex<State>,
    /// The stream; whoever writes holds it (the writing task, or an uncorking session).
    out: tokio::sync::Mutex<Output>,
    /// Wakes the writing task when bytes arrive or closing starts.
    work: Notify,
    /// Wakes whoever waits for the buffer to empty or the writer to finish.
    progress: Notify,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("state", &self.state)
            .finish()
    }
}

#[derive(Debug, Default)]
struct State {
    buf: Vec<u8>,
    /// How many corks are in place; while any is, `send` does not wake the writing task.
    corked: usize,
    closing: bool,
    /// Set once nothing more can be written; the reason when it failed.
    closed: Option<Option<String>>,
}

impl LineWriter {
    /// Starts the writing task on the current tokio runtime.
    ///
    /// # Panics
    /// Outside a tokio runtime.
    pub fn spawn<W: AsyncWrite + Send + 'static>(inner: W) -> Self {
        let shared = Arc::new(Shared {
            state: Mutex::default(),
            out: tokio::sync::Mutex::new(Output {
                stream: Box::pin(inner),
                spare: Vec::with_capacity(64 * 1024),
            }),
            work: Notify::new(),
            progress: Notify::new(),
        });
        tokio::spawn(write_loop(shared.clone()));
        Self {
            _close_on_drop: Arc::new(CloseOnDrop(shared.clone())),
            shared,
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.shared.state.lock()
    }
}

impl TransportWriter for LineWriter {
    fn send(&self, message: Outgoing) -> Result<(), TransportClosed> {
        let mut state = self.state();
        if let Some(reason) = &state.closed {
            return Err(TransportClosed(reason.clone()));
        }
        if state.closing {
            return Err(TransportClosed(Some("the writer is closing".into())));
        }
        let wake = state.buf.is_empty() && state.corked == 0;
        state.buf.extend_from_slice(&message.json);
        state.buf.push(b'\n');
        drop(state);
        if wake {
            self.shared.work.notify_one();
        }
        Ok(())
    }

    fn cork(&self) {
        self.state().corked += 1;
    }

    fn uncork(&self) -> BoxFuture<'_, ()> {
        let pending = {
            let mut state = self.state();
            state.corked = state.corked.saturating_sub(1);
            state.corked == 0 && !state.buf.is_empty()
        };
        Box::pin(async move {
            if !pending {
                return;
            }
            // When the writing task holds the stream it is at work, and looks at the queue
            // again before it sleeps; otherwise write the burst here and now.
            if let Ok(mut out) = self.shared.out.try_lock()
                && let Err(failure) = write_pending(&self.shared, &mut out).await
            {
                mark_closed(&self.shared, Some(failure.to_string()));
            }
        })
    }

    fn congested(&self) -> bool {
        self.state().buf.len() > HIGH_WATER
    }

    fn drained(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            loop {
                let mut notified = pin!(self.shared.progress.notified());
                notified.as_mut().enable();
                {
                    let state = self.state();
                    if state.buf.len() <= HIGH_WATER || state.closed.is_some() {
                        return;
                    }
                }
                notified.await;
            }
        })
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            self.state().closing = true;
            self.shared.work.notify_one();
            loop {
                let mut notified = pin!(self.shared.progress.notified());
                notified.as_mut().enable();
                if self.state().closed.is_some() {
                    return;
                }
                notified.await;
            }
        })
    }
}

/// Writes whatever is queued until the queue is empty; the caller holds the stream.
async fn write_pending(shared: &Shared, out: &mut Output) -> std::io::Result<()> {
    loop {
        {
            let mut state = shared.state.lock();
            if state.closed.is_some() || state.buf.is_empty() {
                return Ok(());
            }
            std::mem::swap(&mut out.spare, &mut state.buf);
        }
        shared.progress.notify_waiters();
        let Output { stream, spare } = out;
        let written = async {
            stream.write_all(spare).await?;
            stream.flush().await
        };
        written.await?;
        spare.clear();
        // Don't let one burst keep a huge buffer alive.
        if spare.capacity() > 4 * 1024 * 1024 {
            *spare = Vec::with_capacity(64 * 1024);
        }
    }
}

fn mark_closed(shared: &Shared, failure: Option<String>) {
    {
        let mut state = shared.state.lock();
        if state.closed.is_none() {
            state.closed = Some(failure);
        }
        state.buf = Vec::new();
    }
    shared.progress.notify_waiters();
}

async fn write_loop(shared: Arc<Shared>) {
    let failure = loop {
        let (empty, closing, closed) = {
            let state = shared.state.lock();
            (state.buf.is_empty(), state.closing, state.closed.is_some())
        };
        if closed {
            return;
        }
        if empty && !closing {
            shared.work.notified().await;
            continue;
        }
        let mut out = shared.out.lock().await;
        if let Err(failure) = write_pending(&shared, &mut out).await {
            break Some(failure.to_string());
        }
        if closing && shared.state.lock().buf.is_empty() {
            let _ = out.stream.shutdown().await;
            break None;
        }
    };
    // Drop the stream now, not when the last handle goes: for a pipe, that is what tells the
    // other end that nothing more is coming (shutting a pipe down does not close it).
    shared.out.lock().await.stream = Box::pin(tokio::io::sink());
    mark_closed(&shared, failure);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::OutgoingKind;
    use tokio::io::AsyncReadExt;

    fn msg(s: &str) -> Outgoing {
        Outgoing {
            json: s.as_bytes().to_vec(),
            kind: OutgoingKind::Notification,
            related_request: None,
        }
    }

    #[tokio::test]
    async fn writes_every_message_on_its_own_line_then_closes() {
        let (a, mut b) = tokio::io::duplex(64);
        let writer = LineWriter::spawn(a);
        for i in 0..100 {
            writer.send(msg(&format!("{{\"n\":{i}}}"))).unwrap();
        }
        let reader = tokio::spawn(async move {
            let mut s = String::new();
            b.read_to_string(&mut s).await.unwrap();
            s
        });
        writer.close().await;
        let text = reader.await.unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 100);
        assert_eq!(lines[99], "{\"n\":99}");
        assert!(writer.send(msg("{}")).is_err());
    }

    #[tokio::test]
    async fn dropping_the_last_handle_flushes_and_closes() {
        let (a, mut b) = tokio::io::duplex(64);
        let writer = LineWriter::spawn(a);
        writer.send(msg("{\"last\":true}")).unwrap();
        drop(writer.clone());
        drop(writer);
        let mut s = String::new();
        b.read_to_string(&mut s).await.unwrap();
        assert_eq!(s, "{\"last\":true}\n");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn closing_closes_a_pipe_while_handles_remain() {
        let (tx, mut rx) = tokio::net::unix::pipe::pipe().unwrap();
        let writer = LineWriter::spawn(tx);
        let kept = writer.clone();
        writer.send(msg("{}")).unwrap();
        writer.close().await;
        let mut s = String::new();
        // End of stream arrives although `kept` still holds the writer.
        tokio::time::timeout(std::time::Duration::from_secs(5), rx.read_to_string(&mut s))
            .await
            .expect("the pipe was closed")
            .unwrap();
        assert_eq!(s, "{}\n");
        drop(kept);
    }

    #[tokio::test]
    async fn a_broken_pipe_closes_the_writer() {
        let (a, b) = tokio::io::duplex(64);
        drop(b);
        let writer = LineWriter::spawn(a);
        writer.send(msg("{}")).unwrap();
        writer.close().await;
        assert!(writer.send(msg("{}")).is_err());
    }
}
