//! Server specs: what a user names on the command line, resolved to a way of starting or
//! reaching the server. Every subcommand that talks to a server resolves its spec here.
//!
//! A spec is one of, tried in this order:
//!
//! - an `http(s)://`, `ws(s)://` URL (a URL whose path ends in `/sse` is a legacy SSE endpoint);
//! - a Cargo project directory (or its `Cargo.toml`): built with cargo, the binary picked from the
//!   manifest (`--bin` when it has several); a Python project directory (`pyproject.toml` with
//!   a script: `uv run`) or a Node one (`package.json` with `bin` or `main`: built, then node);
//! - a `.py` file, optionally `file.py:object`: run with the MCP Python SDK, through `uv` when it
//!   is on `PATH` (with the SDK major version the file's imports need), else with python;
//! - a `.js`/`.mjs`/`.cjs` file (node) or a `.ts`/`.mts`/`.cts` file (tsx, or `npx tsx`);
//! - an executable file;
//! - the name of a server in an `mcpServers` JSON file (`--config FILE`; without it, the hosts'
//!   own config files, then the project's `.mcp.json` and the like, whose commands run only once
//!   the user agreed: see `trust`);
//! - a command on `PATH`;
//! - or, instead of a spec, a whole command line after `--`.

mod args;
mod cargo;
mod launch;
mod npm;
mod pyproject;
mod python;
mod trust;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::error::{CliError, Result};
use crate::hosts;

use args::headers;
pub use args::{SpecArgs, environment, parse_key_value};
pub use cargo::CargoProfile;
pub use launch::{Launch, shell_quote};
pub use python::PythonSdk;

/// What the user named: a spec string, or a command line given after `--`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spec {
    /// A path, URL or name.
    Named(String),
    /// A program and its arguments.
    Command(Vec<String>),
}

impl Spec {
    /// The spec from a subcommand's positional spec and its words after `--`.
    pub fn from_parts(spec: Option<String>, command: Vec<String>) -> Result<Self> {
        match (spec, command.is_empty()) {
            (Some(_), false) => Err(CliError::usage(
                "give either a server spec or a command after `--`, not both",
            )
            .hint("to pass arguments to the server named by the spec, use --arg ARG")),
            (Some(spec), true) => Ok(Spec::Named(spec)),
            (None, false) => Ok(Spec::Command(command)),
            (None, true) => Err(CliError::usage("no server given").hint(
                "name one: a path (server.py, ./target/release/srv, a Cargo project), a URL, \
                 a configured name, or a command after `--` (e.g. `-- python server.py`)",
            )),
        }
    }
}

impl std::fmt::Display for Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Spec::Named(s) => f.write_str(s),
            Spec::Command(words) => f.write_str(&words.join(" ")),
        }
    }
}

/// Why a spec is resolved: to run it now, or to write it into a host's config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Start it from this process (Cargo projects are built in the dev profile unless
    /// `--release` or `--profile`; Python files run through the embedded launcher).
    Run,
    /// A command line that a host can run later on its own: absolute paths everywhere, Cargo
    /// projects built in release mode unless `--profile` names another, Python files run
    /// through `mcp run`.
    Install,
}

/// The transport of a remote server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoteTransport {
    /// Streamable HTTP.
    StreamableHttp,
    /// The legacy HTTP+SSE transport.
    Sse,
    /// WebSocket.
    WebSocket,
}

impl RemoteTransport {
    /// The transport's name as users write it.
    pub fn name(self) -> &'static str {
        match self {
            RemoteTransport::StreamableHttp => "Streamable HTTP",
            RemoteTransport::Sse => "SSE",
            RemoteTransport::WebSocket => "WebSocket",
        }
    }
}

/// A server reached over the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    /// Its URL.
    pub url: String,
    /// How to talk to it.
    pub transport: RemoteTransport,
    /// Headers to send with every request (from a config entry).
    pub headers: BTreeMap<String, String>,
}

/// Where the server is: a process to start, or a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A local process speaking stdio.
    Stdio(Launch),
    /// A remote server.
    Remote(Remote),
}

/// What kind of spec it was, for messages and for `mcp install`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A Cargo project; the binary it built.
    Cargo {
        /// The project's manifest.
        manifest: PathBuf,
        /// The binary's name.
        bin: String,
    },
    /// A Python file.
    Python {
        /// The file.
        file: PathBuf,
        /// The server object named after `:`.
        object: Option<String>,
        /// The SDK its imports need.
        sdk: PythonSdk,
    },
    /// A JavaScript file.
    Node {
        /// The file.
        file: PathBuf,
    },
    /// A TypeScript file.
    TypeScript {
        /// The file.
        file: PathBuf,
    },
    /// An executable file.
    Executable,
    /// A command line (after `--`, or a command found on PATH).
    Command,
    /// A URL.
    Url,
    /// A server configured in a config file.
    Configured {
        /// The file.
        file: PathBuf,
        /// The server's name there.
        name: String,
    },
}

