//! The `Bearer` (RFC 6750 §3, RFC 9728 §5.1) or `DPoP` (RFC 9449 §7.1) challenge of a
//! `WWW-Authenticate` header.

/// What a `Bearer` or `DPoP` challenge asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BearerChallenge {
    /// `resource_metadata`: where the protected resource metadata is (RFC 9728).
    pub resource_metadata: Option<String>,
    /// `scope`: the scopes the request needs, space-separated.
    pub scope: Option<String>,
    /// `error`: `invalid_token`, `insufficient_scope`, ...
    pub error: Option<String>,
}

impl BearerChallenge {
    /// Reads the `Bearer` and `DPoP` challenges of a `WWW-Authenticate` value (the first
    /// value of each parameter wins); other schemes' parameters are ignored, and a value
    /// without such a challenge gives an empty one.
    pub fn parse(header: &str) -> Self {
        let mut challenge = Self::default();
        let mut in_bearer = false;
        for (scheme, name, value) in Params::new(header) {
            if let Some(scheme) = scheme {
                in_bearer =
                    scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("dpop");
            }
            let (Some(name), true) = (name, in_bearer) else {
                continue;
            };
            let slot = match name.to_ascii_lowercase().as_str() {
                "resource_metadata" => &mut challenge.resource_metadata,
                "scope" => &mut challenge.scope,
                "error" => &mut challenge.error,
                _ => continue,
            };
            slot.get_or_insert(value);
        }
        challenge
    }

    /// The scopes asked for, one by one.
    pub fn scopes(&self) -> Vec<String> {
        split_scopes(self.scope.as_deref())
    }
}

/// Splits a space-separated scope string.
pub(crate) fn split_scopes(scope: Option<&str>) -> Vec<String> {
    scope
        .unwrap_or_default()
        .split_ascii_whitespace()
        .map(str::to_owned)
        .collect()
}

/// The items of a challenge list: a new scheme (with its first parameter, if any), or a
/// further parameter of the current scheme.
struct Params<'a> {
    rest: &'a str,
}

impl<'a> Params<'a> {
    fn new(header: &'a str) -> Self {
        Self { rest: header }
    }

    fn token(&mut self) -> &'a str {
        let end = self
            .rest
            .find(|c: char| c == '=' || c == ',' || c.is_ascii_whitespace())
            .unwrap_or(self.rest.len());
        let (token, rest) = self.rest.split_at(end);
        self.rest = rest;
        token
    }

    fn value(&mut self) -> String {
        let rest = self.rest.trim_start();
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, escaped)) = chars.next() {
                            value.push(escaped);
                        }
                    }
                    '"' => {
                        self.rest = &quoted[i + 1..];
                        return value;
                    }
                    c => value.push(c),
                }
            }
            self.rest = "";
            value
        } else {
            self.rest = rest;
            let end = rest.find(',').unwrap_or(rest.len());
            let value = rest[..end].trim().to_owned();
            self.rest = &rest[end..];
            value
        }
    }
}

impl Iterator for Params<'_> {
    /// (a new scheme, a parameter name, its value)
    type Item = (Option<String>, Option<String>, String);

    fn next(&mut self) -> Option<Self::Item> {
        self.rest = self
            .rest
            .trim_start_matches(|c: char| c == ',' || c.is_ascii_whitespace());
        if self.rest.is_empty() {
            return None;
        }
        let first = self.token();
        if first.is_empty() {
            // A stray character: skip it.
            self.rest = &self.rest[1..];
            return self.next();
        }
        let after = self.rest.trim_start();
        if after.starts_with('=') && !after.starts_with("==") {
            self.rest = &after[1..];
            let value = self.value();
            return Some((None, Some(first.to_owned()), value));
        }
        // `first` is a scheme; a parameter may follow on the same item.
        self.rest = after;
        if self.rest.is_empty() || self.rest.starts_with(',') {
            return Some((Some(first.to_owned()), None, String::new()));
        }
        let save = self.rest;
        let name = self.token();
        let after = self.rest.trim_start();
        if !name.is_empty() && after.starts_with('=') {
            self.rest = &after[1..];
            let value = self.value();
            return Some((Some(first.to_owned()), Some(name.to_owned()), value));
        }
        // A token68 credential (`Basic abc==`): no parameters.
        self.rest = save;
        let end = self.rest.find(',').unwrap_or(self.rest.len());
        self.rest = &self.rest[end..];
        Some((Some(first.to_owned()), None, String::new()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bearer_parameters() {
        let c = BearerChallenge::parse(
            r#"Bearer error="insufficient_scope", scope="mcp:admin mcp:read", resource_metadata="http://localhost:3000/.well-known/oauth-protected-resource/mcp", error_description="never, ever""#,
        );
        assert_eq!(c.error.as_deref(), Some("insufficient_scope"));
        assert_eq!(c.scopes(), ["mcp:admin", "mcp:read"]);
        assert_eq!(
            c.resource_metadata.as_deref(),
            Some("http://localhost:3000/.well-known/oauth-protected-resource/mcp")
        );
    }

    #[test]
    fn ignores_other_schemes_and_reads_tokens() {
        let c = BearerChallenge::parse(
            r#"Basic realm="x", Bearer realm="y", scope=read, error="invalid_token""#,
        );
        assert_eq!(c.scope.as_deref(), Some("read"));
        assert_eq!(c.error.as_deref(), Some("invalid_token"));
        let c = BearerChallenge::parse(r#"Basic scope="nope""#);
        assert_eq!(c, BearerChallenge::default());
        let c = BearerChallenge::parse("Bearer");
        assert_eq!(c, BearerChallenge::default());
        let c = BearerChallenge::parse(r#"Bearer scope="a \"b\"""#);
        assert_eq!(c.scope.as_deref(), Some(r#"a "b""#));
    }

    #[test]
    fn reads_dpop_challenges() {
        let c = BearerChallenge::parse(
            r#"DPoP error="use_dpop_nonce", resource_metadata="http://localhost:3000/.well-known/oauth-protected-resource/mcp""#,
        );
        assert_eq!(c.error.as_deref(), Some("use_dpop_nonce"));
        assert!(c.resource_metadata.is_some());
        let c = BearerChallenge::parse(r#"DPoP algs="ES256 PS256", Bearer scope="read""#);
        assert_eq!(c.scope.as_deref(), Some("read"));
    }
}
