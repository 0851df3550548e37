//! Server-Sent Events: writing events, and an incremental parser for reading them.
//!
//! The parser follows the WHATWG event-stream rules: lines end in CRLF, LF or CR; `data` lines
//! accumulate; a blank line dispatches the event; `id` sets the last event id even when no event
//! is dispatched; `retry` takes digits only; lines starting with `:` are comments (keep-alives).

// Servers write events, clients read them: with one feature only, half of this is unused.
#![cfg_attr(
    not(all(feature = "http-server", feature = "http-client")),
    allow(dead_code)
)]

/// The comment line a server writes to keep an idle stream open through proxies.
pub(crate) const KEEP_ALIVE: &[u8] = b":\n\n";

/// Appends one `event: message` event carrying `data` (one line of JSON) to `out`.
pub(crate) fn write_message(out: &mut Vec<u8>, id: Option<&str>, data: &[u8]) {
    out.reserve(data.len() + 32);
    if let Some(id) = id {
        out.extend_from_slice(b"id: ");
        out.extend_from_slice(id.as_bytes());
        out.push(b'\n');
    }
    out.extend_from_slice(b"event: message\ndata: ");
    out.extend_from_slice(data);
    out.extend_from_slice(b"\n\n");
}

/// Appends a priming event: an id and empty data, so that a client can resume from it before
/// anything else was sent, and the reconnection delay when there is one.
pub(crate) fn write_priming(out: &mut Vec<u8>, id: &str, retry_ms: Option<u64>) {
    out.extend_from_slice(b"id: ");
    out.extend_from_slice(id.as_bytes());
    out.push(b'\n');
    if let Some(retry) = retry_ms {
        out.extend_from_slice(b"retry: ");
        out.extend_from_slice(itoa::Buffer::new().format(retry).as_bytes());
        out.push(b'\n');
    }
    out.extend_from_slice(b"data: \n\n");
}

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Event {
    /// The event type; `message` when the stream named none.
    pub event: String,
    /// The data lines, joined with `\n`.
    pub data: String,
    /// The last event id of the stream when this event was dispatched.
    pub id: Option<String>,
}

/// An event grew past the size limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an event of the stream is larger than the limit of {limit} bytes")]
pub(crate) struct TooLarge {
    pub limit: usize,
}

/// Turns the bytes of an event stream, in chunks of any size, into events.
#[derive(Debug)]
pub(crate) struct Parser {
    /// Bytes not yet split into lines.
    pending: Vec<u8>,
    /// Where the unconsumed part of `pending` starts.
    start: usize,
    /// How many bytes after `start` are known to hold no line end: a long line arriving in
    /// many chunks is scanned once, not again from its start with every chunk.
    scanned: usize,
    /// How many bytes were searched for line ends in all, for the test that proves the above.
    #[cfg(test)]
    searched: usize,
    /// The previous chunk ended in `\r`: a `\n` at the start of the next one belongs to it.
    after_cr: bool,
    at_start: bool,
    data: String,
    has_data: bool,
    event: String,
    last_id: Option<String>,
    retry: Option<u64>,
    max_event_size: usize,
}

impl Parser {
    /// A parser refusing events larger than `max_event_size` bytes.
    pub(crate) fn new(max_event_size: usize) -> Self {
        Self {
            pending: Vec::new(),
            start: 0,
            scanned: 0,
            #[cfg(test)]
            searched: 0,
            after_cr: false,
            at_start: true,
            data: String::new(),
            has_data: false,
            event: String::new(),
            last_id: None,
            retry: None,
            max_event_size,
        }
    }

