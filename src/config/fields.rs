//! The settings one by one ([`Field`]), the explicit values ([`Overrides`]) and where a value
//! was found ([`Source`], [`Found`]).

use super::env;
use std::fmt;
use std::path::PathBuf;

/// Values given explicitly (command-line flags); each wins over the environment and the file.
/// Empty strings count as not given, as in kanboard-cli.
#[derive(Default, Clone)]
#[non_exhaustive]
pub struct Overrides {
    /// The endpoint URL (`--url`).
    pub url: Option<String>,
    /// The application API token (`--token`); never shown by `Debug`.
    pub token: Option<String>,
    /// The profile to use (`--profile`), instead of `KANBOARD_PROFILE` or the file's default.
    pub profile: Option<String>,
    /// `table`, `json`, `csv` or `quiet` (`--output`); checked when resolved.
    pub output_format: Option<String>,
    /// `app` or `user` (`--auth-mode`); checked when resolved.
    pub auth_mode: Option<String>,
    /// The login name for `auth_mode` `user` (`--username`).
    pub username: Option<String>,
    /// The password or personal access token for `auth_mode` `user` (`--password`); never
    /// shown by `Debug`.
    pub password: Option<String>,
    /// `local` or `remote` (`--portfolio-backend`); checked when resolved.
    pub portfolio_backend: Option<String>,
    /// Seconds allowed for a call, e.g. `"30"` or `"2.5"`.
    pub timeout: Option<String>,
    /// Path of a PEM file of CA certificates to trust.
    pub ca_cert: Option<String>,
    /// `"true"` to skip TLS certificate verification.
    pub insecure: Option<String>,
    /// The credentials header (`--auth-header`), e.g. `X-API-Auth`.
    pub auth_header: Option<String>,
    /// The server's Kanboard release (`--kanboard-version`), e.g. `1.2.36`, or `off`.
    pub kanboard_version: Option<String>,
    /// The config file to read instead of the default one.
    pub config_file: Option<PathBuf>,
}

impl fmt::Debug for Overrides {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| "[REDACTED]");
        f.debug_struct("Overrides")
            .field("url", &self.url)
            .field("token", &hidden(&self.token))
            .field("profile", &self.profile)
            .field("output_format", &self.output_format)
            .field("auth_mode", &self.auth_mode)
            .field("username", &self.username)
            .field("password", &hidden(&self.password))
            .field("portfolio_backend", &self.portfolio_backend)
            .field("timeout", &self.timeout)
            .field("auth_header", &self.auth_header)
            .field("kanboard_version", &self.kanboard_version)
            .field("ca_cert", &self.ca_cert)
            .field("insecure", &self.insecure)
            .field("config_file", &self.config_file)
            .finish()
    }
}

/// Where a resolved value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// Given explicitly (a command-line flag).
    Explicit,
    /// An environment variable, named.
    Env(&'static str),
    /// The active profile of the config file.
    Profile,
    /// The config file's `[settings]` table (`default_profile`).
    Settings,
    /// The built-in default.
    Default,
    /// Nowhere: the value is not set.
    Unset,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Explicit => f.write_str("flag"),
            Source::Env(name) => write!(f, "env {name}"),
            Source::Profile => f.write_str("profile"),
            Source::Settings => f.write_str("settings.default_profile"),
            Source::Default => f.write_str("default"),
            Source::Unset => f.write_str("not set"),
        }
    }
}

/// One setting as found, before it is checked.
#[derive(Clone)]
pub struct Found {
    /// The value as text, unchecked; `None` when no layer sets it.
    pub value: Option<String>,
    /// The layer it came from (`Source::Unset` when none).
    pub source: Source,
}

/// The settings kanboard-cli's config file holds, one per key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Field {
    /// The JSON-RPC endpoint URL (`url`).
    Url,
    /// The application API token (`token`), a secret.
    Token,
    /// How the command line prints results (`output_format`).
    OutputFormat,
    /// How the client logs in (`auth_mode`: `app` or `user`).
    AuthMode,
    /// The login name for user mode (`username`).
    Username,
    /// The password or personal access token for user mode (`password`), a secret.
    Password,
    /// Where portfolios are kept (`portfolio_backend`: `local` or `remote`).
    PortfolioBackend,
    /// Not in kanboard-cli: seconds allowed for a call.
    Timeout,
    /// Not in kanboard-cli: a PEM file of extra trusted CA certificates.
    CaCert,
    /// Not in kanboard-cli: skip TLS certificate verification.
    Insecure,
    /// Not in kanboard-cli: the header that carries the credentials, for a server whose
    /// `API_AUTHENTICATION_HEADER` names one (`auth_header`).
    AuthHeader,
    /// Not in kanboard-cli: the server's Kanboard release (`kanboard_version`), so calls it
    /// cannot take are refused without asking it; `off` sends every call unchecked.
    KanboardVersion,
}

