//! The command tree generated at run time from the schema's descriptor table:
//! `kanboard <resource> <method> ARGS`, one group per resource and one command per method, with
//! required parameters as positionals and optional ones as `--flags`. A new schema entry
//! appears here with no code.

use crate::failure::Failure;
use crate::output::Outcome;
use crate::params::{self, Placement, Shape};
use clap::{Arg, ArgAction, ArgMatches, Command};
use kanboard::api::descriptors::{METHODS, RESOURCES};
use kanboard::descriptor::{MethodDescriptor, ReturnKind};
use serde_json::Value;

pub fn kebab(s: &str) -> String {
    s.replace('_', "-")
}

/// The command name of a method: `create_task` → `create-task`.
pub fn method_name(d: &MethodDescriptor) -> String {
    kebab(d.rust_name)
}

/// Whether calling the method deletes something, so it asks first.
pub fn is_removal(d: &MethodDescriptor) -> bool {
    d.rust_name.starts_with("remove")
}

pub fn yes_arg() -> Arg {
    Arg::new("yes")
        .long("yes")
        .short('y')
        .action(ArgAction::SetTrue)
        .help("Do not ask for confirmation")
}

/// Asks before a removal unless `--yes` was given.
pub fn confirm_removal(m: &ArgMatches, question: &str) -> Result<(), Failure> {
    if m.get_flag("yes") {
        return Ok(());
    }
    if crate::prompt::confirm(&format!("{question} This cannot be undone."))? {
        Ok(())
    } else {
        Err(Failure::other("cancelled: nothing was removed")
            .hint("pass --yes to skip the question"))
    }
}

/// How each parameter of a method is placed: required ones positional (a list only when it is
/// the last one), the rest, secrets and maps as options.
pub fn placements(d: &MethodDescriptor) -> Vec<Placement> {
    let positional = |i: usize| {
        let p = &d.params[i];
        match params::shape(p.ty) {
            Shape::One(params::Kind::Secret) | Shape::Map => false,
            Shape::List(_) => {
                // Only the last positional may take many values.
                d.params[i + 1..].iter().all(|q| !q.required)
            }
            Shape::One(_) => true,
        }
    };
    (0..d.params.len())
        .map(|i| {
            let p = &d.params[i];
            if p.required && positional(i) {
                Placement::Positional
            } else {
                let secret = matches!(params::shape(p.ty), Shape::One(params::Kind::Secret));
                Placement::Option {
                    required: p.required && !secret,
                }
            }
        })
        .collect()
}

/// The command of one method.
pub fn method_command(d: &'static MethodDescriptor) -> Command {
    let mut long = format!("{}\n\nCalls `{}`", d.summary, d.rpc_name);
    long.push_str(&match d.returns.kind {
        ReturnKind::NewId => "; prints the new id.".to_owned(),
        ReturnKind::Success => "; prints a confirmation.".to_owned(),
        _ => format!("; returns {}.", d.returns.ty),
    });
    if d.user_only {
        long.push_str(
            "\nNeeds a user login: --auth-mode user with --username and --password (or a personal access token).",
        );
    }
    if let Some(p) = d.plugin {
        long.push_str(&format!("\nProvided by the server plugin `{p}`."));
    }
    for dev in d.deviations {
        long.push_str(&format!(
            "\nNote{}: {}",
            dev.param.map(|p| format!(" on `{p}`")).unwrap_or_default(),
            dev.reason
        ));
    }
    let mut cmd = Command::new(method_name(d))
        .about(d.summary)
        .long_about(long);
    for (p, place) in d.params.iter().zip(placements(d)) {
        cmd = cmd.arg(params::arg(p.name, &kebab(p.name), p, place));
    }
    if is_removal(d) {
        cmd = cmd.arg(yes_arg());
    }
    cmd
}

/// One group per resource, each with its methods, then kanboard-cli's commands for that group.
pub fn resource_commands() -> Vec<Command> {
    RESOURCES
        .iter()
        .map(|r| {
            let mut about = first_sentence(r.summary);
            if let Some(p) = r.plugin {
                about.push_str(&format!(" (server plugin `{p}`)"));
            }
            let mut group = Command::new(kebab(r.name))
                .about(about)
                .long_about(r.summary)
                .subcommand_required(r.name != "me")
                .arg_required_else_help(r.name != "me");
            for d in METHODS.iter().filter(|d| d.resource == r.name) {
                group = group.subcommand(method_command(d));
            }
            crate::app::extend_group(r.name, group)
        })
        .collect()
}

/// Up to the first full stop: group lists stay one line each; `--help` of the group has more.
fn first_sentence(s: &str) -> String {
    match s.find(". ") {
        Some(i) => s[..=i].to_owned(),
        None => s.to_owned(),
    }
}

/// The method a `<resource> <method>` pair names.
pub fn find(group: &str, sub: &str) -> Option<&'static MethodDescriptor> {
    METHODS
        .iter()
        .copied()
        .find(|d| kebab(d.resource) == group && method_name(d) == sub)
}

/// Runs a generated command.
pub async fn run(
    ctx: &crate::app::Ctx,
    d: &'static MethodDescriptor,
    m: &ArgMatches,
) -> Result<Outcome, Failure> {
    let ids: Vec<(&str, _)> = d.params.iter().map(|p| (p.name, p)).collect();
    let params = params::collect(m, ids)?;
    if is_removal(d) {
        confirm_removal(
            m,
            &format!(
                "Call {} with {}?",
                d.rpc_name,
                crate::invoke::describe(&params)
            ),
        )?;
    }
    let kb = ctx.client()?;
    let shown = crate::invoke::describe(&params);
    let value = crate::invoke::call(ctx, &kb, d, params).await?;
    Ok(match d.returns.kind {
        ReturnKind::NewId => {
            let id = value.as_i64().unwrap_or_default();
            Outcome::Created(id, format!("{}: created #{id}", d.rpc_name))
        }
        ReturnKind::Success if value == Value::Null => {
            Outcome::Done(format!("{} {shown}: done", d.rpc_name))
        }
        kind => Outcome::Value(value, Some(kind)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_method_has_a_command() {
        for d in METHODS {
            assert_eq!(
                find(&kebab(d.resource), &method_name(d)).unwrap().rpc_name,
                d.rpc_name
            );
            method_command(d).debug_assert();
        }
    }
}
