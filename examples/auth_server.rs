//! A protected MCP server: the Python SDK README's "Authentication" example (a weather service
//! as an OAuth resource server) in Rust.
//!
//! Every request needs `Authorization: Bearer <token>` with the `user` scope; without one the
//! server answers 401 with a `WWW-Authenticate` challenge pointing at its protected resource
//! metadata, served at `/.well-known/oauth-protected-resource/mcp`. The tool sees who calls.
//!
//! ```sh
//! cargo run --example auth_server                  # http://127.0.0.1:3001/mcp
//! curl http://127.0.0.1:3001/.well-known/oauth-protected-resource/mcp
//! ```
//!
//! A client connects with a token (`user-token` is the one this toy verifier accepts):
//!
//! ```rust,ignore
//! let transport = StreamableHttpTransport::new("http://127.0.0.1:3001/mcp")?.bearer_token("user-token");
//! let client = Client::builder().connect(transport).await?;
//! ```

use mcp::auth::{AccessToken, InvalidToken, TokenVerifier, secrets_equal};
use mcp::http_server::{AuthSettings, HttpServer};
use mcp::server::{RequestContext, Server, ServerHandler};
use mcp::types::*;

/// Checks tokens. A real verifier introspects them at the authorization server or validates
/// them as JWTs (signature, issuer, audience); this one knows a single token, issued for this
/// server's URL, and compares it in constant time.
struct SimpleTokenVerifier {
    resource: String,
}

impl TokenVerifier for SimpleTokenVerifier {
    async fn verify_token(&self, token: &str) -> Result<AccessToken, InvalidToken> {
        if !secrets_equal(token, "user-token") {
            return Err(InvalidToken::new("unknown token"));
        }
        // The audience: the server refuses a token issued for another resource.
        Ok(AccessToken::new(token, "weather-app", ["user"])
            .subject("demo")
            .resource(&self.resource))
    }
}

struct WeatherService;

#[mcp::server_handler]
impl ServerHandler for WeatherService {
    async fn list_tools(
        &self,
        _: PaginatedRequestParams,
        _: RequestContext,
    ) -> mcp::Result<ListToolsResult> {
        let schema = serde_json::json!({
            "type": "object",
            "properties": {"city": {"type": "string", "default": "London"}},
        });
        let tool = Tool::new(
            "get_weather",
            schema.as_object().cloned().unwrap_or_default(),
        )
        .with_description("Get weather data for a city");
        Ok(ListToolsResult::new(vec![tool]))
    }

    async fn call_tool(
        &self,
        params: CallToolRequestParams,
        cx: RequestContext,
    ) -> mcp::Result<CallToolResult> {
        if params.name != "get_weather" {
            return Err(ErrorData::invalid_params(format!("Unknown tool: {}", params.name)).into());
        }
        let city = params
            .arguments
            .as_ref()
            .and_then(|a| a.get("city"))
            .and_then(|c| c.as_str())
            .unwrap_or("London");
        let caller = cx
            .access_token()
            .map(|t| t.client_id.clone())
            .unwrap_or_default();
        Ok(CallToolResult::text(format!(
            "{city}: 22°C, partly cloudy, humidity 65% (asked by {caller})"
        )))
    }
}

#[tokio::main]
async fn main() -> mcp::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3001".into());
    let server = Server::builder("Weather Service", WeatherService).build();
    let resource = format!("http://{addr}/mcp");
    let settings =
        AuthSettings::new("https://auth.example.com", &resource).required_scopes(["user"]);
    HttpServer::builder(server)
        .bearer_auth(settings, SimpleTokenVerifier { resource })
        .build()
        .run(addr)
        .await
}
