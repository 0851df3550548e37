//! A WebSocket as a transport, for both ends: one task owns the socket, feeds the text frames
//! it reads to a [`WsReader`] and sends what a [`WsWriter`] queues; it pings an idle peer,
//! answers and sends close frames, and ends the session when the socket drops.

use std::future::Future;
use std::io;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use futures::{Sink, SinkExt, Stream, StreamExt};
use tokio::sync::{Notify, mpsc};
use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

use crate::transport::{
    BoxFuture, Incoming, Outgoing, Transport, TransportClosed, TransportReader, TransportWriter,
};

/// Close code: normal closure.
pub(crate) const CLOSE_NORMAL: u16 = 1000;
/// Close code: the endpoint is going away (server shutdown).
pub(crate) const CLOSE_GOING_AWAY: u16 = 1001;
/// Close code: a frame kind this protocol does not take (binary frames).
pub(crate) const CLOSE_UNSUPPORTED: u16 = 1003;
/// Close code: a message larger than the limit.
pub(crate) const CLOSE_TOO_BIG: u16 = 1009;

/// How long to wait for the peer's close frame after sending ours.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// Queued bytes above which the session stops taking new work until the peer reads.
const HIGH_WATER: usize = 4 * 1024 * 1024;

/// Queued bytes past which messages are refused: the peer does not read, and the connection
/// is given up when its write deadline passes.
const MAX_BACKLOG: usize = 4 * HIGH_WATER;

/// What is queued for the socket and not written yet.
#[derive(Debug, Default)]
struct Backlog {
    bytes: AtomicUsize,
    /// Wakes a congested session once the backlog has halved.
    room: Notify,
}

impl Backlog {
    fn written(&self, size: usize) {
        let left = self.bytes.fetch_sub(size, Ordering::AcqRel) - size;
        if left <= HIGH_WATER / 2 {
            self.room.notify_waiters();
        }
    }
}

/// What the socket task needs to know of a WebSocket library's message type.
pub(crate) trait WsFrame: Sized + Send + 'static {
    /// A text frame holding `json` (UTF-8, as serde_json writes it).
    fn text(json: Vec<u8>) -> Self;
    /// A ping frame.
    fn ping() -> Self;
    /// A close frame with a code and a reason.
    fn close(code: u16, reason: &'static str) -> Self;
    /// What the frame is.
    fn classify(self) -> Frame;
}

/// A received frame, as the socket task sees it.
pub(crate) enum Frame {
    /// A text frame: one JSON-RPC message.
    Text(Bytes),
    /// A binary frame, which MCP does not use.
    Binary,
    /// A ping or a pong: the peer is alive (pings are answered by the library).
    Control,
    /// The peer is closing.
    Close,
}

/// Whether a read error means the peer sent a message over the size limit.
pub(crate) trait WsError: std::fmt::Display + Send + 'static {
    /// True for a message (or frame) larger than the configured limit.
    fn is_too_large(&self) -> bool;
}

/// Options of the socket task.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SocketOptions {
    /// How often to ping a peer (the peer is given up when it has sent nothing, not even a
    /// pong, for two periods, or when a write to it waits that long). `None` never pings.
    pub ping_interval: Option<Duration>,
}

impl SocketOptions {
    /// How long one write may wait for the peer to read.
    fn write_deadline(&self) -> Option<Duration> {
        self.ping_interval.map(|period| period * 2)
    }
}

enum Command {
    Send(Vec<u8>),
    Close,
}

/// The incoming half of a WebSocket transport: one text frame per message.
#[derive(Debug)]
pub struct WsReader {
    frames: mpsc::Receiver<Bytes>,
    current: Bytes,
}

impl TransportReader for WsReader {
    async fn recv(&mut self) -> Option<io::Result<Incoming<'_>>> {
        self.current = self.frames.recv().await?;
        Some(Ok(Incoming::Message(&self.current)))
    }
}

/// The outgoing half of a WebSocket transport: every message becomes one text frame.
#[derive(Debug, Clone)]
pub struct WsWriter {
    commands: mpsc::UnboundedSender<Command>,
    finished: CancellationToken,
    backlog: Arc<Backlog>,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Command::Send(json) => write!(f, "Send({} bytes)", json.len()),
            Command::Close => f.write_str("Close"),
        }
    }
}

