//! The root command and its global options, and the run of one invocation: parse along the
//! registry's tree, run the handler of the command typed, print its outcome.

use crate::ctx::Ctx;
use crate::failure::{Exit, Failure};
use crate::output;
use clap::{Arg, ArgAction, Command};
use kanboard::config::{AuthMode, OutputFormat, PortfolioBackend};
use std::path::PathBuf;

const ABOUT: &str = "Drive Kanboard from the shell: every JSON-RPC method, kanboard-cli's commands, config and completion";

const AFTER_HELP: &str = "\
Settings come from flags, then KANBOARD_URL, KANBOARD_TOKEN, KANBOARD_AUTH_MODE, KANBOARD_USERNAME,
KANBOARD_PASSWORD, KANBOARD_OUTPUT_FORMAT, KANBOARD_PORTFOLIO_BACKEND, KANBOARD_TIMEOUT,
KANBOARD_CA_CERT, KANBOARD_INSECURE, KANBOARD_AUTH_HEADER, then the profile chosen by --profile, KANBOARD_PROFILE or
settings.default_profile in ~/.config/kanboard/config.toml. SSL_CERT_FILE replaces the system's
CA certificates; --ca-cert adds to them.

Examples:
  kanboard config init
  kanboard task list 1
  kanboard task create 1 \"Fix login\" --due 2026-12-31 --tag bug
  kanboard api tasks get-all-tasks 1 --status-id 0
  kanboard -o json call getTask --param task_id=42
  kanboard portfolio critical-path launch --format mermaid
  kanboard schema drift

Exit codes: 0 ok, 1 other, 2 usage, 3 config, 4 auth, 5 not found, 6 connection, 7 server error,
8 schema drift found, 9 schema drift could not check.";

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
        opt("auth-header", "NAME", "Header carrying the credentials, for a server whose API_AUTHENTICATION_HEADER names one (e.g. X-API-Auth) [env: KANBOARD_AUTH_HEADER]"),
        opt("kanboard-version", "RELEASE", "The server's Kanboard release (e.g. 1.2.36): options it lacks are refused without asking it; `off` sends everything unchecked (an older release drops unknown options silently). Default: asked when first needed [env: KANBOARD_VERSION]"),
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

/// The root command with the global options; the commands under it are the registry's.
pub fn root_command() -> Command {
    Command::new("kanboard")
        .version(env!("CARGO_PKG_VERSION"))
        .about(ABOUT)
        .after_help(AFTER_HELP)
        .max_term_width(100)
        .args(global_args())
}

/// The whole command tree as clap sees it.
pub fn command() -> Command {
    crate::registry::tree(root_command()).command()
}

/// Parses, runs and reports; returns the process exit code.
pub fn run(args: Vec<std::ffi::OsString>) -> i32 {
    let tree = crate::registry::tree(root_command());
    let matches = match tree.command().try_get_matches_from(args) {
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
    let ctx = Ctx::from_matches(&matches, command);
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
    let result = match tree.resolve(&matches) {
        Some((handler, m)) => runtime.block_on(handler.run(&ctx, m)),
        None => Err(Failure::usage("a command is needed").hint("see kanboard --help")),
    };
    let printed = result.and_then(|outcome| match outcome {
        Some(o) => {
            let style = ctx.style();
            let (unknown, fields) = output::unknown_columns(&style, &o);
            if !unknown.is_empty() {
                return Err(Failure::usage(format!(
                    "--columns: no field named {}",
                    unknown.join(", ")
                ))
                .hint(format!("the fields are {}", fields.join(", "))));
            }
            output::print(&style, &o).or_else(|e| {
                // A closed pipe (`kanboard ... | head`) is not an error worth reporting.
                if e.kind() == std::io::ErrorKind::BrokenPipe {
                    Ok(())
                } else {
                    Err(Failure::other(format!("cannot write the output: {e}")))
                }
            })
        }
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
