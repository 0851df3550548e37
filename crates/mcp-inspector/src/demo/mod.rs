//! The demo server `mcp dev` inspects when given no server: one of everything a server can
//! offer, so one command shows a newcomer the whole protocol. It is an ordinary
//! [`FastMcp`] server. `mcp dev` runs it as a child process (`mcp demo-server`, over stdio)
//! so the inspector's own memory stays small; [`target`] inspects it in process instead, over
//! the in-memory transport, for programs that embed the inspector.
//!
//! ```
//! let server = mcp_inspector::demo::server();
//! assert!(server.tools().iter().any(|t| t.name == "book_trip"));
//! ```

mod app;
mod prompts;
mod resources;
mod tools;

use mcp::fastmcp::FastMcp;

use crate::target::InProcessTarget;

/// The demo server's name.
pub const NAME: &str = "mcp-demo";

/// A fresh demo server.
pub fn server() -> FastMcp {
    let mcp = FastMcp::builder(NAME)
        .title("The mcp dev demo server")
        .version(env!("CARGO_PKG_VERSION"))
        // Lists come in pages of 12, so the inspector's pagination shows.
        .page_size(12)
        .instructions(
            "A tour of the Model Context Protocol. Tools: book_trip has a form with every kind \
             of field, show_media returns images, audio and resources, long_task reports \
             progress, ask_model samples, plan_party and link_account elicit, list_roots asks \
             for roots, toggle_bonus_tool changes the tool list, touch_note updates a \
             subscribable resource, show_dashboard renders an MCP App.",
        )
        .build();
    let notes = resources::Notes::default();
    tools::add(&mcp, &notes);
    resources::add(&mcp, &notes);
    prompts::add(&mcp);
    app::add(&mcp);
    mcp
}

/// The demo server as an inspector target.
pub fn target() -> InProcessTarget {
    InProcessTarget::fastmcp(NAME, server)
}
