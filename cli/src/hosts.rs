//! MCP hosts and their config files: where each keeps its servers, in which file format and
//! shape, and how an entry for a server looks there.
//!
//! | host | user scope | project scope | servers under | shape |
//! | --- | --- | --- | --- | --- |
//! | Claude Desktop | `<config>/Claude/claude_desktop_config.json` | – | `mcpServers` | `command`, `args`, `env` |
//! | Claude Code | `~/.claude.json` (local scope: `projects.<dir>.mcpServers` there) | `.mcp.json` | `mcpServers` | `type` `stdio`/`http`/`sse`, `command`/`url` |
//! | Cursor | `~/.cursor/mcp.json` | `.cursor/mcp.json` | `mcpServers` | `command` or `url` |
//! | VS Code | `<config>/Code/User/mcp.json` | `.vscode/mcp.json` | `servers` (JSONC) | `type` `stdio`/`http`/`sse` |
//! | Windsurf | `~/.codeium/windsurf/mcp_config.json` | – | `mcpServers` | `command` or `serverUrl` |
//! | Gemini CLI | `~/.gemini/settings.json` | `.gemini/settings.json` | `mcpServers` | `command`, `httpUrl` (HTTP) or `url` (SSE) |
//! | Goose | `~/.config/goose/config.yaml` (Windows: `%APPDATA%\Block\goose\config`) | – | `extensions` (YAML) | `type` `stdio`/`streamable_http`, `cmd`/`uri`, `envs` |
//! | plain `mcp.json` | printed, or `--host-config FILE` | `./mcp.json` | `mcpServers` | `command` or `type` + `url` |
//!
//! `<config>` is the platform's config directory: `~/Library/Application Support` on macOS,
//! `%APPDATA%` on Windows, `$XDG_CONFIG_HOME` or `~/.config` on Linux. Each user-scope path can be
//! overridden with an environment variable (`MCP_CLAUDE_DESKTOP_CONFIG`, ...; see
//! [`Host::env_var`]), for tests and unusual set-ups.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::configfile::{Document, Format, Node};
use crate::error::{CliError, Result};
use crate::spec::{self, Launch, Remote, RemoteTransport, Target};

/// A host application whose config `mcp install` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Host {
    /// Claude Desktop.
    ClaudeDesktop,
    /// Claude Code.
    ClaudeCode,
    /// Cursor.
    Cursor,
    /// Visual Studio Code (GitHub Copilot agent mode).
    Vscode,
    /// Windsurf.
    Windsurf,
    /// Gemini CLI.
    #[value(alias = "gemini-cli")]
    Gemini,
    /// Goose.
    Goose,
    /// A plain mcpServers JSON file, for any other host: printed, or written with --host-config.
    McpJson,
}

/// Where a host's config lives: for the user, or for one project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Scope {
    /// The user's own config, for every project.
    #[default]
    User,
    /// A file in the project, shared through version control.
    Project,
    /// Claude Code only: the user's config, for one project (`projects.<dir>` in ~/.claude.json).
    Local,
}

impl Scope {
    /// The scope's name.
    pub fn name(self) -> &'static str {
        match self {
            Scope::User => "user",
            Scope::Project => "project",
            Scope::Local => "local",
        }
    }
}

/// The user-scope config file: under the platform's config directory or the home directory.
#[derive(Debug, Clone, Copy)]
enum UserFile {
    /// None: the host has no file of its own (printed unless a file is named).
    None,
    /// `<config dir>/<path>`.
    InConfigDir(&'static str),
    /// `~/<path>`.
    InHome(&'static str),
}

/// How a host shapes a server's entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `mcpServers`-style JSON: `command`/`args`/`env`, with a `type` of `stdio` when
    /// `stdio_type`, and `cwd` when `cwd`; remote servers as `remote` says.
    Json {
        stdio_type: bool,
        cwd: bool,
        remote: RemoteShape,
    },
    /// Goose's YAML extensions: `cmd`/`args`/`envs` or `uri`, `type`, `enabled`, `timeout`.
    Goose,
}

/// How a JSON-shaped host writes a remote server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RemoteShape {
    /// Not in the file (Claude Desktop adds them in its settings).
    InSettingsOnly,
    /// `type` (`http` or `sse`) and `url`.
    TypedUrl,
    /// `url`, whatever the transport.
    Url,
    /// `serverUrl` (Windsurf).
    ServerUrl,
    /// `httpUrl` for Streamable HTTP, `url` for SSE (Gemini CLI).
    HttpUrlOrUrl,
}

