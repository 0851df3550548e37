//! Cancellation: `notifications/cancelled`.

use serde::{Deserialize, Serialize};

use crate::jsonrpc::RequestId;
use crate::meta::Meta;

/// The params of `notifications/cancelled`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancelledNotificationParams {
    /// The id of the request to cancel. Required in every version but 2025-11-25, where a task
    /// is cancelled with `tasks/cancel` instead and this may be absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<RequestId>,
    /// Why the request is cancelled, for logs or the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Notification metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

impl CancelledNotificationParams {
    /// Cancels the request with this id.
    pub fn new(request_id: impl Into<RequestId>) -> Self {
        Self {
            request_id: Some(request_id.into()),
            ..Self::default()
        }
    }

    /// The same cancellation with a reason.
    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}

notification_kind! {
    /// `notifications/cancelled`: the sender no longer wants the result of a request it sent.
    ///
    /// ```
    /// use mcp_types::{CancelledNotification, CancelledNotificationParams, Notification};
    /// let n = CancelledNotification::from_params(CancelledNotificationParams::new(3).with_reason("timeout"));
    /// assert_eq!(
    ///     serde_json::to_string(&n).unwrap(),
    ///     r#"{"method":"notifications/cancelled","params":{"requestId":3,"reason":"timeout"}}"#
    /// );
    /// ```
    CancelledNotification = "notifications/cancelled",
    params: CancelledNotificationParams,
    required,
}
