//! What comes back over Streamable HTTP: an answer as JSON or at the end of an event stream,
//! the messages before it, a broken stream resumed with `Last-Event-ID`, the session's GET
//! stream, and HTTP errors turned into JSON-RPC errors of their requests.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header;
use reqwest::{Method, StatusCode};
use tokio::sync::oneshot;

use super::Sniffed;
use super::auth::AuthFailure;
use super::state::Inner;
use super::{CONNECTION_CLOSED, error_chain};
use crate::jsonrpc::incoming::{self, IncomingMessage};
use crate::transport::http::sse::Parser;
use crate::transport::http::{LAST_EVENT_ID, MCP_SESSION_ID};
use crate::types::{ErrorData, RequestId};

/// How a broken stream is resumed.
pub(super) const RECONNECT_ATTEMPTS: u32 = 3;
pub(super) const DEFAULT_RECONNECT_DELAY: Duration = Duration::from_secs(1);

/// POSTs a notification or a response (answered with 202).
pub(super) async fn post_message(inner: &Inner, body: Vec<u8>) {
    let sent = inner.common.send(|| inner.post(&body, None, false)).await;
    match sent {
        Ok(response) if response.status().is_success() => {}
        Ok(response) => {
            tracing::warn!(status = %response.status(), url = %inner.url, "the server refused a notification");
        }
        Err(e) => tracing::warn!(error = %e, url = %inner.url, "could not send a notification"),
    }
}

