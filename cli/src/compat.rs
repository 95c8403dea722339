//! kanboard-cli's command names and arguments (`kanboard task create 1 "Title" --due ...`), so
//! its users' scripts keep working. Each command is one line of the table below, mapped onto a
//! schema method; argument types and help come from that method's descriptor, and the call goes
//! through the same code as the generated commands.
//!
//! Line format: `group | name | method[/other@arg] | arguments | message on success`
//! - `method/other@arg`: call `other` instead when `arg` is given (`task overdue --project-id`).
//! - `<p>` a positional for parameter `p`; `<shown:p>` under another name; `<p...>` takes the rest.
//! - `--long` an option for the parameter of the same name (dashes to underscores);
//!   `--long:p` for parameter `p`; `-x/--long` with a short flag; a trailing `!` makes it required.
//! - `--long:p{a=1,b=0}=a` a choice sent as the mapped value, with a default.
//! - `--long?` a switch that only selects the other method.
//! - `--long:p[kv]` repeatable `KEY=VALUE` pairs sent as one JSON object.
//! - `<key> <value> {p}` two positionals sent as the one-entry map `p`.
//! - `<path:@blob>` a file: its content as `blob`, its base name as `filename`.
//! - `+remove` asks for confirmation unless `--yes`; `+one` needs at least one option;
//!   `+inert:--flag` accepts a kanboard-cli switch that changes nothing here (documented).
//! - `{p}` in the message is an argument's value, `{id}` the new id.

use crate::failure::Failure;
use crate::invoke;
use crate::output::Outcome;
use crate::params::{self, Placement};
use clap::{Arg, ArgAction, ArgMatches, Command};
use kanboard::descriptor::{MethodDescriptor, ParamDescriptor, ReturnKind};
use serde_json::{Map, Value};

/// kanboard-cli's group names and the schema resource each maps to.
pub const GROUPS: &[(&str, &str)] = &[
    ("action", "actions"),
    ("app", "application"),
    ("board", "board"),
    ("category", "categories"),
    ("column", "columns"),
    ("comment", "comments"),
    ("external-link", "external_task_links"),
    ("group", "groups"),
    ("link", "links"),
    ("me", "me"),
    ("milestone", "milestones"),
    ("portfolio", "portfolios"),
    ("project", "projects"),
    ("project-access", "project_permissions"),
    ("project-file", "project_files"),
    ("project-meta", "project_metadata"),
    ("subtask", "subtasks"),
    ("swimlane", "swimlanes"),
    ("tag", "tags"),
    ("task", "tasks"),
    ("task-file", "task_files"),
    ("task-link", "task_links"),
    ("task-meta", "task_metadata"),
    ("timer", "subtask_time_tracking"),
    ("user", "users"),
];

