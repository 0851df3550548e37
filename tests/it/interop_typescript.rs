//! Interop with the TypeScript SDK: our client drives `@modelcontextprotocol/server-everything`
//! over stdio, Streamable HTTP and the legacy HTTP+SSE transport, lists everything, calls every
//! tool, reads resources, gets prompts, and answers the server's sampling, elicitation and roots
//! requests through its callbacks.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use mcp::client::{CallOptions, Client};
use mcp::transport::stdio::{Stderr, StdioServerParameters};
use mcp::types::*;
use mcp_test_support::{Listening, peer_js, peer_node, server_everything};
use serde_json::{Value, json};

#[derive(Default)]
struct Seen {
    sampling: Mutex<Vec<CreateMessageRequestParams>>,
    elicitations: Mutex<usize>,
    roots: Mutex<usize>,
    logs: Mutex<Vec<LoggingLevel>>,
    notifications: Mutex<Vec<String>>,
}

/// How our client reaches server-everything.
enum Target<'a> {
    Stdio,
    /// Streamable HTTP, or legacy SSE found by `connect_http`'s fallback, at this URL.
    Http(&'a str),
}

async fn connect(seen: Arc<Seen>, target: Target<'_>) -> Client {
    let (s, e, r, l, n) = (seen.clone(), seen.clone(), seen.clone(), seen.clone(), seen);
    let builder = Client::builder()
        .on_sampling(move |params: CreateMessageRequestParams| {
            s.sampling.lock().unwrap().push(params);
            async {
                Ok(CreateMessageResult::text(
                    "rust-test-model",
                    "sampled by the rust client",
                ))
            }
        })
        .on_elicitation(move |_params: ElicitRequestParams| {
            *e.elicitations.lock().unwrap() += 1;
            async { Ok(ElicitResult::decline()) }
        })
        .on_roots(move || {
            *r.roots.lock().unwrap() += 1;
            async {
                Ok(ListRootsResult::new(vec![
                    Root::new("file:///work/project").with_name("project"),
                ]))
            }
        })
        .on_logging(move |message| l.logs.lock().unwrap().push(message.level))
        .on_notification(move |note| {
            n.notifications
                .lock()
                .unwrap()
                .push(note.method().to_owned())
        });
    match target {
        Target::Stdio => {
            let server = StdioServerParameters::new(peer_node())
                .args([server_everything().into_os_string(), "stdio".into()])
                .stderr(Stderr::Lines(Arc::new(|line: &str| {
                    eprintln!("[server-everything] {line}")
                })));
            builder.connect_stdio(server).await
        }
        Target::Http(url) => builder.connect_http(url).await,
    }
    .expect("connects to server-everything")
}

/// Starts server-everything over HTTP (`streamableHttp` or `sse`) on a port of its choosing.
fn server_everything_over(transport: &str) -> Listening {
    Listening::start(
        std::process::Command::new(peer_node())
            .arg("--import")
            .arg(peer_js("listen-port.mjs"))
            .arg(server_everything())
            .arg(transport)
            .env("PORT", "0"),
        &format!("server-everything {transport}"),
    )
}

fn args(value: Value) -> CallToolRequestParams {
    CallToolRequestParams::new("").with_arguments(value.as_object().expect("an object").clone())
}

