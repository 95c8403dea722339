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

use crate::Secret;
use crate::client::KanboardClient;
use crate::error::{Error, Result};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The environment variables read, as kanboard-cli names them.
pub mod env {
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
    /// Not in kanboard-cli: `true` skips TLS certificate verification.
    pub const INSECURE: &str = "KANBOARD_INSECURE";
}

/// How the client logs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AuthMode {
    /// The application API token (`jsonrpc:<token>`).
    #[default]
    App,
    /// A user's name with a password or personal access token.
    User,
}

/// How the command line prints results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OutputFormat {
    /// Aligned columns for a terminal (`table`), the default.
    #[default]
    Table,
    /// The results as JSON (`json`), normalized as the typed client decodes them.
    Json,
    /// Comma-separated values with a header row (`csv`).
    Csv,
    /// Ids only, one per line (`quiet`), for scripts; an action that creates nothing prints
    /// nothing.
    Quiet,
}

/// Where portfolios and milestones are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PortfolioBackend {
    /// A JSON file beside the config file (`portfolios.json`).
    #[default]
    Local,
    /// The server's Portfolio plugin.
    Remote,
}

macro_rules! spelled {
    ($ty:ident { $($variant:ident = $s:literal),* }) => {
        impl $ty {
            /// Every accepted spelling.
            pub const NAMES: &'static [&'static str] = &[$($s),*];

            /// The spelling the config file, the environment and the flags use.
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $s),* }
            }

            /// Reads a spelling, ignoring case as kanboard-cli's flags do.
            pub fn parse(s: &str) -> Option<Self> {
                $(if s.eq_ignore_ascii_case($s) { return Some($ty::$variant); })*
                None
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

spelled!(AuthMode { App = "app", User = "user" });
spelled!(OutputFormat { Table = "table", Json = "json", Csv = "csv", Quiet = "quiet" });
spelled!(PortfolioBackend { Local = "local", Remote = "remote" });

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
}

impl Field {
    /// Every field, in the order `config show` prints them.
    pub const ALL: [Field; 10] = [
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
        }
    }

    /// Holds a credential: never shown in full.
    pub fn is_secret(self) -> bool {
        matches!(self, Field::Token | Field::Password)
    }

    fn explicit(self, o: &Overrides) -> Option<&String> {
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
        }
    }

    fn default_value(self) -> Option<&'static str> {
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

/// The parsed config file: `[settings]`, `[profiles.NAME]` and `[workflows.NAME]`.
#[derive(Debug, Clone, Default)]
pub struct ConfigFile {
    path: PathBuf,
    exists: bool,
    table: toml::Table,
}

impl ConfigFile {
    /// `~/.config/kanboard/config.toml`, as kanboard-cli (which does not read `XDG_CONFIG_HOME`).
    pub fn default_path() -> Option<PathBuf> {
        home_dir().map(|h| h.join(".config").join("kanboard").join("config.toml"))
    }

    /// The file `KANBOARD_CONFIG` names, else the default path.
    pub fn path_from(env: &dyn Fn(&str) -> Option<String>) -> Result<PathBuf> {
        if let Some(p) = env(env::CONFIG).filter(|p| !p.is_empty()) {
            return Ok(PathBuf::from(p));
        }
        Self::default_path().ok_or_else(|| Error::Config {
            field: "config_file".into(),
            message: "no home directory (HOME is not set): give --config or set KANBOARD_CONFIG"
                .into(),
        })
    }

