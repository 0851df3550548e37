//! The authorization scenarios (`auth/*`) of the conformance suite: connect through
//! [`OAuthClient`], whose authorization endpoint redirect is followed without a browser, then
//! list the tools and call `test-tool`, as every scenario's mock server expects.

use mcp::client::Client;
use mcp::client::auth::{HeadlessRedirect, OAuthClient};
use mcp::transport::http::StreamableHttpTransport;
use mcp::types::{Implementation, ProtocolVersion};

/// The client ID metadata document URL the suite's `auth/basic-cimd` expects as `client_id`.
const CLIENT_METADATA_URL: &str = "https://conformance-test.local/client-metadata.json";

/// Where the suite's authorization endpoints redirect to (never contacted).
const REDIRECT_URI: &str = "http://localhost:3000/callback";

/// Runs the authorization scenario `scenario` against the server at `server_url`, with the
/// suite's `MCP_CONFORMANCE_CONTEXT` when it gave one (pre-registered `client_id` and
/// `client_secret`).
pub async fn run(
    server_url: &str,
    scenario: &str,
    context: Option<serde_json::Value>,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let mut oauth = OAuthClient::builder(server_url, HeadlessRedirect::new(REDIRECT_URI)?)
        .client_name("mcp-conformance-client")
        .client_metadata_url(CLIENT_METADATA_URL);
    let context = context.unwrap_or_default();
    if let Some(client_id) = context["client_id"].as_str() {
        let secret = context["client_secret"].as_str().map(str::to_owned);
        oauth = oauth.client_credentials(client_id, secret);
    }
    let transport = StreamableHttpTransport::new(server_url)?.auth(oauth.build()?);
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
