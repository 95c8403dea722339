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
//!   `+inert:--flag` accepts a kanboard-cli switch that changes nothing here (documented);
//!   `+view:board` / `+view:names` shows the result in table output as a drawn board / with
//!   column and swimlane names in place of their ids.
//! - `{p}` in the message is an argument's value, `{id}` the new id.

mod command;
mod spec;
mod table;

pub use command::{group, groups};
pub use spec::{ArgSpec, Spec, View, specs, table_errors};

#[cfg(test)]
mod tests {
    use super::command::{fill, removal_question};
    use super::spec::{specs, table_errors};
    use super::table::GROUPS;
    use serde_json::{Map, Value};

    #[test]
    fn every_line_maps_onto_schema_parameters() {
        assert_eq!(table_errors(), Vec::<String>::new());
        for s in specs() {
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
    fn views_are_read_from_the_table() {
        let view = |g: &str, n: &str| {
            specs()
                .iter()
                .find(|s| s.group == g && s.name == n)
                .and_then(|s| s.view)
        };
        assert_eq!(view("board", "show"), Some(super::View::Board));
        assert_eq!(view("task", "list"), Some(super::View::TaskNames));
        assert_eq!(view("task", "get"), Some(super::View::TaskNames));
        assert_eq!(view("task", "create"), None);
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

    #[test]
    fn every_removal_asks_in_words() {
        for s in specs().iter().filter(|s| s.remove) {
            let done = s.done.as_deref().unwrap_or_default();
            let q = removal_question(done);
            assert!(q.is_some(), "{} {}: {done:?}", s.group, s.name);
        }
        assert_eq!(
            removal_question("User #3 removed from group #2.").as_deref(),
            Some("Remove user #3 from group #2?")
        );
    }
}
