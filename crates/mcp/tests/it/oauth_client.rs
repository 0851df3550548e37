//! The OAuth client against a local authorization server and MCP server: discovery,
//! registration, PKCE, the `resource` and `iss` checks, step-up, refresh, a fixed token.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use mcp::client::Client;
use mcp::client::auth::{HeadlessRedirect, OAuthClient};
use mcp::transport::http::StreamableHttpTransport;
use mcp::types::ProtocolVersion;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use tokio::net::TcpListener;

const REDIRECT_URI: &str = "http://127.0.0.1:1/callback";

/// How the mock authorization server behaves.
#[derive(Clone, Default)]
struct Options {
    /// The `iss` to put in the redirect (`None`: the issuer).
    iss: Option<String>,
    /// `expires_in` of access tokens.
    expires_in: Option<u64>,
    /// Overrides the protected resource metadata's `resource`.
    resource: Option<String>,
}

/// What the mock servers saw.
#[derive(Default)]
struct Seen {
    registrations: Vec<Value>,
    authorizations: Vec<HashMap<String, String>>,
    token_requests: Vec<HashMap<String, String>>,
    /// token -> scopes
    tokens: HashMap<String, Vec<String>>,
    challenge: Option<String>,
    bearer_calls: usize,
}

struct Mock {
    base: String,
    options: Options,
    seen: Mutex<Seen>,
}

type Shared = Arc<Mock>;

impl Mock {
    fn issuer(&self) -> String {
        format!("{}/as", self.base)
    }
}

/// A JSON answer.
struct Json(Value);

impl IntoResponse for Json {
    fn into_response(self) -> Response {
        (
            [(header::CONTENT_TYPE, "application/json")],
            self.0.to_string(),
        )
            .into_response()
    }
}

async fn prm(State(mock): State<Shared>) -> Response {
    let resource = mock
        .options
        .resource
        .clone()
        .unwrap_or_else(|| format!("{}/mcp", mock.base));
    Json(json!({
        "resource": resource,
        "authorization_servers": [mock.issuer()],
        "scopes_supported": ["read"],
    }))
    .into_response()
}

async fn as_metadata(State(mock): State<Shared>) -> Response {
    let issuer = mock.issuer();
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "registration_endpoint": format!("{issuer}/register"),
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "authorization_response_iss_parameter_supported": true,
        "scopes_supported": ["read", "write"],
    }))
    .into_response()
}

async fn register(State(mock): State<Shared>, body: String) -> Response {
    let body: Value = serde_json::from_str(&body).unwrap();
    mock.seen.lock().unwrap().registrations.push(body);
    (
        StatusCode::CREATED,
        Json(json!({"client_id": "client-1", "client_secret": "secret:1"})),
    )
        .into_response()
}

async fn authorize(State(mock): State<Shared>, uri: Uri) -> Response {
    let query: HashMap<String, String> =
        url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let mut target = reqwest::Url::parse(&query["redirect_uri"]).unwrap();
    target
        .query_pairs_mut()
        .append_pair("code", &format!("code-{}", query["code_challenge"]))
        .append_pair("state", &query["state"])
        .append_pair(
            "iss",
            &mock.options.iss.clone().unwrap_or_else(|| mock.issuer()),
        );
    mock.seen.lock().unwrap().authorizations.push(query);
    Redirect::to(target.as_str()).into_response()
}

async fn token(State(mock): State<Shared>, headers: HeaderMap, body: String) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .map(|v| base64::engine::general_purpose::STANDARD.decode(v).unwrap());
    let mut seen = mock.seen.lock().unwrap();
    seen.token_requests.push(form.clone());
    // client_secret_basic, form-encoded parts.
    if basic.as_deref() != Some(b"client-1:secret%3A1".as_slice()) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let scopes: Vec<String> = match form["grant_type"].as_str() {
        "authorization_code" => {
            let challenge = form["code"].strip_prefix("code-").unwrap();
            let verified = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(Sha256::digest(form["code_verifier"].as_bytes()));
            if verified != challenge {
                return (
                    StatusCode::BAD_REQUEST,
                    Json(json!({"error": "invalid_grant"})),
                )
                    .into_response();
            }
            let asked = seen.authorizations.last().unwrap();
            asked
                .get("scope")
                .map(|s| s.split(' ').map(str::to_owned).collect())
                .unwrap_or_default()
        }
        "refresh_token" => {
            let old = form["refresh_token"]
                .strip_prefix("refresh-")
                .unwrap()
                .to_owned();
            seen.tokens[&old].clone()
        }
        other => panic!("unexpected grant {other}"),
    };
    let access = format!("token-{}", seen.token_requests.len());
    seen.tokens.insert(access.clone(), scopes.clone());
    let mut answer = json!({
        "access_token": access,
        "token_type": "Bearer",
        "refresh_token": format!("refresh-{access}"),
        "scope": scopes.join(" "),
    });
    if let Some(expires_in) = mock.options.expires_in {
        answer["expires_in"] = json!(expires_in);
    }
    Json(answer).into_response()
}

