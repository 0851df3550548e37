//! The client of the official MCP conformance suite (`@modelcontextprotocol/conformance`): the
//! suite starts a scenario's mock server, runs `conformance-client URL` with the scenario's name
//! in `MCP_CONFORMANCE_SCENARIO` (plus `MCP_CONFORMANCE_CONTEXT` and
//! `MCP_CONFORMANCE_PROTOCOL_VERSION`), and checks what the client sent.
//!
//! ```sh
//! cargo build --release --example conformance-client
//! node node_modules/@modelcontextprotocol/conformance/dist/index.js client \
//!     --command target/release/examples/conformance-client --requirements 2026-07-28
//! ```
//!
//! Every scenario goes through the library's own client: what the suite checks (headers,
//! metadata, retries, input requests) is the library's behaviour, not this program's.

mod auth;

use std::process::ExitCode;

use mcp::client::{Client, ClientBuilder};
use mcp::types::{
    CallToolResult, CreateMessageResult, ElicitResult, Implementation, ListRootsResult,
    ProtocolVersion, Root,
};
use serde_json::{Map, Value, json};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What the suite told us through the environment.
struct Scenario {
    name: String,
    url: String,
    context: Option<Value>,
    version: Option<ProtocolVersion>,
}

impl Scenario {
    fn from_env() -> Result<Self, BoxError> {
        let url = std::env::args()
            .nth(1)
            .ok_or("usage: conformance-client SERVER_URL (with MCP_CONFORMANCE_SCENARIO set)")?;
        let name = std::env::var("MCP_CONFORMANCE_SCENARIO")
            .map_err(|_| "MCP_CONFORMANCE_SCENARIO is not set")?;
        let context = match std::env::var("MCP_CONFORMANCE_CONTEXT") {
            Ok(raw) => Some(
                serde_json::from_str(&raw)
                    .map_err(|e| format!("MCP_CONFORMANCE_CONTEXT is not JSON: {e}"))?,
            ),
            Err(_) => None,
        };
        let version = match std::env::var("MCP_CONFORMANCE_PROTOCOL_VERSION") {
            Ok(raw) => Some(raw.parse::<ProtocolVersion>()?),
            Err(_) => None,
        };
        Ok(Self {
            name,
            url,
            context,
            version,
        })
    }

    /// A client builder speaking the scenario's protocol version (the newest the server offers
    /// when the suite names none).
    fn builder(&self) -> ClientBuilder {
        let builder =
            Client::builder().info(Implementation::new("mcp-conformance-client", "1.0.0"));
        match self.version {
            Some(version) => builder.protocol_version(version),
            None => builder,
        }
    }

