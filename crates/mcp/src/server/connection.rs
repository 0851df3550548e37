//! One client connection: routes each request to the handler under the right protocol era.
//!
//! A request whose `_meta` names a stateless-era version is served statelessly: everything the
//! server needs to know about the client comes from that `_meta`. Anything else belongs to the
//! handshake era and needs a preceding `initialize` on this connection. Both kinds can arrive on
//! the same connection.

use std::borrow::Cow;
use std::future::{Future, ready};
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::context::{ClientFacts, ContextInner, InputState, LogGate, RequestContext};
use super::core::{Handshake, ServerCore, SessionState};
use super::handler::ServerHandler;
use super::notifier;
use super::request_state::{Binding, params_digest};
use crate::error::Error;
use crate::jsonrpc::{
    BoxFuture, HandlerFuture, IncomingNotification, IncomingRequest, Peer,
    RequestContext as EngineContext, Service, names_stateless_version, parse_params,
};
use crate::types::meta::{SERVER_INFO, SUBSCRIPTION_ID};
use crate::types::{
    Cacheable, CallToolRequestParams, DiscoverResult, EmptyRequestParams, EmptyResult, ErrorCode,
    ErrorData, GetPromptRequestParams, InitializeRequestParams, InitializeResult,
    InputRequiredResult, InputResponses, Meta, PaginatedRequestParams, ProtocolVersion,
    ReadResourceRequestParams, RequestMeta, RequestParams, ResultFields, ResultType, ServerResult,
    SetLevelRequestParams, SubscribeRequestParams, SubscriptionFilter,
    SubscriptionsListenRequestParams, SubscriptionsListenResult, UnsubscribeRequestParams,
    negotiate_handshake,
};

/// What a server answers a request with.
#[derive(Debug, Serialize)]
#[serde(untagged)]
#[allow(clippy::large_enum_variant)] // boxing would cost an allocation per response
pub enum ServerReply {
    /// A result of a method the specification defines.
    Result(ServerResult),
    /// The result of a custom method.
    Custom(Value),
}

/// Which eras a method exists in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Eras {
    Both,
    HandshakeOnly,
    StatelessOnly,
}

/// The era and client a request is served for.
struct Resolved {
    version: ProtocolVersion,
    client: Arc<ClientFacts>,
    log: LogGate,
}

/// Params of the requests that can answer `input_required` (stateless era).
trait InputParams {
    fn take_input(&mut self) -> (Option<InputResponses>, Option<String>);
}

macro_rules! input_params {
    ($($ty:ty),*) => {$(
        impl InputParams for $ty {
            fn take_input(&mut self) -> (Option<InputResponses>, Option<String>) {
                (self.input_responses.take(), self.request_state.take())
            }
        }
    )*};
}
input_params!(
    CallToolRequestParams,
    GetPromptRequestParams,
    ReadResourceRequestParams
);

/// Fills in the cache hints of a stateless-era cacheable result the handler left without them.
fn fill_cache<T: Cacheable>(result: &mut T, hint: super::CacheHint) {
    if result.ttl_ms().is_none() {
        result.set_cache(hint.ttl_ms, hint.scope);
    }
}

/// How a connection treats the handshake era.
pub(super) enum HandshakePolicy {
    /// `initialize` opens the handshake: the connection of one client (stdio, a WebSocket, a
    /// handshake-era HTTP session).
    Required,
    /// Never made: the connection single exchanges of many clients share, where `initialize`
    /// is refused.
    Refused,
    /// As if made at this version without client capabilities, for a client without a session
    /// (a server behind a load balancer); an `initialize` is still answered.
    Assumed(ProtocolVersion),
}

/// One connection of a server, as a JSON-RPC [`Service`].
pub(super) struct Connection<H> {
    handler: Arc<H>,
    core: Arc<ServerCore>,
    session: Arc<SessionState>,
    policy: HandshakePolicy,
    /// The handshake of [`HandshakePolicy::Assumed`].
    assumed: Option<Handshake>,
}

impl<H: ServerHandler> Connection<H> {
    pub fn new(handler: Arc<H>, core: Arc<ServerCore>, policy: HandshakePolicy) -> Self {
        let assumed = match policy {
            HandshakePolicy::Assumed(version) => Some(Handshake {
                version,
                client: Arc::new(ClientFacts::default()),
            }),
            HandshakePolicy::Required | HandshakePolicy::Refused => None,
        };
        Self {
            handler,
            core,
            session: Arc::new(SessionState::default()),
            policy,
            assumed,
        }
    }

