//! The JSON-RPC engine: one session core that serves both ends of a connection.
//!
//! A [`Session`] reads messages from a [`Transport`](crate::transport::Transport), hands requests
//! and notifications to a [`Service`], matches responses to the requests sent through its
//! [`Peer`], and writes everything back through the transport's writer. Incoming requests run
//! concurrently: a handler that finishes without waiting is answered on the spot, one that waits
//! moves to a task of its own, where `notifications/cancelled` can stop it. A handler that panics
//! becomes an internal-error response; the session keeps serving.

mod extensions;
pub mod incoming;
mod options;
pub mod outgoing;
mod peer;
mod session;

pub use extensions::Extensions;
pub use options::SessionOptions;
pub use peer::{Peer, PendingRequest, Progress, ProgressCallback, RequestOptions};
pub use session::{
    Exchange, HandlerFuture, IncomingNotification, IncomingRequest, RequestOrigin, Service,
    Session, parse_params,
};
pub(crate) use session::{meta_version, names_stateless_version};

#[cfg(test)]
mod tests;
