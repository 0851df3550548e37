//! The demo's prompts: arguments (required and optional) whose values complete, rendered as a
//! conversation with an embedded resource.

use mcp::fastmcp::{Context, FastMcp, Message, PromptDef};
use mcp::types::{ContentBlock, PromptArgument, PromptReference, TextResourceContents};

use super::resources::starting_with;

const LANGUAGES: &[&str] = &[
    "c",
    "go",
    "java",
    "javascript",
    "kotlin",
    "python",
    "ruby",
    "rust",
    "swift",
    "typescript",
];
const STYLES: &[&str] = &["bullet points", "one paragraph", "one sentence", "haiku"];

/// The demo's prompts.
pub fn add(mcp: &FastMcp) {
    mcp.add_prompt(
        PromptDef::new(
            "code_review",
            vec![
                PromptArgument::new("language")
                    .with_description("The code's language (completes)")
                    .required(),
                PromptArgument::new("code")
                    .with_description("The code to review")
                    .required(),
                PromptArgument::new("focus").with_description("What to look at most (optional)"),
            ],
            |args| async move {
                let language = args.get("language").cloned().unwrap_or_default();
                let code = args.get("code").cloned().unwrap_or_default();
                let focus = args
                    .get("focus")
                    .filter(|f| !f.is_empty())
                    .map(|f| format!(" Pay most attention to {f}."))
                    .unwrap_or_default();
                vec![
                    Message::user(format!(
                        "Please review this {language} code.{focus}\n\n```{language}\n{code}\n```"
                    )),
                    Message::assistant(
                        "I'll read it for correctness first, then clarity, then speed.",
                    ),
                ]
            },
        )
        .with_title("Code review")
        .with_description("Ask for a review of some code"),
    );
    mcp.add_prompt(
        PromptDef::with_context(
            "summarize_readme",
            vec![
                PromptArgument::new("style")
                    .with_description("How to summarize (completes)")
                    .required(),
            ],
            |cx: Context, args| async move {
                let style = args.get("style").cloned().unwrap_or_default();
                let readme = cx
                    .read_resource("demo://readme")
                    .await?
                    .into_iter()
                    .next()
                    .and_then(|c| c.as_text().map(str::to_owned))
                    .unwrap_or_default();
                Ok::<_, mcp::Error>(vec![
                    Message::user(format!("Summarize this document as {style}:")),
                    Message::user(ContentBlock::resource(
                        TextResourceContents::new("demo://readme", readme)
                            .with_mime_type("text/markdown"),
                    )),
                ])
            },
        )
        .with_title("Summarize the readme")
        .with_description("A prompt that embeds a resource"),
    );
    mcp.add_completion(
        PromptReference::new("code_review"),
        "language",
        |_cx, typed, _args| async move { starting_with(LANGUAGES.iter().copied(), &typed) },
    );
    mcp.add_completion(
        PromptReference::new("summarize_readme"),
        "style",
        |_cx, typed, _args| async move { starting_with(STYLES.iter().copied(), &typed) },
    );
}
