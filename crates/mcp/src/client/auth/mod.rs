//! OAuth 2.1 for MCP clients over HTTP: the authorization flow of the MCP specification
//! (2025-06-18 onward, with the 2025-03-26 fallbacks) and its authorization extensions.
//!
//! [`OAuthClient`] is an [`HttpClientAuth`]: give it to an HTTP transport with
//! [`auth`](crate::transport::http::StreamableHttpTransport::auth). It attaches its access
//! token to every request; when the server answers 401, or 403 with `insufficient_scope`, it
//! discovers the authorization server (protected resource metadata from the challenge's
//! `resource_metadata` or the well-known URLs, then RFC 8414 / OpenID Connect metadata, whose
//! `issuer` must match), obtains a token with its [`Grant`], and has the request sent again.
//!
//! - [`Grant::AuthorizationCode`] (the default of [`OAuthClient::builder`]): registers the
//!   client (pre-registered credentials, a client ID metadata document, or dynamic
//!   registration), runs the authorization code flow with PKCE S256, `state`, the RFC 8707
//!   `resource` and RFC 9207 `iss` checks, through an [`AuthorizationRedirect`]
//!   ([`HeadlessRedirect`] follows the authorization endpoint's redirect without a user).
//! - [`Grant::ClientCredentials`]: a machine client authenticates as itself, with a client
//!   secret (`client_secret_basic` or `_post`) or a JWT signed with its [`SigningKey`]
//!   (`private_key_jwt`, RFC 7523).
//! - [`Grant::JwtBearer`]: workload identity federation, a platform-issued JWT (an
//!   [`AssertionSource`] such as an [`AssertionFile`]) exchanged for a token (RFC 7523).
//! - [`Grant::IdentityAssertion`]: enterprise-managed authorization, the user's single sign-on
//!   assertion exchanged at the [`IdentityAssertion`] provider for an ID-JAG (RFC 8693), then
//!   for a token.
//!
//! With [`dpop`](OAuthClientBuilder::dpop), tokens are bound to the client's key (RFC 9449):
//! every token request and every request to the MCP server carries a fresh proof, and the
//! nonces either server asks for are sent back.
//!
//! Scopes come from the challenge, else from the resource's `scopes_supported`; a step-up keeps
//! the scopes granted before; a step-up that asks only for scopes already granted is not
//! retried. Tokens and registrations live in a [`TokenStore`] ([`InMemoryTokenStore`] by
//! default).
//!
//! ```no_run
//! use mcp::client::Client;
//! use mcp::client::auth::{HeadlessRedirect, OAuthClient};
//! use mcp::transport::http::StreamableHttpTransport;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! let url = "https://mcp.example.com/mcp";
//! let oauth = OAuthClient::builder(url, HeadlessRedirect::new("http://127.0.0.1:8976/callback")?)
//!     .client_name("my-client")
//!     .build()?;
//! let client = Client::builder()
//!     .connect(StreamableHttpTransport::new(url)?.auth(oauth))
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! A machine client with a signed client assertion and DPoP-bound tokens:
//!
//! ```no_run
//! use mcp::client::Client;
//! use mcp::client::auth::{Grant, OAuthClient, SigningKey};
//! use mcp::transport::http::StreamableHttpTransport;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! let url = "https://mcp.example.com/mcp";
//! let key = SigningKey::from_pem(&std::fs::read_to_string("client-key.pem")?, "ES256")?;
//! let oauth = OAuthClient::builder_with_grant(url, Grant::ClientCredentials)
//!     .private_key_jwt("reporting-bot", key)
//!     .dpop(SigningKey::generate()?)
//!     .build()?;
//! let client = Client::builder()
//!     .connect(StreamableHttpTransport::new(url)?.auth(oauth))
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! For a fixed token, [`bearer_token`](crate::transport::http::StreamableHttpTransport::bearer_token)
//! is enough.

mod challenge;
mod code;
mod discovery;
mod dpop;
mod flow;
mod grant;
mod keys;
mod pkce;
mod redirect;
mod registration;
mod store;
mod token;
mod unattended;

use std::sync::Arc;

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, Url};

pub use self::challenge::BearerChallenge;
pub use self::discovery::{AuthorizationServerMetadata, ProtectedResourceMetadata};
pub use self::grant::{AssertionFile, AssertionSource, Grant, IdentityAssertion};
pub use self::keys::SigningKey;
pub use self::redirect::{AuthorizationRedirect, HeadlessRedirect};
pub use self::store::{
    ClientCredentials, InMemoryTokenStore, OAuthTokens, TokenEndpointAuthMethod, TokenStore,
};

use self::dpop::{DPOP, DPOP_NONCE, Dpop};
use crate::error::BoxError;
use crate::transport::BoxFuture;
use crate::transport::http::{AuthChallenge, HttpClientAuth};

