//! `kanboard config init | show | test | path | profiles`: the same file as kanboard-cli,
//! created with mode 0600 (an existing file keeps its mode; see `kanboard::safe_file`).

use crate::ctx::Ctx;
use crate::failure::{Exit, Failure};
use crate::node::{Handler, Node};
use crate::output::Outcome;
use clap::{Arg, ArgAction, ArgMatches, Command};
use kanboard::config::{AuthMode, ConfigFile, Field, mask};
use kanboard::descriptor::ReturnKind;
use serde_json::{Value, json};

fn command() -> Command {
    Command::new("config")
        .about("Create, show and test the configuration (~/.config/kanboard/config.toml)")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("init")
                .about("Write a profile: asks for the URL and token, or takes --url/--token (and --profile, --auth-mode user with --username/--password)")
                .arg(
                    Arg::new("force")
                        .long("force")
                        .action(ArgAction::SetTrue)
                        .help("Replace the profile if the file already has it"),
                )
                .args(INIT_VALUES.iter().map(|(long, value, help)| {
                    // Also accepted after `init`, where its help offers them; the global option
                    // before the command works too.
                    Arg::new(format!("init-{long}"))
                        .long(*long)
                        .value_name(*value)
                        .help(*help)
                })),
        )
        .subcommand(Command::new("show").about("Each setting, where it comes from, secrets masked"))
        .subcommand(Command::new("test").about("Connect and print the server's version"))
        .subcommand(Command::new("path").about("Print the config file's path"))
        .subcommand(Command::new("profiles").about("List the profiles of the config file"))
}

/// The settings `config init` takes after its name: (option, value name, help).
const INIT_VALUES: [(&str, &str, &str); 6] = [
    (
        "url",
        "URL",
        "Kanboard JSON-RPC endpoint, e.g. https://kb.example/jsonrpc.php",
    ),
    ("token", "TOKEN", "Application API token"),
    ("profile", "NAME", "Profile to write (default: `default`)"),
    (
        "auth-mode",
        "MODE",
        "app (API token) or user (username and password)",
    ),
    ("username", "NAME", "User login for --auth-mode user"),
    (
        "password",
        "PASSWORD",
        "Password or personal access token for --auth-mode user",
    ),
];

fn rows(v: Vec<Value>) -> Outcome {
    Outcome::Value(Value::Array(v), Some(ReturnKind::List))
}

/// `kanboard config ...`: profiles and settings.
pub fn node() -> Node {
    Node::leaf(command(), Handler::Fn(|ctx, m| Box::pin(run(ctx, m))))
}

async fn run(ctx: &Ctx, m: &ArgMatches) -> Result<Option<Outcome>, Failure> {
    let (sub, sm) = m.subcommand().expect("subcommand required");
    match sub {
        "path" => {
            let l = ctx.layers()?;
            // Printed as an outcome, so a closed or full stdout is an error, not a panic.
            Ok(Some(Outcome::Text(format!(
                "{}\n",
                l.file.path().display()
            ))))
        }
        "profiles" => {
            let l = ctx.layers()?;
            let default = l.file.default_profile().unwrap_or("default").to_owned();
            Ok(Some(rows(
                l.file
                    .profile_names()
                    .into_iter()
                    .map(|p| json!({"profile": p, "default": p == default}))
                    .collect(),
            )))
        }
        "show" => {
            let l = ctx.layers()?;
            let mut out = vec![
                json!({"key": "config_file", "value": l.file.path().display().to_string(),
                       "source": if l.file.exists() { "" } else { "(does not exist)" }}),
                json!({"key": "profile", "value": l.profile, "source": l.profile_source.to_string()}),
            ];
            for (field, found) in l.iter() {
                let value = match (&found.value, field.is_secret()) {
                    (Some(v), true) => mask(v),
                    (Some(v), false) => v.clone(),
                    (None, _) => String::new(),
                };
                out.push(
                    json!({"key": field.key(), "value": value, "source": found.source.to_string()}),
                );
            }
            Ok(Some(rows(out)))
        }
        "test" => {
            let config = ctx.config()?;
            let kb = config.client().map_err(|e| ctx.fail(e))?;
            let d = kanboard::descriptor::MethodDescriptor::find("getVersion").expect("in schema");
            let version = crate::invoke::call(ctx, &kb, d, Default::default()).await?;
            let release = version
                .as_str()
                .and_then(kanboard::KanboardVersion::parse_lenient);
            Ok(Some(rows(vec![
                json!({"key": "url", "value": config.url}),
                json!({"key": "profile", "value": config.profile}),
                json!({"key": "auth_mode", "value": config.auth_mode.as_str()}),
                json!({"key": "server_version", "value": version}),
                json!({"key": "supported", "value": supported(release)}),
                json!({"key": "release_check", "value": release_check(&config, release)}),
            ])))
        }
        "init" => init(ctx, sm).map(Some),
        _ => unreachable!("clap knows the subcommands"),
    }
}

