//! The per-request context handlers receive.

use std::any::type_name;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use parking_lot::Mutex;
use serde::Serialize;
use serde_json::Value;

use super::core::{ClientFacts, ServerCore};
use super::notifier::ServerNotifier;
use super::session_state::SessionState;
use super::tasks::TaskLink;
use crate::error::{Error, Result};
use crate::jsonrpc::{Peer, RequestOptions};
use crate::types::{
    ClientCapabilities, CreateMessageRequest, CreateMessageRequestParams, CreateMessageResult,
    ElicitRequest, ElicitRequestParams, ElicitResult, ElicitationCapability, EmptyRequestParams,
    ErrorData, Implementation, InputRequest, ListRootsRequest, ListRootsResult, LoggingLevel,
    LoggingMessageNotificationParams, ProgressNotificationParams, ProgressToken, ProtocolVersion,
    Request, RequestId, RequestMeta, RootsCapability, SamplingCapability,
};

/// Where the log threshold of a request comes from.
#[derive(Debug)]
pub(crate) enum LogGate {
    /// Handshake era: whatever `logging/setLevel` last set on the session (everything before).
    Session(Arc<SessionState>),
    /// Stateless era: the request's `_meta` level; no level, no log messages.
    Request(Option<LoggingLevel>),
}

/// Answers gathered for a stateless-era request that asks the client for input, and the
/// requests still open.
#[derive(Debug, Default)]
pub(crate) struct InputState {
    /// Answers known so far, by key: from the sealed request state and the retry's
    /// `inputResponses`.
    pub answers: BTreeMap<String, Value>,
    /// Requests the handler made that have no answer yet.
    pub pending: Mutex<BTreeMap<String, InputRequest>>,
    next: AtomicUsize,
}

impl InputState {
    pub(crate) fn new(answers: BTreeMap<String, Value>) -> Self {
        Self {
            answers,
            pending: Mutex::default(),
            next: AtomicUsize::new(0),
        }
    }

    /// The key of the next input request: its kind and its order within the handler, stable
    /// as long as the handler asks in the same order on every attempt.
    fn next_key(&self, kind: &str) -> String {
        format!("{kind}-{}", self.next.fetch_add(1, Ordering::Relaxed))
    }

    pub(crate) fn take_pending(&self) -> BTreeMap<String, InputRequest> {
        std::mem::take(&mut *self.pending.lock())
    }
}

#[derive(Debug)]
pub(crate) struct ContextInner {
    pub id: RequestId,
    pub method: Cow<'static, str>,
    pub meta: Option<RequestMeta>,
    pub peer: Peer,
    pub version: ProtocolVersion,
    pub client: Arc<ClientFacts>,
    pub log: LogGate,
    pub core: Arc<ServerCore>,
    pub input: Option<InputState>,
    /// The task the request may become (a `tools/call` of a client that declared the tasks
    /// extension, to a server that runs tasks).
    pub task: Option<Arc<TaskLink>>,
}

/// Everything a handler can know and do about the request it is handling.
///
/// Cheap to clone. The same calls work in both protocol eras: asking the client for input
/// ([`create_message`](Self::create_message), [`elicit`](Self::elicit),
/// [`list_roots`](Self::list_roots)) is a server-to-client request in the handshake era and an
/// `input_required` round trip in the stateless era.
///
/// In the stateless era the handler is run again from the start when the client retries with
/// its answers, and the calls that already have an answer return it at once. So the code before
/// an input request runs once per round: keep it free of side effects, or make them idempotent.
/// Propagate the [`Error::InputRequired`] these calls return with `?`.
///
/// A `tools/call` handler may go on as a task ([`run_as_task`](Self::run_as_task)): from then
/// on the input requests wait for the client's `tasks/update` (in both eras), progress becomes
/// the task's status message, and log messages are not sent (the request they would belong to
/// has been answered).
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub(crate) inner: Arc<ContextInner>,
}

