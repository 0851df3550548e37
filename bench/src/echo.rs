//! The echo servers the benchmarks measure: one tool, `echo(message: string)`, answering
//! `{"content":[{"type":"text","text":<message>}]}`, written once for this SDK and once for
//! rmcp, each the way its README writes a server. The binaries serve them over stdio or
//! Streamable HTTP; the memory benchmarks serve them in process.

use mcp::server::{RequestContext, ServerHandler};
use mcp::types::{
    CallToolRequestParams, CallToolResult, ErrorData, JsonObject, ListToolsResult,
    PaginatedRequestParams, Tool,
};
use rmcp::{handler::server::wrapper::Parameters, schemars, tool, tool_router};

/// The echo tool on this SDK's low-level API: a `ServerHandler` with `list_tools` and
/// `call_tool`.
pub struct Echo {
    tools: Vec<Tool>,
}

impl Default for Echo {
    fn default() -> Self {
        Self {
            tools: vec![Tool::new("echo", echo_schema()).with_description("Echo the message back")],
        }
    }
}

#[mcp::server_handler]
impl ServerHandler for Echo {
    async fn list_tools(
        &self,
        _: PaginatedRequestParams,
        _: RequestContext,
    ) -> mcp::Result<ListToolsResult> {
        Ok(ListToolsResult::new(self.tools.clone()))
    }

    async fn call_tool(
        &self,
        params: CallToolRequestParams,
        _: RequestContext,
    ) -> mcp::Result<CallToolResult> {
        if params.name != "echo" {
            return Err(ErrorData::invalid_params(format!("Unknown tool: {}", params.name)).into());
        }
        match params
            .arguments
            .as_ref()
            .and_then(|a| a.get("message"))
            .and_then(|m| m.as_str())
        {
            Some(message) => Ok(CallToolResult::text(message)),
            None => Err(ErrorData::invalid_params("`message` (a string) is required").into()),
        }
    }
}

fn echo_schema() -> JsonObject {
    let schema = serde_json::json!({
        "type": "object",
        "properties": { "message": { "type": "string", "description": "The text to send back" } },
        "required": ["message"],
    });
    match schema {
        serde_json::Value::Object(map) => map,
        _ => unreachable!("an object literal"),
    }
}

/// The arguments of rmcp's `echo` tool.
#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
pub struct RmcpEchoParams {
    /// The text to send back.
    message: String,
}

/// The echo tool on rmcp: `#[tool]` in a `#[tool_router(server_handler)]` impl, with a
/// `schemars::JsonSchema` parameter type.
#[derive(Clone, Debug)]
pub struct RmcpEcho;

#[tool_router(server_handler)]
impl RmcpEcho {
    #[tool(description = "Echo the message back")]
    fn echo(&self, Parameters(RmcpEchoParams { message }): Parameters<RmcpEchoParams>) -> String {
        message
    }
}
