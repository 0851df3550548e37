//! OAuth bearer tokens on the HTTP endpoints, as the specification's authorization section
//! asks of a resource server: every request needs a valid, unexpired token with the required
//! scopes (401 or 403 with a `WWW-Authenticate` challenge otherwise), and the protected
//! resource metadata (RFC 9728) tells clients where to get one. With
//! [`AuthSettings::dpop`], DPoP-bound tokens (RFC 9449) are taken too, each request's proof
//! checked by a [`DpopVerifier`].

use std::sync::Arc;

use axum::body::Body;
use axum::extract::OriginalUri;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::HttpAuth;
use crate::auth::dpop::{DpopError, DpopRequest, DpopSettings, DpopVerifier};
use crate::auth::{AccessToken, TokenVerifier};
use crate::transport::BoxFuture;

/// The `DPoP` header (a request's proof) and authorization scheme.
const DPOP: &str = "DPoP";
/// The response header carrying the nonce a proof must hold (RFC 9449 §9).
const DPOP_NONCE: &str = "DPoP-Nonce";

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
    /// DPoP-bound tokens (RFC 9449): taken, with their proofs checked, when set.
    pub dpop: Option<DpopSettings>,
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
            dpop: None,
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

    /// Takes DPoP-bound tokens (`Authorization: DPoP …` with a `DPoP` proof), checking each
    /// proof as `settings` say; a token is bound when the verifier's grant carries `cnf.jkt`
    /// ([`AccessToken::dpop_bound`]). A bound token presented as a bearer token is refused.
    pub fn dpop(mut self, settings: DpopSettings) -> Self {
        self.dpop = Some(settings);
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
    pub fn resource_origin(&self) -> &str {
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
        if let Some(dpop) = &self.dpop {
            document["dpop_signing_alg_values_supported"] = json!(DpopSettings::algorithms());
            document["dpop_bound_access_tokens_required"] = json!(dpop.required);
        }
        document
    }

    fn same_resource(&self, resource: Option<&str>) -> bool {
        let normalize = |url: &str| url.trim_end_matches('/').to_ascii_lowercase();
        resource.is_some_and(|r| normalize(r) == normalize(&self.resource_server_url))
    }
}

/// The [`HttpAuth`] of OAuth bearer (and DPoP-bound) tokens: what
/// [`HttpServerBuilder::bearer_auth`](super::HttpServerBuilder::bearer_auth) installs.
pub struct BearerAuth<V> {
    settings: Arc<AuthSettings>,
    verifier: V,
    dpop: Option<DpopVerifier>,
}

impl<V> std::fmt::Debug for BearerAuth<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BearerAuth")
            .field("settings", &self.settings)
            .finish()
    }
}

/// How the token was presented.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Bearer,
    Dpop,
}

/// A refusal: its status, the error code and description of the challenge, and whether only
/// the DPoP scheme's challenge carries it.
struct Refusal {
    status: StatusCode,
    error: Option<&'static str>,
    description: String,
    dpop_only: bool,
}

impl Refusal {
    fn unauthorized(error: Option<&'static str>, description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            error,
            description: description.into(),
            dpop_only: false,
        }
    }

    fn proof(error: &DpopError) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            error: Some(error.error_code()),
            description: error.to_string(),
            dpop_only: true,
        }
    }
}

impl<V: TokenVerifier> BearerAuth<V> {
    /// Checks tokens with `verifier` against `settings`.
    pub fn new(settings: AuthSettings, verifier: V) -> Self {
        let dpop = settings.dpop.clone().map(DpopVerifier::new);
        Self {
            settings: Arc::new(settings),
            verifier,
            dpop,
        }
    }

