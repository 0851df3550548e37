//! The high-level server API: the Rust form of the Python SDK's `FastMCP`.
//!
//! Tools, resources and prompts are plain functions; their schemas, argument checking and the
//! conversion of what they return are derived. `#[mcp::tool]`, `#[mcp::resource]` and
//! `#[mcp::prompt]` turn a function into a definition; [`FastMcp`] serves the definitions.
//!
//! ```no_run
//! use mcp::fastmcp::FastMcp;
//!
//! /// Add two numbers
//! #[mcp::tool]
//! fn add(a: i64, b: i64) -> i64 {
//!     a + b
//! }
//!
//! /// Get a personalized greeting
//! #[mcp::resource("greeting://{name}")]
//! fn get_greeting(name: String) -> String {
//!     format!("Hello, {name}!")
//! }
//!
//! #[tokio::main]
//! async fn main() -> mcp::Result<()> {
//!     let mcp = FastMcp::new("Demo");
//!     mcp.add_tool(add::tool());
//!     mcp.add_resource(get_greeting::resource());
//!     mcp.run().await
//! }
//! ```
//!
//! Without macros, definitions are built from closures over a `Deserialize + JsonSchema`
//! arguments struct ([`ToolDef::new`]), or from functions of the raw values
//! ([`ResourceTemplateDef::new`], [`PromptDef::new`]).

mod apps;
mod builder;
mod context;
mod media;
mod prompt;
mod resource;
mod schema;
mod skills;
mod tool;
mod uri_template;

#[doc(hidden)]
pub mod __private;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Weak};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use indexmap::IndexMap;
use parking_lot::RwLock;

pub use self::apps::{AppError, AppView};
pub use self::builder::FastMcpBuilder;
pub use self::context::{Context, Elicitation, requested_schema};
pub use self::media::{Audio, Image};
pub use self::prompt::{IntoPromptResult, Message, PromptDef, PromptFn};
pub use self::resource::{
    IntoResourceContents, ReadFn, ResourceDef, ResourceTemplateDef, TemplateReadFn, parse_variable,
};
pub use self::schema::{input_schema_for, output_schema_for, schema_for};
pub use self::skills::{SkillDef, SkillDefError};
pub use self::tool::{IntoContents, IntoToolOutput, Json, ToolDef, ToolFn, tool_error};
pub use self::uri_template::{UriTemplate, UriTemplateError};

use crate::error::{Error, Result};
use crate::server::{RequestContext, Server, ServerHandler, ServerNotifier};
use crate::transport::BoxFuture;
use crate::transport::Transport;
use crate::types::extensions::skills::{
    GetSkillRequestParams, GetSkillResult, ListSkillsResult, ReadResourceDirectoryRequestParams,
    ReadResourceDirectoryResult, SKILLS_EXTENSION, SkillsCapability,
};
use crate::types::extensions::tasks::with_tasks;
use crate::types::{
    CallToolRequestParams, CallToolResult, ClientCapabilities, CompleteRequestParams,
    CompleteResult, Completion, ErrorData, GetPromptRequestParams, GetPromptResult, Implementation,
    ListPromptsResult, ListResourceTemplatesResult, ListResourcesResult, ListToolsResult,
    PaginatedRequestParams, Prompt, ReadResourceRequestParams, ReadResourceResult, Reference,
    Resource, ResourceContents, ResourceTemplate, ServerCapabilities, SubscribeRequestParams,
    TaskSupport, Tool,
};

/// How many items a list answer holds before it is cut into pages, unless set.
const DEFAULT_PAGE_SIZE: usize = 100;
/// The most values a completion answer holds (the specification's limit).
const MAX_COMPLETIONS: usize = 100;

/// Suggests values for one argument: the request's context, the value typed so far and the
/// other arguments already filled in.
pub type CompleteFn = Arc<
    dyn Fn(Context, String, BTreeMap<String, String>) -> BoxFuture<'static, Result<Vec<String>>>
        + Send
        + Sync,
>;

/// A resource as [`FastMcp::add_resource`] takes it: at a fixed URI, or a template.
#[derive(Debug, Clone)]
pub enum ResourceEntry {
    /// A resource at a fixed URI.
    Static(ResourceDef),
    /// A family of resources matching a URI template.
    Template(ResourceTemplateDef),
}

