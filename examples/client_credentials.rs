//! An MCP server for machine clients, with its own authorization server: the OAuth client
//! credentials grant (the `io.modelcontextprotocol/oauth-client-credentials` extension) and
//! DPoP-bound tokens (RFC 9449), both checked by the SDK.
//!
//! One process serves both halves. The authorization server publishes its metadata and a token
//! endpoint that takes two pre-registered clients: `reporting-bot`, with the secret in
//! `MCP_DEMO_CLIENT_SECRET` (default `demo-secret`, sent as `client_secret_basic`), and
//! `signing-bot`, with JWTs signed by the key whose public half `--client-public-key FILE`
//! gives (`private_key_jwt`). Every token request must carry a DPoP proof with the server's
//! nonce; the token is bound to the proof's key. The MCP endpoint takes only those tokens,
//! each request with a fresh proof.
//!
//! ```sh
//! cargo run --example client_credentials -- 127.0.0.1:3002
//! echo demo-secret > secret.txt
//! mcp call http://127.0.0.1:3002/mcp whoami --client-id reporting-bot \
//!     --client-secret-file secret.txt --dpop
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use mcp::auth::dpop::{DpopError, DpopRequest, DpopSettings, DpopVerifier};
use mcp::auth::{AccessToken, InvalidToken, TokenVerifier};
use mcp::http_server::{AuthSettings, HttpServer};
use mcp::server::{RequestContext, Server, ServerHandler};
use mcp::types::*;
use rand::RngCore as _;
use serde::Deserialize;
use serde_json::{Value, json};

/// How long an access token lives.
const TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// A token the authorization server issued.
struct Issued {
    client_id: String,
    thumbprint: String,
    /// The resource it was asked for (RFC 8707), which the MCP server checks is itself.
    resource: Option<String>,
    expires_at: u64,
}

/// The authorization server: its clients, its DPoP checks, the tokens it issued.
struct Authority {
    issuer: String,
    secret: String,
    signing_bot_key: Option<DecodingKey>,
    proofs: DpopVerifier,
    tokens: Mutex<HashMap<String, Issued>>,
    /// Client assertions already used (`jti`), until they expire (`exp`).
    assertions: Mutex<HashMap<String, u64>>,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn json_response(status: StatusCode, body: Value) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body.to_string(),
    )
        .into_response()
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json_response(
        status,
        json!({"error": error, "error_description": description}),
    )
}

async fn metadata(State(authority): State<Arc<Authority>>) -> Response {
    let issuer = &authority.issuer;
    json_response(
        StatusCode::OK,
        json!({
            "issuer": issuer,
            "token_endpoint": format!("{issuer}/token"),
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ["ES256"],
            "dpop_signing_alg_values_supported": DpopSettings::algorithms(),
        }),
    )
}

/// The claims of a client assertion this server reads.
#[derive(Deserialize)]
struct AssertionClaims {
    iss: String,
    sub: String,
    jti: String,
    exp: u64,
}

impl Authority {
    /// The client the request authenticates as: `reporting-bot` by its secret, `signing-bot`
    /// by a signed assertion; else why not.
    fn authenticate(
        &self,
        headers: &HeaderMap,
        form: &HashMap<String, String>,
    ) -> Result<String, String> {
        let refused = |why: &str| why.to_owned();
        if let Some(basic) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Basic "))
        {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(basic)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| refused("malformed Basic credentials"))?;
            let (id, secret) = decoded
                .split_once(':')
                .ok_or_else(|| refused("malformed Basic credentials"))?;
            let decode = |s: &str| {
                url::form_urlencoded::parse(format!("x={s}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default()
            };
            return match (decode(id).as_str(), decode(secret)) {
                ("reporting-bot", secret) if secret == self.secret => Ok("reporting-bot".into()),
                _ => Err(refused("unknown client or wrong secret")),
            };
        }
        if form.get("client_assertion_type").map(String::as_str)
            == Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        {
            let key = self
                .signing_bot_key
                .as_ref()
                .ok_or_else(|| refused("no client here authenticates with signed JWTs"))?;
            let assertion = form.get("client_assertion").map_or("", String::as_str);
            let mut validation = Validation::new(Algorithm::ES256);
            validation.set_audience(&[&self.issuer]);
            validation.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
            let claims = jsonwebtoken::decode::<AssertionClaims>(assertion, key, &validation)
                .map_err(|e| refused(&format!("client assertion refused: {e}")))?
                .claims;
            if claims.iss != "signing-bot" || claims.sub != "signing-bot" {
                return Err(refused("the assertion is not signing-bot's"));
            }
            let mut used = self.assertions.lock().unwrap();
            let now = now();
            used.retain(|_, exp| *exp >= now);
            if used.insert(claims.jti, claims.exp).is_some() {
                return Err(refused("the client assertion was used before"));
            }
            return Ok("signing-bot".into());
        }
        Err(refused("client authentication required"))
    }
}

/// The token endpoint: client credentials, a DPoP proof with the current nonce, a bound token.
async fn token(
    State(authority): State<Arc<Authority>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "only client_credentials",
        );
    }
    let client_id = match authority.authenticate(&headers, &form) {
        Ok(client_id) => client_id,
        Err(why) => return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", &why),
    };
    let Some(proof) = headers.get("dpop").and_then(|v| v.to_str().ok()) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_dpop_proof",
            "tokens here are DPoP-bound: send a DPoP proof",
        );
    };
    let url = format!("{}/token", authority.issuer);
    let request = DpopRequest {
        method: "POST",
        url: &url,
        access_token: None,
        bound_to: None,
    };
    let verified = match authority.proofs.verify(proof, &request) {
        Ok(verified) => verified,
        Err(DpopError::UseNonce(nonce)) => {
            let mut response = oauth_error(
                StatusCode::BAD_REQUEST,
                "use_dpop_nonce",
                "the DPoP proof must carry this server's nonce",
            );
            if let Ok(value) = nonce.parse() {
                response.headers_mut().insert("dpop-nonce", value);
            }
            return response;
        }
        Err(e) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_dpop_proof",
                &e.to_string(),
            );
        }
    };
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let access_token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    authority.tokens.lock().unwrap().insert(
        access_token.clone(),
        Issued {
            client_id,
            thumbprint: verified.thumbprint,
            resource: form.get("resource").cloned(),
            expires_at: now() + TOKEN_LIFETIME.as_secs(),
        },
    );
    json_response(
        StatusCode::OK,
        json!({
            "access_token": access_token,
            "token_type": "DPoP",
            "expires_in": TOKEN_LIFETIME.as_secs(),
        }),
    )
}