/// Everything that sets one host apart, in one row.
struct HostInfo {
    id: &'static str,
    label: &'static str,
    env_var: &'static str,
    scopes: &'static [Scope],
    format: Format,
    user_file: UserFile,
    /// The project-scope file, relative to the project directory.
    project_file: Option<&'static str>,
    /// The key of the servers' object.
    servers_key: &'static str,
    shape: Shape,
    /// What to do for the host to load a new entry.
    restart_advice: Option<&'static str>,
}

/// One row per host, in the order of [`Host`].
const HOSTS: [HostInfo; 8] = [
    HostInfo {
        id: "claude-desktop",
        label: "Claude Desktop",
        env_var: "MCP_CLAUDE_DESKTOP_CONFIG",
        scopes: &[Scope::User],
        format: Format::Json,
        user_file: UserFile::InConfigDir("Claude/claude_desktop_config.json"),
        project_file: None,
        servers_key: "mcpServers",
        shape: Shape::Json {
            stdio_type: false,
            cwd: false,
            remote: RemoteShape::InSettingsOnly,
        },
        restart_advice: Some("restart Claude Desktop to load it"),
    },
    HostInfo {
        id: "claude-code",
        label: "Claude Code",
        env_var: "MCP_CLAUDE_CODE_CONFIG",
        scopes: &[Scope::User, Scope::Project, Scope::Local],
        format: Format::Json,
        user_file: UserFile::InHome(".claude.json"),
        project_file: Some(".mcp.json"),
        servers_key: "mcpServers",
        shape: Shape::Json {
            stdio_type: true,
            cwd: false,
            remote: RemoteShape::TypedUrl,
        },
        restart_advice: Some("start a new session to load it"),
    },
    HostInfo {
        id: "cursor",
        label: "Cursor",
        env_var: "MCP_CURSOR_CONFIG",
        scopes: &[Scope::User, Scope::Project],
        format: Format::Json,
        user_file: UserFile::InHome(".cursor/mcp.json"),
        project_file: Some(".cursor/mcp.json"),
        servers_key: "mcpServers",
        shape: Shape::Json {
            stdio_type: false,
            cwd: false,
            remote: RemoteShape::Url,
        },
        restart_advice: Some("reload the MCP servers in the app's settings to load it"),
    },
    HostInfo {
        id: "vscode",
        label: "VS Code",
        env_var: "MCP_VSCODE_CONFIG",
        scopes: &[Scope::User, Scope::Project],
        format: Format::Jsonc,
        user_file: UserFile::InConfigDir("Code/User/mcp.json"),
        project_file: Some(".vscode/mcp.json"),
        servers_key: "servers",
        shape: Shape::Json {
            stdio_type: true,
            cwd: true,
            remote: RemoteShape::TypedUrl,
        },
        restart_advice: Some("start it from the MCP: List Servers command, or reload the window"),
    },
    HostInfo {
        id: "windsurf",
        label: "Windsurf",
        env_var: "MCP_WINDSURF_CONFIG",
        scopes: &[Scope::User],
        format: Format::Json,
        user_file: UserFile::InHome(".codeium/windsurf/mcp_config.json"),
        project_file: None,
        servers_key: "mcpServers",
        shape: Shape::Json {
            stdio_type: false,
            cwd: false,
            remote: RemoteShape::ServerUrl,
        },
        restart_advice: Some("reload the MCP servers in the app's settings to load it"),
    },
    HostInfo {
        id: "gemini",
        label: "Gemini CLI",
        env_var: "MCP_GEMINI_CONFIG",
        scopes: &[Scope::User, Scope::Project],
        format: Format::Json,
        user_file: UserFile::InHome(".gemini/settings.json"),
        project_file: Some(".gemini/settings.json"),
        servers_key: "mcpServers",
        shape: Shape::Json {
            stdio_type: false,
            cwd: true,
            remote: RemoteShape::HttpUrlOrUrl,
        },
        restart_advice: Some("start a new session to load it"),
    },
    HostInfo {
        id: "goose",
        label: "Goose",
        env_var: "MCP_GOOSE_CONFIG",
        scopes: &[Scope::User],
        format: Format::Yaml,
        user_file: if cfg!(windows) {
            UserFile::InConfigDir("Block/goose/config/config.yaml")
        } else {
            UserFile::InHome(".config/goose/config.yaml")
        },
        project_file: None,
        servers_key: "extensions",
        shape: Shape::Goose,
        restart_advice: Some("start a new session to load it"),
    },
    HostInfo {
        id: "mcp-json",
        label: "mcp.json",
        env_var: "MCP_MCP_JSON_CONFIG",
        scopes: &[Scope::User, Scope::Project],
        format: Format::Json,
        user_file: UserFile::None,
        project_file: Some("mcp.json"),
        servers_key: "mcpServers",
        shape: Shape::Json {
            stdio_type: false,
            cwd: false,
            remote: RemoteShape::TypedUrl,
        },
        restart_advice: None,
    },
];

