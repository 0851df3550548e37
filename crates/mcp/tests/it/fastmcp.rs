//! FastMcp end to end over an in-memory connection: the macros, what functions may take and
//! return, resources and templates, prompts, groups, completion, paging, list changes.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mcp::client::Client;
use mcp::fastmcp::{Context, Elicitation, FastMcp, Image, Json, Message, ToolDef};
use mcp::transport::memory;
use mcp::types::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Add two numbers
///
/// # Arguments
/// * `a` - the first number
/// * `b` - the second number
#[mcp::tool(name = "math.add", read_only, idempotent)]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

/// Divides, failing on zero.
#[mcp::tool]
async fn divide(a: f64, b: f64) -> Result<f64, String> {
    if b == 0.0 {
        return Err("cannot divide by zero".into());
    }
    Ok(a / b)
}

/// The weather in a city.
#[derive(Serialize, JsonSchema)]
struct Weather {
    city: String,
    temperature: f64,
}

/// Structured output from a plain struct.
#[mcp::tool]
fn weather(city: String, units: Option<String>) -> Weather {
    let temperature = if units.as_deref() == Some("fahrenheit") {
        71.6
    } else {
        22.0
    };
    Weather { city, temperature }
}

/// Logs and reports progress, and reads a resource of its own server.
#[mcp::tool]
async fn busy(steps: u32, ctx: Context) -> mcp::Result<String> {
    for i in 1..=steps {
        ctx.info(format!("step {i}"))?;
        ctx.report_progress(f64::from(i), Some(f64::from(steps)), None)?;
    }
    let config = ctx.read_resource("config://app").await?;
    Ok(format!(
        "done after {steps} steps; config: {}",
        config[0].as_text().unwrap_or_default()
    ))
}

/// A tiny picture.
#[mcp::tool]
fn picture() -> Image {
    Image::new(vec![1, 2, 3], "png")
}

#[derive(Deserialize, JsonSchema)]
struct Booking {
    /// Which day.
    date: String,
    seats: u32,
}

/// Asks the user for booking details.
#[mcp::tool]
async fn book(ctx: Context) -> mcp::Result<String> {
    Ok(match ctx.elicit::<Booking>("Booking details?").await? {
        Elicitation::Accept(b) => format!("{} seats on {}", b.seats, b.date),
        Elicitation::Decline => "declined".into(),
        Elicitation::Cancel => "cancelled".into(),
    })
}

/// Static configuration data
#[mcp::resource("config://app", mime_type = "text/plain")]
fn config() -> String {
    "App configuration here".into()
}

/// Dynamic user data
#[mcp::resource("users://{user_id}/profile")]
fn profile(user_id: u64) -> String {
    format!("Profile data for user {user_id}")
}

#[derive(Serialize)]
struct Settings {
    theme: String,
}

/// JSON from a struct.
#[mcp::resource("settings://{user}")]
async fn settings(user: String) -> Settings {
    Settings {
        theme: format!("{user}-dark"),
    }
}

/// Review some code
///
/// # Arguments
/// * `code` - the code to review
/// * `language` - its language, if known
#[mcp::prompt]
fn review_code(code: String, language: Option<String>) -> String {
    format!(
        "Please review this {} code:\n\n{code}",
        language.unwrap_or_else(|| "unknown".into())
    )
}

/// Help debug an error.
#[mcp::prompt(title = "Debug an error")]
fn debug_error(error: String) -> Vec<PromptMessage> {
    vec![
        Message::user("I'm seeing this error:"),
        Message::user(error),
        Message::assistant("I'll help debug that. What have you tried so far?"),
    ]
}

/// A group of tools sharing a counter.
struct Counter {
    count: Mutex<u32>,
}

#[mcp::tools]
impl Counter {
    /// Adds to the counter.
    #[tool]
    fn increment(&self, by: u32) -> u32 {
        let mut count = self.count.lock().unwrap();
        *count += by;
        *count
    }

    /// Reads the counter.
    #[tool(read_only)]
    async fn get(&self) -> u32 {
        *self.count.lock().unwrap()
    }

    /// Not a tool.
    #[allow(dead_code)]
    fn helper(&self) {}
}