impl From<ResourceDef> for ResourceEntry {
    fn from(def: ResourceDef) -> Self {
        ResourceEntry::Static(def)
    }
}

impl From<ResourceTemplateDef> for ResourceEntry {
    fn from(def: ResourceTemplateDef) -> Self {
        ResourceEntry::Template(def)
    }
}

/// Tools made from the methods of one value, registered together under a prefix: the
/// "group + operations" pattern. `#[mcp::tools]` on an `impl` block implements it.
pub trait ToolGroup: Send + Sync + 'static {
    /// The group's tools, named `{prefix}.{method}` (just `{method}` for an empty prefix).
    fn tools(self: Arc<Self>, prefix: &str) -> Vec<ToolDef>;
}

/// A server built from functions, the Rust form of the Python SDK's `FastMCP`.
///
/// Cheap to clone: clones share the same tools, resources and prompts, which can be added and
/// removed at any time; while serving, every change sends the matching list-changed
/// notification. Long lists are served in pages.
#[derive(Clone)]
pub struct FastMcp {
    inner: Arc<Registry>,
}

/// What a [`FastMcp`] holds: its configuration, set once by the builder, the definitions,
/// which change while it serves, and the low-level server serving them.
struct Registry {
    /// The packages the server needs (metadata for `mcp install --with`).
    dependencies: Vec<String>,
    /// How many items one page of a list holds.
    page_size: usize,
    tools: RwLock<IndexMap<String, Arc<ToolDef>>>,
    resources: RwLock<IndexMap<String, Arc<ResourceDef>>>,
    templates: RwLock<IndexMap<String, Arc<ResourceTemplateDef>>>,
    prompts: RwLock<IndexMap<String, Arc<PromptDef>>>,
    completions: RwLock<HashMap<(String, String), CompleteFn>>,
    /// The skills served, when the server was built to serve them.
    skills: Option<skills::SkillCatalog>,
    server: Server<FastHandler>,
}

impl fmt::Debug for FastMcp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FastMcp")
            .field("info", self.inner.server.info())
            .field("tools", &self.inner.tools.read().keys().collect::<Vec<_>>())
            .finish()
    }
}

/// The key of a completion: what it completes and which argument.
fn completion_key(reference: &Reference, argument: &str) -> (String, String) {
    let target = match reference {
        Reference::Prompt(p) => format!("prompt:{}", p.name),
        Reference::Resource(r) => format!("resource:{}", r.uri),
    };
    (target, argument.to_owned())
}

impl FastMcp {
    /// A server called `name`, with nothing in it yet; [`builder`](Self::builder) sets its
    /// version, instructions, lifespan and the rest first.
    pub fn new(name: impl Into<String>) -> Self {
        Self::builder(name).build()
    }

    /// Starts configuring a server called `name`: the Python SDK's
    /// `FastMCP("Demo", instructions=..., lifespan=...)`.
    ///
    /// ```
    /// use mcp::fastmcp::FastMcp;
    ///
    /// let mcp = FastMcp::builder("Demo")
    ///     .version("1.2.0")
    ///     .instructions("Tools for the demo")
    ///     .dependencies(["pandas"])
    ///     .build();
    /// assert_eq!(mcp.info().version, "1.2.0");
    /// assert_eq!(mcp.dependencies(), ["pandas"]);
    /// ```
    pub fn builder(name: impl Into<String>) -> FastMcpBuilder {
        FastMcpBuilder::new(name)
    }

    /// The server's name and version.
    pub fn info(&self) -> Implementation {
        self.inner.server.info().clone()
    }

    /// The instructions, if any.
    pub fn instructions(&self) -> Option<String> {
        self.inner.server.instructions().map(str::to_owned)
    }

    /// The packages the server needs.
    pub fn dependencies(&self) -> Vec<String> {
        self.inner.dependencies.clone()
    }

    fn changed(&self, event: fn(&ServerNotifier)) {
        event(self.inner.server.notifier());
    }

    /// Adds a tool (replacing one of the same name).
    pub fn add_tool(&self, tool: ToolDef) {
        self.inner
            .tools
            .write()
            .insert(tool.name().to_owned(), Arc::new(tool));
        self.changed(ServerNotifier::tools_list_changed);
    }

