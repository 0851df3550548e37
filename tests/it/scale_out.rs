//! One server as two replicas of the `everything` example sharing a `redis-server` (their
//! streams) and a request-state key (from the environment), behind a round-robin proxy: the
//! conformance suite's stateless-era scenarios pass through it (but for the change
//! notifications of `subscriptions/listen`, not yet fanned out between replicas: see
//! tests/conformance/server-expected-failures-replicas.yaml), and a client whose replica dies
//! resumes its stream on the other one with `Last-Event-ID`, losing no event.

use std::process::Command;
use std::time::Duration;

use mcp_test_support::{Listening, RedisServer, RoundRobinProxy, example, repo_root};
use serde_json::{Value, json};

use crate::conformance_server::run_suite_against;

/// A request-state key both replicas are given (32 bytes in base64).
const STATE_KEY: &str = "c2NhbGUtb3V0IHRlc3RzOiBvbmUgc2hhcmVkIGtleSE=";

/// A replica of `everything` keeping its streams in `redis`.
fn replica(redis: &RedisServer, name: &str) -> Listening {
    Listening::start(
        Command::new(example("everything"))
            .args(["--port", "0"])
            .env("MCP_REDIS_URL", redis.url())
            .env("MCP_REQUEST_STATE_KEY", STATE_KEY),
        name,
    )
}

#[test]
fn conformance_2026_07_28_through_two_replicas() {
    let redis = RedisServer::start();
    let one = replica(&redis, "everything 1");
    let two = replica(&redis, "everything 2");
    let proxy = RoundRobinProxy::start(&[one.port, two.port]);
    let expected_failures =
        repo_root().join("tests/conformance/server-expected-failures-replicas.yaml");
    run_suite_against(&proxy.url("/mcp"), "2026-07-28", &expected_failures);
}

#[test]
fn replicas_refuse_a_bad_key_or_an_unreachable_redis_at_start() {
    let output = Command::new(example("everything"))
        .args(["--port", "0"])
        .env("MCP_REQUEST_STATE_KEY", "c2hvcnQ=")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("MCP_REQUEST_STATE_KEY is not a request-state key")
            && stderr.contains("5 bytes, not 32"),
        "{stderr}"
    );

    let redis = RedisServer::start();
    let url = redis.url();
    drop(redis);
    let output = Command::new(example("everything"))
        .args(["--port", "0"])
        .env("MCP_REDIS_URL", &url)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("MCP_REDIS_URL") && stderr.contains("unreachable"),
        "{stderr}"
    );
    // The same server with the key given in hex starts.
    let hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    let mut started = Listening::start(
        Command::new(example("everything"))
            .args(["--port", "0"])
            .env("MCP_REQUEST_STATE_KEY", hex),
        "everything (hex key)",
    );
    assert!(started.child().try_wait().unwrap().is_none(), "it serves");
}

/// One server-sent event: its id and its data (empty for a priming event).
#[derive(Debug)]
struct Event {
    id: Option<String>,
    data: String,
}

/// Reads events from an SSE response until `enough` says so, or the stream ends.
async fn read_events(
    response: &mut reqwest::Response,
    mut enough: impl FnMut(&[Event]) -> bool,
) -> Vec<Event> {
    let mut events = Vec::new();
    let mut buffer = String::new();
    while !enough(&events) {
        let chunk = tokio::time::timeout(Duration::from_secs(10), response.chunk())
            .await
            .expect("an event within 10 s")
            .expect("the stream reads");
        let Some(chunk) = chunk else { break };
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let mut event = Event {
                id: None,
                data: String::new(),
            };
            let mut fields = 0;
            for line in block.lines() {
                if let Some(id) = line.strip_prefix("id:") {
                    event.id = Some(id.trim().to_owned());
                    fields += 1;
                } else if let Some(data) = line.strip_prefix("data:") {
                    event.data.push_str(data.trim_start());
                    fields += 1;
                }
            }
            if fields > 0 {
                events.push(event);
            }
        }
    }
    events
}

const VERSION: &str = "2025-11-25";

fn post(
    http: &reqwest::Client,
    url: &str,
    session: Option<&str>,
    body: Value,
) -> reqwest::RequestBuilder {
    let mut request = http
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", VERSION)
        .body(body.to_string());
    if let Some(session) = session {
        request = request.header("mcp-session-id", session);
    }
    request
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stream_resumes_on_the_other_replica_when_its_replica_dies() {
    let redis = RedisServer::start();
    let mut one = replica(&redis, "everything 1");
    let two = replica(&redis, "everything 2");
    let proxy = RoundRobinProxy::start(&[one.port, two.port]);
    let http = reqwest::Client::new();

    // The session lives on replica one (as a balancer with sticky sessions would keep it).
    let url = one.url("/mcp");
    let initialize = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": VERSION, "capabilities": {},
        "clientInfo": {"name": "scale-out-test", "version": "1"}}});
    let response = post(&http, &url, None, initialize).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let session = response.headers()["mcp-session-id"]
        .to_str()
        .unwrap()
        .to_owned();
    response.text().await.unwrap();
    let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    let response = post(&http, &url, Some(&session), initialized)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);

    // A tool that reports progress three times, then answers; the client reads the first
    // report and loses its connection.
    let call = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {
        "name": "test_tool_with_progress", "arguments": {},
        "_meta": {"progressToken": "resume-me"}}});
    let mut response = post(&http, &url, Some(&session), call)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let seen = read_events(&mut response, |events| {
        events
            .iter()
            .any(|e| e.data.contains("notifications/progress"))
    })
    .await;
    drop(response);
    let last_seen = seen.last().unwrap();
    assert!(last_seen.data.contains("\"progress\":0"), "{seen:?}");
    let last_event_id = last_seen.id.clone().expect("events carry ids");

    // The tool finishes on replica one (its events stored in Redis), then replica one dies.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let child = one.child();
    child.kill().unwrap();
    child.wait().unwrap();

    // The client resumes through the proxy, which finds replica two.
    let resume = |last: String| {
        http.get(proxy.url("/mcp"))
            .header("accept", "text/event-stream")
            .header("mcp-protocol-version", VERSION)
            .header("mcp-session-id", &session)
            .header("last-event-id", last)
            .send()
    };
    let mut response = resume(last_event_id.clone()).await.unwrap();
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
    let rest = read_events(&mut response, |_| false).await;
    let messages: Vec<Value> = rest
        .iter()
        .map(|e| serde_json::from_str(&e.data).expect("each event is a message"))
        .collect();
    let progress: Vec<f64> = messages
        .iter()
        .filter(|m| m["method"] == "notifications/progress")
        .map(|m| m["params"]["progress"].as_f64().unwrap())
        .collect();
    assert_eq!(
        progress,
        [50.0, 100.0],
        "every report after the last seen: {messages:?}"
    );
    let answer = messages.last().unwrap();
    assert_eq!(answer["id"], 2, "the answer comes last: {messages:?}");
    let text = answer["result"]["content"][0]["text"].as_str().unwrap();
    assert!(
        text.contains("resume-me"),
        "the answer names the progress token: {text}"
    );
    let ids: Vec<&String> = rest.iter().filter_map(|e| e.id.as_ref()).collect();
    assert_eq!(ids.len(), rest.len(), "every replayed event has its id");
    assert!(!ids.contains(&&last_event_id));

    // Nothing follows the answer: the session is gone, and the client starts a new one.
    let response = resume(ids.last().unwrap().to_string()).await.unwrap();
    assert_eq!(response.status(), 404);
}
