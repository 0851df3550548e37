//! What a client does when the server asks it something: the callbacks, and the JSON-RPC
//! service that calls them.

use std::collections::HashMap;
use std::future::{Future, ready};
use std::sync::Arc;

use parking_lot::Mutex;
use serde_json::Value;
use tokio::sync::mpsc;

use crate::jsonrpc::{
    HandlerFuture, IncomingNotification, IncomingRequest, Peer, RequestOrigin, Service,
};
use crate::transport::BoxFuture;
use crate::types::meta::SUBSCRIPTION_ID;
use crate::types::{
    ClientCapabilities, ClientResult, CreateMessageRequestParams, CreateMessageResult,
    ElicitAction, ElicitRequestParams, ElicitResult, ElicitValue, ElicitationCapability, ErrorData,
    InputRequest, InputResponse, ListRootsResult, LoggingMessageNotificationParams, RequestId,
    RootsCapability, SamplingCapability, ServerNotification,
};

/// Answers the server's sampling requests.
pub type SamplingCallback = Arc<
    dyn Fn(CreateMessageRequestParams) -> BoxFuture<'static, Result<CreateMessageResult, ErrorData>>
        + Send
        + Sync,
>;
/// Answers the server's elicitation requests.
pub type ElicitationCallback = Arc<
    dyn Fn(ElicitRequestParams) -> BoxFuture<'static, Result<ElicitResult, ErrorData>>
        + Send
        + Sync,
>;
/// Answers the server's requests for the client's roots.
pub type RootsCallback =
    Arc<dyn Fn() -> BoxFuture<'static, Result<ListRootsResult, ErrorData>> + Send + Sync>;
/// Receives the server's log messages.
pub type LoggingCallback = Arc<dyn Fn(LoggingMessageNotificationParams) + Send + Sync>;
/// Receives every other notification of the server (list changes, resource updates, ...).
pub type NotificationCallback = Arc<dyn Fn(ServerNotification) + Send + Sync>;

/// The callbacks of a client. Which ones are set decides the capabilities it declares.
#[derive(Clone, Default)]
pub struct Callbacks {
    /// `sampling/createMessage`.
    pub sampling: Option<SamplingCallback>,
    /// `elicitation/create`.
    pub elicitation: Option<ElicitationCallback>,
    /// `roots/list`.
    pub roots: Option<RootsCallback>,
    /// `notifications/message`.
    pub logging: Option<LoggingCallback>,
    /// Every other notification.
    pub notification: Option<NotificationCallback>,
}

impl std::fmt::Debug for Callbacks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Callbacks")
            .field("sampling", &self.sampling.is_some())
            .field("elicitation", &self.elicitation.is_some())
            .field("roots", &self.roots.is_some())
            .field("logging", &self.logging.is_some())
            .field("notification", &self.notification.is_some())
            .finish()
    }
}

impl Callbacks {
    /// The capabilities these callbacks let the client declare.
    pub fn capabilities(&self) -> ClientCapabilities {
        ClientCapabilities {
            sampling: self
                .sampling
                .as_ref()
                .map(|_| SamplingCapability::default()),
            elicitation: self.elicitation.as_ref().map(|_| ElicitationCapability {
                form: Some(Default::default()),
                url: Some(Default::default()),
            }),
            roots: self.roots.as_ref().map(|_| RootsCapability {
                list_changed: Some(true),
            }),
            ..Default::default()
        }
    }

    /// Answers one input request of an `input_required` result.
    pub(crate) async fn fulfil(&self, request: InputRequest) -> Result<InputResponse, ErrorData> {
        match request {
            InputRequest::CreateMessage(r) => match &self.sampling {
                Some(callback) => callback(r.params).await.map(InputResponse::CreateMessage),
                None => Err(not_declared("sampling")),
            },
            InputRequest::Elicit(r) => match &self.elicitation {
                Some(callback) => {
                    let defaults = form_defaults(&r.params);
                    let result = callback(r.params).await?;
                    Ok(InputResponse::Elicit(with_defaults(result, defaults)))
                }
                None => Err(not_declared("elicitation")),
            },
            InputRequest::ListRoots(_) => match &self.roots {
                Some(callback) => callback().await.map(InputResponse::ListRoots),
                None => Err(not_declared("roots")),
            },
        }
    }
}

