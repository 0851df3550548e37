//! Classifying one incoming JSON text as a request, notification or response, without copying.

use std::borrow::Cow;

use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use crate::types::{ErrorData, JSONRPC_VERSION, RequestId};

/// One incoming message, borrowing from the bytes it was read from.
#[derive(Debug)]
pub enum IncomingMessage<'a> {
    /// A request the peer expects an answer to.
    Request {
        /// Its id.
        id: RequestId,
        /// Its method.
        method: Cow<'a, str>,
        /// Its parameters, unparsed.
        params: Option<&'a RawValue>,
    },
    /// A notification.
    Notification {
        /// Its method.
        method: Cow<'a, str>,
        /// Its parameters, unparsed.
        params: Option<&'a RawValue>,
    },
    /// A successful response to one of our requests.
    Result {
        /// The id of our request.
        id: RequestId,
        /// The result, unparsed.
        result: &'a RawValue,
    },
    /// An error response to one of our requests (or to something we sent that was unreadable).
    Error {
        /// The id of our request, when the peer could read it.
        id: Option<RequestId>,
        /// The error.
        error: ErrorData,
    },
    /// Not a valid JSON-RPC message: answer with this error.
    Invalid {
        /// The message's id, when it could be read.
        id: Option<RequestId>,
        /// The error to answer with.
        error: ErrorData,
    },
}

/// The envelope as it appears on the wire; every member optional so that every mistake can be
/// named precisely afterwards.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, default)]
    jsonrpc: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "present")]
    id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    method: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "present")]
    params: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    result: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    error: Option<&'a RawValue>,
}

/// Keeps a member that is present, even when it is `null`, apart from an absent one.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(d).map(Some)
}

/// Classifies one message.
///
/// Invalid JSON becomes `-32700`; valid JSON that is not a JSON-RPC 2.0 message becomes `-32600`,
/// answered with the message's id when it can be read.
pub fn parse(data: &[u8]) -> IncomingMessage<'_> {
    // Only an object is a message: a derived `Deserialize` would also take the envelope written
    // as an array of its members, such as `["2.0", 1, "ping"]`.
    if data.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return not_an_envelope(data, None);
    }
    // Checking UTF-8 once for the whole message is cheaper than string by string, and lets the
    // borrowed `params` be handed on without another check.
    let text = match std::str::from_utf8(data) {
        Ok(text) => text,
        Err(e) => {
            return IncomingMessage::Invalid {
                id: None,
                error: ErrorData::parse_error(format!(
                    "Parse error: the message is not UTF-8 ({e})"
                )),
            };
        }
    };
    let envelope: Envelope<'_> = match serde_json::from_str(text) {
        Ok(envelope) => envelope,
        Err(e) => return not_an_envelope(data, Some(e)),
    };
    let id = match envelope.id.map(parse_id) {
        None => None,
        Some(Ok(id)) => id,
        Some(Err(error)) => return IncomingMessage::Invalid { id: None, error },
    };
    match envelope.jsonrpc.as_deref() {
        Some(JSONRPC_VERSION) => {}
        Some(other) => {
            return IncomingMessage::Invalid {
                id,
                error: ErrorData::invalid_request(format!(
                    "unsupported jsonrpc version {other:?}: every message must carry \"jsonrpc\": \"2.0\""
                )),
            };
        }
        None => {
            return IncomingMessage::Invalid {
                id,
                error: ErrorData::invalid_request(
                    "missing \"jsonrpc\": \"2.0\" member: this is not a JSON-RPC 2.0 message",
                ),
            };
        }
    }
    if let Some(method) = envelope.method {
        if let Some(params) = envelope.params
            && !matches!(params.get().as_bytes().first(), Some(b'{'))
        {
            return IncomingMessage::Invalid {
                id,
                error: ErrorData::invalid_request("\"params\" must be an object"),
            };
        }
        return match (envelope.id, id) {
            (None, _) => IncomingMessage::Notification {
                method,
                params: envelope.params,
            },
            (Some(_), Some(id)) => IncomingMessage::Request {
                id,
                method,
                params: envelope.params,
            },
            (Some(_), None) => IncomingMessage::Invalid {
                id: None,
                error: ErrorData::invalid_request(
                    "a request id must be a string or an integer, not null",
                ),
            },
        };
    }
    match (envelope.result, envelope.error) {
        (Some(result), None) => match id {
            Some(id) => IncomingMessage::Result { id, result },
            None => IncomingMessage::Invalid {
                id: None,
                error: ErrorData::invalid_request("a response must carry the id of its request"),
            },
        },
        (None, Some(error)) => match serde_json::from_str::<ErrorData>(error.get()) {
            Ok(error) => IncomingMessage::Error { id, error },
            Err(e) => IncomingMessage::Invalid {
                id,
                error: ErrorData::invalid_request(format!("malformed error object: {e}")),
            },
        },
        (Some(_), Some(_)) => IncomingMessage::Invalid {
            id,
            error: ErrorData::invalid_request(
                "a response carries either \"result\" or \"error\", not both",
            ),
        },
        (None, None) => IncomingMessage::Invalid {
            id,
            error: ErrorData::invalid_request(
                "not a request, notification or response: no \"method\", \"result\" or \"error\" member",
            ),
        },
    }
}

