//! One client connection: routes each request to the handler under the right protocol era.
//!
//! A request whose `_meta` names a stateless-era version is served statelessly: everything the
//! server needs to know about the client comes from that `_meta`. Anything else belongs to the
//! handshake era and needs a preceding `initialize` on this connection. Both kinds can arrive on
//! the same connection.

mod reply;
mod task_switch;

use std::borrow::Cow;
use std::future::{Future, ready};
use std::sync::Arc;

use futures::FutureExt;
use serde_json::Value;

pub use self::reply::ServerReply;
use self::reply::{complete, fill_cache, finish, into_error_data, stamp_custom, task_handle};
use self::task_switch::{AskedInput, TaskSwitch, drive_task};
use super::context::{ContextInner, InputState, LogGate, RequestContext};
use super::core::{ClientFacts, Handshake, ServerCore, forward_to_session};
use super::handler::{Eras, ForRequest, HandlerRequest, ServerHandler, for_method};
use super::notifier;
use super::request_state::{Binding, params_digest};
use super::session_state::{SessionChange, SessionRecorder, SessionState};
use super::tasks::{Driven, TaskLink, TaskMethod, followable, listen_to_tasks};
use crate::jsonrpc::{
    HandlerFuture, IncomingNotification, IncomingRequest, Peer, RequestOrigin, Service,
    meta_version, names_stateless_version, parse_params,
};
use crate::transport::BoxFuture;
use crate::types::extensions::tasks::{declares_tasks, with_tasks};
use crate::types::meta::SUBSCRIPTION_ID;
use crate::types::{
    CallToolRequest, ClientCapabilities, ClientRequest, DiscoverRequest, DiscoverResult,
    EmptyRequestParams, EmptyResult, Era, ErrorData, InitializeRequest, InitializeRequestParams,
    InitializeResult, Meta, PingRequest, ProtocolVersion, Request, RequestMeta, RequestParams,
    ServerRequest, SetLevelRequest, SetLevelRequestParams, SubscribeRequest,
    SubscribeRequestParams, SubscriptionFilter, SubscriptionsListenRequest,
    SubscriptionsListenRequestParams, SubscriptionsListenResult, UnsubscribeRequest,
    negotiate_handshake,
};