const TABLE: &str = r#"
action | list | getActions | <project_id> |
action | available | getAvailableActions | |
action | events | getAvailableActionEvents | |
action | compatible-events | getCompatibleActionEvents | <action_name> |
action | create | createAction | <project_id> <event_name> <action_name> -p/--param:params[kv] | Action #{id} created.
action | remove | removeAction | <action_id> +remove | Action #{action_id} removed.
app | version | getVersion | |
app | timezone | getTimezone | |
app | colors | getDefaultTaskColors | |
app | default-color | getDefaultTaskColor | |
board | show | getBoard | <project_id> |
category | list | getAllCategories | <project_id> |
category | get | getCategory | <category_id> |
category | create | createCategory | <project_id> <name> --color-id | Category #{id} created.
category | update | updateCategory | <category_id:id> <name> --color-id | Category #{category_id} updated.
category | remove | removeCategory | <category_id> +remove | Category #{category_id} removed.
column | list | getColumns | <project_id> |
column | get | getColumn | <column_id> |
column | add | addColumn | <project_id> <title> --task-limit -d/--description | Column #{id} added.
column | update | updateColumn | <column_id> <title> --task-limit -d/--description | Column #{column_id} updated.
column | remove | removeColumn | <column_id> +remove | Column #{column_id} removed.
column | move | changeColumnPosition | <project_id> <column_id> <position> | Column #{column_id} moved to position {position}.
comment | list | getAllComments | <task_id> |
comment | get | getComment | <comment_id> |
comment | add | createComment | <task_id> <content> --user-id! | Comment #{id} added.
comment | update | updateComment | <comment_id:id> <content> | Comment #{comment_id} updated.
comment | remove | removeComment | <comment_id> +remove | Comment #{comment_id} removed.
external-link | types | getExternalTaskLinkTypes | |
external-link | dependencies | getExternalTaskLinkProviderDependencies | <provider_name> |
external-link | list | getAllExternalTaskLinks | <task_id> |
external-link | get | getExternalTaskLinkById | <task_id> <link_id> |
external-link | create | createExternalTaskLink | <task_id> <url> <dependency> --type --title | External link #{id} created.
external-link | update | updateExternalTaskLink | <task_id> <link_id> <title> <url> --dependency | External link #{link_id} updated.
external-link | remove | removeExternalTaskLink | <task_id> <link_id> +remove | External link #{link_id} removed.
group | list | getAllGroups | |
group | get | getGroup | <group_id> |
group | create | createGroup | <name> --external-id | Group '{name}' created with ID #{id}.
group | update | updateGroup | <group_id> --name --external-id +one | Group #{group_id} updated.
group | remove | removeGroup | <group_id> +remove | Group #{group_id} removed.
group member | list | getGroupMembers | <group_id> |
group member | groups | getMemberGroups | <user_id> |
group member | add | addGroupMember | <group_id> <user_id> | User #{user_id} added to group #{group_id}.
group member | remove | removeGroupMember | <group_id> <user_id> +remove | User #{user_id} removed from group #{group_id}.
group member | check | isGroupMember | <group_id> <user_id> |
link | list | getAllLinks | |
link | get | getLinkById | <link_id> |
link | get-by-label | getLinkByLabel | <label> |
link | create | createLink | <label> --opposite-label | Link type #{id} created.
link | update | updateLink | <link_id> <opposite_link_id> <label> | Link type #{link_id} updated.
link | remove | removeLink | <link_id> +remove | Link type #{link_id} removed.
me | dashboard | getMyDashboard | |
me | activity | getMyActivityStream | |
me | projects | getMyProjects | |
me | overdue | getMyOverdueTasks | |
me | create-project | createMyPrivateProject | <name> --description | Created private project #{id}.
project | list | getAllProjects | |
project | get | getProjectById | <project_id> |
project | create | createProject | <name> -d/--description --owner-id --identifier --start-date --end-date | Project #{id} created.
project | update | updateProject | <project_id> --name -d/--description --owner-id --identifier +one | Project #{project_id} updated.
project | remove | removeProject | <project_id> +remove | Project #{project_id} removed.
project | enable | enableProject | <project_id> | Project #{project_id} enabled.
project | disable | disableProject | <project_id> | Project #{project_id} disabled.
project | activity | getProjectActivity | <project_id> |
project-access | list | getProjectUsers | <project_id> |
project-access | assignable | getAssignableUsers | <project_id> |
project-access | add-user | addProjectUser | <project_id> <user_id> --role | User {user_id} added to project {project_id}.
project-access | add-group | addProjectGroup | <project_id> <group_id> --role | Group {group_id} added to project {project_id}.
project-access | remove-user | removeProjectUser | <project_id> <user_id> +remove | User {user_id} removed from project {project_id}.
project-access | remove-group | removeProjectGroup | <project_id> <group_id> +remove | Group {group_id} removed from project {project_id}.
project-access | set-user-role | changeProjectUserRole | <project_id> <user_id> <role> | User {user_id} role set to {role} in project {project_id}.
project-access | set-group-role | changeProjectGroupRole | <project_id> <group_id> <role> | Group {group_id} role set to {role} in project {project_id}.
project-access | user-role | getProjectUserRole | <project_id> <user_id> |
project-file | list | getAllProjectFiles | <project_id> |
project-file | get | getProjectFile | <project_id> <file_id> |
project-file | upload | createProjectFile | <project_id> <filepath:@blob> | File '{filename}' uploaded as project file #{id}.
project-file | remove | removeProjectFile | <project_id> <file_id> +remove | Project file #{file_id} removed.
project-file | remove-all | removeAllProjectFiles | <project_id> +remove | All files removed from project {project_id}.
project-meta | list | getProjectMetadata | <project_id> |
project-meta | get | getProjectMetadataByName | <project_id> <name> |
project-meta | set | saveProjectMetadata | <project_id> <key> <value> {values} | Metadata '{key}' saved on project {project_id}.
project-meta | remove | removeProjectMetadata | <project_id> <name> +remove | Metadata '{name}' removed from project {project_id}.
subtask | list | getAllSubtasks | <task_id> |
subtask | get | getSubtask | <subtask_id> |
subtask | create | createSubtask | <task_id> <title> --user-id --time-estimated --status | Subtask #{id} created.
subtask | update | updateSubtask | <subtask_id:id> <task_id> --title --user-id --time-estimated --time-spent --status | Subtask #{subtask_id} updated.
subtask | remove | removeSubtask | <subtask_id> +remove | Subtask #{subtask_id} removed.
swimlane | list | getActiveSwimlanes/getAllSwimlanes@all | <project_id> --all? |
swimlane | get | getSwimlane | <swimlane_id> |
swimlane | get-by-name | getSwimlaneByName | <project_id> <name> |
swimlane | add | addSwimlane | <project_id> <name> -d/--description | Swimlane #{id} added.
swimlane | update | updateSwimlane | <project_id> <swimlane_id> <name> -d/--description | Swimlane #{swimlane_id} updated.
swimlane | remove | removeSwimlane | <project_id> <swimlane_id> +remove | Swimlane #{swimlane_id} removed.
swimlane | enable | enableSwimlane | <project_id> <swimlane_id> | Swimlane #{swimlane_id} enabled.
swimlane | disable | disableSwimlane | <project_id> <swimlane_id> | Swimlane #{swimlane_id} disabled.
swimlane | move | changeSwimlanePosition | <project_id> <swimlane_id> <position> | Swimlane #{swimlane_id} moved to position {position}.
tag | list | getAllTags/getTagsByProject@project_id | --project-id |
tag | get | getTaskTags | <task_id> |
tag | create | createTag | <project_id> <tag_name:tag> --color-id | Tag #{id} created.
tag | update | updateTag | <tag_id> <tag_name:tag> --color-id | Tag #{tag_id} updated.
tag | remove | removeTag | <tag_id> +remove | Tag #{tag_id} removed.
tag | set | setTaskTags | <project_id> <task_id> <tags...> | Tags set on task #{task_id}.
task | list | getAllTasks | <project_id> --status:status_id{active=1,inactive=0}=active |
task | get | getTask | <task_id> |
task | create | createTask | <project_id> <title> --owner-id --column-id --swimlane-id --due:date_due -d/--description --color:color_id --category-id --score --priority --reference --tag:tags | Task #{id} created.
task | update | updateTask | <task_id> --title --color:color_id --due:date_due -d/--description --owner-id --category-id --score --priority --reference --tag:tags +one | Task #{task_id} updated.
task | close | closeTask | <task_id> | Task #{task_id} closed.
task | open | openTask | <task_id> | Task #{task_id} reopened.
task | remove | removeTask | <task_id> +remove | Task #{task_id} removed.
task | search | searchTasks | <project_id> <query> |
task | move | moveTaskPosition | <task_id> --project-id! --column-id! --position! --swimlane-id! | Task #{task_id} moved.
task | move-to-project | moveTaskToProject | <task_id> <project_id> --swimlane-id --column-id --category-id --owner-id | Task #{task_id} moved to project #{project_id}.
task | duplicate | duplicateTaskToProject | <task_id> <project_id> --swimlane-id --column-id | Task #{task_id} duplicated as task #{id} in project #{project_id}.
task | overdue | getOverdueTasks/getOverdueTasksByProject@project_id | --project-id |
task-file | list | getAllTaskFiles | <task_id> |
task-file | get | getTaskFile | <file_id> |
task-file | upload | createTaskFile | <project_id> <task_id> <filepath:@blob> | File '{filename}' uploaded as task file #{id}.
task-file | remove | removeTaskFile | <file_id> +remove | Task file #{file_id} removed.
task-file | remove-all | removeAllTaskFiles | <task_id> +remove | All files removed from task {task_id}.
task-link | list | getAllTaskLinks | <task_id> +inert:--with-project |
task-link | get | getTaskLinkById | <task_link_id> |
task-link | create | createTaskLink | <task_id> <opposite_task_id> <link_id> | Task link #{id} created.
task-link | update | updateTaskLink | <task_link_id> <task_id> <opposite_task_id> <link_id> | Task link #{task_link_id} updated.
task-link | remove | removeTaskLink | <task_link_id> +remove | Task link #{task_link_id} removed.
task-meta | list | getTaskMetadata | <task_id> |
task-meta | get | getTaskMetadataByName | <task_id> <name> |
task-meta | set | saveTaskMetadata | <task_id> <key> <value> {values} | Metadata '{key}' saved on task {task_id}.
task-meta | remove | removeTaskMetadata | <task_id> <name> +remove | Metadata '{name}' removed from task {task_id}.
timer | status | hasSubtaskTimer | <subtask_id> --user-id! |
timer | start | setSubtaskStartTime | <subtask_id> --user-id! | Timer started for subtask #{subtask_id}.
timer | stop | setSubtaskEndTime | <subtask_id> --user-id! | Timer stopped for subtask #{subtask_id}.
timer | spent | getSubtaskTimeSpent | <subtask_id> --user-id! |
user | list | getAllUsers | |
user | get | getUser | <user_id> |
user | get-by-name | getUserByName | <username> |
user | create | createUser | <username> --password --name --email --role | User #{id} created.
user | update | updateUser | <user_id:id> --username --name --email --role +one | User #{user_id} updated.
user | remove | removeUser | <user_id> +remove | User #{user_id} removed.
user | enable | enableUser | <user_id> | User #{user_id} enabled.
user | disable | disableUser | <user_id> | User #{user_id} disabled.
user | is-active | isActiveUser | <user_id> |
"#;