    /// Passes the server's events on to this connection's client until it closes.
    pub fn forward_events(&self, peer: Peer) {
        notifier::forward_to_session(self.core.notifier.subscribe(), peer, self.session.clone());
    }

    /// Works out the era of a request and what is known about its client.
    fn resolve(
        &self,
        method: &str,
        meta: &mut Option<RequestMeta>,
        eras: Eras,
    ) -> Result<Resolved, ErrorData> {
        if let Some(declared) = meta.as_ref().and_then(|m| m.protocol_version.clone()) {
            let declared = declared.as_str();
            match ProtocolVersion::from_wire(declared) {
                Some(version) if version.is_stateless() => {
                    if !self.core.supports(version) {
                        return Err(ErrorData::unsupported_protocol_version(
                            declared,
                            &self.core.version_strings(),
                        ));
                    }
                    if eras == Eras::HandshakeOnly {
                        return Err(ErrorData::method_not_found(method));
                    }
                    let meta = meta.as_mut().expect("checked above");
                    let capabilities = meta.client_capabilities.take().ok_or_else(|| {
                        ErrorData::invalid_params(format!(
                            "{method} names protocol version {declared} but its _meta lacks \
                             io.modelcontextprotocol/clientCapabilities, which every {declared} request must carry"
                        ))
                    })?;
                    return Ok(Resolved {
                        version,
                        client: Arc::new(ClientFacts {
                            capabilities: *capabilities,
                            info: meta.client_info.take().map(|info| *info),
                        }),
                        log: LogGate::Request(meta.log_level),
                    });
                }
                // A handshake-era version in `_meta` changes nothing: the handshake decides.
                Some(_) => {}
                None => {
                    return Err(ErrorData::unsupported_protocol_version(
                        declared,
                        &self.core.version_strings(),
                    ));
                }
            }
        }
        match self.session.handshake.get().or(self.assumed.as_ref()) {
            Some(handshake) if eras != Eras::StatelessOnly => Ok(Resolved {
                version: handshake.version,
                client: handshake.client.clone(),
                log: LogGate::Session(self.session.clone()),
            }),
            Some(_) => Err(ErrorData::method_not_found(method)),
            None => Err(ErrorData::invalid_params(format!(
                "{method} arrived before initialize: send initialize first, or make it a stateless \
                 request by putting io.modelcontextprotocol/protocolVersion and \
                 io.modelcontextprotocol/clientCapabilities in its _meta (versions: {})",
                self.core.version_strings().join(", ")
            ))),
        }
    }

    fn context(
        &self,
        rcx: EngineContext,
        method: Cow<'static, str>,
        meta: Option<RequestMeta>,
        resolved: Resolved,
        input: Option<InputState>,
    ) -> RequestContext {
        RequestContext {
            inner: Arc::new(ContextInner {
                id: rcx.id,
                method,
                meta,
                peer: rcx.peer,
                version: resolved.version,
                client: resolved.client,
                log: resolved.log,
                core: self.core.clone(),
                input,
            }),
        }
    }

    /// Serves a request through a handler method.
    fn call<P, T, F, Fut>(
        &self,
        method: &'static str,
        request: &IncomingRequest<'_>,
        rcx: EngineContext,
        eras: Eras,
        cache: Option<fn(&mut T, super::CacheHint)>,
        handle: F,
    ) -> Result<HandlerFuture<ServerReply>, ErrorData>
    where
        P: RequestParams + DeserializeOwned + Send + 'static,
        T: ResultFields + Into<ServerResult> + Send + 'static,
        F: FnOnce(Arc<H>, P, RequestContext) -> Fut,
        Fut: Future<Output = crate::Result<T>> + Send + 'static,
    {
        let mut params: P = request.parse_params()?;
        let mut meta = params.meta_mut().take();
        let resolved = self.resolve(method, &mut meta, eras)?;
        let version = resolved.version;
        let cx = self.context(rcx, Cow::Borrowed(method), meta, resolved, None);
        let future = handle(self.handler.clone(), params, cx);
        let core = self.core.clone();
        Ok(Box::pin(async move {
            let mut result = future.await.map_err(|e| era_error(e, version))?;
            if let Some(fill) = cache {
                if version.is_stateless() {
                    fill(&mut result, core.cache_hint(method));
                }
            }
            finish(&mut result, version, &core);
            Ok(ServerReply::Result(result.into()))
        }))
    }

