//! OAuth 2.1 for MCP clients over HTTP: the authorization flow of the MCP specification
//! (2025-06-18 onward, with the 2025-03-26 fallbacks).
//!
//! [`OAuthClient`] is an [`HttpClientAuth`]: give it to an HTTP transport with
//! [`auth`](crate::transport::http::StreamableHttpTransport::auth). It attaches
//! `Authorization: Bearer …` to every request; when the server answers 401, or 403 with
//! `insufficient_scope`, it discovers the authorization server (protected resource metadata
//! from the challenge's `resource_metadata` or the well-known URLs, then RFC 8414 / OpenID
//! Connect metadata, whose `issuer` must match), registers the client (pre-registered
//! credentials, a client ID metadata document, or dynamic registration), runs the
//! authorization code flow with PKCE S256, `state`, the RFC 8707 `resource` and RFC 9207 `iss`
//! checks, and has the request sent again. Scopes come from the challenge, else from the
//! resource's `scopes_supported`; a step-up keeps the scopes granted before; a step-up that
//! asks only for scopes already granted is not retried. Tokens and registrations live in a
//! [`TokenStore`] ([`InMemoryTokenStore`] by default); the browser part is an
//! [`AuthorizationRedirect`] ([`HeadlessRedirect`] follows the authorization endpoint's
//! redirect without a user).
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
//! For a fixed token, [`bearer_token`](crate::transport::http::StreamableHttpTransport::bearer_token)
//! is enough.

mod challenge;
mod discovery;
mod flow;
mod pkce;
mod redirect;
mod store;

use std::sync::Arc;

use reqwest::Url;

pub use self::challenge::BearerChallenge;
pub use self::discovery::{AuthorizationServerMetadata, ProtectedResourceMetadata};
pub use self::redirect::{AuthorizationRedirect, HeadlessRedirect};
pub use self::store::{
    ClientCredentials, InMemoryTokenStore, OAuthTokens, TokenEndpointAuthMethod, TokenStore,
};

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
    redirect: Arc<dyn AuthorizationRedirect>,
    store: Arc<dyn TokenStore>,
    http: Option<reqwest::Client>,
    client_name: String,
    client_credentials: Option<ClientCredentials>,
    client_metadata_url: Option<String>,
    scopes: Vec<String>,
    offline_access: bool,
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
    /// lists it (default yes).
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
                redirect: self.redirect,
                store: self.store,
                http,
                client_name: self.client_name,
                client_credentials: self.client_credentials,
                client_metadata_url: self.client_metadata_url,
                scopes: self.scopes,
                offline_access: self.offline_access,
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
    /// `redirect`.
    pub fn builder(server_url: &str, redirect: impl AuthorizationRedirect) -> OAuthClientBuilder {
        OAuthClientBuilder {
            server: server_url.to_owned(),
            redirect: Arc::new(redirect),
            store: Arc::new(InMemoryTokenStore::new()),
            http: None,
            client_name: "mcp-rust-client".to_owned(),
            client_credentials: None,
            client_metadata_url: None,
            scopes: Vec::new(),
            offline_access: true,
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
}

impl HttpClientAuth for OAuthClient {
    fn authorization(&self) -> BoxFuture<'_, Result<Option<String>, BoxError>> {
        Box::pin(async move {
            Ok(self
                .inner
                .current_token()
                .await
                .map(|token| format!("Bearer {token}")))
        })
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
}
