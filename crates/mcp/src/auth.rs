//! Authorization, the server side: the [`AccessToken`] a request was authorized with and the
//! [`TokenVerifier`] that turns a bearer token into one.
//!
//! The shapes follow the Python SDK's `mcp.server.auth` (`AccessToken`, `TokenVerifier`,
//! `AuthSettings`), so a Python user finds the same names. The HTTP server checks tokens with
//! [`HttpServerBuilder::bearer_auth`](crate::http_server::HttpServerBuilder::bearer_auth);
//! a handler sees the token of its request through
//! [`RequestContext::access_token`](crate::server::RequestContext::access_token).

use std::future::Future;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use parking_lot::RwLock;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::jsonrpc::Extensions;

#[cfg(feature = "http-server")]
pub mod dpop;

/// What a verified bearer token grants: who the client is, which scopes it holds, until when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessToken {
    /// The token itself.
    pub token: String,
    /// The OAuth client it was issued to.
    pub client_id: String,
    /// The scopes it grants.
    pub scopes: Vec<String>,
    /// When it expires, in seconds since the Unix epoch (`None`: never).
    pub expires_at: Option<u64>,
    /// The resource it was issued for (its RFC 8707 resource indicator, or audience).
    pub resource: Option<String>,
    /// The resource owner (`sub`), unique per issuer.
    pub subject: Option<String>,
    /// Further claims (`iss`, `act`, ...).
    pub claims: Option<Map<String, Value>>,
}

impl AccessToken {
    /// A token issued to `client_id` with `scopes`, with no expiry.
    pub fn new<I, S>(token: impl Into<String>, client_id: impl Into<String>, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            token: token.into(),
            client_id: client_id.into(),
            scopes: scopes.into_iter().map(Into::into).collect(),
            expires_at: None,
            resource: None,
            subject: None,
            claims: None,
        }
    }

    /// Sets the expiry (seconds since the Unix epoch).
    pub fn expires_at(mut self, unix_seconds: u64) -> Self {
        self.expires_at = Some(unix_seconds);
        self
    }

    /// Sets the resource the token was issued for.
    pub fn resource(mut self, resource: impl Into<String>) -> Self {
        self.resource = Some(resource.into());
        self
    }

    /// Sets the resource owner.
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// Binds the token to a DPoP key: its RFC 7638 thumbprint goes in the `cnf` claim
    /// (`cnf.jkt`, RFC 9449 §6), as a JWT access token or an introspection answer carries it.
    pub fn dpop_bound(mut self, thumbprint: impl Into<String>) -> Self {
        self.claims
            .get_or_insert_with(Map::new)
            .insert("cnf".into(), serde_json::json!({"jkt": thumbprint.into()}));
        self
    }

    /// The thumbprint of the DPoP key the token is bound to (`cnf.jkt`), if it is.
    pub fn dpop_thumbprint(&self) -> Option<&str> {
        self.claims.as_ref()?.get("cnf")?.get("jkt")?.as_str()
    }

    /// Whether the token grants `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// Whether the token has expired.
    pub fn is_expired(&self) -> bool {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        self.expires_at.is_some_and(|at| at <= now)
    }

    /// The principal the token acts for: its client, issuer (`iss` claim) and subject. A
    /// handshake-era session stays bound to the principal that opened it, and a multi
    /// round-trip request's state to the principal that started it.
    ///
    /// Without a [`subject`](Self::subject) the client alone would not tell apart two users
    /// of the same OAuth client, so the principal is then the token itself (a digest of it):
    /// a refreshed token starts a new session. A verifier should set the subject.
    pub fn principal(&self) -> String {
        let issuer = self
            .claims
            .as_ref()
            .and_then(|c| c.get("iss"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        // A JSON array, so that no client id, issuer or subject can pass for another's.
        let fields = match &self.subject {
            Some(subject) => [self.client_id.as_str(), issuer, "sub", subject.as_str()],
            None => {
                let digest = Sha256::digest(self.token.as_bytes());
                return serde_json::json!([
                    self.client_id,
                    issuer,
                    "token",
                    URL_SAFE_NO_PAD.encode(digest)
                ])
                .to_string();
            }
        };
        serde_json::json!(fields).to_string()
    }
}

/// Whether a presented secret (a bearer token, an API key) equals the expected one, in time
/// that does not depend on where they differ, so that timing the answers tells an attacker
/// nothing about the secret.
///
/// ```
/// assert!(mcp::auth::secrets_equal("s3cr3t", "s3cr3t"));
/// assert!(!mcp::auth::secrets_equal("s3cr3T", "s3cr3t"));
/// ```
pub fn secrets_equal(presented: &str, expected: &str) -> bool {
    use subtle::ConstantTimeEq;
    // Comparing digests keeps even the length of the expected secret out of the timing.
    let presented = Sha256::digest(presented.as_bytes());
    let expected = Sha256::digest(expected.as_bytes());
    presented.as_slice().ct_eq(expected.as_slice()).into()
}

/// Why a bearer token was refused.
#[derive(Debug, Clone, thiserror::Error)]
#[error("invalid token: {0}")]
pub struct InvalidToken(pub String);

impl InvalidToken {
    /// A refusal saying why.
    pub fn new(why: impl Into<String>) -> Self {
        Self(why.into())
    }
}

/// Checks a bearer token: by introspection at the authorization server, by validating a JWT,
/// by looking it up. The Rust form of the Python SDK's `TokenVerifier`.
///
/// The verifier fills [`AccessToken::resource`] with the resource the token was issued for
/// (its audience: the JWT's `aud`, the introspection's `aud` or `resource`): the server refuses
/// a token issued for another one, as the specification requires (unless
/// [`AuthSettings::validate_token_resource`](crate::http_server::AuthSettings) is turned
/// off for a verifier that checks the audience itself). It also fills
/// [`subject`](AccessToken::subject), which sessions are bound to. Expiry and scopes are
/// checked by the server. Compare secrets with [`secrets_equal`], never with `==`.
///
/// ```
/// use mcp::auth::{AccessToken, InvalidToken, TokenVerifier, secrets_equal};
///
/// struct StaticToken {
///     secret: String,
/// }
///
/// impl TokenVerifier for StaticToken {
///     async fn verify_token(&self, token: &str) -> Result<AccessToken, InvalidToken> {
///         if !secrets_equal(token, &self.secret) {
///             return Err(InvalidToken::new("unknown token"));
///         }
///         Ok(AccessToken::new(token, "my-client", ["mcp:tools"])
///             .subject("me")
///             .resource("https://mcp.example.com/mcp"))
///     }
/// }
/// ```
pub trait TokenVerifier: Send + Sync + 'static {
    /// The grant of `token`, or why it is refused.
    fn verify_token(
        &self,
        token: &str,
    ) -> impl Future<Output = Result<AccessToken, InvalidToken>> + Send;
}

