//! Finding the authorization server: protected resource metadata (RFC 9728) and
//! authorization server metadata (RFC 8414, OpenID Connect Discovery).

use reqwest::{StatusCode, Url};
use serde::Deserialize;

use super::AuthError;

/// Protected resource metadata (RFC 9728 §2), the members this client uses.
#[derive(Debug, Clone, Deserialize)]
pub struct ProtectedResourceMetadata {
    /// The resource identifier.
    pub resource: String,
    /// The issuers of the authorization servers that protect it.
    #[serde(default)]
    pub authorization_servers: Vec<String>,
    /// The scopes the resource knows.
    pub scopes_supported: Option<Vec<String>>,
}

/// Authorization server metadata (RFC 8414 §2), the members this client uses.
#[derive(Debug, Clone, Deserialize)]
pub struct AuthorizationServerMetadata {
    /// The issuer identifier.
    pub issuer: String,
    /// Where the user authorizes (empty for a server of unattended grants only).
    #[serde(default)]
    pub authorization_endpoint: String,
    /// Where codes become tokens.
    pub token_endpoint: String,
    /// Dynamic client registration (RFC 7591), if offered.
    pub registration_endpoint: Option<String>,
    /// The scopes the server knows.
    pub scopes_supported: Option<Vec<String>>,
    /// The PKCE methods; absent means no PKCE.
    pub code_challenge_methods_supported: Option<Vec<String>>,
    /// How clients may authenticate at the token endpoint.
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
    /// Whether `client_id` may be the URL of a client ID metadata document.
    #[serde(default)]
    pub client_id_metadata_document_supported: bool,
    /// Whether authorization responses carry `iss` (RFC 9207).
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
    /// The grant types the server supports (absent: `authorization_code` and `implicit`).
    pub grant_types_supported: Option<Vec<String>>,
    /// The algorithms the server accepts in DPoP proofs (RFC 9449 §5.1); present when it
    /// issues DPoP-bound tokens.
    pub dpop_signing_alg_values_supported: Option<Vec<String>>,
}

impl AuthorizationServerMetadata {
    /// The endpoints a 2025-03-26 server without metadata has: `/authorize`, `/token` and
    /// `/register` at the root of `base`.
    pub fn fallback(base: &Url) -> Self {
        let at = |path: &str| {
            let mut url = base.clone();
            url.set_path(path);
            url.set_query(None);
            url.to_string()
        };
        Self {
            issuer: base.origin().ascii_serialization(),
            authorization_endpoint: at("/authorize"),
            token_endpoint: at("/token"),
            registration_endpoint: Some(at("/register")),
            scopes_supported: None,
            code_challenge_methods_supported: Some(vec!["S256".into()]),
            token_endpoint_auth_methods_supported: None,
            client_id_metadata_document_supported: false,
            authorization_response_iss_parameter_supported: false,
            grant_types_supported: None,
            dpop_signing_alg_values_supported: None,
        }
    }
}

/// Where to look for the protected resource metadata of `server`: the path-aware well-known
/// URL first, then the root one (RFC 9728 §3.1).
pub fn protected_resource_urls(server: &Url) -> Vec<Url> {
    well_known(server, "oauth-protected-resource")
}

/// `{origin}/.well-known/{name}{path}`, then `{origin}/.well-known/{name}` when the path is not
/// empty.
fn well_known(url: &Url, name: &str) -> Vec<Url> {
    let path = url.path().trim_end_matches('/');
    let mut urls = Vec::new();
    let mut at = |p: String| {
        let mut u = url.clone();
        u.set_path(&p);
        u.set_query(None);
        u.set_fragment(None);
        urls.push(u);
    };
    if !path.is_empty() {
        at(format!("/.well-known/{name}{path}"));
    }
    at(format!("/.well-known/{name}"));
    urls
}