fn server() -> FastMcp {
    let mcp = FastMcp::builder("Test")
        .version("2.0.0")
        .instructions("Testing.")
        .build();
    mcp.add_tool(add::tool());
    mcp.add_tool(divide::tool());
    mcp.add_tool(weather::tool());
    mcp.add_tool(busy::tool());
    mcp.add_tool(picture::tool());
    mcp.add_tool(book::tool());
    mcp.add_resource(config::resource());
    mcp.add_resource(profile::resource());
    mcp.add_resource(settings::resource());
    mcp.add_prompt(review_code::prompt());
    mcp.add_prompt(debug_error::prompt());
    mcp.add_group(
        "counter",
        Counter {
            count: Mutex::new(0),
        },
    );
    mcp.add_completion(
        PromptReference::new("review_code"),
        "language",
        |_cx, typed, _| async move {
            ["rust", "ruby", "python"]
                .into_iter()
                .filter(|l| l.starts_with(&typed))
                .map(String::from)
                .collect()
        },
    );
    mcp
}

async fn connect(mcp: &FastMcp, version: ProtocolVersion) -> Client {
    let (a, b) = memory::pair();
    let server = mcp.server();
    server.start().await.unwrap();
    let _session = server.connect(a);
    Client::builder()
        .protocol_version(version)
        .on_elicitation(|_| async {
            Ok(ElicitResult::accept([
                ("date", ElicitValue::from("May 4")),
                ("seats", ElicitValue::from(2i64)),
            ]))
        })
        .connect(b)
        .await
        .unwrap()
}

fn text(result: &CallToolResult) -> &str {
    result.content[0].as_text().unwrap_or_default()
}

#[tokio::test]
async fn tools_from_functions_in_both_eras() {
    for version in [ProtocolVersion::V2025_11_25, ProtocolVersion::V2026_07_28] {
        let mcp = server();
        let client = connect(&mcp, version).await;
        assert_eq!(client.server_info().unwrap().version, "2.0.0");

        let tools = client.list_all_tools().await.unwrap();
        let add = tools
            .iter()
            .find(|t| t.name == "math.add")
            .expect("math.add listed");
        assert_eq!(add.description.as_deref(), Some("Add two numbers"));
        assert_eq!(
            add.input_schema["properties"]["a"]["description"],
            "the first number"
        );
        assert_eq!(add.input_schema["required"], json!(["a", "b"]));
        assert_eq!(add.annotations.as_ref().unwrap().read_only_hint, Some(true));
        let weather_tool = tools.iter().find(|t| t.name == "weather").unwrap();
        assert_eq!(
            weather_tool.input_schema["required"],
            json!(["city"]),
            "Option means not required"
        );
        assert!(weather_tool.output_schema.is_some());
        assert!(
            add.output_schema.is_none(),
            "numbers are content, not structure"
        );

        assert_eq!(
            text(
                &client
                    .call_tool("math.add", json!({"a": 2, "b": 3}))
                    .await
                    .unwrap()
            ),
            "5"
        );
        // Arguments are checked before the function runs, and the error is for the model.
        let bad = client
            .call_tool("math.add", json!({"a": "two", "b": 3}))
            .await
            .unwrap();
        assert_eq!(bad.is_error, Some(true));
        assert!(
            text(&bad).contains("Invalid arguments for tool math.add: /a: \"two\" is not of type"),
            "{}",
            text(&bad)
        );
        let missing = client.call_tool("math.add", json!({"a": 1})).await.unwrap();
        assert_eq!(missing.is_error, Some(true));
        assert!(text(&missing).contains('b'), "{}", text(&missing));
        // A schema that says more than the types (a u32 is at least 0) is checked before the
        // arguments are deserialized.
        let negative = client
            .call_tool("busy", json!({"steps": -1}))
            .await
            .unwrap();
        assert_eq!(negative.is_error, Some(true));
        assert!(
            text(&negative).contains(
                "Invalid arguments for tool busy: /steps: -1 is less than the minimum of 0"
            ),
            "{}",
            text(&negative)
        );

        let err = client
            .call_tool("divide", json!({"a": 1, "b": 0}))
            .await
            .unwrap();
        assert_eq!(
            (err.is_error, text(&err)),
            (Some(true), "cannot divide by zero")
        );
        assert_eq!(
            text(
                &client
                    .call_tool("divide", json!({"a": 1, "b": 4}))
                    .await
                    .unwrap()
            ),
            "0.25"
        );

        let w = client
            .call_tool("weather", json!({"city": "Oslo"}))
            .await
            .unwrap();
        assert_eq!(
            w.structured_content.unwrap(),
            json!({"city": "Oslo", "temperature": 22.0})
        );

        let image = client.call_tool("picture", json!({})).await.unwrap();
        let ContentBlock::Image(image) = &image.content[0] else {
            panic!("an image")
        };
        assert_eq!(
            (image.mime_type.as_str(), image.data.as_str()),
            ("image/png", "AQID")
        );

        let booked = client.call_tool("book", json!({})).await.unwrap();
        assert_eq!(text(&booked), "2 seats on May 4");

        let unknown = client.call_tool("nope", json!({})).await.unwrap_err();
        assert_eq!(unknown.code(), Some(ErrorCode::INVALID_PARAMS));

        assert_eq!(
            text(
                &client
                    .call_tool("counter.increment", json!({"by": 2}))
                    .await
                    .unwrap()
            ),
            "2"
        );
        assert_eq!(
            text(
                &client
                    .call_tool("counter.increment", json!({"by": 3}))
                    .await
                    .unwrap()
            ),
            "5"
        );
        assert_eq!(
            text(&client.call_tool("counter.get", json!({})).await.unwrap()),
            "5"
        );
        assert!(!tools.iter().any(|t| t.name.ends_with("helper")));
    }
}