    /// Serves a request that may need input from the client (`tools/call`, `prompts/get`,
    /// `resources/read`): in the stateless era, a handler that asks for input ends with an
    /// `input_required` result.
    fn call_with_input<P, T, F, Fut>(
        &self,
        method: &'static str,
        request: &IncomingRequest<'_>,
        rcx: EngineContext,
        cache: Option<fn(&mut T, super::CacheHint)>,
        handle: F,
    ) -> Result<HandlerFuture<ServerReply>, ErrorData>
    where
        P: RequestParams + InputParams + Serialize + DeserializeOwned + Send + 'static,
        T: ResultFields + Into<ServerResult> + Send + 'static,
        F: FnOnce(Arc<H>, P, RequestContext) -> Fut,
        Fut: Future<Output = crate::Result<T>> + Send + 'static,
    {
        let mut params: P = request.parse_params()?;
        let mut meta = params.meta_mut().take();
        let resolved = self.resolve(method, &mut meta, Eras::Both)?;
        let version = resolved.version;
        if !version.is_stateless() {
            let cx = self.context(rcx, Cow::Borrowed(method), meta, resolved, None);
            let future = handle(self.handler.clone(), params, cx);
            let core = self.core.clone();
            return Ok(Box::pin(async move {
                let mut result = future.await.map_err(|e| era_error(e, version))?;
                finish(&mut result, version, &core);
                Ok(ServerReply::Result(result.into()))
            }));
        }
        let (responses, state) = params.take_input();
        let digest = params_digest(Some(
            &serde_json::to_value(&params).map_err(|e| ErrorData::invalid_params(e.to_string()))?,
        ));
        let principal = crate::auth::token_of(rcx.peer.extensions()).map(|t| t.principal());
        let binding = Binding {
            method,
            digest: &digest,
            principal: principal.as_deref(),
        };
        let mut answers = match &state {
            Some(state) => self.core.config.state_key.open(state, &binding)?,
            None => Default::default(),
        };
        for (key, response) in responses.unwrap_or_default() {
            answers.entry(key).or_insert_with(|| response.to_value());
        }
        let cx = self.context(
            rcx,
            Cow::Borrowed(method),
            meta,
            resolved,
            Some(InputState::new(answers)),
        );
        let future = handle(self.handler.clone(), params, cx.clone());
        let core = self.core.clone();
        Ok(Box::pin(async move {
            let outcome = future.await;
            let input = cx.inner.input.as_ref().expect("set above");
            let pending = input.take_pending();
            if !pending.is_empty() {
                let binding = Binding {
                    method,
                    digest: &digest,
                    principal: principal.as_deref(),
                };
                let state = core.config.state_key.seal(
                    &binding,
                    input.answers.clone(),
                    core.config.state_ttl,
                );
                let mut interim = InputRequiredResult::new();
                interim.input_requests = Some(pending);
                interim.request_state = Some(state);
                finish(&mut interim, version, &core);
                return Ok(ServerReply::Result(ServerResult::InputRequired(interim)));
            }
            let mut result = outcome.map_err(|e| era_error(e, version))?;
            if let Some(fill) = cache {
                fill(&mut result, core.cache_hint(method));
            }
            finish(&mut result, version, &core);
            Ok(ServerReply::Result(result.into()))
        }))
    }

    fn initialize(&self, request: &IncomingRequest<'_>) -> Result<ServerReply, ErrorData> {
        if let HandshakePolicy::Refused = self.policy {
            let supported = self.core.version_strings().join(", ");
            return Err(
                ErrorData::method_not_found("initialize").with_data(Value::String(format!(
                    "initialize belongs to the handshake era; this server speaks {supported}"
                ))),
            );
        }
        let params: InitializeRequestParams = request.parse_params()?;
        let version = negotiate_handshake(&params.protocol_version, &self.core.config.versions)
            .ok_or_else(|| {
                let mut error = ErrorData::unsupported_protocol_version(
                    &params.protocol_version,
                    &self.core.version_strings(),
                );
                error.message = format!(
                    "this server does not speak the initialize handshake; it speaks {}",
                    self.core.version_strings().join(", ")
                )
                .into();
                error
            })?;
        let handshake = Handshake {
            version,
            client: Arc::new(ClientFacts {
                capabilities: params.capabilities,
                info: Some(params.client_info),
            }),
        };
        self.session
            .handshake
            .set(handshake)
            .map_err(|_| ErrorData::invalid_request("this connection is already initialized"))?;
        let mut result = InitializeResult::new(
            version,
            self.core.config.capabilities.clone(),
            self.core.config.info.clone(),
        );
        result.instructions = self.core.config.instructions.clone();
        Ok(ServerReply::Result(result.into()))
    }

