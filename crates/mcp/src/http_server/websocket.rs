//! The WebSocket endpoint: a GET that upgrades to a WebSocket speaking the `mcp` subprotocol,
//! after the same checks as every HTTP request (host and origin, authorization). Each
//! connection is one session of the server, serving both eras as stdio does.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::extract::ws::{CloseFrame, Message, WebSocketUpgrade};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::respond::error_response;
use super::{DEFAULT_KEEP_ALIVE, Shared};
use crate::auth::TokenSlot;
use crate::server::ServerHandler;
use crate::transport::ws::{Frame, SUBPROTOCOL, SocketOptions, WsConnection, WsError, WsFrame};
use crate::types::ErrorCode;

/// `GET {websocket_path}`: upgrades to a WebSocket and serves one session on it.
pub(super) async fn upgrade<H: ServerHandler>(
    State(shared): State<Arc<Shared<H>>>,
    request: Request,
) -> Response {
    let (mut parts, _) = request.into_parts();
    let token = match shared.admit(&parts).await {
        Ok(token) => token,
        Err(response) => return response,
    };
    if let Err(response) = shared.refuse_new_connection_past_session_limit() {
        return response;
    }
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let upgrade = upgrade.protocols([SUBPROTOCOL]);
    if upgrade.selected_protocol().is_none() {
        let mut response = error_response(
            StatusCode::BAD_REQUEST,
            ErrorCode::INVALID_REQUEST,
            format!(
                "Bad Request: an MCP WebSocket must offer the `{SUBPROTOCOL}` subprotocol \
                 (Sec-WebSocket-Protocol: {SUBPROTOCOL})"
            ),
            None,
        );
        response.headers_mut().insert(
            header::SEC_WEBSOCKET_PROTOCOL,
            header::HeaderValue::from_static(SUBPROTOCOL),
        );
        return response;
    }
    let limit = shared.config.max_body;
    let options = SocketOptions {
        ping_interval: Some(shared.config.keep_alive.unwrap_or(DEFAULT_KEEP_ALIVE)),
    };
    let stop = shared.shutdown.clone();
    upgrade
        .max_message_size(limit)
        .max_frame_size(limit)
        .on_upgrade(move |socket| async move {
            shared.websockets.fetch_add(1, Ordering::Relaxed);
            let connection = WsConnection::spawn(socket, options, stop);
            let extensions = TokenSlot::new(token).extensions();
            shared
                .server
                .connect_with(connection, extensions)
                .wait()
                .await;
            shared.websockets.fetch_sub(1, Ordering::Relaxed);
        })
}

impl WsFrame for Message {
    fn text(json: Vec<u8>) -> Self {
        let text = String::from_utf8(json)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        Message::Text(text.into())
    }
    fn ping() -> Self {
        Message::Ping(Default::default())
    }
    fn close(code: u16, reason: &'static str) -> Self {
        Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        }))
    }
    fn classify(self) -> Frame {
        match self {
            Message::Text(text) => Frame::Text(text.into()),
            Message::Binary(_) => Frame::Binary,
            Message::Ping(_) | Message::Pong(_) => Frame::Control,
            Message::Close(_) => Frame::Close,
        }
    }
}

impl WsError for axum::Error {
    fn is_too_large(&self) -> bool {
        std::error::Error::source(self)
            .and_then(|e| e.downcast_ref::<tokio_tungstenite::tungstenite::Error>())
            .is_some_and(|e| e.is_too_large())
    }
}
