//! The environment variables read, as kanboard-cli names them.

pub const URL: &str = "KANBOARD_URL";
pub const TOKEN: &str = "KANBOARD_TOKEN";
pub const PROFILE: &str = "KANBOARD_PROFILE";
pub const OUTPUT_FORMAT: &str = "KANBOARD_OUTPUT_FORMAT";
pub const AUTH_MODE: &str = "KANBOARD_AUTH_MODE";
pub const USERNAME: &str = "KANBOARD_USERNAME";
pub const PASSWORD: &str = "KANBOARD_PASSWORD";
pub const PORTFOLIO_BACKEND: &str = "KANBOARD_PORTFOLIO_BACKEND";
/// Not in kanboard-cli: another config file than `~/.config/kanboard/config.toml`.
pub const CONFIG: &str = "KANBOARD_CONFIG";
/// Not in kanboard-cli: seconds allowed for a call.
pub const TIMEOUT: &str = "KANBOARD_TIMEOUT";
/// Not in kanboard-cli: a PEM file of CA certificates trusted besides the system's.
pub const CA_CERT: &str = "KANBOARD_CA_CERT";
/// Not in kanboard-cli: `true` skips TLS certificate verification.
pub const INSECURE: &str = "KANBOARD_INSECURE";
