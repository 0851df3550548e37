//! Tools: a definition (name, schema, annotations) and the function that runs it.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::Context;
use super::media::{Audio, Image};
use super::schema::{input_schema_for, output_schema_for};
use crate::error::{Error, Result};
use crate::transport::BoxFuture;
use crate::types::{
    AudioContent, CallToolResult, ContentBlock, EmbeddedResource, ImageContent, JsonObject,
    ResourceLink, TaskSupport, TextContent, Tool, ToolAnnotations, ToolExecution,
};

/// What runs a tool: its context and its arguments in, its result out.
pub type ToolFn =
    Arc<dyn Fn(Context, JsonObject) -> BoxFuture<'static, Result<CallToolResult>> + Send + Sync>;

/// A tool: what `tools/list` shows of it, and the function `tools/call` runs.
///
/// Built by `#[mcp::tool]`, or by hand:
///
/// ```
/// use mcp::fastmcp::ToolDef;
///
/// #[derive(serde::Deserialize, schemars::JsonSchema)]
/// struct AddArgs {
///     /// The first number.
///     a: i64,
///     /// The second number.
///     b: i64,
/// }
///
/// let add = ToolDef::new("add", |args: AddArgs| async move { args.a + args.b })
///     .with_description("Add two numbers");
/// assert_eq!(add.tool().name, "add");
/// assert_eq!(add.tool().input_schema["required"], serde_json::json!(["a", "b"]));
/// ```
#[derive(Clone)]
pub struct ToolDef {
    tool: Tool,
    validator: Option<Arc<jsonschema::Validator>>,
    /// Whether the arguments go through the validator before `run` sees them. A typed tool
    /// whose schema says no more than its deserialization checks (types, required fields)
    /// skips it: deserializing is the check, and the validator only words a failure.
    check_first: bool,
    /// Whether the function switches to a task itself (after gathering input, say) instead of
    /// running as one from its start.
    defers_task: bool,
    run: ToolFn,
}

impl fmt::Debug for ToolDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ToolDef").field("tool", &self.tool).finish()
    }
}

impl ToolDef {
    /// A tool whose arguments are the fields of `A`, run by `f`.
    pub fn new<A, F, Fut, O>(name: impl Into<String>, f: F) -> Self
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        F: Fn(A) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = O> + Send + 'static,
        O: IntoToolOutput,
    {
        Self::with_context(name, move |_cx: Context, args: A| f(args))
    }

    /// A tool whose arguments are the fields of `A`, run by `f` with the request's [`Context`].
    pub fn with_context<A, F, Fut, O>(name: impl Into<String>, f: F) -> Self
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        F: Fn(Context, A) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = O> + Send + 'static,
        O: IntoToolOutput,
    {
        let mut tool = Tool::new(name, input_schema_for::<A>());
        tool.output_schema = O::output_schema();
        let validator = compile(&tool.input_schema);
        let check_first = says_more_than_types(&Value::Object(tool.input_schema.clone()));
        let words = validator.clone();
        let f = Arc::new(f);
        let run: ToolFn = Arc::new(move |cx, arguments| {
            // Parse before the future is made, so it holds only what it needs.
            let arguments = Value::Object(arguments);
            let call = A::deserialize(&arguments)
                .map(|args| f(cx, args))
                .map_err(|e| {
                    let problem = words
                        .as_deref()
                        .and_then(|v| problems(v, &arguments))
                        .unwrap_or_else(|| e.to_string());
                    Error::Other(Box::new(ArgumentsDontFit(problem)))
                });
            Box::pin(async move { call?.await.into_tool_output() })
        });
        Self {
            tool,
            validator,
            check_first,
            defers_task: false,
            run,
        }
    }

    /// A tool from its full description and a function of the raw arguments. The arguments are
    /// checked against `tool.input_schema` before `run` sees them.
    pub fn from_parts(tool: Tool, run: ToolFn) -> Self {
        let validator = compile(&tool.input_schema);
        Self {
            tool,
            validator,
            check_first: true,
            defers_task: false,
            run,
        }
    }

    /// What `tools/list` shows.
    pub fn tool(&self) -> &Tool {
        &self.tool
    }

    /// The name the tool is called by.
    pub fn name(&self) -> &str {
        &self.tool.name
    }

