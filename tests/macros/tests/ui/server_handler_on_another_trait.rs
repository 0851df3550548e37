trait Greeter {
    fn greet(&self) -> String;
}

struct Hello;

#[mcp::server_handler]
impl Greeter for Hello {
    fn greet(&self) -> String {
        "hi".into()
    }
}

fn main() {}
