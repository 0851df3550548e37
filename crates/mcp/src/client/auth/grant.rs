//! How the client obtains tokens: a [`Grant`], and the assertions some grants present.

use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use super::AuthError;
use super::keys::SigningKey;
use super::pkce::random_token;
use super::redirect::AuthorizationRedirect;
use crate::error::BoxError;
use crate::jwt::now;
use crate::transport::BoxFuture;

/// `grant_type` of the JWT bearer grant (RFC 7523 §2.1).
pub(super) const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// `grant_type` of token exchange (RFC 8693).
pub(super) const TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
/// The token type of an Identity Assertion JWT Authorization Grant.
pub(super) const ID_JAG: &str = "urn:ietf:params:oauth:token-type:id-jag";
/// `client_assertion_type` of `private_key_jwt` (RFC 7523 §2.2).
pub(super) const CLIENT_ASSERTION_JWT: &str =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How the client obtains its tokens.
#[derive(Clone)]
pub enum Grant {
    /// The authorization code grant with PKCE: a user authorizes in a browser, reached through
    /// the [`AuthorizationRedirect`].
    AuthorizationCode(Arc<dyn AuthorizationRedirect>),
    /// The client credentials grant (the `io.modelcontextprotocol/oauth-client-credentials`
    /// extension): a machine client authenticates as itself, with a secret or a signed JWT, and
    /// no user is involved. Needs pre-registered credentials
    /// ([`client_credentials`](super::OAuthClientBuilder::client_credentials) or
    /// [`private_key_jwt`](super::OAuthClientBuilder::private_key_jwt)).
    ClientCredentials,
    /// The JWT bearer grant (RFC 7523), as workload identity federation uses it: a JWT the
    /// workload's platform issued (a Kubernetes service account token, a cloud identity token)
    /// is exchanged for an access token. A configured client id is sent with it.
    JwtBearer(Arc<dyn AssertionSource>),
    /// Enterprise-managed authorization (the
    /// `io.modelcontextprotocol/enterprise-managed-authorization` extension): the user's
    /// identity assertion from single sign-on is exchanged at the enterprise identity provider
    /// for an ID-JAG (RFC 8693 token exchange), which the MCP server's authorization server
    /// takes as a JWT bearer grant from the pre-registered client.
    IdentityAssertion(Arc<IdentityAssertion>),
}

impl Grant {
    /// The authorization code grant through `redirect`.
    pub fn authorization_code(redirect: impl AuthorizationRedirect) -> Self {
        Self::AuthorizationCode(Arc::new(redirect))
    }

    /// The JWT bearer grant presenting the assertions of `source`.
    pub fn jwt_bearer(source: impl AssertionSource) -> Self {
        Self::JwtBearer(Arc::new(source))
    }

    /// Enterprise-managed authorization through the identity provider `idp`.
    pub fn identity_assertion(idp: IdentityAssertion) -> Self {
        Self::IdentityAssertion(Arc::new(idp))
    }

    /// Whether getting a token needs no user: such a grant runs again whenever its token is
    /// refused or has expired.
    pub fn is_unattended(&self) -> bool {
        !matches!(self, Self::AuthorizationCode(_))
    }

    /// The grant's name, for messages.
    pub(super) fn name(&self) -> &'static str {
        match self {
            Self::AuthorizationCode(_) => "authorization code",
            Self::ClientCredentials => "client credentials",
            Self::JwtBearer(_) => "JWT bearer",
            Self::IdentityAssertion(_) => "identity assertion",
        }
    }
}

impl std::fmt::Debug for Grant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Supplies the JWT (or other assertion) a grant presents, fresh each time one is needed:
/// platform tokens rotate, so a file is read again rather than remembered.
///
/// A `String` is a fixed assertion; [`AssertionFile`] reads one from a file.
pub trait AssertionSource: Send + Sync + 'static {
    /// The assertion to present now.
    fn assertion(&self) -> BoxFuture<'_, Result<String, BoxError>>;
}

impl AssertionSource for String {
    fn assertion(&self) -> BoxFuture<'_, Result<String, BoxError>> {
        Box::pin(std::future::ready(Ok(self.clone())))
    }
}

/// An assertion kept in a file, such as the service account token a Kubernetes pod has
/// mounted (`/var/run/secrets/tokens/...`): read again for every token request, surrounding
/// whitespace removed.
#[derive(Debug, Clone)]
pub struct AssertionFile {
    path: PathBuf,
}

impl AssertionFile {
    /// The assertion in the file at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }
}