#[tokio::test]
async fn context_logs_reports_progress_and_reads_resources() {
    let mcp = server();
    let (a, b) = memory::pair();
    let _session = mcp.server().connect(a);
    let logs = Arc::new(Mutex::new(Vec::new()));
    let sink = logs.clone();
    let client = Client::builder()
        .protocol_version(ProtocolVersion::V2025_11_25)
        .on_logging(move |m| sink.lock().unwrap().push(m.data.to_string()))
        .connect(b)
        .await
        .unwrap();
    let progress = Arc::new(Mutex::new(Vec::new()));
    let seen = progress.clone();
    let options =
        mcp::client::CallOptions::with_progress(move |p| seen.lock().unwrap().push(p.progress));
    let mut params = CallToolRequestParams::new("busy");
    params.arguments = Some(json!({"steps": 3}).as_object().unwrap().clone());
    let result = client.call_tool_with(params, &options).await.unwrap();
    assert_eq!(
        text(&result),
        "done after 3 steps; config: App configuration here"
    );
    assert_eq!(*progress.lock().unwrap(), [1.0, 2.0, 3.0]);
    assert_eq!(
        *logs.lock().unwrap(),
        ["\"step 1\"", "\"step 2\"", "\"step 3\""]
    );
}

#[tokio::test]
async fn resources_and_templates() {
    let mcp = server();
    let client = connect(&mcp, ProtocolVersion::V2025_11_25).await;
    let resources = client.list_all_resources().await.unwrap();
    assert_eq!(resources.len(), 1);
    assert_eq!(
        resources[0].description.as_deref(),
        Some("Static configuration data")
    );
    let templates = client.list_all_resource_templates().await.unwrap();
    let uris: Vec<&str> = templates.iter().map(|t| t.uri_template.as_str()).collect();
    assert_eq!(uris, ["users://{user_id}/profile", "settings://{user}"]);
    assert_eq!(templates[1].mime_type.as_deref(), Some("application/json"));

    let profile = client.read_resource("users://42/profile").await.unwrap();
    assert_eq!(
        profile.contents[0].as_text(),
        Some("Profile data for user 42")
    );
    // A URI whose variable does not parse into the parameter's type is refused.
    let bad = client
        .read_resource("users://abc/profile")
        .await
        .unwrap_err();
    assert_eq!(bad.code(), Some(ErrorCode::INVALID_PARAMS));
    assert!(bad.to_string().contains("user_id"), "{bad}");
    let missing = client.read_resource("nothing://here").await.unwrap_err();
    assert_eq!(missing.code(), Some(ErrorCode::RESOURCE_NOT_FOUND));

    let settings = client.read_resource("settings://ada").await.unwrap();
    assert_eq!(settings.contents[0].mime_type(), Some("application/json"));
    let value: serde_json::Value =
        serde_json::from_str(settings.contents[0].as_text().unwrap()).unwrap();
    assert_eq!(value["theme"], "ada-dark");
}

