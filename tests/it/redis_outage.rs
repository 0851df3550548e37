//! A replica of the `everything` example whose `redis-server` goes down and comes back: the
//! requests that need Redis get, at once, a JSON-RPC error naming it (never a hang), the
//! stateless era goes on serving what needs no Redis, the connections are made again by
//! themselves, and a task whose work ends during the outage has its result recorded once Redis
//! is back rather than lost.

use std::future::Future;
use std::time::Duration;

use mcp::client::{Client, ToolCall};
use mcp::types::CallToolRequestParams;
use mcp::types::extensions::tasks::TaskStatus;
use mcp_test_support::RedisServer;
use serde_json::{Value, json};

use crate::scale_out::{VERSION, post, replica};

/// `request`'s outcome, which must come within 10 s: a request that hangs fails the test.
async fn answered<T>(what: &str, request: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), request)
        .await
        .unwrap_or_else(|_| panic!("{what}: no answer within 10 s"))
}

/// A handshake-era `initialize` at `url`: the response's status and, when it opened one, the
/// session id, and its body.
async fn initialize(http: &reqwest::Client, url: &str) -> (u16, Option<String>, Value) {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": VERSION, "capabilities": {},
        "clientInfo": {"name": "outage-test", "version": "1"}}});
    let response = answered("initialize", post(http, url, None, body).send())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let session = response
        .headers()
        .get("mcp-session-id")
        .map(|id| id.to_str().unwrap().to_owned());
    (status, session, json_body(response).await)
}

/// The JSON-RPC message of a response, sent as JSON or as the last event of a stream (after
/// its priming event); `null` for an empty body.
async fn json_body(response: reqwest::Response) -> Value {
    let text = response.text().await.unwrap();
    if text.is_empty() {
        return Value::Null;
    }
    let json = text
        .lines()
        .filter_map(|line| line.strip_prefix("data:"))
        .map(str::trim)
        .rfind(|data| !data.is_empty())
        .unwrap_or(&text);
    serde_json::from_str(json.trim()).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// `tools/list` in `session`: status and body.
async fn list_tools(http: &reqwest::Client, url: &str, session: &str) -> (u16, Value) {
    let body = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"});
    let response = answered("tools/list", post(http, url, Some(session), body).send())
        .await
        .unwrap();
    (response.status().as_u16(), json_body(response).await)
}

/// Asserts that `body` is a JSON-RPC error whose message names `what` and Redis being
/// unreachable.
fn names_the_outage(body: &Value, what: &str) {
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(what) && message.contains("Redis at") && message.contains("unreachable"),
        "a JSON-RPC error naming {what} and Redis: {body}"
    );
}

fn slow_compute(seconds: u64, label: &str) -> CallToolRequestParams {
    CallToolRequestParams::new("slow_compute")
        .with_argument("seconds", seconds)
        .with_argument("label", label)
}

/// Starts `params` as a task: its id.
async fn start_task(client: &Client, params: CallToolRequestParams) -> mcp::Result<String> {
    match client
        .tasks()
        .call_tool(params, &Default::default())
        .await?
    {
        ToolCall::Task(handle) => Ok(handle.task.task_id),
        ToolCall::Complete(result) => panic!("expected a task, got {result:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn while_redis_is_down_what_needs_it_fails_clearly_and_the_rest_is_served() {
    let mut redis = RedisServer::start();
    let server = replica(&redis, "everything");
    let url = server.url("/mcp");
    let http = reqwest::Client::new();
    let (status, session, _) = initialize(&http, &url).await;
    assert_eq!(status, 200);
    let session = session.expect("a session id");
    let stateless = Client::builder().tasks().connect_http(&url).await.unwrap();
    assert!(stateless.protocol_version().is_stateless());

    redis.stop();

    // The handshake era: the session's state is in Redis, so its requests are refused (503,
    // for the client to try again), and so is a new session, which could not be stored.
    let (status, body) = list_tools(&http, &url, &session).await;
    assert_eq!(status, 503, "{body}");
    names_the_outage(&body, "the session store");
    let (_, opened, body) = initialize(&http, &url).await;
    assert_eq!(opened, None, "no session without its state stored");
    names_the_outage(&body, "the session's state could not be saved");

    // The stateless era needs no Redis for a plain tool call, or to discover the server.
    let echo = answered(
        "a stateless tool call",
        stateless.call_tool("test_simple_text", json!({})),
    )
    .await
    .unwrap();
    assert!(!echo.is_error.unwrap_or(false), "{echo:?}");
    answered("server/discover", stateless.discover())
        .await
        .unwrap();

    // A task would be kept in Redis: it is refused rather than started unrecorded.
    let refused = answered("a task", start_task(&stateless, slow_compute(1, "down")))
        .await
        .unwrap_err();
    let message = refused.to_string();
    assert!(
        message.contains("could not create the task")
            && message.contains("Redis at")
            && message.contains("unreachable"),
        "{message}"
    );

    // Back (empty): the connections are made again by themselves. The session went with
    // Redis's data; a new one opens, and tasks run again.
    redis.restart();
    let mut task = None;
    for _ in 0..50 {
        match start_task(&stateless, slow_compute(1, "back")).await {
            Ok(id) => {
                task = Some(id);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    let task = task.expect("tasks start again within 10 s of Redis coming back");
    let result = answered("the task", stateless.tasks().wait(&task, |_| {}))
        .await
        .unwrap();
    assert_eq!(
        result.content[0].as_text(),
        Some("back: computed for 1 seconds")
    );
    let (status, _) = list_tools(&http, &url, &session).await;
    assert_eq!(status, 404, "the session is gone with Redis's data");
    let (status, session, body) = initialize(&http, &url).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = list_tools(&http, &url, &session.unwrap()).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["result"]["tools"].as_array().is_some(), "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_task_ending_while_redis_is_down_is_recorded_once_it_is_back() {
    let mut redis = RedisServer::start();
    let server = replica(&redis, "everything");
    let client = Client::builder()
        .tasks()
        .connect_http(&server.url("/mcp"))
        .await
        .unwrap();
    let task = start_task(&client, slow_compute(1, "outage"))
        .await
        .unwrap();

    // Redis restarts with its data (as an operator's restart would); the task's work ends in
    // the meantime, and reading the task fails clearly.
    redis.stop_saving();
    let refused = answered("tasks/get", client.tasks().get(&task))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("Redis at") && refused.contains("unreachable"),
        "{refused}"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    redis.start_again();

    // The result, kept by the replica while Redis was away, is in the task.
    let result = answered("the task", client.tasks().wait(&task, |_| {}))
        .await
        .unwrap();
    assert_eq!(
        result.content[0].as_text(),
        Some("outage: computed for 1 seconds")
    );
    let state = client.tasks().get(&task).await.unwrap().task;
    assert_eq!(state.task.status, TaskStatus::Completed);
}
