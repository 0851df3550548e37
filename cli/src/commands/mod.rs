//! One module per subcommand, and the pieces they share.

pub mod call;
pub mod check;
pub mod completions;
pub mod dev;
pub mod get_prompt;
pub mod install;
pub mod list;
pub mod list_items;
pub mod new;
pub mod read;
pub mod run;
pub mod skills;
pub mod uninstall;
pub mod version;

use std::future::Future;
use std::time::Duration;

use mcp::client::Client;

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

/// How a one-request subcommand reaches its server: the spec's options and the connection's.
#[derive(Debug, Clone, clap::Args)]
pub struct Reach {
    #[command(flatten)]
    spec: SpecArgs,
    #[command(flatten)]
    connect: ConnectArgs,
}

impl Reach {
    /// The connection options.
    pub fn connect(&self) -> &ConnectArgs {
        &self.connect
    }

    /// The same reach with the server's stderr, log messages and progress hidden.
    pub fn quietly(&self) -> Self {
        let mut quiet = self.clone();
        quiet.connect.quiet = true;
        quiet
    }

    /// Opens `spec`, runs `exchange` with the connected client and the UI its messages go to,
    /// then closes the connection, whatever the exchange's outcome.
    pub fn exchange<T>(
        &self,
        spec: &Spec,
        exchange: impl AsyncFnOnce(&Client, &Ui) -> Result<T>,
    ) -> Result<T> {
        let ui = Ui::new(self.connect.quiet);
        block_on(async {
            let (_, connection) = open(spec, &self.spec, &self.connect, &ui).await?;
            let outcome = exchange(&connection.client, &ui).await;
            close(connection).await;
            outcome
        })
    }
}

/// Prints a JSON document on stdout. JSON escapes the C0 controls but not the C1 ones
/// (U+0080 to U+009F), which some terminals act on: those are escaped too.
pub fn print_json(value: &impl serde::Serialize) {
    let text = serde_json::to_string_pretty(value).expect("serializable");
    if !text.chars().any(|c| c.is_control() && c > '\u{7f}') {
        println!("{text}");
        return;
    }
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c > '\u{7f}' {
            escaped.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            escaped.push(c);
        }
    }
    println!("{escaped}");
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