/// A tiny MCP endpoint (2025-11-25): every request needs a token with `read`, `tools/call` one
/// with `write` too; a fixed token `fixed` is accepted with both.
async fn mcp_endpoint(State(mock): State<Shared>, headers: HeaderMap, body: String) -> Response {
    let message: Value = serde_json::from_str(&body).unwrap();
    let method = message["method"].as_str().unwrap_or_default().to_owned();
    let metadata = format!("{}/.well-known/oauth-protected-resource/mcp", mock.base);
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let scopes = {
        let mut seen = mock.seen.lock().unwrap();
        match token.as_deref() {
            Some("fixed") => {
                seen.bearer_calls += 1;
                Some(vec!["read".to_owned(), "write".to_owned()])
            }
            Some(token) => seen.tokens.get(token).cloned(),
            None => None,
        }
    };
    let challenge = |status: StatusCode, value: String| {
        mock.seen.lock().unwrap().challenge = Some(value.clone());
        (status, [(header::WWW_AUTHENTICATE, value)], "").into_response()
    };
    let Some(scopes) = scopes else {
        return challenge(
            StatusCode::UNAUTHORIZED,
            format!(r#"Bearer resource_metadata="{metadata}""#),
        );
    };
    let has = |s: &str| scopes.iter().any(|g| g == s);
    if !has("read") || (method == "tools/call" && !has("write")) {
        return challenge(
            StatusCode::FORBIDDEN,
            format!(
                r#"Bearer error="insufficient_scope", scope="write", resource_metadata="{metadata}""#
            ),
        );
    }
    let id = message["id"].clone();
    let result = match method.as_str() {
        "initialize" => json!({
            "protocolVersion": "2025-11-25",
            "capabilities": {"tools": {}},
            "serverInfo": {"name": "oauth-mock", "version": "1.0.0"},
        }),
        "tools/list" => json!({"tools": [{"name": "echo", "inputSchema": {"type": "object"}}]}),
        "tools/call" => json!({"content": [{"type": "text", "text": "called"}]}),
        m if m.starts_with("notifications/") || id.is_null() => {
            return StatusCode::ACCEPTED.into_response();
        }
        _ => json!({}),
    };
    Json(json!({"jsonrpc": "2.0", "id": id, "result": result})).into_response()
}

async fn start(options: Options) -> Shared {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mock = Arc::new(Mock {
        base,
        options,
        seen: Mutex::default(),
    });
    let app = Router::new()
        .route("/.well-known/oauth-protected-resource/mcp", get(prm))
        .route(
            "/.well-known/oauth-authorization-server/as",
            get(as_metadata),
        )
        .route("/as/register", post(register))
        .route("/as/authorize", get(authorize))
        .route("/as/token", post(token))
        .route(
            "/mcp",
            post(mcp_endpoint).get(|| async { StatusCode::METHOD_NOT_ALLOWED }),
        )
        .with_state(mock.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    mock
}

fn oauth(mock: &Mock) -> OAuthClient {
    OAuthClient::builder(
        &format!("{}/mcp", mock.base),
        HeadlessRedirect::new(REDIRECT_URI).unwrap(),
    )
    .client_name("oauth-test")
    .build()
    .unwrap()
}

async fn connect(mock: &Mock, oauth: OAuthClient) -> mcp::Result<Client> {
    let transport = StreamableHttpTransport::new(&format!("{}/mcp", mock.base))?.auth(oauth);
    tokio::time::timeout(
        Duration::from_secs(20),
        Client::builder()
            .protocol_version(ProtocolVersion::V2025_11_25)
            .connect(transport),
    )
    .await
    .expect("connecting took too long")
}

#[tokio::test]
async fn authorizes_with_pkce_then_steps_up_keeping_granted_scopes() {
    let mock = start(Options::default()).await;
    let oauth = oauth(&mock);
    let client = connect(&mock, oauth.clone()).await.unwrap();
    client.list_tools(None).await.unwrap();
    let called = client.call_tool("echo", json!({})).await.unwrap();
    assert_eq!(called.content[0].as_text(), Some("called"));
    client.close().await;

    let seen = mock.seen.lock().unwrap();
    assert_eq!(seen.registrations.len(), 1, "one registration");
    let registration = &seen.registrations[0];
    assert_eq!(registration["redirect_uris"], json!([REDIRECT_URI]));
    assert_eq!(registration["application_type"], "native");
    assert_eq!(
        registration["grant_types"],
        json!(["authorization_code", "refresh_token"])
    );
    assert_eq!(
        seen.authorizations.len(),
        2,
        "a first authorization and a step-up"
    );
    let resource = format!("{}/mcp", mock.base);
    let first = &seen.authorizations[0];
    assert_eq!(first["code_challenge_method"], "S256");
    assert_eq!(first["client_id"], "client-1");
    assert_eq!(first["resource"], resource);
    // From the resource's scopes_supported (the 401 named none), and offline_access because
    // the authorization server offers it... which this one does not.
    assert_eq!(first["scope"], "read");
    // The step-up keeps `read` and adds the challenged `write`.
    assert_eq!(seen.authorizations[1]["scope"], "read write");
    assert!(
        seen.token_requests
            .iter()
            .all(|t| t["resource"] == resource && t["grant_type"] == "authorization_code")
    );
    drop(seen);
    let tokens = oauth.tokens().unwrap();
    assert_eq!(tokens.scope.as_deref(), Some("read write"));
    assert_eq!(tokens.issuer, mock.issuer());
}

#[tokio::test]
async fn refuses_an_authorization_response_from_another_issuer() {
    let mock = start(Options {
        iss: Some("https://evil.example.com".into()),
        ..Options::default()
    })
    .await;
    let error = connect(&mock, oauth(&mock)).await.unwrap_err().to_string();
    assert!(error.contains("iss"), "{error}");
    let seen = mock.seen.lock().unwrap();
    assert_eq!(seen.authorizations.len(), 1);
    assert!(
        seen.token_requests.is_empty(),
        "no code exchange after a wrong iss"
    );
}

#[tokio::test]
async fn refuses_metadata_of_another_resource() {
    let mock = start(Options {
        resource: Some("https://evil.example.com/mcp".into()),
        ..Options::default()
    })
    .await;
    let error = connect(&mock, oauth(&mock)).await.unwrap_err().to_string();
    assert!(error.contains("does not cover"), "{error}");
    let seen = mock.seen.lock().unwrap();
    assert!(seen.registrations.is_empty() && seen.authorizations.is_empty());
}

#[tokio::test]
async fn refreshes_an_expired_token() {
    let mock = start(Options {
        expires_in: Some(0),
        ..Options::default()
    })
    .await;
    let oauth = oauth(&mock);
    let client = connect(&mock, oauth.clone()).await.unwrap();
    client.list_tools(None).await.unwrap();
    client.close().await;
    let seen = mock.seen.lock().unwrap();
    assert_eq!(seen.authorizations.len(), 1, "one authorization");
    let refreshes = seen
        .token_requests
        .iter()
        .filter(|t| t["grant_type"] == "refresh_token")
        .count();
    assert!(refreshes >= 1, "the expired token was refreshed");
    assert!(
        seen.token_requests
            .iter()
            .filter(|t| t["grant_type"] == "refresh_token")
            .all(|t| t["resource"] == format!("{}/mcp", mock.base))
    );
}

#[tokio::test]
async fn a_fixed_bearer_token_is_sent_as_is() {
    let mock = start(Options::default()).await;
    let transport = StreamableHttpTransport::new(&format!("{}/mcp", mock.base))
        .unwrap()
        .bearer_token("fixed");
    let client = Client::builder()
        .protocol_version(ProtocolVersion::V2025_11_25)
        .connect(transport)
        .await
        .unwrap();
    client.call_tool("echo", json!({})).await.unwrap();
    client.close().await;
    let seen = mock.seen.lock().unwrap();
    assert!(
        seen.bearer_calls >= 3,
        "initialize, initialized, tools/call"
    );
    assert!(seen.authorizations.is_empty());
}

#[tokio::test]
async fn without_credentials_the_error_shows_the_challenge() {
    let mock = start(Options::default()).await;
    let transport = StreamableHttpTransport::new(&format!("{}/mcp", mock.base)).unwrap();
    let error = Client::builder()
        .protocol_version(ProtocolVersion::V2025_11_25)
        .connect(transport)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("401") && error.contains("resource_metadata"),
        "{error}"
    );
}