    async fn connect(&self, builder: ClientBuilder) -> Result<Client, BoxError> {
        Ok(builder.connect_http(&self.url).await?)
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let scenario = match Scenario::from_env() {
        Ok(scenario) => scenario,
        Err(e) => {
            eprintln!("conformance-client: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&scenario).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("conformance-client: {}: {e}", scenario.name);
            ExitCode::FAILURE
        }
    }
}

async fn run(scenario: &Scenario) -> Result<(), BoxError> {
    let name = scenario.name.as_str();
    if name.starts_with("auth/") {
        return auth::run(&scenario.url, name, scenario.context.clone()).await;
    }
    match name {
        "initialize" => list_tools(scenario).await,
        "tools_call" => call_tool(scenario, "add_numbers", json!({"a": 2, "b": 3})).await,
        "sse-retry" => call_tool(scenario, "test_reconnection", json!({})).await,
        "elicitation-sep1034-client-defaults" => elicitation_defaults(scenario).await,
        "request-metadata" => request_metadata(scenario).await,
        "sep-2322-client-request-state" => request_state(scenario).await,
        "http-standard-headers" => standard_headers(scenario).await,
        "http-custom-headers" => context_tool_calls(scenario).await,
        "http-invalid-tool-headers" => call_every_listed_tool(scenario).await,
        "json-schema-ref-no-deref" => list_tools(scenario).await,
        "json-schema-2020-12-preservation" => echo_schema(scenario).await,
        "sep-2640-client-no-prefetch" => list_skills(scenario).await,
        "sep-2640-client-verify-digest"
        | "sep-2640-client-verify-size"
        | "sep-2640-client-verify-frontmatter" => load_skills(scenario).await,
        other => Err(format!("unknown scenario {other:?}").into()),
    }
}

/// Connects, lists the tools, disconnects.
async fn list_tools(scenario: &Scenario) -> Result<(), BoxError> {
    let client = scenario.connect(scenario.builder()).await?;
    client.list_all_tools().await?;
    client.close().await;
    Ok(())
}

/// Lists the skills, reading none of their files (they are read when a skill is loaded).
async fn list_skills(scenario: &Scenario) -> Result<(), BoxError> {
    let client = scenario.connect(scenario.builder()).await?;
    let skills = client.skills().list_all().await;
    client.close().await;
    skills?;
    Ok(())
}

/// Lists the skills and loads each one: its `SKILL.md` checked against the listing before any
/// other file is read; a skill that fails is refused with an error.
async fn load_skills(scenario: &Scenario) -> Result<(), BoxError> {
    let client = scenario.connect(scenario.builder()).await?;
    let mut outcome = Ok(());
    for skill in client.skills().list_all().await? {
        if let Err(e) = client.skills().fetch(&skill).await {
            outcome = Err(format!("refused the skill {}: {e}", skill.uri).into());
        }
    }
    client.close().await;
    outcome
}

/// Connects, lists the tools, calls `tool` with `arguments`.
async fn call_tool(scenario: &Scenario, tool: &str, arguments: Value) -> Result<(), BoxError> {
    let client = scenario.connect(scenario.builder()).await?;
    let tools = client.list_all_tools().await?;
    if !tools.iter().any(|t| t.name == tool) {
        return Err(format!("the server does not list the tool {tool:?}").into());
    }
    let result = client.call_tool(tool, arguments).await;
    client.close().await;
    report(tool, result?)
}

fn report(tool: &str, result: CallToolResult) -> Result<(), BoxError> {
    if result.is_error == Some(true) {
        return Err(format!("{tool} failed: {}", serde_json::to_string(&result.content)?).into());
    }
    Ok(())
}

/// Answers the elicitation with an empty form, so that the client fills in the defaults.
async fn elicitation_defaults(scenario: &Scenario) -> Result<(), BoxError> {
    let builder = scenario
        .builder()
        .on_elicitation(|_params| async { Ok(ElicitResult::accept(Vec::<(String, _)>::new())) });
    let client = scenario.connect(builder).await?;
    let result = client
        .call_tool("test_client_elicitation_defaults", json!({}))
        .await;
    client.close().await;
    report("test_client_elicitation_defaults", result?)
}

/// Declares every client capability and makes a stateless request beside discovery.
async fn request_metadata(scenario: &Scenario) -> Result<(), BoxError> {
    let builder = scenario
        .builder()
        .on_sampling(|_params| async {
            Ok(CreateMessageResult::text("conformance-model", "sampled"))
        })
        .on_elicitation(|_params| async { Ok(ElicitResult::decline()) })
        .on_roots(|| async { Ok(ListRootsResult::new(Vec::<Root>::new())) });
    let client = scenario.connect(builder).await?;
    client.list_all_tools().await?;
    client.close().await;
    Ok(())
}

/// Calls the multi round-trip tools, answering the server's elicitation, with an unrelated call
/// in between.
async fn request_state(scenario: &Scenario) -> Result<(), BoxError> {
    let builder = scenario.builder().on_elicitation(|_params| async {
        Ok(ElicitResult::accept([(
            "confirmed",
            mcp::types::ElicitValue::Bool(true),
        )]))
    });
    let client = scenario.connect(builder).await?;
    client.list_all_tools().await?;
    for tool in [
        "test_mrtr_echo_state",
        "test_mrtr_unrelated",
        "test_mrtr_no_state",
        "test_mrtr_no_result_type",
    ] {
        let result = client.call_tool(tool, json!({})).await?;
        report(tool, result)?;
    }
    client.close().await;
    Ok(())
}

/// Sends every request kind whose standard headers the suite checks.
async fn standard_headers(scenario: &Scenario) -> Result<(), BoxError> {
    let client = scenario.connect(scenario.builder()).await?;
    for tool in client.list_all_tools().await? {
        report(&tool.name, client.call_tool(&tool.name, json!({})).await?)?;
    }
    for resource in client.list_all_resources().await? {
        client.read_resource(&resource.uri).await?;
    }
    for prompt in client.list_all_prompts().await? {
        client
            .get_prompt(&prompt.name, Vec::<(String, String)>::new())
            .await?;
    }
    client.close().await;
    Ok(())
}

/// Makes the tool calls the suite lists in its context (`toolCalls`: name and arguments).
async fn context_tool_calls(scenario: &Scenario) -> Result<(), BoxError> {
    let calls = scenario
        .context
        .as_ref()
        .and_then(|c| c.get("toolCalls"))
        .and_then(Value::as_array)
        .ok_or("the scenario's context lists no toolCalls")?;
    let client = scenario.connect(scenario.builder()).await?;
    client.list_all_tools().await?;
    for call in calls {
        let tool = call["name"].as_str().ok_or("a tool call without a name")?;
        let arguments = call.get("arguments").cloned().unwrap_or_else(|| json!({}));
        report(tool, client.call_tool(tool, arguments).await?)?;
    }
    client.close().await;
    Ok(())
}

/// Calls every tool the client kept from the server's list, with a placeholder for each
/// required argument.
async fn call_every_listed_tool(scenario: &Scenario) -> Result<(), BoxError> {
    let client = scenario.connect(scenario.builder()).await?;
    for tool in client.list_all_tools().await? {
        let schema = serde_json::to_value(&tool.input_schema)?;
        let arguments = placeholder_arguments(&schema);
        report(&tool.name, client.call_tool(&tool.name, arguments).await?)?;
    }
    client.close().await;
    Ok(())
}

/// An argument object holding a value of the declared type for each required property.
fn placeholder_arguments(schema: &Value) -> Value {
    let mut arguments = Map::new();
    let required = schema["required"].as_array().cloned().unwrap_or_default();
    for name in required.iter().filter_map(Value::as_str) {
        let value = match schema["properties"][name]["type"].as_str() {
            Some("integer" | "number") => json!(1),
            Some("boolean") => json!(true),
            Some("object") => json!({}),
            Some("array") => json!([]),
            Some("null") => Value::Null,
            _ => json!("value"),
        };
        arguments.insert(name.to_owned(), value);
    }
    Value::Object(arguments)
}

/// Lists the tools and sends the focal tool's input schema, as the client received it, back
/// through the echo tool.
async fn echo_schema(scenario: &Scenario) -> Result<(), BoxError> {
    const FOCAL: &str = "json_schema_2020_12_tool";
    const ECHO: &str = "json_schema_echo";
    let client = scenario.connect(scenario.builder()).await?;
    let tools = client.list_all_tools().await?;
    let focal = tools
        .iter()
        .find(|t| t.name == FOCAL)
        .ok_or_else(|| format!("the server does not list {FOCAL}"))?;
    let schema = serde_json::to_value(&focal.input_schema)?;
    let result = client.call_tool(ECHO, json!({ "schema": schema })).await;
    client.close().await;
    report(ECHO, result?)
}
