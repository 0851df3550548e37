//! MCP Apps (`io.modelcontextprotocol/ui`): a tool names an interactive view, a `ui://`
//! resource holding an HTML document (`text/html;profile=mcp-app`) that a host renders in a
//! sandboxed frame beside the tool's result. The tool carries `_meta.ui.resourceUri` (and where
//! it is shown, `_meta.ui.visibility`); the resource carries what the frame may do in
//! `_meta.ui` (its Content Security Policy domains, the browser permissions it asks for, a
//! dedicated origin, whether it wants a border). A host declares that it renders views with
//! `{"mimeTypes": ["text/html;profile=mcp-app"]}` under the extension's identifier.
//!
//! ```
//! use mcp_types::extensions::apps::{UiCsp, UiPermissions, UiResourceMeta, UiToolMeta, UiVisibility};
//!
//! let tool: mcp_types::Tool = serde_json::from_value(serde_json::json!({
//!     "name": "show_dashboard",
//!     "inputSchema": {"type": "object"},
//!     "_meta": {"ui": {"resourceUri": "ui://dashboard/view.html", "visibility": ["model", "app"]}}
//! }))
//! .unwrap();
//! let ui = UiToolMeta::of(&tool).unwrap();
//! assert_eq!(ui.resource_uri, "ui://dashboard/view.html");
//! assert!(ui.visible_to(UiVisibility::Model));
//!
//! let view = UiResourceMeta::default()
//!     .with_csp(UiCsp::default().connect_domain("https://api.example.com"))
//!     .with_permissions(UiPermissions::default().clipboard_write())
//!     .with_prefers_border(true);
//! assert_eq!(
//!     serde_json::to_value(&view).unwrap(),
//!     serde_json::json!({
//!         "csp": {"connectDomains": ["https://api.example.com"]},
//!         "permissions": {"clipboardWrite": {}},
//!         "prefersBorder": true
//!     })
//! );
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::capabilities::ClientCapabilities;
use crate::meta::JsonObject;
use crate::tools::Tool;

/// The extension's identifier, the key under `capabilities.extensions`.
pub const UI_EXTENSION: &str = "io.modelcontextprotocol/ui";

/// The MIME type of a view: an HTML document meant for a host's sandboxed frame.
pub const APP_MIME_TYPE: &str = "text/html;profile=mcp-app";

/// The URI scheme of views.
pub const UI_SCHEME: &str = "ui";

/// The `_meta` key under which tools and views carry the extension's metadata.
pub const UI_META_KEY: &str = "ui";

/// The flat `_meta` key early hosts read a tool's view from, kept for them.
pub const LEGACY_RESOURCE_URI_META_KEY: &str = "ui/resourceUri";

/// What a host declares under the extension's identifier: the view formats it renders.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UiClientCapability {
    /// The MIME types of the views it renders (`text/html;profile=mcp-app`).
    #[serde(default)]
    pub mime_types: Vec<String>,
}

impl UiClientCapability {
    /// A host rendering HTML views.
    pub fn html() -> Self {
        Self {
            mime_types: vec![APP_MIME_TYPE.to_owned()],
        }
    }

    /// The settings as declared under `capabilities.extensions`.
    pub fn settings(&self) -> JsonObject {
        let mut settings = JsonObject::new();
        settings.insert(
            "mimeTypes".into(),
            self.mime_types
                .iter()
                .map(|m| serde_json::Value::String(m.clone()))
                .collect(),
        );
        settings
    }

    /// What a client declared, under `extensions` or (as early hosts did) `experimental`.
    pub fn of(capabilities: &ClientCapabilities) -> Option<Self> {
        let settings = [&capabilities.extensions, &capabilities.experimental]
            .into_iter()
            .find_map(|map| map.as_ref()?.get(UI_EXTENSION))?;
        serde_json::from_value(serde_json::Value::Object(settings.clone())).ok()
    }
}

/// Whether a client renders HTML views: it declared the extension with
/// `text/html;profile=mcp-app` among its MIME types. A tool with a view should still answer
/// with meaningful text for the others.
pub fn client_supports_apps(capabilities: &ClientCapabilities) -> bool {
    UiClientCapability::of(capabilities)
        .is_some_and(|ui| ui.mime_types.iter().any(|m| m == APP_MIME_TYPE))
}

