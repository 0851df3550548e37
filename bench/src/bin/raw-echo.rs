//! `raw-echo`: the floor of the stdio benchmark.
//!
//! A hand-written MCP server with no MCP library at all, serving one tool,
//! `echo(message: string)`, over newline-delimited JSON on stdin/stdout. It is
//! as fast as plain `std` reasonably allows, so that the other servers can be
//! compared against the cost of the pipe and of parsing JSON alone:
//!
//! - one thread, blocking I/O on the raw stdin/stdout descriptors (no `Stdin`
//!   or `Stdout` locks, no `LineWriter`), 1 MiB buffers;
//! - every complete line in a read is answered into one output buffer, which is
//!   written with a single `write` once the input read so far is used up, so a
//!   burst of pipelined requests costs one read and one write;
//! - each line is parsed by `serde_json` into borrowed structs that keep only
//!   the `id` (verbatim), the `method` and the fields the answer needs.
//!
//! With `--tokio` the same loop runs on tokio instead (the default multi-thread runtime, stdin
//! and stdout as non-blocking pipes driven by the reactor, as an async MCP server does): the
//! floor of an async server, which pays for readiness polling and the scheduler.
//!
//! It answers `initialize` (with a minimal, valid `InitializeResult`), `ping`,
//! `tools/list` and `tools/call`; notifications and responses are ignored and
//! other requests get a JSON-RPC "method not found" error. It exits on EOF.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::AsFd;

use serde::Deserialize;
use serde_json::value::RawValue;

/// Protocol versions this server speaks; the newest is offered when the
/// client asks for one it does not know.
const PROTOCOL_VERSIONS: [&str; 4] = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

/// Buffer sizes for input and output.
const BUFFER: usize = 1 << 20;

/// One incoming JSON-RPC message, as much of it as this server needs.
#[derive(Deserialize)]
struct Message<'a> {
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    method: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    params: Option<Params<'a>>,
}

/// The fields of `initialize` and `tools/call` params that matter here.
#[derive(Deserialize)]
struct Params<'a> {
    #[serde(borrow, default, rename = "protocolVersion")]
    protocol_version: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    arguments: Option<Arguments<'a>>,
}

/// The arguments of a `tools/call` of `echo`.
#[derive(Deserialize)]
struct Arguments<'a> {
    #[serde(borrow, default)]
    message: Option<Cow<'a, str>>,
}

/// Just the id, to answer a message that the full parse rejected.
#[derive(Deserialize)]
struct IdOnly<'a> {
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
}

fn main() {
    let result = if std::env::args().nth(1).as_deref() == Some("--tokio") {
        serve_tokio()
    } else {
        serve()
    };
    if let Err(error) = result {
        // A closed stdout means the client is gone: nothing left to do.
        if error.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("raw-echo: {error}");
            std::process::exit(1);
        }
    }
}

/// The input buffer: unconsumed bytes are `buf[start..end]`.
struct Lines {
    buf: Vec<u8>,
    start: usize,
    end: usize,
}

impl Lines {
    fn new() -> Self {
        Self {
            buf: vec![0u8; BUFFER],
            start: 0,
            end: 0,
        }
    }

    /// Room for the next read, after moving the unconsumed bytes to the front.
    fn space(&mut self) -> &mut [u8] {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            // One line longer than the buffer: grow it.
            self.buf.resize(self.buf.len() * 2, 0);
        }
        &mut self.buf[self.end..]
    }

    /// Answers every line completed by the `read` new bytes.
    fn answer(&mut self, read: usize, out: &mut Vec<u8>) {
        // Only the new bytes can hold the next newline.
        let mut scan = self.end;
        self.end += read;
        while let Some(offset) = memchr::memchr(b'\n', &self.buf[scan..self.end]) {
            let line_end = scan + offset;
            handle(&self.buf[self.start..line_end], out);
            self.start = line_end + 1;
            scan = self.start;
        }
    }

    /// At end of input: a last line without a newline still counts.
    fn finish(&mut self, out: &mut Vec<u8>) {
        if self.start < self.end {
            handle(&self.buf[self.start..self.end], out);
        }
    }
}

fn serve() -> io::Result<()> {
    // Own descriptors (dups of 0 and 1) so that reads and writes go straight to
    // the pipes, without std's stdin buffer, locks or line buffering.
    let mut input = File::from(io::stdin().as_fd().try_clone_to_owned()?);
    let mut output = File::from(io::stdout().as_fd().try_clone_to_owned()?);
    let mut lines = Lines::new();
    let mut out = Vec::with_capacity(BUFFER);
    loop {
        let read = match input.read(lines.space()) {
            Ok(read) => read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if read == 0 {
            lines.finish(&mut out);
            return output.write_all(&out);
        }
        lines.answer(read, &mut out);
        if !out.is_empty() {
            output.write_all(&out)?;
            out.clear();
        }
    }
}

/// The same loop on tokio: non-blocking pipes on the multi-thread runtime, in a task of its
/// own (on a worker thread next to the reactor, not on the thread that blocks on the runtime).
fn serve_tokio() -> io::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async { tokio::spawn(echo_loop_tokio()).await? })
}

