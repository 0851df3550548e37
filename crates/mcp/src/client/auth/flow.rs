//! The steps of the authorization flow: discovery, registration, the authorization code
//! exchange with PKCE, refresh.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use reqwest::{StatusCode, Url, header};
use serde::Deserialize;
use url::form_urlencoded;

use super::AuthError;
use super::challenge::{BearerChallenge, split_scopes};
use super::discovery::{self, AuthorizationServerMetadata, ProtectedResourceMetadata};
use super::pkce::{Pkce, random_token};
use super::redirect::AuthorizationRedirect;
use super::store::{ClientCredentials, OAuthTokens, TokenEndpointAuthMethod, TokenStore};
use crate::transport::http::AuthChallenge;

/// The configured client and its running state.
pub(super) struct Flow {
    pub server: Url,
    pub redirect: Arc<dyn AuthorizationRedirect>,
    pub store: Arc<dyn TokenStore>,
    pub http: reqwest::Client,
    pub client_name: String,
    pub client_credentials: Option<ClientCredentials>,
    pub client_metadata_url: Option<String>,
    pub scopes: Vec<String>,
    pub offline_access: bool,
    /// One authorization at a time.
    pub lock: tokio::sync::Mutex<FlowState>,
}

/// What the flow remembers between runs.
#[derive(Default)]
pub(super) struct FlowState {
    /// The access token last obtained by a refresh: when the server refuses it, refreshing
    /// again would not help.
    refreshed: Option<String>,
    /// The authorization server in use.
    server: Option<Discovered>,
}

/// Where and for what the client authorizes.
#[derive(Clone)]
struct Discovered {
    /// The RFC 8707 resource indicator.
    resource: String,
    /// The resource's `scopes_supported`.
    scopes_supported: Option<Vec<String>>,
    metadata: AuthorizationServerMetadata,
}

/// A token endpoint's answer.
#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    token_type: Option<String>,
    expires_in: Option<u64>,
    refresh_token: Option<String>,
    scope: Option<String>,
}

/// A registration endpoint's answer (RFC 7591 §3.2.1).
#[derive(Deserialize)]
struct RegistrationResponse {
    client_id: String,
    client_secret: Option<String>,
    token_endpoint_auth_method: Option<String>,
}

impl Flow {
    /// The access token to send, refreshed first when it has expired and can be.
    pub async fn current_token(&self) -> Option<String> {
        let tokens = self.store.tokens()?;
        if !tokens.is_expired() || tokens.refresh_token.is_none() {
            return Some(tokens.access_token);
        }
        let mut state = self.lock.lock().await;
        // Someone may have refreshed while we waited.
        let tokens = self.store.tokens()?;
        if !tokens.is_expired() {
            return Some(tokens.access_token);
        }
        match self.refresh(&mut state, &tokens).await {
            Ok(fresh) => Some(fresh.access_token),
            Err(e) => {
                tracing::debug!(error = %e, "refreshing the expired access token failed");
                Some(tokens.access_token)
            }
        }
    }

    /// The server refused a request: get credentials that may satisfy it.
    pub async fn challenged(&self, challenge: &AuthChallenge<'_>) -> Result<bool, AuthError> {
        let mut state = self.lock.lock().await;
        let current = self.store.tokens();
        let sent = challenge
            .authorization
            .and_then(|h| h.strip_prefix("Bearer "));
        if current.as_ref().map(|t| t.access_token.as_str()) != sent && current.is_some() {
            // New credentials arrived since the request was sent: try them.
            return Ok(true);
        }
        let bearer = challenge
            .www_authenticate
            .map(BearerChallenge::parse)
            .unwrap_or_default();
        let step_up = challenge.status == StatusCode::FORBIDDEN;
        if step_up {
            let asked = bearer.scopes();
            let granted = split_scopes(current.as_ref().and_then(|t| t.scope.as_deref()));
            if asked.iter().all(|s| granted.contains(s)) {
                return Err(AuthError::InsufficientScope(asked));
            }
        }
        // A rejected token that can be refreshed (once): refresh instead of asking the user.
        if let (false, Some(tokens)) = (step_up, &current) {
            let fresh = tokens.refresh_token.is_some()
                && state.refreshed.as_deref() != Some(tokens.access_token.as_str());
            if fresh {
                match self.refresh(&mut state, tokens).await {
                    Ok(_) => return Ok(true),
                    Err(e) => tracing::debug!(error = %e, "refreshing the token failed"),
                }
            }
        }
        drop(state);
        self.authorize(Some(&bearer), step_up).await?;
        Ok(true)
    }

