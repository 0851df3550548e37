//! The Python SDK's low-level "example-server", in Rust, on the low-level [`ServerHandler`] API.
//!
//! It serves `example-prompt`, the resource `file://some/path` and the tool `tool-name` that the
//! `client` example asks for, a `query_db` tool reading the database its lifespan opens, and a
//! `summarize` tool that asks the client's model for a completion (a server-to-client request in
//! the handshake era, an `input_required` round trip in the stateless era).
//!
//! ```sh
//! cargo run --example lowlevel            # a stdio server; logs go to stderr
//! cargo run --example client -- cargo run --example lowlevel
//! cargo run --example lowlevel -- --http 127.0.0.1:8000   # Streamable HTTP at /mcp, legacy SSE at /sse
//! cargo run --example lowlevel -- --ws 127.0.0.1:8000     # WebSocket at /ws (subprotocol `mcp`)
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;

use mcp::http_server::HttpServer;
use mcp::server::{Lifespan, RequestContext, Server, ServerHandler};
use mcp::types::*;
use mcp::{BoxError, Result};
use serde_json::json;

/// A stand-in for a real database: a few rows in memory.
struct Database {
    rows: BTreeMap<String, String>,
}

impl Database {
    async fn connect() -> std::result::Result<Self, BoxError> {
        let rows = [("alice", "admin"), ("bob", "editor"), ("carol", "viewer")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        eprintln!("example-server: database connected");
        Ok(Self { rows })
    }

    fn query(&self, prefix: &str) -> Vec<String> {
        self.rows
            .iter()
            .filter(|(name, _)| name.starts_with(prefix))
            .map(|(name, role)| format!("{name}: {role}"))
            .collect()
    }

    async fn disconnect(&self) {
        eprintln!("example-server: database disconnected");
    }
}

/// Opens the database before the server serves and closes it afterwards.
struct DatabaseLifespan;

impl Lifespan for DatabaseLifespan {
    type State = Database;

    async fn start(&self) -> std::result::Result<Database, BoxError> {
        Database::connect().await
    }

    async fn stop(&self, db: Arc<Database>) {
        db.disconnect().await;
    }
}

struct ExampleServer;

fn string_arg(params: &CallToolRequestParams, name: &str) -> Result<String> {
    params
        .arguments
        .as_ref()
        .and_then(|args| args.get(name))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .ok_or_else(|| ErrorData::invalid_params(format!("`{name}` (a string) is required")).into())
}

fn object_schema(properties: serde_json::Value, required: &[&str]) -> JsonObject {
    match json!({ "type": "object", "properties": properties, "required": required }) {
        serde_json::Value::Object(map) => map,
        _ => unreachable!("a JSON object literal"),
    }
}

#[mcp::server_handler]
impl ServerHandler for ExampleServer {
    async fn list_prompts(
        &self,
        _: PaginatedRequestParams,
        _: RequestContext,
    ) -> Result<ListPromptsResult> {
        Ok(ListPromptsResult::new(vec![
            Prompt::new("example-prompt")
                .with_description("An example prompt template")
                .with_argument(
                    PromptArgument::new("arg1")
                        .with_description("Example argument")
                        .required(),
                ),
        ]))
    }

    async fn get_prompt(
        &self,
        params: GetPromptRequestParams,
        _: RequestContext,
    ) -> Result<GetPromptResult> {
        if params.name != "example-prompt" {
            return Err(
                ErrorData::invalid_params(format!("Unknown prompt: {}", params.name)).into(),
            );
        }
        let arg1 = params
            .arguments
            .as_ref()
            .and_then(|a| a.get("arg1"))
            .ok_or_else(|| ErrorData::invalid_params("missing required argument `arg1`"))?;
        Ok(GetPromptResult::new(vec![PromptMessage::user_text(format!(
            "Example prompt text with arg1={arg1}"
        ))])
        .with_description("Example prompt"))
    }

    async fn list_resources(
        &self,
        _: PaginatedRequestParams,
        _: RequestContext,
    ) -> Result<ListResourcesResult> {
        Ok(ListResourcesResult::new(vec![
            Resource::new("file://some/path", "some-path")
                .with_description("An example text resource")
                .with_mime_type("text/plain"),
        ]))
    }