/// Reads a response body, refusing one over `limit` bytes.
pub(super) async fn read_limited(
    response: &mut reqwest::Response,
    limit: usize,
) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(io::Error::other)? {
        if body.len() + chunk.len() > limit {
            return Err(io::Error::other(format!(
                "the answer is larger than the limit of {limit} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Whether `json` answers the request `id`.
pub(super) fn answers(json: &[u8], id: &RequestId) -> bool {
    match incoming::parse(json) {
        IncomingMessage::Result { id: answered, .. } => &answered == id,
        IncomingMessage::Error {
            id: Some(answered), ..
        } => &answered == id,
        _ => false,
    }
}

/// POSTs a request and delivers what comes back: the answer (JSON or the end of an SSE
/// stream), the notifications and requests before it, or an error saying why there is none.
pub(super) async fn post_request(
    inner: Arc<Inner>,
    body: Vec<u8>,
    id: RequestId,
    sniffed: Sniffed,
    stateless: bool,
) {
    let outcome = run_request(&inner, &body, &id, &sniffed, stateless).await;
    if let Err(error) = outcome {
        inner.fail(&id, error);
    }
    inner.state.lock().in_flight.remove(&id);
}

pub(super) async fn run_request(
    inner: &Arc<Inner>,
    body: &[u8],
    id: &RequestId,
    sniffed: &Sniffed,
    stateless: bool,
) -> std::result::Result<(), ErrorData> {
    let url = &inner.url;
    let initialize = sniffed.method.as_deref() == Some("initialize");
    let answer = Answer {
        id,
        method: sniffed.method.as_deref(),
        stateless,
    };
    let mut response = inner
        .common
        .send(|| inner.post(body, Some(sniffed), stateless))
        .await
        .map_err(|e| {
            ErrorData::new(
                CONNECTION_CLOSED,
                format!(
                    "could not reach the MCP server at {url}: {}",
                    error_chain(&e)
                ),
            )
        })?;
    let status = response.status();
    if initialize
        && status.is_success()
        && let Some(session_id) = response.headers().get(MCP_SESSION_ID)
    {
        inner.state.lock().session_id = Some(session_id.clone());
    }
    if status == StatusCode::ACCEPTED {
        return Err(ErrorData::invalid_request(format!(
            "the server at {url} answered the request with 202 Accepted, which carries no answer"
        )));
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !status.is_success() {
        let challenge = response
            .headers()
            .get(header::WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let auth_failure = response.extensions().get::<AuthFailure>().cloned();
        let body = read_limited(&mut response, 64 * 1024)
            .await
            .unwrap_or_default();
        if let Some(AuthFailure(why)) = auth_failure {
            return Err(ErrorData::invalid_request(format!(
                "HTTP {status} from {url}: authorization failed: {why}"
            ))
            .with_data(serde_json::json!({ "httpStatus": status.as_u16() })));
        }
        // A JSON-RPC error in the body is the server's own answer: pass it on.
        if let IncomingMessage::Error { error, .. } = incoming::parse(&body) {
            return Err(error);
        }
        return Err(inner.http_error(status, &body, challenge.as_deref()));
    }
    if content_type.starts_with("application/json") {
        let json = read_limited(&mut response, inner.common.max_message_size)
            .await
            .map_err(|e| {
                ErrorData::new(
                    CONNECTION_CLOSED,
                    format!("could not read the answer from {url}: {e}"),
                )
            })?;
        inner.deliver(inner.observe_answer(answer.method, stateless, json));
        return Ok(());
    }
    if !content_type.starts_with("text/event-stream") {
        return Err(ErrorData::internal_error(format!(
            "the server at {url} answered with Content-Type {content_type:?}, neither JSON nor an \
             event stream"
        )));
    }
    let mut parser = Parser::new(inner.common.max_message_size);
    if read_events(inner, &mut response, &mut parser, Some(&answer)).await? {
        return Ok(());
    }
    // The stream broke before the answer. The stateless era has no resuming (a closed stream
    // is a cancelled request); the handshake era resumes from the last event id, if any.
    let Some(mut last_event_id) = parser
        .last_event_id()
        .map(str::to_owned)
        .filter(|_| !stateless)
    else {
        return Err(ErrorData::new(
            CONNECTION_CLOSED,
            format!("the response stream from {url} ended before the answer"),
        ));
    };
    let mut attempts = 0;
    loop {
        attempts += 1;
        let delay = parser
            .retry()
            .map_or(DEFAULT_RECONNECT_DELAY, Duration::from_millis);
        tokio::time::sleep(delay).await;
        match resume(inner, &last_event_id).await {
            Ok(mut resumed) => {
                attempts = 0;
                // The resumed stream keeps the reconnection delay until it sets its own.
                let mut resumed_parser = Parser::new(inner.common.max_message_size);
                resumed_parser.set_retry(parser.retry());
                if read_events(inner, &mut resumed, &mut resumed_parser, Some(&answer)).await? {
                    return Ok(());
                }
                if let Some(id) = resumed_parser.last_event_id() {
                    last_event_id = id.to_owned();
                }
                parser = resumed_parser;
            }
            Err(error) if attempts >= RECONNECT_ATTEMPTS => return Err(error),
            Err(error) => {
                tracing::debug!(%error.message, "resuming the response stream failed; retrying");
            }
        }
    }
}

/// Opens a GET that resumes a stream after `last_event_id`.
pub(super) async fn resume(
    inner: &Inner,
    last_event_id: &str,
) -> std::result::Result<reqwest::Response, ErrorData> {
    let url = &inner.url;
    let response = inner
        .common
        .send(|| {
            inner
                .session_headers(inner.http.request(Method::GET, url.clone()))
                .header(header::ACCEPT, "text/event-stream")
                .header(LAST_EVENT_ID, last_event_id)
        })
        .await
        .map_err(|e| {
            ErrorData::new(
                CONNECTION_CLOSED,
                format!(
                    "could not resume the stream from {url}: {}",
                    error_chain(&e)
                ),
            )
        })?;
    if !response.status().is_success() {
        let status = response.status();
        return Err(ErrorData::new(
            CONNECTION_CLOSED,
            format!("could not resume the stream from {url}: HTTP {status}"),
        )
        .with_data(serde_json::json!({ "httpStatus": status.as_u16() })));
    }
    Ok(response)
}

/// The request whose answer an event stream carries.
pub(super) struct Answer<'a> {
    id: &'a RequestId,
    method: Option<&'a str>,
    stateless: bool,
}

/// Delivers the messages of an event stream until it ends; `true` when it carried the answer to
/// `request`.
pub(super) async fn read_events(
    inner: &Inner,
    response: &mut reqwest::Response,
    parser: &mut Parser,
    request: Option<&Answer<'_>>,
) -> std::result::Result<bool, ErrorData> {
    loop {
        let chunk = tokio::select! {
            chunk = response.chunk() => chunk,
            () = inner.closed.cancelled() => return Ok(false),
        };
        let chunk = match chunk {
            Ok(Some(chunk)) => chunk,
            Ok(None) => return Ok(false),
            Err(e) => {
                tracing::debug!(error = %error_chain(&e), "an event stream broke");
                return Ok(false);
            }
        };
        parser.push(&chunk);
        loop {
            let event = parser.next_event().map_err(|e| {
                ErrorData::new(CONNECTION_CLOSED, format!("{e} from {}", inner.url))
            })?;
            let Some(event) = event else { break };
            if event.event != "message" || event.data.is_empty() {
                continue;
            }
            let mut json = event.data.into_bytes();
            let done = request.filter(|r| answers(&json, r.id));
            if let Some(request) = done {
                json = inner.observe_answer(request.method, request.stateless, json);
            }
            inner.deliver(json);
            let done = done.is_some();
            if done {
                return Ok(true);
            }
        }
    }
}

/// The GET stream of server-initiated messages, reopened (and resumed) when it breaks. `opened`
/// hears when the server first answered the GET (with the stream or a refusal).
pub(super) async fn get_stream(inner: Arc<Inner>, mut opened: Option<oneshot::Sender<()>>) {
    let mut last_event_id: Option<String> = None;
    let mut retry: Option<u64> = None;
    let mut failures = 0;
    loop {
        let sent = inner
            .common
            .send(|| {
                let mut request = inner
                    .session_headers(inner.http.request(Method::GET, inner.url.clone()))
                    .header(header::ACCEPT, "text/event-stream");
                if let Some(id) = &last_event_id {
                    request = request.header(LAST_EVENT_ID, id.as_str());
                }
                request
            })
            .await;
        if let Some(opened) = opened.take() {
            let _ = opened.send(());
        }
        match sent {
            Ok(mut response) if response.status().is_success() => {
                failures = 0;
                let mut parser = Parser::new(inner.common.max_message_size);
                if let Err(e) = read_events(&inner, &mut response, &mut parser, None).await {
                    tracing::warn!(error = %e.message, "the GET stream failed");
                }
                last_event_id = parser.last_event_id().map(str::to_owned).or(last_event_id);
                retry = parser.retry().or(retry);
            }
            Ok(response)
                if matches!(
                    response.status(),
                    StatusCode::METHOD_NOT_ALLOWED | StatusCode::NOT_FOUND | StatusCode::CONFLICT
                ) =>
            {
                // No GET stream here (or no session any more): nothing to listen to.
                tracing::debug!(status = %response.status(), "the server offers no GET stream");
                return;
            }
            Ok(response) => {
                failures += 1;
                tracing::debug!(status = %response.status(), "opening the GET stream failed");
            }
            Err(e) => {
                failures += 1;
                tracing::debug!(error = %error_chain(&e), "opening the GET stream failed");
            }
        }
        if inner.closed.is_cancelled() || failures >= RECONNECT_ATTEMPTS {
            return;
        }
        let delay = retry.map_or(DEFAULT_RECONNECT_DELAY, Duration::from_millis);
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = inner.closed.cancelled() => return,
        }
    }
}
