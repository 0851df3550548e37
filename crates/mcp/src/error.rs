//! The SDK's error type.

use std::borrow::Cow;
use std::time::Duration;

use crate::types::{ErrorCode, ErrorData};

/// A boxed error from user code (a lifespan, a callback).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong while speaking MCP.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The peer answered with a JSON-RPC error, or a handler failed with one.
    #[error("{0}")]
    Protocol(#[from] ErrorData),
    /// No answer arrived in time; the request was cancelled.
    #[error("request `{method}` timed out after {timeout:?}")]
    Timeout {
        /// The method of the request.
        method: Cow<'static, str>,
        /// The time limit that passed.
        timeout: Duration,
    },
    /// The request was cancelled before it was answered.
    #[error("request cancelled")]
    Cancelled,
    /// The connection is closed; nothing more can be sent or received.
    #[error("connection closed{}", .0.as_deref().map(|r| format!(": {r}")).unwrap_or_default())]
    ConnectionClosed(Option<String>),
    /// The transport failed.
    #[error("transport error: {0}")]
    Transport(#[source] std::io::Error),
    /// A message could not be turned into JSON, or JSON into the expected type.
    #[error("invalid message: {0}")]
    Json(#[from] serde_json::Error),
    /// The handler needs input from the client (a stateless-era request answered with
    /// `input_required`). Propagate it with `?`: the server turns it into the right answer.
    #[error("input required from the client; the request is answered with `input_required`")]
    InputRequired,
    /// A peer broke the protocol in a way that is not a JSON-RPC error.
    #[error("protocol violation: {0}")]
    ProtocolViolation(String),
    /// Starting the server's lifespan, or another piece of user code, failed.
    #[error(transparent)]
    Other(BoxError),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The JSON-RPC error to send to the peer for this error.
    pub fn to_error_data(&self) -> ErrorData {
        match self {
            Error::Protocol(data) => data.clone(),
            Error::Json(e) => ErrorData::invalid_params(e.to_string()),
            other => ErrorData::new(ErrorCode::INTERNAL_ERROR, other.to_string()),
        }
    }

    /// The JSON-RPC error code, when the error is one the peer sent.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Error::Protocol(data) => Some(data.code),
            _ => None,
        }
    }

    /// Wraps any error from user code.
    pub fn other(error: impl Into<BoxError>) -> Self {
        Error::Other(error.into())
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Transport(e)
    }
}

impl From<Error> for ErrorData {
    fn from(e: Error) -> Self {
        match e {
            Error::Protocol(data) => data,
            other => other.to_error_data(),
        }
    }
}
