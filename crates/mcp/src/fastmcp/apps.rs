//! MCP Apps (`io.modelcontextprotocol/ui`) on a [`FastMcp`]: a tool and its view, added in one
//! call ([`FastMcp::add_app_tool`]). The view is a `ui://` resource served as
//! `text/html;profile=mcp-app` with its `_meta.ui` (CSP, permissions) on both its listing and
//! its contents; the tool gets `_meta.ui.resourceUri`.

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;

use super::{FastMcp, ResourceDef, ToolDef};
use crate::error::{Error, Result};
use crate::types::extensions::apps::{
    APP_MIME_TYPE, LEGACY_RESOURCE_URI_META_KEY, UI_META_KEY, UiCsp, UiMetaProblem, UiPermissions,
    UiResourceMeta, UiVisibility,
};
use crate::types::{ErrorData, JsonObject, Resource, ResourceContents, TextResourceContents};

/// A view that cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Its URI is not a `ui://` URI, the only kind hosts render.
    #[error("`{0}` is not a ui:// URI: MCP App views are served under the ui:// scheme")]
    NotUiScheme(String),
    /// Its metadata would be refused or misread by hosts.
    #[error("the view {uri} asks for {problem}")]
    BadMeta {
        /// The view.
        uri: String,
        /// What is wrong.
        #[source]
        problem: UiMetaProblem,
    },
}

/// Where a view's HTML comes from.
#[derive(Debug, Clone)]
enum Source {
    /// Fixed text.
    Html(Arc<str>),
    /// A file, read each time the view is read (edit it and reload the host).
    File(PathBuf),
}

/// The view of an MCP App: an HTML document at a `ui://` URI, with what its frame may do.
///
/// ```
/// use mcp::fastmcp::{AppView, FastMcp, ToolDef};
/// use mcp::types::extensions::apps::{UiCsp, UiToolMeta, UiVisibility};
///
/// #[derive(serde::Deserialize, schemars::JsonSchema)]
/// struct City { name: String }
///
/// let view = AppView::html("ui://weather/view.html", "<!doctype html><p>Loading…</p>")
///     .with_title("Weather")
///     .with_csp(UiCsp::default().connect_domain("https://api.weather.example"))
///     .with_prefers_border(true);
/// let mcp = FastMcp::new("weather");
/// mcp.add_app_tool(
///     ToolDef::new("forecast", |city: City| async move { format!("Sunny in {}", city.name) }),
///     &view,
/// )?;
/// mcp.add_app_tool(
///     ToolDef::new("refresh", |city: City| async move { format!("Still sunny in {}", city.name) })
///         .with_ui_visibility([UiVisibility::App]),
///     &view,
/// )?;
/// let tools = mcp.tools();
/// assert_eq!(UiToolMeta::of(&tools[0]).unwrap().resource_uri, "ui://weather/view.html");
/// # Ok::<(), mcp::fastmcp::AppError>(())
/// ```
#[derive(Debug, Clone)]
pub struct AppView {
    uri: String,
    name: Option<String>,
    title: Option<String>,
    description: Option<String>,
    source: Source,
    meta: UiResourceMeta,
}

impl AppView {
    /// A view of fixed HTML.
    pub fn html(uri: impl Into<String>, html: impl Into<String>) -> Self {
        Self::with_source(uri.into(), Source::Html(Arc::from(html.into())))
    }

    /// A view whose HTML is the file at `path`, read each time the view is read.
    pub fn file(uri: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        Self::with_source(uri.into(), Source::File(path.into()))
    }

    fn with_source(uri: String, source: Source) -> Self {
        Self {
            uri,
            name: None,
            title: None,
            description: None,
            source,
            meta: UiResourceMeta::default(),
        }
    }

    /// The view's URI.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The same view listed under another name (its URI by default).
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The same view with a human-readable title.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// The same view with a description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// The same view, allowed to reach these origins (each checked when the view is added).
    pub fn with_csp(mut self, csp: UiCsp) -> Self {
        self.meta.csp = Some(csp);
        self
    }

    /// The same view, asking for these browser permissions.
    pub fn with_permissions(mut self, permissions: UiPermissions) -> Self {
        self.meta.permissions = Some(permissions);
        self
    }

    /// The same view, asking for a dedicated origin for its frame.
    pub fn with_domain(mut self, domain: impl Into<String>) -> Self {
        self.meta.domain = Some(domain.into());
        self
    }

    /// The same view, saying whether it wants a visible border.
    pub fn with_prefers_border(mut self, prefers_border: bool) -> Self {
        self.meta.prefers_border = Some(prefers_border);
        self
    }

