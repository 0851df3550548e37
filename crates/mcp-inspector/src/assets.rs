//! The page: plain HTML, CSS and JavaScript modules, embedded in the binary at build time (no
//! Node toolchain). None of it holds the token: the page reads it from the URL's fragment.

/// One embedded file.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    /// Its path under `/assets/`.
    pub path: &'static str,
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// Its text.
    pub body: &'static str,
}

macro_rules! assets {
    ($( $path:literal => $content_type:literal ),* $(,)?) => {
        &[$(Asset {
            path: $path,
            content_type: $content_type,
            body: include_str!(concat!("../web/", $path)),
        }),*]
    };
}

/// The page's files under `/assets/`.
pub const ASSETS: &[Asset] = assets! {
    "app.css" => "text/css; charset=utf-8",
    "icon.svg" => "image/svg+xml",
    "js/main.js" => "text/javascript; charset=utf-8",
    "js/api.js" => "text/javascript; charset=utf-8",
    "js/dom.js" => "text/javascript; charset=utf-8",
    "js/state.js" => "text/javascript; charset=utf-8",
    "js/connection.js" => "text/javascript; charset=utf-8",
    "js/schema-form.js" => "text/javascript; charset=utf-8",
    "js/content.js" => "text/javascript; charset=utf-8",
    "js/tools.js" => "text/javascript; charset=utf-8",
    "js/resources.js" => "text/javascript; charset=utf-8",
    "js/prompts.js" => "text/javascript; charset=utf-8",
    "js/requests.js" => "text/javascript; charset=utf-8",
    "js/logs.js" => "text/javascript; charset=utf-8",
    "js/protocol.js" => "text/javascript; charset=utf-8",
    "js/network.js" => "text/javascript; charset=utf-8",
    "js/apps.js" => "text/javascript; charset=utf-8",
};

/// The page itself, served at `/`.
pub const INDEX_HTML: &str = include_str!("../web/index.html");

/// The MCP Apps sandbox proxy page, served on the sandbox origin.
pub const SANDBOX_HTML: &str = include_str!("../web/sandbox.html");

/// The sandbox proxy's script.
pub const SANDBOX_JS: &str = include_str!("../web/sandbox.js");

/// The embedded file at `path`, if any.
pub fn asset(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}