impl RequestContext {
    /// The id of the request.
    pub fn request_id(&self) -> &RequestId {
        &self.inner.id
    }

    /// The method of the request.
    pub fn method(&self) -> &str {
        &self.inner.method
    }

    /// The request's `_meta`.
    pub fn meta(&self) -> Option<&RequestMeta> {
        self.inner.meta.as_ref()
    }

    /// The protocol version the request is served under.
    pub fn protocol_version(&self) -> ProtocolVersion {
        self.inner.version
    }

    /// The client's capabilities.
    pub fn client_capabilities(&self) -> &ClientCapabilities {
        &self.inner.client.capabilities
    }

    /// The client's name and version, when it said.
    pub fn client_info(&self) -> Option<&Implementation> {
        self.inner.client.info.as_ref()
    }

    /// The progress token of the request, when the client asked for progress.
    pub fn progress_token(&self) -> Option<&ProgressToken> {
        self.meta().and_then(|m| m.progress_token.as_ref())
    }

    /// The session the request came through.
    pub fn peer(&self) -> &Peer {
        &self.inner.peer
    }

    /// The access token the request was authorized with, when the server checks tokens
    /// ([`HttpServerBuilder::bearer_auth`](crate::http_server::HttpServerBuilder::bearer_auth)
    /// or another [`HttpAuth`](crate::http_server::HttpAuth)): who is calling, with which
    /// scopes.
    pub fn access_token(&self) -> Option<Arc<crate::auth::AccessToken>> {
        crate::auth::token_of(self.inner.peer.extensions())
    }

    /// Whether this request may go on as a task: a `tools/call` from a client that declared
    /// the tasks extension (for its session or in this request's `_meta`), served by a server
    /// that runs tasks ([`ServerBuilder::tasks`](super::ServerBuilder::tasks)).
    pub fn can_run_as_task(&self) -> bool {
        self.inner.task.is_some()
    }

    /// Goes on as a task: the client is answered at once with the task's handle (a
    /// `CreateTaskResult`), and the rest of the handler runs as the task, its result or error
    /// becoming the task's. Returns `true` once the handler runs as a task, `false` when this
    /// request cannot become one ([`can_run_as_task`](Self::can_run_as_task)): the handler then
    /// just goes on, and its client waits for the result as usual.
    ///
    /// Input gathered before the switch (a multi round-trip `elicit`, say) stays the request's;
    /// input asked for after it goes through the task.
    pub async fn run_as_task(&self) -> Result<bool> {
        match &self.inner.task {
            Some(link) => link.run_as_task().await,
            None => Ok(false),
        }
    }

    /// The id of the task this handler runs as, once it [switched](Self::run_as_task).
    pub fn task_id(&self) -> Option<&str> {
        self.inner.task.as_deref().and_then(TaskLink::task_id)
    }

    /// The task link, once the handler runs as a task.
    fn running_task(&self) -> Option<&TaskLink> {
        self.inner
            .task
            .as_deref()
            .filter(|link| link.task_id().is_some())
    }

    /// Sends change notifications to every client that asked for them.
    pub fn notifier(&self) -> &ServerNotifier {
        &self.inner.core.notifier
    }

