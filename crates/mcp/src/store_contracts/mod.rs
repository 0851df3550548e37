//! The contracts of the SDK's storage traits, as runnable checks (feature `store-contracts`):
//! what every [`EventStore`](crate::http_server::EventStore) and every
//! [`TaskStore`](crate::server::tasks::TaskStore) must do, written once and run against each
//! implementation — the in-memory defaults, the Redis ones, and a store of your own (a
//! database) from its tests.
//!
//! Each check panics, saying what was expected, when the store breaks the contract.
//!
//! ```no_run
//! # async fn demo() {
//! use mcp::server::tasks::InMemoryTaskStore;
//!
//! mcp::store_contracts::task_store::check(|| async {
//!     let store = InMemoryTaskStore::new();
//!     (store.clone(), store)
//! })
//! .await;
//! # }
//! ```

#[cfg(feature = "http-server")]
pub mod event_store;
pub mod task_store;
