//! Resources: static ones (a text, bytes, a file, a function) and templates with typed URI
//! parameters.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;

use super::Context;
use super::tool::Json;
use super::uri_template::UriTemplate;
use crate::error::{Error, Result};
use crate::transport::BoxFuture;
use crate::types::{
    BlobResourceContents, ErrorData, Resource, ResourceContents, ResourceTemplate,
    TextResourceContents,
};

/// Reads a static resource.
pub type ReadFn =
    Arc<dyn Fn(Context) -> BoxFuture<'static, Result<Vec<ResourceContents>>> + Send + Sync>;

/// Reads a templated resource: the URI asked for and the template's variables.
pub type TemplateReadFn = Arc<
    dyn Fn(
            Context,
            String,
            BTreeMap<String, String>,
        ) -> BoxFuture<'static, Result<Vec<ResourceContents>>>
        + Send
        + Sync,
>;

/// A resource at a fixed URI.
///
/// ```
/// use mcp::fastmcp::ResourceDef;
/// let config = ResourceDef::text("config://app", "config", "App configuration here");
/// assert_eq!(config.resource().mime_type.as_deref(), Some("text/plain"));
/// let readme = ResourceDef::file("file://readme", "/etc/hostname");
/// assert_eq!(readme.resource().name, "hostname");
/// ```
#[derive(Clone)]
pub struct ResourceDef {
    resource: Resource,
    read: ReadFn,
    /// The file a file resource reads.
    file: Option<PathBuf>,
}

impl fmt::Debug for ResourceDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResourceDef")
            .field("resource", &self.resource)
            .finish()
    }
}

/// The MIME type of text resources unless told otherwise.
const TEXT: &str = "text/plain";

impl ResourceDef {
    /// A fixed text.
    pub fn text(uri: impl Into<String>, name: impl Into<String>, text: impl Into<String>) -> Self {
        let uri = uri.into();
        let text: Arc<str> = Arc::from(text.into());
        let contents_uri = uri.clone();
        Self::from_parts(
            Resource::new(uri, name).with_mime_type(TEXT),
            Arc::new(move |_| {
                let contents = TextResourceContents::new(contents_uri.clone(), text.to_string())
                    .with_mime_type(TEXT);
                Box::pin(std::future::ready(Ok(vec![contents.into()])))
            }),
        )
    }

    /// Fixed bytes.
    pub fn binary(
        uri: impl Into<String>,
        name: impl Into<String>,
        bytes: Vec<u8>,
        mime_type: impl Into<String>,
    ) -> Self {
        let uri = uri.into();
        let mime_type = mime_type.into();
        let blob: Arc<str> = Arc::from(STANDARD.encode(bytes));
        let contents_uri = uri.clone();
        let contents_mime = mime_type.clone();
        Self::from_parts(
            Resource::new(uri, name).with_mime_type(mime_type),
            Arc::new(move |_| {
                let contents = BlobResourceContents::new(contents_uri.clone(), blob.to_string())
                    .with_mime_type(contents_mime.clone());
                Box::pin(std::future::ready(Ok(vec![contents.into()])))
            }),
        )
    }

    /// A file, read each time the resource is read. Its MIME type comes from its extension;
    /// text types are served as text, anything else as a base64 blob (see
    /// [`with_mime_type`](Self::with_mime_type) to say otherwise). Named after the file.
    pub fn file(uri: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        let path: PathBuf = path.into();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let mime = mime_guess::from_path(&path)
            .first()
            .map(|m| m.essence_str().to_owned())
            .unwrap_or_else(|| "application/octet-stream".to_owned());
        let uri = uri.into();
        Self {
            read: file_reader(uri.clone(), path.clone(), mime.clone()),
            resource: Resource::new(uri, name).with_mime_type(mime),
            file: Some(path),
        }
    }

    /// A resource computed by `f` each time it is read.
    pub fn function<F, Fut, O>(uri: impl Into<String>, name: impl Into<String>, f: F) -> Self
    where
        F: Fn(Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = O> + Send + 'static,
        O: IntoResourceContents,
    {
        let uri = uri.into();
        let contents_uri = uri.clone();
        let f = Arc::new(f);
        Self::from_parts(
            Resource::new(uri, name).with_mime_type(O::default_mime_type()),
            Arc::new(move |cx| {
                let f = f.clone();
                let uri = contents_uri.clone();
                Box::pin(async move { f(cx).await.into_resource_contents(&uri, None) })
            }),
        )
    }

    /// A resource from its full description and a reading function.
    pub fn from_parts(resource: Resource, read: ReadFn) -> Self {
        Self {
            resource,
            read,
            file: None,
        }
    }

    /// What `resources/list` shows.
    pub fn resource(&self) -> &Resource {
        &self.resource
    }

    /// The same resource with a description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.resource.description = Some(description.into());
        self
    }

