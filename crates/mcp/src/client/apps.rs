//! MCP Apps (`io.modelcontextprotocol/ui`), client side: a tool's view read and checked as a
//! host needs it (a `ui://` resource, one HTML document of the extension's MIME type, its
//! `_meta.ui` of the extension's shape).

use super::Client;
use crate::error::Error;
use crate::types::extensions::apps::{APP_MIME_TYPE, UiResourceMeta};
use crate::types::{ResourceContents, Tool};

/// A view that cannot be shown.
#[derive(Debug, thiserror::Error)]
pub enum AppViewError {
    /// The request failed.
    #[error(transparent)]
    Request(#[from] Error),
    /// The URI is not a `ui://` URI.
    #[error("`{0}` is not a ui:// URI")]
    NotUiScheme(String),
    /// The server gave something other than one text document.
    #[error("the view {uri} is not one HTML document: the server gave {what}")]
    NotOneDocument {
        /// The view.
        uri: String,
        /// What came instead.
        what: String,
    },
    /// The document is not of the extension's MIME type.
    #[error(
        "the view {uri} is served as {mime_type}, not {APP_MIME_TYPE}: hosts will not render it"
    )]
    WrongMimeType {
        /// The view.
        uri: String,
        /// The MIME type it came with (`none` when it had none).
        mime_type: String,
    },
    /// Its `_meta.ui` is not of the extension's shape.
    #[error("the view {uri} has a _meta.ui hosts cannot read: {error}")]
    BadMeta {
        /// The view.
        uri: String,
        /// Why.
        #[source]
        error: serde_json::Error,
    },
}

/// A tool's view as read: its HTML and what its frame may do.
#[derive(Debug, Clone, PartialEq)]
pub struct AppViewContents {
    /// The view's `ui://` URI.
    pub uri: String,
    /// The HTML document.
    pub html: String,
    /// Its `_meta.ui`: from its contents, else from its listing (`resources/list`).
    pub meta: UiResourceMeta,
}

impl Client {
    /// Reads the view at `uri` (a tool's `_meta.ui.resourceUri`, see
    /// [`UiToolMeta::of`](crate::types::extensions::apps::UiToolMeta::of)) and checks it as a
    /// host would before rendering it.
    pub async fn read_app_view(&self, uri: &str) -> Result<AppViewContents, AppViewError> {
        if !uri.starts_with("ui://") {
            return Err(AppViewError::NotUiScheme(uri.to_owned()));
        }
        let result = self.read_resource(uri).await?;
        let not_one = |what: String| AppViewError::NotOneDocument {
            uri: uri.to_owned(),
            what,
        };
        let [contents] = result.contents.as_slice() else {
            return Err(not_one(format!("{} contents", result.contents.len())));
        };
        let ResourceContents::Text(text) = contents else {
            return Err(not_one("a binary blob".to_owned()));
        };
        let mime_type = text.mime_type.as_deref().unwrap_or("none");
        if !same_mime_type(mime_type, APP_MIME_TYPE) {
            return Err(AppViewError::WrongMimeType {
                uri: uri.to_owned(),
                mime_type: mime_type.to_owned(),
            });
        }
        let bad_meta = |error| AppViewError::BadMeta {
            uri: uri.to_owned(),
            error,
        };
        let mut meta = UiResourceMeta::from_meta(text.meta.as_ref()).map_err(bad_meta)?;
        if meta.is_none() {
            // Some servers put it on the listing only.
            let listed = self.list_all_resources().await?;
            let listing = listed.iter().find(|r| r.uri == uri);
            meta = UiResourceMeta::from_meta(listing.and_then(|r| r.meta.as_ref()))
                .map_err(bad_meta)?;
        }
        Ok(AppViewContents {
            uri: uri.to_owned(),
            html: text.text.clone(),
            meta: meta.unwrap_or_default(),
        })
    }

    /// The tools of the server that have a view, with it (`_meta.ui`), every page.
    pub async fn list_app_tools(
        &self,
    ) -> crate::Result<Vec<(Tool, crate::types::extensions::apps::UiToolMeta)>> {
        let tools = self.list_all_tools().await?;
        Ok(tools
            .into_iter()
            .filter_map(|tool| {
                let ui = crate::types::extensions::apps::UiToolMeta::of(&tool)?;
                Some((tool, ui))
            })
            .collect())
    }
}

/// Whether two MIME types are the same, parameters included, up to case and spaces
/// (`text/html; profile=mcp-app` is `text/html;profile=mcp-app`).
fn same_mime_type(a: &str, b: &str) -> bool {
    let normal = |m: &str| -> String {
        m.split(';')
            .map(|part| part.trim().to_ascii_lowercase())
            .collect::<Vec<_>>()
            .join(";")
    };
    normal(a) == normal(b)
}

#[cfg(test)]
mod tests {
    use super::same_mime_type;

    #[test]
    fn mime_types_compare_without_case_or_spaces() {
        assert!(same_mime_type(
            "text/html; profile=mcp-app",
            "text/html;profile=mcp-app"
        ));
        assert!(same_mime_type(
            "Text/HTML;Profile=MCP-App",
            "text/html;profile=mcp-app"
        ));
        assert!(!same_mime_type("text/html", "text/html;profile=mcp-app"));
    }
}
