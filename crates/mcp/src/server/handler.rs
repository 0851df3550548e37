//! The low-level server's handler trait, one method per request, and the table that ties each
//! request type to its method.

use std::future::Future;

use serde_json::Value;

use super::RequestContext;
use crate::error::{Error, Result};
use crate::types::extensions::skills::{
    GetSkillRequest, GetSkillRequestParams, GetSkillResult, ListSkillsRequest, ListSkillsResult,
    ReadResourceDirectoryRequest, ReadResourceDirectoryRequestParams, ReadResourceDirectoryResult,
    SKILLS_EXTENSION, SkillsCapability,
};
use crate::types::{
    CallToolRequest, CallToolRequestParams, CallToolResult, CompleteRequest, CompleteRequestParams,
    CompleteResult, EmptyResult, ErrorData, GetPromptRequest, GetPromptRequestParams,
    GetPromptResult, JsonObject, ListPromptsRequest, ListPromptsResult,
    ListResourceTemplatesRequest, ListResourceTemplatesResult, ListResourcesRequest,
    ListResourcesResult, ListToolsRequest, ListToolsResult, PaginatedRequestParams,
    PromptsCapability, ReadResourceRequest, ReadResourceRequestParams, ReadResourceResult, Request,
    ResourcesCapability, ServerCapabilities, ServerResult, SubscribeRequest,
    SubscribeRequestParams, ToolsCapability, UnsubscribeRequest, UnsubscribeRequestParams,
};

fn unsupported(method: &str) -> Error {
    Error::Protocol(ErrorData::method_not_found(method))
}

