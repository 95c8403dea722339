//! kanboard-cli's commands on the command line: the clap command of a spec, its arguments read
//! back into the method's parameters, the call, and the group nodes of the tree.

use super::spec::{ArgSpec, Params, Spec, View, specs};
use super::table::GROUPS;
use crate::ctx::Ctx;
use crate::failure::Failure;
use crate::invoke;
use crate::node::{Handler, Node, Pending, Runs};
use crate::output::{self, Outcome};
use crate::params::{self, Placement};
use clap::{Arg, ArgAction, ArgMatches, Command};
use kanboard::KanboardClient;
use kanboard::TypedValue;
use kanboard::config::OutputFormat;
use kanboard::descriptor::{MethodDescriptor, ReturnKind};
use kanboard::models::BoardSwimlane;
use serde_json::{Map, Value};

impl Spec {
    /// The clap command, named as kanboard-cli names it.
    pub fn command(&self) -> Command {
        let mut about = self.main.summary.to_owned();
        let mut also = format!(
            "kanboard-cli's `{} {}`; calls `{}`",
            self.group, self.name, self.main.rpc_name
        );
        if let Some((other, when)) = &self.alt {
            also.push_str(&format!(
                ", or `{}` with --{}",
                other.rpc_name,
                when.replace('_', "-")
            ));
        }
        about.push_str(&format!(" [{also}]"));
        let mut cmd = Command::new(self.name.clone()).about(about);
        for a in &self.args {
            for arg in self.clap_args(a) {
                cmd = cmd.arg(arg);
            }
        }
        for flag in &self.inert {
            cmd = cmd.arg(
                Arg::new(flag.clone())
                    .long(flag.clone())
                    .action(ArgAction::SetTrue)
                    .help("Accepted for kanboard-cli scripts; the listing always includes the other task's project name"),
            );
        }
        if self.remove {
            cmd = cmd.arg(crate::prompt::yes_arg());
        }
        if let Some(view) = self.view {
            cmd = cmd.after_help(view.help());
        }
        cmd
    }

    fn clap_args(&self, a: &ArgSpec) -> Vec<Arg> {
        // Every name was checked against the schema when the table was parsed.
        let param = |name: &str| self.param(name);
        match a {
            ArgSpec::Pos { id, param: p, rest } => {
                let Some(desc) = param(p) else {
                    return Vec::new();
                };
                let mut arg = params::arg(id, id, desc, Placement::Positional);
                if !rest {
                    arg = arg.required(true);
                }
                vec![arg]
            }
            ArgSpec::Opt {
                long,
                short,
                param: None,
                ..
            } => {
                let mut arg = Arg::new(long.replace('-', "_"))
                    .long(long.clone())
                    .action(ArgAction::SetTrue);
                if let Some((other, _)) = &self.alt {
                    arg = arg.help(format!("Call `{}` instead", other.rpc_name));
                }
                if let Some(s) = short {
                    arg = arg.short(*s);
                }
                vec![arg]
            }
            ArgSpec::Opt {
                long,
                short,
                param: Some(p),
                required,
                choice,
                pairs,
            } => {
                let id = long.replace('-', "_");
                let Some(desc) = param(p) else {
                    return Vec::new();
                };
                let mut arg = if let Some((values, default)) = choice {
                    let names: Vec<String> = values.iter().map(|(k, _)| k.clone()).collect();
                    Arg::new(id)
                        .long(long.clone())
                        .value_parser(clap::builder::PossibleValuesParser::new(names))
                        .default_value(default.clone())
                        .help(
                            desc.doc
                                .split(". ")
                                .next()
                                .unwrap_or_default()
                                .trim_end_matches('.')
                                .to_owned()
                                + ".",
                        )
                } else if *pairs {
                    Arg::new(id)
                        .long(long.clone())
                        .value_name("KEY=VALUE")
                        .action(ArgAction::Append)
                        .value_parser(|s: &str| {
                            s.split_once('=')
                                .filter(|(k, _)| !k.is_empty())
                                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                                .ok_or_else(|| format!("{s:?} is not KEY=VALUE"))
                        })
                        .help(format!("One entry of `{}` (repeatable)", desc.wire))
                } else {
                    params::arg(
                        &id,
                        long,
                        desc,
                        Placement::Option {
                            required: *required,
                        },
                    )
                };
                if let Some(s) = short {
                    arg = arg.short(*s);
                }
                vec![arg]
            }
            ArgSpec::MapEntry { .. } => vec![
                Arg::new("key").required(true).help("Metadata key"),
                Arg::new("value").required(true).help("Metadata value"),
            ],
            ArgSpec::Upload { id, .. } => vec![
                Arg::new(id.clone())
                    .value_name(id.to_uppercase())
                    .required(true)
                    .help("The file to upload (its name is kept)"),
            ],
        }
    }

