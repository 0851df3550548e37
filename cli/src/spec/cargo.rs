//! Cargo projects: the binary to run is picked from `Cargo.toml` (read with `toml`), built with
//! cargo, and found in cargo's own build report (so custom target directories work).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{Kind, Launch, Purpose, Resolved, SpecArgs, Target, absolute};
use crate::error::{CliError, Result};

/// The binaries a manifest declares, explicitly or by cargo's conventions, and `default-run`.
#[derive(Debug, PartialEq, Eq)]
pub struct Binaries {
    /// The package's name.
    pub package: String,
    /// Every binary target's name.
    pub names: Vec<String>,
    /// `package.default-run`, if set.
    pub default_run: Option<String>,
}

/// Reads the binaries of the package whose manifest is `manifest`.
pub fn binaries(manifest: &Path) -> Result<Binaries> {
    let text = std::fs::read_to_string(manifest)
        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", manifest.display())))?;
    let doc: toml::Table = toml::from_str(&text).map_err(|e| {
        CliError::usage(format!("{} is not valid TOML: {e}", manifest.display()))
            .hint("fix the manifest; `cargo metadata` shows cargo's own view of the error")
    })?;
    let dir = manifest.parent().unwrap_or(Path::new("."));
    let Some(package) = doc.get("package").and_then(|p| p.as_table()) else {
        let members = doc
            .get("workspace")
            .and_then(|w| w.get("members"))
            .and_then(|m| m.as_array())
            .map(|m| {
                m.iter()
                    .filter_map(|v| v.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            });
        return Err(match members {
            Some(members) => CliError::usage(format!(
                "{} is a Cargo workspace without a package of its own",
                manifest.display()
            ))
            .hint(format!(
                "name the member crate's directory instead (members: {members})"
            )),
            None => CliError::usage(format!("{} has no [package] section", manifest.display())),
        });
    };
    let name = package
        .get("name")
        .and_then(|n| n.as_str())
        .ok_or_else(|| CliError::usage(format!("{} has no package name", manifest.display())))?
        .to_owned();
    let mut names: Vec<String> = Vec::new();
    let explicit = doc.get("bin").and_then(|b| b.as_array());
    let mut main_rs_taken = false;
    for bin in explicit.into_iter().flatten() {
        if let Some(bin_name) = bin.get("name").and_then(|n| n.as_str()) {
            let path = bin.get("path").and_then(|p| p.as_str());
            if path == Some("src/main.rs") || (path.is_none() && bin_name == name) {
                main_rs_taken = true;
            }
            names.push(bin_name.to_owned());
        }
    }
    let autobins = package
        .get("autobins")
        .and_then(|a| a.as_bool())
        .unwrap_or(true);
    if autobins {
        if !main_rs_taken && dir.join("src/main.rs").is_file() && !names.contains(&name) {
            names.push(name.clone());
        }
        if let Ok(entries) = std::fs::read_dir(dir.join("src/bin")) {
            let mut found: Vec<String> = entries
                .filter_map(|e| e.ok())
                .filter_map(|e| {
                    let path = e.path();
                    if path.extension().is_some_and(|x| x == "rs") {
                        path.file_stem().map(|s| s.to_string_lossy().into_owned())
                    } else if path.join("main.rs").is_file() {
                        path.file_name().map(|s| s.to_string_lossy().into_owned())
                    } else {
                        None
                    }
                })
                .filter(|n| !names.contains(n))
                .collect();
            found.sort();
            names.extend(found);
        }
    }
    let default_run = package
        .get("default-run")
        .and_then(|d| d.as_str())
        .map(str::to_owned);
    Ok(Binaries {
        package: name,
        names,
        default_run,
    })
}

/// Picks the binary: `--bin`, the only one, or `default-run`.
pub fn pick(binaries: &Binaries, wanted: Option<&str>, manifest: &Path) -> Result<String> {
    if let Some(wanted) = wanted {
        if binaries.names.iter().any(|n| n == wanted) {
            return Ok(wanted.to_owned());
        }
        return Err(CliError::usage(format!(
            "{} has no binary named `{wanted}` (it has: {})",
            manifest.display(),
            list(&binaries.names)
        )));
    }
    match binaries.names.as_slice() {
        [] => Err(CliError::usage(format!(
            "the package `{}` ({}) has no binary target to run",
            binaries.package,
            manifest.display()
        ))
        .hint("an MCP server crate needs a src/main.rs or a [[bin]] target")),
        [only] => Ok(only.clone()),
        many => binaries.default_run.clone().ok_or_else(|| {
            CliError::usage(format!(
                "the package `{}` has several binaries: {}",
                binaries.package,
                many.join(", ")
            ))
            .hint("pick one with --bin NAME (or set package.default-run)")
        }),
    }
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

/// Resolves a Cargo project: reads the manifest, builds the binary, returns how to run it.
pub fn resolve(manifest: &Path, args: &SpecArgs, purpose: Purpose) -> Result<Resolved> {
    let manifest = absolute(manifest);
    let binaries = binaries(&manifest)?;
    let bin = pick(&binaries, args.bin.as_deref(), &manifest)?;
    let release = args.release || purpose == Purpose::Install;
    let executable = build(&manifest, &bin, release)?;
    Ok(Resolved {
        kind: Kind::Cargo {
            manifest,
            bin: bin.clone(),
        },
        name: bin,
        target: Target::Stdio(Launch::new(executable)),
    })
}

/// Runs `cargo build` for one binary and returns the executable cargo reports. Cargo's own
/// output goes to stderr; stdout stays clean.
fn build(manifest: &Path, bin: &str, release: bool) -> Result<PathBuf> {
    let cargo = std::env::var_os("CARGO")
        .map(PathBuf::from)
        .or_else(|| which::which("cargo").ok())
        .ok_or_else(|| {
            CliError::environment(format!(
                "{} is a Cargo project, and cargo is not on PATH",
                manifest.display()
            ))
            .hint("install Rust with rustup (https://rustup.rs), or run the built binary directly")
        })?;
    let mut command = Command::new(&cargo);
    command
        .arg("build")
        .arg("--manifest-path")
        .arg(manifest)
        .args(["--bin", bin, "--message-format=json-render-diagnostics"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if release {
        command.arg("--release");
    }
    let mut child = command
        .spawn()
        .map_err(|e| CliError::environment(format!("cannot run {}: {e}", cargo.display())))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut executable = None;
    for line in BufReader::new(stdout).lines().map_while(|l| l.ok()) {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        if message["reason"] == "compiler-artifact"
            && message["target"]["name"] == bin
            && message["target"]["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "bin"))
            && let Some(path) = message["executable"].as_str()
        {
            executable = Some(PathBuf::from(path));
        }
    }
    let status = child
        .wait()
        .map_err(|e| CliError::environment(format!("cargo did not finish: {e}")))?;
    if !status.success() {
        return Err(CliError::server(format!(
            "`cargo build --bin {bin}` failed for {} ({status})",
            manifest.display()
        ))
        .hint("the compiler's messages are above"));
    }
    executable.ok_or_else(|| {
        CliError::environment(format!(
            "cargo built {} but did not report the executable of `{bin}`",
            manifest.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(manifest: &str, files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
        for file in files {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "fn main() {}").unwrap();
        }
        dir
    }

    #[test]
    fn the_main_binary_and_src_bin_are_found() {
        let dir = project(
            "[package]\nname = \"srv\"\nversion = \"0.1.0\"\n",
            &["src/main.rs", "src/bin/extra.rs", "src/bin/tool/main.rs"],
        );
        let b = binaries(&dir.path().join("Cargo.toml")).unwrap();
        assert_eq!(b.names, ["srv", "extra", "tool"]);
        let err = pick(&b, None, Path::new("Cargo.toml")).unwrap_err();
        assert!(err.message.contains("several binaries"), "{err}");
        assert_eq!(pick(&b, Some("tool"), Path::new("x")).unwrap(), "tool");
        assert!(pick(&b, Some("nope"), Path::new("x")).is_err());
    }

    #[test]
    fn explicit_bins_and_default_run() {
        let dir = project(
            "[package]\nname = \"p\"\nversion = \"0.1.0\"\ndefault-run = \"b\"\nautobins = false\n\
             [[bin]]\nname = \"a\"\npath = \"src/a.rs\"\n[[bin]]\nname = \"b\"\npath = \"src/b.rs\"\n",
            &["src/main.rs"],
        );
        let b = binaries(&dir.path().join("Cargo.toml")).unwrap();
        assert_eq!(b.names, ["a", "b"]);
        assert_eq!(pick(&b, None, Path::new("x")).unwrap(), "b");
    }

    #[test]
    fn a_virtual_workspace_names_its_members() {
        let dir = project("[workspace]\nmembers = [\"one\", \"two\"]\n", &[]);
        let err = binaries(&dir.path().join("Cargo.toml")).unwrap_err();
        assert!(err.hint.unwrap().contains("one, two"));
    }
}