/// The access token of the requests a connection serves, as its host last saw it: what a host
/// that checks tokens attaches to the connection (or the single exchange) it hands the server,
/// and where handlers find the token ([`RequestContext::access_token`]). An HTTP session's
/// requests may come with refreshed tokens of the same principal: [`set`](Self::set) replaces
/// it.
///
/// ```
/// use std::sync::Arc;
/// use mcp::auth::{AccessToken, TokenSlot};
///
/// let slot = TokenSlot::new(Some(Arc::new(AccessToken::new("t0k3n", "my-client", ["read"]))));
/// // `server.connect_with(transport, slot.extensions())`, or the `extensions` of `serve_one`.
/// let extensions = slot.extensions();
/// assert_eq!(slot.get().unwrap().client_id, "my-client");
/// # let _ = extensions;
/// ```
///
/// [`RequestContext::access_token`]: crate::server::RequestContext::access_token
#[derive(Debug, Clone, Default)]
pub struct TokenSlot(Arc<RwLock<Option<Arc<AccessToken>>>>);

impl TokenSlot {
    /// A slot holding `token`.
    pub fn new(token: Option<Arc<AccessToken>>) -> Self {
        Self(Arc::new(RwLock::new(token)))
    }

    /// Replaces the token.
    pub fn set(&self, token: Option<Arc<AccessToken>>) {
        *self.0.write() = token;
    }

    /// The token now.
    pub fn get(&self) -> Option<Arc<AccessToken>> {
        self.0.read().clone()
    }

    /// Extensions carrying this slot, for [`Server::connect_with`] or [`Server::serve_one`].
    ///
    /// [`Server::connect_with`]: crate::server::Server::connect_with
    /// [`Server::serve_one`]: crate::server::Server::serve_one
    pub fn extensions(&self) -> Extensions {
        let mut extensions = Extensions::new();
        extensions.insert(self.clone());
        extensions
    }
}

/// The access token attached to a session's extensions, if any.
pub(crate) fn token_of(extensions: &Extensions) -> Option<Arc<AccessToken>> {
    extensions.get::<TokenSlot>()?.get()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principal_expiry_and_scopes() {
        let token = AccessToken::new("t", "client", ["a", "b"]).subject("alice");
        assert!(token.has_scope("a") && !token.has_scope("c"));
        assert!(!token.is_expired());
        assert!(token.clone().expires_at(1).is_expired());
        assert!(!token.clone().expires_at(u64::MAX).is_expired());
        assert_eq!(token.dpop_thumbprint(), None);
        assert_eq!(
            token.clone().dpop_bound("abc").dpop_thumbprint(),
            Some("abc")
        );
        let bob = token.clone().subject("bob");
        assert_ne!(token.principal(), bob.principal());
        // Without a subject, two users of one client are two principals: their tokens.
        let anonymous = |t: &str| AccessToken::new(t, "client", ["a"]);
        assert_ne!(anonymous("t1").principal(), anonymous("t2").principal());
        assert_eq!(anonymous("t1").principal(), anonymous("t1").principal());
        assert_ne!(anonymous("t1").principal(), token.principal());
        // No field can pass for another: a client id holding the separator included.
        let tricky = AccessToken::new("t", "client\u{1f}", ["a"]).subject("lice");
        assert_ne!(tricky.principal(), token.principal());
        assert!(secrets_equal("same", "same"));
        assert!(!secrets_equal("same", "sane"));
        assert!(!secrets_equal("same", "same-but-longer"));
        let slot = TokenSlot::new(Some(Arc::new(token.clone())));
        let extensions = slot.extensions();
        assert_eq!(
            token_of(&extensions).unwrap().subject.as_deref(),
            Some("alice")
        );
        slot.set(Some(Arc::new(bob)));
        assert_eq!(
            token_of(&extensions).unwrap().subject.as_deref(),
            Some("bob")
        );
        assert!(token_of(&Extensions::new()).is_none());
    }
}
