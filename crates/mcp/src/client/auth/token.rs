//! Requests to token endpoints: the client's authentication (a secret, a signed JWT or none),
//! DPoP proofs and the nonce they may be asked to carry, and reading the answer.

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use reqwest::{StatusCode, Url, header};
use serde::Deserialize;
use url::form_urlencoded;

use super::AuthError;
use super::discovery::{self, AuthorizationServerMetadata};
use super::dpop::{DPOP, DPOP_NONCE, Dpop, USE_DPOP_NONCE};
use super::grant::{CLIENT_ASSERTION_JWT, client_assertion};
use super::keys::SigningKey;
use super::store::{ClientCredentials, OAuthTokens, TokenEndpointAuthMethod};

/// A token endpoint's answer (RFC 6749 §5.1; RFC 8693 §2.2.1 adds `issued_token_type`).
#[derive(Debug, Deserialize)]
pub(super) struct TokenResponse {
    pub access_token: String,
    pub token_type: Option<String>,
    pub expires_in: Option<u64>,
    pub refresh_token: Option<String>,
    pub scope: Option<String>,
    pub issued_token_type: Option<String>,
}

/// An error answer (RFC 6749 §5.2).
#[derive(Debug, Deserialize)]
struct ErrorResponse {
    error: String,
}

/// How the client proves who it is at a token endpoint.
pub(super) struct ClientAuth<'a> {
    /// Its registration, if it has one.
    pub client: Option<&'a ClientCredentials>,
    /// The key of `private_key_jwt`.
    pub key: Option<&'a SigningKey>,
}

/// What goes to a token endpoint.
pub(super) struct TokenRequest<'a> {
    pub http: &'a reqwest::Client,
    pub endpoint: &'a str,
    /// The authorization server's issuer: the audience of client assertions.
    pub issuer: &'a str,
    pub auth: ClientAuth<'a>,
    /// The methods the endpoint supports (absent: `client_secret_basic`).
    pub methods_supported: Option<&'a [String]>,
    /// Proves possession of the DPoP key, for a bound token.
    pub dpop: Option<&'a Dpop>,
    pub form: Vec<(&'static str, String)>,
}

impl TokenRequest<'_> {
    /// A request to `metadata`'s token endpoint.
    pub fn to<'a>(
        http: &'a reqwest::Client,
        metadata: &'a AuthorizationServerMetadata,
        auth: ClientAuth<'a>,
        dpop: Option<&'a Dpop>,
        form: Vec<(&'static str, String)>,
    ) -> TokenRequest<'a> {
        TokenRequest {
            http,
            endpoint: &metadata.token_endpoint,
            issuer: &metadata.issuer,
            auth,
            methods_supported: metadata.token_endpoint_auth_methods_supported.as_deref(),
            dpop,
            form,
        }
    }

    /// POSTs the form; a `use_dpop_nonce` refusal is answered once with a proof carrying the
    /// nonce the server gave.
    pub async fn send(self) -> Result<TokenResponse, AuthError> {
        let endpoint_url = Url::parse(self.endpoint).map_err(|e| AuthError::TokenRequest {
            endpoint: self.endpoint.to_owned(),
            reason: format!("invalid URL: {e}"),
        })?;
        let mut nonce_retried = false;
        loop {
            let (status, nonce, text) = self.post(&endpoint_url).await?;
            if let (Some(dpop), Some(nonce)) = (self.dpop, &nonce) {
                dpop.remember_nonce(&endpoint_url, nonce);
                let asked = status == StatusCode::BAD_REQUEST
                    && serde_json::from_str::<ErrorResponse>(&text)
                        .is_ok_and(|e| e.error == USE_DPOP_NONCE);
                if asked && !nonce_retried {
                    nonce_retried = true;
                    continue;
                }
            }
            return self.read(status, &text);
        }
    }

    /// One POST: its status, the `DPoP-Nonce` it carried, its body.
    async fn post(&self, url: &Url) -> Result<(StatusCode, Option<String>, String), AuthError> {
        let endpoint = self.endpoint;
        let mut form = self.form.clone();
        let mut request = self
            .http
            .post(url.clone())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json");
        if let Some(client) = self.auth.client {
            match self.method(client) {
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
                TokenEndpointAuthMethod::PrivateKeyJwt => {
                    let key = self.auth.key.ok_or_else(|| {
                        AuthError::Key(format!(
                            "the client {} authenticates with private_key_jwt, and no signing \
                             key was configured",
                            client.client_id
                        ))
                    })?;
                    // RFC 7523 §3: the assertion's `sub` names the client; no client_id.
                    form.push(("client_assertion_type", CLIENT_ASSERTION_JWT.to_owned()));
                    form.push((
                        "client_assertion",
                        client_assertion(key, &client.client_id, self.issuer)?,
                    ));
                }
                TokenEndpointAuthMethod::None => {
                    form.push(("client_id", client.client_id.clone()));
                }
            }
        }
        if let Some(dpop) = self.dpop {
            request = request.header(DPOP, dpop.proof("POST", url, None)?);
        }
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form.iter().map(|(k, v)| (*k, v.as_str())))
            .finish();
        let response = request
            .body(body)
            .send()
            .await
            .map_err(|e| AuthError::Http(endpoint.to_owned(), e.to_string()))?;
        let status = response.status();
        let nonce = response
            .headers()
            .get(DPOP_NONCE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let text = String::from_utf8_lossy(&discovery::read_limited(response, endpoint).await?)
            .into_owned();
        Ok((status, nonce, text))
    }

    /// Reads the answer: tokens, or the endpoint's refusal.
    fn read(&self, status: StatusCode, text: &str) -> Result<TokenResponse, AuthError> {
        let endpoint = self.endpoint;
        if !status.is_success() {
            return Err(AuthError::TokenRequest {
                endpoint: endpoint.to_owned(),
                reason: format!("HTTP {status}: {}", snippet(text)),
            });
        }
        let tokens: TokenResponse =
            serde_json::from_str(text).map_err(|e| AuthError::TokenRequest {
                endpoint: endpoint.to_owned(),
                reason: format!("invalid token response: {e}"),
            })?;
        if tokens.issued_token_type.is_none()
            && let Some(kind) = &tokens.token_type
        {
            let dpop_bound = kind.eq_ignore_ascii_case(DPOP);
            if !(kind.eq_ignore_ascii_case("bearer") || dpop_bound && self.dpop.is_some()) {
                return Err(AuthError::TokenRequest {
                    endpoint: endpoint.to_owned(),
                    reason: format!("unsupported token type {kind:?}"),
                });
            }
        }
        Ok(tokens)
    }

    /// The registered method, else the best the endpoint supports for this client.
    fn method(&self, client: &ClientCredentials) -> TokenEndpointAuthMethod {
        auth_method(client, self.auth.key.is_some(), self.methods_supported)
    }
}