fn parse_id(raw: &RawValue) -> Result<Option<RequestId>, ErrorData> {
    if raw.get() == "null" {
        return Ok(None);
    }
    // Most ids are integers: read as one straight away (the text is valid JSON, so a plain
    // integer reads the same either way); anything else goes through serde.
    if let Ok(number) = raw.get().parse::<i64>() {
        return Ok(Some(RequestId::Number(number)));
    }
    serde_json::from_str::<RequestId>(raw.get())
        .map(Some)
        .map_err(|_| ErrorData::invalid_request("a request id must be a string or an integer"))
}

/// Tells invalid JSON (`-32700`) from JSON of the wrong shape (`-32600`). `error` is that of
/// reading `data` as an envelope, `None` when it is not an object.
fn not_an_envelope(data: &[u8], error: Option<serde_json::Error>) -> IncomingMessage<'_> {
    use serde_json::error::Category;
    let parse_error = |e: serde_json::Error| IncomingMessage::Invalid {
        id: None,
        error: ErrorData::parse_error(format!("Parse error: {e}")),
    };
    let error = match error {
        Some(e) if e.classify() != Category::Data => return parse_error(e),
        other => other,
    };
    if let Err(e) = serde_json::from_slice::<IgnoredAny>(data) {
        return parse_error(e);
    }
    let first = data.iter().find(|b| !b.is_ascii_whitespace());
    let message = match (first, error) {
        (Some(b'['), _) => "batches are not supported: send one JSON-RPC message per line (MCP removed batching in 2025-06-18)".to_owned(),
        (Some(b'{'), Some(error)) => format!("malformed JSON-RPC message: {error}"),
        _ => "a JSON-RPC message must be a JSON object".to_owned(),
    };
    IncomingMessage::Invalid {
        id: None,
        error: ErrorData::invalid_request(message),
    }
}

/// Finds the top-level `"id"` of a JSON object from its first bytes, for answering a message
/// too large to parse. `None` when the id is not (completely) in `prefix`.
pub fn sniff_id(prefix: &[u8]) -> Option<RequestId> {
    let mut scan = Scanner { s: prefix, i: 0 };
    scan.ws();
    scan.eat(b'{')?;
    loop {
        scan.ws();
        let key = scan.string_span()?;
        scan.ws();
        scan.eat(b':')?;
        scan.ws();
        if &prefix[key.0..key.1] == b"id" {
            let start = scan.i;
            scan.skip_value()?;
            // Require the value to be complete: a delimiter must follow it.
            scan.ws();
            if !matches!(scan.peek(), Some(b',' | b'}')) {
                return None;
            }
            let text = std::str::from_utf8(&prefix[start..scan.i]).ok()?;
            return serde_json::from_str::<RequestId>(text.trim()).ok();
        }
        scan.skip_value()?;
        scan.ws();
        match scan.next()? {
            b',' => continue,
            _ => return None,
        }
    }
}