    /// The same tool under another name (dots are fine: `math.add`).
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.tool.name = name.into();
        self
    }

    /// The same tool with a human-readable title.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.tool.title = Some(title.into());
        self
    }

    /// The same tool with a description, for the model.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.tool.description = Some(description.into());
        self
    }

    /// The same tool with this `outputSchema` (`None` for none).
    pub fn with_output_schema(mut self, output_schema: Option<JsonObject>) -> Self {
        self.tool.output_schema = output_schema;
        self
    }

    /// The same tool with `_meta[key]` set to `value` (metadata for clients, such as an
    /// extension's).
    pub fn with_meta(mut self, key: impl Into<String>, value: Value) -> Self {
        self.tool
            .meta
            .get_or_insert_with(Default::default)
            .insert(key.into(), value);
        self
    }

    /// The same tool with annotations (read-only, destructive, idempotent, open-world hints).
    pub fn with_annotations(mut self, annotations: ToolAnnotations) -> Self {
        self.tool.annotations = Some(annotations);
        self
    }

    /// The same tool, runnable as a task (the tasks extension): `Optional` runs it as a task for
    /// clients that declared the extension and as an ordinary call for the others; `Required`
    /// refuses the others (`-32021`). It runs as a task from its start, unless
    /// [`with_deferred_task`](Self::with_deferred_task). `tools/list` shows it as
    /// `execution.taskSupport`.
    ///
    /// ```
    /// use mcp::fastmcp::ToolDef;
    /// use mcp::types::TaskSupport;
    ///
    /// #[derive(serde::Deserialize, schemars::JsonSchema)]
    /// struct Job { seconds: u64 }
    ///
    /// let slow = ToolDef::new("slow", |job: Job| async move {
    ///     tokio::time::sleep(std::time::Duration::from_secs(job.seconds)).await;
    ///     "done"
    /// })
    /// .with_task_support(TaskSupport::Optional);
    /// assert_eq!(slow.task_support(), TaskSupport::Optional);
    /// ```
    pub fn with_task_support(mut self, support: TaskSupport) -> Self {
        self.tool.execution = Some(ToolExecution {
            task_support: Some(support),
        });
        self
    }

    /// The same tool, switching to a task only when its function calls
    /// [`run_as_task`](crate::server::RequestContext::run_as_task): what a tool that first asks
    /// for input as an ordinary request (multi round-trip), then works long, does.
    pub fn with_deferred_task(mut self) -> Self {
        self.defers_task = true;
        self
    }

    /// Whether the tool may, must or must not run as a task.
    pub fn task_support(&self) -> TaskSupport {
        self.tool
            .execution
            .as_ref()
            .and_then(|execution| execution.task_support)
            .unwrap_or(TaskSupport::Forbidden)
    }

    /// Whether the tool switches to a task itself ([`with_deferred_task`](Self::with_deferred_task)).
    pub fn defers_task(&self) -> bool {
        self.defers_task
    }

    /// Runs the tool: checks the arguments against the input schema (a failure is a tool result
    /// with `isError: true` the model can read), then calls the function. A typed tool whose
    /// schema says no more than its Rust types is checked by deserializing its arguments.
    pub async fn call(&self, cx: Context, arguments: Option<JsonObject>) -> Result<CallToolResult> {
        let arguments = arguments.unwrap_or_default();
        let ran = match &self.validator {
            Some(validator) if self.check_first => {
                let value = Value::Object(arguments);
                if let Some(problem) = problems(validator, &value) {
                    return Ok(invalid_arguments(&self.tool.name, &problem));
                }
                let Value::Object(arguments) = value else {
                    unreachable!("built from an object")
                };
                (self.run)(cx, arguments).await
            }
            _ => (self.run)(cx, arguments).await,
        };
        match ran {
            Err(Error::Other(e)) if e.is::<ArgumentsDontFit>() => {
                Ok(invalid_arguments(&self.tool.name, &e.to_string()))
            }
            other => other,
        }
    }
}

/// A typed tool's arguments did not deserialize: the problem, worded for the model.
#[derive(Debug)]
struct ArgumentsDontFit(String);

impl fmt::Display for ArgumentsDontFit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ArgumentsDontFit {}

fn compile(schema: &JsonObject) -> Option<Arc<jsonschema::Validator>> {
    jsonschema::validator_for(&Value::Object(schema.clone()))
        .ok()
        .map(Arc::new)
}

/// What `value` breaks of the schema, each problem with its path; `None` when it is valid.
fn problems(validator: &jsonschema::Validator, value: &Value) -> Option<String> {
    if validator.is_valid(value) {
        return None;
    }
    let problems: Vec<String> = validator
        .iter_errors(value)
        .map(|e| {
            let path = e.instance_path().to_string();
            if path.is_empty() {
                e.to_string()
            } else {
                format!("{path}: {e}")
            }
        })
        .collect();
    Some(problems.join("; "))
}

/// The JSON Schema keywords deserializing a Rust value does not check for itself.
const CONSTRAINTS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "minProperties",
    "maxProperties",
    "propertyNames",
    "patternProperties",
    "dependentRequired",
    "dependentSchemas",
    "const",
    "enum",
    "not",
    "if",
];

