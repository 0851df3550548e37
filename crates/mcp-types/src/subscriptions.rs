//! `subscriptions/listen` (2026-07-28): one long-lived stream of the change notifications a
//! client opted into.

use serde::{Deserialize, Serialize};

use crate::meta::{Meta, RequestMeta};
use crate::result::ResultType;

/// The notifications a client opts into on a `subscriptions/listen` stream (and, in the
/// acknowledgement, those the server agreed to send).
///
/// ```
/// use mcp_types::SubscriptionFilter;
/// let f = SubscriptionFilter { tools_list_changed: Some(true), ..Default::default() }
///     .with_resource("file:///project/config.json");
/// assert_eq!(
///     serde_json::to_string(&f).unwrap(),
///     r#"{"toolsListChanged":true,"resourceSubscriptions":["file:///project/config.json"]}"#
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionFilter {
    /// Receive `notifications/tools/list_changed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools_list_changed: Option<bool>,
    /// Receive `notifications/prompts/list_changed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompts_list_changed: Option<bool>,
    /// Receive `notifications/resources/list_changed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources_list_changed: Option<bool>,
    /// Receive `notifications/resources/updated` for these URIs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_subscriptions: Option<Vec<String>>,
    /// Receive `notifications/tasks` for these tasks (the tasks extension).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_ids: Option<Vec<String>>,
}

impl SubscriptionFilter {
    /// The same filter watching one more resource.
    pub fn with_resource(mut self, uri: impl Into<String>) -> Self {
        self.resource_subscriptions
            .get_or_insert_with(Vec::new)
            .push(uri.into());
        self
    }
}

/// The params of `subscriptions/listen`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionsListenRequestParams {
    /// The notifications wanted.
    pub notifications: SubscriptionFilter,
    /// Request metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<RequestMeta>,
}

request_kind! {
    /// `subscriptions/listen`: opens a stream of change notifications.
    SubscriptionsListenRequest = "subscriptions/listen",
    params: SubscriptionsListenRequestParams,
    result: SubscriptionsListenResult,
    required,
}

/// The result of `subscriptions/listen`, sent when the server ends the subscription gracefully.
/// Its `_meta` carries `io.modelcontextprotocol/subscriptionId`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionsListenResult {
    /// Result metadata, with the subscription id.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// How to read the result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<ResultType>,
}

/// The params of `notifications/subscriptions/acknowledged`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionsAcknowledgedNotificationParams {
    /// The requested notifications the server will send.
    pub notifications: SubscriptionFilter,
    /// Notification metadata, with the subscription id.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

notification_kind! {
    /// `notifications/subscriptions/acknowledged`: the first message of a subscription, saying
    /// which notifications the server will send.
    SubscriptionsAcknowledgedNotification = "notifications/subscriptions/acknowledged",
    params: SubscriptionsAcknowledgedNotificationParams,
    required,
}

request_params!(SubscriptionsListenRequestParams);
result_fields!(SubscriptionsListenResult);