fn not_declared(capability: &str) -> ErrorData {
    ErrorData::invalid_request(format!(
        "the server asked for {capability}, which this client did not declare"
    ))
}

/// The client end of a session, as a JSON-RPC service: answers the server's requests through
/// the callbacks and hands notifications to them.
#[derive(Debug)]
pub(crate) struct ClientService {
    pub callbacks: Callbacks,
    /// Open `subscriptions/listen` streams, by request id.
    pub subscriptions: Mutex<HashMap<RequestId, mpsc::UnboundedSender<ServerNotification>>>,
}

impl ClientService {
    pub fn new(callbacks: Callbacks) -> Self {
        Self {
            callbacks,
            subscriptions: Mutex::default(),
        }
    }

    fn route_to_subscription(&self, params: &Value, notification: &ServerNotification) -> bool {
        let Some(id) = params
            .get("_meta")
            .and_then(|m| m.get(SUBSCRIPTION_ID))
            .and_then(|id| serde_json::from_value::<RequestId>(id.clone()).ok())
        else {
            return false;
        };
        let subscriptions = self.subscriptions.lock();
        match subscriptions.get(&id) {
            Some(tx) => {
                let _ = tx.send(notification.clone());
                true
            }
            None => false,
        }
    }
}

impl Service for ClientService {
    type Result = ClientResult;

    fn handle_request(
        &self,
        request: IncomingRequest<'_>,
        _origin: RequestOrigin,
    ) -> HandlerFuture<ClientResult> {
        match request.method {
            "sampling/createMessage" => match (&self.callbacks.sampling, request.parse_params()) {
                (Some(callback), Ok(params)) => {
                    let future = callback(params);
                    Box::pin(async move { future.await.map(ClientResult::CreateMessage) })
                }
                (Some(_), Err(e)) => Box::pin(ready(Err(e))),
                (None, _) => Box::pin(ready(Err(ErrorData::method_not_found(request.method)))),
            },
            "elicitation/create" => match (&self.callbacks.elicitation, request.parse_params()) {
                (Some(callback), Ok(params)) => {
                    let defaults = form_defaults(&params);
                    let future = callback(params);
                    Box::pin(async move {
                        let result = future.await?;
                        Ok(ClientResult::Elicit(with_defaults(result, defaults)))
                    })
                }
                (Some(_), Err(e)) => Box::pin(ready(Err(e))),
                (None, _) => Box::pin(ready(Err(ErrorData::method_not_found(request.method)))),
            },
            "roots/list" => match &self.callbacks.roots {
                Some(callback) => {
                    let future = callback();
                    Box::pin(async move { future.await.map(ClientResult::ListRoots) })
                }
                None => Box::pin(ready(Err(ErrorData::method_not_found(request.method)))),
            },
            other => Box::pin(ready(Err(ErrorData::method_not_found(other)))),
        }
    }

    fn handle_notification(
        &self,
        notification: IncomingNotification<'_>,
        _peer: &Peer,
    ) -> Option<BoxFuture<'static, ()>> {
        let params: Option<Value> = notification
            .params
            .and_then(|raw| serde_json::from_str(raw.get()).ok());
        let parsed = match ServerNotification::from_parts(notification.method, params.clone()) {
            Ok(parsed) => parsed,
            Err(e) => {
                tracing::debug!(method = notification.method, error = %e, "ignoring a notification");
                return None;
            }
        };
        if let Some(params) = &params
            && self.route_to_subscription(params, &parsed)
        {
            return None;
        }
        match parsed {
            ServerNotification::LoggingMessage(message) => {
                if let Some(callback) = &self.callbacks.logging {
                    callback(message.params);
                }
            }
            other => {
                if let Some(callback) = &self.callbacks.notification {
                    callback(other);
                }
            }
        }
        None
    }
}

/// The default values of the fields of a form elicitation (SEP-1034), by field name.
fn form_defaults(params: &ElicitRequestParams) -> Vec<(String, ElicitValue)> {
    let ElicitRequestParams::Form(form) = params else {
        return Vec::new();
    };
    form.requested_schema
        .properties
        .iter()
        .filter_map(|(name, field)| {
            let mut field = serde_json::to_value(field).ok()?;
            let default = field.get_mut("default")?.take();
            let value = serde_json::from_value::<ElicitValue>(default).ok()?;
            Some((name.clone(), value))
        })
        .collect()
}