/// Why authorization failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// An HTTP exchange with a metadata, registration or token endpoint failed.
    #[error("{0}: {1}")]
    Http(String, String),
    /// A metadata document was not what the specifications describe.
    #[error("invalid metadata at {0}: {1}")]
    InvalidMetadata(String, String),
    /// The protected resource metadata names another resource than the server.
    #[error(
        "the protected resource metadata names the resource {resource}, which does not cover the \
         MCP server at {server}"
    )]
    ResourceMismatch {
        /// The `resource` of the metadata.
        resource: String,
        /// The MCP server's URL.
        server: String,
    },
    /// No authorization server could be found or used.
    #[error("no usable authorization server: {0}")]
    NoAuthorizationServer(String),
    /// The authorization server metadata's `issuer` is not the issuer it was fetched for.
    #[error("the metadata of the authorization server {expected} claims the issuer {found}")]
    IssuerMismatch {
        /// The issuer the metadata was looked up for.
        expected: String,
        /// The `issuer` the metadata holds.
        found: String,
    },
    /// The authorization server does not support PKCE with S256.
    #[error("the authorization server {0} does not support PKCE with S256")]
    NoPkce(String),
    /// There is no way to get a client id at the authorization server.
    #[error(
        "the authorization server {0} offers no dynamic client registration and no client id \
         was configured"
    )]
    NoRegistration(String),
    /// The authorization response was refused (error, state, iss, missing code).
    #[error("the authorization response was refused: {0}")]
    AuthorizationResponse(String),
    /// The token endpoint refused the request.
    #[error("the token endpoint {endpoint} refused the request: {reason}")]
    TokenRequest {
        /// The token endpoint.
        endpoint: String,
        /// What it said.
        reason: String,
    },
    /// A step-up asked only for scopes the token already has: authorizing again cannot help.
    #[error("the server wants the scopes {0:?}, which the token already has")]
    InsufficientScope(Vec<String>),
    /// A grant that uses pre-registered clients only has no client id.
    #[error(
        "the {0} grant needs a pre-registered client: configure its client id (and secret or \
         signing key)"
    )]
    NoClientId(String),
    /// A signing key could not be read, or could not sign.
    #[error("signing key: {0}")]
    Key(String),
    /// The assertion of a JWT bearer or identity assertion grant could not be obtained.
    #[error("no assertion to present: {0}")]
    Assertion(String),
    /// The redirect handler failed.
    #[error("the authorization redirect failed: {0}")]
    Redirect(BoxError),
    /// An authorization server URL is plain `http` off the loopback interface.
    #[error("the {what} {url} is not https (plain http is allowed on the loopback interface only)")]
    Insecure {
        /// Which URL: the issuer, or one of its endpoints.
        what: String,
        /// The URL.
        url: String,
    },
}

/// The configuration of an [`OAuthClient`].
pub struct OAuthClientBuilder {
    server: String,
    grant: Grant,
    store: Arc<dyn TokenStore>,
    http: Option<reqwest::Client>,
    client_name: String,
    client_credentials: Option<ClientCredentials>,
    client_key: Option<SigningKey>,
    client_metadata_url: Option<String>,
    scopes: Vec<String>,
    offline_access: bool,
    dpop: Option<SigningKey>,
}

impl OAuthClientBuilder {
    /// The `client_name` sent with dynamic registration (default `mcp-rust-client`).
    pub fn client_name(mut self, name: impl Into<String>) -> Self {
        self.client_name = name.into();
        self
    }

    /// Uses a pre-registered client id (and secret, for a confidential client) instead of
    /// registering.
    pub fn client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: Option<String>,
    ) -> Self {
        self.client_credentials = Some(ClientCredentials {
            client_id: client_id.into(),
            client_secret,
            auth_method: None,
        });
        self.client_key = None;
        self
    }

    /// Uses a pre-registered client id that authenticates at the token endpoint with JWTs
    /// signed by `key` (`private_key_jwt`, RFC 7523 §2.2), whose public key the authorization
    /// server knows.
    pub fn private_key_jwt(mut self, client_id: impl Into<String>, key: SigningKey) -> Self {
        self.client_credentials = Some(ClientCredentials {
            client_id: client_id.into(),
            client_secret: None,
            auth_method: Some(TokenEndpointAuthMethod::PrivateKeyJwt),
        });
        self.client_key = Some(key);
        self
    }

    /// Asks for tokens bound to `key` (DPoP, RFC 9449): they are useless to whoever steals
    /// them without the key. [`SigningKey::generate`] makes a fresh one.
    pub fn dpop(mut self, key: SigningKey) -> Self {
        self.dpop = Some(key);
        self
    }

    /// The HTTPS URL of this client's metadata document, used as its `client_id` with
    /// authorization servers that support client ID metadata documents.
    pub fn client_metadata_url(mut self, url: impl Into<String>) -> Self {
        self.client_metadata_url = Some(url.into());
        self
    }

    /// The scopes to ask for when neither the challenge nor the resource metadata names any.
    pub fn scopes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, scopes: I) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Whether to ask for `offline_access` (a refresh token) when the authorization server
    /// lists it (default yes; the authorization code grant only).
    pub fn offline_access(mut self, ask: bool) -> Self {
        self.offline_access = ask;
        self
    }

    /// Keeps tokens and registrations in `store` (default: in memory).
    pub fn store(mut self, store: impl TokenStore) -> Self {
        self.store = Arc::new(store);
        self
    }

    /// Uses this reqwest client for metadata, registration and token requests.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The client, or an error for an invalid server URL.
    pub fn build(self) -> Result<OAuthClient, BoxError> {
        let server = Url::parse(&self.server)
            .map_err(|e| format!("invalid MCP server URL {:?}: {e}", self.server))?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .connect_timeout(std::time::Duration::from_secs(30))
                .timeout(std::time::Duration::from_secs(60))
                .build()?,
        };
        Ok(OAuthClient {
            inner: Arc::new(flow::Flow {
                server,
                grant: self.grant,
                store: self.store,
                http,
                client_name: self.client_name,
                client_credentials: self.client_credentials,
                client_key: self.client_key,
                client_metadata_url: self.client_metadata_url,
                scopes: self.scopes,
                offline_access: self.offline_access,
                dpop: self.dpop.map(Dpop::new),
                lock: tokio::sync::Mutex::new(flow::FlowState::default()),
            }),
        })
    }
}

