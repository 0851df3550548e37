//! What the code `#[mcp::tool]`, `#[mcp::tools]`, `#[mcp::resource]` and `#[mcp::prompt]`
//! expand to calls. Not a public API: it changes with the macros.
//!
//! The macros pick how to turn a return type into a result at compile time, by "autoref
//! specialization": `(&&Probe::<T>::new()).tag()` finds the first of the tag traits `T`
//! implements, preferring content-like outputs over structured (serialized) ones.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

pub use schemars;
pub use serde;

use schemars::JsonSchema;
use serde::Serialize;

use super::resource::IntoResourceContents;
use super::tool::{IntoToolOutput, Json};
use crate::error::{Error, Result};
use crate::types::{CallToolResult, ErrorData, JsonObject, ResourceContents};

/// A type to probe.
pub struct Probe<T>(PhantomData<T>);

impl<T> Probe<T> {
    /// The probe.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self(PhantomData)
    }
}

/// `T` converts into a tool result by itself (text, content, `CallToolResult`, `Json`, ...).
pub struct ContentKind;
/// `T` is serialized as structured content.
pub struct StructuredKind;

/// Chosen when `T: IntoToolOutput`.
pub trait ContentTag {
    /// The kind.
    fn tool_kind(&self) -> ContentKind {
        ContentKind
    }
}
impl<T: IntoToolOutput> ContentTag for &Probe<T> {}

/// Chosen when `T` is only `Serialize + JsonSchema`.
pub trait StructuredTag {
    /// The kind.
    fn tool_kind(&self) -> StructuredKind {
        StructuredKind
    }
}
impl<T: Serialize + JsonSchema> StructuredTag for Probe<T> {}

impl ContentKind {
    /// The output schema.
    pub fn schema<T: IntoToolOutput>(&self) -> Option<JsonObject> {
        T::output_schema()
    }
    /// The tool result.
    pub fn output<T: IntoToolOutput>(&self, value: T) -> Result<CallToolResult> {
        value.into_tool_output()
    }
}

impl StructuredKind {
    /// The output schema.
    pub fn schema<T: Serialize + JsonSchema + Send + 'static>(&self) -> Option<JsonObject> {
        <Json<T> as IntoToolOutput>::output_schema()
    }
    /// The tool result.
    pub fn output<T: Serialize + JsonSchema + Send + 'static>(
        &self,
        value: T,
    ) -> Result<CallToolResult> {
        Json(value).into_tool_output()
    }
}

/// `T` converts into resource contents by itself.
pub struct ContentsKind;
/// `T` is served as JSON text.
pub struct JsonContentsKind;

/// Chosen when `T: IntoResourceContents`.
pub trait ContentsTag {
    /// The kind.
    fn resource_kind(&self) -> ContentsKind {
        ContentsKind
    }
}
impl<T: IntoResourceContents> ContentsTag for &Probe<T> {}

/// Chosen when `T` is only `Serialize`.
pub trait JsonContentsTag {
    /// The kind.
    fn resource_kind(&self) -> JsonContentsKind {
        JsonContentsKind
    }
}
impl<T: Serialize> JsonContentsTag for Probe<T> {}

impl ContentsKind {
    /// The MIME type to announce.
    pub fn mime_type<T: IntoResourceContents>(&self) -> &'static str {
        T::default_mime_type()
    }
    /// The contents.
    pub fn contents<T: IntoResourceContents>(
        &self,
        value: T,
        uri: &str,
        mime: Option<&str>,
    ) -> Result<Vec<ResourceContents>> {
        value.into_resource_contents(uri, mime)
    }
}

impl JsonContentsKind {
    /// The MIME type to announce.
    pub fn mime_type<T: Serialize + Send + 'static>(&self) -> &'static str {
        <Json<T> as IntoResourceContents>::default_mime_type()
    }
    /// The contents.
    pub fn contents<T: Serialize + Send + 'static>(
        &self,
        value: T,
        uri: &str,
        mime: Option<&str>,
    ) -> Result<Vec<ResourceContents>> {
        Json(value).into_resource_contents(uri, mime)
    }
}

/// An `Err` of a resource function as the error the client gets.
pub fn resource_error<E: fmt::Display + Send + 'static>(error: E, uri: &str) -> Error {
    match std::result::Result::<Vec<ResourceContents>, E>::Err(error)
        .into_resource_contents(uri, None)
    {
        Err(e) => e,
        Ok(_) => unreachable!("an Err stays an error"),
    }
}

/// A prompt argument, parsed into the type the prompt function wants.
pub fn prompt_argument<T: std::str::FromStr>(
    args: &BTreeMap<String, String>,
    name: &str,
    prompt: &str,
) -> Result<Option<T>>
where
    T::Err: fmt::Display,
{
    match args.get(name) {
        None => Ok(None),
        Some(raw) => raw.parse().map(Some).map_err(|e: T::Err| {
            Error::Protocol(ErrorData::invalid_params(format!(
                "invalid argument `{name}` of prompt {prompt}: {raw:?} ({e})"
            )))
        }),
    }
}

/// A required prompt argument that is missing (checked earlier; here for safety).
pub fn missing_prompt_argument(name: &str, prompt: &str) -> Error {
    Error::Protocol(ErrorData::invalid_params(format!(
        "prompt {prompt} needs the argument `{name}`"
    )))
}

/// `prefix.name`, or `name` for an empty prefix.
pub fn prefixed(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, JsonSchema)]
    struct Point {
        x: i32,
        y: i32,
    }

    #[test]
    #[allow(clippy::needless_borrow)] // the borrows are the point
    fn the_probe_prefers_content_over_structure() {
        let kind = (&&Probe::<String>::new()).tool_kind();
        let r = kind.output("hi".to_owned()).unwrap();
        assert!(r.structured_content.is_none());
        assert!(kind.schema::<String>().is_none());

        let kind = (&&Probe::<Point>::new()).tool_kind();
        assert!(kind.schema::<Point>().is_some());
        let r = kind.output(Point { x: 1, y: 2 }).unwrap();
        assert_eq!(r.structured_content.unwrap()["y"], 2);

        let kind = (&&Probe::<Point>::new()).resource_kind();
        assert_eq!(kind.mime_type::<Point>(), "application/json");
        let kind = (&&Probe::<String>::new()).resource_kind();
        assert_eq!(kind.mime_type::<String>(), "text/plain");
    }
}
