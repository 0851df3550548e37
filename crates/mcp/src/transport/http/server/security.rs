//! What every request to the endpoint is checked for before it reaches a session: `Host` and
//! `Origin` (DNS rebinding), content negotiation, the body size.

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, header};
use futures::StreamExt;

use super::respond::error_response;
use crate::types::ErrorCode;

/// Which `Host` headers the server answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Hosts {
    /// `localhost`, `127.0.0.1` and `[::1]`, any port: right for a server on the loopback
    /// interface, the default.
    Loopback,
    /// Any host: for a server behind a proxy or on a public interface, where the `Origin` check
    /// and authentication protect it.
    Any,
    /// These hosts: `name`, `name:port` or `name:*`.
    Only(Vec<String>),
}

/// The DNS-rebinding protection settings.
#[derive(Debug, Clone)]
pub(super) struct Guard {
    pub hosts: Hosts,
    /// Set when the hosts were chosen explicitly (so `run` on a public address keeps them).
    pub hosts_explicit: bool,
    /// Origins allowed besides same-origin ones: `scheme://host[:port]`, or `scheme://host:*`.
    pub origins: Vec<String>,
    pub enabled: bool,
}

impl Default for Guard {
    fn default() -> Self {
        Self {
            hosts: Hosts::Loopback,
            hosts_explicit: false,
            origins: Vec::new(),
            enabled: true,
        }
    }
}

const LOOPBACK: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

/// Splits `host[:port]` (with an IPv6 literal in brackets) into its host and port.
fn split_authority(authority: &str) -> (&str, Option<&str>) {
    if authority.starts_with('[') {
        match authority.find(']') {
            Some(end) => {
                let port = authority[end + 1..].strip_prefix(':');
                (&authority[..=end], port)
            }
            None => (authority, None),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    }
}

fn matches_pattern(value: &str, pattern: &str) -> bool {
    if value.eq_ignore_ascii_case(pattern) {
        return true;
    }
    match pattern.strip_suffix(":*") {
        Some(base) => {
            value.len() > base.len()
                && value[..base.len()].eq_ignore_ascii_case(base)
                && value.as_bytes()[base.len()] == b':'
        }
        None => {
            // A pattern without a port allows the name on any port.
            !pattern.contains(':') && split_authority(value).0.eq_ignore_ascii_case(pattern)
        }
    }
}

impl Guard {
    fn host_allowed(&self, host: &str) -> bool {
        match &self.hosts {
            Hosts::Any => true,
            Hosts::Loopback => LOOPBACK
                .iter()
                .any(|name| split_authority(host).0.eq_ignore_ascii_case(name)),
            Hosts::Only(list) => list.iter().any(|pattern| matches_pattern(host, pattern)),
        }
    }

    fn origin_allowed(&self, origin: &str, host: Option<&str>) -> bool {
        if self
            .origins
            .iter()
            .any(|pattern| matches_pattern(origin, pattern))
        {
            return true;
        }
        let Some((_, authority)) = origin.split_once("://") else {
            return false;
        };
        // Same origin: the page was served by this very host.
        if host.is_some_and(|host| host.eq_ignore_ascii_case(authority)) {
            return true;
        }
        // A local tool (an inspector on another port) talking to a local server.
        self.hosts == Hosts::Loopback
            && LOOPBACK
                .iter()
                .any(|name| split_authority(authority).0.eq_ignore_ascii_case(name))
    }

    /// Refuses a request whose `Host` or `Origin` is not allowed, with 403.
    pub(super) fn check(&self, headers: &HeaderMap) -> Result<(), axum::response::Response> {
        if !self.enabled {
            return Ok(());
        }
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        if self.hosts != Hosts::Any {
            match host {
                Some(host) if self.host_allowed(host) => {}
                Some(host) => {
                    tracing::warn!(
                        host,
                        "refused a request for a host this server does not serve"
                    );
                    return Err(error_response(
                        StatusCode::FORBIDDEN,
                        ErrorCode::INVALID_REQUEST,
                        format!(
                            "Forbidden: host `{host}` is not allowed (DNS rebinding protection); \
                             the server operator can allow it with HttpServerBuilder::allowed_hosts"
                        ),
                        None,
                    ));
                }
                None => {
                    return Err(error_response(
                        StatusCode::FORBIDDEN,
                        ErrorCode::INVALID_REQUEST,
                        "Forbidden: the request has no valid Host header",
                        None,
                    ));
                }
            }
        }
        if let Some(origin) = headers.get(header::ORIGIN) {
            let allowed = origin
                .to_str()
                .is_ok_and(|origin| self.origin_allowed(origin, host));
            if !allowed {
                let origin = String::from_utf8_lossy(origin.as_bytes());
                tracing::warn!(%origin, "refused a request from a foreign origin");
                return Err(error_response(
                    StatusCode::FORBIDDEN,
                    ErrorCode::INVALID_REQUEST,
                    format!(
                        "Forbidden: origin `{origin}` is not allowed (DNS rebinding protection); \
                         the server operator can allow it with HttpServerBuilder::allowed_origins"
                    ),
                    None,
                ));
            }
        }
        Ok(())
    }
}

/// Whether the request accepts JSON and whether it accepts an event stream (`*/*`,
/// `application/*` and `text/*` count).
pub(super) fn accepts(headers: &HeaderMap) -> (bool, bool) {
    let mut json = false;
    let mut sse = false;
    for value in headers.get_all(header::ACCEPT) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let media = item.split(';').next().unwrap_or("").trim();
            let is = |t: &str| media.eq_ignore_ascii_case(t);
            json |= is("application/json") || is("application/*") || is("*/*");
            sse |= is("text/event-stream") || is("text/*") || is("*/*");
        }
    }
    (json, sse)
}

