//! `mcp dev [SPEC]`: the server and a built-in inspector, on a web page served by this binary
//! (crate `mcp-inspector`). This module only turns the command line into the inspector's
//! target: the spec resolved as for `mcp run`, what to rebuild and watch, and the listener's
//! settings. With no spec it inspects the demo server built into the binary, run as a child
//! process of its own (`mcp demo-server`) so that the inspector's backend stays small and the
//! demo goes through the same stdio path, stderr pane included, as any server.

use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use mcp_inspector::{
    BuildStep, ConnectOptions, Inspector, RemoteTarget, RemoteTransport, StdioTarget, Target,
};

use super::{ServerArg, block_on, resolve};
use crate::error::{CliError, Result};
use crate::spec::{self, CargoProfile, Kind, Purpose, Resolved, SpecArgs};

/// Which inspector to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Which {
    /// The one built into mcp (no Node needed).
    Builtin,
    /// The official MCP Inspector, through npx (needs Node 22.19 or newer).
    Official,
}

/// Arguments of `mcp dev`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The page is served on 127.0.0.1 behind a random token, which is in the printed URL's fragment
(#token=...) and nowhere else. Its API can start, restart and stop this one server, nothing else.

Examples:
  mcp dev                                the demo server: every MCP feature in one place
  mcp dev server.py                      a Python server, restarted when server.py changes
  mcp dev server.py --with pandas        with an extra package (uv)
  mcp dev ./my-crate                     a Cargo project, rebuilt and restarted on changes
  mcp dev https://mcp.example.com/mcp    a remote server (OAuth in the browser when it asks)
  mcp dev --record traffic.jsonl -- node build/index.js
  mcp dev --inspector official server.py the official Inspector (npx, Node >= 22.19)")]
pub struct Args {
    /// The server (see `mcp --help`); none: the built-in demo server.
    #[arg(value_name = "SPEC")]
    spec: Option<String>,
    /// The server's command line, instead of SPEC.
    #[arg(last = true, value_name = "COMMAND")]
    command: Vec<String>,
    /// The port to serve the page on (0: any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The address to serve the page on; only loopback addresses are allowed without
    /// --dangerously-bind-any-address.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Allow serving on an address other machines can reach. Anyone with the URL could then
    /// run the server.
    #[arg(long)]
    dangerously_bind_any_address: bool,
    /// Do not open a browser.
    #[arg(long)]
    no_open: bool,
    /// Restart the server when its sources change (on by default for a file or Cargo project).
    #[arg(long, overrides_with = "no_watch")]
    watch: bool,
    /// Do not watch the sources.
    #[arg(long, overrides_with = "watch")]
    no_watch: bool,
    /// Write every message exchanged to FILE, as JSON lines.
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
    /// The inspector to run.
    #[arg(long, value_enum, default_value = "builtin")]
    inspector: Which,
    /// The protocol version of the first connection: auto (the newest the server offers) or
    /// one to pin; the page can change it.
    #[arg(long, value_name = "VERSION", default_value = "auto")]
    protocol_version: String,
    /// Time limit of starting the server and agreeing on a version, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    timeout: f64,
    /// Default time limit of each request, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    request_timeout: f64,
    #[command(flatten)]
    spec_args: SpecArgs,
}

/// Runs `mcp dev`.
pub fn run(args: Args) -> Result<ExitCode> {
    let resolved = if args.spec.is_none() && args.command.is_empty() {
        None
    } else {
        let server = ServerArg {
            spec: args.spec.clone(),
            command: args.command.clone(),
        };
        Some(resolve(&server.spec()?, &args.spec_args)?)
    };
    if args.inspector == Which::Official {
        return official(resolved.as_ref());
    }
    let (target, watch_by_default) = match &resolved {
        Some(resolved) => target(resolved, &args.spec_args),
        None => (Target::Stdio(demo_target()?), false),
    };
    let watch = args.watch || (watch_by_default && !args.no_watch);
    let target = match target {
        Target::Stdio(mut stdio) if args.watch && stdio.watch.is_empty() => {
            stdio.watch = existing_files(&stdio);
            Target::Stdio(stdio)
        }
        other => other,
    };
    let options = ConnectOptions {
        protocol_version: args.protocol_version.clone(),
        connect_timeout_ms: (args.timeout.max(0.001) * 1000.0) as u64,
        request_timeout_ms: (args.request_timeout.max(0.001) * 1000.0) as u64,
    };
    if let Err(why) = options.version() {
        return Err(CliError::usage(why.to_string()));
    }
    block_on(async move {
        let describe = target.describe();
        let mut builder = Inspector::builder(target)
            .ip(args.host)
            .port(args.port)
            .dangerously_bind_any_address(args.dangerously_bind_any_address)
            .watch(watch)
            .connect_options(options);
        if let Some(record) = &args.record {
            builder = builder.record(record);
        }
        let inspector = builder.bind().await.map_err(inspector_error)?;
        let url = inspector.url().to_owned();
        // Written whole and failures ignored: a reader that stops after the URL (`| head`)
        // must not stop the inspector.
        let mut banner = format!("mcp dev: inspecting {describe}\n");
        if watch {
            banner.push_str("mcp dev: restarting it when its sources change\n");
        }
        if let Some(record) = &args.record {
            banner.push_str(&format!(
                "mcp dev: recording the traffic in {}\n",
                record.display()
            ));
        }
        banner.push_str(&format!(
            "\n  {url}\n\nOpen that URL (it holds this run's token); Ctrl-C stops the inspector.\n"
        ));
        let mut stdout = std::io::stdout().lock();
        let _ = stdout
            .write_all(banner.as_bytes())
            .and_then(|()| stdout.flush());
        drop(stdout);
        if !args.no_open
            && let Err(e) = open::that_detached(&url)
        {
            eprintln!("mcp dev: could not open a browser ({e}); open the URL above");
        }
        inspector
            .run_until(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(inspector_error)?;
        Ok(ExitCode::SUCCESS)
    })
}

fn inspector_error(error: mcp_inspector::Error) -> CliError {
    match error {
        mcp_inspector::Error::NotLoopback(_) => CliError::usage(error.to_string())
            .hint("serve on 127.0.0.1 (the default), or accept the risk with --dangerously-bind-any-address"),
        mcp_inspector::Error::Bind { .. } => CliError::environment(error.to_string())
            .hint("pick another port with --port, or 0 for any free one"),
        other => CliError::environment(other.to_string()),
    }
}

/// The inspector's target for a resolved spec, and whether watching is on by default.
fn target(resolved: &Resolved, spec_args: &SpecArgs) -> (Target, bool) {
    match &resolved.target {
        spec::Target::Remote(remote) => {
            let transport = match remote.transport {
                spec::RemoteTransport::StreamableHttp => RemoteTransport::StreamableHttp,
                spec::RemoteTransport::Sse => RemoteTransport::Sse,
                spec::RemoteTransport::WebSocket => RemoteTransport::WebSocket,
            };
            let mut target = RemoteTarget::new(&remote.url, transport);
            for (name, value) in &remote.headers {
                target = target.header(name, value);
            }
            (Target::Remote(target), false)
        }
        spec::Target::Stdio(launch) => {
            let mut stdio = StdioTarget::from(launch.parameters());
            stdio.label = Some(launch.display());
            let watch_by_default = match &resolved.kind {
                Kind::Cargo { manifest, bin } => {
                    let mut build_args: Vec<String> = vec![
                        "build".into(),
                        "--manifest-path".into(),
                        manifest.display().to_string(),
                        "--bin".into(),
                        bin.clone(),
                    ];
                    build_args.extend(CargoProfile::chosen(spec_args, Purpose::Run).cargo_args());
                    let cargo = std::env::var_os("CARGO")
                        .map(PathBuf::from)
                        .unwrap_or_else(|| PathBuf::from("cargo"));
                    stdio.build = Some(BuildStep::new(cargo, build_args));
                    if let Some(dir) = manifest.parent() {
                        stdio.watch.push(dir.to_path_buf());
                    }
                    true
                }
                Kind::Python { file, .. } | Kind::Node { file } | Kind::TypeScript { file } => {
                    stdio.watch.push(file.clone());
                    true
                }
                Kind::Executable => {
                    stdio.watch.push(launch.program.clone());
                    true
                }
                _ => false,
            };
            (Target::Stdio(stdio), watch_by_default)
        }
    }
}

/// The files named on a command line, for `--watch` on a command.
fn existing_files(stdio: &StdioTarget) -> Vec<PathBuf> {
    std::iter::once(stdio.server.command.as_os_str())
        .chain(stdio.server.args.iter().map(|a| a.as_os_str()))
        .map(Path::new)
        .filter(|p| p.is_file())
        .map(Path::to_path_buf)
        .collect()
}

/// Hands over to the official Inspector.
fn official(resolved: Option<&Resolved>) -> Result<ExitCode> {
    let target = match resolved {
        Some(resolved) => target(resolved, &SpecArgs::default()).0,
        None => Target::Stdio(demo_target()?),
    };
    let mut command = mcp_inspector::official::command(&target)
        .map_err(|e| CliError::environment(e.to_string()))?;
    eprintln!(
        "mcp dev: handing over to the official MCP Inspector: npx -y {} {}",
        mcp_inspector::official::PACKAGE,
        command
            .get_args()
            .skip(2)
            .map(|a| spec::shell_quote(&a.to_string_lossy()))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let status = command.status().map_err(|e| {
        CliError::environment(format!("cannot run npx: {e}"))
            .hint("check that Node.js and npx are installed")
    })?;
    Ok(ExitCode::from(
        status.code().map_or(1, |c| u8::try_from(c).unwrap_or(1)),
    ))
}

/// The built-in demo server: this binary's hidden `demo-server` subcommand, over stdio.
fn demo_target() -> Result<StdioTarget> {
    let exe = std::env::current_exe().map_err(|e| {
        CliError::environment(format!("cannot find the mcp binary to run the demo: {e}"))
    })?;
    let mut demo = StdioTarget::from(
        mcp::transport::stdio::StdioServerParameters::new(exe).args(["demo-server"]),
    );
    demo.label = Some(format!(
        "{} (the demo built into mcp)",
        mcp_inspector::demo::NAME
    ));
    Ok(demo)
}

/// Runs the demo server on this process's stdin/stdout.
pub fn demo_server() -> ExitCode {
    block_on(async {
        match mcp_inspector::demo::server().run().await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("mcp demo-server: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
