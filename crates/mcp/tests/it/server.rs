//! The server core and the client, end to end over an in-memory transport: both eras, input
//! requests, subscriptions, lifespan, logging, cache hints, and the errors the spec names.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mcp::client::Client;
use mcp::server::{Lifespan, RequestContext, Server, ServerHandler};
use mcp::transport::memory;
use mcp::types::*;
use mcp::{BoxError, Error};
use serde_json::{Value, json};

/// Counts what the server did, so tests can see it.
#[derive(Default)]
struct Counters {
    tool_runs: AtomicUsize,
    started: AtomicUsize,
    stopped: AtomicUsize,
}

struct TestServer {
    counters: Arc<Counters>,
}

struct TestLifespan(Arc<Counters>);

impl Lifespan for TestLifespan {
    type State = String;
    async fn start(&self) -> Result<String, BoxError> {
        self.0.started.fetch_add(1, Ordering::SeqCst);
        Ok("the database".to_owned())
    }
    async fn stop(&self, _: Arc<String>) {
        self.0.stopped.fetch_add(1, Ordering::SeqCst);
    }
}

fn form(message: &str, field: &str) -> ElicitRequestParams {
    ElicitRequestFormParams::new(
        message,
        RequestedSchema::new().with_property(field, StringSchema::new(), true),
    )
    .into()
}

fn accepted_string(result: &ElicitResult, field: &str) -> Option<String> {
    match result.content.as_ref()?.get(field)? {
        ElicitValue::String(s) => Some(s.clone()),
        _ => None,
    }
}

#[mcp::server_handler(list_changed(tools, resources))]
impl ServerHandler for TestServer {
    async fn list_tools(
        &self,
        _: PaginatedRequestParams,
        _: RequestContext,
    ) -> mcp::Result<ListToolsResult> {
        Ok(ListToolsResult::new(vec![Tool::without_input("book")]))
    }

    async fn call_tool(
        &self,
        params: CallToolRequestParams,
        cx: RequestContext,
    ) -> mcp::Result<CallToolResult> {
        self.counters.tool_runs.fetch_add(1, Ordering::SeqCst);
        match params.name.as_str() {
            // Two questions one after the other: two input rounds in the stateless era.
            "book" => {
                let date = cx.elicit(form("Which date?", "date")).await?;
                let Some(date) = accepted_string(&date, "date") else {
                    return Ok(CallToolResult::text("cancelled"));
                };
                let seat = cx
                    .elicit(form(&format!("Which seat on {date}?"), "seat"))
                    .await?;
                let seat = accepted_string(&seat, "seat").unwrap_or_default();
                Ok(CallToolResult::text(format!("booked {seat} on {date}")))
            }
            // Two questions at once: one round with both.
            "both" => {
                let (sampled, roots) = tokio::join!(
                    cx.create_message(CreateMessageRequestParams::new(
                        vec![SamplingMessage::user_text("hi")],
                        10
                    )),
                    cx.list_roots()
                );
                let sampled = sampled?;
                let roots = roots?;
                Ok(CallToolResult::text(format!(
                    "{} / {}",
                    sampled.content.as_text().unwrap_or_default(),
                    roots.roots.len()
                )))
            }
            "lifespan" => Ok(CallToolResult::text(cx.lifespan::<String>()?.clone())),
            "log" => {
                for level in [LoggingLevel::Debug, LoggingLevel::Info, LoggingLevel::Error] {
                    cx.log(level, Some("test"), format!("{level:?}"))?;
                }
                cx.report_progress(1.0, Some(2.0), Some("half"))?;
                cx.report_progress(2.0, Some(2.0), None)?;
                Ok(CallToolResult::text("logged"))
            }
            "slow" => {
                tokio::time::sleep(Duration::from_secs(30)).await;
                Ok(CallToolResult::text("too late"))
            }
            other => Err(ErrorData::invalid_params(format!("Unknown tool: {other}")).into()),
        }
    }

    async fn list_resources(
        &self,
        _: PaginatedRequestParams,
        _: RequestContext,
    ) -> mcp::Result<ListResourcesResult> {
        Ok(ListResourcesResult::new(vec![Resource::new(
            "test://a", "a",
        )]))
    }

