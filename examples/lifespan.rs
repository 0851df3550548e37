//! The Python SDK README's lifespan example: a database opened before the server serves,
//! closed after, and reached from a tool through the context.
//!
//! ```sh
//! cargo run --example lifespan
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use mcp::BoxError;
use mcp::fastmcp::{Context, FastMcp};
use mcp::server::Lifespan;

/// A stand-in for a real database connection.
struct Database {
    queries: AtomicU64,
}

impl Database {
    async fn connect() -> Result<Self, BoxError> {
        eprintln!("lifespan: database connected");
        Ok(Self {
            queries: AtomicU64::new(0),
        })
    }

    async fn disconnect(&self) {
        eprintln!("lifespan: database disconnected");
    }

    fn query(&self) -> String {
        let n = self.queries.fetch_add(1, Ordering::Relaxed) + 1;
        format!("query #{n} answered by the lifespan's database")
    }
}

/// What every tool can reach.
struct AppContext {
    db: Database,
}

/// Manage application lifecycle with type-safe context
struct AppLifespan;

impl Lifespan for AppLifespan {
    type State = AppContext;

    async fn start(&self) -> Result<AppContext, BoxError> {
        // Initialize on startup
        Ok(AppContext {
            db: Database::connect().await?,
        })
    }

    async fn stop(&self, state: Arc<AppContext>) {
        // Cleanup on shutdown
        state.db.disconnect().await;
    }
}

/// Tool that uses initialized resources
#[mcp::tool]
fn query_db(ctx: Context) -> mcp::Result<String> {
    let app = ctx.lifespan::<AppContext>()?;
    Ok(app.db.query())
}

#[tokio::main]
async fn main() -> mcp::Result<()> {
    let mcp = FastMcp::builder("My App")
        .dependencies(["pandas", "numpy"])
        .lifespan(AppLifespan)
        .build();
    mcp.add_tool(query_db::tool());
    mcp.run().await
}