/// Who a tool with a view is offered to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UiVisibility {
    /// The model may call it, as any tool.
    Model,
    /// The view may call it (through the host), for instance to refresh its data.
    App,
}

/// A tool's `_meta.ui`: its view, and who it is offered to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UiToolMeta {
    /// The `ui://` URI of the tool's view.
    pub resource_uri: String,
    /// Who the tool is offered to; both the model and the view when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Vec<UiVisibility>>,
}

impl UiToolMeta {
    /// The view of `tool`, from `_meta.ui` (or the flat `_meta["ui/resourceUri"]` of early
    /// servers); `None` for a tool without one.
    pub fn of(tool: &Tool) -> Option<Self> {
        let meta = tool.meta.as_ref()?;
        if let Some(ui) = meta.get(UI_META_KEY)
            && let Ok(ui) = serde_json::from_value::<Self>(ui.clone())
        {
            return Some(ui);
        }
        let uri = meta.get(LEGACY_RESOURCE_URI_META_KEY)?.as_str()?;
        Some(Self {
            resource_uri: uri.to_owned(),
            visibility: None,
        })
    }

    /// Whether the tool is offered to `who`.
    pub fn visible_to(&self, who: UiVisibility) -> bool {
        self.visibility.as_ref().is_none_or(|v| v.contains(&who))
    }
}

/// The Content Security Policy a view asks for: the origins beyond its own that it may reach.
/// Hosts allow nothing else.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UiCsp {
    /// Origins it may connect to (`fetch`, WebSocket): `connect-src`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_domains: Option<Vec<String>>,
    /// Origins it may load scripts, styles, images and fonts from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_domains: Option<Vec<String>>,
    /// Origins it may embed in frames of its own: `frame-src`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame_domains: Option<Vec<String>>,
    /// Origins its document base URI may be set to: `base-uri`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_uri_domains: Option<Vec<String>>,
}

impl UiCsp {
    /// The same policy with one more origin to connect to.
    pub fn connect_domain(mut self, origin: impl Into<String>) -> Self {
        self.connect_domains
            .get_or_insert_default()
            .push(origin.into());
        self
    }

    /// The same policy with one more origin to load resources from.
    pub fn resource_domain(mut self, origin: impl Into<String>) -> Self {
        self.resource_domains
            .get_or_insert_default()
            .push(origin.into());
        self
    }

    /// The same policy with one more origin to embed frames from.
    pub fn frame_domain(mut self, origin: impl Into<String>) -> Self {
        self.frame_domains
            .get_or_insert_default()
            .push(origin.into());
        self
    }

    /// The same policy with one more origin for the document's base URI.
    pub fn base_uri_domain(mut self, origin: impl Into<String>) -> Self {
        self.base_uri_domains
            .get_or_insert_default()
            .push(origin.into());
        self
    }

    /// Every origin named, with the field naming it (`connectDomains`, ...).
    pub fn sources(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("connectDomains", &self.connect_domains),
            ("resourceDomains", &self.resource_domains),
            ("frameDomains", &self.frame_domains),
            ("baseUriDomains", &self.base_uri_domains),
        ]
        .into_iter()
        .flat_map(|(field, list)| {
            list.iter()
                .flatten()
                .map(move |origin| (field, origin.as_str()))
        })
    }
}

