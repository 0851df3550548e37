//! Property tests of the byte-level pieces: line framing, message classification, id sniffing
//! and the typed message unions. Whatever the bytes, nothing panics; for well-formed input, the
//! result is exactly what was sent, however the bytes were split into reads.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use mcp::jsonrpc::incoming::{IncomingMessage, parse, sniff_id};
use mcp::jsonrpc::outgoing;
use mcp::transport::{Line, LineReader};
use mcp::types::{ClientRequest, ErrorCode, ErrorData, JsonRpcMessage, RequestId};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use tokio::io::{AsyncRead, ReadBuf};

// ---------------------------------------------------------------------------------------------
// Helpers

/// An [`AsyncRead`] that yields its bytes in the given chunk sizes (cycled), and answers every
/// other read with `Pending` first when `stutter` is set.
struct Chunked {
    data: Vec<u8>,
    pos: usize,
    chunks: Vec<usize>,
    next_chunk: usize,
    stutter: bool,
    stalled: bool,
}

impl Chunked {
    fn new(data: Vec<u8>, chunks: Vec<usize>, stutter: bool) -> Self {
        Self {
            data,
            pos: 0,
            chunks: if chunks.is_empty() { vec![1] } else { chunks },
            next_chunk: 0,
            stutter,
            stalled: false,
        }
    }
}

impl AsyncRead for Chunked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.stutter && !this.stalled {
            this.stalled = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        this.stalled = false;
        let chunk = this.chunks[this.next_chunk % this.chunks.len()].max(1);
        this.next_chunk += 1;
        let n = chunk.min(buf.remaining()).min(this.data.len() - this.pos);
        buf.put_slice(&this.data[this.pos..this.pos + n]);
        this.pos += n;
        Poll::Ready(Ok(()))
    }
}

/// What a [`LineReader`] yields, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Got {
    Message(Vec<u8>),
    TooLarge {
        prefix: Vec<u8>,
        size: usize,
        limit: usize,
    },
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime")
}

/// Reads every line of `data`, delivered in `chunks`, with the limit `max`.
fn read_lines(
    rt: &tokio::runtime::Runtime,
    data: Vec<u8>,
    chunks: Vec<usize>,
    stutter: bool,
    max: usize,
) -> Vec<Got> {
    // A bound on the number of lines, so that a reader that never ends fails instead of hanging.
    let bound = data.len() + 2;
    rt.block_on(async move {
        let mut reader = LineReader::with_max_size(Chunked::new(data, chunks, stutter), max);
        let mut out = Vec::new();
        while let Some(line) = reader.next_line().await {
            out.push(match line.expect("reading from memory cannot fail") {
                Line::Message(m) => Got::Message(m.to_vec()),
                Line::TooLarge {
                    prefix,
                    size,
                    limit,
                } => Got::TooLarge {
                    prefix: prefix.to_vec(),
                    size,
                    limit,
                },
            });
            assert!(out.len() <= bound, "the reader keeps yielding lines");
        }
        out
    })
}

/// The part of a `TooLarge` prefix that does not depend on how the bytes were split into reads:
/// the reader keeps whatever was buffered when the line broke the limit (at least `limit + 1`
/// bytes of it, at most 64 KiB), so only the first `limit + 1` bytes are certain.
fn normalized(lines: Vec<Got>) -> Vec<Got> {
    lines
        .into_iter()
        .map(|got| match got {
            Got::TooLarge {
                mut prefix,
                size,
                limit,
            } => {
                prefix.truncate(limit + 1);
                Got::TooLarge {
                    prefix,
                    size,
                    limit,
                }
            }
            message => message,
        })
        .collect()
}

fn chunk_sizes() -> impl Strategy<Value = Vec<usize>> {
    prop_oneof![
        1 => Just(vec![1]),
        3 => prop::collection::vec(1usize..64, 1..16),
        1 => prop::collection::vec(1usize..100_000, 1..4),
    ]
}