/// Answers the requests of MCP clients, in both protocol eras.
///
/// Implement the methods for what the server offers; the others answer "method not found".
/// Put `#[mcp::server_handler]` on the impl block to derive [`capabilities`](Self::capabilities)
/// from the methods it defines. The server core answers `initialize`, `server/discover`, `ping`,
/// `logging/setLevel` and `subscriptions/listen` itself.
///
/// Each method gets its request's parameters (with `_meta` moved into the
/// [`RequestContext`]) and the context, which can log, report progress, ask the client for
/// input and reach the lifespan state.
///
/// ```
/// use mcp::server::{RequestContext, ServerHandler};
/// use mcp::types::{CallToolRequestParams, CallToolResult, ListToolsResult, PaginatedRequestParams, Tool};
///
/// struct Echo;
///
/// #[mcp::server_handler]
/// impl ServerHandler for Echo {
///     async fn list_tools(&self, _: PaginatedRequestParams, _: RequestContext) -> mcp::Result<ListToolsResult> {
///         Ok(ListToolsResult::new(vec![Tool::without_input("echo")]))
///     }
///
///     async fn call_tool(&self, params: CallToolRequestParams, _: RequestContext) -> mcp::Result<CallToolResult> {
///         Ok(CallToolResult::text(format!("{:?}", params.arguments)))
///     }
/// }
///
/// assert!(Echo.capabilities().tools.is_some());
/// assert!(Echo.capabilities().prompts.is_none());
/// ```
pub trait ServerHandler: Send + Sync + 'static {
    /// What the server supports. `#[mcp::server_handler]` derives it from the methods the impl
    /// defines; write it by hand for anything it cannot see (experimental capabilities,
    /// extensions).
    fn capabilities(&self) -> ServerCapabilities;

    /// `tools/list`: one page of tools.
    fn list_tools(
        &self,
        params: PaginatedRequestParams,
        cx: RequestContext,
    ) -> impl Future<Output = Result<ListToolsResult>> + Send {
        let _ = (params, cx);
        async { Err(unsupported("tools/list")) }
    }

    /// `tools/call`: runs a tool. A failure of the tool itself belongs in the result with
    /// `isError: true`; an `Err` here becomes a JSON-RPC error.
    fn call_tool(
        &self,
        params: CallToolRequestParams,
        cx: RequestContext,
    ) -> impl Future<Output = Result<CallToolResult>> + Send {
        let _ = (params, cx);
        async { Err(unsupported("tools/call")) }
    }

    /// `resources/list`: one page of resources.
    fn list_resources(
        &self,
        params: PaginatedRequestParams,
        cx: RequestContext,
    ) -> impl Future<Output = Result<ListResourcesResult>> + Send {
        let _ = (params, cx);
        async { Err(unsupported("resources/list")) }
    }

    /// `resources/templates/list`: one page of resource templates. The default is an empty
    /// list, since clients ask for templates of every server that has resources.
    fn list_resource_templates(
        &self,
        params: PaginatedRequestParams,
        cx: RequestContext,
    ) -> impl Future<Output = Result<ListResourceTemplatesResult>> + Send {
        let _ = (params, cx);
        async { Ok(ListResourceTemplatesResult::default()) }
    }

    /// `resources/read`: the contents of one resource.
    fn read_resource(
        &self,
        params: ReadResourceRequestParams,
        cx: RequestContext,
    ) -> impl Future<Output = Result<ReadResourceResult>> + Send {
        let _ = (params, cx);
        async { Err(unsupported("resources/read")) }
    }

    /// A client wants `notifications/resources/updated` for a resource (`resources/subscribe`,
    /// or a `subscriptions/listen` naming it). Return an error to refuse. The core keeps track
    /// of who subscribed; send updates with [`ServerNotifier::resource_updated`](super::ServerNotifier::resource_updated).
    fn subscribe(
        &self,
        params: SubscribeRequestParams,
        cx: RequestContext,
    ) -> impl Future<Output = Result<()>> + Send {
        let _ = (params, cx);
        async { Err(unsupported("resources/subscribe")) }
    }

    /// A client no longer wants updates for a resource (`resources/unsubscribe`).
    fn unsubscribe(
        &self,
        params: UnsubscribeRequestParams,
        cx: RequestContext,
    ) -> impl Future<Output = Result<()>> + Send {
        let _ = (params, cx);
        async { Ok(()) }
    }

    /// `prompts/list`: one page of prompts.
    fn list_prompts(
        &self,
        params: PaginatedRequestParams,
        cx: RequestContext,
    ) -> impl Future<Output = Result<ListPromptsResult>> + Send {
        let _ = (params, cx);
        async { Err(unsupported("prompts/list")) }
    }

    /// `prompts/get`: a prompt filled in with arguments.
    fn get_prompt(
        &self,
        params: GetPromptRequestParams,
        cx: RequestContext,
    ) -> impl Future<Output = Result<GetPromptResult>> + Send {
        let _ = (params, cx);
        async { Err(unsupported("prompts/get")) }
    }

    /// `completion/complete`: suggestions for a prompt argument or a template parameter.
    fn complete(
        &self,
        params: CompleteRequestParams,
        cx: RequestContext,
    ) -> impl Future<Output = Result<CompleteResult>> + Send {
        let _ = (params, cx);
        async { Err(unsupported("completion/complete")) }
    }

    /// `skills/list` (the skills extension): one page of the skills the server serves.
    /// Defining it declares `io.modelcontextprotocol/skills`; define
    /// [`get_skill`](Self::get_skill) too, as the extension requires.
    fn list_skills(
        &self,
        params: PaginatedRequestParams,
        cx: RequestContext,
    ) -> impl Future<Output = Result<ListSkillsResult>> + Send {
        let _ = (params, cx);
        async { Err(unsupported("skills/list")) }
    }

    /// `skills/get` (the skills extension): the entry of the skill whose `SKILL.md` is at
    /// `params.uri`; `-32602` for a URI that names no skill of the server.
    fn get_skill(
        &self,
        params: GetSkillRequestParams,
        cx: RequestContext,
    ) -> impl Future<Output = Result<GetSkillResult>> + Send {
        let _ = (params, cx);
        async { Err(unsupported("skills/get")) }
    }

    /// `resources/directory/read` (the skills extension): the direct children of a directory
    /// resource (subdirectories with the MIME type `inode/directory`); `-32602` for a URI that
    /// is not a directory. Defining it declares `directoryRead: true`.
    fn read_resource_directory(
        &self,
        params: ReadResourceDirectoryRequestParams,
        cx: RequestContext,
    ) -> impl Future<Output = Result<ReadResourceDirectoryResult>> + Send {
        let _ = (params, cx);
        async { Err(unsupported("resources/directory/read")) }
    }

    /// Any request whose method the specification does not define (extensions, vendor
    /// methods). `params` is the raw parameters object.
    fn custom_request(
        &self,
        method: &str,
        params: Option<Value>,
        cx: RequestContext,
    ) -> impl Future<Output = Result<Value>> + Send {
        let _ = (params, cx);
        let error = unsupported(method);
        async { Err(error) }
    }

    /// The client's roots changed (`notifications/roots/list_changed`, handshake era).
    fn on_roots_list_changed(&self) -> impl Future<Output = ()> + Send {
        async {}
    }

    /// Answers any request of the table below ([`HandlerRequest`]): the server core calls this
    /// for each of them, and by default it calls the request's own method (`list_tools` for
    /// `tools/list`, and so on). Override it to answer every request the same way, as a proxy
    /// forwarding each by its type does.
    fn handle<R: HandlerRequest>(
        &self,
        params: R::Params,
        cx: RequestContext,
    ) -> impl Future<Output = Result<R::Result>> + Send {
        R::call(self, params, cx)
    }
}

