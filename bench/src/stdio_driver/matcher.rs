//! Checking the server's responses at little cost per response.

use serde_json::Value;

/// Checks responses to `tools/call` of `echo` and extracts their ids.
///
/// The first response of each shape is parsed in full with `serde_json` and
/// checked: `"jsonrpc":"2.0"`, an integer `id`, no `error`, `result.isError`
/// not true, `result.content[0]` of type `text` whose `text` is the message.
/// Then the id's digits are located in the line (the one place where putting
/// another number there yields a valid response with that id, checked by
/// parsing the line with a substituted id), and the line minus its id becomes
/// a template. Later lines that are byte-for-byte the template with some
/// other decimal integer as id are therefore valid echo responses with that
/// id, and are accepted by two comparisons and a digit scan. Any other line
/// goes through the full check. So every response is checked, at a small cost
/// per response, which keeps the driver from being the bottleneck.
#[derive(Debug)]
pub struct ResponseMatcher {
    message: String,
    /// (prefix, suffix) around the id of validated response shapes.
    templates: Vec<(Vec<u8>, Vec<u8>)>,
    /// Lines that needed the full parse.
    slow_lines: u64,
}

/// What a line from the server was.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// A correct echo response with this id.
    Echo(u64),
    /// A notification or a request from the server: not for the benchmark.
    Other,
}

/// The most response shapes learned (more means the server varies its output
/// beyond the id; the rest are then checked in full).
const MAX_TEMPLATES: usize = 4;

impl ResponseMatcher {
    /// A matcher for responses echoing `message`.
    pub fn new(message: &str) -> Self {
        Self {
            message: message.to_owned(),
            templates: Vec::new(),
            slow_lines: 0,
        }
    }

    /// How many lines needed the full parse so far.
    pub fn slow_lines(&self) -> u64 {
        self.slow_lines
    }

    /// Classifies one line (without its newline); `Err` says what is wrong.
    pub fn check(&mut self, line: &[u8]) -> Result<Line, String> {
        for (prefix, suffix) in &self.templates {
            if line.len() > prefix.len() + suffix.len()
                && line.starts_with(prefix)
                && line.ends_with(suffix)
                && let Some(id) = parse_decimal(&line[prefix.len()..line.len() - suffix.len()])
            {
                return Ok(Line::Echo(id));
            }
        }
        self.slow_lines += 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let result = self.check_slow(line)?;
        if let Line::Echo(id) = result
            && self.templates.len() < MAX_TEMPLATES
        {
            self.learn(line, id);
        }
        Ok(result)
    }

    /// The full check of one line.
    fn check_slow(&self, line: &[u8]) -> Result<Line, String> {
        let value: Value = serde_json::from_slice(line)
            .map_err(|e| format!("invalid JSON from server ({e}): {}", show(line)))?;
        let Some(object) = value.as_object() else {
            return Err(format!("not a JSON object: {}", show(line)));
        };
        if object.contains_key("method") {
            return Ok(Line::Other);
        }
        if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
            return Err(format!("missing \"jsonrpc\":\"2.0\": {}", show(line)));
        }
        let Some(id) = object.get("id").and_then(Value::as_u64) else {
            return Err(format!("response without an integer id: {}", show(line)));
        };
        if let Some(error) = object.get("error") {
            return Err(format!("tools/call {id} failed: {error}"));
        }
        let Some(result) = object.get("result") else {
            return Err(format!("response without result: {}", show(line)));
        };
        if result.get("isError").and_then(Value::as_bool) == Some(true) {
            return Err(format!("tools/call {id} returned isError: {result}"));
        }
        let first = result.get("content").and_then(|c| c.get(0));
        let text = first
            .filter(|c| c.get("type").and_then(Value::as_str) == Some("text"))
            .and_then(|c| c.get("text"))
            .and_then(Value::as_str);
        if text != Some(self.message.as_str()) {
            return Err(format!(
                "tools/call {id} did not echo {:?}: {}",
                self.message,
                show(line)
            ));
        }
        Ok(Line::Echo(id))
    }

    /// Learns the template of a validated response line whose id is `id`.
    fn learn(&mut self, line: &[u8], id: u64) {
        // Different digit count and digits from any id the driver sends.
        const PROBE: u64 = 98_765_432_109_876;
        let digits = id.to_string();
        let digits = digits.as_bytes();
        let is_number_byte =
            |b: u8| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E');
        let mut found = None;
        for (at, window) in line.windows(digits.len()).enumerate() {
            if window != digits
                || (at > 0 && is_number_byte(line[at - 1]))
                || line
                    .get(at + digits.len())
                    .is_some_and(|&b| is_number_byte(b))
            {
                continue;
            }
            let (prefix, suffix) = (&line[..at], &line[at + digits.len()..]);
            let mut probe = prefix.to_vec();
            probe.extend_from_slice(PROBE.to_string().as_bytes());
            probe.extend_from_slice(suffix);
            if self.check_slow(&probe) == Ok(Line::Echo(PROBE)) {
                if found.is_some() {
                    // Ambiguous: keep checking such lines in full.
                    return;
                }
                found = Some((prefix.to_vec(), suffix.to_vec()));
            }
        }
        if let Some(template) = found {
            self.templates.push(template);
        }
    }
}

/// Parses a canonical decimal integer (no sign, no leading zero).
fn parse_decimal(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 19 || (digits[0] == b'0' && digits.len() > 1) {
        return None;
    }
    let mut value: u64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value * 10 + u64::from(b - b'0');
    }
    Some(value)
}

/// A line, shortened for error messages.
fn show(line: &[u8]) -> String {
    const MAX: usize = 300;
    let text = String::from_utf8_lossy(&line[..line.len().min(MAX)]);
    if line.len() > MAX {
        format!("{text}… ({} bytes)", line.len())
    } else {
        text.into_owned()
    }
}

