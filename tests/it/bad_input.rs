//! Bad input on the wire: the `lowlevel` example server, spawned as a stdio process, is fed raw
//! bytes and must answer each mistake exactly as JSON-RPC 2.0 and MCP ask, and keep serving.
//!
//! Every line the server writes is checked to be one valid JSON-RPC message, every read has a
//! timeout (a hang fails the test), and every test ends by closing stdin and checking that the
//! server exits with status 0 without writing anything more.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long any single read may wait.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the server may take to exit once its stdin is closed.
const EXIT_TIMEOUT: Duration = Duration::from_secs(10);
/// The message size limit of the server (the engine's default).
const MAX_MESSAGE_SIZE: usize = mcp::transport::DEFAULT_MAX_MESSAGE_SIZE;

/// What the stdout reader thread hands over.
enum Out {
    /// One complete line, without its `\n`.
    Line(Vec<u8>),
    /// Bytes at end of stream that no `\n` ended: never valid output.
    Unterminated(Vec<u8>),
    /// End of stream.
    Eof,
    /// Reading failed.
    Error(String),
}

/// The `lowlevel` example running as a child process.
struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    out: Receiver<Out>,
    stderr: Arc<Mutex<Vec<u8>>>,
    /// Lines read so far, for failure messages.
    seen: usize,
}

impl Server {
    fn spawn() -> Self {
        let mut child = Command::new(mcp_test_support::example("lowlevel"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the lowlevel example starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut stderr_pipe = child.stderr.take().expect("stderr is piped");
        let (tx, out) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = BufReader::with_capacity(1 << 16, stdout);
            loop {
                let mut line = Vec::new();
                let sent = match reader.read_until(b'\n', &mut line) {
                    Ok(0) => {
                        let _ = tx.send(Out::Eof);
                        return;
                    }
                    Ok(_) if line.last() == Some(&b'\n') => {
                        line.pop();
                        tx.send(Out::Line(line))
                    }
                    Ok(_) => tx.send(Out::Unterminated(line)),
                    Err(e) => {
                        let _ = tx.send(Out::Error(e.to_string()));
                        return;
                    }
                };
                if sent.is_err() {
                    return;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let sink = stderr.clone();
        thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            while let Ok(n) = stderr_pipe.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&chunk[..n]);
            }
        });
        let stdin = child.stdin.take();
        Self {
            child,
            stdin,
            out,
            stderr,
            seen: 0,
        }
    }

