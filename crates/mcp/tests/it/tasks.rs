//! The tasks extension end to end, in both protocol eras: a FastMcp tool that runs as a task
//! (its progress becoming the status message), one that asks for input while it runs (answered
//! by the client through `tasks/update`), cancellation, the required-task refusal, the
//! session-level `notifications/tasks` of the handshake era, and a server whose tasks live in
//! a store of its own.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mcp::client::{Client, ToolCall};
use mcp::fastmcp::{Context, Elicitation, FastMcp};
use mcp::server::tasks::{
    InMemoryTaskStore, TaskChange, TaskRecord, TaskSettings, TaskStore, TaskStoreError,
};
use mcp::transport::BoxFuture;
use mcp::transport::memory;
use mcp::types::extensions::tasks::{TASKS_EXTENSION, TaskStatus};
use mcp::types::{
    CallToolRequestParams, ElicitResult, ElicitValue, ErrorCode, ProtocolVersion,
    ServerNotification, SubscriptionFilter, TaskSupport,
};

/// Counts to `to`, a step every 50 ms, reporting each step
#[mcp::tool(task)]
async fn count(to: u64, ctx: Context) -> mcp::Result<String> {
    for step in 1..=to {
        ctx.report_progress(
            step as f64,
            Some(to as f64),
            Some(&format!("step {step} of {to}")),
        )?;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(format!("counted to {to}"))
}

/// A seat count.
#[derive(serde::Deserialize, schemars::JsonSchema)]
struct Seats {
    /// How many seats.
    seats: u32,
}

/// Books seats, asking how many once it runs
#[mcp::tool(task)]
async fn book(ctx: Context) -> mcp::Result<String> {
    match ctx.elicit::<Seats>("How many seats?").await? {
        Elicitation::Accept(Seats { seats }) => Ok(format!("booked {seats} seats")),
        _ => Ok("booked nothing".into()),
    }
}

/// Waits for ever (until cancelled)
#[mcp::tool(task = "required")]
async fn forever() -> String {
    std::future::pending::<()>().await;
    unreachable!()
}

fn server(settings: TaskSettings) -> FastMcp {
    let mcp = FastMcp::builder("tasks").tasks(settings).build();
    mcp.add_tool(count::tool());
    mcp.add_tool(book::tool());
    mcp.add_tool(forever::tool());
    mcp
}

/// A client of `mcp` at `version`, declaring the extension for the session when `session_wide`,
/// answering elicitations with 3 seats, keeping the task notifications it hears.
async fn connect(
    mcp: &FastMcp,
    version: ProtocolVersion,
    session_wide: bool,
) -> (Client, Arc<Mutex<Vec<TaskStatus>>>) {
    let (a, b) = memory::pair();
    let server = mcp.server();
    server.start().await.unwrap();
    let _session = server.connect(a);
    let heard = Arc::new(Mutex::new(Vec::new()));
    let sink = heard.clone();
    let mut builder = Client::builder()
        .protocol_version(version)
        .on_elicitation(|_| async {
            Ok(ElicitResult::accept([("seats", ElicitValue::from(3i64))]))
        })
        .on_notification(move |notification| {
            if let ServerNotification::TaskChanged(changed) = notification {
                sink.lock().unwrap().push(changed.params.task.task.status);
            }
        });
    if session_wide {
        builder = builder.tasks();
    }
    (builder.connect(b).await.unwrap(), heard)
}

fn call(name: &str) -> CallToolRequestParams {
    CallToolRequestParams::new(name)
}

fn text(result: &mcp::types::CallToolResult) -> &str {
    result.content[0].as_text().unwrap_or_default()
}

#[tokio::test]
async fn a_tool_runs_as_a_task_reports_progress_and_asks_for_input_in_both_eras() {
    for (version, session_wide) in [
        (ProtocolVersion::V2025_11_25, true),
        (ProtocolVersion::V2026_07_28, false),
    ] {
        let mcp = server(TaskSettings::in_memory().poll_interval(Duration::from_millis(20)));
        let (client, heard) = connect(&mcp, version, session_wide).await;
        assert!(
            client.tasks().supported(),
            "{version}: the server declares the extension"
        );
        let tools = client.list_all_tools().await.unwrap();
        let count_tool = tools.iter().find(|t| t.name == "count").unwrap();
        assert_eq!(
            count_tool.execution.as_ref().unwrap().task_support,
            Some(TaskSupport::Optional)
        );

        let ToolCall::Task(handle) = client
            .tasks()
            .call_tool(call("count").with_argument("to", 4), &Default::default())
            .await
            .unwrap()
        else {
            panic!("{version}: count should run as a task")
        };
        assert_eq!(handle.task.status, TaskStatus::Working);
        assert!(handle.task.ttl_ms.is_some() && handle.task.poll_interval_ms == Some(20));
        let mut seen = Vec::new();
        let result = client
            .tasks()
            .wait(&handle.task.task_id, |task| {
                seen.extend(task.task.status_message.clone());
            })
            .await
            .unwrap();
        assert_eq!(text(&result), "counted to 4", "{version}");
        assert!(
            seen.iter().any(|m| m.starts_with("step ")),
            "{version}: progress shows as the status message: {seen:?}"
        );

        let result = client.tasks().call_tool_to_end(call("book")).await.unwrap();
        assert_eq!(text(&result), "booked 3 seats", "{version}");

        // A plain call (no extension declared for it) runs the same tool as before.
        if !session_wide {
            let plain = client
                .call_tool("count", serde_json::json!({"to": 1}))
                .await
                .unwrap();
            assert_eq!(text(&plain), "counted to 1");
        }

        if session_wide {
            // The handshake-era session heard the task change, up to its end.
            let heard = heard.lock().unwrap().clone();
            assert!(
                heard.contains(&TaskStatus::InputRequired)
                    && heard.contains(&TaskStatus::Completed),
                "{version}: {heard:?}"
            );
        }
        client.close().await;
    }
}

#[tokio::test]
async fn tasks_are_cancelled_and_required_tasks_refused_without_the_extension() {
    for version in [ProtocolVersion::V2025_11_25, ProtocolVersion::V2026_07_28] {
        let mcp = server(TaskSettings::in_memory());
        let (client, _) = connect(&mcp, version, false).await;

        let refused = client
            .call_tool("forever", serde_json::json!({}))
            .await
            .unwrap_err();
        assert_eq!(
            refused.code(),
            Some(ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY),
            "{version}: {refused}"
        );
        let get = client.tasks().get("no-such-task").await.unwrap_err();
        assert_eq!(
            get.code(),
            Some(ErrorCode::INVALID_PARAMS),
            "{version}: {get}"
        );

        let ToolCall::Task(handle) = client
            .tasks()
            .call_tool(call("forever"), &Default::default())
            .await
            .unwrap()
        else {
            panic!("forever runs as a task")
        };
        let id = handle.task.task_id;
        client.tasks().cancel(&id).await.unwrap();
        let state = client.tasks().get(&id).await.unwrap();
        assert_eq!(state.task.task.status, TaskStatus::Cancelled, "{version}");
        // Cancelling again is acknowledged the same way.
        client.tasks().cancel(&id).await.unwrap();
        let waited = client.tasks().wait(&id, |_| {}).await.unwrap_err();
        assert!(matches!(waited, mcp::Error::Cancelled), "{waited}");
        client.close().await;
    }
}

/// A store that counts the changes it applies, over the in-memory one: what a store of one's
/// own (shared by instances) looks like to the server.
#[derive(Clone, Default)]
struct CountingStore {
    inner: InMemoryTaskStore,
    changes: Arc<Mutex<Vec<String>>>,
}

impl TaskStore for CountingStore {
    fn create(&self, record: TaskRecord) -> BoxFuture<'_, Result<(), TaskStoreError>> {
        self.changes.lock().unwrap().push("create".into());
        self.inner.create(record)
    }

    fn get<'a>(
        &'a self,
        task_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<TaskRecord>, TaskStoreError>> {
        self.inner.get(task_id)
    }

    fn update<'a>(
        &'a self,
        task_id: &'a str,
        change: TaskChange,
    ) -> BoxFuture<'a, Result<Option<TaskRecord>, TaskStoreError>> {
        let kind = serde_json::to_value(&change).unwrap()["change"]
            .as_str()
            .unwrap()
            .to_owned();
        self.changes.lock().unwrap().push(kind);
        self.inner.update(task_id, change)
    }

    fn changed<'a>(
        &'a self,
        task_id: &'a str,
        version: u64,
    ) -> BoxFuture<'a, Result<Option<TaskRecord>, TaskStoreError>> {
        self.inner.changed(task_id, version)
    }
}