    /// Reads the file; a missing file is an empty configuration, as in kanboard-cli. A
    /// symbolic link is read through; a dangling link, or a FIFO, directory or device in the
    /// file's place, is an error (see [`crate::safe_file`]), and reading never blocks.
    pub fn load(path: &Path) -> Result<Self> {
        let file_error = |e: crate::safe_file::FileError| Error::Config {
            field: "config_file".into(),
            message: e.to_string(),
        };
        let Some(bytes) = crate::safe_file::read(path).map_err(file_error)? else {
            return Ok(ConfigFile {
                path: path.to_owned(),
                exists: false,
                table: toml::Table::new(),
            });
        };
        let text = String::from_utf8(bytes).map_err(|_| Error::Config {
            field: "config_file".into(),
            message: format!("{} is not valid UTF-8", path.display()),
        })?;
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| Error::Config {
            field: "config_file".into(),
            message: format!(
                "{} is not valid TOML: {}",
                path.display(),
                e.to_string().lines().next().unwrap_or_default()
            ),
        })?;
        Ok(ConfigFile {
            path: path.to_owned(),
            exists: true,
            table,
        })
    }

    /// The path the file was read from, or would have been.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file was there; a missing file reads as an empty configuration.
    pub fn exists(&self) -> bool {
        self.exists
    }

    /// `settings.default_profile`.
    pub fn default_profile(&self) -> Option<&str> {
        self.table
            .get("settings")?
            .get("default_profile")?
            .as_str()
            .filter(|s| !s.is_empty())
    }

    /// The profile names, in file order.
    pub fn profile_names(&self) -> Vec<String> {
        match self.table.get("profiles").and_then(|p| p.as_table()) {
            Some(t) => t.keys().cloned().collect(),
            None => Vec::new(),
        }
    }

    /// Whether the file has a `[profiles.NAME]` table of that name.
    pub fn has_profile(&self, name: &str) -> bool {
        self.profile(name).is_some()
    }

    fn profile(&self, name: &str) -> Option<&toml::Table> {
        self.table.get("profiles")?.get(name)?.as_table()
    }

    /// A key of a profile, as text. kanboard-cli reads any TOML value; a non-string is shown as
    /// TOML would write it so that it still fails validation with a clear message.
    fn profile_value(&self, profile: &str, key: &str) -> Option<String> {
        match self.profile(profile)?.get(key)? {
            toml::Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }

    /// The `[workflows.NAME]` table, empty when absent.
    pub fn workflow(&self, name: &str) -> toml::Table {
        self.table
            .get("workflows")
            .and_then(|w| w.get(name))
            .and_then(|w| w.as_table())
            .cloned()
            .unwrap_or_default()
    }

    /// Adds or replaces a profile and writes the file, creating the directory. The first
    /// profile written becomes `settings.default_profile`. Other profiles and tables are kept
    /// (comments are not).
    ///
    /// The file is replaced atomically through [`crate::safe_file`]: a new file is created with
    /// mode 0600 (it holds credentials), an existing one keeps its mode, a symbolic link stays a
    /// link and its target is written; a read-only file, a dangling link or anything but a
    /// regular file in the file's place is refused and left as it was.
    pub fn write_profile(&mut self, name: &str, values: &[(Field, String)]) -> Result<()> {
        let io = |path: &Path, e: std::io::Error| Error::Config {
            field: "config_file".into(),
            message: format!("cannot write {}: {e}", path.display()),
        };
        let mut profile = toml::Table::new();
        for (field, value) in values {
            profile.insert(field.key().into(), toml::Value::String(value.clone()));
        }
        let profiles = self
            .table
            .entry("profiles")
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        let Some(profiles) = profiles.as_table_mut() else {
            return Err(Error::Config {
                field: "profiles".into(),
                message: format!("`profiles` in {} is not a table", self.path.display()),
            });
        };
        profiles.insert(name.into(), toml::Value::Table(profile));
        if self.default_profile().is_none() {
            let settings = self
                .table
                .entry("settings")
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if let Some(s) = settings.as_table_mut() {
                s.insert("default_profile".into(), toml::Value::String(name.into()));
            }
        }
        let text = toml::to_string_pretty(&self.table).map_err(|e| Error::Config {
            field: "config_file".into(),
            message: format!("cannot encode the configuration: {e}"),
        })?;
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        }
        crate::safe_file::write(&self.path, text.as_bytes()).map_err(|e| Error::Config {
            field: "config_file".into(),
            message: e.to_string(),
        })?;
        self.exists = true;
        Ok(())
    }
}

fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

