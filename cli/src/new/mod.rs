//! `mcp new`: project templates that work out of the box.
//!
//! The templates live in the repository's `templates/` directory (one per language) and are
//! embedded in the binary, so an installed `mcp` scaffolds from anywhere. A project is
//! described by [`Project`] (from flags or [`questions`]), its name checked against its
//! ecosystem's rules by [`names`], rendered by [`render`] with minijinja, then [`setup`]
//! initializes git and installs the dependencies.

pub mod names;
pub mod options;
pub mod questions;
pub mod render;
pub mod setup;

pub use options::{Capability, Preset, Project, Template, Transport};

/// Checks a description: one line of text (it lands in code comments, string literals and
/// manifests), not empty, at most 200 characters.
pub fn check_description(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("the description is empty".into());
    }
    if text.chars().any(char::is_control) {
        return Err("the description is one line of text, without control characters".into());
    }
    if text.chars().count() > 200 {
        return Err("the description has at most 200 characters".into());
    }
    Ok(())
}

/// Checks `name` by the rules of `template`'s ecosystem.
pub fn check_name(template: Template, name: &str) -> Result<names::Names, String> {
    match template {
        Template::Rust => names::rust(name),
        Template::Python => names::python(name),
        Template::Typescript => names::npm(name),
    }
}
