//! The `kanboard` command line: its command tree is generated from the schema's descriptor
//! table, with kanboard-cli's commands, `call`, `config` and `completion` beside it.
//! The binary is `src/main.rs`; the modules are a library so the tests can reach them.

pub mod app;
pub mod compat;
pub mod completion;
pub mod config_cmd;
pub mod failure;
pub mod invoke;
pub mod output;
pub mod params;
pub mod progress;
pub mod prompt;
pub mod raw_call;
pub mod schema_cmd;
pub mod special;