/// What the handshake told about the server.
#[derive(Clone, Debug, Default)]
pub(super) struct Handshake {
    /// `result.protocolVersion`.
    pub(super) protocol_version: String,
    /// `result.serverInfo.name` and `.version`.
    pub(super) server_info: String,
}

/// Checks the `initialize` response (id 0).
pub(super) fn check_initialize(line: &[u8]) -> Result<Option<Handshake>, String> {
    let value: Value = serde_json::from_slice(line)
        .map_err(|e| format!("invalid JSON from server ({e}): {}", show(line)))?;
    if value.get("method").is_some() {
        // A notification (e.g. a log message) before the result.
        return Ok(None);
    }
    if value.get("id").and_then(Value::as_u64) != Some(0) {
        return Err(format!("expected the initialize response: {}", show(line)));
    }
    if let Some(error) = value.get("error") {
        return Err(format!("initialize failed: {error}"));
    }
    let result = value
        .get("result")
        .ok_or_else(|| format!("initialize response without result: {}", show(line)))?;
    let protocol_version = result
        .get("protocolVersion")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("initialize result without protocolVersion: {}", show(line)))?;
    if result.pointer("/capabilities/tools").is_none() {
        return Err(format!(
            "the server does not offer the tools capability: {}",
            show(line)
        ));
    }
    let info = result.get("serverInfo");
    let field = |name| {
        info.and_then(|i| i.get(name))
            .and_then(Value::as_str)
            .unwrap_or("?")
    };
    Ok(Some(Handshake {
        protocol_version: protocol_version.to_owned(),
        server_info: format!("{} {}", field("name"), field("version")),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &[u8] =
        br#"{"jsonrpc":"2.0","id":17,"result":{"content":[{"type":"text","text":"hello world"}]}}"#;

    #[test]
    fn learns_a_template_and_uses_it() {
        let mut matcher = ResponseMatcher::new("hello world");
        assert_eq!(matcher.check(OK), Ok(Line::Echo(17)));
        assert_eq!(matcher.slow_lines(), 1);
        let other = br#"{"jsonrpc":"2.0","id":123456,"result":{"content":[{"type":"text","text":"hello world"}]}}"#;
        assert_eq!(matcher.check(other), Ok(Line::Echo(123456)));
        assert_eq!(matcher.slow_lines(), 1);
    }

    #[test]
    fn rejects_wrong_echoes_and_errors() {
        let mut matcher = ResponseMatcher::new("hello world");
        assert_eq!(matcher.check(OK), Ok(Line::Echo(17)));
        let wrong =
            br#"{"jsonrpc":"2.0","id":18,"result":{"content":[{"type":"text","text":"hello"}]}}"#;
        assert!(matcher.check(wrong).is_err());
        let error = br#"{"jsonrpc":"2.0","id":19,"error":{"code":-32601,"message":"no"}}"#;
        assert!(matcher.check(error).is_err());
        let is_error = br#"{"jsonrpc":"2.0","id":20,"result":{"content":[{"type":"text","text":"hello world"}],"isError":true}}"#;
        assert!(matcher.check(is_error).is_err());
        let leading_zero = br#"{"jsonrpc":"2.0","id":017,"result":{"content":[{"type":"text","text":"hello world"}]}}"#;
        assert!(matcher.check(leading_zero).is_err());
        let notification = br#"{"jsonrpc":"2.0","method":"notifications/message","params":{}}"#;
        assert_eq!(matcher.check(notification), Ok(Line::Other));
    }

    #[test]
    fn does_not_take_digits_in_the_text_for_the_id() {
        let mut matcher = ResponseMatcher::new("7");
        let line = br#"{"jsonrpc":"2.0","id":7,"result":{"content":[{"type":"text","text":"7"}]}}"#;
        assert_eq!(matcher.check(line), Ok(Line::Echo(7)));
        let next = br#"{"jsonrpc":"2.0","id":8,"result":{"content":[{"type":"text","text":"7"}]}}"#;
        assert_eq!(matcher.check(next), Ok(Line::Echo(8)));
        assert_eq!(matcher.slow_lines(), 1);
        let changed =
            br#"{"jsonrpc":"2.0","id":7,"result":{"content":[{"type":"text","text":"8"}]}}"#;
        assert!(matcher.check(changed).is_err());
    }

    #[test]
    fn parses_canonical_decimals_only() {
        for value in [0, 7, 10, 1234567890, 9_999_999_999_999_999_999] {
            assert_eq!(parse_decimal(value.to_string().as_bytes()), Some(value));
        }
        assert_eq!(parse_decimal(b""), None);
        assert_eq!(parse_decimal(b"01"), None);
        assert_eq!(parse_decimal(b"-1"), None);
        assert_eq!(parse_decimal(b"1.0"), None);
        assert_eq!(parse_decimal(u64::MAX.to_string().as_bytes()), None);
    }

    #[test]
    fn checks_the_initialize_result() {
        let ok = br#"{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-11-25","capabilities":{"tools":{}},"serverInfo":{"name":"x","version":"1"}}}"#;
        let handshake = check_initialize(ok).unwrap().unwrap();
        assert_eq!(handshake.protocol_version, "2025-11-25");
        assert_eq!(handshake.server_info, "x 1");
        let log = br#"{"jsonrpc":"2.0","method":"notifications/message","params":{}}"#;
        assert!(check_initialize(log).unwrap().is_none());
        let no_tools = br#"{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-11-25","capabilities":{}}}"#;
        assert!(check_initialize(no_tools).is_err());
    }
}