/// Whether the server's release is one this client describes.
fn supported(release: Option<kanboard::KanboardVersion>) -> String {
    let Some((oldest, newest)) = kanboard::api::descriptors::RELEASES else {
        return "unknown: the schema names no releases".into();
    };
    match release {
        None => {
            format!("unknown: not a release number (this client describes {oldest} to {newest})")
        }
        Some(v) if v < oldest => format!(
            "no: older than {oldest}, the oldest release this client describes; calls may lose data"
        ),
        Some(v) if v > newest => format!(
            "newer than {newest}, the newest release this client describes: what came after it is not offered"
        ),
        Some(_) => format!("yes ({oldest} to {newest})"),
    }
}

/// What calls are checked against.
fn release_check(
    config: &kanboard::config::KanboardConfig,
    release: Option<kanboard::KanboardVersion>,
) -> String {
    match (config.kanboard_version, release) {
        (Some(None), _) => "off (kanboard_version = off): every call is sent unchecked".into(),
        (Some(Some(v)), _) => format!("against {v} (kanboard_version), without asking the server"),
        (None, Some(v)) => {
            format!("against {v}: options newer than the server are refused before sending")
        }
        (None, None) => "none: the server's version is not a release number".into(),
    }
}

fn init(ctx: &Ctx, m: &ArgMatches) -> Result<Outcome, Failure> {
    let force = m.get_flag("force");
    let mut o = ctx.overrides.clone();
    let given = |long: &str| m.get_one::<String>(&format!("init-{long}")).cloned();
    for (slot, long) in [
        (&mut o.url, "url"),
        (&mut o.token, "token"),
        (&mut o.profile, "profile"),
        (&mut o.auth_mode, "auth-mode"),
        (&mut o.username, "username"),
        (&mut o.password, "password"),
    ] {
        if let Some(v) = given(long) {
            *slot = Some(v);
        }
    }
    let o = &o;
    let path = match &o.config_file {
        Some(p) => p.clone(),
        None => ConfigFile::path_from(&|k| std::env::var(k).ok()).map_err(Failure::from)?,
    };
    let mut file = ConfigFile::load(&path).map_err(Failure::from)?;
    let profile = o
        .profile
        .clone()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "default".into());
    if file.has_profile(&profile) && !force {
        return Err(Failure::new(
            Exit::Config,
            format!("profile `{profile}` already exists in {}", path.display()),
        )
        .hint("pass --force to replace it, or --profile NAME to add another"));
    }
    let url = match &o.url {
        Some(u) => u.clone(),
        None => crate::prompt::line("Kanboard URL", Some("http://localhost/jsonrpc.php"))?,
    };
    let mut values = vec![(Field::Url, url)];
    let user = o.auth_mode.as_deref().and_then(AuthMode::parse) == Some(AuthMode::User);
    if user {
        values.push((Field::AuthMode, "user".into()));
        let name = match &o.username {
            Some(u) => u.clone(),
            None => crate::prompt::line("Username", None)?,
        };
        let password = match &o.password {
            Some(p) => p.clone(),
            None => crate::prompt::secret("Password or personal access token")?,
        };
        values.push((Field::Username, name));
        values.push((Field::Password, password));
    } else {
        let token = match &o.token {
            Some(t) => t.clone(),
            None => crate::prompt::secret("API token")?,
        };
        values.push((Field::Token, token));
    }
    if let Some(f) = &o.output_format {
        values.push((Field::OutputFormat, f.clone()));
    }
    if let Some(b) = &o.portfolio_backend {
        values.push((Field::PortfolioBackend, b.clone()));
    }
    file.write_profile(&profile, &values)
        .map_err(Failure::from)?;
    Ok(Outcome::Done(format!(
        "Config written to {} (profile `{profile}`, {})",
        path.display(),
        who_can_read(&path)
    )))
}

/// An existing file keeps its mode when rewritten, so say so when that lets others read it.
fn who_can_read(path: &std::path::Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::metadata(path) {
            let mode = m.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return format!(
                    "mode {mode:04o} kept: others can read it; `chmod 600` it to keep the \
                     credentials private"
                );
            }
        }
    }
    let _ = path;
    "readable only by you".into()
}
