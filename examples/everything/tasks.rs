//! The tools of the tasks extension's scenarios (SEP-2663): one that never runs as a task, and
//! tools that run as tasks for clients that declared the extension — a long computation that
//! reports progress, a failing job, a job that ends in a protocol error, jobs that ask for input
//! while they run, and one that gathers input before it becomes a task.

use std::time::Duration;

use mcp::fastmcp::{Context, Elicitation, FastMcp};

/// Greets someone (never a task)
#[mcp::tool]
fn greet(name: String) -> String {
    format!("Hello, {name}!")
}

/// Computes for `seconds` seconds, reporting progress every second (a task for clients that
/// can follow one)
#[mcp::tool(task)]
async fn slow_compute(seconds: u64, label: Option<String>, ctx: Context) -> mcp::Result<String> {
    for done in 0..seconds {
        ctx.report_progress(
            done as f64,
            Some(seconds as f64),
            Some(&format!("computed {done} of {seconds} seconds")),
        )?;
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let label = label.unwrap_or_else(|| "job".into());
    Ok(format!("{label}: computed for {seconds} seconds"))
}

/// Works for a second, then fails (a tool error, so the task completes with isError)
#[mcp::tool(task = "required")]
async fn failing_job() -> Result<String, String> {
    tokio::time::sleep(Duration::from_secs(1)).await;
    Err("the job failed: its input was rejected".into())
}

/// Crashes (a panic, which the server turns into a JSON-RPC error: the task fails)
#[mcp::tool(task)]
async fn protocol_error_job() -> String {
    tokio::time::sleep(Duration::from_millis(200)).await;
    panic!("the job's worker crashed")
}

/// A yes-or-no answer.
#[derive(serde::Deserialize, schemars::JsonSchema)]
struct Confirmation {
    /// Go ahead?
    confirm: bool,
}

/// Deletes a file once the user confirms (the task waits for the answer)
#[mcp::tool(task)]
async fn confirm_delete(filename: String, ctx: Context) -> mcp::Result<String> {
    let answer = ctx
        .elicit::<Confirmation>(format!("Delete {filename}?"))
        .await?;
    Ok(match answer {
        Elicitation::Accept(Confirmation { confirm: true }) => format!("Deleted {filename}"),
        _ => format!("Kept {filename}"),
    })
}

/// One of two parallel answers.
#[derive(serde::Deserialize, schemars::JsonSchema)]
struct Part {
    /// A name.
    name: Option<String>,
    /// Go ahead?
    confirm: Option<bool>,
}

/// Asks two questions at once (the task waits until both are answered)
#[mcp::tool(task)]
async fn multi_input(ctx: Context) -> mcp::Result<String> {
    let (first, second) = tokio::join!(
        ctx.elicit::<Part>("First part?"),
        ctx.elicit::<Part>("Second part?"),
    );
    let name = |answer: Elicitation<Part>| match answer {
        Elicitation::Accept(Part { name, confirm }) => {
            format!(
                "{} ({})",
                name.unwrap_or_default(),
                confirm.unwrap_or(false)
            )
        }
        _ => "declined".into(),
    };
    Ok(format!("got {} and {}", name(first?), name(second?)))
}

/// A name.
#[derive(serde::Deserialize, schemars::JsonSchema)]
struct UserName {
    /// Your name.
    name: String,
}

/// Asks for the user's name first (multi round-trip), then greets them as a task
#[mcp::tool(task = "required", defer_task)]
async fn test_tool_with_task(ctx: Context) -> mcp::Result<String> {
    let name = match ctx.elicit::<UserName>("What is your name?").await? {
        Elicitation::Accept(UserName { name }) => name,
        _ => "stranger".into(),
    };
    ctx.run_as_task().await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    Ok(format!("Hello, {name}! Your task is done."))
}

/// Adds the tools to `mcp`.
pub fn register(mcp: &FastMcp) {
    for tool in [
        greet::tool(),
        slow_compute::tool(),
        failing_job::tool(),
        protocol_error_job::tool(),
        confirm_delete::tool(),
        multi_input::tool(),
        test_tool_with_task::tool(),
    ] {
        mcp.add_tool(tool);
    }
}
