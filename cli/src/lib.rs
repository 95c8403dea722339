//! The `kanboard` command line: kanboard-cli's commands (the portfolio and milestone
//! orchestration among them), every schema method under `api` (generated from the descriptor
//! table), and `call`, `config`, `schema drift` and `completion`; one registry holds the tree.
//! The binary is `src/main.rs`; the modules are a library so the tests can reach them.

pub mod api_cmd;
pub mod app;
pub mod board_view;
pub mod compat;
pub mod completion;
pub mod config_cmd;
pub mod ctx;
pub mod drift_cmd;
pub mod failure;
pub mod invoke;
pub mod migrate_cmd;
pub mod milestone_cmd;
pub mod node;
pub mod orch;
pub mod output;
pub mod params;
pub mod portfolio_cmd;
pub mod portfolio_view;
pub mod progress;
pub mod prompt;
pub mod raw_call;
pub mod registry;
pub mod special;
pub mod task_names;
pub mod terminal_text;
pub mod user_json;