    /// Adds the tools of a group under `prefix` (`math` gives `math.add`, `math.slow_add`).
    pub fn add_group<G: ToolGroup>(&self, prefix: &str, group: G) {
        let tools = Arc::new(group).tools(prefix);
        {
            let mut map = self.inner.tools.write();
            for tool in tools {
                map.insert(tool.name().to_owned(), Arc::new(tool));
            }
        }
        self.changed(ServerNotifier::tools_list_changed);
    }

    /// Removes a tool; whether there was one.
    pub fn remove_tool(&self, name: &str) -> bool {
        let removed = self.inner.tools.write().shift_remove(name).is_some();
        if removed {
            self.changed(ServerNotifier::tools_list_changed);
        }
        removed
    }

    /// Adds a resource or a resource template (replacing one at the same URI or template).
    pub fn add_resource(&self, resource: impl Into<ResourceEntry>) {
        match resource.into() {
            ResourceEntry::Static(def) => {
                self.inner
                    .resources
                    .write()
                    .insert(def.resource().uri.clone(), Arc::new(def));
            }
            ResourceEntry::Template(def) => {
                self.inner
                    .templates
                    .write()
                    .insert(def.template().uri_template.clone(), Arc::new(def));
            }
        }
        self.changed(ServerNotifier::resources_list_changed);
    }

    /// Removes the resource at `uri`, or the template written `uri`; whether there was one.
    pub fn remove_resource(&self, uri: &str) -> bool {
        let removed = self.inner.resources.write().shift_remove(uri).is_some()
            || self.inner.templates.write().shift_remove(uri).is_some();
        if removed {
            self.changed(ServerNotifier::resources_list_changed);
        }
        removed
    }

    /// Adds a prompt (replacing one of the same name).
    pub fn add_prompt(&self, prompt: PromptDef) {
        self.inner
            .prompts
            .write()
            .insert(prompt.prompt().name.clone(), Arc::new(prompt));
        self.changed(ServerNotifier::prompts_list_changed);
    }

    /// Removes a prompt; whether there was one.
    pub fn remove_prompt(&self, name: &str) -> bool {
        let removed = self.inner.prompts.write().shift_remove(name).is_some();
        if removed {
            self.changed(ServerNotifier::prompts_list_changed);
        }
        removed
    }