    fn discover(&self, request: &IncomingRequest<'_>) -> Result<ServerReply, ErrorData> {
        let mut params: EmptyRequestParams = request.parse_params()?;
        let mut meta = params.meta_mut().take();
        let resolved = self.resolve(request.method, &mut meta, Eras::StatelessOnly)?;
        let mut result = DiscoverResult::new(
            &self.core.config.versions,
            self.core.config.capabilities.clone(),
        );
        result.instructions = self.core.config.instructions.clone();
        fill_cache(&mut result, self.core.cache_hint("server/discover"));
        finish(&mut result, resolved.version, &self.core);
        Ok(ServerReply::Result(result.into()))
    }

    fn set_level(&self, request: &IncomingRequest<'_>) -> Result<ServerReply, ErrorData> {
        let mut params: SetLevelRequestParams = request.parse_params()?;
        let mut meta = params.meta_mut().take();
        self.resolve(request.method, &mut meta, Eras::HandshakeOnly)?;
        self.session.set_log_level(params.level);
        Ok(ServerReply::Result(EmptyResult::default().into()))
    }

    fn listen(
        &self,
        request: &IncomingRequest<'_>,
        rcx: EngineContext,
    ) -> Result<HandlerFuture<ServerReply>, ErrorData> {
        let mut params: SubscriptionsListenRequestParams = request.parse_params()?;
        let mut meta = params.meta_mut().take();
        let resolved = self.resolve(request.method, &mut meta, Eras::StatelessOnly)?;
        let version = resolved.version;
        let id = rcx.id.clone();
        let peer = rcx.peer.clone();
        let cx = self.context(
            rcx,
            Cow::Borrowed("subscriptions/listen"),
            meta,
            resolved,
            None,
        );
        let handler = self.handler.clone();
        let core = self.core.clone();
        let wanted = params.notifications;
        // Subscribed before anything is acknowledged, so that no change after the
        // acknowledgement can be missed.
        let events = core.notifier.subscribe();
        Ok(Box::pin(async move {
            let caps = &core.config.capabilities;
            let mut granted = SubscriptionFilter {
                tools_list_changed: wanted.tools_list_changed.filter(|&on| {
                    on && caps
                        .tools
                        .as_ref()
                        .is_some_and(|t| t.list_changed == Some(true))
                }),
                prompts_list_changed: wanted.prompts_list_changed.filter(|&on| {
                    on && caps
                        .prompts
                        .as_ref()
                        .is_some_and(|p| p.list_changed == Some(true))
                }),
                resources_list_changed: wanted.resources_list_changed.filter(|&on| {
                    on && caps
                        .resources
                        .as_ref()
                        .is_some_and(|r| r.list_changed == Some(true))
                }),
                resource_subscriptions: None,
            };
            if caps
                .resources
                .as_ref()
                .is_some_and(|r| r.subscribe == Some(true))
            {
                let mut uris = Vec::new();
                for uri in wanted.resource_subscriptions.unwrap_or_default() {
                    let params = SubscribeRequestParams {
                        uri: uri.clone(),
                        meta: None,
                    };
                    if handler.subscribe(params, cx.clone()).await.is_ok() {
                        uris.push(uri);
                    }
                }
                if !uris.is_empty() {
                    granted.resource_subscriptions = Some(uris);
                }
            }
            let mut ack_meta = Meta::new();
            ack_meta.insert(
                SUBSCRIPTION_ID.into(),
                serde_json::to_value(&id).expect("ids serialize"),
            );
            let ack = serde_json::json!({ "notifications": granted, "_meta": ack_meta });
            peer.notify_related(
                "notifications/subscriptions/acknowledged",
                Some(&ack),
                Some(id.clone()),
            )
            .map_err(into_error_data)?;
            // Open until the client cancels it (which drops this future) or the session ends.
            notifier::stream_to_listener(events, &peer, &id, &granted).await;
            let mut result = SubscriptionsListenResult {
                meta: Some(ack_meta),
                result_type: None,
            };
            finish(&mut result, version, &core);
            Ok(ServerReply::Result(result.into()))
        }))
    }