/// Which protocol eras have a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eras {
    /// Both eras.
    Both,
    /// Only the handshake era (2024-11-05 … 2025-11-25).
    HandshakeOnly,
    /// Only the stateless era (2026-07-28 on).
    StatelessOnly,
}

/// What defining a handler method declares: the capability of the server it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    /// `tools`.
    Tools,
    /// `prompts`.
    Prompts,
    /// `resources`.
    Resources,
    /// `resources` with `subscribe`.
    ResourceSubscriptions,
    /// `completions`.
    Completions,
    /// The skills extension (`io.modelcontextprotocol/skills`).
    Skills,
    /// The skills extension with `directoryRead: true`.
    SkillDirectories,
    /// Nothing of its own (a method that completes another, such as `unsubscribe`).
    None,
}

/// A request of the specification that a [`ServerHandler`] method answers: its row of the
/// table below, which ties the request type to the handler method, the eras it exists in and
/// the capability defining the method declares.
///
/// The server core routes every such request by its type through this table, and
/// [`ServerHandler::handle`] answers it; a proxy overrides that one method to forward every
/// request by type.
pub trait HandlerRequest: Request<Result: Into<ServerResult>> {
    /// The name of the [`ServerHandler`] method that answers it.
    const HANDLER_METHOD: &'static str;
    /// The eras it exists in.
    const ERAS: Eras;
    /// What defining its handler method declares.
    const CAPABILITY: Capability;

    /// Calls its handler method.
    fn call<H: ServerHandler + ?Sized>(
        handler: &H,
        params: Self::Params,
        cx: RequestContext,
    ) -> impl Future<Output = Result<Self::Result>> + Send;
}

/// Something done with a request type, picked by the request's method.
pub(crate) trait ForRequest {
    /// What it gives.
    type Output;
    /// Does it with the request type `R`.
    fn apply<R: HandlerRequest>(self) -> Self::Output;
}

/// One row per request a handler method answers: `Type => method (eras, capability)`. A
/// method returning `()` answers with an empty result.
macro_rules! handler_requests {
    ($( $request:ident => $method:ident $(-> $unit:tt)? ($eras:ident, $capability:ident); )*) => {
        $(
            impl HandlerRequest for $request {
                const HANDLER_METHOD: &'static str = stringify!($method);
                const ERAS: Eras = Eras::$eras;
                const CAPABILITY: Capability = Capability::$capability;

                fn call<H: ServerHandler + ?Sized>(
                    handler: &H,
                    params: Self::Params,
                    cx: RequestContext,
                ) -> impl Future<Output = Result<Self::Result>> + Send {
                    handler_requests!(@call handler.$method(params, cx) $(, $unit)?)
                }
            }
        )*

        /// The handler methods and what defining each declares, in the order of the table.
        pub(crate) const HANDLER_METHODS: &[(&str, Capability)] =
            &[$( (stringify!($method), Capability::$capability) ),*];

        /// Does `f` with the request type of `method`; gives `f` back when no handler method
        /// answers it.
        pub(crate) fn for_method<F: ForRequest>(method: &str, f: F) -> std::result::Result<F::Output, F> {
            match method {
                $( <$request as Request>::METHOD => Ok(f.apply::<$request>()), )*
                _ => Err(f),
            }
        }
    };
    // The handler's own future when it answers with the result itself: no state machine
    // around it on every request.
    (@call $answer:expr) => { $answer };
    (@call $answer:expr, ()) => {
        async move {
            let () = $answer.await?;
            Ok(EmptyResult::default())
        }
    };
}

