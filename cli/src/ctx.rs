//! What every command gets: the global options, the configuration (read when first needed)
//! and the one mapping of library errors to failures with their hints.

use crate::failure::{Exit, Failure};
use crate::output::Style;
use clap::ArgMatches;
use kanboard::config::{AuthMode, Field, KanboardConfig, Layers, OutputFormat, Overrides, Source};
use kanboard::{AuthFailure, Error, KanboardClient, SizeLimit};
use std::cell::OnceCell;
use std::path::PathBuf;

/// What every command gets: the global options, and the configuration read when first needed.
pub struct Ctx {
    pub overrides: Overrides,
    pub columns: Option<Vec<String>>,
    layers: OnceCell<Result<Layers, String>>,
    /// The whole command tree, for commands that describe it (completion scripts).
    pub command_tree: fn() -> clap::Command,
}

impl Ctx {
    pub fn from_matches(m: &ArgMatches, command_tree: fn() -> clap::Command) -> Ctx {
        let s = |id: &str| m.get_one::<String>(id).cloned();
        let mut o = Overrides::default();
        o.url = s("url");
        o.token = s("token");
        o.profile = s("profile");
        o.output_format = s("output");
        o.auth_mode = s("auth-mode");
        o.username = s("username");
        o.password = s("password");
        o.portfolio_backend = s("portfolio-backend");
        o.timeout = s("timeout");
        o.ca_cert = s("ca-cert");
        o.auth_header = s("auth-header");
        o.kanboard_version = s("kanboard-version");
        o.insecure = m.get_flag("insecure").then(|| "true".to_owned());
        o.config_file = m.get_one::<PathBuf>("config").cloned();
        Ctx {
            overrides: o,
            columns: m.get_many::<String>("columns").map(|c| {
                c.map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            }),
            layers: OnceCell::new(),
            command_tree,
        }
    }

    /// The settings with their sources, unchecked.
    pub fn layers(&self) -> Result<&Layers, Failure> {
        self.layers
            .get_or_init(|| Layers::gather(&self.overrides).map_err(|e| Failure::from(e).message))
            .as_ref()
            .map_err(|m| Failure::new(Exit::Config, m.clone()))
    }

    /// The checked configuration.
    pub fn config(&self) -> Result<KanboardConfig, Failure> {
        KanboardConfig::from_layers(self.layers()?).map_err(Failure::from)
    }

    pub fn client(&self) -> Result<KanboardClient, Failure> {
        let config = self.config()?;
        config.client().map_err(|e| self.fail(e))
    }

    /// The output format: flag, env, profile, default. Settable even when the rest of the
    /// configuration is incomplete, so `config show -o json` works before `config init`.
    pub fn format(&self) -> OutputFormat {
        let from_layers = self.layers().ok().and_then(|l| {
            l.get(Field::OutputFormat)
                .value
                .as_deref()
                .and_then(OutputFormat::parse)
        });
        self.overrides
            .output_format
            .as_deref()
            .and_then(OutputFormat::parse)
            .or(from_layers)
            .unwrap_or_default()
    }

    pub fn style(&self) -> Style {
        Style::new(self.format(), self.columns.clone())
    }

    /// Where a setting came from, for hints: "`token` from env KANBOARD_TOKEN".
    fn origin(&self, field: Field) -> String {
        match self.layers() {
            Ok(l) => match &l.get(field).source {
                Source::Profile => format!(
                    "`{}` from profile `{}` of {}",
                    field.key(),
                    l.profile,
                    l.file.path().display()
                ),
                other => format!("`{}` from {other}", field.key()),
            },
            Err(_) => format!("`{}`", field.key()),
        }
    }

