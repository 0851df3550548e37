//! The authorization scenarios (`auth/*`) of the conformance suite.

/// Runs the authorization scenario `scenario` against the server at `server_url`, with the
/// suite's `MCP_CONFORMANCE_CONTEXT` when it gave one.
pub async fn run(
    server_url: &str,
    scenario: &str,
    context: Option<serde_json::Value>,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let _ = (server_url, context);
    Err(format!("{scenario}: authorization scenarios are not supported by this client yet").into())
}