/// Bytes where newlines, carriage returns and whitespace are common.
fn line_noise() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            3 => any::<u8>(),
            2 => Just(b'\n'),
            2 => Just(b'\r'),
            1 => Just(b' '),
            1 => Just(b'\t'),
            3 => Just(b'x'),
        ],
        0..400,
    )
}

/// A message: no line ending inside, not only whitespace.
fn message_bytes(max_len: usize) -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec(
            any::<u8>().prop_filter("no line ending", |b| *b != b'\n' && *b != b'\r'),
            0..max_len,
        ),
        any::<u8>().prop_filter("visible", |b| !b.is_ascii_whitespace()),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(mut bytes, visible, at)| {
            let at = at.index(bytes.len() + 1);
            bytes.insert(at, visible);
            bytes
        })
}

fn request_id() -> impl Strategy<Value = RequestId> {
    prop_oneof![
        any::<i64>().prop_map(RequestId::Number),
        (-5i64..5).prop_map(RequestId::Number),
        ".{0,12}".prop_map(RequestId::String),
        r#"[{}\[\]",:\\ id]{0,8}"#.prop_map(RequestId::String),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,10}".prop_map(Value::String),
        r#"[{}\[\]",:\\ ]{0,6}"#.prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((json_key(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// Object keys, with the members of the envelope common.
fn json_key() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => ".{0,8}",
        1 => prop::sample::select(vec!["id", "jsonrpc", "method", "params", "result", "error", "_meta"])
            .prop_map(str::to_owned),
    ]
}

fn json_object() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::vec((json_key(), json_value()), 0..5)
        .prop_map(|entries| entries.into_iter().collect())
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,16}",
        prop::sample::select(vec![
            "ping",
            "initialize",
            "tools/call",
            "tools/list",
            "notifications/initialized",
            "notifications/cancelled",
        ])
        .prop_map(str::to_owned),
    ]
}

/// A value as it reads back from its JSON text (serde_json's default float parsing may be off by
/// one unit in the last place, so compare what both sides read back).
fn reparse(value: &Value) -> Value {
    serde_json::from_str(&value.to_string()).expect("a value's JSON text is valid")
}

/// Parses raw JSON text back into a value, for comparing what `parse` kept unparsed.
fn raw(raw: &serde_json::value::RawValue) -> Value {
    serde_json::from_str(raw.get()).expect("a raw value is valid JSON")
}

