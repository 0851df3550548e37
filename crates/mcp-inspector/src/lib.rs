//! An MCP inspector served by the binary itself: a web page (plain HTML, CSS and JavaScript
//! modules embedded at build time) and the backend it talks to, which holds the MCP client
//! session (the SDK's [`Client`](mcp::client::Client)), so every transport and protocol era
//! works the same. It is what `mcp dev` runs.
//!
//! ```no_run
//! use mcp::transport::stdio::StdioServerParameters;
//! use mcp_inspector::{Inspector, StdioTarget, Target};
//!
//! # async fn run() -> Result<(), mcp_inspector::Error> {
//! let server = StdioServerParameters::new("python3").args(["server.py"]);
//! let target = Target::Stdio(StdioTarget::from(server).watch("server.py"));
//! let inspector = Inspector::builder(target).watch(true).bind().await?;
//! println!("open {}", inspector.url());
//! inspector.run_until(async { let _ = tokio::signal::ctrl_c().await; }).await
//! # }
//! ```
//!
//! Security: the listener binds loopback addresses only (unless
//! [`dangerously_bind_any_address`](InspectorBuilder::dangerously_bind_any_address)), checks
//! `Host` and `Origin` on every request, and its API needs a random per-run token that is
//! delivered in the URL's fragment and never served. The API can start, restart and stop the
//! target given here, and nothing else. The protocol is in `docs/inspector-api.md`.

mod api;
mod assets;
mod backend;
mod connect;
pub mod demo;
mod error;
mod events;
mod http;
mod oauth;
mod observe;
pub mod official;
mod rpc;
mod security;
mod target;
mod watch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use mcp::client::auth::OAuthClient;
use tokio::net::TcpListener;
use tokio::sync::watch as signal;
use tokio::task::JoinHandle;

pub use backend::{ConnectOptions, UnknownVersion};
pub use error::Error;
pub use target::{BuildStep, InProcessTarget, RemoteTarget, RemoteTransport, StdioTarget, Target};

use crate::backend::Backend;
use crate::http::{AppState, SandboxState};
use crate::observe::Recorder;
use crate::security::Gate;

/// The inspector.
#[derive(Debug)]
pub struct Inspector;

impl Inspector {
    /// Starts configuring an inspector of `target`.
    pub fn builder(target: Target) -> InspectorBuilder {
        InspectorBuilder {
            target,
            ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            any_address: false,
            watch: false,
            record: None,
            options: ConnectOptions::default(),
            connect: true,
        }
    }
}

/// Configures an inspector.
#[derive(Debug)]
pub struct InspectorBuilder {
    target: Target,
    ip: IpAddr,
    port: u16,
    any_address: bool,
    watch: bool,
    record: Option<PathBuf>,
    options: ConnectOptions,
    connect: bool,
}

impl InspectorBuilder {
    /// The address to listen on (default 127.0.0.1). Anything but a loopback address is refused
    /// unless [`dangerously_bind_any_address`](Self::dangerously_bind_any_address).
    pub fn ip(mut self, ip: IpAddr) -> Self {
        self.ip = ip;
        self
    }

    /// The port (default 0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Allows listening on an address other machines can reach. Anyone who gets the URL (with
    /// its token) can then start, stop and drive the server.
    pub fn dangerously_bind_any_address(mut self, allow: bool) -> Self {
        self.any_address = allow;
        self
    }

    /// Restarts the server when the target's watched paths change (building it first when the
    /// target has a build step).
    pub fn watch(mut self, watch: bool) -> Self {
        self.watch = watch;
        self
    }

    /// Writes every message exchanged to `file`, as JSON lines.
    pub fn record(mut self, file: impl Into<PathBuf>) -> Self {
        self.record = Some(file.into());
        self
    }

    /// How the first connection is made (version, timeouts).
    pub fn connect_options(mut self, options: ConnectOptions) -> Self {
        self.options = options;
        self
    }

    /// Whether to connect as soon as the inspector starts (default yes).
    pub fn connect_on_start(mut self, connect: bool) -> Self {
        self.connect = connect;
        self
    }

