//! Handing over to the official MCP Inspector (`npx @modelcontextprotocol/inspector`), for
//! those who want it. It needs npx and Node 22.19 or newer; without them the error says so.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::Error;
use crate::target::{RemoteTransport, Target};

/// The oldest Node the official Inspector 2.12 runs on.
pub const MIN_NODE: (u32, u32) = (22, 19);
/// The npm package.
pub const PACKAGE: &str = "@modelcontextprotocol/inspector";

/// Finds `program` on `path` (a `PATH` value).
fn find_on(path: &std::ffi::OsStr, program: &str) -> Option<PathBuf> {
    std::env::split_paths(path).find_map(|dir| {
        let candidate = dir.join(program);
        is_executable(&candidate).then_some(candidate)
    })
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// Parses `v22.19.0` into (22, 19).
fn node_version(text: &str) -> Option<(u32, u32)> {
    let mut parts = text.trim().trim_start_matches('v').split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// The command that runs the official Inspector on `target`, after checking that npx and a
/// recent enough Node are on `PATH`.
pub fn command(target: &Target) -> Result<Command, Error> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let npx_name = if cfg!(windows) { "npx.cmd" } else { "npx" };
    let node_name = if cfg!(windows) { "node.exe" } else { "node" };
    let npx = find_on(&path, npx_name).ok_or_else(|| {
        Error::Official(format!(
            "the official Inspector runs through npx, and npx is not on PATH; install Node.js \
             {}.{} or newer (npx comes with it), or drop --inspector official to use the \
             built-in inspector",
            MIN_NODE.0, MIN_NODE.1
        ))
    })?;
    let node = find_on(&path, node_name).ok_or_else(|| {
        Error::Official("npx is on PATH but node is not; install Node.js again".to_owned())
    })?;
    let output = Command::new(&node)
        .arg("--version")
        .output()
        .map_err(|e| Error::Official(format!("cannot run {}: {e}", node.display())))?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let version = node_version(&text).ok_or_else(|| {
        Error::Official(format!(
            "{} --version printed {text:?}, which is not a version",
            node.display()
        ))
    })?;
    if version < MIN_NODE {
        return Err(Error::Official(format!(
            "the official Inspector needs Node.js {}.{} or newer, and {} is {}; install a newer \
             Node.js, or drop --inspector official to use the built-in inspector (no Node needed)",
            MIN_NODE.0,
            MIN_NODE.1,
            node.display(),
            text.trim()
        )));
    }
    let mut command = Command::new(npx);
    command.arg("-y").arg(PACKAGE).args(arguments(target)?);
    Ok(command)
}

/// The Inspector's arguments for `target`.
pub fn arguments(target: &Target) -> Result<Vec<OsString>, Error> {
    let mut args: Vec<OsString> = Vec::new();
    match target {
        Target::Stdio(stdio) => {
            let server = &stdio.server;
            let mut env: Vec<_> = server.env.iter().collect();
            env.sort();
            for (key, value) in env {
                let mut pair = key.clone();
                pair.push("=");
                pair.push(value);
                args.push("-e".into());
                args.push(pair);
            }
            if let Some(cwd) = &server.cwd {
                args.push("--cwd".into());
                args.push(cwd.clone().into_os_string());
            }
            args.push("--".into());
            args.push(server.command.clone());
            args.extend(server.args.iter().cloned());
        }
        Target::Remote(remote) => {
            let transport = match remote.transport {
                RemoteTransport::StreamableHttp => "http",
                RemoteTransport::Sse => "sse",
                RemoteTransport::WebSocket => {
                    return Err(Error::Official(
                        "the official Inspector has no WebSocket transport; use the built-in \
                         inspector for ws:// servers"
                            .to_owned(),
                    ));
                }
            };
            args.push("--transport".into());
            args.push(transport.into());
            args.push("--server-url".into());
            args.push(remote.url.clone().into());
            if !remote.headers.is_empty() {
                args.push("--header".into());
                for (name, value) in &remote.headers {
                    args.push(format!("{name}: {value}").into());
                }
            }
        }
        Target::InProcess(in_process) => {
            return Err(Error::Official(format!(
                "{} runs inside this process; the official Inspector needs a command or a URL",
                in_process.name
            )));
        }
    }
    Ok(args)
}

#[cfg(test)]
mod tests {
    use mcp::transport::stdio::StdioServerParameters;

    use super::*;
    use crate::target::{RemoteTarget, StdioTarget};

    #[test]
    fn versions_parse_and_compare() {
        assert_eq!(node_version("v22.19.0\n"), Some((22, 19)));
        assert_eq!(node_version("v20.20.2"), Some((20, 20)));
        assert!(node_version("v20.20.2").unwrap() < MIN_NODE);
        assert!(node_version("v24.1.0").unwrap() >= MIN_NODE);
        assert_eq!(node_version("node"), None);
    }

    #[test]
    fn arguments_name_the_server_and_its_settings() {
        let stdio = Target::Stdio(StdioTarget::from(
            StdioServerParameters::new("/usr/bin/python3")
                .args(["server.py"])
                .env("KEY", "v")
                .cwd("/srv"),
        ));
        let args: Vec<String> = arguments(&stdio)
            .unwrap()
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect();
        assert_eq!(
            args,
            [
                "-e",
                "KEY=v",
                "--cwd",
                "/srv",
                "--",
                "/usr/bin/python3",
                "server.py"
            ]
        );
        let remote = Target::Remote(
            RemoteTarget::new("https://h/mcp", RemoteTransport::StreamableHttp).header("X-A", "1"),
        );
        let args: Vec<String> = arguments(&remote)
            .unwrap()
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect();
        assert_eq!(
            args,
            [
                "--transport",
                "http",
                "--server-url",
                "https://h/mcp",
                "--header",
                "X-A: 1"
            ]
        );
        let ws = Target::Remote(RemoteTarget::new("ws://h/ws", RemoteTransport::WebSocket));
        assert!(arguments(&ws).is_err());
    }
}
