//! The `mcp` command's end-to-end tests, one module per command or concern, in one test binary
//! (linked once instead of once per file). `common` holds what they share.

mod apps;
mod authorization;
mod bridge;
mod call_load;
mod call_task;
mod check;
mod check_strict;
mod cli;
mod common;
mod dev_api;
mod dev_browser;
mod inspector;
mod install;
mod install_host;
mod new;
mod new_projects;
mod remote;
mod requests;
mod run;
mod skills;
mod specs;
mod version;