    fn subscribe(
        &self,
        request: &IncomingRequest<'_>,
        rcx: EngineContext,
    ) -> Result<HandlerFuture<ServerReply>, ErrorData> {
        let session = self.session.clone();
        self.call(
            "resources/subscribe",
            request,
            rcx,
            Eras::HandshakeOnly,
            None,
            move |h, p: SubscribeRequestParams, cx| {
                let uri = p.uri.clone();
                async move {
                    h.subscribe(p, cx).await?;
                    session.subscribe(uri);
                    Ok(EmptyResult::default())
                }
            },
        )
    }

    fn unsubscribe(
        &self,
        request: &IncomingRequest<'_>,
        rcx: EngineContext,
    ) -> Result<HandlerFuture<ServerReply>, ErrorData> {
        let session = self.session.clone();
        self.call(
            "resources/unsubscribe",
            request,
            rcx,
            Eras::HandshakeOnly,
            None,
            move |h, p: UnsubscribeRequestParams, cx| {
                session.unsubscribe(&p.uri);
                async move {
                    h.unsubscribe(p, cx).await?;
                    Ok(EmptyResult::default())
                }
            },
        )
    }

    fn custom(
        &self,
        request: &IncomingRequest<'_>,
        rcx: EngineContext,
    ) -> Result<HandlerFuture<ServerReply>, ErrorData> {
        let mut params: Value = request.parse_params()?;
        let mut meta = match params.get_mut("_meta").map(Value::take) {
            Some(meta) => Some(
                serde_json::from_value::<RequestMeta>(meta)
                    .map_err(|e| ErrorData::invalid_params(format!("invalid _meta: {e}")))?,
            ),
            None => None,
        };
        if let Value::Object(map) = &mut params {
            map.remove("_meta");
        }
        let resolved = self.resolve(request.method, &mut meta, Eras::Both)?;
        let version = resolved.version;
        let method = request.method.to_owned();
        let cx = self.context(rcx, Cow::Owned(method.clone()), meta, resolved, None);
        let handler = self.handler.clone();
        let core = self.core.clone();
        let params = (request.params.is_some()).then_some(params);
        Ok(Box::pin(async move {
            let mut value = handler
                .custom_request(&method, params, cx)
                .await
                .map_err(into_error_data)?;
            if version.is_stateless() {
                if let Value::Object(map) = &mut value {
                    map.entry("resultType")
                        .or_insert_with(|| Value::String("complete".into()));
                    let meta = map
                        .entry("_meta")
                        .or_insert_with(|| Value::Object(Meta::new()));
                    if let Value::Object(meta) = meta {
                        meta.entry(SERVER_INFO)
                            .or_insert_with(|| core.info_json.clone());
                    }
                }
            }
            Ok(ServerReply::Custom(value))
        }))
    }