/// How a client authenticates at the token endpoint: as registered, else the best the server
/// supports for a client with a key, a secret or neither.
pub(super) fn auth_method(
    client: &ClientCredentials,
    has_key: bool,
    supported: Option<&[String]>,
) -> TokenEndpointAuthMethod {
    if let Some(method) = client.auth_method {
        return method;
    }
    if has_key {
        return TokenEndpointAuthMethod::PrivateKeyJwt;
    }
    if client.client_secret.is_none() {
        return TokenEndpointAuthMethod::None;
    }
    // RFC 8414: absent means client_secret_basic.
    let default = ["client_secret_basic".to_owned()];
    let supported = supported.unwrap_or(&default);
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

/// The stored form of a token response.
pub(super) fn tokens_from(
    response: TokenResponse,
    requested_scope: &str,
    previous_refresh: Option<String>,
    issuer: &str,
) -> OAuthTokens {
    OAuthTokens {
        access_token: response.access_token,
        token_type: response.token_type,
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

/// The start of a response body, for an error message.
pub(super) fn snippet(text: &str) -> String {
    text.chars().take(300).collect::<String>().trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn methods(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn picks_the_token_endpoint_auth_method() {
        let secret = ClientCredentials {
            client_id: "c".into(),
            client_secret: Some("s".into()),
            auth_method: None,
        };
        assert_eq!(
            auth_method(&secret, false, None),
            TokenEndpointAuthMethod::ClientSecretBasic
        );
        let post_or_none = methods(&["client_secret_post", "none"]);
        assert_eq!(
            auth_method(&secret, false, Some(&post_or_none)),
            TokenEndpointAuthMethod::ClientSecretPost
        );
        assert_eq!(
            auth_method(&secret, false, Some(&methods(&["none"]))),
            TokenEndpointAuthMethod::None
        );
        let public = ClientCredentials {
            client_secret: None,
            ..secret.clone()
        };
        assert_eq!(
            auth_method(&public, false, None),
            TokenEndpointAuthMethod::None
        );
        assert_eq!(
            auth_method(&public, true, Some(&methods(&["private_key_jwt"]))),
            TokenEndpointAuthMethod::PrivateKeyJwt
        );
        let registered = ClientCredentials {
            auth_method: Some(TokenEndpointAuthMethod::ClientSecretPost),
            ..secret
        };
        assert_eq!(
            auth_method(&registered, false, Some(&methods(&["client_secret_basic"]))),
            TokenEndpointAuthMethod::ClientSecretPost
        );
    }
}