/// The OAuth client of one MCP server: an [`HttpClientAuth`] for its HTTP transport.
#[derive(Clone)]
pub struct OAuthClient {
    inner: Arc<flow::Flow>,
}

impl std::fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthClient")
            .field("server", &self.inner.server.as_str())
            .finish()
    }
}

impl OAuthClient {
    /// An OAuth client for the MCP server at `server_url`, sending the user through
    /// `redirect` (the authorization code grant).
    pub fn builder(server_url: &str, redirect: impl AuthorizationRedirect) -> OAuthClientBuilder {
        Self::builder_with_grant(server_url, Grant::authorization_code(redirect))
    }

    /// An OAuth client for the MCP server at `server_url` that obtains tokens with `grant`.
    pub fn builder_with_grant(server_url: &str, grant: Grant) -> OAuthClientBuilder {
        OAuthClientBuilder {
            server: server_url.to_owned(),
            grant,
            store: Arc::new(InMemoryTokenStore::new()),
            http: None,
            client_name: "mcp-rust-client".to_owned(),
            client_credentials: None,
            client_key: None,
            client_metadata_url: None,
            scopes: Vec::new(),
            offline_access: true,
            dpop: None,
        }
    }

    /// The current tokens, if any.
    pub fn tokens(&self) -> Option<OAuthTokens> {
        self.inner.store.tokens()
    }

    /// Runs the authorization flow now, as a 401 without a challenge would (useful to sign
    /// in before connecting).
    pub async fn authorize(&self) -> Result<OAuthTokens, AuthError> {
        self.inner.authorize(None, false).await
    }

    /// The credential headers of a `method` request to `url`: `Authorization`, and `DPoP`
    /// for a bound token.
    async fn request_headers(&self, method: &Method, url: &Url) -> Result<HeaderMap, BoxError> {
        let mut headers = HeaderMap::new();
        let Some(tokens) = self.inner.current_tokens().await else {
            return Ok(headers);
        };
        let token = tokens.access_token.as_str();
        match (&self.inner.dpop, tokens.is_dpop()) {
            (Some(dpop), true) => {
                let proof = dpop.proof(method.as_str(), url, Some(token))?;
                headers.insert(
                    header::AUTHORIZATION,
                    HeaderValue::from_str(&format!("{DPOP} {token}"))?,
                );
                headers.insert(DPOP, HeaderValue::from_str(&proof)?);
            }
            _ => {
                headers.insert(
                    header::AUTHORIZATION,
                    HeaderValue::from_str(&format!("Bearer {token}"))?,
                );
            }
        }
        Ok(headers)
    }
}

impl HttpClientAuth for OAuthClient {
    fn authorization(&self) -> BoxFuture<'_, Result<Option<String>, BoxError>> {
        Box::pin(async move {
            Ok(self.inner.current_tokens().await.map(|tokens| {
                let scheme = if tokens.is_dpop() { DPOP } else { "Bearer" };
                format!("{scheme} {}", tokens.access_token)
            }))
        })
    }

    fn headers<'a>(
        &'a self,
        method: &'a Method,
        url: &'a Url,
    ) -> BoxFuture<'a, Result<HeaderMap, BoxError>> {
        Box::pin(self.request_headers(method, url))
    }

    fn challenged<'a>(
        &'a self,
        challenge: &'a AuthChallenge<'a>,
    ) -> BoxFuture<'a, Result<bool, BoxError>> {
        Box::pin(async move {
            self.inner
                .challenged(challenge)
                .await
                .map_err(|e| Box::new(e) as BoxError)
        })
    }

    fn responded(&self, url: &Url, headers: &HeaderMap) {
        if let (Some(dpop), Some(nonce)) = (
            &self.inner.dpop,
            headers.get(DPOP_NONCE).and_then(|v| v.to_str().ok()),
        ) {
            dpop.remember_nonce(url, nonce);
        }
    }
}
