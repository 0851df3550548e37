//! Telling connected clients that something changed.

use tokio::sync::broadcast;

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
