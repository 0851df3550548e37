//! Who may talk to the backend. The official inspector's proxy once let any web page run
//! commands on the developer's machine (CVE-2025-49596); here every request passes, in order:
//!
//! 1. the `Host` check: only the names the listener really has (DNS rebinding gets a foreign
//!    name through, so it is refused);
//! 2. the `Origin` check: a request a browser marks as coming from another origin (including
//!    `null`) is refused, and no CORS header is ever sent, so no other origin can read an
//!    answer;
//! 3. for `/api/`, the token: a random secret per run, given to the user in the URL's
//!    fragment (which browsers never send) and sent back by the page as `Authorization:
//!    Bearer …`, compared in constant time. Nothing served without the token contains it.

use std::net::{IpAddr, SocketAddr};

use axum::http::{HeaderMap, header};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::TryRngCore;
use subtle::ConstantTimeEq;

/// A fresh random token: 32 bytes from the operating system's generator, base64url.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .expect("the operating system's random generator works");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the listener accepts.
#[derive(Debug, Clone)]
pub struct Gate {
    token: String,
    hosts: Vec<String>,
    any_ip_host: bool,
    port: u16,
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The `Host` header names no address of this listener.
    Host,
    /// The request came from another origin.
    Origin,
    /// The token is missing or wrong.
    Token,
}

impl Refusal {
    /// A sentence for the response body.
    pub fn message(self) -> &'static str {
        match self {
            Refusal::Host => {
                "refused: the Host header does not name this inspector (DNS rebinding protection)"
            }
            Refusal::Origin => "refused: the request comes from another origin",
            Refusal::Token => {
                "refused: this needs the inspector's token (open the URL mcp dev printed)"
            }
        }
    }
}

impl Gate {
    /// The gate of a listener on `addr`. `any_ip_host` also accepts any IP literal as the
    /// `Host` (for a listener on a non-loopback address: IP literals cannot be rebound).
    pub fn new(token: String, addr: SocketAddr, any_ip_host: bool) -> Self {
        let port = addr.port();
        let mut hosts = vec![format!("localhost:{port}")];
        hosts.push(match addr.ip() {
            IpAddr::V4(ip) => format!("{ip}:{port}"),
            IpAddr::V6(ip) => format!("[{ip}]:{port}"),
        });
        if addr.ip().is_loopback() || addr.ip().is_unspecified() {
            hosts.push(format!("127.0.0.1:{port}"));
            hosts.push(format!("[::1]:{port}"));
        }
        hosts.dedup();
        Self {
            token,
            hosts,
            any_ip_host,
            port,
        }
    }

    /// The token.
    pub fn token(&self) -> &str {
        &self.token
    }

    fn host_allowed(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        if self.hosts.contains(&host) {
            return true;
        }
        if !self.any_ip_host {
            return false;
        }
        // An IP literal with our port: `1.2.3.4:port` or `[v6]:port`.
        let Some((name, port)) = host.rsplit_once(':') else {
            return false;
        };
        port.parse() == Ok(self.port)
            && name
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>()
                .is_ok()
    }

    /// Checks the `Host` of a request.
    pub fn check_host<'h>(&self, headers: &'h HeaderMap) -> Result<&'h str, Refusal> {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .ok_or(Refusal::Host)?;
        if self.host_allowed(host) {
            Ok(host)
        } else {
            Err(Refusal::Host)
        }
    }

    /// Checks the `Host` and `Origin` of any request.
    pub fn check_origin(&self, headers: &HeaderMap) -> Result<(), Refusal> {
        let host = self.check_host(headers)?;
        if let Some(origin) = headers.get(header::ORIGIN) {
            let origin = origin.to_str().map_err(|_| Refusal::Origin)?;
            let same = origin
                .strip_prefix("http://")
                .is_some_and(|rest| rest.eq_ignore_ascii_case(host));
            if !same {
                return Err(Refusal::Origin);
            }
        }
        // Browsers say where a request comes from even when they leave out Origin.
        if let Some(site) = headers.get("sec-fetch-site").and_then(|s| s.to_str().ok())
            && !matches!(site, "same-origin" | "none")
        {
            return Err(Refusal::Origin);
        }
        Ok(())
    }

    /// Checks the token of an API request (`Authorization: Bearer …`), in constant time.
    pub fn check_token(&self, headers: &HeaderMap) -> Result<(), Refusal> {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer "))
            .ok_or(Refusal::Token)?;
        if bool::from(given.as_bytes().ct_eq(self.token.as_bytes())) {
            Ok(())
        } else {
            Err(Refusal::Token)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn tokens_are_fresh_and_long() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
    }

    #[test]
    fn only_our_own_host_and_origin_pass() {
        let gate = Gate::new("t".into(), "127.0.0.1:4000".parse().unwrap(), false);
        assert!(
            gate.check_origin(&headers(&[("host", "127.0.0.1:4000")]))
                .is_ok()
        );
        assert!(
            gate.check_origin(&headers(&[("host", "localhost:4000")]))
                .is_ok()
        );
        assert!(
            gate.check_origin(&headers(&[
                ("host", "localhost:4000"),
                ("origin", "http://localhost:4000")
            ]))
            .is_ok()
        );
        for host in [
            "evil.example:4000",
            "127.0.0.1:4001",
            "127.0.0.1",
            "10.0.0.2:4000",
        ] {
            assert_eq!(
                gate.check_origin(&headers(&[("host", host)])),
                Err(Refusal::Host),
                "{host}"
            );
        }
        assert_eq!(gate.check_origin(&headers(&[])), Err(Refusal::Host));
        for origin in [
            "http://evil.example",
            "null",
            "http://127.0.0.1:4001",
            "https://127.0.0.1:4000",
        ] {
            assert_eq!(
                gate.check_origin(&headers(&[("host", "127.0.0.1:4000"), ("origin", origin)])),
                Err(Refusal::Origin),
                "{origin}"
            );
        }
        assert_eq!(
            gate.check_origin(&headers(&[
                ("host", "127.0.0.1:4000"),
                ("sec-fetch-site", "cross-site")
            ])),
            Err(Refusal::Origin)
        );
    }

    #[test]
    fn a_dangerous_bind_accepts_ip_literals_only() {
        let gate = Gate::new("t".into(), "0.0.0.0:4000".parse().unwrap(), true);
        assert!(
            gate.check_origin(&headers(&[("host", "192.168.1.5:4000")]))
                .is_ok()
        );
        assert!(
            gate.check_origin(&headers(&[("host", "[fe80::1]:4000")]))
                .is_ok()
        );
        assert_eq!(
            gate.check_origin(&headers(&[("host", "rebound.example:4000")])),
            Err(Refusal::Host)
        );
    }

    #[test]
    fn the_token_must_match_exactly() {
        let gate = Gate::new("secret".into(), "127.0.0.1:4000".parse().unwrap(), false);
        assert!(
            gate.check_token(&headers(&[("authorization", "Bearer secret")]))
                .is_ok()
        );
        for value in [
            "Bearer secre",
            "Bearer secretx",
            "secret",
            "Basic secret",
            "Bearer ",
        ] {
            assert_eq!(
                gate.check_token(&headers(&[("authorization", value)])),
                Err(Refusal::Token)
            );
        }
        assert_eq!(gate.check_token(&headers(&[])), Err(Refusal::Token));
    }
}