    /// The same resource with a title.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.resource.title = Some(title.into());
        self
    }

    /// The same resource with another name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.resource.name = name.into();
        self
    }

    /// The same resource with this MIME type (for a file: also whether it is served as text).
    pub fn with_mime_type(mut self, mime_type: impl Into<String>) -> Self {
        let mime_type = mime_type.into();
        if let Some(path) = &self.file {
            self.read = file_reader(self.resource.uri.clone(), path.clone(), mime_type.clone());
        }
        self.resource.mime_type = Some(mime_type);
        self
    }

    /// Reads the resource.
    pub async fn read(&self, cx: Context) -> Result<Vec<ResourceContents>> {
        let mut contents = (self.read)(cx).await?;
        // A file or function resource follows the MIME type it was given.
        if let Some(mime) = &self.resource.mime_type {
            for c in &mut contents {
                c.set_mime_type_if_missing(mime);
            }
        }
        Ok(contents)
    }
}

fn is_text_mime(mime: &str) -> bool {
    mime.starts_with("text/")
        || mime.ends_with("+json")
        || mime.ends_with("+xml")
        || matches!(
            mime,
            "application/json"
                | "application/xml"
                | "application/javascript"
                | "application/x-sh"
                | "application/toml"
        )
}

fn file_reader(uri: String, path: PathBuf, mime: String) -> ReadFn {
    Arc::new(move |_| {
        let (uri, path, mime) = (uri.clone(), path.clone(), mime.clone());
        Box::pin(async move {
            let bytes = tokio::fs::read(&path).await.map_err(|e| {
                Error::Protocol(ErrorData::internal_error(format!(
                    "could not read {} for {uri}: {e}",
                    path.display()
                )))
            })?;
            let contents: ResourceContents = if is_text_mime(&mime) {
                let text = String::from_utf8(bytes).map_err(|_| {
                    Error::Protocol(ErrorData::internal_error(format!(
                        "{} is not UTF-8 text; serve it with a binary MIME type",
                        path.display()
                    )))
                })?;
                TextResourceContents::new(uri, text)
                    .with_mime_type(mime)
                    .into()
            } else {
                BlobResourceContents::new(uri, STANDARD.encode(bytes))
                    .with_mime_type(mime)
                    .into()
            };
            Ok(vec![contents])
        })
    })
}

/// A family of resources matching a URI template, such as `users://{user_id}/profile`.
#[derive(Clone)]
pub struct ResourceTemplateDef {
    template: ResourceTemplate,
    pattern: UriTemplate,
    read: TemplateReadFn,
}

impl fmt::Debug for ResourceTemplateDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResourceTemplateDef")
            .field("template", &self.template)
            .finish()
    }
}

impl ResourceTemplateDef {
    /// A template read by `f` with the URI's variables.
    ///
    /// Fails when the template does not parse.
    pub fn new<F, Fut, O>(
        uri_template: &str,
        name: impl Into<String>,
        f: F,
    ) -> std::result::Result<Self, super::UriTemplateError>
    where
        F: Fn(Context, BTreeMap<String, String>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = O> + Send + 'static,
        O: IntoResourceContents,
    {
        let pattern = UriTemplate::parse(uri_template)?;
        let f = Arc::new(f);
        let read: TemplateReadFn = Arc::new(move |cx, uri, vars| {
            let f = f.clone();
            Box::pin(async move { f(cx, vars).await.into_resource_contents(&uri, None) })
        });
        Ok(Self {
            template: ResourceTemplate::new(uri_template, name)
                .with_mime_type(O::default_mime_type()),
            pattern,
            read,
        })
    }

    /// A template from its full description and a reading function.
    pub fn from_parts(
        template: ResourceTemplate,
        read: TemplateReadFn,
    ) -> std::result::Result<Self, super::UriTemplateError> {
        let pattern = UriTemplate::parse(&template.uri_template)?;
        Ok(Self {
            template,
            pattern,
            read,
        })
    }

    /// What `resources/templates/list` shows.
    pub fn template(&self) -> &ResourceTemplate {
        &self.template
    }

    /// The parsed URI template.
    pub fn pattern(&self) -> &UriTemplate {
        &self.pattern
    }

    /// The same template with a description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.template.description = Some(description.into());
        self
    }

    /// The same template with a title.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.template.title = Some(title.into());
        self
    }

    /// The same template with this MIME type.
    pub fn with_mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.template.mime_type = Some(mime_type.into());
        self
    }

    /// Reads the resource at `uri` if the template matches it.
    pub async fn read(&self, cx: Context, uri: &str) -> Option<Result<Vec<ResourceContents>>> {
        let vars = self.pattern.matches(uri)?;
        let mut contents = match (self.read)(cx, uri.to_owned(), vars).await {
            Ok(contents) => contents,
            Err(e) => return Some(Err(e)),
        };
        if let Some(mime) = &self.template.mime_type {
            for c in &mut contents {
                c.set_mime_type_if_missing(mime);
            }
        }
        Some(Ok(contents))
    }
}

