//! DPoP end to end: our OAuth client, with the client credentials grant and a DPoP key, against
//! a local authorization server that issues DPoP-bound tokens and an MCP server that takes only
//! those, both requiring nonces; then the resource server's refusals, request by request, of
//! tokens and proofs built to break one rule each.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use mcp::auth::dpop::{DpopError, DpopRequest, DpopSettings, DpopVerifier};
use mcp::auth::{AccessToken, InvalidToken, TokenVerifier};
use mcp::client::Client;
use mcp::client::auth::{Grant, OAuthClient, SigningKey};
use mcp::http_server::{AuthSettings, HttpServer};
use mcp::server::{RequestContext, Server, ServerHandler};
use mcp::transport::http::StreamableHttpTransport;
use mcp::types::*;
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// What the authorization server issued and saw.
#[derive(Default)]
struct Issued {
    /// access token -> the thumbprint it is bound to
    tokens: HashMap<String, String>,
    token_requests: usize,
    nonce_challenges: usize,
}

struct AuthServer {
    base: String,
    proofs: DpopVerifier,
    issued: Mutex<Issued>,
}

type Shared = Arc<AuthServer>;

fn json_response(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn as_metadata(State(auth): State<Shared>) -> Response {
    json_response(
        StatusCode::OK,
        json!({
            "issuer": auth.base,
            "token_endpoint": format!("{}/token", auth.base),
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "dpop_signing_alg_values_supported": ["ES256"],
        }),
    )
}

/// The token endpoint: client credentials of `bot:s3cret`, a DPoP proof with this server's
/// nonce, a token bound to the proof's key.
async fn token(State(auth): State<Shared>, headers: HeaderMap, body: String) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|v| base64::engine::general_purpose::STANDARD.decode(v).ok());
    if basic.as_deref() != Some(b"bot:s3cret".as_slice())
        || form.get("grant_type").map(String::as_str) != Some("client_credentials")
    {
        return json_response(StatusCode::UNAUTHORIZED, json!({"error": "invalid_client"}));
    }
    let Some(proof) = headers.get("dpop").and_then(|v| v.to_str().ok()) else {
        return json_response(
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_dpop_proof"}),
        );
    };
    let url = format!("{}/token", auth.base);
    let request = DpopRequest {
        method: "POST",
        url: &url,
        access_token: None,
        bound_to: None,
    };
    let mut issued = auth.issued.lock().unwrap();
    issued.token_requests += 1;
    match auth.proofs.verify(proof, &request) {
        Ok(verified) => {
            let access = format!("token-{}", issued.token_requests);
            issued.tokens.insert(access.clone(), verified.thumbprint);
            json_response(
                StatusCode::OK,
                json!({"access_token": access, "token_type": "DPoP", "expires_in": 3600}),
            )
        }
        Err(DpopError::UseNonce(nonce)) => {
            issued.nonce_challenges += 1;
            let mut response =
                json_response(StatusCode::BAD_REQUEST, json!({"error": "use_dpop_nonce"}));
            response
                .headers_mut()
                .insert("dpop-nonce", nonce.parse().unwrap());
            response
        }
        Err(e) => json_response(
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_dpop_proof", "error_description": e.to_string()}),
        ),
    }
}

/// The MCP server's view of the tokens: the authorization server's, bound to their keys,
/// issued for this MCP server.
struct BoundTokens(Shared);

impl TokenVerifier for BoundTokens {
    async fn verify_token(&self, token: &str) -> Result<AccessToken, InvalidToken> {
        let issued = self.0.issued.lock().unwrap();
        let granted = match (issued.tokens.get(token), token) {
            (Some(jkt), _) => AccessToken::new(token, "bot", ["mcp"]).dpop_bound(jkt),
            (None, "plain-bearer") => AccessToken::new(token, "bot", ["mcp"]),
            _ => return Err(InvalidToken::new("unknown token")),
        };
        Ok(granted.resource(format!("{}/mcp", self.0.base)))
    }
}

/// Says how the caller's token is bound.
struct WhoAmI;

#[mcp::server_handler]
impl ServerHandler for WhoAmI {
    async fn list_tools(
        &self,
        _: PaginatedRequestParams,
        _: RequestContext,
    ) -> mcp::Result<ListToolsResult> {
        Ok(ListToolsResult::new(vec![Tool::without_input("whoami")]))
    }

    async fn call_tool(
        &self,
        _: CallToolRequestParams,
        cx: RequestContext,
    ) -> mcp::Result<CallToolResult> {
        let token = cx
            .access_token()
            .ok_or_else(|| mcp::Error::other("no token"))?;
        Ok(CallToolResult::text(format!(
            "{} bound to {}",
            token.client_id,
            token.dpop_thumbprint().unwrap_or("nothing")
        )))
    }
}

