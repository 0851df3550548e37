//! Pagination: the cursor of list requests.

use serde::{Deserialize, Serialize};

use crate::meta::RequestMeta;

/// An opaque position in a paginated list.
pub type Cursor = String;

/// The params of the paginated list requests (`tools/list`, `resources/list`, ...).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaginatedRequestParams {
    /// Where to go on from: the `nextCursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<Cursor>,
    /// Request metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<RequestMeta>,
}

impl PaginatedRequestParams {
    /// The params asking for the page after `cursor`.
    pub fn after(cursor: impl Into<Cursor>) -> Self {
        Self {
            cursor: Some(cursor.into()),
            meta: None,
        }
    }

    /// The same params carrying the given `_meta`.
    pub fn with_meta(mut self, meta: RequestMeta) -> Self {
        self.meta = Some(meta);
        self
    }

    /// Whether there is nothing to send.
    pub fn is_empty(&self) -> bool {
        self.cursor.is_none() && self.meta.is_none()
    }
}

request_params!(PaginatedRequestParams);
