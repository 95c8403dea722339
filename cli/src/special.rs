//! The few kanboard-cli commands that are more than one call: `me` on its own, `app roles`
//! (two role lists in one table), the file downloads (which write the decoded file), and the
//! portfolio and milestone orchestration commands, which join the plugin's generated commands
//! in the `portfolios` and `milestones` groups (`create` beside `create-portfolio`).

use crate::app::Ctx;
use crate::failure::{Exit, Failure};
use crate::invoke;
use crate::output::Outcome;
use base64::Engine;
use clap::{Arg, ArgMatches, Command};
use kanboard::descriptor::{MethodDescriptor, ReturnKind};
use serde_json::{Map, Value, json};

fn method(rpc: &str) -> &'static MethodDescriptor {
    MethodDescriptor::find(rpc).expect("method in schema")
}

fn int_arg(id: &'static str, help: &'static str) -> Arg {
    Arg::new(id)
        .value_name(id.to_uppercase())
        .required(true)
        .value_parser(clap::value_parser!(i64))
        .help(help)
}

fn download(name: &str, ids: &[(&'static str, &'static str)], rpc: &str) -> Command {
    let mut c = Command::new(name.to_owned()).about(format!(
        "Download a file to disk [kanboard-cli's `download`; calls `{rpc}`]"
    ));
    for (id, help) in ids {
        c = c.arg(int_arg(id, help));
    }
    c.arg(
        Arg::new("output")
            .long("output")
            .value_name("PATH")
            .help("Where to write it (default: the file's own name, in the current directory)"),
    )
}

const ORCHESTRATION: &str = "\
kanboard-cli's portfolio and milestone commands (list, show, create, remove, add-project, tasks,
dependencies, critical-path, migrate, ...) keep portfolios in the local store
~/.config/kanboard/portfolios.json (the file kanboard-cli uses) or, with --portfolio-backend remote
(KANBOARD_PORTFOLIO_BACKEND, `portfolio_backend` in the profile), in the server's Portfolio plugin.
Tasks, links and progress always come from the server.";

/// Adds the special commands to their group.
pub fn extend(resource: &str, group: Command) -> Command {
    match resource {
        "application" => group.subcommand(Command::new("roles").about(
            "Application and project roles in one table [kanboard-cli's `app roles`; calls `getApplicationRoles` and `getProjectRoles`]",
        )),
        "project_files" => group.subcommand(download(
            "download",
            &[("project_id", "Project id"), ("file_id", "File id")],
            "downloadProjectFile",
        )),
        "task_files" => group.subcommand(download(
            "download",
            &[("file_id", "File id")],
            "downloadTaskFile",
        )),
        "me" => group.about("The logged-in user (needs --auth-mode user); alone, shows the user as `get-me` does"),
        "portfolios" => group
            .about("Portfolios: kanboard-cli's commands (local store or server plugin, see --portfolio-backend) and the plugin's methods")
            .long_about(format!("{ORCHESTRATION}\n\nThe `*-portfolio*` and `get-*` commands call the server's Portfolio plugin directly."))
            .subcommands(crate::portfolio_cmd::commands()),
        "milestones" => group
            .about("Milestones of a portfolio: kanboard-cli's commands (local store or server plugin) and the plugin's methods")
            .long_about(format!("{ORCHESTRATION}\n\nThe `*-milestone*` and `get-*` commands call the server's Portfolio plugin directly."))
            .subcommands(crate::milestone_cmd::commands()),
        _ => group,
    }
}

/// A group typed without a command; only `me` accepts that.
pub async fn bare_group(ctx: &Ctx, group: &str) -> Result<Outcome, Failure> {
    if group != "me" {
        return Err(
            Failure::usage(format!("`kanboard {group}` needs a command"))
                .hint(format!("see kanboard {group} --help")),
        );
    }
    let kb = ctx.client()?;
    let d = method("getMe");
    let v = invoke::call(ctx, &kb, d, Map::new()).await?;
    Ok(Outcome::Value(v, Some(ReturnKind::Model)))
}

/// Runs a special command.
pub async fn run(ctx: &Ctx, resource: &str, sub: &str, m: &ArgMatches) -> Result<Outcome, Failure> {
    let orchestration = match resource {
        "portfolios" => crate::portfolio_cmd::run(ctx, sub, m).await,
        "milestones" => crate::milestone_cmd::run(ctx, sub, m).await,
        _ => None,
    };
    if let Some(done) = orchestration {
        return done;
    }
    match (resource, sub) {
        ("application", "roles") => {
            let kb = ctx.client()?;
            let mut rows = Vec::new();
            for (scope, rpc) in [
                ("application", "getApplicationRoles"),
                ("project", "getProjectRoles"),
            ] {
                let v = invoke::call(ctx, &kb, method(rpc), Map::new()).await?;
                if let Value::Object(roles) = v {
                    for (id, label) in roles {
                        rows.push(json!({"scope": scope, "role_id": id, "label": label}));
                    }
                }
            }
            Ok(Outcome::Value(Value::Array(rows), Some(ReturnKind::List)))
        }
        ("project_files" | "task_files", "download") => {
            let (info, get) = if resource == "project_files" {
                ("getProjectFile", "downloadProjectFile")
            } else {
                ("getTaskFile", "downloadTaskFile")
            };
            let mut params = Map::new();
            for id in ["project_id", "file_id"] {
                if let Ok(Some(v)) = m.try_get_one::<i64>(id) {
                    params.insert(id.into(), Value::from(*v));
                }
            }
            let kb = ctx.client()?;
            let dest = match m.get_one::<String>("output") {
                Some(p) => p.clone(),
                None => {
                    let meta = invoke::call(ctx, &kb, method(info), params.clone()).await?;
                    let name = meta.get("name").and_then(Value::as_str).unwrap_or_default();
                    // Only the base name: a server-side name must not write outside the directory.
                    std::path::Path::new(name)
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .filter(|n| !n.is_empty())
                        .ok_or_else(|| {
                            Failure::new(
                                Exit::Server,
                                format!("{info}: the file has no usable name"),
                            )
                            .hint("give --output PATH")
                        })?
                }
            };
            let content = invoke::call(ctx, &kb, method(get), params.clone()).await?;
            let bytes = match content {
                Value::String(b64) => base64::engine::general_purpose::STANDARD
                    .decode(b64.trim())
                    .map_err(|e| {
                        Failure::new(Exit::Server, format!("{get}: content is not base64: {e}"))
                    })?,
                other => {
                    return Err(Failure::new(
                        Exit::Server,
                        format!("{get}: content is not base64 text but {other}"),
                    ));
                }
            };
            std::fs::write(&dest, &bytes).map_err(|e| {
                Failure::other(format!("cannot write {dest}: {e}"))
                    .hint("give --output with a writable path")
            })?;
            let file_id = params.get("file_id").cloned().unwrap_or_default();
            Ok(Outcome::Done(format!(
                "File #{file_id} downloaded to '{dest}' ({} bytes).",
                bytes.len()
            )))
        }
        _ => Err(Failure::usage(format!("unknown command `{sub}`"))),
    }
}
