//! Telling connected clients that something changed.

use serde_json::Value;
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

use crate::jsonrpc::Peer;
use crate::types::meta::SUBSCRIPTION_ID;
use crate::types::{RequestId, SubscriptionFilter};

/// A change on the server that clients may have asked to hear about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerEvent {
    /// The list of tools changed.
    ToolsListChanged,
    /// The list of prompts changed.
    PromptsListChanged,
    /// The list of resources changed.
    ResourcesListChanged,
    /// A resource's contents changed.
    ResourceUpdated(String),
}

/// Sends change notifications to every connected client that asked for them: in the handshake
/// era to initialized sessions (resource updates only to sessions that subscribed), in the
/// stateless era to the `subscriptions/listen` streams whose filter includes the change.
///
/// Cheap to clone. Get one from [`Server::notifier`](super::Server::notifier) or
/// [`RequestContext::notifier`](super::RequestContext::notifier).
#[derive(Debug, Clone)]
pub struct ServerNotifier {
    events: broadcast::Sender<ServerEvent>,
}

impl ServerNotifier {
    pub(crate) fn new() -> Self {
        let (events, _) = broadcast::channel(256);
        Self { events }
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<ServerEvent> {
        self.events.subscribe()
    }

    /// Sends an event. Without connected clients it goes nowhere.
    pub fn send(&self, event: ServerEvent) {
        let _ = self.events.send(event);
    }

    /// `notifications/tools/list_changed`.
    pub fn tools_list_changed(&self) {
        self.send(ServerEvent::ToolsListChanged);
    }

    /// `notifications/prompts/list_changed`.
    pub fn prompts_list_changed(&self) {
        self.send(ServerEvent::PromptsListChanged);
    }

    /// `notifications/resources/list_changed`.
    pub fn resources_list_changed(&self) {
        self.send(ServerEvent::ResourcesListChanged);
    }

    /// `notifications/resources/updated` for `uri`, to the clients subscribed to it.
    pub fn resource_updated(&self, uri: impl Into<String>) {
        self.send(ServerEvent::ResourceUpdated(uri.into()));
    }
}

/// The list changes to announce when some events were lost: every list may have changed.
const EVERY_LIST: [ServerEvent; 3] = [
    ServerEvent::ToolsListChanged,
    ServerEvent::PromptsListChanged,
    ServerEvent::ResourcesListChanged,
];

impl ServerEvent {
    /// The notification that announces the event, and its params.
    pub(super) fn notification(&self) -> (&'static str, Option<Value>) {
        match self {
            ServerEvent::ToolsListChanged => ("notifications/tools/list_changed", None),
            ServerEvent::PromptsListChanged => ("notifications/prompts/list_changed", None),
            ServerEvent::ResourcesListChanged => ("notifications/resources/list_changed", None),
            ServerEvent::ResourceUpdated(uri) => (
                "notifications/resources/updated",
                Some(serde_json::json!({ "uri": uri })),
            ),
        }
    }

    /// Whether a `subscriptions/listen` stream with this filter wants the event.
    fn wanted_by(&self, filter: &SubscriptionFilter) -> bool {
        match self {
            ServerEvent::ToolsListChanged => filter.tools_list_changed == Some(true),
            ServerEvent::PromptsListChanged => filter.prompts_list_changed == Some(true),
            ServerEvent::ResourcesListChanged => filter.resources_list_changed == Some(true),
            ServerEvent::ResourceUpdated(uri) => filter
                .resource_subscriptions
                .as_ref()
                .is_some_and(|uris| uris.iter().any(|u| u == uri)),
        }
    }
}

/// The next event, or the list changes when some were lost; `None` once the server is gone.
async fn next_events(events: &mut broadcast::Receiver<ServerEvent>) -> Option<Vec<ServerEvent>> {
    match events.recv().await {
        Ok(event) => Some(vec![event]),
        Err(RecvError::Lagged(_)) => Some(EVERY_LIST.to_vec()),
        Err(RecvError::Closed) => None,
    }
}

/// Hands every event (every list change, when some were lost) to `deliver` until the
/// connection of `peer` closes.
pub(super) async fn pass_events(
    mut events: broadcast::Receiver<ServerEvent>,
    peer: &Peer,
    mut deliver: impl FnMut(&ServerEvent),
) {
    let closed = peer.closed();
    tokio::pin!(closed);
    loop {
        let batch = tokio::select! {
            _ = &mut closed => return,
            batch = next_events(&mut events) => batch,
        };
        let Some(batch) = batch else {
            return closed.await;
        };
        batch.iter().for_each(&mut deliver);
    }
}

/// Streams the events `filter` wants to the `subscriptions/listen` request `id`, tagged with
/// it, until the client closes the stream.
pub(super) async fn stream_to_listener(
    events: broadcast::Receiver<ServerEvent>,
    peer: &Peer,
    id: &RequestId,
    filter: &SubscriptionFilter,
) {
    pass_events(events, peer, |event| {
        if !event.wanted_by(filter) {
            return;
        }
        let (method, params) = event.notification();
        let mut params = params.unwrap_or_else(|| serde_json::json!({}));
        params["_meta"] = serde_json::json!({ SUBSCRIPTION_ID: id });
        let _ = peer.notify_related(method, Some(&params), Some(id.clone()));
    })
    .await;
}
