//! One module per subcommand, and the pieces they share.

pub mod call;
pub mod check;
pub mod completions;
pub mod dev;
pub mod get_prompt;
pub mod install;
pub mod list;
pub mod list_items;
pub mod read;
pub mod run;
pub mod uninstall;
pub mod version;

use std::future::Future;
use std::time::Duration;

use crate::connect::{self, ConnectArgs, Connection};
use crate::error::{CliError, Result};
use crate::spec::{self, Purpose, Resolved, Spec, SpecArgs};
use crate::ui::Ui;

/// The server a subcommand talks to: a spec, or a command line after `--`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServerArg {
    /// The server: a file, directory, URL or configured name (see `mcp --help`).
    #[arg(value_name = "SPEC")]
    pub spec: Option<String>,
    /// The server's command line, instead of SPEC.
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

impl ServerArg {
    /// The spec these arguments name.
    pub fn spec(&self) -> Result<Spec> {
        Spec::from_parts(self.spec.clone(), self.command.clone())
    }
}

/// Runs a future on a single-threaded runtime (the CLI does one thing at a time; a second
/// thread would only cost start-up time).
pub fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts")
        .block_on(future)
}

/// Resolves a spec for running it now.
pub fn resolve(spec: &Spec, args: &SpecArgs) -> Result<Resolved> {
    spec::resolve(spec, args, Purpose::Run)
}

/// Resolves and connects.
pub async fn open(
    spec: &Spec,
    spec_args: &SpecArgs,
    connect_args: &ConnectArgs,
    ui: &Ui,
) -> Result<(Resolved, Connection)> {
    let resolved = resolve(spec, spec_args)?;
    let connection = connect::connect(&resolved, connect_args, ui, false).await?;
    Ok((resolved, connection))
}

/// Closes a connection at the end of a one-request subcommand.
pub async fn close(connection: Connection) {
    connection.close(Duration::from_secs(2)).await;
}

/// Prints a JSON document on stdout.
pub fn print_json(value: &impl serde::Serialize) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("serializable")
    );
}

/// Splits `KEY=VALUE` words into pairs, with a usage error naming the bad one.
pub fn key_values(words: &[String], what: &str) -> Result<Vec<(String, String)>> {
    words
        .iter()
        .map(|word| {
            spec::parse_key_value(word)
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .ok_or_else(|| {
                    CliError::usage(format!("`{word}` is not KEY=VALUE"))
                        .hint(format!("give {what} as KEY=VALUE words"))
                })
        })
        .collect()
}

/// When the server was given after `--`, the positional words hold no SPEC: the first one is
/// the next argument. Returns the spec and the remaining words.
pub fn split_positionals(words: &[String], command: &[String]) -> Result<(Spec, Vec<String>)> {
    if command.is_empty() {
        let (spec, rest) = words.split_first().ok_or_else(|| {
            CliError::usage("no server given")
                .hint("name one as SPEC, or give its command line after `--`")
        })?;
        Ok((Spec::Named(spec.clone()), rest.to_vec()))
    } else {
        Ok((Spec::Command(command.to_vec()), words.to_vec()))
    }
}