struct Scanner<'a> {
    s: &'a [u8],
    i: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.i += 1;
        Some(b)
    }
    fn eat(&mut self, b: u8) -> Option<()> {
        (self.next()? == b).then_some(())
    }
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.i += 1;
        }
    }
    /// Skips a string and returns the span of its contents (escapes left as they are).
    fn string_span(&mut self) -> Option<(usize, usize)> {
        self.eat(b'"')?;
        let start = self.i;
        loop {
            match self.next()? {
                b'"' => return Some((start, self.i - 1)),
                b'\\' => {
                    self.next()?;
                }
                _ => {}
            }
        }
    }
    fn skip_value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.string_span().map(|_| ()),
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.string_span()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.i += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.i += 1;
                }
            }
            _ => {
                while !matches!(
                    self.peek()?,
                    b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n'
                ) {
                    self.i += 1;
                }
                Some(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ErrorCode;

    fn invalid(data: &str) -> (Option<RequestId>, ErrorCode) {
        match parse(data.as_bytes()) {
            IncomingMessage::Invalid { id, error } => (id, error.code),
            other => panic!("{data} should be invalid, got {other:?}"),
        }
    }

    #[test]
    fn classifies_the_four_shapes() {
        assert!(matches!(
            parse(br#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#),
            IncomingMessage::Request {
                id: RequestId::Number(1),
                ..
            }
        ));
        assert!(matches!(
            parse(br#"{"jsonrpc":"2.0","method":"notifications/initialized","params":{}}"#),
            IncomingMessage::Notification { .. }
        ));
        assert!(matches!(
            parse(br#"{"jsonrpc":"2.0","id":"x","result":{"a":1}}"#),
            IncomingMessage::Result { .. }
        ));
        assert!(matches!(
            parse(br#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"bad"}}"#),
            IncomingMessage::Error { id: None, .. }
        ));
    }

    #[test]
    fn names_every_mistake() {
        assert_eq!(invalid("{not json"), (None, ErrorCode::PARSE_ERROR));
        assert_eq!(
            invalid(r#"{"jsonrpc":"2.0","id":1,"method":"x""#),
            (None, ErrorCode::PARSE_ERROR)
        );
        assert_eq!(invalid("42"), (None, ErrorCode::INVALID_REQUEST));
        assert_eq!(
            invalid(r#"["2.0",1,"ping"]"#),
            (None, ErrorCode::INVALID_REQUEST)
        );
        assert_eq!(invalid("[1,"), (None, ErrorCode::PARSE_ERROR));
        assert_eq!(
            invalid(r#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#),
            (None, ErrorCode::INVALID_REQUEST)
        );
        assert_eq!(
            invalid(r#"{"jsonrpc":"1.0","id":3,"method":"ping"}"#),
            (Some(RequestId::Number(3)), ErrorCode::INVALID_REQUEST)
        );
        assert_eq!(
            invalid(r#"{"id":3,"method":"ping"}"#),
            (Some(RequestId::Number(3)), ErrorCode::INVALID_REQUEST)
        );
        assert_eq!(
            invalid(r#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#),
            (None, ErrorCode::INVALID_REQUEST)
        );
        assert_eq!(
            invalid(r#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#),
            (None, ErrorCode::INVALID_REQUEST)
        );
        assert_eq!(
            invalid(r#"{"jsonrpc":"2.0","id":2,"method":"ping","params":[1]}"#),
            (Some(RequestId::Number(2)), ErrorCode::INVALID_REQUEST)
        );
        assert_eq!(
            invalid(r#"{"jsonrpc":"2.0","id":2}"#),
            (Some(RequestId::Number(2)), ErrorCode::INVALID_REQUEST)
        );
        assert_eq!(
            invalid(r#"{"jsonrpc":2,"id":2,"method":"x"}"#),
            (None, ErrorCode::INVALID_REQUEST)
        );
    }

    #[test]
    fn ids_read_as_serde_reads_them() {
        let id = |text: &str| parse_id(&RawValue::from_string(text.to_owned()).unwrap());
        for (text, expected) in [
            ("0", RequestId::Number(0)),
            ("-0", RequestId::Number(0)),
            ("7", RequestId::Number(7)),
            ("-42", RequestId::Number(-42)),
            ("9223372036854775807", RequestId::Number(i64::MAX)),
            ("-9223372036854775808", RequestId::Number(i64::MIN)),
            (r#""7""#, RequestId::String("7".into())),
            (r#""a\"b""#, RequestId::String("a\"b".into())),
        ] {
            assert_eq!(id(text).unwrap(), Some(expected), "{text}");
        }
        assert_eq!(id("null").unwrap(), None);
        for text in ["9223372036854775808", "1.5", "1e3", "true", "[1]", "{}"] {
            assert_eq!(
                id(text).unwrap_err().code,
                ErrorCode::INVALID_REQUEST,
                "{text}"
            );
        }
    }

    #[test]
    fn sniffs_the_id_from_a_prefix() {
        assert_eq!(
            sniff_id(br#"{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"x":"aaaa"#),
            Some(RequestId::Number(42))
        );
        assert_eq!(
            sniff_id(br#"{"method":"tools/call","params":{"id":1,"s":"a\"}"},"id":"req-7","x":"#),
            Some(RequestId::String("req-7".into()))
        );
        assert_eq!(sniff_id(br#"{"jsonrpc":"2.0","params":{"a":"#), None);
        assert_eq!(sniff_id(br#"{"id":12"#), None);
        assert_eq!(sniff_id(b"[1,2]"), None);
    }
}