    async fn verify(&self, parts: &Parts) -> Result<AccessToken, Refusal> {
        let presented = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, token) = v.trim().split_once(' ')?;
                let scheme = if scheme.eq_ignore_ascii_case("bearer") {
                    Scheme::Bearer
                } else if scheme.eq_ignore_ascii_case(DPOP) && self.dpop.is_some() {
                    Scheme::Dpop
                } else {
                    return None;
                };
                Some((scheme, token.trim()))
            })
            .filter(|(_, t)| !t.is_empty());
        let Some((scheme, token)) = presented else {
            return Err(Refusal::unauthorized(None, "Authentication required"));
        };
        if scheme == Scheme::Bearer && self.settings.dpop.as_ref().is_some_and(|d| d.required) {
            return Err(Refusal::unauthorized(
                Some("invalid_token"),
                "This server takes DPoP-bound tokens only",
            ));
        }
        let granted = self.verifier.verify_token(token).await.map_err(|e| {
            tracing::debug!(error = %e, "refusing a bearer token");
            Refusal::unauthorized(Some("invalid_token"), e.0)
        })?;
        if granted.is_expired() {
            return Err(Refusal::unauthorized(
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
            return Err(Refusal::unauthorized(Some("invalid_token"), why));
        }
        match (scheme, granted.dpop_thumbprint(), &self.dpop) {
            (Scheme::Dpop, Some(bound), Some(dpop)) => {
                let mut proofs = parts.headers.get_all(DPOP).iter();
                let proof = match (proofs.next(), proofs.next()) {
                    (Some(proof), None) => proof
                        .to_str()
                        .map_err(|_| Refusal::proof(&DpopError::Malformed("not ASCII".into())))?,
                    (None, _) => return Err(Refusal::proof(&DpopError::Missing)),
                    (Some(_), Some(_)) => return Err(Refusal::proof(&DpopError::Multiple)),
                };
                let url = self.request_url(parts);
                let request = DpopRequest {
                    method: parts.method.as_str(),
                    url: &url,
                    access_token: Some(token),
                    bound_to: Some(bound),
                };
                dpop.verify(proof, &request).map_err(|e| {
                    tracing::debug!(error = %e, "refusing a DPoP proof");
                    Refusal::proof(&e)
                })?;
            }
            (Scheme::Dpop, _, _) => {
                return Err(Refusal::unauthorized(
                    Some("invalid_token"),
                    "The access token is not DPoP-bound",
                ));
            }
            (Scheme::Bearer, Some(_), _) => {
                return Err(Refusal::unauthorized(
                    Some("invalid_token"),
                    "A DPoP-bound token must be presented with the DPoP scheme and a proof",
                ));
            }
            (Scheme::Bearer, None, _) => {}
        }
        let missing: Vec<&str> = self
            .settings
            .required_scopes
            .iter()
            .filter(|s| !granted.has_scope(s))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return Err(Refusal {
                status: StatusCode::FORBIDDEN,
                error: Some("insufficient_scope"),
                description: format!("Required scope: {}", missing.join(" ")),
                dpop_only: false,
            });
        }
        Ok(granted)
    }

    /// The request's URL as its client addressed it: the public origin of the resource
    /// (behind proxies too) and the path the request came to, before any nesting.
    fn request_url(&self, parts: &Parts) -> String {
        let path = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.path(), |original| original.path());
        format!("{}{path}", self.settings.resource_origin())
    }

    /// A 401 or 403 with the `WWW-Authenticate` challenges the specification describes: a
    /// `Bearer` one (unless only DPoP-bound tokens are taken, or the refusal is about a DPoP
    /// proof) and a `DPoP` one when DPoP is on; a `DPoP-Nonce` when proofs need one.
    fn challenge(&self, refusal: &Refusal) -> Response {
        let quote = |s: &str| s.replace(['"', '\\'], "'");
        let mut params = Vec::new();
        if let Some(error) = refusal.error {
            params.push(format!("error=\"{error}\""));
            params.push(format!(
                "error_description=\"{}\"",
                quote(&refusal.description)
            ));
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
        let dpop = self.settings.dpop.as_ref();
        let mut challenges = Vec::new();
        if !refusal.dpop_only && !dpop.is_some_and(|d| d.required) {
            challenges.push(format!("Bearer {}", params.join(", ")));
        }
        if dpop.is_some() {
            let algs = DpopSettings::algorithms().join(" ");
            challenges.push(format!("DPoP algs=\"{algs}\", {}", params.join(", ")));
        }
        let body = json!({
            "error": refusal.error.unwrap_or("invalid_token"),
            "error_description": refusal.description,
        });
        let mut response = Response::new(Body::from(body.to_string()));
        *response.status_mut() = refusal.status;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Ok(value) = HeaderValue::from_str(&challenges.join(", ")) {
            headers.insert(header::WWW_AUTHENTICATE, value);
        }
        let nonce = self.dpop.as_ref().and_then(DpopVerifier::nonce);
        if let Some(value) = nonce.and_then(|n| HeaderValue::from_str(&n).ok()) {
            headers.insert(DPOP_NONCE, value);
        }
        response
    }
}

impl<V: TokenVerifier> HttpAuth for BearerAuth<V> {
    fn check<'a>(
        &'a self,
        request: &'a Parts,
    ) -> BoxFuture<'a, Result<Option<AccessToken>, Response>> {
        Box::pin(async move {
            self.verify(request)
                .await
                .map(Some)
                .map_err(|refusal| self.challenge(&refusal))
        })
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
