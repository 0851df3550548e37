//! Handshake-era sessions that any replica serves: two replicas of the `everything` example
//! share their sessions through a `redis-server`, and each request below is sent straight to
//! the replica it names, so every test knows which replica serves what: a session opened on
//! one is served by the other (its log level and subscriptions with it), a client's answer to
//! a sampling request reaches the replica waiting for it through the other, and change
//! notifications reach the session's GET stream on whichever replica holds it. Two replicas in
//! one process do the same through the in-memory store and bus, behind a round-robin proxy.

use std::sync::{Arc, Mutex};

use mcp::fastmcp::{FastMcp, ResourceDef};
use mcp::http_server::{InMemoryReplicaBus, InMemorySessionStore};
use mcp::types::{CreateMessageResult, ProtocolVersion, ServerNotification};
use mcp_test_support::{Listening, RedisServer, RoundRobinProxy};
use serde_json::{Value, json};

use crate::scale_out::{Event, VERSION, post, read_events, replica};

/// One client's session, sent to whichever replica a request names.
struct Client {
    http: reqwest::Client,
    session: String,
}

impl Client {
    /// Opens a session on `replica` with these client capabilities, and says it is
    /// initialized on `initialized_on`.
    async fn open(replica: &Listening, capabilities: Value, initialized_on: &Listening) -> Self {
        let http = reqwest::Client::new();
        let initialize = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": VERSION, "capabilities": capabilities,
            "clientInfo": {"name": "shared-sessions-test", "version": "1"}}});
        let response = post(&http, &replica.url("/mcp"), None, initialize)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let session = response.headers()["mcp-session-id"]
            .to_str()
            .unwrap()
            .to_owned();
        response.text().await.unwrap();
        let client = Self { http, session };
        let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
        let response = client.send(initialized_on, initialized).await;
        assert_eq!(response.status(), 202);
        client
    }

    /// POSTs `body` in the session to `replica`.
    async fn send(&self, replica: &Listening, body: Value) -> reqwest::Response {
        post(&self.http, &replica.url("/mcp"), Some(&self.session), body)
            .send()
            .await
            .unwrap()
    }

    /// Sends request `id` to `replica`: every message that answers it (JSON or SSE), the
    /// answer last.
    async fn request(
        &self,
        replica: &Listening,
        id: u64,
        method: &str,
        params: Value,
    ) -> Vec<Value> {
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let mut response = self.send(replica, body).await;
        assert_eq!(response.status(), 200, "{method} on {}", replica.port);
        messages_until_answer(&mut response, id).await
    }

    /// Opens the session's GET stream on `replica`.
    async fn get_stream(&self, replica: &Listening) -> reqwest::Response {
        let response = self
            .http
            .get(replica.url("/mcp"))
            .header("accept", "text/event-stream")
            .header("mcp-protocol-version", VERSION)
            .header("mcp-session-id", &self.session)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response
    }
}

/// The messages of a response up to the answer to request `id`.
async fn messages_until_answer(response: &mut reqwest::Response, id: u64) -> Vec<Value> {
    let is_sse = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream");
    if !is_sse {
        let body = response.chunk().await.unwrap().unwrap_or_default();
        return vec![serde_json::from_slice(&body).expect("a JSON answer")];
    }
    let answered = |events: &[Event]| events.iter().any(|e| answers(&e.data, id));
    let events = read_events(response, answered).await;
    messages(&events)
}

fn answers(data: &str, id: u64) -> bool {
    serde_json::from_str::<Value>(data).is_ok_and(|m| m["id"] == id && m.get("method").is_none())
}

fn messages(events: &[Event]) -> Vec<Value> {
    events
        .iter()
        .filter(|e| !e.data.is_empty())
        .map(|e| serde_json::from_str(&e.data).expect("each event is a message"))
        .collect()
}

