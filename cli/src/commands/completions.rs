//! `mcp completions SHELL`: a completion script for bash, zsh, fish, PowerShell or elvish.

use std::process::ExitCode;

/// Arguments of `mcp completions`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  mcp completions bash > ~/.local/share/bash-completion/completions/mcp\n  mcp completions zsh > \"${fpath[1]}/_mcp\"\n  mcp completions fish > ~/.config/fish/completions/mcp.fish"
)]
pub struct Args {
    /// The shell.
    shell: clap_complete::Shell,
}

/// Prints the script on stdout.
pub fn run(args: &Args, command: &mut clap::Command) -> ExitCode {
    clap_complete::generate(args.shell, command, "mcp", &mut std::io::stdout());
    ExitCode::SUCCESS
}