    fn route(
        &self,
        request: IncomingRequest<'_>,
        rcx: EngineContext,
    ) -> Result<HandlerFuture<ServerReply>, ErrorData> {
        let r = &request;
        match request.method {
            // Gone from the stateless era: refused before their parameters are looked at.
            "ping" | "logging/setLevel" | "resources/subscribe" | "resources/unsubscribe"
                if names_stateless_version(r.params) =>
            {
                Err(ErrorData::method_not_found(request.method))
            }
            "initialize" => Ok(Box::pin(ready(self.initialize(r)))),
            "server/discover" => Ok(Box::pin(ready(self.discover(r)))),
            "logging/setLevel" => Ok(Box::pin(ready(self.set_level(r)))),
            "subscriptions/listen" => self.listen(r, rcx),
            "resources/subscribe" => self.subscribe(r, rcx),
            "resources/unsubscribe" => self.unsubscribe(r, rcx),
            "tools/list" => self.call(
                "tools/list",
                r,
                rcx,
                Eras::Both,
                Some(fill_cache),
                |h, p: PaginatedRequestParams, cx| async move { h.list_tools(p, cx).await },
            ),
            "tools/call" => self.call_with_input(
                "tools/call",
                r,
                rcx,
                None,
                |h, p: CallToolRequestParams, cx| async move { h.call_tool(p, cx).await },
            ),
            "resources/list" => self.call(
                "resources/list",
                r,
                rcx,
                Eras::Both,
                Some(fill_cache),
                |h, p: PaginatedRequestParams, cx| async move { h.list_resources(p, cx).await },
            ),
            "resources/templates/list" => {
                self.call(
                    "resources/templates/list",
                    r,
                    rcx,
                    Eras::Both,
                    Some(fill_cache),
                    |h, p: PaginatedRequestParams, cx| async move {
                        h.list_resource_templates(p, cx).await
                    },
                )
            }
            "resources/read" => self.call_with_input(
                "resources/read",
                r,
                rcx,
                Some(fill_cache),
                |h, p: ReadResourceRequestParams, cx| async move { h.read_resource(p, cx).await },
            ),
            "prompts/list" => self.call(
                "prompts/list",
                r,
                rcx,
                Eras::Both,
                Some(fill_cache),
                |h, p: PaginatedRequestParams, cx| async move { h.list_prompts(p, cx).await },
            ),
            "prompts/get" => self.call_with_input(
                "prompts/get",
                r,
                rcx,
                None,
                |h, p: GetPromptRequestParams, cx| async move { h.get_prompt(p, cx).await },
            ),
            "completion/complete" => self.call(
                "completion/complete",
                r,
                rcx,
                Eras::Both,
                None,
                |h, p, cx| async move { h.complete(p, cx).await },
            ),
            method if is_spec_method(method) => Err(ErrorData::method_not_found(method)),
            _ => self.custom(r, rcx),
        }
    }
}

/// Methods the specification defines that this server core does not serve (tasks, client-side
/// methods sent the wrong way).
fn is_spec_method(method: &str) -> bool {
    matches!(
        method,
        "tasks/get"
            | "tasks/result"
            | "tasks/list"
            | "tasks/cancel"
            | "tasks/update"
            | "sampling/createMessage"
            | "roots/list"
            | "elicitation/create"
    )
}

fn into_error_data(error: Error) -> ErrorData {
    match error {
        Error::InputRequired => ErrorData::internal_error(
            "the handler reported that it needs input from the client, but this request cannot ask for any",
        ),
        other => other.into(),
    }
}

/// A handler's error as the client of `version` expects it: in the stateless era a missing
/// resource is `-32602`, no longer `-32002`.
fn era_error(error: Error, version: ProtocolVersion) -> ErrorData {
    let mut data = into_error_data(error);
    if version.is_stateless() && data.code == ErrorCode::RESOURCE_NOT_FOUND {
        data.code = ErrorCode::INVALID_PARAMS;
    }
    data
}

/// Stamps a result for its era: `resultType` and the server's identity in the stateless era,
/// neither in the handshake era.
fn finish<T: ResultFields>(result: &mut T, version: ProtocolVersion, core: &ServerCore) {
    if version.is_stateless() {
        result.result_type_mut().get_or_insert(ResultType::Complete);
        result
            .meta_mut()
            .get_or_insert_with(Meta::new)
            .entry(SERVER_INFO)
            .or_insert_with(|| core.info_json.clone());
    } else {
        *result.result_type_mut() = None;
    }
}

impl<H: ServerHandler> Service for Connection<H> {
    type Result = ServerReply;

    fn handle_request(
        &self,
        request: IncomingRequest<'_>,
        rcx: EngineContext,
    ) -> HandlerFuture<ServerReply> {
        match self.route(request, rcx) {
            Ok(future) => future,
            Err(error) => Box::pin(ready(Err(error))),
        }
    }

    fn handle_notification(
        &self,
        notification: IncomingNotification<'_>,
        _peer: &Peer,
    ) -> Option<BoxFuture<'static, ()>> {
        match notification.method {
            "notifications/initialized" => None,
            "notifications/roots/list_changed" => {
                let handler = self.handler.clone();
                Some(Box::pin(
                    async move { handler.on_roots_list_changed().await },
                ))
            }
            other => {
                if let Err(e) = parse_params::<Value>(other, notification.params) {
                    tracing::debug!(error = %e, "ignoring a malformed notification");
                }
                None
            }
        }
    }
}

impl From<ServerResult> for ServerReply {
    fn from(result: ServerResult) -> Self {
        ServerReply::Result(result)
    }
}
