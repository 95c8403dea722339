//! The root command, its global options, and dispatch to the command modules.

use crate::compat::{self, Spec};
use crate::failure::{Exit, Failure};
use crate::output::{self, Outcome, Style};
use clap::{Arg, ArgAction, ArgMatches, Command};
use kanboard::config::{
    AuthMode, Field, KanboardConfig, Layers, OutputFormat, Overrides, PortfolioBackend, Source,
};
use kanboard::{AuthFailure, Error, KanboardClient, SizeLimit};
use std::cell::OnceCell;
use std::path::PathBuf;

const ABOUT: &str = "Drive Kanboard from the shell: every JSON-RPC method, kanboard-cli's commands, config and completion";

const AFTER_HELP: &str = "\
Settings come from flags, then KANBOARD_URL, KANBOARD_TOKEN, KANBOARD_AUTH_MODE, KANBOARD_USERNAME,
KANBOARD_PASSWORD, KANBOARD_OUTPUT_FORMAT, KANBOARD_PORTFOLIO_BACKEND, KANBOARD_TIMEOUT,
KANBOARD_CA_CERT, KANBOARD_INSECURE, then the profile chosen by --profile, KANBOARD_PROFILE or
settings.default_profile in ~/.config/kanboard/config.toml. SSL_CERT_FILE replaces the system's
CA certificates; --ca-cert adds to them.

Examples:
  kanboard config init
  kanboard task list 1
  kanboard task create 1 \"Fix login\" --due 2026-12-31 --tag bug
  kanboard tasks get-all-tasks 1 --status-id 0
  kanboard -o json call getTask --param task_id=42
  kanboard portfolio critical-path launch --format mermaid
  kanboard schema drift

Exit codes: 0 ok, 1 other, 2 usage, 3 config, 4 auth, 5 not found, 6 connection, 7 server error,
8 schema drift found.";

fn global_args() -> Vec<Arg> {
    let opt = |id: &'static str, value: &'static str, help: &'static str| {
        Arg::new(id).long(id).value_name(value).help(help)
    };
    vec![
        opt("url", "URL", "Kanboard JSON-RPC endpoint, e.g. https://kb.example/jsonrpc.php [env: KANBOARD_URL]"),
        opt("token", "TOKEN", "Application API token [env: KANBOARD_TOKEN]"),
        opt("profile", "NAME", "Profile of the config file [env: KANBOARD_PROFILE]"),
        Arg::new("output")
            .long("output")
            .short('o')
            .value_name("FORMAT")
            .value_parser(clap::builder::PossibleValuesParser::new(OutputFormat::NAMES))
            .ignore_case(true)
            .help("Output format [env: KANBOARD_OUTPUT_FORMAT] [default: table]"),
        Arg::new("auth-mode")
            .long("auth-mode")
            .value_name("MODE")
            .value_parser(clap::builder::PossibleValuesParser::new(AuthMode::NAMES))
            .ignore_case(true)
            .help("app (API token) or user (username and password) [env: KANBOARD_AUTH_MODE]"),
        opt("username", "NAME", "User login for --auth-mode user [env: KANBOARD_USERNAME]"),
        opt("password", "PASSWORD", "Password or personal access token for --auth-mode user [env: KANBOARD_PASSWORD]"),
        Arg::new("portfolio-backend")
            .long("portfolio-backend")
            .value_name("BACKEND")
            .value_parser(clap::builder::PossibleValuesParser::new(PortfolioBackend::NAMES))
            .ignore_case(true)
            .help("Where portfolios live: local (JSON file) or remote (server plugin) [env: KANBOARD_PORTFOLIO_BACKEND]"),
        opt("timeout", "SECONDS", "Time allowed for each call [env: KANBOARD_TIMEOUT] [default: 30]"),
        opt("ca-cert", "PATH", "PEM file of CA certificates to trust besides the system's [env: KANBOARD_CA_CERT]"),
        Arg::new("insecure")
            .long("insecure")
            .action(ArgAction::SetTrue)
            .help("Skip TLS certificate verification (test servers only) [env: KANBOARD_INSECURE]"),
        Arg::new("config")
            .long("config")
            .value_name("PATH")
            .value_parser(clap::value_parser!(PathBuf))
            .help("Config file [env: KANBOARD_CONFIG] [default: ~/.config/kanboard/config.toml]"),
        Arg::new("columns")
            .long("columns")
            .value_name("LIST")
            .value_delimiter(',')
            .help("Fields to show in table and csv output, comma-separated"),
        Arg::new("verbose")
            .long("verbose")
            .short('v')
            .action(ArgAction::SetTrue)
            .help("Log each call (method, status, timing) on stderr"),
    ]
}

/// The whole command tree.
pub fn command() -> Command {
    let mut root = Command::new("kanboard")
        .version(env!("CARGO_PKG_VERSION"))
        .about(ABOUT)
        .after_help(AFTER_HELP)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .max_term_width(100)
        .args(global_args());
    for group in crate::schema_cmd::resource_commands() {
        root = root.subcommand(group);
    }
    root.subcommand(crate::raw_call::command())
        .subcommand(crate::config_cmd::command())
        .subcommand(crate::drift_cmd::command())
        .subcommand(crate::completion::command())
}