/// Parses a template variable into the type a resource function wants, or says why not: the
/// error a client gets for `users://abc/profile` when `user_id` is a number.
pub fn parse_variable<T: std::str::FromStr>(
    vars: &BTreeMap<String, String>,
    name: &str,
    uri: &str,
) -> Result<T>
where
    T::Err: fmt::Display,
{
    let raw = vars.get(name).ok_or_else(|| {
        Error::Protocol(ErrorData::invalid_params(format!("{uri} has no `{name}`")))
    })?;
    raw.parse().map_err(|e: T::Err| {
        Error::Protocol(ErrorData::invalid_params(format!(
            "invalid `{name}` in {uri}: {raw:?} ({e})"
        )))
    })
}

/// What a resource function may return: the contents of the resource.
///
/// Strings become text, `Vec<u8>` a base64 blob, [`Json`] JSON text; contents pass through;
/// an `Err` becomes a JSON-RPC error.
pub trait IntoResourceContents: Send + 'static {
    /// The MIME type to announce unless the resource says otherwise.
    fn default_mime_type() -> &'static str {
        TEXT
    }

    /// The contents at `uri`.
    fn into_resource_contents(
        self,
        uri: &str,
        mime_type: Option<&str>,
    ) -> Result<Vec<ResourceContents>>;
}

impl IntoResourceContents for String {
    fn into_resource_contents(
        self,
        uri: &str,
        mime_type: Option<&str>,
    ) -> Result<Vec<ResourceContents>> {
        Ok(vec![
            TextResourceContents::new(uri, self)
                .with_mime_type(mime_type.unwrap_or(TEXT))
                .into(),
        ])
    }
}

impl IntoResourceContents for &'static str {
    fn into_resource_contents(
        self,
        uri: &str,
        mime_type: Option<&str>,
    ) -> Result<Vec<ResourceContents>> {
        self.to_owned().into_resource_contents(uri, mime_type)
    }
}

impl IntoResourceContents for Vec<u8> {
    fn default_mime_type() -> &'static str {
        "application/octet-stream"
    }
    fn into_resource_contents(
        self,
        uri: &str,
        mime_type: Option<&str>,
    ) -> Result<Vec<ResourceContents>> {
        let mime = mime_type.unwrap_or("application/octet-stream");
        Ok(vec![
            BlobResourceContents::new(uri, STANDARD.encode(self))
                .with_mime_type(mime)
                .into(),
        ])
    }
}

impl<T: Serialize + Send + 'static> IntoResourceContents for Json<T> {
    fn default_mime_type() -> &'static str {
        "application/json"
    }
    fn into_resource_contents(
        self,
        uri: &str,
        mime_type: Option<&str>,
    ) -> Result<Vec<ResourceContents>> {
        let text = serde_json::to_string_pretty(&self.0)?;
        Ok(vec![
            TextResourceContents::new(uri, text)
                .with_mime_type(mime_type.unwrap_or("application/json"))
                .into(),
        ])
    }
}

impl IntoResourceContents for ResourceContents {
    fn into_resource_contents(self, _: &str, _: Option<&str>) -> Result<Vec<ResourceContents>> {
        Ok(vec![self])
    }
}

impl IntoResourceContents for Vec<ResourceContents> {
    fn into_resource_contents(self, _: &str, _: Option<&str>) -> Result<Vec<ResourceContents>> {
        Ok(self)
    }
}

impl<T: IntoResourceContents, E: fmt::Display + Send + 'static> IntoResourceContents
    for std::result::Result<T, E>
{
    fn default_mime_type() -> &'static str {
        T::default_mime_type()
    }
    fn into_resource_contents(
        self,
        uri: &str,
        mime_type: Option<&str>,
    ) -> Result<Vec<ResourceContents>> {
        match self {
            Ok(value) => value.into_resource_contents(uri, mime_type),
            Err(error) => {
                let any: &dyn std::any::Any = &error;
                match any.downcast_ref::<Error>() {
                    Some(Error::Protocol(data)) => Err(Error::Protocol(data.clone())),
                    Some(Error::InputRequired) => Err(Error::InputRequired),
                    _ => Err(Error::Protocol(ErrorData::internal_error(format!(
                        "reading {uri} failed: {error}"
                    )))),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_types_are_recognised() {
        assert!(is_text_mime("text/markdown"));
        assert!(is_text_mime("application/json"));
        assert!(is_text_mime("application/ld+json"));
        assert!(!is_text_mime("image/png"));
        assert!(!is_text_mime("application/octet-stream"));
    }

    #[test]
    fn template_variables_parse_into_types() {
        let vars = BTreeMap::from([("user_id".to_owned(), "abc".to_owned())]);
        let e = parse_variable::<u64>(&vars, "user_id", "users://abc/profile").unwrap_err();
        assert!(e.to_string().contains("invalid `user_id`"), "{e}");
        let vars = BTreeMap::from([("user_id".to_owned(), "42".to_owned())]);
        assert_eq!(
            parse_variable::<u64>(&vars, "user_id", "users://42/profile").unwrap(),
            42
        );
    }
}
