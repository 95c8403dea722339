//! kanboard-cli's `portfolio migrate status | diff | local-to-remote | remote-to-local`: the local
//! store file and the server's Portfolio plugin side by side, and portfolios moved between
//! them through the backends' `import_portfolio` (everything in one go, naming what the target
//! cannot keep and what it refused; `plan_import` for a dry run). Overwriting names what the
//! replaced copy held that the incoming one does not (`overwrite_losses`).

use crate::ctx::Ctx;
use crate::failure::Failure;
use crate::orch;
use crate::output::Outcome;
use crate::progress;
use clap::{Arg, ArgAction, ArgMatches, Command};
use kanboard::config::Field;
use kanboard::orchestration::{
    AnyBackend, Error, Milestone, Portfolio, PortfolioBackend, overwrite_losses,
};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

fn name_arg() -> Arg {
    Arg::new("name")
        .value_name("NAME")
        .help("Portfolio name (or --all)")
}

fn all_arg(help: &'static str) -> Arg {
    Arg::new("all")
        .long("all")
        .action(ArgAction::SetTrue)
        .conflicts_with("name")
        .help(help)
}

fn move_command(name: &'static str, from: &str, to: &str) -> Command {
    Command::new(name)
        .about(format!(
            "Copy portfolios from the {from} to the {to}, with projects, milestones, target dates, tasks and critical flags [kanboard-cli's `portfolio migrate {name}`]"
        ))
        .arg(name_arg())
        .arg(all_arg("Every portfolio of the source"))
        .arg(
            Arg::new("dry-run")
                .long("dry-run")
                .action(ArgAction::SetTrue)
                .help(format!(
                    "Print what would be done and what the {to} could not keep; write nothing"
                )),
        )
        .arg(
            Arg::new("on-conflict")
                .long("on-conflict")
                .value_name("STRATEGY")
                .value_parser(["skip", "overwrite", "fail"])
                .ignore_case(true)
                .default_value("fail")
                .help(format!(
                    "When the {to} has a portfolio of the same name: fail, skip it, or overwrite it (asks first unless --yes)"
                )),
        )
        .arg(
            Arg::new("yes")
                .long("yes")
                .short('y')
                .action(ArgAction::SetTrue)
                .help("Do not ask before overwriting"),
        )
}

pub fn command() -> Command {
    Command::new("migrate")
        .about("Compare and copy portfolios between the local store and the server plugin [kanboard-cli's `portfolio migrate`]")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(Command::new("status").about(
            "The backend in use, and what the local store and the server plugin hold [kanboard-cli's `portfolio migrate status`]",
        ))
        .subcommand(
            Command::new("diff")
                .about("Projects, milestones and tasks of a portfolio on each side [kanboard-cli's `portfolio migrate diff`]")
                .arg(name_arg())
                .arg(all_arg("Every portfolio found on either side")),
        )
        .subcommand(move_command("local-to-remote", "local store", "server plugin"))
        .subcommand(move_command("remote-to-local", "server plugin", "local store"))
}

pub async fn run(ctx: &Ctx, m: &ArgMatches) -> Result<Outcome, Failure> {
    let Some((sub, sm)) = m.subcommand() else {
        return Err(Failure::usage("`portfolio migrate` needs a command"));
    };
    match sub {
        "status" => status(ctx).await,
        "diff" => diff(ctx, sm).await,
        "local-to-remote" => migrate(ctx, sm, true).await,
        "remote-to-local" => migrate(ctx, sm, false).await,
        other => Err(Failure::usage(format!("unknown command `{other}`"))),
    }
}

fn counts(all: &[Portfolio]) -> Value {
    let milestones: usize = all.iter().map(|p| p.milestones.len()).sum();
    let tasks: usize = all
        .iter()
        .flat_map(|p| &p.milestones)
        .map(|m| m.task_ids.len())
        .sum();
    json!({"portfolios": all.len(), "milestones": milestones, "task_assignments": tasks})
}

fn count_lines(c: &Value) -> String {
    format!(
        "  Portfolios       : {}\n  Milestones       : {}\n  Task assignments : {}\n",
        c["portfolios"], c["milestones"], c["task_assignments"]
    )
}

