//! Python projects: a directory whose `pyproject.toml` declares a command in
//! `[project.scripts]` (what `mcp new --template python` makes). The server runs as
//! `uv run --directory DIR SCRIPT`, with uv's absolute path: uv creates and syncs the project's
//! environment first, so a host can start it from anywhere.

use std::ffi::OsString;
use std::path::Path;

use super::{Kind, Launch, Purpose, Resolved, SpecArgs, Target, absolute};
use crate::error::{CliError, Result};

/// The project's name and its scripts, from `pyproject.toml`.
#[derive(Debug, PartialEq, Eq)]
pub struct Scripts {
    /// `[project].name`.
    pub project: Option<String>,
    /// The names in `[project.scripts]`.
    pub names: Vec<String>,
}

/// Reads the scripts of the project whose manifest is `manifest`.
pub fn scripts(manifest: &Path) -> Result<Scripts> {
    let text = std::fs::read_to_string(manifest)
        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", manifest.display())))?;
    let doc: toml::Table = toml::from_str(&text)
        .map_err(|e| CliError::usage(format!("{} is not valid TOML: {e}", manifest.display())))?;
    let project = doc.get("project").and_then(|p| p.as_table());
    Ok(Scripts {
        project: project
            .and_then(|p| p.get("name"))
            .and_then(|n| n.as_str())
            .map(str::to_owned),
        names: project
            .and_then(|p| p.get("scripts"))
            .and_then(|s| s.as_table())
            .map(|s| s.keys().cloned().collect())
            .unwrap_or_default(),
    })
}

/// Picks the script: `--bin`, the only one, or the one named like the project.
pub fn pick(scripts: &Scripts, wanted: Option<&str>, manifest: &Path) -> Result<String> {
    if let Some(wanted) = wanted {
        return scripts
            .names
            .iter()
            .find(|n| *n == wanted)
            .cloned()
            .ok_or_else(|| {
                CliError::usage(format!(
                    "{} has no script named `{wanted}` (it has: {})",
                    manifest.display(),
                    scripts.names.join(", ")
                ))
            });
    }
    match scripts.names.as_slice() {
        [] => Err(CliError::usage(format!(
            "{} declares no command in [project.scripts], so mcp does not know what to run",
            manifest.display()
        ))
        .hint(
            "add one (`my-server = \"my_server.server:main\"`), or name the server's file \
             (server.py)",
        )),
        [only] => Ok(only.clone()),
        many => scripts
            .project
            .as_ref()
            .and_then(|project| many.iter().find(|n| *n == project))
            .cloned()
            .ok_or_else(|| {
                CliError::usage(format!(
                    "{} declares several scripts: {}",
                    manifest.display(),
                    many.join(", ")
                ))
                .hint("pick one with --bin NAME")
            }),
    }
}

/// Resolves the Python project in `dir`.
pub fn resolve(dir: &Path, args: &SpecArgs, _purpose: Purpose) -> Result<Resolved> {
    let dir = absolute(dir);
    let manifest = dir.join("pyproject.toml");
    let scripts = scripts(&manifest)?;
    let script = pick(&scripts, args.bin.as_deref(), &manifest)?;
    let uv = which::which("uv").map_err(|_| {
        CliError::environment(format!(
            "{} is a Python project, run with uv, and uv is not on PATH",
            dir.display()
        ))
        .hint("install uv (https://docs.astral.sh/uv/), or run the script from the project's own environment after `--`")
    })?;
    let mut launch = Launch::new(uv);
    launch.args = ["run", "--directory"]
        .into_iter()
        .map(OsString::from)
        .chain([dir.clone().into_os_string(), OsString::from(&script)])
        .collect();
    Ok(Resolved {
        kind: Kind::Command,
        name: script,
        target: Target::Stdio(launch),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pyproject.toml");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn the_script_is_the_only_one_or_the_projects() {
        let (_d, path) = manifest(
            "[project]\nname = \"weather\"\n[project.scripts]\nweather = \"w.server:main\"\n\
             weather-admin = \"w.admin:main\"\n",
        );
        let scripts = scripts(&path).unwrap();
        assert_eq!(pick(&scripts, None, &path).unwrap(), "weather");
        assert_eq!(
            pick(&scripts, Some("weather-admin"), &path).unwrap(),
            "weather-admin"
        );
        assert!(pick(&scripts, Some("nope"), &path).is_err());
    }

    #[test]
    fn a_project_without_scripts_says_what_to_add() {
        let (_d, path) = manifest("[project]\nname = \"lib\"\n");
        let err = pick(&scripts(&path).unwrap(), None, &path).unwrap_err();
        assert!(err.message.contains("[project.scripts]"), "{err}");
    }
}
