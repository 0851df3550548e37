//! Python server files, run with the MCP Python SDK.
//!
//! The file is run by a small launcher embedded in this binary (`launcher.py`, passed with
//! `python -c`): a file with an `if __name__ == "__main__":` block runs as `python FILE` would;
//! otherwise (or when `file.py:object` names the object) the launcher imports the file and calls
//! `run()` on its server object (`mcp`, `server` or `app`), which works for mcp 1.x `FastMCP`,
//! mcp 2.x `MCPServer` and the standalone `fastmcp` package alike.
//!
//! Which SDK a file needs is read from its imports: `mcp.server.fastmcp` is mcp 1.x (removed in
//! 2.0), `mcp.server.mcpserver` or `MCPServer` is mcp 2.x, `fastmcp` is the standalone package.
//! With `uv` on `PATH` the launcher runs in `uv run --with <that requirement>`, so each file gets
//! the major version it was written for; without uv (or with `--python`) it runs in the given or
//! found interpreter, and the launcher explains a version mismatch.

use std::path::{Path, PathBuf};

use super::{Kind, Launch, Purpose, Resolved, SpecArgs, Target, absolute};
use crate::error::{CliError, Result};

/// The launcher script.
pub const LAUNCHER: &str = include_str!("launcher.py");

/// The Python SDK a server file is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PythonSdk {
    /// mcp 1.x (`from mcp.server.fastmcp import FastMCP`).
    Mcp1,
    /// mcp 2.x (`from mcp.server.mcpserver import MCPServer`).
    Mcp2,
    /// The standalone `fastmcp` package.
    FastMcp,
    /// Could not tell: the newest mcp.
    Unknown,
}

impl PythonSdk {
    /// Reads the SDK from a file's imports.
    pub fn detect(source: &str) -> Self {
        let mut found = PythonSdk::Unknown;
        for line in source.lines().map(str::trim_start) {
            if !(line.starts_with("from ") || line.starts_with("import ")) {
                continue;
            }
            if line.contains("mcp.server.fastmcp") {
                return PythonSdk::Mcp1;
            }
            if line.contains("mcp.server.mcpserver")
                || (line.starts_with("from mcp.server import") && line.contains("MCPServer"))
            {
                return PythonSdk::Mcp2;
            }
            if line.starts_with("from fastmcp") || line.starts_with("import fastmcp") {
                found = PythonSdk::FastMcp;
            }
        }
        found
    }

    /// The requirement handed to `uv run --with`.
    pub fn requirement(self) -> &'static str {
        match self {
            PythonSdk::Mcp1 => "mcp>=1.2,<2",
            PythonSdk::Mcp2 => "mcp>=2,<3",
            PythonSdk::FastMcp => "fastmcp",
            PythonSdk::Unknown => "mcp",
        }
    }
}

/// Whether the source runs something when executed as a script.
pub fn has_main_block(source: &str) -> bool {
    source.lines().any(|line| {
        let line: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        line.starts_with("if__name__==\"__main__\"") || line.starts_with("if__name__=='__main__'")
    })
}

/// Resolves a Python server file.
pub fn resolve(
    file: &Path,
    object: Option<String>,
    args: &SpecArgs,
    purpose: Purpose,
) -> Result<Resolved> {
    let source = std::fs::read_to_string(file)
        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", file.display())))?;
    let sdk = PythonSdk::detect(&source);
    let launch = match purpose {
        Purpose::Install => install_launch(file, object.as_deref(), args)?,
        Purpose::Run => run_launch(file, object.as_deref(), &source, sdk, args)?,
    };
    Ok(Resolved {
        kind: Kind::Python {
            file: file.to_path_buf(),
            object,
            sdk,
        },
        name: server_name(&source).unwrap_or_else(|| super::script_name(file)),
        target: Target::Stdio(launch),
    })
}

/// The name given to the server in the source (`FastMCP("Demo")`, `MCPServer("x")`).
fn server_name(source: &str) -> Option<String> {
    for constructor in ["FastMCP(", "MCPServer("] {
        if let Some(at) = source.find(constructor) {
            let rest = source[at + constructor.len()..].trim_start();
            let rest = rest.strip_prefix("name=").unwrap_or(rest);
            let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            let end = rest[1..].find(quote)?;
            let name = &rest[1..1 + end];
            if !name.is_empty() {
                return Some(name.to_owned());
            }
        }
    }
    None
}

/// What runs a Python server file: uv (with the SDK requirement and `--with` packages), or an
/// interpreter that has the SDK already.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Runner {
    Uv(PathBuf),
    Python(PathBuf),
}