impl Host {
    /// Every host, in the order `mcp list` shows them.
    pub const ALL: [Host; 8] = [
        Host::ClaudeDesktop,
        Host::ClaudeCode,
        Host::Cursor,
        Host::Vscode,
        Host::Windsurf,
        Host::Gemini,
        Host::Goose,
        Host::McpJson,
    ];

    fn info(self) -> &'static HostInfo {
        &HOSTS[self as usize]
    }

    /// The host's name for people.
    pub fn label(self) -> &'static str {
        self.info().label
    }

    /// The name of `--host`.
    pub fn id(self) -> &'static str {
        self.info().id
    }

    /// The environment variable that overrides the user-scope config path.
    pub fn env_var(self) -> &'static str {
        self.info().env_var
    }

    /// The scopes the host has.
    pub fn scopes(self) -> &'static [Scope] {
        self.info().scopes
    }

    /// The file format.
    pub fn format(self) -> Format {
        self.info().format
    }

    /// What to do for the host to load a new entry.
    pub fn restart_advice(self) -> Option<&'static str> {
        self.info().restart_advice
    }

    /// The platform's default user-scope path (without the environment override).
    pub fn default_user_path(self) -> Option<PathBuf> {
        let dirs = directories::BaseDirs::new()?;
        let join = |base: &Path, relative: &str| {
            relative
                .split('/')
                .fold(base.to_path_buf(), |p, part| p.join(part))
        };
        match self.info().user_file {
            UserFile::None => None,
            UserFile::InConfigDir(relative) => Some(join(dirs.config_dir(), relative)),
            UserFile::InHome(relative) => Some(join(dirs.home_dir(), relative)),
        }
    }

    fn project_path(self, dir: &Path) -> Option<PathBuf> {
        let relative = self.info().project_file?;
        Some(
            relative
                .split('/')
                .fold(dir.to_path_buf(), |p, part| p.join(part)),
        )
    }
}

/// One config file of one host, and where in it the servers are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The host.
    pub host: Host,
    /// The scope.
    pub scope: Scope,
    /// The file.
    pub path: PathBuf,
    /// The keys leading to the servers' object.
    pub key_path: Vec<String>,
}

impl Location {
    /// The file's format.
    pub fn format(&self) -> Format {
        self.host.format()
    }

    /// "Claude Desktop (user)".
    pub fn label(&self) -> String {
        format!("{} ({})", self.host.label(), self.scope.name())
    }
}

