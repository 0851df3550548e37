#[mcp::resource]
fn config() -> String {
    "settings".into()
}

fn main() {}
