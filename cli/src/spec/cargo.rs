//! Cargo projects: the binary to run is picked from cargo's own view of the package (`cargo
//! metadata`), built with cargo, and found in cargo's build report (so custom target directories
//! work).

use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cargo_metadata::{Message, MetadataCommand, TargetKind};

use super::{Kind, Launch, Purpose, Resolved, SpecArgs, Target, absolute};
use crate::error::{CliError, Result};

/// The binaries of a package and its `default-run`.
#[derive(Debug, PartialEq, Eq)]
pub struct Binaries {
    /// The package's name.
    pub package: String,
    /// Every binary target's name.
    pub names: Vec<String>,
    /// `package.default-run`, if set.
    pub default_run: Option<String>,
}

/// Reads the binaries of the package whose manifest is `manifest`, as cargo sees them
/// (explicit `[[bin]]` targets and the ones found by its conventions alike).
pub fn binaries(manifest: &Path) -> Result<Binaries> {
    let metadata = MetadataCommand::new()
        .manifest_path(manifest)
        .no_deps()
        .exec()
        .map_err(|e| {
            CliError::usage(format!("cargo cannot read {}: {e}", manifest.display()))
                .hint("fix the manifest; `cargo metadata` shows cargo's own view of the error")
        })?;
    let wanted = std::fs::canonicalize(manifest).unwrap_or_else(|_| manifest.to_path_buf());
    let package = metadata.packages.iter().find(|p| {
        std::fs::canonicalize(&p.manifest_path).unwrap_or_else(|_| p.manifest_path.clone().into())
            == wanted
    });
    let Some(package) = package else {
        let members: Vec<String> = metadata
            .workspace_packages()
            .iter()
            .map(|p| p.name.to_string())
            .collect();
        return Err(CliError::usage(format!(
            "{} is a Cargo workspace without a package of its own",
            manifest.display()
        ))
        .hint(format!(
            "name the member crate's directory instead (members: {})",
            list(&members)
        )));
    };
    Ok(Binaries {
        package: package.name.to_string(),
        names: package
            .targets
            .iter()
            .filter(|t| t.kind.contains(&TargetKind::Bin))
            .map(|t| t.name.clone())
            .collect(),
        default_run: package.default_run.clone(),
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

/// The Cargo profile a project is built with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CargoProfile {
    /// `dev`, cargo's default.
    Dev,
    /// `release` (`--release`).
    Release,
    /// Any other profile, by name (`--profile NAME`).
    Named(String),
}

impl CargoProfile {
    /// The profile `args` ask for when resolving for `purpose`: `--profile NAME`, else
    /// release for `--release` or an install (a host runs the optimised binary), else dev.
    pub fn chosen(args: &SpecArgs, purpose: Purpose) -> Self {
        match args.profile.as_deref() {
            Some("dev") => Self::Dev,
            Some("release") => Self::Release,
            Some(name) => Self::Named(name.to_owned()),
            None if args.release || purpose == Purpose::Install => Self::Release,
            None => Self::Dev,
        }
    }

    /// The arguments that select this profile on `cargo build`.
    pub fn cargo_args(&self) -> Vec<String> {
        match self {
            Self::Dev => Vec::new(),
            Self::Release => vec!["--release".to_owned()],
            Self::Named(name) => vec!["--profile".to_owned(), name.clone()],
        }
    }
}

/// Resolves a Cargo project: reads the manifest, builds the binary, returns how to run it.
pub fn resolve(manifest: &Path, args: &SpecArgs, purpose: Purpose) -> Result<Resolved> {
    let manifest = absolute(manifest);
    let binaries = binaries(&manifest)?;
    let bin = pick(&binaries, args.bin.as_deref(), &manifest)?;
    let executable = build(&manifest, &bin, &CargoProfile::chosen(args, purpose))?;
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
fn build(manifest: &Path, bin: &str, profile: &CargoProfile) -> Result<PathBuf> {
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
        .args(profile.cargo_args())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let mut child = command
        .spawn()
        .map_err(|e| CliError::environment(format!("cannot run {}: {e}", cargo.display())))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut executable = None;
    for message in Message::parse_stream(BufReader::new(stdout)).map_while(|m| m.ok()) {
        if let Message::CompilerArtifact(artifact) = message
            && artifact.target.name == bin
            && artifact.target.kind.contains(&TargetKind::Bin)
            && let Some(path) = artifact.executable
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
    fn the_profile_is_dev_to_run_release_to_install_unless_named() {
        let chosen = |release: bool, profile: Option<&str>, purpose| {
            let args = SpecArgs {
                release,
                profile: profile.map(str::to_owned),
                ..SpecArgs::default()
            };
            CargoProfile::chosen(&args, purpose)
        };
        assert_eq!(chosen(false, None, Purpose::Run), CargoProfile::Dev);
        assert_eq!(chosen(true, None, Purpose::Run), CargoProfile::Release);
        assert_eq!(chosen(false, None, Purpose::Install), CargoProfile::Release);
        let dist = chosen(false, Some("dist"), Purpose::Install);
        assert_eq!(dist, CargoProfile::Named("dist".into()));
        assert_eq!(dist.cargo_args(), ["--profile", "dist"]);
        assert_eq!(
            chosen(false, Some("dev"), Purpose::Install),
            CargoProfile::Dev
        );
        assert_eq!(
            chosen(false, Some("release"), Purpose::Run).cargo_args(),
            ["--release"]
        );
        assert!(CargoProfile::Dev.cargo_args().is_empty());
    }

    #[test]
    fn the_main_binary_and_src_bin_are_found() {
        let dir = project(
            "[package]\nname = \"srv\"\nversion = \"0.1.0\"\n",
            &["src/main.rs", "src/bin/extra.rs", "src/bin/tool/main.rs"],
        );
        let b = binaries(&dir.path().join("Cargo.toml")).unwrap();
        let mut names = b.names.clone();
        names.sort();
        assert_eq!(names, ["extra", "srv", "tool"]);
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
}
