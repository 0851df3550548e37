//! Roots: the directories and files the client lets the server work on (`roots/list`).

use serde::{Deserialize, Serialize};

use crate::meta::Meta;
use crate::request::{EmptyRequestParams, NotificationParams};
use crate::result::ResultType;

/// A directory or file the server may work on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Root {
    /// The root's URI; a `file://` URI for now.
    pub uri: String,
    /// A display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Root metadata (2025-06-18 on).
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

impl Root {
    /// A root at `uri`.
    pub fn new(uri: impl Into<String>) -> Self {
        Self {
            uri: uri.into(),
            ..Self::default()
        }
    }

    /// The same root with a display name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

request_kind! {
    /// `roots/list`: the server asks the client for its roots.
    ListRootsRequest = "roots/list",
    params: EmptyRequestParams,
    result: ListRootsResult,
    optional,
}

/// The result of `roots/list`.
///
/// ```
/// use mcp_types::{ListRootsResult, Root};
/// let r = ListRootsResult::new(vec![Root::new("file:///home/me/project").with_name("project")]);
/// assert_eq!(r.roots.len(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListRootsResult {
    /// The roots.
    pub roots: Vec<Root>,
    /// Result metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// How to read the result (2026-07-28; this result does not use it there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<ResultType>,
}

impl ListRootsResult {
    /// A result with these roots.
    pub fn new(roots: Vec<Root>) -> Self {
        Self {
            roots,
            ..Self::default()
        }
    }
}

notification_kind! {
    /// `notifications/roots/list_changed`: the client's roots changed (handshake era).
    RootsListChangedNotification = "notifications/roots/list_changed",
    params: NotificationParams,
    optional,
}

result_fields!(ListRootsResult);