// ---------------------------------------------------------------------------------------------
// LineReader

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any bytes, any chunking, any limit: the reader ends without panicking, and what it yields
    /// is well-formed.
    #[test]
    fn line_reader_never_panics(
        data in line_noise(),
        chunks in chunk_sizes(),
        stutter in any::<bool>(),
        max in 1usize..64,
    ) {
        let rt = runtime();
        for got in read_lines(&rt, data, chunks, stutter, max) {
            match got {
                Got::Message(m) => {
                    prop_assert!(!m.is_empty() && m.len() <= max);
                    prop_assert!(!m.contains(&b'\n'));
                    prop_assert!(!m.iter().all(u8::is_ascii_whitespace));
                }
                Got::TooLarge { prefix, size, limit } => {
                    prop_assert_eq!(limit, max);
                    prop_assert!(size > max, "size {} limit {}", size, max);
                    prop_assert!(!prefix.is_empty() && prefix.len() <= size);
                }
            }
        }
    }

    /// How the bytes are split into reads does not change the lines that come out.
    #[test]
    fn line_reader_output_does_not_depend_on_chunking(
        data in line_noise(),
        chunks in chunk_sizes(),
        stutter in any::<bool>(),
        max in 1usize..64,
    ) {
        let rt = runtime();
        let whole = normalized(read_lines(&rt, data.clone(), vec![data.len().max(1)], false, max));
        let split = normalized(read_lines(&rt, data, chunks, stutter, max));
        prop_assert_eq!(whole, split);
    }

    /// Messages joined by `\n` or `\r\n` (with blank lines here and there, the last line ended or
    /// not) come out exactly, in order.
    #[test]
    fn line_reader_yields_exactly_the_messages(
        lines in prop::collection::vec(
            (message_bytes(200), prop::sample::select(vec!["\n", "\r\n", "\n\n", "\r\n  \r\n"])),
            0..24,
        ),
        last_ended in any::<bool>(),
        chunks in chunk_sizes(),
        stutter in any::<bool>(),
    ) {
        let mut data = Vec::new();
        for (i, (message, ending)) in lines.iter().enumerate() {
            data.extend_from_slice(message);
            if i + 1 < lines.len() || last_ended {
                data.extend_from_slice(ending.as_bytes());
            }
        }
        let rt = runtime();
        let got = read_lines(&rt, data, chunks, stutter, 1 << 20);
        let want: Vec<Got> = lines.into_iter().map(|(m, _)| Got::Message(m)).collect();
        prop_assert_eq!(got, want);
    }

    /// With a small limit, every line over it comes out as `TooLarge` with its exact size and
    /// its first bytes, and the lines after it are still read correctly.
    #[test]
    fn line_reader_reports_over_size_lines_and_reads_on(
        lines in prop::collection::vec(
            (message_bytes(120), prop::sample::select(vec!["\n", "\r\n"])),
            1..24,
        ),
        max in 8usize..64,
        last_ended in any::<bool>(),
        chunks in chunk_sizes(),
        stutter in any::<bool>(),
    ) {
        let mut data = Vec::new();
        for (i, (message, ending)) in lines.iter().enumerate() {
            data.extend_from_slice(message);
            if i + 1 < lines.len() || last_ended {
                data.extend_from_slice(ending.as_bytes());
            }
        }
        let rt = runtime();
        let got = read_lines(&rt, data, chunks, stutter, max);
        for (got, (line, _)) in got.iter().zip(&lines) {
            if let Got::TooLarge { prefix, .. } = got {
                prop_assert!(line.starts_with(prefix), "the prefix is the line's start");
                prop_assert!(prefix.len() >= line.len().min(max + 1), "the prefix is {} bytes", prefix.len());
            }
        }
        let got = normalized(got);
        let want: Vec<Got> = lines
            .into_iter()
            .map(|(m, _)| {
                if m.len() > max {
                    Got::TooLarge { size: m.len(), prefix: m, limit: max }
                } else {
                    Got::Message(m)
                }
            })
            .collect();
        prop_assert_eq!(got, normalized(want));
    }
}

