//! An MCP App (extension `io.modelcontextprotocol/ui`): `check_contrast` answers with the WCAG
//! contrast ratio of two colours and names a view, `ui://contrast/view.html`, that a host
//! renders beside the result (swatches, the ratio, the levels it passes); the view calls the
//! app-only tool `adjust_foreground` to darken or lighten the text colour until it passes.
//! Hosts that render no views get the whole answer as text.
//!
//! ```sh
//! cargo run --example apps                       # stdio
//! mcp dev -- target/debug/examples/apps          # the view rendered by the inspector
//! ```

use mcp::fastmcp::{AppView, Context, FastMcp};
use mcp::types::extensions::apps::{UiCsp, UiVisibility, client_supports_apps};
use mcp::types::{CallToolResult, ContentBlock};
use serde_json::json;

/// The view: one HTML document, no build step.
const VIEW_HTML: &str = include_str!("view.html");

/// A colour as `#rrggbb`.
fn parse(colour: &str) -> mcp::Result<[f64; 3]> {
    let hex = colour.strip_prefix('#').unwrap_or(colour);
    let channel = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|c| u8::from_str_radix(c, 16).ok())
            .map(|c| f64::from(c) / 255.0)
    };
    match (hex.len(), channel(0), channel(2), channel(4)) {
        (6, Some(r), Some(g), Some(b)) => Ok([r, g, b]),
        _ => Err(mcp::types::ErrorData::invalid_params(format!(
            "`{colour}` is not a colour as #rrggbb"
        ))
        .into()),
    }
}

/// The WCAG relative luminance of a colour.
fn luminance([r, g, b]: [f64; 3]) -> f64 {
    let linear = |c: f64| {
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/// The WCAG contrast ratio of two colours, from 1 to 21.
fn ratio(a: [f64; 3], b: [f64; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The answer about two colours: structured for the view, in words for everyone.
fn verdict(foreground: &str, background: &str, for_view: bool) -> mcp::Result<CallToolResult> {
    let ratio = (ratio(parse(foreground)?, parse(background)?) * 100.0).round() / 100.0;
    let (aa, aaa) = (ratio >= 4.5, ratio >= 7.0);
    let level = match (aa, aaa) {
        (_, true) => "passes AAA",
        (true, false) => "passes AA, not AAA",
        _ => "fails AA",
    };
    let text = if for_view {
        format!("{ratio}:1 ({level}); shown in the view")
    } else {
        format!(
            "{foreground} on {background}: contrast {ratio}:1, {level} for normal text (AA needs \
             4.5:1, AAA 7:1)"
        )
    };
    let mut result = CallToolResult::new(vec![ContentBlock::text(text)]);
    result.structured_content = Some(json!({
        "foreground": foreground,
        "background": background,
        "ratio": ratio,
        "aa": aa,
        "aaa": aaa,
    }));
    Ok(result)
}

/// Checks the WCAG contrast of a text colour on a background colour, with a view of both
///
/// # Arguments
/// * `foreground` - the text colour, as #rrggbb
/// * `background` - the background colour, as #rrggbb
#[mcp::tool]
async fn check_contrast(
    foreground: String,
    background: String,
    ctx: Context,
) -> mcp::Result<CallToolResult> {
    let for_view = client_supports_apps(ctx.request().client_capabilities());
    verdict(&foreground, &background, for_view)
}

/// Darkens (negative steps) or lightens the text colour by 10% a step, and checks it again
///
/// # Arguments
/// * `foreground` - the text colour, as #rrggbb
/// * `background` - the background colour, as #rrggbb
/// * `steps` - how many 10% steps, negative to darken
#[mcp::tool]
async fn adjust_foreground(
    foreground: String,
    background: String,
    steps: i32,
) -> mcp::Result<CallToolResult> {
    let target = if steps < 0 { 0.0 } else { 1.0 };
    let amount = (f64::from(steps.unsigned_abs()) * 0.1).min(1.0);
    let adjusted: String = parse(&foreground)?
        .iter()
        .map(|c| {
            format!(
                "{:02x}",
                ((c + (target - c) * amount) * 255.0).round() as u8
            )
        })
        .collect();
    verdict(&format!("#{adjusted}"), &background, true)
}

fn server() -> Result<FastMcp, mcp::fastmcp::AppError> {
    let mcp = FastMcp::new("contrast");
    let view = AppView::html("ui://contrast/view.html", VIEW_HTML)
        .with_name("contrast-view")
        .with_title("Contrast checker")
        .with_description("Swatches of the two colours, their contrast ratio and WCAG levels")
        .with_csp(UiCsp::default().resource_domain("https://fonts.gstatic.com"))
        .with_prefers_border(true);
    mcp.add_app_tool(check_contrast::tool(), &view)?;
    mcp.add_app_tool(
        adjust_foreground::tool().with_ui_visibility([UiVisibility::App]),
        &view,
    )?;
    Ok(mcp)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    server()?.run().await?;
    Ok(())
}