/// Every setting with its source, before validation: what `config show` prints, and what
/// [`KanboardConfig::resolve`] checks.
#[derive(Clone)]
pub struct Layers {
    /// The config file read (possibly missing, then empty).
    pub file: ConfigFile,
    /// The profile whose values were read: explicit, `KANBOARD_PROFILE`,
    /// `settings.default_profile`, else `default`.
    pub profile: String,
    /// Where the profile's name came from.
    pub profile_source: Source,
    values: Vec<(Field, Found)>,
}

impl Layers {
    /// Gathers the settings from the overrides, the process environment and the file.
    pub fn gather(o: &Overrides) -> Result<Self> {
        Self::gather_with(o, &|k| std::env::var(k).ok())
    }

    /// As [`Layers::gather`], with the environment given as a lookup (for tests and embedders).
    pub fn gather_with(o: &Overrides, env: &dyn Fn(&str) -> Option<String>) -> Result<Self> {
        let env = |k: &str| env(k).filter(|v| !v.is_empty());
        let path = match &o.config_file {
            Some(p) => p.clone(),
            None => ConfigFile::path_from(&env)?,
        };
        let file = ConfigFile::load(&path)?;
        let (profile, profile_source) = if let Some(p) = o.profile.clone().filter(|p| !p.is_empty())
        {
            (p, Source::Explicit)
        } else if let Some(p) = env(env::PROFILE) {
            (p, Source::Env(env::PROFILE))
        } else if let Some(p) = file.default_profile() {
            (p.to_owned(), Source::Settings)
        } else {
            ("default".to_owned(), Source::Default)
        };
        let values = Field::ALL
            .iter()
            .map(|&field| {
                let found = if let Some(v) = field.explicit(o).filter(|v| !v.is_empty()) {
                    Found {
                        value: Some(v.clone()),
                        source: Source::Explicit,
                    }
                } else if let Some(v) = env(field.env()) {
                    Found {
                        value: Some(v),
                        source: Source::Env(field.env()),
                    }
                } else if let Some(v) = file
                    .profile_value(&profile, field.key())
                    .filter(|v| !v.is_empty())
                {
                    Found {
                        value: Some(v),
                        source: Source::Profile,
                    }
                } else if let Some(v) = field.default_value() {
                    Found {
                        value: Some(v.into()),
                        source: Source::Default,
                    }
                } else {
                    Found {
                        value: None,
                        source: Source::Unset,
                    }
                };
                (field, found)
            })
            .collect();
        Ok(Layers {
            file,
            profile,
            profile_source,
            values,
        })
    }

    /// The value found for `field` and its source (every field is gathered, set or not).
    pub fn get(&self, field: Field) -> &Found {
        // Every field is gathered, so the lookup cannot miss.
        &self
            .values
            .iter()
            .find(|(f, _)| *f == field)
            .expect("all fields gathered")
            .1
    }

    /// Every field with what was found, in file-key order.
    pub fn iter(&self) -> impl Iterator<Item = (Field, &Found)> {
        self.values.iter().map(|(f, v)| (*f, v))
    }

    /// How to set a field, for error messages: the flag, the variable and the profile key.
    pub fn how_to_set(&self, field: Field) -> String {
        let mut s = format!(
            "give {}, set {}, or set `{}` in [profiles.{}] of {}",
            field.flag(),
            field.env(),
            field.key(),
            self.profile,
            self.file.path().display()
        );
        if self.profile_source != Source::Default && !self.file.has_profile(&self.profile) {
            let known = self.file.profile_names();
            s.push_str(&format!(
                " (profile `{}`, chosen by {}, is not in that file{})",
                self.profile,
                self.profile_source,
                if known.is_empty() {
                    String::new()
                } else {
                    format!("; it has {}", known.join(", "))
                }
            ));
        } else if !self.file.exists() {
            s.push_str(" (the file does not exist: `kanboard config init` creates it)");
        }
        s
    }

    fn invalid(&self, field: Field, names: &[&str]) -> Error {
        let found = self.get(field);
        Error::Config {
            field: field.key().into(),
            message: format!(
                "{:?} (from {}) is not one of {}; {}",
                found.value.as_deref().unwrap_or_default(),
                found.source,
                names.join(", "),
                self.how_to_set(field)
            ),
        }
    }

