//! Answering a POST: one JSON object, or an SSE stream of the messages that belong to the
//! request, ending with its answer.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use futures::Stream;
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};

use super::ResponseMode;
pub(super) use super::queue::{Frame, FrameRx, FrameTx};
use super::queue::{SendError, StreamEnded};
use crate::jsonrpc::outgoing;
use crate::transport::http::sse;
use crate::transport::{BoxFuture, Outgoing, OutgoingKind, TransportClosed, TransportWriter};
use crate::types::{ErrorCode, ErrorData, RequestId};

/// The writer of one stateless-era exchange: everything it is given goes to the request's
/// response.
#[derive(Debug)]
pub(super) struct ExchangeWriter(pub FrameTx);

impl TransportWriter for ExchangeWriter {
    fn send(&self, message: Outgoing) -> Result<(), TransportClosed> {
        let last = message.kind == OutgoingKind::Response;
        self.0.send(Frame::of(message, None, last)).map_err(|e| {
            TransportClosed(Some(match e {
                SendError::Closed => "the client closed the response stream".into(),
                SendError::Overflow => "the client stopped reading the response stream".into(),
            }))
        })
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(std::future::ready(()))
    }
}

/// A JSON-RPC error as the whole response.
pub(super) fn error_response(
    status: StatusCode,
    code: ErrorCode,
    message: impl Into<String>,
    id: Option<&RequestId>,
) -> Response {
    let body = outgoing::error_response(id, &ErrorData::new(code, message.into()));
    json_response(status, body, &HeaderMap::new())
}

/// A JSON body.
pub(super) fn json_response(status: StatusCode, body: Vec<u8>, headers: &HeaderMap) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.extend(headers.clone());
    response
}

/// A response without a body.
pub(super) fn empty_response(status: StatusCode, headers: &HeaderMap) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response.headers_mut().extend(headers.clone());
    response
}

/// 405 with the methods the endpoint takes.
pub(super) fn method_not_allowed(allow: &'static str, message: &str) -> Response {
    let mut response = error_response(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::INVALID_REQUEST,
        message,
        None,
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

/// The HTTP status the stateless era gives a JSON-RPC error.
pub(super) fn status_of_error(code: i64) -> StatusCode {
    match code {
        -32601 => StatusCode::NOT_FOUND,
        -32700 | -32600 | -32602 | -32020 | -32021 | -32022 => StatusCode::BAD_REQUEST,
        _ => StatusCode::OK,
    }
}

/// The error code of an answer written by this crate's serializer, which always writes the
/// members in the order `jsonrpc`, `id`, then `result` or `error` (an id cannot hold an unescaped
/// `,"`, so the first such member is the top-level one).
pub(super) fn error_code(json: &[u8]) -> Option<i64> {
    let result = memchr::memmem::find(json, br#","result":"#);
    let error = memchr::memmem::find(json, br#","error":"#)?;
    if result.is_some_and(|r| r < error) {
        return None;
    }
    #[derive(serde::Deserialize)]
    struct Code {
        code: i64,
    }
    let mut de = serde_json::Deserializer::from_slice(&json[error + 9..]);
    serde::Deserialize::deserialize(&mut de)
        .ok()
        .map(|c: Code| c.code)
}

/// How a request's messages become its response.
pub(super) struct ReplyOptions<'a> {
    pub mode: ResponseMode,
    /// Give a JSON error the status the stateless era names for its code (otherwise 200).
    pub map_error_status: bool,
    /// Extra headers (the session id).
    pub headers: HeaderMap,
    pub keep_alive: Option<Duration>,
    /// In [`ResponseMode::Auto`], how long to wait for the answer before committing to a stream.
    pub defer: Duration,
    /// Cancelled when the server shuts down (cloned only for a stream that outlives the call).
    pub shutdown: &'a CancellationToken,
}

/// Waits for the request's first message and answers with JSON or an SSE stream.
///
/// `guard` lives as long as the response does: dropping it (the client went away) is how the
/// owner learns the stream closed.
pub(super) async fn reply<G: Send + Unpin + 'static>(
    mut rx: FrameRx,
    guard: G,
    options: ReplyOptions<'_>,
) -> Response {
    let first = match options.mode {
        ResponseMode::Sse => None,
        ResponseMode::Json => loop {
            let frame = tokio::select! {
                frame = rx.recv() => frame,
                () = options.shutdown.cancelled() => return shutting_down(),
            };
            match frame {
                Some(Frame::Message {
                    json, last: true, ..
                }) => return answer_json(json, &options),
                Some(_) => continue,
                None => return ended_without_answer(),
            }
        },
        ResponseMode::Auto => {
            // Most handlers answer before the POST handler even waits.
            let frame = match rx.try_recv() {
                Ok(Some(frame)) => Some(frame),
                Err(StreamEnded) => return ended_without_answer(),
                Ok(None) => tokio::select! {
                    frame = rx.recv() => match frame {
                        Some(frame) => Some(frame),
                        None => return ended_without_answer(),
                    },
                    () = tokio::time::sleep(options.defer) => None,
                    () = options.shutdown.cancelled() => return shutting_down(),
                },
            };
            match frame {
                Some(Frame::Message {
                    json, last: true, ..
                }) => return answer_json(json, &options),
                other => other,
            }
        }
    };
    sse_response(first, rx, guard, &options)
}

fn answer_json(json: Vec<u8>, options: &ReplyOptions<'_>) -> Response {
    let status = if options.map_error_status {
        error_code(&json).map_or(StatusCode::OK, status_of_error)
    } else {
        StatusCode::OK
    };
    json_response(status, json, &options.headers)
}

fn ended_without_answer() -> Response {
    error_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::INTERNAL_ERROR,
        "the request ended without an answer: its session was closed",
        None,
    )
}

fn shutting_down() -> Response {
    error_response(
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::INTERNAL_ERROR,
        "Service Unavailable: the server is shutting down",
        None,
    )
}

/// The headers of every event stream.
fn sse_headers(headers: &mut HeaderMap) {
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache, no-transform"),
    );
    headers.insert(
        HeaderName::from_static("x-accel-buffering"),
        HeaderValue::from_static("no"),
    );
}