    fn given(m: &ArgMatches, id: &str) -> bool {
        m.try_contains_id(id).unwrap_or(false)
            && m.value_source(id) == Some(clap::parser::ValueSource::CommandLine)
    }

    /// The method to call, given what was typed.
    fn method(&self, m: &ArgMatches) -> &'static MethodDescriptor {
        if let Some((other, when)) = &self.alt {
            let id = self
                .args
                .iter()
                .find_map(|a| match a {
                    ArgSpec::Opt { long, param, .. }
                        if long.replace('-', "_") == *when
                            || param.as_deref() == Some(when.as_str()) =>
                    {
                        Some(long.replace('-', "_"))
                    }
                    _ => None,
                })
                .unwrap_or_else(|| when.clone());
            let on = match m.try_get_one::<bool>(&id) {
                Ok(Some(b)) => *b,
                _ => Self::given(m, &id),
            };
            if on {
                return other;
            }
        }
        self.main
    }

    /// Builds the call's parameters and the values the success message may name.
    fn params(&self, m: &ArgMatches, desc: &MethodDescriptor) -> Result<(Params, Params), Failure> {
        let mut out = Map::new();
        let mut named = Map::new();
        let mut options_given = false;
        let in_method = |p: &str| desc.params.iter().find(|d| d.name == p);
        for a in &self.args {
            match a {
                ArgSpec::Pos { id, param, .. } => {
                    if let Some(d) = in_method(param)
                        && let Some(v) = params::value(m, id, d)?
                    {
                        named.insert(id.clone(), v.clone());
                        out.insert(d.wire.into(), v);
                    }
                }
                ArgSpec::Opt { param: None, .. } => {}
                ArgSpec::Opt {
                    long,
                    param: Some(p),
                    choice,
                    pairs,
                    ..
                } => {
                    let id = long.replace('-', "_");
                    let Some(d) = in_method(p) else { continue };
                    let v = if let Some((values, _)) = choice {
                        let picked = m.get_one::<String>(&id).expect("has a default");
                        values
                            .iter()
                            .find(|(k, _)| k == picked)
                            .map(|(_, v)| v.clone())
                    } else if *pairs {
                        m.get_many::<(String, String)>(&id).map(|kv| {
                            Value::Object(
                                kv.map(|(k, v)| (k.clone(), Value::String(v.clone())))
                                    .collect(),
                            )
                        })
                    } else {
                        params::value(m, &id, d)?
                    };
                    if let Some(v) = v {
                        options_given |= Self::given(m, &id);
                        named.insert(id, v.clone());
                        out.insert(d.wire.into(), v);
                    }
                }
                ArgSpec::MapEntry { param } => {
                    let key = m.get_one::<String>("key").expect("required").clone();
                    let value = m.get_one::<String>("value").expect("required").clone();
                    named.insert("key".into(), Value::String(key.clone()));
                    let mut map = Map::new();
                    map.insert(key, Value::String(value));
                    if let Some(d) = in_method(param) {
                        out.insert(d.wire.into(), Value::Object(map));
                    }
                }
                ArgSpec::Upload { id, blob } => {
                    let path = m.get_one::<String>(id).expect("required");
                    let filename = std::path::Path::new(path)
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .filter(|n| !n.is_empty() && path != "-")
                        .ok_or_else(|| {
                            Failure::usage(format!("{path:?} does not name a file"))
                                .hint("give the path of the file to upload")
                        })?;
                    named.insert("filename".into(), Value::String(filename.clone()));
                    out.insert("filename".into(), Value::String(filename));
                    if let Some(d) = in_method(blob) {
                        out.insert(d.wire.into(), params::upload(path)?);
                    }
                }
            }
        }
        if self.needs_option && !options_given {
            return Err(Failure::usage(format!(
                "nothing to update: `{} {}` needs at least one option",
                self.group, self.name
            ))
            .hint("see --help for the options, e.g. --title or --name"));
        }
        Ok((out, named))
    }

    /// Runs the command.
    async fn call(&self, ctx: &Ctx, m: &ArgMatches) -> Result<Outcome, Failure> {
        let desc = self.method(m);
        let (params, named) = self.params(m, desc)?;
        if self.remove {
            let question = self
                .done
                .as_deref()
                .and_then(|done| removal_question(&fill(done, &named, None)))
                .unwrap_or_else(|| {
                    format!("Call {} with {}?", desc.rpc_name, invoke::describe(&params))
                });
            crate::prompt::confirm_removal(m, &question)?;
        }
        let kb = ctx.client()?;
        let typed = invoke::send(ctx, &kb, desc, params).await?;
        let value = invoke::json(ctx, &typed)?;
        Ok(match (&self.done, desc.returns.kind) {
            (Some(done), ReturnKind::NewId) => {
                let id = value.as_i64().unwrap_or_default();
                Outcome::Created(id, fill(done, &named, Some(id)))
            }
            (Some(done), _) => Outcome::Done(fill(done, &named, None)),
            (None, kind) => match self.view {
                Some(view) if ctx.format() == OutputFormat::Table => {
                    shown(view, ctx, &kb, desc, &typed, value, kind).await?
                }
                _ => Outcome::of_method(desc, value),
            },
        })
    }
}

