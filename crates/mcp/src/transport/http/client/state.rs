//! What one Streamable HTTP transport keeps while it runs, shared by its sending task and
//! the tasks reading its responses: the session it is in, the requests in flight, and how a
//! request is made and its answer observed.

use std::collections::HashMap;
use std::io;

use parking_lot::Mutex;
use reqwest::header::{self, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use tokio::sync::mpsc;
use tokio::task::AbortHandle;
use tokio_util::sync::CancellationToken;

use super::Sniffed;
use super::{Common, Outbox};
use crate::jsonrpc::outgoing;
use crate::transport::http::{
    MCP_METHOD, MCP_NAME, MCP_PROTOCOL_VERSION, MCP_SESSION_ID, encode_header_value, param_headers,
};
use crate::types::{ErrorCode, ErrorData, RequestId};

/// The shared state of one transport.
pub(super) struct Inner {
    pub(super) url: Url,
    pub(super) http: reqwest::Client,
    pub(super) common: Common,
    pub(super) get_stream: bool,
    pub(super) delete_on_close: bool,
    pub(super) state: Mutex<State>,
    pub(super) incoming: Mutex<Option<mpsc::UnboundedSender<io::Result<Vec<u8>>>>>,
    pub(super) outbox: Outbox,
    pub(super) sender: Mutex<Option<tokio::task::JoinHandle<()>>>,
    pub(super) closed: CancellationToken,
}

#[derive(Default)]
pub(super) struct State {
    pub(super) session_id: Option<HeaderValue>,
    /// The version agreed at the handshake, sent with every later message.
    pub(super) protocol_version: Option<String>,
    /// The last request was of the stateless era.
    pub(super) stateless: bool,
    pub(super) in_flight: HashMap<RequestId, InFlight>,
    pub(super) get_stream: Option<AbortHandle>,
    /// The `x-mcp-header` annotations of the tools the server listed (stateless era).
    pub(super) tool_headers: HashMap<String, Vec<param_headers::Annotation>>,
}

pub(super) struct InFlight {
    pub(super) abort: AbortHandle,
    pub(super) stateless: bool,
}

impl Inner {
    /// Hands a message to the session.
    pub(super) fn deliver(&self, message: Vec<u8>) {
        if let Some(incoming) = self.incoming.lock().as_ref() {
            let _ = incoming.send(Ok(message));
        }
    }

    /// Answers one of our requests with an error, since the server's answer cannot arrive.
    pub(super) fn fail(&self, id: &RequestId, error: ErrorData) {
        self.deliver(outgoing::error_response(Some(id), &error));
    }

    /// The headers of every request after the handshake.
    pub(super) fn session_headers(
        &self,
        request: reqwest::RequestBuilder,
    ) -> reqwest::RequestBuilder {
        let state = self.state.lock();
        let mut request = request;
        if let Some(session_id) = &state.session_id {
            request = request.header(MCP_SESSION_ID, session_id.clone());
        }
        if let Some(version) = &state.protocol_version {
            request = request.header(MCP_PROTOCOL_VERSION, version.as_str());
        }
        request
    }

    pub(super) fn post(
        &self,
        body: &[u8],
        sniffed: Option<&Sniffed>,
        stateless: bool,
    ) -> reqwest::RequestBuilder {
        let request = self
            .http
            .request(Method::POST, self.url.clone())
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json, text/event-stream")
            .body(body.to_vec());
        match sniffed {
            Some(sniffed) if stateless => {
                let mut request = request.header(
                    MCP_PROTOCOL_VERSION,
                    sniffed.version.as_deref().unwrap_or(""),
                );
                if let Some(method) = &sniffed.method {
                    request = request.header(MCP_METHOD, method.as_str());
                }
                if let Some(name) = &sniffed.name {
                    request = request.header(MCP_NAME, encode_header_value(name).as_ref());
                }
                for (header, value) in self.param_headers(body, sniffed) {
                    request = request.header(header, value);
                }
                request
            }
            _ => self.session_headers(request),
        }
    }

    /// The `Mcp-Param-*` headers of a stateless-era `tools/call` of a tool whose schema
    /// annotates parameters with `x-mcp-header`.
    pub(super) fn param_headers(&self, body: &[u8], sniffed: &Sniffed) -> Vec<(String, String)> {
        if sniffed.method.as_deref() != Some("tools/call") {
            return Vec::new();
        }
        let Some(name) = &sniffed.name else {
            return Vec::new();
        };
        let annotations = match self.state.lock().tool_headers.get(name) {
            Some(annotations) => annotations.clone(),
            None => return Vec::new(),
        };
        let message: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        param_headers::headers(&annotations, message["params"]["arguments"].as_object())
    }

    /// Looks at the answer to one of our requests before handing it over: the version agreed
    /// by `initialize`; the `x-mcp-header` annotations of the tools a stateless-era
    /// `tools/list` names, leaving out the tools whose annotations are invalid, as the
    /// specification requires.
    pub(super) fn observe_answer(
        &self,
        method: Option<&str>,
        stateless: bool,
        json: Vec<u8>,
    ) -> Vec<u8> {
        match method {
            Some("initialize") => {
                learn_version(self, &json);
                json
            }
            Some("tools/list") if stateless => self.learn_tools(json),
            _ => json,
        }
    }

    pub(super) fn learn_tools(&self, json: Vec<u8>) -> Vec<u8> {
        let Ok(mut answer) = serde_json::from_slice::<serde_json::Value>(&json) else {
            return json;
        };
        let Some(tools) = answer
            .get_mut("result")
            .and_then(|r| r.get_mut("tools"))
            .and_then(serde_json::Value::as_array_mut)
        else {
            return json;
        };
        let before = tools.len();
        let mut state = self.state.lock();
        tools.retain(|tool| {
            let name = tool["name"].as_str().unwrap_or_default();
            match param_headers::annotations(&tool["inputSchema"]) {
                Ok(annotations) if annotations.is_empty() => {
                    state.tool_headers.remove(name);
                    true
                }
                Ok(annotations) => {
                    state.tool_headers.insert(name.to_owned(), annotations);
                    true
                }
                Err(why) => {
                    tracing::warn!(
                        tool = name,
                        "leaving out a tool whose schema is invalid: {why}"
                    );
                    state.tool_headers.remove(name);
                    false
                }
            }
        });
        if tools.len() == before {
            return json;
        }
        serde_json::to_vec(&answer).unwrap_or(json)
    }

    /// The error for an HTTP failure of the request `id`.
    pub(super) fn http_error(
        &self,
        status: StatusCode,
        body: &[u8],
        challenge: Option<&str>,
    ) -> ErrorData {
        let snippet: String = String::from_utf8_lossy(body).chars().take(300).collect();
        let url = &self.url;
        let in_session = self.state.lock().session_id.is_some();
        let (code, message) = match status {
            StatusCode::NOT_FOUND if in_session => (
                ErrorCode::INVALID_REQUEST,
                format!(
                    "HTTP 404 Not Found from {url}: the server ended the session; connect again to \
                     open a new one"
                ),
            ),
            StatusCode::NOT_FOUND => (
                ErrorCode::METHOD_NOT_FOUND,
                format!("HTTP 404 Not Found: there is no MCP endpoint at {url}"),
            ),
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => (
                ErrorCode::INVALID_REQUEST,
                format!(
                    "HTTP {status} from {url}: the server wants credentials{}; give the transport \
                     a bearer token or an HttpClientAuth",
                    challenge
                        .map(|c| format!(" (WWW-Authenticate: {c})"))
                        .unwrap_or_default()
                ),
            ),
            _ => (
                ErrorCode::INTERNAL_ERROR,
                format!(
                    "HTTP {status} from {url}{}",
                    if snippet.trim().is_empty() {
                        String::new()
                    } else {
                        format!(": {}", snippet.trim())
                    }
                ),
            ),
        };
        ErrorData::new(code, message)
            .with_data(serde_json::json!({ "httpStatus": status.as_u16() }))
    }
}

/// Learns the agreed version from the answer to `initialize`.
pub(super) fn learn_version(inner: &Inner, json: &[u8]) {
    #[derive(serde::Deserialize)]
    struct Answer {
        result: Option<Initialized>,
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Initialized {
        protocol_version: Option<String>,
    }
    if let Ok(Answer {
        result: Some(Initialized {
            protocol_version: Some(version),
        }),
    }) = serde_json::from_slice(json)
    {
        inner.state.lock().protocol_version = Some(version);
    }
}