    /// Discovers, registers and runs the authorization code flow; stores the tokens.
    pub async fn authorize(
        &self,
        bearer: Option<&BearerChallenge>,
        step_up: bool,
    ) -> Result<OAuthTokens, AuthError> {
        let mut state = self.lock.lock().await;
        let discovered = self
            .discover(bearer.and_then(|b| b.resource_metadata.as_deref()))
            .await?;
        state.server = Some(discovered.clone());
        let metadata = &discovered.metadata;
        let current = self.store.tokens().filter(|t| t.issuer == metadata.issuer);
        let mut scopes = bearer.map(BearerChallenge::scopes).unwrap_or_default();
        if scopes.is_empty() {
            scopes = discovered
                .scopes_supported
                .clone()
                .unwrap_or_else(|| self.scopes.clone());
        }
        // Re-authorizing keeps what was granted before (SEP-2350).
        if step_up || current.is_some() {
            for granted in split_scopes(current.as_ref().and_then(|t| t.scope.as_deref())) {
                if !scopes.contains(&granted) {
                    scopes.insert(0, granted);
                }
            }
        }
        let offers_offline = metadata
            .scopes_supported
            .as_ref()
            .is_some_and(|s| s.iter().any(|s| s == "offline_access"));
        if self.offline_access && offers_offline && !scopes.iter().any(|s| s == "offline_access") {
            scopes.push("offline_access".to_owned());
        }
        let client = self.client_for(metadata).await?;
        let tokens = self
            .authorization_code(&discovered, &client, &scopes)
            .await?;
        self.store.set_tokens(Some(tokens.clone()));
        state.refreshed = None;
        Ok(tokens)
    }

    /// Finds the protected resource metadata and the authorization server's metadata.
    async fn discover(&self, resource_metadata: Option<&str>) -> Result<Discovered, AuthError> {
        let mut prm: Option<ProtectedResourceMetadata> = None;
        if let Some(url) = resource_metadata {
            match Url::parse(url) {
                Ok(url) => match discovery::fetch_json(&self.http, &url).await {
                    Ok(found) => prm = found,
                    Err(e) => {
                        tracing::debug!(error = %e, "the challenge's resource_metadata failed")
                    }
                },
                Err(e) => tracing::debug!(error = %e, url, "invalid resource_metadata URL"),
            }
        }
        if prm.is_none() {
            for url in discovery::protected_resource_urls(&self.server) {
                if let Some(found) = discovery::fetch_json(&self.http, &url).await? {
                    prm = Some(found);
                    break;
                }
            }
        }
        let Some(prm) = prm else {
            // A 2025-03-26 server: the authorization server is at the server's origin, with
            // metadata or with the default endpoints.
            let issuer = self.server.origin().ascii_serialization();
            let metadata = match self.authorization_server(&issuer).await? {
                Some(metadata) => metadata,
                None => AuthorizationServerMetadata::fallback(&self.server),
            };
            metadata.require_secure_endpoints()?;
            return Ok(Discovered {
                resource: self.canonical_server_uri(),
                scopes_supported: None,
                metadata,
            });
        };
        if !discovery::resource_covers(&prm.resource, &self.server) {
            return Err(AuthError::ResourceMismatch {
                resource: prm.resource,
                server: self.server.to_string(),
            });
        }
        let issuer = prm.authorization_servers.first().ok_or_else(|| {
            AuthError::NoAuthorizationServer(
                "the protected resource metadata lists no authorization server".into(),
            )
        })?;
        let metadata = self.authorization_server(issuer).await?.ok_or_else(|| {
            AuthError::NoAuthorizationServer(format!("no metadata found for the issuer {issuer}"))
        })?;
        metadata.require_secure_endpoints()?;
        Ok(Discovered {
            resource: prm.resource,
            scopes_supported: prm.scopes_supported,
            metadata,
        })
    }

    /// The server's URL without fragment, as a resource indicator.
    fn canonical_server_uri(&self) -> String {
        let mut url = self.server.clone();
        url.set_fragment(None);
        url.to_string()
    }

