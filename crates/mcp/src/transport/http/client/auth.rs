//! Credentials for the requests of the HTTP client transports: where OAuth plugs in.

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode, Url};

use crate::error::BoxError;
use crate::transport::BoxFuture;

/// Supplies credentials for the requests of an HTTP transport: where OAuth plugs in
/// ([`OAuthClient`](crate::client::auth::OAuthClient) implements it).
///
/// [`bearer_token`](StreamableHttpTransport::bearer_token) covers a fixed token.
pub trait HttpClientAuth: Send + Sync + 'static {
    /// The `Authorization` header value for the next request (`Bearer …`), if any.
    fn authorization(&self) -> BoxFuture<'_, Result<Option<String>, BoxError>>;

    /// The credential headers of a `method` request to `url`: by default `Authorization` from
    /// [`authorization`](Self::authorization). A sender-constrained token adds its proof of
    /// possession for this very request (RFC 9449's `DPoP` header).
    fn headers<'a>(
        &'a self,
        method: &'a Method,
        url: &'a Url,
    ) -> BoxFuture<'a, Result<HeaderMap, BoxError>> {
        let _ = (method, url);
        Box::pin(async move {
            let mut headers = HeaderMap::new();
            if let Some(value) = self.authorization().await? {
                headers.insert(header::AUTHORIZATION, HeaderValue::from_str(&value)?);
            }
            Ok(headers)
        })
    }

    /// The server refused a request: 401, or 403 with `error="insufficient_scope"`. Obtain new
    /// credentials and say whether the request should be sent once more. The default gives up.
    fn challenged<'a>(
        &'a self,
        challenge: &'a AuthChallenge<'a>,
    ) -> BoxFuture<'a, Result<bool, BoxError>> {
        let _ = challenge;
        Box::pin(std::future::ready(Ok(false)))
    }

    /// Sees the headers of every answer to a request to `url` (a server may hand out a new
    /// DPoP nonce with any of them). The default ignores them.
    fn responded(&self, url: &Url, headers: &HeaderMap) {
        let _ = (url, headers);
    }
}

/// A refusal of the server that new credentials may overcome.
#[derive(Debug, Clone, Copy)]
pub struct AuthChallenge<'a> {
    /// 401 (no or bad credentials) or 403 (insufficient scope).
    pub status: StatusCode,
    /// The URL of the refused request.
    pub url: &'a Url,
    /// The `WWW-Authenticate` header of the answer, if any.
    pub www_authenticate: Option<&'a str>,
    /// The `DPoP-Nonce` header of the answer, if any (RFC 9449 §9).
    pub dpop_nonce: Option<&'a str>,
    /// The `Authorization` header the refused request carried, if any.
    pub authorization: Option<&'a str>,
}

/// Why new credentials could not be obtained, kept on the refused response for the error.
#[derive(Debug, Clone)]
pub(super) struct AuthFailure(pub(super) String);

/// How often one request is sent again after new credentials (a 401 and then a 403 step-up,
/// or a 401 and then a DPoP nonce).
pub(super) const MAX_AUTH_RETRIES: usize = 2;

/// The header of a server-provided DPoP nonce (RFC 9449 §8, §9).
pub(super) const DPOP_NONCE: &str = "dpop-nonce";

/// A fixed bearer token.
pub(super) struct BearerToken(pub(super) String);

impl HttpClientAuth for BearerToken {
    fn authorization(&self) -> BoxFuture<'_, Result<Option<String>, BoxError>> {
        Box::pin(std::future::ready(Ok(Some(format!("Bearer {}", self.0)))))
    }
}
