//! Protocol extensions, negotiated under `capabilities.extensions`: each module holds one
//! extension's types, outside the core schema.

pub mod apps;
pub mod skills;
pub mod tasks;
