//! The grants that need no user: client credentials, the JWT bearer grant of workload identity
//! federation, and enterprise-managed authorization (token exchange at the identity provider,
//! then a JWT bearer grant with the ID-JAG it issued).

use super::AuthError;
use super::discovery::require_secure;
use super::flow::{Discovered, Flow};
use super::grant::{
    AssertionSource, ID_JAG, IdentityAssertion, JWT_BEARER, TOKEN_EXCHANGE, assertion_of,
};
use super::store::{ClientCredentials, OAuthTokens, TokenEndpointAuthMethod};
use super::token::{ClientAuth, TokenRequest, tokens_from};

impl Flow {
    /// The client credentials grant.
    pub(super) async fn client_credentials(
        &self,
        discovered: &Discovered,
        client: &ClientCredentials,
        scopes: &[String],
    ) -> Result<OAuthTokens, AuthError> {
        let form = vec![("grant_type", "client_credentials".to_owned())];
        self.grant_with_scope(discovered, Some(client), form, scopes)
            .await
    }

    /// The JWT bearer grant presenting the assertion of `source`.
    pub(super) async fn jwt_bearer(
        &self,
        source: &dyn AssertionSource,
        discovered: &Discovered,
        client: Option<&ClientCredentials>,
        scopes: &[String],
    ) -> Result<OAuthTokens, AuthError> {
        let assertion = assertion_of(source, "the JWT bearer assertion").await?;
        let form = vec![
            ("grant_type", JWT_BEARER.to_owned()),
            ("assertion", assertion),
        ];
        self.grant_with_scope(discovered, client, form, scopes)
            .await
    }

    /// Enterprise-managed authorization: an ID-JAG from the identity provider, presented as a
    /// JWT bearer grant.
    pub(super) async fn identity_assertion(
        &self,
        idp: &IdentityAssertion,
        discovered: &Discovered,
        client: &ClientCredentials,
        scopes: &[String],
    ) -> Result<OAuthTokens, AuthError> {
        let id_jag = self.exchange_for_id_jag(idp, discovered, scopes).await?;
        let form = vec![("grant_type", JWT_BEARER.to_owned()), ("assertion", id_jag)];
        self.grant_with_scope(discovered, Some(client), form, scopes)
            .await
    }

    /// RFC 8693 token exchange at the identity provider: the user's identity assertion for an
    /// ID-JAG naming the authorization server (`audience`) and the MCP server (`resource`).
    async fn exchange_for_id_jag(
        &self,
        idp: &IdentityAssertion,
        discovered: &Discovered,
        scopes: &[String],
    ) -> Result<String, AuthError> {
        require_secure(&idp.token_endpoint, "identity provider token endpoint")?;
        let subject = assertion_of(idp.subject_token.as_ref(), "the identity assertion").await?;
        let mut form = vec![
            ("grant_type", TOKEN_EXCHANGE.to_owned()),
            ("requested_token_type", ID_JAG.to_owned()),
            ("audience", discovered.metadata.issuer.clone()),
            ("resource", discovered.resource.clone()),
            ("subject_token", subject),
            ("subject_token_type", idp.subject_token_type.to_owned()),
        ];
        if !scopes.is_empty() {
            form.push(("scope", scopes.join(" ")));
        }
        let client = ClientCredentials {
            client_id: idp.client_id.clone(),
            client_secret: idp.client_secret.clone(),
            // The specification's example sends the secret in the body.
            auth_method: Some(if idp.client_secret.is_some() {
                TokenEndpointAuthMethod::ClientSecretPost
            } else {
                TokenEndpointAuthMethod::None
            }),
        };
        let response = TokenRequest {
            http: &self.http,
            endpoint: &idp.token_endpoint,
            issuer: &idp.token_endpoint,
            auth: ClientAuth {
                client: Some(&client),
                key: None,
            },
            methods_supported: None,
            dpop: None,
            form,
        }
        .send()
        .await?;
        if response.issued_token_type.as_deref() != Some(ID_JAG) {
            return Err(AuthError::TokenRequest {
                endpoint: idp.token_endpoint.clone(),
                reason: format!(
                    "the token exchange issued {:?}, not an ID-JAG ({ID_JAG})",
                    response
                        .issued_token_type
                        .as_deref()
                        .unwrap_or("no token type")
                ),
            });
        }
        Ok(response.access_token)
    }

    /// Sends an unattended grant's token request with the `resource` and `scope` parameters.
    async fn grant_with_scope(
        &self,
        discovered: &Discovered,
        client: Option<&ClientCredentials>,
        mut form: Vec<(&'static str, String)>,
        scopes: &[String],
    ) -> Result<OAuthTokens, AuthError> {
        let metadata = &discovered.metadata;
        form.push(("resource", discovered.resource.clone()));
        let scope = scopes.join(" ");
        if !scope.is_empty() {
            form.push(("scope", scope.clone()));
        }
        let response = self.token_request(metadata, client, form).await?;
        Ok(tokens_from(response, &scope, None, &metadata.issuer))
    }
}