    async fn read_resource(
        &self,
        params: ReadResourceRequestParams,
        _: RequestContext,
    ) -> mcp::Result<ReadResourceResult> {
        Ok(ReadResourceResult::new(vec![
            TextResourceContents::new(params.uri, "contents").into(),
        ]))
    }

    async fn subscribe(
        &self,
        params: SubscribeRequestParams,
        _: RequestContext,
    ) -> mcp::Result<()> {
        if params.uri.starts_with("test://") {
            Ok(())
        } else {
            Err(ErrorData::invalid_params("unknown resource").into())
        }
    }

    async fn list_prompts(
        &self,
        _: PaginatedRequestParams,
        cx: RequestContext,
    ) -> mcp::Result<ListPromptsResult> {
        // Asking for input from a request that cannot.
        cx.list_roots().await?;
        Ok(ListPromptsResult::default())
    }
}

fn server(counters: Arc<Counters>) -> Server<TestServer> {
    Server::builder(
        "test-server",
        TestServer {
            counters: counters.clone(),
        },
    )
    .version("1.2.3")
    .instructions("Use the book tool.")
    .lifespan(TestLifespan(counters))
    .cache_hint("tools/list", 60_000, CacheScope::Public)
    .build()
}

/// A client answering elicitation with the next of `answers`, sampling with "sampled", roots
/// with one root; it records every question.
fn client_builder(
    answers: Vec<&'static str>,
    asked: Arc<Mutex<Vec<String>>>,
) -> mcp::client::ClientBuilder {
    let answers = Arc::new(Mutex::new(answers.into_iter()));
    let questions = asked.clone();
    Client::builder()
        .on_elicitation(move |params: ElicitRequestParams| {
            let ElicitRequestParams::Form(form) = params else {
                panic!("form expected")
            };
            questions.lock().unwrap().push(form.message.clone());
            let field = form
                .requested_schema
                .properties
                .keys()
                .next()
                .cloned()
                .unwrap();
            let answer = answers.lock().unwrap().next().expect("an answer left");
            async move { Ok(ElicitResult::accept([(field, ElicitValue::from(answer))])) }
        })
        .on_sampling(move |_| async { Ok(CreateMessageResult::text("m", "sampled")) })
        .on_roots(|| async { Ok(ListRootsResult::new(vec![Root::new("file:///r")])) })
}

async fn connect(
    version: Option<ProtocolVersion>,
    answers: Vec<&'static str>,
) -> (
    Client,
    Arc<Counters>,
    Arc<Mutex<Vec<String>>>,
    Server<TestServer>,
) {
    let counters = Arc::new(Counters::default());
    let server = server(counters.clone());
    let (a, b) = memory::pair();
    server.start().await.unwrap();
    let _session = server.connect(a);
    let asked = Arc::new(Mutex::new(Vec::new()));
    let mut builder = client_builder(answers, asked.clone());
    if let Some(version) = version {
        builder = builder.protocol_version(version);
    }
    (builder.connect(b).await.unwrap(), counters, asked, server)
}

fn text(result: &CallToolResult) -> &str {
    result.content[0].as_text().unwrap()
}

#[tokio::test]
async fn the_client_speaks_the_newest_version_and_can_be_pinned() {
    let (client, ..) = connect(None, vec![]).await;
    assert_eq!(client.protocol_version(), ProtocolVersion::V2026_07_28);
    assert_eq!(client.server_info().unwrap().version, "1.2.3");
    assert_eq!(client.instructions(), Some("Use the book tool."));
    for version in ProtocolVersion::ALL {
        let (client, ..) = connect(Some(version), vec![]).await;
        assert_eq!(client.protocol_version(), version);
        assert_eq!(client.server_info().unwrap().name, "test-server");
        // Capabilities come from the methods the handler implements.
        let caps = client.server_capabilities();
        assert_eq!(caps.tools.as_ref().unwrap().list_changed, Some(true));
        assert_eq!(caps.resources.as_ref().unwrap().subscribe, Some(true));
        assert!(caps.prompts.is_some() && caps.completions.is_none());
        client.ping().await.unwrap();
    }
}