impl TransportWriter for WsWriter {
    fn send(&self, message: Outgoing) -> Result<(), TransportClosed> {
        if self.finished.is_cancelled() {
            return Err(TransportClosed(Some("the WebSocket is closed".into())));
        }
        let size = message.json.len();
        let before = self.backlog.bytes.fetch_add(size, Ordering::AcqRel);
        if before > 0 && before + size > MAX_BACKLOG {
            self.backlog.bytes.fetch_sub(size, Ordering::AcqRel);
            return Err(TransportClosed(Some(format!(
                "the peer is not reading: {before} bytes wait for it"
            ))));
        }
        self.commands
            .send(Command::Send(message.json))
            .map_err(|_| {
                self.backlog.bytes.fetch_sub(size, Ordering::AcqRel);
                TransportClosed(Some("the WebSocket is closed".into()))
            })
    }

    fn congested(&self) -> bool {
        self.backlog.bytes.load(Ordering::Acquire) > HIGH_WATER
    }

    fn drained(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            loop {
                let mut room = pin!(self.backlog.room.notified());
                room.as_mut().enable();
                if !self.congested() || self.finished.is_cancelled() {
                    return;
                }
                tokio::select! {
                    () = room => {}
                    () = self.finished.cancelled() => return,
                }
            }
        })
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let _ = self.commands.send(Command::Close);
            self.finished.cancelled().await;
        })
    }
}

/// A connected WebSocket, ready to serve a session: its reader and writer.
#[derive(Debug)]
pub struct WsConnection {
    reader: WsReader,
    writer: WsWriter,
}

impl Transport for WsConnection {
    type Reader = WsReader;
    type Writer = WsWriter;
    fn split(self) -> (WsReader, WsWriter) {
        (self.reader, self.writer)
    }
}

impl WsConnection {
    /// Starts the task that drives `socket` until either side closes or `stop` is cancelled
    /// (then it closes with 1001, going away).
    pub(crate) fn spawn<S, M, E>(socket: S, options: SocketOptions, stop: CancellationToken) -> Self
    where
        S: Stream<Item = Result<M, E>> + Sink<M, Error = E> + Send + Unpin + 'static,
        M: WsFrame,
        E: WsError,
    {
        let (frames_tx, frames) = mpsc::channel(64);
        let (commands, commands_rx) = mpsc::unbounded_channel();
        let finished = CancellationToken::new();
        let done = finished.clone();
        let backlog = Arc::new(Backlog::default());
        let written = backlog.clone();
        tokio::spawn(async move {
            drive(socket, frames_tx, commands_rx, options, stop, &written).await;
            done.cancel();
            written.room.notify_waiters();
        });
        Self {
            reader: WsReader {
                frames,
                current: Bytes::new(),
            },
            writer: WsWriter {
                commands,
                finished,
                backlog,
            },
        }
    }
}