    /// A server that has completed the `initialize` handshake (2025-11-25).
    fn initialized() -> Self {
        let mut server = Self::spawn();
        server.send_json(&json!({
            "jsonrpc": "2.0",
            "id": 0,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-11-25",
                "capabilities": {},
                "clientInfo": { "name": "bad-input-test", "version": "1.0.0" }
            }
        }));
        let answer = server.next_message();
        assert_eq!(answer["id"], json!(0), "initialize answer: {answer}");
        assert_eq!(
            answer["result"]["protocolVersion"],
            json!("2025-11-25"),
            "initialize answer: {answer}"
        );
        assert_eq!(
            answer["result"]["serverInfo"]["name"],
            json!("example-server")
        );
        server.send_json(&json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }));
        server
    }

    fn stdin(&mut self) -> &mut ChildStdin {
        self.stdin.as_mut().expect("stdin is still open")
    }

    /// Writes raw bytes to the server's stdin.
    fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin();
        stdin.write_all(bytes).expect("write to the server's stdin");
        stdin.flush().expect("flush the server's stdin");
    }

    /// Writes one line: `text` and a `\n`.
    fn send_line(&mut self, text: &str) {
        let mut bytes = Vec::with_capacity(text.len() + 1);
        bytes.extend_from_slice(text.as_bytes());
        bytes.push(b'\n');
        self.send_raw(&bytes);
    }

    fn send_json(&mut self, message: &Value) {
        self.send_line(&message.to_string());
    }

    fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    /// What the reader thread hands over next, failing the test after [`READ_TIMEOUT`].
    fn next_out(&mut self) -> Out {
        match self.out.recv_timeout(READ_TIMEOUT) {
            Ok(out) => out,
            Err(RecvTimeoutError::Timeout) => panic!(
                "the server wrote nothing for {READ_TIMEOUT:?} after {} lines; its stderr:\n{}",
                self.seen,
                self.stderr_text()
            ),
            Err(RecvTimeoutError::Disconnected) => panic!("the stdout reader thread is gone"),
        }
    }

    /// The next line the server writes, checked to be one valid JSON-RPC message.
    fn next_message(&mut self) -> Value {
        match self.next_out() {
            Out::Line(line) => {
                self.seen += 1;
                check_jsonrpc_line(&line)
            }
            Out::Unterminated(bytes) => panic!(
                "the server's stdout ended in a line without a newline: {:?}",
                String::from_utf8_lossy(&bytes)
            ),
            Out::Eof => panic!(
                "the server closed its stdout after {} lines while an answer was expected; its stderr:\n{}",
                self.seen,
                self.stderr_text()
            ),
            Out::Error(e) => panic!("reading the server's stdout failed: {e}"),
        }
    }

    /// Reads the next line and checks that it is exactly an error response with this id and
    /// code (and a non-empty message); returns the error object.
    fn expect_error(&mut self, id: Value, code: i64) -> Value {
        let message = self.next_message();
        assert_eq!(
            message.as_object().map(|m| {
                let mut keys: Vec<&str> = m.keys().map(String::as_str).collect();
                keys.sort_unstable();
                keys
            }),
            Some(vec!["error", "id", "jsonrpc"]),
            "expected an error response with id {id} and code {code}, got {message}"
        );
        assert_eq!(message["id"], id, "wrong id in {message}");
        assert_eq!(
            message["error"]["code"],
            json!(code),
            "wrong code in {message}"
        );
        assert!(
            message["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "an error needs a message: {message}"
        );
        message["error"].clone()
    }

    /// Reads the next line and checks that it is the result of request `id`; returns the result.
    fn expect_result(&mut self, id: Value) -> Value {
        let message = self.next_message();
        assert_eq!(
            message.get("id"),
            Some(&id),
            "expected the result of request {id}, got {message}"
        );
        assert!(
            message.get("error").is_none(),
            "expected the result of request {id}, got {message}"
        );
        message["result"].clone()
    }

    /// `ping` is answered with an empty result, and nothing comes out before that answer.
    fn expect_ping(&mut self, id: Value) {
        self.send_json(&json!({ "jsonrpc": "2.0", "id": id, "method": "ping" }));
        let answer = self.next_message();
        assert_eq!(answer, json!({ "jsonrpc": "2.0", "id": id, "result": {} }));
    }

    /// The session still serves real requests: `tools/list` (routed through the server, not
    /// just the engine) is answered, and its answer is the next line.
    fn expect_serving(&mut self, id: Value) {
        self.send_json(&json!({ "jsonrpc": "2.0", "id": id, "method": "tools/list" }));
        let result = self.expect_result(id);
        let names: Vec<&str> = result["tools"]
            .as_array()
            .unwrap_or_else(|| panic!("tools/list result without tools: {result}"))
            .iter()
            .filter_map(|t| t["name"].as_str())
            .collect();
        assert_eq!(names, ["tool-name", "query_db", "summarize"]);
    }

    /// Closes stdin; the server must write nothing more, close stdout and exit with status 0.
    fn finish(mut self) {
        self.stdin = None;
        match self.next_out() {
            Out::Eof => {}
            Out::Line(line) => panic!(
                "the server wrote an unexpected line: {}",
                String::from_utf8_lossy(&line)
            ),
            Out::Unterminated(bytes) => panic!(
                "the server wrote an unterminated line: {}",
                String::from_utf8_lossy(&bytes)
            ),
            Out::Error(e) => panic!("reading the server's stdout failed: {e}"),
        }
        let status = self.wait_exit();
        assert!(
            status.success(),
            "the server exited with {status}; its stderr:\n{}",
            self.stderr_text()
        );
    }

    /// Waits for the process to exit, failing the test after [`EXIT_TIMEOUT`].
    fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + EXIT_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("query the server process") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not exit within {EXIT_TIMEOUT:?} of its stdin closing; its stderr:\n{}",
                self.stderr_text()
            );
            thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // A failed test must not leave the process behind.
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Checks that one line of the server's stdout is one JSON-RPC 2.0 message and returns it.
fn check_jsonrpc_line(line: &[u8]) -> Value {
    let text = std::str::from_utf8(line)
        .unwrap_or_else(|e| panic!("the server wrote a line that is not UTF-8 ({e}): {line:?}"));
    let value: Value = serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("the server wrote a line that is not JSON ({e}): {text}"));
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("the server wrote a JSON value that is not an object: {text}"));
    assert_eq!(
        object.get("jsonrpc"),
        Some(&json!("2.0")),
        "a message without \"jsonrpc\": \"2.0\": {text}"
    );
    let valid_id = |id: &Value| id.is_string() || id.is_i64() || id.is_u64();
    let shape_ok = match (
        object.get("id"),
        object.get("method"),
        object.get("result"),
        object.get("error"),
    ) {
        // A request or a notification.
        (id, Some(method), None, None) => method.is_string() && id.is_none_or(valid_id),
        // A result.
        (Some(id), None, Some(_), None) => valid_id(id),
        // An error; its id is null when the offending message's id could not be read.
        (Some(id), None, None, Some(error)) => {
            (valid_id(id) || id.is_null()) && error["code"].is_i64() && error["message"].is_string()
        }
        _ => false,
    };
    assert!(shape_ok, "not a JSON-RPC 2.0 message: {text}");
    serde_json::from_str::<mcp::types::JsonRpcMessage>(text)
        .unwrap_or_else(|e| panic!("mcp-types does not read the server's message ({e}): {text}"));
    value
}

