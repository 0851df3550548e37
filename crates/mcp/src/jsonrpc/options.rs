//! The options of a session: time limits, the message size limit, how our requests are
//! numbered.

use std::sync::Arc;
use std::time::Duration;

use crate::transport::DEFAULT_MAX_MESSAGE_SIZE;

/// Options of a session.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    /// Time limit for our requests to the peer, unless a request sets its own. `None` waits
    /// forever.
    pub request_timeout: Option<Duration>,
    /// Incoming messages longer than this are refused with an error.
    pub max_message_size: usize,
    /// After the peer closes, how long in-flight handlers may still run before they are stopped.
    pub drain_timeout: Duration,
    /// Put before the number of each of our requests, making its id a string (`"a-7"` for
    /// `7`); `None` numbers them.
    pub request_id_prefix: Option<Arc<str>>,
}

impl Default for SessionOptions {
    fn default() -> Self {
        Self {
            request_timeout: Some(Duration::from_secs(60)),
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            drain_timeout: Duration::from_secs(10),
            request_id_prefix: None,
        }
    }
}
