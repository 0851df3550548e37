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

mod cargo;
mod npm;
mod pyproject;
mod python;
mod trust;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::error::{CliError, Result};
use crate::hosts;

pub use python::PythonSdk;

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
    /// Build a Cargo project in release mode (`mcp install` always does).
    #[arg(long, global = true)]
    pub release: bool,
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
    /// `--release`; Python files run through the embedded launcher).
    Run,
    /// A command line that a host can run later on its own: absolute paths everywhere, Cargo
    /// projects built in release mode, Python files run through `mcp run`.
    Install,
}

/// How to start a local server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    /// The program (an absolute path whenever it could be found).
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<OsString>,
    /// Environment variables to set for it.
    pub env: BTreeMap<String, String>,
    /// Its working directory, when it needs one.
    pub cwd: Option<PathBuf>,
}

impl Launch {
    fn new(program: impl Into<PathBuf>) -> Self {
        Self {
            program: program.into(),
            args: Vec::new(),
            env: BTreeMap::new(),
            cwd: None,
        }
    }

    fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// The arguments as strings, for config files and messages.
    pub fn args_lossy(&self) -> Vec<String> {
        self.args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    /// The command line, for messages (the embedded Python launcher is abbreviated).
    pub fn display(&self) -> String {
        std::iter::once(self.program.display().to_string())
            .chain(self.args_lossy().into_iter().map(|a| {
                if a == python::LAUNCHER {
                    "<mcp's python launcher>".to_owned()
                } else {
                    shell_quote(&a)
                }
            }))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Quotes a word for display when it has characters a shell would split on.
pub fn shell_quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c))
    {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
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

/// The headers of `-H NAME: VALUE` and `--bearer-token` (which sets `Authorization`); only a
/// remote server takes them.
fn headers(args: &SpecArgs) -> Result<BTreeMap<String, String>> {
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

    #[test]
    fn key_values_need_a_key() {
        assert_eq!(parse_key_value("A=b=c"), Some(("A", "b=c")));
        assert_eq!(parse_key_value("=x"), None);
        assert_eq!(parse_key_value("novalue"), None);
    }

    #[test]
    fn shell_quoting_only_when_needed() {
        assert_eq!(shell_quote("/a/b.py"), "/a/b.py");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