/// Whether the body is declared as JSON.
pub(super) fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

/// Reads the whole body, refusing one larger than `limit` bytes with 413.
pub(super) async fn read_body(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<bytes::Bytes, axum::response::Response> {
    let too_large = |size: Option<u64>| {
        error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::INVALID_REQUEST,
            format!(
                "Payload Too Large: the body{} is larger than this server's limit of {limit} bytes",
                size.map(|s| format!(" of {s} bytes")).unwrap_or_default()
            ),
            None,
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|size| size > limit as u64) {
        return Err(too_large(declared));
    }
    let mut stream = body.into_data_stream();
    let mut first: Option<bytes::Bytes> = None;
    let mut rest: Vec<u8> = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            error_response(
                StatusCode::BAD_REQUEST,
                ErrorCode::INVALID_REQUEST,
                format!("Bad Request: the body could not be read: {e}"),
                None,
            )
        })?;
        let size = first.as_ref().map_or(0, |f| f.len()) + rest.len() + chunk.len();
        if size > limit {
            return Err(too_large(None));
        }
        match &first {
            None => first = Some(chunk),
            Some(f) => {
                if rest.is_empty() {
                    rest.extend_from_slice(f);
                }
                rest.extend_from_slice(&chunk);
            }
        }
    }
    Ok(if rest.is_empty() {
        first.unwrap_or_default()
    } else {
        rest.into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        map
    }

    #[test]
    fn loopback_hosts_and_origins() {
        let guard = Guard::default();
        assert!(guard.check(&headers(&[("host", "127.0.0.1:8000")])).is_ok());
        assert!(guard.check(&headers(&[("host", "localhost")])).is_ok());
        assert!(guard.check(&headers(&[("host", "[::1]:9")])).is_ok());
        assert!(
            guard
                .check(&headers(&[("host", "evil.example:8000")]))
                .is_err()
        );
        assert!(guard.check(&headers(&[])).is_err());
        assert!(
            guard
                .check(&headers(&[
                    ("host", "127.0.0.1:8000"),
                    ("origin", "http://localhost:6274")
                ]))
                .is_ok()
        );
        assert!(
            guard
                .check(&headers(&[
                    ("host", "127.0.0.1:8000"),
                    ("origin", "http://evil.example")
                ]))
                .is_err()
        );
    }

    #[test]
    fn public_hosts_allow_same_origin_and_listed_origins() {
        let guard = Guard {
            hosts: Hosts::Only(vec!["mcp.example.com".into(), "api.example.com:*".into()]),
            hosts_explicit: true,
            origins: vec!["https://app.example.com".into()],
            enabled: true,
        };
        let ok = |pairs: &[(&str, &str)]| guard.check(&headers(pairs)).is_ok();
        assert!(ok(&[("host", "mcp.example.com")]));
        assert!(ok(&[("host", "mcp.example.com:443")]));
        assert!(ok(&[("host", "api.example.com:8443")]));
        assert!(!ok(&[("host", "api.example.com")]));
        assert!(ok(&[
            ("host", "mcp.example.com"),
            ("origin", "https://mcp.example.com")
        ]));
        assert!(ok(&[
            ("host", "mcp.example.com"),
            ("origin", "https://app.example.com")
        ]));
        assert!(!ok(&[
            ("host", "mcp.example.com"),
            ("origin", "http://localhost:3000")
        ]));
    }

    #[test]
    fn accept_with_wildcards() {
        assert_eq!(
            accepts(&headers(&[(
                "accept",
                "application/json, text/event-stream"
            )])),
            (true, true)
        );
        assert_eq!(accepts(&headers(&[("accept", "*/*")])), (true, true));
        assert_eq!(
            accepts(&headers(&[("accept", "application/json;q=0.9")])),
            (true, false)
        );
        assert_eq!(accepts(&headers(&[])), (false, false));
    }
}