/// Named JSON values: a call's parameters, or the values a message names.
type Params = Map<String, Value>;

/// One argument of a kanboard-cli command.
#[derive(Debug, Clone, PartialEq)]
pub enum ArgSpec {
    /// A positional (`id` is its clap id and shown name), for parameter `param`.
    Pos {
        id: String,
        param: String,
        rest: bool,
    },
    /// An option; `param` is None for a switch that only selects the other method.
    Opt {
        long: String,
        short: Option<char>,
        param: Option<String>,
        required: bool,
        choice: Option<(Vec<(String, Value)>, String)>,
        pairs: bool,
    },
    /// Two positionals KEY VALUE sent as the one-entry map `param`.
    MapEntry { param: String },
    /// A file path: content into `blob`, base name into `filename`.
    Upload { id: String, blob: String },
}

/// One kanboard-cli command.
#[derive(Debug, Clone)]
pub struct Spec {
    /// `task`, or `group member` for a nested group.
    pub group: String,
    pub name: String,
    pub rpc: String,
    /// The other method and the argument that selects it.
    pub alt: Option<(String, String)>,
    pub args: Vec<ArgSpec>,
    pub done: Option<String>,
    pub remove: bool,
    pub needs_option: bool,
    pub inert: Vec<String>,
}

fn parse_arg(tok: &str) -> Result<ArgSpec, String> {
    if let Some(inner) = tok.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
        let (inner, rest) = match inner.strip_suffix("...") {
            Some(i) => (i, true),
            None => (inner, false),
        };
        return Ok(match inner.split_once(':') {
            Some((id, blob)) if blob.starts_with('@') => ArgSpec::Upload {
                id: id.into(),
                blob: blob[1..].into(),
            },
            Some((id, param)) => ArgSpec::Pos {
                id: id.into(),
                param: param.into(),
                rest,
            },
            None => ArgSpec::Pos {
                id: inner.into(),
                param: inner.into(),
                rest,
            },
        });
    }
    if let Some(p) = tok.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        return Ok(ArgSpec::MapEntry { param: p.into() });
    }
    let (short, body) = match tok.split_once('/') {
        Some((s, b)) if s.len() == 2 && s.starts_with('-') => (s.chars().nth(1), b),
        _ => (None, tok),
    };
    let body = body
        .strip_prefix("--")
        .ok_or_else(|| format!("bad argument {tok:?}"))?;
    let (body, required) = match body.strip_suffix('!') {
        Some(b) => (b, true),
        None => (body, false),
    };
    if let Some(long) = body.strip_suffix('?') {
        return Ok(ArgSpec::Opt {
            long: long.into(),
            short,
            param: None,
            required: false,
            choice: None,
            pairs: false,
        });
    }
    let (long, param_part) = match body.split_once(':') {
        Some((l, p)) => (l.to_owned(), p.to_owned()),
        None => (body.to_owned(), body.replace('-', "_")),
    };
    let mut choice = None;
    let mut pairs = false;
    let param = if let Some(p) = param_part.strip_suffix("[kv]") {
        pairs = true;
        p.to_owned()
    } else if let Some((p, rest)) = param_part.split_once('{') {
        let (map, default) = rest
            .split_once("}=")
            .ok_or_else(|| format!("choice without default in {tok:?}"))?;
        let values = map
            .split(',')
            .map(|kv| {
                let (k, v) = kv.split_once('=').ok_or(format!("bad choice {kv:?}"))?;
                let v: Value = serde_json::from_str(v).unwrap_or(Value::String(v.into()));
                Ok((k.to_owned(), v))
            })
            .collect::<Result<Vec<_>, String>>()?;
        choice = Some((values, default.to_owned()));
        p.to_owned()
    } else {
        param_part
    };
    Ok(ArgSpec::Opt {
        long,
        short,
        param: Some(param),
        required,
        choice,
        pairs,
    })
}

