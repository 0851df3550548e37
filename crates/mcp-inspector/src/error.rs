//! The inspector's errors.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Why the inspector could not start.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The address is not a loopback address, and binding others was not allowed.
    #[error(
        "refusing to listen on {0}: the inspector serves only this machine (127.0.0.1) unless \
         --dangerously-bind-any-address is given"
    )]
    NotLoopback(std::net::IpAddr),
    /// The listener could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The record file could not be created.
    #[error("cannot create the record file {path}: {source}")]
    Record {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The sources could not be watched.
    #[error("cannot watch the server's sources: {0}")]
    Watch(#[from] notify::Error),
    /// OAuth could not be set up for the remote server.
    #[error("cannot set up OAuth for {url}: {reason}")]
    OAuth {
        /// The server's URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The official Inspector cannot run.
    #[error("{0}")]
    Official(String),
    /// The server stopped with an I/O error.
    #[error("the inspector's server failed: {0}")]
    Serve(#[source] std::io::Error),
}
