//! The two ways a request's handler can outlive its first answer: going on as a task (the
//! tasks extension), and, in the stateless era, asking the client for input (an
//! `input_required` result carrying the sealed answers so far).

use std::future::Future;
use std::sync::Arc;

use serde::Serialize;

use super::super::context::RequestContext;
use super::super::core::ServerCore;
use super::super::handler::HandlerRequest;
use super::super::request_state::Binding;
use super::super::tasks::{Driven, SwitchReply, TaskLink, drive};
use super::reply::{ServerReply, complete, era_error, finish};
use crate::jsonrpc::Peer;
use crate::types::{
    CallToolRequest, ErrorData, InputRequiredResult, ProtocolVersion, Request, ServerResult,
};

/// What a request that may become a task needs to switch: the link the handler's context
/// holds, the receiving end of the switch, and the handshake-era session to notify.
pub(super) struct TaskSwitch {
    pub(super) link: Arc<TaskLink>,
    pub(super) switched: tokio::sync::oneshot::Receiver<SwitchReply>,
    pub(super) notify: Option<Peer>,
}

/// Awaits a handler through [`drive`], so that it may go on as a task.
pub(super) async fn drive_task<T, F>(
    future: F,
    switch: TaskSwitch,
    version: ProtocolVersion,
) -> Driven<T>
where
    T: Serialize + Send + 'static,
    F: Future<Output = crate::Result<T>> + Send + 'static,
{
    let to_error = Box::new(move |e| era_error(e, version));
    drive(
        future,
        switch.link,
        switch.switched,
        CallToolRequest::METHOD,
        switch.notify,
        to_error,
    )
    .await
}

/// A stateless-era request whose handler may ask the client for input: what sealing the
/// answers gathered so far into `requestState` binds them to.
pub(super) struct AskedInput {
    pub(super) cx: RequestContext,
    pub(super) digest: String,
    pub(super) principal: Option<String>,
}

impl AskedInput {
    /// The handler's outcome, or an `input_required` result when it asked for input.
    pub(super) fn complete<R: HandlerRequest>(
        self,
        outcome: crate::Result<R::Result>,
        version: ProtocolVersion,
        core: &ServerCore,
    ) -> Result<ServerReply, ErrorData> {
        let input = self.cx.inner.input.as_ref().expect("a context with input");
        let pending = input.take_pending();
        if pending.is_empty() {
            return complete::<R>(outcome, version, core);
        }
        let binding = Binding {
            method: R::METHOD,
            digest: &self.digest,
            principal: self.principal.as_deref(),
        };
        let state =
            core.config
                .state_key
                .seal(&binding, input.answers.clone(), core.config.state_ttl);
        let mut interim = InputRequiredResult::new();
        interim.input_requests = Some(pending);
        interim.request_state = Some(state);
        finish(&mut interim, version, core);
        Ok(ServerReply::Result(ServerResult::InputRequired(interim)))
    }
}
