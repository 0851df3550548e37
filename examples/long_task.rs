//! The Python SDK README's `Context` example: a long task that logs, reports progress and reads
//! resources of its own server.
//!
//! ```sh
//! cargo run --example long_task
//! ```

use mcp::fastmcp::{Context, FastMcp};

/// The contents of a file, as a resource.
#[mcp::resource("file:///{+path}")]
async fn read_file(path: String) -> Result<String, std::io::Error> {
    tokio::fs::read_to_string(format!("/{path}")).await
}

/// Process multiple files with progress tracking
///
/// # Arguments
/// * `files` - absolute paths of the files to process
#[mcp::tool]
async fn long_task(files: Vec<String>, ctx: Context) -> mcp::Result<String> {
    let total = files.len() as f64;
    let mut bytes = 0;
    for (i, file) in files.iter().enumerate() {
        ctx.info(format!("Processing {file}"))?;
        ctx.report_progress(i as f64, Some(total), None)?;
        let contents = ctx.read_resource(&format!("file://{file}")).await?;
        bytes += contents
            .iter()
            .filter_map(|c| c.as_text())
            .map(str::len)
            .sum::<usize>();
    }
    ctx.report_progress(total, Some(total), Some("done"))?;
    Ok(format!(
        "Processing complete: {} files, {bytes} bytes",
        files.len()
    ))
}

#[tokio::main]
async fn main() -> mcp::Result<()> {
    let mcp = FastMcp::new("My App");
    mcp.add_resource(read_file::resource());
    mcp.add_tool(long_task::tool());
    mcp.run().await
}
