//! OAuth bearer tokens on the HTTP endpoints, as the specification's authorization section
//! asks of a resource server: every request needs a valid, unexpired token with the required
//! scopes (401 or 403 with a `WWW-Authenticate` challenge otherwise), and the protected
//! resource metadata (RFC 9728) tells clients where to get one.

use std::sync::Arc;

use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::HttpAuth;
use crate::auth::{AccessToken, TokenVerifier};
use crate::transport::BoxFuture;

/// Where the protected resource metadata lives (RFC 9728), before the resource's path.
pub const PROTECTED_RESOURCE_METADATA_PATH: &str = "/.well-known/oauth-protected-resource";

/// How the server checks bearer tokens and describes itself as a protected resource: the
/// Rust form of the Python SDK's `AuthSettings` (resource server part).
///
/// ```
/// use mcp::http_server::AuthSettings;
///
/// let settings = AuthSettings::new("https://auth.example.com", "https://mcp.example.com/mcp")
///     .required_scopes(["mcp:tools"]);
/// assert_eq!(settings.metadata_url(), "https://mcp.example.com/.well-known/oauth-protected-resource/mcp");
/// ```
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// The authorization servers that issue tokens for this server (the first is the
    /// `issuer_url` given to [`new`](Self::new)).
    pub authorization_servers: Vec<String>,
    /// This server's URL: the resource identifier tokens are issued for
    /// (`https://mcp.example.com/mcp`).
    pub resource_server_url: String,
    /// Scopes every request's token must hold.
    pub required_scopes: Vec<String>,
    /// The scopes advertised in the metadata (default: the required ones).
    pub scopes_supported: Option<Vec<String>>,
    /// A human-readable name of the resource, for the metadata.
    pub resource_name: Option<String>,
    /// Documentation of the server, for the metadata.
    pub service_documentation_url: Option<String>,
    /// Refuse tokens whose [`resource`](AccessToken::resource) is not
    /// [`resource_server_url`](Self::resource_server_url), as the specification requires
    /// (default true; turn it off only for a verifier that checks the audience itself).
    pub validate_token_resource: bool,
}

impl AuthSettings {
    /// Settings for a server at `resource_server_url` whose tokens `issuer_url` issues.
    pub fn new(issuer_url: impl Into<String>, resource_server_url: impl Into<String>) -> Self {
        Self {
            authorization_servers: vec![issuer_url.into()],
            resource_server_url: resource_server_url.into(),
            required_scopes: Vec::new(),
            scopes_supported: None,
            resource_name: None,
            service_documentation_url: None,
            validate_token_resource: true,
        }
    }

    /// One more authorization server.
    pub fn authorization_server(mut self, url: impl Into<String>) -> Self {
        self.authorization_servers.push(url.into());
        self
    }

    /// Scopes every request's token must hold.
    pub fn required_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.required_scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The scopes the metadata advertises (`scopes_supported`).
    pub fn scopes_supported<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes_supported = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// A human-readable name for the metadata.
    pub fn resource_name(mut self, name: impl Into<String>) -> Self {
        self.resource_name = Some(name.into());
        self
    }

    /// Documentation of the server, for the metadata.
    pub fn service_documentation_url(mut self, url: impl Into<String>) -> Self {
        self.service_documentation_url = Some(url.into());
        self
    }

    /// Whether to refuse tokens issued for another resource (default true). Turn it off only
    /// when the verifier checks the audience itself.
    pub fn validate_token_resource(mut self, validate: bool) -> Self {
        self.validate_token_resource = validate;
        self
    }

    /// The path of the resource URL (`/mcp` for `https://mcp.example.com/mcp`), empty for a
    /// URL without one.
    fn resource_path(&self) -> &str {
        let url = &self.resource_server_url;
        let after_scheme = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
        let path = after_scheme
            .find('/')
            .map_or("", |slash| &after_scheme[slash..]);
        let path = path.split(['?', '#']).next().unwrap_or_default();
        path.trim_end_matches('/')
    }

    /// The origin of the resource URL (`https://mcp.example.com`).
    fn resource_origin(&self) -> &str {
        let url = self.resource_server_url.as_str();
        let path = self.resource_path();
        match url.split_once("://") {
            Some((scheme, rest)) => {
                let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
                &url[..scheme.len() + 3 + host_end]
            }
            None => url.strip_suffix(path).unwrap_or(url),
        }
    }

    /// Where the metadata is served, as a path: `/.well-known/oauth-protected-resource`
    /// followed by the resource's path (RFC 9728, section 3.1).
    pub fn metadata_path(&self) -> String {
        format!("{PROTECTED_RESOURCE_METADATA_PATH}{}", self.resource_path())
    }

    /// The URL of the metadata, as `WWW-Authenticate` names it.
    pub fn metadata_url(&self) -> String {
        format!("{}{}", self.resource_origin(), self.metadata_path())
    }

