struct Report {
    lines: Vec<String>,
}

#[mcp::tool]
fn report() -> Report {
    Report { lines: Vec::new() }
}

fn main() {}