/// A resource group with kanboard-cli's name as an alias and its commands added.
pub fn extend_group(resource: &str, mut group: Command) -> Command {
    if let Some((alias, _)) = compat::GROUPS
        .iter()
        .find(|(a, r)| *r == resource && *a != resource)
    {
        group = group.visible_alias(*alias);
    }
    let Some((alias, _)) = compat::GROUPS.iter().find(|(_, r)| *r == resource) else {
        return group;
    };
    let specs = compat::specs();
    let mut nested: Vec<Command> = Vec::new();
    for s in specs
        .iter()
        .filter(|s| s.group.split(' ').next() == Some(alias))
    {
        match s.group.split_once(' ') {
            None => group = group.subcommand(s.command()),
            Some((_, sub)) => match nested.iter_mut().find(|c| c.get_name() == sub) {
                Some(c) => *c = c.clone().subcommand(s.command()),
                None => nested.push(
                    Command::new(sub.to_owned())
                        .about(format!(
                            "kanboard-cli's `{} {sub}` commands",
                            s.group.split(' ').next().unwrap_or_default()
                        ))
                        .subcommand_required(true)
                        .arg_required_else_help(true)
                        .subcommand(s.command()),
                ),
            },
        }
    }
    for n in nested {
        group = group.subcommand(n);
    }
    crate::special::extend(resource, group)
}

/// What every command gets: the global options, and the configuration read when first needed.
pub struct Ctx {
    pub overrides: Overrides,
    pub columns: Option<Vec<String>>,
    layers: OnceCell<Result<Layers, String>>,
}

impl Ctx {
    pub fn from_matches(m: &ArgMatches) -> Ctx {
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
            Error::Server { .. } => Some("the server failed; its PHP error log says why".into()),
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

/// Parses, runs and reports; returns the process exit code.
pub fn run(args: Vec<std::ffi::OsString>) -> i32 {
    let matches = match command().try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            let code = e.exit_code();
            let _ = e.print();
            return code;
        }
    };
    if matches.get_flag("verbose") {
        crate::terminal_text::show_full_errors(true);
        // Log lines can quote the server; they go through the same escaping as errors.
        let _ = tracing_subscriber::fmt()
            .with_writer(|| crate::terminal_text::VisibleStderr)
            .with_ansi(false)
            .with_env_filter(tracing_subscriber::EnvFilter::new("kanboard=debug"))
            .try_init();
    }
    let ctx = Ctx::from_matches(&matches);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return Exit::Other as i32;
        }
    };
    let result = runtime.block_on(dispatch(&ctx, &matches));
    let printed = result.and_then(|outcome| match outcome {
        Some(o) => output::print(&ctx.style(), &o).or_else(|e| {
            // A closed pipe (`kanboard ... | head`) is not an error worth reporting.
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                Ok(())
            } else {
                Err(Failure::other(format!("cannot write the output: {e}")))
            }
        }),
        None => Ok(()),
    });
    match printed {
        Ok(()) => 0,
        Err(f) => {
            eprintln!("{}", f.line());
            f.exit as i32
        }
    }
}

/// Finds and runs the command that was typed.
async fn dispatch(ctx: &Ctx, m: &ArgMatches) -> Result<Option<Outcome>, Failure> {
    let (group, gm) = m.subcommand().expect("subcommand required");
    match group {
        "call" => return crate::raw_call::run(ctx, gm).await.map(Some),
        "config" => return crate::config_cmd::run(ctx, gm).await,
        "schema" => return crate::drift_cmd::run(ctx, gm).await,
        "completion" => return crate::completion::run(gm).map(|()| None),
        _ => {}
    }
    let Some((sub, sm)) = gm.subcommand() else {
        // `kanboard me` alone shows the logged-in user, as in kanboard-cli.
        return crate::special::bare_group(ctx, group).await.map(Some);
    };
    if let Some(d) = crate::schema_cmd::find(group, sub) {
        return crate::schema_cmd::run(ctx, d, sm).await.map(Some);
    }
    let resource = kanboard::api::descriptors::RESOURCES
        .iter()
        .find(|r| crate::schema_cmd::kebab(r.name) == group)
        .map(|r| r.name)
        .unwrap_or_default();
    let alias = compat::GROUPS
        .iter()
        .find(|(_, r)| *r == resource)
        .map(|(a, _)| *a)
        .unwrap_or_default();
    let specs = compat::specs();
    let find =
        |g: &str, n: &str| -> Option<&Spec> { specs.iter().find(|s| s.group == g && s.name == n) };
    if let Some(spec) = find(alias, sub) {
        return spec.run(ctx, sm).await.map(Some);
    }
    if let Some((leaf, lm)) = sm.subcommand()
        && let Some(spec) = find(&format!("{alias} {sub}"), leaf)
    {
        return spec.run(ctx, lm).await.map(Some);
    }
    crate::special::run(ctx, resource, sub, sm).await.map(Some)
}