/// Serves the authorization server and the MCP server (DPoP only, nonces required) on one
/// free port; the shared state and the base URL.
async fn serve(dpop: DpopSettings) -> (Shared, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let auth = Arc::new(AuthServer {
        base: base.clone(),
        proofs: DpopVerifier::new(DpopSettings::new().require_nonce(true)),
        issued: Mutex::new(Issued::default()),
    });
    let settings = AuthSettings::new(base.clone(), format!("{base}/mcp"))
        .required_scopes(["mcp"])
        .dpop(dpop);
    let http = HttpServer::builder(Server::builder("whoami", WhoAmI).build())
        .bearer_auth(settings, BoundTokens(auth.clone()))
        .build();
    let as_routes = Router::new()
        .route("/.well-known/oauth-authorization-server", get(as_metadata))
        .route("/token", post(token))
        .with_state(auth.clone());
    let app = http.router().merge(as_routes);
    tokio::spawn(async move {
        http.serve(listener, app, std::future::pending())
            .await
            .unwrap();
    });
    (auth, base)
}

fn strict() -> DpopSettings {
    DpopSettings::new().required(true).require_nonce(true)
}

#[tokio::test]
async fn the_client_gets_and_presents_bound_tokens_through_both_nonces() {
    let (auth, base) = serve(strict()).await;
    let url = format!("{base}/mcp");
    let key = SigningKey::generate().unwrap();
    let thumbprint = key.thumbprint();
    let oauth = OAuthClient::builder_with_grant(&url, Grant::ClientCredentials)
        .client_credentials("bot", Some("s3cret".into()))
        .dpop(key)
        .build()
        .unwrap();
    for version in [ProtocolVersion::V2025_11_25, ProtocolVersion::LATEST] {
        let client = Client::builder()
            .protocol_version(version)
            .connect(
                StreamableHttpTransport::new(&url)
                    .unwrap()
                    .auth(oauth.clone()),
            )
            .await
            .unwrap();
        let result = client.call_tool("whoami", json!({})).await.unwrap();
        assert_eq!(
            result.content[0].as_text(),
            Some(format!("bot bound to {thumbprint}").as_str())
        );
        client.close().await;
    }
    assert!(oauth.tokens().unwrap().is_dpop());
    let issued = auth.issued.lock().unwrap();
    assert_eq!(
        issued.nonce_challenges, 1,
        "one use_dpop_nonce at the token endpoint"
    );
    assert_eq!(
        issued.tokens.len(),
        1,
        "one token, reused across both sessions"
    );
}

#[tokio::test]
async fn a_client_without_dpop_is_told_the_server_wants_it() {
    let (_auth, base) = serve(strict()).await;
    let url = format!("{base}/mcp");
    let oauth = OAuthClient::builder_with_grant(&url, Grant::ClientCredentials)
        .client_credentials("bot", Some("s3cret".into()))
        .build()
        .unwrap();
    let error = Client::builder()
        .connect(StreamableHttpTransport::new(&url).unwrap().auth(oauth))
        .await
        .unwrap_err()
        .to_string();
    // The authorization server refuses a token request without a proof.
    assert!(error.contains("invalid_dpop_proof"), "{error}");
}

/// Request headers: names and values.
type Headers<'a> = Vec<(&'a str, String)>;

/// A POST of a stateless-era `tools/list` with these headers; the status and headers of the
/// answer.
async fn ping(url: &str, headers: &[(&str, String)]) -> (u16, HeaderMap) {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"_meta": {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {}
    }}});
    let mut request = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", "tools/list")
        .body(body.to_string());
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.headers().clone())
}

