//! The interactive part of the authorization code flow: sending the user to the
//! authorization endpoint and receiving the redirect back.

use reqwest::Url;

use crate::error::BoxError;
use crate::transport::BoxFuture;

/// Takes the user through the authorization endpoint and brings back where the authorization
/// server redirected to (the redirect URI with `code`, `state`, `iss` or `error`).
///
/// A desktop client opens a browser and listens on a loopback port; a test or a client whose
/// authorization server decides without a human uses [`HeadlessRedirect`].
pub trait AuthorizationRedirect: Send + Sync + 'static {
    /// The `redirect_uri` registered and sent with authorization requests.
    fn redirect_uri(&self) -> &str;

    /// Sends the user to `authorization_url`; resolves to the URL the authorization server
    /// redirected back to.
    fn authorize<'a>(&'a self, authorization_url: &'a Url) -> BoxFuture<'a, Result<Url, BoxError>>;
}

/// Follows the authorization endpoint without a user: GETs the authorization URL and takes
/// the `Location` of its redirect, for authorization servers that decide on their own
/// (automated tests, pre-approved clients).
#[derive(Debug, Clone)]
pub struct HeadlessRedirect {
    redirect_uri: String,
    http: reqwest::Client,
}

impl HeadlessRedirect {
    /// Registers `redirect_uri` (which is never contacted).
    pub fn new(redirect_uri: impl Into<String>) -> Result<Self, BoxError> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            redirect_uri: redirect_uri.into(),
            http,
        })
    }
}

impl AuthorizationRedirect for HeadlessRedirect {
    fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    fn authorize<'a>(&'a self, authorization_url: &'a Url) -> BoxFuture<'a, Result<Url, BoxError>> {
        Box::pin(async move {
            let response = self.http.get(authorization_url.clone()).send().await?;
            let status = response.status();
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| {
                    format!("the authorization endpoint answered HTTP {status} without a redirect")
                })?;
            Ok(authorization_url.join(location)?)
        })
    }
}