    /// Its `_meta.ui`.
    pub fn meta(&self) -> &UiResourceMeta {
        &self.meta
    }

    /// Checks it against the extension's rules.
    fn check(&self) -> Result<(), AppError> {
        let is_ui = self
            .uri
            .split_once("://")
            .is_some_and(|(scheme, rest)| scheme == "ui" && !rest.is_empty());
        if !is_ui {
            return Err(AppError::NotUiScheme(self.uri.clone()));
        }
        if let Some(problem) = self.meta.problems().into_iter().next() {
            return Err(AppError::BadMeta {
                uri: self.uri.clone(),
                problem,
            });
        }
        Ok(())
    }

    /// `{"ui": {...}}`, or nothing when the metadata says nothing.
    fn meta_object(&self) -> Option<JsonObject> {
        if self.meta.is_empty() {
            return None;
        }
        let ui = serde_json::to_value(&self.meta).unwrap_or_default();
        Some([(UI_META_KEY.to_owned(), ui)].into_iter().collect())
    }

    /// The resource serving it.
    fn resource(&self) -> ResourceDef {
        let mut resource = Resource::new(
            &self.uri,
            self.name.clone().unwrap_or_else(|| self.uri.clone()),
        )
        .with_mime_type(APP_MIME_TYPE);
        resource.title = self.title.clone();
        resource.description = self.description.clone();
        resource.meta = self.meta_object();
        let uri = self.uri.clone();
        let source = self.source.clone();
        let meta = resource.meta.clone();
        ResourceDef::from_parts(
            resource,
            Arc::new(move |_cx| {
                let (uri, source, meta) = (uri.clone(), source.clone(), meta.clone());
                Box::pin(async move {
                    let html = match source {
                        Source::Html(html) => html.to_string(),
                        Source::File(path) => {
                            tokio::fs::read_to_string(&path).await.map_err(|e| {
                                Error::Protocol(ErrorData::internal_error(format!(
                                    "the view {uri} cannot be read from {}: {e}",
                                    path.display()
                                )))
                            })?
                        }
                    };
                    let mut contents =
                        TextResourceContents::new(uri, html).with_mime_type(APP_MIME_TYPE);
                    contents.meta = meta;
                    Ok(vec![ResourceContents::Text(contents)])
                })
            }),
        )
    }
}

impl ToolDef {
    /// The same tool, offered only to `who` (`[UiVisibility::App]` for a tool only its view
    /// calls, to refresh its data, say): `_meta.ui.visibility`. Give the tool its view with
    /// [`FastMcp::add_app_tool`].
    pub fn with_ui_visibility(self, who: impl IntoIterator<Item = UiVisibility>) -> Self {
        let visibility: Vec<UiVisibility> = who.into_iter().collect();
        let mut ui = self.ui_object();
        ui.insert(
            "visibility".into(),
            serde_json::to_value(visibility).unwrap_or_default(),
        );
        self.with_meta(UI_META_KEY, Value::Object(ui))
    }

    /// The tool's `_meta.ui` so far.
    fn ui_object(&self) -> JsonObject {
        self.tool()
            .meta
            .as_ref()
            .and_then(|meta| meta.get(UI_META_KEY))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    }
}

impl FastMcp {
    /// Adds a tool and its view (MCP Apps) in one call: serves `view` as a `ui://` resource
    /// (`text/html;profile=mcp-app`, its `_meta.ui` on its listing and contents) and adds
    /// `tool` with `_meta.ui.resourceUri` naming it (and the flat `ui/resourceUri` that early
    /// hosts read). Several tools may share a view. Fails, adding nothing, for a view that is
    /// not under `ui://` or whose CSP names something other than origins.
    ///
    /// A host that renders views declares so; the tool should still answer with meaningful
    /// text for the others
    /// ([`client_supports_apps`](crate::types::extensions::apps::client_supports_apps) tells
    /// them apart).
    pub fn add_app_tool(&self, tool: ToolDef, view: &AppView) -> Result<(), AppError> {
        view.check()?;
        let mut ui = tool.ui_object();
        ui.insert("resourceUri".into(), Value::String(view.uri.clone()));
        let tool = tool.with_meta(UI_META_KEY, Value::Object(ui)).with_meta(
            LEGACY_RESOURCE_URI_META_KEY,
            Value::String(view.uri.clone()),
        );
        self.add_resource(view.resource());
        self.add_tool(tool);
        Ok(())
    }
}
