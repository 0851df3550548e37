//! Starting a config entry the way its host would and checking that it answers: `mcp install`
//! does it before it reports success, `mcp list --check` for every entry it lists.

use std::time::Duration;

use crate::connect::{self, ConnectArgs};
use crate::hostenv::HostEnvironment;
use crate::spec::{self, Resolved, Target};
use crate::ui::Ui;

/// What a started entry turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// It answered: the server's name and version, and how many tools it has.
    Serves(String),
    /// A remote server that wants credentials first; the host signs in itself.
    WantsAuthorization(u16),
}

impl std::fmt::Display for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Answer::Serves(summary) => f.write_str(summary),
            Answer::WantsAuthorization(status) => write!(
                f,
                "answers HTTP {status}: it wants you to sign in, which the host does"
            ),
        }
    }
}

/// Starts (or reaches) `target` the way a host with `environment` would, initializes, lists its
/// tools and closes it, within `timeout` seconds a step. The error is the whole story: what
/// failed, and the server's last stderr lines when it died.
pub async fn start_as_host(
    name: &str,
    target: &Target,
    environment: &HostEnvironment,
    timeout: f64,
) -> Result<Answer, String> {
    let args = ConnectArgs {
        timeout,
        protocol_version: None,
        log_level: mcp::types::LoggingLevel::Error,
        quiet: true,
        apps: false,
        oauth: Default::default(),
    };
    let resolved = Resolved {
        kind: spec::Kind::Command,
        target: target.clone(),
        name: name.to_owned(),
    };
    let ui = Ui::new(true);
    let connection =
        match connect::connect_in(&resolved, &args, &ui, false, Some(environment)).await {
            Ok(connection) => connection,
            Err(error) => {
                if let Some(status @ (401 | 403)) = error.http_status {
                    return Ok(Answer::WantsAuthorization(status));
                }
                return Err(error.message);
            }
        };
    let client = &connection.client;
    let who = client
        .server_info()
        .map(|i| format!("{} {}", i.name, i.version))
        .unwrap_or_else(|| "it answers".to_owned());
    let tools = if client.server_capabilities().tools.is_some() {
        match tokio::time::timeout(args.step_timeout(), client.list_all_tools()).await {
            Ok(Ok(tools)) => Ok(format!(
                ", {} tool{}",
                tools.len(),
                if tools.len() == 1 { "" } else { "s" }
            )),
            Ok(Err(e)) => Err(format!("tools/list failed: {e}")),
            Err(_) => Err("tools/list timed out".to_owned()),
        }
    } else {
        Ok(String::new())
    };
    connection.close(Duration::from_secs(2)).await;
    tools.map(|tools| Answer::Serves(format!("{who}{tools}")))
}
