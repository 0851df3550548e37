//! The `test://` resources: static text, a binary blob, a template and a resource to
//! subscribe to.

use mcp::fastmcp::{FastMcp, ResourceDef};

use crate::tools::test_image;

/// A resource template with parameter substitution
#[mcp::resource("test://template/{id}/data", mime_type = "application/json")]
fn template_resource(id: String) -> String {
    serde_json::json!({"id": id, "templateTest": true, "data": format!("Data for ID: {id}")})
        .to_string()
}

/// Adds the resources to `mcp`.
pub fn register(mcp: &FastMcp) {
    mcp.add_resource(
        ResourceDef::text(
            "test://static-text",
            "static_text_resource",
            "This is the content of the static text resource.",
        )
        .with_description("A static text resource for testing"),
    );
    mcp.add_resource(
        ResourceDef::binary(
            "test://static-binary",
            "static_binary_resource",
            test_image(),
            "image/png",
        )
        .with_description("A static binary resource (image) for testing"),
    );
    mcp.add_resource(template_resource::resource());
    mcp.add_resource(
        ResourceDef::text(
            "test://watched-resource",
            "watched_resource",
            "Watched resource content",
        )
        .with_description("A resource that can be subscribed to for updates"),
    );
}
