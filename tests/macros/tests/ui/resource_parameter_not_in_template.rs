#[mcp::resource("users://{user_id}/profile")]
fn profile(user_id: u64, verbose: bool) -> String {
    format!("{user_id} {verbose}")
}

fn main() {}
