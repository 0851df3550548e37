//! What the backend tells the page: every event is serialized once, numbered, kept in a bounded
//! history (so a page that loads late, or reloads, sees what happened) and broadcast to every
//! open event stream.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use parking_lot::Mutex;
use serde::Serialize;
use serde_json::Value;
use serde_json::value::RawValue;
use tokio::sync::broadcast;

/// How many bytes of serialized events the history keeps.
const HISTORY_BYTES: usize = 8 * 1024 * 1024;
/// How many events may wait for a slow event stream before it is told it lagged.
const CHANNEL_CAPACITY: usize = 4096;

/// Which way a JSON-RPC message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// To the server.
    Out,
    /// From the server.
    In,
}

/// The state of the connection to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnectionState {
    /// Not connected, and not trying.
    Disconnected,
    /// Building the server before a restart.
    Building,
    /// Starting or reaching the server and agreeing on a version.
    Connecting,
    /// Connected.
    Connected,
    /// The last attempt failed, or the server went away.
    Failed,
}

/// What the handshake or discovery established, for the page's server pane.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerSnapshot {
    /// The protocol version in use.
    pub protocol_version: String,
    /// Whether it is a stateless-era (2026-07-28) version.
    pub stateless: bool,
    /// The server's name and version.
    pub server_info: Value,
    /// What the server supports.
    pub capabilities: Value,
    /// The server's instructions, if any.
    pub instructions: Option<String>,
    /// The versions the server listed (stateless era).
    pub server_versions: Vec<String>,
    /// What the inspector declared.
    pub client_capabilities: Value,
}

/// The connection's state, as the page shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// Connected, connecting, ...
    pub state: ConnectionState,
    /// Which connection this is: it grows by one at every (re)connection.
    pub epoch: u64,
    /// Why the state changed: an error, "restart requested", "server.py changed".
    pub detail: Option<String>,
    /// What the server said about itself, once connected.
    pub server: Option<ServerSnapshot>,
    /// The process id of a local server.
    pub pid: Option<u32>,
}

/// One event for the page.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The connection changed state.
    Status(Status),
    /// A JSON-RPC message went to or came from the server.
    Message {
        /// Which way.
        dir: Direction,
        /// The connection it belongs to.
        epoch: u64,
        /// The message (its JSON text, or a string when it was not JSON).
        message: Box<RawValue>,
    },
    /// An HTTP exchange with a remote server.
    Http(HttpEvent),
    /// A line the server wrote to its stderr.
    Stderr {
        /// The line.
        line: String,
    },
    /// A `notifications/message` log message.
    Log {
        /// Its params (`level`, `logger`, `data`).
        params: Value,
    },
    /// Progress of a call the page made.
    Progress {
        /// The page's id of the call.
        call_id: String,
        /// Progress so far.
        progress: f64,
        /// The total, when known.
        total: Option<f64>,
        /// A human-readable message.
        message: Option<String>,
    },
    /// A notification of the server other than logs and progress (list changes, resource
    /// updates).
    Notification {
        /// Its method.
        method: String,
        /// Its params.
        params: Value,
    },
    /// The server asks the client something; the page answers by hand.
    Request {
        /// The id to answer with.
        id: u64,
        /// `sampling` or `elicitation`.
        kind: String,
        /// How it arrived: `server_request` (handshake era) or `input_required` (a round of a
        /// multi round-trip request, 2026-07-28).
        era: String,
        /// The request's params.
        params: Value,
    },
    /// A request of the server was answered, or withdrawn.
    RequestDone {
        /// Its id.
        id: u64,
        /// `answered` or `cancelled`.
        outcome: String,
    },
    /// The server asked for the roots, and got the list the page set.
    RootsListed {
        /// The roots sent.
        roots: Value,
    },
    /// A build before a restart.
    Build {
        /// `running`, `ok` or `failed`.
        state: String,
        /// The command line.
        command: String,
        /// Its output (stdout and stderr), once it finished.
        output: Option<String>,
    },
    /// Watched files changed.
    Changed {
        /// The files, relative where possible.
        paths: Vec<String>,
    },
    /// The server needs OAuth authorization: the page sends the user there.
    Oauth {
        /// `required` (go to `url`) or `done`.
        state: String,
        /// The authorization URL.
        url: Option<String>,
    },
}