/// A result in table output through its view. `value` is the result's JSON form, which the
/// other formats print as it is.
async fn shown(
    view: View,
    ctx: &Ctx,
    kb: &KanboardClient,
    desc: &'static MethodDescriptor,
    typed: &TypedValue,
    value: Value,
    kind: ReturnKind,
) -> Result<Outcome, Failure> {
    Ok(match view {
        // Fields asked for by name are shown as a table of them.
        View::Board if ctx.columns.is_some() => Outcome::Value(value, Some(kind)),
        View::Board => {
            let board = typed.downcast_ref::<Vec<BoardSwimlane>>().ok_or_else(|| {
                Failure::other(format!("{} gave no board to draw", typed.method()))
            })?;
            let text = crate::board_view::draw(
                board,
                output::terminal_width(),
                &crate::board_view::Clock::local(),
            );
            Outcome::Report(text, value)
        }
        // The schema's columns, each id column shown by its name.
        View::TaskNames => {
            match Outcome::of_method(desc, crate::task_names::named(ctx, kb, value).await) {
                Outcome::Listing(v, columns) => {
                    // Where the names could not be read the ids stay, and so do their columns.
                    let first = v.as_array().and_then(|a| a.first());
                    let columns = columns
                        .into_iter()
                        .map(|c| match crate::task_names::shown_as(c) {
                            name if first.is_some_and(|t| t.get(name).is_some()) => name,
                            _ => c,
                        })
                        .collect();
                    Outcome::Listing(v, columns)
                }
                other => other,
            }
        }
    })
}