    /// Listens, starts serving the page and connects to the target in the background.
    pub async fn bind(self) -> Result<RunningInspector, Error> {
        if !self.ip.is_loopback() && !self.any_address {
            return Err(Error::NotLoopback(self.ip));
        }
        let bind = |addr: SocketAddr| async move {
            TcpListener::bind(addr)
                .await
                .map_err(|source| Error::Bind { addr, source })
        };
        let listener = bind(SocketAddr::new(self.ip, self.port)).await?;
        let addr = listener.local_addr().map_err(Error::Serve)?;
        let sandbox_listener = bind(SocketAddr::new(self.ip, 0)).await?;
        let sandbox_addr = sandbox_listener.local_addr().map_err(Error::Serve)?;
        let shown_ip = if self.ip.is_unspecified() {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        } else {
            self.ip
        };
        let origin = |port: u16| match shown_ip {
            IpAddr::V4(ip) => format!("http://{ip}:{port}"),
            IpAddr::V6(ip) => format!("http://[{ip}]:{port}"),
        };
        let page_origin = origin(addr.port());
        let sandbox_origin = origin(sandbox_addr.port());

        let recorder = match &self.record {
            Some(path) => Some(Recorder::create(path).map_err(|source| Error::Record {
                path: path.clone(),
                source,
            })?),
            None => None,
        };
        let callbacks = Arc::new(oauth::Callbacks::default());
        let backend = Arc::new(Backend::new(self.target.clone(), recorder));
        backend.set_sandbox_origin(sandbox_origin.clone());
        if let Target::Remote(remote) = &self.target
            && remote.oauth
            && remote.transport != RemoteTransport::WebSocket
        {
            let redirect = oauth::PageRedirect::new(
                format!("{page_origin}/oauth/callback"),
                callbacks.clone(),
                Arc::downgrade(&backend.hub),
            );
            let client = OAuthClient::builder(&remote.url, redirect)
                .client_name("mcp dev inspector")
                .build()
                .map_err(|e| Error::OAuth {
                    url: remote.url.clone(),
                    reason: e.to_string(),
                })?;
            backend.set_oauth(client);
        }

        let gate = Arc::new(Gate::new(security::new_token(), addr, self.any_address));
        let token = gate.token().to_owned();
        let (stop, stopped) = signal::channel(false);
        let router = http::router(AppState {
            backend: backend.clone(),
            gate,
            oauth: callbacks,
            sandbox_origin: sandbox_origin.clone(),
            page_port: addr.port(),
        });
        let page_origins = vec![
            page_origin.clone(),
            format!("http://localhost:{}", addr.port()),
        ];
        let sandbox = http::sandbox_router(SandboxState {
            gate: Arc::new(Gate::new(String::new(), sandbox_addr, self.any_address)),
            page_origins,
        });
        let servers = vec![
            tokio::spawn(serve(listener, router, stopped.clone())),
            tokio::spawn(serve(sandbox_listener, sandbox, stopped)),
        ];

        let watch = match (&self.target, self.watch) {
            (Target::Stdio(stdio), true) if !stdio.watch.is_empty() => {
                Some(watch::start(backend.clone(), stdio)?)
            }
            _ => None,
        };
        if self.connect {
            let backend = backend.clone();
            let options = self.options.clone();
            tokio::spawn(async move {
                let _ = backend.connect(options, "started").await;
            });
        } else {
            *backend.options_mut() = self.options.clone();
        }
        Ok(RunningInspector {
            url: format!("{page_origin}/#token={token}"),
            addr,
            sandbox_addr,
            backend,
            servers,
            stop,
            _watch: watch,
        })
    }
}

async fn serve(listener: TcpListener, router: axum::Router, mut stopped: signal::Receiver<bool>) {
    let shutdown = async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    };
    if let Err(e) = axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
    {
        tracing::warn!(error = %e, "the inspector's listener failed");
    }
}

/// A running inspector.
pub struct RunningInspector {
    url: String,
    addr: SocketAddr,
    sandbox_addr: SocketAddr,
    backend: Arc<Backend>,
    servers: Vec<JoinHandle<()>>,
    stop: signal::Sender<bool>,
    _watch: Option<watch::Watch>,
}

impl std::fmt::Debug for RunningInspector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningInspector")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl RunningInspector {
    /// The page's URL, with the token in its fragment: what the user opens.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The address the page is served on.
    pub fn address(&self) -> SocketAddr {
        self.addr
    }

    /// The address of the MCP Apps sandbox (a separate origin).
    pub fn sandbox_address(&self) -> SocketAddr {
        self.sandbox_addr
    }

    /// Serves until `signal` resolves, then stops the server and the listeners.
    pub async fn run_until(self, signal: impl Future<Output = ()>) -> Result<(), Error> {
        signal.await;
        self.shut_down().await;
        Ok(())
    }

    /// Stops the server (a local process is ended) and the listeners.
    pub async fn shut_down(self) {
        self.backend.shut_down().await;
        let _ = self.stop.send(true);
        for server in self.servers {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(2), server).await;
        }
    }
}
