//! `kanboard api <resource> <method> ARGS`: one command per schema method, generated at run
//! time from the descriptor table, with required parameters as positionals and optional ones as
//! `--flags`. A new schema entry appears here with no code. With `-o json` a command prints
//! the JSON form of the method's typed result, nothing added.

use crate::ctx::Ctx;
use crate::failure::Failure;
use crate::node::{Handler, Node, Pending, Runs};
use crate::output::Outcome;
use crate::params::{self, Placement, Shape};
use crate::prompt::{confirm_removal, yes_arg};
use clap::{ArgMatches, Command};
use kanboard::api::descriptors::{METHODS, RESOURCES};
use kanboard::config::OutputFormat;
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

/// The `api` group: one group per resource, one command per method.
pub fn node() -> Node {
    let resources = RESOURCES.iter().map(|r| {
        let mut about = first_sentence(r.summary);
        if let Some(p) = r.plugin {
            about.push_str(&format!(" (server plugin `{p}`)"));
        }
        let group = Command::new(kebab(r.name))
            .about(about)
            .long_about(r.summary);
        Node::group(group).children(
            METHODS
                .iter()
                .filter(|d| d.resource == r.name)
                .map(|d| Node::leaf(method_command(d), Handler::Data(*d))),
        )
    });
    Node::group(
        Command::new("api")
            .about("Every JSON-RPC method as `api <resource> <method>`, generated from the schema")
            .long_about(API_ABOUT),
    )
    .children(resources)
}

const API_ABOUT: &str = "\
Every JSON-RPC method of the schema, one command each: `kanboard api <resource> <method>`, named as
the library names it (`kb.tasks().create_task(..)` is `kanboard api tasks create-task`). Required
parameters are positionals in the method's order, optional ones are --flags. With -o json a
command prints the JSON form of the method's typed result and nothing else: a new id as a
number, a success as null.";

/// Up to the first full stop: group lists stay one line each; `--help` of the group has more.
fn first_sentence(s: &str) -> String {
    match s.find(". ") {
        Some(i) => s[..=i].to_owned(),
        None => s.to_owned(),
    }
}

impl Runs for MethodDescriptor {
    fn run<'a>(&'static self, ctx: &'a Ctx, m: &'a ArgMatches) -> Pending<'a> {
        Box::pin(async move { run(ctx, self, m).await.map(Some) })
    }
}

/// Runs a generated command.
async fn run(ctx: &Ctx, d: &'static MethodDescriptor, m: &ArgMatches) -> Result<Outcome, Failure> {
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
    if ctx.format() == OutputFormat::Json {
        return Ok(Outcome::Value(value, Some(d.returns.kind)));
    }
    Ok(match d.returns.kind {
        ReturnKind::NewId => {
            let id = value.as_i64().unwrap_or_default();
            Outcome::Created(id, format!("{}: created #{id}", d.rpc_name))
        }
        ReturnKind::Success if value == Value::Null => {
            Outcome::Done(format!("{} {shown}: done", d.rpc_name))
        }
        _ => Outcome::of_method(d, value),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_method_has_a_command() {
        let api = node();
        let leaves: Vec<_> = api
            .walk()
            .into_iter()
            .filter(|(_, n)| n.is_leaf())
            .collect();
        assert_eq!(leaves.len(), METHODS.len());
        for d in METHODS {
            method_command(d).debug_assert();
            assert!(
                leaves
                    .iter()
                    .any(|(p, _)| p[1] == kebab(d.resource) && p[2] == method_name(d))
            );
        }
    }
}