#[tokio::test]
async fn a_missing_resource_is_invalid_params_in_the_stateless_era() {
    let mcp = server();
    let client = connect(&mcp, ProtocolVersion::V2026_07_28).await;
    let missing = client.read_resource("nothing://here").await.unwrap_err();
    assert_eq!(missing.code(), Some(ErrorCode::INVALID_PARAMS), "{missing}");
}

#[tokio::test]
async fn prompts_and_completion() {
    let mcp = server();
    let client = connect(&mcp, ProtocolVersion::V2025_11_25).await;
    let prompts = client.list_all_prompts().await.unwrap();
    let review = prompts.iter().find(|p| p.name == "review_code").unwrap();
    let args = review.arguments.as_ref().unwrap();
    assert_eq!(
        (args[0].name.as_str(), args[0].required),
        ("code", Some(true))
    );
    assert_eq!(
        (args[1].name.as_str(), args[1].required),
        ("language", None)
    );
    assert_eq!(args[0].description.as_deref(), Some("the code to review"));
    assert_eq!(
        prompts
            .iter()
            .find(|p| p.name == "debug_error")
            .unwrap()
            .title
            .as_deref(),
        Some("Debug an error")
    );

    let got = client
        .get_prompt("review_code", [("code", "x = 1"), ("language", "python")])
        .await
        .unwrap();
    assert_eq!(
        got.messages[0].content.as_text(),
        Some("Please review this python code:\n\nx = 1")
    );
    assert_eq!(got.description.as_deref(), Some("Review some code"));
    let missing = client
        .get_prompt("review_code", Vec::<(String, String)>::new())
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Some(ErrorCode::INVALID_PARAMS));

    let debug = client
        .get_prompt("debug_error", [("error", "boom")])
        .await
        .unwrap();
    let roles: Vec<Role> = debug.messages.iter().map(|m| m.role).collect();
    assert_eq!(roles, [Role::User, Role::User, Role::Assistant]);

    let completion = client
        .complete(CompleteRequestParams::new(
            PromptReference::new("review_code"),
            "language",
            "r",
        ))
        .await
        .unwrap();
    assert_eq!(completion.completion.values, ["rust", "ruby"]);
    assert_eq!(completion.completion.total, Some(2));
    let none = client
        .complete(CompleteRequestParams::new(
            PromptReference::new("debug_error"),
            "error",
            "b",
        ))
        .await
        .unwrap();
    assert!(none.completion.values.is_empty());
}

#[tokio::test]
async fn changes_while_serving_are_announced_and_long_lists_paged() {
    let mcp = FastMcp::builder("Paged").page_size(2).build();
    for i in 0..5 {
        mcp.add_tool(ToolDef::new(
            format!("t{i}"),
            |_: serde_json::Map<String, serde_json::Value>| async { "ok" },
        ));
    }
    let (a, b) = memory::pair();
    let _session = mcp.server().connect(a);
    let notes = Arc::new(Mutex::new(Vec::new()));
    let sink = notes.clone();
    let client = Client::builder()
        .protocol_version(ProtocolVersion::V2025_11_25)
        .on_notification(move |n| sink.lock().unwrap().push(n.method().to_owned()))
        .connect(b)
        .await
        .unwrap();
    let first = client.list_tools(None).await.unwrap();
    assert_eq!(first.tools.len(), 2);
    assert!(first.next_cursor.is_some());
    let all = client.list_all_tools().await.unwrap();
    let names: Vec<&str> = all.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["t0", "t1", "t2", "t3", "t4"]);

    mcp.add_tool(ToolDef::new(
        "late",
        |_: serde_json::Map<String, serde_json::Value>| async { "late" },
    ));
    assert!(mcp.remove_tool("t0"));
    mcp.add_prompt(debug_error::prompt());
    mcp.add_resource(config::resource());
    client.ping().await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let seen = notes.lock().unwrap().clone();
    for method in [
        "notifications/tools/list_changed",
        "notifications/prompts/list_changed",
        "notifications/resources/list_changed",
    ] {
        assert!(seen.iter().any(|m| m == method), "{method} not in {seen:?}");
    }
    let names: Vec<String> = client
        .list_all_tools()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["t1", "t2", "t3", "t4", "late"]);
}

