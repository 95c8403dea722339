//! The few kanboard-cli commands that are more than one call: `me` on its own, `app roles`
//! (two role lists in one table) and the file downloads (which write the file to disk).

use crate::ctx::Ctx;
use crate::failure::{Exit, Failure};
use crate::invoke;
use crate::node::{Done, Handler, Node};
use crate::output::Outcome;
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
        "Download a file to disk, or to standard output with --output - [calls `{rpc}`]"
    ));
    for (id, help) in ids {
        c = c.arg(int_arg(id, help));
    }
    c.arg(
        Arg::new("output")
            .long("output")
            .value_name("PATH")
            .help("Where to write it, - for standard output (default: the file's own name, in the current directory)"),
    )
}

/// The hand-written commands of kanboard-cli's group `alias`.
pub fn nodes(alias: &str) -> Vec<Node> {
    match alias {
        "app" => vec![Node::leaf(
            Command::new("roles").about(
                "Application and project roles in one table [kanboard-cli's `app roles`; calls `getApplicationRoles` and `getProjectRoles`]",
            ),
            Handler::Fn(|ctx, _| Box::pin(roles(ctx))),
        )],
        "project-file" => vec![Node::leaf(
            download(
                "download",
                &[("project_id", "Project id"), ("file_id", "File id")],
                "downloadProjectFile",
            ),
            Handler::Fn(|ctx, m| Box::pin(download_project_file(ctx, m))),
        )],
        "task-file" => vec![Node::leaf(
            download("download", &[("file_id", "File id")], "downloadTaskFile"),
            Handler::Fn(|ctx, m| Box::pin(download_task_file(ctx, m))),
        )],
        _ => Vec::new(),
    }
}

/// `kanboard me` alone shows the logged-in user, as in kanboard-cli.
pub fn me_alone() -> Handler {
    Handler::Fn(|ctx, _| {
        Box::pin(async move {
            let kb = ctx.client()?;
            let v = invoke::call(ctx, &kb, method("getMe"), Map::new()).await?;
            Ok(Some(Outcome::Value(v, Some(ReturnKind::Model))))
        })
    })
}

async fn roles(ctx: &Ctx) -> Done {
    let kb = ctx.client()?;
    let app = kb.application();
    let mut rows = Vec::new();
    let scopes = [
        ("application", app.get_application_roles().send().await),
        ("project", app.get_project_roles().send().await),
    ];
    for (scope, roles) in scopes {
        for (id, label) in roles.map_err(|e| ctx.fail(e))? {
            rows.push(json!({"scope": scope, "role_id": id, "label": label}));
        }
    }
    Ok(Some(Outcome::Value(
        Value::Array(rows),
        Some(ReturnKind::List),
    )))
}

fn id(m: &ArgMatches, name: &str) -> i64 {
    m.get_one::<i64>(name).copied().unwrap_or_default()
}

async fn download_project_file(ctx: &Ctx, m: &ArgMatches) -> Done {
    let kb = ctx.client()?;
    let files = kb.project_files();
    let (project_id, file_id) = (id(m, "project_id"), id(m, "file_id"));
    let dest = match m.get_one::<String>("output") {
        Some(p) => p.clone(),
        None => {
            let info = files.get_project_file(project_id, file_id).send().await;
            local_name("getProjectFile", &info.map_err(|e| ctx.fail(e))?.name)?
        }
    };
    let content = files
        .download_project_file(project_id, file_id)
        .send()
        .await;
    save(&dest, file_id, &content.map_err(|e| ctx.fail(e))?)
}

async fn download_task_file(ctx: &Ctx, m: &ArgMatches) -> Done {
    let kb = ctx.client()?;
    let files = kb.task_files();
    let file_id = id(m, "file_id");
    let dest = match m.get_one::<String>("output") {
        Some(p) => p.clone(),
        None => {
            let info = files.get_task_file(file_id).send().await;
            local_name("getTaskFile", &info.map_err(|e| ctx.fail(e))?.name)?
        }
    };
    let content = files.download_task_file(file_id).send().await;
    save(&dest, file_id, &content.map_err(|e| ctx.fail(e))?)
}

/// Only the base name of a server-side name: it must not write outside the directory.
fn local_name(method: &str, name: &str) -> Result<String, Failure> {
    std::path::Path::new(name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| {
            Failure::new(
                Exit::Server,
                format!("{method}: the file has no usable name"),
            )
            .hint("give --output PATH")
        })
}

fn save(dest: &str, file_id: i64, bytes: &[u8]) -> Done {
    if dest == "-" {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        return match out.write_all(bytes).and_then(|()| out.flush()) {
            // A reader that stops early (`| head -c 10`) is not an error.
            Ok(()) => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(None),
            Err(e) => Err(Failure::other(format!("cannot write the output: {e}"))),
        };
    }
    std::fs::write(dest, bytes).map_err(|e| {
        Failure::other(format!("cannot write {dest}: {e}"))
            .hint("give --output with a writable path")
    })?;
    Ok(Some(Outcome::Done(format!(
        "File #{file_id} downloaded to '{dest}' ({} bytes).",
        bytes.len()
    ))))
}
