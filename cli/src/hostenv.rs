//! The environment a host starts its servers in, which is not the shell `mcp install` ran in: a
//! desktop host (Claude Desktop on macOS) passes a minimal `PATH`, no virtual environment is
//! active, and the working directory is `/`.
//!
//! `mcp install` writes entries that start there (absolute paths everywhere, and a `PATH` of
//! their own for scripts whose `#!/usr/bin/env` interpreter is found only on the installing
//! shell's `PATH`, such as `npx` from nvm), then starts the new entry the way a host would before
//! it reports success; `mcp list --check` checks entries the same way.

use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::spec::Launch;

/// The variables a desktop host passes on from the user's login session (the rest of the
/// installing shell's environment, `VIRTUAL_ENV` and a venv's `PATH` among them, is not there).
const PASSED_ON: &[&str] = &[
    "HOME",
    "USER",
    "LOGNAME",
    "SHELL",
    "TMPDIR",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    // Windows needs these to start almost any program.
    "SystemRoot",
    "SystemDrive",
    "windir",
    "ComSpec",
    "PATHEXT",
    "USERPROFILE",
    "USERNAME",
    "HOMEDRIVE",
    "HOMEPATH",
    "APPDATA",
    "LOCALAPPDATA",
    "ProgramData",
    "ProgramFiles",
    "TEMP",
    "TMP",
];

/// The `PATH` a desktop host gives its servers on Unix (what launchd gives a macOS app).
#[cfg(unix)]
const HOST_PATH: &str = "/usr/bin:/bin:/usr/sbin:/sbin";

/// How a host starts a server: its `PATH`, working directory and the variables it passes on.
#[derive(Debug, Clone)]
pub struct HostEnvironment {
    path: OsString,
    cwd: PathBuf,
    passed_on: Vec<(OsString, OsString)>,
}

impl HostEnvironment {
    /// The environment a desktop host typically gives: on Unix `PATH=/usr/bin:/bin:/usr/sbin:/sbin`
    /// and the working directory `/`; on Windows the user's `PATH` without an active virtual
    /// environment, and the home directory. Either way the login session's own variables
    /// (`HOME`, `USER`, `LANG`, ...) are passed on.
    pub fn typical() -> Self {
        let passed_on = PASSED_ON
            .iter()
            .filter_map(|key| std::env::var_os(key).map(|value| (OsString::from(key), value)))
            .collect();
        Self {
            path: typical_path(),
            cwd: typical_cwd(),
            passed_on,
        }
    }

    /// The host's `PATH`.
    pub fn path(&self) -> &OsStr {
        &self.path
    }

    /// The host's working directory.
    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    /// Finds `program` on the host's `PATH`.
    pub fn find(&self, program: &str) -> Option<PathBuf> {
        which::which_in(program, Some(&self.path), &self.cwd).ok()
    }

    /// The full environment `launch` gets from the host: the variables passed on, the host's
    /// `PATH`, and the entry's own variables over them.
    pub fn variables(&self, launch: &Launch) -> Vec<(OsString, OsString)> {
        let mut variables = self.passed_on.clone();
        variables.push(("PATH".into(), self.path.clone()));
        for (key, value) in &launch.env {
            variables.retain(|(k, _)| k != OsStr::new(key));
            variables.push((key.into(), value.into()));
        }
        variables
    }

    /// Makes `launch` start under this environment as it does in this shell: when its program
    /// is a script run through `#!/usr/bin/env NAME` and the host's `PATH` has no `NAME` (nvm's
    /// `npx` needs its `node`), the directory where this shell finds `NAME` is put in front of
    /// the entry's `PATH`. Returns a sentence for each change.
    pub fn adapt(&self, launch: &mut Launch) -> Vec<String> {
        let mut changes = Vec::new();
        let Some(interpreter) = env_interpreter(&launch.program) else {
            return changes;
        };
        let entry_path = launch.env.get("PATH").map(OsString::from);
        let host_path = entry_path.clone().unwrap_or_else(|| self.path.clone());
        if which::which_in(&interpreter, Some(&host_path), &self.cwd).is_ok() {
            return changes;
        }
        let Some(dir) = which::which(&interpreter)
            .ok()
            .and_then(|found| found.parent().map(Path::to_path_buf))
        else {
            return changes;
        };
        let mut dirs = vec![dir.clone()];
        dirs.extend(std::env::split_paths(&host_path));
        if let Ok(path) = std::env::join_paths(dirs) {
            launch
                .env
                .insert("PATH".to_owned(), path.to_string_lossy().into_owned());
            changes.push(format!(
                "{} runs `{interpreter}` through /usr/bin/env, which the host's PATH lacks: \
                 the entry's PATH starts with {}",
                launch.program.display(),
                dir.display()
            ));
        }
        changes
    }
}

