//! Progress: the token a request carries and `notifications/progress`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::meta::Meta;

/// The token that ties progress notifications to a request: a string or an integer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ProgressToken {
    /// An integer token.
    Number(i64),
    /// A string token.
    String(String),
}

impl fmt::Display for ProgressToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProgressToken::Number(n) => write!(f, "{n}"),
            ProgressToken::String(s) => write!(f, "{s:?}"),
        }
    }
}

impl From<i64> for ProgressToken {
    fn from(value: i64) -> Self {
        ProgressToken::Number(value)
    }
}

impl From<&str> for ProgressToken {
    fn from(value: &str) -> Self {
        ProgressToken::String(value.to_owned())
    }
}

impl From<String> for ProgressToken {
    fn from(value: String) -> Self {
        ProgressToken::String(value)
    }
}

/// The params of `notifications/progress`.
///
/// ```
/// use mcp_types::ProgressNotificationParams;
/// let p = ProgressNotificationParams::new("tok", 50.0).with_total(100.0);
/// assert_eq!(
///     serde_json::to_string(&p).unwrap(),
///     r#"{"progressToken":"tok","progress":50,"total":100}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgressNotificationParams {
    /// The token of the request this progress is about.
    pub progress_token: ProgressToken,
    /// The progress so far; it should grow with every notification.
    #[serde(serialize_with = "crate::number::serialize")]
    pub progress: f64,
    /// The total to reach, if known.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::number::serialize_opt"
    )]
    pub total: Option<f64>,
    /// A human-readable description of the current progress (2025-03-26 on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Notification metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

impl ProgressNotificationParams {
    /// Progress `progress` for the request that sent `token`.
    pub fn new(token: impl Into<ProgressToken>, progress: f64) -> Self {
        Self {
            progress_token: token.into(),
            progress,
            total: None,
            message: None,
            meta: None,
        }
    }

    /// The same progress with a known total.
    pub fn with_total(mut self, total: f64) -> Self {
        self.total = Some(total);
        self
    }

    /// The same progress with a message.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }
}

notification_kind! {
    /// `notifications/progress`: progress on a long-running request, sent by either side.
    ProgressNotification = "notifications/progress",
    params: ProgressNotificationParams,
    required,
}
