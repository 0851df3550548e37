//! Node projects: a directory whose `package.json` names its entry point in `bin` or `main`
//! (what `mcp new --template typescript` makes). A package with a `build` script is built
//! first (`npm run build`, its output on stderr), as a Cargo project is; then node runs the
//! entry point.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use super::{Kind, Launch, Purpose, Resolved, SpecArgs, Target, absolute};
use crate::error::{CliError, Result};

/// What `package.json` says about running the package.
#[derive(Debug, PartialEq, Eq)]
pub struct Package {
    /// The package's name without its scope.
    pub name: String,
    /// The entry point, relative to the package.
    pub entry: String,
    /// Whether it has a `build` script.
    pub builds: bool,
    /// Whether it has dependencies to install.
    pub has_dependencies: bool,
}

/// Reads `package.json` and picks the entry point: the `bin` named `wanted`, the only `bin`,
/// the one named like the package, or `main`.
pub fn package(manifest: &Path, wanted: Option<&str>) -> Result<Package> {
    let text = std::fs::read_to_string(manifest)
        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", manifest.display())))?;
    let doc: Value = serde_json::from_str(&text)
        .map_err(|e| CliError::usage(format!("{} is not valid JSON: {e}", manifest.display())))?;
    let full_name = doc["name"].as_str().unwrap_or_default();
    let name = full_name.rsplit('/').next().unwrap_or(full_name).to_owned();
    let entry = match (&doc["bin"], wanted) {
        (Value::String(entry), _) => Some(entry.clone()),
        (Value::Object(bins), Some(wanted)) => Some(
            bins.get(wanted)
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    CliError::usage(format!(
                        "{} has no bin named `{wanted}` (it has: {})",
                        manifest.display(),
                        bins.keys().cloned().collect::<Vec<_>>().join(", ")
                    ))
                })?
                .to_owned(),
        ),
        (Value::Object(bins), None) if bins.len() == 1 => bins
            .values()
            .next()
            .and_then(Value::as_str)
            .map(str::to_owned),
        (Value::Object(bins), None) if !bins.is_empty() => Some(
            bins.get(&name)
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    CliError::usage(format!(
                        "{} has several bins: {}",
                        manifest.display(),
                        bins.keys().cloned().collect::<Vec<_>>().join(", ")
                    ))
                    .hint("pick one with --bin NAME")
                })?
                .to_owned(),
        ),
        _ => doc["main"].as_str().map(str::to_owned),
    };
    let entry = entry.ok_or_else(|| {
        CliError::usage(format!(
            "{} names no entry point (`bin` or `main`), so mcp does not know what to run",
            manifest.display()
        ))
        .hint("add \"bin\": \"dist/index.js\", or name the server's file (index.js)")
    })?;
    let non_empty = |key: &str| doc[key].as_object().is_some_and(|o| !o.is_empty());
    Ok(Package {
        name,
        entry,
        builds: doc["scripts"]["build"].is_string(),
        has_dependencies: non_empty("dependencies") || non_empty("devDependencies"),
    })
}

/// Resolves the Node project in `dir`: builds it when it has a build script, then runs its
/// entry point with node.
pub fn resolve(dir: &Path, args: &SpecArgs, _purpose: Purpose) -> Result<Resolved> {
    let dir = absolute(dir);
    let manifest = dir.join("package.json");
    let package = package(&manifest, args.bin.as_deref())?;
    if package.has_dependencies && !dir.join("node_modules").is_dir() {
        return Err(CliError::usage(format!(
            "{} has dependencies that are not installed",
            dir.display()
        ))
        .hint(format!("run `npm install` in {} first", dir.display())));
    }
    let node = match &args.node {
        Some(node) => absolute(node),
        None => which::which("node").map_err(|_| {
            CliError::environment(format!(
                "{} needs Node.js, and `node` is not on PATH",
                dir.display()
            ))
            .hint("install Node.js, or pass --node PATH (or set MCP_NODE)")
        })?,
    };
    if package.builds {
        build(&dir, &node)?;
    }
    let entry = absolute(&dir.join(&package.entry));
    if !entry.is_file() {
        return Err(CliError::usage(format!(
            "the entry point {} does not exist",
            entry.display()
        ))
        .hint("build the project (npm run build), or fix `bin`/`main` in package.json"));
    }
    Ok(Resolved {
        kind: Kind::Node {
            file: entry.clone(),
        },
        name: package.name,
        target: Target::Stdio(Launch::new(node).arg(entry)),
    })
}

/// `npm run build`, its output on stderr (stdout stays the protocol's), with `node`'s
/// directory first on PATH so the build runs on the same Node as the server.
fn build(dir: &Path, node: &Path) -> Result<()> {
    let npm = which::which("npm").map_err(|_| {
        CliError::environment(format!(
            "{} has a build script, and npm is not on PATH",
            dir.display()
        ))
        .hint("install Node.js (npm comes with it)")
    })?;
    let mut path: Vec<PathBuf> = node.parent().map(Path::to_path_buf).into_iter().collect();
    path.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    let status = Command::new(npm)
        .args(["run", "build", "--silent"])
        .current_dir(dir)
        .env("PATH", std::env::join_paths(path).unwrap_or_default())
        .stdin(Stdio::null())
        .stdout(std::io::stderr())
        .status()
        .map_err(|e| CliError::environment(format!("cannot run npm: {e}")))?;
    if !status.success() {
        return Err(CliError::server(format!(
            "`npm run build` failed for {} ({status})",
            dir.display()
        ))
        .hint("the build's messages are above"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(json: Value) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("package.json");
        std::fs::write(&path, json.to_string()).unwrap();
        (dir, path)
    }

    #[test]
    fn the_entry_is_the_bin_or_main() {
        let (_d, path) = manifest(serde_json::json!({
            "name": "@acme/weather", "bin": {"weather": "dist/index.js", "admin": "dist/admin.js"},
            "scripts": {"build": "tsc"}, "dependencies": {"zod": "^4"}
        }));
        let p = package(&path, None).unwrap();
        assert_eq!(
            (p.name.as_str(), p.entry.as_str()),
            ("weather", "dist/index.js")
        );
        assert!(p.builds && p.has_dependencies);
        assert_eq!(
            package(&path, Some("admin")).unwrap().entry,
            "dist/admin.js"
        );
        let (_d, path) = manifest(serde_json::json!({"name": "x", "main": "index.js"}));
        let p = package(&path, None).unwrap();
        assert_eq!(p.entry, "index.js");
        assert!(!p.builds && !p.has_dependencies);
        let (_d, path) = manifest(serde_json::json!({"name": "x"}));
        assert!(package(&path, None).is_err());
    }
}
