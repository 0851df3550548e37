//! What every request to the endpoint is checked for before it reaches a session: `Host` and
//! `Origin` (DNS rebinding), content negotiation, the body size.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, header};
use futures::StreamExt;

use super::respond::error_response;
use crate::types::ErrorCode;

/// Which `Host` headers the server answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Hosts {
    /// Decided by where the server listens: loopback addresses and `localhost` always; on
    /// another interface also any IP literal (no DNS rebinding goes through an address); and
    /// the names given with `server_names` (`name`, `name:port` or `name:*`). The default.
    Auto { names: Vec<String> },
    /// Any host: for a server behind a proxy that checks the host itself.
    Any,
    /// These hosts only: `name`, `name:port` or `name:*`.
    Only(Vec<String>),
}

/// The DNS-rebinding protection settings.
#[derive(Debug, Clone)]
pub(super) struct Guard {
    pub hosts: Hosts,
    /// Origins allowed besides same-origin ones: `scheme://host[:port]`, or `scheme://host:*`.
    pub origins: Vec<String>,
    pub enabled: bool,
}

impl Default for Guard {
    fn default() -> Self {
        Self {
            hosts: Hosts::Auto { names: Vec::new() },
            origins: Vec::new(),
            enabled: true,
        }
    }
}

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

/// The address a host names literally (`127.0.0.2`, `[::1]`), if it is one.
fn ip_literal(host: &str) -> Option<IpAddr> {
    match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => v6.parse::<Ipv6Addr>().ok().map(IpAddr::V6),
        None => host.parse::<Ipv4Addr>().ok().map(IpAddr::V4),
    }
}

/// Whether `ip` is a loopback address, an IPv4-mapped one (`::ffff:127.0.0.1`) included.
pub(super) fn is_loopback(ip: IpAddr) -> bool {
    ip.to_canonical().is_loopback()
}

/// Whether the host part of an authority is a loopback one: `localhost` or a loopback address.
fn is_loopback_host(host: &str) -> bool {
    let name = host.strip_suffix('.').unwrap_or(host);
    name.eq_ignore_ascii_case("localhost") || ip_literal(host).is_some_and(is_loopback)
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
    /// Whether `host` (a `Host` header) is answered; `public` when the server listens on an
    /// interface other than loopback.
    fn host_allowed(&self, host: &str, public: bool) -> bool {
        match &self.hosts {
            Hosts::Any => true,
            Hosts::Auto { names } => {
                let name = split_authority(host).0;
                match ip_literal(name) {
                    Some(ip) => public || is_loopback(ip),
                    None => {
                        is_loopback_host(name)
                            || names.iter().any(|pattern| matches_pattern(host, pattern))
                    }
                }
            }
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
        // Same origin: the page was served by this very host (which passed the host check).
        if host.is_some_and(|host| host.eq_ignore_ascii_case(authority)) {
            return true;
        }
        // A local tool (an inspector on another port) talking to the server on loopback.
        matches!(self.hosts, Hosts::Auto { .. })
            && is_loopback_host(split_authority(authority).0)
            && host.is_some_and(|host| is_loopback_host(split_authority(host).0))
    }

    /// Refuses a request whose `Host` or `Origin` is not allowed, with 403; `public` when the
    /// server listens on an interface other than loopback.
    pub(super) fn check(
        &self,
        headers: &HeaderMap,
        public: bool,
    ) -> Result<(), axum::response::Response> {
        if !self.enabled {
            return Ok(());
        }
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        if self.hosts != Hosts::Any {
            match host {
                Some(host) if self.host_allowed(host, public) => {}
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
                             the server operator can name it with HttpServerBuilder::server_names"
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

/// Reads the whole body, refusing one larger than `limit` bytes with 413, and one that takes
/// longer than `timeout` to arrive with 408 (and the end of the connection).
pub(super) async fn read_body(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
    timeout: Option<Duration>,
) -> Result<bytes::Bytes, axum::response::Response> {
    let Some(timeout) = timeout else {
        return read_body_within(headers, body, limit).await;
    };
    match tokio::time::timeout(timeout, read_body_within(headers, body, limit)).await {
        Ok(read) => read,
        Err(_) => {
            tracing::warn!("dropping a client that took longer than {timeout:?} to send a body");
            let mut response = error_response(
                StatusCode::REQUEST_TIMEOUT,
                ErrorCode::INVALID_REQUEST,
                format!(
                    "Request Timeout: the body did not arrive within {} s",
                    timeout.as_secs_f64()
                ),
                None,
            );
            response.headers_mut().insert(
                header::CONNECTION,
                axum::http::HeaderValue::from_static("close"),
            );
            Err(response)
        }
    }
}

async fn read_body_within(
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
        let ok = |pairs: &[(&str, &str)]| guard.check(&headers(pairs), false).is_ok();
        assert!(ok(&[("host", "127.0.0.1:8000")]));
        assert!(
            ok(&[("host", "127.0.0.2:8000")]),
            "all of 127/8 is loopback"
        );
        assert!(ok(&[("host", "localhost")]));
        assert!(ok(&[("host", "LOCALHOST.:1")]));
        assert!(ok(&[("host", "[::1]:9")]));
        assert!(ok(&[("host", "[::ffff:127.0.0.1]:9")]));
        assert!(!ok(&[("host", "evil.example:8000")]));
        assert!(!ok(&[("host", "127.0.0.1.evil.example")]));
        assert!(!ok(&[("host", "192.168.1.4:8000")]), "not on loopback");
        assert!(!ok(&[]));
        assert!(ok(&[
            ("host", "127.0.0.1:8000"),
            ("origin", "http://localhost:6274")
        ]));
        assert!(!ok(&[
            ("host", "127.0.0.1:8000"),
            ("origin", "http://evil.example")
        ]));
    }

    #[test]
    fn on_a_public_interface_only_addresses_and_named_hosts_pass() {
        let guard = Guard {
            hosts: Hosts::Auto {
                names: vec!["mcp.example.com".into()],
            },
            ..Guard::default()
        };
        let ok = |pairs: &[(&str, &str)]| guard.check(&headers(pairs), true).is_ok();
        // What a rebound page sends: its own name, as Host and Origin.
        assert!(!ok(&[
            ("host", "rebind.example:8000"),
            ("origin", "http://rebind.example:8000")
        ]));
        assert!(!ok(&[("host", "rebind.example:8000")]));
        assert!(ok(&[
            ("host", "203.0.113.7:8000"),
            ("origin", "http://203.0.113.7:8000")
        ]));
        assert!(ok(&[("host", "[2001:db8::1]:8000")]));
        assert!(ok(&[("host", "mcp.example.com")]));
        assert!(ok(&[
            ("host", "mcp.example.com:8000"),
            ("origin", "http://mcp.example.com:8000")
        ]));
        assert!(ok(&[("host", "localhost:8000")]));
        // A local page may call the server on loopback, not through its public address.
        assert!(ok(&[
            ("host", "127.0.0.1:8000"),
            ("origin", "http://localhost:3000")
        ]));
        assert!(!ok(&[
            ("host", "203.0.113.7:8000"),
            ("origin", "http://localhost:3000")
        ]));
    }

    #[test]
    fn public_hosts_allow_same_origin_and_listed_origins() {
        let guard = Guard {
            hosts: Hosts::Only(vec!["mcp.example.com".into(), "api.example.com:*".into()]),
            origins: vec!["https://app.example.com".into()],
            enabled: true,
        };
        let ok = |pairs: &[(&str, &str)]| guard.check(&headers(pairs), true).is_ok();
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