// ---------------------------------------------------------------------------------------------
// incoming::parse

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// Any bytes are classified without panicking; what is not JSON is a parse error without id.
    #[test]
    fn parse_never_panics_on_bytes(data in prop::collection::vec(any::<u8>(), 0..256)) {
        let message = parse(&data);
        if serde_json::from_slice::<serde::de::IgnoredAny>(&data).is_err() {
            prop_assert!(
                matches!(&message, IncomingMessage::Invalid { id: None, error } if error.code == ErrorCode::PARSE_ERROR),
                "{:?}", message
            );
        }
    }

    /// Any JSON value is classified without panicking; one that is not an object is an invalid
    /// request without id.
    #[test]
    fn parse_never_panics_on_json(value in json_value()) {
        let text = serde_json::to_vec(&value).unwrap();
        let message = parse(&text);
        if !value.is_object() {
            prop_assert!(
                matches!(&message, IncomingMessage::Invalid { id: None, error } if error.code == ErrorCode::INVALID_REQUEST),
                "{:?}", message
            );
        }
    }

    /// Arbitrary objects with envelope-like members, and valid messages with extra members:
    /// classified without panicking, and anything valid keeps its id.
    #[test]
    fn parse_never_panics_on_envelope_like_objects(
        object in json_object(),
        id in request_id(),
        method in method(),
    ) {
        let text = serde_json::to_vec(&Value::Object(object.clone())).unwrap();
        let _ = parse(&text);
        let mut with_envelope = object;
        with_envelope.insert("jsonrpc".into(), json!("2.0"));
        with_envelope.insert("id".into(), serde_json::to_value(&id).unwrap());
        with_envelope.insert("method".into(), json!(method));
        with_envelope.remove("params");
        let text = serde_json::to_vec(&Value::Object(with_envelope)).unwrap();
        match parse(&text) {
            IncomingMessage::Request { id: got, method: m, .. } => {
                prop_assert_eq!(got, id);
                prop_assert_eq!(m.as_ref(), method.as_str());
            }
            other => prop_assert!(false, "a request with extra members: {:?}", other),
        }
    }

    /// Requests written by `outgoing::request` are requests, with their id, method and params.
    #[test]
    fn parse_reads_back_requests(
        id in request_id(),
        method in method(),
        params in prop::option::of(json_object()),
    ) {
        let text = outgoing::request(&id, &method, params.as_ref()).unwrap();
        match parse(&text) {
            IncomingMessage::Request { id: got, method: m, params: p } => {
                prop_assert_eq!(got, id);
                prop_assert_eq!(m.as_ref(), method.as_str());
                prop_assert_eq!(p.map(raw), params.map(|p| reparse(&Value::Object(p))));
            }
            other => prop_assert!(false, "{}: {:?}", String::from_utf8_lossy(&text), other),
        }
    }

    /// Params that are not an object make a request invalid, answered with its id.
    #[test]
    fn parse_refuses_non_object_params(
        id in request_id(),
        method in method(),
        params in json_value().prop_filter("not an object", |v| !v.is_object()),
    ) {
        let text = outgoing::request(&id, &method, Some(&params)).unwrap();
        match parse(&text) {
            IncomingMessage::Invalid { id: got, error } => {
                prop_assert_eq!(got, Some(id));
                prop_assert_eq!(error.code, ErrorCode::INVALID_REQUEST);
            }
            other => prop_assert!(false, "{}: {:?}", String::from_utf8_lossy(&text), other),
        }
    }

    /// Notifications written by `outgoing::notification` are notifications.
    #[test]
    fn parse_reads_back_notifications(
        method in method(),
        params in prop::option::of(json_object()),
    ) {
        let text = outgoing::notification(&method, params.as_ref()).unwrap();
        match parse(&text) {
            IncomingMessage::Notification { method: m, params: p } => {
                prop_assert_eq!(m.as_ref(), method.as_str());
                prop_assert_eq!(p.map(raw), params.map(|p| reparse(&Value::Object(p))));
            }
            other => prop_assert!(false, "{}: {:?}", String::from_utf8_lossy(&text), other),
        }
    }

    /// Results written by `outgoing::result_response` are results, with their id and value.
    #[test]
    fn parse_reads_back_results(id in request_id(), result in json_value()) {
        let text = outgoing::result_response(&id, &result).unwrap();
        match parse(&text) {
            IncomingMessage::Result { id: got, result: r } => {
                prop_assert_eq!(got, id);
                prop_assert_eq!(raw(r), reparse(&result));
            }
            other => prop_assert!(false, "{}: {:?}", String::from_utf8_lossy(&text), other),
        }
    }

    /// Errors written by `outgoing::error_response` are errors, with their id (or none) and
    /// error object.
    #[test]
    fn parse_reads_back_errors(
        id in prop::option::of(request_id()),
        code in any::<i32>(),
        message in ".{0,20}",
        data in prop::option::of(json_value().prop_filter("null is absent", |v| !v.is_null())),
    ) {
        let error = ErrorData { code: ErrorCode(code), message: message.into(), data };
        let text = outgoing::error_response(id.as_ref(), &error);
        match parse(&text) {
            IncomingMessage::Error { id: got, error: e } => {
                prop_assert_eq!(got, id);
                let sent = ErrorData { data: error.data.as_ref().map(reparse), ..error };
                prop_assert_eq!(e, sent);
            }
            other => prop_assert!(false, "{}: {:?}", String::from_utf8_lossy(&text), other),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// incoming::sniff_id

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// Any bytes: no panic.
    #[test]
    fn sniff_id_never_panics(data in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = sniff_id(&data);
    }

    /// Any prefix of any JSON text: no panic.
    #[test]
    fn sniff_id_never_panics_on_json_prefixes(value in json_value(), cut in any::<prop::sample::Index>()) {
        let text = serde_json::to_vec(&value).unwrap();
        let _ = sniff_id(&text[..cut.index(text.len() + 1)]);
    }

    /// In a request written by `outgoing::request`, the id is found from every prefix that holds
    /// it completely (with the delimiter after it), and never from a shorter one.
    #[test]
    fn sniff_id_finds_the_id_of_a_request(
        id in request_id(),
        method in method(),
        params in prop::option::of(json_object()),
        cut in any::<prop::sample::Index>(),
    ) {
        let text = outgoing::request(&id, &method, params.as_ref()).unwrap();
        // `{"jsonrpc":"2.0","id":<id>,…`: the id is complete once the comma after it is in.
        let id_end = br#"{"jsonrpc":"2.0","id":"#.len() + serde_json::to_vec(&id).unwrap().len();
        prop_assert_eq!(text[id_end], b',');
        let n = cut.index(text.len() + 1);
        let want = (n > id_end).then(|| id.clone());
        prop_assert_eq!(sniff_id(&text[..n]), want, "prefix {:?}", String::from_utf8_lossy(&text[..n]));
    }

    /// The id is found after members of any shape (nested `"id"` members included), and not
    /// taken from inside them.
    #[test]
    fn sniff_id_skips_other_members(
        id in request_id(),
        method in method(),
        params in json_object(),
        spaced in any::<bool>(),
    ) {
        let params = Value::Object(params);
        let text = if spaced {
            format!(
                "{{ \"jsonrpc\" : \"2.0\" ,\n\"method\" :\t{} , \"params\" : {} , \"id\" : {} }}",
                json!(method), params, serde_json::to_string(&id).unwrap()
            )
        } else {
            format!(
                r#"{{"jsonrpc":"2.0","method":{},"params":{},"id":{}}}"#,
                json!(method), params, serde_json::to_string(&id).unwrap()
            )
        };
        prop_assert_eq!(sniff_id(text.as_bytes()), Some(id));
    }
}

// ---------------------------------------------------------------------------------------------
// mcp-types message unions

/// A request of one of the client's methods, with arbitrary params.
fn client_request_like() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec![
            "ping",
            "initialize",
            "server/discover",
            "completion/complete",
            "logging/setLevel",
            "prompts/get",
            "prompts/list",
            "resources/list",
            "resources/templates/list",
            "resources/read",
            "resources/subscribe",
            "resources/unsubscribe",
            "tools/call",
            "tools/list",
            "tasks/get",
            "tasks/result",
            "tasks/list",
            "tasks/cancel",
            "subscriptions/listen",
            "unknown/method",
        ]),
        prop::option::of(json_value()),
        request_id(),
    )
        .prop_map(|(method, params, id)| {
            let mut message = json!({ "jsonrpc": "2.0", "id": id, "method": method });
            if let Some(params) = params {
                message["params"] = params;
            }
            message
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// Any bytes: reading them as a message or a client request fails or succeeds, never
    /// panics.
    #[test]
    fn typed_messages_never_panic_on_bytes(data in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = serde_json::from_slice::<JsonRpcMessage>(&data);
        let _ = serde_json::from_slice::<ClientRequest>(&data);
    }

    /// Any JSON value: likewise.
    #[test]
    fn typed_messages_never_panic_on_json(value in json_value()) {
        let text = serde_json::to_vec(&value).unwrap();
        let _ = serde_json::from_slice::<JsonRpcMessage>(&text);
        let _ = serde_json::from_slice::<ClientRequest>(&text);
    }

    /// Requests of real methods with arbitrary params: no panic, and what `JsonRpcMessage`
    /// accepts as a request keeps its method.
    #[test]
    fn typed_messages_never_panic_on_request_like_json(value in client_request_like()) {
        let text = serde_json::to_vec(&value).unwrap();
        let _ = serde_json::from_slice::<ClientRequest>(&text);
        let _ = serde_json::from_slice::<ClientRequest>(&text[..text.len() / 2]);
        if let Ok(JsonRpcMessage::Request(request)) = serde_json::from_slice::<JsonRpcMessage>(&text) {
            prop_assert_eq!(json!(request.method), value["method"].clone());
        }
    }
}
