//! How a local server is started: its program, arguments, environment and directory.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;

use mcp::transport::stdio::StdioServerParameters;

use super::python;

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
    pub(super) fn new(program: impl Into<PathBuf>) -> Self {
        Self {
            program: program.into(),
            args: Vec::new(),
            env: BTreeMap::new(),
            cwd: None,
        }
    }

    pub(super) fn arg(mut self, arg: impl Into<OsString>) -> Self {
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

    /// How to start it in this process's environment (with what it sets over it).
    pub fn parameters(&self) -> StdioServerParameters {
        let mut params = StdioServerParameters::new(&self.program).args(self.args.iter().cloned());
        for (key, value) in &self.env {
            params = params.env(key, value);
        }
        if let Some(cwd) = &self.cwd {
            params = params.cwd(cwd);
        }
        params
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quoting_only_when_needed() {
        assert_eq!(shell_quote("/a/b.py"), "/a/b.py");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