    /// A value that is not what `field` takes: `expected` says what it takes.
    fn unfit(&self, field: Field, expected: &str) -> Error {
        let found = self.get(field);
        Error::Config {
            field: field.key().into(),
            message: format!(
                "{:?} (from {}) {expected}; {}",
                found.value.as_deref().unwrap_or_default(),
                found.source,
                self.how_to_set(field)
            ),
        }
    }

    fn missing(&self, field: Field, why: &str) -> Error {
        Error::Config {
            field: field.key().into(),
            message: format!("not set{why}: {}", self.how_to_set(field)),
        }
    }
}

/// A checked configuration: enough to build a client.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct KanboardConfig {
    /// The JSON-RPC endpoint URL, checked to be `http://` or `https://`.
    pub url: String,
    token: Option<Secret>,
    /// The profile the values were read from (which need not exist in the file).
    pub profile: String,
    /// How the command line prints results.
    pub output_format: OutputFormat,
    /// How the client logs in; `User` needs `username` and a password, `App` a token.
    pub auth_mode: AuthMode,
    /// The login name; always set in user mode, ignored in app mode.
    pub username: Option<String>,
    password: Option<Secret>,
    /// Where portfolios and milestones are kept.
    pub portfolio_backend: PortfolioBackend,
    /// Time allowed for a call (connecting takes at most 10 s of it).
    pub timeout: Duration,
    /// The PEM file of extra trusted CA certificates, as given.
    pub ca_cert: Option<PathBuf>,
    ca_cert_pem: Option<PemText>,
    /// Skip TLS certificate verification.
    pub insecure: bool,
    /// The config file that was read (it may not exist).
    pub config_file: PathBuf,
}

/// A CA file's contents, read when the configuration is checked so that a missing or wrong
/// file is reported with where its path came from. Debug shows only its size.
#[derive(Clone)]
struct PemText(Vec<u8>);

impl fmt::Debug for PemText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PemText({} bytes)", self.0.len())
    }
}

impl KanboardConfig {
    /// Resolves from the overrides, the process environment and the config file.
    pub fn resolve(o: &Overrides) -> Result<Self> {
        Self::from_layers(&Layers::gather(o)?)
    }

    /// As [`KanboardConfig::resolve`], with the environment given as a lookup.
    pub fn resolve_with(o: &Overrides, env: &dyn Fn(&str) -> Option<String>) -> Result<Self> {
        Self::from_layers(&Layers::gather_with(o, env)?)
    }

    /// Checks gathered settings. The first problem is reported, naming the field and how to set it.
    pub fn from_layers(l: &Layers) -> Result<Self> {
        let value = |f: Field| l.get(f).value.clone();
        let url = value(Field::Url).ok_or_else(|| l.missing(Field::Url, ""))?;
        match url::Url::parse(&url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => {}
            _ => {
                return Err(Error::Config {
                    field: "url".into(),
                    message: format!(
                        "{url:?} (from {}) is not an http:// or https:// URL; {}",
                        l.get(Field::Url).source,
                        l.how_to_set(Field::Url)
                    ),
                });
            }
        }
        let auth_mode = match value(Field::AuthMode).as_deref().map(AuthMode::parse) {
            Some(Some(m)) => m,
            _ => return Err(l.invalid(Field::AuthMode, AuthMode::NAMES)),
        };
        let output_format = match value(Field::OutputFormat)
            .as_deref()
            .map(OutputFormat::parse)
        {
            Some(Some(f)) => f,
            _ => return Err(l.invalid(Field::OutputFormat, OutputFormat::NAMES)),
        };
        let portfolio_backend = match value(Field::PortfolioBackend)
            .as_deref()
            .map(PortfolioBackend::parse)
        {
            Some(Some(b)) => b,
            _ => return Err(l.invalid(Field::PortfolioBackend, PortfolioBackend::NAMES)),
        };
        let timeout = value(Field::Timeout)
            .and_then(|t| t.trim().parse::<f64>().ok())
            .filter(|t| *t > 0.0)
            .and_then(|t| Duration::try_from_secs_f64(t).ok())
            .ok_or_else(|| l.unfit(Field::Timeout, "is not a number of seconds above 0"))?;
        let insecure = match value(Field::Insecure).as_deref().map(parse_bool) {
            Some(Some(b)) => b,
            _ => return Err(l.unfit(Field::Insecure, "is not true or false")),
        };
        let ca_cert = value(Field::CaCert).map(PathBuf::from);
        let ca_cert_pem = match &ca_cert {
            Some(path) => Some(read_ca_cert(l, path)?),
            None => None,
        };
        let token = value(Field::Token).map(Secret::new);
        let username = value(Field::Username);
        let password = value(Field::Password).map(Secret::new);
        match auth_mode {
            AuthMode::User => {
                if username.is_none() {
                    return Err(l.missing(Field::Username, " (auth_mode is user)"));
                }
                if password.is_none() {
                    return Err(l.missing(Field::Password, " (auth_mode is user)"));
                }
            }
            AuthMode::App => {
                if token.is_none() {
                    return Err(l.missing(Field::Token, ""));
                }
            }
        }
        Ok(KanboardConfig {
            url,
            token,
            profile: l.profile.clone(),
            output_format,
            auth_mode,
            username,
            password,
            portfolio_backend,
            timeout,
            ca_cert,
            ca_cert_pem,
            insecure,
            config_file: l.file.path().to_owned(),
        })
    }

