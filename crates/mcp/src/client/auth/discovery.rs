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
    /// Where the user authorizes.
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
    let body = response
        .bytes()
        .await
        .map_err(|e| AuthError::Http(url.to_string(), e.to_string()))?;
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
