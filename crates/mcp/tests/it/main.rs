//! The SDK's integration tests, one module per area, in one test binary (linked once instead of
//! once per file).

mod apps;
mod dpop;
mod fastmcp;
mod hosting;
mod http;
mod http_auth;
mod http_bad_input;
mod http_client;
mod http_limits;
mod oauth_client;
mod proptests;
mod server;
mod skills;
mod tasks;
mod websocket;