#[tokio::test]
async fn json_wraps_non_object_results() {
    let mcp = FastMcp::new("Json");
    mcp.add_tool(ToolDef::new(
        "primes",
        |_: serde_json::Map<String, serde_json::Value>| async { Json(vec![2, 3, 5]) },
    ));
    let client = connect(&mcp, ProtocolVersion::V2025_11_25).await;
    let tools = client.list_all_tools().await.unwrap();
    assert_eq!(
        tools[0].output_schema.as_ref().unwrap()["properties"]["result"]["type"],
        "array"
    );
    let result = client.call_tool("primes", json!({})).await.unwrap();
    assert_eq!(
        result.structured_content.unwrap(),
        json!({"result": [2, 3, 5]})
    );
}

/// Asks the client's model.
#[mcp::tool]
async fn ask_model(question: String, ctx: Context) -> mcp::Result<String> {
    let answer = ctx.sample(question, 50).await?;
    Ok(format!(
        "{} says: {}",
        answer.model,
        answer.content.as_text().unwrap_or_default()
    ))
}

/// Points at resources instead of inlining them.
#[mcp::tool]
fn links() -> Vec<ContentBlock> {
    vec![
        ContentBlock::resource_link(ResourceLink::new("file:///report.pdf", "report")),
        ContentBlock::resource(TextResourceContents::new("memo://1", "the memo")),
    ]
}