/// A resolved spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// What kind of spec it was.
    pub kind: Kind,
    /// How to reach the server.
    pub target: Target,
    /// A name for the server, from the file, project or command (the default of
    /// `mcp install --name`).
    pub name: String,
}

impl Resolved {
    /// One line saying what will run, for messages.
    pub fn describe(&self) -> String {
        match &self.target {
            Target::Stdio(launch) => launch.display(),
            Target::Remote(remote) => format!("{} ({})", remote.url, remote.transport.name()),
        }
    }
}

/// Resolves a spec.
pub fn resolve(spec: &Spec, args: &SpecArgs, purpose: Purpose) -> Result<Resolved> {
    let env = environment(args)?;
    let mut resolved = match spec {
        Spec::Command(words) => command(words, purpose)?,
        Spec::Named(text) => named(text, args, purpose)?,
    };
    if (!args.with.is_empty() || args.with_editable.is_some())
        && !matches!(resolved.kind, Kind::Python { .. })
    {
        return Err(CliError::usage(
            "--with and --with-editable apply to Python servers (.py files) only",
        ));
    }
    match &mut resolved.target {
        Target::Stdio(launch) => {
            if !args.headers.is_empty()
                || args.bearer_token.is_some()
                || args.bearer_token_file.is_some()
            {
                return Err(CliError::usage(
                    "-H/--header and --bearer-token apply to remote servers (a URL), not to a \
                     local one",
                )
                .hint("give a local server its secrets as environment variables: -v KEY=VALUE"));
            }
            launch.env.extend(env);
            launch
                .args
                .extend(args.server_args.iter().map(OsString::from));
        }
        Target::Remote(remote) => {
            if !env.is_empty() || !args.server_args.is_empty() {
                return Err(CliError::usage(
                    "environment variables and --arg apply to local servers, not to a URL",
                ));
            }
            remote.headers.extend(headers(args)?);
        }
    }
    Ok(resolved)
}

fn command(words: &[String], purpose: Purpose) -> Result<Resolved> {
    let (program, rest) = words.split_first().expect("a command has a program");
    let path = find_program(program).ok_or_else(|| {
        CliError::environment(format!("command `{program}` not found"))
            .hint("check the spelling, or give its full path")
    })?;
    let mut launch = Launch::new(path);
    for arg in rest {
        // In a config file a relative path would be taken from the host's working directory.
        let absolute = match purpose {
            Purpose::Install if !arg.starts_with('-') && Path::new(arg).exists() => {
                absolute(Path::new(arg)).into_os_string()
            }
            _ => OsString::from(arg),
        };
        launch.args.push(absolute);
    }
    Ok(Resolved {
        kind: Kind::Command,
        name: name_from_command(words),
        target: Target::Stdio(launch),
    })
}