/// One HTTP exchange, for the network pane.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpEvent {
    /// The request's method.
    pub method: String,
    /// Its URL.
    pub url: String,
    /// Its headers (credentials shortened).
    pub request_headers: Vec<(String, String)>,
    /// The response's status, if one came.
    pub status: Option<u16>,
    /// The response's headers.
    pub response_headers: Vec<(String, String)>,
    /// Milliseconds until the response's head.
    pub duration_ms: f64,
    /// Why no response came.
    pub error: Option<String>,
}

/// An event as published: its number and its JSON text (`{"seq":..,"time":..,"type":..}`).
#[derive(Debug)]
pub struct Published {
    /// Its number, from 1.
    pub seq: u64,
    /// Its JSON text.
    pub json: String,
}

#[derive(Serialize)]
struct Envelope<'a> {
    seq: u64,
    time: u64,
    #[serde(flatten)]
    event: &'a Event,
}

struct History {
    seq: u64,
    events: VecDeque<Arc<Published>>,
    bytes: usize,
}

/// Publishes events to every open event stream and keeps the recent ones.
pub struct EventHub {
    history: Mutex<History>,
    tx: broadcast::Sender<Arc<Published>>,
}

impl Default for EventHub {
    fn default() -> Self {
        Self {
            history: Mutex::new(History {
                seq: 0,
                events: VecDeque::new(),
                bytes: 0,
            }),
            tx: broadcast::channel(CHANNEL_CAPACITY).0,
        }
    }
}

impl std::fmt::Debug for EventHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventHub").finish_non_exhaustive()
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl EventHub {
    /// Publishes an event.
    pub fn publish(&self, event: Event) {
        let mut history = self.history.lock();
        history.seq += 1;
        let seq = history.seq;
        let json = serde_json::to_string(&Envelope {
            seq,
            time: now_ms(),
            event: &event,
        })
        .expect("events serialize");
        let published = Arc::new(Published { seq, json });
        history.bytes += published.json.len();
        history.events.push_back(published.clone());
        while history.bytes > HISTORY_BYTES {
            match history.events.pop_front() {
                Some(old) => history.bytes -= old.json.len(),
                None => break,
            }
        }
        // Sent under the lock, so a subscriber sees every event exactly once: in its history
        // copy or on its channel.
        let _ = self.tx.send(published);
    }

    /// The events kept so far and a channel of the ones to come.
    pub fn subscribe(&self) -> (Vec<Arc<Published>>, broadcast::Receiver<Arc<Published>>) {
        let history = self.history.lock();
        (
            history.events.iter().cloned().collect(),
            self.tx.subscribe(),
        )
    }
}

/// A message's JSON text as a raw value; text that is not JSON becomes a JSON string.
pub fn raw_message(bytes: &[u8]) -> Box<RawValue> {
    let text = String::from_utf8_lossy(bytes).into_owned();
    match RawValue::from_string(text) {
        Ok(raw) => raw,
        Err(_) => RawValue::from_string(
            serde_json::to_string(&String::from_utf8_lossy(bytes)).expect("a string serializes"),
        )
        .expect("a JSON string is JSON"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_numbered_kept_and_broadcast() {
        let hub = EventHub::default();
        hub.publish(Event::Stderr { line: "one".into() });
        let (history, mut rx) = hub.subscribe();
        hub.publish(Event::Stderr { line: "two".into() });
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].seq, 1);
        let value: Value = serde_json::from_str(&history[0].json).unwrap();
        assert_eq!(value["type"], "stderr");
        assert_eq!(value["line"], "one");
        let next = rx.try_recv().unwrap();
        assert_eq!(next.seq, 2);
    }

    #[test]
    fn messages_that_are_not_json_become_strings() {
        assert_eq!(raw_message(br#"{"a":1}"#).get(), r#"{"a":1}"#);
        assert_eq!(raw_message(b"not json").get(), r#""not json""#);
    }
}