#[tokio::test]
async fn sampling_links_binary_files_template_completion_and_subscriptions() {
    let dir = tempfile::tempdir().unwrap();
    let logo = dir.path().join("logo.png");
    std::fs::write(&logo, [0x89, b'P', b'N', b'G', 1, 2, 3]).unwrap();
    let notes = dir.path().join("notes.md");
    std::fs::write(&notes, "# Notes").unwrap();

    let mcp = FastMcp::new("More");
    mcp.add_tool(ask_model::tool());
    mcp.add_tool(links::tool());
    mcp.add_resource(mcp::fastmcp::ResourceDef::file("file://logo", &logo));
    mcp.add_resource(mcp::fastmcp::ResourceDef::file("file://notes", &notes));
    mcp.add_resource(profile::resource());
    mcp.add_completion(
        ResourceTemplateReference::new("users://{user_id}/profile"),
        "user_id",
        |_cx, typed, _| async move {
            ["1", "12", "123", "2"]
                .into_iter()
                .filter(|id| id.starts_with(&typed))
                .map(String::from)
                .collect()
        },
    );

    for version in [ProtocolVersion::V2025_11_25, ProtocolVersion::V2026_07_28] {
        let (a, b) = memory::pair();
        let server = mcp.server();
        let _session = server.connect(a);
        let updates = Arc::new(Mutex::new(Vec::new()));
        let sink = updates.clone();
        let client = Client::builder()
            .protocol_version(version)
            .on_sampling(|params| async move {
                let question = params.messages[0]
                    .content
                    .as_text()
                    .unwrap_or_default()
                    .to_owned();
                Ok(CreateMessageResult::text(
                    "model-x",
                    format!("answer to {question}"),
                ))
            })
            .on_notification(move |n| {
                if let ServerNotification::ResourceUpdated(u) = n {
                    sink.lock().unwrap().push(u.params.uri);
                }
            })
            .connect(b)
            .await
            .unwrap();

        let answer = client
            .call_tool("ask_model", json!({"question": "why?"}))
            .await
            .unwrap();
        assert_eq!(text(&answer), "model-x says: answer to why?", "{version}");

        let links = client.call_tool("links", json!({})).await.unwrap();
        assert!(
            matches!(&links.content[0], ContentBlock::ResourceLink(l) if l.uri == "file:///report.pdf")
        );
        assert!(matches!(&links.content[1], ContentBlock::Resource(_)));

        let png = client.read_resource("file://logo").await.unwrap();
        let ResourceContents::Blob(blob) = &png.contents[0] else {
            panic!("a blob: {png:?}")
        };
        assert_eq!(blob.mime_type.as_deref(), Some("image/png"));
        assert_eq!(blob.blob, "iVBORwECAw==");
        let md = client.read_resource("file://notes").await.unwrap();
        assert_eq!(md.contents[0].as_text(), Some("# Notes"));
        assert_eq!(md.contents[0].mime_type(), Some("text/markdown"));

        let ids = client
            .complete(CompleteRequestParams::new(
                ResourceTemplateReference::new("users://{user_id}/profile"),
                "user_id",
                "1",
            ))
            .await
            .unwrap();
        assert_eq!(ids.completion.values, ["1", "12", "123"]);

        // Resource updates reach the clients that asked for them, in either era.
        if version.is_stateless() {
            let filter = SubscriptionFilter::default().with_resource("users://7/profile");
            let mut subscription = client.listen(filter).await.unwrap();
            assert_eq!(
                subscription
                    .acknowledged()
                    .resource_subscriptions
                    .as_deref(),
                Some(&["users://7/profile".to_owned()][..])
            );
            mcp.notify_resource_updated("users://8/profile");
            mcp.notify_resource_updated("users://7/profile");
            let update = tokio::time::timeout(Duration::from_secs(5), subscription.next())
                .await
                .unwrap()
                .unwrap();
            let ServerNotification::ResourceUpdated(update) = update else {
                panic!("{update:?}")
            };
            assert_eq!(update.params.uri, "users://7/profile");
        } else {
            client
                .subscribe_resource("users://7/profile")
                .await
                .unwrap();
            let refused = client.subscribe_resource("nowhere://x").await.unwrap_err();
            assert_eq!(refused.code(), Some(ErrorCode::RESOURCE_NOT_FOUND));
            mcp.notify_resource_updated("users://8/profile");
            mcp.notify_resource_updated("users://7/profile");
            client.ping().await.unwrap();
            tokio::time::sleep(Duration::from_millis(50)).await;
            assert_eq!(*updates.lock().unwrap(), ["users://7/profile"]);
        }
        client.close().await;
    }
}

/// `FastMcp::http()` mounted beside another route: both protocol eras over Streamable HTTP,
/// and the legacy SSE endpoints when asked for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_over_http_beside_other_routes() {
    let mcp = FastMcp::new("Demo");
    mcp.add_tool(add::tool());
    let http = mcp.http().legacy_sse("/sse", "/messages/").build();
    let app = axum::Router::new()
        .route("/health", axum::routing::get(|| async { "ok" }))
        .merge(http.router());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(async move {
        http.serve(listener, app, async {
            let _ = stopped.await;
        })
        .await
    });

    let health = reqwest::get(format!("{base}/health")).await.unwrap();
    assert_eq!(health.text().await.unwrap(), "ok");
    for version in [ProtocolVersion::V2026_07_28, ProtocolVersion::V2025_11_25] {
        let client = Client::builder()
            .protocol_version(version)
            .connect_http(&format!("{base}/mcp"))
            .await
            .unwrap();
        assert_eq!(client.protocol_version(), version);
        let sum = client
            .call_tool("math.add", json!({"a": 2, "b": 40}))
            .await
            .unwrap();
        assert_eq!(sum.content[0].as_text(), Some("42"), "{version}");
        client.close().await;
    }
    let transport = mcp::transport::http::SseClientTransport::new(&format!("{base}/sse"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let old = Client::builder()
        .protocol_version(ProtocolVersion::V2024_11_05)
        .connect(transport)
        .await
        .unwrap();
    let sum = old
        .call_tool("math.add", json!({"a": 1, "b": 2}))
        .await
        .unwrap();
    assert_eq!(sum.content[0].as_text(), Some("3"));
    old.close().await;

    stop.send(()).unwrap();
    serving.await.unwrap().unwrap();
}
