//! Tests of the session core over an in-memory transport.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};

use super::*;
use crate::Error;
use crate::transport::{BoxFuture, memory};
use crate::types::{ErrorCode, ErrorData, RequestId};

/// A service for tests: `echo` answers at once, `sleep` waits, `panic` panics, `progress` reports
/// progress, `ask` sends a request back to the caller.
#[derive(Default)]
struct TestService {
    cancelled_sleeps: Arc<AtomicUsize>,
    notifications: Arc<std::sync::Mutex<Vec<String>>>,
}

struct DropCounter(Arc<AtomicUsize>);
impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl Service for TestService {
    type Result = Value;

    fn handle_request(
        &self,
        request: IncomingRequest<'_>,
        cx: RequestOrigin,
    ) -> HandlerFuture<Value> {
        let params: Value = match request.parse_params() {
            Ok(p) => p,
            Err(e) => return Box::pin(async move { Err(e) }),
        };
        match request.method {
            "echo" => Box::pin(async move { Ok(params) }),
            "sleep" => {
                let counter = DropCounter(self.cancelled_sleeps.clone());
                Box::pin(async move {
                    let ms = params["ms"].as_u64().unwrap_or(10);
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                    std::mem::forget(counter);
                    Ok(json!({"slept": ms}))
                })
            }
            "panic" => Box::pin(async move { panic!("boom") }),
            "panic_later" => Box::pin(async move {
                tokio::task::yield_now().await;
                panic!("later boom")
            }),
            "progress" => Box::pin(async move {
                let token = params["_meta"]["progressToken"].clone();
                for i in 1..=3 {
                    cx.peer
                        .notify(
                            "notifications/progress",
                            Some(&json!({"progressToken": token, "progress": i, "total": 3})),
                        )
                        .unwrap();
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                Ok(json!({"done": true}))
            }),
            "ask" => Box::pin(async move {
                let answer: Value = cx
                    .peer
                    .request("echo", Some(&json!({"q": 1})), RequestOptions::default())
                    .await
                    .map_err(ErrorData::from)?;
                Ok(json!({"answer": answer}))
            }),
            other => {
                let e = ErrorData::method_not_found(other);
                Box::pin(async move { Err(e) })
            }
        }
    }

    fn handle_notification(
        &self,
        notification: IncomingNotification<'_>,
        _peer: &Peer,
    ) -> Option<BoxFuture<'static, ()>> {
        let log = self.notifications.clone();
        let method = notification.method.to_owned();
        Some(Box::pin(async move {
            log.lock().unwrap().push(method);
        }))
    }
}

fn connect() -> (Session, Session, Arc<TestService>) {
    let (a, b) = memory::pair();
    let service = Arc::new(TestService::default());
    let server = Session::start(a, service.clone(), SessionOptions::default());
    let client = Session::start(
        b,
        Arc::new(TestService::default()),
        SessionOptions::default(),
    );
    (client, server, service)
}

#[tokio::test]
async fn requests_are_answered_and_matched_by_id() {
    let (client, _server, _) = connect();
    let peer = client.peer().clone();
    let mut calls = Vec::new();
    for i in 0..200 {
        let peer = peer.clone();
        calls.push(tokio::spawn(async move {
            let r: Value = peer
                .request("echo", Some(&json!({"i": i})), RequestOptions::default())
                .await
                .unwrap();
            assert_eq!(r["i"], i);
        }));
    }
    for call in calls {
        call.await.unwrap();
    }
}

