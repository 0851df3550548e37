//! Where tokens and client registrations are kept: the [`TokenStore`] trait and its in-memory
//! default.

use std::collections::HashMap;
use std::time::SystemTime;

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

/// The tokens obtained from an authorization server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthTokens {
    /// The access token sent as `Authorization: Bearer …` (or `DPoP …`).
    pub access_token: String,
    /// `Bearer`, or `DPoP` for a token bound to the client's DPoP key (RFC 9449); absent
    /// means `Bearer`.
    #[serde(default)]
    pub token_type: Option<String>,
    /// The refresh token, if the authorization server issued one.
    pub refresh_token: Option<String>,
    /// The scopes granted (or, when the server did not say, the scopes requested).
    pub scope: Option<String>,
    /// When the access token expires, if the server said.
    pub expires_at: Option<SystemTime>,
    /// The issuer of the authorization server that issued the tokens.
    pub issuer: String,
}

impl OAuthTokens {
    /// Whether the token is bound to the client's DPoP key, and so is presented with the
    /// `DPoP` scheme and a proof.
    pub fn is_dpop(&self) -> bool {
        self.token_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("dpop"))
    }

    /// Whether the access token has expired (with a few seconds of margin).
    pub fn is_expired(&self) -> bool {
        self.expires_at.is_some_and(|at| {
            at.duration_since(SystemTime::now())
                .map_or(true, |left| left.as_secs() < 5)
        })
    }
}

/// How the client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenEndpointAuthMethod {
    /// HTTP Basic with the client id and secret.
    ClientSecretBasic,
    /// The client id and secret in the form body.
    ClientSecretPost,
    /// A JWT signed with the client's private key (RFC 7523 §2.2).
    PrivateKeyJwt,
    /// A public client: only the client id, in the form body.
    None,
}

impl TokenEndpointAuthMethod {
    /// The method's name in OAuth metadata.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClientSecretBasic => "client_secret_basic",
            Self::ClientSecretPost => "client_secret_post",
            Self::PrivateKeyJwt => "private_key_jwt",
            Self::None => "none",
        }
    }

    /// The method of an OAuth metadata name, if this client knows it.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "client_secret_basic" => Some(Self::ClientSecretBasic),
            "client_secret_post" => Some(Self::ClientSecretPost),
            "private_key_jwt" => Some(Self::PrivateKeyJwt),
            "none" => Some(Self::None),
            _ => None,
        }
    }
}

/// A client's identity at one authorization server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientCredentials {
    /// The `client_id` (a URL for a client ID metadata document).
    pub client_id: String,
    /// The `client_secret` of a confidential client.
    pub client_secret: Option<String>,
    /// How to authenticate at the token endpoint; `None` picks from the server's metadata.
    pub auth_method: Option<TokenEndpointAuthMethod>,
}

/// Keeps the tokens and client registrations of one MCP server's OAuth client.
///
/// Implement it to persist them (a file, the system keychain); [`InMemoryTokenStore`] keeps
/// them for the life of the process.
pub trait TokenStore: Send + Sync + 'static {
    /// The current tokens, if any.
    fn tokens(&self) -> Option<OAuthTokens>;
    /// Replaces the tokens (`None` forgets them).
    fn set_tokens(&self, tokens: Option<OAuthTokens>);
    /// The client's registration at the authorization server `issuer`, if any.
    fn client(&self, issuer: &str) -> Option<ClientCredentials>;
    /// Remembers (or, with `None`, forgets) the registration at `issuer`.
    fn set_client(&self, issuer: &str, client: Option<ClientCredentials>);
}

/// A [`TokenStore`] in memory.
#[derive(Debug, Default)]
pub struct InMemoryTokenStore {
    tokens: Mutex<Option<OAuthTokens>>,
    clients: Mutex<HashMap<String, ClientCredentials>>,
}

impl InMemoryTokenStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl TokenStore for InMemoryTokenStore {
    fn tokens(&self) -> Option<OAuthTokens> {
        self.tokens.lock().clone()
    }

    fn set_tokens(&self, tokens: Option<OAuthTokens>) {
        *self.tokens.lock() = tokens;
    }

    fn client(&self, issuer: &str) -> Option<ClientCredentials> {
        self.clients.lock().get(issuer).cloned()
    }

    fn set_client(&self, issuer: &str, client: Option<ClientCredentials>) {
        let mut clients = self.clients.lock();
        match client {
            Some(client) => clients.insert(issuer.to_owned(), client),
            None => clients.remove(issuer),
        };
    }
}