/// Finds the config file of `host` in `scope`: `override_path` first, then the host's
/// environment variable (user scope), then the platform's default.
pub fn locate(
    host: Host,
    scope: Scope,
    project: &Path,
    override_path: Option<&Path>,
) -> Result<Location> {
    if !host.scopes().contains(&scope) {
        let scopes: Vec<&str> = host.scopes().iter().map(|s| s.name()).collect();
        return Err(CliError::usage(format!(
            "{} has no {} scope (it has: {})",
            host.label(),
            scope.name(),
            scopes.join(", ")
        )));
    }
    let project = spec::absolute(project);
    let servers_key = host.info().servers_key.to_owned();
    let key_path = match (host, scope) {
        (Host::ClaudeCode, Scope::Local) => vec![
            "projects".to_owned(),
            project.to_string_lossy().into_owned(),
            servers_key,
        ],
        _ => vec![servers_key],
    };
    let path = match override_path {
        Some(path) => spec::absolute(path),
        None => match scope {
            Scope::Project => host.project_path(&project).expect("checked above"),
            Scope::User | Scope::Local => {
                match std::env::var_os(host.env_var()).filter(|v| !v.is_empty()) {
                    Some(path) => PathBuf::from(path),
                    None => host.default_user_path().ok_or_else(|| {
                        CliError::usage(format!(
                            "{} has no file of its own: pass --host-config FILE to write one, \
                             or leave it out to print the entry",
                            host.label()
                        ))
                    })?,
                }
            }
        },
    };
    Ok(Location {
        host,
        scope,
        path,
        key_path,
    })
}

/// Every config file `mcp list` looks at: each host's user file and this project's files.
pub fn all_locations(hosts: &[Host], project: &Path) -> Vec<Location> {
    let mut out = Vec::new();
    for &host in hosts {
        for &scope in host.scopes() {
            if host == Host::McpJson && scope == Scope::User {
                continue;
            }
            if let Ok(location) = locate(host, scope, project, None) {
                out.push(location);
            }
        }
    }
    out
}

/// The files a bare server name is looked up in when no `--config` is given, with the scope
/// each belongs to: each host's user file first, then this directory's project files (a
/// cloned repository's `.mcp.json` must not shadow a server the user configured).
pub fn search_paths() -> Vec<(PathBuf, Scope)> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut paths: Vec<(PathBuf, Scope)> = Host::ALL
        .iter()
        .filter_map(|h| {
            std::env::var_os(h.env_var())
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .or_else(|| h.default_user_path())
        })
        .map(|path| (path, Scope::User))
        .collect();
    paths.push((cwd.join(".mcp.json"), Scope::Project));
    paths.push((cwd.join("mcp.json"), Scope::Project));
    paths.extend(
        [Host::Cursor, Host::Vscode, Host::Gemini]
            .iter()
            .filter_map(|h| h.project_path(&cwd))
            .map(|path| (path, Scope::Project)),
    );
    paths
}

/// Reads the servers of a config file, whatever host wrote it: `mcpServers`, VS Code's
/// `servers`, Goose's `extensions` (`.yaml`), Claude Code's per-project servers of this
/// directory.
pub fn read_server_entries(path: &Path) -> Result<Vec<(String, Value)>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))?;
    let yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
    let format = if yaml { Format::Yaml } else { Format::Jsonc };
    let document = Document::parse(&text, format, path)?;
    let mut entries = Vec::new();
    let cwd = std::env::current_dir()
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_default();
    let paths: Vec<Vec<String>> = if yaml {
        vec![vec!["extensions".into()]]
    } else {
        vec![
            vec!["mcpServers".into()],
            vec!["servers".into()],
            vec!["projects".into(), cwd, "mcpServers".into()],
        ]
    };
    for key_path in paths {
        let found = document
            .entries(&key_path)
            .map_err(|why| CliError::usage(format!("{}: {why}", path.display())))?;
        entries.extend(found);
    }
    Ok(entries)
}