/// The era and client a request is served for.
struct Resolved {
    version: ProtocolVersion,
    client: Arc<ClientFacts>,
    log: LogGate,
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
    /// Told of every change to `session` before the client hears of it.
    recorder: Option<Arc<dyn SessionRecorder>>,
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
            recorder: None,
        }
    }

    /// The connection keeps its state in `session` and records every change with `recorder`.
    pub fn with_state(
        mut self,
        session: Arc<SessionState>,
        recorder: Option<Arc<dyn SessionRecorder>>,
    ) -> Self {
        self.session = session;
        self.recorder = recorder;
        self
    }

    /// Records `change` (when the connection has a recorder), then makes it with `apply`: a
    /// change that cannot be recorded is not made, and the request fails saying why.
    fn change<T: Send + 'static>(
        &self,
        change: SessionChange,
        apply: impl FnOnce() -> Result<T, ErrorData> + Send + 'static,
    ) -> HandlerFuture<T> {
        let Some(recorder) = self.recorder.clone() else {
            return Box::pin(ready(apply()));
        };
        Box::pin(async move {
            recorder.record(&change).await.map_err(unsaved)?;
            apply()
        })
    }

    /// Passes the server's events on to this connection's client until it closes.
    pub fn forward_events(&self, peer: Peer) {
        forward_to_session(self.core.notifier.subscribe(), peer, self.session.clone());
    }

    /// The stateless-era version a request's `_meta` names, when it names one this server
    /// speaks; `None` for a handshake-era version, which changes nothing (the handshake
    /// decides); `-32022` for a stateless-era version it does not speak (one this library does
    /// not know counts as such: [`ProtocolVersion::era_of`]).
    fn stateless_version(&self, declared: &str) -> Result<Option<ProtocolVersion>, ErrorData> {
        if ProtocolVersion::era_of(declared) == Era::Handshake {
            return Ok(None);
        }
        match ProtocolVersion::from_wire(declared) {
            Some(version) if self.core.supports(version) => Ok(Some(version)),
            _ => Err(ErrorData::unsupported_protocol_version(
                declared,
                &self.core.version_strings(),
            )),
        }
    }

    /// Works out the era of a request and what is known about its client.
    fn resolve(
        &self,
        method: &str,
        meta: &mut Option<RequestMeta>,
        eras: Eras,
    ) -> Result<Resolved, ErrorData> {
        let declared = meta.as_ref().and_then(|m| m.protocol_version.as_deref());
        if let Some(version) = declared
            .map(|d| self.stateless_version(d))
            .transpose()?
            .flatten()
        {
            if eras == Eras::HandshakeOnly {
                return Err(ErrorData::method_not_found(method));
            }
            let meta = meta.as_mut().expect("it names a version");
            let capabilities = meta.client_capabilities.take().ok_or_else(|| {
                ErrorData::invalid_params(format!(
                    "{method} names protocol version {version} but its _meta lacks \
                     io.modelcontextprotocol/clientCapabilities, which every {version} request must carry"
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
        origin: RequestOrigin,
        method: Cow<'static, str>,
        meta: Option<RequestMeta>,
        resolved: Resolved,
        input: Option<InputState>,
        task: Option<Arc<TaskLink>>,
    ) -> RequestContext {
        RequestContext {
            inner: Arc::new(ContextInner {
                id: origin.id,
                method,
                meta,
                peer: origin.peer,
                version: resolved.version,
                client: resolved.client,
                log: resolved.log,
                core: self.core.clone(),
                input,
                task,
            }),
        }
    }

    /// The task link of a request that may become a task: a `tools/call` (the one method the
    /// extension augments), to a server that runs tasks, from a client that declared the
    /// extension for its session or in this request's `_meta`.
    fn task_link(
        &self,
        method: &str,
        resolved: &Resolved,
        meta: Option<&RequestMeta>,
        origin: &RequestOrigin,
    ) -> Option<TaskSwitch> {
        let settings = self.core.config.tasks.as_ref()?;
        let declared = declares_tasks(&resolved.client.capabilities)
            || meta
                .and_then(|m| m.client_capabilities.as_deref())
                .is_some_and(declares_tasks);
        if method != CallToolRequest::METHOD || !declared {
            return None;
        }
        let principal = crate::auth::token_of(origin.peer.extensions()).map(|t| t.principal());
        let (link, switched) = TaskLink::new(settings.clone(), principal);
        Some(TaskSwitch {
            link: Arc::new(link),
            switched,
            // A handshake-era session hears how its tasks go.
            notify: (!resolved.version.is_stateless()).then(|| origin.peer.clone()),
        })
    }

    /// Serves a request of the handler table through `handle` (the handler's method, maybe
    /// with bookkeeping around it), under the era its `_meta` or the handshake says. In the
    /// stateless era a request whose params can carry input answers (`tools/call`,
    /// `prompts/get`, `resources/read`) may ask the client for input: a handler that does ends
    /// with an `input_required` result.
    fn serve_by<R, F, Fut>(
        &self,
        request: &IncomingRequest<'_>,
        origin: RequestOrigin,
        handle: F,
    ) -> Result<HandlerFuture<ServerReply>, ErrorData>
    where
        R: HandlerRequest,
        F: FnOnce(Arc<H>, R::Params, RequestContext) -> Fut,
        Fut: Future<Output = crate::Result<R::Result>> + Send + 'static,
    {
        let mut params: R::Params = request.parse_params()?;
        let mut meta = params.meta_mut().take();
        let resolved = self.resolve(R::METHOD, &mut meta, R::ERAS)?;
        let version = resolved.version;
        let method = Cow::Borrowed(R::METHOD);
        let core = self.core.clone();
        let switch = self.task_link(R::METHOD, &resolved, meta.as_ref(), &origin);
        let link = switch.as_ref().map(|switch| switch.link.clone());
        let input = match params.input_mut() {
            Some(input) if version.is_stateless() => {
                Some((input.responses.take(), input.request_state.take()))
            }
            _ => None,
        };
        let Some((responses, state)) = input else {
            let cx = self.context(origin, method, meta, resolved, None, link);
            let future = handle(self.handler.clone(), params, cx);
            // Without a task to switch to, the handler's future is polled as it is: the task
            // driver around it would be moved and polled on every request for nothing. `map`
            // polls it where it lies, where an `async` block awaiting it would move it first.
            let Some(switch) = switch else {
                return Ok(Box::pin(
                    future.map(move |outcome| complete::<R>(outcome, version, &core)),
                ));
            };
            return Ok(Box::pin(async move {
                match drive_task(future, switch, version).await {
                    Driven::Done(outcome) => complete::<R>(outcome, version, &core),
                    Driven::Task(handle) => Ok(task_handle(handle, version, &core)),
                }
            }));
        };
        let digest = params_digest(Some(
            &serde_json::to_value(&params).map_err(|e| ErrorData::invalid_params(e.to_string()))?,
        ));
        let principal = crate::auth::token_of(origin.peer.extensions()).map(|t| t.principal());
        let binding = Binding {
            method: R::METHOD,
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
        let input = Some(InputState::new(answers));
        let cx = self.context(origin, method, meta, resolved, input, link);
        let future = handle(self.handler.clone(), params, cx.clone());
        let asked = AskedInput {
            cx,
            digest,
            principal,
        };
        let Some(switch) = switch else {
            return Ok(Box::pin(
                future.map(move |outcome| asked.complete::<R>(outcome, version, &core)),
            ));
        };
        Ok(Box::pin(async move {
            match drive_task(future, switch, version).await {
                Driven::Done(outcome) => asked.complete::<R>(outcome, version, &core),
                Driven::Task(handle) => Ok(task_handle(handle, version, &core)),
            }
        }))
    }

    /// One of the tasks extension's requests: refused (`-32021`) to a client that did not
    /// declare the extension, and answered for the caller's own tasks only.
    fn task_request(
        &self,
        request: &IncomingRequest<'_>,
        origin: RequestOrigin,
    ) -> Result<HandlerFuture<ServerReply>, ErrorData> {
        let Some(settings) = self.core.config.tasks.clone() else {
            return Err(ErrorData::method_not_found(request.method));
        };
        let (method, mut meta) = TaskMethod::parse(request)?;
        let resolved = self.resolve(request.method, &mut meta, Eras::Both)?;
        let declared = declares_tasks(&resolved.client.capabilities)
            || meta
                .as_ref()
                .and_then(|m| m.client_capabilities.as_deref())
                .is_some_and(declares_tasks);
        if !declared {
            return Err(ErrorData::missing_required_client_capability(with_tasks(
                ClientCapabilities::default(),
            )));
        }
        let owner = crate::auth::token_of(origin.peer.extensions()).map(|t| t.principal());
        let version = resolved.version;
        let core = self.core.clone();
        Ok(Box::pin(async move {
            let value = method.serve(&settings, owner.as_deref()).await?;
            Ok(ServerReply::Custom(stamp_custom(value, version, &core)))
        }))
    }

    /// Serves a request of the handler table through [`ServerHandler::handle`].
    fn serve<R: HandlerRequest>(
        &self,
        request: &IncomingRequest<'_>,
        origin: RequestOrigin,
    ) -> Result<HandlerFuture<ServerReply>, ErrorData> {
        self.serve_by::<R, _, _>(request, origin, |handler, params, cx| async move {
            handler.handle::<R>(params, cx).await
        })
    }

    fn initialize(
        &self,
        request: &IncomingRequest<'_>,
    ) -> Result<HandlerFuture<ServerReply>, ErrorData> {
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
        let already = || ErrorData::invalid_request("this connection is already initialized");
        if self.session.handshake.get().is_some() {
            return Err(already());
        }
        let handshake = Handshake {
            version,
            client: Arc::new(ClientFacts {
                capabilities: params.capabilities,
                info: Some(params.client_info),
            }),
        };
        let mut result = InitializeResult::new(
            version,
            self.core.config.capabilities.clone(),
            self.core.config.info.clone(),
        );
        result.instructions = self.core.config.instructions.clone();
        let snapshot = SessionState::initial_snapshot(&handshake);
        let session = self.session.clone();
        Ok(
            self.change(SessionChange::Initialized(Box::new(snapshot)), move || {
                session.handshake.set(handshake).map_err(|_| already())?;
                Ok(ServerReply::Result(result.into()))
            }),
        )
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
        fill_cache(&mut result, &self.core, DiscoverRequest::METHOD);
        finish(&mut result, resolved.version, &self.core);
        Ok(ServerReply::Result(result.into()))
    }

    fn set_level(
        &self,
        request: &IncomingRequest<'_>,
    ) -> Result<HandlerFuture<ServerReply>, ErrorData> {
        let mut params: SetLevelRequestParams = request.parse_params()?;
        let mut meta = params.meta_mut().take();
        self.resolve(request.method, &mut meta, Eras::HandshakeOnly)?;
        let session = self.session.clone();
        let level = params.level;
        Ok(self.change(SessionChange::LogLevel(level), move || {
            session.set_log_level(level);
            Ok(ServerReply::Result(EmptyResult::default().into()))
        }))
    }

    fn listen(
        &self,
        request: &IncomingRequest<'_>,
        origin: RequestOrigin,
    ) -> Result<HandlerFuture<ServerReply>, ErrorData> {
        let mut params: SubscriptionsListenRequestParams = request.parse_params()?;
        let mut meta = params.meta_mut().take();
        let resolved = self.resolve(request.method, &mut meta, Eras::StatelessOnly)?;
        let version = resolved.version;
        let id = origin.id.clone();
        let peer = origin.peer.clone();
        let cx = self.context(
            origin,
            Cow::Borrowed("subscriptions/listen"),
            meta,
            resolved,
            None,
            None,
        );
        let handler = self.handler.clone();
        let core = self.core.clone();
        let wanted = params.notifications;
        let wanted_tasks = wanted.task_ids.clone().unwrap_or_default();
        if !wanted_tasks.is_empty() && !declares_tasks(cx.client_capabilities()) {
            return Err(ErrorData::missing_required_client_capability(with_tasks(
                ClientCapabilities::default(),
            )));
        }
        let owner = crate::auth::token_of(peer.extensions()).map(|t| t.principal());
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
                task_ids: None,
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
                    let subscribed = handler.handle::<SubscribeRequest>(params, cx.clone());
                    if subscribed.await.is_ok() {
                        uris.push(uri);
                    }
                }
                if !uris.is_empty() {
                    granted.resource_subscriptions = Some(uris);
                }
            }
            let tasks = match &core.config.tasks {
                Some(settings) if !wanted_tasks.is_empty() => {
                    let ids = followable(settings, &wanted_tasks, owner.as_deref()).await;
                    granted.task_ids = Some(ids.clone());
                    Some((settings.clone(), ids))
                }
                _ => None,
            };
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
            let task_changes = async {
                match tasks {
                    Some((settings, ids)) => {
                        listen_to_tasks(settings, ids, peer.clone(), id.clone()).await
                    }
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = notifier::stream_to_listener(events, &peer, &id, &granted) => {}
                () = task_changes => {}
            }
            let mut result = SubscriptionsListenResult {
                meta: Some(ack_meta),
                result_type: None,
            };
            finish(&mut result, version, &core);
            Ok(ServerReply::Result(result.into()))
        }))
    }

    /// `resources/subscribe`: the handler's answer, and the connection remembers (and
    /// records) the subscription.
    fn subscribe(
        &self,
        request: &IncomingRequest<'_>,
        origin: RequestOrigin,
    ) -> Result<HandlerFuture<ServerReply>, ErrorData> {
        let session = self.session.clone();
        let recorder = self.recorder.clone();
        self.serve_by::<SubscribeRequest, _, _>(request, origin, move |handler, params, cx| {
            let uri = params.uri.clone();
            async move {
                let answer = handler.handle::<SubscribeRequest>(params, cx).await?;
                record(recorder, SessionChange::Subscribed(uri.clone())).await?;
                session.subscribe(uri);
                Ok(answer)
            }
        })
    }

    /// `resources/unsubscribe`: the connection forgets (and records that it forgot) the
    /// subscription, then the handler answers.
    fn unsubscribe(
        &self,
        request: &IncomingRequest<'_>,
        origin: RequestOrigin,
    ) -> Result<HandlerFuture<ServerReply>, ErrorData> {
        let session = self.session.clone();
        let recorder = self.recorder.clone();
        self.serve_by::<UnsubscribeRequest, _, _>(request, origin, move |handler, params, cx| {
            session.unsubscribe(&params.uri);
            async move {
                record(recorder, SessionChange::Unsubscribed(params.uri.clone())).await?;
                handler.handle::<UnsubscribeRequest>(params, cx).await
            }
        })
    }

    fn custom(
        &self,
        request: &IncomingRequest<'_>,
        origin: RequestOrigin,
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
        let cx = self.context(
            origin,
            Cow::Owned(method.clone()),
            meta,
            resolved,
            None,
            None,
        );
        let handler = self.handler.clone();
        let core = self.core.clone();
        let params = (request.params.is_some()).then_some(params);
        Ok(Box::pin(async move {
            let value = handler
                .custom_request(&method, params, cx)
                .await
                .map_err(into_error_data)?;
            Ok(ServerReply::Custom(stamp_custom(value, version, &core)))
        }))
    }

    /// Routes a request by the type its method names: those the server core answers itself,
    /// then those of the handler table, then custom methods.
    fn route(
        &self,
        request: IncomingRequest<'_>,
        origin: RequestOrigin,
    ) -> Result<HandlerFuture<ServerReply>, ErrorData> {
        let r = &request;
        match request.method {
            // Gone from the stateless era: refused before their parameters are looked at.
            PingRequest::METHOD
            | SetLevelRequest::METHOD
            | SubscribeRequest::METHOD
            | UnsubscribeRequest::METHOD
                if names_stateless_version(r.params) =>
            {
                let declared = meta_version(r.params).unwrap_or_default();
                self.stateless_version(&declared)?;
                Err(ErrorData::method_not_found(request.method))
            }
            InitializeRequest::METHOD => self.initialize(r),
            DiscoverRequest::METHOD => Ok(Box::pin(ready(self.discover(r)))),
            SetLevelRequest::METHOD => self.set_level(r),
            SubscriptionsListenRequest::METHOD => self.listen(r, origin),
            SubscribeRequest::METHOD => self.subscribe(r, origin),
            UnsubscribeRequest::METHOD => self.unsubscribe(r, origin),
            method if TaskMethod::is_task_method(method) && self.core.config.tasks.is_some() => {
                self.task_request(r, origin)
            }
            method => match for_method(method, Serve(self, r, origin)) {
                Ok(served) => served,
                Err(_) if is_spec_method(method) => Err(ErrorData::method_not_found(method)),
                Err(Serve(_, _, origin)) => self.custom(r, origin),
            },
        }
    }
}

/// Serving one request, as a [`ForRequest`]: the type is chosen by the request's method.
struct Serve<'a, 'r, H>(&'a Connection<H>, &'a IncomingRequest<'r>, RequestOrigin);

impl<H: ServerHandler> ForRequest for Serve<'_, '_, H> {
    type Output = Result<HandlerFuture<ServerReply>, ErrorData>;

    fn apply<R: HandlerRequest>(self) -> Self::Output {
        let Serve(connection, request, origin) = self;
        connection.serve::<R>(request, origin)
    }
}

/// Whether the specification defines `method` as a request (of either side): one this server
/// core does not serve (tasks, a client's method sent the wrong way) is "method not found",
/// never a custom method.
fn is_spec_method(method: &str) -> bool {
    ClientRequest::METHODS.contains(&method) || ServerRequest::METHODS.contains(&method)
}

/// Records a change a handler's answer depends on, with `recorder` when there is one.
async fn record(
    recorder: Option<Arc<dyn SessionRecorder>>,
    change: SessionChange,
) -> crate::Result<()> {
    let Some(recorder) = recorder else {
        return Ok(());
    };
    recorder
        .record(&change)
        .await
        .map_err(|e| unsaved(e).into())
}

/// The error of a request whose change to the session could not be recorded.
fn unsaved(error: crate::error::BoxError) -> ErrorData {
    ErrorData::internal_error(format!(
        "the session's state could not be saved, so the change was not made: {error}"
    ))
}

impl<H: ServerHandler> Service for Connection<H> {
    type Result = ServerReply;

    fn handle_request(
        &self,
        request: IncomingRequest<'_>,
        origin: RequestOrigin,
    ) -> HandlerFuture<ServerReply> {
        match self.route(request, origin) {
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