    /// The API token, if one was found (it is optional in user mode).
    pub fn token(&self) -> Option<&Secret> {
        self.token.as_ref()
    }

    /// The user's password or personal access token; always set in user mode.
    pub fn password(&self) -> Option<&Secret> {
        self.password.as_ref()
    }

    /// A client builder with the URL, credentials, timeout and TLS settings set, for further
    /// options.
    pub fn client_builder(&self) -> crate::ClientBuilder {
        let mut b = KanboardClient::builder(&self.url)
            .timeout(self.timeout)
            .danger_accept_invalid_certs(self.insecure);
        if let Some(pem) = &self.ca_cert_pem {
            b = b.add_root_certificate_pem(pem.0.clone());
        }
        match (self.auth_mode, &self.username, &self.password, &self.token) {
            (AuthMode::User, Some(u), Some(p), _) => b.user(u, p.expose()),
            (_, _, _, Some(t)) => b.app_token(t.expose()),
            // Unreachable after validation; the builder reports the missing credentials.
            _ => b,
        }
    }

    /// Builds the client this configuration describes.
    pub fn client(&self) -> Result<KanboardClient> {
        self.client_builder().build()
    }
}

/// `true`/`false` and their usual spellings (`1`/`0`, `yes`/`no`, `on`/`off`), any case.
fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Reads the CA file; one that cannot be read or holds no PEM certificate is an error naming
/// where its path came from.
fn read_ca_cert(l: &Layers, path: &Path) -> Result<PemText> {
    let bytes =
        std::fs::read(path).map_err(|e| l.unfit(Field::CaCert, &format!("cannot be read: {e}")))?;
    if !String::from_utf8_lossy(&bytes).contains("-----BEGIN CERTIFICATE-----") {
        return Err(l.unfit(
            Field::CaCert,
            "holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
        ));
    }
    Ok(PemText(bytes))
}