// JSON-RPC 2.0 §5.1: invalid JSON is answered with -32700 "Parse error"; §5: when the id could
// not be detected, the response's id MUST be null.
#[test]
fn malformed_json_is_a_parse_error_with_a_null_id() {
    let mut server = Server::initialized();
    server.send_line(r#"{"jsonrpc": "2.0", "id": 1, "method": "#);
    server.expect_error(Value::Null, -32700);
    server.expect_serving(json!(2));
    server.send_line(r#"{"jsonrpc":"2.0","id":3,"method":"ping",}"#);
    server.expect_error(Value::Null, -32700);
    server.send_line("\u{1}garbage");
    server.expect_error(Value::Null, -32700);
    // Not UTF-8 at all.
    server.send_raw(b"{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"\xff\xfe\"}\n");
    server.expect_error(Value::Null, -32700);
    server.expect_serving(json!(5));
    server.finish();
}

// JSON-RPC 2.0 §4: a request is an object; anything else is -32600 "Invalid Request", with a
// null id (§5). MCP 2025-06-18 removed batching, so a batch array is not a valid message either.
#[test]
fn a_non_object_is_an_invalid_request_with_a_null_id() {
    let mut server = Server::initialized();
    let non_objects = [
        "42",
        r#""hello""#,
        "[1,2]",
        r#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#,
        // The members of a request in an array are not a request either.
        r#"["2.0",1,"ping"]"#,
        "null",
        "true",
        "[]",
    ];
    for (n, text) in (10..).zip(non_objects) {
        server.send_line(text);
        server.expect_error(Value::Null, -32600);
        server.expect_serving(json!(n));
    }
    server.finish();
}

// JSON-RPC 2.0 §4: "jsonrpc" MUST be exactly "2.0"; otherwise the message is not a valid
// request (-32600), and its id, which could be read, is echoed (§5).
#[test]
fn a_wrong_or_missing_jsonrpc_member_is_an_invalid_request_echoing_the_id() {
    let mut server = Server::initialized();
    server.send_line(r#"{"jsonrpc":"1.0","id":3,"method":"ping"}"#);
    server.expect_error(json!(3), -32600);
    server.expect_serving(json!(4));
    server.send_line(r#"{"id":"no-version","method":"tools/list"}"#);
    server.expect_error(json!("no-version"), -32600);
    server.expect_serving(json!(5));
    server.finish();
}

// JSON-RPC 2.0 §5.1: a method that does not exist is -32601 "Method not found".
#[test]
fn an_unknown_method_is_method_not_found() {
    let mut server = Server::initialized();
    server.send_line(r#"{"jsonrpc":"2.0","id":7,"method":"tools/frobnicate","params":{}}"#);
    let error = server.expect_error(json!(7), -32601);
    assert_eq!(error["data"], json!("tools/frobnicate"));
    // A method the specification defines but this server does not serve.
    server.send_line(r#"{"jsonrpc":"2.0","id":"t","method":"tasks/list"}"#);
    server.expect_error(json!("t"), -32601);
    server.expect_serving(json!(8));
    server.finish();
}

// JSON-RPC 2.0 §5.1: invalid method parameters are -32602 "Invalid params".
#[test]
fn invalid_params_are_invalid_params() {
    let mut server = Server::initialized();
    server.send_line(r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":5}}"#);
    server.expect_error(json!(1), -32602);
    server.expect_serving(json!(2));
    server.send_line(r#"{"jsonrpc":"2.0","id":3,"method":"prompts/get","params":{}}"#);
    server.expect_error(json!(3), -32602);
    server.expect_serving(json!(4));
    server.send_line(r#"{"jsonrpc":"2.0","id":5,"method":"tools/call"}"#);
    server.expect_error(json!(5), -32602);
    server
        .send_line(r#"{"jsonrpc":"2.0","id":6,"method":"resources/read","params":{"uri":["x"]}}"#);
    server.expect_error(json!(6), -32602);
    server.expect_serving(json!(7));
    server.finish();
}

// MCP lifecycle: "The client SHOULD NOT send requests other than pings before the server has
// responded to the initialize request". This server refuses such a request with -32602 (the
// request lacks what would make it valid: a preceding initialize or stateless-era `_meta`),
// while `ping` is always answered (MCP ping: an empty result).
#[test]
fn a_request_before_initialize_is_refused_but_ping_is_answered() {
    let mut server = Server::spawn();
    server.send_line(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#);
    server.expect_error(json!(1), -32602);
    server.send_line(
        r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"tool-name","arguments":{"arg1":"a"}}}"#,
    );
    server.expect_error(json!(2), -32602);
    server.expect_ping(json!(3));
    // And the session can still be initialized and then serves.
    server.send_json(&json!({
        "jsonrpc": "2.0",
        "id": 4,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": { "name": "late", "version": "1" }
        }
    }));
    let result = server.expect_result(json!(4));
    assert_eq!(result["protocolVersion"], json!("2025-11-25"));
    server.send_json(&json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }));
    server.expect_serving(json!(5));
    server.finish();
}

// JSON-RPC 2.0 §5: responses only ever answer requests; a response is never answered. One whose
// id matches no request of ours is dropped silently, and nothing is written for it.
#[test]
fn a_response_with_an_unknown_id_gets_no_answer() {
    let mut server = Server::initialized();
    server.send_line(r#"{"jsonrpc":"2.0","id":999,"result":{}}"#);
    server.send_line(r#"{"jsonrpc":"2.0","id":"nobody","error":{"code":-1,"message":"x"}}"#);
    server.send_line(r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"x"}}"#);
    // The very next line must be the answer to this ping: nothing came out for the responses.
    server.expect_ping(json!(1000));
    server.expect_serving(json!(1001));
    server.finish();
}

// JSON-RPC 2.0 leaves message size to the implementation; this engine refuses a message over its
// limit (16 MiB) with -32600, carrying the id it finds at the start of the message, without
// buffering the rest, and reads on.
#[test]
fn an_over_size_message_is_refused_with_its_id_and_the_session_goes_on() {
    let mut server = Server::initialized();
    let head = r#"{"jsonrpc":"2.0","id":"big-1","method":"tools/call","params":{"name":"tool-name","arguments":{"arg1":""#;
    let tail = r#""}}}"#;
    let size = 17 * 1024 * 1024;
    let mut message = Vec::with_capacity(size + 1);
    message.extend_from_slice(head.as_bytes());
    message.resize(size - tail.len(), b'x');
    message.extend_from_slice(tail.as_bytes());
    assert_eq!(message.len(), size);
    message.push(b'\n');
    server.send_raw(&message);
    let error = server.expect_error(json!("big-1"), -32600);
    assert_eq!(
        error["data"],
        json!({ "size": size, "maxSize": MAX_MESSAGE_SIZE }),
        "{error}"
    );
    server.expect_serving(json!(2));
    // Twice in a row, with a number id, and the next message in the same write.
    let mut two = message.clone();
    two.splice(
        ..head.len(),
        head.replace(r#""big-1""#, "3").as_bytes().iter().copied(),
    );
    two.extend_from_slice(b"{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}\n");
    server.send_raw(&two);
    server.expect_error(json!(3), -32600);
    assert_eq!(
        server.next_message(),
        json!({ "jsonrpc": "2.0", "id": 4, "result": {} })
    );
    server.expect_serving(json!(5));
    server.finish();
}

// MCP stdio transport: the client shuts the server down by closing its stdin, and the server
// should then exit. A last line cut short by the end of input is still invalid JSON (-32700).
#[test]
fn eof_in_the_middle_of_a_line_answers_everything_and_exits_cleanly() {
    let mut server = Server::initialized();
    server.send_raw(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}\n{\"jsonrpc\":\"2.0\",\"id\":2,\"me");
    let started = Instant::now();
    server.stdin = None;
    let result = server.expect_result(json!(1));
    assert!(result["tools"].is_array(), "{result}");
    server.expect_error(Value::Null, -32700);
    server.finish();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the server took {:?} to exit after its stdin closed",
        started.elapsed()
    );
}

// JSON-RPC 2.0 §5: every request gets exactly one response, with its id; the server may answer
// them in any order (§6). Pipelined requests must all be answered, none lost or duplicated,
// also when stdin closes right after the last one.
#[test]
fn a_flood_of_pipelined_requests_is_answered_exactly_once_each() {
    const COUNT: usize = 10_000;
    let mut server = Server::initialized();
    let mut stdin = server.stdin.take().expect("stdin is open");
    let writer = thread::spawn(move || {
        let mut batch = Vec::with_capacity(1 << 16);
        for i in 0..COUNT {
            let request = json!({
                "jsonrpc": "2.0",
                "id": format!("flood-{i}"),
                "method": "tools/call",
                "params": { "name": "tool-name", "arguments": { "arg1": format!("v{i}") } }
            });
            serde_json::to_writer(&mut batch, &request).expect("serialize");
            batch.push(b'\n');
            if batch.len() > 60_000 {
                stdin.write_all(&batch).expect("write the flood");
                batch.clear();
            }
        }
        stdin.write_all(&batch).expect("write the flood");
        stdin.flush().expect("flush the flood");
        // Dropping stdin closes it: the server sees EOF right behind the last request.
    });
    let started = Instant::now();
    let mut answers: HashMap<String, Value> = HashMap::with_capacity(COUNT);
    let mut log_messages = 0usize;
    loop {
        let message = match server.next_out() {
            Out::Line(line) => {
                server.seen += 1;
                check_jsonrpc_line(&line)
            }
            Out::Eof => break,
            Out::Unterminated(bytes) => panic!(
                "unterminated output line: {}",
                String::from_utf8_lossy(&bytes)
            ),
            Out::Error(e) => panic!("reading the server's stdout failed: {e}"),
        };
        if message.get("method").is_some() {
            // tool-name logs at info, which the handshake era sends unless the level is raised.
            assert_eq!(
                message["method"],
                json!("notifications/message"),
                "{message}"
            );
            log_messages += 1;
            continue;
        }
        let id = message["id"]
            .as_str()
            .unwrap_or_else(|| panic!("an answer with an unexpected id: {message}"))
            .to_owned();
        let i: usize = id
            .strip_prefix("flood-")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("an answer with an unexpected id: {message}"));
        assert_eq!(
            message["result"],
            json!({ "content": [{ "type": "text", "text": format!("tool-name received arg1=v{i}") }] }),
            "wrong answer to {id}: {message}"
        );
        if let Some(previous) = answers.insert(id.clone(), message) {
            panic!("{id} was answered twice; the first answer: {previous}");
        }
    }
    writer.join().expect("the writer thread");
    let elapsed = started.elapsed();
    assert_eq!(
        answers.len(),
        COUNT,
        "{} requests were never answered",
        COUNT - answers.len()
    );
    assert_eq!(log_messages, COUNT, "one log message per call");
    let status = server.wait_exit();
    assert!(status.success(), "the server exited with {status}");
    eprintln!("{COUNT} pipelined tools/call answered in {elapsed:?}");
}

// MCP 2026-07-28 (stateless era): a request names its protocol version in
// `_meta["io.modelcontextprotocol/protocolVersion"]`; a version the server does not speak is
// -32022 with `data.supported` listing the versions it does; and every such request must carry
// `_meta["io.modelcontextprotocol/clientCapabilities"]`, or its params are invalid (-32602).
#[test]
fn stateless_era_requests_with_a_bad_meta_are_refused() {
    // Newest first, as the server lists them.
    let mut supported: Vec<&str> = mcp::types::ProtocolVersion::ALL
        .iter()
        .map(|v| v.as_str())
        .collect();
    supported.sort_unstable_by(|a, b| b.cmp(a));
    // A stateless client never initializes.
    let mut server = Server::spawn();
    server.send_json(&json!({
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/list",
        "params": { "_meta": {
            "io.modelcontextprotocol/protocolVersion": "1999-01-01",
            "io.modelcontextprotocol/clientCapabilities": {}
        } }
    }));
    let error = server.expect_error(json!(1), -32022);
    assert_eq!(
        error["data"],
        json!({ "supported": supported, "requested": "1999-01-01" })
    );
    server.send_json(&json!({
        "jsonrpc": "2.0",
        "id": 2,
        "method": "tools/call",
        "params": {
            "name": "tool-name",
            "arguments": { "arg1": "a" },
            "_meta": { "io.modelcontextprotocol/protocolVersion": "2026-07-28" }
        }
    }));
    server.expect_error(json!(2), -32602);
    // A valid stateless request is served.
    server.send_json(&json!({
        "jsonrpc": "2.0",
        "id": 3,
        "method": "tools/call",
        "params": {
            "name": "tool-name",
            "arguments": { "arg1": "a" },
            "_meta": {
                "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientCapabilities": {}
            }
        }
    }));
    let result = server.expect_result(json!(3));
    assert_eq!(result["resultType"], json!("complete"), "{result}");
    assert_eq!(
        result["content"],
        json!([{ "type": "text", "text": "tool-name received arg1=a" }])
    );
    server.finish();

    // The same on a connection that also went through the handshake.
    let mut server = Server::initialized();
    server.send_json(&json!({
        "jsonrpc": "2.0",
        "id": 1,
        "method": "prompts/list",
        "params": { "_meta": {
            "io.modelcontextprotocol/protocolVersion": "1999-01-01",
            "io.modelcontextprotocol/clientCapabilities": {}
        } }
    }));
    let error = server.expect_error(json!(1), -32022);
    assert_eq!(error["data"]["supported"], json!(supported));
    server.send_json(&json!({
        "jsonrpc": "2.0",
        "id": 2,
        "method": "tools/list",
        "params": { "_meta": { "io.modelcontextprotocol/protocolVersion": "2026-07-28" } }
    }));
    server.expect_error(json!(2), -32602);
    server.expect_serving(json!(3));
    server.finish();
}
