//! The `kanboard` command line: its command tree is generated from the schema's descriptor
//! table, with kanboard-cli's commands (the portfolio and milestone orchestration among them),
//! `call`, `config`, `schema drift` and `completion` beside it.
//! The binary is `src/main.rs`; the modules are a library so the tests can reach them.

pub mod app;
pub mod compat;
pub mod completion;
pub mod config_cmd;
pub mod drift_cmd;
pub mod failure;
pub mod invoke;
pub mod migrate_cmd;
pub mod milestone_cmd;
pub mod orch;
pub mod output;
pub mod params;
pub mod portfolio_cmd;
pub mod portfolio_view;
pub mod progress;
pub mod prompt;
pub mod raw_call;
pub mod schema_cmd;
pub mod special;
pub mod terminal_text;
pub mod user_json;