#[tokio::test(flavor = "multi_thread")]
async fn our_client_drives_server_everything() {
    drive_server_everything(Target::Stdio).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn our_client_drives_server_everything_over_streamable_http() {
    let server = server_everything_over("streamableHttp");
    drive_server_everything(Target::Http(&server.url("/mcp"))).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn our_client_drives_server_everything_over_legacy_sse() {
    let server = server_everything_over("sse");
    // POST /sse is refused there, so the client falls back to the legacy transport.
    drive_server_everything(Target::Http(&server.url("/sse"))).await;
}

async fn drive_server_everything(target: Target<'_>) {
    let seen = Arc::new(Seen::default());
    let client = connect(seen.clone(), target).await;
    // server-everything speaks the handshake era only: the discover probe falls back.
    assert_eq!(client.protocol_version(), ProtocolVersion::V2025_11_25);
    assert!(client.server_info().is_some_and(|i| !i.name.is_empty()));
    let caps = client.server_capabilities().clone();
    assert!(caps.tools.is_some() && caps.prompts.is_some() && caps.resources.is_some());

    let tools = client.list_all_tools().await.unwrap();
    let by_name: BTreeMap<String, Tool> = tools.into_iter().map(|t| (t.name.clone(), t)).collect();

    // Every tool, with arguments that make it do its job without a human or the network.
    let calls: Vec<(&str, Value)> = vec![
        ("echo", json!({"message": "hello from rust"})),
        (
            "get-annotated-message",
            json!({"messageType": "success", "includeImage": true}),
        ),
        ("get-env", json!({})),
        ("get-resource-links", json!({"count": 3})),
        (
            "get-resource-reference",
            json!({"resourceType": "Text", "resourceId": 1}),
        ),
        ("get-structured-content", json!({"location": "Chicago"})),
        ("get-sum", json!({"a": 2, "b": 3})),
        ("get-tiny-image", json!({})),
        (
            "gzip-file-as-resource",
            json!({"name": "hello.txt.gz", "data": "data:text/plain;base64,aGVsbG8gd29ybGQ="}),
        ),
        ("toggle-simulated-logging", json!({})),
        ("toggle-subscriber-updates", json!({})),
        (
            "trigger-long-running-operation",
            json!({"duration": 0.3, "steps": 3}),
        ),
        ("get-roots-list", json!({})),
        (
            "trigger-sampling-request",
            json!({"prompt": "Say hi", "maxTokens": 20}),
        ),
        ("trigger-elicitation-request", json!({})),
    ];
    let mut results = BTreeMap::new();
    for (name, arguments) in &calls {
        assert!(
            by_name.contains_key(*name),
            "server-everything has no tool {name}: {:?}",
            by_name.keys()
        );
        let mut params = args(arguments.clone());
        params.name = (*name).to_owned();
        let progress = Arc::new(Mutex::new(Vec::new()));
        let sink = progress.clone();
        let options = CallOptions::with_progress(move |p| sink.lock().unwrap().push(p.progress));
        let result = client
            .call_tool_with(params, &options)
            .await
            .unwrap_or_else(|e| panic!("{name} failed: {e}"));
        assert_ne!(
            result.is_error,
            Some(true),
            "{name} reported an error: {result:?}"
        );
        assert!(
            !result.content.is_empty() || result.structured_content.is_some(),
            "{name} returned nothing"
        );
        results.insert(*name, (result, progress.lock().unwrap().clone()));
    }
    // simulate-research-query only runs as a task (2025-11-25 tasks).
    let mut params = args(json!({"topic": "the Model Context Protocol"}));
    params.name = "simulate-research-query".into();
    let research = client
        .call_tool_as_task(params)
        .await
        .expect("the research task finishes");
    assert_ne!(research.is_error, Some(true), "{research:?}");
    assert!(
        research.content[0]
            .as_text()
            .is_some_and(|t| t.contains("Model Context Protocol")),
        "{research:?}"
    );
    let tasks = client.list_tasks(None).await.unwrap();
    assert!(!tasks.tasks.is_empty());
    // Every tool server-everything lists has been called.
    let called: Vec<&str> = calls
        .iter()
        .map(|(n, _)| *n)
        .chain(["simulate-research-query"])
        .collect();
    let uncalled: Vec<&String> = by_name
        .keys()
        .filter(|n| !called.contains(&n.as_str()))
        .collect();
    let unattended = ["trigger-url-elicitation"];
    assert!(
        uncalled.iter().all(|n| unattended.contains(&n.as_str())),
        "tools left uncalled: {uncalled:?}"
    );

    let text = |name: &str| {
        results[name].0.content[0]
            .as_text()
            .unwrap_or_default()
            .to_owned()
    };
    assert!(text("echo").contains("hello from rust"), "{}", text("echo"));
    assert!(text("get-sum").contains('5'), "{}", text("get-sum"));
    assert!(
        results["get-tiny-image"]
            .0
            .content
            .iter()
            .any(|c| matches!(c, ContentBlock::Image(_)))
    );
    let structured = results["get-structured-content"]
        .0
        .structured_content
        .as_ref()
        .expect("structured content");
    assert!(structured.is_object(), "{structured}");
    assert!(by_name["get-structured-content"].output_schema.is_some());
    assert!(
        results["get-resource-links"]
            .0
            .content
            .iter()
            .any(|c| matches!(c, ContentBlock::ResourceLink(_)))
    );
    assert!(
        results["get-resource-reference"]
            .0
            .content
            .iter()
            .any(|c| matches!(c, ContentBlock::Resource(_)))
    );
    assert_eq!(
        results["trigger-long-running-operation"].1.len(),
        3,
        "three progress steps"
    );
    // Our callbacks answered the server's requests.
    let sampling = seen.sampling.lock().unwrap().clone();
    assert_eq!(sampling.len(), 1);
    assert_eq!(
        sampling[0].messages[0]
            .content
            .as_text()
            .map(|t| t.contains("Say hi")),
        Some(true)
    );
    assert!(
        text("trigger-sampling-request").contains("sampled by the rust client"),
        "{}",
        text("trigger-sampling-request")
    );
    assert!(*seen.roots.lock().unwrap() >= 1);
    assert!(
        text("get-roots-list").contains("file:///work/project"),
        "{}",
        text("get-roots-list")
    );
    assert_eq!(*seen.elicitations.lock().unwrap(), 1);

    let prompts = client.list_all_prompts().await.unwrap();
    assert!(prompts.iter().any(|p| p.name == "simple-prompt"));
    let simple = client
        .get_prompt("simple-prompt", Vec::<(String, String)>::new())
        .await
        .unwrap();
    assert!(!simple.messages.is_empty());
    let with_args = client
        .get_prompt("args-prompt", [("city", "Paris"), ("state", "IDF")])
        .await
        .unwrap();
    assert!(
        with_args.messages[0]
            .content
            .as_text()
            .is_some_and(|t| t.contains("Paris")),
        "{with_args:?}"
    );

    let resources = client.list_all_resources().await.unwrap();
    assert!(!resources.is_empty());
    for resource in &resources {
        let read = client.read_resource(&resource.uri).await.unwrap();
        assert!(
            !read.contents.is_empty(),
            "{} read as nothing",
            resource.uri
        );
    }
    let templates = client.list_all_resource_templates().await.unwrap();
    assert!(!templates.is_empty());
    let dynamic = client
        .read_resource("demo://resource/dynamic/text/1")
        .await
        .unwrap();
    assert!(matches!(&dynamic.contents[0], ResourceContents::Text(_)));
    let blob = client
        .read_resource("demo://resource/dynamic/blob/1")
        .await
        .unwrap();
    assert!(matches!(&blob.contents[0], ResourceContents::Blob(_)));

    let completion = client
        .complete(CompleteRequestParams::new(
            PromptReference::new("completable-prompt"),
            "department",
            "E",
        ))
        .await
        .unwrap();
    assert!(
        completion
            .completion
            .values
            .iter()
            .any(|v| v.starts_with('E')),
        "{completion:?}"
    );

    client
        .subscribe_resource("demo://resource/static/document/features.md")
        .await
        .unwrap();
    client
        .unsubscribe_resource("demo://resource/static/document/features.md")
        .await
        .unwrap();
    client.set_logging_level(LoggingLevel::Debug).await.unwrap();
    client.ping().await.unwrap();
    client.close().await;
}