    /// Suggests values for `argument` of a prompt or resource template: `f` gets the value
    /// typed so far and the other arguments, and returns candidates (at most 100 are sent).
    ///
    /// ```
    /// use mcp::fastmcp::FastMcp;
    /// use mcp::types::PromptReference;
    ///
    /// let mcp = FastMcp::new("Demo");
    /// mcp.add_completion(PromptReference::new("review_code"), "language", |_cx, typed, _args| async move {
    ///     ["rust", "python", "typescript"].into_iter()
    ///         .filter(|l| l.starts_with(&typed))
    ///         .map(String::from)
    ///         .collect::<Vec<_>>()
    /// });
    /// ```
    pub fn add_completion<F, Fut>(&self, reference: impl Into<Reference>, argument: &str, f: F)
    where
        F: Fn(Context, String, BTreeMap<String, String>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Vec<String>> + Send + 'static,
    {
        let f = Arc::new(f);
        let complete: CompleteFn = Arc::new(move |cx, value, args| {
            let f = f.clone();
            Box::pin(async move { Ok(f(cx, value, args).await) })
        });
        self.inner
            .completions
            .write()
            .insert(completion_key(&reference.into(), argument), complete);
    }

    /// Tells the clients subscribed to `uri` that it changed (`notifications/resources/updated`).
    pub fn notify_resource_updated(&self, uri: impl Into<String>) {
        self.inner.server.notifier().resource_updated(uri);
    }

    /// The tools, in the order they were added.
    pub fn tools(&self) -> Vec<Tool> {
        self.inner
            .tools
            .read()
            .values()
            .map(|t| t.tool().clone())
            .collect()
    }

    /// The resources at fixed URIs.
    pub fn resources(&self) -> Vec<Resource> {
        self.inner
            .resources
            .read()
            .values()
            .map(|r| r.resource().clone())
            .collect()
    }

    /// The resource templates.
    pub fn resource_templates(&self) -> Vec<ResourceTemplate> {
        self.inner
            .templates
            .read()
            .values()
            .map(|t| t.template().clone())
            .collect()
    }

    /// The prompts.
    pub fn prompts(&self) -> Vec<Prompt> {
        self.inner
            .prompts
            .read()
            .values()
            .map(|p| p.prompt().clone())
            .collect()
    }

    /// Reads a resource: the one at `uri`, else the first template that matches it.
    pub(crate) async fn read(&self, cx: Context, uri: &str) -> Result<Vec<ResourceContents>> {
        if let Some(contents) = self.inner.skills.as_ref().and_then(|s| s.read(uri)) {
            return Ok(vec![contents]);
        }
        let found = self.inner.resources.read().get(uri).cloned();
        if let Some(resource) = found {
            return resource.read(cx).await;
        }
        let templates: Vec<Arc<ResourceTemplateDef>> =
            self.inner.templates.read().values().cloned().collect();
        for template in templates {
            if let Some(result) = template.read(cx.clone(), uri).await {
                return result;
            }
        }
        Err(Error::Protocol(ErrorData::resource_not_found(uri)))
    }

    fn knows_resource(&self, uri: &str) -> bool {
        self.inner.resources.read().contains_key(uri)
            || self
                .inner
                .templates
                .read()
                .values()
                .any(|t| t.pattern().matches(uri).is_some())
    }

    /// The low-level [`Server`] serving this one.
    pub fn server(&self) -> Server<FastHandler> {
        self.inner.server.clone()
    }

    /// Serves on this process's stdin/stdout until the client closes them.
    pub async fn run(&self) -> Result<()> {
        self.serve(crate::transport::stdio::stdio()).await
    }

    /// Serves one connection over `transport` until it closes.
    pub async fn serve<T: Transport>(&self, transport: T) -> Result<()> {
        self.server().serve(transport).await
    }

    /// The HTTP endpoints of this server, to configure (path, legacy SSE, stateless mode,
    /// allowed hosts, authorization) and then run alone or mount into an axum app:
    ///
    /// ```no_run
    /// # async fn demo(mcp: mcp::fastmcp::FastMcp) -> mcp::Result<()> {
    /// let http = mcp.http().legacy_sse("/sse", "/messages/").build();
    /// let app = axum::Router::new()
    ///     .route("/health", axum::routing::get(|| async { "ok" }))
    ///     .merge(http.router());
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "http-server")]
    pub fn http(&self) -> crate::http_server::HttpServerBuilder<FastHandler> {
        crate::http_server::HttpServer::builder(self.server())
    }

    /// Serves over Streamable HTTP at `/mcp` on `addr` (both protocol eras) until Ctrl-C or
    /// SIGTERM: the Python SDK's `mcp.run(transport="streamable-http")`.
    #[cfg(feature = "http-server")]
    pub async fn run_http(&self, addr: impl tokio::net::ToSocketAddrs) -> Result<()> {
        self.http().build().run(addr).await
    }

    /// Serves the legacy HTTP+SSE transport (`/sse` and `/messages/`) beside Streamable HTTP
    /// on `addr`: the Python SDK's `mcp.run(transport="sse")`.
    #[cfg(feature = "http-server")]
    pub async fn run_sse(&self, addr: impl tokio::net::ToSocketAddrs) -> Result<()> {
        self.http()
            .legacy_sse("/sse", "/messages/")
            .build()
            .run(addr)
            .await
    }
}

/// Cuts a list into pages: the items of the page `cursor` points at, and the cursor of the next.
fn page<T: Clone>(
    items: &[T],
    cursor: Option<&str>,
    size: usize,
) -> Result<(Vec<T>, Option<String>)> {
    let start = match cursor {
        None => 0,
        Some(cursor) => URL_SAFE_NO_PAD
            .decode(cursor)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .and_then(|s| {
                s.strip_prefix("offset:")
                    .and_then(|n| n.parse::<usize>().ok())
            })
            .filter(|&n| n <= items.len())
            .ok_or_else(|| {
                Error::Protocol(ErrorData::invalid_params(format!(
                    "invalid cursor {cursor:?}"
                )))
            })?,
    };
    let end = (start + size).min(items.len());
    let next = (end < items.len()).then(|| URL_SAFE_NO_PAD.encode(format!("offset:{end}")));
    Ok((items[start..end].to_vec(), next))
}

