//! The server options every subcommand that starts or reaches a server shares, and what they
//! give: the server's environment, a remote server's headers and bearer token.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::error::{CliError, Result};

/// The options every subcommand that starts a server shares.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Server options")]
pub struct SpecArgs {
    /// An mcpServers JSON file (Claude Desktop, Cursor, .mcp.json, VS Code's mcp.json, Goose's
    /// config.yaml) to look server names up in.
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// Set an environment variable for the server (repeatable).
    #[arg(short = 'v', long = "env-var", value_name = "KEY=VALUE", global = true)]
    pub env_vars: Vec<String>,
    /// Load environment variables for the server from a .env file.
    #[arg(short = 'f', long = "env-file", value_name = "FILE", global = true)]
    pub env_file: Option<PathBuf>,
    /// An extra argument for the server (repeatable; for a command, put it after `--` instead).
    #[arg(
        long = "arg",
        value_name = "ARG",
        allow_hyphen_values = true,
        global = true
    )]
    pub server_args: Vec<String>,
    /// The Python interpreter for .py servers (default: uv when on PATH, else python3).
    #[arg(long, value_name = "PATH", env = "MCP_PYTHON", global = true)]
    pub python: Option<PathBuf>,
    /// The uv binary that runs .py servers (default: uv on PATH).
    #[arg(
        long,
        value_name = "PATH",
        env = "MCP_UV",
        global = true,
        conflicts_with = "python"
    )]
    pub uv: Option<PathBuf>,
    /// An extra Python package for a .py server run through uv (repeatable).
    #[arg(long = "with", value_name = "PACKAGE", global = true)]
    pub with: Vec<String>,
    /// A local Python project to install in editable mode for a .py server run through uv.
    #[arg(short = 'e', long = "with-editable", value_name = "DIR", global = true)]
    pub with_editable: Option<PathBuf>,
    /// The Node.js binary for .js servers (default: node on PATH).
    #[arg(long, value_name = "PATH", env = "MCP_NODE", global = true)]
    pub node: Option<PathBuf>,
    /// The binary of a Cargo project with several.
    #[arg(long, value_name = "NAME", global = true)]
    pub bin: Option<String>,
    /// Build a Cargo project in release mode (what `mcp install` does by default).
    #[arg(long, global = true, conflicts_with = "profile")]
    pub release: bool,
    /// Build a Cargo project with this Cargo profile (`dist`, `profiling`, one of your own),
    /// for `mcp install` too.
    #[arg(long, value_name = "NAME", global = true)]
    pub profile: Option<String>,
    /// An HTTP header for a remote server, as `NAME: VALUE` (repeatable).
    #[arg(
        short = 'H',
        long = "header",
        value_name = "NAME: VALUE",
        global = true
    )]
    pub headers: Vec<String>,
    /// Run a server defined by this directory's project config (.mcp.json, .cursor/mcp.json,
    /// ...) without asking first; remembered for that file, name and command.
    #[arg(long, global = true)]
    pub trust_project: bool,
    /// A bearer token for a remote server (sent as `Authorization: Bearer TOKEN`). A token on
    /// the command line is visible to other users in `ps`: prefer --bearer-token-file, or
    /// MCP_BEARER_TOKEN in the environment.
    #[arg(long, value_name = "TOKEN", global = true)]
    pub bearer_token: Option<String>,
    /// Read the bearer token for a remote server from this file (its first line).
    #[arg(
        long,
        value_name = "FILE",
        global = true,
        conflicts_with = "bearer_token"
    )]
    pub bearer_token_file: Option<PathBuf>,
}

/// The headers of `-H NAME: VALUE` and `--bearer-token` (which sets `Authorization`); only a
/// remote server takes them.
pub(super) fn headers(args: &SpecArgs) -> Result<BTreeMap<String, String>> {
    let mut headers = BTreeMap::new();
    for header in &args.headers {
        let (name, value) = header
            .split_once(':')
            .map(|(n, v)| (n.trim(), v.trim()))
            .filter(|(n, _)| !n.is_empty())
            .ok_or_else(|| {
                CliError::usage(format!("`{header}` is not an HTTP header"))
                    .hint("write headers as -H 'NAME: VALUE'")
            })?;
        headers.insert(name.to_owned(), value.to_owned());
    }
    if let Some(token) = bearer_token(args)? {
        headers.insert("Authorization".to_owned(), format!("Bearer {token}"));
    }
    Ok(headers)
}

/// The environment variable a remote server's bearer token can come from.
pub const BEARER_TOKEN_VAR: &str = "MCP_BEARER_TOKEN";

/// The bearer token for a remote server: `--bearer-token`, else the first line of
/// `--bearer-token-file`, else `MCP_BEARER_TOKEN`.
fn bearer_token(args: &SpecArgs) -> Result<Option<String>> {
    if let Some(token) = &args.bearer_token {
        return Ok(Some(token.clone()));
    }
    if let Some(file) = &args.bearer_token_file {
        let text = std::fs::read_to_string(file).map_err(|e| {
            CliError::usage(format!(
                "cannot read the bearer token file {}: {e}",
                file.display()
            ))
        })?;
        let token = text.lines().next().unwrap_or_default().trim();
        if token.is_empty() {
            return Err(CliError::usage(format!(
                "the bearer token file {} is empty",
                file.display()
            )));
        }
        return Ok(Some(token.to_owned()));
    }
    Ok(std::env::var(BEARER_TOKEN_VAR)
        .ok()
        .map(|token| token.trim().to_owned())
        .filter(|token| !token.is_empty()))
}

/// The server's environment from `-f FILE` then `-v KEY=VALUE` (later ones win).
pub fn environment(args: &SpecArgs) -> Result<BTreeMap<String, String>> {
    let mut env = BTreeMap::new();
    if let Some(file) = &args.env_file {
        let entries = dotenvy::from_path_iter(file).map_err(|e| {
            CliError::usage(format!("cannot read the env file {}: {e}", file.display()))
        })?;
        for entry in entries {
            let (key, value) = entry.map_err(|e| {
                CliError::usage(format!("{} is not a valid .env file: {e}", file.display()))
                    .hint("lines look like KEY=value; # starts a comment")
            })?;
            env.insert(key, value);
        }
    }
    for pair in &args.env_vars {
        let (key, value) = parse_key_value(pair).ok_or_else(|| {
            CliError::usage(format!("`{pair}` is not KEY=VALUE"))
                .hint("write environment variables as -v KEY=VALUE")
        })?;
        env.insert(key.to_owned(), value.to_owned());
    }
    Ok(env)
}

/// Splits `KEY=VALUE` (the key trimmed, non-empty).
pub fn parse_key_value(pair: &str) -> Option<(&str, &str)> {
    let (key, value) = pair.split_once('=')?;
    let key = key.trim();
    (!key.is_empty()).then_some((key, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_values_need_a_key() {
        assert_eq!(parse_key_value("A=b=c"), Some(("A", "b=c")));
        assert_eq!(parse_key_value("=x"), None);
        assert_eq!(parse_key_value("novalue"), None);
    }
}
