//! kanboard-cli's `portfolio` commands: portfolios kept in the local store file or by the
//! server's plugin, and the analyses computed from the server's tasks and links. By job: `mod`
//! defines the commands and dispatches them, `membership` creates, lists, shows and changes
//! portfolios, `analysis` reads tasks and links (tasks, dependencies, blocked, critical path),
//! `sync` writes the portfolio's metadata to the server.

mod analysis;
mod membership;
mod sync;

use analysis::{blocked, critical_path, dependencies, tasks};
use membership::{add_project, create, list, remove, remove_project, show};
use sync::sync;

use crate::ctx::Ctx;
use crate::failure::Failure;
use crate::node::{Handler, Node, run_subcommand};
use crate::output::Outcome;
use clap::{Arg, ArgAction, ArgMatches, Command};

pub fn name_arg() -> Arg {
    Arg::new("name")
        .value_name("NAME")
        .required(true)
        .help("Portfolio name (case-sensitive)")
}

pub fn int_arg(id: &'static str, help: &'static str) -> Arg {
    Arg::new(id)
        .value_name(id.to_uppercase())
        .required(true)
        .value_parser(clap::value_parser!(i64))
        .help(help)
}

fn cmd(name: &'static str, about: &str) -> Command {
    Command::new(name).about(format!("{about} [kanboard-cli's `portfolio {name}`]"))
}

fn cross_arg() -> Arg {
    Arg::new("cross-project-only")
        .long("cross-project-only")
        .action(ArgAction::SetTrue)
        .help("Only links between tasks of different projects")
}

/// Where portfolios and milestones live, for the groups' long help.
pub const ORCHESTRATION: &str = "\
kanboard-cli's portfolio and milestone commands (list, show, create, remove, add-project, tasks,
dependencies, critical-path, migrate, ...) keep portfolios in the local store
~/.config/kanboard/portfolios.json (the file kanboard-cli uses) or, with --portfolio-backend remote
(KANBOARD_PORTFOLIO_BACKEND, `portfolio_backend` in the profile), in the server's Portfolio plugin.
Tasks, links and progress always come from the server.";

/// kanboard-cli's `portfolio` group: the orchestration commands over the configured backend.
pub fn node() -> Node {
    let group = Command::new("portfolio")
        .about("Portfolios: kanboard-cli's commands, over the local store or the server plugin (see --portfolio-backend)")
        .long_about(ORCHESTRATION)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommands(commands());
    Node::leaf(
        group,
        Handler::Fn(|ctx, m| {
            Box::pin(run_subcommand("portfolio", m, move |sub, sm| {
                run(ctx, sub, sm)
            }))
        }),
    )
}

fn commands() -> Vec<Command> {
    vec![
        cmd("list", "List the portfolios of the configured backend"),
        cmd("show", "A portfolio's summary and milestone progress").arg(name_arg()),
        cmd("create", "Create a portfolio").arg(name_arg()).arg(
            Arg::new("description")
                .long("description")
                .short('d')
                .value_name("TEXT")
                .default_value("")
                .help("Description"),
        ),
        cmd("remove", "Remove a portfolio (its projects and tasks stay)")
            .arg(name_arg())
            .arg(crate::prompt::yes_arg()),
        cmd("add-project", "Add a project to a portfolio (checked on the server when one is configured)")
            .arg(name_arg())
            .arg(int_arg("project_id", "Project id")),
        cmd("remove-project", "Take a project out of a portfolio")
            .arg(name_arg())
            .arg(int_arg("project_id", "Project id"))
            .arg(crate::prompt::yes_arg()),
        cmd("tasks", "Tasks of the portfolio's projects")
            .arg(name_arg())
            .arg(
                Arg::new("status")
                    .long("status")
                    .value_name("STATUS")
                    .value_parser(["active", "closed", "all"])
                    .ignore_case(true)
                    .default_value("active")
                    .help("Open tasks, closed ones, or both"),
            )
            .arg(
                Arg::new("project")
                    .long("project")
                    .value_name("PROJECT_ID")
                    .value_parser(clap::value_parser!(i64))
                    .help("Only this project's tasks"),
            )
            .arg(
                Arg::new("assignee")
                    .long("assignee")
                    .value_name("USER_ID")
                    .value_parser(clap::value_parser!(i64))
                    .help("Only tasks assigned to this user"),
            ),
        cmd("sync", "Write kanboard-cli's portfolio and milestone metadata keys on the projects and tasks, and remove the stale ones")
            .arg(name_arg()),
        cmd("dependencies", "Blocking links between the portfolio's open tasks")
            .arg(name_arg())
            .arg(cross_arg())
            .arg(
                Arg::new("format")
                    .long("format")
                    .value_name("FORMAT")
                    .value_parser(["graph", "table", "json", "dot", "mermaid"])
                    .ignore_case(true)
                    .help("graph (text, the default with -o table), table (rows in the -o format, the default otherwise), json (nodes and edges), dot (Graphviz), mermaid; the critical path is drawn in red"),
            ),
        cmd("blocked", "Open tasks held by an open blocker")
            .arg(name_arg())
            .arg(cross_arg()),
        cmd("blocking", "Open tasks holding other tasks")
            .arg(name_arg())
            .arg(cross_arg()),
        cmd("critical-path", "The longest chain of open blocking links")
            .arg(name_arg())
            .arg(
                Arg::new("format")
                    .long("format")
                    .value_name("FORMAT")
                    .value_parser(["table", "json", "dot", "mermaid"])
                    .ignore_case(true)
                    .help("table (the -o format, the default), json, dot (Graphviz) or mermaid (the chain alone)"),
            ),
        crate::migrate_cmd::command(),
    ]
}

fn name(m: &ArgMatches) -> String {
    m.try_get_one::<String>("name")
        .ok()
        .flatten()
        .cloned()
        .unwrap_or_default()
}

fn id(m: &ArgMatches, arg: &str) -> i64 {
    m.try_get_one::<i64>(arg)
        .ok()
        .flatten()
        .copied()
        .unwrap_or_default()
}

/// Runs a `portfolio` command; `None` when `sub` is not one of them.
async fn run(ctx: &Ctx, sub: &str, m: &ArgMatches) -> Option<Result<Outcome, Failure>> {
    Some(match sub {
        "list" => list(ctx).await,
        "show" => show(ctx, &name(m)).await,
        "create" => {
            let desc = m
                .get_one::<String>("description")
                .cloned()
                .unwrap_or_default();
            create(ctx, &name(m), &desc).await
        }
        "remove" => remove(ctx, &name(m), m).await,
        "add-project" => add_project(ctx, &name(m), id(m, "project_id")).await,
        "remove-project" => remove_project(ctx, &name(m), id(m, "project_id"), m).await,
        "tasks" => tasks(ctx, &name(m), m).await,
        "sync" => sync(ctx, &name(m)).await,
        "dependencies" => dependencies(ctx, &name(m), m).await,
        "blocked" | "blocking" => blocked(ctx, &name(m), sub == "blocked", m).await,
        "critical-path" => critical_path(ctx, &name(m), m).await,
        "migrate" => crate::migrate_cmd::run(ctx, m).await,
        _ => return None,
    })
}
