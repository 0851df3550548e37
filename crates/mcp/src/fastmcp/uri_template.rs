//! URI templates (RFC 6570, the forms resource templates use): `{var}` matches one path segment,
//! `{+var}` matches anything, including `/`.

use std::collections::BTreeMap;
use std::fmt;

/// A parsed URI template such as `users://{user_id}/profile`.
///
/// ```
/// use mcp::fastmcp::UriTemplate;
/// let t = UriTemplate::parse("users://{user_id}/profile").unwrap();
/// assert_eq!(t.variables(), ["user_id"]);
/// let vars = t.matches("users://42/profile").unwrap();
/// assert_eq!(vars["user_id"], "42");
/// assert!(t.matches("users://42/settings").is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriTemplate {
    source: String,
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    /// A variable: its name, and whether it may span `/` (`{+name}`).
    Variable(String, bool),
}

/// Why a URI template could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriTemplateError(String);

impl fmt::Display for UriTemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UriTemplateError {}

impl UriTemplate {
    /// Parses a template.
    pub fn parse(source: &str) -> Result<Self, UriTemplateError> {
        let mut parts = Vec::new();
        let mut rest = source;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Literal(rest[..open].to_owned()));
            }
            let after = &rest[open + 1..];
            let close = after.find('}').ok_or_else(|| {
                UriTemplateError(format!("unclosed `{{` in URI template {source:?}"))
            })?;
            let expression = &after[..close];
            let (name, reserved) = match expression.strip_prefix('+') {
                Some(name) => (name, true),
                None => (expression, false),
            };
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(UriTemplateError(format!(
                    "`{{{expression}}}` in URI template {source:?}: a variable is letters, digits and `_`, optionally after `+`"
                )));
            }
            if matches!(parts.last(), Some(Part::Variable(..))) {
                return Err(UriTemplateError(format!(
                    "URI template {source:?} has two variables in a row: they cannot be told apart"
                )));
            }
            if parts
                .iter()
                .any(|p| matches!(p, Part::Variable(n, _) if n == name))
            {
                return Err(UriTemplateError(format!(
                    "URI template {source:?} names `{name}` twice"
                )));
            }
            parts.push(Part::Variable(name.to_owned(), reserved));
            rest = &after[close + 1..];
        }
        if rest.contains('}') {
            return Err(UriTemplateError(format!(
                "stray `}}` in URI template {source:?}"
            )));
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_owned()));
        }
        Ok(Self {
            source: source.to_owned(),
            parts,
        })
    }

    /// The template as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The names of the variables, in order.
    pub fn variables(&self) -> Vec<&str> {
        self.parts
            .iter()
            .filter_map(|p| match p {
                Part::Variable(name, _) => Some(name.as_str()),
                Part::Literal(_) => None,
            })
            .collect()
    }

    /// Matches a URI against the template; the variables' values, percent-decoded.
    pub fn matches(&self, uri: &str) -> Option<BTreeMap<String, String>> {
        let mut values = BTreeMap::new();
        let mut rest = uri;
        for (i, part) in self.parts.iter().enumerate() {
            match part {
                Part::Literal(literal) => rest = rest.strip_prefix(literal.as_str())?,
                Part::Variable(name, reserved) => {
                    // The value runs up to the next literal (or to the end).
                    let end = match self.parts.get(i + 1) {
                        Some(Part::Literal(next)) => rest.find(next.as_str())?,
                        _ => rest.len(),
                    };
                    let value = &rest[..end];
                    if value.is_empty() || (!reserved && value.contains('/')) {
                        return None;
                    }
                    values.insert(name.clone(), percent_decode(value)?);
                    rest = &rest[end..];
                }
            }
        }
        rest.is_empty().then_some(values)
    }

    /// The URI with the variables filled in (values percent-encoded where needed).
    pub fn expand(&self, values: &BTreeMap<String, String>) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(literal) => out.push_str(literal),
                Part::Variable(name, reserved) => {
                    out.push_str(&percent_encode(values.get(name)?, *reserved))
                }
            }
        }
        Some(out)
    }
}

impl fmt::Display for UriTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

fn percent_decode(value: &str) -> Option<String> {
    if !value.contains('%') {
        return Some(value.to_owned());
    }
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = value.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn percent_encode(value: &str, reserved: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'.' | b'_' | b'~')
            || (reserved && b":/?#[]@!$&'()*+,;=".contains(&byte));
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_segments_and_reserved_paths() {
        let t = UriTemplate::parse("file:///{+path}").unwrap();
        assert_eq!(t.matches("file:///a/b/c.txt").unwrap()["path"], "a/b/c.txt");
        let t = UriTemplate::parse("weather://{city}/{day}").unwrap();
        let v = t.matches("weather://New%20York/monday").unwrap();
        assert_eq!(v["city"], "New York");
        assert_eq!(v["day"], "monday");
        assert!(t.matches("weather://a/b/c").is_none());
        assert!(t.matches("weather:///monday").is_none());
        assert_eq!(t.expand(&v).unwrap(), "weather://New%20York/monday");
    }

    #[test]
    fn refuses_broken_templates() {
        assert!(UriTemplate::parse("a://{x").is_err());
        assert!(UriTemplate::parse("a://{x}{y}").is_err());
        assert!(UriTemplate::parse("a://{x}/{x}").is_err());
        assert!(UriTemplate::parse("a://{x y}").is_err());
        assert!(UriTemplate::parse("a://x}").is_err());
        assert_eq!(
            UriTemplate::parse("config://app")
                .unwrap()
                .variables()
                .len(),
            0
        );
    }
}