/// Whether `schema` (anywhere inside) constrains values beyond their types and required
/// fields, or closes an object to other properties.
fn says_more_than_types(schema: &Value) -> bool {
    match schema {
        Value::Object(map) => map.iter().any(|(key, value)| {
            CONSTRAINTS.contains(&key.as_str())
                || (key == "additionalProperties" && value == &Value::Bool(false))
                || says_more_than_types(value)
        }),
        Value::Array(items) => items.iter().any(says_more_than_types),
        _ => false,
    }
}

fn invalid_arguments(tool: &str, problem: &str) -> CallToolResult {
    CallToolResult::error(format!("Invalid arguments for tool {tool}: {problem}"))
}

/// What a tool function may return: it becomes the tool's result.
///
/// Text-like values (strings, numbers, booleans) become text content; [`Image`], [`Audio`],
/// content blocks, embedded resources and resource links become that content; a `Vec` of them
/// becomes several blocks; [`Json`] becomes structured content with an `outputSchema`; an
/// `Err` becomes a result with `isError: true` (except the protocol errors MCP says must stay
/// protocol errors, such as a missing client capability).
pub trait IntoToolOutput: Send + 'static {
    /// The tool's `outputSchema`, for outputs that are structured.
    fn output_schema() -> Option<JsonObject> {
        None
    }

    /// The tool result.
    fn into_tool_output(self) -> Result<CallToolResult>;
}

/// Values that become content blocks of a tool result.
pub trait IntoContents {
    /// The blocks.
    fn into_contents(self) -> Vec<ContentBlock>;
}

macro_rules! text_contents {
    ($($ty:ty),* $(,)?) => {$(
        impl IntoContents for $ty {
            fn into_contents(self) -> Vec<ContentBlock> {
                vec![ContentBlock::text(self.to_string())]
            }
        }
        impl IntoToolOutput for $ty {
            fn into_tool_output(self) -> Result<CallToolResult> {
                Ok(CallToolResult::new(self.into_contents()))
            }
        }
    )*};
}

text_contents!(
    String,
    &'static str,
    std::borrow::Cow<'static, str>,
    char,
    bool,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    f32,
    f64
);

macro_rules! block_contents {
    ($($ty:ty),* $(,)?) => {$(
        impl IntoContents for $ty {
            fn into_contents(self) -> Vec<ContentBlock> {
                vec![ContentBlock::from(self)]
            }
        }
        impl IntoToolOutput for $ty {
            fn into_tool_output(self) -> Result<CallToolResult> {
                Ok(CallToolResult::new(self.into_contents()))
            }
        }
    )*};
}

block_contents!(
    ContentBlock,
    TextContent,
    ImageContent,
    AudioContent,
    EmbeddedResource,
    ResourceLink,
    Image,
    Audio
);

impl<T: IntoContents + Send + 'static> IntoContents for Vec<T> {
    fn into_contents(self) -> Vec<ContentBlock> {
        self.into_iter()
            .flat_map(IntoContents::into_contents)
            .collect()
    }
}

impl<T: IntoContents + Send + 'static> IntoToolOutput for Vec<T> {
    fn into_tool_output(self) -> Result<CallToolResult> {
        Ok(CallToolResult::new(self.into_contents()))
    }
}

impl<T: IntoContents> IntoContents for Option<T> {
    fn into_contents(self) -> Vec<ContentBlock> {
        self.map(IntoContents::into_contents).unwrap_or_default()
    }
}

impl<T: IntoContents + Send + 'static> IntoToolOutput for Option<T> {
    fn into_tool_output(self) -> Result<CallToolResult> {
        Ok(CallToolResult::new(self.into_contents()))
    }
}

impl IntoToolOutput for () {
    fn into_tool_output(self) -> Result<CallToolResult> {
        Ok(CallToolResult::new(Vec::new()))
    }
}

impl IntoToolOutput for CallToolResult {
    fn into_tool_output(self) -> Result<CallToolResult> {
        Ok(self)
    }
}

/// A structured tool result: serialized as the result's `structuredContent` (and, for clients
/// that only read content, as JSON text), with `T`'s JSON Schema as the tool's `outputSchema`.
/// A `T` whose schema is not an object is wrapped as `{"result": …}`.
///
/// `#[mcp::tool]` functions may return a `Serialize + JsonSchema` type directly; the macro
/// wraps it in `Json`.
#[derive(Debug, Clone, PartialEq)]
pub struct Json<T>(pub T);

impl<T: Serialize + JsonSchema + Send + 'static> IntoToolOutput for Json<T> {
    fn output_schema() -> Option<JsonObject> {
        Some(output_schema_for::<T>().0)
    }

    fn into_tool_output(self) -> Result<CallToolResult> {
        let (_, wrapped) = output_schema_for::<T>();
        structured(&self.0, wrapped)
    }
}