impl AssertionSource for AssertionFile {
    fn assertion(&self) -> BoxFuture<'_, Result<String, BoxError>> {
        Box::pin(async move {
            let text = tokio::fs::read_to_string(&self.path)
                .await
                .map_err(|e| format!("cannot read {}: {e}", self.path.display()))?;
            let assertion = text.trim();
            if assertion.is_empty() {
                return Err(format!("{} is empty", self.path.display()).into());
            }
            Ok(assertion.to_owned())
        })
    }
}

/// The enterprise identity provider of [`Grant::IdentityAssertion`]: where and as whom the
/// client exchanges the user's identity assertion for an ID-JAG.
///
/// ```
/// use mcp::client::auth::IdentityAssertion;
///
/// let id_token = String::from("eyJ...");  // from the user's single sign-on
/// let idp = IdentityAssertion::new("https://acme.idp.example/oauth2/token", "mcp-client", id_token)
///     .client_secret("s3cr3t");
/// ```
#[derive(Clone)]
pub struct IdentityAssertion {
    pub(super) token_endpoint: String,
    pub(super) client_id: String,
    pub(super) client_secret: Option<String>,
    pub(super) subject_token: Arc<dyn AssertionSource>,
    pub(super) subject_token_type: &'static str,
}

impl IdentityAssertion {
    /// Exchanges the OpenID Connect ID token of `subject_token` at the identity provider's
    /// `token_endpoint`, as its client `client_id`.
    pub fn new(
        token_endpoint: impl Into<String>,
        client_id: impl Into<String>,
        subject_token: impl AssertionSource,
    ) -> Self {
        Self {
            token_endpoint: token_endpoint.into(),
            client_id: client_id.into(),
            client_secret: None,
            subject_token: Arc::new(subject_token),
            subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
        }
    }

    /// The client's secret at the identity provider, when it authenticates its clients.
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(secret.into());
        self
    }

    /// The subject token is a SAML 2.0 assertion rather than an ID token.
    pub fn saml2(mut self) -> Self {
        self.subject_token_type = "urn:ietf:params:oauth:token-type:saml2";
        self
    }
}

impl std::fmt::Debug for IdentityAssertion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityAssertion")
            .field("token_endpoint", &self.token_endpoint)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// The claims of a client assertion (RFC 7523 §3).
#[derive(Serialize)]
struct ClientAssertionClaims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    jti: String,
    iat: u64,
    exp: u64,
}

/// A `private_key_jwt` client assertion for `client_id`, addressed to the authorization server
/// `issuer` (its issuer identifier, as RFC 7523bis asks), valid for a minute.
pub(super) fn client_assertion(
    key: &SigningKey,
    client_id: &str,
    issuer: &str,
) -> Result<String, AuthError> {
    let iat = now();
    key.sign(
        "JWT",
        false,
        &ClientAssertionClaims {
            iss: client_id,
            sub: client_id,
            aud: issuer,
            jti: random_token(16),
            iat,
            exp: iat + 60,
        },
    )
}

/// Reads the assertion of `source`, as an [`AuthError`].
pub(super) async fn assertion_of(
    source: &dyn AssertionSource,
    what: &str,
) -> Result<String, AuthError> {
    source
        .assertion()
        .await
        .map_err(|e| AuthError::Assertion(format!("{what}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn assertion_files_are_read_each_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        let file = AssertionFile::new(&path);
        assert!(file.assertion().await.is_err(), "missing file");
        std::fs::write(&path, "  first\n").unwrap();
        assert_eq!(file.assertion().await.unwrap(), "first");
        std::fs::write(&path, "second").unwrap();
        assert_eq!(file.assertion().await.unwrap(), "second");
        std::fs::write(&path, "\n").unwrap();
        let error = assertion_of(&file, "the workload token").await.unwrap_err();
        assert!(error.to_string().contains("empty"), "{error}");
        assert_eq!(
            String::from("fixed").assertion().await.unwrap(),
            "fixed".to_owned()
        );
    }

    #[test]
    fn client_assertions_identify_the_client_to_the_issuer() {
        let key = SigningKey::generate().unwrap();
        let jwt = client_assertion(&key, "client-1", "https://auth.example.com").unwrap();
        let payload = jwt.split('.').nth(1).unwrap();
        use base64::Engine as _;
        let claims: serde_json::Value = serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(claims["iss"], "client-1");
        assert_eq!(claims["sub"], "client-1");
        assert_eq!(claims["aud"], "https://auth.example.com");
        assert_eq!(
            claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
            60
        );
    }
}