/// An SSE response carrying `first` (if any), then every frame of `rx`; it ends after the
/// answer (a `last` frame), when `rx` closes, or when the server shuts down.
pub(super) fn sse_response<G: Send + Unpin + 'static>(
    first: Option<Frame>,
    rx: FrameRx,
    guard: G,
    options: &ReplyOptions<'_>,
) -> Response {
    let stream = EventStream {
        first,
        rx,
        done: false,
        keep_alive: options.keep_alive.map(|period| {
            let mut interval =
                tokio::time::interval_at(tokio::time::Instant::now() + period, period);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            interval
        }),
        shutdown: Box::pin(options.shutdown.clone().cancelled_owned()),
        _guard: guard,
    };
    let mut response = Response::new(Body::from_stream(stream));
    sse_headers(response.headers_mut());
    response.headers_mut().extend(options.headers.clone());
    response
}

/// The body of an SSE response.
struct EventStream<G> {
    first: Option<Frame>,
    rx: FrameRx,
    done: bool,
    keep_alive: Option<tokio::time::Interval>,
    shutdown: Pin<Box<WaitForCancellationFutureOwned>>,
    _guard: G,
}

impl<G: Unpin> Stream for EventStream<G> {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        if this.shutdown.as_mut().poll(cx).is_ready() {
            this.done = true;
            return Poll::Ready(None);
        }
        let mut out = Vec::new();
        if let Some(frame) = this.first.take() {
            frame.write_to(&mut out);
            this.done = frame.is_last();
        }
        // Send everything that is ready in one chunk.
        while !this.done {
            match this.rx.poll_recv(cx) {
                Poll::Ready(Some(frame)) => {
                    frame.write_to(&mut out);
                    this.done = frame.is_last();
                }
                Poll::Ready(None) => {
                    this.done = true;
                    if this.rx.overflowed() {
                        // Fail the connection: a clean end would tell the client the stream
                        // is complete, when it lost what did not fit.
                        return Poll::Ready(Some(Err(std::io::Error::other(
                            "the client did not read its event stream; dropping it",
                        ))));
                    }
                }
                Poll::Pending => break,
            }
        }
        if !out.is_empty() {
            if let Some(interval) = &mut this.keep_alive {
                interval.reset();
            }
            return Poll::Ready(Some(Ok(out.into())));
        }
        if this.done {
            return Poll::Ready(None);
        }
        if let Some(interval) = &mut this.keep_alive
            && interval.poll_tick(cx).is_ready()
        {
            return Poll::Ready(Some(Ok(Bytes::from_static(sse::KEEP_ALIVE))));
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_error_code_of_an_answer() {
        let id = RequestId::Number(3);
        let error = outgoing::error_response(Some(&id), &ErrorData::method_not_found("x"));
        assert_eq!(error_code(&error), Some(-32601));
        let result = outgoing::result_response(
            &id,
            &serde_json::json!({"structuredContent": {"error": {"code": 1}}}),
        )
        .unwrap();
        assert_eq!(error_code(&result), None);
        let tricky = outgoing::error_response(
            Some(&RequestId::from(r#"a","error":{"code":7"#)),
            &ErrorData::invalid_params("y"),
        );
        assert_eq!(error_code(&tricky), Some(-32602));
    }
}