    async fn read_resource(
        &self,
        params: ReadResourceRequestParams,
        _: RequestContext,
    ) -> Result<ReadResourceResult> {
        if params.uri != "file://some/path" {
            return Err(ErrorData::resource_not_found(&params.uri).into());
        }
        Ok(ReadResourceResult::new(vec![
            TextResourceContents::new(params.uri, "Hello from the example resource")
                .with_mime_type("text/plain")
                .into(),
        ]))
    }

    async fn list_tools(
        &self,
        _: PaginatedRequestParams,
        _: RequestContext,
    ) -> Result<ListToolsResult> {
        Ok(ListToolsResult::new(vec![
            Tool::new(
                "tool-name",
                object_schema(json!({ "arg1": { "type": "string" } }), &["arg1"]),
            )
            .with_description("Echoes its argument"),
            Tool::new(
                "query_db",
                object_schema(
                    json!({ "query": { "type": "string", "description": "A name prefix" } }),
                    &["query"],
                ),
            )
            .with_description("Looks users up in the server's database"),
            Tool::new(
                "summarize",
                object_schema(json!({ "text": { "type": "string" } }), &["text"]),
            )
            .with_description("Summarizes text with the client's model"),
        ]))
    }

    async fn call_tool(
        &self,
        params: CallToolRequestParams,
        cx: RequestContext,
    ) -> Result<CallToolResult> {
        match params.name.as_str() {
            "tool-name" => {
                let arg1 = string_arg(&params, "arg1")?;
                cx.info(format!("tool-name called with {arg1}"))?;
                Ok(CallToolResult::text(format!(
                    "tool-name received arg1={arg1}"
                )))
            }
            "query_db" => {
                let query = string_arg(&params, "query")?;
                let db = cx.lifespan::<Database>()?;
                let rows = db.query(&query);
                Ok(CallToolResult::text(if rows.is_empty() {
                    format!("no user starts with {query:?}")
                } else {
                    rows.join("\n")
                }))
            }
            "summarize" => {
                let text = string_arg(&params, "text")?;
                let request = CreateMessageRequestParams::new(
                    vec![SamplingMessage::user_text(format!(
                        "Summarize in one sentence:\n{text}"
                    ))],
                    100,
                );
                let answer = cx.create_message(request).await?;
                let summary = answer.content.as_text().unwrap_or_default().to_owned();
                Ok(CallToolResult::text(format!(
                    "Summary ({}): {summary}",
                    answer.model
                )))
            }
            other => Err(ErrorData::invalid_params(format!("Unknown tool: {other}")).into()),
        }
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let server = Server::builder("example-server", ExampleServer)
        .version("0.1.0")
        .lifespan(DatabaseLifespan)
        .build();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => server.serve(mcp::transport::stdio::stdio()).await,
        ["--http", rest @ ..] => {
            let addr = rest.first().copied().unwrap_or("127.0.0.1:8000");
            let listener = tokio::net::TcpListener::bind(addr).await?;
            // With port 0 the system picks one: this line says which.
            eprintln!(
                "example-server: serving MCP at http://{}/mcp (legacy SSE at /sse)",
                listener.local_addr()?
            );
            let http = HttpServer::builder(server)
                .legacy_sse("/sse", "/messages/")
                .build();
            let ctrl_c = async {
                let _ = tokio::signal::ctrl_c().await;
            };
            http.serve(listener, http.router(), ctrl_c).await
        }
        ["--ws", rest @ ..] => {
            let addr = rest.first().copied().unwrap_or("127.0.0.1:8000");
            let listener = tokio::net::TcpListener::bind(addr).await?;
            eprintln!(
                "example-server: serving MCP at ws://{}/ws",
                listener.local_addr()?
            );
            let ws = HttpServer::builder(server)
                .streamable_http(false)
                .websocket("/ws")
                .build();
            let ctrl_c = async {
                let _ = tokio::signal::ctrl_c().await;
            };
            ws.serve(listener, ws.router(), ctrl_c).await
        }
        _ => {
            eprintln!(
                "usage: lowlevel [--http [ADDR] | --ws [ADDR]]   (stdio by default; ADDR 127.0.0.1:8000)"
            );
            std::process::exit(2);
        }
    }
}
