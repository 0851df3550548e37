//! `mcp-http-echo`: the echo tool served by this workspace's `mcp` crate over Streamable HTTP.
//!
//! The low-level server of `mcp-echo`, served the way the README serves HTTP:
//! `HttpServer::builder(server).build()` with its defaults (sessions for handshake-era
//! clients, stateless 2026-07-28 requests on the same endpoint, answers as JSON unless the
//! handler streams). It listens on `127.0.0.1:0`, prints `listening on 127.0.0.1:<port>` on
//! stdout, and serves until its stdin closes.

use mcp::http_server::{HttpServer, ResponseMode};
use mcp::server::{RequestContext, Server, ServerHandler};
use mcp::types::{
    CallToolRequestParams, CallToolResult, ErrorData, JsonObject, ListToolsResult,
    PaginatedRequestParams, Tool,
};
use tokio::io::AsyncReadExt;

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
    let mode = match std::env::args().nth(1).as_deref() {
        None | Some("auto") => ResponseMode::Auto,
        Some("sse") => ResponseMode::Sse,
        Some("json") => ResponseMode::Json,
        Some(other) => {
            eprintln!("usage: mcp-http-echo [auto|sse|json] (got {other:?})");
            std::process::exit(2);
        }
    };
    let echo = Echo {
        tools: vec![Tool::new("echo", echo_schema()).with_description("Echo the message back")],
    };
    let server = Server::builder("mcp-http-echo", echo).build();
    let http = HttpServer::builder(server).response_mode(mode).build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on {}", listener.local_addr()?);
    let stdin_closed = async {
        let mut stdin = tokio::io::stdin();
        let mut buf = [0u8; 64];
        while matches!(stdin.read(&mut buf).await, Ok(n) if n > 0) {}
    };
    http.serve(listener, http.router(), stdin_closed).await
}
