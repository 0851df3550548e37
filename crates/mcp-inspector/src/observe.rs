//! Seeing the traffic: a transport wrapper that reports every JSON-RPC message in and out, and
//! the `--record` file that keeps them as JSON lines.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use mcp::transport::observe::{ObservedReader, ObservedWriter, Observer, observe};
use mcp::transport::{Incoming, Outgoing, Transport};
use parking_lot::Mutex;
use serde::Serialize;
use serde_json::value::RawValue;

use crate::events::{Direction, Event, EventHub, HttpEvent, now_ms, raw_message};

/// Where observed traffic goes: the page's event stream, and the record file when there is one.
#[derive(Clone)]
pub struct Traffic {
    hub: Arc<EventHub>,
    recorder: Option<Recorder>,
    epoch: u64,
}

impl Traffic {
    /// Traffic of connection `epoch`.
    pub fn new(hub: Arc<EventHub>, recorder: Option<Recorder>, epoch: u64) -> Self {
        Self {
            hub,
            recorder,
            epoch,
        }
    }

    fn message(&self, dir: Direction, bytes: &[u8]) {
        let message = raw_message(bytes);
        if let Some(recorder) = &self.recorder {
            recorder.message(dir, self.epoch, &message);
        }
        self.hub.publish(Event::Message {
            dir,
            epoch: self.epoch,
            message,
        });
    }

    /// Reports an HTTP exchange.
    pub fn http(&self, event: HttpEvent) {
        if let Some(recorder) = &self.recorder {
            recorder.http(self.epoch, &event);
        }
        self.hub.publish(Event::Http(event));
    }

    /// Wraps a transport so that its messages are reported.
    pub fn wrap<T: Transport>(
        &self,
        transport: T,
    ) -> (
        ObservedReader<T::Reader, Self>,
        ObservedWriter<T::Writer, Self>,
    ) {
        observe(transport, self.clone())
    }
}

impl Observer for Traffic {
    fn incoming(&self, incoming: &Incoming<'_>) {
        match incoming {
            Incoming::Message(bytes) => self.message(Direction::In, bytes),
            Incoming::TooLarge { prefix, size, .. } => {
                let note = format!(
                    "a message of {size} bytes was over the size limit; it began: {}",
                    String::from_utf8_lossy(prefix)
                );
                self.message(Direction::In, &serde_json::to_vec(&note).expect("a string"));
            }
        }
    }

    fn outgoing(&self, message: &Outgoing) {
        self.message(Direction::Out, &message.json);
    }
}

/// The `--record` file: one JSON object per line, written as the traffic happens.
///
/// ```json
/// {"time":1764979200000,"epoch":1,"kind":"message","dir":"out","message":{"jsonrpc":"2.0",...}}
/// {"time":1764979200003,"epoch":1,"kind":"http","http":{"method":"POST","status":200,...}}
/// ```
#[derive(Clone)]
pub struct Recorder {
    file: Arc<Mutex<BufWriter<File>>>,
}

#[derive(Serialize)]
struct Line<'a> {
    time: u64,
    epoch: u64,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    dir: Option<Direction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a RawValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    http: Option<&'a HttpEvent>,
}

impl Recorder {
    /// Creates (or truncates) the record file.
    pub fn create(path: &Path) -> io::Result<Self> {
        Ok(Self {
            file: Arc::new(Mutex::new(BufWriter::new(File::create(path)?))),
        })
    }

    fn message(&self, dir: Direction, epoch: u64, message: &RawValue) {
        self.write(&Line {
            time: now_ms(),
            epoch,
            kind: "message",
            dir: Some(dir),
            message: Some(message),
            http: None,
        });
    }

    fn http(&self, epoch: u64, event: &HttpEvent) {
        self.write(&Line {
            time: now_ms(),
            epoch,
            kind: "http",
            dir: None,
            message: None,
            http: Some(event),
        });
    }

    fn write(&self, line: &Line<'_>) {
        let mut file = self.file.lock();
        let written = serde_json::to_writer(&mut *file, line)
            .map_err(io::Error::other)
            .and_then(|()| file.write_all(b"\n"))
            // A line at a time, so a record cut short by a kill is still whole lines.
            .and_then(|()| file.flush());
        if let Err(e) = written {
            tracing::warn!(error = %e, "could not write to the record file");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_is_json_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("traffic.jsonl");
        let recorder = Recorder::create(&path).unwrap();
        let hub = Arc::new(EventHub::default());
        let traffic = Traffic::new(hub.clone(), Some(recorder), 3);
        traffic.message(
            Direction::Out,
            br#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#,
        );
        traffic.message(Direction::In, br#"{"jsonrpc":"2.0","id":1,"result":{}}"#);
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["dir"], "out");
        assert_eq!(lines[0]["epoch"], 3);
        assert_eq!(lines[0]["message"]["method"], "ping");
        assert_eq!(lines[1]["dir"], "in");
        assert_eq!(hub.subscribe().0.len(), 2);
    }
}
