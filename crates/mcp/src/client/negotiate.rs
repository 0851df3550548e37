//! Agreeing on a protocol version: `server/discover` first, the `initialize` handshake when the
//! server turns out to be of the handshake era.

use std::time::Duration;

use serde_json::Value;

use super::{Client, Negotiated, VersionChoice};
use crate::error::{Error, Result};
use crate::jsonrpc::RequestOptions;
use crate::types::{
    DiscoverResult, EmptyRequestParams, ErrorCode, ErrorData, InitializeRequestParams,
    InitializeResult, ProtocolVersion, RequestMeta, UnsupportedProtocolVersionData,
};

/// Establishes the version per `choice`.
pub(super) async fn negotiate(
    client: &Client,
    choice: VersionChoice,
    probe_timeout: Duration,
) -> Result<Negotiated> {
    match choice {
        VersionChoice::Pinned(version) if version.is_stateless() => pinned(client, version).await,
        VersionChoice::Pinned(version) => initialize(client, version, true).await,
        VersionChoice::Auto => auto(client, probe_timeout).await,
    }
}

/// `server/discover` at exactly `version`. A server that rejects the version (-32022) while
/// listing it among the ones it supports is asked once more, as the specification has clients
/// retry with a version from that list.
async fn pinned(client: &Client, version: ProtocolVersion) -> Result<Negotiated> {
    let mut retried = false;
    loop {
        match discover(client, version, None).await {
            Ok(Ok(negotiated)) => return Ok(negotiated),
            Ok(Err(result)) => {
                return Err(Error::ProtocolViolation(format!(
                    "the server does not list {version} among its versions ({})",
                    result.supported_versions.join(", ")
                )));
            }
            Err(Error::Protocol(e)) if e.code == ErrorCode::UNSUPPORTED_PROTOCOL_VERSION => {
                let supported = supported_versions(&e);
                if !retried && supported.contains(&version) {
                    retried = true;
                    continue;
                }
                // Keep the code and data of the server's error; say what went wrong plainly.
                let message = format!(
                    "the client is pinned to {version} but the server supports only {}",
                    supported
                        .iter()
                        .map(|v| v.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                return Err(Error::Protocol(ErrorData {
                    message: message.into(),
                    ..e
                }));
            }
            Err(other) => return Err(other),
        }
    }
}

/// The versions an `UnsupportedProtocolVersion` error says the server supports, those this
/// client knows.
fn supported_versions(error: &ErrorData) -> Vec<ProtocolVersion> {
    error
        .typed_data::<UnsupportedProtocolVersionData>()
        .and_then(|r| r.ok())
        .map(|d| d.supported)
        .unwrap_or_default()
        .iter()
        .filter_map(|v| ProtocolVersion::from_wire(v))
        .collect()
}

/// The stdio probe of the specification: a `DiscoverResult` or a recognised stateless-era
/// error means a stateless server; any other error, or silence, means a handshake-era one.
async fn auto(client: &Client, probe_timeout: Duration) -> Result<Negotiated> {
    let mut version = ProtocolVersion::LATEST;
    for attempt in 0..2 {
        match discover(client, version, Some(probe_timeout)).await {
            Ok(Ok(negotiated)) => return Ok(negotiated),
            // It answers discover but lists no stateless version we speak: a handshake server.
            Ok(Err(_)) => break,
            Err(Error::Protocol(e)) if e.code == ErrorCode::UNSUPPORTED_PROTOCOL_VERSION => {
                let known = supported_versions(&e);
                match known.iter().copied().filter(|v| v.is_stateless()).max() {
                    Some(common) if attempt == 0 => {
                        version = common;
                        continue;
                    }
                    _ if known.iter().any(|v| !v.is_stateless()) => break,
                    _ => {
                        return Err(Error::Protocol(e));
                    }
                }
            }
            Err(Error::Protocol(_) | Error::Timeout { .. }) => break,
            Err(other) => return Err(other),
        }
    }
    match initialize(client, ProtocolVersion::LATEST_HANDSHAKE, false).await {
        // A stateless server that answered the probe too late for us, and now refuses the
        // handshake: speak its newest stateless version after all.
        Err(Error::Protocol(e)) if e.code == ErrorCode::UNSUPPORTED_PROTOCOL_VERSION => {
            let Some(stateless) = supported_versions(&e)
                .into_iter()
                .filter(|v| v.is_stateless())
                .max()
            else {
                return Err(Error::Protocol(e));
            };
            match discover(client, stateless, None).await? {
                Ok(negotiated) => Ok(negotiated),
                Err(_) => Err(Error::Protocol(e)),
            }
        }
        other => other,
    }
}

/// Sends `server/discover` at `version`. `Ok(Err(result))` when the server answered but does
/// not speak a stateless version this client knows.
async fn discover(
    client: &Client,
    version: ProtocolVersion,
    timeout: Option<Duration>,
) -> Result<std::result::Result<Negotiated, DiscoverResult>> {
    let params = EmptyRequestParams {
        meta: Some(RequestMeta::stateless(
            version,
            client.inner.capabilities.clone(),
            Some(client.inner.info.clone()),
        )),
    };
    let options = RequestOptions {
        timeout: timeout.or(client.inner.peer.options().request_timeout),
        ..Default::default()
    };
    let result: DiscoverResult = client
        .inner
        .peer
        .request("server/discover", Some(&params), options)
        .await?;
    let known = result.known_versions();
    let chosen = if known.contains(&version) {
        Some(version)
    } else {
        known.into_iter().filter(|v| v.is_stateless()).max()
    };
    let Some(chosen) = chosen.filter(|v| v.is_stateless()) else {
        return Ok(Err(result));
    };
    let server_info = result
        .meta
        .as_ref()
        .and_then(|m| m.get(crate::types::meta::SERVER_INFO))
        .and_then(|v| serde_json::from_value(v.clone()).ok());
    Ok(Ok(Negotiated {
        version: chosen,
        server_info,
        capabilities: result.capabilities,
        instructions: result.instructions,
        supported_versions: result.supported_versions,
    }))
}

/// The handshake: `initialize`, then `notifications/initialized`.
async fn initialize(client: &Client, version: ProtocolVersion, exact: bool) -> Result<Negotiated> {
    let params = InitializeRequestParams::new(
        version,
        client.inner.capabilities.clone(),
        client.inner.info.clone(),
    );
    let result: InitializeResult = client
        .inner
        .peer
        .request("initialize", Some(&params), RequestOptions::default())
        .await?;
    let agreed = ProtocolVersion::from_wire(&result.protocol_version)
        .filter(|v| !v.is_stateless())
        .ok_or_else(|| {
            Error::ProtocolViolation(format!(
                "the server answered initialize with protocol version {:?}, which this client does not speak",
                result.protocol_version
            ))
        })?;
    if exact && agreed != version {
        return Err(Error::ProtocolViolation(format!(
            "the client is pinned to {version} but the server offered {agreed}"
        )));
    }
    client
        .inner
        .peer
        .notify::<Value>("notifications/initialized", None)?;
    Ok(Negotiated {
        version: agreed,
        server_info: Some(result.server_info),
        capabilities: result.capabilities,
        instructions: result.instructions,
        supported_versions: vec![agreed.as_str().to_owned()],
    })
}
