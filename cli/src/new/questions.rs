//! The questions `mcp new` asks on a terminal (dialoguer, on stderr), one per answer the
//! command line left open.

use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, Input, MultiSelect, Select};

use super::{Capability, Preset, Template, Transport};
use crate::error::{CliError, Result};

/// Asks on the terminal.
pub struct Questions {
    theme: ColorfulTheme,
}

impl Default for Questions {
    fn default() -> Self {
        Self::new()
    }
}

/// A question that could not be asked or was abandoned (Ctrl-C, Esc, a closed terminal).
fn cancelled(error: dialoguer::Error) -> CliError {
    CliError::usage(format!("no answer: {error}"))
        .hint("answer the questions, or give every answer as a flag with --yes")
}

/// Picks one of `choices` by its label.
fn select<T: Copy + PartialEq>(
    theme: &ColorfulTheme,
    prompt: &str,
    choices: &[T],
    label: fn(T) -> &'static str,
    default: T,
) -> Result<T> {
    let default = choices.iter().position(|c| *c == default).unwrap_or(0);
    let index = Select::with_theme(theme)
        .with_prompt(prompt)
        .items(choices.iter().map(|c| label(*c)))
        .default(default)
        .interact()
        .map_err(cancelled)?;
    Ok(choices[index])
}

impl Questions {
    /// Questions in the default colourful style (plain when `NO_COLOR` is set or stderr is not
    /// a colour terminal: dialoguer's `console` decides).
    pub fn new() -> Self {
        Self {
            theme: ColorfulTheme::default(),
        }
    }

    /// The project's name, checked by `check` until it passes.
    pub fn name(&self, default: &str, check: fn(&str) -> Result<(), String>) -> Result<String> {
        Input::<String>::with_theme(&self.theme)
            .with_prompt("Project name")
            .default(default.to_owned())
            .validate_with(|name: &String| check(name))
            .interact_text()
            .map_err(cancelled)
    }

    /// The template.
    pub fn template(&self) -> Result<Template> {
        select(
            &self.theme,
            "Template",
            &Template::ALL,
            Template::label,
            Template::Rust,
        )
    }

    /// One line saying what the server is for.
    pub fn description(&self, default: &str) -> Result<String> {
        Input::<String>::with_theme(&self.theme)
            .with_prompt("Description")
            .default(default.to_owned())
            .validate_with(|text: &String| super::check_description(text))
            .interact_text()
            .map_err(cancelled)
    }

    /// What the sample does.
    pub fn preset(&self) -> Result<Preset> {
        select(
            &self.theme,
            "Preset",
            &Preset::ALL,
            Preset::label,
            Preset::Minimal,
        )
    }

    /// How hosts reach the server.
    pub fn transport(&self) -> Result<Transport> {
        select(
            &self.theme,
            "Transport",
            &Transport::ALL,
            Transport::label,
            Transport::Stdio,
        )
    }

    /// Whether the HTTP endpoint requires a bearer token.
    pub fn auth(&self) -> Result<bool> {
        Confirm::with_theme(&self.theme)
            .with_prompt("Require a bearer token (MCP_AUTH_TOKEN) over HTTP?")
            .default(false)
            .interact()
            .map_err(cancelled)
    }

    /// Which samples to include (at least one).
    pub fn capabilities(&self) -> Result<Vec<Capability>> {
        loop {
            let chosen = MultiSelect::with_theme(&self.theme)
                .with_prompt("Samples to include (space toggles, enter accepts)")
                .items(["tools", "resources", "prompts"])
                .defaults(&[true; 3])
                .interact()
                .map_err(cancelled)?;
            if !chosen.is_empty() {
                return Ok(chosen.into_iter().map(|i| Capability::ALL[i]).collect());
            }
            eprintln!("Pick at least one: a server with nothing to offer has nothing to test.");
        }
    }

    /// Whether to make the project a git repository.
    pub fn git(&self, default: bool) -> Result<bool> {
        Confirm::with_theme(&self.theme)
            .with_prompt("Initialize a git repository?")
            .default(default)
            .interact()
            .map_err(cancelled)
    }
}