    /// Fetches and checks the metadata of the authorization server `issuer`.
    async fn authorization_server(
        &self,
        issuer: &str,
    ) -> Result<Option<AuthorizationServerMetadata>, AuthError> {
        discovery::require_secure(issuer, "issuer")?;
        let issuer_url = Url::parse(issuer).map_err(|e| {
            AuthError::NoAuthorizationServer(format!("invalid issuer {issuer}: {e}"))
        })?;
        for url in discovery::authorization_server_urls(&issuer_url) {
            let Some(metadata) =
                discovery::fetch_json::<AuthorizationServerMetadata>(&self.http, &url).await?
            else {
                continue;
            };
            if metadata.issuer.trim_end_matches('/') != issuer.trim_end_matches('/') {
                return Err(AuthError::IssuerMismatch {
                    expected: issuer.to_owned(),
                    found: metadata.issuer,
                });
            }
            let s256 = metadata
                .code_challenge_methods_supported
                .as_ref()
                .is_some_and(|m| m.iter().any(|m| m == "S256"));
            if !s256 {
                return Err(AuthError::NoPkce(issuer.to_owned()));
            }
            return Ok(Some(metadata));
        }
        Ok(None)
    }

    /// The client's identity at the authorization server: remembered, pre-registered, a
    /// client ID metadata document, or a new dynamic registration.
    async fn client_for(
        &self,
        metadata: &AuthorizationServerMetadata,
    ) -> Result<ClientCredentials, AuthError> {
        if let Some(client) = self.store.client(&metadata.issuer) {
            return Ok(client);
        }
        let client = if let Some(client) = &self.client_credentials {
            client.clone()
        } else if let (true, Some(url)) = (
            metadata.client_id_metadata_document_supported,
            &self.client_metadata_url,
        ) {
            ClientCredentials {
                client_id: url.clone(),
                client_secret: None,
                auth_method: Some(TokenEndpointAuthMethod::None),
            }
        } else if let Some(endpoint) = &metadata.registration_endpoint {
            self.register(endpoint).await?
        } else {
            return Err(AuthError::NoRegistration(metadata.issuer.clone()));
        };
        self.store
            .set_client(&metadata.issuer, Some(client.clone()));
        Ok(client)
    }