async fn status(ctx: &Ctx) -> Result<Outcome, Failure> {
    let kind = orch::backend_kind(ctx)?;
    let source = ctx.layers()?.get(Field::PortfolioBackend).source.clone();
    let mut text = format!(
        "Backend Configuration\n  Active backend : {kind}\n  Config source  : {source}\n\nLocal Store\n"
    );
    let store = orch::local_store(ctx)?;
    let local = match store.load() {
        Ok(all) => {
            let c = counts(&all);
            text.push_str(&format!(
                "  Path             : {}\n",
                store.path().display()
            ));
            text.push_str(&count_lines(&c));
            json!({"path": store.path(), "counts": c})
        }
        Err(e) => {
            let f = orch::fail(ctx, e);
            text.push_str(&format!(
                "  Status : ⚠ Error reading store — {}\n",
                f.message
            ));
            json!({"path": store.path(), "error": f.message})
        }
    };
    text.push_str("\nRemote (Plugin API)\n");
    let remote = match orch::optional_client(ctx)? {
        None => {
            text.push_str("  Status : Not configured (no Kanboard URL/token)\n");
            json!({"configured": false})
        }
        Some(kb) => {
            let url = kb.url().to_owned();
            let backend = kanboard::orchestration::RemotePortfolioBackend::new(kb);
            match backend.load().await {
                Ok(all) => {
                    let c = counts(&all);
                    text.push_str("  Plugin detected  : Yes\n");
                    text.push_str(&count_lines(&c));
                    json!({"configured": true, "url": url, "plugin": true, "counts": c})
                }
                Err(e @ Error::PluginMissing { .. }) => {
                    text.push_str(&format!(
                        "  Plugin detected  : No\n  Detail           : {e}\n"
                    ));
                    json!({"configured": true, "url": url, "plugin": false})
                }
                Err(e) => {
                    let f = orch::fail(ctx, e);
                    text.push_str(&format!("  Status : ⚠ Unreachable — {}\n", f.message));
                    json!({"configured": true, "url": url, "error": f.message})
                }
            }
        }
    };
    Ok(Outcome::Report(
        text,
        json!({"backend": kind.as_str(), "backend_source": source.to_string(),
               "local": local, "remote": remote}),
    ))
}

fn status_of(local: bool, remote: bool) -> &'static str {
    match (local, remote) {
        (true, true) => "both",
        (true, false) => "local only",
        (false, true) => "remote only",
        _ => "not found",
    }
}

fn row(portfolio: &str, category: &str, item: String, l: String, r: String, status: &str) -> Value {
    json!({"portfolio": portfolio, "category": category, "item": item,
           "local": l, "remote": r, "status": status})
}

fn yes(on: bool) -> String {
    if on { "yes".into() } else { "-".into() }
}