#[cfg(unix)]
fn typical_path() -> OsString {
    OsString::from(HOST_PATH)
}

/// Windows hosts are started by Explorer with the user's own `PATH`: this shell's, minus the
/// directories an activated virtual environment put in front.
#[cfg(not(unix))]
fn typical_path() -> OsString {
    let venvs: Vec<PathBuf> = ["VIRTUAL_ENV", "CONDA_PREFIX"]
        .iter()
        .filter_map(std::env::var_os)
        .map(PathBuf::from)
        .collect();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let kept: Vec<PathBuf> = std::env::split_paths(&path)
        .filter(|dir| !venvs.iter().any(|venv| dir.starts_with(venv)))
        .collect();
    std::env::join_paths(kept).unwrap_or(path)
}

#[cfg(unix)]
fn typical_cwd() -> PathBuf {
    PathBuf::from("/")
}

#[cfg(not(unix))]
fn typical_cwd() -> PathBuf {
    directories::BaseDirs::new()
        .map(|dirs| dirs.home_dir().to_path_buf())
        .unwrap_or_else(std::env::temp_dir)
}

/// The interpreter a script names through `#!/usr/bin/env [-S] [VAR=value...] NAME`, when it
/// names one by its bare name.
pub fn env_interpreter(program: &Path) -> Option<String> {
    let mut head = [0u8; 256];
    let mut file = std::fs::File::open(program).ok()?;
    let read = file.read(&mut head).ok()?;
    let head = &head[..read];
    let line = head.strip_prefix(b"#!")?;
    let line = &line[..line.iter().position(|&b| b == b'\n').unwrap_or(line.len())];
    let line = std::str::from_utf8(line).ok()?;
    let mut words = line.split_whitespace();
    let command = words.next()?;
    if !command.ends_with("/env") {
        return None;
    }
    words
        .find(|word| !word.starts_with('-') && !word.contains('='))
        .filter(|name| !name.contains('/'))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn script(text: &str) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, text.as_bytes()).unwrap();
        file
    }

    #[test]
    fn env_shebangs_name_their_interpreter() {
        let name = |text: &str| env_interpreter(script(text).path());
        assert_eq!(name("#!/usr/bin/env node\nx").as_deref(), Some("node"));
        assert_eq!(
            name("#!/usr/bin/env -S node --experimental\n").as_deref(),
            Some("node")
        );
        assert_eq!(
            name("#!/usr/bin/env A=1 python3\n").as_deref(),
            Some("python3")
        );
        assert_eq!(name("#!/bin/sh\n"), None);
        assert_eq!(name("\x7fELF binary"), None);
        assert_eq!(name("#!/usr/bin/env /opt/x/node\n"), None);
    }

    #[test]
    fn the_entrys_own_variables_win() {
        let host = HostEnvironment {
            path: OsString::from("/usr/bin:/bin"),
            cwd: PathBuf::from("/"),
            passed_on: vec![("HOME".into(), "/home/u".into())],
        };
        let launch = Launch {
            program: PathBuf::from("/bin/true"),
            args: Vec::new(),
            env: BTreeMap::from([
                ("PATH".to_owned(), "/opt/bin:/usr/bin".to_owned()),
                ("KEY".to_owned(), "v".to_owned()),
            ]),
            cwd: None,
        };
        let variables = host.variables(&launch);
        let get = |key: &str| {
            variables
                .iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v.to_string_lossy().into_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(get("PATH"), ["/opt/bin:/usr/bin"]);
        assert_eq!(get("HOME"), ["/home/u"]);
        assert_eq!(get("KEY"), ["v"]);
    }
}
