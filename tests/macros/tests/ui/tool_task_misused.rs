#[mcp::tool(task = "sometimes")]
async fn render() -> String {
    String::new()
}

#[mcp::tool(defer_task)]
async fn ask_then_work() -> String {
    String::new()
}

fn main() {}
