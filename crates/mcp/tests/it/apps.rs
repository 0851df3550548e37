//! MCP Apps (`io.modelcontextprotocol/ui`) end to end, in both protocol eras: a FastMcp tool
//! and its view added in one call (the tool's `_meta.ui`, the view's MIME type and `_meta.ui` on
//! its listing and contents), a tool answering a client that renders views differently from
//! one that does not, a view read from a file anew on each read, the views FastMcp refuses, and
//! the client reading a view as a host would, refusing one of another MIME type.

use mcp::client::{AppViewError, Client};
use mcp::fastmcp::{AppError, AppView, Context, FastMcp, ResourceDef};
use mcp::transport::memory;
use mcp::types::extensions::apps::{
    APP_MIME_TYPE, UiCsp, UiPermissions, UiResourceMeta, UiToolMeta, UiVisibility,
    client_supports_apps,
};
use mcp::types::{ProtocolVersion, ResourceContents};
use serde_json::json;

const ERAS: [ProtocolVersion; 2] = [ProtocolVersion::V2025_11_25, ProtocolVersion::V2026_07_28];

const VIEW: &str = "ui://clock/view.html";
const HTML: &str = "<!doctype html><p id=time>--:--</p>";

/// The time, with a clock view
#[mcp::tool]
async fn get_time(ctx: Context) -> String {
    if client_supports_apps(ctx.request().client_capabilities()) {
        "12:00 (shown in the clock view)".to_owned()
    } else {
        "It is 12:00.".to_owned()
    }
}

/// The time, for the view
#[mcp::tool]
async fn tick() -> String {
    "12:01".to_owned()
}

fn view() -> AppView {
    AppView::html(VIEW, HTML)
        .with_title("Clock")
        .with_csp(
            UiCsp::default()
                .connect_domain("https://time.example.com")
                .resource_domain("https://cdn.example.com"),
        )
        .with_permissions(UiPermissions::default().clipboard_write())
        .with_prefers_border(true)
}

fn server() -> FastMcp {
    let mcp = FastMcp::new("clock");
    mcp.add_app_tool(get_time::tool(), &view()).unwrap();
    mcp.add_app_tool(
        tick::tool().with_ui_visibility([UiVisibility::App]),
        &view(),
    )
    .unwrap();
    mcp
}

async fn connect(mcp: &FastMcp, version: ProtocolVersion, apps: bool) -> Client {
    let (a, b) = memory::pair();
    let server = mcp.server();
    server.start().await.unwrap();
    let _session = server.connect(a);
    let mut builder = Client::builder().protocol_version(version);
    if apps {
        builder = builder.apps();
    }
    builder.connect(b).await.unwrap()
}

#[tokio::test]
async fn a_tool_and_its_view_are_served_in_one_call_in_both_eras() {
    let mcp = server();
    for version in ERAS {
        let client = connect(&mcp, version, false).await;
        let tools = client.list_all_tools().await.unwrap();
        let get_time = tools.iter().find(|t| t.name == "get_time").unwrap();
        let meta = serde_json::to_value(&get_time.meta).unwrap();
        assert_eq!(
            meta,
            json!({"ui": {"resourceUri": VIEW}, "ui/resourceUri": VIEW}),
            "{version}"
        );
        let tick = UiToolMeta::of(tools.iter().find(|t| t.name == "tick").unwrap()).unwrap();
        assert_eq!(tick.visibility, Some(vec![UiVisibility::App]));
        assert!(!tick.visible_to(UiVisibility::Model));
        assert_eq!(client.list_app_tools().await.unwrap().len(), 2);

        // One resource for the two tools, with its metadata where hosts look for it.
        let resources = client.list_all_resources().await.unwrap();
        assert_eq!(resources.len(), 1, "{version}");
        let listed = &resources[0];
        assert_eq!(listed.mime_type.as_deref(), Some(APP_MIME_TYPE));
        assert_eq!(listed.title.as_deref(), Some("Clock"));
        let expected_ui = json!({
            "csp": {
                "connectDomains": ["https://time.example.com"],
                "resourceDomains": ["https://cdn.example.com"]
            },
            "permissions": {"clipboardWrite": {}},
            "prefersBorder": true
        });
        assert_eq!(
            serde_json::to_value(&listed.meta).unwrap()["ui"],
            expected_ui
        );
        let read = client.read_resource(VIEW).await.unwrap();
        let ResourceContents::Text(contents) = &read.contents[0] else {
            panic!("{version}: a text document")
        };
        assert_eq!(contents.text, HTML);
        assert_eq!(contents.mime_type.as_deref(), Some(APP_MIME_TYPE));
        assert_eq!(
            serde_json::to_value(&contents.meta).unwrap()["ui"],
            expected_ui
        );

        let shown = client.read_app_view(VIEW).await.unwrap();
        assert_eq!(shown.html, HTML);
        assert_eq!(shown.meta, *view().meta());
        client.close().await;
    }
}

