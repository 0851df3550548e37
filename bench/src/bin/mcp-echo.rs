//! `mcp-echo`: the echo tool served by this workspace's `mcp` crate over stdio.
//!
//! The low-level server API, written the way a user would: a `ServerHandler` with `list_tools`
//! and `call_tool`, `#[tokio::main]` (the default multi-thread runtime), and
//! `mcp::transport::stdio::stdio()`, which drives stdin/stdout as non-blocking pipes when they
//! are pipes.

use mcp::server::{RequestContext, Server, ServerHandler};
use mcp::types::{
    CallToolRequestParams, CallToolResult, ErrorData, JsonObject, ListToolsResult,
    PaginatedRequestParams, Tool,
};

/// A server with one tool, `echo`.
struct Echo {
    tools: Vec<Tool>,
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

#[tokio::main]
async fn main() -> mcp::Result<()> {
    let echo = Echo {
        tools: vec![Tool::new("echo", echo_schema()).with_description("Echo the message back")],
    };
    Server::builder("mcp-echo", echo)
        .build()
        .serve(mcp::transport::stdio::stdio())
        .await
}