async fn echo_loop_tokio() -> io::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::unix::pipe;

    let mut input =
        pipe::Receiver::from_file(File::from(io::stdin().as_fd().try_clone_to_owned()?))?;
    let mut output =
        pipe::Sender::from_file(File::from(io::stdout().as_fd().try_clone_to_owned()?))?;
    let mut lines = Lines::new();
    let mut out = Vec::with_capacity(BUFFER);
    loop {
        let read = input.read(lines.space()).await?;
        if read == 0 {
            lines.finish(&mut out);
            return output.write_all(&out).await;
        }
        lines.answer(read, &mut out);
        if !out.is_empty() {
            output.write_all(&out).await?;
            out.clear();
        }
    }
}

/// Answers one line into `out`.
fn handle(line: &[u8], out: &mut Vec<u8>) {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.iter().all(u8::is_ascii_whitespace) {
        return;
    }
    let message: Message = match serde_json::from_slice(line) {
        Ok(message) => message,
        Err(_) => {
            match serde_json::from_slice::<IdOnly>(line) {
                // Well-formed JSON of the wrong shape.
                Ok(IdOnly { id: Some(id) }) => error(out, id.get(), -32600, "Invalid request"),
                Ok(IdOnly { id: None }) => {}
                // Not JSON at all: answer once, with a null id.
                Err(_) => error(out, "null", -32700, "Parse error"),
            }
            return;
        }
    };
    // Notifications (no id) and responses (no method) need no answer.
    let (Some(id), Some(method)) = (message.id, message.method) else {
        return;
    };
    let id = id.get();
    match &*method {
        "tools/call" => {
            let params = message.params;
            let (Some(name), Some(message)) = (
                params.as_ref().and_then(|p| p.name.as_deref()),
                params
                    .as_ref()
                    .and_then(|p| p.arguments.as_ref())
                    .and_then(|a| a.message.as_ref()),
            ) else {
                error(
                    out,
                    id,
                    -32602,
                    "Invalid params: expected name and arguments.message",
                );
                return;
            };
            if name != "echo" {
                error(out, id, -32602, "Unknown tool");
                return;
            }
            start_result(out, id);
            out.extend_from_slice(br#"{"content":[{"type":"text","text":"#);
            json_string(out, message);
            out.extend_from_slice(b"}]}}\n");
        }
        "initialize" => {
            let requested = message
                .params
                .as_ref()
                .and_then(|p| p.protocol_version.as_deref());
            let version = PROTOCOL_VERSIONS
                .iter()
                .find(|v| Some(**v) == requested)
                .unwrap_or(&PROTOCOL_VERSIONS[0]);
            start_result(out, id);
            out.extend_from_slice(br#"{"protocolVersion":""#);
            out.extend_from_slice(version.as_bytes());
            out.extend_from_slice(
                br#"","capabilities":{"tools":{}},"serverInfo":{"name":"raw-echo","version":"0.1.0"}}}"#,
            );
            out.push(b'\n');
        }
        "ping" => {
            start_result(out, id);
            out.extend_from_slice(b"{}}\n");
        }
        "tools/list" => {
            start_result(out, id);
            out.extend_from_slice(
                br#"{"tools":[{"name":"echo","description":"Echo the message back","inputSchema":{"type":"object","properties":{"message":{"type":"string"}},"required":["message"]}}]}}"#,
            );
            out.push(b'\n');
        }
        _ => error(out, id, -32601, "Method not found"),
    }
}

/// Writes `{"jsonrpc":"2.0","id":<id>,"result":` into `out`.
fn start_result(out: &mut Vec<u8>, id: &str) {
    out.extend_from_slice(br#"{"jsonrpc":"2.0","id":"#);
    out.extend_from_slice(id.as_bytes());
    out.extend_from_slice(br#","result":"#);
}

/// Writes a whole JSON-RPC error response line into `out`.
fn error(out: &mut Vec<u8>, id: &str, code: i32, message: &str) {
    out.extend_from_slice(br#"{"jsonrpc":"2.0","id":"#);
    out.extend_from_slice(id.as_bytes());
    out.extend_from_slice(br#","error":{"code":"#);
    out.extend_from_slice(code.to_string().as_bytes());
    out.extend_from_slice(br#","message":"#);
    json_string(out, message);
    out.extend_from_slice(b"}}\n");
}

/// Writes `value` as a JSON string.
fn json_string(out: &mut Vec<u8>, value: &str) {
    if value.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        // The common case (and every string that arrived without escapes):
        // the bytes are already a valid JSON string body.
        out.push(b'"');
        out.extend_from_slice(value.as_bytes());
        out.push(b'"');
    } else {
        serde_json::to_writer(&mut *out, value).expect("writing to a Vec cannot fail");
    }
}