/// An accepted form with every field the user left out that has a default filled in with it,
/// as if the form had been shown pre-filled (SEP-1034). Other answers are left alone.
fn with_defaults(mut result: ElicitResult, defaults: Vec<(String, ElicitValue)>) -> ElicitResult {
    if result.action != ElicitAction::Accept || defaults.is_empty() {
        return result;
    }
    let content = result.content.get_or_insert_with(Default::default);
    for (name, value) in defaults {
        content.entry(name).or_insert(value);
    }
    result
}

/// Wraps an async closure as a [`SamplingCallback`].
pub(crate) fn sampling<F, Fut>(f: F) -> SamplingCallback
where
    F: Fn(CreateMessageRequestParams) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<CreateMessageResult, ErrorData>> + Send + 'static,
{
    Arc::new(move |params| Box::pin(f(params)))
}

/// Wraps an async closure as an [`ElicitationCallback`].
pub(crate) fn elicitation<F, Fut>(f: F) -> ElicitationCallback
where
    F: Fn(ElicitRequestParams) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<ElicitResult, ErrorData>> + Send + 'static,
{
    Arc::new(move |params| Box::pin(f(params)))
}

/// Wraps an async closure as a [`RootsCallback`].
pub(crate) fn roots<F, Fut>(f: F) -> RootsCallback
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<ListRootsResult, ErrorData>> + Send + 'static,
{
    Arc::new(move || Box::pin(f()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{
        BooleanSchema, ElicitRequestFormParams, ElicitRequestUrlParams, NumberSchema,
        RequestedSchema, StringSchema,
    };

    fn form() -> ElicitRequestParams {
        let schema: RequestedSchema = serde_json::from_value(serde_json::json!({
            "type": "object",
            "properties": {
                "name": {"type": "string", "default": "John Doe"},
                "age": {"type": "integer", "default": 30},
                "score": {"type": "number", "default": 95.5},
                "status": {"type": "string", "enum": ["active", "inactive"], "default": "active"},
                "verified": {"type": "boolean", "default": true},
                "note": {"type": "string"}
            }
        }))
        .unwrap();
        ElicitRequestFormParams::new("fill in", schema).into()
    }

    #[test]
    fn an_accepted_form_gets_the_defaults_of_the_fields_left_out() {
        let result = ElicitResult::accept([("name", ElicitValue::from("Ada"))]);
        let result = with_defaults(result, form_defaults(&form()));
        let content = serde_json::to_value(result.content.unwrap()).unwrap();
        assert_eq!(
            content,
            serde_json::json!({
                "name": "Ada", "age": 30, "score": 95.5, "status": "active", "verified": true
            })
        );
    }

    #[test]
    fn an_accepted_form_without_content_gets_every_default() {
        let result = with_defaults(
            ElicitResult::new(ElicitAction::Accept),
            form_defaults(&form()),
        );
        assert_eq!(result.content.unwrap().len(), 5);
    }

    #[test]
    fn declined_and_url_elicitations_are_left_alone() {
        let declined = with_defaults(ElicitResult::decline(), form_defaults(&form()));
        assert_eq!(declined.content, None);
        let url: ElicitRequestParams =
            ElicitRequestUrlParams::new("sign in", "https://example.com").into();
        assert!(form_defaults(&url).is_empty());
    }

    #[test]
    fn typed_schemas_give_their_defaults() {
        let mut boolean = BooleanSchema::new();
        boolean.default = Some(false);
        let mut number = NumberSchema::integer();
        number.default = Some(7.0);
        let mut string = StringSchema::new();
        string.default = Some("x".into());
        let schema = RequestedSchema::new()
            .with_property("b", boolean, false)
            .with_property("n", number, false)
            .with_property("s", string, true);
        let defaults = form_defaults(&ElicitRequestFormParams::new("m", schema).into());
        assert_eq!(
            defaults,
            vec![
                ("b".to_owned(), ElicitValue::Bool(false)),
                ("n".to_owned(), ElicitValue::Number(7.0)),
                ("s".to_owned(), ElicitValue::from("x")),
            ]
        );
    }
}
