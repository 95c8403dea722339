//! The settings that take one of a few spellings: the auth mode, the output format and the
//! portfolio backend.

use std::fmt;

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