    /// Dynamic client registration (RFC 7591).
    async fn register(&self, endpoint: &str) -> Result<ClientCredentials, AuthError> {
        let redirect_uri = self.redirect.redirect_uri();
        let body = serde_json::json!({
            "client_name": self.client_name,
            "redirect_uris": [redirect_uri],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "application_type": application_type(redirect_uri),
        });
        let response = self
            .http
            .post(endpoint)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json")
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| AuthError::Http(endpoint.to_owned(), e.to_string()))?;
        let status = response.status();
        let text = String::from_utf8_lossy(&discovery::read_limited(response, endpoint).await?)
            .into_owned();
        if !status.is_success() {
            return Err(AuthError::Http(
                endpoint.to_owned(),
                format!(
                    "registration refused with HTTP {status}: {}",
                    snippet(&text)
                ),
            ));
        }
        let registered: RegistrationResponse = serde_json::from_str(&text)
            .map_err(|e| AuthError::InvalidMetadata(endpoint.to_owned(), e.to_string()))?;
        Ok(ClientCredentials {
            client_id: registered.client_id,
            client_secret: registered.client_secret,
            auth_method: registered
                .token_endpoint_auth_method
                .as_deref()
                .and_then(TokenEndpointAuthMethod::from_name),
        })
    }

    /// The authorization request, its response, and the code exchange.
    async fn authorization_code(
        &self,
        discovered: &Discovered,
        client: &ClientCredentials,
        scopes: &[String],
    ) -> Result<OAuthTokens, AuthError> {
        let metadata = &discovered.metadata;
        let pkce = Pkce::new();
        let state = random_token(16);
        let redirect_uri = self.redirect.redirect_uri();
        let scope = scopes.join(" ");
        let mut url = Url::parse(&metadata.authorization_endpoint).map_err(|e| {
            AuthError::InvalidMetadata(
                metadata.issuer.clone(),
                format!("authorization_endpoint: {e}"),
            )
        })?;
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", &client.client_id)
                .append_pair("redirect_uri", redirect_uri)
                .append_pair("code_challenge", &pkce.challenge)
                .append_pair("code_challenge_method", "S256")
                .append_pair("state", &state)
                .append_pair("resource", &discovered.resource);
            if !scope.is_empty() {
                query.append_pair("scope", &scope);
            }
        }
        let back = self
            .redirect
            .authorize(&url)
            .await
            .map_err(AuthError::Redirect)?;
        let param = |name: &str| {
            back.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        if let Some(error) = param("error") {
            let description = param("error_description").unwrap_or_default();
            return Err(AuthError::AuthorizationResponse(format!(
                "the authorization server answered {error} {description}"
            )));
        }
        if param("state").as_deref() != Some(state.as_str()) {
            return Err(AuthError::AuthorizationResponse(
                "the state does not match the request's".into(),
            ));
        }
        // RFC 9207: a present `iss` must be the issuer, exactly; one the server promised must
        // be present.
        match param("iss") {
            Some(iss) if iss != metadata.issuer => {
                return Err(AuthError::AuthorizationResponse(format!(
                    "iss {iss:?} is not the authorization server's issuer {:?}",
                    metadata.issuer
                )));
            }
            None if metadata.authorization_response_iss_parameter_supported => {
                return Err(AuthError::AuthorizationResponse(
                    "the authorization server promised an iss parameter and sent none".into(),
                ));
            }
            _ => {}
        }
        let code = param("code").ok_or_else(|| {
            AuthError::AuthorizationResponse("the redirect carries no code".into())
        })?;
        let form = vec![
            ("grant_type", "authorization_code".to_owned()),
            ("code", code),
            ("redirect_uri", redirect_uri.to_owned()),
            ("code_verifier", pkce.verifier),
            ("resource", discovered.resource.clone()),
        ];
        let response = self.token_request(metadata, client, form).await?;
        Ok(tokens_from(response, &scope, None, &metadata.issuer))
    }

    /// Exchanges the refresh token for new tokens and stores them.
    async fn refresh(
        &self,
        state: &mut FlowState,
        tokens: &OAuthTokens,
    ) -> Result<OAuthTokens, AuthError> {
        let refresh_token = tokens.refresh_token.clone().unwrap_or_default();
        let discovered = match &state.server {
            Some(d) if d.metadata.issuer == tokens.issuer => d.clone(),
            _ => {
                let d = self.discover(None).await?;
                state.server = Some(d.clone());
                d
            }
        };
        if discovered.metadata.issuer != tokens.issuer {
            return Err(AuthError::NoAuthorizationServer(
                "the authorization server changed; the refresh token is not valid there".into(),
            ));
        }
        let client = self.client_for(&discovered.metadata).await?;
        let form = vec![
            ("grant_type", "refresh_token".to_owned()),
            ("refresh_token", refresh_token.clone()),
            ("resource", discovered.resource.clone()),
        ];
        let response = self
            .token_request(&discovered.metadata, &client, form)
            .await?;
        let fresh = tokens_from(
            response,
            tokens.scope.as_deref().unwrap_or_default(),
            Some(refresh_token),
            &tokens.issuer,
        );
        self.store.set_tokens(Some(fresh.clone()));
        state.refreshed = Some(fresh.access_token.clone());
        Ok(fresh)
    }

    /// POSTs a form to the token endpoint, authenticating the client as it should.
    async fn token_request(
        &self,
        metadata: &AuthorizationServerMetadata,
        client: &ClientCredentials,
        mut form: Vec<(&'static str, String)>,
    ) -> Result<TokenResponse, AuthError> {
        let endpoint = &metadata.token_endpoint;
        let mut request = self
            .http
            .post(endpoint)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json");
        match auth_method(client, metadata) {
            TokenEndpointAuthMethod::ClientSecretBasic => {
                let encode =
                    |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
                let secret = client.client_secret.as_deref().unwrap_or_default();
                let credentials = format!("{}:{}", encode(&client.client_id), encode(secret));
                let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
                request = request.header(header::AUTHORIZATION, format!("Basic {encoded}"));
            }
            TokenEndpointAuthMethod::ClientSecretPost => {
                form.push(("client_id", client.client_id.clone()));
                form.push((
                    "client_secret",
                    client.client_secret.clone().unwrap_or_default(),
                ));
            }
            TokenEndpointAuthMethod::None => form.push(("client_id", client.client_id.clone())),
        }
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form.iter().map(|(k, v)| (*k, v.as_str())))
            .finish();
        let response = request
            .body(body)
            .send()
            .await
            .map_err(|e| AuthError::Http(endpoint.clone(), e.to_string()))?;
        let status = response.status();
        let text = String::from_utf8_lossy(&discovery::read_limited(response, endpoint).await?)
            .into_owned();
        if !status.is_success() {
            return Err(AuthError::TokenRequest {
                endpoint: endpoint.clone(),
                reason: format!("HTTP {status}: {}", snippet(&text)),
            });
        }
        let tokens: TokenResponse =
            serde_json::from_str(&text).map_err(|e| AuthError::TokenRequest {
                endpoint: endpoint.clone(),
                reason: format!("invalid token response: {e}"),
            })?;
        if let Some(kind) = &tokens.token_type {
            if !kind.eq_ignore_ascii_case("bearer") {
                return Err(AuthError::TokenRequest {
                    endpoint: endpoint.clone(),
                    reason: format!("unsupported token type {kind:?}"),
                });
            }
        }
        Ok(tokens)
    }
}