/// The MCP server's view of the tokens: the ones the authorization server issued, bound to
/// their keys.
struct IssuedTokens(Arc<Authority>);

impl TokenVerifier for IssuedTokens {
    async fn verify_token(&self, token: &str) -> Result<AccessToken, InvalidToken> {
        let tokens = self.0.tokens.lock().unwrap();
        let issued = tokens
            .get(token)
            .ok_or_else(|| InvalidToken::new("unknown token"))?;
        let mut granted = AccessToken::new(token, issued.client_id.clone(), ["mcp"])
            .expires_at(issued.expires_at)
            .dpop_bound(issued.thumbprint.clone());
        granted.resource = issued.resource.clone();
        Ok(granted)
    }
}

/// Tools that say who calls.
struct Reports;

#[mcp::server_handler]
impl ServerHandler for Reports {
    async fn list_tools(
        &self,
        _: PaginatedRequestParams,
        _: RequestContext,
    ) -> mcp::Result<ListToolsResult> {
        let echo = json!({
            "type": "object",
            "properties": {"message": {"type": "string"}},
            "required": ["message"],
        });
        Ok(ListToolsResult::new(vec![
            Tool::without_input("whoami").with_description("The calling client and its key"),
            Tool::new("echo", echo.as_object().cloned().unwrap_or_default())
                .with_description("Echo a message"),
        ]))
    }

    async fn call_tool(
        &self,
        params: CallToolRequestParams,
        cx: RequestContext,
    ) -> mcp::Result<CallToolResult> {
        let token = cx
            .access_token()
            .ok_or_else(|| mcp::Error::other("no access token reached the tool"))?;
        match params.name.as_str() {
            "whoami" => Ok(CallToolResult::text(format!(
                "{} (DPoP key {})",
                token.client_id,
                token.dpop_thumbprint().unwrap_or("none")
            ))),
            "echo" => {
                let message = params
                    .arguments
                    .as_ref()
                    .and_then(|a| a.get("message"))
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                Ok(CallToolResult::text(message))
            }
            other => Err(ErrorData::invalid_params(format!("Unknown tool: {other}")).into()),
        }
    }
}

/// The address to listen on and the PEM file of signing-bot's public key, from the command
/// line.
fn arguments() -> Result<(String, Option<String>), String> {
    let mut addr = "127.0.0.1:3002".to_owned();
    let mut public_key = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--client-public-key" => {
                let path = args.next().ok_or("--client-public-key needs a file")?;
                let pem = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {path}: {e}"))?;
                public_key = Some(pem);
            }
            other if !other.starts_with('-') => addr = other.to_owned(),
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok((addr, public_key))
}

#[tokio::main]
async fn main() -> mcp::Result<()> {
    let (addr, public_key) = arguments().map_err(mcp::Error::other)?;
    let signing_bot_key = public_key
        .map(|pem| DecodingKey::from_ec_pem(pem.as_bytes()))
        .transpose()
        .map_err(|e| mcp::Error::other(format!("signing-bot's public key: {e}")))?;
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let base = format!("http://{}", listener.local_addr()?);
    let authority = Arc::new(Authority {
        issuer: base.clone(),
        secret: std::env::var("MCP_DEMO_CLIENT_SECRET").unwrap_or_else(|_| "demo-secret".into()),
        signing_bot_key,
        proofs: DpopVerifier::new(DpopSettings::new().require_nonce(true)),
        tokens: Mutex::new(HashMap::new()),
        assertions: Mutex::new(HashMap::new()),
    });
    let settings = AuthSettings::new(base.clone(), format!("{base}/mcp"))
        .required_scopes(["mcp"])
        .dpop(DpopSettings::new().required(true).require_nonce(true));
    let http = HttpServer::builder(Server::builder("reports", Reports).build())
        .bearer_auth(settings, IssuedTokens(authority.clone()))
        .build();
    let authorization_server = Router::new()
        .route("/.well-known/oauth-authorization-server", get(metadata))
        .route("/token", post(token))
        .with_state(authority);
    let app = http.router().merge(authorization_server);
    eprintln!("listening on {base}/mcp (authorization server at {base})");
    http.serve(listener, app, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