/// Checks one origin of a [`UiCsp`]: a host source a browser takes
/// (`https://api.example.com`, `https://*.example.com:8443`, `wss://live.example.com`), with
/// nothing that would end the directive or add another (a space, `;`, `,`, a quote).
///
/// ```
/// use mcp_types::extensions::apps::{CspOriginFault, check_csp_origin};
/// assert!(check_csp_origin("https://api.example.com").is_ok());
/// assert!(check_csp_origin("https://*.example.com:8443").is_ok());
/// let error = check_csp_origin("https://a.com; script-src *").unwrap_err();
/// assert_eq!(error.fault, CspOriginFault::ChangesThePolicy);
/// assert_eq!(check_csp_origin("'unsafe-inline'").unwrap_err().fault, CspOriginFault::ChangesThePolicy);
/// assert_eq!(check_csp_origin("example.com").unwrap_err().fault, CspOriginFault::NotAnOrigin);
/// ```
pub fn check_csp_origin(origin: &str) -> Result<(), CspOriginError> {
    let fault = if origin.is_empty() {
        CspOriginFault::Empty
    } else if origin
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, ';' | ',' | '\'' | '"'))
    {
        CspOriginFault::ChangesThePolicy
    } else if !origin.split_once("://").is_some_and(|(scheme, host)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            && !host.is_empty()
    }) {
        CspOriginFault::NotAnOrigin
    } else {
        return Ok(());
    };
    Err(CspOriginError {
        origin: origin.to_owned(),
        fault,
    })
}

/// A CSP entry of a view's metadata that is not an origin ([`check_csp_origin`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CspOriginError {
    /// The entry.
    pub origin: String,
    /// What is wrong with it.
    pub fault: CspOriginFault,
}

/// What makes a CSP entry something other than an origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CspOriginFault {
    /// It is empty.
    Empty,
    /// It holds a space, `;`, `,` or a quote: it would end the directive or add another.
    ChangesThePolicy,
    /// It has no scheme or no host (`example.com`, `https://`).
    NotAnOrigin,
}

impl fmt::Display for CspOriginFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "it is empty",
            Self::ChangesThePolicy => {
                "it holds a space, `;`, `,` or a quote, which would change the policy"
            }
            Self::NotAnOrigin => "it is not an origin such as https://api.example.com",
        })
    }
}

impl fmt::Display for CspOriginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a CSP origin: {}", self.origin, self.fault)
    }
}

impl std::error::Error for CspOriginError {}

/// Something in a view's `_meta.ui` that hosts would refuse or misread
/// ([`UiResourceMeta::problems`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiMetaProblem {
    /// The `csp` field holding the entry (`connectDomains`, `resourceDomains`, ...).
    pub field: &'static str,
    /// What is wrong with the entry.
    pub error: CspOriginError,
}

impl fmt::Display for UiMetaProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "csp.{}: {}", self.field, self.error)
    }
}

impl std::error::Error for UiMetaProblem {}

/// The browser permissions a view asks for; hosts may grant them. Each is an object (empty
/// today) when asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UiPermissions {
    /// The camera.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub camera: Option<JsonObject>,
    /// The microphone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub microphone: Option<JsonObject>,
    /// The device's location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geolocation: Option<JsonObject>,
    /// Writing to the clipboard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clipboard_write: Option<JsonObject>,
}

impl UiPermissions {
    /// The same permissions and the camera.
    pub fn camera(mut self) -> Self {
        self.camera = Some(JsonObject::new());
        self
    }

    /// The same permissions and the microphone.
    pub fn microphone(mut self) -> Self {
        self.microphone = Some(JsonObject::new());
        self
    }

    /// The same permissions and the device's location.
    pub fn geolocation(mut self) -> Self {
        self.geolocation = Some(JsonObject::new());
        self
    }

    /// The same permissions and writing to the clipboard.
    pub fn clipboard_write(mut self) -> Self {
        self.clipboard_write = Some(JsonObject::new());
        self
    }
}

/// A view's `_meta.ui`: what its frame may do and how it likes to be shown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UiResourceMeta {
    /// The origins it may reach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csp: Option<UiCsp>,
    /// The browser permissions it asks for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<UiPermissions>,
    /// A dedicated origin for its frame, for views that need a stable one (OAuth, CORS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Whether it wants a visible border (the host decides when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefers_border: Option<bool>,
}

impl UiResourceMeta {
    /// The same metadata with this policy.
    pub fn with_csp(mut self, csp: UiCsp) -> Self {
        self.csp = Some(csp);
        self
    }

    /// The same metadata with these permissions.
    pub fn with_permissions(mut self, permissions: UiPermissions) -> Self {
        self.permissions = Some(permissions);
        self
    }

