//! The low-level server's handler trait: one method per request.

use std::future::Future;

use serde_json::Value;

use super::RequestContext;
use crate::error::{Error, Result};
use crate::types::{
    CallToolRequestParams, CallToolResult, CompleteRequestParams, CompleteResult, ErrorData,
    GetPromptRequestParams, GetPromptResult, ListPromptsResult, ListResourceTemplatesResult,
    ListResourcesResult, ListToolsResult, PaginatedRequestParams, ReadResourceRequestParams,
    ReadResourceResult, ServerCapabilities, SubscribeRequestParams, UnsubscribeRequestParams,
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
}