/// A skills extension method on a server built without skills: "method not found".
fn skills_not_served(method: &str) -> Error {
    let mut error = ErrorData::method_not_found(method);
    error.message = "Method not found (this server was built without skills)".into();
    Error::Protocol(error)
}

/// The [`ServerHandler`] serving a [`FastMcp`].
pub struct FastHandler {
    registry: Weak<Registry>,
    /// Whether the server declares the skills extension.
    skills: bool,
}

impl fmt::Debug for FastHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FastHandler")
    }
}

impl FastHandler {
    fn server(&self) -> Result<FastMcp> {
        self.registry
            .upgrade()
            .map(|inner| FastMcp { inner })
            .ok_or_else(|| {
                Error::Protocol(ErrorData::internal_error("the server is shutting down"))
            })
    }

    fn page_size(&self, mcp: &FastMcp) -> usize {
        mcp.inner.page_size
    }
}

impl ServerHandler for FastHandler {
    fn capabilities(&self) -> ServerCapabilities {
        let mut capabilities = ServerCapabilities::default()
            .with_tools(true)
            .with_resources(true, true)
            .with_prompts(true)
            .with_completions()
            .with_logging();
        if self.skills {
            let skills = SkillsCapability {
                directory_read: Some(true),
            };
            capabilities = capabilities.with_extension(SKILLS_EXTENSION, skills.settings());
        }
        capabilities
    }

    async fn list_skills(
        &self,
        params: PaginatedRequestParams,
        _: RequestContext,
    ) -> Result<ListSkillsResult> {
        let mcp = self.server()?;
        let skills = mcp.inner.skills.as_ref();
        let skills = skills.ok_or_else(|| skills_not_served("skills/list"))?;
        let (skills, next) = page(
            &skills.entries(),
            params.cursor.as_deref(),
            self.page_size(&mcp),
        )?;
        Ok(ListSkillsResult {
            skills,
            next_cursor: next,
            ..Default::default()
        })
    }

    async fn get_skill(
        &self,
        params: GetSkillRequestParams,
        _: RequestContext,
    ) -> Result<GetSkillResult> {
        let mcp = self.server()?;
        let skills = mcp.inner.skills.as_ref();
        let skills = skills.ok_or_else(|| skills_not_served("skills/get"))?;
        let skill = skills.entry(&params.uri).ok_or_else(|| {
            ErrorData::invalid_params(format!("no skill is served at {}", params.uri))
        })?;
        Ok(GetSkillResult::new(skill))
    }

    async fn read_resource_directory(
        &self,
        params: ReadResourceDirectoryRequestParams,
        _: RequestContext,
    ) -> Result<ReadResourceDirectoryResult> {
        let mcp = self.server()?;
        let skills = mcp.inner.skills.as_ref();
        let skills = skills.ok_or_else(|| skills_not_served("resources/directory/read"))?;
        let children = skills.directory(&params.uri).ok_or_else(|| {
            ErrorData::invalid_params(format!("{} is not a directory resource", params.uri))
        })?;
        let (resources, next) = page(&children, params.cursor.as_deref(), self.page_size(&mcp))?;
        Ok(ReadResourceDirectoryResult {
            resources,
            next_cursor: next,
            ..Default::default()
        })
    }

    async fn list_tools(
        &self,
        params: PaginatedRequestParams,
        _: RequestContext,
    ) -> Result<ListToolsResult> {
        let mcp = self.server()?;
        let (tools, next) = page(&mcp.tools(), params.cursor.as_deref(), self.page_size(&mcp))?;
        let mut result = ListToolsResult::new(tools);
        result.next_cursor = next;
        Ok(result)
    }

    async fn call_tool(
        &self,
        params: CallToolRequestParams,
        cx: RequestContext,
    ) -> Result<CallToolResult> {
        let mcp = self.server()?;
        let tool = mcp.inner.tools.read().get(&params.name).cloned();
        let Some(tool) = tool else {
            return Err(ErrorData::invalid_params(format!("Unknown tool: {}", params.name)).into());
        };
        match tool.task_support() {
            TaskSupport::Required if !cx.can_run_as_task() => {
                return Err(ErrorData::missing_required_client_capability(with_tasks(
                    ClientCapabilities::default(),
                ))
                .into());
            }
            TaskSupport::Optional | TaskSupport::Required if !tool.defers_task() => {
                cx.run_as_task().await?;
            }
            _ => {}
        }
        tool.call(Context::new(cx, mcp), params.arguments).await
    }

