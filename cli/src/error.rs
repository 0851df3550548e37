//! The CLI's error: what went wrong, what to do about it, and the exit code it maps to.
//!
//! Exit codes mean the same thing in every subcommand:
//!
//! | code | meaning |
//! | --- | --- |
//! | 0 | success |
//! | 1 | the server is broken: it did not start, crashed, broke the protocol, failed a check, or answered with an error |
//! | 2 | usage error: bad arguments, a server spec that cannot be resolved, an unknown name |
//! | 3 | environment error: a tool that is needed is missing (cargo, uv, python, node), a config file that cannot be read or written, a transport this build lacks |
//!
//! `mcp run` is the exception: it exits with its server's own exit code.

use std::fmt;
use std::process::ExitCode;

/// Which kind of failure an error is; decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The server did something wrong (exit 1).
    Server,
    /// The command line was wrong (exit 2).
    Usage,
    /// Something around the server was missing or failed (exit 3).
    Environment,
}

impl Kind {
    /// The process exit code of this kind of failure.
    pub fn code(self) -> u8 {
        match self {
            Kind::Server => 1,
            Kind::Usage => 2,
            Kind::Environment => 3,
        }
    }
}

/// An error of the CLI: a message, an optional hint saying what to do next, and its kind.
#[derive(Debug)]
pub struct CliError {
    /// Which kind of failure this is.
    pub kind: Kind,
    /// What went wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// The HTTP status a remote server answered, when the failure was one.
    pub http_status: Option<u16>,
}

/// `Result` with a [`CliError`].
pub type Result<T, E = CliError> = std::result::Result<T, E>;

impl CliError {
    /// A server failure (exit 1).
    pub fn server(message: impl Into<String>) -> Self {
        Self::new(Kind::Server, message)
    }

    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }

    /// An environment error (exit 3).
    pub fn environment(message: impl Into<String>) -> Self {
        Self::new(Kind::Environment, message)
    }

    fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            hint: None,
            http_status: None,
        }
    }

    /// Adds what to do next.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Records the HTTP status a remote server answered.
    pub fn http_status(mut self, status: Option<u16>) -> Self {
        self.http_status = status;
        self
    }

    /// Prints the error on stderr and returns its exit code.
    pub fn report(&self) -> ExitCode {
        let red = anstyle::Style::new()
            .bold()
            .fg_color(Some(anstyle::AnsiColor::Red.into()));
        let dim = anstyle::Style::new().bold();
        anstream::eprintln!("{red}error:{red:#} {}", self.message);
        if let Some(hint) = &self.hint {
            anstream::eprintln!("  {dim}hint:{dim:#} {hint}");
        }
        ExitCode::from(self.kind.code())
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for CliError {}

/// Turns an SDK error met while talking to a server into a server failure, keeping its text.
pub fn from_sdk(what: &str, error: mcp::Error) -> CliError {
    match &error {
        mcp::Error::Timeout { timeout, .. } => CliError::server(format!(
            "{what}: no answer within {:.1} s",
            timeout.as_secs_f64()
        ))
        .hint("raise the limit with --timeout SECONDS, or look at the server's stderr above"),
        mcp::Error::ConnectionClosed(_) => CliError::server(format!("{what}: {error}"))
            .hint("the server closed the connection; its stderr above usually says why"),
        _ => CliError::server(format!("{what}: {error}")),
    }
}
