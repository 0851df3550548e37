//! What a debugging tool sees of a client transport's HTTP traffic: each request with the
//! head of its response.

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode, Url};

use super::error_chain;

/// One HTTP exchange of a client transport, as an [`HttpObserver`] sees it: what was sent and
/// the head of what came back (bodies travel on as JSON-RPC messages).
#[derive(Debug, Clone)]
pub struct HttpExchange {
    /// The request's method.
    pub method: Method,
    /// The request's URL.
    pub url: Url,
    /// The request's headers, credentials included.
    pub request_headers: HeaderMap,
    /// The response's status; `None` when no response came (see [`error`](Self::error)).
    pub status: Option<StatusCode>,
    /// The response's headers (empty without a response).
    pub response_headers: HeaderMap,
    /// How long the response's head took to arrive (or the request to fail).
    pub elapsed: Duration,
    /// Why no response came: the connection failed, or the request could not be built.
    pub error: Option<String>,
}

/// Watches every HTTP request an HTTP client transport sends, with its response's head: what a
/// debugging tool needs to show the traffic under the JSON-RPC messages. Set it with
/// [`observer`](super::StreamableHttpTransport::observer); a closure taking `&HttpExchange` is one.
///
/// ```
/// use mcp::transport::http::{HttpExchange, StreamableHttpTransport};
///
/// let transport = StreamableHttpTransport::new("http://127.0.0.1:8000/mcp")
///     .unwrap()
///     .observer(|exchange: &HttpExchange| {
///         eprintln!("{} {} -> {:?}", exchange.method, exchange.url, exchange.status);
///     });
/// # drop(transport);
/// ```
pub trait HttpObserver: Send + Sync + 'static {
    /// Called once per request, when its response's head arrived or the request failed. It
    /// runs on the transport's task: keep it quick.
    fn exchange(&self, exchange: &HttpExchange);
}

impl<F: Fn(&HttpExchange) + Send + Sync + 'static> HttpObserver for F {
    fn exchange(&self, exchange: &HttpExchange) {
        self(exchange)
    }
}

/// Sends `request` with `client`, telling `observer` about the exchange.
pub(super) async fn observed(
    client: &reqwest::Client,
    request: reqwest::Request,
    observer: &dyn HttpObserver,
) -> reqwest::Result<reqwest::Response> {
    let mut exchange = HttpExchange {
        method: request.method().clone(),
        url: request.url().clone(),
        request_headers: request.headers().clone(),
        status: None,
        response_headers: HeaderMap::new(),
        elapsed: Duration::ZERO,
        error: None,
    };
    let started = std::time::Instant::now();
    let result = client.execute(request).await;
    exchange.elapsed = started.elapsed();
    match &result {
        Ok(response) => {
            exchange.status = Some(response.status());
            exchange.response_headers = response.headers().clone();
        }
        Err(e) => exchange.error = Some(error_chain(e)),
    }
    observer.exchange(&exchange);
    result
}
