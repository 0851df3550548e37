//! The inspector as a library: a FastMcp server of the embedding program inspected in process,
//! over the in-memory transport, through the same API the page uses.

use std::time::Duration;

use mcp_inspector::{ConnectOptions, Inspector, Target};
use serde_json::{Value, json};

/// Sends `request` with the token and parses the JSON answer.
async fn send(request: reqwest::RequestBuilder, token: &str) -> Value {
    let answer = request.bearer_auth(token).send().await.unwrap();
    let body = answer.bytes().await.unwrap();
    serde_json::from_slice(&body).unwrap_or_else(|e| panic!("not JSON ({e}): {body:?}"))
}

async fn post(client: &reqwest::Client, base: &str, token: &str, path: &str, body: Value) -> Value {
    let request = client
        .post(format!("{base}{path}"))
        .header("content-type", "application/json")
        .body(body.to_string());
    send(request, token).await
}

#[tokio::test]
async fn an_in_process_server_is_inspected_in_both_eras() {
    let inspector = Inspector::builder(Target::InProcess(mcp_inspector::demo::target()))
        .connect_options(ConnectOptions {
            connect_timeout_ms: 5_000,
            ..ConnectOptions::default()
        })
        .connect_on_start(false)
        .bind()
        .await
        .unwrap();
    let (base, token) = inspector.url().split_once("/#token=").unwrap();
    let (base, token) = (base.to_owned(), token.to_owned());
    assert!(base.starts_with("http://127.0.0.1:"));
    let client = reqwest::Client::new();
    let state = send(client.get(format!("{base}/api/state")), &token).await;
    assert_eq!(state["status"]["state"], "disconnected");
    assert_eq!(state["target"]["transport"], "in-memory");

    for version in ["2025-11-25", "2026-07-28"] {
        let connected = post(
            &client,
            &base,
            &token,
            "/api/connect",
            json!({"protocolVersion": version, "connectTimeoutMs": 5000}),
        )
        .await;
        assert_eq!(connected["status"]["server"]["protocolVersion"], version);
        let answer = post(
            &client,
            &base,
            &token,
            "/api/request",
            json!({"method": "tools/call", "params": {"name": "weather", "arguments": {"city": "Oslo", "units": "fahrenheit"}}}),
        )
        .await;
        assert_eq!(
            answer["result"]["structuredContent"]["unit"], "°F",
            "{answer}"
        );
    }
    tokio::time::timeout(Duration::from_secs(10), inspector.shut_down())
        .await
        .unwrap();
}