/// Every kanboard-cli command of the table.
pub fn specs() -> Vec<Spec> {
    TABLE
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| parse_line(line).unwrap_or_else(|e| panic!("compat table: {e} in {line:?}")))
        .collect()
}

fn parse_line(line: &str) -> Result<Spec, String> {
    let cols: Vec<&str> = line.split('|').map(str::trim).collect();
    let [group, name, rpc, args, done] = cols[..] else {
        return Err("expected 5 columns".into());
    };
    let (rpc, alt) = match rpc.split_once('/') {
        Some((main, other)) => {
            let (other, when) = other.split_once('@').ok_or("alternative without @arg")?;
            (main, Some((other.to_owned(), when.to_owned())))
        }
        None => (rpc, None),
    };
    let mut spec = Spec {
        group: group.into(),
        name: name.into(),
        rpc: rpc.into(),
        alt,
        args: Vec::new(),
        done: (!done.is_empty()).then(|| done.to_owned()),
        remove: false,
        needs_option: false,
        inert: Vec::new(),
    };
    let mut pending: Vec<String> = Vec::new();
    for tok in args.split_whitespace() {
        match tok {
            "+remove" => spec.remove = true,
            "+one" => spec.needs_option = true,
            t if t.starts_with("+inert:") => spec.inert.push(t["+inert:--".len()..].to_owned()),
            t if t.starts_with('{') => {
                // `<key> <value> {p}`: the two positionals before it belong to the map entry.
                for _ in 0..2 {
                    pending.pop();
                    spec.args.pop();
                }
                spec.args.push(parse_arg(t)?);
            }
            t => {
                pending.push(t.to_owned());
                spec.args.push(parse_arg(t)?);
            }
        }
    }
    Ok(spec)
}