#[tokio::test]
async fn slow_requests_run_concurrently() {
    let (client, _server, _) = connect();
    let peer = client.peer().clone();
    let started = std::time::Instant::now();
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let peer = peer.clone();
            tokio::spawn(async move {
                peer.request::<_, Value>(
                    "sleep",
                    Some(&json!({"ms": 200})),
                    RequestOptions::default(),
                )
                .await
            })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn errors_and_panics_become_error_responses() {
    let (client, _server, _) = connect();
    let peer = client.peer();
    let e = peer
        .request::<Value, Value>("nope", None, RequestOptions::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(ErrorCode::METHOD_NOT_FOUND));
    for method in ["panic", "panic_later"] {
        let e = peer
            .request::<Value, Value>(method, None, RequestOptions::default())
            .await
            .unwrap_err();
        assert_eq!(e.code(), Some(ErrorCode::INTERNAL_ERROR), "{method}: {e}");
        assert!(e.to_string().contains("boom"), "{e}");
    }
    // Still serving.
    let r: Value = peer
        .request("echo", Some(&json!({"x": 1})), RequestOptions::default())
        .await
        .unwrap();
    assert_eq!(r["x"], 1);
}

#[tokio::test]
async fn ping_is_answered_by_the_core() {
    let (client, _server, _) = connect();
    let r: Value = client
        .peer()
        .request::<Value, _>("ping", None, RequestOptions::default())
        .await
        .unwrap();
    assert_eq!(r, json!({}));
}

#[tokio::test]
async fn a_ping_naming_a_stateless_era_version_is_left_to_the_service() {
    let (client, _server, _) = connect();
    let ping = |version: &'static str| {
        let params = json!({ "_meta": { "io.modelcontextprotocol/protocolVersion": version } });
        let peer = client.peer().clone();
        async move {
            peer.request::<_, Value>("ping", Some(&params), RequestOptions::default())
                .await
        }
    };
    assert_eq!(ping("2025-06-18").await.unwrap(), json!({}));
    // The stateless era has no ping, and a version this library does not know counts as one
    // of it (`ProtocolVersion::era_of`): the service answers, here with "method not found".
    for version in ["2026-07-28", "2099-01-01"] {
        match ping(version).await {
            Err(Error::Protocol(e)) => assert_eq!(e.code, ErrorCode::METHOD_NOT_FOUND),
            other => panic!("a ping naming {version} got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_timeout_cancels_the_request_on_the_other_side() {
    let (client, _server, service) = connect();
    let options = RequestOptions {
        timeout: Some(Duration::from_millis(50)),
        ..Default::default()
    };
    let e = client
        .peer()
        .request::<_, Value>("sleep", Some(&json!({"ms": 5000})), options)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Timeout { .. }), "{e}");
    // The handler was dropped when the cancellation arrived.
    for _ in 0..100 {
        if service.cancelled_sleeps.load(Ordering::SeqCst) == 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the cancelled handler kept running");
}

#[tokio::test]
async fn dropping_a_request_cancels_it() {
    let (client, _server, service) = connect();
    let peer = client.peer().clone();
    let call = tokio::spawn(async move {
        peer.request::<_, Value>(
            "sleep",
            Some(&json!({"ms": 5000})),
            RequestOptions::default(),
        )
        .await
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    call.abort();
    for _ in 0..100 {
        if service.cancelled_sleeps.load(Ordering::SeqCst) == 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the abandoned handler kept running");
}

#[tokio::test]
async fn progress_is_routed_by_token() {
    let (client, _server, _) = connect();
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = seen.clone();
    let pending = client.peer().start_request(RequestOptions {
        on_progress: Some(Arc::new(move |p: Progress| {
            sink.lock().unwrap().push(p.progress)
        })),
        ..Default::default()
    });
    let token = pending.progress_token().cloned().unwrap();
    let raw = pending
        .send(
            "progress",
            Some(&json!({"_meta": {"progressToken": token}})),
        )
        .unwrap()
        .await
        .unwrap();
    assert_eq!(raw.get(), r#"{"done":true}"#);
    assert_eq!(*seen.lock().unwrap(), vec![1.0, 2.0, 3.0]);
}

#[tokio::test]
async fn both_sides_send_requests() {
    let (client, _server, _) = connect();
    let r: Value = client
        .peer()
        .request::<Value, _>("ask", None, RequestOptions::default())
        .await
        .unwrap();
    assert_eq!(r, json!({"answer": {"q": 1}}));
}

#[tokio::test]
async fn notifications_arrive_in_order() {
    let (client, _server, service) = connect();
    for i in 0..50 {
        client
            .peer()
            .notify::<Value>(&format!("notifications/n{i}"), None)
            .unwrap();
    }
    let _: Value = client
        .peer()
        .request::<Value, _>("ping", None, RequestOptions::default())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let seen = service.notifications.lock().unwrap().clone();
    assert_eq!(
        seen,
        (0..50)
            .map(|i| format!("notifications/n{i}"))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn closing_fails_pending_requests() {
    let (client, server, _) = connect();
    let peer = client.peer().clone();
    let call = tokio::spawn(async move {
        peer.request::<_, Value>(
            "sleep",
            Some(&json!({"ms": 60_000})),
            RequestOptions::default(),
        )
        .await
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    server.close().await;
    let e = call.await.unwrap().unwrap_err();
    assert!(matches!(e, Error::ConnectionClosed(_)), "{e}");
    assert!(client.peer().is_closed());
}

/// A writer that hands every message to a channel, as an HTTP response stream would.
#[derive(Clone)]
struct ChannelWriter(tokio::sync::mpsc::UnboundedSender<crate::transport::Outgoing>);

impl crate::transport::TransportWriter for ChannelWriter {
    fn send(
        &self,
        message: crate::transport::Outgoing,
    ) -> Result<(), crate::transport::TransportClosed> {
        self.0
            .send(message)
            .map_err(|_| crate::transport::TransportClosed(None))
    }
    fn close(&self) -> crate::transport::BoxFuture<'_, ()> {
        Box::pin(async {})
    }
}

fn exchange(
    message: Value,
    service: &Arc<TestService>,
) -> (
    Exchange,
    tokio::sync::mpsc::UnboundedReceiver<crate::transport::Outgoing>,
) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let bytes = serde_json::to_vec(&message).unwrap();
    let exchange = Session::serve_one(
        &bytes,
        service.clone(),
        ChannelWriter(tx),
        SessionOptions::default(),
    );
    (exchange, rx)
}

fn json_of(message: &crate::transport::Outgoing) -> Value {
    serde_json::from_slice(&message.json).unwrap()
}

#[tokio::test]
async fn a_single_exchange_is_answered_on_the_callers_task() {
    let service = Arc::new(TestService::default());
    let (_exchange, mut rx) = exchange(
        json!({"jsonrpc": "2.0", "id": 7, "method": "echo", "params": {"x": 1}}),
        &service,
    );
    // Already written: the handler finished without waiting.
    let answer = rx.try_recv().expect("answered before serve_one returned");
    assert_eq!(answer.kind, crate::transport::OutgoingKind::Response);
    assert_eq!(answer.related_request, Some(RequestId::Number(7)));
    assert_eq!(
        json_of(&answer),
        json!({"jsonrpc": "2.0", "id": 7, "result": {"x": 1}})
    );
}

#[tokio::test]
async fn exchanges_with_the_same_id_do_not_meet() {
    let service = Arc::new(TestService::default());
    let (_slow, mut slow_rx) = exchange(
        json!({"jsonrpc": "2.0", "id": 1, "method": "sleep", "params": {"ms": 100}}),
        &service,
    );
    let (_fast, mut fast_rx) = exchange(
        json!({"jsonrpc": "2.0", "id": 1, "method": "echo", "params": {"fast": true}}),
        &service,
    );
    let fast = fast_rx.try_recv().unwrap();
    assert_eq!(json_of(&fast)["result"], json!({"fast": true}));
    let slow = tokio::time::timeout(Duration::from_secs(5), slow_rx.recv())
        .await
        .expect("the slow exchange answers")
        .unwrap();
    assert_eq!(json_of(&slow)["result"], json!({"slept": 100}));
    assert!(fast_rx.try_recv().is_err() && slow_rx.try_recv().is_err());
}

#[tokio::test]
async fn a_waiting_handler_sends_its_notifications_and_answer_to_the_exchange() {
    let service = Arc::new(TestService::default());
    let (_exchange, mut rx) = exchange(
        json!({"jsonrpc": "2.0", "id": "p", "method": "progress", "params": {"_meta": {"progressToken": 3}}}),
        &service,
    );
    let mut seen = Vec::new();
    loop {
        let message = tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .expect("messages arrive")
            .unwrap();
        let done = message.kind == crate::transport::OutgoingKind::Response;
        seen.push(json_of(&message));
        if done {
            break;
        }
    }
    assert_eq!(seen.len(), 4, "{seen:?}");
    assert_eq!(seen[0]["method"], "notifications/progress");
    assert_eq!(
        seen[3],
        json!({"jsonrpc": "2.0", "id": "p", "result": {"done": true}})
    );
}

#[tokio::test]
async fn dropping_an_exchange_cancels_its_handler() {
    let service = Arc::new(TestService::default());
    let (exchange, mut rx) = exchange(
        json!({"jsonrpc": "2.0", "id": 1, "method": "sleep", "params": {"ms": 60000}}),
        &service,
    );
    let closed = exchange.peer().closed();
    drop(exchange);
    tokio::time::timeout(Duration::from_secs(5), closed)
        .await
        .expect("the peer closes with the exchange");
    for _ in 0..100 {
        if service.cancelled_sleeps.load(Ordering::SeqCst) == 1 {
            assert!(
                rx.try_recv().is_err(),
                "a cancelled handler sends no answer"
            );
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the handler kept running after its exchange ended");
}

#[tokio::test]
async fn a_single_exchange_answers_bad_input() {
    let service = Arc::new(TestService::default());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let _exchange = Session::serve_one(
        b"{not json",
        service.clone(),
        ChannelWriter(tx.clone()),
        SessionOptions::default(),
    );
    assert_eq!(
        json_of(&rx.try_recv().unwrap())["error"]["code"],
        json!(-32700)
    );
    let options = SessionOptions {
        max_message_size: 16,
        ..SessionOptions::default()
    };
    let _exchange = Session::serve_one(
        br#"{"jsonrpc":"2.0","id":5,"method":"echo","params":{"long":"xxxxxxxx"}}"#,
        service,
        ChannelWriter(tx),
        options,
    );
    let too_large = json_of(&rx.try_recv().unwrap());
    assert_eq!(too_large["id"], 5);
    assert_eq!(too_large["error"]["code"], json!(-32600));
}

#[tokio::test]
async fn a_request_reusing_the_id_of_one_in_flight_is_refused() {
    use crate::transport::{
        Incoming, Outgoing, OutgoingKind, Transport, TransportReader, TransportWriter,
    };
    let (a, b) = memory::pair();
    let service = Arc::new(TestService::default());
    let _server = Session::start(a, service.clone(), SessionOptions::default());
    let (mut reader, writer) = b.split();
    let send = |message: Value| {
        writer
            .send(Outgoing {
                json: serde_json::to_vec(&message).unwrap(),
                kind: OutgoingKind::Request,
                related_request: None,
            })
            .unwrap();
    };
    send(json!({"jsonrpc": "2.0", "id": 5, "method": "sleep", "params": {"ms": 200}}));
    send(json!({"jsonrpc": "2.0", "id": 5, "method": "echo", "params": {}}));
    let mut answers = Vec::new();
    while answers.len() < 2 {
        let next = tokio::time::timeout(Duration::from_secs(5), reader.recv())
            .await
            .expect("answered")
            .expect("open")
            .unwrap();
        if let Incoming::Message(bytes) = next {
            answers.push(serde_json::from_slice::<Value>(bytes).unwrap());
        }
    }
    assert_eq!(answers[0]["id"], 5);
    assert_eq!(answers[0]["error"]["code"], ErrorCode::INVALID_REQUEST.0);
    assert!(
        answers[0]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already in use"),
        "{answers:?}"
    );
    // The first request was not disturbed: it still answers, and can still be cancelled.
    assert_eq!(
        answers[1],
        json!({"jsonrpc": "2.0", "id": 5, "result": {"slept": 200}})
    );
    assert_eq!(service.cancelled_sleeps.load(Ordering::SeqCst), 0);
}
