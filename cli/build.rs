//! The `mcp new` templates are embedded with `include_dir!`, which cannot tell cargo about the
//! files it reads: rebuild whenever anything under templates/ changes.

fn main() {
    println!("cargo::rerun-if-changed=../templates");
}
