//! The demo's resources: Markdown, JSON, an image, a note that changes (subscribe to it), and
//! two templates whose parameters complete.

use std::sync::Arc;

use mcp::fastmcp::{Context, FastMcp, ResourceDef, ResourceTemplateDef};
use mcp::types::{
    BlobResourceContents, ResourceContents, ResourceTemplateReference, TextResourceContents,
};
use parking_lot::Mutex;
use serde_json::json;

/// The demo's logo.
pub const LOGO_PNG: &[u8] = include_bytes!("logo.png");
/// The resource that changes.
pub const NOTE_URI: &str = "demo://notes/today";
/// The users of the profile template.
const USERS: &[&str] = &[
    "ada",
    "alan",
    "barbara",
    "grace",
    "katherine",
    "linus",
    "margaret",
];
/// The colours of the swatch template.
const COLOURS: &[(&str, &str)] = &[
    ("coral", "#ff7f50"),
    ("crimson", "#dc143c"),
    ("gold", "#ffd700"),
    ("indigo", "#4b0082"),
    ("teal", "#008080"),
    ("tomato", "#ff6347"),
];

/// Today's note: lines added by `touch_note`.
#[derive(Debug, Clone, Default)]
pub struct Notes {
    lines: Arc<Mutex<Vec<String>>>,
}

impl Notes {
    /// Adds a line; the note's new text.
    pub fn append(&self, line: &str) -> String {
        let mut lines = self.lines.lock();
        lines.push(line.to_owned());
        render(&lines)
    }

    /// The note's text.
    pub fn text(&self) -> String {
        render(&self.lines.lock())
    }
}

fn render(lines: &[String]) -> String {
    let mut text = String::from("Today's note\n");
    for (i, line) in lines.iter().enumerate() {
        text.push_str(&format!("{}. {line}\n", i + 1));
    }
    if lines.is_empty() {
        text.push_str("(empty: call touch_note to add a line)\n");
    }
    text
}

fn text(uri: &str, mime: &str, body: impl Into<String>) -> ResourceContents {
    TextResourceContents::new(uri, body)
        .with_mime_type(mime)
        .into()
}

const README: &str = "# The mcp dev demo server\n\n\
This server exists to show everything the Model Context Protocol offers:\n\n\
- **tools** with rich input forms, structured output and every content type;\n\
- **resources** of several types, one of which changes (subscribe to `demo://notes/today`);\n\
- **resource templates** whose parameters complete as you type;\n\
- **prompts** with arguments;\n\
- **logging**, **progress**, **sampling**, **elicitation** and **roots**;\n\
- an **MCP App**: `show_dashboard` renders `ui://demo/dashboard`.\n";

/// The demo's resources and templates.
pub fn add(mcp: &FastMcp, notes: &Notes) {
    mcp.add_resource(
        ResourceDef::function("demo://readme", "readme", |_cx: Context| async move {
            text("demo://readme", "text/markdown", README)
        })
        .with_title("Read me")
        .with_description("What this server shows (Markdown)")
        .with_mime_type("text/markdown"),
    );
    mcp.add_resource(
        ResourceDef::function("demo://config.json", "config", |_cx: Context| async move {
            let config = json!({
                "server": super::NAME,
                "features": ["tools", "resources", "prompts", "logging", "sampling", "elicitation", "roots", "apps"],
                "limits": {"maxSteps": 50, "maxTravelers": 9},
            });
            text(
                "demo://config.json",
                "application/json",
                serde_json::to_string_pretty(&config).expect("JSON serializes"),
            )
        })
        .with_title("Configuration")
        .with_description("The server's settings (JSON)")
        .with_mime_type("application/json"),
    );
    mcp.add_resource(
        ResourceDef::binary("demo://logo.png", "logo", LOGO_PNG.to_vec(), "image/png")
            .with_title("Logo")
            .with_description("A PNG image (a blob resource)"),
    );
    let note = notes.clone();
    mcp.add_resource(
        ResourceDef::function(NOTE_URI, "today", move |_cx: Context| {
            let note = note.clone();
            async move { text(NOTE_URI, "text/plain", note.text()) }
        })
        .with_title("Today's note")
        .with_description("Changes when touch_note runs: subscribe to see the updates")
        .with_mime_type("text/plain"),
    );
    mcp.add_resource(
        ResourceTemplateDef::new(
            "demo://users/{user_id}/profile",
            "user_profile",
            |_cx: Context, vars| async move {
                let id = vars.get("user_id").cloned().unwrap_or_default();
                let known = USERS.contains(&id.as_str());
                let profile = json!({
                    "id": id,
                    "known": known,
                    "displayName": capitalize(&id),
                    "joined": if known { "1970-01-01" } else { "never" },
                });
                text(
                    &format!("demo://users/{id}/profile"),
                    "application/json",
                    serde_json::to_string_pretty(&profile).expect("JSON serializes"),
                )
            },
        )
        .expect("the template parses")
        .with_title("User profile")
        .with_description("A user's profile; the user id completes")
        .with_mime_type("application/json"),
    );
    mcp.add_resource(
        ResourceTemplateDef::new(
            "demo://colors/{name}.svg",
            "color_swatch",
            |_cx: Context, vars| async move {
                let name = vars.get("name").cloned().unwrap_or_default();
                let hex = COLOURS
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map_or("#888888", |(_, hex)| hex);
                let svg = format!(
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"160\" height=\"96\">\
                     <rect width=\"160\" height=\"96\" rx=\"12\" fill=\"{hex}\"/>\
                     <text x=\"12\" y=\"84\" font-family=\"sans-serif\" font-size=\"16\" \
                     fill=\"white\">{name}</text></svg>"
                );
                ResourceContents::from(
                    BlobResourceContents::new(
                        format!("demo://colors/{name}.svg"),
                        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, svg),
                    )
                    .with_mime_type("image/svg+xml"),
                )
            },
        )
        .expect("the template parses")
        .with_title("Colour swatch")
        .with_description("An SVG image of a named colour; the name completes")
        .with_mime_type("image/svg+xml"),
    );
    mcp.add_completion(
        ResourceTemplateReference::new("demo://users/{user_id}/profile"),
        "user_id",
        |_cx, typed, _args| async move { starting_with(USERS.iter().copied(), &typed) },
    );
    mcp.add_completion(
        ResourceTemplateReference::new("demo://colors/{name}.svg"),
        "name",
        |_cx, typed, _args| async move { starting_with(COLOURS.iter().map(|(n, _)| *n), &typed) },
    );
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The candidates starting with what was typed (case-insensitively).
pub fn starting_with<'a>(candidates: impl Iterator<Item = &'a str>, typed: &str) -> Vec<String> {
    let typed = typed.to_lowercase();
    candidates
        .filter(|c| c.to_lowercase().starts_with(&typed))
        .map(str::to_owned)
        .collect()
}