fn log_messages(messages: &[Value]) -> Vec<String> {
    messages
        .iter()
        .filter(|m| m["method"] == "notifications/message")
        .map(|m| m["params"]["data"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_opened_on_one_replica_is_served_by_the_other() {
    let redis = RedisServer::start();
    let one = replica(&redis, "everything 1");
    let two = replica(&redis, "everything 2");
    let client = Client::open(&one, json!({}), &two).await;

    // The log level set on one replica holds on the other, both ways.
    let set = |level: &str| json!({"level": level});
    let answer = client
        .request(&two, 1, "logging/setLevel", set("warning"))
        .await;
    assert_eq!(answer.last().unwrap()["result"], json!({}), "{answer:?}");
    let call = json!({"name": "test_tool_with_logging", "arguments": {}});
    let quiet = client.request(&one, 2, "tools/call", call.clone()).await;
    assert_eq!(log_messages(&quiet), Vec::<String>::new(), "{quiet:?}");
    client
        .request(&one, 3, "logging/setLevel", set("info"))
        .await;
    let logged = client.request(&two, 4, "tools/call", call).await;
    assert_eq!(
        log_messages(&logged),
        [
            "Tool execution started",
            "Tool processing data",
            "Tool execution completed"
        ],
        "{logged:?}"
    );

    // Deleted on one replica, it is gone on both.
    let deleted = client
        .http
        .delete(two.url("/mcp"))
        .header("mcp-protocol-version", VERSION)
        .header("mcp-session-id", &client.session)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 200);
    for replica in [&one, &two] {
        let list = json!({"jsonrpc": "2.0", "id": 5, "method": "tools/list"});
        let response = client.send(replica, list).await;
        assert_eq!(response.status(), 404, "on {}", replica.port);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sampling_answer_reaches_the_replica_that_asked_through_the_other() {
    let redis = RedisServer::start();
    let one = replica(&redis, "everything 1");
    let two = replica(&redis, "everything 2");
    let client = Client::open(&one, json!({"sampling": {}}), &one).await;

    // The tool asks for a sample on the stream of its request, on replica one.
    let call = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {
        "name": "test_sampling", "arguments": {"prompt": "Say hello"}}});
    let mut stream = client.send(&one, call).await;
    assert_eq!(stream.status(), 200);
    let asked = read_events(&mut stream, |events| {
        events
            .iter()
            .any(|e| e.data.contains("sampling/createMessage"))
    })
    .await;
    let request = messages(&asked)
        .into_iter()
        .find(|m| m["method"] == "sampling/createMessage")
        .expect("a sampling request");
    let id = request["id"].clone();
    assert!(id.is_string(), "requests are numbered per replica: {id}");

    // The client's answer lands on replica two, which passes it on.
    let sample = json!({"jsonrpc": "2.0", "id": id, "result": {
        "role": "assistant", "model": "test-model",
        "content": {"type": "text", "text": "Hello from the other replica"}}});
    let response = client.send(&two, sample).await;
    assert_eq!(response.status(), 202);
    let rest = read_events(&mut stream, |events| {
        events.iter().any(|e| answers(&e.data, 1))
    })
    .await;
    let answer = messages(&rest).pop().unwrap();
    assert_eq!(
        answer["result"]["content"][0]["text"], "LLM response: Hello from the other replica",
        "{answer}"
    );

    // An answer for a replica that is not there is refused, not lost in silence.
    let orphan = json!({"jsonrpc": "2.0", "id": "0123456789abcdef.0-0", "result": {}});
    let response = client.send(&two, orphan).await;
    assert_eq!(response.status(), 404);
    let body = response.text().await.unwrap();
    assert!(body.contains("replica that sent it is gone"), "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn change_notifications_reach_the_get_stream_on_the_replica_holding_it() {
    let redis = RedisServer::start();
    let one = replica(&redis, "everything 1");
    let two = replica(&redis, "everything 2");
    let client = Client::open(&one, json!({}), &one).await;

    // The GET stream is on replica two; the subscription and the changes happen on one.
    let mut stream = client.get_stream(&two).await;
    let uri = "test://watched-resource";
    client
        .request(&one, 1, "resources/subscribe", json!({"uri": uri}))
        .await;
    let trigger = |name: &str| json!({"name": name, "arguments": {}});
    client
        .request(
            &one,
            2,
            "tools/call",
            trigger("test_trigger_resource_update"),
        )
        .await;
    client
        .request(&one, 3, "tools/call", trigger("test_trigger_tool_change"))
        .await;
    let seen = read_events(&mut stream, |events| {
        let methods: Vec<Value> = messages(events)
            .into_iter()
            .map(|m| m["method"].clone())
            .collect();
        methods.contains(&json!("notifications/resources/updated"))
            && methods.contains(&json!("notifications/tools/list_changed"))
    })
    .await;
    let updates: Vec<Value> = messages(&seen)
        .into_iter()
        .filter(|m| m["method"] == "notifications/resources/updated")
        .collect();
    assert_eq!(
        updates,
        [json!({"jsonrpc": "2.0",
        "method": "notifications/resources/updated", "params": {"uri": uri}})]
    );

    // Unsubscribed (on replica two this time), the client hears of no more updates.
    client
        .request(&two, 4, "resources/unsubscribe", json!({"uri": uri}))
        .await;
    client
        .request(
            &one,
            5,
            "tools/call",
            trigger("test_trigger_resource_update"),
        )
        .await;
    client
        .request(&one, 6, "tools/call", trigger("test_trigger_prompt_change"))
        .await;
    let after = read_events(&mut stream, |events| {
        events
            .iter()
            .any(|e| e.data.contains("notifications/prompts/list_changed"))
    })
    .await;
    assert!(
        !after.iter().any(|e| e.data.contains("resources/updated")),
        "no update after unsubscribing: {after:?}"
    );
}

/// Asks the client's model (on whichever replica serves the call).
#[mcp::tool]
async fn ask_model(question: String, ctx: mcp::fastmcp::Context) -> mcp::Result<String> {
    let answer = ctx.sample(question, 50).await?;
    Ok(format!(
        "{} says: {}",
        answer.model,
        answer.content.as_text().unwrap_or_default()
    ))
}

/// Says that `memo://watched` changed.
#[mcp::tool]
fn touch(ctx: mcp::fastmcp::Context) -> &'static str {
    ctx.server().notify_resource_updated("memo://watched");
    "touched"
}

/// One replica: its own server, sharing `store` and joined to `bus`.
async fn in_process_replica(
    store: Arc<InMemorySessionStore>,
    bus: InMemoryReplicaBus,
) -> (u16, tokio::task::JoinHandle<()>) {
    let mcp = FastMcp::new("replicated");
    mcp.add_tool(ask_model::tool());
    mcp.add_tool(touch::tool());
    mcp.add_resource(ResourceDef::text("memo://watched", "watched", "v1"));
    let http = mcp.http().shared_sessions(store, bus).build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let served = tokio::spawn(async move {
        // The server's definitions live as long as it serves.
        let _mcp = mcp;
        let router = http.router();
        let _ = http.serve(listener, router, std::future::pending()).await;
    });
    (port, served)
}

#[tokio::test(flavor = "multi_thread")]
async fn replicas_in_one_process_share_sessions_through_the_in_memory_store_and_bus() {
    let store = Arc::new(InMemorySessionStore::default());
    let bus = InMemoryReplicaBus::new();
    let (one, _one) = in_process_replica(store.clone(), bus.join()).await;
    let (two, _two) = in_process_replica(store.clone(), bus).await;
    let proxy = RoundRobinProxy::start(&[one, two]);

    let updates = Arc::new(Mutex::new(Vec::new()));
    let sink = updates.clone();
    let client = mcp::client::Client::builder()
        .protocol_version(ProtocolVersion::V2025_11_25)
        .on_sampling(|params| async move {
            let question = params.messages[0].content.as_text().unwrap_or_default();
            Ok(CreateMessageResult::text(
                "model-x",
                format!("re: {question}"),
            ))
        })
        .on_notification(move |n| {
            if let ServerNotification::ResourceUpdated(u) = n {
                sink.lock().unwrap().push(u.params.uri);
            }
        })
        .connect_http(&proxy.url("/mcp"))
        .await
        .unwrap();
    assert_eq!(store.len(), 1, "the session is in the store");

    // Every call lands on the next replica: each asks the model through the client, whose
    // answer lands on the other replica half of the time.
    for round in 0..4 {
        let answer = client
            .call_tool("ask_model", json!({"question": format!("q{round}")}))
            .await
            .unwrap();
        assert_eq!(
            answer.content[0].as_text(),
            Some(format!("model-x says: re: q{round}").as_str())
        );
    }
    client.subscribe_resource("memo://watched").await.unwrap();
    for _ in 0..2 {
        client.call_tool("touch", json!({})).await.unwrap();
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while updates.lock().unwrap().len() < 2 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(
        *updates.lock().unwrap(),
        ["memo://watched", "memo://watched"],
        "one update per touch, whichever replica made it"
    );
    client.close().await;
}
