//! The Python SDK README's image example: a tool that makes a thumbnail of an image file.
//!
//! ```sh
//! cargo run --example images
//! ```

use mcp::fastmcp::{FastMcp, Image};

/// Create a thumbnail from an image
///
/// # Arguments
/// * `image_path` - the image file (PNG or JPEG)
#[mcp::tool]
fn create_thumbnail(image_path: String) -> Result<Image, String> {
    let img = image::open(&image_path).map_err(|e| format!("cannot open {image_path}: {e}"))?;
    let thumbnail = img.thumbnail(100, 100);
    let mut png = Vec::new();
    thumbnail
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| format!("cannot encode the thumbnail: {e}"))?;
    Ok(Image::new(png, "png"))
}

#[tokio::main]
async fn main() -> mcp::Result<()> {
    let mcp = FastMcp::new("My App");
    mcp.add_tool(create_thumbnail::tool());
    mcp.run().await
}