/// Reads a server entry of any host's shape into a target.
pub fn entry_target(entry: &Value) -> Result<Target, String> {
    let Some(object) = entry.as_object() else {
        return Err("its entry is not an object".into());
    };
    let string = |key: &str| object.get(key).and_then(Value::as_str);
    let string_map = |key: &str| -> BTreeMap<String, String> {
        object
            .get(key)
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| {
                        let v = match v {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        (k.clone(), v)
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    if let Some(command) = string("command").or_else(|| string("cmd")) {
        let args = object
            .get("args")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|v| {
                        v.as_str()
                            .map(str::to_owned)
                            .unwrap_or_else(|| v.to_string())
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let mut env = string_map("env");
        env.extend(string_map("envs"));
        // A bare name stays one: which program it is depends on whose PATH looks it up.
        return Ok(Target::Stdio(Launch {
            program: PathBuf::from(command),
            args: args.into_iter().map(Into::into).collect(),
            env,
            cwd: string("cwd").map(PathBuf::from),
        }));
    }
    let kind = string("type").unwrap_or_default().to_ascii_lowercase();
    let url = string("httpUrl")
        .map(|u| (u, Some(RemoteTransport::StreamableHttp)))
        .or_else(|| string("url").map(|u| (u, None)))
        .or_else(|| string("serverUrl").map(|u| (u, None)))
        .or_else(|| string("uri").map(|u| (u, None)));
    if let Some((url, known)) = url {
        let transport = known
            .or(match kind.as_str() {
                "sse" => Some(RemoteTransport::Sse),
                "http" | "streamable-http" | "streamable_http" | "streamablehttp" => {
                    Some(RemoteTransport::StreamableHttp)
                }
                "ws" | "websocket" => Some(RemoteTransport::WebSocket),
                _ => None,
            })
            .or_else(|| spec::url(url).map(|r| r.transport))
            .ok_or_else(|| format!("`{url}` is not an http(s) or ws(s) URL"))?;
        return Ok(Target::Remote(Remote {
            url: url.to_owned(),
            transport,
            headers: string_map("headers"),
        }));
    }
    if kind == "builtin" || kind == "platform" {
        return Err(
            "it is one of the host's built-in extensions, not a server mcp can start".into(),
        );
    }
    Err("its entry has neither a command nor a URL".into())
}

/// The entry of a server in `host`'s format.
pub fn render(host: Host, name: &str, target: &Target) -> Result<Node> {
    let mut map: Vec<(String, Node)> = Vec::new();
    let mut put = |key: &str, node: Node| map.push((key.to_owned(), node));
    let shape = host.info().shape;
    match target {
        Target::Stdio(launch) => {
            let command = Node::str(launch.program.to_string_lossy());
            let args = Node::strings(launch.args_lossy());
            let env = Node::string_map(&launch.env);
            match shape {
                Shape::Goose => {
                    put("name", Node::str(name));
                    put("type", Node::str("stdio"));
                    put("enabled", Node::Bool(true));
                    put("cmd", command);
                    put("args", args);
                    put("envs", env);
                    put("env_keys", Node::List(Vec::new()));
                    put("timeout", Node::Int(300));
                }
                Shape::Json {
                    stdio_type, cwd, ..
                } => {
                    if stdio_type {
                        put("type", Node::str("stdio"));
                    }
                    put("command", command);
                    put("args", args);
                    if !launch.env.is_empty() {
                        put("env", env);
                    }
                    if let (true, Some(dir)) = (cwd, &launch.cwd) {
                        put("cwd", Node::str(dir.to_string_lossy()));
                    }
                }
            }
        }
        Target::Remote(remote) => {
            let unsupported = |what: &str| {
                Err(
                    CliError::usage(format!("{} cannot connect to {what} servers", host.label()))
                        .hint("run a stdio bridge instead: install `-- mcp run URL`"),
                )
            };
            if remote.transport == RemoteTransport::WebSocket {
                return unsupported("WebSocket");
            }
            let sse = remote.transport == RemoteTransport::Sse;
            let headers = Node::string_map(&remote.headers);
            let url = Node::str(&remote.url);
            let remote_shape = match shape {
                Shape::Goose if sse => return unsupported("SSE (Goose dropped SSE)"),
                Shape::Goose => {
                    put("name", Node::str(name));
                    put("type", Node::str("streamable_http"));
                    put("enabled", Node::Bool(true));
                    put("uri", url);
                    put("headers", headers);
                    put("envs", Node::Map(Vec::new()));
                    put("env_keys", Node::List(Vec::new()));
                    put("timeout", Node::Int(300));
                    return Ok(Node::Map(map));
                }
                Shape::Json { remote, .. } => remote,
            };
            match remote_shape {
                RemoteShape::InSettingsOnly => {
                    return Err(CliError::usage(format!(
                        "{}'s config file only starts local (stdio) servers; remote servers are \
                         added in its Settings, under Connectors",
                        host.label()
                    ))
                    .hint("or install a local bridge: `mcp install --name NAME -- mcp run URL`"));
                }
                RemoteShape::TypedUrl => {
                    put("type", Node::str(if sse { "sse" } else { "http" }));
                    put("url", url);
                }
                RemoteShape::Url => put("url", url),
                RemoteShape::ServerUrl => put("serverUrl", url),
                RemoteShape::HttpUrlOrUrl => put(if sse { "url" } else { "httpUrl" }, url),
            }
            if !remote.headers.is_empty() {
                put("headers", headers);
            }
        }
    }
    Ok(Node::Map(map))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stdio() -> Target {
        Target::Stdio(Launch {
            program: PathBuf::from("/usr/bin/srv"),
            args: vec!["--flag".into()],
            env: BTreeMap::from([("K".to_owned(), "v".to_owned())]),
            cwd: None,
        })
    }

    fn remote(url: &str) -> Target {
        Target::Remote(spec::url(url).unwrap())
    }

    #[test]
    fn every_host_reads_back_what_it_writes() {
        for host in Host::ALL {
            let node = render(host, "srv", &stdio()).unwrap();
            assert_eq!(entry_target(&node.to_json()).unwrap(), stdio(), "{host:?}");
            if host != Host::ClaudeDesktop {
                let target = remote("https://example.com/mcp");
                let node = render(host, "srv", &target).unwrap();
                assert_eq!(entry_target(&node.to_json()).unwrap(), target, "{host:?}");
            }
        }
    }

    #[test]
    fn remote_shapes_follow_each_host() {
        let json = |host, url| render(host, "s", &remote(url)).unwrap().to_json();
        assert_eq!(
            json(Host::Gemini, "https://x/mcp")["httpUrl"],
            "https://x/mcp"
        );
        assert_eq!(json(Host::Gemini, "https://x/sse")["url"], "https://x/sse");
        assert_eq!(
            json(Host::Windsurf, "https://x/mcp")["serverUrl"],
            "https://x/mcp"
        );
        assert_eq!(json(Host::ClaudeCode, "https://x/sse")["type"], "sse");
        assert_eq!(
            json(Host::Goose, "https://x/mcp")["type"],
            "streamable_http"
        );
        assert!(render(Host::Goose, "s", &remote("https://x/sse")).is_err());
        assert!(render(Host::ClaudeDesktop, "s", &remote("https://x/mcp")).is_err());
        assert!(render(Host::Cursor, "s", &remote("wss://x/ws")).is_err());
    }

    #[test]
    fn scopes_are_checked() {
        let dir = Path::new("/tmp/p");
        assert!(locate(Host::ClaudeDesktop, Scope::Project, dir, None).is_err());
        let local = locate(
            Host::ClaudeCode,
            Scope::Local,
            dir,
            Some(Path::new("/c.json")),
        )
        .unwrap();
        assert_eq!(local.key_path, ["projects", "/tmp/p", "mcpServers"]);
        let vscode = locate(Host::Vscode, Scope::Project, dir, None).unwrap();
        assert_eq!(vscode.path, Path::new("/tmp/p/.vscode/mcp.json"));
        assert_eq!(vscode.key_path, ["servers"]);
    }

    #[test]
    fn the_table_is_in_the_order_of_the_enum() {
        use clap::ValueEnum;
        for host in Host::ALL {
            assert_eq!(host.to_possible_value().unwrap().get_name(), host.id());
        }
    }

    #[test]
    fn builtin_extensions_are_not_servers() {
        let entry = serde_json::json!({"type": "builtin", "name": "developer"});
        assert!(entry_target(&entry).unwrap_err().contains("built-in"));
    }
}