    /// The same metadata with a dedicated origin.
    pub fn with_domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    /// The same metadata with a border preference.
    pub fn with_prefers_border(mut self, prefers_border: bool) -> Self {
        self.prefers_border = Some(prefers_border);
        self
    }

    /// Whether it says nothing (then it need not be sent).
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The `_meta.ui` of a view's listing or contents (`Ok(None)` without one; an error when it
    /// is not the extension's shape).
    pub fn from_meta(meta: Option<&JsonObject>) -> Result<Option<Self>, serde_json::Error> {
        match meta.and_then(|m| m.get(UI_META_KEY)) {
            None => Ok(None),
            Some(ui) => serde_json::from_value(ui.clone()).map(Some),
        }
    }

    /// Every problem of the metadata a host would refuse or misread: CSP origins that are not
    /// origins ([`check_csp_origin`]).
    pub fn problems(&self) -> Vec<UiMetaProblem> {
        self.csp
            .iter()
            .flat_map(UiCsp::sources)
            .filter_map(|(field, origin)| {
                check_csp_origin(origin)
                    .err()
                    .map(|error| UiMetaProblem { field, error })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_client_declares_html_views_under_extensions_or_experimental() {
        let mut capabilities = ClientCapabilities::default();
        assert!(!client_supports_apps(&capabilities));
        capabilities.extensions = Some(
            [(
                UI_EXTENSION.to_owned(),
                UiClientCapability::html().settings(),
            )]
            .into(),
        );
        assert!(client_supports_apps(&capabilities));
        assert_eq!(
            serde_json::to_value(&capabilities).unwrap(),
            json!({"extensions": {"io.modelcontextprotocol/ui": {"mimeTypes": ["text/html;profile=mcp-app"]}}})
        );
        let early: ClientCapabilities = serde_json::from_value(json!({
            "experimental": {"io.modelcontextprotocol/ui": {"mimeTypes": ["text/html;profile=mcp-app"]}}
        }))
        .unwrap();
        assert!(client_supports_apps(&early));
        let other: ClientCapabilities = serde_json::from_value(json!({
            "extensions": {"io.modelcontextprotocol/ui": {"mimeTypes": ["text/uri-list"]}}
        }))
        .unwrap();
        assert!(!client_supports_apps(&other));
    }

    #[test]
    fn a_tool_s_view_is_read_from_its_meta_or_the_flat_key() {
        let tool = |meta| -> Tool {
            serde_json::from_value(
                json!({"name": "t", "inputSchema": {"type": "object"}, "_meta": meta}),
            )
            .unwrap()
        };
        let ui = UiToolMeta::of(&tool(
            json!({"ui": {"resourceUri": "ui://a", "visibility": ["app"]}}),
        ))
        .unwrap();
        assert!(ui.visible_to(UiVisibility::App) && !ui.visible_to(UiVisibility::Model));
        let flat = UiToolMeta::of(&tool(json!({"ui/resourceUri": "ui://b"}))).unwrap();
        assert_eq!(flat.resource_uri, "ui://b");
        assert!(flat.visible_to(UiVisibility::Model));
        assert!(UiToolMeta::of(&tool(json!({"other": 1}))).is_none());
    }

    #[test]
    fn origins_that_would_change_the_policy_are_problems() {
        let meta = UiResourceMeta::default().with_csp(
            UiCsp::default()
                .connect_domain("https://api.example.com")
                .resource_domain("https://cdn.example.com; script-src *")
                .frame_domain("example.com")
                .base_uri_domain("'self'"),
        );
        let problems: Vec<_> = meta
            .problems()
            .into_iter()
            .map(|p| (p.field, p.error.fault))
            .collect();
        assert_eq!(
            problems,
            [
                ("resourceDomains", CspOriginFault::ChangesThePolicy),
                ("frameDomains", CspOriginFault::NotAnOrigin),
                ("baseUriDomains", CspOriginFault::ChangesThePolicy),
            ]
        );
        assert_eq!(
            meta.problems()[1].to_string(),
            "csp.frameDomains: `example.com` is not a CSP origin: it is not an origin such as \
             https://api.example.com"
        );
        assert!(UiResourceMeta::default().problems().is_empty());
    }
}
