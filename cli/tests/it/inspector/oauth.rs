//! An MCP server behind OAuth, with a mock authorization server of its own, for the tests of
//! the inspector's authorization step in the browser.

/// An MCP server behind OAuth on a free port, with its own authorization server (issuer
/// `BASE/as`) that approves every request at once; the MCP endpoint's URL.
pub async fn protected_server() -> String {
    use axum::extract::State;
    use axum::http::{StatusCode, Uri, header};
    use axum::response::{IntoResponse, Redirect, Response};
    use axum::routing::{get, post};
    use mcp::auth::{AccessToken, InvalidToken, TokenVerifier};
    use mcp::fastmcp::{FastMcp, ToolDef};
    use mcp::http_server::{AuthSettings, HttpServer};

    /// Knows the one token the mock grants, issued for this server (the resource it checks).
    struct Verifier(String);
    impl TokenVerifier for Verifier {
        async fn verify_token(&self, token: &str) -> Result<AccessToken, InvalidToken> {
            match token {
                "granted-by-the-mock" => {
                    Ok(AccessToken::new(token, "inspector", ["mcp"]).resource(&self.0))
                }
                _ => Err(InvalidToken::new("unknown token")),
            }
        }
    }
    #[derive(serde::Deserialize, schemars::JsonSchema)]
    struct Args {
        /// Who
        name: String,
    }

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let issuer = format!("{base}/as");
    let mcp = FastMcp::new("protected");
    mcp.add_tool(ToolDef::new("whoami", |a: Args| async move {
        format!("authorized, {}", a.name)
    }));
    let http = HttpServer::builder(mcp.server())
        .bearer_auth(
            AuthSettings::new(&issuer, format!("{base}/mcp")),
            Verifier(format!("{base}/mcp")),
        )
        .build();
    let json = |value: serde_json::Value| -> Response {
        (
            [(header::CONTENT_TYPE, "application/json")],
            value.to_string(),
        )
            .into_response()
    };
    let metadata = {
        let issuer = issuer.clone();
        move || {
            let issuer = issuer.clone();
            async move {
                json(serde_json::json!({
                    "issuer": issuer,
                    "authorization_endpoint": format!("{issuer}/authorize"),
                    "token_endpoint": format!("{issuer}/token"),
                    "registration_endpoint": format!("{issuer}/register"),
                    "response_types_supported": ["code"],
                    "code_challenge_methods_supported": ["S256"],
                    "token_endpoint_auth_methods_supported": ["none"],
                    "authorization_response_iss_parameter_supported": true,
                }))
            }
        }
    };
    let authorize = |State(issuer): State<String>, uri: Uri| async move {
        let query: std::collections::HashMap<String, String> =
            url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
                .into_owned()
                .collect();
        let mut target = url::Url::parse(&query["redirect_uri"]).unwrap();
        target
            .query_pairs_mut()
            .append_pair("code", "code-1")
            .append_pair("state", &query["state"])
            .append_pair("iss", &issuer);
        Redirect::to(target.as_str()).into_response()
    };
    let as_routes = axum::Router::new()
        .route("/.well-known/oauth-authorization-server/as", get(metadata))
        .route(
            "/as/register",
            post(move || async move {
                (StatusCode::CREATED, json(serde_json::json!({"client_id": "inspector-client"})))
            }),
        )
        .route("/as/authorize", get(authorize))
        .route(
            "/as/token",
            post(move || async move {
                json(serde_json::json!({"access_token": "granted-by-the-mock", "token_type": "Bearer"}))
            }),
        )
        .with_state(issuer.clone());
    let app = http.router().merge(as_routes);
    tokio::spawn(async move {
        // The FastMcp registry lives as long as the server serves.
        let _registry = mcp;
        http.serve(listener, app, std::future::pending())
            .await
            .unwrap();
    });
    format!("{base}/mcp")
}
