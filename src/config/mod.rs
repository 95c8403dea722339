//! Where a client's settings come from: the `~/.config/kanboard/config.toml` file that
//! kanboard-cli reads, its profiles, the `KANBOARD_*` environment variables and explicit values
//! (command-line flags), resolved with the same precedence as kanboard-cli:
//! explicit value > environment variable > profile > built-in default.
//!
//! ```no_run
//! # fn example() -> kanboard::Result<()> {
//! let config = kanboard::config::KanboardConfig::resolve(&Default::default())?;
//! let kb = config.client()?;
//! # let _ = kb; Ok(()) }
//! ```
//!
//! Unlike kanboard-cli, `output_format` from the environment and the profile is honoured,
//! every value is checked (a bad `auth_mode` or `output_format` is an error naming where it came
//! from), a profile asked for by name that the file lacks is reported, and a malformed file is an
//! error rather than a crash.
//!
//! The module is split by job: [`env`](mod@env) names the variables, `choices` holds the
//! enumerated settings, `fields` the settings and their sources, `file` the config file,
//! `layers` the gathering by precedence, `resolve` the checked [`KanboardConfig`], `mask` the
//! display of secrets and `test_support` what the tests of these share.

mod choices;
pub mod env;
mod fields;
mod file;
mod layers;
mod mask;
mod resolve;
#[cfg(test)]
mod test_support;

pub use choices::{AuthMode, OutputFormat, PortfolioBackend};
pub use fields::{Field, Found, Overrides, Source};
pub use file::ConfigFile;
pub use layers::Layers;
pub use mask::mask;
pub use resolve::KanboardConfig;
