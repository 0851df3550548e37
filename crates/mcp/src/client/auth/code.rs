//! The authorization code grant: the authorization request with PKCE S256, `state` and the
//! RFC 8707 `resource`, the checks of its response (`state`, RFC 9207 `iss`), the code
//! exchange.

use reqwest::Url;

use super::AuthError;
use super::flow::{Discovered, Flow};
use super::pkce::{Pkce, random_token};
use super::redirect::AuthorizationRedirect;
use super::store::{ClientCredentials, OAuthTokens};
use super::token::tokens_from;

impl Flow {
    /// Runs the authorization code grant through `redirect`.
    pub(super) async fn authorization_code(
        &self,
        redirect: &dyn AuthorizationRedirect,
        discovered: &Discovered,
        client: &ClientCredentials,
        scopes: &[String],
    ) -> Result<OAuthTokens, AuthError> {
        let metadata = &discovered.metadata;
        let s256 = metadata
            .code_challenge_methods_supported
            .as_ref()
            .is_some_and(|m| m.iter().any(|m| m == "S256"));
        if !s256 {
            return Err(AuthError::NoPkce(metadata.issuer.clone()));
        }
        let pkce = Pkce::new();
        let state = random_token(16);
        let redirect_uri = redirect.redirect_uri();
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
        let back = redirect
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
        let response = self.token_request(metadata, Some(client), form).await?;
        Ok(tokens_from(response, &scope, None, &metadata.issuer))
    }
}