impl View {
    /// What the command's help says of its table output.
    fn help(self) -> &'static str {
        match self {
            View::Board => {
                "\
In table output (the default) the board is drawn as Kanboard shows it: the columns side by side,
each headed by its name and its open tasks (with the WIP limit as 3/2, ⚠ when over it), the
swimlanes as bands across them, each open task as #id and title with its assignee, colour and
due date (in this computer's time zone; `overdue` once past). Closed tasks are counted, not
drawn. The columns share the terminal's width (COLUMNS when set); when too narrow, they fold
into several rows of columns. -o json, csv and quiet print getBoard's result, and --columns a
table of its swimlanes."
            }
            View::TaskNames => {
                "\
In table output (the default) columns and swimlanes are shown by name (column_name,
swimlane_name) in place of their ids, read in one more request; --columns column_id or
swimlane_id shows the ids too. -o json, csv and quiet print the server's data as it is."
            }
        }
    }
}

/// The confirmation asked before a removal, from the message said after it: "Task #12
/// removed." asks "Remove task #12?", "User #3 removed from group #2." asks "Remove user #3
/// from group #2?".
pub(super) fn removal_question(done: &str) -> Option<String> {
    let (what, rest) = done.trim_end_matches('.').split_once(" removed")?;
    let mut chars = what.chars();
    let first = chars.next()?;
    Some(format!(
        "Remove {}{}{rest}?",
        first.to_lowercase(),
        chars.as_str()
    ))
}

/// Fills `{name}` and `{id}` in a message.
pub(super) fn fill(template: &str, named: &Map<String, Value>, id: Option<i64>) -> String {
    let mut s = template.to_owned();
    if let Some(id) = id {
        s = s.replace("{id}", &id.to_string());
    }
    for (k, v) in named {
        let text = match v {
            Value::String(t) => t.clone(),
            other => other.to_string(),
        };
        s = s.replace(&format!("{{{k}}}"), &text);
    }
    s
}

impl Runs for Spec {
    fn run<'a>(&'static self, ctx: &'a Ctx, m: &'a ArgMatches) -> Pending<'a> {
        Box::pin(async move { self.call(ctx, m).await.map(Some) })
    }
}

/// kanboard-cli's group `alias` with its commands, nested groups (`group member`) included.
pub fn group(alias: &str, resource: &str) -> Node {
    let about = kanboard::descriptor::ResourceDescriptor::find(resource)
        .map(|r| r.summary)
        .unwrap_or_default();
    let every = format!(
        "kanboard-cli's `{alias}` commands. Every method of `{resource}`, with the library's names: kanboard api {} --help",
        resource.replace('_', "-")
    );
    let mut group = Node::group(
        Command::new(alias.to_owned())
            .about(first_line(about))
            .after_help(every),
    );
    let mut nested: Vec<(String, Vec<&'static Spec>)> = Vec::new();
    for s in specs()
        .iter()
        .filter(|s| s.group.split(' ').next() == Some(alias))
    {
        match s.group.split_once(' ') {
            None => group = group.child(Node::leaf(s.command(), Handler::Data(s))),
            Some((_, sub)) => match nested.iter_mut().find(|(n, _)| n == sub) {
                Some((_, list)) => list.push(s),
                None => nested.push((sub.to_owned(), vec![s])),
            },
        }
    }
    for (sub, list) in nested {
        let about = format!("kanboard-cli's `{alias} {sub}` commands");
        group = group.child(
            Node::group(Command::new(sub).about(about)).children(
                list.into_iter()
                    .map(|s| Node::leaf(s.command(), Handler::Data(s))),
            ),
        );
    }
    group
}

/// kanboard-cli's groups, in its order, with the schema resource each maps to.
pub fn groups() -> &'static [(&'static str, &'static str)] {
    GROUPS
}

fn first_line(s: &str) -> String {
    match s.find(". ") {
        Some(i) => s[..=i].to_owned(),
        None => s.to_owned(),
    }
}
