#[mcp::resource("users://{user_id}/posts/{post_id}")]
fn post(user_id: u64) -> String {
    user_id.to_string()
}

fn main() {}