#[tokio::test]
async fn a_client_that_renders_views_says_so_and_gets_the_answer_meant_for_them() {
    let mcp = server();
    for version in ERAS {
        for (apps, expected) in [
            (false, "It is 12:00."),
            (true, "12:00 (shown in the clock view)"),
        ] {
            let client = connect(&mcp, version, apps).await;
            assert_eq!(client_supports_apps(client.capabilities()), apps);
            let result = client.call_tool("get_time", json!({})).await.unwrap();
            assert_eq!(
                result.content[0].as_text(),
                Some(expected),
                "{version}, apps: {apps}"
            );
            client.close().await;
        }
    }
}

#[tokio::test]
async fn a_view_from_a_file_is_read_anew_each_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("view.html");
    std::fs::write(&path, "<p>first</p>").unwrap();
    let mcp = FastMcp::new("files");
    mcp.add_app_tool(get_time::tool(), &AppView::file(VIEW, &path))
        .unwrap();
    let client = connect(&mcp, ProtocolVersion::V2026_07_28, true).await;
    assert_eq!(
        client.read_app_view(VIEW).await.unwrap().html,
        "<p>first</p>"
    );
    std::fs::write(&path, "<p>second</p>").unwrap();
    let shown = client.read_app_view(VIEW).await.unwrap();
    assert_eq!(shown.html, "<p>second</p>");
    assert_eq!(shown.meta, UiResourceMeta::default());
    std::fs::remove_file(&path).unwrap();
    let gone = client.read_app_view(VIEW).await.unwrap_err();
    assert!(
        matches!(&gone, AppViewError::Request(e) if e.to_string().contains("cannot be read")),
        "{gone}"
    );
    client.close().await;
}

#[tokio::test]
async fn views_outside_ui_or_with_a_policy_that_is_not_origins_are_refused() {
    let mcp = FastMcp::new("refusals");
    let not_ui = mcp.add_app_tool(get_time::tool(), &AppView::html("https://x/view", HTML));
    assert!(matches!(not_ui, Err(AppError::NotUiScheme(_))));
    let injected = AppView::html(VIEW, HTML)
        .with_csp(UiCsp::default().connect_domain("https://time.example.com; script-src *"));
    let error = mcp.add_app_tool(get_time::tool(), &injected).unwrap_err();
    assert!(
        matches!(&error, AppError::BadMeta { problem, .. } if problem.field == "connectDomains"),
        "{error}"
    );
    assert!(mcp.tools().is_empty(), "nothing was added");
    assert!(mcp.resources().is_empty(), "nothing was added");
}

#[tokio::test]
async fn the_client_refuses_a_view_a_host_would_not_render() {
    let mcp = FastMcp::new("wrong");
    mcp.add_resource(ResourceDef::text(
        "ui://plain/view.html",
        "plain",
        "<p>hi</p>",
    ));
    mcp.add_tool(tick::tool().with_meta("ui", json!({"resourceUri": "ui://plain/view.html"})));
    let client = connect(&mcp, ProtocolVersion::V2025_11_25, true).await;
    let wrong = client
        .read_app_view("ui://plain/view.html")
        .await
        .unwrap_err();
    assert!(
        matches!(&wrong, AppViewError::WrongMimeType { mime_type, .. } if mime_type == "text/plain"),
        "{wrong}"
    );
    let not_ui = client
        .read_app_view("https://example.com/")
        .await
        .unwrap_err();
    assert!(matches!(not_ui, AppViewError::NotUiScheme(_)));
    client.close().await;
}
