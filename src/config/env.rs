//! The environment variables read, as kanboard-cli names them.

/// The JSON-RPC endpoint, e.g. `https://kanboard.example.com/jsonrpc.php`.
pub const URL: &str = "KANBOARD_URL";
/// The application API token (needed unless `auth_mode` is `user`).
pub const TOKEN: &str = "KANBOARD_TOKEN";
/// The profile of the config file to use, instead of `settings.default_profile`.
pub const PROFILE: &str = "KANBOARD_PROFILE";
/// `table`, `json`, `csv` or `quiet`: how the command line prints results.
pub const OUTPUT_FORMAT: &str = "KANBOARD_OUTPUT_FORMAT";
/// `app` (the application token) or `user` (a user's name and password).
pub const AUTH_MODE: &str = "KANBOARD_AUTH_MODE";
/// The login name, for `auth_mode` `user`.
pub const USERNAME: &str = "KANBOARD_USERNAME";
/// The password or personal access token, for `auth_mode` `user`.
pub const PASSWORD: &str = "KANBOARD_PASSWORD";
/// `local` (a JSON file beside the config file) or `remote` (the server's Portfolio
/// plugin): where portfolios and milestones are kept.
pub const PORTFOLIO_BACKEND: &str = "KANBOARD_PORTFOLIO_BACKEND";
/// Not in kanboard-cli: another config file than `~/.config/kanboard/config.toml`.
pub const CONFIG: &str = "KANBOARD_CONFIG";
/// Not in kanboard-cli: seconds allowed for a call.
pub const TIMEOUT: &str = "KANBOARD_TIMEOUT";
/// Not in kanboard-cli: a PEM file of CA certificates trusted besides the system's.
pub const CA_CERT: &str = "KANBOARD_CA_CERT";
/// Not in kanboard-cli: the header that carries the credentials (`X-API-Auth`).
pub const AUTH_HEADER: &str = "KANBOARD_AUTH_HEADER";
/// Not in kanboard-cli: the server's Kanboard release (`1.2.36`), or `off` for no release check.
pub const KANBOARD_VERSION: &str = "KANBOARD_VERSION";
/// Not in kanboard-cli: `true` skips TLS certificate verification.
pub const INSECURE: &str = "KANBOARD_INSECURE";
