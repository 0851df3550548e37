//! What a new project is made of: the template, the preset, the transport and the sample
//! capabilities, each a closed set of choices.

use std::fmt;
use std::path::PathBuf;

use clap::ValueEnum;

use super::names::Names;

/// The language and SDK of the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Template {
    /// A Cargo project on this toolchain's SDK (`FastMcp`).
    Rust,
    /// A uv project on the official Python SDK (`MCPServer`).
    Python,
    /// An npm project on the official TypeScript SDK (`McpServer`).
    Typescript,
}

impl Template {
    /// Every template, in the order the questions offer them.
    pub const ALL: [Template; 3] = [Template::Rust, Template::Python, Template::Typescript];

    /// The template's directory under `templates/`.
    pub fn dir(self) -> &'static str {
        match self {
            Template::Rust => "rust",
            Template::Python => "python",
            Template::Typescript => "typescript",
        }
    }

    /// A line for the question that picks it.
    pub fn label(self) -> &'static str {
        match self {
            Template::Rust => "Rust        a Cargo project on the mcp crate's FastMcp",
            Template::Python => "Python      a uv project on the official SDK's MCPServer",
            Template::Typescript => "TypeScript  an npm project on the official SDK's McpServer",
        }
    }
}

/// What the sample server does beyond the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Preset {
    /// A tool that adds, a greeting resource, a code-review prompt.
    Minimal,
    /// A wrapper of a JSON HTTP API (outgoing HTTP calls, a configurable base URL and token).
    Api,
    /// Notes in a SQLite database.
    Database,
}

impl Preset {
    /// Every preset, in the order the questions offer them.
    pub const ALL: [Preset; 3] = [Preset::Minimal, Preset::Api, Preset::Database];

    /// A line for the question that picks it.
    pub fn label(self) -> &'static str {
        match self {
            Preset::Minimal => "minimal   a tool, a resource and a prompt",
            Preset::Api => "api       wraps a JSON HTTP API (outgoing requests)",
            Preset::Database => "database  notes in a SQLite database",
        }
    }
}

/// How hosts reach the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Transport {
    /// Started by the host, speaking on stdin/stdout.
    Stdio,
    /// Streamable HTTP at `/mcp`, both protocol eras (and stdio with `--stdio`).
    Http,
}

impl Transport {
    /// Every transport, in the order the questions offer them.
    pub const ALL: [Transport; 2] = [Transport::Stdio, Transport::Http];

    /// A line for the question that picks it.
    pub fn label(self) -> &'static str {
        match self {
            Transport::Stdio => {
                "stdio            started by the host (Claude Desktop, Cursor, ...)"
            }
            Transport::Http => {
                "Streamable HTTP  a server clients connect to (and stdio with --stdio)"
            }
        }
    }
}

/// A kind of sample the server offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum Capability {
    /// Tools the model calls.
    Tools,
    /// Resources the application reads.
    Resources,
    /// Prompts the user picks.
    Prompts,
}

impl Capability {
    /// Every capability, in the order the questions offer them.
    pub const ALL: [Capability; 3] = [
        Capability::Tools,
        Capability::Resources,
        Capability::Prompts,
    ];
}

macro_rules! display_as_value_name {
    ($($ty:ty),*) => {$(
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let value = self.to_possible_value().expect("no variant is skipped");
                f.write_str(value.get_name())
            }
        }
    )*};
}

display_as_value_name!(Template, Preset, Transport, Capability);

/// Everything a new project is made from: the answers, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// Where it is written.
    pub dir: PathBuf,
    /// Its names in its ecosystem.
    pub names: Names,
    /// Its language.
    pub template: Template,
    /// What the sample does.
    pub preset: Preset,
    /// How hosts reach it.
    pub transport: Transport,
    /// Whether the HTTP endpoint requires a bearer token.
    pub auth: bool,
    /// One line saying what the server is for.
    pub description: String,
    /// The samples it offers (never empty).
    pub capabilities: Vec<Capability>,
    /// The Rust template's SDK as a path dependency (else by version).
    pub sdk_path: Option<PathBuf>,
}

impl Project {
    /// Whether it offers `capability`.
    pub fn offers(&self, capability: Capability) -> bool {
        self.capabilities.contains(&capability)
    }
}
