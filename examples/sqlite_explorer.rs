//! The Python SDK README's SQLite explorer: the schema as a resource, and a tool that runs SQL.
//!
//! It opens `database.db` in the working directory (SQLite creates it when missing), or the file
//! named by `SQLITE_DB`. SQLite is built in (rusqlite's bundled build): nothing to install.
//!
//! ```sh
//! cargo run --example sqlite_explorer
//! ```

use mcp::fastmcp::FastMcp;
use rusqlite::Connection;
use rusqlite::types::ValueRef;

fn database() -> rusqlite::Result<Connection> {
    let path = std::env::var("SQLITE_DB").unwrap_or_else(|_| "database.db".to_owned());
    Connection::open(path)
}

/// Provide the database schema as a resource
#[mcp::resource("schema://main")]
fn get_schema() -> Result<String, rusqlite::Error> {
    let conn = database()?;
    let mut statement = conn.prepare("SELECT sql FROM sqlite_master WHERE type='table'")?;
    let schema: Vec<String> = statement
        .query_map([], |row| row.get::<_, Option<String>>(0))?
        .filter_map(|sql| sql.transpose())
        .collect::<Result<_, _>>()?;
    Ok(schema.join("\n"))
}

fn show(value: ValueRef<'_>) -> String {
    match value {
        ValueRef::Null => "None".to_owned(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(f) => f.to_string(),
        ValueRef::Text(t) => format!("'{}'", String::from_utf8_lossy(t)),
        ValueRef::Blob(b) => format!("<{} bytes>", b.len()),
    }
}

/// Execute SQL queries safely
#[mcp::tool]
fn query_data(sql: String) -> String {
    let run = || -> rusqlite::Result<String> {
        let conn = database()?;
        let mut statement = conn.prepare(&sql)?;
        let columns = statement.column_count();
        let rows = statement.query_map([], |row| {
            let values: Vec<String> = (0..columns)
                .map(|i| row.get_ref(i).map(show))
                .collect::<Result<_, _>>()?;
            Ok(format!("({})", values.join(", ")))
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?.join("\n"))
    };
    run().unwrap_or_else(|e| format!("Error: {e}"))
}

#[tokio::main]
async fn main() -> mcp::Result<()> {
    let mcp = FastMcp::new("SQLite Explorer");
    mcp.add_resource(get_schema::resource());
    mcp.add_tool(query_data::tool());
    mcp.run().await
}
