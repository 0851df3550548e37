//! The demo's MCP App (extension `io.modelcontextprotocol/ui`): `show_dashboard` points at the
//! `ui://demo/dashboard` view, which the inspector renders in a sandboxed frame; the view calls
//! the app-only tool `dashboard_data` for fresh numbers.

use std::sync::Arc;

use mcp::fastmcp::{Context, FastMcp, ResourceDef, ToolDef};
use mcp::types::{
    CallToolResult, ContentBlock, JsonObject, ResourceContents, TextResourceContents,
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use mcp::types::extensions::apps::APP_MIME_TYPE;

/// The view's URI.
pub const DASHBOARD_URI: &str = "ui://demo/dashboard";
const DASHBOARD_HTML: &str = include_str!("dashboard.html");

/// The arguments of `show_dashboard`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct DashboardArgs {
    /// What the dashboard is about
    #[serde(default = "visitors")]
    #[schemars(length(min = 1, max = 40))]
    metric: String,
}

fn visitors() -> String {
    "visitors".to_owned()
}

/// Seven made-up daily values of `metric`, moved by `shift`.
fn series(metric: &str, shift: u32) -> Vec<u32> {
    let seed = metric
        .bytes()
        .fold(17u32, |h, b| h.wrapping_mul(31) ^ u32::from(b));
    (0..7u32)
        .map(|day| (seed.wrapping_add(day * 7919).wrapping_add(shift * 104_729) % 90) + 10)
        .collect()
}

fn data(metric: &str, shift: u32) -> CallToolResult {
    let values = series(metric, shift);
    let total: u32 = values.iter().sum();
    let mut result = CallToolResult::new(vec![ContentBlock::text(format!(
        "{metric} over the last 7 days: {values:?} (total {total})"
    ))]);
    result.structured_content = Some(json!({
        "metric": metric,
        "days": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
        "values": values,
        "total": total,
    }));
    result
}

fn ui_meta(visibility: &[&str]) -> JsonObject {
    let mut meta = JsonObject::new();
    meta.insert(
        "ui".to_owned(),
        json!({"resourceUri": DASHBOARD_URI, "visibility": visibility}),
    );
    meta
}

/// A tool named `name` taking an `A`, with `_meta.ui` set, running `f`.
fn app_tool<A>(
    name: &str,
    visibility: &[&str],
    f: impl Fn(A) -> CallToolResult + Send + Sync + 'static,
) -> ToolDef
where
    A: DeserializeOwned + JsonSchema + Send + 'static,
{
    // The schema comes from `A`; `from_parts` checks the arguments against it.
    let mut tool = ToolDef::new(name, |_: A| async {}).tool().clone();
    tool.meta = Some(ui_meta(visibility));
    let f = Arc::new(f);
    ToolDef::from_parts(
        tool,
        Arc::new(move |_cx: Context, args: JsonObject| {
            let f = f.clone();
            Box::pin(async move {
                let args: A = serde_json::from_value(Value::Object(args)).map_err(|e| {
                    mcp::Error::Protocol(mcp::types::ErrorData::invalid_params(e.to_string()))
                })?;
                Ok(f(args))
            })
        }),
    )
}

/// The arguments of `dashboard_data`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct RefreshArgs {
    /// What the dashboard is about
    metric: String,
    /// Which refresh this is
    #[serde(default)]
    round: u32,
}

/// The app's tools and view.
pub fn add(mcp: &FastMcp) {
    mcp.add_tool(
        app_tool(
            "show_dashboard",
            &["model", "app"],
            |args: DashboardArgs| data(&args.metric, 0),
        )
        .with_title("Show the dashboard (MCP App)")
        .with_description(
            "Answers with a week of numbers and an interactive view (ui://demo/dashboard) that \
             the inspector renders in a sandbox.",
        ),
    );
    mcp.add_tool(
        app_tool("dashboard_data", &["app"], |args: RefreshArgs| {
            data(&args.metric, args.round)
        })
        .with_title("Dashboard data (app only)")
        .with_description("Fresh numbers for the dashboard view; meant to be called by the app."),
    );

    mcp.add_resource(
        ResourceDef::function(DASHBOARD_URI, "dashboard", |_cx: Context| async move {
            let mut contents = TextResourceContents::new(DASHBOARD_URI, DASHBOARD_HTML)
                .with_mime_type(APP_MIME_TYPE);
            let mut meta = JsonObject::new();
            meta.insert("ui".to_owned(), json!({"prefersBorder": true, "csp": {}}));
            contents.meta = Some(meta);
            ResourceContents::from(contents)
        })
        .with_title("Dashboard view")
        .with_description("An MCP App view: HTML rendered by the host in a sandbox")
        .with_mime_type(APP_MIME_TYPE),
    );
}