impl Spec {
    fn methods(&self) -> Vec<&'static MethodDescriptor> {
        std::iter::once(self.rpc.as_str())
            .chain(self.alt.as_ref().map(|(m, _)| m.as_str()))
            .filter_map(MethodDescriptor::find)
            .collect()
    }

    /// The parameter descriptor of `name` in the command's method(s).
    fn param(&self, name: &str) -> Option<&'static ParamDescriptor> {
        self.methods()
            .into_iter()
            .flat_map(|m| m.params.iter())
            .find(|p| p.name == name)
    }

    /// The clap command, named as kanboard-cli names it.
    pub fn command(&self) -> Command {
        let main = MethodDescriptor::find(&self.rpc).expect("compat method in schema");
        let mut about = main.summary.to_owned();
        let mut also = format!(
            "kanboard-cli's `{} {}`; calls `{}`",
            self.group, self.name, self.rpc
        );
        if let Some((other, when)) = &self.alt {
            also.push_str(&format!(", or `{other}` with --{}", when.replace('_', "-")));
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
            cmd = cmd.arg(crate::schema_cmd::yes_arg());
        }
        cmd
    }

    fn clap_args(&self, a: &ArgSpec) -> Vec<Arg> {
        let param = |name: &str| {
            self.param(name)
                .unwrap_or_else(|| panic!("{} {}: no parameter {name}", self.group, self.name))
        };
        match a {
            ArgSpec::Pos { id, param: p, rest } => {
                let mut arg = params::arg(id, id, param(p), Placement::Positional);
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
                    arg = arg.help(format!("Call `{other}` instead"));
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
                let desc = param(p);
                let mut arg = if let Some((values, default)) = choice {
                    let names: Vec<String> = values.iter().map(|(k, _)| k.clone()).collect();
                    Arg::new(id)
                        .long(long.clone())
                        .value_parser(clap::builder::PossibleValuesParser::new(names))
                        .default_value(default.clone())
                        .help(format!("Sent as `{}`", desc.wire))
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
                return MethodDescriptor::find(other).expect("compat method in schema");
            }
        }
        MethodDescriptor::find(&self.rpc).expect("compat method in schema")
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
    pub async fn run(&self, ctx: &crate::app::Ctx, m: &ArgMatches) -> Result<Outcome, Failure> {
        let desc = self.method(m);
        let (params, named) = self.params(m, desc)?;
        if self.remove {
            let question = format!(
                "Run `{} {}` ({}) with {}?",
                self.group,
                self.name,
                desc.rpc_name,
                invoke::describe(&params)
            );
            crate::schema_cmd::confirm_removal(m, &question)?;
        }
        let kb = ctx.client()?;
        let value = invoke::call(ctx, &kb, desc, params).await?;
        Ok(match (&self.done, desc.returns.kind) {
            (Some(done), ReturnKind::NewId) => {
                let id = value.as_i64().unwrap_or_default();
                Outcome::Created(id, fill(done, &named, Some(id)))
            }
            (Some(done), _) => Outcome::Done(fill(done, &named, None)),
            (None, kind) => Outcome::Value(value, Some(kind)),
        })
    }
}

/// Fills `{name}` and `{id}` in a message.
fn fill(template: &str, named: &Map<String, Value>, id: Option<i64>) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_maps_onto_schema_parameters() {
        for s in specs() {
            assert!(MethodDescriptor::find(&s.rpc).is_some(), "{}", s.rpc);
            // Building the command checks every argument names a parameter of its method.
            s.command().debug_assert();
            let group = s.group.split(' ').next().unwrap();
            assert!(GROUPS.iter().any(|(g, _)| *g == group), "{group}");
        }
    }

    #[test]
    fn kanboard_cli_names_are_kept() {
        let specs = specs();
        let has = |g: &str, n: &str| specs.iter().any(|s| s.group == g && s.name == n);
        assert!(
            has("task", "create")
                && has("project-access", "add-user")
                && has("group member", "check")
        );
        assert!(specs.len() > 120, "{}", specs.len());
    }

    #[test]
    fn messages_fill_arguments_and_ids() {
        let mut named = Map::new();
        named.insert("task_id".into(), Value::from(5));
        assert_eq!(
            fill("Task #{task_id} moved.", &named, None),
            "Task #5 moved."
        );
        assert_eq!(
            fill("Task #{id} created.", &named, Some(7)),
            "Task #7 created."
        );
    }
}
