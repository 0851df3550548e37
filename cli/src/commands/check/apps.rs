//! The `apps` step of `mcp check`: every view the tools name (MCP Apps,
//! `io.modelcontextprotocol/ui`) read and checked as a host would before rendering it.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use mcp::client::Client;
use mcp::types::Tool;
use mcp::types::extensions::apps::UiToolMeta;

use super::{Steps, plural};

/// Checks the views of `tools`; adds no step when no tool has one.
pub(super) async fn step(steps: &mut Steps, client: &Client, tools: &[Tool], limit: Duration) {
    let mut views: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for tool in tools {
        if let Some(ui) = UiToolMeta::of(tool) {
            views.entry(ui.resource_uri).or_default().push(&tool.name);
        }
    }
    if views.is_empty() {
        return;
    }
    let at = Instant::now();
    let mut fine = Vec::new();
    let mut problems = Vec::new();
    for (uri, named_by) in &views {
        let by = named_by.join(", ");
        match tokio::time::timeout(limit, client.read_app_view(uri)).await {
            Err(_) => problems.push(format!(
                "{uri} (view of {by}): no answer within {:.1} s",
                limit.as_secs_f64()
            )),
            Ok(Err(e)) => problems.push(format!("{uri} (view of {by}): {e}")),
            Ok(Ok(view)) => {
                let mut issues: Vec<String> = view
                    .meta
                    .problems()
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                if !view.html.trim_start().starts_with('<') {
                    issues.push("its text does not look like an HTML document".to_owned());
                }
                if issues.is_empty() {
                    let origins = view.meta.csp.iter().flat_map(|c| c.sources()).count();
                    fine.push(format!(
                        "{uri} ({}, {} bytes, CSP {})",
                        by,
                        view.html.len(),
                        plural(origins, "origin")
                    ));
                } else {
                    problems.push(format!("{uri} (view of {by}): {}", issues.join("; ")));
                }
            }
        }
    }
    let tools_with_views: usize = views.values().map(Vec::len).sum();
    let outcome = if problems.is_empty() {
        Ok(format!(
            "{} with {}: {}",
            plural(tools_with_views, "tool"),
            plural(views.len(), "view"),
            fine.join("; ")
        ))
    } else {
        Err(format!(
            "{} of {} cannot be rendered:\n{}",
            plural(problems.len(), "view"),
            plural(views.len(), "view"),
            problems
                .iter()
                .map(|p| format!("  {p}"))
                .collect::<Vec<_>>()
                .join("\n")
        ))
    };
    steps.push("apps", at, outcome);
}