handler_requests! {
    ListToolsRequest => list_tools (Both, Tools);
    CallToolRequest => call_tool (Both, Tools);
    ListResourcesRequest => list_resources (Both, Resources);
    ListResourceTemplatesRequest => list_resource_templates (Both, Resources);
    ReadResourceRequest => read_resource (Both, Resources);
    SubscribeRequest => subscribe -> () (HandshakeOnly, ResourceSubscriptions);
    UnsubscribeRequest => unsubscribe -> () (HandshakeOnly, None);
    ListPromptsRequest => list_prompts (Both, Prompts);
    GetPromptRequest => get_prompt (Both, Prompts);
    CompleteRequest => complete (Both, Completions);
    ListSkillsRequest => list_skills (Both, Skills);
    GetSkillRequest => get_skill (Both, None);
    ReadResourceDirectoryRequest => read_resource_directory (Both, SkillDirectories);
}

/// The capabilities of a handler whose impl defines the methods named in `defined`
/// (`list_tools`, `subscribe`, ...), announcing list changes for the kinds named in
/// `list_changed` (`tools`, `prompts`, `resources`): what `#[mcp::server_handler]` declares.
///
/// ```
/// let capabilities = mcp::server::derive_capabilities(&["list_tools", "call_tool"], &["tools"]);
/// assert_eq!(capabilities.tools.unwrap().list_changed, Some(true));
/// assert!(capabilities.prompts.is_none());
/// ```
pub fn derive_capabilities(defined: &[&str], list_changed: &[&str]) -> ServerCapabilities {
    let declares = |wanted: &[Capability]| {
        HANDLER_METHODS
            .iter()
            .any(|(method, capability)| wanted.contains(capability) && defined.contains(method))
    };
    let announced = |kind: &str| list_changed.contains(&kind).then_some(true);
    let resources = [Capability::Resources, Capability::ResourceSubscriptions];
    ServerCapabilities {
        tools: declares(&[Capability::Tools]).then(|| ToolsCapability {
            list_changed: announced("tools"),
        }),
        prompts: declares(&[Capability::Prompts]).then(|| PromptsCapability {
            list_changed: announced("prompts"),
        }),
        resources: declares(&resources).then(|| ResourcesCapability {
            list_changed: announced("resources"),
            subscribe: declares(&[Capability::ResourceSubscriptions]).then_some(true),
        }),
        completions: declares(&[Capability::Completions]).then(JsonObject::default),
        logging: Some(JsonObject::default()),
        extensions: declares(&[Capability::Skills]).then(|| {
            let skills = SkillsCapability {
                directory_read: declares(&[Capability::SkillDirectories]).then_some(true),
            };
            [(SKILLS_EXTENSION.to_owned(), skills.settings())].into()
        }),
        ..ServerCapabilities::default()
    }
}

/// Fails to compile (in a `const`) when `list_changed` names a kind (`tools`, `prompts`,
/// `resources`) none of whose methods `defined` names: what `#[mcp::server_handler]` checks.
pub const fn check_list_changed(defined: &[&str], list_changed: &[&str]) {
    let mut i = 0;
    while i < list_changed.len() {
        let (capability, message) = match list_changed[i].as_bytes() {
            b"tools" => (
                Capability::Tools,
                "`list_changed(tools)` needs the impl to define the tools methods",
            ),
            b"prompts" => (
                Capability::Prompts,
                "`list_changed(prompts)` needs the impl to define the prompts methods",
            ),
            b"resources" => (
                Capability::Resources,
                "`list_changed(resources)` needs the impl to define the resources methods",
            ),
            _ => panic!("`list_changed` takes tools, prompts and resources"),
        };
        let mut defines = false;
        let mut j = 0;
        while j < HANDLER_METHODS.len() {
            let (method, of) = HANDLER_METHODS[j];
            if of as u8 == capability as u8 && contains(defined, method) {
                defines = true;
            }
            j += 1;
        }
        if !defines {
            panic!("{}", message);
        }
        i += 1;
    }
}

/// Whether `names` holds `name` (in a `const fn`, where `==` on strings is not available).
const fn contains(names: &[&str], name: &str) -> bool {
    let mut i = 0;
    while i < names.len() {
        let (a, b) = (names[i].as_bytes(), name.as_bytes());
        if a.len() == b.len() {
            let mut k = 0;
            while k < a.len() && a[k] == b[k] {
                k += 1;
            }
            if k == a.len() {
                return true;
            }
        }
        i += 1;
    }
    false
}