    async fn list_resources(
        &self,
        params: PaginatedRequestParams,
        _: RequestContext,
    ) -> Result<ListResourcesResult> {
        let mcp = self.server()?;
        let mut all = mcp.resources();
        if let Some(skills) = &mcp.inner.skills {
            all.extend(skills.manifests());
        }
        let (resources, next) = page(&all, params.cursor.as_deref(), self.page_size(&mcp))?;
        let mut result = ListResourcesResult::new(resources);
        result.next_cursor = next;
        Ok(result)
    }

    async fn list_resource_templates(
        &self,
        params: PaginatedRequestParams,
        _: RequestContext,
    ) -> Result<ListResourceTemplatesResult> {
        let mcp = self.server()?;
        let (templates, next) = page(
            &mcp.resource_templates(),
            params.cursor.as_deref(),
            self.page_size(&mcp),
        )?;
        let mut result = ListResourceTemplatesResult::new(templates);
        result.next_cursor = next;
        Ok(result)
    }

    async fn read_resource(
        &self,
        params: ReadResourceRequestParams,
        cx: RequestContext,
    ) -> Result<ReadResourceResult> {
        let mcp = self.server()?;
        let contents = mcp.read(Context::new(cx, mcp.clone()), &params.uri).await?;
        Ok(ReadResourceResult::new(contents))
    }

    async fn subscribe(&self, params: SubscribeRequestParams, _: RequestContext) -> Result<()> {
        let mcp = self.server()?;
        if mcp.knows_resource(&params.uri) {
            Ok(())
        } else {
            Err(ErrorData::resource_not_found(&params.uri).into())
        }
    }

    async fn list_prompts(
        &self,
        params: PaginatedRequestParams,
        _: RequestContext,
    ) -> Result<ListPromptsResult> {
        let mcp = self.server()?;
        let (prompts, next) = page(
            &mcp.prompts(),
            params.cursor.as_deref(),
            self.page_size(&mcp),
        )?;
        let mut result = ListPromptsResult::new(prompts);
        result.next_cursor = next;
        Ok(result)
    }

    async fn get_prompt(
        &self,
        params: GetPromptRequestParams,
        cx: RequestContext,
    ) -> Result<GetPromptResult> {
        let mcp = self.server()?;
        let prompt = mcp.inner.prompts.read().get(&params.name).cloned();
        let Some(prompt) = prompt else {
            return Err(
                ErrorData::invalid_params(format!("Unknown prompt: {}", params.name)).into(),
            );
        };
        let arguments = params.arguments.unwrap_or_default().into_iter().collect();
        prompt.get(Context::new(cx, mcp), arguments).await
    }

    async fn complete(
        &self,
        params: CompleteRequestParams,
        cx: RequestContext,
    ) -> Result<CompleteResult> {
        let mcp = self.server()?;
        let key = completion_key(&params.r#ref, &params.argument.name);
        let complete = mcp.inner.completions.read().get(&key).cloned();
        let mut values = match complete {
            Some(complete) => {
                let context = params
                    .context
                    .and_then(|c| c.arguments)
                    .unwrap_or_default()
                    .into_iter()
                    .collect();
                complete(Context::new(cx, mcp), params.argument.value, context).await?
            }
            None => Vec::new(),
        };
        let total = values.len();
        values.truncate(MAX_COMPLETIONS);
        let mut result = CompleteResult::new(values);
        result.completion = Completion {
            total: Some(total as u64),
            has_more: Some(total > MAX_COMPLETIONS),
            ..result.completion
        };
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_their_cursors_and_reject_forged_ones() {
        let items: Vec<u32> = (0..7).collect();
        let (first, next) = page(&items, None, 3).unwrap();
        assert_eq!(first, [0, 1, 2]);
        let (second, next) = page(&items, next.as_deref(), 3).unwrap();
        assert_eq!(second, [3, 4, 5]);
        let (third, next) = page(&items, next.as_deref(), 3).unwrap();
        assert_eq!((third, next), (vec![6], None));
        assert!(page(&items, Some("nonsense"), 3).is_err());
        let past_the_end = URL_SAFE_NO_PAD.encode("offset:99");
        assert!(page(&items, Some(&past_the_end), 3).is_err());
    }
}