/// `****` and the last four characters, as kanboard-cli's `config show` prints a token.
pub fn mask(secret: &str) -> String {
    let n = secret.chars().count();
    if n <= 4 {
        "****".into()
    } else {
        let tail: String = secret.chars().skip(n - 4).collect();
        format!("****{tail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn file(text: &str) -> (tempdir::Dir, PathBuf) {
        let dir = tempdir::Dir::new();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    /// A temporary directory removed on drop, without a dependency.
    mod tempdir {
        use std::path::{Path, PathBuf};
        pub struct Dir(PathBuf);
        impl Dir {
            pub fn new() -> Self {
                use std::sync::atomic::{AtomicU32, Ordering};
                static N: AtomicU32 = AtomicU32::new(0);
                let p = std::env::temp_dir().join(format!(
                    "kanboard-config-test-{}-{}",
                    std::process::id(),
                    N.fetch_add(1, Ordering::Relaxed)
                ));
                std::fs::create_dir_all(&p).unwrap();
                Dir(p)
            }
            pub fn path(&self) -> &Path {
                &self.0
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    const TWO_PROFILES: &str = r#"
[settings]
default_profile = "work"

[profiles.default]
url = "http://default.example/jsonrpc.php"
token = "default-token"

[profiles.work]
url = "http://work.example/jsonrpc.php"
token = "work-token"
output_format = "json"
portfolio_backend = "remote"
"#;

    fn resolve(o: Overrides, path: &Path, env: &[(&str, &str)]) -> Result<KanboardConfig> {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let o = Overrides {
            config_file: Some(path.to_owned()),
            ..o
        };
        KanboardConfig::resolve_with(&o, &|k| env.get(k).cloned())
    }

    #[test]
    fn default_profile_from_settings() {
        let (_d, p) = file(TWO_PROFILES);
        let c = resolve(Overrides::default(), &p, &[]).unwrap();
        assert_eq!(c.profile, "work");
        assert_eq!(c.url, "http://work.example/jsonrpc.php");
        assert_eq!(c.token().unwrap().expose(), "work-token");
        assert_eq!(c.output_format, OutputFormat::Json);
        assert_eq!(c.portfolio_backend, PortfolioBackend::Remote);
        assert_eq!(c.auth_mode, AuthMode::App);
    }

    #[test]
    fn profile_flag_beats_env_beats_settings() {
        let (_d, p) = file(TWO_PROFILES);
        let c = resolve(Overrides::default(), &p, &[(env::PROFILE, "default")]).unwrap();
        assert_eq!(c.profile, "default");
        assert_eq!(c.url, "http://default.example/jsonrpc.php");
        let o = Overrides {
            profile: Some("work".into()),
            ..Default::default()
        };
        let c = resolve(o, &p, &[(env::PROFILE, "default")]).unwrap();
        assert_eq!(c.profile, "work");
    }

    #[test]
    fn flag_beats_env_beats_profile_beats_default() {
        let (_d, p) = file(TWO_PROFILES);
        let env = [
            (env::URL, "http://env.example/jsonrpc.php"),
            (env::OUTPUT_FORMAT, "csv"),
        ];
        let c = resolve(Overrides::default(), &p, &env).unwrap();
        assert_eq!(c.url, "http://env.example/jsonrpc.php");
        // The profile's output_format is overridden by the env var, which kanboard-cli ignored.
        assert_eq!(c.output_format, OutputFormat::Csv);
        let o = Overrides {
            url: Some("http://flag.example/jsonrpc.php".into()),
            output_format: Some("quiet".into()),
            ..Default::default()
        };
        let c = resolve(o, &p, &env).unwrap();
        assert_eq!(c.url, "http://flag.example/jsonrpc.php");
        assert_eq!(c.output_format, OutputFormat::Quiet);
        // Token still from the profile; backend default would be local but the profile says remote.
        assert_eq!(c.token().unwrap().expose(), "work-token");
        let o = Overrides {
            profile: Some("default".into()),
            ..Default::default()
        };
        let c = resolve(o, &p, &[]).unwrap();
        assert_eq!(c.output_format, OutputFormat::Table);
        assert_eq!(c.portfolio_backend, PortfolioBackend::Local);
    }

    #[test]
    fn empty_values_count_as_unset() {
        let (_d, p) = file(TWO_PROFILES);
        let o = Overrides {
            url: Some(String::new()),
            ..Default::default()
        };
        let c = resolve(o, &p, &[(env::URL, "")]).unwrap();
        assert_eq!(c.url, "http://work.example/jsonrpc.php");
    }

    #[test]
    fn missing_url_names_flag_env_and_key() {
        let d = tempdir::Dir::new();
        let p = d.path().join("absent.toml");
        let e = resolve(Overrides::default(), &p, &[]).unwrap_err();
        let msg = e.to_string();
        assert!(
            matches!(&e, Error::Config { field, .. } if field == "url"),
            "{msg}"
        );
        for needle in [
            "--url",
            "KANBOARD_URL",
            "`url`",
            "[profiles.default]",
            "config init",
        ] {
            assert!(msg.contains(needle), "{needle} missing in {msg}");
        }
    }

    #[test]
    fn user_mode_needs_username_and_password_not_token() {
        let d = tempdir::Dir::new();
        let p = d.path().join("absent.toml");
        let env = [
            (env::URL, "http://x.example/jsonrpc.php"),
            (env::AUTH_MODE, "user"),
        ];
        let e = resolve(Overrides::default(), &p, &env).unwrap_err();
        assert!(e.to_string().contains("`username`"), "{e}");
        let mut env = env.to_vec();
        env.push((env::USERNAME, "alice"));
        let e = resolve(Overrides::default(), &p, &env).unwrap_err();
        assert!(e.to_string().contains("KANBOARD_PASSWORD"), "{e}");
        let o = Overrides {
            password: Some("pw".into()),
            ..Default::default()
        };
        let c = resolve(o, &p, &env).unwrap();
        assert_eq!(c.auth_mode, AuthMode::User);
        assert!(c.token().is_none());
        assert!(c.client().unwrap().is_user_auth());
    }

    #[test]
    fn bad_values_name_their_source() {
        let (_d, p) = file(TWO_PROFILES);
        let e = resolve(Overrides::default(), &p, &[(env::AUTH_MODE, "admin")]).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("auth_mode") && msg.contains("env KANBOARD_AUTH_MODE"),
            "{msg}"
        );
        let e = resolve(Overrides::default(), &p, &[(env::OUTPUT_FORMAT, "yaml")]).unwrap_err();
        assert!(e.to_string().contains("table, json, csv, quiet"), "{e}");
        let e = resolve(
            Overrides::default(),
            &p,
            &[(env::PORTFOLIO_BACKEND, "cloud")],
        )
        .unwrap_err();
        assert!(e.to_string().contains("--portfolio-backend"), "{e}");
        let e = resolve(Overrides::default(), &p, &[(env::URL, "ftp://x")]).unwrap_err();
        assert!(e.to_string().contains("http://"), "{e}");
    }

    #[test]
    fn unknown_profile_is_named_in_the_error() {
        let (_d, p) = file(TWO_PROFILES);
        let o = Overrides {
            profile: Some("staging".into()),
            ..Default::default()
        };
        let msg = resolve(o, &p, &[]).unwrap_err().to_string();
        assert!(
            msg.contains("profile `staging`") && msg.contains("default, work"),
            "{msg}"
        );
    }

    #[test]
    fn malformed_file_is_a_config_error() {
        let (_d, p) = file("[profiles.default\nurl = ");
        let e = resolve(Overrides::default(), &p, &[]).unwrap_err();
        assert!(
            matches!(&e, Error::Config { field, .. } if field == "config_file"),
            "{e}"
        );
        assert!(e.to_string().contains("not valid TOML"));
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let (_d, p) = file(TWO_PROFILES);
        let o = Overrides {
            password: Some("hunter2".into()),
            token: Some("tok-secret-value".into()),
            ..Default::default()
        };
        let shown = format!("{o:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("tok-secret-value"),
            "{shown}"
        );
        let c = resolve(o, &p, &[]).unwrap();
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("tok-secret-value"),
            "{shown}"
        );
        assert_eq!(c.token().unwrap().expose(), "tok-secret-value");
    }

    #[test]
    fn written_profile_is_private_and_read_back() {
        let d = tempdir::Dir::new();
        let p = d.path().join("sub").join("config.toml");
        let mut f = ConfigFile::load(&p).unwrap();
        assert!(!f.exists());
        f.write_profile(
            "default",
            &[
                (Field::Url, "http://k.example/jsonrpc.php".into()),
                (Field::Token, "abcdef123".into()),
            ],
        )
        .unwrap();
        f.write_profile(
            "other",
            &[(Field::Url, "http://o.example/jsonrpc.php".into())],
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let back = ConfigFile::load(&p).unwrap();
        assert_eq!(back.default_profile(), Some("default"));
        assert_eq!(back.profile_names(), ["default", "other"]);
        let c = resolve(Overrides::default(), &p, &[]).unwrap();
        assert_eq!(c.token().unwrap().expose(), "abcdef123");
    }

    #[test]
    fn transport_settings_follow_precedence_and_reach_the_builder() {
        let (_d, p) = file(
            "[profiles.default]\nurl = \"https://k.example/jsonrpc.php\"\ntoken = \"t\"\ntimeout = 5\ninsecure = true\n",
        );
        let c = resolve(Overrides::default(), &p, &[]).unwrap();
        assert_eq!(c.timeout, Duration::from_secs(5));
        assert!(c.insecure);
        assert!(c.ca_cert.is_none());
        let c = resolve(
            Overrides::default(),
            &p,
            &[(env::TIMEOUT, "7"), (env::INSECURE, "false")],
        )
        .unwrap();
        assert_eq!(c.timeout, Duration::from_secs(7));
        assert!(!c.insecure);
        let o = Overrides {
            timeout: Some("2.5".into()),
            ..Default::default()
        };
        let c = resolve(o, &p, &[(env::TIMEOUT, "7")]).unwrap();
        assert_eq!(c.timeout, Duration::from_millis(2500));
        assert!(format!("{:?}", c.client_builder()).contains("timeout: 2.5s"));
        // Defaults when nothing is set.
        let c = resolve(
            Overrides::default(),
            &p,
            &[
                (env::PROFILE, "none"),
                (env::URL, "http://x.example/jsonrpc.php"),
                (env::TOKEN, "t"),
            ],
        )
        .unwrap();
        assert_eq!(c.timeout, Duration::from_secs(30));
        assert!(!c.insecure);
    }

    #[test]
    fn bad_transport_settings_name_their_source() {
        let (d, p) = file(TWO_PROFILES);
        for (env_value, needle) in [("soon", "seconds"), ("0", "seconds"), ("-3", "seconds")] {
            let e = resolve(Overrides::default(), &p, &[(env::TIMEOUT, env_value)]).unwrap_err();
            let msg = e.to_string();
            assert!(
                msg.contains("env KANBOARD_TIMEOUT")
                    && msg.contains(needle)
                    && msg.contains("--timeout"),
                "{msg}"
            );
        }
        let e = resolve(Overrides::default(), &p, &[(env::INSECURE, "maybe")]).unwrap_err();
        assert!(e.to_string().contains("true or false"), "{e}");
        let o = Overrides {
            ca_cert: Some(d.path().join("absent.pem").display().to_string()),
            ..Default::default()
        };
        let msg = resolve(o, &p, &[]).unwrap_err().to_string();
        assert!(
            msg.contains("ca_cert") && msg.contains("(from flag) cannot be read"),
            "{msg}"
        );
        let not_pem = d.path().join("not.pem");
        std::fs::write(&not_pem, "hello").unwrap();
        let msg = resolve(
            Overrides::default(),
            &p,
            &[(env::CA_CERT, not_pem.to_str().unwrap())],
        )
        .unwrap_err()
        .to_string();
        assert!(
            msg.contains("env KANBOARD_CA_CERT") && msg.contains("no PEM"),
            "{msg}"
        );
    }

    #[test]
    fn a_ca_file_is_read_and_trusted() {
        let (d, p) = file(TWO_PROFILES);
        let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let pem_path = d.path().join("ca.pem");
        std::fs::write(&pem_path, cert.cert.pem()).unwrap();
        let c = resolve(
            Overrides::default(),
            &p,
            &[(env::CA_CERT, pem_path.to_str().unwrap())],
        )
        .unwrap();
        assert_eq!(c.ca_cert.as_deref(), Some(pem_path.as_path()));
        assert!(!format!("{c:?}").contains("BEGIN CERTIFICATE"));
        c.client().unwrap();
    }

    #[test]
    fn mask_keeps_last_four() {
        assert_eq!(mask("abcdefgh"), "****efgh");
        assert_eq!(mask("abcd"), "****");
        assert_eq!(mask(""), "****");
    }
}
