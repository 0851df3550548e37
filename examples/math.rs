//! The usage guide's "groups and operations" pattern: the methods of one struct registered as
//! tools under a prefix (`math.add`, `math.slow_add`), sharing the struct's state.
//!
//! ```sh
//! cargo run --example math
//! ```

use mcp::fastmcp::{Context, FastMcp};

/// Settings of the group, shared by its tools.
struct MathConfig {
    precision: usize,
}

/// Math operations.
struct MathGroup {
    config: MathConfig,
}

#[mcp::tools]
impl MathGroup {
    /// Adds two numbers and returns the result as a string.
    #[tool]
    async fn add(&self, x: f64, y: f64) -> String {
        format!("{:.*}", self.config.precision, x + y)
    }

    /// Slowly adds two numbers and logs progress.
    #[tool]
    async fn slow_add(&self, x: f64, y: f64, ctx: Context) -> mcp::Result<String> {
        ctx.info("Starting slow_add operation...")?;
        ctx.report_progress(0.0, Some(100.0), None)?;
        // Simulate chunking
        for i in (20..=100).step_by(20) {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            ctx.report_progress(f64::from(i), Some(100.0), None)?;
        }
        let result = format!("{:.*}", self.config.precision, x + y);
        ctx.info(format!("Done. The result is {result}"))?;
        Ok(result)
    }
}

#[tokio::main]
async fn main() -> mcp::Result<()> {
    let server = FastMcp::builder("MyLLMServer")
        .instructions("This server offers LLM tools and resources")
        .build();
    server.add_group(
        "math",
        MathGroup {
            config: MathConfig { precision: 2 },
        },
    );
    server.run().await
}