/// The tool result carrying `value` as structured content.
pub(crate) fn structured<T: Serialize>(value: &T, wrap: bool) -> Result<CallToolResult> {
    let value = serde_json::to_value(value)?;
    let value = if wrap {
        serde_json::json!({ "result": value })
    } else {
        value
    };
    let mut result = CallToolResult::new(vec![ContentBlock::text(value.to_string())]);
    result.structured_content = Some(value);
    Ok(result)
}

impl<T: IntoToolOutput, E: fmt::Display + Send + 'static> IntoToolOutput
    for std::result::Result<T, E>
{
    fn output_schema() -> Option<JsonObject> {
        T::output_schema()
    }

    fn into_tool_output(self) -> Result<CallToolResult> {
        match self {
            Ok(value) => value.into_tool_output(),
            Err(error) => tool_error(error),
        }
    }
}

/// Turns a tool's `Err` into its result: `isError: true` with the error's text, except for the
/// errors that must reach the client as JSON-RPC errors (input required, and the protocol
/// errors of the MCP range such as a missing client capability).
pub fn tool_error<E: fmt::Display + 'static>(error: E) -> Result<CallToolResult> {
    let any: &dyn std::any::Any = &error;
    if let Some(e) = any.downcast_ref::<Error>() {
        match e {
            Error::InputRequired => return Err(Error::InputRequired),
            Error::Protocol(data) if (-32099..=-32020).contains(&data.code.0) => {
                return Err(Error::Protocol(data.clone()));
            }
            _ => {}
        }
    }
    Ok(CallToolResult::error(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ErrorData;

    #[derive(Serialize, JsonSchema)]
    struct Weather {
        temperature: f64,
        conditions: String,
    }

    #[test]
    fn outputs_become_content_or_structured_content() {
        let r = "hi".into_tool_output().unwrap();
        assert_eq!(r.content[0].as_text(), Some("hi"));
        assert!(r.structured_content.is_none());
        let r = 42u32.into_tool_output().unwrap();
        assert_eq!(r.content[0].as_text(), Some("42"));
        let r = vec!["a".to_owned(), "b".to_owned()]
            .into_tool_output()
            .unwrap();
        assert_eq!(r.content.len(), 2);

        let w = Json(Weather {
            temperature: 21.5,
            conditions: "sunny".into(),
        });
        let schema = <Json<Weather>>::output_schema().unwrap();
        assert_eq!(schema["type"], "object");
        let r = w.into_tool_output().unwrap();
        assert_eq!(
            r.structured_content.as_ref().unwrap()["conditions"],
            "sunny"
        );
        assert!(r.content[0].as_text().unwrap().contains("sunny"));

        let r = Json(vec![1, 2]).into_tool_output().unwrap();
        assert_eq!(
            r.structured_content.unwrap(),
            serde_json::json!({"result": [1, 2]})
        );
    }

    #[test]
    fn only_schemas_saying_more_than_types_are_checked_before_deserializing() {
        #[derive(serde::Deserialize, JsonSchema)]
        #[allow(dead_code)]
        struct Plain {
            message: String,
            tags: Vec<String>,
            note: Option<String>,
        }
        #[derive(serde::Deserialize, JsonSchema)]
        #[allow(dead_code)]
        struct Counted {
            count: u32,
        }
        #[derive(serde::Deserialize, JsonSchema)]
        #[allow(dead_code)]
        struct Ranged {
            #[schemars(range(min = 1, max = 10))]
            level: i64,
        }
        let checked = |schema: JsonObject| says_more_than_types(&Value::Object(schema));
        assert!(!checked(input_schema_for::<Plain>()));
        assert!(checked(input_schema_for::<Counted>()));
        assert!(checked(input_schema_for::<Ranged>()));
        assert!(checked(
            serde_json::from_value(serde_json::json!({
                "type": "object",
                "properties": {"a": {"type": "string"}},
                "additionalProperties": false
            }))
            .unwrap()
        ));
    }

    #[test]
    fn errors_become_error_results_unless_the_protocol_needs_them() {
        let r: std::result::Result<String, String> = Err("no such city".into());
        let r = r.into_tool_output().unwrap();
        assert_eq!(r.is_error, Some(true));
        assert_eq!(r.content[0].as_text(), Some("no such city"));

        let missing = Error::Protocol(ErrorData::missing_required_client_capability(
            Default::default(),
        ));
        assert!(tool_error(missing).is_err());
        assert!(matches!(
            tool_error(Error::InputRequired),
            Err(Error::InputRequired)
        ));
        let plain = Error::Protocol(ErrorData::invalid_params("bad"));
        assert_eq!(tool_error(plain).unwrap().is_error, Some(true));
    }
}