#[tokio::test]
async fn tasks_live_in_the_store_the_server_is_given() {
    let store = CountingStore::default();
    let mcp = server(TaskSettings::new(store.clone()).poll_interval(Duration::from_millis(20)));
    let (client, _) = connect(&mcp, ProtocolVersion::V2026_07_28, true).await;
    let declared = client.server_capabilities().extensions.clone().unwrap();
    assert!(declared.contains_key(TASKS_EXTENSION));
    let result = client.tasks().call_tool_to_end(call("book")).await.unwrap();
    assert_eq!(text(&result), "booked 3 seats");
    let changes = store.changes.lock().unwrap().clone();
    assert_eq!(
        changes,
        ["create", "askInput", "answer", "complete"],
        "every state change went through the store"
    );
    assert_eq!(store.inner.len(), 1);
}

#[tokio::test]
async fn a_listen_stream_follows_the_tasks_it_names() {
    let mcp = server(TaskSettings::in_memory());
    let (client, _) = connect(&mcp, ProtocolVersion::V2026_07_28, true).await;
    let ToolCall::Task(handle) = client
        .tasks()
        .call_tool(call("count").with_argument("to", 3), &Default::default())
        .await
        .unwrap()
    else {
        panic!("count runs as a task")
    };
    let id = handle.task.task_id;
    let filter = SubscriptionFilter {
        task_ids: Some(vec![id.clone(), "someone-elses".into()]),
        ..Default::default()
    };
    let mut subscription = client.listen(filter).await.unwrap();
    assert_eq!(
        subscription.acknowledged().task_ids,
        Some(vec![id.clone()]),
        "only existing tasks of the caller are followed"
    );
    let mut statuses = Vec::new();
    while let Some(note) = tokio::time::timeout(Duration::from_secs(10), subscription.next())
        .await
        .expect("task notifications keep coming until the task ends")
    {
        let ServerNotification::TaskChanged(changed) = note else {
            continue;
        };
        assert_eq!(changed.params.task.task.task_id, id);
        statuses.push(changed.params.task.task.status);
        if changed.params.task.task.status.is_terminal() {
            assert!(
                changed.params.task.result.is_some(),
                "the result is inlined"
            );
            break;
        }
    }
    assert_eq!(
        statuses.last(),
        Some(&TaskStatus::Completed),
        "{statuses:?}"
    );

    // A client that did not declare the extension may not follow tasks.
    let (plain, _) = connect(&mcp, ProtocolVersion::V2026_07_28, false).await;
    let refused = plain
        .listen(SubscriptionFilter {
            task_ids: Some(vec![id]),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(
        refused.code(),
        Some(ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY),
        "{refused:?}"
    );
}