impl Field {
    /// Every field, in the order `config show` prints them.
    pub const ALL: [Field; 12] = [
        Field::Url,
        Field::Token,
        Field::OutputFormat,
        Field::AuthMode,
        Field::Username,
        Field::Password,
        Field::PortfolioBackend,
        Field::Timeout,
        Field::CaCert,
        Field::Insecure,
        Field::AuthHeader,
        Field::KanboardVersion,
    ];

    /// The key in a `[profiles.NAME]` table.
    pub fn key(self) -> &'static str {
        match self {
            Field::Url => "url",
            Field::Token => "token",
            Field::OutputFormat => "output_format",
            Field::AuthMode => "auth_mode",
            Field::Username => "username",
            Field::Password => "password",
            Field::PortfolioBackend => "portfolio_backend",
            Field::Timeout => "timeout",
            Field::CaCert => "ca_cert",
            Field::Insecure => "insecure",
            Field::AuthHeader => "auth_header",
            Field::KanboardVersion => "kanboard_version",
        }
    }

    /// The command-line flag that sets it.
    pub fn flag(self) -> &'static str {
        match self {
            Field::Url => "--url",
            Field::Token => "--token",
            Field::OutputFormat => "--output",
            Field::AuthMode => "--auth-mode",
            Field::Username => "--username",
            Field::Password => "--password",
            Field::PortfolioBackend => "--portfolio-backend",
            Field::Timeout => "--timeout",
            Field::CaCert => "--ca-cert",
            Field::Insecure => "--insecure",
            Field::AuthHeader => "--auth-header",
            Field::KanboardVersion => "--kanboard-version",
        }
    }

    /// The environment variable that sets it (see [`env`](mod@env)).
    pub fn env(self) -> &'static str {
        match self {
            Field::Url => env::URL,
            Field::Token => env::TOKEN,
            Field::OutputFormat => env::OUTPUT_FORMAT,
            Field::AuthMode => env::AUTH_MODE,
            Field::Username => env::USERNAME,
            Field::Password => env::PASSWORD,
            Field::PortfolioBackend => env::PORTFOLIO_BACKEND,
            Field::Timeout => env::TIMEOUT,
            Field::CaCert => env::CA_CERT,
            Field::Insecure => env::INSECURE,
            Field::AuthHeader => env::AUTH_HEADER,
            Field::KanboardVersion => env::KANBOARD_VERSION,
        }
    }

    /// Holds a credential: never shown in full.
    pub fn is_secret(self) -> bool {
        matches!(self, Field::Token | Field::Password)
    }

    pub(super) fn explicit(self, o: &Overrides) -> Option<&String> {
        match self {
            Field::Url => o.url.as_ref(),
            Field::Token => o.token.as_ref(),
            Field::OutputFormat => o.output_format.as_ref(),
            Field::AuthMode => o.auth_mode.as_ref(),
            Field::Username => o.username.as_ref(),
            Field::Password => o.password.as_ref(),
            Field::PortfolioBackend => o.portfolio_backend.as_ref(),
            Field::Timeout => o.timeout.as_ref(),
            Field::CaCert => o.ca_cert.as_ref(),
            Field::Insecure => o.insecure.as_ref(),
            Field::AuthHeader => o.auth_header.as_ref(),
            Field::KanboardVersion => o.kanboard_version.as_ref(),
        }
    }

    pub(super) fn default_value(self) -> Option<&'static str> {
        match self {
            Field::OutputFormat => Some("table"),
            Field::AuthMode => Some("app"),
            Field::PortfolioBackend => Some("local"),
            Field::Timeout => Some(DEFAULT_TIMEOUT_SECS),
            Field::Insecure => Some("false"),
            _ => None,
        }
    }
}

/// The timeout when none is set, as the client builder's.
const DEFAULT_TIMEOUT_SECS: &str = "30";
