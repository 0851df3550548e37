//! Servers a project defines (a repository's `.mcp.json`, `.cursor/mcp.json`, ...) run commands
//! that whoever wrote the repository chose: `mcp call github` inside a freshly cloned repository
//! must not run them unasked. The first time, the user agrees (at a terminal, or with
//! `--trust-project`), and the agreement is remembered for that file, server name and entry: a
//! changed command asks again.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{Launch, SpecArgs};
use crate::configfile::{self, Change, Document, Format, Node};
use crate::error::{CliError, Result};

/// Where the agreements are kept: `trusted-project-servers.json` in this user's mcp config
/// directory, as `{"trusted": {FILE: {NAME: SHA-256 of the entry}}}`.
fn store_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "mcp")
        .map(|dirs| dirs.config_dir().join("trusted-project-servers.json"))
}

fn digest(entry: &Value) -> String {
    let bytes = serde_json::to_vec(entry).unwrap_or_default();
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn key_path(file: &Path) -> Vec<String> {
    vec!["trusted".to_owned(), file.to_string_lossy().into_owned()]
}

/// Whether the store says the user agreed to this file's `name` with this entry.
fn is_trusted(store: &Path, file: &Path, name: &str, digest: &str) -> bool {
    let Ok(text) = std::fs::read_to_string(store) else {
        return false;
    };
    Document::parse(&text, Format::Json, store)
        .ok()
        .and_then(|document| document.entries(&key_path(file)).ok())
        .is_some_and(|entries| {
            entries
                .iter()
                .any(|(n, d)| n == name && d.as_str() == Some(digest))
        })
}

/// Returns when the user agreed, now or before, to run the server `name` of the project file
/// `file`; otherwise asks at a terminal, or refuses with a hint.
pub fn ensure_trusted(
    file: &Path,
    name: &str,
    entry: &Value,
    launch: &Launch,
    args: &SpecArgs,
) -> Result<()> {
    let digest = digest(entry);
    let store = store_path();
    if let Some(store) = &store
        && is_trusted(store, file, name, &digest)
    {
        return Ok(());
    }
    if !args.trust_project {
        let refusal = || {
            CliError::usage(format!(
                "`{name}` is defined by this project's {}, and runs `{}`; mcp runs a command a \
                 project defines only once you agreed to it",
                file.display(),
                launch.display()
            ))
            .hint(
                "pass --trust-project to run it (remembered for this file, name and command), \
                 or --config FILE to name the file yourself",
            )
        };
        if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            return Err(refusal());
        }
        eprintln!(
            "`{name}` is defined by this project's {}, and would run:\n  {}",
            file.display(),
            launch.display()
        );
        let agreed = dialoguer::Confirm::new()
            .with_prompt("Run it (and remember that for this command)?")
            .default(false)
            .interact()
            .map_err(|e| CliError::usage(format!("no answer: {e}")))?;
        if !agreed {
            return Err(refusal());
        }
    }
    // Remembering is a convenience: a store that cannot be written only means asking again.
    if let Some(store) = &store {
        let _ = configfile::edit(store, Format::Json, |document| {
            document
                .upsert(&key_path(file), name, &Node::str(&digest))
                .map_err(CliError::environment)?;
            Ok(Change::Write(()))
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_entry_has_another_digest() {
        let a = serde_json::json!({"command": "/bin/a", "args": []});
        let b = serde_json::json!({"command": "/bin/b", "args": []});
        assert_eq!(digest(&a), digest(&a.clone()));
        assert_ne!(digest(&a), digest(&b));
        assert_eq!(digest(&a).len(), 64);
    }
}