    /// The last event id the stream set.
    pub(crate) fn last_event_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }

    /// The reconnection delay the stream asked for, in milliseconds.
    pub(crate) fn retry(&self) -> Option<u64> {
        self.retry
    }

    /// Starts with a reconnection delay (an earlier connection's, for a resumed stream), until
    /// the stream sets its own.
    pub(crate) fn set_retry(&mut self, retry: Option<u64>) {
        self.retry = retry;
    }

    /// Adds bytes read from the stream.
    pub(crate) fn push(&mut self, chunk: &[u8]) {
        if self.start > 0 && self.start == self.pending.len() {
            self.pending.clear();
            self.start = 0;
        } else if self.start > 64 * 1024 {
            self.pending.drain(..self.start);
            self.start = 0;
        }
        self.pending.extend_from_slice(chunk);
    }

    /// The next complete event, if the bytes so far hold one.
    pub(crate) fn next_event(&mut self) -> Result<Option<Event>, TooLarge> {
        loop {
            if self.at_start {
                // A byte order mark may open the stream.
                let rest = &self.pending[self.start..];
                if rest.len() < 3 && b"\xEF\xBB\xBF".starts_with(rest) {
                    return Ok(None);
                }
                if rest.starts_with(b"\xEF\xBB\xBF") {
                    self.start += 3;
                }
                self.at_start = false;
            }
            if self.after_cr && self.start < self.pending.len() {
                if self.pending[self.start] == b'\n' {
                    self.start += 1;
                }
                self.after_cr = false;
            }
            let unsearched = &self.pending[self.start + self.scanned..];
            #[cfg(test)]
            {
                self.searched += unsearched.len();
            }
            let Some(end) = memchr::memchr2(b'\n', b'\r', unsearched) else {
                self.scanned = self.pending.len() - self.start;
                if self.scanned + self.data.len() > self.max_event_size {
                    return Err(TooLarge {
                        limit: self.max_event_size,
                    });
                }
                return Ok(None);
            };
            let line_end = self.start + self.scanned + end;
            self.scanned = 0;
            let terminator = self.pending[line_end];
            let line = String::from_utf8_lossy(&self.pending[self.start..line_end]).into_owned();
            self.start = line_end + 1;
            if terminator == b'\r' {
                if self.start < self.pending.len() {
                    if self.pending[self.start] == b'\n' {
                        self.start += 1;
                    }
                } else {
                    self.after_cr = true;
                }
            }
            if let Some(event) = self.line(&line)? {
                return Ok(Some(event));
            }
        }
    }

    fn line(&mut self, line: &str) -> Result<Option<Event>, TooLarge> {
        if line.is_empty() {
            return Ok(self.dispatch());
        }
        if line.starts_with(':') {
            return Ok(None);
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "data" => {
                if self.data.len() + value.len() + 1 > self.max_event_size {
                    return Err(TooLarge {
                        limit: self.max_event_size,
                    });
                }
                self.data.push_str(value);
                self.data.push('\n');
                self.has_data = true;
            }
            "event" => value.clone_into(&mut self.event),
            "id" if !value.contains('\0') => self.last_id = Some(value.to_owned()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry = value.parse().ok();
            }
            _ => {}
        }
        Ok(None)
    }

    fn dispatch(&mut self) -> Option<Event> {
        let event = std::mem::take(&mut self.event);
        if !self.has_data {
            return None;
        }
        self.has_data = false;
        let mut data = std::mem::take(&mut self.data);
        data.pop();
        Some(Event {
            event: if event.is_empty() {
                "message".to_owned()
            } else {
                event
            },
            data,
            id: self.last_id.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_in_chunks(input: &[u8], chunk: usize) -> Vec<Event> {
        let mut parser = Parser::new(1 << 20);
        let mut events = Vec::new();
        for piece in input.chunks(chunk.max(1)) {
            parser.push(piece);
            while let Some(event) = parser.next_event().unwrap() {
                events.push(event);
            }
        }
        events
    }

    #[test]
    fn what_is_written_reads_back_whatever_the_chunking() {
        let mut out = Vec::new();
        write_priming(&mut out, "s/0", Some(500));
        write_message(&mut out, Some("s/1"), br#"{"jsonrpc":"2.0","method":"a"}"#);
        out.extend_from_slice(KEEP_ALIVE);
        write_message(&mut out, None, br#"{"x":1}"#);
        for chunk in [1, 2, 3, 7, 1000] {
            let events = parse_in_chunks(&out, chunk);
            assert_eq!(events.len(), 3, "chunk {chunk}: {events:?}");
            assert_eq!(events[0].data, "");
            assert_eq!(events[0].id.as_deref(), Some("s/0"));
            assert_eq!(events[1].event, "message");
            assert_eq!(events[1].data, r#"{"jsonrpc":"2.0","method":"a"}"#);
            assert_eq!(events[1].id.as_deref(), Some("s/1"));
            // The id carries over to later events that set none.
            assert_eq!(events[2].id.as_deref(), Some("s/1"));
        }
    }

    #[test]
    fn every_line_ending_and_multi_line_data() {
        let input = b"\xEF\xBB\xBFevent: endpoint\r\ndata: /messages?session_id=1\r\n\r\ndata:a\rdata: b\r\rid: 9\n\n: comment\ndata\n\n";
        for chunk in [1, 2, 5, 100] {
            let events = parse_in_chunks(input, chunk);
            assert_eq!(events.len(), 3, "chunk {chunk}: {events:?}");
            assert_eq!(events[0].event, "endpoint");
            assert_eq!(events[0].data, "/messages?session_id=1");
            assert_eq!(events[1].data, "a\nb");
            assert_eq!(events[1].id, None);
            assert_eq!(events[2].data, "");
            assert_eq!(events[2].id.as_deref(), Some("9"));
        }
    }

    #[test]
    fn an_id_without_data_sets_the_last_id_and_retry_takes_digits_only() {
        let mut parser = Parser::new(1024);
        parser.push(b"id: 4\nretry: 1500\n\nretry: soon\n\n");
        assert_eq!(parser.next_event().unwrap(), None);
        assert_eq!(parser.last_event_id(), Some("4"));
        assert_eq!(parser.retry(), Some(1500));
    }

    #[test]
    fn a_long_line_in_small_chunks_is_searched_once() {
        let mut parser = Parser::new(8 << 20);
        let mut input = b"data: ".to_vec();
        input.resize(4 << 20, b'x');
        input.extend_from_slice(b"\n\n");
        let mut events = Vec::new();
        for piece in input.chunks(1024) {
            parser.push(piece);
            while let Some(event) = parser.next_event().unwrap() {
                events.push(event.data.len());
            }
        }
        assert_eq!(events, [(4 << 20) - 6]);
        // Rescanning the line from its start with every chunk would search ~8 GiB here.
        assert!(parser.searched <= 2 * input.len(), "{}", parser.searched);
    }

    #[test]
    fn an_over_size_event_is_refused() {
        let mut parser = Parser::new(16);
        parser.push(b"data: 0123456789abcdefghij\n\n");
        assert!(parser.next_event().is_err());
        let mut parser = Parser::new(16);
        parser.push(&[b'x'; 64]);
        assert!(parser.next_event().is_err());
    }
}
