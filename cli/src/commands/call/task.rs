//! `mcp call --task`: the call declares the tasks extension, and when the server makes a task
//! of it, the CLI follows the task to its end, showing each status on stderr; Ctrl-C cancels it.

use mcp::client::{CallOptions, Client, ToolCall};
use mcp::types::CallToolRequestParams;
use mcp::types::extensions::tasks::{DetailedTask, TASKS_EXTENSION};

use crate::error::{CliError, Result, from_sdk};
use crate::ui::{DIM, Ui, printable};

/// Calls the tool through the tasks extension and gives its result, however the server chose
/// to answer.
pub async fn call(
    client: &Client,
    ui: &Ui,
    params: CallToolRequestParams,
    options: &CallOptions,
) -> Result<mcp::types::CallToolResult> {
    let tool = params.name.clone();
    if !client.tasks().supported() {
        return Err(CliError::usage(format!(
            "the server does not support tasks (it does not declare the {TASKS_EXTENSION} extension)"
        ))
        .hint("call the tool without --task"));
    }
    let handle = match client.tasks().call_tool(params, options).await {
        Ok(ToolCall::Complete(result)) => {
            ui.status(&format!(
                "{DIM}the server answered at once, without a task{DIM:#}"
            ));
            return Ok(result);
        }
        Ok(ToolCall::Task(handle)) => handle,
        Err(e) => return Err(from_sdk(&format!("tools/call {tool}"), e)),
    };
    let id = handle.task.task_id;
    ui.status(&format!("{DIM}task {}{DIM:#}", printable(&id)));
    let following = client.tasks().wait(&id, |task| show(ui, task));
    tokio::select! {
        result = following => result.map_err(|e| from_sdk(&format!("task {id} of {tool}"), e)),
        _ = tokio::signal::ctrl_c() => {
            client
                .tasks()
                .cancel(&id)
                .await
                .map_err(|e| from_sdk(&format!("tasks/cancel {id}"), e))?;
            Err(CliError::server(format!("cancelled task {id} of {tool}")))
        }
    }
}

/// One line for a state of the task: its status and message.
fn show(ui: &Ui, task: &DetailedTask) {
    let status = serde_json::to_value(task.task.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let message = task
        .task
        .status_message
        .as_deref()
        .map(|m| format!(" {}", printable(m)))
        .unwrap_or_default();
    ui.status(&format!("{DIM}task {status}{DIM:#}{message}"));
}