/// Why the socket task stopped reading.
enum Ending {
    /// We close: send a close frame with this code and wait for the peer's.
    Close(u16, &'static str),
    /// The peer closed (its close frame is answered by the library) or the socket broke.
    Gone,
}

async fn drive<S, M, E>(
    socket: S,
    frames: mpsc::Sender<Bytes>,
    mut commands: mpsc::UnboundedReceiver<Command>,
    options: SocketOptions,
    stop: CancellationToken,
    backlog: &Backlog,
) where
    S: Stream<Item = Result<M, E>> + Sink<M, Error = E> + Send + Unpin + 'static,
    M: WsFrame,
    E: WsError,
{
    let (mut sink, mut stream) = socket.split();
    let period = options.ping_interval.unwrap_or(Duration::from_secs(3600));
    let mut ticks = tokio::time::interval_at(Instant::now() + period, period);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut heard = true;
    let ending = loop {
        tokio::select! {
            frame = stream.next() => match frame {
                Some(Ok(frame)) => {
                    heard = true;
                    match frame.classify() {
                        Frame::Text(json) => {
                            if frames.send(json).await.is_err() {
                                // The session stopped reading: it is closing.
                                break Ending::Close(CLOSE_NORMAL, "");
                            }
                        }
                        Frame::Binary => {
                            break Ending::Close(
                                CLOSE_UNSUPPORTED,
                                "MCP messages travel in text frames",
                            );
                        }
                        Frame::Control => {}
                        Frame::Close => break Ending::Gone,
                    }
                }
                Some(Err(e)) if e.is_too_large() => {
                    tracing::debug!(error = %e, "WebSocket message over the size limit");
                    break Ending::Close(CLOSE_TOO_BIG, "message too big");
                }
                Some(Err(e)) => {
                    tracing::debug!(error = %e, "WebSocket read failed");
                    break Ending::Gone;
                }
                None => break Ending::Gone,
            },
            command = commands.recv() => match command {
                Some(Command::Send(json)) => {
                    let size = json.len();
                    let sent = within(options.write_deadline(), sink.send(M::text(json))).await;
                    backlog.written(size);
                    match sent {
                        Some(Ok(())) => {}
                        Some(Err(e)) => {
                            tracing::debug!(error = %e, "WebSocket write failed");
                            break Ending::Gone;
                        }
                        None => {
                            tracing::debug!("the WebSocket peer stopped reading: giving up");
                            break Ending::Gone;
                        }
                    }
                }
                Some(Command::Close) | None => break Ending::Close(CLOSE_NORMAL, ""),
            },
            _ = ticks.tick(), if options.ping_interval.is_some() => {
                if !heard {
                    tracing::debug!("WebSocket peer silent for two ping periods: giving up");
                    break Ending::Gone;
                }
                heard = false;
                if !matches!(within(options.write_deadline(), sink.send(M::ping())).await, Some(Ok(()))) {
                    break Ending::Gone;
                }
            },
            _ = stop.cancelled() => break Ending::Close(CLOSE_GOING_AWAY, "server shutting down"),
        }
    };
    // The session sees the end of its input at once.
    drop(frames);
    match ending {
        Ending::Close(code, reason) => {
            // Send what was queued before the close, then the close frame, then wait (briefly)
            // for the peer's.
            commands.close();
            let flushed = within(options.write_deadline(), async {
                while let Ok(Command::Send(json)) = commands.try_recv() {
                    let size = json.len();
                    let fed = sink.feed(M::text(json)).await;
                    backlog.written(size);
                    fed?;
                }
                sink.send(M::close(code, reason)).await
            })
            .await;
            if !matches!(flushed, Some(Ok(()))) {
                return;
            }
            let _ = tokio::time::timeout(CLOSE_WAIT, async {
                while let Some(Ok(frame)) = stream.next().await {
                    if matches!(frame.classify(), Frame::Close) {
                        break;
                    }
                }
            })
            .await;
            let _ = sink.close().await;
        }
        Ending::Gone => {
            // Flush the library's answer to a close frame, if any.
            let _ = sink.close().await;
        }
    }
}

/// `future`'s output, or `None` when `deadline` passed first.
async fn within<T>(deadline: Option<Duration>, future: impl Future<Output = T>) -> Option<T> {
    match deadline {
        Some(deadline) => tokio::time::timeout(deadline, future).await.ok(),
        None => Some(future.await),
    }
}

#[cfg(any(feature = "ws-client", feature = "ws-server"))]
mod tungstenite_frames {
    use tokio_tungstenite::tungstenite::protocol::CloseFrame;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
    use tokio_tungstenite::tungstenite::{Error, Message, Utf8Bytes};

    use super::{Frame, WsError, WsFrame};

    impl WsFrame for Message {
        fn text(json: Vec<u8>) -> Self {
            let text = String::from_utf8(json)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            Message::Text(Utf8Bytes::from(text))
        }
        fn ping() -> Self {
            Message::Ping(Default::default())
        }
        fn close(code: u16, reason: &'static str) -> Self {
            Message::Close(Some(CloseFrame {
                code: CloseCode::from(code),
                reason: reason.into(),
            }))
        }
        fn classify(self) -> Frame {
            match self {
                Message::Text(text) => Frame::Text(text.into()),
                Message::Binary(_) => Frame::Binary,
                Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => Frame::Control,
                Message::Close(_) => Frame::Close,
            }
        }
    }

    impl WsError for Error {
        fn is_too_large(&self) -> bool {
            matches!(self, Error::Capacity(_))
        }
    }
}
