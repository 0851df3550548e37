//! The routes: the page and its files, the API behind the token, the OAuth callback, and the
//! MCP Apps sandbox on an origin of its own. Every response carries headers that keep other
//! sites out: a strict Content-Security-Policy, no framing, no referrer, no CORS.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::api;
use crate::assets;
use crate::backend::Backend;
use crate::oauth::{self, Callbacks};
use crate::security::Gate;

/// What every route needs.
#[derive(Clone)]
pub struct AppState {
    /// The backend.
    pub backend: Arc<Backend>,
    /// The checks.
    pub gate: Arc<Gate>,
    /// Waiting OAuth authorizations.
    pub oauth: Arc<Callbacks>,
    /// The sandbox's origin (`http://127.0.0.1:PORT`), for the page's CSP.
    pub sandbox_origin: String,
    /// The page's port.
    pub page_port: u16,
}

impl axum::extract::FromRef<AppState> for Arc<Backend> {
    fn from_ref(state: &AppState) -> Self {
        state.backend.clone()
    }
}

/// The inspector's router.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/events", get(api::events))
        .route("/state", get(api::state))
        .route("/connect", post(api::connect))
        .route("/restart", post(api::restart))
        .route("/disconnect", post(api::disconnect))
        .route("/request", post(api::request))
        .route("/cancel", post(api::cancel))
        .route("/subscribe", post(api::subscribe))
        .route("/answer", post(api::answer))
        .route("/roots", post(api::roots))
        .route("/replay", post(api::replay))
        .fallback(|| async { api::error(StatusCode::NOT_FOUND, "no such API route") })
        .layer(middleware::from_fn_with_state(state.clone(), require_token));
    Router::new()
        .route("/", get(index))
        .route("/assets/{*path}", get(asset))
        .route("/oauth/callback", get(oauth_callback))
        .nest("/api", api)
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found") })
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// The `Host`/`Origin` check and the headers every response gets.
async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // The authorization server sends the browser back to the callback from its own site: only
    // the Host is checked there, and the route can do nothing but complete an authorization.
    let refused = if request.uri().path() == "/oauth/callback" {
        state.gate.check_host(request.headers()).err()
    } else {
        state.gate.check_origin(request.headers()).err()
    };
    let mut response = match refused {
        Some(refusal) => (StatusCode::FORBIDDEN, refusal.message()).into_response(),
        // No preflight is ever answered: the API takes no requests from other origins.
        None if request.method() == Method::OPTIONS => {
            (StatusCode::FORBIDDEN, "refused: no cross-origin requests").into_response()
        }
        None => next.run(request).await,
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_str(&page_csp(&state.sandbox_origin)).expect("a valid header"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

fn page_csp(sandbox_origin: &str) -> String {
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
         media-src 'self' data: blob:; connect-src 'self'; font-src 'self'; \
         frame-src {sandbox_origin}; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
    )
}

async fn require_token(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match state.gate.check_token(request.headers()) {
        Ok(()) => next.run(request).await,
        Err(refusal) => {
            let mut response = api::error(StatusCode::UNAUTHORIZED, refusal.message());
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"mcp dev\""),
            );
            response
        }
    }
}

async fn index() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        assets::INDEX_HTML,
    )
        .into_response()
}

