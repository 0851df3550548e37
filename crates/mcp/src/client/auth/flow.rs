//! The flow of authorization: discovery, the grant, refresh, and what a refusal of the MCP
//! server asks for.

use std::sync::Arc;

use reqwest::{StatusCode, Url};

use super::AuthError;
use super::challenge::{BearerChallenge, split_scopes};
use super::discovery::{self, AuthorizationServerMetadata, ProtectedResourceMetadata};
use super::dpop::{Dpop, USE_DPOP_NONCE};
use super::grant::Grant;
use super::keys::SigningKey;
use super::store::{ClientCredentials, OAuthTokens, TokenStore};
use super::token::{ClientAuth, TokenRequest, TokenResponse, tokens_from};
use crate::transport::http::AuthChallenge;

/// The configured client and its running state.
pub(super) struct Flow {
    pub server: Url,
    pub grant: Grant,
    pub store: Arc<dyn TokenStore>,
    pub http: reqwest::Client,
    pub client_name: String,
    pub client_credentials: Option<ClientCredentials>,
    /// The key of `private_key_jwt` client authentication.
    pub client_key: Option<SigningKey>,
    pub client_metadata_url: Option<String>,
    pub scopes: Vec<String>,
    pub offline_access: bool,
    /// Asks for DPoP-bound tokens and proves possession of their key.
    pub dpop: Option<Dpop>,
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
pub(super) struct Discovered {
    /// The RFC 8707 resource indicator.
    pub resource: String,
    /// The resource's `scopes_supported`.
    pub scopes_supported: Option<Vec<String>>,
    pub metadata: AuthorizationServerMetadata,
}

impl Flow {
    /// The tokens to present, renewed first when they have expired and can be: refreshed, or
    /// obtained again by an unattended grant.
    pub async fn current_tokens(&self) -> Option<OAuthTokens> {
        let tokens = self.store.tokens()?;
        let renewable = tokens.refresh_token.is_some() || self.grant.is_unattended();
        if !tokens.is_expired() || !renewable {
            return Some(tokens);
        }
        let mut state = self.lock.lock().await;
        // Someone may have renewed them while we waited.
        let tokens = self.store.tokens()?;
        if !tokens.is_expired() {
            return Some(tokens);
        }
        let renewed = if tokens.refresh_token.is_some() {
            self.refresh(&mut state, &tokens).await
        } else {
            drop(state);
            self.authorize(None, false).await
        };
        match renewed {
            Ok(fresh) => Some(fresh),
            Err(e) => {
                tracing::debug!(error = %e, "renewing the expired access token failed");
                Some(tokens)
            }
        }
    }

    /// The server refused a request: get credentials that may satisfy it.
    pub async fn challenged(&self, challenge: &AuthChallenge<'_>) -> Result<bool, AuthError> {
        let bearer = challenge
            .www_authenticate
            .map(BearerChallenge::parse)
            .unwrap_or_default();
        // RFC 9449 §9: the resource server wants a nonce in the proof; the token is fine.
        if let (Some(dpop), Some(nonce), Some(USE_DPOP_NONCE)) =
            (&self.dpop, challenge.dpop_nonce, bearer.error.as_deref())
        {
            dpop.remember_nonce(challenge.url, nonce);
            return Ok(true);
        }
        let mut state = self.lock.lock().await;
        let current = self.store.tokens();
        let sent = challenge
            .authorization
            .and_then(|h| h.split_once(' '))
            .map(|(_, token)| token);
        if current.as_ref().map(|t| t.access_token.as_str()) != sent && current.is_some() {
            // New credentials arrived since the request was sent: try them.
            return Ok(true);
        }
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

    /// Discovers the authorization server, runs the grant, stores the tokens.
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
        let client = self.client_for(metadata).await?;
        let tokens = match (&self.grant, &client) {
            (Grant::AuthorizationCode(redirect), Some(client)) => {
                let offers_offline = metadata
                    .scopes_supported
                    .as_ref()
                    .is_some_and(|s| s.iter().any(|s| s == "offline_access"));
                if self.offline_access
                    && offers_offline
                    && !scopes.iter().any(|s| s == "offline_access")
                {
                    scopes.push("offline_access".to_owned());
                }
                self.authorization_code(redirect.as_ref(), &discovered, client, &scopes)
                    .await?
            }
            (Grant::ClientCredentials, Some(client)) => {
                self.client_credentials(&discovered, client, &scopes)
                    .await?
            }
            (Grant::JwtBearer(source), client) => {
                self.jwt_bearer(source.as_ref(), &discovered, client.as_ref(), &scopes)
                    .await?
            }
            (Grant::IdentityAssertion(idp), Some(client)) => {
                self.identity_assertion(idp, &discovered, client, &scopes)
                    .await?
            }
            (_, None) => return Err(AuthError::NoClientId(self.grant.name().to_owned())),
        };
        self.store.set_tokens(Some(tokens.clone()));
        state.refreshed = None;
        Ok(tokens)
    }

    /// Finds the protected resource metadata and the authorization server's metadata.
    pub(super) async fn discover(
        &self,
        resource_metadata: Option<&str>,
    ) -> Result<Discovered, AuthError> {
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
            return Ok(Some(metadata));
        }
        Ok(None)
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
            .token_request(&discovered.metadata, client.as_ref(), form)
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

    /// POSTs a form to the authorization server's token endpoint, authenticating the client
    /// as it should, with a DPoP proof when the client asks for bound tokens.
    pub(super) async fn token_request(
        &self,
        metadata: &AuthorizationServerMetadata,
        client: Option<&ClientCredentials>,
        form: Vec<(&'static str, String)>,
    ) -> Result<TokenResponse, AuthError> {
        let auth = ClientAuth {
            client,
            key: self.client_key.as_ref(),
        };
        TokenRequest::to(&self.http, metadata, auth, self.dpop.as_ref(), form)
            .send()
            .await
    }
}
