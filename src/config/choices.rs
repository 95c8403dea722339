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
    #[default]
    Table,
    Json,
    Csv,
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
