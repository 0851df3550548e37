//! The authorization scenarios (`auth/*`) of the conformance suite: connect through
//! [`OAuthClient`], then list the tools and call `test-tool`, as every scenario's mock server
//! expects. The authorization code scenarios follow the authorization endpoint's redirect
//! without a browser; the extension scenarios configure the grant they exercise (client
//! credentials with a secret or a signed JWT, workload identity's JWT bearer grant,
//! enterprise-managed authorization) and DPoP-bound tokens, from the suite's
//! `MCP_CONFORMANCE_CONTEXT`.

use mcp::client::Client;
use mcp::client::auth::{
    Grant, HeadlessRedirect, IdentityAssertion, OAuthClient, OAuthClientBuilder, SigningKey,
};
use mcp::transport::http::StreamableHttpTransport;
use mcp::types::{Implementation, ProtocolVersion};
use serde_json::Value;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The client ID metadata document URL the suite's `auth/basic-cimd` expects as `client_id`.
const CLIENT_METADATA_URL: &str = "https://conformance-test.local/client-metadata.json";

/// Where the suite's authorization endpoints redirect to (never contacted).
const REDIRECT_URI: &str = "http://localhost:3000/callback";

/// Runs the authorization scenario `scenario` against the server at `server_url`, with the
/// suite's `MCP_CONFORMANCE_CONTEXT` when it gave one.
pub async fn run(server_url: &str, scenario: &str, context: Option<Value>) -> Result<(), BoxError> {
    let context = context.unwrap_or_default();
    let oauth = oauth_client(server_url, scenario, &context)?
        .client_name("mcp-conformance-client")
        .build()?;
    let transport = StreamableHttpTransport::new(server_url)?.auth(oauth);
    let mut builder =
        Client::builder().info(Implementation::new("mcp-conformance-client", "1.0.0"));
    if let Ok(version) = std::env::var("MCP_CONFORMANCE_PROTOCOL_VERSION") {
        builder = builder.protocol_version(version.parse::<ProtocolVersion>()?);
    }
    let client = builder
        .connect(transport)
        .await
        .map_err(|e| format!("{scenario}: connecting failed: {e}"))?;
    client.list_tools(None).await?;
    client.call_tool("test-tool", serde_json::json!({})).await?;
    client.close().await;
    Ok(())
}

/// The OAuth client a scenario exercises.
fn oauth_client(
    server_url: &str,
    scenario: &str,
    context: &Value,
) -> Result<OAuthClientBuilder, BoxError> {
    let text = |key: &str| -> Result<String, BoxError> {
        context[key]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("{scenario}: the context has no {key}").into())
    };
    let secret = context["client_secret"].as_str().map(str::to_owned);
    Ok(match scenario {
        "auth/client-credentials-basic" => {
            OAuthClient::builder_with_grant(server_url, Grant::ClientCredentials)
                .client_credentials(text("client_id")?, secret)
        }
        "auth/client-credentials-jwt" => {
            let algorithm = context["signing_algorithm"].as_str().unwrap_or("ES256");
            let key = SigningKey::from_pem(&text("private_key_pem")?, algorithm)?;
            OAuthClient::builder_with_grant(server_url, Grant::ClientCredentials)
                .private_key_jwt(text("client_id")?, key)
        }
        "auth/wif-jwt-bearer" => {
            OAuthClient::builder_with_grant(server_url, Grant::jwt_bearer(text("valid_jwt")?))
                .client_credentials(text("client_id")?, None)
        }
        "auth/enterprise-managed-authorization" => {
            let idp = IdentityAssertion::new(
                text("idp_token_endpoint")?,
                text("idp_client_id")?,
                text("idp_id_token")?,
            );
            OAuthClient::builder_with_grant(server_url, Grant::identity_assertion(idp))
                .client_credentials(text("client_id")?, secret)
        }
        _ => {
            let mut oauth = OAuthClient::builder(server_url, HeadlessRedirect::new(REDIRECT_URI)?)
                .client_metadata_url(CLIENT_METADATA_URL);
            if let Some(client_id) = context["client_id"].as_str() {
                oauth = oauth.client_credentials(client_id, secret);
            }
            if scenario.starts_with("auth/dpop") {
                oauth = oauth.dpop(SigningKey::generate()?);
            }
            oauth
        }
    })
}
