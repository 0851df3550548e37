//! The client's identity at an authorization server: remembered, pre-registered, a client ID
//! metadata document, or a dynamic registration (RFC 7591).

use reqwest::{Url, header};
use serde::Deserialize;

use super::AuthError;
use super::discovery::{self, AuthorizationServerMetadata};
use super::flow::Flow;
use super::grant::Grant;
use super::store::{ClientCredentials, TokenEndpointAuthMethod};
use super::token::snippet;

/// A registration endpoint's answer (RFC 7591 §3.2.1).
#[derive(Deserialize)]
struct RegistrationResponse {
    client_id: String,
    client_secret: Option<String>,
    token_endpoint_auth_method: Option<String>,
}

impl Flow {
    /// The client's identity at the authorization server of `metadata`, or `None` for an
    /// unattended grant that can do without one (a JWT bearer grant whose assertion says who
    /// the client is).
    pub(super) async fn client_for(
        &self,
        metadata: &AuthorizationServerMetadata,
    ) -> Result<Option<ClientCredentials>, AuthError> {
        if let Some(client) = self.store.client(&metadata.issuer) {
            return Ok(Some(client));
        }
        let client = if let Some(client) = &self.client_credentials {
            client.clone()
        } else if let Grant::AuthorizationCode(redirect) = &self.grant {
            if let (true, Some(url)) = (
                metadata.client_id_metadata_document_supported,
                &self.client_metadata_url,
            ) {
                ClientCredentials {
                    client_id: url.clone(),
                    client_secret: None,
                    auth_method: Some(TokenEndpointAuthMethod::None),
                }
            } else if let Some(endpoint) = &metadata.registration_endpoint {
                self.register(endpoint, redirect.redirect_uri()).await?
            } else {
                return Err(AuthError::NoRegistration(metadata.issuer.clone()));
            }
        } else if matches!(self.grant, Grant::JwtBearer(_)) {
            return Ok(None);
        } else {
            // The extensions use pre-registered clients only: no redirect to register.
            return Err(AuthError::NoClientId(self.grant.name().to_owned()));
        };
        self.store
            .set_client(&metadata.issuer, Some(client.clone()));
        Ok(Some(client))
    }

    /// Dynamic client registration (RFC 7591).
    async fn register(
        &self,
        endpoint: &str,
        redirect_uri: &str,
    ) -> Result<ClientCredentials, AuthError> {
        let body = serde_json::json!({
            "client_name": self.client_name,
            "redirect_uris": [redirect_uri],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "application_type": application_type(redirect_uri),
        });
        let response = self
            .http
            .post(endpoint)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json")
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| AuthError::Http(endpoint.to_owned(), e.to_string()))?;
        let status = response.status();
        let text = String::from_utf8_lossy(&discovery::read_limited(response, endpoint).await?)
            .into_owned();
        if !status.is_success() {
            return Err(AuthError::Http(
                endpoint.to_owned(),
                format!(
                    "registration refused with HTTP {status}: {}",
                    snippet(&text)
                ),
            ));
        }
        let registered: RegistrationResponse = serde_json::from_str(&text)
            .map_err(|e| AuthError::InvalidMetadata(endpoint.to_owned(), e.to_string()))?;
        Ok(ClientCredentials {
            client_id: registered.client_id,
            client_secret: registered.client_secret,
            auth_method: registered
                .token_endpoint_auth_method
                .as_deref()
                .and_then(TokenEndpointAuthMethod::from_name),
        })
    }
}

/// `native` for loopback and custom-scheme redirect URIs, `web` otherwise (SEP-837).
fn application_type(redirect_uri: &str) -> &'static str {
    match Url::parse(redirect_uri) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => match url.host_str() {
            Some("localhost" | "127.0.0.1" | "[::1]") => "native",
            _ => "web",
        },
        _ => "native",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn application_types() {
        assert_eq!(application_type("http://localhost:3000/callback"), "native");
        assert_eq!(application_type("http://127.0.0.1/cb"), "native");
        assert_eq!(application_type("com.example.app:/cb"), "native");
        assert_eq!(application_type("https://app.example.com/cb"), "web");
    }
}