async fn asset(Path(path): Path<String>) -> Response {
    match assets::asset(&path) {
        Some(asset) => (
            [
                (header::CONTENT_TYPE, asset.content_type),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            asset.body,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such file").into_response(),
    }
}

async fn oauth_callback(State(state): State<AppState>, uri: Uri) -> Response {
    let port = state.page_port;
    let url = url::Url::parse(&format!("http://127.0.0.1:{port}{uri}")).ok();
    let completed = url.is_some_and(|url| state.oauth.complete(url));
    (
        if completed {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        },
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        oauth::callback_page(completed),
    )
        .into_response()
}

/// The MCP Apps sandbox proxy: served on its own origin, so a view can never reach the
/// inspector's page, its storage or its API.
#[derive(Clone)]
pub struct SandboxState {
    /// The checks of the sandbox listener (no token: it serves nothing secret).
    pub gate: Arc<Gate>,
    /// The origins of the inspector page, the only ones that may frame the proxy.
    pub page_origins: Vec<String>,
}

/// The sandbox's router: `/sandbox` (the proxy page, whose CSP follows the view's declared
/// domains) and `/sandbox.js`.
pub fn sandbox_router(state: SandboxState) -> Router {
    Router::new()
        .route("/sandbox", get(sandbox_page))
        .route("/sandbox.js", get(sandbox_script))
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found") })
        .layer(middleware::from_fn_with_state(state.clone(), sandbox_guard))
        .with_state(state)
}

async fn sandbox_guard(
    State(state): State<SandboxState>,
    request: Request,
    next: Next,
) -> Response {
    // Only the Host matters here: the page is framed cross-origin on purpose.
    let host_only = {
        let mut headers = request.headers().clone();
        headers.remove(header::ORIGIN);
        headers.remove("sec-fetch-site");
        state.gate.check_origin(&headers)
    };
    match host_only {
        Ok(()) => next.run(request).await,
        Err(refusal) => (StatusCode::FORBIDDEN, refusal.message()).into_response(),
    }
}

/// The domains a view declares (`_meta.ui.csp`), as the page passes them.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeclaredCsp {
    #[serde(default)]
    connect_domains: Vec<String>,
    #[serde(default)]
    resource_domains: Vec<String>,
    #[serde(default)]
    frame_domains: Vec<String>,
    #[serde(default)]
    base_uri_domains: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct SandboxQuery {
    #[serde(default)]
    csp: Option<String>,
}

/// A source expression safe to put in a CSP: a scheme and host (with `*.` and a port allowed),
/// nothing that could end the directive or add a keyword.
fn safe_source(source: &str) -> bool {
    let Some((scheme, rest)) = source.split_once("://") else {
        return false;
    };
    matches!(scheme, "http" | "https" | "ws" | "wss")
        && !rest.is_empty()
        && rest.len() < 256
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-*:/_".contains(c))
}

/// The view's CSP: the restrictive default of the MCP Apps specification, loosened only by
/// the domains the resource declared (and only well-formed ones).
pub fn view_csp(declared: &DeclaredCsp) -> String {
    let list = |domains: &[String]| -> String {
        domains
            .iter()
            .filter(|d| safe_source(d))
            .map(|d| format!(" {d}"))
            .collect()
    };
    let resources = list(&declared.resource_domains);
    let frames = list(&declared.frame_domains);
    let bases = list(&declared.base_uri_domains);
    format!(
        "default-src 'none'; script-src 'self' 'unsafe-inline'{resources}; \
         style-src 'self' 'unsafe-inline'{resources}; img-src 'self' data:{resources}; \
         font-src 'self'{resources}; media-src 'self' data:{resources}; \
         connect-src {connect}; frame-src {frame}; object-src 'none'; base-uri {base}",
        connect = if declared.connect_domains.is_empty() {
            "'none'".to_owned()
        } else {
            format!("'self'{}", list(&declared.connect_domains))
        },
        frame = if frames.is_empty() {
            "'none'".to_owned()
        } else {
            frames.trim_start().to_owned()
        },
        base = if bases.is_empty() {
            "'self'".to_owned()
        } else {
            bases.trim_start().to_owned()
        },
    )
}

async fn sandbox_page(
    State(state): State<SandboxState>,
    axum::extract::Query(query): axum::extract::Query<SandboxQuery>,
) -> Response {
    let declared: DeclaredCsp = query
        .csp
        .as_deref()
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_default();
    let csp = format!(
        "{}; frame-ancestors {}",
        view_csp(&declared),
        state.page_origins.join(" ")
    );
    let body = assets::SANDBOX_HTML.replace("{{PAGE_ORIGINS}}", &state.page_origins.join(" "));
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Body::from(body),
    )
        .into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_str(&csp).expect("the CSP holds only checked sources"),
    );
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

async fn sandbox_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        assets::SANDBOX_JS,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_csp_is_strict_by_default() {
        let csp = view_csp(&DeclaredCsp::default());
        assert!(csp.starts_with("default-src 'none'; script-src 'self' 'unsafe-inline';"));
        assert!(csp.contains("connect-src 'none'"));
        assert!(csp.contains("frame-src 'none'"));
        assert!(csp.contains("object-src 'none'"));
    }

    #[test]
    fn declared_domains_are_added_and_bad_ones_dropped() {
        let declared = DeclaredCsp {
            connect_domains: vec!["https://api.example.com".into(), "'unsafe-eval'".into()],
            resource_domains: vec![
                "https://*.cdn.example".into(),
                "https://x; script-src *".into(),
            ],
            ..DeclaredCsp::default()
        };
        let csp = view_csp(&declared);
        assert!(
            csp.contains("connect-src 'self' https://api.example.com;"),
            "{csp}"
        );
        assert!(
            csp.contains("img-src 'self' data: https://*.cdn.example;"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe-eval"));
        assert!(!csp.contains("script-src *"));
    }
}