#[tokio::test]
async fn input_requests_work_in_both_eras() {
    for version in [ProtocolVersion::V2025_11_25, ProtocolVersion::V2026_07_28] {
        let (client, counters, asked, _server) = connect(Some(version), vec!["May 4", "12A"]).await;
        let result = client.call_tool("book", json!({})).await.unwrap();
        assert_eq!(text(&result), "booked 12A on May 4", "{version}");
        assert_eq!(
            *asked.lock().unwrap(),
            ["Which date?", "Which seat on May 4?"],
            "{version}"
        );
        // The stateless era replays the handler once per round: three runs for two questions.
        let runs = counters.tool_runs.load(Ordering::SeqCst);
        assert_eq!(
            runs,
            if version.is_stateless() { 3 } else { 1 },
            "{version}"
        );

        let both = client.call_tool("both", json!({})).await.unwrap();
        assert_eq!(text(&both), "sampled / 1", "{version}");
    }
}

#[tokio::test]
async fn a_stateless_handler_asking_twice_at_once_gets_one_round() {
    let (client, counters, ..) = connect(Some(ProtocolVersion::V2026_07_28), vec![]).await;
    // Speak raw JSON-RPC to see the interim result itself.
    let mut params = CallToolRequestParams::new("both");
    params.meta = Some(RequestMeta::stateless(
        ProtocolVersion::V2026_07_28,
        client.capabilities().clone(),
        None,
    ));
    let interim: Value = client
        .peer()
        .request("tools/call", Some(&params), Default::default())
        .await
        .unwrap();
    assert_eq!(interim["resultType"], "input_required");
    let keys: Vec<&String> = interim["inputRequests"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(keys.len(), 2, "{interim}");
    assert!(interim["requestState"].is_string());
    assert_eq!(counters.tool_runs.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_tampered_or_misapplied_request_state_is_rejected() {
    let (client, ..) = connect(Some(ProtocolVersion::V2026_07_28), vec![]).await;
    let meta = RequestMeta::stateless(
        ProtocolVersion::V2026_07_28,
        client.capabilities().clone(),
        None,
    );
    let mut params = CallToolRequestParams::new("book");
    params.meta = Some(meta.clone());
    let interim: InputRequiredResult = client
        .peer()
        .request("tools/call", Some(&params), Default::default())
        .await
        .unwrap();
    let state = interim.request_state.unwrap();

    let mut tampered = state.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    for (name, state) in [("book", tampered), ("both", state)] {
        let mut retry = CallToolRequestParams::new(name);
        retry.meta = Some(meta.clone());
        retry.request_state = Some(state);
        let e = client
            .peer()
            .request::<_, Value>("tools/call", Some(&retry), Default::default())
            .await
            .unwrap_err();
        assert_eq!(e.code(), Some(ErrorCode::INVALID_PARAMS), "{name}: {e}");
        assert!(e.to_string().contains("requestState rejected"), "{e}");
    }
}

#[tokio::test]
async fn only_tool_calls_prompts_and_reads_may_ask_for_input_statelessly() {
    let (client, ..) = connect(Some(ProtocolVersion::V2026_07_28), vec![]).await;
    let e = client.list_prompts(None).await.unwrap_err();
    assert_eq!(e.code(), Some(ErrorCode::INVALID_REQUEST), "{e}");
    // After a handshake the same call is a plain server-to-client request.
    let (client, ..) = connect(Some(ProtocolVersion::V2025_11_25), vec![]).await;
    client.list_prompts(None).await.unwrap();
}

#[tokio::test]
async fn a_missing_client_capability_is_named() {
    let counters = Arc::new(Counters::default());
    let server = server(counters);
    for version in [ProtocolVersion::V2025_11_25, ProtocolVersion::V2026_07_28] {
        let (a, b) = memory::pair();
        server.start().await.unwrap();
        let _session = server.connect(a);
        // No callbacks: no capabilities.
        let client = Client::builder()
            .protocol_version(version)
            .connect(b)
            .await
            .unwrap();
        let e = client.call_tool("book", json!({})).await.unwrap_err();
        if version.is_stateless() {
            assert_eq!(
                e.code(),
                Some(ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY),
                "{e}"
            );
            let Error::Protocol(data) = e else {
                unreachable!()
            };
            let data: MissingRequiredClientCapabilityData = data.typed_data().unwrap().unwrap();
            assert!(data.required_capabilities.elicitation.is_some());
        } else {
            assert_eq!(e.code(), Some(ErrorCode::INVALID_REQUEST), "{e}");
            assert!(e.to_string().contains("elicitation"), "{e}");
        }
    }
}

#[tokio::test]
async fn stateless_results_carry_result_type_server_info_and_cache_hints() {
    let (client, ..) = connect(Some(ProtocolVersion::V2026_07_28), vec![]).await;
    let tools = client.list_tools(None).await.unwrap();
    assert_eq!(tools.result_type, Some(ResultType::Complete));
    assert_eq!(
        (tools.ttl_ms, tools.cache_scope),
        (Some(60_000), Some(CacheScope::Public))
    );
    assert_eq!(
        tools.meta.as_ref().unwrap().server_info().unwrap().name,
        "test-server"
    );
    let resources = client.list_resources(None).await.unwrap();
    assert_eq!(
        (resources.ttl_ms, resources.cache_scope),
        (Some(0), Some(CacheScope::Private))
    );
    let read = client.read_resource("test://a").await.unwrap();
    assert_eq!(read.ttl_ms, Some(0));

    let (client, ..) = connect(Some(ProtocolVersion::V2025_11_25), vec![]).await;
    let tools = client.list_tools(None).await.unwrap();
    assert_eq!((tools.result_type, tools.ttl_ms), (None, None));
}

#[tokio::test]
async fn the_lifespan_runs_around_serving_and_handlers_reach_its_state() {
    let counters = Arc::new(Counters::default());
    let server = server(counters.clone());
    let (a, b) = memory::pair();
    let serving = tokio::spawn({
        let server = server.clone();
        async move { server.serve(a).await }
    });
    let client = Client::builder().connect(b).await.unwrap();
    assert_eq!(counters.started.load(Ordering::SeqCst), 1);
    let result = client.call_tool("lifespan", json!({})).await.unwrap();
    assert_eq!(text(&result), "the database");
    client.close().await;
    serving.await.unwrap().unwrap();
    assert_eq!(counters.stopped.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn logs_follow_the_level_and_progress_reaches_the_caller() {
    for version in [ProtocolVersion::V2025_11_25, ProtocolVersion::V2026_07_28] {
        let counters = Arc::new(Counters::default());
        let server = server(counters);
        let (a, b) = memory::pair();
        let _session = server.connect(a);
        let logs = Arc::new(Mutex::new(Vec::new()));
        let sink = logs.clone();
        let client = Client::builder()
            .protocol_version(version)
            .log_level(LoggingLevel::Info)
            .on_logging(move |m| sink.lock().unwrap().push(m.level))
            .connect(b)
            .await
            .unwrap();
        let progress = Arc::new(Mutex::new(Vec::new()));
        let seen = progress.clone();
        let options = mcp::client::CallOptions::with_progress(move |p| {
            seen.lock().unwrap().push((p.progress, p.message))
        });
        let result = client
            .call_tool_with(CallToolRequestParams::new("log"), &options)
            .await
            .unwrap();
        assert_eq!(text(&result), "logged");
        // Notifications are written before the response, so they have arrived.
        assert_eq!(
            *logs.lock().unwrap(),
            [LoggingLevel::Info, LoggingLevel::Error],
            "{version}"
        );
        assert_eq!(
            *progress.lock().unwrap(),
            [(1.0, Some("half".to_owned())), (2.0, None)],
            "{version}"
        );
    }
}

#[tokio::test]
async fn stateless_requests_without_a_log_level_get_no_log_messages() {
    let counters = Arc::new(Counters::default());
    let server = server(counters);
    let (a, b) = memory::pair();
    let _session = server.connect(a);
    let logs = Arc::new(Mutex::new(Vec::new()));
    let sink = logs.clone();
    let client = Client::builder()
        .protocol_version(ProtocolVersion::V2026_07_28)
        .on_notification(move |n| sink.lock().unwrap().push(n.method().to_owned()))
        .connect(b)
        .await
        .unwrap();
    client.call_tool("log", json!({})).await.unwrap();
    assert!(logs.lock().unwrap().is_empty());
}

#[tokio::test]
async fn listen_delivers_the_changes_asked_for_with_the_subscription_id() {
    let (client, _, _, server) = connect(Some(ProtocolVersion::V2026_07_28), vec![]).await;
    let filter = SubscriptionFilter {
        tools_list_changed: Some(true),
        prompts_list_changed: Some(true),
        resource_subscriptions: Some(vec!["test://a".into(), "other://b".into()]),
        ..Default::default()
    };
    let mut subscription = client.listen(filter).await.unwrap();
    // Prompts have no listChanged capability; other://b is refused by the handler.
    let granted = subscription.acknowledged().clone();
    assert_eq!(granted.tools_list_changed, Some(true));
    assert_eq!(granted.prompts_list_changed, None);
    assert_eq!(
        granted.resource_subscriptions,
        Some(vec!["test://a".to_owned()])
    );

    server.notifier().prompts_list_changed();
    server.notifier().resource_updated("other://b");
    server.notifier().tools_list_changed();
    server.notifier().resource_updated("test://a");
    let first = tokio::time::timeout(Duration::from_secs(5), subscription.next())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.method(), "notifications/tools/list_changed");
    let second = tokio::time::timeout(Duration::from_secs(5), subscription.next())
        .await
        .unwrap()
        .unwrap();
    let ServerNotification::ResourceUpdated(updated) = second else {
        panic!("{second:?}")
    };
    assert_eq!(updated.params.uri, "test://a");
    assert_eq!(
        updated.params.meta.unwrap().subscription_id().unwrap(),
        *subscription.id()
    );
    drop(subscription);
}

#[tokio::test]
async fn handshake_sessions_get_list_changes_and_updates_of_what_they_subscribed_to() {
    let counters = Arc::new(Counters::default());
    let server = server(counters);
    let (a, b) = memory::pair();
    let _session = server.connect(a);
    let notes = Arc::new(Mutex::new(Vec::new()));
    let sink = notes.clone();
    let client = Client::builder()
        .protocol_version(ProtocolVersion::V2025_11_25)
        .on_notification(move |n| sink.lock().unwrap().push(serde_json::to_value(&n).unwrap()))
        .connect(b)
        .await
        .unwrap();
    client.subscribe_resource("test://a").await.unwrap();
    let refused = client
        .subscribe_resource("elsewhere://x")
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Some(ErrorCode::INVALID_PARAMS));
    server.notifier().resource_updated("test://b");
    server.notifier().resource_updated("test://a");
    server.notifier().tools_list_changed();
    client.ping().await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let seen = notes.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            json!({"method": "notifications/resources/updated", "params": {"uri": "test://a"}}),
            json!({"method": "notifications/tools/list_changed"}),
        ]
    );
    client.unsubscribe_resource("test://a").await.unwrap();
    assert!(
        client.listen(SubscriptionFilter::default()).await.is_err(),
        "no listen in the handshake era"
    );
}

#[tokio::test]
async fn a_timed_out_call_is_cancelled_on_the_server() {
    let (client, counters, ..) = connect(Some(ProtocolVersion::V2025_11_25), vec![]).await;
    let options = mcp::client::CallOptions {
        timeout: Some(Duration::from_millis(100)),
        ..Default::default()
    };
    let e = client
        .call_tool_with(CallToolRequestParams::new("slow"), &options)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Timeout { .. }), "{e}");
    assert_eq!(counters.tool_runs.load(Ordering::SeqCst), 1);
    // The session goes on.
    client.ping().await.unwrap();
}

#[tokio::test]
async fn a_pinned_stateless_client_fails_clearly_against_a_handshake_only_server() {
    let counters = Arc::new(Counters::default());
    let server = Server::builder("old", TestServer { counters })
        .protocol_versions(&[ProtocolVersion::V2025_06_18])
        .build();
    let (a, b) = memory::pair();
    let _session = server.connect(a);
    let e = Client::builder()
        .protocol_version(ProtocolVersion::V2026_07_28)
        .connect(b)
        .await
        .unwrap_err();
    assert_eq!(
        e.code(),
        Some(ErrorCode::UNSUPPORTED_PROTOCOL_VERSION),
        "{e}"
    );

    // Left to choose, the client falls back to the handshake and takes the server's version.
    let (a, b) = memory::pair();
    let _session = server.connect(a);
    let client = Client::builder().connect(b).await.unwrap();
    assert_eq!(client.protocol_version(), ProtocolVersion::V2025_06_18);
}