/// Where to look for the metadata of the authorization server `issuer`, in the order the MCP
/// specification gives: RFC 8414 path insertion, OpenID Connect path insertion, OpenID
/// Connect path appending (for an issuer with a path); RFC 8414 then OpenID Connect at the
/// root (for one without).
pub fn authorization_server_urls(issuer: &Url) -> Vec<Url> {
    let path = issuer.path().trim_end_matches('/');
    let at = |p: String| {
        let mut u = issuer.clone();
        u.set_path(&p);
        u.set_query(None);
        u.set_fragment(None);
        u
    };
    if path.is_empty() {
        vec![
            at("/.well-known/oauth-authorization-server".into()),
            at("/.well-known/openid-configuration".into()),
        ]
    } else {
        vec![
            at(format!("/.well-known/oauth-authorization-server{path}")),
            at(format!("/.well-known/openid-configuration{path}")),
            at(format!("{path}/.well-known/openid-configuration")),
        ]
    }
}

/// The largest metadata document, registration or token response read (1 MiB): real ones
/// are a few kilobytes, and a hostile server must not make the client hold gigabytes.
pub const MAX_DOCUMENT_SIZE: usize = 1 << 20;

/// Reads a response body of at most [`MAX_DOCUMENT_SIZE`] bytes, refusing a longer one as it
/// arrives (or at once, by its `Content-Length`).
pub async fn read_limited(
    mut response: reqwest::Response,
    url: &str,
) -> Result<Vec<u8>, AuthError> {
    let too_large = || {
        AuthError::Http(
            url.to_owned(),
            format!("the response is larger than {MAX_DOCUMENT_SIZE} bytes"),
        )
    };
    if response
        .content_length()
        .is_some_and(|length| length > MAX_DOCUMENT_SIZE as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| AuthError::Http(url.to_owned(), e.to_string()))?
    {
        if body.len() + chunk.len() > MAX_DOCUMENT_SIZE {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Refuses an authorization server URL (an issuer or an endpoint) that is not `https`: plain
/// `http` is allowed on the loopback interface only (a local development server), where no one
/// in between can read the codes and tokens it carries.
pub fn require_secure(url: &str, what: &str) -> Result<(), AuthError> {
    let parsed = Url::parse(url)
        .map_err(|e| AuthError::NoAuthorizationServer(format!("invalid {what} {url}: {e}")))?;
    let loopback = match parsed.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(AuthError::Insecure {
            what: what.to_owned(),
            url: url.to_owned(),
        }),
    }
}

impl AuthorizationServerMetadata {
    /// Refuses metadata whose endpoints are not all [secure](require_secure).
    pub fn require_secure_endpoints(&self) -> Result<(), AuthError> {
        require_secure(&self.issuer, "issuer")?;
        if !self.authorization_endpoint.is_empty() {
            require_secure(&self.authorization_endpoint, "authorization endpoint")?;
        }
        require_secure(&self.token_endpoint, "token endpoint")?;
        if let Some(endpoint) = &self.registration_endpoint {
            require_secure(endpoint, "registration endpoint")?;
        }
        Ok(())
    }
}

/// GETs a JSON metadata document: `Ok(None)` when it is not there (a 4xx answer).
pub async fn fetch_json<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    url: &Url,
) -> Result<Option<T>, AuthError> {
    let response = http
        .get(url.clone())
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| AuthError::Http(url.to_string(), e.to_string()))?;
    let status = response.status();
    if status.is_client_error() {
        return Ok(None);
    }
    if status != StatusCode::OK {
        return Err(AuthError::Http(url.to_string(), format!("HTTP {status}")));
    }
    let body = read_limited(response, url.as_str()).await?;
    serde_json::from_slice(&body)
        .map(Some)
        .map_err(|e| AuthError::InvalidMetadata(url.to_string(), e.to_string()))
}

