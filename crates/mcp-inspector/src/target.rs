//! What the inspector starts or reaches: the one server given on the command line. The web API
//! can start, restart and stop this server, and nothing else: no command line, URL or
//! environment ever comes from HTTP.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use mcp::fastmcp::FastMcp;
use mcp::transport::stdio::StdioServerParameters;

/// The server to inspect.
#[derive(Clone)]
#[expect(
    clippy::large_enum_variant,
    reason = "one value per inspector, made once: boxing would only add noise"
)]
pub enum Target {
    /// A local process speaking stdio.
    Stdio(StdioTarget),
    /// A server reached over the network.
    Remote(RemoteTarget),
    /// A server living in this process, connected over the in-memory transport.
    InProcess(InProcessTarget),
}

impl Target {
    /// One line saying what is inspected, for the page and messages.
    pub fn describe(&self) -> String {
        match self {
            Target::Stdio(stdio) => stdio.display(),
            Target::Remote(remote) => format!("{} ({})", remote.url, remote.transport.name()),
            Target::InProcess(in_process) => format!("{} (in process)", in_process.name),
        }
    }

    /// The transport's name, for the page.
    pub fn transport_name(&self) -> &'static str {
        match self {
            Target::Stdio(_) => "stdio",
            Target::Remote(remote) => remote.transport.name(),
            Target::InProcess(_) => "in-memory",
        }
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// How to start a local server, and how to keep it fresh while its sources change.
///
/// ```
/// use mcp::transport::stdio::StdioServerParameters;
/// use mcp_inspector::StdioTarget;
///
/// let target = StdioTarget::from(StdioServerParameters::new("python3").args(["server.py"]))
///     .watch("server.py");
/// assert_eq!(target.display(), "python3 server.py");
/// ```
#[derive(Debug, Clone)]
pub struct StdioTarget {
    /// The program, its arguments, environment and working directory (its stderr is the
    /// inspector's to decide: shown on the page).
    pub server: StdioServerParameters,
    /// A command to run before each restart caused by a change (`cargo build ...`); the server
    /// is restarted only when it succeeds.
    pub build: Option<BuildStep>,
    /// Files and directories whose changes restart the server (with `watch` on).
    pub watch: Vec<PathBuf>,
    /// How to show the command to people, when its arguments say too much (an embedded
    /// launcher script); the command line otherwise.
    pub label: Option<String>,
}

impl From<StdioServerParameters> for StdioTarget {
    fn from(server: StdioServerParameters) -> Self {
        Self {
            server,
            build: None,
            watch: Vec::new(),
            label: None,
        }
    }
}

impl StdioTarget {
    /// Sets the build step run before a restart.
    pub fn build(mut self, step: BuildStep) -> Self {
        self.build = Some(step);
        self
    }

    /// Adds a file or directory to watch.
    pub fn watch(mut self, path: impl Into<PathBuf>) -> Self {
        self.watch.push(path.into());
        self
    }

    /// The label, or else the command line: for messages.
    pub fn display(&self) -> String {
        self.label.clone().unwrap_or_else(|| self.server.display())
    }
}

/// A command that builds the server before it is restarted.
#[derive(Debug, Clone, Default)]
pub struct BuildStep {
    /// The program (`cargo`).
    pub program: PathBuf,
    /// Its arguments (`build --manifest-path ... --bin ...`).
    pub args: Vec<OsString>,
    /// Its working directory.
    pub cwd: Option<PathBuf>,
}

impl BuildStep {
    /// A build step running `program` with `args`.
    pub fn new<I, S>(program: impl Into<PathBuf>, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        Self {
            program: program.into(),
            args: args.into_iter().map(Into::into).collect(),
            cwd: None,
        }
    }

    /// The command line, for the page.
    pub fn display(&self) -> String {
        std::iter::once(self.program.display().to_string())
            .chain(self.args.iter().map(|a| a.to_string_lossy().into_owned()))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The transport of a remote server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoteTransport {
    /// Streamable HTTP, falling back to the legacy HTTP+SSE transport when the server only
    /// speaks that.
    StreamableHttp,
    /// The legacy HTTP+SSE transport.
    Sse,
    /// WebSocket (subprotocol `mcp`).
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
#[derive(Debug, Clone)]
pub struct RemoteTarget {
    /// Its URL.
    pub url: String,
    /// How to talk to it.
    pub transport: RemoteTransport,
    /// Headers sent with every request (or with the WebSocket's opening handshake).
    pub headers: BTreeMap<String, String>,
    /// Authorize through OAuth when the server asks (HTTP transports): the page sends the user
    /// to the authorization server, which redirects back to the inspector.
    pub oauth: bool,
}

impl RemoteTarget {
    /// A remote target at `url` with no headers, OAuth on.
    pub fn new(url: impl Into<String>, transport: RemoteTransport) -> Self {
        Self {
            url: url.into(),
            transport,
            headers: BTreeMap::new(),
            oauth: true,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.insert(name.into(), value.into());
        self
    }
}

/// A server built in this process for each connection.
#[derive(Clone)]
pub struct InProcessTarget {
    /// The server's name, for the page.
    pub name: String,
    make: Arc<dyn Fn() -> FastMcp + Send + Sync>,
}

impl InProcessTarget {
    /// A target whose every connection gets a fresh server from `make`.
    pub fn fastmcp(
        name: impl Into<String>,
        make: impl Fn() -> FastMcp + Send + Sync + 'static,
    ) -> Self {
        Self {
            name: name.into(),
            make: Arc::new(make),
        }
    }

    /// A fresh server.
    pub fn make(&self) -> FastMcp {
        (self.make)()
    }
}

impl fmt::Debug for InProcessTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InProcessTarget")
            .field("name", &self.name)
            .finish()
    }
}