    /// The protected resource metadata document (RFC 9728).
    pub fn metadata(&self) -> Value {
        let mut document = json!({
            "resource": self.resource_server_url,
            "authorization_servers": self.authorization_servers,
            "bearer_methods_supported": ["header"],
        });
        let scopes = self
            .scopes_supported
            .as_ref()
            .unwrap_or(&self.required_scopes);
        if !scopes.is_empty() {
            document["scopes_supported"] = json!(scopes);
        }
        if let Some(name) = &self.resource_name {
            document["resource_name"] = json!(name);
        }
        if let Some(url) = &self.service_documentation_url {
            document["resource_documentation"] = json!(url);
        }
        document
    }

    fn same_resource(&self, resource: Option<&str>) -> bool {
        let normalize = |url: &str| url.trim_end_matches('/').to_ascii_lowercase();
        resource.is_some_and(|r| normalize(r) == normalize(&self.resource_server_url))
    }
}

/// The [`HttpAuth`] of OAuth bearer tokens: what
/// [`HttpServerBuilder::bearer_auth`](super::HttpServerBuilder::bearer_auth) installs.
pub struct BearerAuth<V> {
    settings: Arc<AuthSettings>,
    verifier: V,
}

impl<V> std::fmt::Debug for BearerAuth<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BearerAuth")
            .field("settings", &self.settings)
            .finish()
    }
}

impl<V: TokenVerifier> BearerAuth<V> {
    /// Checks tokens with `verifier` against `settings`.
    pub fn new(settings: AuthSettings, verifier: V) -> Self {
        Self {
            settings: Arc::new(settings),
            verifier,
        }
    }

    async fn verify(&self, parts: &Parts) -> Result<AccessToken, Response> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, token) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .filter(|t| !t.is_empty());
        let Some(token) = token else {
            return Err(self.challenge(StatusCode::UNAUTHORIZED, None, "Authentication required"));
        };
        let granted = self.verifier.verify_token(token).await.map_err(|e| {
            tracing::debug!(error = %e, "refusing a bearer token");
            self.challenge(StatusCode::UNAUTHORIZED, Some("invalid_token"), &e.0)
        })?;
        if granted.is_expired() {
            return Err(self.challenge(
                StatusCode::UNAUTHORIZED,
                Some("invalid_token"),
                "The access token has expired",
            ));
        }
        if self.settings.validate_token_resource
            && !self.settings.same_resource(granted.resource.as_deref())
        {
            let why = match &granted.resource {
                Some(_) => "The access token was issued for another resource",
                None => {
                    tracing::warn!(
                        "refusing a token whose resource (audience) is unknown: the token \
                         verifier must set AccessToken::resource, or the server turn \
                         AuthSettings::validate_token_resource off if the verifier checks \
                         the audience itself"
                    );
                    "The access token names no resource (audience) this server can check"
                }
            };
            return Err(self.challenge(StatusCode::UNAUTHORIZED, Some("invalid_token"), why));
        }
        let missing: Vec<&str> = self
            .settings
            .required_scopes
            .iter()
            .filter(|s| !granted.has_scope(s))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return Err(self.challenge(
                StatusCode::FORBIDDEN,
                Some("insufficient_scope"),
                &format!("Required scope: {}", missing.join(" ")),
            ));
        }
        Ok(granted)
    }

    /// A 401 or 403 with the `WWW-Authenticate` challenge the specification describes.
    fn challenge(&self, status: StatusCode, error: Option<&str>, description: &str) -> Response {
        let quote = |s: &str| s.replace(['"', '\\'], "'");
        let mut params = Vec::new();
        if let Some(error) = error {
            params.push(format!("error=\"{error}\""));
            params.push(format!("error_description=\"{}\"", quote(description)));
        }
        if !self.settings.required_scopes.is_empty() {
            params.push(format!(
                "scope=\"{}\"",
                quote(&self.settings.required_scopes.join(" "))
            ));
        }
        params.push(format!(
            "resource_metadata=\"{}\"",
            quote(&self.settings.metadata_url())
        ));
        let body = json!({
            "error": error.unwrap_or("invalid_token"),
            "error_description": description,
        });
        let mut response = Response::new(Body::from(body.to_string()));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Ok(value) = HeaderValue::from_str(&format!("Bearer {}", params.join(", "))) {
            headers.insert(header::WWW_AUTHENTICATE, value);
        }
        response
    }
}

impl<V: TokenVerifier> HttpAuth for BearerAuth<V> {
    fn check<'a>(
        &'a self,
        request: &'a Parts,
    ) -> BoxFuture<'a, Result<Option<AccessToken>, Response>> {
        Box::pin(async move { self.verify(request).await.map(Some) })
    }
}

/// The metadata document, for the well-known routes.
pub(super) async fn metadata(settings: Arc<AuthSettings>) -> Response {
    let mut response = Response::new(Body::from(settings.metadata().to_string()));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    // Browser-based clients fetch it from other origins.
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}