/// Whether the protected resource `resource` (from its metadata) covers the MCP server at
/// `server`: the same origin, and a path that is the server's or a parent of it.
pub fn resource_covers(resource: &str, server: &Url) -> bool {
    let Ok(resource) = Url::parse(resource) else {
        return false;
    };
    if resource.origin() != server.origin() {
        return false;
    }
    let prefix = resource.path().trim_end_matches('/');
    let path = server.path();
    path == prefix
        || path.trim_end_matches('/') == prefix
        || path.starts_with(&format!("{prefix}/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(urls: Vec<Url>) -> Vec<String> {
        urls.into_iter().map(|u| u.to_string()).collect()
    }

    #[test]
    fn well_known_orders() {
        let server = Url::parse("https://example.com/public/mcp?x=1").unwrap();
        assert_eq!(
            strings(protected_resource_urls(&server)),
            [
                "https://example.com/.well-known/oauth-protected-resource/public/mcp",
                "https://example.com/.well-known/oauth-protected-resource",
            ]
        );
        let issuer = Url::parse("https://auth.example.com/tenant1").unwrap();
        assert_eq!(
            strings(authorization_server_urls(&issuer)),
            [
                "https://auth.example.com/.well-known/oauth-authorization-server/tenant1",
                "https://auth.example.com/.well-known/openid-configuration/tenant1",
                "https://auth.example.com/tenant1/.well-known/openid-configuration",
            ]
        );
        let issuer = Url::parse("https://auth.example.com").unwrap();
        assert_eq!(
            strings(authorization_server_urls(&issuer)),
            [
                "https://auth.example.com/.well-known/oauth-authorization-server",
                "https://auth.example.com/.well-known/openid-configuration",
            ]
        );
    }

    #[test]
    fn authorization_servers_must_use_https_off_loopback() {
        for ok in [
            "https://auth.example.com",
            "http://localhost:9000/token",
            "http://127.0.0.2/authorize",
            "http://[::1]:8080",
        ] {
            assert!(require_secure(ok, "issuer").is_ok(), "{ok}");
        }
        for refused in [
            "http://auth.example.com",
            "http://localhost.evil.example/token",
            "http://10.0.0.1/authorize",
            "ftp://auth.example.com",
        ] {
            let error = require_secure(refused, "token endpoint").unwrap_err();
            assert!(error.to_string().contains("https"), "{refused}: {error}");
        }
        let mut metadata = AuthorizationServerMetadata::fallback(
            &Url::parse("https://mcp.example.com/mcp").unwrap(),
        );
        assert!(metadata.require_secure_endpoints().is_ok());
        metadata.registration_endpoint = Some("http://mcp.example.com/register".into());
        assert!(metadata.require_secure_endpoints().is_err());
    }

    #[tokio::test]
    async fn an_endless_metadata_document_is_refused() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = [0u8; 1024];
            let _ = socket.read(&mut request).await;
            // No Content-Length: the body is chunked and never ends on its own.
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
                .await;
            let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
            while socket.write_all(chunk.as_bytes()).await.is_ok() {}
        });
        let url = Url::parse(&format!(
            "http://{address}/.well-known/oauth-protected-resource"
        ))
        .unwrap();
        let error = fetch_json::<ProtectedResourceMetadata>(&reqwest::Client::new(), &url)
            .await
            .unwrap_err();
        assert!(error.to_string().contains("larger than"), "{error}");
    }

    #[test]
    fn resources_cover_their_paths_only() {
        let server = Url::parse("http://localhost:3000/mcp").unwrap();
        assert!(resource_covers("http://localhost:3000/mcp", &server));
        assert!(resource_covers("http://localhost:3000", &server));
        assert!(resource_covers("http://localhost:3000/", &server));
        assert!(!resource_covers("http://localhost:3000/mc", &server));
        assert!(!resource_covers("https://evil.example.com/mcp", &server));
        assert!(!resource_covers("http://localhost:3001/mcp", &server));
        assert!(!resource_covers("not a url", &server));
    }
}