/// The stored form of a token response.
fn tokens_from(
    response: TokenResponse,
    requested_scope: &str,
    previous_refresh: Option<String>,
    issuer: &str,
) -> OAuthTokens {
    OAuthTokens {
        access_token: response.access_token,
        refresh_token: response.refresh_token.or(previous_refresh),
        scope: response
            .scope
            .or_else(|| (!requested_scope.is_empty()).then(|| requested_scope.to_owned())),
        expires_at: response
            .expires_in
            .map(|s| SystemTime::now() + Duration::from_secs(s)),
        issuer: issuer.to_owned(),
    }
}

/// How the client authenticates at the token endpoint: as registered, else the best the
/// server supports for a client with (or without) a secret.
fn auth_method(
    client: &ClientCredentials,
    metadata: &AuthorizationServerMetadata,
) -> TokenEndpointAuthMethod {
    if let Some(method) = client.auth_method {
        return method;
    }
    if client.client_secret.is_none() {
        return TokenEndpointAuthMethod::None;
    }
    // RFC 8414: absent means client_secret_basic.
    let supported = metadata
        .token_endpoint_auth_methods_supported
        .clone()
        .unwrap_or_else(|| vec!["client_secret_basic".into()]);
    let has = |m: &str| supported.iter().any(|s| s == m);
    if has("client_secret_basic") {
        TokenEndpointAuthMethod::ClientSecretBasic
    } else if has("client_secret_post") {
        TokenEndpointAuthMethod::ClientSecretPost
    } else if has("none") {
        TokenEndpointAuthMethod::None
    } else {
        TokenEndpointAuthMethod::ClientSecretBasic
    }
}

/// `native` for loopback and custom-scheme redirect URIs, `web` otherwise (SEP-837).
fn application_type(redirect_uri: &str) -> &'static str {
    match Url::parse(redirect_uri) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => match url.host_str() {
            Some("localhost" | "127.0.0.1" | "[::1]") => "native",
            _ => "web",
        },
        _ => "native",
    }
}

fn snippet(text: &str) -> String {
    text.chars().take(300).collect::<String>().trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata(methods: Option<&[&str]>) -> AuthorizationServerMetadata {
        let mut m =
            AuthorizationServerMetadata::fallback(&Url::parse("https://a.example").unwrap());
        m.token_endpoint_auth_methods_supported =
            methods.map(|m| m.iter().map(|s| s.to_string()).collect());
        m
    }

    #[test]
    fn picks_the_token_endpoint_auth_method() {
        let secret = ClientCredentials {
            client_id: "c".into(),
            client_secret: Some("s".into()),
            auth_method: None,
        };
        assert_eq!(
            auth_method(&secret, &metadata(None)),
            TokenEndpointAuthMethod::ClientSecretBasic
        );
        assert_eq!(
            auth_method(&secret, &metadata(Some(&["client_secret_post", "none"]))),
            TokenEndpointAuthMethod::ClientSecretPost
        );
        assert_eq!(
            auth_method(&secret, &metadata(Some(&["none"]))),
            TokenEndpointAuthMethod::None
        );
        let public = ClientCredentials {
            client_secret: None,
            ..secret.clone()
        };
        assert_eq!(
            auth_method(&public, &metadata(None)),
            TokenEndpointAuthMethod::None
        );
        let registered = ClientCredentials {
            auth_method: Some(TokenEndpointAuthMethod::ClientSecretPost),
            ..secret
        };
        assert_eq!(
            auth_method(&registered, &metadata(Some(&["client_secret_basic"]))),
            TokenEndpointAuthMethod::ClientSecretPost
        );
    }

    #[test]
    fn application_types() {
        assert_eq!(application_type("http://localhost:3000/callback"), "native");
        assert_eq!(application_type("http://127.0.0.1/cb"), "native");
        assert_eq!(application_type("com.example.app:/cb"), "native");
        assert_eq!(application_type("https://app.example.com/cb"), "web");
    }
}