/// kanboard-cli's diff rows (portfolio, projects, milestones, tasks), plus target dates and
/// critical flags, which it does not compare: `differs` when both sides have the item but not
/// the same way.
pub fn diff_rows(name: &str, local: Option<&Portfolio>, remote: Option<&Portfolio>) -> Vec<Value> {
    let mut rows = vec![row(
        name,
        "portfolio",
        name.into(),
        yes(local.is_some()),
        yes(remote.is_some()),
        status_of(local.is_some(), remote.is_some()),
    )];
    let projects = |p: Option<&Portfolio>| -> BTreeSet<i64> {
        p.map(|p| p.project_ids.iter().copied().collect())
            .unwrap_or_default()
    };
    let (lp, rp) = (projects(local), projects(remote));
    for id in lp.union(&rp) {
        let (l, r) = (lp.contains(id), rp.contains(id));
        rows.push(row(
            name,
            "project",
            format!("#{id}"),
            yes(l),
            yes(r),
            status_of(l, r),
        ));
    }
    let milestones = |p: Option<&Portfolio>| -> BTreeMap<String, Milestone> {
        p.map(|p| {
            p.milestones
                .iter()
                .map(|m| (m.name.clone(), m.clone()))
                .collect()
        })
        .unwrap_or_default()
    };
    let (lm, rm) = (milestones(local), milestones(remote));
    let names: BTreeSet<&String> = lm.keys().chain(rm.keys()).collect();
    for ms in names {
        let (l, r) = (lm.get(ms), rm.get(ms));
        rows.push(row(
            name,
            "milestone",
            ms.clone(),
            yes(l.is_some()),
            yes(r.is_some()),
            status_of(l.is_some(), r.is_some()),
        ));
        if let (Some(l), Some(r)) = (l, r) {
            let day = |m: &Milestone| {
                m.target_date
                    .map(|d| d.date().to_string())
                    .unwrap_or_else(|| "-".into())
            };
            if day(l) != day(r) {
                rows.push(row(
                    name,
                    "target_date",
                    ms.clone(),
                    day(l),
                    day(r),
                    "differs",
                ));
            }
        }
        let task_mark = |m: Option<&Milestone>, t: i64| match m {
            Some(m) if m.critical_task_ids.contains(&t) => "critical".to_owned(),
            Some(m) if m.task_ids.contains(&t) => "yes".to_owned(),
            _ => "-".to_owned(),
        };
        let tasks: BTreeSet<i64> = l
            .iter()
            .chain(r.iter())
            .flat_map(|m| m.task_ids.iter().copied())
            .collect();
        for t in tasks {
            let (a, b) = (task_mark(l, t), task_mark(r, t));
            let status = match (a.as_str(), b.as_str()) {
                ("-", _) | (_, "-") => status_of(a != "-", b != "-"),
                (x, y) if x != y => "differs",
                _ => "both",
            };
            rows.push(row(name, "task", format!("#{t} ({ms})"), a, b, status));
        }
    }
    rows
}