/// Picks the runner: `--python`, else `--uv` or uv on `PATH`, else python3 (or python) on `PATH`;
/// always as an absolute path.
fn runner(file: &Path, args: &SpecArgs) -> Result<Runner> {
    if let Some(python) = &args.python {
        if !args.with.is_empty() || args.with_editable.is_some() {
            return Err(CliError::usage(
                "--with and --with-editable need uv, and --python runs the interpreter directly",
            )
            .hint("install the packages into that interpreter, or leave --python out"));
        }
        return super::find_program(&python.to_string_lossy())
            .map(|p| Runner::Python(absolute(&p)))
            .ok_or_else(|| {
                CliError::environment(format!(
                    "the Python interpreter {} does not exist",
                    python.display()
                ))
            });
    }
    let uv = match &args.uv {
        Some(uv) => Some(super::find_program(&uv.to_string_lossy()).ok_or_else(|| {
            CliError::environment(format!("the uv binary {} does not exist", uv.display()))
        })?),
        None => which::which("uv").ok(),
    };
    if let Some(uv) = uv {
        return Ok(Runner::Uv(absolute(&uv)));
    }
    if !args.with.is_empty() || args.with_editable.is_some() {
        return Err(CliError::environment(
            "--with and --with-editable need uv, which is not on PATH",
        )
        .hint("install uv (https://docs.astral.sh/uv/) or pass --uv PATH, or install the packages into the interpreter given with --python"));
    }
    which::which("python3")
        .or_else(|_| which::which("python"))
        .map(|p| Runner::Python(absolute(&p)))
        .map_err(|_| {
            CliError::environment(format!(
                "{} is a Python server, and neither uv nor python3 is on PATH",
                file.display()
            ))
            .hint("install uv (it fetches the right MCP SDK by itself), or pass --python PATH")
        })
}

/// How a host runs the file later: through this binary's `mcp run`, with the uv or Python
/// found now named by its absolute path (a host's `PATH` rarely has either: uv lives in
/// `~/.local/bin` or `~/.cargo/bin`, and a venv's python is on an activated shell's `PATH` only).
fn install_launch(file: &Path, object: Option<&str>, args: &SpecArgs) -> Result<Launch> {
    let exe = std::env::current_exe()
        .map(|p| absolute(&p))
        .map_err(|e| CliError::environment(format!("cannot find the mcp binary's path: {e}")))?;
    let spec = match object {
        Some(object) => format!("{}:{object}", file.display()),
        None => file.display().to_string(),
    };
    let mut launch = Launch::new(exe).arg("run").arg(spec);
    match runner(file, args)? {
        Runner::Python(python) => launch = launch.arg("--python").arg(python),
        Runner::Uv(uv) => {
            launch = launch.arg("--uv").arg(uv);
            for package in &args.with {
                launch = launch.arg("--with").arg(package);
            }
            if let Some(dir) = &args.with_editable {
                launch = launch.arg("--with-editable").arg(absolute(dir));
            }
        }
    }
    Ok(launch)
}

fn run_launch(
    file: &Path,
    object: Option<&str>,
    source: &str,
    sdk: PythonSdk,
    args: &SpecArgs,
) -> Result<Launch> {
    let launcher_args = |launch: Launch| -> Launch {
        let launch = launch.arg("-c").arg(LAUNCHER);
        match object {
            None if has_main_block(source) => launch.arg("main").arg(file),
            _ => launch
                .arg("object")
                .arg(file)
                .arg(object.unwrap_or_default()),
        }
    };
    Ok(match runner(file, args)? {
        Runner::Uv(uv) => {
            let mut launch = Launch::new(uv)
                .arg("run")
                .arg("--quiet")
                .arg("--with")
                .arg(sdk.requirement());
            for package in &args.with {
                launch = launch.arg("--with").arg(package);
            }
            if let Some(dir) = &args.with_editable {
                launch = launch.arg("--with-editable").arg(absolute(dir));
            }
            launcher_args(launch.arg("python"))
        }
        Runner::Python(python) => launcher_args(Launch::new(python)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sdk_comes_from_the_imports() {
        assert_eq!(
            PythonSdk::detect("from mcp.server.fastmcp import FastMCP\n"),
            PythonSdk::Mcp1
        );
        assert_eq!(
            PythonSdk::detect("from mcp.server.mcpserver import Context, MCPServer\n"),
            PythonSdk::Mcp2
        );
        assert_eq!(
            PythonSdk::detect("from mcp.server import MCPServer\n"),
            PythonSdk::Mcp2
        );
        assert_eq!(
            PythonSdk::detect("from fastmcp import FastMCP\n"),
            PythonSdk::FastMcp
        );
        assert_eq!(PythonSdk::detect("import json\n"), PythonSdk::Unknown);
        assert_eq!(PythonSdk::Mcp1.requirement(), "mcp>=1.2,<2");
    }

    #[test]
    fn main_blocks_and_names_are_found() {
        assert!(has_main_block(
            "x = 1\nif __name__ == \"__main__\":\n    run()\n"
        ));
        assert!(has_main_block("if __name__=='__main__': run()"));
        assert!(!has_main_block("print(__name__)"));
        assert_eq!(
            server_name("mcp = FastMCP(\"Demo\")").as_deref(),
            Some("Demo")
        );
        assert_eq!(
            server_name("server = MCPServer(name='x', version='1')").as_deref(),
            Some("x")
        );
        assert_eq!(server_name("app = Server('low')"), None);
    }
}