    /// The state the server's [`Lifespan`](super::Lifespan) set up.
    ///
    /// Fails when the server has no lifespan, or its state is not a `T`.
    pub fn lifespan<T: Send + Sync + 'static>(&self) -> Result<&T> {
        let state = self.inner.core.lifespan_state().ok_or_else(|| {
            Error::Protocol(ErrorData::internal_error(
                "the server has no lifespan state: set one with Server::builder(..).lifespan(..)",
            ))
        })?;
        state.downcast_ref::<T>().ok_or_else(|| {
            Error::Protocol(ErrorData::internal_error(format!(
                "the lifespan state is not a {}",
                type_name::<T>()
            )))
        })
    }

    /// Whether a log message at `level` would be sent.
    pub fn log_enabled(&self, level: LoggingLevel) -> bool {
        match &self.inner.log {
            LogGate::Session(session) => session.log_level().is_none_or(|min| level >= min),
            LogGate::Request(min) => min.is_some_and(|min| level >= min),
        }
    }

    /// Sends a log message to the client (`notifications/message`), if the client wants this
    /// level: in the handshake era per `logging/setLevel`, in the stateless era only when the
    /// request's `_meta` names a level.
    pub fn log(
        &self,
        level: LoggingLevel,
        logger: Option<&str>,
        data: impl Serialize,
    ) -> Result<()> {
        if !self.log_enabled(level) || self.running_task().is_some() {
            return Ok(());
        }
        let params = LoggingMessageNotificationParams {
            level,
            logger: logger.map(str::to_owned),
            data: serde_json::to_value(data)?,
            meta: None,
        };
        self.inner.peer.notify_related(
            "notifications/message",
            Some(&params),
            Some(self.inner.id.clone()),
        )
    }

    /// Logs at `debug`.
    pub fn debug(&self, message: impl Into<String>) -> Result<()> {
        self.log(LoggingLevel::Debug, None, message.into())
    }

    /// Logs at `info`.
    pub fn info(&self, message: impl Into<String>) -> Result<()> {
        self.log(LoggingLevel::Info, None, message.into())
    }

    /// Logs at `warning`.
    pub fn warning(&self, message: impl Into<String>) -> Result<()> {
        self.log(LoggingLevel::Warning, None, message.into())
    }

    /// Logs at `error`.
    pub fn error(&self, message: impl Into<String>) -> Result<()> {
        self.log(LoggingLevel::Error, None, message.into())
    }

    /// Reports progress (`notifications/progress`); does nothing when the client did not ask
    /// for progress. In a task it sets the task's status message instead (`message`, or
    /// `progress/total`).
    pub fn report_progress(
        &self,
        progress: f64,
        total: Option<f64>,
        message: Option<&str>,
    ) -> Result<()> {
        if let Some(task) = self.running_task() {
            let status = match (message, total) {
                (Some(message), _) => message.to_owned(),
                (None, Some(total)) => format!("{progress}/{total}"),
                (None, None) => format!("{progress}"),
            };
            task.report(status);
            return Ok(());
        }
        let Some(token) = self.progress_token() else {
            return Ok(());
        };
        let params = ProgressNotificationParams {
            progress_token: token.clone(),
            progress,
            total,
            message: message.map(str::to_owned),
            meta: None,
        };
        self.inner.peer.notify_related(
            "notifications/progress",
            Some(&params),
            Some(self.inner.id.clone()),
        )
    }

    /// Asks the client's model for a completion (sampling).
    pub async fn create_message(
        &self,
        params: CreateMessageRequestParams,
    ) -> Result<CreateMessageResult> {
        self.create_message_keyed(None, params).await
    }

    /// Like [`create_message`](Self::create_message), with the key the request gets in the
    /// stateless era's `inputRequests` (the answer comes back under it). Without one, the key
    /// is made of the request's kind and its order within the handler.
    pub async fn create_message_keyed(
        &self,
        key: Option<&str>,
        params: CreateMessageRequestParams,
    ) -> Result<CreateMessageResult> {
        let missing = match &self.client_capabilities().sampling {
            None => Some(SamplingCapability::default()),
            Some(s) if params.tools.is_some() && s.tools.is_none() => Some(SamplingCapability {
                tools: Some(Default::default()),
                ..Default::default()
            }),
            Some(_) => None,
        };
        if let Some(sampling) = missing {
            return Err(self.missing_capability(
                "sampling",
                ClientCapabilities {
                    sampling: Some(sampling),
                    ..Default::default()
                },
            ));
        }
        self.ask::<CreateMessageRequest>("sampling", key, params, InputRequest::CreateMessage)
            .await
    }

    /// Asks the user for input through the client (elicitation), as a form or a URL to visit.
    pub async fn elicit(&self, params: ElicitRequestParams) -> Result<ElicitResult> {
        self.elicit_keyed(None, params).await
    }

    /// Like [`elicit`](Self::elicit), with the key the request gets in the stateless era's
    /// `inputRequests` (see [`create_message_keyed`](Self::create_message_keyed)).
    pub async fn elicit_keyed(
        &self,
        key: Option<&str>,
        params: ElicitRequestParams,
    ) -> Result<ElicitResult> {
        let url = matches!(params, ElicitRequestParams::Url(_));
        let supported = self
            .client_capabilities()
            .elicitation
            .as_ref()
            .is_some_and(|e| {
                if url {
                    e.url.is_some()
                } else {
                    // A client declaring neither mode supports forms.
                    e.form.is_some() || e.url.is_none()
                }
            });
        if !supported {
            let mut elicitation = ElicitationCapability::default();
            if url {
                elicitation.url = Some(Default::default());
            } else {
                elicitation.form = Some(Default::default());
            }
            return Err(self.missing_capability(
                "elicitation",
                ClientCapabilities {
                    elicitation: Some(elicitation),
                    ..Default::default()
                },
            ));
        }
        self.ask::<ElicitRequest>("elicitation", key, params, InputRequest::Elicit)
            .await
    }

    /// Asks the client for its roots (the directories or files it lets the server see).
    pub async fn list_roots(&self) -> Result<ListRootsResult> {
        self.list_roots_keyed(None).await
    }

    /// Like [`list_roots`](Self::list_roots), with the key the request gets in the stateless
    /// era's `inputRequests` (see [`create_message_keyed`](Self::create_message_keyed)).
    pub async fn list_roots_keyed(&self, key: Option<&str>) -> Result<ListRootsResult> {
        if self.client_capabilities().roots.is_none() {
            return Err(self.missing_capability(
                "roots",
                ClientCapabilities {
                    roots: Some(RootsCapability::default()),
                    ..Default::default()
                },
            ));
        }
        self.ask::<ListRootsRequest>(
            "roots",
            key,
            EmptyRequestParams::default(),
            InputRequest::ListRoots,
        )
        .await
    }

    fn missing_capability(&self, name: &str, required: ClientCapabilities) -> Error {
        if self.inner.version.is_stateless() {
            ErrorData::missing_required_client_capability(required).into()
        } else {
            ErrorData::invalid_request(format!(
                "the client did not declare the `{name}` capability, so the server cannot ask it for this"
            ))
            .into()
        }
    }

    async fn ask<R: Request>(
        &self,
        kind: &str,
        key: Option<&str>,
        params: R::Params,
        wrap: fn(R) -> InputRequest,
    ) -> Result<R::Result> {
        if let Some(task) = self.running_task() {
            let answer = task.ask(kind, key, wrap(R::from_params(params))).await?;
            return serde_json::from_value(answer).map_err(|e| {
                ErrorData::invalid_params(format!(
                    "the client's answer to {} does not fit: {e}",
                    R::METHOD
                ))
                .into()
            });
        }
        if !self.inner.version.is_stateless() {
            let options = RequestOptions {
                timeout: None,
                related_request: Some(self.inner.id.clone()),
                ..Default::default()
            };
            return self
                .inner
                .peer
                .request(R::METHOD, Some(&params), options)
                .await;
        }
        let Some(input) = &self.inner.input else {
            return Err(ErrorData::invalid_request(format!(
                "{} cannot ask the client for input: in {} only tools/call, prompts/get and resources/read can",
                self.inner.method, self.inner.version
            ))
            .into());
        };
        let key = match key {
            Some(key) => key.to_owned(),
            None => input.next_key(kind),
        };
        if let Some(answer) = input.answers.get(&key)
            && let Ok(result) = serde_json::from_value::<R::Result>(answer.clone())
        {
            return Ok(result);
        }
        // An answer of the wrong shape counts as no answer: ask again.
        input
            .pending
            .lock()
            .insert(key, wrap(R::from_params(params)));
        Err(Error::InputRequired)
    }
}