async fn diff(ctx: &Ctx, m: &ArgMatches) -> Result<Outcome, Failure> {
    let all = m.get_flag("all");
    let name = m.get_one::<String>("name").cloned();
    if !all && name.is_none() {
        return Err(Failure::usage(
            "give a portfolio NAME, or --all to compare every portfolio",
        ));
    }
    let local = orch::local_store(ctx)?
        .load()
        .map_err(|e| orch::fail(ctx, e))?;
    let remote = orch::remote(ctx)?
        .load()
        .await
        .map_err(|e| orch::fail(ctx, e))?;
    let find = |v: &[Portfolio], n: &str| v.iter().find(|p| p.name == n).cloned();
    let names: Vec<String> = match name {
        Some(n) => vec![n],
        None => local
            .iter()
            .chain(&remote)
            .map(|p| p.name.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
    };
    let rows: Vec<Value> = names
        .iter()
        .flat_map(|n| diff_rows(n, find(&local, n).as_ref(), find(&remote, n).as_ref()))
        .collect();
    Ok(Outcome::Listing(
        Value::Array(rows),
        vec!["portfolio", "category", "item", "local", "remote", "status"],
    ))
}

/// What happened to one portfolio.
struct Moved {
    name: String,
    status: &'static str,
    steps: Vec<String>,
    /// What the target does not keep: fields it cannot hold, and what an overwrite drops.
    warnings: Vec<String>,
    /// What the target refused (or would refuse, in a dry run): the copy is incomplete.
    refused: Vec<String>,
    /// The closing line, printed after the warnings and refusals (the last step in JSON).
    end: Option<String>,
    error: Option<String>,
}

/// Where a migration reads and writes, as the text names them.
struct Sides {
    /// Where the target is: "on the server".
    target: &'static str,
    /// The incoming copy: "the local copy".
    incoming: &'static str,
}

/// The steps a copy takes, as kanboard-cli prints them.
fn plan(p: &Portfolio) -> Vec<String> {
    let mut steps = vec![format!("Creating portfolio '{}'...", p.name)];
    for id in &p.project_ids {
        steps.push(format!("  Adding project #{id}..."));
    }
    for m in &p.milestones {
        let target = m
            .target_date
            .map(|d| format!(" (target: {})", d.date()))
            .unwrap_or_default();
        steps.push(format!("  Creating milestone '{}'{target}...", m.name));
        for t in &m.task_ids {
            let critical = if m.critical_task_ids.contains(t) {
                " (critical)"
            } else {
                ""
            };
            steps.push(format!(
                "    Adding task #{t}{critical} to milestone '{}'...",
                m.name
            ));
        }
    }
    steps
}

async fn move_one(
    ctx: &Ctx,
    p: &Portfolio,
    target: &AnyBackend,
    sides: &Sides,
    dry_run: bool,
    on_conflict: &str,
) -> Result<Moved, Failure> {
    let where_ = sides.target;
    let mut moved = Moved {
        name: p.name.clone(),
        status: if dry_run { "planned" } else { "migrated" },
        steps: Vec::new(),
        warnings: Vec::new(),
        refused: Vec::new(),
        end: None,
        error: None,
    };
    let existing = match target.get_portfolio(&p.name).await {
        Ok(e) => Some(e),
        Err(Error::PortfolioNotFound { .. }) => None,
        Err(e) => return Err(orch::fail(ctx, e)),
    };
    if let Some(existing) = existing {
        match on_conflict {
            "skip" => {
                moved.status = "skipped";
                moved.steps.push(format!(
                    "Portfolio '{}' already exists {where_} — skipping.",
                    p.name
                ));
                return Ok(moved);
            }
            "overwrite" => {
                moved.steps.push(format!(
                    "Removing existing portfolio '{}' {where_}...",
                    p.name
                ));
                moved
                    .warnings
                    .extend(overwrite_losses(&existing, p, sides.incoming));
                if !dry_run {
                    target
                        .remove_portfolio(&p.name)
                        .await
                        .map_err(|e| orch::fail(ctx, e))?;
                }
            }
            _ => {
                return Err(Failure::other(format!(
                    "portfolio '{}' already exists {where_}",
                    p.name
                ))
                .hint("use --on-conflict skip or --on-conflict overwrite"));
            }
        }
    }
    moved.steps.extend(plan(p));
    if dry_run {
        let planned = target
            .plan_import(p)
            .await
            .map_err(|e| orch::fail(ctx, e))?;
        moved.warnings.extend(planned.warnings);
        moved.refused = planned.refused;
    } else {
        let imported = target
            .import_portfolio(p)
            .await
            .map_err(|e| orch::fail(ctx, e))?;
        moved.warnings.extend(imported.warnings);
        moved.refused = imported.refused;
    }
    let n = moved.refused.len();
    moved.end = Some(match (n, dry_run) {
        (0, _) => format!("Portfolio '{}' migrated successfully.", p.name),
        (_, true) => format!(
            "Portfolio '{}' would be migrated without {n} item{} refused {where_}.",
            p.name,
            plural(n)
        ),
        (_, false) => format!(
            "Portfolio '{}' migrated without {n} item{} refused {where_}.",
            p.name,
            plural(n)
        ),
    });
    if n > 0 {
        moved.status = "incomplete";
    }
    Ok(moved)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

async fn migrate(ctx: &Ctx, m: &ArgMatches, to_remote: bool) -> Result<Outcome, Failure> {
    let all = m.get_flag("all");
    let name = m.get_one::<String>("name").cloned();
    let dry_run = m.get_flag("dry-run");
    let on_conflict = m
        .get_one::<String>("on-conflict")
        .map(|s| s.to_ascii_lowercase())
        .unwrap_or_else(|| "fail".into());
    if !all && name.is_none() {
        return Err(Failure::usage(
            "give a portfolio NAME, or --all to migrate every portfolio",
        ));
    }
    let sides = if to_remote {
        Sides {
            target: "on the server",
            incoming: "the local copy",
        }
    } else {
        Sides {
            target: "in the local store",
            incoming: "the server's copy",
        }
    };
    let where_ = sides.target;
    if on_conflict == "overwrite" && !dry_run && !m.get_flag("yes") {
        let q = format!(
            "Overwrite removes and recreates portfolios of the same name {where_}. Continue?"
        );
        if !crate::prompt::confirm(&q)? {
            return Err(Failure::other("cancelled: nothing was migrated")
                .hint("pass --yes to skip the question"));
        }
    }
    let local = AnyBackend::Local(orch::local_store(ctx)?);
    let remote = AnyBackend::Remote(orch::remote(ctx)?);
    let (source, target) = if to_remote {
        (&local, &remote)
    } else {
        (&remote, &local)
    };
    let portfolios = match &name {
        Some(n) => vec![
            source
                .get_portfolio(n)
                .await
                .map_err(|e| orch::fail(ctx, e))?,
        ],
        None => source.load().await.map_err(|e| orch::fail(ctx, e))?,
    };
    let prefix = if dry_run { "[dry-run] " } else { "" };
    if portfolios.is_empty() {
        return Ok(Outcome::Report(
            "No portfolios to migrate.\n".into(),
            Value::Array(Vec::new()),
        ));
    }
    let bar = progress::bar(portfolios.len() as u64, "migrate");
    let mut done = Vec::new();
    for p in &portfolios {
        bar.set_message(format!(
            "migrate '{}'",
            crate::terminal_text::one_line(&p.name)
        ));
        match move_one(ctx, p, target, &sides, dry_run, &on_conflict).await {
            Ok(moved) => done.push(moved),
            Err(f) if !all => {
                bar.finish_and_clear();
                return Err(f);
            }
            Err(f) => done.push(Moved {
                name: p.name.clone(),
                status: "failed",
                steps: Vec::new(),
                warnings: Vec::new(),
                refused: Vec::new(),
                end: None,
                error: Some(f.line().trim_start_matches("error: ").to_owned()),
            }),
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let mut text = String::new();
    let refused_label = if dry_run {
        "would be refused"
    } else {
        "refused"
    };
    for d in &done {
        for s in &d.steps {
            text.push_str(&format!("{prefix}{s}\n"));
        }
        for w in &d.warnings {
            text.push_str(&format!("{prefix}  ⚠ not kept {where_}: {w}\n"));
        }
        for r in &d.refused {
            text.push_str(&format!("{prefix}  ✗ {refused_label} {where_}: {r}\n"));
        }
        if let Some(end) = &d.end {
            text.push_str(&format!("{prefix}{end}\n"));
        }
        if let Some(e) = &d.error {
            text.push_str(&format!("  ✗ Error migrating '{}': {e}\n", d.name));
        }
    }
    let migrated = done
        .iter()
        .filter(|d| d.status == "migrated" || d.status == "planned")
        .count();
    // A portfolio the target took only in part counts as failed, as kanboard-cli's summary
    // counts portfolios whose migration raised.
    let failed = done
        .iter()
        .filter(|d| d.status == "failed" || d.status == "incomplete")
        .count();
    text.push_str(&format!(
        "\n{prefix}Migrated {migrated} portfolio{} ({failed} failed).\n",
        plural(migrated)
    ));
    let data = Value::Array(
        done.iter()
            .map(|d| {
                let steps: Vec<&String> = d.steps.iter().chain(&d.end).collect();
                json!({"portfolio": d.name, "status": d.status, "dry_run": dry_run,
                       "steps": steps, "warnings": d.warnings, "refused": d.refused,
                       "error": d.error})
            })
            .collect(),
    );
    let outcome = Outcome::Report(text, data);
    if failed > 0 {
        crate::output::print(&ctx.style(), &outcome)
            .map_err(|e| Failure::other(format!("cannot write the output: {e}")))?;
        let incomplete: Vec<String> = done
            .iter()
            .filter(|d| d.status == "incomplete")
            .map(|d| {
                let n = d.refused.len();
                format!("'{}' ({n} item{} {refused_label})", d.name, plural(n))
            })
            .collect();
        let detail = if incomplete.is_empty() {
            String::new()
        } else {
            format!(": {}; the items are listed above", incomplete.join(", "))
        };
        let verb = if dry_run { "would fail" } else { "failed" };
        return Err(Failure::other(format!(
            "{failed} of {} portfolio{} {verb} to migrate{detail}",
            done.len(),
            plural(done.len())
        )));
    }
    Ok(outcome)
}