fn www_authenticate(headers: &HeaderMap) -> String {
    headers
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn the_resource_server_refuses_each_broken_rule() {
    let (auth, base) = serve(strict()).await;
    let url = format!("{base}/mcp");
    // A bound token, obtained the way a client does.
    let key = SigningKey::generate().unwrap();
    let oauth = OAuthClient::builder_with_grant(&url, Grant::ClientCredentials)
        .client_credentials("bot", Some("s3cret".into()))
        .dpop(key.clone())
        .build()
        .unwrap();
    let token = oauth.authorize().await.unwrap().access_token;
    let dpop = |t: &str| format!("DPoP {t}");

    // No credentials: a DPoP challenge only (Bearer is not taken), with the nonce to use.
    let (status, headers) = ping(&url, &[]).await;
    assert_eq!(status, 401);
    let challenge = www_authenticate(&headers);
    assert!(challenge.starts_with("DPoP algs=\"ES256"), "{challenge}");
    assert!(!challenge.contains("Bearer"), "{challenge}");
    let nonce = headers["dpop-nonce"].to_str().unwrap().to_owned();

    let proof = |k: &SigningKey, method: &str, at: &str, t: Option<&str>, n: Option<&str>| {
        k.dpop_proof(method, at, t, n).unwrap()
    };
    let good = |n: &str| proof(&key, "POST", &url, Some(&token), Some(n));

    // The good request passes.
    let (status, _) = ping(
        &url,
        &[("authorization", dpop(&token)), ("dpop", good(&nonce))],
    )
    .await;
    assert_eq!(status, 200);

    let cases: Vec<(&str, Headers, &str)> = vec![
        (
            "a bound token as a bearer token",
            vec![("authorization", format!("Bearer {token}"))],
            "invalid_token",
        ),
        (
            "an unbound token with the DPoP scheme",
            vec![
                ("authorization", dpop("plain-bearer")),
                (
                    "dpop",
                    proof(&key, "POST", &url, Some("plain-bearer"), Some(&nonce)),
                ),
            ],
            "invalid_token",
        ),
        (
            "no proof",
            vec![("authorization", dpop(&token))],
            "invalid_dpop_proof",
        ),
        (
            "two proofs",
            vec![
                ("authorization", dpop(&token)),
                ("dpop", good(&nonce)),
                ("dpop", good(&nonce)),
            ],
            "invalid_dpop_proof",
        ),
        (
            "a proof for GET",
            vec![
                ("authorization", dpop(&token)),
                ("dpop", proof(&key, "GET", &url, Some(&token), Some(&nonce))),
            ],
            "invalid_dpop_proof",
        ),
        (
            "a proof for another URL",
            vec![
                ("authorization", dpop(&token)),
                (
                    "dpop",
                    proof(
                        &key,
                        "POST",
                        &format!("{base}/other"),
                        Some(&token),
                        Some(&nonce),
                    ),
                ),
            ],
            "invalid_dpop_proof",
        ),
        (
            "a proof for another token",
            vec![
                ("authorization", dpop(&token)),
                (
                    "dpop",
                    proof(&key, "POST", &url, Some("other"), Some(&nonce)),
                ),
            ],
            "invalid_dpop_proof",
        ),
        (
            "a proof by another key",
            vec![
                ("authorization", dpop(&token)),
                (
                    "dpop",
                    proof(
                        &SigningKey::generate().unwrap(),
                        "POST",
                        &url,
                        Some(&token),
                        Some(&nonce),
                    ),
                ),
            ],
            "invalid_dpop_proof",
        ),
        (
            "a proof without the nonce",
            vec![
                ("authorization", dpop(&token)),
                ("dpop", proof(&key, "POST", &url, Some(&token), None)),
            ],
            "use_dpop_nonce",
        ),
        (
            "garbage for a proof",
            vec![
                ("authorization", dpop(&token)),
                ("dpop", "not.a.proof".to_owned()),
            ],
            "invalid_dpop_proof",
        ),
    ];
    for (what, headers, error) in cases {
        let (status, answer) = ping(&url, &headers).await;
        assert_eq!(status, 401, "{what}");
        let challenge = www_authenticate(&answer);
        assert!(
            challenge.contains(&format!("error=\"{error}\"")),
            "{what}: {challenge}"
        );
        assert!(challenge.starts_with("DPoP "), "{what}: {challenge}");
        assert!(
            answer.contains_key("dpop-nonce"),
            "{what}: no nonce handed out"
        );
    }

    // A replayed proof.
    let once = good(&nonce);
    let headers = [("authorization", dpop(&token)), ("dpop", once)];
    assert_eq!(ping(&url, &headers).await.0, 200);
    let (status, answer) = ping(&url, &headers).await;
    assert_eq!(status, 401);
    assert!(www_authenticate(&answer).contains("used before"));

    // The protected resource metadata says DPoP is required, and with which algorithms.
    let metadata: Value = serde_json::from_str(
        &reqwest::get(format!("{base}/.well-known/oauth-protected-resource/mcp"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(metadata["dpop_bound_access_tokens_required"], true);
    assert!(
        metadata["dpop_signing_alg_values_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("ES256"))
    );
    drop(auth);
}

#[tokio::test]
async fn without_required_dpop_bearer_tokens_still_pass_and_bound_ones_need_proofs() {
    let (_auth, base) = serve(DpopSettings::new()).await;
    let url = format!("{base}/mcp");
    let (status, headers) = ping(&url, &[]).await;
    assert_eq!(status, 401);
    let challenge = www_authenticate(&headers);
    assert!(
        challenge.starts_with("Bearer ") && challenge.contains(", DPoP algs="),
        "{challenge}"
    );
    assert!(!headers.contains_key("dpop-nonce"), "no nonces asked for");
    let (status, _) = ping(&url, &[("authorization", "Bearer plain-bearer".into())]).await;
    assert_eq!(status, 200);
    // Our client, DPoP on, no nonce round trips this time.
    let oauth = OAuthClient::builder_with_grant(&url, Grant::ClientCredentials)
        .client_credentials("bot", Some("s3cret".into()))
        .dpop(SigningKey::generate().unwrap())
        .build()
        .unwrap();
    let client = Client::builder()
        .connect(StreamableHttpTransport::new(&url).unwrap().auth(oauth))
        .await
        .unwrap();
    let result = client.call_tool("whoami", json!({})).await.unwrap();
    assert!(
        result.content[0]
            .as_text()
            .unwrap()
            .starts_with("bot bound to ")
    );
    client.close().await;
}