/// A server name from a command line: the first argument that names a file, else the program.
fn name_from_command(words: &[String]) -> String {
    words
        .iter()
        .skip(1)
        .filter(|w| !w.starts_with('-'))
        .find_map(|w| {
            let path = Path::new(w);
            path.extension()
                .is_some()
                .then(|| path.file_stem())
                .flatten()
                .map(|s| s.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| file_stem(Path::new(&words[0])))
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "server".to_owned())
}

/// `program` as an absolute path: as given when it has a directory part, else found on PATH.
pub fn find_program(program: &str) -> Option<PathBuf> {
    let path = Path::new(program);
    if path.components().count() > 1 {
        return path.exists().then(|| absolute(path));
    }
    which::which(program).ok()
}

/// An absolute form of `path`. Symlinks are kept: a venv's `bin/python` is a symlink whose
/// target would lose the venv.
pub fn absolute(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    // `std::path::absolute` keeps `..`; drop it lexically where that is safe (no symlink
    // above it is resolved either way).
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            std::path::Component::ParentDir if out.parent().is_some() => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn named(text: &str, args: &SpecArgs, purpose: Purpose) -> Result<Resolved> {
    let mut tried = Vec::new();
    if let Some(remote) = url(text) {
        return Ok(Resolved {
            kind: Kind::Url,
            name: name_from_url(text),
            target: Target::Remote(remote),
        });
    }
    // `file.py:object` (the part before the last colon must be an existing file).
    let (path_text, object) = match text.rsplit_once(':') {
        Some((file, object))
            if !object.is_empty() && !object.contains(['/', '\\']) && Path::new(file).is_file() =>
        {
            (file, Some(object.to_owned()))
        }
        _ => (text, None),
    };
    let path = Path::new(path_text);
    if path.is_dir() {
        if path.join("Cargo.toml").is_file() {
            return cargo::resolve(&path.join("Cargo.toml"), args, purpose);
        }
        if path.join("pyproject.toml").is_file() {
            return pyproject::resolve(path, args, purpose);
        }
        if path.join("package.json").is_file() {
            return npm::resolve(path, args, purpose);
        }
        return Err(CliError::usage(format!(
            "{} is a directory but not a Cargo project, nor a Python or Node one (it has no \
             Cargo.toml, pyproject.toml or package.json)",
            path.display()
        ))
        .hint("name the server file inside it (server.py, index.js, ...) or its executable"));
    }
    if path.is_file() {
        return file(path, object, args, purpose);
    }
    tried.push(format!("no file or directory named `{text}`"));
    if looks_like_path(text) {
        return Err(unresolved(text, &tried));
    }
    match configured(text, args, &mut tried)? {
        Some(resolved) => return Ok(resolved),
        None if args.config.is_some() => return Err(unresolved(text, &tried)),
        None => {}
    }
    if let Ok(program) = which::which(text) {
        return Ok(Resolved {
            kind: Kind::Command,
            name: text.to_owned(),
            target: Target::Stdio(Launch::new(program)),
        });
    }
    tried.push(format!("no command `{text}` on PATH"));
    Err(unresolved(text, &tried))
}

fn looks_like_path(text: &str) -> bool {
    text.contains(['/', '\\'])
        || [".py", ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".toml"]
            .iter()
            .any(|ext| text.ends_with(ext) || text.contains(&format!("{ext}:")))
}

fn unresolved(text: &str, tried: &[String]) -> CliError {
    let mut message = format!("cannot resolve the server spec `{text}`; tried:");
    for line in tried {
        message.push_str("\n    - ");
        message.push_str(line);
    }
    CliError::usage(message).hint(
        "a spec is a path (server.py[:object], index.js, a Cargo project, an executable), \
         an http(s)/ws(s) URL, a server name from --config FILE, a command on PATH, \
         or a command line after `--`",
    )
}

/// Parses a server URL.
pub fn url(text: &str) -> Option<Remote> {
    let lower = text.to_ascii_lowercase();
    let transport = if lower.starts_with("ws://") || lower.starts_with("wss://") {
        RemoteTransport::WebSocket
    } else if lower.starts_with("http://") || lower.starts_with("https://") {
        let path = lower.split(['?', '#']).next().unwrap_or_default();
        if path.trim_end_matches('/').ends_with("/sse") {
            RemoteTransport::Sse
        } else {
            RemoteTransport::StreamableHttp
        }
    } else {
        return None;
    };
    Some(Remote {
        url: text.to_owned(),
        transport,
        headers: BTreeMap::new(),
    })
}

fn name_from_url(text: &str) -> String {
    let rest = text.split_once("://").map_or(text, |(_, rest)| rest);
    let host = rest.split(['/', ':', '?']).next().unwrap_or(rest);
    host.split('.')
        .find(|part| !["www", "mcp", "api", "localhost", "127"].contains(part))
        .unwrap_or(host)
        .to_owned()
}

fn file(
    path: &Path,
    object: Option<String>,
    args: &SpecArgs,
    purpose: Purpose,
) -> Result<Resolved> {
    let file = absolute(path);
    let extension = file
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if object.is_some() && extension != "py" {
        return Err(CliError::usage(format!(
            "`:object` applies to Python files only, and {} is not one",
            file.display()
        )));
    }
    match extension.as_str() {
        "py" => python::resolve(&file, object, args, purpose),
        "toml" if file.file_name().is_some_and(|n| n == "Cargo.toml") => {
            cargo::resolve(&file, args, purpose)
        }
        "js" | "mjs" | "cjs" => {
            let node = match &args.node {
                Some(node) => absolute(node),
                None => which::which("node").map_err(|_| {
                    CliError::environment(format!(
                        "{} needs Node.js, and `node` is not on PATH",
                        file.display()
                    ))
                    .hint("install Node.js, or pass --node PATH (or set MCP_NODE)")
                })?,
            };
            Ok(Resolved {
                kind: Kind::Node { file: file.clone() },
                name: script_name(&file),
                target: Target::Stdio(Launch::new(node).arg(&file)),
            })
        }
        "ts" | "mts" | "cts" => {
            let launch = if let Ok(tsx) = which::which("tsx") {
                Launch::new(tsx).arg(&file)
            } else if let Ok(npx) = which::which("npx") {
                Launch::new(npx).arg("--yes").arg("tsx").arg(&file)
            } else {
                return Err(CliError::environment(format!(
                    "{} is TypeScript, which needs tsx (or npx to fetch it), and neither is on PATH",
                    file.display()
                ))
                .hint("install Node.js (npx comes with it) or `npm install -g tsx`"));
            };
            Ok(Resolved {
                kind: Kind::TypeScript { file: file.clone() },
                name: script_name(&file),
                target: Target::Stdio(launch),
            })
        }
        _ if is_executable(&file) => Ok(Resolved {
            kind: Kind::Executable,
            name: file_stem(&file),
            target: Target::Stdio(Launch::new(&file)),
        }),
        _ => Err(CliError::usage(format!(
            "{} is neither executable nor a .py/.js/.ts file, so mcp does not know how to run it",
            file.display()
        ))
        .hint(format!(
            "make it executable (chmod +x {}), or give the interpreter: `-- INTERPRETER {}`",
            path.display(),
            path.display()
        ))),
    }
}

/// A name for a script: its stem, or its directory's name for `index.js`/`main.py`-like files.
fn script_name(file: &Path) -> String {
    let stem = file_stem(file);
    if ["index", "main", "server", "__main__"].contains(&stem.as_str()) {
        let mut dir = file.parent();
        while let Some(d) = dir {
            let name = d
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !["dist", "build", "src", "lib", "bin", ""].contains(&name.as_str()) {
                return name;
            }
            dir = d.parent();
        }
    }
    stem
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.extension().is_some_and(|e| {
        ["exe", "bat", "cmd", "com"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

/// Looks `name` up in `--config FILE`, or else in the project's and hosts' config files.
fn configured(name: &str, args: &SpecArgs, tried: &mut Vec<String>) -> Result<Option<Resolved>> {
    let files: Vec<(PathBuf, hosts::Scope)> = match &args.config {
        Some(file) => {
            if !file.is_file() {
                return Err(CliError::usage(format!(
                    "the config file {} does not exist",
                    file.display()
                )));
            }
            // Named on the command line: the user chose it.
            vec![(file.clone(), hosts::Scope::User)]
        }
        None => hosts::search_paths(),
    };
    for (file, scope) in files {
        if !file.is_file() {
            continue;
        }
        let servers = match hosts::read_server_entries(&file) {
            Ok(servers) => servers,
            Err(e) if args.config.is_some() => return Err(e),
            Err(_) => {
                tried.push(format!("{} could not be read", file.display()));
                continue;
            }
        };
        match servers.iter().find(|(n, _)| n == name) {
            Some((_, entry)) => {
                let mut target = hosts::entry_target(entry).map_err(|why| {
                    CliError::usage(format!(
                        "the server `{name}` in {} cannot be started: {why}",
                        file.display()
                    ))
                })?;
                if let Target::Stdio(launch) = &mut target {
                    if let Some(program) = find_program(&launch.program.to_string_lossy()) {
                        launch.program = program;
                    }
                    if scope == hosts::Scope::Project {
                        trust::ensure_trusted(&absolute(&file), name, entry, launch, args)?;
                    }
                }
                return Ok(Some(Resolved {
                    kind: Kind::Configured {
                        file: absolute(&file),
                        name: name.to_owned(),
                    },
                    name: name.to_owned(),
                    target,
                }));
            }
            None => {
                let names: Vec<&str> = servers.iter().map(|(n, _)| n.as_str()).collect();
                tried.push(format!(
                    "no server `{name}` in {} (it has: {})",
                    file.display(),
                    if names.is_empty() {
                        "none".to_owned()
                    } else {
                        names.join(", ")
                    }
                ));
            }
        }
    }
    if args.config.is_none() {
        tried.push("no host config file (Claude Desktop, Cursor, ...) names it".to_owned());
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_classified_by_scheme_and_path() {
        let t = |u: &str| url(u).map(|r| r.transport);
        assert_eq!(
            t("https://example.com/mcp"),
            Some(RemoteTransport::StreamableHttp)
        );
        assert_eq!(t("http://localhost:8000/sse"), Some(RemoteTransport::Sse));
        assert_eq!(
            t("http://localhost:8000/sse/?x=1"),
            Some(RemoteTransport::Sse)
        );
        assert_eq!(t("wss://example.com/ws"), Some(RemoteTransport::WebSocket));
        assert_eq!(t("server.py"), None);
        assert_eq!(name_from_url("https://mcp.notion.com/mcp"), "notion");
    }

    #[test]
    fn spec_and_command_are_exclusive() {
        assert!(Spec::from_parts(Some("a".into()), vec!["b".into()]).is_err());
        assert!(Spec::from_parts(None, vec![]).is_err());
        assert_eq!(
            Spec::from_parts(None, vec!["python".into(), "s.py".into()]).unwrap(),
            Spec::Command(vec!["python".into(), "s.py".into()])
        );
    }

    #[test]
    fn names_come_from_the_command_line() {
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            name_from_command(&words(&["python", "-u", "weather.py"])),
            "weather"
        );
        assert_eq!(
            name_from_command(&words(&["/usr/bin/my-server"])),
            "my-server"
        );
        assert_eq!(
            script_name(Path::new("/x/everything/dist/index.js")),
            "everything"
        );
    }
}