    /// What a timed-out call was allowed, and how to allow more.
    fn timeout_hint(&self, e: &Error) -> String {
        let allowed = self.config().map(|c| c.timeout).unwrap_or_default();
        // The client gives connecting at most 10 s of the timeout: past that, a longer timeout
        // does not help and the server is likely unreachable.
        let connect_limit = std::time::Duration::from_secs(10);
        let connecting = matches!(e, Error::Connection { source, .. } if source.is_connect());
        if connecting && allowed > connect_limit {
            return format!(
                "connecting timed out after {}s, the limit for connecting: is Kanboard reachable? check {}",
                connect_limit.as_secs(),
                self.origin(Field::Url)
            );
        }
        format!(
            "{} timed out after {}s; allow more with --timeout SECONDS, KANBOARD_TIMEOUT or `timeout` in the profile (this limit: {})",
            if connecting { "connecting" } else { "the call" },
            allowed.as_secs_f64(),
            self.origin(Field::Timeout)
        )
    }

    /// A library error as a failure, with a hint naming what fixes it.
    pub fn fail(&self, e: Error) -> Failure {
        let hint = match &e {
            Error::Connection { .. } if e.is_timeout() => Some(self.timeout_hint(&e)),
            Error::Connection { .. } => Some(format!(
                "is Kanboard running there? check {} ({}, KANBOARD_URL or `url` in the profile)",
                self.origin(Field::Url),
                Field::Url.flag()
            )),
            Error::Auth { failure, .. } => Some(match failure {
                AuthFailure::BadCredentials => {
                    let user_mode = self
                        .config()
                        .map(|c| c.auth_mode == AuthMode::User)
                        .unwrap_or(false);
                    if user_mode {
                        format!(
                            "check {} and {} (--username/--password, KANBOARD_USERNAME/KANBOARD_PASSWORD)",
                            self.origin(Field::Username),
                            self.origin(Field::Password)
                        )
                    } else {
                        format!(
                            "check {} (--token, KANBOARD_TOKEN or `token` in the profile; Kanboard shows it under Settings > API)",
                            self.origin(Field::Token)
                        )
                    }
                }
                AuthFailure::UserOnlyMethod => "log in as a user: --auth-mode user --username NAME --password SECRET (or KANBOARD_AUTH_MODE=user, KANBOARD_USERNAME, KANBOARD_PASSWORD)".into(),
                _ => "use an account with the needed role or project membership".into(),
            }),
            Error::Api { code: -32601, method, .. } => Some(
                match kanboard::descriptor::MethodDescriptor::find(method).and_then(|d| d.plugin) {
                    Some(p) => format!("the server lacks `{method}`: install the `{p}` plugin"),
                    None => format!("the server lacks `{method}`: an older Kanboard, or a misspelt method name"),
                },
            ),
            // A web page where JSON-RPC was expected: most often the URL lacks /jsonrpc.php.
            Error::Response { body, .. } if looks_like_html(body.as_str()) => Some(format!(
                "the server answered with a web page, not JSON-RPC: give the endpoint itself, usually ending in /jsonrpc.php, as {} ({})",
                self.origin(Field::Url),
                Field::Url.flag()
            )),
            Error::Server { .. } => Some("the server failed; its error log says why".into()),
            Error::Validation { .. } => Some("see the command's --help for its parameters".into()),
            Error::Redirect { .. } => Some(format!(
                "give the JSON-RPC endpoint itself (usually ending in /jsonrpc.php) as {} ({}): redirects are not followed, so credentials and data never go elsewhere",
                self.origin(Field::Url),
                Field::Url.flag()
            )),
            Error::TooLarge { what: SizeLimit::Upload, .. } => {
                Some("the library's default upload limit applies; split the file or upload it through Kanboard's web page".into())
            }
            Error::TooLarge { .. } => Some(
                "reading stopped at the library's default reply limit; ask for less at a time (a smaller project or a search)".into(),
            ),
            _ => None,
        };
        let f = Failure::from(e);
        match hint {
            Some(h) => f.hint(h),
            None => f,
        }
    }
}

/// Whether a reply body is an HTML page (a login or index page, a proxy's error page).
fn looks_like_html(body: &str) -> bool {
    let head = body.trim_start();
    let head = &head[..head.floor_char_boundary(200)];
    let lower = head.to_ascii_lowercase();
    lower.starts_with("<!doctype html") || lower.starts_with("<html") || lower.contains("<head")
}
