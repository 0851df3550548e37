//! Tasks (the tasks extension, SEP-2663) any replica follows: two replicas of the `everything`
//! example keep their tasks in one `redis-server`. A client of one replica starts each task;
//! a client of the other follows it, answers its input request and cancels it, and both read
//! the same state. The replica running a task learns of the answer and of the cancellation
//! through Redis.

use mcp::client::{Client, ToolCall};
use mcp::types::extensions::tasks::TaskStatus;
use mcp::types::{CallToolRequestParams, ElicitResult, ElicitValue};
use mcp_test_support::{RedisServer, RoundRobinProxy};

use crate::scale_out::replica;

fn text(result: &mcp::types::CallToolResult) -> &str {
    result.content[0].as_text().unwrap_or_default()
}

/// A client of the replica at `url` that confirms whatever it is asked.
async fn confirming_client(url: &str) -> Client {
    Client::builder()
        .on_elicitation(|_| async {
            Ok(ElicitResult::accept([("confirm", ElicitValue::Bool(true))]))
        })
        .connect_http(url)
        .await
        .expect("connects to the replica")
}

/// Starts `params` as a task: its id.
async fn start(client: &Client, params: CallToolRequestParams) -> String {
    match client
        .tasks()
        .call_tool(params, &Default::default())
        .await
        .unwrap()
    {
        ToolCall::Task(handle) => handle.task.task_id,
        ToolCall::Complete(result) => panic!("expected a task, got {result:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_task_started_on_one_replica_is_answered_cancelled_and_read_on_the_other() {
    let redis = RedisServer::start();
    let one = replica(&redis, "everything 1");
    let two = replica(&redis, "everything 2");
    let starter = confirming_client(&one.url("/mcp")).await;
    let follower = confirming_client(&two.url("/mcp")).await;

    // Started on one, it asks for input; the follower polls it on two, answers there, and
    // reads its result there: the work on one went on with the answer.
    let confirm =
        CallToolRequestParams::new("confirm_delete").with_argument("filename", "notes.txt");
    let task = start(&starter, confirm).await;
    let result = follower.tasks().wait(&task, |_| {}).await.unwrap();
    assert_eq!(text(&result), "Deleted notes.txt");
    let seen_by_starter = starter.tasks().get(&task).await.unwrap().task;
    assert_eq!(seen_by_starter.task.status, TaskStatus::Completed);

    // Cancelled on two, it stops on one.
    let slow = CallToolRequestParams::new("slow_compute").with_argument("seconds", 30);
    let task = start(&starter, slow).await;
    follower.tasks().cancel(&task).await.unwrap();
    for client in [&starter, &follower] {
        let state = client.tasks().get(&task).await.unwrap().task;
        assert_eq!(state.task.status, TaskStatus::Cancelled);
    }
    let waited = starter.tasks().wait(&task, |_| {}).await.unwrap_err();
    assert!(matches!(waited, mcp::Error::Cancelled), "{waited}");

    // Through a round-robin proxy, every poll on the next replica, the task completes.
    let proxy = RoundRobinProxy::start(&[one.port, two.port]);
    let balanced = confirming_client(&proxy.url("/mcp")).await;
    let quick = CallToolRequestParams::new("slow_compute")
        .with_argument("seconds", 1)
        .with_argument("label", "balanced");
    let result = balanced.tasks().call_tool_to_end(quick).await.unwrap();
    assert_eq!(text(&result), "balanced: computed for 1 seconds");
}
